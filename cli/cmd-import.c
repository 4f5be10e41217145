/* cmd-import.c: `pullout import DIR`: the CLI reads the caller's files, with the caller's
 * rights, and sends their contents; the daemon never opens a path a caller names. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/pullout.h"
#include "import/import.h"

static const char import_help[] =
        "Usage: pullout import [--json] [--calendar FILE.ics] DIR\n"
        "Load a school's data set: the CSV files of DIR (school.csv, teachers.csv, timetable.csv,\n"
        "students.csv, staff.csv, availability.csv, programs.csv, needs.csv, and optionally\n"
        "services.csv, calendar.csv and calendar.ics). The whole set is checked and stored in one\n"
        "transaction: on any error nothing changes and every fault is listed as\n"
        "FILE:LINE: column NAME: what is wrong. See pullout-data(5).\n"
        "\n"
        "  --calendar FILE.ics  a district calendar to read in as calendar.ics\n"
        "  --json               print the daemon's report as JSON\n";

struct file {
        char *name;
        char *data;
        size_t size;
};


static bool wanted(const char *name) {
        size_t n = strlen(name);
        return name[0] != '.' && ((n > 4 && strcmp(name + n - 4, ".csv") == 0) || strcmp(name, "calendar.ics") == 0);
}

static int compare_names(const void *a, const void *b) {
        return strcmp(((const struct file *)a)->name, ((const struct file *)b)->name);
}

/* What was stored, what the district calendar gave, and the warnings (on stderr). */
static void print_report(struct json_object *report) {
        struct json_object *counts = json_object_object_get(report, "counts");
        printf("imported %s: %lld students, %lld homerooms, %lld staff, %lld programs, "
               "%lld intervention needs, %lld calendar days\n",
               json_string_of(report, "school"), (long long)json_int_of(counts, "students"),
               (long long)json_int_of(counts, "teachers"), (long long)json_int_of(counts, "staff"),
               (long long)json_int_of(counts, "programs"), (long long)json_int_of(counts, "needs"),
               (long long)json_int_of(counts, "calendar_days"));
        struct json_object *district = json_object_object_get(report, "district_calendar");
        struct json_object *taken = json_object_object_get(district, "taken");
        if (district)
                printf("district calendar: %zu events taken, %zu ignored\n", json_object_array_length(taken),
                       json_object_array_length(json_object_object_get(district, "ignored")));
        for (size_t i = 0; taken && i < json_object_array_length(taken); i++)
                printf("  %s\n", json_object_get_string(json_object_array_get_idx(taken, i)));
        struct json_object *warnings = json_object_object_get(report, "warnings");
        for (size_t i = 0; i < json_object_array_length(warnings); i++)
                fprintf(stderr, "warning: %s\n", json_object_get_string(json_object_array_get_idx(warnings, i)));
}

int cmd_import(struct cli *cli, int argc, char **argv) {
        static const struct option options[] = {
                { "json", no_argument, NULL, 'j' },
                { "calendar", required_argument, NULL, 'c' },
                { 0 },
        };
        const char *calendar = NULL;
        bool json = false;
        int c;
        if (wants_help(argc, argv, import_help))
                return 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                if (c == 'j')
                        json = true;
                else if (c == 'c')
                        calendar = optarg;
                else
                        return usage_error("import", "unknown option");
        }
        if (optind != argc - 1)
                return usage_error("import", "give exactly one folder (the data set)");
        const char *dir = argv[optind];

        struct file files[IMPORT_MAX_FILES + 1];
        size_t n = 0, total = 0;
        int r = EXIT_DAEMON_ERROR;
        DIR *d = opendir(dir);
        if (!d) {
                fprintf(stderr, "pullout import: %s: %s\n", dir, strerror(errno));
                return EXIT_DAEMON_ERROR;
        }
        struct dirent *entry;
        while ((entry = readdir(d))) {
                if (!wanted(entry->d_name))
                        continue;
                if (calendar && strcmp(entry->d_name, "calendar.ics") == 0)
                        continue; /* --calendar replaces it */
                if (n == IMPORT_MAX_FILES) {
                        fprintf(stderr, "pullout import: %s: more than %d data files\n", dir, IMPORT_MAX_FILES);
                        goto out;
                }
                char shown[4096];
                snprintf(shown, sizeof shown, "%s/%s", dir, entry->d_name);
                files[n].name = strdup(entry->d_name);
                if (read_whole_file(dirfd(d), entry->d_name, shown, IMPORT_MAX_BYTES, "pullout import", &files[n].data,
                                    &files[n].size) < 0) {
                        free(files[n].name);
                        goto out;
                }
                total += files[n++].size;
        }
        if (calendar) {
                files[n].name = strdup("calendar.ics");
                if (read_whole_file(AT_FDCWD, calendar, calendar, IMPORT_MAX_BYTES, "pullout import", &files[n].data,
                                    &files[n].size) < 0) {
                        free(files[n].name);
                        goto out;
                }
                total += files[n++].size;
        }
        if (total > IMPORT_MAX_BYTES) {
                fprintf(stderr, "pullout import: %s: the data set is larger than %u MiB\n", dir, IMPORT_MAX_BYTES >> 20);
                goto out;
        }
        qsort(files, n, sizeof files[0], compare_names);

        sd_bus_message *message = NULL;
        if ((r = cli_new_call(cli, "Import", &message)) != 0)
                goto out;
        int a = sd_bus_message_open_container(message, 'a', "(say)");
        for (size_t i = 0; a >= 0 && i < n; i++) {
                a = sd_bus_message_open_container(message, 'r', "say");
                if (a >= 0)
                        a = sd_bus_message_append(message, "s", files[i].name);
                if (a >= 0)
                        a = sd_bus_message_append_array(message, 'y', files[i].data, files[i].size);
                if (a >= 0)
                        a = sd_bus_message_close_container(message);
        }
        if (a >= 0)
                a = sd_bus_message_close_container(message);
        if (a < 0) {
                fprintf(stderr, "pullout import: cannot build the call: %s\n", strerror(-a));
                sd_bus_message_unref(message);
                r = EXIT_DAEMON_ERROR;
                goto out;
        }
        struct json_object *report = NULL;
        r = cli_send_json(cli, message, 120 * 1000000ull, &report);
        sd_bus_message_unref(message);
        if (r == 0) {
                if (json)
                        print_json(report);
                else
                        print_report(report);
                json_object_put(report);
        }
out:
        closedir(d);
        for (size_t i = 0; i < n; i++) {
                free(files[i].name);
                free(files[i].data);
        }
        return r;
}
