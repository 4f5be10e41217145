/* cmd-progress.c: progress monitoring: `pullout score add|import`, `pullout goal set` and
 * `pullout progress STUDENT`, which prints the numbers and the decision or writes the graph. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/pullout.h"
#include "service/progress-service.h"


static const char score_help[] =
        "Usage: pullout score add [--json] STUDENT MEASURE VALUE [--date YYYY-MM-DD] [--replace]\n"
        "       pullout score delete STUDENT MEASURE --date YYYY-MM-DD\n"
        "       pullout score import [--json] [--columns FIELD=HEADER,...] [--measure M] FILE.csv\n"
        "Record a progress-monitoring probe (default date: today; never after today): one score\n"
        "per student, measure and date, so a second one on that date is refused unless\n"
        "--replace corrects it; delete removes one. Import the scores a screening tool exported:\n"
        "a CSV with the columns student_id, measure, date, value, or the tool's own headers\n"
        "named with --columns student_id=\"Student ID\",date=Date,value=Score; --measure gives\n"
        "every row that measure. An import is one transaction: any bad row rejects the file,\n"
        "each fault listed; a row on a stored date replaces it; blank rows are skipped.\n"
        "A negative VALUE goes after --, e.g. pullout score add 1021 GAIN -- -3.\n";

static const char goal_help[] =
        "Usage: pullout goal set [--json] STUDENT MEASURE --baseline B --target T --by DATE [--from DATE]\n"
        "Set the goal of a student's measure: the aimline runs from the baseline on --from\n"
        "(default today) to the target on --by. Replaces an earlier goal of that measure.\n";

static const char progress_help[] =
        "Usage: pullout progress STUDENT [--measure M] [--trend ols|tukey] [--json] [--svg FILE]\n"
        "       pullout progress STUDENT --phase LABEL [--date DATE] [--measure M]\n"
        "Show a student's scores against the aimline, the trend, and the decision of the rules:\n"
        "insufficient_data, intensify, raise_goal or on_track, with the dosage and fidelity of\n"
        "the same weeks (an intensify decision is withheld when the plan was not delivered).\n"
        "--svg writes the graph a team meeting looks at. --phase records a change of\n"
        "intervention on DATE (default today) for one measure, or for all without --measure.\n";

static void print_decision(struct json_object *report) {
        struct json_object *field;
        printf("decision:  %s%s\n", json_string_of(report, "decision"),
               json_object_get_boolean(json_object_object_get(report, "decision_withheld")) ? " (withheld)" : "");
        printf("           %s\n", json_string_of(report, "reason"));
        if (json_object_object_get_ex(report, "warning", &field) && field)
                printf("warning:   %s\n", json_object_get_string(field));
}

static void print_number_field(const char *label, struct json_object *object, const char *key, const char *unit) {
        struct json_object *field = json_object_object_get(object, key);
        if (field)
                printf("%-10s %.2f%s\n", label, json_object_get_double(field), unit);
        else
                printf("%-10s -\n", label);
}

static void print_report(struct json_object *report) {
        struct json_object *goal = json_object_object_get(report, "goal"), *delivery;
        const char *name = json_string_of(report, "name");
        printf("%s%s%s%s: %s\n", *name ? name : "", *name ? " (" : "", json_string_of(report, "student_id"),
               *name ? ")" : "", json_string_of(report, "measure"));
        if (goal)
                printf("goal:      %g on %s -> %g by %s\n", json_object_get_double(json_object_object_get(goal, "baseline")),
                       json_string_of(goal, "from"), json_object_get_double(json_object_object_get(goal, "target")),
                       json_string_of(goal, "by"));
        else
                printf("goal:      none (pullout goal set)\n");
        print_number_field("aimline:", report, "aimline_slope", " a week");
        print_number_field("trend:", report, "trend_slope", " a week");
        delivery = json_object_object_get(report, "delivery");
        if (delivery && json_object_object_get(delivery, "dosage_percent"))
                printf("dosage:    %.0f%% of planned minutes (%s)\n",
                       json_object_get_double(json_object_object_get(delivery, "dosage_percent")),
                       json_string_of(delivery, "dosage_band"));
        else
                printf("dosage:    unknown\n");
        if (delivery && json_object_object_get(delivery, "fidelity_percent"))
                printf("fidelity:  %.0f%%\n", json_object_get_double(json_object_object_get(delivery, "fidelity_percent")));
        else
                printf("fidelity:  unknown\n");
        print_decision(report);
        struct json_object *points = json_object_object_get(report, "points");
        size_t n = points ? json_object_array_length(points) : 0;
        if (n == 0)
                return;
        printf("\n");
        struct table *table = table_new(4, "DATE", "SCORE", "AIMLINE", "");
        for (size_t i = 0; i < n; i++) {
                struct json_object *point = json_object_array_get_idx(points, i), *aim;
                char value[32], aimline[32] = "-";
                double v = json_object_get_double(json_object_object_get(point, "value"));
                snprintf(value, sizeof value, "%g", v);
                const char *mark = "";
                if (json_object_object_get_ex(point, "aimline", &aim) && aim) {
                        double a = json_object_get_double(aim);
                        snprintf(aimline, sizeof aimline, "%g", round(a * 10) / 10);
                        mark = v < a - 1e-9 ? "below" : v > a + 1e-9 ? "above" : "on";
                }
                if (!json_object_get_boolean(json_object_object_get(point, "judged")))
                        mark = "(before the current phase or goal)";
                table_add(table, json_string_of(point, "date"), value, aimline, mark);
        }
        table_print(table);
        table_free(table);
}

static int parse_double(const char *command, const char *what, const char *text, double *ret) {
        char *end = NULL;
        errno = 0;
        double value = strtod(text, &end);
        if (!*text || *end || errno || !isfinite(value))
                return usage_error(command, "%s \"%s\" is not a number", what, text);
        *ret = value;
        return 0;
}


static int finish_json_reply(struct json_object *report, bool json) {
        if (json)
                print_json(report);
        else
                print_report(report);
        json_object_put(report);
        return 0;
}

int cmd_score(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "date", required_argument, NULL, 'd' },
                { "json", no_argument, NULL, 'j' },
                { "replace", no_argument, NULL, 'r' },
                { "columns", required_argument, NULL, 'c' },
                { "measure", required_argument, NULL, 'm' },
                { 0 },
        };
        const char *date = "", *columns = NULL, *measure = NULL;
        bool json = false, replace = false;
        int c;
        if (wants_help(argc, argv, score_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                switch (c) {
                case 'd': date = optarg; break;
                case 'j': json = true; break;
                case 'r': replace = true; break;
                case 'c': columns = optarg; break;
                case 'm': measure = optarg; break;
                default: return usage_error("score", "unknown option");
                }
        }
        if (optind >= argc)
                return usage_error("score", "say add, delete or import");
        const char *verb = argv[optind];
        char student_id[CLI_STUDENT_ID_MAX];
        if ((strcmp(verb, "add") == 0 || strcmp(verb, "delete") == 0) && argc - optind >= 2) {
                int r = cli_student_id(cli, argv[optind + 1], student_id);
                if (r != 0)
                        return r;
                argv[optind + 1] = student_id;
        }
        if (strcmp(verb, "import") != 0 && (columns || measure))
                return usage_error("score", "--columns and --measure belong to import");
        if (strcmp(verb, "add") != 0 && replace)
                return usage_error("score", "--replace belongs to add (an import replaces on the same date)");
        if (strcmp(verb, "delete") == 0) {
                if (argc - optind != 3)
                        return usage_error("score", "delete takes STUDENT MEASURE --date YYYY-MM-DD");
                if (!*date)
                        return usage_error("score", "delete needs --date YYYY-MM-DD");
                int r = cli_call(cli, "DeleteScore", 0, NULL, "sss", argv[optind + 1], argv[optind + 2], date);
                if (r == 0)
                        printf("deleted the %s score of %s on %s\n", argv[optind + 2], argv[optind + 1], date);
                return r;
        }
        if (strcmp(verb, "add") == 0) {
                if (argc - optind != 4)
                        return usage_error("score", "add takes STUDENT MEASURE VALUE");
                double value;
                int r = parse_double("score", "VALUE", argv[optind + 3], &value);
                if (r != 0)
                        return r;
                struct json_object *report;
                r = cli_call_json(cli, "AddScore", 0, &report, "sssda{sv}", argv[optind + 1], argv[optind + 2], date, value,
                                  replace ? 1 : 0, "replace", "b", 1);
                if (r != 0)
                        return r;
                return finish_json_reply(report, json);
        }
        if (strcmp(verb, "import") == 0) {
                if (argc - optind != 2)
                        return usage_error("score", "import takes one FILE.csv");
                if (*date)
                        return usage_error("score", "--date belongs to add; the file has a date column");
                const char *path = argv[optind + 1];
                const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
                char name[65];
                snprintf(name, sizeof name, "%s", base);
                char *data = NULL;
                size_t size = 0;
                if (read_whole_file(AT_FDCWD, path, path, PROGRESS_IMPORT_BYTES_MAX, "pullout score import", &data, &size) < 0)
                        return EXIT_DAEMON_ERROR;
                sd_bus_message *message = NULL;
                struct json_object *summary = NULL;
                int r;
                if ((r = cli_new_call(cli, "ImportScores", &message)) != 0) {
                        free(data);
                        return r;
                }
                if (sd_bus_message_append(message, "s", name) < 0 ||
                    sd_bus_message_append_array(message, 'y', data, size) < 0 ||
                    sd_bus_message_open_container(message, 'a', "{sv}") < 0 ||
                    (columns && sd_bus_message_append(message, "{sv}", "columns", "s", columns) < 0) ||
                    (measure && sd_bus_message_append(message, "{sv}", "measure", "s", measure) < 0) ||
                    sd_bus_message_close_container(message) < 0) {
                        fprintf(stderr, "pullout score import: cannot build the call\n");
                        r = EXIT_DAEMON_ERROR;
                } else {
                        r = cli_send_json(cli, message, 0, &summary);
                }
                sd_bus_message_unref(message);
                free(data);
                if (r != 0)
                        return r;
                if (json)
                        print_json(summary);
                else
                        printf("imported the scores of %s: %lld added, %lld replaced, %lld unchanged\n", path,
                               (long long)json_int_of(summary, "added"), (long long)json_int_of(summary, "replaced"),
                               (long long)json_int_of(summary, "unchanged"));
                json_object_put(summary);
                return 0;
        }
        return usage_error("score", "unknown subcommand \"%s\" (add, delete, import)", verb);
}

int cmd_goal(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "baseline", required_argument, NULL, 'b' },
                { "target", required_argument, NULL, 't' },
                { "by", required_argument, NULL, 'y' },
                { "from", required_argument, NULL, 'f' },
                { "json", no_argument, NULL, 'j' },
                { 0 },
        };
        const char *baseline_text = NULL, *target_text = NULL, *by = NULL, *from = "";
        bool json = false;
        int c;
        if (wants_help(argc, argv, goal_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                switch (c) {
                case 'b': baseline_text = optarg; break;
                case 't': target_text = optarg; break;
                case 'y': by = optarg; break;
                case 'f': from = optarg; break;
                case 'j': json = true; break;
                default: return usage_error("goal", "unknown option");
                }
        }
        if (argc - optind != 3 || strcmp(argv[optind], "set") != 0)
                return usage_error("goal", "say goal set STUDENT MEASURE");
        if (!baseline_text || !target_text || !by)
                return usage_error("goal", "--baseline, --target and --by are required");
        double baseline, target;
        int r;
        if ((r = parse_double("goal", "--baseline", baseline_text, &baseline)) != 0 ||
            (r = parse_double("goal", "--target", target_text, &target)) != 0)
                return r;
        struct json_object *report;
        char student_id[CLI_STUDENT_ID_MAX];
        if ((r = cli_student_id(cli, argv[optind + 1], student_id)) != 0)
                return r;
        r = cli_call_json(cli, "SetGoal", 0, &report, "ssddss", student_id, argv[optind + 2], baseline, target,
                          from, by);
        if (r != 0)
                return r;
        return finish_json_reply(report, json);
}

static int write_file(const char *path, const char *text) {
        FILE *file = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
        if (!file) {
                fprintf(stderr, "pullout progress: %s: %s\n", path, strerror(errno));
                return EXIT_DAEMON_ERROR;
        }
        size_t length = strlen(text);
        bool ok = fwrite(text, 1, length, file) == length;
        if (file != stdout)
                ok = (fclose(file) == 0) && ok;
        else
                ok = fflush(file) == 0 && ok;
        if (!ok) {
                fprintf(stderr, "pullout progress: %s: cannot write\n", path);
                return EXIT_DAEMON_ERROR;
        }
        return 0;
}

int cmd_progress(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "measure", required_argument, NULL, 'm' },
                { "trend", required_argument, NULL, 't' },
                { "json", no_argument, NULL, 'j' },
                { "svg", required_argument, NULL, 's' },
                { "phase", required_argument, NULL, 'p' },
                { "date", required_argument, NULL, 'd' },
                { 0 },
        };
        const char *measure = "", *trend = NULL, *svg_path = NULL, *phase = NULL, *date = "";
        bool json = false;
        int c;
        if (wants_help(argc, argv, progress_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                switch (c) {
                case 'm': measure = optarg; break;
                case 't': trend = optarg; break;
                case 'j': json = true; break;
                case 's': svg_path = optarg; break;
                case 'p': phase = optarg; break;
                case 'd': date = optarg; break;
                default: return usage_error("progress", "unknown option");
                }
        }
        if (argc - optind != 1)
                return usage_error("progress", "give one STUDENT");
        char student_id[CLI_STUDENT_ID_MAX];
        int found = cli_student_id(cli, argv[optind], student_id);
        if (found != 0)
                return found;
        const char *student = student_id;
        if (phase) {
                if (json || svg_path || trend)
                        return usage_error("progress", "--phase records a change; it takes only --date and --measure");
                int r = cli_call(cli, "AddPhase", 0, NULL, "ssss", student, measure, date, phase);
                if (r == 0)
                        printf("recorded the change to %s for %s\n", phase, *measure ? measure : "every measure");
                return r;
        }
        if (*date)
                return usage_error("progress", "--date goes with --phase");
        if (trend && strcmp(trend, "ols") != 0 && strcmp(trend, "tukey") != 0)
                return usage_error("progress", "--trend is ols or tukey");

        sd_bus_message *message = NULL, *reply = NULL;
        int r = cli_new_call(cli, "Progress", &message);
        if (r != 0)
                return r;
        if (sd_bus_message_append(message, "ss", student, measure) < 0 ||
            sd_bus_message_open_container(message, 'a', "{sv}") < 0 ||
            (trend && sd_bus_message_append(message, "{sv}", "trend", "s", trend) < 0) ||
            (svg_path && sd_bus_message_append(message, "{sv}", "svg", "b", 1) < 0) ||
            sd_bus_message_close_container(message) < 0) {
                fprintf(stderr, "pullout progress: cannot build the call\n");
                sd_bus_message_unref(message);
                return EXIT_DAEMON_ERROR;
        }
        r = cli_send(cli, message, 0, &reply);
        sd_bus_message_unref(message);
        if (r != 0)
                return r;
        const char *json_text, *svg;
        if (sd_bus_message_read(reply, "ss", &json_text, &svg) < 0) {
                fprintf(stderr, "pullout: unexpected reply from pulloutd\n");
                sd_bus_message_unref(reply);
                return EXIT_DAEMON_ERROR;
        }
        struct json_object *report = json_tokener_parse(json_text);
        if (!report) {
                fprintf(stderr, "pullout: pulloutd sent a reply that is not JSON\n");
                sd_bus_message_unref(reply);
                return EXIT_DAEMON_ERROR;
        }
        if (svg_path)
                r = write_file(svg_path, svg);
        if (r == 0 && !(svg_path && strcmp(svg_path, "-") == 0))
                finish_json_reply(report, json);
        else
                json_object_put(report);
        sd_bus_message_unref(reply);
        return r;
}
