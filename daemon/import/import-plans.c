/* import-plans.c: readers of the intervention side of the data set: programs.csv, staff.csv,
 * availability.csv, needs.csv and calendar.csv. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import-internal.h"

int import_read_programs(struct importer *importer) {
        const struct source *source = &importer->sources[DATA_PROGRAMS];
        struct school *school = importer->school;

        if (!source->table)
                return 0;
        school->programs = import_rows_alloc(importer, DATA_PROGRAMS, sizeof *school->programs);
        if (!school->programs || idmap_init(&importer->program_ids, source->table->n_rows) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < source->table->n_rows; i++) {
                struct row row;
                if (!import_row_at(importer, DATA_PROGRAMS, i, &row))
                        continue;
                size_t index = school->n_programs++;
                struct program *program = &school->programs[index];
                import_note_line(importer, DATA_PROGRAMS, index, &row);

                row_id(&row, PROGRAM_ID, true, &program->id);
                import_index_id(&row, PROGRAM_ID, &importer->program_ids, program->id, index, "program");
                row_text(&row, PROGRAM_NAME, &program->name);
                int area;
                if (row_enum(&row, PROGRAM_AREA, area_names, "program area", &area) == 1)
                        program->area = area;
                row_int(&row, PROGRAM_MAX_GROUP, 1, 12, &program->max_group);
                row_int(&row, PROGRAM_MINUTES, 5, 120, &program->minutes);
                row_int(&row, PROGRAM_SESSIONS_PER_WEEK, 1, 5, &program->sessions_per_week);
                program->max_grade_span = 1;
                row_int(&row, PROGRAM_MAX_GRADE_SPAN, 0, GRADE_MAX, &program->max_grade_span);
                if (import_split_list(row_cell(&row, PROGRAM_CHECKLIST), &program->checklist, &program->n_checklist) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* staff.csv's programs: the program ids one person is trained in. 1 when all are known. */
static int read_staff_programs(struct row *row, struct staff *staff) {
        struct importer *importer = row->importer;
        char **items = NULL;
        size_t n = 0;
        int r = 1;

        if (import_split_list(row_cell(row, STAFF_PROGRAMS), &items, &n) < 0)
                return -ENOMEM;
        staff->programs = calloc(n ? n : 1, sizeof *staff->programs);
        if (!staff->programs) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < n; i++) {
                int program = idmap_get(&importer->program_ids, items[i]);
                if (program < 0) {
                        if (importer->sources[DATA_PROGRAMS].usable)
                                row_error(row, STAFF_PROGRAMS, "program %s is not in programs.csv",
                                          import_shown(items[i], (char[IMPORT_SHOWN_SIZE]){ 0 }));
                        r = 0;
                        continue;
                }
                bool seen = false;
                for (size_t k = 0; k < staff->n_programs; k++)
                        seen = seen || staff->programs[k] == program;
                if (!seen)
                        staff->programs[staff->n_programs++] = program;
        }
finish:
        for (size_t i = 0; i < n; i++)
                free(items[i]);
        free(items);
        return r;
}

int import_read_staff(struct importer *importer) {
        const struct source *source = &importer->sources[DATA_STAFF];
        struct school *school = importer->school;

        if (!source->table)
                return 0;
        size_t n_rows = source->table->n_rows;
        school->staff = import_rows_alloc(importer, DATA_STAFF, sizeof *school->staff);
        importer->staff_role_known = calloc(n_rows + 1, sizeof(bool));
        importer->staff_programs_known = calloc(n_rows + 1, sizeof(bool));
        if (!school->staff || !importer->staff_role_known || !importer->staff_programs_known ||
            idmap_init(&importer->staff_ids, n_rows) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < n_rows; i++) {
                struct row row;
                if (!import_row_at(importer, DATA_STAFF, i, &row))
                        continue;
                size_t index = school->n_staff++;
                struct staff *staff = &school->staff[index];
                import_note_line(importer, DATA_STAFF, index, &row);

                row_id(&row, STAFF_ID, false, &staff->id);
                import_index_id(&row, STAFF_ID, &importer->staff_ids, staff->id, index, "staff member");
                row_text(&row, STAFF_NAME, &staff->name);
                int role;
                if (row_enum(&row, STAFF_ROLE, role_names, "role", &role) == 1) {
                        staff->role = role;
                        importer->staff_role_known[index] = true;
                }
                row_text(&row, STAFF_EMAIL, &staff->email);
                row_int(&row, STAFF_MAX_SESSIONS_PER_DAY, 0, 20, &staff->max_sessions_per_day);
                int r = read_staff_programs(&row, staff);
                if (r < 0)
                        return r;
                importer->staff_programs_known[index] = r == 1;
        }
        return 0;
}

int import_read_availability(struct importer *importer) {
        const struct source *source = &importer->sources[DATA_AVAILABILITY];
        struct school *school = importer->school;
        bool *has_time = NULL;

        if (!source->table)
                return 0;
        school->availability = import_rows_alloc(importer, DATA_AVAILABILITY, sizeof *school->availability);
        has_time = calloc(school->n_staff + 1, sizeof *has_time);
        if (!school->availability || !has_time) {
                free(has_time);
                return -ENOMEM;
        }
        for (size_t i = 0; i < source->table->n_rows; i++) {
                struct row row;
                if (!import_row_at(importer, DATA_AVAILABILITY, i, &row))
                        continue;
                size_t index = school->n_availability++;
                struct availability *availability = &school->availability[index];
                import_note_line(importer, DATA_AVAILABILITY, index, &row);

                availability->staff = -1;
                if (row_reference(&row, AVAILABILITY_STAFF_ID, &importer->staff_ids, DATA_STAFF, "staff member",
                                  &availability->staff) == 1) {
                        has_time[availability->staff] = true;
                        if (importer->staff_role_known[availability->staff] &&
                            school->staff[availability->staff].role != ROLE_INTERVENTIONIST)
                                row_warning(&row, AVAILABILITY_STAFF_ID,
                                            "%s is a %s, not an interventionist: this time is not used",
                                            school->staff[availability->staff].id,
                                            role_names[school->staff[availability->staff].role]);
                }
                row_weekly_span(&row, AVAILABILITY_DAYS, AVAILABILITY_START, AVAILABILITY_END, &availability->days,
                                &availability->start, &availability->end);
        }
        /* Not an error (a person may be on leave), but worth a line: nobody gets their sessions. */
        if (importer->sources[DATA_AVAILABILITY].usable)
                for (size_t s = 0; s < school->n_staff; s++)
                        if (!has_time[s] && importer->staff_role_known[s] &&
                            school->staff[s].role == ROLE_INTERVENTIONIST && school->staff[s].id)
                                importer_warning(importer, DATA_STAFF, importer->row_lines[DATA_STAFF][s], "staff_id",
                                                 "%s has no time in availability.csv: no session can be "
                                                 "scheduled with them",
                                                 import_shown(school->staff[s].id, (char[IMPORT_SHOWN_SIZE]){ 0 }));
        free(has_time);
        return 0;
}

/* The pinned interventionist of a need must be one, and trained for the need's program. */
static void check_need_staff(struct row *row, const struct need *need) {
        const struct school *school = row->importer->school;
        const struct staff *staff = &school->staff[need->staff];

        if (row->importer->staff_role_known[need->staff] && staff->role != ROLE_INTERVENTIONIST) {
                row_error(row, NEED_STAFF_ID, "staff member %s is a %s, not an interventionist", staff->id,
                          role_names[staff->role]);
                return;
        }
        if (need->program < 0 || !row->importer->staff_programs_known[need->staff] ||
            !row->importer->staff_role_known[need->staff] || staff_can_teach(school, need->staff, need->program))
                return;
        char list[256] = "";
        for (size_t i = 0; i < staff->n_programs; i++) {
                if (i > 0)
                        strncat(list, ";", sizeof list - strlen(list) - 1);
                strncat(list, school->programs[staff->programs[i]].id, sizeof list - strlen(list) - 1);
        }
        row_error(row, NEED_STAFF_ID,
                  "staff member %s is not trained for program %s (staff.csv lists: %s); add it to their "
                  "programs or pin someone else",
                  staff->id, school->programs[need->program].id, list);
}

struct need_key {
        int student, program;
        unsigned line;
};

static int compare_need_keys(const void *a, const void *b) {
        const struct need_key *x = a, *y = b;
        if (x->student != y->student)
                return x->student < y->student ? -1 : 1;
        if (x->program != y->program)
                return x->program < y->program ? -1 : 1;
        return x->line < y->line ? -1 : x->line > y->line;
}

/* A need is keyed by (student, program): a second one would double the plan. */
static int check_duplicate_needs(struct importer *importer) {
        const struct school *school = importer->school;
        struct need_key *keys = calloc(school->n_needs + 1, sizeof *keys);
        size_t n = 0;

        if (!keys)
                return -ENOMEM;
        for (size_t i = 0; i < school->n_needs; i++)
                if (school->needs[i].student >= 0 && school->needs[i].program >= 0)
                        keys[n++] = (struct need_key){ school->needs[i].student, school->needs[i].program,
                                                       importer->row_lines[DATA_NEEDS][i] };
        qsort(keys, n, sizeof *keys, compare_need_keys);
        for (size_t i = 1, first = 0; i < n; i++) {
                if (keys[i].student != keys[first].student || keys[i].program != keys[first].program) {
                        first = i;
                        continue;
                }
                importer_error(importer, DATA_NEEDS, keys[i].line, "program_id",
                               "student %s already has a need in program %s on line %u",
                               school->students[keys[i].student].id, school->programs[keys[i].program].id,
                               keys[first].line);
        }
        free(keys);
        return 0;
}

int import_read_needs(struct importer *importer) {
        const struct source *source = &importer->sources[DATA_NEEDS];
        struct school *school = importer->school;

        if (!source->table)
                return 0;
        school->needs = import_rows_alloc(importer, DATA_NEEDS, sizeof *school->needs);
        if (!school->needs)
                return -ENOMEM;
        for (size_t i = 0; i < source->table->n_rows; i++) {
                struct row row;
                if (!import_row_at(importer, DATA_NEEDS, i, &row))
                        continue;
                size_t index = school->n_needs++;
                struct need *need = &school->needs[index];
                import_note_line(importer, DATA_NEEDS, index, &row);

                *need = (struct need){ .student = -1, .program = -1, .tier = 2, .staff = -1, .level = 0 };
                row_reference(&row, NEED_STUDENT_ID, &importer->student_ids, DATA_STUDENTS, "student", &need->student);
                if (row_reference(&row, NEED_PROGRAM_ID, &importer->program_ids, DATA_PROGRAMS, "program",
                                  &need->program) == 1) {
                        need->sessions_per_week = school->programs[need->program].sessions_per_week;
                        need->minutes = school->programs[need->program].minutes;
                }
                row_int(&row, NEED_TIER, 1, 3, &need->tier);
                row_int(&row, NEED_SESSIONS_PER_WEEK, 1, 5, &need->sessions_per_week);
                row_int(&row, NEED_MINUTES, 5, 120, &need->minutes);
                if (row_reference(&row, NEED_STAFF_ID, &importer->staff_ids, DATA_STAFF, "staff member", &need->staff) == 1)
                        check_need_staff(&row, need);
                row_int(&row, NEED_LEVEL, 0, 99, &need->level);
        }
        return check_duplicate_needs(importer);
}

static const char *const day_names[7] = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };

int import_read_calendar(struct importer *importer) {
        const struct source *source = &importer->sources[DATA_CALENDAR];
        struct school *school = importer->school;
        const struct school_info *info = &school->info;

        if (!source->table)
                return 0;
        school->calendar = import_rows_alloc(importer, DATA_CALENDAR, sizeof *school->calendar);
        if (!school->calendar)
                return -ENOMEM;
        for (size_t i = 0; i < source->table->n_rows; i++) {
                struct row row;
                if (!import_row_at(importer, DATA_CALENDAR, i, &row))
                        continue;
                size_t index = school->n_calendar++;
                struct calendar_day *day = &school->calendar[index];
                import_note_line(importer, DATA_CALENDAR, index, &row);
                char a[11], b[11], c[11];

                if (row_date(&row, CALENDAR_DATE, &day->date) == 1) {
                        if (importer->term_known && (day->date < info->term_start || day->date > info->term_end))
                                row_warning(&row, CALENDAR_DATE, "%s is outside the term (%s to %s in school.csv)",
                                            date_format(day->date, a), date_format(info->term_start, b),
                                            date_format(info->term_end, c));
                        else if (date_weekday(day->date) >= DAY_COUNT)
                                row_warning(&row, CALENDAR_DATE, "%s is a %s, not a school day",
                                            date_format(day->date, a), day_names[date_weekday(day->date)]);
                }
                row_text(&row, CALENDAR_LABEL, &day->label);
                int kind;
                if (row_enum(&row, CALENDAR_KIND, calendar_kind_names, "calendar kind", &kind) != 1) {
                        /* Still read the times, so that their own faults show up now. */
                        int ignored;
                        row_time(&row, CALENDAR_START, &ignored);
                        row_time(&row, CALENDAR_END, &ignored);
                        continue;
                }
                day->kind = kind;
                switch (day->kind) {
                case CALENDAR_CLOSED:
                        if (*row_cell(&row, CALENDAR_START) || *row_cell(&row, CALENDAR_END))
                                row_warning(&row, *row_cell(&row, CALENDAR_START) ? CALENDAR_START : CALENDAR_END,
                                            "a closed day has no times: ignored");
                        break;
                case CALENDAR_EARLY_RELEASE:
                        if (*row_cell(&row, CALENDAR_START))
                                row_warning(&row, CALENDAR_START,
                                            "an early_release day only takes end (when school ends): ignored");
                        if (!*row_cell(&row, CALENDAR_END)) {
                                row_error(&row, CALENDAR_END,
                                          "empty, but an early_release day needs end (the time school ends)");
                                break;
                        }
                        if (row_time(&row, CALENDAR_END, &day->end) == 1) {
                                row_check_in_day(&row, CALENDAR_END, day->end, true);
                                day->start = info->day_start;
                        }
                        break;
                case CALENDAR_BLOCKED:
                        if (!*row_cell(&row, CALENDAR_START) || !*row_cell(&row, CALENDAR_END)) {
                                if (!*row_cell(&row, CALENDAR_START))
                                        row_error(&row, CALENDAR_START,
                                                  "empty, but a blocked time needs start and end");
                                if (!*row_cell(&row, CALENDAR_END))
                                        row_error(&row, CALENDAR_END, "empty, but a blocked time needs start and end");
                                int ignored;
                                row_time(&row, CALENDAR_START, &ignored);
                                row_time(&row, CALENDAR_END, &ignored);
                                break;
                        }
                        row_weekly_span(&row, -1, CALENDAR_START, CALENDAR_END, NULL, &day->start, &day->end);
                        break;
                default:
                        break;
                }
        }
        return 0;
}
