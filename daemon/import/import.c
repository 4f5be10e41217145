/* import.c: the entry of the importer: matches the files handed in to the data set's files,
 * reads their headers, runs the per-file readers in dependency order and builds the report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import-internal.h"

#define COLUMNS(array) array, sizeof array / sizeof array[0]

static const struct column_spec school_columns[] = {
        { "name", true },         { "timezone", true }, { "day_start", true },          { "day_end", true },
        { "term_start", true },   { "term_end", true }, { "transition_minutes", false },
};
static const struct column_spec teacher_columns[] = {
        { "teacher_id", true }, { "name", true }, { "grade", true }, { "email", false }, { "room", false },
};
static const struct column_spec timetable_columns[] = {
        { "teacher_id", true }, { "days", true },      { "start", true },   { "end", true },
        { "subject", true },    { "activity", false }, { "policy", false },
};
static const struct column_spec student_columns[] = {
        { "student_id", true }, { "name", true }, { "grade", true }, { "teacher_id", true },
};
static const struct column_spec service_columns[] = {
        { "student_id", true }, { "days", true }, { "start", true }, { "end", true }, { "label", false },
};
static const struct column_spec staff_columns[] = {
        { "staff_id", true }, { "name", true },     { "role", true },
        { "email", false },   { "max_sessions_per_day", false }, { "programs", false },
};
static const struct column_spec availability_columns[] = {
        { "staff_id", true }, { "days", true }, { "start", true }, { "end", true },
};
static const struct column_spec program_columns[] = {
        { "program_id", true },        { "name", true },    { "area", true },
        { "max_group", true },         { "minutes", true }, { "sessions_per_week", true },
        { "max_grade_span", false },   { "checklist", false },
};
static const struct column_spec need_columns[] = {
        { "student_id", true },  { "program_id", true }, { "tier", false }, { "sessions_per_week", false },
        { "minutes", false },    { "staff_id", false },  { "level", false },
};
static const struct column_spec calendar_columns[] = {
        { "date", true }, { "kind", true }, { "start", false }, { "end", false }, { "label", false },
};

const struct file_spec import_file_specs[DATA_FILE_COUNT] = {
        [DATA_SCHOOL] = { "school.csv", true, COLUMNS(school_columns) },
        [DATA_TEACHERS] = { "teachers.csv", true, COLUMNS(teacher_columns) },
        [DATA_TIMETABLE] = { "timetable.csv", true, COLUMNS(timetable_columns) },
        [DATA_STUDENTS] = { "students.csv", true, COLUMNS(student_columns) },
        [DATA_SERVICES] = { "services.csv", false, COLUMNS(service_columns) },
        [DATA_STAFF] = { "staff.csv", true, COLUMNS(staff_columns) },
        [DATA_AVAILABILITY] = { "availability.csv", true, COLUMNS(availability_columns) },
        [DATA_PROGRAMS] = { "programs.csv", true, COLUMNS(program_columns) },
        [DATA_NEEDS] = { "needs.csv", true, COLUMNS(need_columns) },
        [DATA_CALENDAR] = { "calendar.csv", false, COLUMNS(calendar_columns) },
};

/* Files another module reads: accepted without a word. */
static const char *const foreign_files[] = { "calendar.ics", NULL };

/* Sort key of messages about the data set as a whole, and about files outside it. */
#define ORDER_DATA_SET (-1)
#define ORDER_OTHER_FILE DATA_FILE_COUNT

static void list_add(struct importer *importer, struct message_list *list, int file, unsigned line, char *text) {
        if (!text) {
                importer->out_of_memory = true;
                return;
        }
        if (list->n == list->cap) {
                size_t cap = list->cap ? list->cap * 2 : 32;
                struct message *items = realloc(list->items, cap * sizeof *items);
                if (!items) {
                        free(text);
                        importer->out_of_memory = true;
                        return;
                }
                list->items = items;
                list->cap = cap;
        }
        list->items[list->n++] = (struct message){ .file = file, .line = line, .seq = importer->seq++, .text = text };
}

static char *format_message(const char *file_name, unsigned line, const char *column, const char *format,
                            va_list ap) {
        char *what = NULL, *text = NULL;
        if (vasprintf(&what, format, ap) < 0)
                return NULL;
        int r;
        if (line == 0)
                r = asprintf(&text, "%s: %s", file_name, what);
        else if (column)
                r = asprintf(&text, "%s:%u: column %s: %s", file_name, line, column, what);
        else
                r = asprintf(&text, "%s:%u: %s", file_name, line, what);
        free(what);
        return r < 0 ? NULL : text;
}

static void add_message(struct importer *importer, bool is_error, int file, const char *file_name, unsigned line,
                        const char *column, const char *format, va_list ap) {
        struct message_list *list = is_error ? &importer->errors : &importer->warnings;
        if (is_error && list->n >= IMPORT_MAX_ERRORS) {
                importer->dropped_errors++;
                return;
        }
        if (!is_error && list->n >= IMPORT_MAX_ERRORS)
                return;
        list_add(importer, list, file, line, format_message(file_name, line, column, format, ap));
}

void importer_error(struct importer *importer, int file, unsigned line, const char *column, const char *format,
                    ...) {
        va_list ap;
        va_start(ap, format);
        add_message(importer, true, file, importer->sources[file].name, line, column, format, ap);
        va_end(ap);
}

void importer_warning(struct importer *importer, int file, unsigned line, const char *column,
                      const char *format, ...) {
        va_list ap;
        va_start(ap, format);
        add_message(importer, false, file, importer->sources[file].name, line, column, format, ap);
        va_end(ap);
}

/* A message about a file by the name it was handed in with (unknown files, the data set). */
static void named_message(struct importer *importer, bool is_error, int order, const char *name,
                          const char *format, ...) __attribute__((format(printf, 5, 6)));
static void named_message(struct importer *importer, bool is_error, int order, const char *name,
                          const char *format, ...) {
        va_list ap;
        va_start(ap, format);
        add_message(importer, is_error, order, name, 0, NULL, format, ap);
        va_end(ap);
}

static int compare_messages(const void *a, const void *b) {
        const struct message *x = a, *y = b;
        if (x->file != y->file)
                return x->file < y->file ? -1 : 1;
        if (x->line != y->line)
                return x->line < y->line ? -1 : 1;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Moves the messages of list to the report's lines (sorted), leaving list empty. */
static int move_messages(struct message_list *list, char ***lines, size_t *n_lines, const char *extra) {
        size_t total = *n_lines + list->n + (extra ? 1 : 0);
        int r = 0;

        if (list->n > 1)
                qsort(list->items, list->n, sizeof *list->items, compare_messages);
        if (total > *n_lines) {
                char **grown = realloc(*lines, total * sizeof *grown);
                if (!grown) {
                        r = -ENOMEM;
                        goto finish;
                }
                *lines = grown;
        }
        for (size_t i = 0; i < list->n; i++) {
                (*lines)[(*n_lines)++] = list->items[i].text;
                list->items[i].text = NULL;
        }
        if (extra) {
                char *copy = strdup(extra);
                if (!copy) {
                        r = -ENOMEM;
                        goto finish;
                }
                (*lines)[(*n_lines)++] = copy;
        }
finish:
        for (size_t i = 0; i < list->n; i++)
                free(list->items[i].text);
        free(list->items);
        *list = (struct message_list){ 0 };
        return r;
}

void import_report_clear(struct import_report *report) {
        if (!report)
                return;
        for (size_t i = 0; i < report->n_errors; i++)
                free(report->errors[i]);
        free(report->errors);
        for (size_t i = 0; i < report->n_warnings; i++)
                free(report->warnings[i]);
        free(report->warnings);
        *report = (struct import_report){ 0 };
}

static const char *base_name(const char *name) {
        const char *slash = strrchr(name, '/');
        return slash ? slash + 1 : name;
}

struct parse_context {
        struct importer *importer;
        enum data_file file;
};

static void on_csv_error(void *userdata, unsigned line, const char *message) {
        struct parse_context *context = userdata;
        importer_error(context->importer, context->file, line, NULL, "%s", message);
}

/* Reads a file's text and maps its header onto the file's columns. */
static int read_source(struct importer *importer, enum data_file file) {
        struct source *source = &importer->sources[file];
        const struct file_spec *spec = &import_file_specs[file];
        struct parse_context context = { importer, file };
        struct csv_table *table = NULL;

        for (size_t c = 0; c < IMPORT_MAX_SPEC_COLUMNS; c++)
                source->columns[c] = -1;
        int r = csv_table_parse(source->file->data, source->file->size, CSV_TABLE_TRIM, on_csv_error, &context,
                                &table);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0; /* reported; the file stays unusable */

        const struct csv_row *header = &table->header;
        if (header->n_fields == 0) {
                importer_error(importer, file, 1, NULL, "the file is empty (the first line must name the columns)");
                csv_table_free(table);
                return 0;
        }
        for (size_t f = 0; f < header->n_fields; f++) {
                const char *name = header->fields[f];
                size_t c;
                for (c = 0; c < spec->n_columns; c++)
                        if (strcmp(spec->columns[c].name, name) == 0)
                                break;
                if (c == spec->n_columns) {
                        if (*name)
                                importer_warning(importer, file, header->line, name, "unknown column, ignored");
                        else
                                importer_warning(importer, file, header->line, NULL,
                                                 "column %zu has no name, ignored", f + 1);
                        continue;
                }
                if (source->columns[c] >= 0) {
                        importer_error(importer, file, header->line, name, "appears twice in the header");
                        continue;
                }
                source->columns[c] = (int)f;
        }
        for (size_t c = 0; c < spec->n_columns; c++)
                if (spec->columns[c].required && source->columns[c] < 0) {
                        importer_error(importer, file, header->line, spec->columns[c].name, "missing required column");
                }
        source->table = table;
        /* The first column is the key other files refer to (or the school's name): with it, the
         * rows can stand for the file even when another column is missing. */
        source->usable = source->columns[0] >= 0;
        return 0;
}

/* Matches the files handed in to the data set's files. */
static void match_files(struct importer *importer, const struct import_file *files, size_t n_files) {
        for (size_t i = 0; i < n_files; i++) {
                const char *name = files[i].name ? base_name(files[i].name) : "";
                int file;
                for (file = 0; file < DATA_FILE_COUNT; file++)
                        if (strcmp(import_file_specs[file].name, name) == 0)
                                break;
                if (file < DATA_FILE_COUNT) {
                        if (importer->sources[file].file)
                                importer_error(importer, file, 0, NULL, "handed in twice");
                        else
                                importer->sources[file].file = &files[i];
                        continue;
                }
                bool foreign = false;
                for (size_t k = 0; foreign_files[k]; k++)
                        foreign = foreign || strcmp(foreign_files[k], name) == 0;
                if (!foreign)
                        named_message(importer, false, ORDER_OTHER_FILE, *name ? name : "(no name)",
                                      "not a file of the data set, ignored");
        }
        for (int file = 0; file < DATA_FILE_COUNT; file++)
                if (!importer->sources[file].file && import_file_specs[file].required)
                        importer_error(importer, file, 0, NULL, "missing required file");
}

/* The limits on the data set as a whole. False when it is too big to read. */
static bool check_limits(struct importer *importer, const struct import_file *files, size_t n_files) {
        if (n_files > IMPORT_MAX_FILES) {
                named_message(importer, true, ORDER_DATA_SET, files[IMPORT_MAX_FILES].name ? files[IMPORT_MAX_FILES].name : "(no name)",
                              "more than %d files handed in (a data set has at most %d)", IMPORT_MAX_FILES,
                              IMPORT_MAX_FILES);
                return false;
        }
        size_t total = 0;
        for (size_t i = 0; i < n_files; i++) {
                if (files[i].size > IMPORT_MAX_BYTES - total) {
                        named_message(importer, true, ORDER_DATA_SET, files[i].name ? files[i].name : "(no name)",
                                      "the data set grows past its limit of %u MiB with this file (%zu bytes)",
                                      IMPORT_MAX_BYTES / (1024 * 1024), files[i].size);
                        return false;
                }
                total += files[i].size;
                if (!files[i].data && files[i].size > 0) {
                        named_message(importer, true, ORDER_DATA_SET, files[i].name ? files[i].name : "(no name)",
                                      "no data");
                        return false;
                }
        }
        return true;
}

static int finish_report(struct importer *importer, struct import_report *report) {
        char extra[128];
        const char *more = NULL;
        if (importer->dropped_errors) {
                snprintf(extra, sizeof extra, "... and %zu more errors (only the first %d are listed)",
                         importer->dropped_errors, IMPORT_MAX_ERRORS);
                more = extra;
        }
        int r = move_messages(&importer->errors, &report->errors, &report->n_errors, more);
        int k = move_messages(&importer->warnings, &report->warnings, &report->n_warnings, NULL);
        return r < 0 ? r : k;
}

static void importer_done(struct importer *importer) {
        for (int file = 0; file < DATA_FILE_COUNT; file++)
                csv_table_free(importer->sources[file].table);
        for (size_t i = 0; i < importer->errors.n; i++)
                free(importer->errors.items[i].text);
        free(importer->errors.items);
        for (size_t i = 0; i < importer->warnings.n; i++)
                free(importer->warnings.items[i].text);
        free(importer->warnings.items);
        idmap_done(&importer->teacher_ids);
        idmap_done(&importer->student_ids);
        idmap_done(&importer->staff_ids);
        idmap_done(&importer->program_ids);
        free(importer->staff_role_known);
        free(importer->staff_programs_known);
        for (int file = 0; file < DATA_FILE_COUNT; file++)
                free(importer->row_lines[file]);
        school_unref(importer->school);
}

int import_school(const struct import_file *files, size_t n_files, struct school **ret_school,
                  struct import_report *report) {
        /* Readers run so that every file's references point to files read before it. */
        static int (*const readers[])(struct importer *) = {
                import_read_school,       import_read_programs, import_read_staff,
                import_read_availability, import_read_teachers, import_read_timetable,
                import_read_students,     import_read_services, import_read_needs,
                import_read_calendar,
        };
        struct importer importer = { 0 };
        int r;

        if ((!files && n_files > 0) || !ret_school || !report)
                return -EINVAL;
        for (int file = 0; file < DATA_FILE_COUNT; file++)
                importer.sources[file].name = import_file_specs[file].name;

        if (!check_limits(&importer, files, n_files)) {
                r = -EINVAL;
                goto finish;
        }
        match_files(&importer, files, n_files);
        for (int file = 0; file < DATA_FILE_COUNT; file++) {
                if (!importer.sources[file].file)
                        continue;
                r = read_source(&importer, file);
                if (r < 0)
                        goto finish;
        }

        importer.school = school_new();
        if (!importer.school) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < sizeof readers / sizeof readers[0] && !importer.out_of_memory; i++) {
                r = readers[i](&importer);
                if (r < 0)
                        goto finish;
        }
        r = importer.errors.n > 0 || importer.dropped_errors > 0 ? -EINVAL : 0;
finish:
        if (importer.out_of_memory)
                r = -ENOMEM;
        int k = finish_report(&importer, report);
        if (r == 0 && k < 0)
                r = k;
        if (r == 0) {
                *ret_school = importer.school;
                importer.school = NULL;
        }
        importer_done(&importer);
        return r;
}

int import_overlay(const struct school *stored, const struct import_file *files, size_t n_files,
                   struct school **ret_school, struct import_report *report) {
        struct import_file *base = NULL, *set = NULL;
        size_t n_base = 0, n_set = 0;
        bool any = false;
        if ((!files && n_files > 0) || !stored || !ret_school || !report)
                return -EINVAL;
        int r = import_write_school(stored, &base, &n_base);
        if (r < 0)
                return r;
        if (!(set = calloc(n_base + n_files + 1, sizeof *set))) {
                import_files_free(base, n_base);
                return -ENOMEM;
        }
        /* The stored files a file of DIR does not replace, then every file of DIR: the
         * importer names a file handed in twice, or one that is not part of a data set. */
        for (size_t i = 0; i < n_base; i++) {
                bool replaced = false;
                for (size_t k = 0; k < n_files && !replaced; k++)
                        replaced = files[k].name && strcmp(base_name(files[k].name), base[i].name) == 0;
                if (!replaced)
                        set[n_set++] = base[i];
                any = any || replaced;
        }
        for (size_t k = 0; k < n_files; k++)
                set[n_set++] = files[k];
        if (!any) {
                struct importer importer = { 0 };
                named_message(&importer, true, ORDER_DATA_SET, "what-if",
                              "no file of the data set to lay over the stored one (pullout-data(5) lists them)");
                finish_report(&importer, report);
                importer_done(&importer);
                r = -EINVAL;
        } else {
                r = import_school(set, n_set, ret_school, report);
        }
        free(set);
        import_files_free(base, n_base);
        return r;
}
