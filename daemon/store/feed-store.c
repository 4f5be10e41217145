/* feed-store.c: the feeds and feed_series tables. Prepared statements only; the caller holds
 * the transaction when several rows change together. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/feed-store.h"
#include "store/store-internal.h"

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
        while ((r = store_step(store, stmt, "load feeds")) > 0) {
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
        if (r < 0)
                goto fail;
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

int store_feed_insert(struct store *store, struct store_feed *feed) {
        int r = store_run(store,
                          "INSERT INTO feeds (subject_kind, subject_id, privacy, token_hash, publish_name,"
                          " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                          "tttbtt", feed->subject_kind, feed->subject_id, feed->privacy, feed->token_hash,
                          STORE_FEED_HASH_SIZE, feed->publish_name, feed->created_at);
        if (r < 0)
                return r;
        feed->id = store_last_insert_id(store);
        return 0;
}

int store_feed_set_token(struct store *store, int64_t id, const uint8_t hash[static STORE_FEED_HASH_SIZE],
                         const char *publish_name) {
        int r = store_run(store, "UPDATE feeds SET token_hash = ?, publish_name = ? WHERE id = ?", "bti", hash,
                          STORE_FEED_HASH_SIZE, publish_name, id);
        return r < 0 ? r : 0;
}

int store_feed_revoke(struct store *store, int64_t id, const char *when) {
        int r = store_run(store, "UPDATE feeds SET revoked_at = ? WHERE id = ?", "ti", when, id);
        return r < 0 ? r : 0;
}

int store_feed_set_fetched(struct store *store, int64_t id, const char *when) {
        int r = store_run(store, "UPDATE feeds SET last_fetched = ? WHERE id = ?", "ti", when, id);
        return r < 0 ? r : 0;
}

int store_feed_set_state(struct store *store, int64_t id, int64_t changed_at, const char *etag) {
        int r = store_run(store, "UPDATE feeds SET changed_at = ?, etag = ? WHERE id = ?", "iti", changed_at, etag, id);
        return r < 0 ? r : 0;
}

int store_feed_load_series(struct store *store, int64_t id, struct store_feed_series **ret_series,
                           size_t *ret_n) {
        sqlite3_stmt *stmt;
        struct store_feed_series *series = NULL;
        size_t n = 0;
        int r = store_query(store, &stmt,
                            "SELECT uid, fingerprint, sequence, last_modified FROM feed_series WHERE feed_id = ?"
                            " ORDER BY uid",
                            "i", id);
        if (r < 0)
                return r;
        while ((r = store_step(store, stmt, "load feed series")) > 0) {
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
        if (r < 0)
                goto fail;
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
        int r = 0;
        for (size_t i = 0; i < n && r >= 0; i++)
                r = store_run(store,
                              "INSERT OR REPLACE INTO feed_series (feed_id, uid, fingerprint, sequence, last_modified)"
                              " VALUES (?, ?, ?, ?, ?)",
                              "ittii", id, series[i].uid, series[i].fingerprint, (int64_t)series[i].sequence,
                              series[i].last_modified);
        return r < 0 ? r : 0;
}
