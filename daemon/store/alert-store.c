/* alert-store.c: the alerts table. A cause has at most one alert not resolved (a partial unique
 * index on key); the row carries its occurrences, its state, the alert command's attempts and
 * what the digest last said of it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/alert-store.h"
#include "store/store-internal.h"

const char *const alert_command_state_names[ALERT_COMMAND_STATE_COUNT + 1] = {
        [ALERT_COMMAND_NONE] = "none",
        [ALERT_COMMAND_PENDING] = "pending",
        [ALERT_COMMAND_DONE] = "done",
        [ALERT_COMMAND_FAILED] = "failed",
        [ALERT_COMMAND_STATE_COUNT] = NULL,
};

const char *const alert_state_names[ALERT_STATE_COUNT + 1] = {
        [ALERT_OPEN] = "open",
        [ALERT_ACKNOWLEDGED] = "acknowledged",
        [ALERT_RESOLVED] = "resolved",
        [ALERT_STATE_COUNT] = NULL,
};

#define ALERT_COLUMNS                                                                                             \
        "id, kind, key, created_at, session_id, student_id, group_id, staff_id, message, document, acked_at,"    \
        " command_state, command_attempts, command_next_at, state, count, first_seen, last_seen, resolved_at," \
        " digested_state"

void store_alert_clear(struct store_alert *alert) {
        if (!alert)
                return;
        free(alert->kind);
        free(alert->key);
        free(alert->created_at);
        free(alert->session_id);
        free(alert->student_id);
        free(alert->group_id);
        free(alert->staff_id);
        free(alert->message);
        free(alert->document);
        free(alert->acked_at);
        free(alert->first_seen);
        free(alert->last_seen);
        free(alert->resolved_at);
        *alert = (struct store_alert){ 0 };
}


/* One row of ALERT_COLUMNS. */
static int read_alert(sqlite3_stmt *stmt, struct store_alert *ret) {
        struct store_alert a = { .id = sqlite3_column_int64(stmt, 0) };
        char **texts[] = { &a.kind, &a.key, &a.created_at, &a.session_id, &a.student_id, &a.group_id,
                           &a.staff_id, &a.message, &a.document, &a.acked_at };
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
                if (store_column_strdup(stmt, (int)i + 1, texts[i]) < 0) {
                        store_alert_clear(&a);
                        return -ENOMEM;
                }
        int state = name_lookup(alert_command_state_names, store_column_text(stmt, 11));
        a.command_state = state < 0 ? ALERT_COMMAND_NONE : (enum alert_command_state)state;
        a.command_attempts = sqlite3_column_int(stmt, 12);
        a.command_next_at = sqlite3_column_int64(stmt, 13);
        state = name_lookup(alert_state_names, store_column_text(stmt, 14));
        a.state = state < 0 ? ALERT_OPEN : (enum alert_state)state;
        a.count = sqlite3_column_int64(stmt, 15);
        a.digested_state = store_column_null(stmt, 19) ? -1 : name_lookup(alert_state_names, store_column_text(stmt, 19));
        char **more[] = { &a.first_seen, &a.last_seen, &a.resolved_at };
        for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
                if (store_column_strdup(stmt, (int)i + 16, more[i]) < 0) {
                        store_alert_clear(&a);
                        return -ENOMEM;
                }
        *ret = a;
        return 0;
}

/* The id of the cause's alert not resolved, 0 when none. */
static int open_of(struct store *store, const char *key, int64_t *ret_id) {
        return store_int(store, 0, ret_id, "SELECT id FROM alerts WHERE key = ? AND state != 'resolved'", "t", key);
}

int store_alert_raise(struct store *store, const struct store_alert *alert, int64_t *ret_id) {
        int64_t existing = 0;
        int r = open_of(store, alert->key, &existing);
        if (r < 0)
                return r;
        if (existing > 0) {
                r = store_run(store,
                              "UPDATE alerts SET count = count + 1, last_seen = ?, message = ?,"
                              " session_id = coalesce(?, session_id) WHERE id = ?",
                              "ttti", alert->created_at, alert->message, alert->session_id, existing);
                if (r < 0)
                        return r;
                *ret_id = existing;
                return 0;
        }
        r = store_run(store,
                      "INSERT INTO alerts (kind, key, created_at, session_id, student_id, group_id, staff_id,"
                      " message, document, command_state, command_next_at, first_seen, last_seen)"
                      " VALUES (?,?,?,?,?,?,?,?,'',?,?,?,?)",
                      "tttttttttitt", alert->kind, alert->key, alert->created_at, alert->session_id,
                      alert->student_id, alert->group_id, alert->staff_id, alert->message,
                      alert_command_state_names[alert->command_state], alert->command_next_at, alert->created_at,
                      alert->created_at);
        if (r < 0)
                return r;
        *ret_id = store_last_insert_id(store);
        return 1;
}

int store_alert_refresh(struct store *store, const char *key, const char *message, int64_t *ret_id) {
        int64_t id = 0;
        int r = open_of(store, key, &id);
        if (r < 0 || id == 0)
                return r < 0 ? r : 0;
        if ((r = store_run(store, "UPDATE alerts SET message = ? WHERE id = ?", "ti", message, id)) < 0)
                return r;
        *ret_id = id;
        return 1;
}

int store_alert_resolve(struct store *store, const char *key, const char *at, int64_t *ret_id) {
        int64_t id = 0;
        int r = open_of(store, key, &id);
        if (r < 0 || id == 0)
                return r < 0 ? r : 0;
        if ((r = store_run(store, "UPDATE alerts SET state = 'resolved', resolved_at = ? WHERE id = ?", "ti", at, id)) <
            0)
                return r;
        *ret_id = id;
        return 1;
}

int store_alert_set_document(struct store *store, int64_t id, const char *document) {
        int r = store_run(store, "UPDATE alerts SET document = ? WHERE id = ?", "ti", document, id);
        return r < 0 ? r : 0;
}

int store_alert_get(struct store *store, int64_t id, struct store_alert *ret_alert) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt, "SELECT " ALERT_COLUMNS " FROM alerts WHERE id = ?", "i", id);
        if (r < 0)
                return r;
        r = store_step(store, stmt, "read alert");
        r = r == 0 ? -ENOENT : r < 0 ? r : read_alert(stmt, ret_alert);
        sqlite3_finalize(stmt);
        return r;
}

static int read_alert_element(struct store *store, sqlite3_stmt *stmt, void *element) {
        return read_alert(stmt, element);
}

static void clear_alert(void *element) {
        store_alert_clear(element);
}

int store_alert_list(struct store *store, const struct store_alert_filter *f, struct store_alert **ret_alerts,
                     size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT " ALERT_COLUMNS " FROM alerts WHERE (?1 OR state = 'open')"
                            " AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR student_id = ?3)"
                            " AND (?4 IS NULL OR group_id = ?4) AND (?5 IS NULL OR staff_id = ?5)"
                            " AND (?6 IS NULL OR last_seen >= ?6) ORDER BY id",
                            "dttttt", (int)f->all, f->kind, f->student_id, f->group_id, f->staff_id, f->since);
        return r < 0 ? r
                     : store_collect(store, stmt, "list alerts", sizeof **ret_alerts, read_alert_element, clear_alert,
                                     ret_alerts, ret_n);
}

int store_alert_ack(struct store *store, int64_t id, const char *at) {
        int r = store_run(store, "UPDATE alerts SET acked_at = ?, state = 'acknowledged' WHERE id = ? AND state = 'open'",
                          "ti", at, id);
        if (r != 0)
                return r < 0 ? r : 0;
        int64_t exists = 0;
        if ((r = store_int(store, 0, &exists, "SELECT COUNT(*) FROM alerts WHERE id = ?", "i", id)) < 0)
                return r;
        return exists ? -EALREADY : -ENOENT;
}

int store_alert_ack_kind(struct store *store, const char *kind, const char *before, const char *at) {
        return store_run(store,
                         "UPDATE alerts SET acked_at = ?1, state = 'acknowledged' WHERE state = 'open' AND kind = ?2"
                         " AND (?3 IS NULL OR first_seen < ?3)",
                         "ttt", at, kind, before);
}

/* New since the last digest (never reported), changed state since, or still not resolved. */
int store_alert_digest_list(struct store *store, struct store_alert **ret_alerts, size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT " ALERT_COLUMNS " FROM alerts WHERE state != 'resolved'"
                            " OR digested_state IS NULL OR digested_state != 'resolved' ORDER BY id",
                            "");
        return r < 0 ? r
                     : store_collect(store, stmt, "list alerts for the digest", sizeof **ret_alerts,
                                     read_alert_element, clear_alert, ret_alerts, ret_n);
}

int store_alert_digested(struct store *store, int64_t id, enum alert_state state) {
        int r = store_run(store, "UPDATE alerts SET digested_state = ? WHERE id = ?", "ti", alert_state_names[state], id);
        return r < 0 ? r : 0;
}

int store_alert_next_command(struct store *store, struct store_alert *ret_alert) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT " ALERT_COLUMNS " FROM alerts WHERE command_state = 'pending'"
                            " ORDER BY command_next_at, id LIMIT 1",
                            "");
        if (r < 0)
                return r;
        r = store_step(store, stmt, "next alert for the alert command");
        if (r > 0 && (r = read_alert(stmt, ret_alert)) >= 0)
                r = 1;
        sqlite3_finalize(stmt);
        return r;
}

int store_alert_command_done(struct store *store, int64_t id) {
        int r = store_run(store,
                          "UPDATE alerts SET command_state = 'done', command_attempts = command_attempts + 1 WHERE id = ?",
                          "i", id);
        return r < 0 ? r : 0;
}

int store_alert_command_failed(struct store *store, int64_t id, int attempts, bool give_up, int64_t next_at) {
        int r = store_run(store,
                          "UPDATE alerts SET command_state = ?, command_attempts = ?, command_next_at = ? WHERE id = ?",
                          "tdii", give_up ? "failed" : "pending", attempts, next_at, id);
        return r < 0 ? r : 0;
}

int store_alert_digest_last(struct store *store, char day[static 11]) {
        sqlite3_stmt *stmt = NULL;
        day[0] = '\0';
        int r = store_query(store, &stmt, "SELECT MAX(day) FROM alert_digests", "");
        if (r < 0)
                return r;
        r = store_step(store, stmt, "read the last digest");
        if (r > 0)
                snprintf(day, 11, "%s", store_column_text(stmt, 0));
        sqlite3_finalize(stmt);
        return r < 0 ? r : 0;
}

int store_alert_digest_record(struct store *store, const char *day, const char *at) {
        int r = store_run(store, "INSERT OR REPLACE INTO alert_digests (day, at) VALUES (?, ?)", "tt", day, at);
        return r < 0 ? r : 0;
}

void store_alerts_free(struct store_alert *alerts, size_t n) {
        store_array_free(alerts, n, sizeof *alerts, clear_alert);
}
