/* bus.h: sd-bus inside the libevent loop, the name org.pullout.Scheduler1, and the helpers
 * every interface file shares. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

struct daemon;

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
#define BUS_ERROR_FAILED "org.pullout.Error.Failed"

/* Connects to the bus of the daemon's mode, registers every interface, attaches to the loop
 * and requests the name. -EEXIST when another daemon owns it. */
int bus_start(struct daemon *daemon);
void bus_stop(struct daemon *daemon);
/* Re-arms the loop's watch of the bus fd and timeout. Called after anything is queued to
 * send from outside a bus callback (signals, late replies): libevent 2.1 has no prepare hook. */
void bus_rearm(struct daemon *daemon);

/* The group whose members may read and change the school's data on the system bus. */
#define BUS_ACCESS_GROUP "pullout"

/* Answers a method call from an outside caller: on the system bus only root and members of
 * the group pullout may call anything but Status. 0, or <0 with error set (AccessDenied).
 * The filter of bus_access_install() already applies it to every method call; a method may
 * call it again where it matters. */
int bus_check_access(bool user_mode, sd_bus_message *message, sd_bus_error *error);
/* Installs the filter that refuses, on the system bus, every method call but introspection,
 * Peer, Properties.Get/GetAll and Status to callers outside root and the group pullout,
 * before any interface's vtable sees it. */
int bus_access_install(sd_bus *bus, bool user_mode);

/* Replies with a JSON document (the method's single "s" result) and takes ownership of it. */
struct json_object;
int bus_reply_json(sd_bus_message *message, struct json_object *document);

/* Each interface file registers its vtable on BUS_PATH/BUS_INTERFACE. */
int bus_scheduler_register(struct daemon *daemon);
int bus_schedule_register(struct daemon *daemon);
int bus_progress_register(struct daemon *daemon);
int bus_sessions_register(struct daemon *daemon);
int bus_feeds_register(struct daemon *daemon);
