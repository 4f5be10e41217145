/* harness.h: integration tests run the real pulloutd on a private dbus-daemon and drive it
 * with the real pullout, never touching the machine's own buses. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct json_object;

struct harness {
        char dir[256]; /* private temporary folder: bus socket, database, outputs */
        char bus_address[512];
        pid_t bus_pid;
        pid_t daemon_pid;
        char db[320];
        int http_port;
        char now[32]; /* non-empty: start the daemon with --clock=manual --now=NOW */
        /* Set by harness_start_system_bus: the private bus is configured like the system bus,
         * pulloutd runs with --system and pullout with --system. */
        bool system_bus;
        char daemon_user[64]; /* non-empty (root only): pulloutd runs as this user */
        char run_as[64];      /* non-empty (root only): harness_command/harness_pullout run as this user */
        char notify_socket[200]; /* non-empty: the daemon's NOTIFY_SOCKET, as systemd sets it */
        char watchdog_usec[32]; /* non-empty: the daemon's WATCHDOG_USEC */
};

/* Paths of the programs under test and of the source tree, from the environment the
 * Makefile sets (PULLOUTD, PULLOUT, GEN_SCHOOL, PULLOUT_SOURCE). */
const char *harness_pulloutd(void);
const char *harness_pullout_path(void);
const char *harness_gen_school(void);
const char *harness_source(void);

/* A temp folder and a private session bus. Aborts the test on failure. */
void harness_start_bus(struct harness *h);
/* A temp folder (open to other users) and a private bus configured like the system bus
 * (default deny of method calls, as Debian's system.conf), with the policy file `policy`
 * included; policy NULL: a permissive bus that lets anyone own and call anything, to test
 * the daemon's own checks. Aborts the test on failure. */
void harness_start_system_bus(struct harness *h, const char *policy);
/* Whether the tests may switch users (setuid): they run as root. */
bool harness_can_switch_users(void);

/* Starts pulloutd --user on the private bus with extra arguments (NULL-terminated) and
 * waits until it owns its name. */
void harness_start_daemon(struct harness *h, const char *const *extra_args);
/* Starts a pulloutd that is expected to exit on its own; returns its exit status and its
 * stderr in *ret_err (malloc'd). */
int harness_run_daemon_to_exit(struct harness *h, const char *const *extra_args, char **ret_err);
/* Waits (up to 10 s) for a daemon told to stop some other way; its exit status or -1. */
int harness_wait_daemon(struct harness *h);
/* SIGTERM and wait; returns the daemon's exit status (or -1). */
int harness_stop_daemon(struct harness *h);
void harness_stop(struct harness *h);

/* Runs `pullout --user ARGS...` (NULL-terminated) on the private bus. Returns its exit code;
 * its stdout and stderr in *ret_out and *ret_err (malloc'd, may be NULL to discard). */
int harness_pullout(struct harness *h, char **ret_out, char **ret_err, ...) __attribute__((sentinel));
/* Runs pullout ARGS... (NULL-terminated) and asserts that it exits 0; its stdout in *ret_out
 * (malloc'd) when ret_out is not NULL. */
void harness_pullout_ok(struct harness *h, char **ret_out, ...) __attribute__((sentinel));
/* The same, its stdout parsed as JSON (the caller puts it). */
struct json_object *harness_pullout_json(struct harness *h, ...) __attribute__((sentinel));
/* Starts a command in the background with the private bus in its environment, its output
 * going to out_path; returns its pid (it dies with the test). */
pid_t harness_spawn(struct harness *h, const char *const *argv, const char *out_path);
/* Runs any command (argv NULL-terminated) with the private bus in its environment. */
int harness_command(struct harness *h, char **ret_out, char **ret_err, const char *const *argv);

/* Calls a method of org.pullout.Scheduler1 straight with sd-bus (no CLI in between), its
 * arguments appended as types says. 0 when it succeeded; else -1 with the D-Bus error's name
 * and message in *ret_name and *ret_message (malloc'd; either may be NULL to discard). */
int harness_call(struct harness *h, char **ret_name, char **ret_message, const char *method, const char *types, ...);
/* The daemon's log (its stderr) as written so far (malloc'd, "" when empty). */
char *harness_daemon_log(struct harness *h);
/* How many lines of the daemon's log contain text. */
int harness_log_count(struct harness *h, const char *text);
/* Waits (up to timeout_seconds) until a line of the daemon's log contains text. */
bool harness_log_wait(struct harness *h, const char *text, int timeout_seconds);

/* Reads a whole file (NULL on failure). */
char *harness_read_file(const char *path);
/* Copies a folder of files (flat) to dst. */
void harness_copy_dir(const char *src, const char *dst);
/* Replaces the first occurrence of `from` with `to` in a file. Aborts when absent. */
void harness_edit_file(const char *path, const char *from, const char *to);
