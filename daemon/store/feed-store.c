/* feed-store.c: the feeds and feed_series tables. Prepared statements only; the caller holds
 * the transaction when several rows change together. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/feed-store.h"
#include "store/store-internal.h"

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

static int read_feed(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct store_feed *f = element;
        f->id = sqlite3_column_int64(stmt, 0);
        if (sqlite3_column_bytes(stmt, 4) == STORE_FEED_HASH_SIZE)
                memcpy(f->token_hash, sqlite3_column_blob(stmt, 4), STORE_FEED_HASH_SIZE);
        f->changed_at = sqlite3_column_int64(stmt, 9);
        struct {
                int column;
                char **field;
        } texts[] = { { 1, &f->subject_kind }, { 2, &f->subject_id }, { 3, &f->privacy }, { 5, &f->publish_name },
                      { 6, &f->created_at }, { 7, &f->last_fetched }, { 8, &f->revoked_at }, { 10, &f->etag } };
        int r = 0;
        for (size_t i = 0; i < sizeof texts / sizeof texts[0] && r >= 0; i++)
                r = store_column_strdup(stmt, texts[i].column, texts[i].field);
        /* NOT NULL columns: only a failed copy leaves them NULL. */
        if (r >= 0 && (!f->subject_kind || !f->subject_id || !f->privacy || !f->publish_name || !f->created_at ||
                       !f->etag))
                r = -ENOMEM;
        return r;
}

static void clear_feed(void *element) {
        store_feed_clear(element);
}

int store_feed_load_all(struct store *store, struct store_feed **ret_feeds, size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT id, subject_kind, subject_id, privacy, token_hash, publish_name, created_at,"
                            " last_fetched, revoked_at, changed_at, etag FROM feeds ORDER BY id",
                            "");
        return r < 0 ? r : store_collect(store, stmt, "load feeds", sizeof **ret_feeds, read_feed, clear_feed, ret_feeds,
                                         ret_n);
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

static int read_series(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct store_feed_series *s = element;
        s->sequence = (unsigned)sqlite3_column_int64(stmt, 2);
        s->last_modified = sqlite3_column_int64(stmt, 3);
        int r = store_column_strdup(stmt, 0, &s->uid);
        if (r >= 0)
                r = store_column_strdup(stmt, 1, &s->fingerprint);
        if (r >= 0 && (!s->uid || !s->fingerprint))
                r = -ENOMEM;
        return r;
}

static void clear_series(void *element) {
        struct store_feed_series *s = element;
        free(s->uid);
        free(s->fingerprint);
}

int store_feed_load_series(struct store *store, int64_t id, struct store_feed_series **ret_series,
                           size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT uid, fingerprint, sequence, last_modified FROM feed_series WHERE feed_id = ?"
                            " ORDER BY uid",
                            "i", id);
        return r < 0 ? r
                     : store_collect(store, stmt, "load feed series", sizeof **ret_series, read_series, clear_series,
                                     ret_series, ret_n);
}

void store_feed_series_free(struct store_feed_series *series, size_t n) {
        store_array_free(series, n, sizeof *series, clear_series);
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
