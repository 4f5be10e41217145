/* what-if.c: `pullout solve --what-if DIR`: the CSV files of DIR, read by the CLI with the
 * caller's rights, sent as the Solve option what_if (file name -> bytes). The daemon never
 * opens the caller's path, and decides which files a what-if may replace. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/pullout.h"
#include "daemon/import/import.h"

static bool is_csv(const char *name) {
        size_t n = strlen(name);
        return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".csv") == 0;
}

int append_what_if(sd_bus_message *message, const char *dir) {
        DIR *d = opendir(dir);
        if (!d) {
                fprintf(stderr, "pullout solve: --what-if %s: %s\n", dir, strerror(errno));
                return -1;
        }
        size_t n = 0, total = 0;
        int r = sd_bus_message_open_container(message, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_append(message, "s", "what_if");
        if (r >= 0)
                r = sd_bus_message_open_container(message, 'v', "a{say}");
        if (r >= 0)
                r = sd_bus_message_open_container(message, 'a', "{say}");
        struct dirent *entry;
        while (r >= 0 && (entry = readdir(d))) {
                if (!is_csv(entry->d_name))
                        continue;
                char shown[4096], *data = NULL;
                size_t size = 0;
                snprintf(shown, sizeof shown, "%s/%s", dir, entry->d_name);
                if (++n > IMPORT_MAX_FILES) {
                        fprintf(stderr, "pullout solve: --what-if %s: more than %d files\n", dir, IMPORT_MAX_FILES);
                        r = -1;
                        break;
                }
                if (read_whole_file(dirfd(d), entry->d_name, shown, IMPORT_MAX_BYTES, "pullout solve", &data, &size) < 0) {
                        r = -1;
                        break;
                }
                total += size;
                if (total > IMPORT_MAX_BYTES) {
                        fprintf(stderr, "pullout solve: --what-if %s: larger than %u MiB\n", dir, IMPORT_MAX_BYTES >> 20);
                        free(data);
                        r = -1;
                        break;
                }
                r = sd_bus_message_open_container(message, 'e', "say");
                if (r >= 0)
                        r = sd_bus_message_append(message, "s", entry->d_name);
                if (r >= 0)
                        r = sd_bus_message_append_array(message, 'y', data, size);
                if (r >= 0)
                        r = sd_bus_message_close_container(message);
                free(data);
        }
        closedir(d);
        if (r >= 0 && n == 0) {
                fprintf(stderr, "pullout solve: --what-if %s: no .csv file in it (e.g. staff.csv, needs.csv)\n",
                        dir);
                return -1;
        }
        for (int i = 0; r >= 0 && i < 3; i++)
                r = sd_bus_message_close_container(message);
        if (r < 0 && r != -1)
                fprintf(stderr, "pullout solve: cannot build the call: %s\n", strerror(-r));
        return r < 0 ? -1 : 0;
}

/* What a what-if buys against the published schedule: the needs it places more or fewer. */
void print_what_if(struct json_object *summary) {
        struct json_object *diff = json_object_object_get(summary, "diff");
        long long before = json_int_of(diff, "placed_from"), after = json_int_of(diff, "placed_to");
        long long delta = after - before;
        printf("what-if version %lld (never published): ", (long long)json_int_of(summary, "version"));
        if (!json_object_object_get(diff, "from"))
                printf("places %lld needs; nothing is published to compare with\n", after);
        else if (delta == 0)
                printf("places as many needs as the published schedule (%lld)\n", after);
        else
                printf("places %lld %s need%s than the published schedule (%lld -> %lld)\n", delta > 0 ? delta : -delta,
                       delta > 0 ? "more" : "fewer", (delta > 0 ? delta : -delta) == 1 ? "" : "s", before, after);
}
