/* feed-store.c: the feeds and feed_series tables. Prepared statements only; the caller holds
 * the transaction when several rows change together. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/feed-store.h"

static char *column_strdup(sqlite3_stmt *stmt, int column) {
        const unsigned char *text = sqlite3_column_text(stmt, column);
        return text ? strdup((const char *)text) : NULL;
}

void store_feed_clear(struct store_feed *feed) {
        if (!feed)
                return;
        free(feed->subject_kind);
        free(feed->subject_id);
        free(feed->privacy);
        free(feed->publish_name);
        free(feed->created_at);
        free(feed->last_fetched);
        free(feed->revoked_at);
        free(feed->etag);
        memset(feed, 0, sizeof *feed);
}

void store_feed_series_free(struct store_feed_series *series, size_t n) {
        for (size_t i = 0; series && i < n; i++) {
                free(series[i].uid);
                free(series[i].fingerprint);
        }
        free(series);
}

int store_feed_load_all(struct store *store, struct store_feed **ret_feeds, size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        struct store_feed *feeds = NULL;
        size_t n = 0;
        int r = store_prepare(store,
                              "SELECT id, subject_kind, subject_id, privacy, token_hash, publish_name, created_at,"
                              " last_fetched, revoked_at, changed_at, etag FROM feeds ORDER BY id",
                              &stmt);
        if (r < 0)
                return r;
        int step;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct store_feed *grown = realloc(feeds, (n + 1) * sizeof *feeds);
                if (!grown) {
                        r = -ENOMEM;
                        goto fail;
                }
                feeds = grown;
                struct store_feed *f = &feeds[n++];
                memset(f, 0, sizeof *f);
                f->id = sqlite3_column_int64(stmt, 0);
                f->subject_kind = column_strdup(stmt, 1);
                f->subject_id = column_strdup(stmt, 2);
                f->privacy = column_strdup(stmt, 3);
                if (sqlite3_column_bytes(stmt, 4) == STORE_FEED_HASH_SIZE)
                        memcpy(f->token_hash, sqlite3_column_blob(stmt, 4), STORE_FEED_HASH_SIZE);
                f->publish_name = column_strdup(stmt, 5);
                f->created_at = column_strdup(stmt, 6);
                f->last_fetched = column_strdup(stmt, 7);
                f->revoked_at = column_strdup(stmt, 8);
                f->changed_at = sqlite3_column_int64(stmt, 9);
                f->etag = column_strdup(stmt, 10);
                if (!f->subject_kind || !f->subject_id || !f->privacy || !f->publish_name || !f->created_at ||
                    !f->etag) {
                        r = -ENOMEM;
                        goto fail;
                }
        }
        if (step != SQLITE_DONE) {
                r = store_fail(store, "load feeds");
                goto fail;
        }
        sqlite3_finalize(stmt);
        *ret_feeds = feeds;
        *ret_n = n;
        return 0;
fail:
        sqlite3_finalize(stmt);
        for (size_t i = 0; i < n; i++)
                store_feed_clear(&feeds[i]);
        free(feeds);
        return r;
}

static int step_done(struct store *store, sqlite3_stmt *stmt, const char *what) {
        int r = sqlite3_step(stmt) == SQLITE_DONE ? 0 : store_fail(store, what);
        sqlite3_finalize(stmt);
        return r;
}

int store_feed_insert(struct store *store, struct store_feed *feed) {
        sqlite3_stmt *stmt;
        int r = store_prepare(store,
                              "INSERT INTO feeds (subject_kind, subject_id, privacy, token_hash, publish_name,"
                              " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                              &stmt);
        if (r < 0)
                return r;
        sqlite3_bind_text(stmt, 1, feed->subject_kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, feed->subject_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, feed->privacy, -1, SQLITE_STATIC);
        sqlite3_bind_blob(stmt, 4, feed->token_hash, STORE_FEED_HASH_SIZE, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 5, feed->publish_name, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 6, feed->created_at, -1, SQLITE_STATIC);
        r = step_done(store, stmt, "insert feed");
        if (r >= 0)
                feed->id = sqlite3_last_insert_rowid(store->db);
        return r;
}

int store_feed_set_token(struct store *store, int64_t id, const uint8_t hash[static STORE_FEED_HASH_SIZE],
                         const char *publish_name) {
        sqlite3_stmt *stmt;
        int r = store_prepare(store, "UPDATE feeds SET token_hash = ?, publish_name = ? WHERE id = ?", &stmt);
        if (r < 0)
                return r;
        sqlite3_bind_blob(stmt, 1, hash, STORE_FEED_HASH_SIZE, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, publish_name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 3, id);
        return step_done(store, stmt, "rotate feed token");
}

static int set_text(struct store *store, const char *sql, int64_t id, const char *value, const char *what) {
        sqlite3_stmt *stmt;
        int r = store_prepare(store, sql, &stmt);
        if (r < 0)
                return r;
        sqlite3_bind_text(stmt, 1, value, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, id);
        return step_done(store, stmt, what);
}

int store_feed_revoke(struct store *store, int64_t id, const char *when) {
        return set_text(store, "UPDATE feeds SET revoked_at = ? WHERE id = ?", id, when, "revoke feed");
}

int store_feed_set_fetched(struct store *store, int64_t id, const char *when) {
        return set_text(store, "UPDATE feeds SET last_fetched = ? WHERE id = ?", id, when, "record feed fetch");
}

int store_feed_set_state(struct store *store, int64_t id, int64_t changed_at, const char *etag) {
        sqlite3_stmt *stmt;
        int r = store_prepare(store, "UPDATE feeds SET changed_at = ?, etag = ? WHERE id = ?", &stmt);
        if (r < 0)
                return r;
        sqlite3_bind_int64(stmt, 1, changed_at);
        sqlite3_bind_text(stmt, 2, etag, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 3, id);
        return step_done(store, stmt, "save feed state");
}

int store_feed_load_series(struct store *store, int64_t id, struct store_feed_series **ret_series,
                           size_t *ret_n) {
        sqlite3_stmt *stmt;
        struct store_feed_series *series = NULL;
        size_t n = 0;
        int r = store_prepare(store,
                              "SELECT uid, fingerprint, sequence, last_modified FROM feed_series WHERE feed_id = ?"
                              " ORDER BY uid",
                              &stmt);
        if (r < 0)
                return r;
        sqlite3_bind_int64(stmt, 1, id);
        int step;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct store_feed_series *grown = realloc(series, (n + 1) * sizeof *series);
                if (!grown) {
                        r = -ENOMEM;
                        goto fail;
                }
                series = grown;
                struct store_feed_series *s = &series[n++];
                s->uid = column_strdup(stmt, 0);
                s->fingerprint = column_strdup(stmt, 1);
                s->sequence = (unsigned)sqlite3_column_int64(stmt, 2);
                s->last_modified = sqlite3_column_int64(stmt, 3);
                if (!s->uid || !s->fingerprint) {
                        r = -ENOMEM;
                        goto fail;
                }
        }
        if (step != SQLITE_DONE) {
                r = store_fail(store, "load feed series");
                goto fail;
        }
        sqlite3_finalize(stmt);
        *ret_series = series;
        *ret_n = n;
        return 0;
fail:
        sqlite3_finalize(stmt);
        store_feed_series_free(series, n);
        return r;
}

int store_feed_save_series(struct store *store, int64_t id, const struct store_feed_series *series, size_t n) {
        sqlite3_stmt *stmt;
        int r = store_prepare(store,
                              "INSERT OR REPLACE INTO feed_series (feed_id, uid, fingerprint, sequence, last_modified)"
                              " VALUES (?, ?, ?, ?, ?)",
                              &stmt);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n && r >= 0; i++) {
                sqlite3_reset(stmt);
                sqlite3_bind_int64(stmt, 1, id);
                sqlite3_bind_text(stmt, 2, series[i].uid, -1, SQLITE_STATIC);
                sqlite3_bind_text(stmt, 3, series[i].fingerprint, -1, SQLITE_STATIC);
                sqlite3_bind_int64(stmt, 4, series[i].sequence);
                sqlite3_bind_int64(stmt, 5, series[i].last_modified);
                if (sqlite3_step(stmt) != SQLITE_DONE)
                        r = store_fail(store, "save feed series");
        }
        sqlite3_finalize(stmt);
        return r;
}
