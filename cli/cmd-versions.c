/* cmd-versions.c: schedule versions: `schedule history`, `schedule diff`, `schedule publish`,
 * `schedule revert`, and the diff a solve or a publication prints. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/pullout.h"

static const char history_help[] =
        "Usage: pullout schedule history [--json]\n"
        "Every schedule version, newest first: its state (draft, published, superseded, what-if),\n"
        "when it was made and published, the date it took effect, and the needs it places.\n";

static const char diff_help[] =
        "Usage: pullout schedule diff [--json] [FROM [TO]]\n"
        "What version TO changes against version FROM (default: the published version against the\n"
        "newest draft): placed before and after, the students who lose or gain a place, groups\n"
        "and meetings changed, the teachers whose classroom interruptions change, each\n"
        "interventionist's load.\n";

static const char publish_help[] =
        "Usage: pullout schedule publish [VERSION] [--from DATE|today] [--allow-drop] [--json]\n"
        "Publish a draft (default: the newest). The first publication takes effect today, later\n"
        "ones from next Monday unless --from says otherwise; delivered, missed and cancelled\n"
        "sessions and booked make-ups are never rewritten. Refused, naming them, when a student\n"
        "who has a place would lose it, unless --allow-drop.\n";

static const char revert_help[] =
        "Usage: pullout schedule revert VERSION [--from DATE|today] [--allow-drop] [--json]\n"
        "Publish a copy of an earlier version, after checking it against today's data (refused,\n"
        "with every broken rule named, when it no longer fits).\n";

static void print_needs(const char *head, struct json_object *list) {
        size_t n = json_object_array_length(list);
        if (n == 0)
                return;
        printf("%s (%zu):\n", head, n);
        for (size_t i = 0; i < n; i++) {
                struct json_object *o = json_object_array_get_idx(list, i);
                printf("  %s %s (%s)\n", json_string_of(o, "student_id"), json_string_of(o, "name"),
                       json_string_of(o, "program_id"));
        }
}

void print_version_diff(struct json_object *diff) {
        struct json_object *from = json_object_object_get(diff, "from");
        if (from)
                printf("against version %lld: placed %lld -> %lld\n", (long long)json_object_get_int64(from),
                       (long long)json_int_of(diff, "placed_from"), (long long)json_int_of(diff, "placed_to"));
        else
                printf("no published version yet: placed %lld\n", (long long)json_int_of(diff, "placed_to"));
        print_needs("students losing a place", json_object_object_get(diff, "students_losing"));
        print_needs("students gaining a place", json_object_object_get(diff, "students_gaining"));
        printf("groups changed: %lld, meetings changed: %lld\n", (long long)json_int_of(diff, "groups_changed"),
               (long long)json_int_of(diff, "meetings_changed"));
        struct json_object *teachers = json_object_object_get(diff, "teachers_affected");
        if (json_object_array_length(teachers) > 0) {
                printf("teachers whose interruptions change:");
                for (size_t i = 0; i < json_object_array_length(teachers); i++)
                        printf(" %s", json_object_get_string(json_object_array_get_idx(teachers, i)));
                printf("\n");
        }
        struct json_object *loads = json_object_object_get(diff, "staff_load");
        struct table *table = table_new(3, "STAFF", "SESSIONS/WK", "MINUTES/WK");
        for (size_t i = 0; i < json_object_array_length(loads); i++) {
                struct json_object *l = json_object_array_get_idx(loads, i);
                char sessions[48], minutes[48];
                snprintf(sessions, sizeof sessions, "%lld -> %lld", (long long)json_int_of(l, "sessions_from"),
                         (long long)json_int_of(l, "sessions_to"));
                snprintf(minutes, sizeof minutes, "%lld -> %lld", (long long)json_int_of(l, "minutes_from"),
                         (long long)json_int_of(l, "minutes_to"));
                table_add(table, json_string_of(l, "staff_id"), sessions, minutes);
        }
        table_print(table);
        table_free(table);
}

void print_publication(struct json_object *o) {
        printf("schedule version %lld published, taking effect %s\n", (long long)json_int_of(o, "version"),
               json_string_of(o, "from"));
        struct json_object *week = json_object_object_get(o, "this_week");
        size_t n = json_object_array_length(week);
        if (n == 0)
                printf("this week's sessions stay as they were\n");
        for (size_t i = 0; i < n; i++)
                printf("%s\n", json_object_get_string(json_object_array_get_idx(week, i)));
}

/* Parses --json, --from, --allow-drop; the rest (optind on) are the positional arguments. */
static int parse_publish_options(int argc, char **argv, const char *what, bool with_from, const char **ret_from,
                                 bool *ret_allow_drop, bool *ret_json) {
        static const struct option options[] = {
                { "from", required_argument, NULL, 'f' },
                { "allow-drop", no_argument, NULL, 'a' },
                { "json", no_argument, NULL, 'j' },
                { 0 },
        };
        int c;
        optind = 1;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                switch (c) {
                case 'f':
                        if (!with_from)
                                return usage_error(what, "unknown option --from");
                        *ret_from = optarg;
                        break;
                case 'a':
                        if (!with_from)
                                return usage_error(what, "unknown option --allow-drop");
                        *ret_allow_drop = true;
                        break;
                case 'j':
                        *ret_json = true;
                        break;
                default:
                        return usage_error(what, "unknown option");
                }
        }
        return 0;
}

static int parse_version(const char *what, const char *text, int64_t *ret) {
        char *end;
        long long v = strtoll(text, &end, 10);
        if (*end || !*text || v <= 0)
                return usage_error(what, "\"%s\" is not a version number (pullout schedule history)", text);
        *ret = v;
        return 0;
}

static int call_publish(struct cli *cli, const char *method, int64_t version, const char *from, bool allow_drop,
                        bool json) {
        sd_bus_message *message = NULL;
        int r = cli_new_call(cli, method, &message);
        if (r != 0)
                return r;
        int a = sd_bus_message_append(message, "x", version);
        if (a >= 0)
                a = sd_bus_message_open_container(message, 'a', "{sv}");
        if (a >= 0 && from)
                a = sd_bus_message_append(message, "{sv}", "from", "s", from);
        if (a >= 0 && allow_drop)
                a = sd_bus_message_append(message, "{sv}", "allow_drop", "b", 1);
        if (a >= 0)
                a = sd_bus_message_close_container(message);
        if (a < 0) {
                sd_bus_message_unref(message);
                fprintf(stderr, "pullout schedule: cannot build the call\n");
                return EXIT_DAEMON_ERROR;
        }
        struct json_object *o = NULL;
        r = cli_send_json(cli, message, 0, &o);
        sd_bus_message_unref(message);
        if (r != 0)
                return r;
        if (json) {
                print_json(o);
        } else {
                print_version_diff(json_object_object_get(o, "diff"));
                print_publication(o);
        }
        json_object_put(o);
        return 0;
}

static int schedule_history(struct cli *cli, int argc, char **argv) {
        bool json = false;
        if (wants_help(argc, argv, history_help))
                return 0;
        int r = parse_json_option(argc, argv, "schedule history", &json);
        if (r != 0)
                return r;
        if (optind < argc)
                return usage_error("schedule history", "unexpected argument \"%s\"", argv[optind]);
        struct json_object *o = NULL;
        if ((r = cli_call_json(cli, "ScheduleHistory", 0, &o, "")) != 0)
                return r;
        if (json) {
                print_json(o);
                json_object_put(o);
                return 0;
        }
        struct json_object *versions = json_object_object_get(o, "versions");
        struct table *table = table_new(7, "VERSION", "STATE", "CREATED", "PUBLISHED", "FROM", "PLACED", "UPPER");
        for (size_t i = 0; i < json_object_array_length(versions); i++) {
                struct json_object *v = json_object_array_get_idx(versions, i);
                char version[24], placed[48], upper[24] = "-";
                snprintf(version, sizeof version, "%lld", (long long)json_int_of(v, "version"));
                snprintf(placed, sizeof placed, "%lld/%lld", (long long)json_int_of(v, "placed"),
                         (long long)json_int_of(v, "needs"));
                if (json_object_object_get(v, "upper_bound"))
                        snprintf(upper, sizeof upper, "%lld", (long long)json_int_of(v, "upper_bound"));
                const char *published = json_string_of(v, "published"), *from = json_string_of(v, "from");
                table_add(table, version, json_string_of(v, "state"), json_string_of(v, "created"),
                          *published ? published : "-", *from ? from : "-", placed, upper);
        }
        table_print(table);
        table_free(table);
        json_object_put(o);
        return 0;
}

static int schedule_diff(struct cli *cli, int argc, char **argv) {
        bool json = false;
        int64_t from = 0, to = 0;
        if (wants_help(argc, argv, diff_help))
                return 0;
        int r = parse_json_option(argc, argv, "schedule diff", &json);
        if (r != 0)
                return r;
        if (argc - optind > 2)
                return usage_error("schedule diff", "give at most FROM and TO");
        if (optind < argc && (r = parse_version("schedule diff", argv[optind], &from)) != 0)
                return r;
        if (optind + 1 < argc && (r = parse_version("schedule diff", argv[optind + 1], &to)) != 0)
                return r;
        struct json_object *o = NULL;
        if ((r = cli_call_json(cli, "ScheduleDiff", 0, &o, "xx", from, to)) != 0)
                return r;
        if (json)
                print_json(o);
        else
                print_version_diff(o);
        json_object_put(o);
        return 0;
}

static int schedule_publish(struct cli *cli, int argc, char **argv, bool revert) {
        const char *what = revert ? "schedule revert" : "schedule publish", *from = NULL;
        bool allow_drop = false, json = false;
        int64_t version = 0;
        if (wants_help(argc, argv, revert ? revert_help : publish_help))
                return 0;
        int r = parse_publish_options(argc, argv, what, true, &from, &allow_drop, &json);
        if (r != 0)
                return r;
        if (argc - optind > 1)
                return usage_error(what, "give one version");
        if (revert && argc - optind != 1)
                return usage_error(what, "name the version to bring back (pullout schedule history)");
        if (optind < argc && (r = parse_version(what, argv[optind], &version)) != 0)
                return r;
        return call_publish(cli, revert ? "ScheduleRevert" : "SchedulePublish", version, from, allow_drop, json);
}

int cmd_schedule_versions(struct cli *cli, int argc, char **argv) {
        if (strcmp(argv[0], "history") == 0)
                return schedule_history(cli, argc, argv);
        if (strcmp(argv[0], "diff") == 0)
                return schedule_diff(cli, argc, argv);
        if (strcmp(argv[0], "publish") == 0)
                return schedule_publish(cli, argc, argv, false);
        return schedule_publish(cli, argc, argv, true);
}
