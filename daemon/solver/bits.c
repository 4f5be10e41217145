/* bits.c: a school day as a bitset of 5-minute slots, and the few operations the search
 * needs on it: set, clear, test ranges, and the starts of windows of a given length. */
#include "solver/solver-internal.h"

static void clip(int *from, int *to) {
        if (*from < 0)
                *from = 0;
        if (*to > SLOTS_MAX)
                *to = SLOTS_MAX;
}

void daybits_set(struct daybits *b, int from, int to) {
        clip(&from, &to);
        for (int i = from; i < to; i++)
                b->w[i >> 6] |= UINT64_C(1) << (i & 63);
}

void daybits_clear(struct daybits *b, int from, int to) {
        clip(&from, &to);
        for (int i = from; i < to; i++)
                b->w[i >> 6] &= ~(UINT64_C(1) << (i & 63));
}

static uint64_t range_mask(int word, int from, int to) {
        int lo = word * 64, hi = lo + 64;
        if (from > lo)
                lo = from;
        if (to < hi)
                hi = to;
        if (lo >= hi)
                return 0;
        int n = hi - lo, shift = lo - word * 64;
        uint64_t m = n == 64 ? ~UINT64_C(0) : ((UINT64_C(1) << n) - 1);
        return m << shift;
}

bool daybits_all(const struct daybits *b, int from, int to) {
        if (from < 0 || to > SLOTS_MAX)
                return false;
        for (int w = from >> 6; w < SLOT_WORDS && w * 64 < to; w++) {
                uint64_t m = range_mask(w, from, to);
                if ((b->w[w] & m) != m)
                        return false;
        }
        return true;
}

bool daybits_any(const struct daybits *b, int from, int to) {
        clip(&from, &to);
        for (int w = from >> 6; w < SLOT_WORDS && w * 64 < to; w++)
                if (b->w[w] & range_mask(w, from, to))
                        return true;
        return false;
}

void daybits_window_n(struct daybits *out, const struct daybits *in, int len, int nwords) {
        uint64_t acc[SLOT_WORDS + 1] = { 0 };
        for (int w = 0; w < nwords; w++)
                acc[w] = in->w[w];
        /* Doubling: after a step of k, bit a means a..a+k-1 all set. */
        int have = 1;
        while (have < len) {
                int step = have <= len - have ? have : len - have;
                int ws = step >> 6, bs = step & 63;
                for (int w = 0; w < nwords; w++) {
                        uint64_t lo = w + ws < nwords ? acc[w + ws] : 0;
                        uint64_t hi = w + ws + 1 < nwords ? acc[w + ws + 1] : 0;
                        acc[w] &= bs == 0 ? lo : (lo >> bs) | (hi << (64 - bs));
                }
                have += step;
        }
        for (int w = 0; w < SLOT_WORDS; w++)
                out->w[w] = w < nwords ? acc[w] : 0;
}

void daybits_window(struct daybits *out, const struct daybits *in, int len) {
        daybits_window_n(out, in, len, SLOT_WORDS);
}

void daybits_and(struct daybits *out, const struct daybits *a, const struct daybits *b) {
        for (int w = 0; w < SLOT_WORDS; w++)
                out->w[w] = a->w[w] & b->w[w];
}

void daybits_andnot(struct daybits *out, const struct daybits *a, const struct daybits *b) {
        for (int w = 0; w < SLOT_WORDS; w++)
                out->w[w] = a->w[w] & ~b->w[w];
}

int daybits_count(const struct daybits *b) {
        int n = 0;
        for (int w = 0; w < SLOT_WORDS; w++)
                n += __builtin_popcountll(b->w[w]);
        return n;
}
