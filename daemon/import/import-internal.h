/* import-internal.h: what the importer's files share: the state of one import, the column
 * tables of every CSV file and the cell readers that turn a bad cell into a located error. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "import/csv.h"
#include "import/idmap.h"
#include "import/import.h"
#include "model/school.h"

/* The files of a data set, in the order of pullout-data(5); errors are sorted by it. */
enum data_file {
        DATA_SCHOOL,
        DATA_TEACHERS,
        DATA_TIMETABLE,
        DATA_STUDENTS,
        DATA_SERVICES,
        DATA_STAFF,
        DATA_AVAILABILITY,
        DATA_PROGRAMS,
        DATA_NEEDS,
        DATA_CALENDAR,
        DATA_FILE_COUNT
};

struct column_spec {
        const char *name;
        bool required;
};

struct file_spec {
        const char *name;
        bool required;
        const struct column_spec *columns;
        size_t n_columns;
};

extern const struct file_spec import_file_specs[DATA_FILE_COUNT];

/* Columns of each file, as indices into its column_spec table. */
enum { SCHOOL_NAME, SCHOOL_TIMEZONE, SCHOOL_DAY_START, SCHOOL_DAY_END, SCHOOL_TERM_START, SCHOOL_TERM_END,
       SCHOOL_TRANSITION_MINUTES };
enum { TEACHER_ID, TEACHER_NAME, TEACHER_GRADE, TEACHER_EMAIL, TEACHER_ROOM };
enum { TIMETABLE_TEACHER_ID, TIMETABLE_DAYS, TIMETABLE_START, TIMETABLE_END, TIMETABLE_SUBJECT,
       TIMETABLE_ACTIVITY, TIMETABLE_POLICY };
enum { STUDENT_ID, STUDENT_NAME, STUDENT_GRADE, STUDENT_TEACHER_ID };
enum { SERVICE_STUDENT_ID, SERVICE_DAYS, SERVICE_START, SERVICE_END, SERVICE_LABEL };
enum { STAFF_ID, STAFF_NAME, STAFF_ROLE, STAFF_EMAIL, STAFF_MAX_SESSIONS_PER_DAY, STAFF_PROGRAMS };
enum { AVAILABILITY_STAFF_ID, AVAILABILITY_DAYS, AVAILABILITY_START, AVAILABILITY_END };
enum { PROGRAM_ID, PROGRAM_NAME, PROGRAM_AREA, PROGRAM_MAX_GROUP, PROGRAM_MINUTES, PROGRAM_SESSIONS_PER_WEEK,
       PROGRAM_MAX_GRADE_SPAN, PROGRAM_CHECKLIST };
enum { NEED_STUDENT_ID, NEED_PROGRAM_ID, NEED_TIER, NEED_SESSIONS_PER_WEEK, NEED_MINUTES, NEED_STAFF_ID,
       NEED_LEVEL };
enum { CALENDAR_DATE, CALENDAR_KIND, CALENDAR_START, CALENDAR_END, CALENDAR_LABEL };

#define IMPORT_MAX_SPEC_COLUMNS 8

/* One file of the data set as handed in and read. */
struct source {
        const char *name; /* the canonical name used in messages */
        const struct import_file *file; /* NULL: not handed in */
        struct csv_table *table; /* NULL: missing or unreadable */
        int columns[IMPORT_MAX_SPEC_COLUMNS]; /* spec column -> CSV column, or -1 */
        /* Read, with all its required columns: other files may trust what it lacks. */
        bool usable;
};

struct message {
        int file; /* enum data_file, or DATA_FILE_COUNT for a file that is not part of the set */
        unsigned line;
        size_t seq;
        char *text;
};

struct message_list {
        struct message *items;
        size_t n, cap;
};

struct importer {
        struct school *school;
        struct source sources[DATA_FILE_COUNT];
        struct message_list errors, warnings;
        size_t seq;
        size_t dropped_errors;
        bool out_of_memory;

        /* ids -> indices into the school's arrays (first occurrence wins) */
        struct idmap teacher_ids, student_ids, staff_ids, program_ids;

        bool day_known; /* school.csv gave a valid day_start < day_end */
        bool term_known; /* ... and a valid term */
        /* Per staff member: the role and the programs list were valid, so that needs can be
         * checked against them without echoing the staff.csv error. */
        bool *staff_role_known;
        bool *staff_programs_known;
        /* Line of each row kept in the school's arrays, per file, for messages that name
         * another row. */
        unsigned *row_lines[DATA_FILE_COUNT];
};

/* One row being read. */
struct row {
        struct importer *importer;
        enum data_file file;
        const struct csv_row *csv;
        bool bad; /* an error was reported on this row */
};

/* Messages. column may be NULL (a row or text fault); line 0 means the whole file. */
void importer_error(struct importer *importer, int file, unsigned line, const char *column, const char *format,
                    ...) __attribute__((format(printf, 5, 6)));
void importer_warning(struct importer *importer, int file, unsigned line, const char *column,
                      const char *format, ...) __attribute__((format(printf, 5, 6)));
/* An error on a cell of row (marks the row bad). */
void row_error(struct row *row, int column, const char *format, ...) __attribute__((format(printf, 3, 4)));
void row_warning(struct row *row, int column, const char *format, ...) __attribute__((format(printf, 3, 4)));
const char *row_column_name(const struct row *row, int column);

/* Cell readers. Each returns 1 when the cell holds a valid value (stored in *ret), 0 when it is
 * empty and the column is optional (*ret untouched), -1 when an error was reported (or the
 * column is missing from the header, which was reported once). A required empty cell is an
 * error. */
const char *row_cell(const struct row *row, int column);
int row_text(struct row *row, int column, char **ret);
/* An id: at most IMPORT_MAX_ID_BYTES, no control characters, and no ';' when list_item (ids
 * that staff.csv lists). */
int row_id(struct row *row, int column, bool list_item, char **ret);
int row_int(struct row *row, int column, int min, int max, int *ret);
int row_time(struct row *row, int column, int *ret);
int row_date(struct row *row, int column, civil_date *ret);
int row_days(struct row *row, int column, dayset *ret);
int row_grade(struct row *row, int column, int *ret);
int row_enum(struct row *row, int column, const char *const *names, const char *what, int *ret);
/* An id that must name a row of target, through map. When target is unusable the reference
 * cannot be checked and -1 is returned silently. */
int row_reference(struct row *row, int column, const struct idmap *map, enum data_file target, const char *what,
                  int *ret);
/* days, start, end of a weekly span; end after start, both inside the school day when it is
 * known. 1 when all are valid. */
int row_weekly_span(struct row *row, int days_column, int start_column, int end_column, dayset *ret_days,
                    int *ret_start, int *ret_end);
/* A start (is_end false) or end time inside the school day, when school.csv gave one. */
int row_check_in_day(struct row *row, int column, int minutes, bool is_end);

/* A value from a file as quoted back in a message: control characters escaped (\n), and cut
 * after IMPORT_SHOWN_BYTES bytes (at a character boundary) with "...". */
#define IMPORT_SHOWN_BYTES 40
#define IMPORT_SHOWN_SIZE (IMPORT_SHOWN_BYTES + 5)
const char *import_shown(const char *text, char buf[static IMPORT_SHOWN_SIZE]);

/* A malloc'd copy, noting when memory ran out. */
char *importer_strdup(struct importer *importer, const char *text);
/* Splits a ';'-separated list into trimmed, non-empty items (malloc'd array of malloc'd
 * strings). 0 or -ENOMEM. */
int import_split_list(const char *text, char ***ret_items, size_t *ret_n);

/* Per-file readers, called in dependency order by import_school(). */
int import_read_school(struct importer *importer);
int import_read_programs(struct importer *importer);
int import_read_staff(struct importer *importer);
int import_read_availability(struct importer *importer);
int import_read_teachers(struct importer *importer);
int import_read_timetable(struct importer *importer);
int import_read_students(struct importer *importer);
int import_read_services(struct importer *importer);
int import_read_needs(struct importer *importer);
int import_read_calendar(struct importer *importer);

/* True when every field of the row is empty (a spreadsheet's blank line): skipped. */
bool import_row_blank(const struct csv_row *row);
/* Checks the row's field count against the header; reports a mismatch. */
void import_check_width(struct row *row);
/* Row i of file in *ret_row, its width checked; false for a blank row (skip it). */
bool import_row_at(struct importer *importer, enum data_file file, size_t i, struct row *ret_row);
/* calloc'd room for the rows of file (at least one element) and for their lines; NULL when
 * memory ran out (noted). */
void *import_rows_alloc(struct importer *importer, enum data_file file, size_t size);
/* Records the line of the row just stored at index in file's array. */
void import_note_line(struct importer *importer, enum data_file file, size_t index, const struct row *row);
/* Adds id -> index to map; reports a duplicate at row's column. */
void import_index_id(struct row *row, int column, struct idmap *map, const char *id, size_t index,
                     const char *what);
