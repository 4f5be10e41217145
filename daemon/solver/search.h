/* search.h: what the search's files share — the state of one search (groups, busy bitsets,
 * costs, the journal), the placement helpers and the moves. Internal to daemon/solver/. */
#pragma once

#include <stdint.h>

#include "solver/solver-internal.h"

enum { M_AVOID, M_PREF, M_INCONS, M_B2B, M_LEVEL, M_IDLE, M_INTERRUPT, M_CHANGED, M_COUNT };

/* Placing a need outweighs every soft goal: the search ranks needs placed first. */
#define UNPLACED_COST 10000000L

/* A group of the previous schedule, mapped onto today's school. */
struct prevref {
        const char *id;
        int program, staff; /* current indices, -1 when gone */
        struct meeting m[MEETINGS_MAX];
        int nm;
        int needs[GROUP_CAP]; /* mapped needs still in the data set */
        int n;
        bool pinned;
};

struct sgroup {
        int program, staff, sessions, minutes;
        int n;
        int needs[GROUP_CAP];
        int nm;
        struct meeting m[MEETINGS_MAX];
        bool pinned, alive;
        int prev; /* index into state.prev, or -1 */
        long c[M_COUNT]; /* contributions while attached */
};

struct intlist {
        int *v;
        size_t n, cap;
};

struct journal_entry {
        int gi;
        struct sgroup snap;
};

/* The construction's memo (memo.c). On an overloaded school every recreate retries every
 * unplaced need, and most fail exactly as they failed the time before: the memo keeps what
 * was found out, with the versions it depends on. A version takes a new value of the clock
 * whenever attach or detach changes what it describes and never goes back (a rollback
 * re-attaches, which is a change too), so a sum of versions is unchanged only if each is. */
struct memo {
        uint64_t clock;
        uint64_t *staff_ver; /* an interventionist's busy time and counts */
        uint64_t *stu_ver; /* a student's busy time */
        /* The groups attached since floor, the latest first (a list through next and prev,
         * -1 ends it), each with the time of its latest attach (0: not since floor). */
        int head, *next, *prev;
        uint64_t *attached_at, floor;
        /* The join keys (memo_join_key) of the needs, sorted and distinct, each need's index
         * among them, and per key a bitset of the attached groups with that key (words per
         * key: key_words): a scan of every group a need could join reads only its key's bits,
         * in the order of the groups. join_bucket: per group while attached, its key's index,
         * else -1 (pinned groups are never joined). */
        int *keys, nkeys, *need_bucket, *join_bucket;
        uint64_t *key_bits;
        uint64_t *key_attach_at; /* per key: the latest attach of a group with it */
        uint64_t *fail_at; /* per need: when best_insert last found no place at all; 0 unknown */
        size_t key_words;
        size_t capg;
        uint64_t *join_at; /* per need: when a scan found no group could take it; 0 unknown */
        uint64_t *alone_none; /* per (need, staff_for entry): no new group, at staff_ver + stu_ver */
        int *alone_at; /* per need: its first entry in alone_none */
        /* The halves of a lone need's feasible starts: the student's and the interventionist's
         * (per distinct meeting length), each with the version it was worked out at. */
        struct daybits *need_win; /* [need][day] */
        uint64_t *need_win_ver;
        int lengths[8], nlengths;
        struct daybits *staff_win; /* [staff][length][day] */
        uint64_t *staff_win_ver;
};

struct state {
        const struct solver_ctx *ctx;
        const struct school *school;
        const struct solver_weights *w;
        bool weigh_changed, measure_changed;
        struct sgroup *g;
        size_t ng, capg;
        int *need_group;
        struct weekbits *stu_busy, *staff_busy;
        uint16_t *staff_count; /* [staff][day] */
        long *staff_load; /* meetings per staff in the week */
        struct intlist *staff_groups;
        uint16_t *moments; /* [teacher][day][minute of day] student-meetings starting then */
        long metric[M_COUNT];
        long n_unplaced, n_impossible, changed_base;
        struct prevref *prev;
        size_t nprev;
        struct journal_entry *journal;
        size_t nj, capj, ng_mark;
        unsigned *stamp;
        unsigned epoch;
        uint64_t rng;
        bool *impossible;
        int *max_group; /* per program, clamped to GROUP_CAP */
        struct memo memo; /* what the construction found out, kept while it stays true */
        uint8_t patterns[DAY_COUNT + 1][32];
        int n_patterns[DAY_COUNT + 1];
        bool oom;
};

static inline uint64_t rng_next(struct state *st) {
        /* xorshift64*: fast and, above all, the same on every machine for a seed. */
        uint64_t x = st->rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        st->rng = x;
        return x * UINT64_C(2685821657736338717);
}

static inline int rng_below(struct state *st, int n) {
        return n <= 1 ? 0 : (int)((rng_next(st) >> 33) % (uint64_t)n);
}

static inline const struct need *need_of(const struct state *st, int n) {
        return &st->school->needs[n];
}

static inline int teacher_of(const struct state *st, int n) {
        return st->school->students[st->school->needs[n].student].teacher;
}

static inline int grade_of(const struct state *st, int n) {
        return st->school->students[st->school->needs[n].student].grade;
}

static inline int slots_len(int minutes) {
        return (minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
}

/* ---- state.c: life cycle, cost bookkeeping, the journal ---- */

int state_init(struct state *st, const struct solver_ctx *ctx, const struct solver_weights *w, unsigned seed);
void state_free(struct state *st);
/* Clears every derived structure (busy bits, counts, metrics); groups are left as they are. */
void state_reset_dynamic(struct state *st);
/* Drops dead groups and rebuilds every derived structure from the live ones. */
void state_compact(struct state *st);
/* Replaces the groups by a copy of groups[0..n) (a best schedule, this search's or another's)
 * and rebuilds everything derived from them; the journal is emptied. -ENOMEM. */
int state_load(struct state *st, const struct sgroup *groups, size_t n);
/* Unplaced needs first, then the weighted soft goals. */
long state_cost(const struct state *st);
/* A group's share of the metrics (everything but interruptions and idle time, which are
 * shared between groups and kept by attach/detach). */
void group_cost(const struct state *st, const struct sgroup *g, long c[M_COUNT]);
int group_days(const struct sgroup *g);
/* The slot after a meeting's end and the transition that follows it. */
int staff_tail_end(const struct state *st, const struct meeting *m);
/* The count of student-meetings starting at that moment of a homeroom, or NULL outside the day. */
uint16_t *state_moment(const struct state *st, int teacher, int day, int start);
/* Adds group gi's busy time, counts and costs to the state / takes them away. */
void state_attach(struct state *st, int gi);
void state_detach(struct state *st, int gi);

struct savepoint {
        size_t nj, ng;
};
/* A savepoint inside a move (an evaluation, a nested try); rollback_to returns to it. */
struct savepoint state_savepoint(struct state *st);
void state_rollback_to(struct state *st, struct savepoint sp);
/* A move starts with an empty journal; move_rollback takes all of it back. */
void move_begin(struct state *st);
void move_rollback(struct state *st);
/* Remembers gi as it was; call before changing it. */
void state_touch(struct state *st, int gi);
/* Opens a group for changes (journaled and detached); close attaches it again, or lets it die
 * when it has no students and no pin. */
void group_open(struct state *st, int gi);
void group_close(struct state *st, int gi);
/* A new, journaled, dead group; its index or -1 (out of memory, st->oom set). */
int group_new(struct state *st, int program, int sessions, int minutes);

#ifdef SOLVER_DEBUG
void debug_verify(const struct state *st, const char *where);
#else
#define debug_verify(st, where) ((void)0)
#endif

/* ---- memo.c: what the construction found out ---- */

int memo_init(struct state *st);
void memo_free(struct state *st);
void memo_reset(struct state *st);
/* Group gi was attached / is being detached: its interventionist and students change. */
void memo_attached(struct state *st, int gi);
void memo_detached(struct state *st, int gi);
static inline int memo_join_key(int program, int sessions, int minutes) {
        return program << 12 | (sessions & 7) << 9 | (minutes & 511);
}
/* The groups need could join at all (same program, sessions and length, not pinned), as a
 * bitset over group indices of *ret_words words; NULL when there are none. */
const uint64_t *memo_join_bits(const struct state *st, int need, size_t *ret_words);
/* The groups attached since a scan found that no group could take need (its student
 * unchanged): the only ones that might now. Their count (out holds 256), or -1 when every
 * group must be tried. memo_join_none records such a scan. */
int memo_join_candidates(const struct state *st, int need, int *out);
void memo_join_none(struct state *st, int need);
/* The versions a try of need in group gi moves on, to be put back when the try is taken back
 * (what they describe is then as it was, and nothing was remembered in between). */
struct memo_mark {
        int staff, n, students[GROUP_CAP + 1], bucket;
        uint64_t staff_ver, stu_ver[GROUP_CAP + 1], key_attach_at;
};
/* best_insert found no place for need (no group to join, no interventionist to start one
 * with). memo_fails_again: nothing that answer depends on has moved since (its student, its
 * interventionists, the groups of its key), so best_insert would find none again. */
void memo_failed(struct state *st, int need);
bool memo_fails_again(const struct state *st, int need);
void memo_mark(const struct state *st, int gi, int need, struct memo_mark *mark);
void memo_restore(struct state *st, const struct memo_mark *mark);
/* Where need could start a new group of its own with staff (feasible_starts of one need). */
void alone_starts(struct state *st, int need, int staff, struct daybits out[DAY_COUNT]);
/* Where staff could start a meeting of minutes, by day (availability, busy time with the
 * transition after, the day's maximum): cached, or worked out into scratch. */
const struct daybits *staff_starts(struct state *st, int staff, int minutes, struct daybits scratch[DAY_COUNT]);
/* Where need's student is free for a meeting of its length, by day. */
const struct daybits *need_starts(struct state *st, int need);

/* ---- place.c: feasibility and construction ---- */

bool need_free_at(const struct state *st, int need, const struct meeting *m);
bool need_fits_group(const struct state *st, int need, const struct sgroup *g);
bool staff_fits(const struct state *st, int staff, const struct meeting *m, int nm);
void set_placement(const struct state *st, struct sgroup *g, int days, int slot);
/* A random feasible (days, start) for these needs with staff; false when none. */
bool random_placement(struct state *st, const int *needs, int n, int staff, int sessions, int minutes,
                      bool ignore_staff_load, int *ret_days, int *ret_slot);
/* The interventionists who may teach need: its pinned one, or the program's; -1 terminated. */
const int *staff_for(const struct state *st, int need, int *one);
/* A new group of need alone, taught by staff on days at slot. Its index, or -1 (out of memory). */
int seat_alone(struct state *st, int need, int staff, int days, int slot);
/* Places need where it costs least: into an existing group, or a new one. */
bool best_insert(struct state *st, int need);
/* How many (days, start) placements need has at all: its hardness (0: impossible). */
long need_windows(const struct state *st, int need);

/* ---- moves.c: the local search's moves; false when the move did not apply ---- */

bool move_relocate(struct state *st);
bool move_student(struct state *st);
bool move_swap(struct state *st);
bool move_merge(struct state *st);
bool move_eject(struct state *st, int need);
bool move_insert(struct state *st);

/* ---- lns.c: ruin and recreate ---- */

enum { LNS_STAFF, LNS_PROGRAM, LNS_BAND, LNS_GRADE, LNS_NEED, LNS_COUNT };
extern const char *const lns_names[LNS_COUNT];
/* Ruins one part of the schedule of the kind (around a random group or unplaced need) and
 * re-seats its students and every unplaced need. scratch holds n_needs ints. */
bool move_ruin_recreate(struct state *st, int kind, int *scratch);

/* ---- previous.c: what a re-solve keeps of the published schedule ---- */

/* Maps previous into st->prev and, unless fresh, re-creates its groups where they still fit
 * (pinned groups in any case). */
int previous_adopt(struct state *st, const struct schedule *previous, bool fresh);
/* prev_of[i]: the published group groups[i] is (its own link, or an unclaimed one with the
 * same interventionist, program and students), or -1; claimed: per published group. */
void previous_match(const struct state *st, const struct sgroup *groups, size_t n, int *prev_of, bool *claimed);
/* Sets the link of every group of groups that previous_match finds. How many were new, or
 * -ENOMEM. */
int previous_link(const struct state *st, struct sgroup *groups, size_t n);
/* Puts linked groups back at their published times where they fit and cost no more. How many,
 * or -ENOMEM. */
int previous_reseat(struct state *st);
/* Puts published group pi back, ruining the groups in its way and placing their students
 * again (scratch: n_needs ints); the caller weighs it. False when it cannot stand. */
bool previous_restore(struct state *st, int pi, int *scratch);
/* Restores every unlinked published group whose restore places as many and costs less. How
 * many, or -ENOMEM. */
int previous_restore_all(struct state *st, int *scratch);
