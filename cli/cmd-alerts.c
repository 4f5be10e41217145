/* cmd-alerts.c: the coordinator's `alerts` and `ack` (DESIGN §5, §6). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/pullout.h"
#include "daemon/model/timeutil.h"

static const char alerts_help[] =
        "Usage: pullout alerts [--kind K] [--student ID] [--group ID] [--staff ID] [--since DATE] [--all] [--json]\n"
        "Coordinator alerts, one per cause: missed sessions and low fidelity per group, low dosage\n"
        "per student and program, repeated absences per student. Open ones unless --all (then\n"
        "acknowledged and resolved ones too, with their state).\n"
        "  --kind K      missed_session, low_dosage, low_fidelity, repeated_miss, progress_decision\n"
        "  --student ID  --group ID  --staff ID   only the alerts about them\n"
        "  --since DATE  only those seen on or after DATE (YYYY-MM-DD)\n";

static const char ack_help[] =
        "Usage: pullout ack ID...\n"
        "       pullout ack --kind K [--before DATE]\n"
        "Acknowledge alerts: by id (all or none), or every open alert of a kind, first seen before\n"
        "DATE when given. An acknowledged alert stays until its cause goes away.\n";

static void print_alerts(struct json_object *list, bool all) {
        if (json_object_array_length(list) == 0) {
                printf(all ? "no alerts\n" : "no open alerts\n");
                return;
        }
        struct table *table = table_new(6, "ID", "STATE", "KIND", "COUNT", "LAST SEEN", "MESSAGE");
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                struct json_object *a = json_object_array_get_idx(list, i);
                char id[24], count[24];
                snprintf(id, sizeof id, "%lld", (long long)json_int_of(a, "alert_id"));
                snprintf(count, sizeof count, "%lld", (long long)json_int_of(a, "count"));
                table_add(table, id, json_string_of(a, "state"), json_string_of(a, "kind"), count,
                          json_string_of(a, "last_seen"), json_string_of(a, "message"));
        }
        table_print(table);
        table_free(table);
}

int cmd_alerts(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "kind", required_argument, NULL, 'k' },    { "student", required_argument, NULL, 'S' },
                { "group", required_argument, NULL, 'g' },   { "staff", required_argument, NULL, 's' },
                { "since", required_argument, NULL, 'd' },   { "all", no_argument, NULL, 'a' },
                { "json", no_argument, NULL, 'j' },          { 0 },
        };
        /* In the order of options: the a{sv} keys they become. */
        static const char *const keys[] = { "kind", "student", "group", "staff", "since" };
        const char *values[5] = { NULL };
        bool json = false, all = false;
        civil_date parsed;
        int c;
        if (wants_help(argc, argv, alerts_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                const char *p = strchr("kSgsd", c);
                if (c && p) {
                        values[p - "kSgsd"] = optarg;
                } else if (c == 'a') {
                        all = true;
                } else if (c == 'j') {
                        json = true;
                } else {
                        return usage_error("alerts", "unknown option");
                }
        }
        if (optind < argc)
                return usage_error("alerts", "unexpected argument \"%s\"", argv[optind]);
        if (values[4] && date_parse(values[4], &parsed) < 0)
                return usage_error("alerts", "--since takes a date YYYY-MM-DD, not \"%s\"", values[4]);
        sd_bus_message *message = NULL;
        int r = cli_new_call(cli, "Alerts", &message);
        if (r != 0)
                return r;
        sd_bus_message_open_container(message, 'a', "{sv}");
        if (all)
                sd_bus_message_append(message, "{sv}", "all", "b", 1);
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
                if (values[i])
                        sd_bus_message_append(message, "{sv}", keys[i], "s", values[i]);
        sd_bus_message_close_container(message);
        struct json_object *o = NULL;
        r = cli_send_json(cli, message, 0, &o);
        sd_bus_message_unref(message);
        if (r != 0)
                return r;
        if (json)
                print_json(o);
        else
                print_alerts(json_object_object_get(o, "alerts"), all);
        json_object_put(o);
        return 0;
}

/* ack --kind K [--before DATE] */
static int ack_kind(struct cli *cli, const char *kind, const char *before) {
        civil_date parsed;
        if (before && date_parse(before, &parsed) < 0)
                return usage_error("ack", "--before takes a date YYYY-MM-DD, not \"%s\"", before);
        struct json_object *o = NULL;
        int r = cli_call_json(cli, "AckAlertsOfKind", 0, &o, "ss", kind, before ? before : "");
        if (r != 0)
                return r;
        long long n = (long long)json_int_of(o, "acknowledged_count");
        printf("%lld %s alert%s acknowledged\n", n, kind, n == 1 ? "" : "s");
        json_object_put(o);
        return 0;
}

int cmd_ack(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "kind", required_argument, NULL, 'k' }, { "before", required_argument, NULL, 'b' }, { 0 },
        };
        const char *kind = NULL, *before = NULL;
        int c;
        if (wants_help(argc, argv, ack_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                if (c == 'k')
                        kind = optarg;
                else if (c == 'b')
                        before = optarg;
                else
                        return usage_error("ack", "unknown option");
        }
        if (kind && optind < argc)
                return usage_error("ack", "give alert IDs or --kind, not both");
        if (kind)
                return ack_kind(cli, kind, before);
        if (before)
                return usage_error("ack", "--before goes with --kind");
        if (optind >= argc)
                return usage_error("ack", "give alert IDs (pullout alerts lists them) or --kind K");
        size_t n = (size_t)(argc - optind);
        int64_t *ids = calloc(n, sizeof *ids);
        if (!ids)
                return usage_error("ack", "out of memory");
        for (size_t i = 0; i < n; i++) {
                const char *text = argv[optind + (int)i];
                char *end;
                long long id = strtoll(text, &end, 10);
                if (*end || !*text || id <= 0) {
                        free(ids);
                        return usage_error("ack", "\"%s\" is not an alert ID", text);
                }
                ids[i] = id;
        }
        sd_bus_message *message = NULL;
        int r = cli_new_call(cli, "AckAlerts", &message);
        if (r == 0) {
                sd_bus_message_append_array(message, 'x', ids, n * sizeof *ids);
                struct json_object *o = NULL;
                r = cli_send_json(cli, message, 0, &o);
                sd_bus_message_unref(message);
                if (r == 0) {
                        for (size_t i = 0; i < n; i++)
                                printf("alert %lld acknowledged\n", (long long)ids[i]);
                        json_object_put(o);
                }
        }
        free(ids);
        return r;
}
