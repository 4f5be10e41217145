/* dosage.h: dosage (planned vs delivered minutes and sessions) and fidelity (checklist items
 * delivered ÷ applicable) as practice measures them (NOTES.md). Pure arithmetic, no I/O. */
#pragma once

#include <stdbool.h>

/* Bands of delivered ÷ planned minutes: high ≥ 80 %, adequate 60–79 %, partial 40–59 %,
 * low < 40 %; none when nothing was planned yet. */
enum dosage_band { DOSAGE_NONE, DOSAGE_LOW, DOSAGE_PARTIAL, DOSAGE_ADEQUATE, DOSAGE_HIGH, DOSAGE_BAND_COUNT };

/* "none", "low", "partial", "adequate", "high"; NULL-terminated. */
extern const char *const dosage_band_names[DOSAGE_BAND_COUNT + 1];

struct dosage_tally {
        long planned_minutes, delivered_minutes;
        long planned_sessions, delivered_sessions;
};

/* Adds one session to a student's (or a group's) tally: planned counts a regular session of
 * the plan, delivered what the person actually received (0 minutes when absent). */
void dosage_add(struct dosage_tally *tally, bool planned, int planned_minutes, bool delivered,
                int delivered_minutes);
void dosage_merge(struct dosage_tally *into, const struct dosage_tally *from);

/* Whole percent of delivered ÷ planned minutes, rounded down (a coordinator's 79 % is not
 * 80 %); -1 when nothing was planned. */
int dosage_percent(const struct dosage_tally *tally);
/* The same for sessions. */
int dosage_session_percent(const struct dosage_tally *tally);
enum dosage_band dosage_band_of_percent(int percent);
enum dosage_band dosage_band(const struct dosage_tally *tally);

struct fidelity_tally {
        long sessions; /* sessions whose checklist was recorded */
        long delivered, applicable; /* items */
};

/* Adds one session's checklist: delivered of applicable items. Sessions with no applicable
 * item (a program without checklist) do not count. */
void fidelity_add(struct fidelity_tally *tally, int delivered, int applicable);
/* Whole percent, rounded down; -1 when nothing applicable was recorded. */
int fidelity_percent(const struct fidelity_tally *tally);
/* Whether the items delivered are under threshold_percent of the applicable ones, exactly. */
bool fidelity_below(const struct fidelity_tally *tally, int threshold_percent);
