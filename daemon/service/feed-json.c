/* feed-json.c: a feed's record and links as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "service/feed-json.h"
#include "service/feed-service.h"

static struct json_object *string_or_null(const char *text) {
        return text ? json_object_new_string(text) : NULL;
}

struct json_object *feed_json(const struct feed *feed) {
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

/* The base of feed links: base_url, else the listen address over http. */
static char *feed_url(const struct conf *conf, const char *token) {
        char *url = NULL;
        const char *base = conf->base_url;
        int r;
        if (base) {
                size_t n = strlen(base);
                while (n > 0 && base[n - 1] == '/')
                        n--;
                r = asprintf(&url, "%.*s/feeds/%s.ics", (int)n, base, token);
        } else {
                r = asprintf(&url, "http://%s/feeds/%s.ics", conf->listen, token);
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

struct json_object *feed_links_json(const struct conf *conf, const struct feed *feed, const char *token) {
        char *url = feed_url(conf, token), *webcal = NULL, *encoded = NULL, *google = NULL, *file = NULL;
        struct json_object *o = NULL;
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
        o = feed_json(feed);
        json_object_object_add(o, "url", json_object_new_string(url));
        json_object_object_add(o, "webcal", json_object_new_string(webcal));
        json_object_object_add(o, "google", json_object_new_string(google));
        json_object_object_add(o, "publish_file", json_object_new_string(file));
out:
        free(url);
        free(webcal);
        free(encoded);
        free(google);
        free(file);
        return o;
}
