/* cmd-sessions.c: the life of sessions: `sessions`, `log`, `cancel`, `makeup`,
 * `dosage`, `report`, `watch` and `clock advance`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/pullout.h"
#include "service/session-service.h"
#include "daemon/model/timeutil.h"

static const char sessions_help[] =
        "Usage: pullout sessions [--date D | --week D] [--staff ID] [--student ID] [--json]\n"
        "List dated sessions (default: today): id, group, time, interventionist, status, and\n"
        "each session's students with their homeroom teacher and room (where to collect them).\n"
        "  --date D    the sessions of day D (YYYY-MM-DD)\n"
        "  --week D    the sessions of the week (Mon-Fri) that holds D\n"
        "  --staff ID  only this interventionist's\n"
        "  --student ID  only the sessions of this student\n";

static const char log_help[] =
        "Usage: pullout log SESSION [--absent ID,...] [--minutes N] [--fidelity ITEMS|all|none] [--note TEXT]\n"
        "Record a session as delivered: who was absent (everyone else was present), the minutes\n"
        "delivered (default: as planned; never more than planned) and which fidelity checklist\n"
        "items were delivered, by number (1,2,5) or all: the session as printed numbers its\n"
        "checklist. Logging again corrects the record; every change is kept.\n";

static const char cancel_help[] =
        "Usage: pullout cancel SESSION --reason TEXT [--json]\n"
        "Cancel a session (assembly, testing, interventionist absent, ...). It stays in the record;\n"
        "the answer says how many free slots pullout makeup SESSION lists for a make-up this week,\n"
        "or that none is free.\n";

static const char makeup_help[] =
        "Usage: pullout makeup SESSION [--book N] [--json]\n"
        "Suggest free slots in the same week for a cancelled or missed session, best first (its\n"
        "students free, an interventionist free, not in core instruction); --book N books the\n"
        "N-th as a session of its own, with its reminders and prompts.\n";

static const char dosage_help[] =
        "Usage: pullout dosage [--student ID | --group ID] [--json]\n"
        "Planned vs delivered minutes and sessions, this week and over the rolling window, with\n"
        "the band: high >= 80 %, adequate 60-79 %, partial 40-59 %, low < 40 %.\n";

static const char report_help[] =
        "Usage: pullout report dosage|fidelity [--program ID] [--staff ID] [--csv] [--json]\n"
        "Dosage per student, or fidelity per group, over the rolling window, worst first.\n";

static const char watch_help[] =
        "Usage: pullout watch [--staff ID] [--json] [--notify]\n"
        "Print the daemon's signals as they come, with the details fetched from the daemon (the\n"
        "signals carry ids only): the students, their homeroom teacher and room when known, the\n"
        "numbered checklist of a fidelity prompt. --staff ID: only that interventionist's\n"
        "sessions and alerts. --notify also shows them as\n"
        "desktop notifications (org.freedesktop.Notifications on your session bus).\n";

static const char clock_help[] =
        "Usage: pullout clock advance DURATION\n"
        "Move a manual clock (pulloutd --clock=manual) forward, e.g. 2h, 1d, 90m; everything that\n"
        "falls due on the way fires in order. Refused when the daemon runs on the real clock.\n";

static const char *null_dash(const char *text) {
        return text && *text ? text : "-";
}

static void print_sessions_table(struct json_object *list) {
        struct table *table = table_new(7, "SESSION", "DATE", "TIME", "GROUP", "STAFF", "STUDENTS", "STATUS");
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                struct json_object *s = json_object_array_get_idx(list, i);
                char time[16], students[16], status[96];
                snprintf(time, sizeof time, "%s-%s", json_string_of(s, "start"), json_string_of(s, "end"));
                snprintf(students, sizeof students, "%zu",
                         json_object_array_length(json_object_object_get(s, "students")));
                snprintf(status, sizeof status, "%s%s%s", json_string_of(s, "status"),
                         *json_string_of(s, "makes_up") ? " make-up of " : "", json_string_of(s, "makes_up"));
                table_add(table, json_string_of(s, "session_id"), json_string_of(s, "date"), time,
                          json_string_of(s, "group_id"), json_string_of(s, "staff_name"), students, status);
        }
        table_print(table);
        table_free(table);
}

/* "Aiden Walker, room 101": where to collect a student (either part may be unknown). */
static void where_of(struct json_object *student, char *buf, size_t size) {
        const char *teacher = json_string_of(student, "teacher"), *room = json_string_of(student, "room");
        snprintf(buf, size, "%s%s%s%s", teacher, *teacher && *room ? ", " : "", *room ? "room " : "", room);
}

/* Under the table, whom to collect where for each session. */
static void print_sessions_students(struct json_object *list) {
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                struct json_object *s = json_object_array_get_idx(list, i);
                struct json_object *students = json_object_object_get(s, "students");
                if (json_object_array_length(students) == 0)
                        continue;
                printf("\n%s %s %s-%s:\n", json_string_of(s, "session_id"), json_string_of(s, "date"),
                       json_string_of(s, "start"), json_string_of(s, "end"));
                struct table *table = table_new(3, "  STUDENT", "NAME", "FROM");
                for (size_t k = 0; k < json_object_array_length(students); k++) {
                        struct json_object *st = json_object_array_get_idx(students, k);
                        char id[80], where[256];
                        snprintf(id, sizeof id, "  %s", json_string_of(st, "student_id"));
                        where_of(st, where, sizeof where);
                        table_add(table, id, json_string_of(st, "name"), null_dash(where));
                }
                table_print(table);
                table_free(table);
        }
}

int cmd_sessions(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "date", required_argument, NULL, 'd' }, { "week", required_argument, NULL, 'w' },
                { "staff", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
                { "student", required_argument, NULL, 'S' }, { 0 },
        };
        const char *date = NULL, *week = NULL, *staff = NULL, *student = NULL;
        bool json = false;
        int c;
        civil_date parsed;
        if (wants_help(argc, argv, sessions_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                switch (c) {
                case 'd':
                        date = optarg;
                        break;
                case 'w':
                        week = optarg;
                        break;
                case 's':
                        staff = optarg;
                        break;
                case 'S':
                        student = optarg;
                        break;
                case 'j':
                        json = true;
                        break;
                default:
                        return usage_error("sessions", "unknown option");
                }
        }
        if (optind < argc)
                return usage_error("sessions", "unexpected argument \"%s\"", argv[optind]);
        if (date && week)
                return usage_error("sessions", "give --date or --week, not both");
        if ((date && date_parse(date, &parsed) < 0) || (week && date_parse(week, &parsed) < 0))
                return usage_error("sessions", "dates are YYYY-MM-DD");
        char student_id[CLI_STUDENT_ID_MAX];
        int r;
        if (student) {
                if ((r = cli_student_id(cli, student, student_id)) != 0)
                        return r;
                student = student_id;
        }
        sd_bus_message *message = NULL;
        r = cli_new_call(cli, "Sessions", &message);
        if (r != 0)
                return r;
        sd_bus_message_open_container(message, 'a', "{sv}");
        if (date)
                sd_bus_message_append(message, "{sv}", "date", "s", date);
        if (week)
                sd_bus_message_append(message, "{sv}", "week", "s", week);
        if (staff)
                sd_bus_message_append(message, "{sv}", "staff", "s", staff);
        if (student)
                sd_bus_message_append(message, "{sv}", "student", "s", student);
        sd_bus_message_close_container(message);
        struct json_object *o = NULL;
        r = cli_send_json(cli, message, 0, &o);
        sd_bus_message_unref(message);
        if (r != 0)
                return r;
        if (json) {
                print_json(o);
        } else {
                struct json_object *list = json_object_object_get(o, "sessions");
                if (json_object_array_length(list) == 0)
                        printf("no sessions from %s to before %s\n", json_string_of(o, "from"), json_string_of(o, "to"));
                else {
                        print_sessions_table(list);
                        print_sessions_students(list);
                }
        }
        json_object_put(o);
        return 0;
}

/* "1,3,5" into 1-based numbers. */
static int parse_items(const char *text, uint32_t *items, size_t max, size_t *ret_n) {
        size_t n = 0;
        char *copy = strdup(text), *save = NULL;
        if (!copy)
                return -ENOMEM;
        for (char *token = strtok_r(copy, ",", &save); token; token = strtok_r(NULL, ",", &save)) {
                char *end;
                unsigned long v = strtoul(token, &end, 10);
                if (*end || !*token || v == 0 || v > SESSION_FIDELITY_ITEMS_MAX || n == max) {
                        free(copy);
                        return -EINVAL;
                }
                items[n++] = (uint32_t)v;
        }
        free(copy);
        *ret_n = n;
        return 0;
}

/* The program's checklist numbered as pullout log --fidelity takes it, each item marked when
 * delivered (a NULL delivered: not logged yet). */
static void print_checklist(struct json_object *s, struct json_object *delivered) {
        struct json_object *items = json_object_object_get(s, "checklist");
        size_t n = json_object_array_length(items);
        if (n == 0)
                return;
        printf("  checklist (pullout log %s --fidelity 1,2,...|all):\n", json_string_of(s, "session_id"));
        for (size_t i = 0; i < n; i++) {
                const char *item = json_object_get_string(json_object_array_get_idx(items, i));
                bool done = false;
                for (size_t k = 0; delivered && k < json_object_array_length(delivered); k++)
                        done |= strcmp(json_object_get_string(json_object_array_get_idx(delivered, k)), item) == 0;
                printf("    %s %zu. %s\n", delivered ? done ? "[x]" : "[ ]" : "", i + 1, item);
        }
}

static void print_session(struct json_object *s) {
        printf("%s  %s %s-%s  group %s  %s  %s\n", json_string_of(s, "session_id"), json_string_of(s, "date"),
               json_string_of(s, "start"), json_string_of(s, "end"), json_string_of(s, "group_id"),
               json_string_of(s, "staff_name"), json_string_of(s, "status"));
        struct json_object *students = json_object_object_get(s, "students");
        for (size_t i = 0; i < json_object_array_length(students); i++) {
                struct json_object *st = json_object_array_get_idx(students, i);
                struct json_object *present = json_object_object_get(st, "present");
                char where[256];
                where_of(st, where, sizeof where);
                printf("  %-8s %-28s %-32s %s\n", json_string_of(st, "student_id"), json_string_of(st, "name"), where,
                       !present ? "" : json_object_get_boolean(present) ? "present" : "absent");
        }
        if (json_object_object_get(s, "minutes"))
                printf("  minutes: %lld of %lld\n", (long long)json_int_of(s, "minutes"),
                       (long long)json_int_of(s, "planned_minutes"));
        struct json_object *f = json_object_object_get(s, "fidelity");
        if (f)
                printf("  fidelity: %lld of %lld items (%s %%)\n", (long long)json_int_of(f, "delivered_count"),
                       (long long)json_int_of(f, "applicable"), null_dash(json_string_of(f, "score_percent")));
        print_checklist(s, f ? json_object_object_get(f, "delivered") : NULL);
        if (*json_string_of(s, "note"))
                printf("  note: %s\n", json_string_of(s, "note"));
        if (*json_string_of(s, "reason"))
                printf("  reason: %s\n", json_string_of(s, "reason"));
}

int cmd_log(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "absent", required_argument, NULL, 'a' }, { "minutes", required_argument, NULL, 'm' },
                { "fidelity", required_argument, NULL, 'f' }, { "note", required_argument, NULL, 'n' },
                { "json", no_argument, NULL, 'j' }, { 0 },
        };
        const char *absent = NULL, *fidelity = NULL, *note = NULL;
        long minutes = -1;
        bool json = false;
        int c;
        if (wants_help(argc, argv, log_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                char *end;
                switch (c) {
                case 'a':
                        absent = optarg;
                        break;
                case 'm':
                        minutes = strtol(optarg, &end, 10);
                        if (*end || !*optarg || minutes < 0 || minutes > SESSION_MINUTES_MAX)
                                return usage_error("log", "--minutes takes 0..%d", SESSION_MINUTES_MAX);
                        break;
                case 'f':
                        fidelity = optarg;
                        break;
                case 'n':
                        note = optarg;
                        break;
                case 'j':
                        json = true;
                        break;
                default:
                        return usage_error("log", "unknown option");
                }
        }
        if (argc - optind != 1)
                return usage_error("log", "give one SESSION (pullout sessions lists them)");
        const char *session = argv[optind];
        uint32_t items[SESSION_FIDELITY_ITEMS_MAX];
        size_t n_items = 0;
        bool all = false;
        if (fidelity && strcmp(fidelity, "all") == 0)
                all = true;
        else if (fidelity && strcmp(fidelity, "none") != 0 && parse_items(fidelity, items, SESSION_FIDELITY_ITEMS_MAX, &n_items) < 0)
                return usage_error("log", "--fidelity takes item numbers 1,2,... or all or none");

        /* Absent students by id or name, each resolved by the daemon. */
        char absent_ids[SESSION_ABSENT_MAX][CLI_STUDENT_ID_MAX];
        size_t n_absent = 0;
        int r;
        if (absent) {
                char *copy = strdup(absent), *save = NULL;
                if (!copy)
                        return EXIT_DAEMON_ERROR;
                for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                        if (n_absent == SESSION_ABSENT_MAX) {
                                free(copy);
                                return usage_error("log", "at most %d absent students", SESSION_ABSENT_MAX);
                        }
                        if ((r = cli_student_id(cli, t, absent_ids[n_absent++])) != 0) {
                                free(copy);
                                return r;
                        }
                }
                free(copy);
        }
        sd_bus_message *message = NULL;
        r = cli_new_call(cli, "LogSession", &message);
        if (r != 0)
                return r;
        sd_bus_message_append(message, "s", session);
        sd_bus_message_open_container(message, 'a', "{sv}");
        if (absent) {
                sd_bus_message_open_container(message, 'e', "sv");
                sd_bus_message_append(message, "s", "absent");
                sd_bus_message_open_container(message, 'v', "as");
                sd_bus_message_open_container(message, 'a', "s");
                for (size_t i = 0; i < n_absent; i++)
                        sd_bus_message_append(message, "s", absent_ids[i]);
                sd_bus_message_close_container(message);
                sd_bus_message_close_container(message);
                sd_bus_message_close_container(message);
        }
        if (minutes >= 0)
                sd_bus_message_append(message, "{sv}", "minutes", "u", (uint32_t)minutes);
        if (all)
                sd_bus_message_append(message, "{sv}", "fidelity_all", "b", 1);
        else if (fidelity) {
                sd_bus_message_open_container(message, 'e', "sv");
                sd_bus_message_append(message, "s", "fidelity");
                sd_bus_message_open_container(message, 'v', "au");
                sd_bus_message_append_array(message, 'u', items, n_items * sizeof items[0]);
                sd_bus_message_close_container(message);
                sd_bus_message_close_container(message);
        }
        if (note)
                sd_bus_message_append(message, "{sv}", "note", "s", note);
        sd_bus_message_close_container(message);
        struct json_object *o = NULL;
        r = cli_send_json(cli, message, 0, &o);
        sd_bus_message_unref(message);
        if (r != 0)
                return r;
        if (json)
                print_json(o);
        else
                print_session(o);
        json_object_put(o);
        return 0;
}

/* "cancelled ...", and what the daemon found for a make-up this week: a make-up is offered only
 * when a slot is free for it. */
static void print_cancelled(struct json_object *o, const char *reason) {
        const char *id = json_string_of(o, "session_id");
        struct json_object *slots = json_object_object_get(o, "makeup_slots");
        printf("cancelled %s (%s); ", id, reason);
        if (!slots) {
                const char *why = json_string_of(o, "makeup_why");
                printf("it cannot be made up%s%s\n", *why ? ": " : "", why);
        } else if (json_object_get_int64(slots) > 0) {
                int64_t n = json_object_get_int64(slots);
                printf("pullout makeup %s lists %lld free slot%s for a make-up this week\n", id, (long long)n,
                       n == 1 ? "" : "s");
        } else {
                printf("no make-up slot is free this week for group %s (pullout makeup %s looks again once the "
                       "week changes; pullout explain STUDENT shows what fills a student's day)\n",
                       json_string_of(o, "group_id"), id);
        }
}

int cmd_cancel(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "reason", required_argument, NULL, 'r' }, { "json", no_argument, NULL, 'j' }, { 0 },
        };
        const char *reason = NULL;
        bool json = false;
        int c;
        if (wants_help(argc, argv, cancel_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                if (c == 'r')
                        reason = optarg;
                else if (c == 'j')
                        json = true;
                else
                        return usage_error("cancel", "unknown option");
        }
        if (argc - optind != 1)
                return usage_error("cancel", "give one SESSION");
        if (!reason || !*reason)
                return usage_error("cancel", "say why with --reason TEXT (assembly, testing, ...)");
        struct json_object *o = NULL;
        int r = cli_call_json(cli, "CancelSession", 0, &o, "ss", argv[optind], reason);
        if (r != 0)
                return r;
        if (json)
                print_json(o);
        else
                print_cancelled(o, reason);
        json_object_put(o);
        return 0;
}

int cmd_makeup(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "book", required_argument, NULL, 'b' }, { "json", no_argument, NULL, 'j' }, { 0 },
        };
        unsigned long book = 0;
        bool json = false;
        int c;
        if (wants_help(argc, argv, makeup_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                char *end;
                if (c == 'b') {
                        book = strtoul(optarg, &end, 10);
                        if (*end || book == 0 || book > SESSION_MAKEUP_CHOICES_MAX)
                                return usage_error("makeup", "--book takes a suggestion number 1..%d",
                                                   SESSION_MAKEUP_CHOICES_MAX);
                } else if (c == 'j') {
                        json = true;
                } else {
                        return usage_error("makeup", "unknown option");
                }
        }
        if (argc - optind != 1)
                return usage_error("makeup", "give one SESSION");
        struct json_object *o = NULL;
        int r = cli_call_json(cli, "Makeup", 0, &o, "su", argv[optind], (uint32_t)book);
        if (r != 0)
                return r;
        if (json) {
                print_json(o);
        } else if (book) {
                printf("booked make-up %s on %s %s-%s for %s\n", json_string_of(o, "session_id"),
                       json_string_of(o, "date"), json_string_of(o, "start"), json_string_of(o, "end"),
                       json_string_of(o, "makes_up"));
        } else {
                struct json_object *slots = json_object_object_get(o, "slots");
                if (json_object_array_length(slots) == 0)
                        printf("no free slot left this week for %s\n", argv[optind]);
                struct table *table = table_new(5, "#", "DAY", "TIME", "STAFF", "WHY");
                for (size_t i = 0; i < json_object_array_length(slots); i++) {
                        struct json_object *s = json_object_array_get_idx(slots, i);
                        char rank[8], day[32], time[16];
                        snprintf(rank, sizeof rank, "%zu", i + 1);
                        snprintf(day, sizeof day, "%s %s", json_string_of(s, "day"), json_string_of(s, "date"));
                        snprintf(time, sizeof time, "%s-%s", json_string_of(s, "start"), json_string_of(s, "end"));
                        table_add(table, rank, day, time, json_string_of(s, "staff_name"), json_string_of(s, "reason"));
                }
                if (json_object_array_length(slots) > 0)
                        table_print(table);
                table_free(table);
        }
        json_object_put(o);
        return 0;
}

static void tally_cells(struct json_object *t, char *minutes, size_t size, char *sessions, size_t size2,
                        char *percent, size_t size3) {
        snprintf(minutes, size, "%lld/%lld", (long long)json_int_of(t, "delivered_minutes"),
                 (long long)json_int_of(t, "planned_minutes"));
        snprintf(sessions, size2, "%lld/%lld", (long long)json_int_of(t, "delivered_sessions"),
                 (long long)json_int_of(t, "planned_sessions"));
        struct json_object *p = json_object_object_get(t, "percent");
        if (p)
                snprintf(percent, size3, "%d %% %s", json_object_get_int(p), json_string_of(t, "band"));
        else
                snprintf(percent, size3, "-");
}

static void print_dosage_rows(struct json_object *rows, bool students) {
        struct table *table = students ? table_new(7, "STUDENT", "NAME", "WEEK MIN", "WEEK SESS", "WINDOW MIN",
                                                   "WINDOW SESS", "DOSAGE")
                                       : table_new(6, "GROUP", "WEEK MIN", "WEEK SESS", "WINDOW MIN", "WINDOW SESS",
                                                   "DOSAGE");
        for (size_t i = 0; i < json_object_array_length(rows); i++) {
                struct json_object *row = json_object_array_get_idx(rows, i);
                char wm[32], ws[32], wp[32], m[32], s[32], p[32];
                tally_cells(json_object_object_get(row, "week"), wm, sizeof wm, ws, sizeof ws, wp, sizeof wp);
                tally_cells(json_object_object_get(row, "window"), m, sizeof m, s, sizeof s, p, sizeof p);
                if (students)
                        table_add(table, json_string_of(row, "student_id"), json_string_of(row, "name"), wm, ws, m, s, p);
                else
                        table_add(table, json_string_of(row, "group_id"), wm, ws, m, s, p);
        }
        table_print(table);
        table_free(table);
}

int cmd_dosage(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "student", required_argument, NULL, 's' }, { "group", required_argument, NULL, 'g' },
                { "json", no_argument, NULL, 'j' }, { 0 },
        };
        const char *kind = "", *id = "";
        bool json = false;
        int c;
        if (wants_help(argc, argv, dosage_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                if ((c == 's' || c == 'g') && *kind)
                        return usage_error("dosage", "give --student or --group, not both");
                if (c == 's' || c == 'g') {
                        kind = c == 's' ? "student" : "group";
                        id = optarg;
                } else if (c == 'j') {
                        json = true;
                } else {
                        return usage_error("dosage", "unknown option");
                }
        }
        if (optind < argc)
                return usage_error("dosage", "unexpected argument \"%s\"", argv[optind]);
        struct json_object *o = NULL;
        char student_id[CLI_STUDENT_ID_MAX];
        int r;
        if (strcmp(kind, "student") == 0) {
                if ((r = cli_student_id(cli, id, student_id)) != 0)
                        return r;
                id = student_id;
        }
        r = cli_call_json(cli, "Dosage", 0, &o, "ss", kind, id);
        if (r != 0)
                return r;
        if (json) {
                print_json(o);
        } else {
                printf("delivered/planned as of %s; window: the last %lld days\n\n", json_string_of(o, "now"),
                       (long long)json_int_of(o, "window_days"));
                print_dosage_rows(json_object_object_get(o, "students"), true);
                putchar('\n');
                print_dosage_rows(json_object_object_get(o, "groups"), false);
        }
        json_object_put(o);
        return 0;
}

/* A CSV field, quoted when it must be (RFC 4180). */
static void csv_field(const char *text, bool last) {
        if (strpbrk(text, ",\"\n\r")) {
                putchar('"');
                for (const char *p = text; *p; p++) {
                        if (*p == '"')
                                putchar('"');
                        putchar(*p);
                }
                putchar('"');
        } else {
                fputs(text, stdout);
        }
        putchar(last ? '\n' : ',');
}

int cmd_report(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "program", required_argument, NULL, 'p' }, { "staff", required_argument, NULL, 's' },
                { "csv", no_argument, NULL, 'c' }, { "json", no_argument, NULL, 'j' }, { 0 },
        };
        const char *program = "", *staff = "";
        bool csv = false, json = false;
        int c;
        if (wants_help(argc, argv, report_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                if (c == 'p')
                        program = optarg;
                else if (c == 's')
                        staff = optarg;
                else if (c == 'c')
                        csv = true;
                else if (c == 'j')
                        json = true;
                else
                        return usage_error("report", "unknown option");
        }
        if (argc - optind != 1 || (strcmp(argv[optind], "dosage") != 0 && strcmp(argv[optind], "fidelity") != 0))
                return usage_error("report", "give dosage or fidelity");
        bool dosage = strcmp(argv[optind], "dosage") == 0;
        struct json_object *o = NULL;
        int r = cli_call_json(cli, "Report", 0, &o, "sss", argv[optind], program, staff);
        if (r != 0)
                return r;
        struct json_object *rows = json_object_object_get(o, "rows");
        if (json) {
                print_json(o);
        } else if (dosage) {
                struct table *table = table_new(8, "STUDENT", "NAME", "GROUP", "PROGRAM", "STAFF", "MINUTES",
                                                "SESSIONS", "DOSAGE");
                if (csv)
                        printf("student_id,name,group_id,program_id,staff_id,planned_minutes,delivered_minutes,"
                               "planned_sessions,delivered_sessions,percent,band\n");
                for (size_t i = 0; i < json_object_array_length(rows); i++) {
                        struct json_object *row = json_object_array_get_idx(rows, i);
                        struct json_object *w = json_object_object_get(row, "window");
                        char m[32], s[32], p[32];
                        tally_cells(w, m, sizeof m, s, sizeof s, p, sizeof p);
                        if (csv) {
                                const char *cells[] = { json_string_of(row, "student_id"), json_string_of(row, "name"),
                                                        json_string_of(row, "group_id"), json_string_of(row, "program_id"),
                                                        json_string_of(row, "staff_id") };
                                for (size_t k = 0; k < 5; k++)
                                        csv_field(cells[k], false);
                                printf("%lld,%lld,%lld,%lld,%s,%s\n", (long long)json_int_of(w, "planned_minutes"),
                                       (long long)json_int_of(w, "delivered_minutes"),
                                       (long long)json_int_of(w, "planned_sessions"),
                                       (long long)json_int_of(w, "delivered_sessions"), json_string_of(w, "percent"),
                                       json_string_of(w, "band"));
                        } else {
                                table_add(table, json_string_of(row, "student_id"), json_string_of(row, "name"),
                                          json_string_of(row, "group_id"), json_string_of(row, "program_id"),
                                          json_string_of(row, "staff_id"), m, s, p);
                        }
                }
                if (!csv)
                        table_print(table);
                table_free(table);
        } else {
                struct table *table = table_new(6, "GROUP", "PROGRAM", "STAFF", "SESSIONS", "ITEMS", "FIDELITY");
                if (csv)
                        printf("group_id,program_id,staff_id,sessions,items_delivered,items_applicable,percent\n");
                for (size_t i = 0; i < json_object_array_length(rows); i++) {
                        struct json_object *row = json_object_array_get_idx(rows, i);
                        char sessions[16], items[32], percent[16];
                        snprintf(sessions, sizeof sessions, "%lld", (long long)json_int_of(row, "sessions"));
                        snprintf(items, sizeof items, "%lld/%lld", (long long)json_int_of(row, "items_delivered"),
                                 (long long)json_int_of(row, "items_applicable"));
                        snprintf(percent, sizeof percent, "%s %%", json_string_of(row, "percent"));
                        if (csv) {
                                csv_field(json_string_of(row, "id"), false);
                                csv_field(json_string_of(row, "program_id"), false);
                                csv_field(json_string_of(row, "staff_id"), false);
                                printf("%lld,%lld,%lld,%s\n", (long long)json_int_of(row, "sessions"),
                                       (long long)json_int_of(row, "items_delivered"),
                                       (long long)json_int_of(row, "items_applicable"), json_string_of(row, "percent"));
                        } else {
                                table_add(table, json_string_of(row, "id"), json_string_of(row, "program_id"),
                                          json_string_of(row, "staff_id"), sessions, items, percent);
                        }
                }
                if (!csv)
                        table_print(table);
                table_free(table);
        }
        json_object_put(o);
        return 0;
}

struct watch {
        bool json;
        const char *staff_id; /* --staff: only this interventionist's sessions and alerts */
        sd_bus *bus; /* the daemon's bus, for the details the signals do not carry */
        sd_bus *notify_bus; /* the user's session bus, for --notify */
};

static void notify(struct watch *w, const char *summary, const char *body) {
        if (!w->notify_bus)
                return;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = sd_bus_call_method(w->notify_bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                                   "org.freedesktop.Notifications", "Notify", &error, NULL, "susssasa{sv}i", "pullout",
                                   (uint32_t)0, "", summary, body, 0, 0, (int32_t)-1);
        if (r < 0)
                fprintf(stderr, "pullout watch: cannot show a notification: %s\n",
                        error.message ? error.message : strerror(-r));
        sd_bus_error_free(&error);
}

/* Signals carry ids only: the names and the rest come from an authorized call (NULL, said
 * once on stderr, when the daemon refuses). */
static struct json_object *fetch(struct watch *w, const char *method, const char *types, const void *arg) {
        sd_bus_message *reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *text = NULL;
        int r = types[0] == 'x' ? sd_bus_call_method(w->bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, method, &error, &reply,
                                                     "x", *(const int64_t *)arg)
                                : sd_bus_call_method(w->bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, method, &error, &reply,
                                                     "s", (const char *)arg);
        struct json_object *o = NULL;
        if (r >= 0 && sd_bus_message_read(reply, "s", &text) >= 0)
                o = json_tokener_parse(text);
        else
                fprintf(stderr, "pullout watch: %s: %s\n", method, error.message ? error.message : strerror(-r));
        sd_bus_message_unref(reply);
        sd_bus_error_free(&error);
        return o;
}

/* Appends to line (of size) what the session's signal is about: who, with their homeroom
 * teacher and room when the daemon knows them, and for a prompt the numbered checklist. */
static void append_session(char *line, size_t size, const char *member, struct json_object *doc) {
        size_t used = strlen(line);
        struct json_object *students = json_object_object_get(doc, "students");
        for (size_t i = 0; i < json_object_array_length(students) && used < size; i++) {
                struct json_object *st = json_object_array_get_idx(students, i);
                const char *teacher = json_string_of(st, "teacher"), *room = json_string_of(st, "room");
                used += (size_t)snprintf(line + used, size - used, "\n  %s %s%s%s%s%s", json_string_of(st, "student_id"),
                                         json_string_of(st, "name"), *teacher ? ", homeroom " : "", teacher,
                                         *room ? ", room " : "", room);
        }
        struct json_object *checklist = json_object_object_get(doc, "checklist");
        if (strcmp(member, "FidelityCheckDue") != 0)
                return;
        for (size_t i = 0; i < json_object_array_length(checklist) && used < size; i++)
                used += (size_t)snprintf(line + used, size - used, "\n  %zu. %s", i + 1,
                                         json_object_get_string(json_object_array_get_idx(checklist, i)));
        if (json_object_array_length(checklist) > 0 && used < size)
                snprintf(line + used, size - used, "\n  pullout log %s --fidelity 1,2,...|all",
                         json_string_of(doc, "session_id"));
}

static int on_signal(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct watch *w = userdata;
        const char *member = sd_bus_message_get_member(message);
        const char *id = NULL, *text = NULL;
        int64_t number = 0;
        char id_buf[32];
        bool alert = strcmp(member, "Alert") == 0, schedule = strcmp(member, "ScheduleChanged") == 0;
        if (alert || schedule) {
                if (sd_bus_message_read(message, "xs", &number, &text) < 0)
                        return 0;
                snprintf(id_buf, sizeof id_buf, "%lld", (long long)number);
                id = id_buf;
        } else if (sd_bus_message_read(message, "ss", &id, &text) < 0) {
                return 0;
        }
        struct json_object *signal = json_tokener_parse(text);
        struct json_object *doc = schedule ? json_object_get(signal)
                                  : alert  ? fetch(w, "GetAlert", "x", &number)
                                           : fetch(w, "GetSession", "s", id);
        if (!doc)
                doc = json_object_get(signal); /* the ids, at least */
        /* The signal's own fields (event, at, lead_minutes) beside the details. */
        json_object_object_foreach(signal, key, value) {
                if (!json_object_object_get_ex(doc, key, NULL))
                        json_object_object_add(doc, key, json_object_get(value));
        }
        if (w->staff_id && !schedule && strcmp(json_string_of(doc, "staff_id"), w->staff_id) != 0)
                goto done;
        char line[4096];
        if (w->json) {
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "signal", json_object_new_string(member));
                json_object_object_add(o, "id", json_object_new_string(id));
                json_object_object_add(o, "data", json_object_get(doc));
                puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
                json_object_put(o);
        }
        if (alert) {
                snprintf(line, sizeof line, "alert %s: %s", id, json_string_of(doc, "message"));
        } else if (schedule) {
                snprintf(line, sizeof line, "schedule version %s published", id);
        } else {
                snprintf(line, sizeof line, "%s %s %s-%s group %s (%s, %zu students)",
                         json_string_of(doc, "session_id"), json_string_of(doc, "date"), json_string_of(doc, "start"),
                         json_string_of(doc, "end"), json_string_of(doc, "group_id"),
                         json_string_of(doc, "staff_name"),
                         json_object_array_length(json_object_object_get(doc, "students")));
                append_session(line, sizeof line, member, doc);
        }
        if (!w->json)
                printf("%s %s\n", member, line);
        fflush(stdout);
        notify(w, member, line);
done:
        json_object_put(doc);
        json_object_put(signal);
        return 0;
}

int cmd_watch(struct cli *cli, int argc, char **argv) {
        struct watch w = { 0 };
        bool want_notify = false;
        if (wants_help(argc, argv, watch_help))
                return 0;
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--json") == 0)
                        w.json = true;
                else if (strcmp(argv[i], "--notify") == 0)
                        want_notify = true;
                else if (strcmp(argv[i], "--staff") == 0 && i + 1 < argc)
                        w.staff_id = argv[++i];
                else if (strncmp(argv[i], "--staff=", 8) == 0 && argv[i][8])
                        w.staff_id = argv[i] + 8;
                else
                        return usage_error("watch", "unexpected argument \"%s\"", argv[i]);
        }
        sd_bus *bus = cli_bus(cli);
        if (!bus)
                return EXIT_DAEMON_ERROR;
        w.bus = bus;
        if (want_notify && sd_bus_open_user(&w.notify_bus) < 0) {
                fprintf(stderr, "pullout watch: no session bus for --notify\n");
                return EXIT_DAEMON_ERROR;
        }
        int r = sd_bus_match_signal(bus, NULL, NULL, BUS_PATH, BUS_INTERFACE, NULL, on_signal, &w);
        if (r < 0) {
                fprintf(stderr, "pullout watch: cannot listen: %s\n", strerror(-r));
                sd_bus_flush_close_unref(w.notify_bus);
                return EXIT_DAEMON_ERROR;
        }
        for (;;) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        break;
                if (r > 0)
                        continue;
                r = sd_bus_wait(bus, UINT64_MAX);
                if (r < 0 && r != -EINTR)
                        break;
        }
        fprintf(stderr, "pullout watch: the bus connection ended: %s\n", strerror(-r));
        sd_bus_flush_close_unref(w.notify_bus);
        return EXIT_DAEMON_ERROR;
}

int cmd_clock(struct cli *cli, int argc, char **argv) {
        if (wants_help(argc, argv, clock_help))
                return 0;
        long long seconds;
        if (argc != 3 || strcmp(argv[1], "advance") != 0)
                return usage_error("clock", "use: pullout clock advance DURATION");
        if (duration_parse(argv[2], &seconds) < 0)
                return usage_error("clock", "\"%s\" is not a duration (e.g. 90m, 2h, 1d)", argv[2]);
        struct json_object *o = NULL;
        /* A week of events may take the daemon a moment. */
        int r = cli_call_json(cli, "ClockAdvance", 120 * 1000000ULL, &o, "x", (int64_t)seconds);
        if (r != 0)
                return r;
        printf("now %s\n", json_string_of(o, "now"));
        json_object_put(o);
        return 0;
}
