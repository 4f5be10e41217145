/* bus-feeds.c: the feed methods of org.pullout.Scheduler1: FeedCreate, FeedList, FeedRevoke,
 * FeedRotate, Export and Publish. A token leaves the daemon only in the reply that made it. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "daemon.h"
#include "log.h"
#include "service/feed-service.h"

#define PUBLISH_PAGE_MAX 64

/* The base of feed links: base_url, else the listen address over http. */
static char *feed_url(const struct daemon *daemon, const char *token) {
        char *url = NULL;
        const char *base = daemon->conf.base_url;
        int r;
        if (base) {
                size_t n = strlen(base);
                while (n > 0 && base[n - 1] == '/')
                        n--;
                r = asprintf(&url, "%.*s/feeds/%s.ics", (int)n, base, token);
        } else {
                r = asprintf(&url, "http://%s/feeds/%s.ics", daemon->conf.listen, token);
        }
        return r < 0 ? NULL : url;
}

static char *percent_encode(const char *text) {
        static const char hex[] = "0123456789ABCDEF";
        char *out = malloc(strlen(text) * 3 + 1), *o = out;
        if (!out)
                return NULL;
        for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
                if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                    strchr("-._~", *p)) {
                        *o++ = (char)*p;
                } else {
                        *o++ = '%';
                        *o++ = hex[*p >> 4];
                        *o++ = hex[*p & 15];
                }
        }
        *o = '\0';
        return out;
}

static struct json_object *string_or_null(const char *text) {
        return text ? json_object_new_string(text) : NULL;
}

static struct json_object *feed_json(const struct feed *feed) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_int64(feed->row.id));
        json_object_object_add(o, "subject_kind", json_object_new_string(feed->row.subject_kind));
        json_object_object_add(o, "subject_id", json_object_new_string(feed->row.subject_id));
        json_object_object_add(o, "privacy", json_object_new_string(feed->row.privacy));
        json_object_object_add(o, "created", json_object_new_string(feed->row.created_at));
        json_object_object_add(o, "last_fetched", string_or_null(feed->row.last_fetched));
        json_object_object_add(o, "revoked", string_or_null(feed->row.revoked_at));
        return o;
}

/* The reply of FeedCreate and FeedRotate: the only place the token appears. */
static int reply_new_token(sd_bus_message *message, struct daemon *daemon, const struct feed *feed,
                           const char *token) {
        char *url = feed_url(daemon, token), *webcal = NULL, *encoded = NULL, *google = NULL, *file = NULL;
        int r = -ENOMEM;
        if (!url)
                goto out;
        const char *rest = strstr(url, "://");
        if (asprintf(&webcal, "webcal://%s", rest ? rest + 3 : url) < 0) {
                webcal = NULL;
                goto out;
        }
        /* Google Calendar's "add by URL" link; it takes the webcal form. */
        if (!(encoded = percent_encode(webcal)) ||
            asprintf(&google, "https://calendar.google.com/calendar/render?cid=%s", encoded) < 0) {
                google = NULL;
                goto out;
        }
        if (asprintf(&file, "%s.ics", feed->row.publish_name) < 0) {
                file = NULL;
                goto out;
        }
        struct json_object *o = feed_json(feed);
        json_object_object_add(o, "url", json_object_new_string(url));
        json_object_object_add(o, "webcal", json_object_new_string(webcal));
        json_object_object_add(o, "google", json_object_new_string(google));
        json_object_object_add(o, "publish_file", json_object_new_string(file));
        r = bus_reply_json(message, o);
out:
        free(url);
        free(webcal);
        free(encoded);
        free(google);
        free(file);
        return r;
}

static int subject_error(struct daemon *daemon, int r, const char *kind, const char *id, const char *privacy,
                         sd_bus_error *error) {
        switch (r) {
        case -EINVAL:
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                         "\"%.16s\"/\"%.16s\": the kind is teacher, staff, student or group and the "
                                         "privacy full, initials or busy",
                                         kind, privacy);
        case -ENODATA:
                return sd_bus_error_setf(error, BUS_ERROR_NOT_READY, "nothing imported yet: pullout import DIR");
        case -ENOENT:
                return sd_bus_error_setf(error, BUS_ERROR_NOT_FOUND, "no %s %.64s%s", kind, id,
                                         strcmp(kind, "group") == 0 ? " in the published schedule" : " in the data set");
        case -EIO:
                return sd_bus_error_setf(error, BUS_ERROR_FAILED, "cannot store the feed: %s", daemon->store->error);
        case -EMFILE:
                return sd_bus_error_setf(error, BUS_ERROR_CONFLICT,
                                         "%d feeds exist already, the most one daemon keeps; revoke unused ones "
                                         "(pullout feed list, pullout feed revoke ID)",
                                         FEEDS_MAX);
        default:
                return r;
        }
}

static int method_feed_create(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const char *kind, *id, *privacy;
        char token[FEED_TOKEN_LENGTH + 1];
        struct feed *feed;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "sss", &kind, &id, &privacy)) < 0)
                return r;
        r = feeds_create(daemon, kind, id, privacy, &feed, token);
        if (r < 0)
                return subject_error(daemon, r, kind, id, privacy, error);
        log_info("feed %lld created for %s %s (%s)", (long long)feed->row.id, feed->row.subject_kind,
                 feed->row.subject_id, feed->row.privacy);
        r = reply_new_token(message, daemon, feed, token);
        explicit_bzero(token, sizeof token);
        return r;
}

static int method_feed_list(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if (feeds_flush_fetches(daemon) < 0)
                log_warning("feeds: cannot record fetch times: %s", daemon->store->error);
        struct json_object *array = json_object_new_array();
        for (size_t i = 0; daemon->feeds && i < daemon->feeds->n; i++)
                json_object_array_add(array, feed_json(&daemon->feeds->items[i]));
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "feeds", array);
        return bus_reply_json(message, o);
}

static int method_feed_revoke(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        int64_t id;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "x", &id)) < 0)
                return r;
        r = feeds_revoke(daemon, id);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, BUS_ERROR_NOT_FOUND, "no feed %lld (pullout feed list)", (long long)id);
        if (r == -EALREADY)
                return sd_bus_error_setf(error, BUS_ERROR_CONFLICT, "feed %lld is already revoked", (long long)id);
        if (r < 0)
                return subject_error(daemon, r, "", "", "", error);
        log_info("feed %lld revoked", (long long)id);
        return sd_bus_reply_method_return(message, "");
}

static int method_feed_rotate(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        int64_t id;
        char token[FEED_TOKEN_LENGTH + 1];
        struct feed *feed;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "x", &id)) < 0)
                return r;
        r = feeds_rotate(daemon, id, &feed, token);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, BUS_ERROR_NOT_FOUND, "no feed %lld (pullout feed list)", (long long)id);
        if (r == -EALREADY)
                return sd_bus_error_setf(error, BUS_ERROR_CONFLICT,
                                         "feed %lld is revoked; create a new one instead", (long long)id);
        if (r < 0)
                return subject_error(daemon, r, "", "", "", error);
        log_info("feed %lld rotated: the old link stops working", (long long)id);
        r = reply_new_token(message, daemon, feed, token);
        explicit_bzero(token, sizeof token);
        return r;
}

static int method_export(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const char *kind, *id, *privacy;
        char *text = NULL;
        size_t size = 0;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "sss", &kind, &id, &privacy)) < 0)
                return r;
        r = feeds_export(daemon, kind, id, privacy, &text, &size);
        if (r < 0)
                return subject_error(daemon, r, kind, id, privacy, error);
        r = sd_bus_reply_method_return(message, "s", text);
        free(text);
        return r;
}

/* Pages of active feeds with id > after, at most limit of them: a(xss) (id, file name, text).
 * The caller writes the files; the daemon opens nothing a caller names. */
static int method_publish(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        int64_t after;
        uint32_t limit;
        sd_bus_message *reply = NULL;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "xu", &after, &limit)) < 0)
                return r;
        if (limit == 0 || limit > PUBLISH_PAGE_MAX)
                limit = PUBLISH_PAGE_MAX;
        if ((r = sd_bus_message_new_method_return(message, &reply)) < 0 ||
            (r = sd_bus_message_open_container(reply, 'a', "(xss)")) < 0)
                goto out;
        uint32_t n = 0;
        for (size_t i = 0; daemon->feeds && i < daemon->feeds->n && n < limit; i++) {
                struct feed *feed = &daemon->feeds->items[i];
                if (feed->row.id <= after || feed->row.revoked_at)
                        continue;
                r = feeds_content(daemon, feed);
                if (r == -ENOENT || r == -ENODATA) {
                        log_warning("publish: feed %lld skipped: its %s %s is gone", (long long)feed->row.id,
                                    feed->row.subject_kind, feed->row.subject_id);
                        continue;
                }
                if (r < 0) {
                        r = sd_bus_error_setf(error, BUS_ERROR_FAILED, "cannot build feed %lld: %s",
                                              (long long)feed->row.id,
                                              r == -EIO ? daemon->store->error : strerror(-r));
                        goto out;
                }
                char file[FEED_PUBLISH_NAME_LENGTH + 8];
                snprintf(file, sizeof file, "%s.ics", feed->row.publish_name);
                if ((r = sd_bus_message_append(reply, "(xss)", feed->row.id, file, feed->bytes)) < 0)
                        goto out;
                n++;
        }
        if ((r = sd_bus_message_close_container(reply)) < 0)
                goto out;
        r = sd_bus_send(NULL, reply, NULL);
out:
        sd_bus_message_unref(reply);
        return r;
}

static const sd_bus_vtable feeds_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("FeedCreate", SD_BUS_ARGS("s", kind, "s", id, "s", privacy),
                                SD_BUS_RESULT("s", feed_json), method_feed_create, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("FeedList", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", feeds_json), method_feed_list,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("FeedRevoke", SD_BUS_ARGS("x", feed_id), SD_BUS_NO_RESULT, method_feed_revoke,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("FeedRotate", SD_BUS_ARGS("x", feed_id), SD_BUS_RESULT("s", feed_json),
                                method_feed_rotate, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Export", SD_BUS_ARGS("s", kind, "s", id, "s", privacy),
                                SD_BUS_RESULT("s", calendar), method_export, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Publish", SD_BUS_ARGS("x", after_feed_id, "u", limit),
                                SD_BUS_RESULT("a(xss)", feeds), method_publish, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int bus_feeds_register(struct daemon *daemon) {
        return sd_bus_add_object_vtable(daemon->bus, NULL, BUS_PATH, BUS_INTERFACE, feeds_vtable, daemon);
}
