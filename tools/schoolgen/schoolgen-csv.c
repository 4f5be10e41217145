/* schoolgen-csv.c: writes a school as the CSV data set of DESIGN §3, one file per record kind.
 * Works for any struct school, not only generated ones, so tests can round-trip imports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolgen.h"

struct csv_file {
        FILE *f;
        bool first; /* no field written on this row yet */
};

static void csv_field(struct csv_file *csv, const char *text) {
        if (!csv->first)
                fputc(',', csv->f);
        csv->first = false;
        if (!text)
                return;
        if (strpbrk(text, ",\"\r\n") == NULL) {
                fputs(text, csv->f);
                return;
        }
        /* RFC 4180: quote the field and double every quote inside it. */
        fputc('"', csv->f);
        for (const char *c = text; *c; c++) {
                if (*c == '"')
                        fputc('"', csv->f);
                fputc(*c, csv->f);
        }
        fputc('"', csv->f);
}

static void csv_int(struct csv_file *csv, int value) {
        char text[16];
        snprintf(text, sizeof text, "%d", value);
        csv_field(csv, text);
}

static void csv_time(struct csv_file *csv, int minutes) {
        char text[6];
        csv_field(csv, time_format(minutes, text));
}

static void csv_days(struct csv_file *csv, dayset days) {
        char text[6];
        csv_field(csv, dayset_format(days, text));
}

static void csv_date(struct csv_file *csv, civil_date date) {
        char text[11];
        csv_field(csv, date_format(date, text));
}

static void csv_end_row(struct csv_file *csv) {
        fputc('\n', csv->f);
        csv->first = true;
}

static void csv_header(struct csv_file *csv, const char *header) {
        fputs(header, csv->f);
        fputc('\n', csv->f);
}

static int csv_open(const char *dir, const char *name, struct csv_file *ret_csv) {
        char *path = NULL;
        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return -ENOMEM;
        FILE *f = fopen(path, "we");
        int r = f ? 0 : -errno;
        free(path);
        if (r < 0)
                return r;
        *ret_csv = (struct csv_file){ .f = f, .first = true };
        return 0;
}

static int csv_close(struct csv_file *csv) {
        int r = ferror(csv->f) ? -EIO : 0;
        if (fclose(csv->f) != 0 && r == 0)
                r = -errno;
        csv->f = NULL;
        return r;
}

static void grade_text(int grade, char buf[static 4]) {
        if (grade == GRADE_K)
                strcpy(buf, "K");
        else
                snprintf(buf, 4, "%d", grade);
}

static void write_school(const struct school *school, struct csv_file *csv) {
        const struct school_info *info = &school->info;
        csv_header(csv, "name,timezone,day_start,day_end,term_start,term_end,transition_minutes");
        csv_field(csv, info->name);
        csv_field(csv, info->timezone);
        csv_time(csv, info->day_start);
        csv_time(csv, info->day_end);
        csv_date(csv, info->term_start);
        csv_date(csv, info->term_end);
        csv_int(csv, info->transition_minutes);
        csv_end_row(csv);
}

static void write_teachers(const struct school *school, struct csv_file *csv) {
        csv_header(csv, "teacher_id,name,grade,email,room");
        for (size_t i = 0; i < school->n_teachers; i++) {
                const struct teacher *t = &school->teachers[i];
                char grade[4];
                grade_text(t->grade, grade);
                csv_field(csv, t->id);
                csv_field(csv, t->name);
                csv_field(csv, grade);
                csv_field(csv, t->email);
                csv_field(csv, t->room);
                csv_end_row(csv);
        }
}

static int lowest_day(dayset days) {
        return days ? __builtin_ctz(days) : DAY_COUNT;
}

static int compare_blocks(const void *a, const void *b, void *userdata) {
        const struct block *blocks = userdata;
        const struct block *x = &blocks[*(const size_t *)a], *y = &blocks[*(const size_t *)b];
        if (x->teacher != y->teacher)
                return x->teacher < y->teacher ? -1 : 1;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        int dx = lowest_day(x->days), dy = lowest_day(y->days);
        if (dx != dy)
                return dx < dy ? -1 : 1;
        return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static bool same_text(const char *a, const char *b) {
        return a == b || (a && b && strcmp(a, b) == 0);
}

/* Blocks that differ only in their days become one row with several day letters, the way a
 * school writes its timetable. */
static int write_timetable(const struct school *school, struct csv_file *csv) {
        size_t n = school->n_blocks;
        size_t *order = calloc(n ? n : 1, sizeof *order);
        bool *done = calloc(n ? n : 1, sizeof *done);
        int r = 0;
        if (!order || !done) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < n; i++)
                order[i] = i;
        qsort_r(order, n, sizeof *order, compare_blocks, school->blocks);
        csv_header(csv, "teacher_id,days,start,end,subject,activity,policy");
        for (size_t i = 0; i < n; i++) {
                if (done[i])
                        continue;
                const struct block *block = &school->blocks[order[i]];
                dayset days = block->days;
                for (size_t j = i + 1; j < n; j++) {
                        const struct block *other = &school->blocks[order[j]];
                        if (other->teacher != block->teacher)
                                break;
                        if (!done[j] && other->start == block->start && other->end == block->end &&
                            other->subject == block->subject && other->policy == block->policy &&
                            same_text(other->activity, block->activity) && !(other->days & days)) {
                                days |= other->days;
                                done[j] = true;
                        }
                }
                csv_field(csv, school->teachers[block->teacher].id);
                csv_days(csv, days);
                csv_time(csv, block->start);
                csv_time(csv, block->end);
                csv_field(csv, subject_names[block->subject]);
                csv_field(csv, block->activity);
                csv_field(csv, policy_names[block->policy]);
                csv_end_row(csv);
        }
finish:
        free(order);
        free(done);
        return r;
}

static void write_students(const struct school *school, struct csv_file *csv) {
        csv_header(csv, "student_id,name,grade,teacher_id");
        for (size_t i = 0; i < school->n_students; i++) {
                const struct student *s = &school->students[i];
                char grade[4];
                grade_text(s->grade, grade);
                csv_field(csv, s->id);
                csv_field(csv, s->name);
                csv_field(csv, grade);
                csv_field(csv, school->teachers[s->teacher].id);
                csv_end_row(csv);
        }
}

static void write_services(const struct school *school, struct csv_file *csv) {
        csv_header(csv, "student_id,days,start,end,label");
        for (size_t i = 0; i < school->n_services; i++) {
                const struct service *s = &school->services[i];
                csv_field(csv, school->students[s->student].id);
                csv_days(csv, s->days);
                csv_time(csv, s->start);
                csv_time(csv, s->end);
                csv_field(csv, s->label);
                csv_end_row(csv);
        }
}

static int write_staff(const struct school *school, struct csv_file *csv) {
        csv_header(csv, "staff_id,name,role,email,max_sessions_per_day,programs");
        for (size_t i = 0; i < school->n_staff; i++) {
                const struct staff *s = &school->staff[i];
                size_t length = 1;
                for (size_t p = 0; p < s->n_programs; p++)
                        length += strlen(school->programs[s->programs[p]].id) + 1;
                char *programs = calloc(length, 1);
                if (!programs)
                        return -ENOMEM;
                for (size_t p = 0; p < s->n_programs; p++) {
                        if (p > 0)
                                strcat(programs, ";");
                        strcat(programs, school->programs[s->programs[p]].id);
                }
                csv_field(csv, s->id);
                csv_field(csv, s->name);
                csv_field(csv, role_names[s->role]);
                csv_field(csv, s->email);
                if (s->max_sessions_per_day > 0)
                        csv_int(csv, s->max_sessions_per_day);
                else
                        csv_field(csv, NULL);
                csv_field(csv, programs);
                csv_end_row(csv);
                free(programs);
        }
        return 0;
}

static void write_availability(const struct school *school, struct csv_file *csv) {
        csv_header(csv, "staff_id,days,start,end");
        for (size_t i = 0; i < school->n_availability; i++) {
                const struct availability *a = &school->availability[i];
                csv_field(csv, school->staff[a->staff].id);
                csv_days(csv, a->days);
                csv_time(csv, a->start);
                csv_time(csv, a->end);
                csv_end_row(csv);
        }
}

static int write_programs(const struct school *school, struct csv_file *csv) {
        csv_header(csv, "program_id,name,area,max_group,minutes,sessions_per_week,max_grade_span,checklist");
        for (size_t i = 0; i < school->n_programs; i++) {
                const struct program *p = &school->programs[i];
                size_t length = 1;
                for (size_t c = 0; c < p->n_checklist; c++)
                        length += strlen(p->checklist[c]) + 1;
                char *checklist = calloc(length, 1);
                if (!checklist)
                        return -ENOMEM;
                for (size_t c = 0; c < p->n_checklist; c++) {
                        if (c > 0)
                                strcat(checklist, ";");
                        strcat(checklist, p->checklist[c]);
                }
                csv_field(csv, p->id);
                csv_field(csv, p->name);
                csv_field(csv, area_names[p->area]);
                csv_int(csv, p->max_group);
                csv_int(csv, p->minutes);
                csv_int(csv, p->sessions_per_week);
                csv_int(csv, p->max_grade_span);
                csv_field(csv, checklist);
                csv_end_row(csv);
                free(checklist);
        }
        return 0;
}

/* Values equal to the program's stay empty, as a coordinator's spreadsheet would leave them. */
static void write_needs(const struct school *school, struct csv_file *csv) {
        csv_header(csv, "student_id,program_id,tier,sessions_per_week,minutes,staff_id,level");
        for (size_t i = 0; i < school->n_needs; i++) {
                const struct need *n = &school->needs[i];
                const struct program *p = &school->programs[n->program];
                csv_field(csv, school->students[n->student].id);
                csv_field(csv, p->id);
                csv_int(csv, n->tier);
                if (n->sessions_per_week != p->sessions_per_week)
                        csv_int(csv, n->sessions_per_week);
                else
                        csv_field(csv, NULL);
                if (n->minutes != p->minutes)
                        csv_int(csv, n->minutes);
                else
                        csv_field(csv, NULL);
                csv_field(csv, n->staff >= 0 ? school->staff[n->staff].id : NULL);
                if (n->level > 0)
                        csv_int(csv, n->level);
                else
                        csv_field(csv, NULL);
                csv_end_row(csv);
        }
}

static void write_calendar(const struct school *school, struct csv_file *csv) {
        csv_header(csv, "date,kind,start,end,label");
        for (size_t i = 0; i < school->n_calendar; i++) {
                const struct calendar_day *day = &school->calendar[i];
                csv_date(csv, day->date);
                csv_field(csv, calendar_kind_names[day->kind]);
                if (day->kind == CALENDAR_BLOCKED)
                        csv_time(csv, day->start);
                else
                        csv_field(csv, NULL);
                if (day->kind != CALENDAR_CLOSED)
                        csv_time(csv, day->end);
                else
                        csv_field(csv, NULL);
                csv_field(csv, day->label);
                csv_end_row(csv);
        }
}

enum csv_kind {
        CSV_SCHOOL,
        CSV_TEACHERS,
        CSV_TIMETABLE,
        CSV_STUDENTS,
        CSV_SERVICES,
        CSV_STAFF,
        CSV_AVAILABILITY,
        CSV_PROGRAMS,
        CSV_NEEDS,
        CSV_CALENDAR,
        CSV_COUNT
};

static const char *const csv_names[CSV_COUNT] = {
        "school.csv", "teachers.csv", "timetable.csv", "students.csv", "services.csv",
        "staff.csv", "availability.csv", "programs.csv", "needs.csv", "calendar.csv",
};

int schoolgen_write_csv(const struct school *school, const char *dir) {
        if (!school || !dir)
                return -EINVAL;
        for (int k = 0; k < CSV_COUNT; k++) {
                struct csv_file csv;
                int r = csv_open(dir, csv_names[k], &csv);
                if (r < 0)
                        return r;
                switch ((enum csv_kind)k) {
                case CSV_SCHOOL: write_school(school, &csv); break;
                case CSV_TEACHERS: write_teachers(school, &csv); break;
                case CSV_TIMETABLE: r = write_timetable(school, &csv); break;
                case CSV_STUDENTS: write_students(school, &csv); break;
                case CSV_SERVICES: write_services(school, &csv); break;
                case CSV_STAFF: r = write_staff(school, &csv); break;
                case CSV_AVAILABILITY: write_availability(school, &csv); break;
                case CSV_PROGRAMS: r = write_programs(school, &csv); break;
                case CSV_NEEDS: write_needs(school, &csv); break;
                case CSV_CALENDAR: write_calendar(school, &csv); break;
                case CSV_COUNT: break;
                }
                int rc = csv_close(&csv);
                if (r < 0)
                        return r;
                if (rc < 0)
                        return rc;
        }
        return 0;
}
