/* fuzz-district.c: libFuzzer target for the district calendar reader (untrusted .ics input).
 * Build: clang -fsanitize=fuzzer,address,undefined -Idaemon -I. fuzz/fuzz-district.c
 *        ical/district.c daemon/model/timeutil.c daemon/model/school.c $(pkg-config --cflags --libs libical)
 * Run with a timeout so slowness counts as a finding: build-fuzz/fuzz-district -timeout=1
 * fuzz/corpus/district (the corpus holds the calendars that once took minutes: a MINUTELY rule
 * with 1,000 EXDATEs, BY* rules that filter nearly every candidate). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ical/district.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static struct school_info info;
        if (!info.timezone) {
                info = (struct school_info){ .name = (char *)"Fuzz", .timezone = (char *)"America/Chicago",
                                             .day_start = 8 * 60, .day_end = 15 * 60, .transition_minutes = 5 };
                info.term_start = date_from_ymd(2026, 8, 17);
                info.term_end = date_from_ymd(2027, 5, 28);
        }
        /* Small bounds keep each run fast; the bounds themselves are part of what is tested. */
        struct ical_district_options options = { .default_release = 12 * 60, .max_bytes = 256 << 10, .max_events = 500 };
        struct ical_district *district = NULL;
        char *error = NULL;
        int r = ical_district_read((const char *)data, size, &info, &options, &district, &error);
        if (r == 0 && !district)
                abort();
        if (r < 0 && district)
                abort();
        ical_district_free(district);
        free(error);
        return 0;
}
