/* cmd-status.c: `pullout status`: the daemon, its database and what it holds. */
#include <getopt.h>
#include <stdio.h>

#include "cli/pullout.h"

static const char status_help[] =
        "Usage: pullout status [--json]\n"
        "Show the daemon's version, database, clock, the count of each kind of record and the\n"
        "current schedule version.\n";

int cmd_status(struct cli *cli, int argc, char **argv) {
        bool json = false;
        if (wants_help(argc, argv, status_help))
                return 0;
        int usage = parse_json_option(argc, argv, "status", &json);
        if (usage != 0)
                return usage;
        if (optind < argc)
                return usage_error("status", "unexpected argument \"%s\"", argv[optind]);

        struct json_object *status;
        int r = cli_call_json(cli, "Status", 0, &status, NULL);
        if (r != 0)
                return r;
        if (json) {
                print_json(status);
                json_object_put(status);
                return 0;
        }
        struct json_object *counts = json_object_object_get(status, "counts");
        const char *school = json_string_of(status, "school");
        printf("pulloutd %s on the %s bus\n", json_string_of(status, "version"), json_string_of(status, "bus"));
        printf("database:  %s\n", json_string_of(status, "database"));
        printf("school:    %s\n", *school ? school : "(nothing imported yet: pullout import DIR)");
        printf("clock:     %s (%s)\n", json_string_of(status, "now"), json_string_of(status, "clock"));
        int64_t version = json_int_of(status, "schedule_version");
        if (version > 0)
                printf("schedule:  version %lld%s\n", (long long)version,
                       json_object_get_boolean(json_object_object_get(status, "solving")) ? " (solving)" : "");
        else
                printf("schedule:  none yet (pullout solve)\n");
        printf("\n");
        static const char *const kinds[][2] = {
                { "students", "students" }, { "teachers", "homeroom teachers" }, { "staff", "staff" },
                { "programs", "programs" }, { "needs", "intervention needs" },
                { "timetable_blocks", "timetable blocks" }, { "services", "services" },
                { "availability", "availability windows" }, { "calendar_days", "calendar days" },
                { "archived_students", "archived students" },
        };
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
                printf("%6lld  %s\n", (long long)json_int_of(counts, kinds[i][0]), kinds[i][1]);
        json_object_put(status);
        return 0;
}
