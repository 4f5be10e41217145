/* signal-queue.c: signals held until the transaction that recorded them commits, then handed to
 * the bus layer's hook. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "service/alert-command.h"
#include "service/signal-queue.h"

struct pending_signal {
        enum service_signal_kind kind;
        char *id;
        int64_t number;
        char *document;
};

struct signal_queue {
        signal_hook_fn hook;
        void *userdata;
        struct pending_signal *pending;
        size_t n_pending;
};

static struct signal_queue *queue_of(struct daemon *daemon) {
        if (!daemon->signals)
                daemon->signals = calloc(1, sizeof *daemon->signals);
        return daemon->signals;
}

int signals_set_hook(struct daemon *daemon, signal_hook_fn hook, void *userdata) {
        struct signal_queue *queue = queue_of(daemon);
        if (!queue)
                return -ENOMEM;
        queue->hook = hook;
        queue->userdata = userdata;
        return 0;
}

static const char *text_of(struct json_object *document) {
        return json_object_to_json_string_ext(document, JSON_C_TO_STRING_PLAIN);
}

void signals_queue(struct daemon *daemon, enum service_signal_kind kind, const char *id, int64_t number,
                   struct json_object *document, bool first) {
        struct signal_queue *queue = queue_of(daemon);
        struct pending_signal *grown =
                queue ? realloc(queue->pending, (queue->n_pending + 1) * sizeof *grown) : NULL;
        if (!grown)
                return; /* a signal is a courtesy; the change itself is stored */
        queue->pending = grown;
        struct pending_signal signal = {
                .kind = kind,
                .id = id ? strdup(id) : NULL,
                .number = number,
                .document = strdup(text_of(document)),
        };
        if (first) {
                memmove(grown + 1, grown, queue->n_pending * sizeof *grown);
                grown[0] = signal;
        } else {
                grown[queue->n_pending] = signal;
        }
        queue->n_pending++;
}

static void send_one(struct signal_queue *queue, const struct service_signal *signal) {
        if (queue && queue->hook && signal->document)
                queue->hook(queue->userdata, signal);
}

void signals_flush(struct daemon *daemon, bool send) {
        struct signal_queue *queue = daemon->signals;
        if (!queue)
                return;
        for (size_t i = 0; i < queue->n_pending; i++) {
                struct pending_signal *p = &queue->pending[i];
                if (send)
                        send_one(queue, &(struct service_signal){ p->kind, p->id, p->number, p->document });
                free(p->id);
                free(p->document);
        }
        free(queue->pending);
        queue->pending = NULL;
        queue->n_pending = 0;
        if (send)
                alert_command_kick(daemon);
}

void signals_emit(struct daemon *daemon, enum service_signal_kind kind, const char *id, int64_t number,
                  struct json_object *document) {
        send_one(daemon->signals, &(struct service_signal){ kind, id, number, text_of(document) });
}

void signals_stop(struct daemon *daemon) {
        if (!daemon->signals)
                return;
        signals_flush(daemon, false);
        free(daemon->signals);
        daemon->signals = NULL;
}
