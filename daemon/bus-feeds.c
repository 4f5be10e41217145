/* bus-feeds.c: the feed methods of org.pullout.Scheduler1: FeedCreate, FeedList, FeedRevoke,
 * FeedRotate, Export and Publish. A token leaves the daemon only in the reply that made it. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "daemon.h"
#include "service/feed-service.h"

static int method_feed_create(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *kind, *id, *privacy;
        int r = sd_bus_message_read(message, "sss", &kind, &id, &privacy);
        if (r < 0)
                return r;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = feeds_create(userdata, kind, id, privacy, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int method_feed_list(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        int r = feeds_list(userdata, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int method_feed_revoke(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        int64_t id;
        char why[WHY_MAX] = "";
        int r = sd_bus_message_read(message, "x", &id);
        if (r < 0)
                return r;
        if ((r = feeds_revoke(userdata, id, why)) < 0)
                return bus_error_from_errno(error, r, why);
        return sd_bus_reply_method_return(message, "");
}

static int method_feed_rotate(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        int64_t id;
        int r = sd_bus_message_read(message, "x", &id);
        if (r < 0)
                return r;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = feeds_rotate(userdata, id, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int method_export(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *kind, *id, *privacy;
        char *text = NULL, why[WHY_MAX] = "";
        size_t size = 0;
        int r = sd_bus_message_read(message, "sss", &kind, &id, &privacy);
        if (r < 0)
                return r;
        if ((r = feeds_export(userdata, kind, id, privacy, &text, &size, why)) < 0)
                return bus_error_from_errno(error, r, why);
        r = sd_bus_reply_method_return(message, "s", text);
        free(text);
        return r;
}

/* Pages of active feeds with id > after, at most limit of them: a(xss) (id, file name, text).
 * The caller writes the files; the daemon opens nothing a caller names. */
static int method_publish(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        int64_t after;
        uint32_t limit;
        struct feed_file *files = NULL;
        size_t n = 0;
        char why[WHY_MAX] = "";
        sd_bus_message *reply = NULL;
        int r = sd_bus_message_read(message, "xu", &after, &limit);
        if (r < 0)
                return r;
        if ((r = feeds_publish(userdata, after, limit, &files, &n, why)) < 0)
                return bus_error_from_errno(error, r, why);
        if ((r = sd_bus_message_new_method_return(message, &reply)) < 0 ||
            (r = sd_bus_message_open_container(reply, 'a', "(xss)")) < 0)
                goto out;
        for (size_t i = 0; i < n; i++)
                if ((r = sd_bus_message_append(reply, "(xss)", files[i].id, files[i].name, files[i].bytes)) < 0)
                        goto out;
        if ((r = sd_bus_message_close_container(reply)) < 0)
                goto out;
        r = sd_bus_send(NULL, reply, NULL);
out:
        sd_bus_message_unref(reply);
        free(files);
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
        return sd_bus_add_object_vtable(daemon->bus->connection, NULL, BUS_PATH, BUS_INTERFACE, feeds_vtable, daemon);
}
