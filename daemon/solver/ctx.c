/* ctx.c: the school precomputed as 5-minute bitsets and policy prefix sums, so that the search
 * checks a placement with a few word operations. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "solver/solver-internal.h"

int ctx_slot_floor(const struct solver_ctx *ctx, int minute) {
        int d = minute - ctx->day_start;
        if (d <= 0)
                return 0;
        return d / SLOT_MINUTES;
}

int ctx_slot_ceil(const struct solver_ctx *ctx, int minute) {
        int d = minute - ctx->day_start;
        if (d <= 0)
                return 0;
        return (d + SLOT_MINUTES - 1) / SLOT_MINUTES;
}

int ctx_slot_minute(const struct solver_ctx *ctx, int slot) {
        return ctx->day_start + slot * SLOT_MINUTES;
}

/* A busy interval marks every slot it touches. */
static void mark_busy(const struct solver_ctx *ctx, struct weekbits *bits, dayset days, int start, int end) {
        int from = ctx_slot_floor(ctx, start), to = ctx_slot_ceil(ctx, end);
        if (end <= ctx->day_start || start >= ctx->day_end)
                return;
        for (int d = 0; d < DAY_COUNT; d++)
                if (days & (1u << d))
                        daybits_set(&bits->d[d], from, to);
}

/* A policy per minute: the most restrictive block covering it wins (never, avoid, preferred). */
static int policy_rank(enum policy p) {
        switch (p) {
        case POLICY_NEVER:
                return 3;
        case POLICY_AVOID:
                return 2;
        case POLICY_PREFERRED:
                return 1;
        default:
                return 0;
        }
}

static int build_prefix(struct solver_ctx *ctx) {
        const struct school *school = ctx->school;
        size_t stride = (size_t)ctx->span + 1, per_teacher = stride * DAY_COUNT;
        size_t n = per_teacher * (school->n_teachers ? school->n_teachers : 1);
        ctx->avoid_prefix = calloc(n, sizeof *ctx->avoid_prefix);
        ctx->preferred_prefix = calloc(n, sizeof *ctx->preferred_prefix);
        int8_t *rank = malloc((size_t)ctx->span * DAY_COUNT + 1);
        if (!ctx->avoid_prefix || !ctx->preferred_prefix || !rank) {
                free(rank);
                return -ENOMEM;
        }
        for (size_t t = 0; t < school->n_teachers; t++) {
                memset(rank, 0, (size_t)ctx->span * DAY_COUNT + 1);
                for (size_t i = 0; i < school->n_blocks; i++) {
                        const struct block *b = &school->blocks[i];
                        if (b->teacher != (int)t)
                                continue;
                        int r = policy_rank(b->policy);
                        for (int d = 0; d < DAY_COUNT; d++) {
                                if (!(b->days & (1u << d)))
                                        continue;
                                for (int m = b->start; m < b->end; m++) {
                                        int k = m - ctx->day_start;
                                        if (k < 0 || k >= ctx->span)
                                                continue;
                                        if (rank[d * ctx->span + k] < r)
                                                rank[d * ctx->span + k] = (int8_t)r;
                                }
                        }
                }
                for (int d = 0; d < DAY_COUNT; d++) {
                        int16_t *av = ctx->avoid_prefix + t * per_teacher + (size_t)d * stride;
                        int16_t *pr = ctx->preferred_prefix + t * per_teacher + (size_t)d * stride;
                        for (int k = 0; k < ctx->span; k++) {
                                int r = rank[d * ctx->span + k];
                                av[k + 1] = (int16_t)(av[k] + (r == 2));
                                pr[k + 1] = (int16_t)(pr[k] + (r == 1));
                        }
                }
        }
        free(rank);
        return 0;
}

static int prefix_range(const struct solver_ctx *ctx, const int16_t *base, int teacher, int day,
                        int start, int end) {
        if (teacher < 0 || (size_t)teacher >= ctx->school->n_teachers)
                return 0;
        int a = start - ctx->day_start, b = end - ctx->day_start;
        if (a < 0)
                a = 0;
        if (b > ctx->span)
                b = ctx->span;
        if (a >= b)
                return 0;
        size_t stride = (size_t)ctx->span + 1;
        const int16_t *p = base + (size_t)teacher * stride * DAY_COUNT + (size_t)day * stride;
        return p[b] - p[a];
}

int ctx_avoid_minutes(const struct solver_ctx *ctx, int teacher, int day, int start, int end) {
        return prefix_range(ctx, ctx->avoid_prefix, teacher, day, start, end);
}

int ctx_preferred_minutes(const struct solver_ctx *ctx, int teacher, int day, int start, int end) {
        return prefix_range(ctx, ctx->preferred_prefix, teacher, day, start, end);
}

void ctx_mark_busy_spans(struct solver_ctx *ctx, const struct solver_busy *busy, size_t n) {
        const struct school *school = ctx->school;
        for (size_t i = 0; i < n; i++) {
                const struct solver_busy *b = &busy[i];
                int day = date_weekday(b->date);
                if (day >= DAY_COUNT || b->end <= ctx->day_start || b->start >= ctx->day_end)
                        continue;
                if (b->staff >= 0 && (size_t)b->staff < school->n_staff) {
                        int to = ctx_slot_ceil(ctx, b->end + ctx->transition);
                        daybits_clear(&ctx->staff_avail[b->staff].d[day], ctx_slot_floor(ctx, b->start - ctx->transition),
                                      to < ctx->nslots ? to : ctx->nslots);
                }
                if (b->student < 0 || (size_t)b->student >= school->n_students)
                        continue;
                int to = ctx_slot_ceil(ctx, b->end);
                for (size_t k = 0; k < school->n_needs; k++)
                        if (school->needs[k].student == b->student)
                                daybits_clear(&ctx->need_free[k].d[day], ctx_slot_floor(ctx, b->start),
                                              to < ctx->nslots ? to : ctx->nslots);
        }
}

int solver_ctx_new(const struct school *school, struct solver_ctx **ret_ctx) {
        int r = -ENOMEM;
        struct solver_ctx *ctx = calloc(1, sizeof *ctx);
        if (!ctx)
                return -ENOMEM;
        ctx->school = school;
        ctx->day_start = school->info.day_start;
        ctx->day_end = school->info.day_end;
        ctx->span = ctx->day_end - ctx->day_start;
        ctx->transition = school->info.transition_minutes;
        if (ctx->transition < 0)
                ctx->transition = 0;
        if (ctx->transition > TRANSITION_MAX)
                ctx->transition = TRANSITION_MAX;
        if (ctx->span <= 0 || ctx->span > SLOTS_DAY_MAX * SLOT_MINUTES) {
                r = -EINVAL;
                goto fail;
        }
        ctx->nslots = ctx->span / SLOT_MINUTES;
        ctx->nwords = (ctx->nslots + TRANSITION_MAX / SLOT_MINUTES + 2 + 63) / 64;
        if (ctx->nwords > SLOT_WORDS)
                ctx->nwords = SLOT_WORDS;
        size_t nt = school->n_teachers, ns = school->n_students, nst = school->n_staff;
        ctx->teacher_never = calloc(nt + 1, sizeof *ctx->teacher_never);
        ctx->teacher_area = calloc((nt + 1) * AREA_COUNT, sizeof *ctx->teacher_area);
        ctx->student_services = calloc(ns + 1, sizeof *ctx->student_services);
        ctx->staff_avail = calloc(nst + 1, sizeof *ctx->staff_avail);
        ctx->need_free = calloc(school->n_needs + 1, sizeof *ctx->need_free);
        ctx->program_staff = calloc(school->n_programs + 1, sizeof *ctx->program_staff);
        if (!ctx->teacher_never || !ctx->teacher_area || !ctx->student_services || !ctx->staff_avail ||
            !ctx->need_free || !ctx->program_staff)
                goto fail;
        for (size_t i = 0; i < school->n_blocks; i++) {
                const struct block *b = &school->blocks[i];
                if (b->teacher < 0 || (size_t)b->teacher >= nt)
                        continue;
                if (b->policy == POLICY_NEVER)
                        mark_busy(ctx, &ctx->teacher_never[b->teacher], b->days, b->start, b->end);
                for (int a = 0; a < AREA_COUNT; a++)
                        if (area_subject(a) == (int)b->subject)
                                mark_busy(ctx, &ctx->teacher_area[b->teacher * AREA_COUNT + a], b->days,
                                          b->start, b->end);
        }
        for (size_t i = 0; i < school->n_services; i++) {
                const struct service *s = &school->services[i];
                if (s->student >= 0 && (size_t)s->student < ns)
                        mark_busy(ctx, &ctx->student_services[s->student], s->days, s->start, s->end);
        }
        for (size_t i = 0; i < school->n_availability; i++) {
                const struct availability *a = &school->availability[i];
                if (a->staff < 0 || (size_t)a->staff >= nst)
                        continue;
                int from = ctx_slot_ceil(ctx, a->start), to = (a->end - ctx->day_start) / SLOT_MINUTES;
                if (a->end <= ctx->day_start)
                        continue;
                if (to > ctx->nslots)
                        to = ctx->nslots;
                for (int d = 0; d < DAY_COUNT; d++)
                        if (a->days & (1u << d))
                                daybits_set(&ctx->staff_avail[a->staff].d[d], from, to);
        }
        for (size_t i = 0; i < school->n_needs; i++) {
                const struct need *n = &school->needs[i];
                if (n->student < 0 || (size_t)n->student >= ns || n->program < 0 ||
                    (size_t)n->program >= school->n_programs)
                        continue;
                int t = school->students[n->student].teacher;
                enum area area = school->programs[n->program].area;
                for (int d = 0; d < DAY_COUNT; d++) {
                        struct daybits *f = &ctx->need_free[i].d[d];
                        daybits_set(f, 0, ctx->nslots);
                        if (t >= 0 && (size_t)t < nt) {
                                daybits_andnot(f, f, &ctx->teacher_never[t].d[d]);
                                daybits_andnot(f, f, &ctx->teacher_area[t * AREA_COUNT + area].d[d]);
                        }
                        daybits_andnot(f, f, &ctx->student_services[n->student].d[d]);
                }
        }
        for (size_t p = 0; p < school->n_programs; p++) {
                ctx->program_staff[p] = malloc((nst + 1) * sizeof(int));
                if (!ctx->program_staff[p])
                        goto fail;
                size_t k = 0;
                for (size_t s = 0; s < nst; s++)
                        if (staff_can_teach(school, (int)s, (int)p))
                                ctx->program_staff[p][k++] = (int)s;
                ctx->program_staff[p][k] = -1;
        }
        r = build_prefix(ctx);
        if (r < 0)
                goto fail;
        *ret_ctx = ctx;
        return 0;
fail:
        solver_ctx_free(ctx);
        return r;
}

struct solver_ctx *solver_ctx_free(struct solver_ctx *ctx) {
        if (!ctx)
                return NULL;
        free(ctx->teacher_never);
        free(ctx->teacher_area);
        free(ctx->student_services);
        free(ctx->staff_avail);
        free(ctx->need_free);
        if (ctx->program_staff)
                for (size_t p = 0; p < ctx->school->n_programs; p++)
                        free(ctx->program_staff[p]);
        free(ctx->program_staff);
        free(ctx->avoid_prefix);
        free(ctx->preferred_prefix);
        free(ctx);
        return NULL;
}
