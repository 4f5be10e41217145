/* feed-service.h: the feeds the daemon serves (DESIGN §5): tokens (only their hashes kept),
 * and each feed's bytes built once per change and cached for HTTP, publish and export. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ical/feed.h"
#include "service/why.h"
#include "store/feed-store.h"

struct daemon;

/* Live feeds one daemon keeps (every one is cached bytes in memory once fetched). */
#define FEEDS_MAX 20000
/* Feeds one Publish call hands over. */
#define FEED_PUBLISH_PAGE_MAX 64

#define FEED_TOKEN_BYTES 24 /* 192 random bits from getrandom(2) */
#define FEED_TOKEN_LENGTH 32 /* base64url without padding */
#define FEED_PUBLISH_NAME_BYTES 18
#define FEED_PUBLISH_NAME_LENGTH 24
#define FEED_ETAG_SIZE 67 /* a quoted SHA-256 in hex and a NUL */

struct feed {
        struct store_feed row;
        enum ical_feed_subject subject;
        enum ical_feed_privacy privacy;
        bool fetch_dirty; /* row.last_fetched not yet written to the store */
        /* the cache: valid until feeds_invalidate() */
        bool cached;
        char *bytes;
        size_t size;
        char etag[FEED_ETAG_SIZE];
        int64_t last_modified; /* Unix seconds, for Last-Modified */
};

struct feeds {
        struct feed *items;
        size_t n;
        struct event *flush_timer;
};

/* Reads every feed from the store into daemon->feeds and starts the timer that writes fetch
 * times back (fetches are counted in memory so serving a feed never writes to disk). */
int feeds_start(struct daemon *daemon);
/* Writes pending fetch times and frees everything. */
void feeds_stop(struct daemon *daemon);

/* Drops every cached feed: called when the data set, the schedule or a session changes. */
void feeds_invalidate(struct daemon *daemon);

/* The calls of `pullout feed` (errors as why.h says): a new feed on subject (kind, id) with
 * privacy (NULL or "": the subject's default), answered with its record and links (the only
 * time the token leaves the daemon); a new token for a feed (the old one stops working);
 * revoking one; the list. */
int feeds_create(struct daemon *daemon, const char *kind, const char *subject_id, const char *privacy,
                 struct json_object **ret, char why[static WHY_MAX]);
int feeds_rotate(struct daemon *daemon, int64_t id, struct json_object **ret, char why[static WHY_MAX]);
int feeds_revoke(struct daemon *daemon, int64_t id, char why[static WHY_MAX]);
int feeds_list(struct daemon *daemon, struct json_object **ret, char why[static WHY_MAX]);
struct feed *feeds_find(struct daemon *daemon, int64_t id);

/* The active feed whose token is text (exactly FEED_TOKEN_LENGTH base64url characters), or
 * NULL. Compares hashes in constant time. */
struct feed *feeds_lookup_token(struct daemon *daemon, const char *text, size_t length);
/* Builds feed's bytes unless cached. -ENOENT when its subject is gone, -ENODATA when there is
 * no data set, else -errno. */
int feeds_content(struct daemon *daemon, struct feed *feed);
/* Records a fetch (in memory; written by the timer, at FeedList and at shutdown). */
void feeds_note_fetch(struct daemon *daemon, struct feed *feed);
int feeds_flush_fetches(struct daemon *daemon);

/* One calendar for (kind, id, privacy) built on demand, without a feed's revisions. The text
 * is malloc'd. */
int feeds_export(struct daemon *daemon, const char *kind, const char *subject_id, const char *privacy,
                 char **ret_text, size_t *ret_size, char why[static WHY_MAX]);

/* `pullout publish`: the active feeds with an id above after, at most limit (0 or above the
 * page: FEED_PUBLISH_PAGE_MAX), each with its file name and bytes (owned by the feed cache,
 * valid until the next change). *ret is malloc'd. Feeds whose subject is gone are skipped. */
struct feed_file {
        int64_t id;
        char name[FEED_PUBLISH_NAME_LENGTH + 8];
        const char *bytes;
};
int feeds_publish(struct daemon *daemon, int64_t after, size_t limit, struct feed_file **ret, size_t *ret_n,
                  char why[static WHY_MAX]);
