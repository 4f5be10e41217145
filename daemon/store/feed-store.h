/* feed-store.h: the feeds table (tokens only as SHA-256 hashes) and the per-feed revisions of
 * each event, so SEQUENCE and LAST-MODIFIED survive restarts. */
#pragma once

#include <stdint.h>
#include <stddef.h>

#include "store/store.h"

#define STORE_FEED_HASH_SIZE 32

struct store_feed {
        int64_t id;
        char *subject_kind; /* "teacher", "staff", "student", "group" */
        char *subject_id;
        char *privacy; /* "full", "initials", "busy" */
        uint8_t token_hash[STORE_FEED_HASH_SIZE];
        char *publish_name; /* file name (without .ics) for `pullout publish` */
        char *created_at;
        char *last_fetched; /* NULL: never */
        char *revoked_at; /* NULL: active */
        int64_t changed_at; /* Unix seconds the feed's content last changed; 0: never built */
        char *etag; /* of the bytes last built, "" before */
};

struct store_feed_series {
        char *uid;
        char *fingerprint;
        unsigned sequence;
        int64_t last_modified;
};

void store_feed_clear(struct store_feed *feed);
void store_feed_series_free(struct store_feed_series *series, size_t n);

/* Every feed, revoked ones too, by id. */
int store_feed_load_all(struct store *store, struct store_feed **ret_feeds, size_t *ret_n);
/* Inserts feed (id ignored) and sets feed->id. */
int store_feed_insert(struct store *store, struct store_feed *feed);
int store_feed_set_token(struct store *store, int64_t id, const uint8_t hash[static STORE_FEED_HASH_SIZE],
                         const char *publish_name);
int store_feed_revoke(struct store *store, int64_t id, const char *when);
int store_feed_set_fetched(struct store *store, int64_t id, const char *when);
int store_feed_set_state(struct store *store, int64_t id, int64_t changed_at, const char *etag);
int store_feed_load_series(struct store *store, int64_t id, struct store_feed_series **ret_series,
                           size_t *ret_n);
/* Inserts or replaces the given rows of feed id (others stay). */
int store_feed_save_series(struct store *store, int64_t id, const struct store_feed_series *series, size_t n);
