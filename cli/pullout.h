/* pullout.h: the CLI's shared pieces, with prototypes grouped by file (as tmux.h does). */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#define EXIT_DAEMON_ERROR 1 /* the daemon said no, or is not there */
#define EXIT_USAGE 2

#define BUS_NAME "org.pullout.Scheduler1"
#define BUS_PATH "/org/pullout/Scheduler1"
#define BUS_INTERFACE "org.pullout.Scheduler1"

enum bus_choice { BUS_AUTO, BUS_USER, BUS_SYSTEM };

struct cli {
        enum bus_choice bus_choice;
        sd_bus *bus; /* connected lazily by cli_bus() */
};

struct command {
        const char *name;
        int (*run)(struct cli *cli, int argc, char **argv);
        const char *summary;
};

/* call.c */
sd_bus *cli_bus(struct cli *cli);
/* Calls method with the given arguments; prints the daemon's error as is and returns
 * EXIT_DAEMON_ERROR, or 0 with the reply in *ret_reply. timeout_usec 0: the default. */
int cli_call(struct cli *cli, const char *method, uint64_t timeout_usec, sd_bus_message **ret_reply,
             const char *types, ...);
/* A new method call to fill by hand, then cli_send(). */
int cli_new_call(struct cli *cli, const char *method, sd_bus_message **ret_message);
int cli_send(struct cli *cli, sd_bus_message *message, uint64_t timeout_usec, sd_bus_message **ret_reply);
/* A student as a person names one (the id, the name or an unambiguous part of it, any case):
 * the daemon's FindStudent resolves it, so the CLI never holds the school's names. 0 with the
 * id in id (text itself when no current student matches: the command then says what it does
 * not know, and a student who left keeps their records), or EXIT_DAEMON_ERROR after printing
 * why (several candidates, or the daemon unreachable). */
#define CLI_STUDENT_ID_MAX 65
int cli_student_id(struct cli *cli, const char *text, char id[static CLI_STUDENT_ID_MAX]);
/* For methods whose single result is a JSON document. */
int cli_call_json(struct cli *cli, const char *method, uint64_t timeout_usec, struct json_object **ret_json,
                  const char *types, ...);
int cli_reply_json(sd_bus_message *reply, struct json_object **ret_json);
/* Sends a call built by hand (the caller keeps and unrefs it); its JSON reply in *ret_json. */
int cli_send_json(struct cli *cli, sd_bus_message *message, uint64_t timeout_usec, struct json_object **ret_json);

/* output.c */
void print_json(struct json_object *document);
/* Reads a string field ("" when absent) / an integer field (0 when absent). */
const char *json_string_of(struct json_object *object, const char *key);
int64_t json_int_of(struct json_object *object, const char *key);
/* A table for people: columns padded to their widest cell. */
struct table;
struct table *table_new(int columns, ...);
void table_add(struct table *table, ...);
void table_print(struct table *table);
void table_free(struct table *table);
bool stdout_is_terminal(void);

/* args.c: parsing helpers shared by commands */
/* Reports "pullout COMMAND: message" and returns EXIT_USAGE. */
int usage_error(const char *command, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Parses a command whose only option is --json (getopt: optind is left after the options).
 * 0, or EXIT_USAGE after saying why. */
int parse_json_option(int argc, char **argv, const char *command, bool *ret_json);
/* True when argv holds --help / -h; prints help text then. */
bool wants_help(int argc, char **argv, const char *help);

/* what-if.c */
/* Appends the Solve option {"what_if": <the .csv files of dir>} to an open a{sv}; -1 after
 * saying why on stderr. */
int append_what_if(sd_bus_message *message, const char *dir);
void print_what_if(struct json_object *summary);

/* files.c */
/* Reads a regular file (path relative to dirfd, AT_FDCWD for the working folder) whole, at
 * most max bytes, NUL-terminated. On failure prints "WHO: SHOWN: why" and returns -1. */
int read_whole_file(int dirfd, const char *path, const char *shown, size_t max, const char *who, char **ret_data,
                    size_t *ret_size);

/* One entry point per command, in their cmd-*.c files. */
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_solve(struct cli *cli, int argc, char **argv);
int cmd_schedule(struct cli *cli, int argc, char **argv);
/* cmd-versions.c: `schedule history|diff|publish|revert` (argv[0] the subcommand). */
int cmd_schedule_versions(struct cli *cli, int argc, char **argv);
void print_version_diff(struct json_object *diff);
void print_publication(struct json_object *publication);
int cmd_explain(struct cli *cli, int argc, char **argv);
int cmd_pin(struct cli *cli, int argc, char **argv);
int cmd_unpin(struct cli *cli, int argc, char **argv);
int cmd_move(struct cli *cli, int argc, char **argv);
/* cmd-progress.c */
int cmd_score(struct cli *cli, int argc, char **argv);
int cmd_goal(struct cli *cli, int argc, char **argv);
int cmd_progress(struct cli *cli, int argc, char **argv);
/* cmd-sessions.c */
int cmd_sessions(struct cli *cli, int argc, char **argv);
int cmd_log(struct cli *cli, int argc, char **argv);
int cmd_cancel(struct cli *cli, int argc, char **argv);
int cmd_makeup(struct cli *cli, int argc, char **argv);
int cmd_alerts(struct cli *cli, int argc, char **argv);
int cmd_ack(struct cli *cli, int argc, char **argv);
int cmd_dosage(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_watch(struct cli *cli, int argc, char **argv);
int cmd_clock(struct cli *cli, int argc, char **argv);
int cmd_feed(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_publish(struct cli *cli, int argc, char **argv);
/* cmd-backup.c */
int cmd_backup(struct cli *cli, int argc, char **argv);
