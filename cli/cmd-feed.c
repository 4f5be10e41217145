/* cmd-feed.c: calendar feeds: `feed create|list|revoke|rotate`, `export` to stdout and
 * `publish DIR` (every feed written atomically into a folder for a static web host). */
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

static const char feed_help[] =
        "Usage: pullout feed create (--teacher ID | --staff ID | --student ID | --group ID)\n"
        "                           [--privacy full|initials|busy] [--json]\n"
        "       pullout feed list [--json]\n"
        "       pullout feed revoke ID\n"
        "       pullout feed rotate ID\n"
        "A feed is a private calendar link a person subscribes to once. create prints the link\n"
        "(from pulloutd.conf base_url), its webcal:// form and a Google Calendar link; the link is\n"
        "the secret and is shown only now. privacy: full names, initials (default for teacher,\n"
        "student and group feeds) or busy (times only). rotate gives a feed a new link and ends the\n"
        "old one; revoke ends it for good. Google refreshes subscribed calendars only every 8-24 h.\n";

static const char export_help[] =
        "Usage: pullout export (--teacher ID | --staff ID | --student ID | --group ID)\n"
        "                      [--privacy full|initials|busy]\n"
        "Write the calendar of a teacher, interventionist, student or group to stdout (iCalendar).\n";

static const char publish_help[] =
        "Usage: pullout publish DIR\n"
        "Write every active feed into DIR as NAME.ics (NAME is the feed's static file name that\n"
        "`pullout feed create` printed), each atomically (temporary file, then rename), for a static\n"
        "web host or CDN. Files of revoked or rotated feeds that an earlier publish wrote are removed.\n";

struct subject {
        const char *kind, *id, *privacy;
};

/* Reads --teacher/--staff/--student/--group ID and --privacy; 0 or EXIT_USAGE. */
static int parse_subject(const char *command, int argc, char **argv, struct subject *subject, bool *json) {
        static const struct option options[] = {
                { "teacher", required_argument, NULL, 't' },
                { "staff", required_argument, NULL, 's' },
                { "student", required_argument, NULL, 'u' },
                { "group", required_argument, NULL, 'g' },
                { "privacy", required_argument, NULL, 'p' },
                { "json", no_argument, NULL, 'j' },
                { 0 },
        };
        int c;
        *subject = (struct subject){ .privacy = "" };
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                const char *kind = NULL;
                switch (c) {
                case 't':
                        kind = "teacher";
                        break;
                case 's':
                        kind = "staff";
                        break;
                case 'u':
                        kind = "student";
                        break;
                case 'g':
                        kind = "group";
                        break;
                case 'p':
                        if (strcmp(optarg, "full") != 0 && strcmp(optarg, "initials") != 0 &&
                            strcmp(optarg, "busy") != 0)
                                return usage_error(command, "--privacy takes full, initials or busy");
                        subject->privacy = optarg;
                        continue;
                case 'j':
                        if (!json)
                                return usage_error(command, "unknown option --json");
                        *json = true;
                        continue;
                default:
                        return usage_error(command, "unknown option");
                }
                if (subject->kind)
                        return usage_error(command, "give one of --teacher, --staff, --student, --group");
                subject->kind = kind;
                subject->id = optarg;
        }
        if (!subject->kind)
                return usage_error(command, "whose calendar? give --teacher, --staff, --student or --group ID");
        if (optind < argc)
                return usage_error(command, "unexpected argument \"%s\"", argv[optind]);
        return 0;
}

/* A student subject may be named by name: the daemon says whose id it is. */
static int subject_student(struct cli *cli, struct subject *subject, char id[static CLI_STUDENT_ID_MAX]) {
        if (strcmp(subject->kind, "student") != 0)
                return 0;
        int r = cli_student_id(cli, subject->id, id);
        if (r == 0)
                subject->id = id;
        return r;
}

static void print_new_link(struct json_object *feed) {
        printf("feed %lld: %s %s, privacy %s\n\n", (long long)json_int_of(feed, "id"), json_string_of(feed, "subject_kind"),
               json_string_of(feed, "subject_id"), json_string_of(feed, "privacy"));
        printf("  link              %s\n", json_string_of(feed, "url"));
        printf("  calendar apps     %s\n", json_string_of(feed, "webcal"));
        printf("  Google Calendar   %s\n", json_string_of(feed, "google"));
        printf("  static file       %s (pullout publish DIR)\n\n", json_string_of(feed, "publish_file"));
        printf("The link is the secret and is not shown again: anyone holding it sees this calendar.\n"
               "End it with `pullout feed revoke %lld`, or replace it with `pullout feed rotate %lld`.\n"
               "Google refreshes subscribed calendars only every 8-24 hours; Apple and Outlook more often.\n",
               (long long)json_int_of(feed, "id"), (long long)json_int_of(feed, "id"));
}

static int feed_create(struct cli *cli, int argc, char **argv) {
        struct subject subject;
        bool json = false;
        struct json_object *feed = NULL;
        char student_id[CLI_STUDENT_ID_MAX];
        int r = parse_subject("feed create", argc, argv, &subject, &json);
        if (r == 0)
                r = subject_student(cli, &subject, student_id);
        if (r != 0)
                return r;
        r = cli_call_json(cli, "FeedCreate", 0, &feed, "sss", subject.kind, subject.id, subject.privacy);
        if (r != 0)
                return r;
        if (json)
                print_json(feed);
        else
                print_new_link(feed);
        json_object_put(feed);
        return 0;
}

static int feed_list(struct cli *cli, int argc, char **argv) {
        bool json = false;
        int usage = parse_json_option(argc, argv, "feed list", &json);
        if (usage != 0)
                return usage;
        if (optind < argc)
                return usage_error("feed list", "unexpected argument \"%s\"", argv[optind]);
        struct json_object *reply = NULL;
        int r = cli_call_json(cli, "FeedList", 0, &reply, "");
        if (r != 0)
                return r;
        struct json_object *feeds = json_object_object_get(reply, "feeds");
        if (json) {
                print_json(feeds);
        } else if (json_object_array_length(feeds) == 0) {
                printf("no feeds yet: pullout feed create --teacher ID\n");
        } else {
                struct table *table = table_new(6, "ID", "OWNER", "MODE", "CREATED", "LAST FETCHED", "STATE");
                for (size_t i = 0; i < json_object_array_length(feeds); i++) {
                        struct json_object *feed = json_object_array_get_idx(feeds, i);
                        char id[24], owner[160];
                        snprintf(id, sizeof id, "%lld", (long long)json_int_of(feed, "id"));
                        snprintf(owner, sizeof owner, "%s %s", json_string_of(feed, "subject_kind"),
                                 json_string_of(feed, "subject_id"));
                        const char *fetched = json_string_of(feed, "last_fetched");
                        const char *revoked = json_string_of(feed, "revoked");
                        table_add(table, id, owner, json_string_of(feed, "privacy"), json_string_of(feed, "created"),
                                  *fetched ? fetched : "never", *revoked ? "revoked" : "active");
                }
                table_print(table);
                table_free(table);
        }
        json_object_put(reply);
        return 0;
}

static int parse_feed_id(const char *command, int argc, char **argv, int64_t *ret_id) {
        if (argc != 2)
                return usage_error(command, "give one feed id (pullout feed list)");
        char *end;
        long long id = strtoll(argv[1], &end, 10);
        if (*end || !*argv[1] || id <= 0)
                return usage_error(command, "\"%s\" is not a feed id", argv[1]);
        *ret_id = id;
        return 0;
}

static int feed_revoke(struct cli *cli, int argc, char **argv) {
        int64_t id;
        int r = parse_feed_id("feed revoke", argc, argv, &id);
        if (r != 0)
                return r;
        sd_bus_message *reply = NULL;
        r = cli_call(cli, "FeedRevoke", 0, &reply, "x", id);
        sd_bus_message_unref(reply);
        if (r == 0)
                printf("feed %lld revoked: its link now answers 404\n", (long long)id);
        return r;
}

static int feed_rotate(struct cli *cli, int argc, char **argv) {
        int64_t id;
        struct json_object *feed = NULL;
        int r = parse_feed_id("feed rotate", argc, argv, &id);
        if (r != 0)
                return r;
        r = cli_call_json(cli, "FeedRotate", 0, &feed, "x", id);
        if (r != 0)
                return r;
        printf("The old link of feed %lld no longer works. The new one:\n\n", (long long)id);
        print_new_link(feed);
        json_object_put(feed);
        return 0;
}

int cmd_feed(struct cli *cli, int argc, char **argv) {
        if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                fputs(feed_help, argc < 2 ? stderr : stdout);
                return argc < 2 ? EXIT_USAGE : 0;
        }
        if (wants_help(argc - 1, argv + 1, feed_help))
                return 0;
        optind = 0;
        if (strcmp(argv[1], "create") == 0)
                return feed_create(cli, argc - 1, argv + 1);
        if (strcmp(argv[1], "list") == 0)
                return feed_list(cli, argc - 1, argv + 1);
        if (strcmp(argv[1], "revoke") == 0)
                return feed_revoke(cli, argc - 1, argv + 1);
        if (strcmp(argv[1], "rotate") == 0)
                return feed_rotate(cli, argc - 1, argv + 1);
        return usage_error("feed", "\"%s\" is not create, list, revoke or rotate", argv[1]);
}

int cmd_export(struct cli *cli, int argc, char **argv) {
        struct subject subject;
        sd_bus_message *reply = NULL;
        const char *text;
        if (wants_help(argc, argv, export_help))
                return 0;
        char student_id[CLI_STUDENT_ID_MAX];
        int r = parse_subject("export", argc, argv, &subject, NULL);
        if (r == 0)
                r = subject_student(cli, &subject, student_id);
        if (r != 0)
                return r;
        r = cli_call(cli, "Export", 0, &reply, "sss", subject.kind, subject.id, subject.privacy);
        if (r != 0)
                return r;
        if (sd_bus_message_read(reply, "s", &text) < 0) {
                fprintf(stderr, "pullout export: unexpected reply from pulloutd\n");
                r = EXIT_DAEMON_ERROR;
        } else if (fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
                fprintf(stderr, "pullout export: cannot write: %s\n", strerror(errno));
                r = EXIT_DAEMON_ERROR;
        }
        sd_bus_message_unref(reply);
        return r;
}

/* Writes text to dir/name through a temporary file in dir, synced, then renamed over it, so a
 * web server never serves half a calendar. */
static int write_atomically(int dir, const char *dir_path, const char *name, const char *text) {
        char temp[128];
        snprintf(temp, sizeof temp, ".%s.tmp", name);
        int fd = openat(dir, temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
                fprintf(stderr, "pullout publish: %s/%s: %s\n", dir_path, temp, strerror(errno));
                return -1;
        }
        size_t size = strlen(text), done = 0;
        while (done < size) {
                ssize_t n = write(fd, text + done, size - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        fprintf(stderr, "pullout publish: %s/%s: %s\n", dir_path, temp, strerror(errno));
                        close(fd);
                        unlinkat(dir, temp, 0);
                        return -1;
                }
                done += (size_t)n;
        }
        if (fsync(fd) < 0 || close(fd) < 0 || renameat(dir, temp, dir, name) < 0) {
                fprintf(stderr, "pullout publish: %s/%s: %s\n", dir_path, name, strerror(errno));
                unlinkat(dir, temp, 0);
                return -1;
        }
        return 0;
}

/* A file an earlier publish wrote: 24 base64url characters and ".ics". */
static bool published_name(const char *name) {
        if (strlen(name) != 28 || strcmp(name + 24, ".ics") != 0)
                return false;
        for (int i = 0; i < 24; i++)
                if (!name[i] || !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", name[i]))
                        return false;
        return true;
}

static bool listed(char **names, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(names[i], name) == 0)
                        return true;
        return false;
}

int cmd_publish(struct cli *cli, int argc, char **argv) {
        char **written = NULL;
        size_t n_written = 0, removed = 0;
        int64_t after = 0;
        int r = 0;
        if (wants_help(argc, argv, publish_help))
                return 0;
        if (argc != 2 || argv[1][0] == '-')
                return usage_error("publish", "give exactly one folder");
        const char *dir_path = argv[1];
        int dir = open(dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0) {
                fprintf(stderr, "pullout publish: %s: %s\n", dir_path, strerror(errno));
                return EXIT_DAEMON_ERROR;
        }
        for (;;) {
                sd_bus_message *reply = NULL;
                int64_t id;
                const char *name, *text;
                size_t page = 0;
                r = cli_call(cli, "Publish", 120 * 1000000ull, &reply, "xu", after, (uint32_t)64);
                if (r != 0)
                        goto out;
                int m = sd_bus_message_enter_container(reply, 'a', "(xss)");
                while (m >= 0 && (m = sd_bus_message_read(reply, "(xss)", &id, &name, &text)) > 0) {
                        page++;
                        after = id;
                        if (!published_name(name) || write_atomically(dir, dir_path, name, text) < 0) {
                                sd_bus_message_unref(reply);
                                r = EXIT_DAEMON_ERROR;
                                goto out;
                        }
                        char **grown = realloc(written, (n_written + 1) * sizeof *grown);
                        if (!grown || !(grown[n_written] = strdup(name))) {
                                if (grown)
                                        written = grown;
                                sd_bus_message_unref(reply);
                                r = EXIT_DAEMON_ERROR;
                                goto out;
                        }
                        written = grown;
                        n_written++;
                }
                sd_bus_message_unref(reply);
                if (m < 0) {
                        fprintf(stderr, "pullout publish: unexpected reply from pulloutd: %s\n", strerror(-m));
                        r = EXIT_DAEMON_ERROR;
                        goto out;
                }
                if (page == 0)
                        break;
        }
        /* Links that were revoked or rotated must stop working on the static host too. */
        DIR *d = fdopendir(dup(dir));
        struct dirent *entry;
        while (d && (entry = readdir(d)))
                if (published_name(entry->d_name) && !listed(written, n_written, entry->d_name) &&
                    unlinkat(dir, entry->d_name, 0) == 0)
                        removed++;
        if (d)
                closedir(d);
        fsync(dir);
        printf("published %zu feed%s into %s", n_written, n_written == 1 ? "" : "s", dir_path);
        if (removed)
                printf(" (removed %zu of revoked or rotated feeds)", removed);
        printf("\n");
out:
        for (size_t i = 0; i < n_written; i++)
                free(written[i]);
        free(written);
        close(dir);
        return r;
}
