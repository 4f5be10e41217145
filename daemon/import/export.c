/* export.c: a loaded school written back as the CSV files of its data set, in memory, so that a
 * what-if can lay replacement files over the stored data set and read the whole set with the
 * ordinary importer. Every value is written explicitly (no cell left for a default), rows in
 * the school's order, so that import_school() gives back an equal school. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import-internal.h"
#include "model/textbuf.h"

/* One cell; RFC 4180 quoting when the text needs it (the reader trims spaces, so a value with
 * outer spaces never reaches a school). */
static void cell(struct textbuf *out, bool first, const char *text) {
        if (!first)
                textbuf_append(out, ",");
        if (!text || !*text)
                return;
        if (!strpbrk(text, ",\"\r\n")) {
                textbuf_append(out, text);
                return;
        }
        textbuf_append(out, "\"");
        for (const char *p = text; *p;) {
                const char *quote = strchr(p, '"');
                size_t n = quote ? (size_t)(quote - p) : strlen(p);
                textbuf_printf(out, "%.*s", (int)n, p);
                if (!quote)
                        break;
                textbuf_append(out, "\"\"");
                p = quote + 1;
        }
        textbuf_append(out, "\"");
}

static void cell_int(struct textbuf *out, int value) {
        textbuf_printf(out, ",%d", value);
}

static void cell_time(struct textbuf *out, int minutes) {
        char buf[6];
        cell(out, false, time_format(minutes, buf));
}

static void cell_days(struct textbuf *out, dayset days) {
        char buf[6];
        cell(out, false, dayset_format(days, buf));
}

static void cell_grade(struct textbuf *out, int grade) {
        if (grade == GRADE_K)
                textbuf_append(out, ",K");
        else
                cell_int(out, grade);
}

/* The file's header: its column names, in the order of import_file_specs. */
static void header(struct textbuf *out, enum data_file file) {
        const struct file_spec *spec = &import_file_specs[file];
        for (size_t c = 0; c < spec->n_columns; c++)
                cell(out, c == 0, spec->columns[c].name);
        textbuf_append(out, "\n");
}

static void write_school(const struct school *school, struct textbuf *out) {
        const struct school_info *info = &school->info;
        char a[11], b[11];
        cell(out, true, info->name);
        cell(out, false, info->timezone);
        cell_time(out, info->day_start);
        cell_time(out, info->day_end);
        cell(out, false, date_format(info->term_start, a));
        cell(out, false, date_format(info->term_end, b));
        cell_int(out, info->transition_minutes);
        textbuf_append(out, "\n");
}

static void write_teachers(const struct school *school, struct textbuf *out) {
        for (size_t i = 0; i < school->n_teachers; i++) {
                const struct teacher *t = &school->teachers[i];
                cell(out, true, t->id);
                cell(out, false, t->name);
                cell_grade(out, t->grade);
                cell(out, false, t->email);
                cell(out, false, t->room);
                textbuf_append(out, "\n");
        }
}

static void write_timetable(const struct school *school, struct textbuf *out) {
        for (size_t i = 0; i < school->n_blocks; i++) {
                const struct block *b = &school->blocks[i];
                cell(out, true, school->teachers[b->teacher].id);
                cell_days(out, b->days);
                cell_time(out, b->start);
                cell_time(out, b->end);
                cell(out, false, subject_names[b->subject]);
                cell(out, false, b->activity);
                cell(out, false, policy_names[b->policy]);
                textbuf_append(out, "\n");
        }
}

static void write_students(const struct school *school, struct textbuf *out) {
        for (size_t i = 0; i < school->n_students; i++) {
                const struct student *s = &school->students[i];
                cell(out, true, s->id);
                cell(out, false, s->name);
                cell_grade(out, s->grade);
                cell(out, false, school->teachers[s->teacher].id);
                textbuf_append(out, "\n");
        }
}

static void write_services(const struct school *school, struct textbuf *out) {
        for (size_t i = 0; i < school->n_services; i++) {
                const struct service *s = &school->services[i];
                cell(out, true, school->students[s->student].id);
                cell_days(out, s->days);
                cell_time(out, s->start);
                cell_time(out, s->end);
                cell(out, false, s->label);
                textbuf_append(out, "\n");
        }
}

/* items joined by ';' (ids and checklist items never hold one: the importer splits on it). */
static void cell_list(struct textbuf *out, const char *const *items, size_t n) {
        struct textbuf list = { 0 };
        for (size_t i = 0; i < n; i++) {
                textbuf_append(&list, i ? ";" : "");
                textbuf_append(&list, items[i]);
        }
        if (list.failed)
                out->failed = true;
        cell(out, false, list.text);
        textbuf_done(&list);
}

static void write_staff(const struct school *school, struct textbuf *out) {
        for (size_t i = 0; i < school->n_staff; i++) {
                const struct staff *s = &school->staff[i];
                cell(out, true, s->id);
                cell(out, false, s->name);
                cell(out, false, role_names[s->role]);
                cell(out, false, s->email);
                cell_int(out, s->max_sessions_per_day);
                const char **ids = calloc(s->n_programs ? s->n_programs : 1, sizeof *ids);
                if (!ids) {
                        out->failed = true;
                        return;
                }
                for (size_t p = 0; p < s->n_programs; p++)
                        ids[p] = school->programs[s->programs[p]].id;
                cell_list(out, ids, s->n_programs); /* empty: any program */
                free(ids);
                textbuf_append(out, "\n");
        }
}

static void write_availability(const struct school *school, struct textbuf *out) {
        for (size_t i = 0; i < school->n_availability; i++) {
                const struct availability *a = &school->availability[i];
                cell(out, true, school->staff[a->staff].id);
                cell_days(out, a->days);
                cell_time(out, a->start);
                cell_time(out, a->end);
                textbuf_append(out, "\n");
        }
}

static void write_programs(const struct school *school, struct textbuf *out) {
        for (size_t i = 0; i < school->n_programs; i++) {
                const struct program *p = &school->programs[i];
                cell(out, true, p->id);
                cell(out, false, p->name);
                cell(out, false, area_names[p->area]);
                cell_int(out, p->max_group);
                cell_int(out, p->minutes);
                cell_int(out, p->sessions_per_week);
                cell_int(out, p->max_grade_span);
                cell_list(out, (const char *const *)p->checklist, p->n_checklist);
                textbuf_append(out, "\n");
        }
}

static void write_needs(const struct school *school, struct textbuf *out) {
        for (size_t i = 0; i < school->n_needs; i++) {
                const struct need *n = &school->needs[i];
                cell(out, true, school->students[n->student].id);
                cell(out, false, school->programs[n->program].id);
                cell_int(out, n->tier);
                cell_int(out, n->sessions_per_week);
                cell_int(out, n->minutes);
                cell(out, false, n->staff >= 0 ? school->staff[n->staff].id : NULL);
                cell_int(out, n->level);
                textbuf_append(out, "\n");
        }
}

/* The days read from calendar.ics are in school->calendar too: they are written here, so the
 * stored calendar stands as a whole. */
static void write_calendar(const struct school *school, struct textbuf *out) {
        for (size_t i = 0; i < school->n_calendar; i++) {
                const struct calendar_day *d = &school->calendar[i];
                char date[11];
                cell(out, true, date_format(d->date, date));
                cell(out, false, calendar_kind_names[d->kind]);
                if (d->kind == CALENDAR_BLOCKED)
                        cell_time(out, d->start);
                else
                        cell(out, false, NULL);
                if (d->kind != CALENDAR_CLOSED)
                        cell_time(out, d->end);
                else
                        cell(out, false, NULL);
                cell(out, false, d->label);
                textbuf_append(out, "\n");
        }
}

int import_write_school(const struct school *school, struct import_file **ret_files, size_t *ret_n) {
        static void (*const writers[DATA_FILE_COUNT])(const struct school *, struct textbuf *) = {
                [DATA_SCHOOL] = write_school,       [DATA_TEACHERS] = write_teachers,
                [DATA_TIMETABLE] = write_timetable, [DATA_STUDENTS] = write_students,
                [DATA_SERVICES] = write_services,   [DATA_STAFF] = write_staff,
                [DATA_AVAILABILITY] = write_availability, [DATA_PROGRAMS] = write_programs,
                [DATA_NEEDS] = write_needs,         [DATA_CALENDAR] = write_calendar,
        };
        struct import_file *files = calloc(DATA_FILE_COUNT, sizeof *files);
        size_t n = 0;
        int r = files ? 0 : -ENOMEM;
        for (int file = 0; file < DATA_FILE_COUNT && r >= 0; file++) {
                struct textbuf out = { 0 };
                char *text = NULL;
                header(&out, file);
                writers[file](school, &out);
                size_t size = out.length;
                if ((r = textbuf_steal(&out, &text)) < 0)
                        break;
                files[n++] = (struct import_file){ .name = import_file_specs[file].name, .data = text, .size = size };
        }
        if (r < 0) {
                import_files_free(files, n);
                return r;
        }
        *ret_files = files;
        *ret_n = n;
        return 0;
}

void import_files_free(struct import_file *files, size_t n) {
        for (size_t i = 0; files && i < n; i++)
                free((char *)files[i].data);
        free(files);
}
