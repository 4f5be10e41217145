/* solver.h: the weekly pull-out scheduler of DESIGN §4 — forms groups, picks interventionists
 * and times, explains what it could not place, checks schedules and suggests make-ups. Pure C. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model/schedule.h"
#include "model/school.h"

/* Weights of the soft goals (§4). Each multiplies one field of struct schedule_metrics;
 * preferred_minute is a bonus (subtracted). pulloutd.conf may override every one. */
struct solver_weights {
        int avoid_minute; /* per student-minute in an avoid block */
        int preferred_minute; /* bonus per student-minute in a preferred (WIN) block */
        int inconsistent_group; /* per group not meeting at one time on all its days */
        int back_to_back; /* per pair of consecutive-day meetings of a 2-3 a week group */
        int level_spread; /* per skill level between a group's lowest and highest student */
        int idle_minute; /* per minute an interventionist waits between sessions (past the transition) */
        int interruption; /* per distinct (homeroom, day, start) moment a class is interrupted */
        int changed_meeting; /* per meeting changed from the published schedule (re-solve) */
};

/* Defaults that reflect practice: a WIN block is worth using, core content is costly to miss,
 * and a published schedule is not churned for small gains. */
void solver_weights_default(struct solver_weights *w);
/* Sets the weight named as in pulloutd.conf's [weights] ("avoid_minute", ...). 0, or -ENOENT
 * for a name that is not a weight. */
int solver_weight_set(struct solver_weights *w, const char *name, int value);
/* The names, comma-separated, for messages. */
extern const char solver_weight_names[];

struct solver_busy;

struct solver_options {
        double time_limit_seconds; /* wall-clock cap; <= 0: 10 s */
        unsigned seed;
        bool fresh; /* ignore the previous schedule's meetings (pins are still kept) */
        long max_iterations; /* moves of each searcher at most, searched as the time limit would be
                              * (restarts included); 0: the time limit alone */
        /* Short of the bound, stop once the soft goals settle instead of searching on for
         * placements to the time limit: the schedule then depends on the data, seed and
         * threads only, never on the machine's speed (tests, benchmarks of determinism). */
        bool stop_when_settled;
        struct solver_weights weights;
        const volatile int *cancel; /* may be NULL; another thread sets it non-zero to stop early */
        /* Booked make-ups of the weeks the solve covers: no weekly meeting on that weekday may
         * take their interventionist (within the transition) or their students then. */
        const struct solver_busy *busy;
        size_t n_busy;
        int threads; /* searches run side by side with seeds seed, seed + 1, ...; 0: one per CPU */
        /* Moves of each searcher between the rounds where they hand on their best; 0: by the
         * school's size (solve.c, exchange_moves). Tests set it to meet often in few moves. */
        long exchange_moves;
};

/* Fills options with the defaults (10 s, seed 1, default weights). */
void solver_options_default(struct solver_options *options);

struct solver_stats {
        double construct_seconds; /* the first full assignment (every need tried once) */
        double first_complete_seconds; /* when the final number of placed needs was first reached */
        double best_seconds; /* when the returned schedule was found */
        /* When the soft goals settled short of the bound: the rest of the time limit searched
         * for placements only (0: they did not settle, or the bound was met first). */
        double settled_seconds;
        double total_seconds;
        long iterations;
        long restarts; /* from the best schedule, once the search had settled short of the bound */
        long adopted; /* times a searcher took a better best schedule from another (all searchers) */
        long upper_bound; /* no schedule places more needs (bound.c) */
        bool bound_proven; /* the LP was solved (false: the count of needs that fit the day) */
        double bound_seconds;
        int threads; /* searches run; the result is the best of them */
        bool all_placed; /* every need that fits the school day at all is placed */
        bool cancelled, timed_out;
};

/* Solves school. previous (may be NULL) is the published schedule, possibly over an older
 * school object: groups are matched by id, needs by student id + program id, staff by id.
 * Its pinned groups are kept exactly (less students who no longer fit or left); unless
 * options->fresh, its other meetings are kept where they still fit, at a cost per change.
 * Deterministic for a seed and thread count unless cancel stopped it, or the time limit stopped
 * it before the soft goals settled, or the time after they settled placed more: each thread
 * searches on its own, the best result wins (ties: the lowest seed).
 * On cancel or time limit it returns the best schedule so far (ret_stats says which stopped it).
 * ret_stats may be NULL. Returns 0, -EINVAL (a school day empty or longer than 24 h) or -ENOMEM. */
int solver_solve(struct school *school, const struct schedule *previous,
                 const struct solver_options *options, struct schedule **ret_schedule,
                 struct solver_stats *ret_stats);

/* Measures schedule's soft goals (previous, may be NULL, for changed_meetings; penalty with
 * weights w, NULL for the defaults) and lists every hard constraint it breaks as a sentence
 * ("G3: Maya (1021) is out during core reading Mon 09:00–09:30"). Also checks that pinned
 * groups of previous are unchanged. ret_metrics, ret_violations/ret_n may be NULL.
 * *ret_violations is a malloc'd array of malloc'd strings (free with solver_strings_free).
 * Returns the number of violations (>= 0) or -ENOMEM. */
int solver_check(const struct schedule *schedule, const struct schedule *previous,
                 const struct solver_weights *w, struct schedule_metrics *ret_metrics,
                 char ***ret_violations, size_t *ret_n);

/* Explains one student's needs (student: index into schedule->school->students): where each
 * sits and why, or why it could not be placed and what would free it. Lines are malloc'd.
 * Returns 0, -EINVAL (no such student) or -ENOMEM. */
int solver_explain(const struct schedule *schedule, int student, char ***ret_lines, size_t *ret_n);

/* A proven upper bound on the needs any schedule of school can place (bound.c: the floor of
 * a linear relaxation solved with CLP — the group model, else the day and time models — given
 * at most max_seconds, <= 0 for no limit; a looser count when no LP is solved in time).
 * Returns 0 or -ENOMEM. */
int solver_upper_bound(const struct school *school, double max_seconds, long *ret_bound);
/* A solve keeps the last bound it proved, for the next solve of the same data (a re-solve after
 * a pin, a what-if undone): that one then spends no time on it. Forgets it, so that a
 * benchmark's solves of one data each pay for their own. */
void solver_forget_bound(void);

/* Frees an array of n strings as returned above. Accepts NULL. */
void solver_strings_free(char **strings, size_t n);

/* A dated busy span the caller knows of and the school data does not: another make-up already
 * booked, a testing session, an absent interventionist. staff and student are indices, -1
 * meaning "not about one person"; both -1 blocks everyone (like a calendar `blocked` row). */
struct solver_busy {
        civil_date date;
        int start, end; /* minutes since midnight */
        int staff; /* -1 or index into school.staff */
        int student; /* -1 or index into school.students */
};

struct solver_makeup_request {
        int group; /* index into schedule->groups */
        civil_date week; /* any date of the week to search (Mon..Fri) */
        civil_date not_before_date; /* suggestions start at or after this moment */
        int not_before_minute;
        bool any_staff; /* also suggest other trained interventionists, after the group's own */
        const struct solver_busy *busy; /* extra constraints; the school's calendar is applied too */
        size_t n_busy;
        size_t max_results; /* 0: 10 */
        const struct solver_weights *weights; /* the ranking's avoid and preferred weights; NULL: defaults */
};

struct solver_makeup_slot {
        civil_date date;
        int start, end;
        int staff; /* who would teach it */
        long cost; /* lower is better; the ranking key */
        char *reason; /* why this slot is good, for a person */
};

/* Free slots in the week for one extra meeting of a group: all its students free (not in
 * never or area blocks, services, their other sessions), an interventionist available and free
 * with transitions, no closed day, early release or blocked time. Ranked best first.
 * Returns 0, -EINVAL or -ENOMEM; free the result with solver_makeup_slots_free. */
int solver_makeup(const struct schedule *schedule, const struct solver_makeup_request *request,
                  struct solver_makeup_slot **ret_slots, size_t *ret_n);
void solver_makeup_slots_free(struct solver_makeup_slot *slots, size_t n);
