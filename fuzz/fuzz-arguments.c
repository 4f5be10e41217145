/* fuzz-arguments.c: libFuzzer target for the parsers that read D-Bus method arguments and
 * command-line values: times, dates, day sets, durations and session ids. Build: make fuzz. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/occurrence.h"
#include "model/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        /* D-Bus strings are NUL-terminated and bounded; so is this copy. */
        if (size > 256)
                return 0;
        char text[257];
        memcpy(text, data, size);
        text[size] = '\0';

        int minutes;
        civil_date date;
        dayset days;
        long long seconds;
        char group[GROUP_ID_MAX];
        if (time_parse(text, &minutes) == 0 && (minutes < 0 || minutes >= 24 * 60))
                abort();
        if (date_parse(text, &date) == 0 && strcmp(date_format(date, (char[11]){ 0 }), text) != 0)
                abort(); /* a date that parses must print back the same */
        if (dayset_parse(text, &days) == 0 && (days & ~DAYSET_ALL))
                abort();
        if (duration_parse(text, &seconds) == 0 && seconds < 0)
                abort();
        int start;
        if (occurrence_session_id_parse(text, group, &date, &start) == 0) {
                char again[OCCURRENCE_SESSION_ID_MAX];
                occurrence_session_id(group, date, start, again);
                (void)again;
        }
        return 0;
}
