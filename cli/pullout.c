/* pullout.c: the companion CLI of pulloutd, git style: global options, then a command.
 * Exit 0 ok, 1 the daemon said no (its message printed as is), 2 usage. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/pullout.h"

static const struct command commands[] = {
        { "status", cmd_status, "the daemon, its database and what it holds" },
        { "import", cmd_import, "load a school's data set (a folder of CSV files)" },
        { "solve", cmd_solve, "compute the weekly schedule as a draft (--publish: at once)" },
        { "schedule", cmd_schedule, "the published schedule; history, diff, publish, revert" },
        { "explain", cmd_explain, "why a student's sessions sit where they sit" },
        { "pin", cmd_pin, "keep a group as it is through re-solves" },
        { "unpin", cmd_unpin, "let re-solves change a group again" },
        { "move", cmd_move, "move a group to other days and time by hand" },
        { "score", cmd_score, "record progress-monitoring scores (add, import)" },
        { "goal", cmd_goal, "set a student's goal on a measure (the aimline)" },
        { "progress", cmd_progress, "scores against the aimline, trend, decision; the graph" },
        { "sessions", cmd_sessions, "dated sessions of a day or a week" },
        { "log", cmd_log, "record a session: attendance, minutes, fidelity, note" },
        { "cancel", cmd_cancel, "cancel a session, with the reason" },
        { "makeup", cmd_makeup, "suggest or book a make-up in the same week" },
        { "alerts", cmd_alerts, "coordinator alerts, one per cause, and their state" },
        { "ack", cmd_ack, "acknowledge alerts by id or by kind" },
        { "dosage", cmd_dosage, "planned vs delivered minutes and sessions" },
        { "report", cmd_report, "dosage or fidelity report, worst first" },
        { "watch", cmd_watch, "print the daemon's signals as they come" },
        { "clock", cmd_clock, "advance a manual clock (tests, demos)" },
        { "feed", cmd_feed, "calendar feeds: create, list, revoke, rotate" },
        { "export", cmd_export, "write a calendar (iCalendar) to stdout" },
        { "publish", cmd_publish, "write every feed into a folder for a static web host" },
        { "backup", cmd_backup, "write a consistent copy of the database to a file" },
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void usage(FILE *out) {
        fprintf(out, "Usage: pullout [--user | --system] COMMAND [ARGS]\n"
                     "Plan and run school intervention sessions with pulloutd.\n\nCommands:\n");
        for (size_t i = 0; i < COMMAND_COUNT; i++)
                fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
        fprintf(out, "\nOptions:\n"
                     "  --user      talk to your own pulloutd on the session bus\n"
                     "  --system    talk to the system's pulloutd\n"
                     "              (default: the session bus when pulloutd runs there, else the system bus)\n"
                     "  --version   print the version\n"
                     "  --help      print this help\n"
                     "\n'pullout COMMAND --help' explains a command; see pullout(1).\n");
}

int main(int argc, char **argv) {
        struct cli cli = { .bus_choice = BUS_AUTO };
        int i = 1;
        for (; i < argc && argv[i][0] == '-'; i++) {
                if (strcmp(argv[i], "--user") == 0)
                        cli.bus_choice = BUS_USER;
                else if (strcmp(argv[i], "--system") == 0)
                        cli.bus_choice = BUS_SYSTEM;
                else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                        usage(stdout);
                        return 0;
                } else if (strcmp(argv[i], "--version") == 0) {
                        printf("pullout %s\n", PULLOUT_VERSION);
                        return 0;
                } else {
                        fprintf(stderr, "pullout: unknown option \"%s\"\n", argv[i]);
                        usage(stderr);
                        return EXIT_USAGE;
                }
        }
        if (i == argc) {
                usage(stderr);
                return EXIT_USAGE;
        }
        for (size_t c = 0; c < COMMAND_COUNT; c++) {
                if (strcmp(commands[c].name, argv[i]) == 0) {
                        /* Commands parse their own options with getopt from a fresh start. */
                        optind = 0;
                        int r = commands[c].run(&cli, argc - i, argv + i);
                        sd_bus_flush_close_unref(cli.bus);
                        return r;
                }
        }
        fprintf(stderr, "pullout: \"%s\" is not a command; 'pullout --help' lists them\n", argv[i]);
        return EXIT_USAGE;
}
