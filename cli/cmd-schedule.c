/* cmd-schedule.c: the weekly schedule: `solve`, `schedule`, `explain`, `pin`, `unpin`, `move`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/pullout.h"
#include "daemon/model/timeutil.h"
#include "service/solve-service.h"

static const char solve_help[] =
        "Usage: pullout solve [--publish [--from DATE|today] [--allow-drop]] [--time-limit SECONDS]\n"
        "                     [--seed N] [--fresh] [--json]\n"
        "Compute the weekly pull-out schedule as a new draft version and show what it would change\n"
        "against the published one. Nobody sees a draft until it is published (pullout schedule\n"
        "publish). A re-solve keeps the published schedule where it can; pinned groups never move.\n"
        "\n"
        "  --publish             publish the draft at once (the first schedule, scripts)\n"
        "  --from DATE|today     with --publish: when it takes effect (default: today for the\n"
        "                        first publication, else next Monday)\n"
        "  --allow-drop          with --publish: even when a student loses a place\n"
        "  --time-limit SECONDS  search at most this long (default: pulloutd.conf solver.time_limit)\n"
        "  --seed N              the search's seed: same data and seed, same schedule\n"
        "                        (unless more time placed more needs)\n"
        "  --fresh               start over instead of keeping the published meetings\n"
        "  --what-if DIR         solve on the stored data set with DIR's CSV files (any of\n"
        "                        the data set's: staff.csv, needs.csv, programs.csv, ...) in\n"
        "                        place of the stored ones; stored as a what-if version, never\n"
        "                        published; the stored data set is not touched\n"
        "  --json                print the summary as JSON\n";

static const char schedule_help[] =
        "Usage: pullout schedule [--version N] [--staff ID | --teacher ID | --student ID] [--json | --svg FILE]\n"
        "       pullout schedule history | diff [FROM [TO]] | publish [VERSION] | revert VERSION\n"
        "Show the published schedule (or with --version N any stored version): a week grid per\n"
        "interventionist, and the needs that could not be placed with the reason. --json prints\n"
        "the schedule format of pullout(1).\n"
        "--svg FILE draws the week as a picture for a wall or a staff meeting (- for stdout):\n"
        "every interventionist's sessions, or with --teacher the class's pull-outs beside its\n"
        "own timetable, or with --staff one interventionist's week.\n";

static const char explain_help[] =
        "Usage: pullout explain [--json] STUDENT\n"
        "Say why each of the student's intervention needs sits where it sits, or why it could\n"
        "not be placed and what would free it.\n";

static const char pin_help[] =
        "Usage: pullout pin GROUP\n       pullout unpin GROUP\n"
        "A pinned group keeps its students, interventionist and times through every re-solve.\n";

static const char move_help[] =
        "Usage: pullout move [--from DATE|today] [--json] GROUP DAYS START\n"
        "Move a group to new days (letters of MTWRF, as many as its sessions a week) at START\n"
        "(HH:MM). Applied only when no rule breaks (else the rules are named); the group is then\n"
        "pinned so a re-solve keeps your decision. It takes effect today (--from: a later day) and\n"
        "says what the week in progress loses. Example: pullout move G3 MTWRF 09:40\n";

static void print_metrics(struct json_object *metrics) {
        printf("  student-minutes in avoid blocks     %lld\n", (long long)json_int_of(metrics, "avoid_minutes"));
        printf("  student-minutes in WIN blocks       %lld\n", (long long)json_int_of(metrics, "preferred_minutes"));
        printf("  groups not at one time every day    %lld\n", (long long)json_int_of(metrics, "inconsistent_groups"));
        printf("  back-to-back days (2-3 a week)      %lld\n", (long long)json_int_of(metrics, "back_to_back_days"));
        printf("  skill-level spread in groups        %lld\n", (long long)json_int_of(metrics, "level_spread"));
        printf("  interventionist idle minutes        %lld\n", (long long)json_int_of(metrics, "idle_minutes"));
        printf("  classroom interruptions             %lld\n", (long long)json_int_of(metrics, "interruptions"));
        printf("  penalty                             %lld\n", (long long)json_int_of(metrics, "penalty"));
}

static void print_summary(struct json_object *summary) {
        struct json_object *metrics = json_object_object_get(summary, "metrics");
        printf("schedule version %lld: %lld of %lld needs scheduled in %lld groups\n",
               (long long)json_int_of(summary, "version"), (long long)json_int_of(summary, "needs_scheduled"),
               (long long)json_int_of(summary, "needs_total"), (long long)json_int_of(summary, "groups"));
        long long placed = json_int_of(summary, "placed"), needs = json_int_of(summary, "needs");
        struct json_object *bound = json_object_object_get(summary, "upper_bound");
        if (bound)
                printf("placed %lld of %lld needs; no schedule can place more than %lld\n", placed, needs,
                       (long long)json_object_get_int64(bound));
        else
                printf("placed %lld of %lld needs\n", placed, needs);
        printf("meetings changed from the published version: %lld\n\n",
               (long long)json_int_of(metrics, "changed_meetings"));
        struct table *table = table_new(6, "STAFF", "NAME", "GROUPS", "STUDENTS", "SESSIONS/WK", "MINUTES/WK");
        struct json_object *load = json_object_object_get(summary, "staff_load");
        for (size_t i = 0; i < json_object_array_length(load); i++) {
                struct json_object *row = json_object_array_get_idx(load, i);
                char groups[16], students[16], sessions[16], minutes[16];
                snprintf(groups, sizeof groups, "%lld", (long long)json_int_of(row, "groups"));
                snprintf(students, sizeof students, "%lld", (long long)json_int_of(row, "students"));
                snprintf(sessions, sizeof sessions, "%lld", (long long)json_int_of(row, "sessions_per_week"));
                snprintf(minutes, sizeof minutes, "%lld", (long long)json_int_of(row, "minutes_per_week"));
                table_add(table, json_string_of(row, "staff_id"), json_string_of(row, "name"), groups, students,
                          sessions, minutes);
        }
        table_print(table);
        table_free(table);
        printf("\nsoft measures:\n");
        print_metrics(metrics);
        if (json_int_of(summary, "unscheduled") > 0)
                printf("\n%lld needs could not be placed: see pullout schedule, pullout explain STUDENT\n",
                       (long long)json_int_of(summary, "unscheduled"));
}

int cmd_solve(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "time-limit", required_argument, NULL, 't' },
                { "seed", required_argument, NULL, 's' },
                { "fresh", no_argument, NULL, 'f' },
                { "json", no_argument, NULL, 'j' },
                { "publish", no_argument, NULL, 'p' },
                { "from", required_argument, NULL, 'F' },
                { "allow-drop", no_argument, NULL, 'a' },
                { "what-if", required_argument, NULL, 'w' },
                { 0 },
        };
        double time_limit = 0;
        unsigned long seed = 0;
        bool seed_given = false, fresh = false, json = false, publish = false, allow_drop = false;
        const char *from = NULL, *what_if = NULL;
        int c;
        if (wants_help(argc, argv, solve_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                char *end;
                switch (c) {
                case 't':
                        time_limit = strtod(optarg, &end);
                        if (*end || !(time_limit > 0 && time_limit <= SOLVE_TIME_LIMIT_MAX))
                                return usage_error("solve", "--time-limit takes seconds, 0 < S <= %.0f",
                                                   SOLVE_TIME_LIMIT_MAX);
                        break;
                case 's':
                        seed = strtoul(optarg, &end, 10);
                        if (*end || !*optarg || seed > 0xffffffffUL)
                                return usage_error("solve", "--seed takes a number 0..4294967295");
                        seed_given = true;
                        break;
                case 'f':
                        fresh = true;
                        break;
                case 'j':
                        json = true;
                        break;
                case 'p':
                        publish = true;
                        break;
                case 'F':
                        from = optarg;
                        break;
                case 'a':
                        allow_drop = true;
                        break;
                case 'w':
                        what_if = optarg;
                        break;
                default:
                        return usage_error("solve", "unknown option");
                }
        }
        if (optind < argc)
                return usage_error("solve", "unexpected argument \"%s\"", argv[optind]);
        if ((from || allow_drop) && !publish)
                return usage_error("solve", "--from and --allow-drop go with --publish (or pullout schedule publish)");
        if (what_if && publish)
                return usage_error("solve", "a --what-if is never published: import the files, then solve --publish");

        sd_bus_message *message = NULL;
        int r = cli_new_call(cli, "Solve", &message);
        if (r != 0)
                return r;
        int a = sd_bus_message_open_container(message, 'a', "{sv}");
        if (a >= 0 && time_limit > 0)
                a = sd_bus_message_append(message, "{sv}", "time_limit", "d", time_limit);
        if (a >= 0 && seed_given)
                a = sd_bus_message_append(message, "{sv}", "seed", "u", (uint32_t)seed);
        if (a >= 0 && fresh)
                a = sd_bus_message_append(message, "{sv}", "fresh", "b", 1);
        if (a >= 0 && publish)
                a = sd_bus_message_append(message, "{sv}", "publish", "b", 1);
        if (a >= 0 && from)
                a = sd_bus_message_append(message, "{sv}", "from", "s", from);
        if (a >= 0 && allow_drop)
                a = sd_bus_message_append(message, "{sv}", "allow_drop", "b", 1);
        if (a >= 0 && what_if && append_what_if(message, what_if) < 0) {
                sd_bus_message_unref(message);
                return EXIT_DAEMON_ERROR;
        }
        if (a >= 0)
                a = sd_bus_message_close_container(message);
        if (a < 0) {
                sd_bus_message_unref(message);
                fprintf(stderr, "pullout solve: cannot build the call\n");
                return EXIT_DAEMON_ERROR;
        }
        /* The daemon answers when the search ends: allow for its limit plus storing. */
        uint64_t timeout = (uint64_t)((time_limit > 0 ? time_limit : SOLVE_TIME_LIMIT_MAX) + 60) * 1000000u;
        struct json_object *summary = NULL;
        r = cli_send_json(cli, message, timeout, &summary);
        sd_bus_message_unref(message);
        if (r != 0)
                return r;
        if (json) {
                print_json(summary);
        } else {
                print_summary(summary);
                printf("\n");
                print_version_diff(json_object_object_get(summary, "diff"));
                if (strcmp(json_string_of(summary, "state"), "what-if") == 0)
                        print_what_if(summary);
                else if (strcmp(json_string_of(summary, "state"), "published") == 0)
                        print_publication(summary);
                else
                        printf("draft version %lld: nobody sees it until pullout schedule publish %lld\n",
                               (long long)json_int_of(summary, "version"), (long long)json_int_of(summary, "version"));
        }
        json_object_put(summary);
        return 0;
}

/* Minutes of an "HH:MM" string, or -1. */
static int minutes_of(const char *text) {
        int minutes;
        return time_parse(text, &minutes) == 0 ? minutes : -1;
}

static int compare_ints(const void *a, const void *b) {
        return *(const int *)a - *(const int *)b;
}

/* One interventionist's week: a row per start time, a column per day. */
static void print_week_grid(struct json_object *groups, const char *staff_id, const char *staff_name) {
        static const char letters[] = "MTWRF";
        int starts[256];
        size_t n_starts = 0;
        for (size_t g = 0; g < json_object_array_length(groups); g++) {
                struct json_object *group = json_object_array_get_idx(groups, g);
                if (strcmp(json_string_of(group, "staff_id"), staff_id) != 0)
                        continue;
                struct json_object *meetings = json_object_object_get(group, "meetings");
                for (size_t m = 0; m < json_object_array_length(meetings); m++) {
                        int start = minutes_of(json_string_of(json_object_array_get_idx(meetings, m), "start"));
                        bool seen = false;
                        for (size_t i = 0; i < n_starts; i++)
                                seen |= starts[i] == start;
                        if (!seen && n_starts < 256)
                                starts[n_starts++] = start;
                }
        }
        if (n_starts == 0)
                return;
        qsort(starts, n_starts, sizeof starts[0], compare_ints);
        printf("%s (%s)\n", staff_name, staff_id);
        struct table *table = table_new(6, "TIME", "MON", "TUE", "WED", "THU", "FRI");
        for (size_t i = 0; i < n_starts; i++) {
                char cells[5][96] = { "", "", "", "", "" };
                char time[16];
                int end = starts[i];
                for (size_t g = 0; g < json_object_array_length(groups); g++) {
                        struct json_object *group = json_object_array_get_idx(groups, g);
                        if (strcmp(json_string_of(group, "staff_id"), staff_id) != 0)
                                continue;
                        struct json_object *meetings = json_object_object_get(group, "meetings");
                        for (size_t m = 0; m < json_object_array_length(meetings); m++) {
                                struct json_object *meeting = json_object_array_get_idx(meetings, m);
                                if (minutes_of(json_string_of(meeting, "start")) != starts[i])
                                        continue;
                                const char *day = strchr(letters, json_string_of(meeting, "day")[0]);
                                if (!day || !*json_string_of(meeting, "day"))
                                        continue;
                                int e = minutes_of(json_string_of(meeting, "end"));
                                if (e > end)
                                        end = e;
                                snprintf(cells[day - letters], sizeof cells[0], "%s %s ×%zu%s",
                                         json_string_of(group, "group_id"), json_string_of(group, "program_id"),
                                         json_object_array_length(json_object_object_get(group, "students")),
                                         json_object_get_boolean(json_object_object_get(group, "pinned")) ? " (pin)"
                                                                                                          : "");
                        }
                }
                char start_text[6], end_text[6];
                snprintf(time, sizeof time, "%s-%s", time_format(starts[i], start_text), time_format(end, end_text));
                table_add(table, time, cells[0], cells[1], cells[2], cells[3], cells[4]);
        }
        table_print(table);
        table_free(table);
        printf("\n");
}

/* The CLI writes the file with the caller's rights; the daemon only returns the SVG text. */
static int write_picture(struct cli *cli, const char *kind, const char *id, const char *path) {
        sd_bus_message *reply = NULL;
        const char *svg;
        int r = cli_call(cli, "SchedulePicture", 0, &reply, "ss", kind, id);
        if (r != 0)
                return r;
        if (sd_bus_message_read(reply, "s", &svg) < 0) {
                sd_bus_message_unref(reply);
                fprintf(stderr, "pullout schedule: unexpected reply\n");
                return EXIT_DAEMON_ERROR;
        }
        FILE *out = strcmp(path, "-") == 0 ? stdout : fopen(path, "we");
        if (!out) {
                fprintf(stderr, "pullout schedule: %s: %s\n", path, strerror(errno));
                sd_bus_message_unref(reply);
                return EXIT_DAEMON_ERROR;
        }
        fputs(svg, out);
        r = (out != stdout ? fclose(out) : fflush(out)) == 0 ? 0 : EXIT_DAEMON_ERROR;
        if (r != 0)
                fprintf(stderr, "pullout schedule: %s: %s\n", path, strerror(errno));
        sd_bus_message_unref(reply);
        return r;
}

int cmd_schedule(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "staff", required_argument, NULL, 's' },
                { "teacher", required_argument, NULL, 't' },
                { "student", required_argument, NULL, 'u' },
                { "json", no_argument, NULL, 'j' },
                { "svg", required_argument, NULL, 'g' },
                { "version", required_argument, NULL, 'v' },
                { 0 },
        };
        const char *kind = "", *id = "", *svg_path = NULL;
        bool json = false;
        long long version = 0;
        int c;
        if (argc > 1 && (strcmp(argv[1], "history") == 0 || strcmp(argv[1], "diff") == 0 ||
                         strcmp(argv[1], "publish") == 0 || strcmp(argv[1], "revert") == 0))
                return cmd_schedule_versions(cli, argc - 1, argv + 1);
        if (wants_help(argc, argv, schedule_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                switch (c) {
                case 's':
                case 't':
                case 'u':
                        if (*kind)
                                return usage_error("schedule", "give one of --staff, --teacher, --student");
                        kind = c == 's' ? "staff" : c == 't' ? "teacher" : "student";
                        id = optarg;
                        break;
                case 'j':
                        json = true;
                        break;
                case 'g':
                        svg_path = optarg;
                        break;
                case 'v': {
                        char *end;
                        version = strtoll(optarg, &end, 10);
                        if (*end || !*optarg || version <= 0)
                                return usage_error("schedule", "--version takes a version number (pullout schedule history)");
                        break;
                }
                default:
                        return usage_error("schedule", "unknown option");
                }
        }
        if (optind < argc)
                return usage_error("schedule", "unexpected argument \"%s\"", argv[optind]);
        char student_id[CLI_STUDENT_ID_MAX];
        if (strcmp(kind, "student") == 0 && !svg_path) {
                int r = cli_student_id(cli, id, student_id);
                if (r != 0)
                        return r;
                id = student_id;
        }
        if (svg_path) {
                if (json || strcmp(kind, "student") == 0)
                        return usage_error("schedule", "--svg draws everyone, a --teacher or a --staff member");
                return write_picture(cli, kind, id, svg_path);
        }
        if (version > 0 && (*kind || svg_path))
                return usage_error("schedule", "--version shows a whole version: no --staff, --teacher, --student, --svg");
        struct json_object *schedule;
        int r = version > 0 ? cli_call_json(cli, "ScheduleVersion", 0, &schedule, "x", (int64_t)version)
                            : cli_call_json(cli, "Schedule", 0, &schedule, "ss", kind, id);
        if (r != 0)
                return r;
        if (json) {
                print_json(schedule);
                json_object_put(schedule);
                return 0;
        }
        struct json_object *groups = json_object_object_get(schedule, "groups");
        const char *state = json_string_of(schedule, "state");
        printf("schedule version %lld%s%s\n\n", (long long)json_int_of(schedule, "version"), *state ? ", " : "", state);
        /* One grid per interventionist, in the order they first appear. */
        const char *seen[256];
        size_t n_seen = 0;
        for (size_t g = 0; g < json_object_array_length(groups); g++) {
                struct json_object *group = json_object_array_get_idx(groups, g);
                const char *staff = json_string_of(group, "staff_id");
                bool done = false;
                for (size_t i = 0; i < n_seen; i++)
                        done |= strcmp(seen[i], staff) == 0;
                if (done || n_seen == 256)
                        continue;
                seen[n_seen++] = staff;
                print_week_grid(groups, staff, json_string_of(group, "staff"));
        }
        if (json_object_array_length(groups) > 0) {
                printf("GROUPS\n");
                for (size_t g = 0; g < json_object_array_length(groups); g++) {
                        struct json_object *group = json_object_array_get_idx(groups, g);
                        struct json_object *names = json_object_object_get(group, "student_names");
                        printf("  %-4s %-7s %s:", json_string_of(group, "group_id"), json_string_of(group, "program_id"),
                               json_string_of(group, "staff"));
                        for (size_t i = 0; i < json_object_array_length(names); i++)
                                printf("%s %s", i ? "," : "", json_object_get_string(json_object_array_get_idx(names, i)));
                        printf("\n");
                }
        }
        struct json_object *unscheduled = json_object_object_get(schedule, "unscheduled");
        if (json_object_array_length(unscheduled) > 0) {
                printf("\nNOT SCHEDULED\n");
                for (size_t i = 0; i < json_object_array_length(unscheduled); i++) {
                        struct json_object *u = json_object_array_get_idx(unscheduled, i);
                        printf("  %s %s: %s\n", json_string_of(u, "student_id"), json_string_of(u, "program_id"),
                               json_string_of(u, "reason"));
                }
        }
        json_object_put(schedule);
        return 0;
}

int cmd_explain(struct cli *cli, int argc, char **argv) {
        bool json = false;
        if (wants_help(argc, argv, explain_help))
                return 0;
        int usage = parse_json_option(argc, argv, "explain", &json);
        if (usage != 0)
                return usage;
        if (optind != argc - 1)
                return usage_error("explain", "give one student id");
        struct json_object *explanation;
        char student_id[CLI_STUDENT_ID_MAX];
        int r = cli_student_id(cli, argv[optind], student_id);
        if (r != 0)
                return r;
        r = cli_call_json(cli, "Explain", 0, &explanation, "s", student_id);
        if (r != 0)
                return r;
        if (json) {
                print_json(explanation);
        } else {
                printf("%s (%s)\n", json_string_of(explanation, "name"), json_string_of(explanation, "student_id"));
                struct json_object *lines = json_object_object_get(explanation, "lines");
                for (size_t i = 0; i < json_object_array_length(lines); i++)
                        printf("%s\n", json_object_get_string(json_object_array_get_idx(lines, i)));
        }
        json_object_put(explanation);
        return 0;
}

static int pin_or_unpin(struct cli *cli, int argc, char **argv, const char *method) {
        if (wants_help(argc, argv, pin_help))
                return 0;
        if (argc != 2 || argv[1][0] == '-')
                return usage_error(argv[0], "give one group id, e.g. G3");
        int r = cli_call(cli, method, 0, NULL, "s", argv[1]);
        if (r == 0)
                printf("%s %s\n", argv[1], strcmp(method, "Pin") == 0 ? "pinned: re-solves keep it as it is"
                                                                      : "unpinned: re-solves may change it");
        return r;
}

int cmd_pin(struct cli *cli, int argc, char **argv) {
        return pin_or_unpin(cli, argc, argv, "Pin");
}

int cmd_unpin(struct cli *cli, int argc, char **argv) {
        return pin_or_unpin(cli, argc, argv, "Unpin");
}

int cmd_move(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "from", required_argument, NULL, 'f' },
                { "json", no_argument, NULL, 'j' },
                { 0 },
        };
        bool json = false;
        const char *from = "";
        int c;
        if (wants_help(argc, argv, move_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                if (c == 'f')
                        from = optarg;
                else if (c == 'j')
                        json = true;
                else
                        return usage_error("move", "unknown option");
        }
        if (argc - optind != 3)
                return usage_error("move", "give GROUP DAYS START, e.g. G3 MTWRF 09:40");
        struct json_object *summary;
        int r = cli_call_json(cli, "Move", 0, &summary, "sssa{sv}", argv[optind], argv[optind + 1], argv[optind + 2],
                              *from ? 1 : 0, "from", "s", from);
        if (r != 0)
                return r;
        if (json) {
                print_json(summary);
        } else {
                printf("%s moved to %s at %s and pinned; schedule version %lld, taking effect %s\n", argv[optind],
                       argv[optind + 1], argv[optind + 2], (long long)json_int_of(summary, "version"),
                       json_string_of(summary, "from"));
                struct json_object *week = json_object_object_get(summary, "this_week");
                for (size_t i = 0; i < json_object_array_length(week); i++)
                        printf("%s\n", json_object_get_string(json_object_array_get_idx(week, i)));
        }
        json_object_put(summary);
        return 0;
}
