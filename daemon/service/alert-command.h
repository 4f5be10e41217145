/* alert-command.h: the optional alert command (like cron's MAILTO): /bin/sh -c COMMAND with
 * the alert as JSON on stdin, one child at a time, retried with a growing delay when it fails. */
#pragma once

struct daemon;

/* Starts the command for the pending alert due first, unless one runs or none is due (then a
 * timer waits for the next). Called after alerts were raised and at start. */
void alert_command_kick(struct daemon *daemon);
/* Makes the day's digest when it is due ([alerts] digest): 1 when made (handed to the command
 * now or after the child running), 0 when none is due, -errno when it cannot be recorded. */
int alert_digest_run_due(struct daemon *daemon);
/* Kills a running command and frees the watchers (at shutdown). */
void alert_command_stop(struct daemon *daemon);
