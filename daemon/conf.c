/* conf.c: INI settings read with libinih into a copy, swapped in only when the whole file
 * is valid, so a bad edit followed by SIGHUP keeps the daemon on its last good settings. */
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "model/timeutil.h"
#include "solver/solver.h"

void conf_solver_weights(const struct conf *conf, struct solver_weights *ret_weights) {
        solver_weights_default(ret_weights);
        /* The names were checked when the settings were read. */
        for (int i = 0; i < conf->n_weights; i++)
                solver_weight_set(ret_weights, conf->weights[i].name, (int)conf->weights[i].value);
}

int conf_init(struct conf *conf) {
        *conf = (struct conf){
                .listen = strdup(CONF_DEFAULT_LISTEN),
                .reminder_lead_seconds = 10 * 60,
                .grace_seconds = 24 * 3600,
                .horizon_seconds = 28 * 86400,
                .dosage_threshold_percent = 80,
                .dosage_window_seconds = 14 * 86400,
                .fidelity_threshold_percent = 80,
                .repeated_miss_count = 3,
                .alert_command_timeout_seconds = 30,
                .alert_digest_minute = -1,
                .solver_time_limit_seconds = 10.0,
                .solver_seed = 1,
                .closed_keywords = strdup("No School;Holiday;Break;Teacher Workday;"
                                          "Professional Development;Closed;Vacation"),
                .http_max_connections = 256,
                .http_timeout_seconds = 30,
                .http_header_timeout_seconds = 10,
        };
        if (!conf->listen || !conf->closed_keywords) {
                conf_clear(conf);
                return -ENOMEM;
        }
        return 0;
}

void conf_clear(struct conf *conf) {
        free(conf->listen);
        free(conf->base_url);
        free(conf->database);
        free(conf->alert_command);
        free(conf->closed_keywords);
        for (int i = 0; i < conf->n_weights; i++)
                free(conf->weights[i].name);
        *conf = (struct conf){ 0 };
}

static int conf_copy(const struct conf *from, struct conf *to) {
        *to = *from;
        to->listen = from->listen ? strdup(from->listen) : NULL;
        to->base_url = from->base_url ? strdup(from->base_url) : NULL;
        to->database = from->database ? strdup(from->database) : NULL;
        to->alert_command = from->alert_command ? strdup(from->alert_command) : NULL;
        to->closed_keywords = from->closed_keywords ? strdup(from->closed_keywords) : NULL;
        for (int i = 0; i < from->n_weights; i++)
                to->weights[i].name = strdup(from->weights[i].name);
        return 0;
}

static int set_string(char **field, const char *value) {
        char *copy = *value ? strdup(value) : NULL;
        if (*value && !copy)
                return -ENOMEM;
        free(*field);
        *field = copy;
        return 0;
}

static int parse_long(const char *value, long min, long max, long *ret) {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < min || v > max)
                return -EINVAL;
        *ret = v;
        return 0;
}

static int parse_duration_in(const char *value, long long min, long long max, long long *ret) {
        long long seconds;
        if (duration_parse(value, &seconds) < 0 || seconds < min || seconds > max)
                return -EINVAL;
        *ret = seconds;
        return 0;
}

/* Applies one key; writes a reason into why on failure. */
static int conf_apply(struct conf *conf, const char *section, const char *key, const char *value,
                      char *why, size_t why_size) {
        long number;
        long long seconds;

#define KEY(s, k) (strcmp(section, s) == 0 && strcmp(key, k) == 0)
#define FAIL(...) do { snprintf(why, why_size, __VA_ARGS__); return -EINVAL; } while (0)
        if (KEY("daemon", "listen")) {
                if (!strchr(value, ':'))
                        FAIL("listen: \"%s\" is not ADDRESS:PORT", value);
                return set_string(&conf->listen, value);
        }
        if (KEY("daemon", "base_url")) {
                if (*value && strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0)
                        FAIL("base_url: \"%s\" must start with http:// or https://", value);
                return set_string(&conf->base_url, value);
        }
        if (KEY("daemon", "database"))
                return set_string(&conf->database, value);
        if (KEY("sessions", "reminder_lead")) {
                if (parse_duration_in(value, 0, 24 * 3600, &seconds) < 0)
                        FAIL("reminder_lead: \"%s\" is not a duration of at most 24h (e.g. 10m)", value);
                conf->reminder_lead_seconds = seconds;
                return 0;
        }
        if (KEY("sessions", "grace_period")) {
                if (parse_duration_in(value, 0, 30 * 86400, &seconds) < 0)
                        FAIL("grace_period: \"%s\" is not a duration of at most 30d (e.g. 24h)", value);
                conf->grace_seconds = seconds;
                return 0;
        }
        if (KEY("sessions", "horizon")) {
                if (parse_duration_in(value, 7 * 86400, 366 * 86400, &seconds) < 0)
                        FAIL("horizon: \"%s\" is not a duration between 7d and 366d (e.g. 4w)", value);
                conf->horizon_seconds = seconds;
                return 0;
        }
        if (KEY("alerts", "dosage_threshold")) {
                if (parse_long(value, 0, 100, &number) < 0)
                        FAIL("dosage_threshold: \"%s\" is not a percentage 0..100", value);
                conf->dosage_threshold_percent = (int)number;
                return 0;
        }
        if (KEY("alerts", "dosage_window")) {
                if (parse_duration_in(value, 86400, 366 * 86400, &seconds) < 0)
                        FAIL("dosage_window: \"%s\" is not a duration between 1d and 366d (e.g. 14d)", value);
                conf->dosage_window_seconds = seconds;
                return 0;
        }
        if (KEY("alerts", "fidelity_threshold")) {
                if (parse_long(value, 0, 100, &number) < 0)
                        FAIL("fidelity_threshold: \"%s\" is not a percentage 0..100", value);
                conf->fidelity_threshold_percent = (int)number;
                return 0;
        }
        if (KEY("alerts", "repeated_misses")) {
                if (parse_long(value, 1, 100, &number) < 0)
                        FAIL("repeated_misses: \"%s\" is not a count 1..100", value);
                conf->repeated_miss_count = (int)number;
                return 0;
        }
        if (KEY("alerts", "digest")) {
                int minute = -1;
                if (time_parse(value, &minute) < 0 || minute < 0 || minute >= 24 * 60)
                        FAIL("digest: \"%s\" is not a time of day HH:MM", value);
                conf->alert_digest_minute = minute;
                return 0;
        }
        if (KEY("alerts", "command"))
                return set_string(&conf->alert_command, value);
        if (KEY("alerts", "command_timeout")) {
                if (parse_duration_in(value, 1, 3600, &seconds) < 0)
                        FAIL("command_timeout: \"%s\" is not a duration between 1s and 1h", value);
                conf->alert_command_timeout_seconds = seconds;
                return 0;
        }
        if (KEY("solver", "time_limit")) {
                if (parse_duration_in(value, 1, 3600, &seconds) < 0)
                        FAIL("time_limit: \"%s\" is not a duration between 1s and 1h", value);
                conf->solver_time_limit_seconds = (double)seconds;
                return 0;
        }
        if (KEY("solver", "threads")) {
                if (parse_long(value, 0, 64, &number) < 0)
                        FAIL("threads: \"%s\" is not a number of threads 0..64 (0: one per CPU)", value);
                conf->solver_threads = (int)number;
                return 0;
        }
        if (KEY("solver", "seed")) {
                if (parse_long(value, 0, UINT_MAX > LONG_MAX ? LONG_MAX : (long)UINT_MAX, &number) < 0)
                        FAIL("seed: \"%s\" is not a non-negative integer", value);
                conf->solver_seed = (unsigned)number;
                return 0;
        }
        if (strcmp(section, "weights") == 0) {
                struct solver_weights probe;
                if (solver_weight_set(&probe, key, 0) < 0)
                        FAIL("unknown weight \"%s\" (%s)", key, solver_weight_names);
                if (parse_long(value, 0, 1000000, &number) < 0)
                        FAIL("weights.%s: \"%s\" is not an integer 0..1000000", key, value);
                for (int i = 0; i < conf->n_weights; i++)
                        if (strcmp(conf->weights[i].name, key) == 0) {
                                conf->weights[i].value = number;
                                return 0;
                        }
                if (conf->n_weights == CONF_WEIGHTS_MAX)
                        FAIL("weights: too many weights");
                char *name = strdup(key);
                if (!name)
                        return -ENOMEM;
                conf->weights[conf->n_weights++] = (struct conf_weight){ name, number };
                return 0;
        }
        if (KEY("calendar", "closed_keywords"))
                return set_string(&conf->closed_keywords, value);
        if (KEY("http", "max_connections")) {
                if (parse_long(value, 1, 65536, &number) < 0)
                        FAIL("max_connections: \"%s\" is not a count 1..65536", value);
                conf->http_max_connections = (int)number;
                return 0;
        }
        if (KEY("http", "timeout")) {
                if (parse_duration_in(value, 1, 3600, &seconds) < 0)
                        FAIL("timeout: \"%s\" is not a duration between 1s and 1h", value);
                conf->http_timeout_seconds = (int)seconds;
                return 0;
        }
        if (KEY("http", "header_timeout")) {
                if (parse_duration_in(value, 1, 3600, &seconds) < 0)
                        FAIL("header_timeout: \"%s\" is not a duration between 1s and 1h", value);
                conf->http_header_timeout_seconds = (int)seconds;
                return 0;
        }
        FAIL("unknown key \"%s\" in section [%s]", key, section);
#undef KEY
#undef FAIL
}

struct line_reader {
        FILE *file;
        int line;
};

struct load_state {
        struct conf *conf;
        const char *path;
        char *error; /* the first error, "FILE:LINE: why" */
        struct line_reader *reader;
};

/* Debian's libinih is built without line numbers in the handler: count them while reading,
 * since the handler runs right after the line it concerns was read. */
static char *read_counted_line(char *buffer, int size, void *stream) {
        struct line_reader *reader = stream;
        char *line = fgets(buffer, size, reader->file);
        if (line)
                reader->line++;
        return line;
}

static int conf_ini_handler(void *user, const char *section, const char *key, const char *value) {
        struct load_state *state = user;
        char why[512];
        if (state->error)
                return 1;
        if (conf_apply(state->conf, section, key, value, why, sizeof why) < 0) {
                if (asprintf(&state->error, "%s:%d: %s", state->path, state->reader->line, why) < 0)
                        state->error = NULL;
                return 0;
        }
        return 1;
}

int conf_load(struct conf *conf, const char *path, bool optional, char **ret_error) {
        FILE *file = fopen(path, "re");
        if (!file) {
                if (optional && errno == ENOENT)
                        return 0;
                int r = -errno;
                if (ret_error && asprintf(ret_error, "%s: %s", path, strerror(errno)) < 0)
                        *ret_error = NULL;
                return r;
        }
        struct conf candidate;
        conf_copy(conf, &candidate);
        struct line_reader reader = { .file = file };
        struct load_state state = { .conf = &candidate, .path = path, .reader = &reader };
        int line = ini_parse_stream(read_counted_line, &reader, conf_ini_handler, &state);
        fclose(file);
        if (line != 0 || state.error) {
                if (!state.error && asprintf(&state.error, "%s:%d: not a valid INI line", path, line) < 0)
                        state.error = NULL;
                if (ret_error)
                        *ret_error = state.error;
                else
                        free(state.error);
                conf_clear(&candidate);
                return -EINVAL;
        }
        conf_clear(conf);
        *conf = candidate;
        return 0;
}

int conf_set(struct conf *conf, const char *dotted_key, const char *value, char **ret_error) {
        const char *dot = strchr(dotted_key, '.');
        char section[64], why[512];
        if (!dot || (size_t)(dot - dotted_key) >= sizeof section) {
                if (ret_error && asprintf(ret_error, "%s: not SECTION.KEY", dotted_key) < 0)
                        *ret_error = NULL;
                return -EINVAL;
        }
        memcpy(section, dotted_key, dot - dotted_key);
        section[dot - dotted_key] = '\0';
        int r = conf_apply(conf, section, dot + 1, value, why, sizeof why);
        if (r < 0 && ret_error && asprintf(ret_error, "%s", why) < 0)
                *ret_error = NULL;
        return r;
}
