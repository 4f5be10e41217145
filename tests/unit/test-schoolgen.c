/* test-schoolgen.c: generated schools are deterministic, sized as asked, valid by DESIGN §3 and
 * schedulable; their CSV files are well-formed. The checks here are written apart from the generator's. */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/schoolgen/schoolgen.h"

/* The importer lives on its own branch until it is merged; its tests join in when it is there. */
#if __has_include("import/import.h")
#include "import/import.h"
#define HAVE_IMPORT 1
#endif

static const char *const csv_files[] = {
        "school.csv", "teachers.csv", "timetable.csv", "students.csv", "services.csv",
        "staff.csv", "availability.csv", "programs.csv", "needs.csv", "calendar.csv",
};
#define N_CSV_FILES (sizeof csv_files / sizeof csv_files[0])

static struct school *build(unsigned seed, int students, int interventionists, bool overloaded) {
        struct schoolgen_params params = {
                .seed = seed, .students = students, .interventionists = interventionists, .overloaded = overloaded,
        };
        struct school *school = NULL;
        ck_assert_int_eq(schoolgen_build(&params, &school), 0);
        ck_assert_ptr_nonnull(school);
        ck_assert_int_eq(school->refcount, 1);
        return school;
}

static char *make_temp_dir(void) {
        char *dir = strdup("/tmp/pullout-schoolgen-XXXXXX");
        ck_assert_ptr_nonnull(dir);
        ck_assert_ptr_nonnull(mkdtemp(dir));
        return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static void remove_dir(char *dir) {
        nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        free(dir);
}

static char *read_file(const char *dir, const char *name, size_t *ret_size) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "re");
        ck_assert_msg(f != NULL, "cannot open %s", path);
        char *data = NULL;
        size_t size = 0;
        FILE *mem = open_memstream(&data, &size);
        ck_assert_ptr_nonnull(mem);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
                fwrite(buf, 1, n, mem);
        fclose(f);
        fclose(mem);
        *ret_size = size;
        return data;
}

/* Counts the fields of each record of an RFC 4180 text; returns the number of records, or -1
 * when a record's field count differs from the header's or a quote is unbalanced. */
static int csv_records(const char *text, size_t size, int *ret_fields) {
        int records = 0, fields = 1, header_fields = -1;
        bool quoted = false, at_field_start = true;
        for (size_t i = 0; i < size; i++) {
                char c = text[i];
                if (quoted) {
                        if (c == '"' && i + 1 < size && text[i + 1] == '"')
                                i++;
                        else if (c == '"')
                                quoted = false;
                        continue;
                }
                if (c == '"') {
                        if (!at_field_start)
                                return -1;
                        quoted = true;
                } else if (c == ',') {
                        fields++;
                        at_field_start = true;
                        continue;
                } else if (c == '\n') {
                        if (header_fields < 0)
                                header_fields = fields;
                        else if (fields != header_fields)
                                return -1;
                        records++;
                        fields = 1;
                        at_field_start = true;
                        continue;
                }
                at_field_start = false;
        }
        if (quoted || fields != 1)
                return -1; /* unterminated quote or a last line without newline */
        *ret_fields = header_fields;
        return records;
}

START_TEST(test_same_seed_same_bytes) {
        struct school *a = build(42, 300, 0, false), *b = build(42, 300, 0, false), *c = build(43, 300, 0, false);
        char *dir_a = make_temp_dir(), *dir_b = make_temp_dir(), *dir_c = make_temp_dir();
        ck_assert_int_eq(schoolgen_write_csv(a, dir_a), 0);
        ck_assert_int_eq(schoolgen_write_csv(b, dir_b), 0);
        ck_assert_int_eq(schoolgen_write_csv(c, dir_c), 0);
        bool any_difference = false;
        for (size_t i = 0; i < N_CSV_FILES; i++) {
                size_t size_a, size_b, size_c;
                char *text_a = read_file(dir_a, csv_files[i], &size_a);
                char *text_b = read_file(dir_b, csv_files[i], &size_b);
                char *text_c = read_file(dir_c, csv_files[i], &size_c);
                ck_assert_msg(size_a == size_b && memcmp(text_a, text_b, size_a) == 0, "%s differs for one seed",
                              csv_files[i]);
                any_difference = any_difference || size_a != size_c || memcmp(text_a, text_c, size_a) != 0;
                free(text_a);
                free(text_b);
                free(text_c);
        }
        ck_assert_msg(any_difference, "seeds 42 and 43 gave the same school");
        remove_dir(dir_a);
        remove_dir(dir_b);
        remove_dir(dir_c);
        school_unref(a);
        school_unref(b);
        school_unref(c);
}
END_TEST

START_TEST(test_csv_files_are_well_formed) {
        struct school *school = build(7, 440, 5, false);
        char *dir = make_temp_dir();
        ck_assert_int_eq(schoolgen_write_csv(school, dir), 0);
        static const int expected_fields[N_CSV_FILES] = { 7, 5, 7, 4, 5, 6, 4, 8, 7, 5 };
        for (size_t i = 0; i < N_CSV_FILES; i++) {
                size_t size;
                char *text = read_file(dir, csv_files[i], &size);
                int fields = 0;
                int records = csv_records(text, size, &fields);
                ck_assert_msg(records >= 2, "%s: malformed or empty (%d)", csv_files[i], records);
                ck_assert_msg(fields == expected_fields[i], "%s: %d columns", csv_files[i], fields);
                if (strcmp(csv_files[i], "students.csv") == 0)
                        ck_assert_int_eq(records, 441);
                if (strcmp(csv_files[i], "needs.csv") == 0)
                        ck_assert_int_eq(records, (int)school->n_needs + 1);
                if (strcmp(csv_files[i], "timetable.csv") == 0) {
                        /* One row per homeroom block grouped over days, quotes doubled. */
                        ck_assert_ptr_nonnull(strstr(text, "\nT01,MTWRF,08:15,09:45,reading,"));
                        ck_assert_ptr_nonnull(strstr(text, ",MWF,"));
                        ck_assert_ptr_nonnull(strstr(text, "\"Read aloud, \"\"chapter book\"\"\""));
                        ck_assert_int_lt(records, (int)school->n_blocks + 2);
                }
                if (strcmp(csv_files[i], "calendar.csv") == 0) {
                        ck_assert_ptr_nonnull(strstr(text, "\n2026-11-26,closed,,,Thanksgiving break\n"));
                        ck_assert_ptr_nonnull(strstr(text, "\n2027-01-18,closed,"));
                        ck_assert_ptr_nonnull(strstr(text, ",early_release,,12:30,"));
                        ck_assert_ptr_nonnull(strstr(text, ",blocked,13:30,14:30,Fall assembly\n"));
                        ck_assert_ptr_null(strstr(text, "2026-09-07")); /* Labor Day is before the term */
                }
                free(text);
        }
        remove_dir(dir);
        school_unref(school);
}
END_TEST

/* Compares every CSV file of two folders byte for byte. */
static void assert_same_files(const char *dir_a, const char *dir_b) {
        for (size_t i = 0; i < N_CSV_FILES; i++) {
                size_t size_a, size_b;
                char *text_a = read_file(dir_a, csv_files[i], &size_a);
                char *text_b = read_file(dir_b, csv_files[i], &size_b);
                ck_assert_msg(size_a == size_b && memcmp(text_a, text_b, size_a) == 0, "%s differs between %s and %s",
                              csv_files[i], dir_a, dir_b);
                free(text_a);
                free(text_b);
        }
}

/* examples/README.md promises that this command regenerates the bundled sample exactly:
 *   pullout-gen-school --seed 2026 --students 440 --interventionists 5 examples/sample-school */
START_TEST(test_bundled_sample_is_regenerable) {
        const char *source = getenv("PULLOUT_SOURCE");
        char sample[512];
        snprintf(sample, sizeof sample, "%s/examples/sample-school", source ? source : ".");
        struct school *school = build(2026, 440, 5, false);
        char *dir = make_temp_dir();
        ck_assert_int_eq(schoolgen_write_csv(school, dir), 0);
        assert_same_files(sample, dir);
        remove_dir(dir);
        school_unref(school);
}
END_TEST

START_TEST(test_write_to_missing_dir_fails) {
        struct school *school = build(1, 50, 2, false);
        ck_assert_int_eq(schoolgen_write_csv(school, "/nonexistent/pullout-schoolgen"), -ENOENT);
        school_unref(school);
}
END_TEST

START_TEST(test_bad_params_rejected) {
        struct school *school = NULL;
        struct schoolgen_params params = { .students = -1 };
        ck_assert_int_eq(schoolgen_build(&params, &school), -EINVAL);
        params = (struct schoolgen_params){ .students = 10, .need_ratio = 1.5 };
        ck_assert_int_eq(schoolgen_build(&params, &school), -EINVAL);
        ck_assert_ptr_null(school);
}
END_TEST

static int count_students_with_need(const struct school *school) {
        int count = 0;
        for (size_t s = 0; s < school->n_students; s++) {
                bool has = false;
                for (size_t i = 0; i < school->n_needs; i++)
                        has = has || school->needs[i].student == (int)s;
                count += has;
        }
        return count;
}

START_TEST(test_sizes_as_asked) {
        struct school *school = build(3, 440, 5, false);
        ck_assert_int_eq((int)school->n_students, 440);
        ck_assert_int_ge((int)school->n_teachers, 18);
        ck_assert_int_le((int)school->n_teachers, 24);
        for (size_t t = 0; t < school->n_teachers; t++) {
                int size = 0;
                for (size_t s = 0; s < school->n_students; s++)
                        size += school->students[s].teacher == (int)t;
                ck_assert_msg(size >= 15 && size <= 25, "homeroom %s has %d students", school->teachers[t].id, size);
        }
        bool grades[GRADE_MAX + 1] = { false };
        for (size_t t = 0; t < school->n_teachers; t++)
                grades[school->teachers[t].grade] = true;
        for (int g = GRADE_K; g <= 5; g++)
                ck_assert_msg(grades[g], "no homeroom in grade %d", g);
        int interventionists = 0, coordinators = 0;
        for (size_t i = 0; i < school->n_staff; i++) {
                interventionists += school->staff[i].role == ROLE_INTERVENTIONIST;
                coordinators += school->staff[i].role == ROLE_COORDINATOR;
        }
        ck_assert_int_eq(interventionists, 5);
        ck_assert_int_ge(coordinators, 1);
        ck_assert_int_le(coordinators, 2);
        ck_assert_int_ge((int)school->n_programs, 5);
        ck_assert_int_le((int)school->n_programs, 6);
        int with_need = count_students_with_need(school);
        ck_assert_int_ge(with_need, 440 * 15 / 100);
        ck_assert_int_le(with_need, 440 * 25 / 100);
        ck_assert_int_ge((int)school->n_needs, 80);
        int tier3 = 0, pinned = 0;
        for (size_t i = 0; i < school->n_needs; i++) {
                tier3 += school->needs[i].tier == 3;
                pinned += school->needs[i].staff >= 0;
        }
        ck_assert_int_gt(tier3, 0);
        ck_assert_int_lt(tier3, (int)school->n_needs / 2);
        ck_assert_int_gt(pinned, 0);
        ck_assert_int_lt(pinned, (int)school->n_needs / 5);
        ck_assert_int_ge((int)school->n_services, 440 * 4 / 100);
        ck_assert_int_le((int)school->n_services, 440 * 14 / 100);
        school_unref(school);

        /* Default staffing: about one interventionist per 100 students. */
        school = build(3, 1000, 0, false);
        interventionists = 0;
        for (size_t i = 0; i < school->n_staff; i++)
                interventionists += school->staff[i].role == ROLE_INTERVENTIONIST;
        ck_assert_int_eq(interventionists, 10);
        ck_assert_int_eq((int)school->n_students, 1000);
        school_unref(school);
}
END_TEST

static bool overlaps(int a_start, int a_end, int b_start, int b_end) {
        return a_start < b_end && b_start < a_end;
}

static void assert_unique_ids(const char *what, size_t n, const char *(*id)(const struct school *, size_t),
                              const struct school *school) {
        for (size_t i = 0; i < n; i++) {
                ck_assert_msg(id(school, i) && *id(school, i), "%s %zu has no id", what, i);
                for (size_t j = i + 1; j < n; j++)
                        ck_assert_msg(strcmp(id(school, i), id(school, j)) != 0, "%s id %s twice", what, id(school, i));
        }
}

static const char *teacher_id(const struct school *s, size_t i) { return s->teachers[i].id; }
static const char *student_id(const struct school *s, size_t i) { return s->students[i].id; }
static const char *staff_id(const struct school *s, size_t i) { return s->staff[i].id; }
static const char *program_id(const struct school *s, size_t i) { return s->programs[i].id; }

/* Every rule of DESIGN §3 a generated school could break. */
static void assert_valid(const struct school *school) {
        const struct school_info *info = &school->info;
        ck_assert_ptr_nonnull(info->name);
        ck_assert_ptr_nonnull(info->timezone);
        ck_assert_int_lt(info->day_start, info->day_end);
        ck_assert_int_lt(info->term_start, info->term_end);
        ck_assert_int_ge(info->transition_minutes, 0);
        assert_unique_ids("teacher", school->n_teachers, teacher_id, school);
        assert_unique_ids("student", school->n_students, student_id, school);
        assert_unique_ids("staff", school->n_staff, staff_id, school);
        assert_unique_ids("program", school->n_programs, program_id, school);

        for (size_t i = 0; i < school->n_blocks; i++) {
                const struct block *a = &school->blocks[i];
                ck_assert_int_lt(a->teacher, (int)school->n_teachers);
                ck_assert_msg(a->start < a->end && a->start >= info->day_start && a->end <= info->day_end,
                              "block %zu of %s outside the day", i, school->teachers[a->teacher].id);
                ck_assert_int_ne(a->days & DAYSET_ALL, 0);
                ck_assert_int_lt(a->subject, SUBJECT_COUNT);
                ck_assert_int_lt(a->policy, POLICY_COUNT);
                for (size_t j = i + 1; j < school->n_blocks; j++) {
                        const struct block *b = &school->blocks[j];
                        ck_assert_msg(b->teacher != a->teacher || !(a->days & b->days) ||
                                              !overlaps(a->start, a->end, b->start, b->end),
                                      "blocks %zu and %zu of %s overlap", i, j, school->teachers[a->teacher].id);
                }
        }
        for (size_t t = 0; t < school->n_teachers; t++) {
                ck_assert_int_le(school->teachers[t].grade, 5);
                int reading = 0, math = 0;
                for (size_t i = 0; i < school->n_blocks; i++) {
                        const struct block *b = &school->blocks[i];
                        if (b->teacher == (int)t && b->subject == SUBJECT_READING)
                                reading += (b->end - b->start) * dayset_count(b->days);
                        if (b->teacher == (int)t && b->subject == SUBJECT_MATH)
                                math += (b->end - b->start) * dayset_count(b->days);
                }
                ck_assert_int_eq(reading, 5 * 90);
                ck_assert_int_eq(math, 5 * 60);
        }
        for (size_t s = 0; s < school->n_students; s++) {
                const struct student *student = &school->students[s];
                ck_assert_int_lt(student->teacher, (int)school->n_teachers);
                ck_assert_int_eq(student->grade, school->teachers[student->teacher].grade);
        }
        for (size_t i = 0; i < school->n_services; i++) {
                const struct service *a = &school->services[i];
                ck_assert_int_lt(a->student, (int)school->n_students);
                ck_assert(a->start < a->end && a->start >= info->day_start && a->end <= info->day_end);
                for (size_t j = i + 1; j < school->n_services; j++) {
                        const struct service *b = &school->services[j];
                        ck_assert_msg(b->student != a->student || !(a->days & b->days) ||
                                              !overlaps(a->start, a->end, b->start, b->end),
                                      "services of %s overlap", school->students[a->student].id);
                }
        }
        for (size_t i = 0; i < school->n_availability; i++) {
                const struct availability *a = &school->availability[i];
                ck_assert_int_lt(a->staff, (int)school->n_staff);
                ck_assert_int_eq(school->staff[a->staff].role, ROLE_INTERVENTIONIST);
                ck_assert(a->start < a->end && a->start >= info->day_start && a->end <= info->day_end);
        }
        for (size_t p = 0; p < school->n_programs; p++) {
                const struct program *program = &school->programs[p];
                ck_assert(program->max_group >= 1 && program->minutes > 0 && program->sessions_per_week >= 1 &&
                          program->sessions_per_week <= 5 && program->max_grade_span >= 1);
                ck_assert_int_ge((int)program->n_checklist, 3);
        }
        for (size_t i = 0; i < school->n_needs; i++) {
                const struct need *need = &school->needs[i];
                ck_assert(need->student >= 0 && need->student < (int)school->n_students);
                ck_assert(need->program >= 0 && need->program < (int)school->n_programs);
                ck_assert(need->tier == 2 || need->tier == 3);
                ck_assert(need->sessions_per_week >= 1 && need->sessions_per_week <= 5);
                ck_assert_int_gt(need->minutes, 0);
                if (need->staff >= 0)
                        ck_assert_msg(staff_can_teach(school, need->staff, need->program),
                                      "need of %s pinned to untrained %s", school->students[need->student].id,
                                      school->staff[need->staff].id);
                ck_assert_int_eq(school_find_need(school, need->student, need->program), (int)i);
        }
        for (size_t i = 0; i < school->n_calendar; i++) {
                const struct calendar_day *day = &school->calendar[i];
                ck_assert(day->date >= info->term_start && day->date <= info->term_end);
                ck_assert_int_lt(date_weekday(day->date), DAY_COUNT);
                if (day->kind == CALENDAR_EARLY_RELEASE)
                        ck_assert(day->end > info->day_start && day->end < info->day_end);
                if (day->kind == CALENDAR_BLOCKED)
                        ck_assert(day->start < day->end && day->start >= info->day_start && day->end <= info->day_end);
        }
}

/* Minutes [0, day length) when the student cannot leave for a session of area on day. */
static void student_out_of_reach(const struct school *school, int student, enum area area, int day, bool *busy) {
        int length = school->info.day_end - school->info.day_start, subject = area_subject(area);
        for (int m = 0; m < length; m++) {
                int minute = school->info.day_start + m;
                busy[m] = false;
                for (size_t i = 0; i < school->n_blocks && !busy[m]; i++) {
                        const struct block *b = &school->blocks[i];
                        busy[m] = b->teacher == school->students[student].teacher && (b->days & (1u << day)) &&
                                  minute >= b->start && minute < b->end &&
                                  (b->policy == POLICY_NEVER || (int)b->subject == subject);
                }
                for (size_t i = 0; i < school->n_services && !busy[m]; i++) {
                        const struct service *s = &school->services[i];
                        busy[m] = s->student == student && (s->days & (1u << day)) && minute >= s->start &&
                                  minute < s->end;
                }
        }
}

static bool staff_available(const struct school *school, int staff, int day, int minute) {
        for (size_t i = 0; i < school->n_availability; i++) {
                const struct availability *a = &school->availability[i];
                if (a->staff == staff && (a->days & (1u << day)) && minute >= a->start && minute < a->end)
                        return true;
        }
        return false;
}

/* Days with a window where the need's student is reachable and a trained (or the pinned)
 * interventionist is free for the whole session. */
static int need_window_days(const struct school *school, const struct need *need) {
        int length = school->info.day_end - school->info.day_start, days = 0;
        bool *busy = calloc((size_t)length, sizeof *busy);
        ck_assert_ptr_nonnull(busy);
        for (int d = 0; d < DAY_COUNT; d++) {
                student_out_of_reach(school, need->student, school->programs[need->program].area, d, busy);
                bool found = false;
                for (size_t s = 0; s < school->n_staff && !found; s++) {
                        if (need->staff >= 0 ? (int)s != need->staff : !staff_can_teach(school, (int)s, need->program))
                                continue;
                        for (int start = 0, run = 0; start < length && !found; start++) {
                                run = !busy[start] && staff_available(school, (int)s, d, school->info.day_start + start)
                                              ? run + 1
                                              : 0;
                                found = run >= need->minutes;
                        }
                }
                days += found;
        }
        free(busy);
        return days;
}

START_TEST(test_generated_school_valid_and_schedulable) {
        static const struct {
                unsigned seed;
                int students, interventionists;
        } cases[] = { { 1, 440, 5 }, { 2, 120, 0 }, { 3, 700, 0 }, { 4, 30, 2 }, { 5, 440, 8 } };
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
                struct school *school = build(cases[c].seed, cases[c].students, cases[c].interventionists, false);
                assert_valid(school);
                ck_assert_int_gt((int)school->n_needs, 0);
                for (size_t i = 0; i < school->n_needs; i++) {
                        const struct need *need = &school->needs[i];
                        int days = need_window_days(school, need);
                        ck_assert_msg(days >= need->sessions_per_week,
                                      "seed %u: %s in %s has windows on %d days for %d sessions", cases[c].seed,
                                      school->students[need->student].id, school->programs[need->program].id, days,
                                      need->sessions_per_week);
                        ck_assert_int_eq(days, schoolgen_need_window_days(school, need->student, need->program,
                                                                          need->minutes, need->staff));
                }
                school_unref(school);
        }
}
END_TEST

START_TEST(test_empty_school_builds) {
        struct school *school = build(9, 0, 0, false);
        ck_assert_int_eq((int)school->n_students, 0);
        ck_assert_int_eq((int)school->n_needs, 0);
        ck_assert_int_gt((int)school->n_calendar, 0);
        assert_valid(school);
        school_unref(school);
}
END_TEST

/* Independent of the generator: each program's needs packed into full groups. */
static long needed_minutes(const struct school *school) {
        long total = 0;
        for (size_t p = 0; p < school->n_programs; p++) {
                long minutes = 0;
                for (size_t i = 0; i < school->n_needs; i++)
                        if (school->needs[i].program == (int)p)
                                minutes += (long)school->needs[i].minutes * school->needs[i].sessions_per_week;
                total += minutes / school->programs[p].max_group;
        }
        return total;
}

static long available_minutes(const struct school *school) {
        long total = 0;
        for (size_t i = 0; i < school->n_availability; i++)
                total += (long)(school->availability[i].end - school->availability[i].start) *
                         dayset_count(school->availability[i].days);
        return total;
}

START_TEST(test_overloaded_exceeds_capacity) {
        struct school *normal = build(11, 440, 0, false), *overloaded = build(11, 440, 0, true);
        assert_valid(overloaded);
        ck_assert_int_lt(needed_minutes(normal), available_minutes(normal));
        ck_assert_msg(needed_minutes(overloaded) > 3 * available_minutes(overloaded) / 2,
                      "overloaded school needs %ld of %ld minutes", needed_minutes(overloaded),
                      available_minutes(overloaded));
        ck_assert_int_gt((int)overloaded->n_needs, (int)normal->n_needs);
        school_unref(normal);
        school_unref(overloaded);

        /* Even with a generous staff, overloaded means more than they can teach. */
        overloaded = build(12, 440, 6, true);
        ck_assert_int_gt(needed_minutes(overloaded), available_minutes(overloaded));
        school_unref(overloaded);
}
END_TEST

#ifdef HAVE_IMPORT
/* What the generator writes is what the importer accepts, without a single error or warning,
 * and the imported school writes back to the same bytes. */
START_TEST(test_written_csv_imports_cleanly) {
        static const struct {
                unsigned seed;
                int students, interventionists;
                bool overloaded;
        } cases[] = { { 2026, 440, 5, false }, { 8, 2000, 0, true }, { 9, 30, 2, false } };
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
                struct school *school = build(cases[c].seed, cases[c].students, cases[c].interventionists,
                                              cases[c].overloaded);
                char *dir = make_temp_dir(), *again = make_temp_dir();
                ck_assert_int_eq(schoolgen_write_csv(school, dir), 0);
                struct import_file files[N_CSV_FILES];
                char *texts[N_CSV_FILES];
                for (size_t i = 0; i < N_CSV_FILES; i++) {
                        size_t size;
                        texts[i] = read_file(dir, csv_files[i], &size);
                        files[i] = (struct import_file){ .name = csv_files[i], .data = texts[i], .size = size };
                }
                struct import_report report = { 0 };
                struct school *imported = NULL;
                int r = import_school(files, N_CSV_FILES, &imported, &report);
                ck_assert_msg(r == 0 && report.n_errors == 0, "school %zu: %d, %zu errors, first: %s", c, r,
                              report.n_errors, report.n_errors ? report.errors[0] : "");
                ck_assert_msg(report.n_warnings == 0, "school %zu: warning %s", c, report.warnings[0]);
                ck_assert_int_eq(imported->n_students, school->n_students);
                ck_assert_int_eq(imported->n_needs, school->n_needs);
                ck_assert_int_eq(imported->n_services, school->n_services);
                ck_assert_int_eq(imported->n_calendar, school->n_calendar);
                ck_assert_int_eq(schoolgen_write_csv(imported, again), 0);
                assert_same_files(dir, again);
                import_report_clear(&report);
                school_unref(imported);
                for (size_t i = 0; i < N_CSV_FILES; i++)
                        free(texts[i]);
                remove_dir(dir);
                remove_dir(again);
                school_unref(school);
        }
}
END_TEST
#endif

Suite *suite_schoolgen(void) {
        Suite *suite = suite_create("schoolgen");
        TCase *csv = tcase_create("csv");
        tcase_add_test(csv, test_same_seed_same_bytes);
        tcase_add_test(csv, test_csv_files_are_well_formed);
        tcase_add_test(csv, test_write_to_missing_dir_fails);
        tcase_add_test(csv, test_bundled_sample_is_regenerable);
        suite_add_tcase(suite, csv);
#ifdef HAVE_IMPORT
        TCase *import = tcase_create("import");
        tcase_set_timeout(import, 60);
        tcase_add_test(import, test_written_csv_imports_cleanly);
        suite_add_tcase(suite, import);
#endif
        TCase *model = tcase_create("model");
        tcase_set_timeout(model, 60);
        tcase_add_test(model, test_bad_params_rejected);
        tcase_add_test(model, test_sizes_as_asked);
        tcase_add_test(model, test_generated_school_valid_and_schedulable);
        tcase_add_test(model, test_empty_school_builds);
        tcase_add_test(model, test_overloaded_exceeds_capacity);
        suite_add_tcase(suite, model);
        return suite;
}
