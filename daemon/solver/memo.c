/* memo.c: what the construction found out, kept while it stays true. An overloaded school's
 * recreate retries every unplaced need (two thousand at 5,000 students), and almost all of
 * them fail exactly as they did the time before; working their windows out again was most of
 * the search's time. Everything here is keyed by versions that attach and detach move on, so
 * a remembered answer is the answer the full computation would give: same schedules, sooner. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "solver/search.h"

/* The largest number of groups attached since a need's last failed scan worth trying one by
 * one; past it the whole scan is as cheap. */
#define JOIN_CANDIDATES_MAX 256

static int length_class(const struct memo *m, int minutes) {
        for (int c = 0; c < m->nlengths; c++)
                if (m->lengths[c] == minutes)
                        return c;
        return -1;
}

static int cmp_key(const void *a, const void *b) {
        int x = *(const int *)a, y = *(const int *)b;
        return x < y ? -1 : x > y;
}

/* The index of key among the needs' keys, -1 when no need has it. */
static int key_bucket(const struct memo *m, int key) {
        const int *at = bsearch(&key, m->keys, (size_t)m->nkeys, sizeof *m->keys, cmp_key);
        return at ? (int)(at - m->keys) : -1;
}

static int join_index_init(struct state *st) {
        const struct school *school = st->school;
        struct memo *m = &st->memo;
        m->keys = malloc((school->n_needs + 1) * sizeof *m->keys);
        m->need_bucket = malloc((school->n_needs + 1) * sizeof *m->need_bucket);
        m->key_attach_at = calloc(school->n_needs + 1, sizeof *m->key_attach_at);
        m->fail_at = calloc(school->n_needs + 1, sizeof *m->fail_at);
        if (!m->keys || !m->need_bucket || !m->key_attach_at || !m->fail_at)
                return -ENOMEM;
        for (size_t i = 0; i < school->n_needs; i++) {
                const struct need *u = &school->needs[i];
                m->keys[i] = memo_join_key(u->program, u->sessions_per_week, u->minutes);
        }
        qsort(m->keys, school->n_needs, sizeof *m->keys, cmp_key);
        m->nkeys = 0;
        for (size_t i = 0; i < school->n_needs; i++)
                if (m->nkeys == 0 || m->keys[m->nkeys - 1] != m->keys[i])
                        m->keys[m->nkeys++] = m->keys[i];
        for (size_t i = 0; i < school->n_needs; i++) {
                const struct need *u = &school->needs[i];
                m->need_bucket[i] = key_bucket(m, memo_join_key(u->program, u->sessions_per_week, u->minutes));
        }
        return 0;
}

int memo_init(struct state *st) {
        const struct school *school = st->school;
        struct memo *m = &st->memo;
        for (size_t i = 0; i < school->n_needs; i++) {
                int minutes = school->needs[i].minutes;
                if (length_class(m, minutes) < 0 && m->nlengths < (int)(sizeof m->lengths / sizeof *m->lengths))
                        m->lengths[m->nlengths++] = minutes;
        }
        size_t n_staff_win = school->n_staff * (size_t)m->nlengths;
        m->staff_ver = calloc(school->n_staff + 1, sizeof *m->staff_ver);
        m->stu_ver = calloc(school->n_students + 1, sizeof *m->stu_ver);
        m->join_at = calloc(school->n_needs + 1, sizeof *m->join_at);
        m->alone_at = malloc((school->n_needs + 1) * sizeof *m->alone_at);
        m->need_win = malloc((school->n_needs + 1) * DAY_COUNT * sizeof *m->need_win);
        m->need_win_ver = calloc(school->n_needs + 1, sizeof *m->need_win_ver);
        m->staff_win = malloc((n_staff_win + 1) * DAY_COUNT * sizeof *m->staff_win);
        m->staff_win_ver = calloc(n_staff_win + 1, sizeof *m->staff_win_ver);
        if (!m->staff_ver || !m->stu_ver || !m->join_at || !m->alone_at || !m->need_win || !m->need_win_ver ||
            !m->staff_win || !m->staff_win_ver)
                return -ENOMEM;
        size_t entries = 0;
        for (size_t i = 0; i < school->n_needs; i++) {
                int one[2];
                m->alone_at[i] = (int)entries;
                for (const int *s = staff_for(st, (int)i, one); *s >= 0; s++)
                        entries++;
        }
        m->alone_none = calloc(entries + 1, sizeof *m->alone_none);
        if (!m->alone_none)
                return -ENOMEM;
        return join_index_init(st);
}

void memo_free(struct state *st) {
        struct memo *m = &st->memo;
        free(m->staff_ver);
        free(m->stu_ver);
        free(m->join_at);
        free(m->alone_none);
        free(m->alone_at);
        free(m->need_win);
        free(m->need_win_ver);
        free(m->staff_win);
        free(m->staff_win_ver);
        free(m->next);
        free(m->prev);
        free(m->attached_at);
        free(m->keys);
        free(m->need_bucket);
        free(m->join_bucket);
        free(m->key_bits);
        free(m->key_attach_at);
        free(m->fail_at);
}

/* Every busy bit is rebuilt: no version may keep its value, and the attach log starts over
 * (group indices may have changed). The caches' versions (0 or older) are all stale now. */
void memo_reset(struct state *st) {
        struct memo *m = &st->memo;
        for (size_t s = 0; s < st->school->n_staff; s++)
                m->staff_ver[s] = ++m->clock;
        for (size_t s = 0; s < st->school->n_students; s++)
                m->stu_ver[s] = ++m->clock;
        m->head = -1;
        if (m->attached_at)
                memset(m->attached_at, 0, m->capg * sizeof *m->attached_at);
        for (size_t gi = 0; gi < m->capg; gi++)
                m->join_bucket[gi] = -1;
        if (m->key_bits)
                memset(m->key_bits, 0, (size_t)m->nkeys * m->key_words * sizeof *m->key_bits);
        m->floor = m->clock;
}

static void memo_changed(struct state *st, const struct sgroup *g) {
        struct memo *m = &st->memo;
        m->staff_ver[g->staff] = ++m->clock;
        for (int i = 0; i < g->n; i++)
                m->stu_ver[need_of(st, g->needs[i])->student] = ++m->clock;
}

/* Room for group gi in the attach list; false (and oom) when there is none. */
static bool attach_room(struct state *st, int gi) {
        struct memo *m = &st->memo;
        if ((size_t)gi < m->capg)
                return true;
        size_t cap = st->capg > (size_t)gi ? st->capg : (size_t)gi + 1;
        int *next = realloc(m->next, cap * sizeof *next);
        if (next)
                m->next = next;
        int *prev = realloc(m->prev, cap * sizeof *prev);
        if (prev)
                m->prev = prev;
        uint64_t *at = realloc(m->attached_at, cap * sizeof *at);
        if (at)
                m->attached_at = at;
        int *bucket = realloc(m->join_bucket, cap * sizeof *bucket);
        if (bucket)
                m->join_bucket = bucket;
        /* The bitsets are laid out anew, each key's words followed by the next key's. */
        size_t words = (cap + 63) / 64;
        uint64_t *bits = calloc((size_t)m->nkeys * words + 1, sizeof *bits);
        if (!next || !prev || !at || !bucket || !bits) {
                free(bits);
                st->oom = true;
                return false;
        }
        for (int k = 0; k < m->nkeys && m->key_bits; k++)
                memcpy(bits + (size_t)k * words, m->key_bits + (size_t)k * m->key_words, m->key_words * sizeof *bits);
        free(m->key_bits);
        m->key_bits = bits;
        m->key_words = words;
        memset(m->attached_at + m->capg, 0, (cap - m->capg) * sizeof *at);
        for (size_t i = m->capg; i < cap; i++)
                m->join_bucket[i] = -1;
        m->capg = cap;
        return true;
}

void memo_attached(struct state *st, int gi) {
        struct memo *m = &st->memo;
        memo_changed(st, &st->g[gi]);
        if (!attach_room(st, gi))
                return;
        if (m->attached_at[gi]) { /* already listed: unlink */
                if (m->prev[gi] >= 0)
                        m->next[m->prev[gi]] = m->next[gi];
                else
                        m->head = m->next[gi];
                if (m->next[gi] >= 0)
                        m->prev[m->next[gi]] = m->prev[gi];
        }
        m->prev[gi] = -1;
        m->next[gi] = m->head;
        if (m->head >= 0)
                m->prev[m->head] = gi;
        m->head = gi;
        m->attached_at[gi] = m->clock;
        const struct sgroup *g = &st->g[gi];
        if (m->join_bucket[gi] >= 0)
                m->key_bits[(size_t)m->join_bucket[gi] * m->key_words + (size_t)gi / 64] &= ~(1ull << (gi % 64));
        int k = g->pinned ? -1 : key_bucket(m, memo_join_key(g->program, g->sessions, g->minutes));
        m->join_bucket[gi] = k;
        if (k >= 0) {
                m->key_bits[(size_t)k * m->key_words + (size_t)gi / 64] |= 1ull << (gi % 64);
                m->key_attach_at[k] = m->clock;
        }
}

void memo_detached(struct state *st, int gi) {
        struct memo *m = &st->memo;
        memo_changed(st, &st->g[gi]);
        if ((size_t)gi >= m->capg || m->join_bucket[gi] < 0)
                return;
        m->key_bits[(size_t)m->join_bucket[gi] * m->key_words + (size_t)gi / 64] &= ~(1ull << (gi % 64));
        m->join_bucket[gi] = -1;
}

const uint64_t *memo_join_bits(const struct state *st, int need, size_t *ret_words) {
        const struct memo *m = &st->memo;
        int k = m->need_bucket[need];
        if (k < 0 || !m->key_bits)
                return NULL;
        *ret_words = m->key_words;
        return m->key_bits + (size_t)k * m->key_words;
}

int memo_join_candidates(const struct state *st, int need, int *out) {
        const struct memo *m = &st->memo;
        uint64_t since = m->join_at[need];
        if (since == 0 || since < m->floor || m->stu_ver[need_of(st, need)->student] > since)
                return -1;
        int n = 0;
        for (int gi = m->head; gi >= 0 && m->attached_at[gi] > since; gi = m->next[gi]) {
                if (n == JOIN_CANDIDATES_MAX)
                        return -1;
                out[n++] = gi;
        }
        return n;
}

void memo_join_none(struct state *st, int need) {
        st->memo.join_at[need] = st->memo.clock;
}

void memo_failed(struct state *st, int need) {
        st->memo.fail_at[need] = st->memo.clock;
}

bool memo_fails_again(const struct state *st, int need) {
        const struct memo *m = &st->memo;
        uint64_t at = m->fail_at[need];
        int k = m->need_bucket[need];
        if (at == 0 || at < m->floor || m->stu_ver[need_of(st, need)->student] > at || (k >= 0 && m->key_attach_at[k] > at))
                return false;
        int one[2];
        for (const int *s = staff_for(st, need, one); *s >= 0; s++)
                if (m->staff_ver[*s] > at)
                        return false;
        return true;
}

void memo_mark(const struct state *st, int gi, int need, struct memo_mark *mark) {
        const struct memo *m = &st->memo;
        const struct sgroup *g = &st->g[gi];
        mark->staff = g->staff;
        mark->staff_ver = m->staff_ver[g->staff];
        mark->bucket = (size_t)gi < m->capg ? m->join_bucket[gi] : -1;
        mark->key_attach_at = mark->bucket >= 0 ? m->key_attach_at[mark->bucket] : 0;
        mark->n = 0;
        for (int i = 0; i <= g->n && i < GROUP_CAP + 1; i++) {
                int student = need_of(st, i < g->n ? g->needs[i] : need)->student;
                mark->students[mark->n] = student;
                mark->stu_ver[mark->n++] = m->stu_ver[student];
        }
}

void memo_restore(struct state *st, const struct memo_mark *mark) {
        struct memo *m = &st->memo;
        m->staff_ver[mark->staff] = mark->staff_ver;
        if (mark->bucket >= 0)
                m->key_attach_at[mark->bucket] = mark->key_attach_at;
        /* In reverse: a student listed twice gets the oldest version back. */
        for (int i = mark->n; i-- > 0;)
                m->stu_ver[mark->students[i]] = mark->stu_ver[i];
}

/* ---- the halves of a lone need's feasible starts ---------------------------------------- */

static void student_window(const struct state *st, int need, struct daybits out[DAY_COUNT]) {
        int len = slots_len(need_of(st, need)->minutes);
        const struct weekbits *busy = &st->stu_busy[need_of(st, need)->student];
        for (int d = 0; d < DAY_COUNT; d++) {
                struct daybits x;
                daybits_andnot(&x, &st->ctx->need_free[need].d[d], &busy->d[d]);
                daybits_window_n(&out[d], &x, len, st->ctx->nwords);
        }
}

static void staff_window(const struct state *st, int staff, int minutes, struct daybits out[DAY_COUNT]) {
        int len = slots_len(minutes), tail = slots_len(minutes + st->ctx->transition);
        const struct staff *s = &st->school->staff[staff];
        for (int d = 0; d < DAY_COUNT; d++) {
                if (s->max_sessions_per_day > 0 && st->staff_count[staff * DAY_COUNT + d] >= s->max_sessions_per_day) {
                        memset(&out[d], 0, sizeof out[d]);
                        continue;
                }
                struct daybits idle, win;
                for (int w = 0; w < SLOT_WORDS; w++)
                        idle.w[w] = ~st->staff_busy[staff].d[d].w[w];
                daybits_window_n(&win, &idle, tail, st->ctx->nwords);
                daybits_window_n(&out[d], &st->ctx->staff_avail[staff].d[d], len, st->ctx->nwords);
                daybits_and(&out[d], &out[d], &win);
        }
}

const struct daybits *need_starts(struct state *st, int need) {
        struct memo *m = &st->memo;
        struct daybits *w = &m->need_win[(size_t)need * DAY_COUNT];
        uint64_t ver = m->stu_ver[need_of(st, need)->student];
        if (m->need_win_ver[need] != ver) {
                student_window(st, need, w);
                m->need_win_ver[need] = ver;
        }
        return w;
}

const struct daybits *staff_starts(struct state *st, int staff, int minutes, struct daybits scratch[DAY_COUNT]) {
        struct memo *m = &st->memo;
        int c = length_class(m, minutes);
        if (c < 0) {
                staff_window(st, staff, minutes, scratch);
                return scratch;
        }
        size_t k = (size_t)staff * (size_t)m->nlengths + (size_t)c;
        struct daybits *w = &m->staff_win[k * DAY_COUNT];
        if (m->staff_win_ver[k] != m->staff_ver[staff]) {
                staff_window(st, staff, minutes, w);
                m->staff_win_ver[k] = m->staff_ver[staff];
        }
        return w;
}

void alone_starts(struct state *st, int need, int staff, struct daybits out[DAY_COUNT]) {
        const struct daybits *mine = need_starts(st, need);
        const struct daybits *theirs = staff_starts(st, staff, need_of(st, need)->minutes, out);
        for (int d = 0; d < DAY_COUNT; d++)
                daybits_and(&out[d], &mine[d], &theirs[d]);
}
