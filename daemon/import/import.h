/* import.h: turns the CSV files of a school data set (DESIGN §3, pullout-data(5)) into a
 * validated struct school. Pure: the daemon reads the files' contents and hands them in. */
#pragma once

#include <stddef.h>

#include "model/school.h"

/* Limits on one data set; a data set that breaks one is rejected with an error naming the file.
 * One file is also bounded by CSV_MAX_ROWS, CSV_MAX_COLUMNS and CSV_MAX_FIELD_BYTES (csv.h). */
/* All files together: with their names they travel to the daemon in one D-Bus message, which
 * the system bus caps at 32 MiB (dbus-daemon's max_message_size); the CLI and the bus use this. */
#define IMPORT_MAX_BYTES (30u * 1024 * 1024)
#define IMPORT_MAX_FILES 32 /* files handed in, unknown ones included */
#define IMPORT_MAX_ERRORS 1000 /* errors kept; one more line says that more were dropped */
#define IMPORT_MAX_ID_BYTES 64 /* teacher_id, student_id, staff_id, program_id */

struct import_file {
        const char *name; /* "students.csv"; a leading directory ("dir/students.csv") is ignored */
        const char *data; /* the file's bytes, not NUL-terminated */
        size_t size;
};

/* Every fault of an import, as lines a person can act on:
 *   "FILE:LINE: column NAME: what is wrong"   a cell
 *   "FILE:LINE: what is wrong"                a whole row or the file's text
 *   "FILE: what is wrong"                     the whole file (e.g. "FILE: missing required file")
 * Errors come sorted by file (in the order of pullout-data(5)) then by line. */
struct import_report {
        char **errors;
        size_t n_errors;
        char **warnings;
        size_t n_warnings;
};

/* Validates and loads a data set. The report must be zeroed (or cleared) by the caller; lines
 * are appended to it in every case. Returns 0 and a school with refcount 1 in *ret_school
 * (every index resolved, defaults filled in) only when there is no error; -EINVAL when the
 * data holds an error (all of them in the report); -ENOMEM. Warnings never fail an import.
 * calendar.ics is skipped silently: the ical module reads it. */
int import_school(const struct import_file *files, size_t n_files, struct school **ret_school,
                  struct import_report *report);

/* A what-if (DESIGN §4 "Versions"): the stored data set (a loaded school) written back as its
 * CSV files, the files handed in laid over them by name, and the whole set read by
 * import_school(), so that a file of the what-if is reported FILE:LINE exactly as an import
 * would and every reference between files is checked. Any file of the data set may be
 * replaced; calendar.ics is not read (the stored calendar, its days included, stands unless
 * calendar.csv is replaced). Returns as import_school(); -EINVAL too when no file handed in is
 * one of the data set. */
int import_overlay(const struct school *stored, const struct import_file *files, size_t n_files,
                   struct school **ret_school, struct import_report *report);

/* The school written as the CSV files of its data set (pullout-data(5)), every value explicit,
 * rows in the school's order: import_school() of them gives an equal school. 0 and *ret_files
 * (names are static, data malloc'd: free with import_files_free) or -ENOMEM. */
int import_write_school(const struct school *school, struct import_file **ret_files, size_t *ret_n);
void import_files_free(struct import_file *files, size_t n);

/* Frees the report's lines and zeroes it. Accepts NULL. */
void import_report_clear(struct import_report *report);
