/* alert-store.h: the coordinator's alerts in the database (DESIGN §6): one row per cause key,
 * the acknowledgement, and the alert command's delivery state. Writers run inside the caller's
 * transaction; readers return malloc'd rows. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* What the alert command has done with an alert. */
enum alert_command_state {
        ALERT_COMMAND_NONE, /* no alert command was set when it was raised */
        ALERT_COMMAND_PENDING, /* to run at command_next_at */
        ALERT_COMMAND_DONE,
        ALERT_COMMAND_FAILED, /* given up after its attempts */
        ALERT_COMMAND_STATE_COUNT
};
/* "none", "pending", "done", "failed"; NULL-terminated. */
extern const char *const alert_command_state_names[ALERT_COMMAND_STATE_COUNT + 1];

struct store_alert {
        int64_t id;
        char *kind; /* missed_session, low_dosage, low_fidelity, repeated_miss, progress_decision */
        char *key; /* the cause: one alert per key */
        char *created_at;
        char *session_id, *student_id, *group_id, *staff_id; /* NULL when not about one */
        char *message;
        char *document; /* the alert as JSON, as signalled and handed to the alert command */
        char *acked_at; /* NULL until acknowledged */
        enum alert_command_state command_state;
        int command_attempts;
        int64_t command_next_at; /* Unix seconds */
};

void store_alert_clear(struct store_alert *alert);
void store_alerts_free(struct store_alert *alerts, size_t n);

/* Records alert (id, document, acked_at and attempts ignored) unless an alert of its key is
 * stored: 1 with the new id in *ret_id, 0 (and the stored alert's id) when the cause has one. */
int store_alert_raise(struct store *store, const struct store_alert *alert, int64_t *ret_id);
/* The JSON document of alert id (it carries the id, known only once the row exists). */
int store_alert_set_document(struct store *store, int64_t id, const char *document);
/* -ENOENT when there is no alert id. */
int store_alert_get(struct store *store, int64_t id, struct store_alert *ret_alert);
/* Unacknowledged alerts, or all of them, oldest first. */
int store_alert_list(struct store *store, bool all, struct store_alert **ret_alerts, size_t *ret_n);
/* 0; -ENOENT when there is no alert id; -EALREADY when it was acknowledged before. */
int store_alert_ack(struct store *store, int64_t id, const char *at);

/* The pending alert whose command is due first: 1 and *ret_alert, or 0 when none is pending. */
int store_alert_next_command(struct store *store, struct store_alert *ret_alert);
/* The alert command ran for alert id: done, or failed for the attempts-th time and either
 * pending again from next_at or failed for good (give_up). */
int store_alert_command_done(struct store *store, int64_t id);
int store_alert_command_failed(struct store *store, int64_t id, int attempts, bool give_up, int64_t next_at);
