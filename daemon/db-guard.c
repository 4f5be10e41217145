/* db-guard.c: the database file is watched. A marker beside it records that pulloutd created
 * it, so a system daemon whose database went missing stops instead of starting an empty
 * school; while running, a timer notices when the open file was deleted or replaced (every
 * change is refused then: the store checks before and at each commit) and says so loudly. */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "db-guard.h"
#include "log.h"

/* How often the running daemon looks at its database file. */
#define WATCH_SECONDS 2

/* FOLDER/.NAME.created beside FOLDER/NAME: a name no "rm pullout.db*" takes with it. */
static int marker_path(const char *db_path, char path[static PATH_MAX]) {
        const char *slash = strrchr(db_path, '/');
        int n = slash ? snprintf(path, PATH_MAX, "%.*s/.%s.created", (int)(slash - db_path), db_path, slash + 1)
                      : snprintf(path, PATH_MAX, ".%s.created", db_path);
        return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

int db_guard_before_open(struct daemon *daemon, bool *ret_creating) {
        char marker[PATH_MAX];
        struct stat st;
        bool exists = stat(daemon->db_path, &st) == 0;
        if (!exists && errno != ENOENT) {
                log_error("cannot look at the database %s: %s", daemon->db_path, strerror(errno));
                return -errno;
        }
        *ret_creating = !exists;
        if (exists || daemon->user_mode)
                return 0;
        int r = marker_path(daemon->db_path, marker);
        if (r < 0)
                return r;
        char *created = NULL;
        FILE *file = fopen(marker, "re");
        if (!file)
                return errno == ENOENT ? 0 : -errno;
        size_t size = 0;
        if (getline(&created, &size, file) < 0) {
                free(created);
                created = NULL;
        }
        fclose(file);
        if (created)
                created[strcspn(created, "\n")] = '\0';
        log_error("the database %s is missing, but one was created there before (%s: %s). Not starting an empty "
                  "school: restore the database from a backup (pulloutd(8), RESTORING A BACKUP), or remove %s to "
                  "start again with an empty one",
                  daemon->db_path, marker, created ? created : "no date", marker);
        free(created);
        return -ENOENT;
}

int db_guard_after_open(struct daemon *daemon, bool created) {
        char marker[PATH_MAX], now[32];
        if (created)
                log_info("created a new, empty database %s", daemon->db_path);
        if (daemon->user_mode)
                return 0;
        int r = marker_path(daemon->db_path, marker);
        if (r < 0)
                return r;
        /* A database made by an earlier build has no marker yet: it gets one now. */
        if (access(marker, F_OK) == 0)
                return 0;
        daemon_format_time(time(NULL), now);
        FILE *file = fopen(marker, "wxe");
        if (!file) {
                log_error("cannot write %s: %s (without it a lost database would go unnoticed)", marker,
                          strerror(errno));
                return -errno;
        }
        fprintf(file, "created %s on %s\n"
                      "# pulloutd(8): while this file exists, pulloutd --system refuses to start without the "
                      "database.\n",
                daemon->db_path, now);
        if (fclose(file) != 0) {
                r = -errno;
                log_error("cannot write %s: %s", marker, strerror(-r));
                unlink(marker);
                return r;
        }
        return 0;
}

static void on_watch(evutil_socket_t fd, short what, void *userdata) {
        struct daemon *daemon = userdata;
        bool moved = store_check_file(daemon->store) < 0;
        if (moved && !daemon->db_moved) {
                log_error("THE DATABASE FILE %s WAS DELETED OR REPLACED while pulloutd had it open. Every change is "
                          "refused from now on. What pulloutd holds open is intact: save it now with `pullout backup "
                          "FILE`, then restore it (pulloutd(8), RESTORING A BACKUP)",
                          daemon->db_path);
                sd_notifyf(0, "STATUS=The database file %s was deleted or replaced: changes are refused",
                           daemon->db_path);
        } else if (!moved && daemon->db_moved) {
                log_info("the database file %s is back: changes are accepted again", daemon->db_path);
                sd_notify(0, "STATUS=Serving");
        }
        daemon->db_moved = moved;
}

int db_guard_start(struct daemon *daemon) {
        struct timeval tv = { .tv_sec = WATCH_SECONDS, .tv_usec = 0 };
        daemon->db_watch = event_new(daemon->base, -1, EV_PERSIST, on_watch, daemon);
        if (!daemon->db_watch || event_add(daemon->db_watch, &tv) < 0)
                return -ENOMEM;
        return 0;
}


void db_guard_stop(struct daemon *daemon) {
        if (daemon->db_watch)
                event_free(daemon->db_watch);
        daemon->db_watch = NULL;
}
