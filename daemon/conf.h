/* conf.h: pulloutd's settings: defaults, /etc/pullout/pulloutd.conf (INI) and command-line
 * overrides, in that order. pulloutd.conf(5) documents every key. */
#pragma once

#include <stdbool.h>

#define CONF_DEFAULT_LISTEN "127.0.0.1:8470"
#define CONF_WEIGHTS_MAX 16

struct conf_weight {
        char *name; /* solver weight name, e.g. "avoid_minute" */
        long value;
};

struct conf {
        /* [daemon] */
        char *listen; /* ADDR:PORT of the feed server */
        char *base_url; /* public base URL of feed links; NULL: http://LISTEN */
        char *database; /* NULL: the mode's default path */
        /* [sessions] */
        long long reminder_lead_seconds; /* SessionReminder this long before start */
        long long grace_seconds; /* SessionMissed when still unlogged this long after the end */
        long long horizon_seconds; /* dated sessions are kept this far ahead, extended daily */
        /* [alerts] */
        int dosage_threshold_percent; /* alert below this share of planned minutes */
        long long dosage_window_seconds;
        int fidelity_threshold_percent;
        int repeated_miss_count; /* alert when one student misses this many in the window */
        char *alert_command; /* run with the alert as JSON on stdin; NULL: none */
        long long alert_command_timeout_seconds;
        int alert_digest_minute; /* [alerts] digest = HH:MM: minutes after midnight; -1: one run per alert */
        /* [solver] */
        double solver_time_limit_seconds;
        unsigned solver_seed;
        int solver_threads; /* 0: one per CPU */
        struct conf_weight weights[CONF_WEIGHTS_MAX];
        int n_weights;
        /* [calendar] */
        char *closed_keywords; /* ';'-separated summaries that make a district event a closed day */
        /* [http] */
        int http_max_connections;
        int http_timeout_seconds;
        int http_header_timeout_seconds; /* from accept (or the next request's first byte) to its whole head */
};

/* The solver's weights: the defaults, with those of [weights] over them. Every solve, check,
 * move and make-up ranking scores with these, so a schedule has one penalty. */
struct solver_weights;
void conf_solver_weights(const struct conf *conf, struct solver_weights *ret_weights);

/* Fills conf with the defaults. */
int conf_init(struct conf *conf);
void conf_clear(struct conf *conf);
/* Reads an INI file over the current values. A missing file is not an error when
 * optional. On a bad key or value returns -EINVAL with "FILE:LINE: why" in ret_error
 * (malloc'd) and leaves conf unchanged. */
int conf_load(struct conf *conf, const char *path, bool optional, char **ret_error);
/* Sets one "section.key" to value, as from the command line. Same errors. */
int conf_set(struct conf *conf, const char *dotted_key, const char *value, char **ret_error);
