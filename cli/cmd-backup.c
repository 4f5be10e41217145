/* cmd-backup.c: `pullout backup FILE`: a consistent copy of the live database. The CLI creates
 * the file with the caller's rights and hands pulloutd the open descriptor; the copy appears
 * under FILE only once it was written whole and checked. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/pullout.h"

static const char backup_help[] =
        "Usage: pullout backup [--json] FILE\n"
        "Write a consistent copy of pulloutd's database to FILE (a new file, readable only by you),\n"
        "while the daemon keeps running: an sqlite database that opens with sqlite3 and passed\n"
        "PRAGMA integrity_check. FILE must not exist; - writes to standard output (not a terminal).\n"
        "Restoring: pulloutd(8), RESTORING A BACKUP.\n";

/* A copy of a large school takes seconds; a stuck disk is reported, not waited for forever. */
#define BACKUP_TIMEOUT_USEC (10ull * 60 * 1000000)

int cmd_backup(struct cli *cli, int argc, char **argv) {
        bool json = false;
        if (wants_help(argc, argv, backup_help))
                return 0;
        int usage = parse_json_option(argc, argv, "backup", &json);
        if (usage != 0)
                return usage;
        if (optind + 1 != argc)
                return usage_error("backup", "give the file to write (pullout backup FILE)");
        const char *path = argv[optind];
        struct json_object *answer = NULL;
        struct stat st;
        if (strcmp(path, "-") == 0) {
                if (isatty(STDOUT_FILENO)) {
                        fprintf(stderr, "pullout backup: standard output is a terminal; redirect it or name a file\n");
                        return EXIT_USAGE;
                }
                int r = cli_call_json(cli, "Backup", BACKUP_TIMEOUT_USEC, &answer, "h", STDOUT_FILENO);
                json_object_put(answer);
                return r;
        }
        if (lstat(path, &st) == 0) {
                fprintf(stderr, "pullout backup: %s exists; remove it or name another file\n", path);
                return EXIT_DAEMON_ERROR;
        }
        /* Written beside FILE under a temporary name, renamed when complete. */
        char partial[PATH_MAX];
        if (snprintf(partial, sizeof partial, "%s.partial-XXXXXX", path) >= (int)sizeof partial)
                return usage_error("backup", "the file name is too long");
        int fd = mkostemp(partial, O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "pullout backup: cannot create %s: %s\n", partial, strerror(errno));
                return EXIT_DAEMON_ERROR;
        }
        int r = cli_call_json(cli, "Backup", BACKUP_TIMEOUT_USEC, &answer, "h", fd);
        close(fd);
        if (r == 0 && link(partial, path) < 0) {
                fprintf(stderr, "pullout backup: cannot create %s: %s\n", path, strerror(errno));
                r = EXIT_DAEMON_ERROR;
        }
        unlink(partial);
        if (r != 0) {
                json_object_put(answer);
                return r;
        }
        if (json)
                print_json(answer);
        else
                printf("backup written to %s: %lld bytes, schema version %lld, integrity check ok\n", path,
                       (long long)json_int_of(answer, "bytes"), (long long)json_int_of(answer, "schema_version"));
        json_object_put(answer);
        return 0;
}
