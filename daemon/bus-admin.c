/* bus-admin.c: the administrator's methods of org.pullout.Scheduler1: Backup (answered when
 * the copy is written). */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>

#include "bus.h"
#include "daemon.h"
#include "service/backup-service.h"

/* A Backup call waiting for its copy to be written. */
struct pending_backup {
        struct daemon *daemon;
        sd_bus_message *call;
};

static void backup_done(void *userdata, int r, const char *why, struct json_object *answer) {
        struct pending_backup *pending = userdata;
        if (r < 0) {
                sd_bus_error error = SD_BUS_ERROR_NULL;
                int e = bus_error_from_errno(&error, r, why);
                if (e < 0 && !sd_bus_error_is_set(&error))
                        sd_bus_error_set_errno(&error, e);
                sd_bus_reply_method_error(pending->call, &error);
                sd_bus_error_free(&error);
        } else {
                bus_reply_json(pending->call, answer);
        }
        sd_bus_message_unref(pending->call);
        bus_rearm(pending->daemon);
        free(pending);
}

/* The caller opened the file (with its own rights) and passes the descriptor: the daemon never
 * opens a path it is given. */
static int method_backup(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        int fd;
        char why[WHY_MAX] = "";
        int r = sd_bus_message_read(message, "h", &fd);
        if (r < 0)
                return r;
        struct pending_backup *pending = calloc(1, sizeof *pending);
        if (!pending)
                return -ENOMEM;
        *pending = (struct pending_backup){ .daemon = userdata, .call = sd_bus_message_ref(message) };
        r = backup_start(userdata, fd, backup_done, pending, why);
        if (r < 0) {
                sd_bus_message_unref(pending->call);
                free(pending);
                return bus_error_from_errno(error, r, why);
        }
        return 1; /* answered by backup_done() */
}

static const sd_bus_vtable admin_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Backup", SD_BUS_ARGS("h", file), SD_BUS_RESULT("s", backup_json), method_backup,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int bus_admin_register(struct daemon *daemon) {
        return sd_bus_add_object_vtable(daemon->bus->connection, NULL, BUS_PATH, BUS_INTERFACE, admin_vtable, daemon);
}
