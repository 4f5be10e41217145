/* bus.h: the bus layer. sd-bus inside the libevent loop, the name org.pullout.Scheduler1, and
 * what every interface file shares. A method translates its arguments into one service call
 * and the answer into D-Bus: the service layer (daemon/service/) knows no D-Bus. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

struct daemon;
struct json_object;

#define BUS_NAME "org.pullout.Scheduler1"
#define BUS_PATH "/org/pullout/Scheduler1"
#define BUS_INTERFACE "org.pullout.Scheduler1"

#define BUS_ERROR_INVALID_ARGUMENT "org.pullout.Error.InvalidArgument"
#define BUS_ERROR_INVALID_DATA "org.pullout.Error.InvalidData"
#define BUS_ERROR_NOT_FOUND "org.pullout.Error.NotFound"
#define BUS_ERROR_CONFLICT "org.pullout.Error.Conflict"
#define BUS_ERROR_ACCESS_DENIED "org.pullout.Error.AccessDenied"
#define BUS_ERROR_BUSY "org.pullout.Error.Busy"
#define BUS_ERROR_NOT_READY "org.pullout.Error.NotReady"
#define BUS_ERROR_NOT_SUPPORTED "org.pullout.Error.NotSupported"
#define BUS_ERROR_STORAGE_FAILED "org.pullout.Error.StorageFailed"
#define BUS_ERROR_FAILED "org.pullout.Error.Failed"

/* The connection and its watch on the loop. */
struct bus {
        sd_bus *connection;
        struct event *io;
        struct event *timer;
        short armed_flags;
};

/* Connects to the bus of the daemon's mode, installs the access check and the service layer's
 * signal hook, registers every interface, attaches to the loop and requests the name. -EEXIST
 * when another daemon owns it. */
int bus_start(struct daemon *daemon);
void bus_stop(struct daemon *daemon);
/* Re-arms the loop's watch of the bus fd and timeout. Called after anything is queued to
 * send from outside a bus callback (signals, late replies): libevent 2.1 has no prepare hook. */
void bus_rearm(struct daemon *daemon);

/* The group whose members may read and change the school's data on the system bus. */
#define BUS_ACCESS_GROUP "pullout"

/* Installs the one access check: on the system bus every method call but introspection, Peer,
 * Properties.Get/GetAll and Status is refused (AccessDenied) to callers outside root and the
 * group pullout, before any interface's vtable sees it. Nothing on the session bus. */
int bus_access_install(sd_bus *bus, bool user_mode);

/* The one errno -> org.pullout.Error.* mapping (service/why.h lists it), with why as the
 * message. Returns what a method handler returns. */
int bus_error_from_errno(sd_bus_error *error, int r, const char *why);
/* A service call's answer: the JSON document (taken) as the method's single "s" result, or
 * the error r with why. */
int bus_reply(sd_bus_message *message, sd_bus_error *error, int r, struct json_object *document, const char *why);
/* The same for a call answered after its handler returned (the caller keeps its reference to
 * call): the document (taken) or the error r with why. */
void bus_reply_late(sd_bus_message *call, int r, struct json_object *document, const char *why);
/* Replies with a JSON document (the method's single "s" result) and takes ownership of it. */
int bus_reply_json(sd_bus_message *message, struct json_object *document);

/* Ids a caller names (students, staff, programs, groups, sessions) are 1..IMPORT_MAX_ID_BYTES
 * bytes, as the importer stores them; 0, or InvalidArgument naming what. */
int bus_check_id(const char *id, const char *what, sd_bus_error *error);

/* Free text a caller hands over (a reason, a note, a label or measure name, a name to look up)
 * keeps the rule of a CSV cell (text-field.h): at most max_bytes (TEXT_FIELD_MAX_BYTES when 0 or
 * more), without control characters (prose, a note: line breaks and tabs allowed). 0, or
 * InvalidArgument naming argument and the limit or the character (`"reason" is 5000 bytes long,
 * more than the limit of 500`). Checked before anything is read or stored. */
int bus_check_text(const char *text, const char *argument, size_t max_bytes, bool prose, sd_bus_error *error);

/* One option of an a{sv} argument: its key and the D-Bus type its variant must hold. A scalar
 * type ("s", "b", "u", "i", "x", "t", "d") is read into value (const char **, int *, uint32_t
 * *, ...); any type may instead have read(), called with the message on the variant. given,
 * when not NULL, is set once the option was read. */
struct bus_option {
        const char *key;
        const char *type;
        void *value;
        bool *given;
        int (*read)(sd_bus_message *message, const char *key, void *userdata, sd_bus_error *error);
};
/* Reads an a{sv} argument against options: an unknown key, or a variant of another type than
 * its option's, is InvalidArgument naming the key and the type it takes ("solve option
 * "seed" takes an unsigned integer (D-Bus type u), not type s"). what names the options in
 * those messages. The values are the caller's to check. */
int bus_read_options(sd_bus_message *message, const char *what, const struct bus_option *options, size_t n,
                     void *userdata, sd_bus_error *error);

/* A file a caller hands over by name (an import's, a score file): a plain name, no path. */
#define BUS_FILE_NAME_MAX 64

/* Each interface file registers its vtable on BUS_PATH/BUS_INTERFACE. */
int bus_scheduler_register(struct daemon *daemon);
int bus_schedule_register(struct daemon *daemon);
int bus_versions_register(struct daemon *daemon);
int bus_progress_register(struct daemon *daemon);
int bus_sessions_register(struct daemon *daemon);
int bus_feeds_register(struct daemon *daemon);
int bus_admin_register(struct daemon *daemon);
int bus_students_register(struct daemon *daemon);
