/* import-school.c: readers of the school's own files: school.csv, teachers.csv, timetable.csv,
 * students.csv and services.csv (the homerooms and what students must not miss). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "import/import-internal.h"

/* An IANA name cannot be checked without the zone database (no file access here), but its shape
 * can: Area/Location with a known area, or UTC. It catches "Central", "CST" and "-06:00". */
static bool timezone_plausible(const char *name) {
        static const char *const areas[] = {
                "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic",
                "Australia", "Europe", "Indian", "Pacific", "Etc", NULL,
        };
        size_t len = strlen(name);
        if (strcmp(name, "UTC") == 0)
                return true;
        if (len == 0 || len > 64)
                return false;
        const char *slash = strchr(name, '/');
        if (!slash)
                return false;
        bool known = false;
        for (size_t i = 0; areas[i]; i++)
                known = known || (strlen(areas[i]) == (size_t)(slash - name) &&
                                  strncmp(areas[i], name, (size_t)(slash - name)) == 0);
        if (!known)
                return false;
        /* Every part: starts with a letter, then letters, digits, '_', '-', '+'. */
        for (const char *part = slash + 1; part;) {
                const char *end = strchr(part, '/');
                size_t n = end ? (size_t)(end - part) : strlen(part);
                if (n == 0 || !((*part >= 'A' && *part <= 'Z') || (*part >= 'a' && *part <= 'z')))
                        return false;
                for (size_t i = 0; i < n; i++) {
                        char c = part[i];
                        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                              c == '_' || c == '-' || c == '+'))
                                return false;
                }
                part = end ? end + 1 : NULL;
        }
        return true;
}

int import_read_school(struct importer *importer) {
        const struct source *source = &importer->sources[DATA_SCHOOL];
        struct school_info *info = &importer->school->info;
        bool seen = false;
        char a[11], b[11];

        if (!source->table)
                return 0;
        for (size_t i = 0; i < source->table->n_rows; i++) {
                struct row row;
                if (!import_row_at(importer, DATA_SCHOOL, i, &row))
                        continue;
                if (seen) {
                        row_error(&row, -1, "a second school row (school.csv holds exactly one row)");
                        continue;
                }
                seen = true;

                row_text(&row, SCHOOL_NAME, &info->name);
                if (row_text(&row, SCHOOL_TIMEZONE, &info->timezone) == 1 && !timezone_plausible(info->timezone))
                        row_error(&row, SCHOOL_TIMEZONE,
                                  "%s is not an IANA time zone (use Area/City, e.g. America/Chicago)",
                                  import_shown(info->timezone, (char[IMPORT_SHOWN_SIZE]){ 0 }));

                int start, end;
                int has_start = row_time(&row, SCHOOL_DAY_START, &start);
                int has_end = row_time(&row, SCHOOL_DAY_END, &end);
                if (has_start == 1 && has_end == 1) {
                        char s[6], e[6];
                        if (end <= start)
                                row_error(&row, SCHOOL_DAY_END, "%s is not after day_start %s", time_format(end, e),
                                          time_format(start, s));
                        else {
                                info->day_start = start;
                                info->day_end = end;
                                importer->day_known = true;
                        }
                }

                civil_date first, last;
                int has_first = row_date(&row, SCHOOL_TERM_START, &first);
                int has_last = row_date(&row, SCHOOL_TERM_END, &last);
                if (has_first == 1 && has_last == 1) {
                        if (last <= first)
                                row_error(&row, SCHOOL_TERM_END, "%s is not after term_start %s", date_format(last, b),
                                          date_format(first, a));
                        else {
                                info->term_start = first;
                                info->term_end = last;
                                importer->term_known = true;
                        }
                }

                info->transition_minutes = 5;
                row_int(&row, SCHOOL_TRANSITION_MINUTES, 0, 30, &info->transition_minutes);
        }
        if (!seen)
                importer_error(importer, DATA_SCHOOL, source->table->header.line + 1, NULL,
                               "no school row (school.csv needs exactly one row under the header)");
        return 0;
}

/* A light check: a mistyped address is worth a line, a strict RFC 5322 parser is not. */
static bool email_plausible(const char *text) {
        const char *at = strchr(text, '@');
        return at && at > text && at[1] && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
               !strpbrk(text, " \t,;<>");
}

int import_read_teachers(struct importer *importer) {
        const struct source *source = &importer->sources[DATA_TEACHERS];
        struct school *school = importer->school;

        if (!source->table)
                return 0;
        school->teachers = import_rows_alloc(importer, DATA_TEACHERS, sizeof *school->teachers);
        if (!school->teachers || idmap_init(&importer->teacher_ids, source->table->n_rows) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < source->table->n_rows; i++) {
                struct row row;
                if (!import_row_at(importer, DATA_TEACHERS, i, &row))
                        continue;
                size_t index = school->n_teachers++;
                struct teacher *teacher = &school->teachers[index];
                import_note_line(importer, DATA_TEACHERS, index, &row);

                row_id(&row, TEACHER_ID, false, &teacher->id);
                import_index_id(&row, TEACHER_ID, &importer->teacher_ids, teacher->id, index, "teacher");
                row_text(&row, TEACHER_NAME, &teacher->name);
                row_grade(&row, TEACHER_GRADE, &teacher->grade);
                if (row_text(&row, TEACHER_EMAIL, &teacher->email) == 1 && !email_plausible(teacher->email))
                        row_error(&row, TEACHER_EMAIL, "%s is not an email address",
                                  import_shown(teacher->email, (char[IMPORT_SHOWN_SIZE]){ 0 }));
                row_text(&row, TEACHER_ROOM, &teacher->room);
        }
        return 0;
}

/* One day of one timetable block, for the overlap sweep. */
struct block_day {
        int teacher, day, start, end;
        unsigned line;
};

struct overlap {
        unsigned line, other_line; /* line > other_line */
        int teacher;
        dayset days;
};

static int compare_block_days(const void *a, const void *b) {
        const struct block_day *x = a, *y = b;
        if (x->teacher != y->teacher)
                return x->teacher < y->teacher ? -1 : 1;
        if (x->day != y->day)
                return x->day < y->day ? -1 : 1;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        return x->line < y->line ? -1 : x->line > y->line;
}

static int compare_overlaps(const void *a, const void *b) {
        const struct overlap *x = a, *y = b;
        if (x->line != y->line)
                return x->line < y->line ? -1 : 1;
        return x->other_line < y->other_line ? -1 : x->other_line > y->other_line;
}

/* A teacher's blocks may not overlap on a shared day. Sorting every (teacher, day) by start and
 * comparing each block with the one reaching furthest before it finds every overlapping block
 * in O(n log n); pairs are merged so that each is reported once with all its days. */
static int check_block_overlaps(struct importer *importer, const bool *block_ok) {
        const struct school *school = importer->school;
        struct block_day *days = NULL;
        struct overlap *overlaps = NULL;
        size_t n_days = 0, n_overlaps = 0;
        int r = 0;

        days = calloc(school->n_blocks * DAY_COUNT + 1, sizeof *days);
        overlaps = calloc(school->n_blocks * DAY_COUNT + 1, sizeof *overlaps);
        if (!days || !overlaps) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < school->n_blocks; i++) {
                const struct block *block = &school->blocks[i];
                if (!block_ok[i])
                        continue;
                for (int d = 0; d < DAY_COUNT; d++)
                        if (block->days & (1u << d))
                                days[n_days++] = (struct block_day){
                                        .teacher = block->teacher,
                                        .day = d,
                                        .start = block->start,
                                        .end = block->end,
                                        .line = importer->row_lines[DATA_TIMETABLE][i],
                                };
        }
        qsort(days, n_days, sizeof *days, compare_block_days);
        size_t reach = 0; /* the block reaching furthest in the current (teacher, day) run */
        for (size_t i = 1; i < n_days; i++) {
                if (days[i].teacher != days[i - 1].teacher || days[i].day != days[i - 1].day) {
                        reach = i;
                        continue;
                }
                if (days[i].start < days[reach].end) {
                        unsigned a = days[i].line, b = days[reach].line;
                        overlaps[n_overlaps++] = (struct overlap){
                                .line = a > b ? a : b,
                                .other_line = a > b ? b : a,
                                .teacher = days[i].teacher,
                                .days = (dayset)(1u << days[i].day),
                        };
                }
                if (days[i].end > days[reach].end)
                        reach = i;
        }
        qsort(overlaps, n_overlaps, sizeof *overlaps, compare_overlaps);
        for (size_t i = 0; i < n_overlaps;) {
                struct overlap merged = overlaps[i];
                size_t j = i + 1;
                for (; j < n_overlaps && overlaps[j].line == merged.line && overlaps[j].other_line == merged.other_line;
                     j++)
                        merged.days |= overlaps[j].days;
                char letters[6];
                importer_error(importer, DATA_TIMETABLE, merged.line, "start",
                               "this block of teacher %s overlaps the block on line %u (days %s)",
                               school->teachers[merged.teacher].id, merged.other_line,
                               dayset_format(merged.days, letters));
                i = j;
        }
finish:
        free(days);
        free(overlaps);
        return r;
}

int import_read_timetable(struct importer *importer) {
        const struct source *source = &importer->sources[DATA_TIMETABLE];
        struct school *school = importer->school;
        bool *block_ok = NULL;
        int r = 0;

        if (!source->table)
                return 0;
        school->blocks = import_rows_alloc(importer, DATA_TIMETABLE, sizeof *school->blocks);
        block_ok = calloc(source->table->n_rows + 1, sizeof *block_ok);
        if (!school->blocks || !block_ok) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < source->table->n_rows; i++) {
                struct row row;
                if (!import_row_at(importer, DATA_TIMETABLE, i, &row))
                        continue;
                size_t index = school->n_blocks++;
                struct block *block = &school->blocks[index];
                import_note_line(importer, DATA_TIMETABLE, index, &row);

                int subject, policy;
                block->teacher = -1;
                bool has_teacher = row_reference(&row, TIMETABLE_TEACHER_ID, &importer->teacher_ids, DATA_TEACHERS,
                                                 "teacher", &block->teacher) == 1;
                bool has_span = row_weekly_span(&row, TIMETABLE_DAYS, TIMETABLE_START, TIMETABLE_END, &block->days,
                                                &block->start, &block->end) == 1;
                if (row_enum(&row, TIMETABLE_SUBJECT, subject_names, "subject", &subject) == 1)
                        block->subject = subject;
                row_text(&row, TIMETABLE_ACTIVITY, &block->activity);
                int has_policy = row_enum(&row, TIMETABLE_POLICY, policy_names, "policy", &policy);
                block->policy = has_policy == 1 ? (enum policy)policy : subject_default_policy(block->subject);
                block_ok[index] = has_teacher && has_span;
        }
        r = check_block_overlaps(importer, block_ok);
finish:
        free(block_ok);
        return r;
}

int import_read_students(struct importer *importer) {
        const struct source *source = &importer->sources[DATA_STUDENTS];
        struct school *school = importer->school;

        if (!source->table)
                return 0;
        school->students = import_rows_alloc(importer, DATA_STUDENTS, sizeof *school->students);
        if (!school->students || idmap_init(&importer->student_ids, source->table->n_rows) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < source->table->n_rows; i++) {
                struct row row;
                if (!import_row_at(importer, DATA_STUDENTS, i, &row))
                        continue;
                size_t index = school->n_students++;
                struct student *student = &school->students[index];
                import_note_line(importer, DATA_STUDENTS, index, &row);

                student->teacher = -1;
                row_id(&row, STUDENT_ID, false, &student->id);
                import_index_id(&row, STUDENT_ID, &importer->student_ids, student->id, index, "student");
                row_text(&row, STUDENT_NAME, &student->name);
                row_grade(&row, STUDENT_GRADE, &student->grade);
                row_reference(&row, STUDENT_TEACHER_ID, &importer->teacher_ids, DATA_TEACHERS, "teacher",
                              &student->teacher);
        }
        return 0;
}

int import_read_services(struct importer *importer) {
        const struct source *source = &importer->sources[DATA_SERVICES];
        struct school *school = importer->school;

        if (!source->table)
                return 0;
        school->services = import_rows_alloc(importer, DATA_SERVICES, sizeof *school->services);
        if (!school->services)
                return -ENOMEM;
        for (size_t i = 0; i < source->table->n_rows; i++) {
                struct row row;
                if (!import_row_at(importer, DATA_SERVICES, i, &row))
                        continue;
                size_t index = school->n_services++;
                struct service *service = &school->services[index];
                import_note_line(importer, DATA_SERVICES, index, &row);

                service->student = -1;
                row_reference(&row, SERVICE_STUDENT_ID, &importer->student_ids, DATA_STUDENTS, "student",
                              &service->student);
                row_weekly_span(&row, SERVICE_DAYS, SERVICE_START, SERVICE_END, &service->days, &service->start,
                                &service->end);
                row_text(&row, SERVICE_LABEL, &service->label);
        }
        return 0;
}
