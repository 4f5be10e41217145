/* feed-service.c: feeds as the loop keeps them: the table in memory, each feed's bytes built
 * on first request after a change and served from memory until the next change. */
#include <errno.h>
#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "daemon.h"
#include "log.h"
#include "service/feed-items.h"
#include "service/feed-json.h"
#include "service/feed-service.h"
#include "service/session-sync.h"
#include "store/session-store.h"

#define FLUSH_INTERVAL_SECONDS 60

static const char base64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Base64url without padding of n bytes (n a multiple of 3) into out (4n/3 + 1 bytes). */
static void encode_base64url(const uint8_t *data, size_t n, char *out) {
        size_t o = 0;
        for (size_t i = 0; i + 2 < n; i += 3) {
                uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
                out[o++] = base64url[(v >> 18) & 63];
                out[o++] = base64url[(v >> 12) & 63];
                out[o++] = base64url[(v >> 6) & 63];
                out[o++] = base64url[v & 63];
        }
        out[o] = '\0';
}

/* Kernel randomness only: getrandom(2) blocks until the pool is ready and never returns less
 * than asked for up to 256 bytes. */
static int random_text(size_t bytes, char *out) {
        uint8_t buffer[48];
        if (bytes > sizeof buffer)
                return -EINVAL;
        ssize_t got = getrandom(buffer, bytes, 0);
        if (got != (ssize_t)bytes)
                return got < 0 ? -errno : -EIO;
        encode_base64url(buffer, bytes, out);
        OPENSSL_cleanse(buffer, sizeof buffer);
        return 0;
}

static void token_hash(const char *token, size_t length, uint8_t hash[static STORE_FEED_HASH_SIZE]) {
        SHA256((const unsigned char *)token, length, hash);
}

static void feed_drop_cache(struct feed *feed) {
        free(feed->bytes);
        feed->bytes = NULL;
        feed->size = 0;
        feed->cached = false;
}

static int feed_init_enums(struct feed *feed) {
        int subject = name_lookup(ical_feed_subject_names, feed->row.subject_kind);
        int privacy = name_lookup(ical_feed_privacy_names, feed->row.privacy);
        if (subject < 0 || privacy < 0)
                return -EINVAL;
        feed->subject = (enum ical_feed_subject)subject;
        feed->privacy = (enum ical_feed_privacy)privacy;
        return 0;
}

static void on_flush(evutil_socket_t fd, short what, void *userdata) {
        struct daemon *daemon = userdata;
        if (feeds_flush_fetches(daemon) < 0)
                log_warning("feeds: cannot record fetch times: %s", store_error(daemon->store));
}

int feeds_start(struct daemon *daemon) {
        struct feeds *feeds = calloc(1, sizeof *feeds);
        struct store_feed *rows = NULL;
        size_t n = 0;
        if (!feeds)
                return -ENOMEM;
        int r = store_feed_load_all(daemon->store, &rows, &n);
        if (r < 0) {
                log_error("feeds: cannot read them from the database: %s", store_error(daemon->store));
                free(feeds);
                return r;
        }
        feeds->items = n ? calloc(n, sizeof *feeds->items) : NULL;
        if (n && !feeds->items) {
                for (size_t i = 0; i < n; i++)
                        store_feed_clear(&rows[i]);
                free(rows);
                free(feeds);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                feeds->items[feeds->n].row = rows[i];
                if (feed_init_enums(&feeds->items[feeds->n]) < 0) {
                        log_warning("feeds: feed %lld has an unknown subject or privacy; skipped",
                                    (long long)rows[i].id);
                        store_feed_clear(&rows[i]);
                        continue;
                }
                feeds->n++;
        }
        free(rows);
        daemon->feeds = feeds;
        if (daemon->base) {
                struct timeval interval = { .tv_sec = FLUSH_INTERVAL_SECONDS };
                feeds->flush_timer = event_new(daemon->base, -1, EV_PERSIST, on_flush, daemon);
                if (!feeds->flush_timer || event_add(feeds->flush_timer, &interval) < 0)
                        return -ENOMEM;
        }
        return 0;
}

void feeds_stop(struct daemon *daemon) {
        struct feeds *feeds = daemon->feeds;
        if (!feeds)
                return;
        if (daemon->store && feeds_flush_fetches(daemon) < 0)
                log_warning("feeds: cannot record fetch times: %s", store_error(daemon->store));
        if (feeds->flush_timer)
                event_free(feeds->flush_timer);
        for (size_t i = 0; i < feeds->n; i++) {
                feed_drop_cache(&feeds->items[i]);
                store_feed_clear(&feeds->items[i].row);
        }
        free(feeds->items);
        free(feeds);
        daemon->feeds = NULL;
}

void feeds_invalidate(struct daemon *daemon) {
        if (!daemon->feeds)
                return;
        for (size_t i = 0; i < daemon->feeds->n; i++)
                feed_drop_cache(&daemon->feeds->items[i]);
}

struct feed *feeds_find(struct daemon *daemon, int64_t id) {
        for (size_t i = 0; daemon->feeds && i < daemon->feeds->n; i++)
                if (daemon->feeds->items[i].row.id == id)
                        return &daemon->feeds->items[i];
        return NULL;
}

/* Index of the subject in the current data (schedule groups for a group), or -ENOENT. */
static int subject_index(const struct daemon *daemon, const struct schedule *schedule,
                         enum ical_feed_subject subject, const char *id) {
        const struct school *school = daemon->school;
        int index = -1;
        if (!school)
                return -ENODATA;
        switch (subject) {
        case ICAL_FEED_TEACHER:
                index = school_find_teacher(school, id);
                break;
        case ICAL_FEED_STAFF:
                index = school_find_staff(school, id);
                break;
        case ICAL_FEED_STUDENT:
                index = school_find_student(school, id);
                break;
        default:
                index = schedule ? schedule_find_group(schedule, id) : -1;
                break;
        }
        return index < 0 ? -ENOENT : index;
}

static int parse_kinds(const char *kind, const char *privacy, enum ical_feed_subject *ret_subject,
                       enum ical_feed_privacy *ret_privacy) {
        int subject = name_lookup(ical_feed_subject_names, kind);
        if (subject < 0)
                return -EINVAL;
        int mode = privacy && *privacy ? name_lookup(ical_feed_privacy_names, privacy)
                                       : (int)ical_feed_default_privacy((enum ical_feed_subject)subject);
        if (mode < 0)
                return -EINVAL;
        *ret_subject = (enum ical_feed_subject)subject;
        *ret_privacy = (enum ical_feed_privacy)mode;
        return 0;
}

/* The host part of base_url, for UIDs: stable as long as the feed links are. */
static void uid_host(const struct daemon *daemon, char host[static 256]) {
        const char *url = daemon->conf.base_url;
        const char *start = url ? strstr(url, "://") : NULL;
        if (!start) {
                snprintf(host, 256, "pullout.invalid");
                return;
        }
        start += 3;
        size_t n = strcspn(start, ":/?#");
        snprintf(host, 256, "%.*s", (int)(n < 255 ? n : 255), start);
        if (!host[0])
                snprintf(host, 256, "pullout.invalid");
}

/* The published schedule plus, without meetings, the groups of earlier versions that held
 * sessions already: their past sessions stay in the feeds after a re-solve dissolved them.
 * NULL in *ret_owned when the published schedule alone serves. */
static int schedule_with_history(struct daemon *daemon, struct schedule **ret_owned) {
        struct schedule *merged = NULL, *older = NULL;
        struct store_held_group *held = NULL;
        int64_t older_version = 0;
        size_t n = 0;
        *ret_owned = NULL;
        int r = store_sessions_held_groups(daemon->store, (int64_t)sessions_settled_until(daemon), &held, &n);
        for (size_t i = 0; i < n && r >= 0; i++) {
                const char *group_id = held[i].group_id;
                if (schedule_find_group(merged ? merged : daemon->schedule, group_id) >= 0)
                        continue;
                if (held[i].version != older_version) {
                        older = schedule_free(older);
                        older_version = held[i].version;
                        if (store_load_schedule(daemon->store, daemon->school, older_version, &older) < 0)
                                older = NULL;
                }
                int g = older ? schedule_find_group(older, group_id) : -1;
                if (g < 0)
                        continue;
                if (!merged && !(merged = schedule_copy(daemon->schedule))) {
                        r = -ENOMEM;
                        break;
                }
                struct group past = older->groups[g];
                past.n_meetings = 0; /* no series: only its held sessions show */
                past.pinned = false;
                r = schedule_add_group(merged, &past);
        }
        store_held_groups_free(held, n);
        schedule_free(older);
        if (r < 0) {
                schedule_free(merged);
                return r;
        }
        *ret_owned = merged;
        return 0;
}

/* Where the weekly series begin: the first day the daemon holds sessions for (the first
 * publication; DESIGN §6 never invents sessions before it), else the term's start. */
static int feed_start(struct daemon *daemon, civil_date *ret_from) {
        civil_date from = daemon->school->info.term_start, first;
        int r = store_sessions_first_date(daemon->store, &first);
        if (r < 0)
                return r;
        if (r > 0 && first > from)
                from = first;
        *ret_from = from;
        return 0;
}

/* A request over the current data; *ret_owned is a schedule to free (an empty one when none
 * is published, or the published one with the groups of its past), or NULL. */
static int make_request(struct daemon *daemon, enum ical_feed_subject subject, const char *subject_id,
                        enum ical_feed_privacy privacy, struct ical_feed_request *request,
                        struct schedule **ret_owned) {
        struct schedule *owned = NULL;
        const struct schedule *schedule = daemon->schedule;
        if (!daemon->school)
                return -ENODATA;
        int index = subject_index(daemon, schedule, subject, subject_id);
        if (index < 0)
                return index;
        if (!schedule && !(schedule = owned = schedule_new(daemon->school)))
                return -ENOMEM;
        if (!owned) {
                int r = schedule_with_history(daemon, &owned);
                if (r < 0)
                        return r;
                if (owned)
                        schedule = owned;
        }
        civil_date from;
        int r = feed_start(daemon, &from);
        if (r < 0) {
                schedule_free(owned);
                return r;
        }
        *request = (struct ical_feed_request){
                .schedule = schedule,
                .subject = subject,
                .subject_index = index,
                .privacy = privacy,
                .from = from,
        };
        *ret_owned = owned;
        return 0;
}

static void etag_of(const char *bytes, size_t size, char etag[static FEED_ETAG_SIZE]) {
        uint8_t digest[SHA256_DIGEST_LENGTH];
        SHA256((const unsigned char *)bytes, size, digest);
        etag[0] = '"';
        for (size_t i = 0; i < sizeof digest; i++)
                snprintf(etag + 1 + 2 * i, 3, "%02x", digest[i]);
        etag[FEED_ETAG_SIZE - 2] = '"';
        etag[FEED_ETAG_SIZE - 1] = '\0';
}

static struct store_feed_series *find_series(struct store_feed_series *rows, size_t n, const char *uid) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(rows[i].uid, uid) == 0)
                        return &rows[i];
        return NULL;
}

/* Raises the revision of every event whose fingerprint changed (new events start at 0).
 * *ret_updates gets the rows to save; *ret_changed whether any event is new or changed. */
static int update_revisions(struct store_feed_series **rows, size_t *n_rows, const struct ical_feed_series *series,
                            size_t n_series, int64_t now, size_t **ret_updates, size_t *ret_n_updates,
                            bool *ret_changed) {
        size_t *updates = n_series ? calloc(n_series, sizeof *updates) : NULL;
        size_t n_updates = 0;
        if (n_series && !updates)
                return -ENOMEM;
        for (size_t i = 0; i < n_series; i++) {
                struct store_feed_series *row = find_series(*rows, *n_rows, series[i].uid);
                if (row && strcmp(row->fingerprint, series[i].fingerprint) == 0)
                        continue;
                if (!row) {
                        struct store_feed_series *grown = realloc(*rows, (*n_rows + 1) * sizeof **rows);
                        if (!grown) {
                                free(updates);
                                return -ENOMEM;
                        }
                        *rows = grown;
                        row = &grown[(*n_rows)++];
                        *row = (struct store_feed_series){ .uid = strdup(series[i].uid), .sequence = 0 };
                } else {
                        row->sequence++;
                        free(row->fingerprint);
                }
                row->fingerprint = strdup(series[i].fingerprint);
                row->last_modified = now;
                if (!row->uid || !row->fingerprint) {
                        free(updates);
                        return -ENOMEM;
                }
                updates[n_updates++] = (size_t)(row - *rows);
        }
        *ret_updates = updates;
        *ret_n_updates = n_updates;
        *ret_changed = n_updates > 0;
        return 0;
}

static int build_bytes(struct ical_feed_request *request, int64_t now, char **ret_bytes, size_t *ret_size,
                       char etag[static FEED_ETAG_SIZE]) {
        request->now = now;
        int r = ical_feed_build(request, ret_bytes, ret_size);
        if (r >= 0)
                etag_of(*ret_bytes, *ret_size, etag);
        return r;
}

int feeds_content(struct daemon *daemon, struct feed *feed) {
        struct ical_feed_request request;
        struct schedule *owned = NULL;
        struct ical_feed_item *items = NULL;
        struct ical_feed_series *series = NULL;
        struct store_feed_series *rows = NULL;
        struct ical_feed_revision *revisions = NULL;
        size_t n_items = 0, n_series = 0, n_rows = 0, *updates = NULL, n_updates = 0;
        char *bytes = NULL, etag[FEED_ETAG_SIZE], host[256];
        size_t size = 0;
        bool changed = false;

        if (feed->cached)
                return 0;
        int64_t now = (int64_t)clock_now(&daemon->clock);
        int r = make_request(daemon, feed->subject, feed->row.subject_id, feed->privacy, &request, &owned);
        if (r < 0)
                return r;
        uid_host(daemon, host);
        request.host = host;
        if ((r = feed_items(daemon, request.schedule, &items, &n_items)) < 0)
                goto out;
        request.items = items;
        request.n_items = n_items;
        if ((r = ical_feed_series(&request, &series, &n_series)) < 0)
                goto out;
        if ((r = store_feed_load_series(daemon->store, feed->row.id, &rows, &n_rows)) < 0)
                goto out;
        if ((r = update_revisions(&rows, &n_rows, series, n_series, now, &updates, &n_updates, &changed)) < 0)
                goto out;
        revisions = n_rows ? calloc(n_rows, sizeof *revisions) : NULL;
        if (n_rows && !revisions) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < n_rows; i++)
                revisions[i] = (struct ical_feed_revision){ rows[i].uid, rows[i].sequence, rows[i].last_modified };
        request.revisions = revisions;
        request.n_revisions = n_rows;

        /* DTSTAMP is when the feed last changed, so unchanged content gives unchanged bytes (and
         * ETag) across rebuilds and restarts; anything that changes the bytes moves it. */
        int64_t changed_at = changed || feed->row.changed_at == 0 ? now : feed->row.changed_at;
        if ((r = build_bytes(&request, changed_at, &bytes, &size, etag)) < 0)
                goto out;
        if (strcmp(etag, feed->row.etag) != 0 && changed_at != now) {
                changed_at = now;
                free(bytes);
                bytes = NULL;
                if ((r = build_bytes(&request, changed_at, &bytes, &size, etag)) < 0)
                        goto out;
        }
        if (n_updates > 0 || changed_at != feed->row.changed_at || strcmp(etag, feed->row.etag) != 0) {
                struct store_feed_series *changed_rows = n_updates ? calloc(n_updates, sizeof *changed_rows) : NULL;
                char *etag_copy = strdup(etag);
                if ((n_updates && !changed_rows) || !etag_copy) {
                        free(changed_rows);
                        free(etag_copy);
                        r = -ENOMEM;
                        goto out;
                }
                for (size_t i = 0; i < n_updates; i++)
                        changed_rows[i] = rows[updates[i]];
                r = store_begin(daemon->store);
                if (r >= 0)
                        r = store_feed_save_series(daemon->store, feed->row.id, changed_rows, n_updates);
                if (r >= 0)
                        r = store_feed_set_state(daemon->store, feed->row.id, changed_at, etag);
                if (r >= 0)
                        r = store_commit(daemon->store);
                free(changed_rows);
                if (r < 0) {
                        store_rollback(daemon->store);
                        free(etag_copy);
                        goto out;
                }
                free(feed->row.etag);
                feed->row.etag = etag_copy;
                feed->row.changed_at = changed_at;
        }
        feed_drop_cache(feed);
        feed->bytes = bytes;
        feed->size = size;
        bytes = NULL;
        memcpy(feed->etag, etag, sizeof etag);
        feed->last_modified = changed_at;
        feed->cached = true;
        r = 0;
out:
        free(bytes);
        free(revisions);
        free(updates);
        store_feed_series_free(rows, n_rows);
        ical_feed_series_free(series, n_series);
        feed_items_free(items, n_items);
        schedule_free(owned);
        return r;
}

struct feed *feeds_lookup_token(struct daemon *daemon, const char *text, size_t length) {
        uint8_t hash[STORE_FEED_HASH_SIZE];
        struct feed *found = NULL;
        if (!daemon->feeds || length != FEED_TOKEN_LENGTH)
                return NULL;
        for (size_t i = 0; i < length; i++)
                if (!text[i] || !strchr(base64url, text[i]))
                        return NULL;
        token_hash(text, length, hash);
        /* Every active feed is compared, each in constant time, so the time taken says nothing
         * about how close a guess came or where a match sits. */
        for (size_t i = 0; i < daemon->feeds->n; i++) {
                struct feed *feed = &daemon->feeds->items[i];
                int equal = CRYPTO_memcmp(feed->row.token_hash, hash, sizeof hash) == 0;
                if (equal && !feed->row.revoked_at)
                        found = feed;
        }
        return found;
}

void feeds_note_fetch(struct daemon *daemon, struct feed *feed) {
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        if (feed->row.last_fetched && strcmp(feed->row.last_fetched, now) == 0)
                return;
        char *copy = strdup(now);
        if (!copy)
                return;
        free(feed->row.last_fetched);
        feed->row.last_fetched = copy;
        feed->fetch_dirty = true;
}

int feeds_flush_fetches(struct daemon *daemon) {
        struct feeds *feeds = daemon->feeds;
        bool any = false;
        for (size_t i = 0; feeds && i < feeds->n; i++)
                any |= feeds->items[i].fetch_dirty;
        if (!any)
                return 0;
        int r = store_begin(daemon->store);
        for (size_t i = 0; r >= 0 && i < feeds->n; i++)
                if (feeds->items[i].fetch_dirty)
                        r = store_feed_set_fetched(daemon->store, feeds->items[i].row.id,
                                                   feeds->items[i].row.last_fetched);
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                store_rollback(daemon->store);
                return r;
        }
        for (size_t i = 0; i < feeds->n; i++)
                feeds->items[i].fetch_dirty = false;
        return 0;
}

static int new_secrets(char token[static FEED_TOKEN_LENGTH + 1], char name[static FEED_PUBLISH_NAME_LENGTH + 1],
                       uint8_t hash[static STORE_FEED_HASH_SIZE]) {
        int r = random_text(FEED_TOKEN_BYTES, token);
        if (r >= 0)
                r = random_text(FEED_PUBLISH_NAME_BYTES, name);
        if (r >= 0)
                token_hash(token, FEED_TOKEN_LENGTH, hash);
        return r;
}

static int create_feed(struct daemon *daemon, const char *kind, const char *subject_id, const char *privacy,
                       struct feed **ret_feed, char ret_token[static FEED_TOKEN_LENGTH + 1]) {
        enum ical_feed_subject subject;
        enum ical_feed_privacy mode;
        char token[FEED_TOKEN_LENGTH + 1], name[FEED_PUBLISH_NAME_LENGTH + 1], now[32];
        struct feed feed = { 0 };
        int r = parse_kinds(kind, privacy, &subject, &mode);
        if (r < 0)
                return r;
        if (!daemon->feeds)
                return -ENODATA;
        size_t live = 0;
        for (size_t i = 0; i < daemon->feeds->n; i++)
                live += !daemon->feeds->items[i].row.revoked_at;
        if (live >= FEEDS_MAX)
                return -EMFILE;
        r = subject_index(daemon, daemon->schedule, subject, subject_id);
        if (r < 0)
                return r;
        if ((r = new_secrets(token, name, feed.row.token_hash)) < 0)
                return r;
        daemon_format_time(clock_now(&daemon->clock), now);
        feed.subject = subject;
        feed.privacy = mode;
        feed.row.subject_kind = strdup(ical_feed_subject_names[subject]);
        feed.row.subject_id = strdup(subject_id);
        feed.row.privacy = strdup(ical_feed_privacy_names[mode]);
        feed.row.publish_name = strdup(name);
        feed.row.created_at = strdup(now);
        feed.row.etag = strdup("");
        struct feed *grown = realloc(daemon->feeds->items, (daemon->feeds->n + 1) * sizeof *grown);
        if (!grown || !feed.row.subject_kind || !feed.row.subject_id || !feed.row.privacy || !feed.row.publish_name ||
            !feed.row.created_at || !feed.row.etag) {
                if (grown)
                        daemon->feeds->items = grown;
                r = -ENOMEM;
                goto fail;
        }
        daemon->feeds->items = grown;
        if ((r = store_feed_insert(daemon->store, &feed.row)) < 0)
                goto fail;
        grown[daemon->feeds->n] = feed;
        *ret_feed = &grown[daemon->feeds->n++];
        memcpy(ret_token, token, sizeof token);
        OPENSSL_cleanse(token, sizeof token);
        return 0;
fail:
        OPENSSL_cleanse(token, sizeof token);
        store_feed_clear(&feed.row);
        return r;
}

static int rotate_feed(struct daemon *daemon, int64_t id, struct feed **ret_feed,
                       char ret_token[static FEED_TOKEN_LENGTH + 1]) {
        char token[FEED_TOKEN_LENGTH + 1], name[FEED_PUBLISH_NAME_LENGTH + 1];
        uint8_t hash[STORE_FEED_HASH_SIZE];
        struct feed *feed = feeds_find(daemon, id);
        if (!feed)
                return -ENOENT;
        if (feed->row.revoked_at)
                return -EALREADY;
        int r = new_secrets(token, name, hash);
        if (r < 0)
                return r;
        char *name_copy = strdup(name);
        if (!name_copy)
                return -ENOMEM;
        if ((r = store_feed_set_token(daemon->store, id, hash, name)) < 0) {
                free(name_copy);
                return r;
        }
        memcpy(feed->row.token_hash, hash, sizeof hash);
        free(feed->row.publish_name);
        feed->row.publish_name = name_copy;
        memcpy(ret_token, token, sizeof token);
        OPENSSL_cleanse(token, sizeof token);
        *ret_feed = feed;
        return 0;
}

static int revoke_feed(struct daemon *daemon, int64_t id) {
        char now[32];
        struct feed *feed = feeds_find(daemon, id);
        if (!feed)
                return -ENOENT;
        if (feed->row.revoked_at)
                return -EALREADY;
        daemon_format_time(clock_now(&daemon->clock), now);
        char *copy = strdup(now);
        if (!copy)
                return -ENOMEM;
        int r = store_feed_revoke(daemon->store, id, now);
        if (r < 0) {
                free(copy);
                return r;
        }
        feed->row.revoked_at = copy;
        feed_drop_cache(feed);
        return 0;
}

static int export_calendar(struct daemon *daemon, const char *kind, const char *subject_id, const char *privacy,
                           char **ret_text, size_t *ret_size) {
        enum ical_feed_subject subject;
        enum ical_feed_privacy mode;
        struct ical_feed_request request;
        struct schedule *owned = NULL;
        struct ical_feed_item *items = NULL;
        size_t n_items = 0;
        char host[256];
        int r = parse_kinds(kind, privacy, &subject, &mode);
        if (r < 0)
                return r;
        if ((r = make_request(daemon, subject, subject_id, mode, &request, &owned)) < 0)
                return r;
        uid_host(daemon, host);
        request.host = host;
        if ((r = feed_items(daemon, request.schedule, &items, &n_items)) >= 0) {
                request.items = items;
                request.n_items = n_items;
                request.now = (int64_t)clock_now(&daemon->clock);
                r = ical_feed_build(&request, ret_text, ret_size);
        }
        feed_items_free(items, n_items);
        schedule_free(owned);
        return r;
}

/* The sentence for an error of a call about a subject (kind, id, privacy). */
static int subject_error(struct daemon *daemon, int r, const char *what, const char *kind, const char *id,
                         const char *privacy, char why[static WHY_MAX]) {
        switch (r) {
        case -EINVAL:
                return why_set(why, r,
                               "\"%.16s\"/\"%.16s\": the kind is teacher, staff, student or group and the privacy full, "
                               "initials or busy",
                               kind, privacy ? privacy : "");
        case -ENODATA:
                return why_set(why, r, "nothing imported yet: pullout import DIR");
        case -ENOENT:
                return why_set(why, r, "no %s %.64s%s", kind, id,
                               strcmp(kind, "group") == 0 ? " in the published schedule" : " in the data set");
        case -EMFILE:
                return why_set(why, r,
                               "%d feeds exist already, the most one daemon keeps; revoke unused ones (pullout feed "
                               "list, pullout feed revoke ID)",
                               FEEDS_MAX);
        case -ENOMEM:
                return why_set(why, r, "%s: %s", what, strerror(ENOMEM));
        default:
                return why_set(why, r, "%s: %s", what, r == -EIO ? store_error(daemon->store) : strerror(-r));
        }
}

/* The record and links of a feed whose token was just made; the token is wiped. */
static int reply_links(struct daemon *daemon, const struct feed *feed, char token[static FEED_TOKEN_LENGTH + 1],
                       struct json_object **ret, char why[static WHY_MAX]) {
        struct json_object *o = feed_links_json(&daemon->conf, feed, token);
        OPENSSL_cleanse(token, FEED_TOKEN_LENGTH + 1);
        if (!o)
                return why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
        *ret = o;
        return 0;
}

int feeds_create(struct daemon *daemon, const char *kind, const char *subject_id, const char *privacy,
                 struct json_object **ret, char why[static WHY_MAX]) {
        char token[FEED_TOKEN_LENGTH + 1];
        struct feed *feed;
        int r = create_feed(daemon, kind, subject_id, privacy, &feed, token);
        if (r < 0)
                return subject_error(daemon, r, "cannot store the feed", kind, subject_id, privacy, why);
        log_info("feed %lld created for %s %s (%s)", (long long)feed->row.id, feed->row.subject_kind,
                 feed->row.subject_id, feed->row.privacy);
        return reply_links(daemon, feed, token, ret, why);
}

/* The sentence for an error of a call about feed id; revoked: what to say when it is. */
static int feed_error(struct daemon *daemon, int r, int64_t id, const char *revoked, char why[static WHY_MAX]) {
        if (r == -ENOENT)
                return why_set(why, r, "no feed %lld (pullout feed list)", (long long)id);
        if (r == -EALREADY)
                return why_set(why, r, "feed %lld %s", (long long)id, revoked);
        return subject_error(daemon, r, "cannot store the feed", "", "", "", why);
}

int feeds_rotate(struct daemon *daemon, int64_t id, struct json_object **ret, char why[static WHY_MAX]) {
        char token[FEED_TOKEN_LENGTH + 1];
        struct feed *feed;
        int r = rotate_feed(daemon, id, &feed, token);
        if (r < 0)
                return feed_error(daemon, r, id, "is revoked; create a new one instead", why);
        log_info("feed %lld rotated: the old link stops working", (long long)id);
        return reply_links(daemon, feed, token, ret, why);
}

int feeds_revoke(struct daemon *daemon, int64_t id, char why[static WHY_MAX]) {
        int r = revoke_feed(daemon, id);
        if (r < 0)
                return feed_error(daemon, r, id, "is already revoked", why);
        log_info("feed %lld revoked", (long long)id);
        return 0;
}

int feeds_list(struct daemon *daemon, struct json_object **ret, char why[static WHY_MAX]) {
        if (feeds_flush_fetches(daemon) < 0)
                log_warning("feeds: cannot record fetch times: %s", store_error(daemon->store));
        struct json_object *array = json_object_new_array();
        for (size_t i = 0; daemon->feeds && i < daemon->feeds->n; i++)
                json_object_array_add(array, feed_json(&daemon->feeds->items[i]));
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "feeds", array);
        *ret = o;
        return 0;
}

int feeds_export(struct daemon *daemon, const char *kind, const char *subject_id, const char *privacy,
                 char **ret_text, size_t *ret_size, char why[static WHY_MAX]) {
        int r = export_calendar(daemon, kind, subject_id, privacy, ret_text, ret_size);
        return r < 0 ? subject_error(daemon, r, "cannot build the calendar", kind, subject_id, privacy, why) : 0;
}

int feeds_publish(struct daemon *daemon, int64_t after, size_t limit, struct feed_file **ret, size_t *ret_n,
                  char why[static WHY_MAX]) {
        struct feed_file *files = NULL;
        size_t n = 0;
        if (limit == 0 || limit > FEED_PUBLISH_PAGE_MAX)
                limit = FEED_PUBLISH_PAGE_MAX;
        for (size_t i = 0; daemon->feeds && i < daemon->feeds->n && n < limit; i++) {
                struct feed *feed = &daemon->feeds->items[i];
                if (feed->row.id <= after || feed->row.revoked_at)
                        continue;
                int r = feeds_content(daemon, feed);
                if (r == -ENOENT || r == -ENODATA) {
                        log_warning("publish: feed %lld skipped: its %s %s is gone", (long long)feed->row.id,
                                    feed->row.subject_kind, feed->row.subject_id);
                        continue;
                }
                if (r < 0) {
                        free(files);
                        return why_set(why, r, "cannot build feed %lld: %s", (long long)feed->row.id,
                                       r == -EIO ? store_error(daemon->store) : strerror(-r));
                }
                if (!files && !(files = calloc(limit, sizeof *files)))
                        return why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
                files[n].id = feed->row.id;
                snprintf(files[n].name, sizeof files[n].name, "%s.ics", feed->row.publish_name);
                files[n++].bytes = feed->bytes;
        }
        *ret = files;
        *ret_n = n;
        return 0;
}
