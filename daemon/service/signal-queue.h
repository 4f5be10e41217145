/* signal-queue.h: how signals leave the daemon. The service layer knows no D-Bus: what a change
 * announces waits here while the change's transaction is open and, once it commits, goes to the
 * one hook the bus layer installed at start; after a rollback nothing leaves. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct daemon;
struct json_object;

enum service_signal_kind {
        SIGNAL_SCHEDULE_CHANGED, /* number: the version published; document: its summary */
        SIGNAL_SESSION_REMINDER, /* id: the session; document: the session */
        SIGNAL_FIDELITY_CHECK_DUE,
        SIGNAL_SESSION_MISSED,
        SIGNAL_ALERT, /* number: the alert's id; document: the alert */
        SIGNAL_KIND_COUNT
};

struct service_signal {
        enum service_signal_kind kind;
        const char *id; /* the session, or NULL */
        int64_t number;
        const char *document; /* JSON text */
};

typedef void (*signal_hook_fn)(void *userdata, const struct service_signal *signal);

/* The bus layer's exit for signals. Without one (unit tests) signals are dropped. 0 or -ENOMEM. */
int signals_set_hook(struct daemon *daemon, signal_hook_fn hook, void *userdata);
/* Queues a signal for the transaction in progress; first: ahead of those queued already (the
 * SessionMissed an Alert is about goes out before it). */
void signals_queue(struct daemon *daemon, enum service_signal_kind kind, const char *id, int64_t number,
                   struct json_object *document, bool first);
/* After a commit (send) the queued signals go out and new alerts go to the alert command;
 * after a rollback they are dropped. */
void signals_flush(struct daemon *daemon, bool send);
/* Sends one signal at once, for a change that is committed already. */
void signals_emit(struct daemon *daemon, enum service_signal_kind kind, const char *id, int64_t number,
                  struct json_object *document);
void signals_stop(struct daemon *daemon);
