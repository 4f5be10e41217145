/* solver-internal.h: what the solver's files share — the school seen as 5-minute bitsets
 * (free time of students, homerooms and staff; ctx.c, bits.c), and helpers for sentences (text.c). */
#pragma once

#include <stdarg.h>
#include <stdint.h>

#include "model/textbuf.h"
#include "solver/solver.h"

#define SLOT_MINUTES 5
#define SLOT_WORDS 6
#define SLOTS_MAX (SLOT_WORDS * 64)
#define SLOTS_DAY_MAX 288 /* 24 h: leaves room in SLOTS_MAX for a transition tail */
#define TRANSITION_MAX 90
#define GROUP_CAP 32 /* a program's max_group is clamped to this */

struct daybits {
        uint64_t w[SLOT_WORDS];
};
struct weekbits {
        struct daybits d[DAY_COUNT];
};

/* The school as the search sees it. Built once per solve (or explain / make-up call). */
struct solver_ctx {
        const struct school *school;
        int day_start, day_end, span; /* minutes; span = day_end - day_start */
        int nslots; /* whole slots inside the school day */
        int nwords; /* words of a daybits that the day and a transition tail use */
        int transition;
        struct weekbits *teacher_never; /* per teacher: never blocks (1 = busy) */
        struct weekbits *teacher_area; /* per teacher x AREA_COUNT: blocks of the area's subject */
        struct weekbits *student_services; /* per student: services (1 = busy) */
        struct weekbits *staff_avail; /* per staff: slots wholly inside availability (1 = free) */
        struct weekbits *need_free; /* per need: school day less never, area and services */
        int16_t *avoid_prefix, *preferred_prefix; /* [teacher][day][span + 1] minutes */
        int **program_staff; /* per program: staff who can teach it, -1 terminated */
};

int solver_ctx_new(const struct school *school, struct solver_ctx **ret_ctx);
struct solver_ctx *solver_ctx_free(struct solver_ctx *ctx);
/* Takes the busy spans out of the staff's availability and the students' free time. */
void ctx_mark_busy_spans(struct solver_ctx *ctx, const struct solver_busy *busy, size_t n);

/* Slot arithmetic. A busy interval covers every slot it touches; a free one only whole slots. */
int ctx_slot_floor(const struct solver_ctx *ctx, int minute);
int ctx_slot_ceil(const struct solver_ctx *ctx, int minute);
int ctx_slot_minute(const struct solver_ctx *ctx, int slot);

void daybits_set(struct daybits *b, int from, int to);
void daybits_clear(struct daybits *b, int from, int to);
bool daybits_all(const struct daybits *b, int from, int to);
bool daybits_any(const struct daybits *b, int from, int to);
/* Inline: the search tests bits in its innermost loops. */
static inline bool daybits_test(const struct daybits *b, int i) {
        if (i < 0 || i >= SLOTS_MAX)
                return false;
        return b->w[i >> 6] >> (i & 63) & 1;
}
/* out bit a = bits a .. a+len-1 of in all set. */
void daybits_window(struct daybits *out, const struct daybits *in, int len);
/* The same over the first nwords words only (the rest of out is cleared). */
void daybits_window_n(struct daybits *out, const struct daybits *in, int len, int nwords);
/* Bits in a 5-day mask. */
static inline int dayset_bits(int mask) {
        static const signed char bits[32] = { 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                              1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5 };
        return bits[mask & 31];
}
void daybits_and(struct daybits *out, const struct daybits *a, const struct daybits *b);
void daybits_andnot(struct daybits *out, const struct daybits *a, const struct daybits *b);
int daybits_count(const struct daybits *b);

/* Student-minutes of need's homeroom policy in [start, end) of day. */
int ctx_avoid_minutes(const struct solver_ctx *ctx, int teacher, int day, int start, int end);
int ctx_preferred_minutes(const struct solver_ctx *ctx, int teacher, int day, int start, int end);

/* Appends the free windows of bits ("Mon 12:40–13:00, Wed 09:00–09:45"), at most max_windows,
 * only windows at least min_minutes long when min_minutes > 0. Returns how many there are. */
int ctx_print_windows(struct textbuf *buf, const struct solver_ctx *ctx, const struct weekbits *bits,
                      int min_minutes, int max_windows);

/* A list of malloc'd lines. */
struct lines {
        char **lines;
        size_t n, cap;
        bool failed;
};
void lines_add(struct lines *l, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Takes buf's text as the next line and empties buf. */
void lines_take(struct lines *l, struct textbuf *buf);

/* The reason a need is not in schedule, computed from school and the schedule's other
 * groups (malloc'd sentence, NULL on ENOMEM). */
char *solver_unscheduled_reason(const struct solver_ctx *ctx, const struct schedule *schedule, int need);

/* Metrics of a schedule measured exactly in minutes (the check's and the result's numbers). */
int solver_measure(const struct solver_ctx *ctx, const struct schedule *schedule,
                   const struct schedule *previous, const struct solver_weights *w, bool weigh_changed,
                   struct schedule_metrics *m);
long solver_penalty(const struct schedule_metrics *m, const struct solver_weights *w, bool weigh_changed);

/* bound.c: the upper bound of ctx's school (known: a count some schedule places, -1 if none;
 * the slow model is skipped when the fast one already meets it); *ret_proven (may be NULL) says whether the LP was
 * solved (false: the loose count of needs that fit the day). 0 or -ENOMEM. */
int bound_compute(const struct solver_ctx *ctx, double max_seconds, long known, long *ret_bound, bool *ret_proven);
/* The answer bound_compute already found for the same data and time, if any, without solving
 * anything or waiting (a re-solve's keeper, at idle priority, leaves the models to the others:
 * the time limit of an LP it solved would run out while the others had the CPU). */
bool bound_peek(const struct solver_ctx *ctx, double max_seconds, long *ret_bound, bool *ret_proven);
/* The same without bound-share.c's sharing: what bound_compute runs once per data. */
int bound_compute_models(const struct solver_ctx *ctx, double max_seconds, long known, long *ret_bound, bool *ret_proven);
/* One model of bound.c: the group LP (bound-group.c), the time-indexed LP (-E2BIG when too
 * large), the day LP, the group LP's Lagrangian bound from subgradient steps alone (no LP
 * solved: bench-bound and the tests show what that part gives), or the count of needs that fit
 * the day. -EAGAIN when CLP did not prove the optimum in max_seconds, or the subgradient
 * stopped on time (a group model's *ret is a valid bound even then). */
enum bound_model { BOUND_GROUP, BOUND_TIME, BOUND_DAY, BOUND_LAGRANGE, BOUND_COUNT_ONLY };
int bound_model(const struct solver_ctx *ctx, enum bound_model model, double max_seconds, long *ret);
/* Whether need i can be placed at all (a program, staff trained for it, a length that fits). */
bool bound_need_possible(const struct solver_ctx *ctx, int i);
/* bound-group.c: the group model's bound in *ret, always valid (a Lagrangian bound of the group
 * LP); *ret_settled says it is the LP's floor or meets known (a count some schedule places, -1 if
 * none) — or, with subgradient_only, that the steps ended before max_seconds. rival (-1: none)
 * is a bound another model proved: with a time limit, the model stops early when it is far
 * from getting below it. -E2BIG when the model is too large, -ENOMEM. */
int bound_group(const struct solver_ctx *ctx, double max_seconds, long known, long rival, bool subgradient_only,
                long *ret, bool *ret_settled);
