/* alert-store.h: the coordinator's alerts in the database (DESIGN §6): one alert open per cause
 * key, its occurrences (count, first and last seen), its state (open, acknowledged, resolved),
 * the alert command's delivery state and what the last digest said of it. Writers run inside the caller's
 * transaction; readers return malloc'd rows. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* What the alert command has done with an alert. */
enum alert_command_state {
        ALERT_COMMAND_NONE, /* no alert command was set when it was raised */
        ALERT_COMMAND_PENDING, /* to run at command_next_at */
        ALERT_COMMAND_DONE,
        ALERT_COMMAND_FAILED, /* given up after its attempts */
        ALERT_COMMAND_STATE_COUNT
};
/* "none", "pending", "done", "failed"; NULL-terminated. */
extern const char *const alert_command_state_names[ALERT_COMMAND_STATE_COUNT + 1];

/* Where an alert is in its life. Acknowledged is open and seen by a person; resolved is over
 * (its cause went away) and stays as history. */
enum alert_state {
        ALERT_OPEN,
        ALERT_ACKNOWLEDGED,
        ALERT_RESOLVED,
        ALERT_STATE_COUNT
};
/* "open", "acknowledged", "resolved"; NULL-terminated. */
extern const char *const alert_state_names[ALERT_STATE_COUNT + 1];

struct store_alert {
        int64_t id;
        char *kind; /* missed_session, low_dosage, low_fidelity, repeated_miss, progress_decision */
        char *key; /* the cause: one alert per key */
        char *created_at;
        char *session_id, *student_id, *group_id, *staff_id; /* NULL when not about one */
        char *message;
        char *document; /* the alert as JSON, as signalled and handed to the alert command */
        char *acked_at; /* NULL until acknowledged */
        enum alert_command_state command_state;
        int command_attempts;
        int64_t command_next_at; /* Unix seconds */
        enum alert_state state;
        int64_t count; /* occurrences of the cause while this alert was not resolved */
        char *first_seen, *last_seen, *resolved_at; /* resolved_at NULL unless resolved */
        int digested_state; /* an enum alert_state the last digest reported, -1 when none did */
};

/* Which alerts a list shows: all (every state) or those not yet acknowledged or resolved; the
 * rest narrow it when not NULL. since: last seen on or after that day (YYYY-MM-DD). */
struct store_alert_filter {
        bool all;
        const char *kind, *student_id, *group_id, *staff_id, *since;
};

void store_alert_clear(struct store_alert *alert);
void store_alerts_free(struct store_alert *alerts, size_t n);

/* An occurrence of alert's cause (key) at alert->created_at: a new open alert (1, its id in
 * *ret_id) unless the cause has one not resolved, which then counts it, is last seen now and
 * takes the new message and session (0, its id). id, document, state and attempts ignored. */
int store_alert_raise(struct store *store, const struct store_alert *alert, int64_t *ret_id);
/* The message of the cause's alert not resolved, without an occurrence (the cause changed, say
 * one of its missed sessions was logged): 1 with its id, 0 when there is none. */
int store_alert_refresh(struct store *store, const char *key, const char *message, int64_t *ret_id);
/* The cause went away: its alert not resolved is resolved at at. 1 with its id, 0 when none. */
int store_alert_resolve(struct store *store, const char *key, const char *at, int64_t *ret_id);
/* The JSON document of alert id (it carries the id, known only once the row exists). */
int store_alert_set_document(struct store *store, int64_t id, const char *document);
/* -ENOENT when there is no alert id. */
int store_alert_get(struct store *store, int64_t id, struct store_alert *ret_alert);
/* The alerts filter lets through, oldest first. */
int store_alert_list(struct store *store, const struct store_alert_filter *filter, struct store_alert **ret_alerts,
                     size_t *ret_n);
/* 0; -ENOENT when there is no alert id; -EALREADY when it was acknowledged or resolved before. */
int store_alert_ack(struct store *store, int64_t id, const char *at);
/* Acknowledges every open alert of kind first seen before the day before (all of them when
 * before is NULL): how many, or -errno. */
int store_alert_ack_kind(struct store *store, const char *kind, const char *before, const char *at);

/* For the digest: the alerts it has to report (new, changed state, or still open), and the
 * record of what it said. */
int store_alert_digest_list(struct store *store, struct store_alert **ret_alerts, size_t *ret_n);
int store_alert_digested(struct store *store, int64_t id, enum alert_state state);
/* The last day (YYYY-MM-DD) a digest was made, "" when none; recording one. */
int store_alert_digest_last(struct store *store, char day[static 11]);
int store_alert_digest_record(struct store *store, const char *day, const char *at);

/* The pending alert whose command is due first: 1 and *ret_alert, or 0 when none is pending. */
int store_alert_next_command(struct store *store, struct store_alert *ret_alert);
/* The alert command ran for alert id: done, or failed for the attempts-th time and either
 * pending again from next_at or failed for good (give_up). */
int store_alert_command_done(struct store *store, int64_t id);
int store_alert_command_failed(struct store *store, int64_t id, int attempts, bool give_up, int64_t next_at);
