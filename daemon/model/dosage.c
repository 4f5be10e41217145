/* dosage.c: the arithmetic of dosage and fidelity; the service feeds it rows from the store,
 * the unit tests feed it hand-counted weeks. */
#include <stddef.h>

#include "model/dosage.h"

const char *const dosage_band_names[DOSAGE_BAND_COUNT + 1] = {
        "none", "low", "partial", "adequate", "high", NULL,
};

void dosage_add(struct dosage_tally *tally, bool planned, int planned_minutes, bool delivered,
                int delivered_minutes) {
        if (planned) {
                tally->planned_sessions++;
                tally->planned_minutes += planned_minutes;
        }
        if (delivered) {
                tally->delivered_sessions++;
                tally->delivered_minutes += delivered_minutes;
        }
}

void dosage_merge(struct dosage_tally *into, const struct dosage_tally *from) {
        into->planned_minutes += from->planned_minutes;
        into->delivered_minutes += from->delivered_minutes;
        into->planned_sessions += from->planned_sessions;
        into->delivered_sessions += from->delivered_sessions;
}

static int percent_of(long part, long whole) {
        if (whole <= 0)
                return -1;
        /* Integer arithmetic: 79.9 % must read 79, never round up into the next band. */
        return (int)(part * 100 / whole);
}

int dosage_percent(const struct dosage_tally *tally) {
        return percent_of(tally->delivered_minutes, tally->planned_minutes);
}

int dosage_session_percent(const struct dosage_tally *tally) {
        return percent_of(tally->delivered_sessions, tally->planned_sessions);
}

enum dosage_band dosage_band_of_percent(int percent) {
        if (percent < 0)
                return DOSAGE_NONE;
        if (percent >= 80)
                return DOSAGE_HIGH;
        if (percent >= 60)
                return DOSAGE_ADEQUATE;
        if (percent >= 40)
                return DOSAGE_PARTIAL;
        return DOSAGE_LOW;
}

enum dosage_band dosage_band(const struct dosage_tally *tally) {
        return dosage_band_of_percent(dosage_percent(tally));
}

void fidelity_add(struct fidelity_tally *tally, int delivered, int applicable) {
        if (applicable <= 0)
                return;
        tally->sessions++;
        tally->delivered += delivered;
        tally->applicable += applicable;
}

int fidelity_percent(const struct fidelity_tally *tally) {
        /* Rounded to nearest, as people read a share of items (4 of 6 is 67 %); thresholds are
         * compared exactly (fidelity_below), never on the rounded number. */
        if (tally->applicable <= 0)
                return -1;
        return (int)((tally->delivered * 200 + tally->applicable) / (2 * tally->applicable));
}

bool fidelity_below(const struct fidelity_tally *tally, int threshold_percent) {
        return tally->applicable > 0 && tally->delivered * 100 < (long long)threshold_percent * tally->applicable;
}
