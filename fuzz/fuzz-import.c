/* fuzz-import.c: libFuzzer target for the school data-set importer (CSV reader included).
 * The input is the files of a data set separated by NUL bytes, in the order of pullout-data(5).
 *
 * Not built by `make`. Build and run from the repository root with clang:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=gnu11 -Idaemon -I. \
 *       fuzz/fuzz-import.c daemon/import/[a-z]*.c daemon/model/school.c daemon/model/timeutil.c \
 *       -lcsv -o build/fuzz-import
 *   mkdir -p build/fuzz-corpus && fuzz/make-import-seed.sh > build/fuzz-corpus/tiny-school
 *   ./build/fuzz-import -max_len=65536 build/fuzz-corpus
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "import/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
        "school.csv",       "teachers.csv", "timetable.csv", "students.csv", "services.csv",
        "staff.csv",        "availability.csv", "programs.csv", "needs.csv", "calendar.csv",
        "calendar.ics",     "extra.csv",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct import_file files[sizeof names / sizeof names[0]];
        size_t n = 0, start = 0;

        for (size_t i = 0; i <= size && n < sizeof names / sizeof names[0]; i++) {
                if (i < size && data[i] != '\0')
                        continue;
                files[n] = (struct import_file){ .name = names[n], .data = (const char *)data + start, .size = i - start };
                n++;
                start = i + 1;
        }

        struct import_report report = { 0 };
        struct school *school = NULL;
        if (import_school(files, n, &school, &report) == 0) {
                /* A school that passed must be whole: every index inside its array. */
                for (size_t i = 0; i < school->n_students; i++)
                        if (school->students[i].teacher < 0 || (size_t)school->students[i].teacher >= school->n_teachers)
                                __builtin_trap();
                for (size_t i = 0; i < school->n_needs; i++)
                        if (school->needs[i].student < 0 || school->needs[i].program < 0 ||
                            (size_t)school->needs[i].program >= school->n_programs || school->needs[i].minutes < 5)
                                __builtin_trap();
                if (report.n_errors != 0)
                        __builtin_trap();
        } else if (report.n_errors == 0 && school == NULL) {
                /* A refusal always says why (unless memory ran out, which the fuzzer does not do). */
                __builtin_trap();
        }
        school_unref(school);
        import_report_clear(&report);
        return 0;
}
