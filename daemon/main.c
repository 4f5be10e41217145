/* main.c: pulloutd's options, start-up, signals and shutdown around one libevent loop.
 * The loop owns all state; nothing here blocks once the loop runs. */
#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "bus.h"
#include "daemon.h"
#include "db-guard.h"
#include "http.h"
#include "log.h"
#include "service/backup-service.h"
#include "service/import-service.h"
#include "service/session-timer.h"
#include "service/feed-service.h"
#include "service/solve-service.h"
#include "service/version-service.h"
#include "service/what-if-read.h"

#define SYSTEM_CONFIG SYSCONFDIR "/pullout/pulloutd.conf"
#define SYSTEM_DATABASE "/var/lib/pullout/pullout.db"

static void usage(FILE *out) {
        fprintf(out,
                "Usage: pulloutd [OPTION]...\n"
                "Schedule and coordinate school intervention sessions; serve calendar feeds.\n"
                "\n"
                "  --system             run on the system bus (default)\n"
                "  --user               run on the session bus, for one person\n"
                "  --config FILE        settings file (default %s;\n"
                "                       with --user: $XDG_CONFIG_HOME/pullout/pulloutd.conf)\n"
                "  --db FILE            database (default %s;\n"
                "                       with --user: $XDG_STATE_HOME/pullout/pullout.db)\n"
                "  --listen ADDR:PORT   feed server address (default %s)\n"
                "  --clock=manual       time moves only with `pullout clock advance` (tests)\n"
                "  --now=YYYY-MM-DDTHH:MM  the manual clock's start, in school time\n"
                "  --set SECTION.KEY=VALUE  override one setting of pulloutd.conf(5)\n"
                "  --verbose            log debug messages\n"
                "  --version            print the version and exit\n"
                "  --help               print this help and exit\n"
                "\nSee pulloutd(8) and pulloutd.conf(5).\n",
                SYSTEM_CONFIG, SYSTEM_DATABASE, CONF_DEFAULT_LISTEN);
}

/* mkdir -p for the database's folder, private to the user. */
static int make_parents(const char *path) {
        char buf[PATH_MAX];
        if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
                return -ENAMETOOLONG;
        for (char *p = buf + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(buf, 0700) < 0 && errno != EEXIST)
                        return -errno;
                *p = '/';
        }
        return 0;
}

static char *xdg_path(const char *variable, const char *fallback, const char *leaf) {
        const char *base = getenv(variable);
        const char *home = getenv("HOME");
        char *path = NULL;
        int r;
        if (base && *base == '/')
                r = asprintf(&path, "%s/pullout/%s", base, leaf);
        else
                r = asprintf(&path, "%s/%s/pullout/%s", home ? home : "/", fallback, leaf);
        return r < 0 ? NULL : path;
}

static void on_signal(evutil_socket_t signal_number, short what, void *userdata) {
        struct daemon *daemon = userdata;
        if (signal_number == SIGHUP) {
                sd_notify(0, "RELOADING=1");
                char *error = NULL;
                if (daemon->conf_path && conf_load(&daemon->conf, daemon->conf_path, true, &error) < 0) {
                        log_error("reload: %s; keeping the previous settings", error ? error : "failed");
                        free(error);
                } else {
                        log_info("reloaded %s", daemon->conf_path ? daemon->conf_path : "settings");
                }
                sd_notify(0, "READY=1");
                return;
        }
        log_info("received %s, shutting down", strsignal((int)signal_number));
        sd_notify(0, "STOPPING=1");
        event_base_loopexit(daemon->base, NULL);
}

static void on_watchdog(evutil_socket_t fd, short what, void *userdata) {
        sd_notify(0, "WATCHDOG=1");
}

static int setup_signals_and_watchdog(struct daemon *daemon) {
        const int signals[] = { SIGTERM, SIGINT, SIGHUP };
        for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
                daemon->signal_events[i] = evsignal_new(daemon->base, signals[i], on_signal, daemon);
                if (!daemon->signal_events[i] || evsignal_add(daemon->signal_events[i], NULL) < 0)
                        return -ENOMEM;
        }
        signal(SIGPIPE, SIG_IGN);
        uint64_t usec = 0;
        if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
                /* Ping at half the interval, as sd_watchdog_enabled(3) advises. */
                usec /= 2;
                struct timeval tv = { .tv_sec = (time_t)(usec / 1000000u), .tv_usec = (suseconds_t)(usec % 1000000u) };
                daemon->watchdog = event_new(daemon->base, -1, EV_PERSIST, on_watchdog, daemon);
                if (!daemon->watchdog || event_add(daemon->watchdog, &tv) < 0)
                        return -ENOMEM;
        }
        return 0;
}

enum {
        OPT_SYSTEM = 0x100,
        OPT_USER,
        OPT_CONFIG,
        OPT_DB,
        OPT_LISTEN,
        OPT_CLOCK,
        OPT_NOW,
        OPT_SET,
        OPT_VERBOSE,
        OPT_VERSION,
        OPT_HELP,
};

static const struct option options[] = {
        { "system", no_argument, NULL, OPT_SYSTEM },
        { "user", no_argument, NULL, OPT_USER },
        { "config", required_argument, NULL, OPT_CONFIG },
        { "db", required_argument, NULL, OPT_DB },
        { "listen", required_argument, NULL, OPT_LISTEN },
        { "clock", required_argument, NULL, OPT_CLOCK },
        { "now", required_argument, NULL, OPT_NOW },
        { "set", required_argument, NULL, OPT_SET },
        { "verbose", no_argument, NULL, OPT_VERBOSE },
        { "version", no_argument, NULL, OPT_VERSION },
        { "help", no_argument, NULL, OPT_HELP },
        { 0 },
};

struct arguments {
        bool user_mode;
        const char *config, *db, *listen, *clock, *now;
        const char *sets[32];
        int n_sets;
};

/* 0 to run, 1 to exit successfully (--help, --version), 2 on a usage error. */
static int parse_arguments(int argc, char **argv, struct arguments *args) {
        int c;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                switch (c) {
                case OPT_SYSTEM:
                        args->user_mode = false;
                        break;
                case OPT_USER:
                        args->user_mode = true;
                        break;
                case OPT_CONFIG:
                        args->config = optarg;
                        break;
                case OPT_DB:
                        args->db = optarg;
                        break;
                case OPT_LISTEN:
                        args->listen = optarg;
                        break;
                case OPT_CLOCK:
                        if (strcmp(optarg, "manual") != 0 && strcmp(optarg, "real") != 0) {
                                fprintf(stderr, "pulloutd: --clock takes manual or real, not \"%s\"\n", optarg);
                                return 2;
                        }
                        args->clock = optarg;
                        break;
                case OPT_NOW:
                        args->now = optarg;
                        break;
                case OPT_SET:
                        if (args->n_sets == (int)(sizeof args->sets / sizeof args->sets[0])) {
                                fprintf(stderr, "pulloutd: too many --set options\n");
                                return 2;
                        }
                        args->sets[args->n_sets++] = optarg;
                        break;
                case OPT_VERBOSE:
                        log_set_max_level(LOG_DEBUG);
                        break;
                case OPT_VERSION:
                        printf("pulloutd %s\n", PULLOUT_VERSION);
                        return 1;
                case OPT_HELP:
                        usage(stdout);
                        return 1;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "pulloutd: unexpected argument \"%s\"\n", argv[optind]);
                return 2;
        }
        if (args->now && !(args->clock && strcmp(args->clock, "manual") == 0)) {
                fprintf(stderr, "pulloutd: --now needs --clock=manual\n");
                return 2;
        }
        if (args->clock && strcmp(args->clock, "manual") == 0 && !args->now) {
                fprintf(stderr, "pulloutd: --clock=manual needs --now=YYYY-MM-DDTHH:MM\n");
                return 2;
        }
        return 0;
}

/* Settings: defaults, then the file, then the command line. */
static int configure(struct daemon *daemon, const struct arguments *args) {
        char *error = NULL;
        int r = conf_init(&daemon->conf);
        if (r < 0)
                return r;
        bool optional = !args->config;
        if (args->config)
                daemon->conf_path = strdup(args->config);
        else if (daemon->user_mode)
                daemon->conf_path = xdg_path("XDG_CONFIG_HOME", ".config", "pulloutd.conf");
        else
                daemon->conf_path = strdup(SYSTEM_CONFIG);
        if (daemon->conf_path && (r = conf_load(&daemon->conf, daemon->conf_path, optional, &error)) < 0) {
                log_error("%s", error ? error : "cannot read the settings");
                free(error);
                return r;
        }
        for (int i = 0; i < args->n_sets; i++) {
                char key[128];
                const char *equals = strchr(args->sets[i], '=');
                if (!equals || (size_t)(equals - args->sets[i]) >= sizeof key) {
                        log_error("--set %s: use SECTION.KEY=VALUE", args->sets[i]);
                        return -EINVAL;
                }
                snprintf(key, sizeof key, "%.*s", (int)(equals - args->sets[i]), args->sets[i]);
                if ((r = conf_set(&daemon->conf, key, equals + 1, &error)) < 0) {
                        log_error("--set %s: %s", args->sets[i], error ? error : "invalid");
                        free(error);
                        return r;
                }
        }
        if (args->listen && (r = conf_set(&daemon->conf, "daemon.listen", args->listen, &error)) < 0) {
                log_error("--listen: %s", error ? error : "invalid");
                free(error);
                return r;
        }
        if (args->db)
                daemon->db_path = strdup(args->db);
        else if (daemon->conf.database)
                daemon->db_path = strdup(daemon->conf.database);
        else if (daemon->user_mode)
                daemon->db_path = xdg_path("XDG_STATE_HOME", ".local/state", "pullout.db");
        else if (getenv("STATE_DIRECTORY"))
                r = asprintf(&daemon->db_path, "%s/pullout.db", getenv("STATE_DIRECTORY"));
        else
                daemon->db_path = strdup(SYSTEM_DATABASE);
        return daemon->db_path ? 0 : -ENOMEM;
}

static int load_state(struct daemon *daemon) {
        char *error = NULL;
        int r = make_parents(daemon->db_path);
        if (r < 0) {
                log_error("cannot create the folder of %s: %s", daemon->db_path, strerror(-r));
                return r;
        }
        bool creating = false;
        if ((r = db_guard_before_open(daemon, &creating)) < 0)
                return r;
        r = store_open(daemon->db_path, &daemon->store, &error);
        if (r < 0) {
                log_error("cannot open the database %s: %s", daemon->db_path, error ? error : strerror(-r));
                free(error);
                return r;
        }
        int from_version = 0;
        const char *copy = NULL;
        store_opened(daemon->store, &from_version, &copy);
        if (copy)
                log_info("migrated %s from schema %d to %d; the database as it was is kept in %s", daemon->db_path,
                         from_version, store_schema_version(), copy);
        if ((r = db_guard_after_open(daemon, creating)) < 0)
                return r;
        struct school *school = NULL;
        r = store_load_school(daemon->store, &school);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                log_error("cannot read the data set from %s: %s", daemon->db_path, store_error(daemon->store));
                return r;
        }
        daemon_set_school(daemon, school);
        school_unref(school);
        struct schedule *schedule = NULL;
        if (store_load_schedule(daemon->store, daemon->school, 0, &schedule) >= 0)
                daemon_set_schedule(daemon, schedule);
        if ((r = versions_load(daemon)) < 0)
                log_error("cannot read the published version's date: %s", store_error(daemon->store));
        return 0;
}

static void daemon_free(struct daemon *daemon) {
        solve_cancel(daemon);
        import_cancel(daemon);
        backup_cancel(daemon);
        what_if_read_cancel(daemon);
        sessions_stop(daemon);
        http_stop(daemon);
        bus_stop(daemon);
        feeds_stop(daemon);
        db_guard_stop(daemon);
        for (size_t i = 0; i < sizeof daemon->signal_events / sizeof daemon->signal_events[0]; i++)
                if (daemon->signal_events[i])
                        event_free(daemon->signal_events[i]);
        if (daemon->watchdog)
                event_free(daemon->watchdog);
        schedule_free(daemon->schedule);
        school_unref(daemon->school);
        store_close(daemon->store);
        conf_clear(&daemon->conf);
        free(daemon->conf_path);
        free(daemon->db_path);
        if (daemon->base)
                event_base_free(daemon->base);
        libevent_global_shutdown();
}

int main(int argc, char **argv) {
        struct arguments args = { 0 };
        struct daemon daemon = { .exit_code = 1 };
        int r = parse_arguments(argc, argv, &args);
        if (r != 0)
                return r == 1 ? 0 : 2;
        daemon.user_mode = args.user_mode;
        /* Under systemd (JOURNAL_STREAM) the <N> prefixes carry the levels; on a terminal they
         * are noise. */
        log_set_prefixes(getenv("JOURNAL_STREAM") != NULL || !isatty(STDERR_FILENO));

        if (args.now && clock_init_manual(&daemon.clock, args.now) < 0) {
                fprintf(stderr, "pulloutd: --now \"%s\" is not YYYY-MM-DDTHH:MM\n", args.now);
                return 2;
        }
        if (configure(&daemon, &args) < 0 || load_state(&daemon) < 0)
                goto out;
        if (evthread_use_pthreads() < 0 || !(daemon.base = event_base_new())) {
                log_error("cannot create the event loop");
                goto out;
        }
        if (setup_signals_and_watchdog(&daemon) < 0) {
                log_error("cannot set up signal handling");
                goto out;
        }
        /* The bus first: a second daemon is refused by its name before it touches the port. */
        if (feeds_start(&daemon) < 0 || bus_start(&daemon) < 0 || http_start(&daemon) < 0)
                goto out;
        if (db_guard_start(&daemon) < 0) {
                log_error("cannot watch the database file");
                goto out;
        }
        if (sessions_start(&daemon) < 0) {
                log_error("cannot start the session timers");
                goto out;
        }

        log_info("pulloutd %s ready on the %s bus; database %s%s", PULLOUT_VERSION,
                 daemon.user_mode ? "session" : "system", daemon.db_path,
                 daemon.clock.manual ? "; manual clock" : "");
        sd_notify(0, "READY=1\nSTATUS=Serving");
        daemon.exit_code = 0;
        event_base_dispatch(daemon.base);
out:
        daemon_free(&daemon);
        return daemon.exit_code;
}
