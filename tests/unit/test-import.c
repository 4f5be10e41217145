/* test-import.c: the school data-set importer: a valid school loads complete, a broken one is
 * refused with every fault at its FILE:LINE, and each rule of pullout-data(5) bites. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import/csv.h"
#include "import/import.h"

#define MAX_FILES 16

struct dataset {
        struct import_file files[MAX_FILES];
        size_t n;
};

static char *fixture_dir(const char *name) {
        const char *source = getenv("PULLOUT_SOURCE");
        char *path = NULL;
        ck_assert_int_ge(asprintf(&path, "%s/tests/fixtures/%s", source ? source : ".", name), 0);
        return path;
}

static char *read_file(const char *path, size_t *ret_size) {
        FILE *f = fopen(path, "rb");
        ck_assert_msg(f, "cannot open %s", path);
        char *data = NULL;
        size_t size = 0, cap = 0;
        for (;;) {
                if (size == cap) {
                        cap = cap ? cap * 2 : 4096;
                        data = realloc(data, cap);
                        ck_assert_ptr_nonnull(data);
                }
                size_t n = fread(data + size, 1, cap - size, f);
                if (n == 0)
                        break;
                size += n;
        }
        fclose(f);
        *ret_size = size;
        return data;
}

static void dataset_remove(struct dataset *set, const char *name) {
        for (size_t i = 0; i < set->n; i++)
                if (strcmp(set->files[i].name, name) == 0) {
                        free((char *)set->files[i].name);
                        free((char *)set->files[i].data);
                        set->files[i] = set->files[--set->n];
                        return;
                }
}

static void dataset_put(struct dataset *set, const char *name, const char *data, size_t size) {
        dataset_remove(set, name);
        ck_assert_uint_lt(set->n, MAX_FILES);
        char *copy = malloc(size + 1);
        memcpy(copy, data, size);
        set->files[set->n++] = (struct import_file){ .name = strdup(name), .data = copy, .size = size };
}

static void dataset_set(struct dataset *set, const char *name, const char *text) {
        dataset_put(set, name, text, strlen(text));
}

static void dataset_load(struct dataset *set, const char *fixture) {
        char *dir = fixture_dir(fixture);
        DIR *d = opendir(dir);
        ck_assert_msg(d, "no fixture folder %s (run from the repository root or set PULLOUT_SOURCE)", dir);
        *set = (struct dataset){ 0 };
        struct dirent *entry;
        while ((entry = readdir(d))) {
                if (entry->d_name[0] == '.')
                        continue;
                char *path = NULL;
                size_t size;
                ck_assert_int_ge(asprintf(&path, "%s/%s", dir, entry->d_name), 0);
                char *data = read_file(path, &size);
                dataset_put(set, entry->d_name, data, size);
                free(data);
                free(path);
        }
        closedir(d);
        free(dir);
}

static void dataset_free(struct dataset *set) {
        while (set->n > 0)
                dataset_remove(set, set->files[0].name);
}

static char *dump(char **lines, size_t n) {
        size_t len = 1;
        for (size_t i = 0; i < n; i++)
                len += strlen(lines[i]) + 3;
        char *text = calloc(1, len);
        for (size_t i = 0; i < n; i++) {
                strcat(text, "  ");
                strcat(text, lines[i]);
                strcat(text, "\n");
        }
        return text;
}

static bool has_line(char **lines, size_t n, const char *line) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(lines[i], line) == 0)
                        return true;
        return false;
}

#define ck_assert_report_has(report, kind, line)                                                          \
        do {                                                                                              \
                if (!has_line((report)->kind, (report)->n_##kind, (line))) {                              \
                        char *dumped_ = dump((report)->kind, (report)->n_##kind);                          \
                        ck_abort_msg("missing " #kind " line:\n  %s\n" #kind " were:\n%s", (line), dumped_); \
                }                                                                                         \
        } while (0)

/* Imports set, expects a refusal holding line among its errors. */
static void expect_error(struct dataset *set, const char *line) {
        struct import_report report = { 0 };
        struct school *school = NULL;
        ck_assert_int_eq(import_school(set->files, set->n, &school, &report), -EINVAL);
        ck_assert_ptr_null(school);
        ck_assert_report_has(&report, errors, line);
        import_report_clear(&report);
}

/* The tiny school with one file replaced must be refused with line among the errors. */
static void expect_fault(const char *file, const char *text, const char *line) {
        struct dataset set;
        dataset_load(&set, "tiny-school");
        if (text)
                dataset_set(&set, file, text);
        else
                dataset_remove(&set, file);
        expect_error(&set, line);
        dataset_free(&set);
}

/* ... or accepted with line among the warnings. */
static void expect_warning(const char *file, const char *text, const char *line) {
        struct dataset set;
        struct import_report report = { 0 };
        struct school *school = NULL;
        dataset_load(&set, "tiny-school");
        dataset_set(&set, file, text);
        int r = import_school(set.files, set.n, &school, &report);
        if (r != 0) {
                char *text_errors = dump(report.errors, report.n_errors);
                ck_abort_msg("import failed (%d):\n%s", r, text_errors);
        }
        ck_assert_report_has(&report, warnings, line);
        school_unref(school);
        import_report_clear(&report);
        dataset_free(&set);
}

START_TEST(test_tiny_school_loads) {
        struct dataset set;
        struct import_report report = { 0 };
        struct school *school = NULL;
        dataset_load(&set, "tiny-school");
        int r = import_school(set.files, set.n, &school, &report);
        char *errors = dump(report.errors, report.n_errors);
        ck_assert_msg(r == 0, "import failed (%d):\n%s", r, errors);
        free(errors);
        ck_assert_uint_eq(report.n_errors, 0);
        ck_assert_uint_eq(report.n_warnings, 0);
        ck_assert_int_eq(school->refcount, 1);

        ck_assert_str_eq(school->info.name, "Maple Elementary");
        ck_assert_str_eq(school->info.timezone, "America/Chicago");
        ck_assert_int_eq(school->info.day_start, 8 * 60);
        ck_assert_int_eq(school->info.day_end, 15 * 60);
        ck_assert_int_eq(school->info.transition_minutes, 5); /* empty: the default */
        civil_date term_start;
        date_parse("2026-08-24", &term_start);
        ck_assert_int_eq(school->info.term_start, term_start);

        ck_assert_uint_eq(school->n_teachers, 3);
        ck_assert_uint_eq(school->n_blocks, 8);
        ck_assert_uint_eq(school->n_students, 6);
        ck_assert_uint_eq(school->n_services, 2);
        ck_assert_uint_eq(school->n_staff, 3);
        ck_assert_uint_eq(school->n_availability, 3);
        ck_assert_uint_eq(school->n_programs, 3);
        ck_assert_uint_eq(school->n_needs, 5);
        ck_assert_uint_eq(school->n_calendar, 3);

        /* teachers: K is grade 0, an empty email is NULL, a quoted comma stays in the name */
        ck_assert_int_eq(school->teachers[0].grade, GRADE_K);
        ck_assert_str_eq(school->teachers[1].name, "Okafor, Ben");
        ck_assert_ptr_null(school->teachers[1].email);
        ck_assert_str_eq(school->teachers[2].email, "cli@maple.example.org");

        /* timetable: indices, days, default and explicit policies */
        ck_assert_int_eq(school->blocks[0].teacher, 0);
        ck_assert_int_eq(school->blocks[0].days, DAYSET_ALL);
        ck_assert_int_eq(school->blocks[0].policy, POLICY_NEVER);
        ck_assert_int_eq(school->blocks[2].days, (1 << DAY_MON) | (1 << DAY_WED) | (1 << DAY_FRI));
        ck_assert_str_eq(school->blocks[2].activity, "Art, music");
        ck_assert_int_eq(school->blocks[4].subject, SUBJECT_SCIENCE);
        ck_assert_int_eq(school->blocks[4].policy, POLICY_OK);
        ck_assert_int_eq(school->blocks[5].policy, POLICY_PREFERRED);
        ck_assert_int_eq(school->blocks[6].teacher, 2);
        ck_assert_ptr_null(school->blocks[6].activity);

        /* students and services */
        ck_assert_str_eq(school->students[0].name, "Maya López");
        ck_assert_str_eq(school->students[5].name, "Evans, Jr., Sam");
        ck_assert_int_eq(school->students[5].teacher, 2);
        ck_assert_int_eq(school->students[3].grade, 2);
        ck_assert_int_eq(school->services[1].student, 4);
        ck_assert_int_eq(school->services[1].start, 13 * 60);

        /* staff: programs resolved to indices, empty: any, empty limit: 0 */
        ck_assert_uint_eq(school->staff[0].n_programs, 2);
        ck_assert_int_eq(school->staff[0].programs[0], 0);
        ck_assert_int_eq(school->staff[0].programs[1], 1);
        ck_assert_int_eq(school->staff[0].max_sessions_per_day, 8);
        ck_assert_uint_eq(school->staff[1].n_programs, 0);
        ck_assert_int_eq(school->staff[1].max_sessions_per_day, 0);
        ck_assert_int_eq(school->staff[2].role, ROLE_COORDINATOR);
        ck_assert(!staff_can_teach(school, 0, 2));
        ck_assert(staff_can_teach(school, 1, 2));
        ck_assert_int_eq(school->availability[2].staff, 1);

        /* programs: default grade span, trimmed checklist items */
        ck_assert_int_eq(school->programs[0].max_grade_span, 1);
        ck_assert_uint_eq(school->programs[0].n_checklist, 3);
        ck_assert_str_eq(school->programs[0].checklist[2], "Writing about reading");
        ck_assert_uint_eq(school->programs[1].n_checklist, 0);
        ck_assert_int_eq(school->programs[1].max_grade_span, 2);
        ck_assert_str_eq(school->programs[2].checklist[0], "Warm-up");
        ck_assert_str_eq(school->programs[2].checklist[1], "Model");
        ck_assert_int_eq(school->programs[2].area, AREA_MATH);

        /* needs: empty cells take the program's values, tier 2, level 0, no pinned staff */
        const struct need *plain = &school->needs[0];
        ck_assert_int_eq(plain->student, 0);
        ck_assert_int_eq(plain->program, 0);
        ck_assert_int_eq(plain->tier, 2);
        ck_assert_int_eq(plain->sessions_per_week, 5);
        ck_assert_int_eq(plain->minutes, 30);
        ck_assert_int_eq(plain->staff, -1);
        ck_assert_int_eq(plain->level, 0);
        const struct need *full = &school->needs[1];
        ck_assert_int_eq(full->tier, 3);
        ck_assert_int_eq(full->minutes, 40);
        ck_assert_int_eq(full->staff, 0);
        ck_assert_int_eq(full->level, 2);
        const struct need *mixed = &school->needs[3];
        ck_assert_int_eq(mixed->student, 4);
        ck_assert_int_eq(mixed->sessions_per_week, 3);
        ck_assert_int_eq(mixed->minutes, 30);
        ck_assert_int_eq(mixed->staff, 1);
        ck_assert_int_eq(school_find_need(school, 2, 1), 2);

        /* calendar */
        ck_assert_int_eq(school->calendar[0].kind, CALENDAR_CLOSED);
        ck_assert_str_eq(school->calendar[0].label, "Thanksgiving");
        ck_assert_int_eq(school->calendar[1].kind, CALENDAR_EARLY_RELEASE);
        ck_assert_int_eq(school->calendar[1].end, 12 * 60);
        ck_assert_int_eq(school->calendar[2].kind, CALENDAR_BLOCKED);
        ck_assert_int_eq(school->calendar[2].start, 10 * 60);
        ck_assert_int_eq(school->calendar[2].end, 11 * 60);

        school_unref(school);
        import_report_clear(&report);
        dataset_free(&set);
}
END_TEST

START_TEST(test_optional_files_and_paths) {
        struct dataset set;
        struct import_report report = { 0 };
        struct school *school = NULL;
        dataset_load(&set, "tiny-school");
        dataset_remove(&set, "services.csv");
        dataset_remove(&set, "calendar.csv");
        dataset_set(&set, "calendar.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
        dataset_set(&set, "notes.txt", "hello");
        /* a leading directory is ignored */
        for (size_t i = 0; i < set.n; i++)
                if (strcmp(set.files[i].name, "students.csv") == 0) {
                        free((char *)set.files[i].name);
                        set.files[i].name = strdup("school-2026/students.csv");
                }
        ck_assert_int_eq(import_school(set.files, set.n, &school, &report), 0);
        ck_assert_uint_eq(school->n_services, 0);
        ck_assert_uint_eq(school->n_calendar, 0);
        ck_assert_uint_eq(school->n_students, 6);
        ck_assert_uint_eq(report.n_warnings, 1);
        ck_assert_str_eq(report.warnings[0], "notes.txt: not a file of the data set, ignored");
        school_unref(school);
        import_report_clear(&report);
        dataset_free(&set);
}
END_TEST

START_TEST(test_broken_school_reports_every_fault) {
        static const char *const expected[] = {
                "school.csv:2: column timezone: Central is not an IANA time zone (use Area/City, e.g. America/Chicago)",
                "school.csv:2: column term_end: 2026-08-01 is not after term_start 2026-08-24",
                "school.csv:2: column transition_minutes: 45 is out of range (use 0..30)",
                "teachers.csv:3: column grade: 13 is not a grade (use K or 1..12)",
                "teachers.csv:4: column teacher_id: teacher T1 is already on line 2",
                "timetable.csv:3: column start: this block of teacher T1 overlaps the block on line 2 (days MWF)",
                "timetable.csv:4: column teacher_id: teacher T9 is not in teachers.csv",
                "timetable.csv:4: column start: 09:75 is not a time (use HH:MM, 24 h, e.g. 13:45)",
                "timetable.csv:5: column days: MXF is not a set of school days (use letters from MTWRF, each once, "
                "e.g. MWF; R is Thursday)",
                "timetable.csv:5: column end: end 09:00 is not after start 10:00",
                "timetable.csv:5: column subject: art is not a subject (use one of: reading, math, writing, science, "
                "social_studies, specials, lunch, recess, intervention, other)",
                "timetable.csv:5: column policy: sometimes is not a policy (use one of: never, avoid, ok, preferred)",
                "students.csv:3: column name: empty, but a value is required",
                "students.csv:3: column teacher_id: teacher T7 is not in teachers.csv",
                "staff.csv:2: column max_sessions_per_day: 30 is out of range (use 0..20)",
                "staff.csv:2: column programs: program NOPE is not in programs.csv",
                "staff.csv:3: column role: principal is not a role (use one of: interventionist, coordinator)",
                "availability.csv:2: column start: 07:00 is outside the school day (08:00-15:00 in school.csv)",
                "availability.csv:3: column staff_id: staff member S4 is not in staff.csv",
                "programs.csv:1: column sessions_per_week: missing required column",
                "programs.csv:2: column max_group: 0 is out of range (use 1..12)",
                "needs.csv:2: column tier: 4 is out of range (use 1..3)",
                "needs.csv:2: column staff_id: staff member S3 is a coordinator, not an interventionist",
                "needs.csv:3: column program_id: student 1001 already has a need in program LLI-P on line 2",
                "needs.csv:4: column student_id: student 1003 is not in students.csv",
                "calendar.csv:2: column date: 2026-13-01 is not a date (use YYYY-MM-DD, e.g. 2026-09-14)",
                "calendar.csv:3: column end: empty, but an early_release day needs end (the time school ends)",
                "calendar.csv:4: column end: empty, but a blocked time needs start and end",
                "calendar.csv:5: column kind: holiday is not a calendar kind (use one of: closed, early_release, "
                "blocked)",
        };
        const size_t n_expected = sizeof expected / sizeof expected[0];
        struct dataset set;
        struct import_report report = { 0 };
        struct school *school = NULL;
        dataset_load(&set, "broken-school");
        ck_assert_int_eq(import_school(set.files, set.n, &school, &report), -EINVAL);
        ck_assert_ptr_null(school);
        char *got = dump(report.errors, report.n_errors);
        ck_assert_msg(report.n_errors == n_expected, "%zu errors, expected %zu:\n%s", report.n_errors, n_expected,
                      got);
        for (size_t i = 0; i < n_expected; i++)
                ck_assert_msg(strcmp(report.errors[i], expected[i]) == 0, "error %zu:\n  %s\nexpected:\n  %s\nall:\n%s",
                              i, report.errors[i], expected[i], got);
        free(got);
        ck_assert_report_has(&report, warnings, "school.csv:1: column principal: unknown column, ignored");
        import_report_clear(&report);
        ck_assert_uint_eq(report.n_errors, 0);
        dataset_free(&set);
}
END_TEST

START_TEST(test_missing_files_and_columns) {
        expect_fault("needs.csv", NULL, "needs.csv: missing required file");
        expect_fault("school.csv", NULL, "school.csv: missing required file");
        expect_fault("students.csv", "student_id,name,teacher_id\n1001,Maya,T1\n",
                     "students.csv:1: column grade: missing required column");
        expect_fault("teachers.csv", "", "teachers.csv:1: the file is empty (the first line must name the columns)");
        expect_fault("teachers.csv", "teacher_id,name,grade,name\nT1,A,K,B\n",
                     "teachers.csv:1: column name: appears twice in the header");
        expect_warning("teachers.csv",
                       "teacher_id,name,grade,phone\nT1,Ana Ruiz,K,12\nT2,Ben,2,14\nT3,Chen,4,\n",
                       "teachers.csv:1: column phone: unknown column, ignored");
}
END_TEST

START_TEST(test_missing_file_silences_its_references) {
        /* Without teachers.csv, nobody's teacher_id can be checked: one error, not one per row. */
        struct dataset set;
        struct import_report report = { 0 };
        struct school *school = NULL;
        dataset_load(&set, "tiny-school");
        dataset_remove(&set, "teachers.csv");
        ck_assert_int_eq(import_school(set.files, set.n, &school, &report), -EINVAL);
        char *got = dump(report.errors, report.n_errors);
        ck_assert_msg(report.n_errors == 1, "errors:\n%s", got);
        ck_assert_str_eq(report.errors[0], "teachers.csv: missing required file");
        free(got);
        import_report_clear(&report);
        dataset_free(&set);
}
END_TEST

static const char school_header[] = "name,timezone,day_start,day_end,term_start,term_end,transition_minutes\n";

START_TEST(test_school_file_rules) {
        char text[512];
        expect_fault("school.csv", school_header, "school.csv:2: no school row (school.csv needs exactly one row under the header)");
        snprintf(text, sizeof text, "%sA,America/Chicago,08:00,15:00,2026-08-24,2027-05-28,\nB,America/Chicago,08:00,15:00,2026-08-24,2027-05-28,\n", school_header);
        expect_fault("school.csv", text, "school.csv:3: a second school row (school.csv holds exactly one row)");
        snprintf(text, sizeof text, "%sA,,08:00,15:00,2026-08-24,2027-05-28,\n", school_header);
        expect_fault("school.csv", text, "school.csv:2: column timezone: empty, but a value is required");
        snprintf(text, sizeof text, "%sA,America/../etc,08:00,15:00,2026-08-24,2027-05-28,\n", school_header);
        expect_fault("school.csv", text, "school.csv:2: column timezone: America/../etc is not an IANA time zone (use Area/City, e.g. America/Chicago)");
        snprintf(text, sizeof text, "%sA,America/Chicago,15:00,08:00,2026-08-24,2027-05-28,\n", school_header);
        expect_fault("school.csv", text, "school.csv:2: column day_end: 08:00 is not after day_start 15:00");
        snprintf(text, sizeof text, "%sA,America/Chicago,8h00,15:00,08/24/2026,2027-05-28,x\n", school_header);
        expect_fault("school.csv", text, "school.csv:2: column day_start: 8h00 is not a time (use HH:MM, 24 h, e.g. 13:45)");
        expect_fault("school.csv", text, "school.csv:2: column term_start: 08/24/2026 is not a date (use YYYY-MM-DD, e.g. 2026-09-14)");
        expect_fault("school.csv", text, "school.csv:2: column transition_minutes: x is not a whole number (use 0..30)");
}
END_TEST

START_TEST(test_timetable_rules) {
        static const char header[] = "teacher_id,days,start,end,subject,activity,policy\n";
        char text[512];
        snprintf(text, sizeof text, "%sT1,MTWRF,07:30,09:30,reading,,\n", header);
        expect_fault("timetable.csv", text, "timetable.csv:2: column start: 07:30 is outside the school day (08:00-15:00 in school.csv)");
        snprintf(text, sizeof text, "%sT1,MTWRF,14:30,15:30,reading,,\n", header);
        expect_fault("timetable.csv", text, "timetable.csv:2: column end: 15:30 is outside the school day (08:00-15:00 in school.csv)");
        snprintf(text, sizeof text, "%sT1,MTWRF,09:00,09:00,reading,,\n", header);
        expect_fault("timetable.csv", text, "timetable.csv:2: column end: end 09:00 is not after start 09:00");
        /* overlaps on shared days only; touching blocks are fine */
        snprintf(text, sizeof text,
                 "%sT1,MW,09:00,10:00,reading,,\nT1,TR,09:30,10:30,math,,\nT1,MTWRF,10:00,10:30,lunch,,\n"
                 "T2,MWF,09:00,10:00,math,,\nT2,F,09:45,10:15,science,,\n",
                 header);
        expect_fault("timetable.csv", text, "timetable.csv:6: column start: this block of teacher T2 overlaps the block on line 5 (days F)");
        expect_fault("timetable.csv", text, "timetable.csv:4: column start: this block of teacher T1 overlaps the block on line 3 (days TR)");
        /* ... and nothing else in it */
        struct dataset set;
        struct import_report report = { 0 };
        struct school *school = NULL;
        dataset_load(&set, "tiny-school");
        dataset_set(&set, "timetable.csv", text);
        ck_assert_int_eq(import_school(set.files, set.n, &school, &report), -EINVAL);
        ck_assert_uint_eq(report.n_errors, 2);
        import_report_clear(&report);
        /* short hours and lower-case days are what spreadsheets write: accepted */
        snprintf(text, sizeof text, "%sT1,mwf,9:05,9:35,reading,,\n", header);
        dataset_set(&set, "timetable.csv", text);
        ck_assert_int_eq(import_school(set.files, set.n, &school, &report), 0);
        ck_assert_int_eq(school->blocks[0].start, 9 * 60 + 5);
        ck_assert_int_eq(school->blocks[0].days, (1 << DAY_MON) | (1 << DAY_WED) | (1 << DAY_FRI));
        school_unref(school);
        import_report_clear(&report);
        dataset_free(&set);
}
END_TEST

START_TEST(test_people_rules) {
        expect_fault("students.csv", "student_id,name,grade,teacher_id\n1001,A,K,T1\n1001,B,1,T1\n",
                     "students.csv:3: column student_id: student 1001 is already on line 2");
        expect_fault("students.csv", "student_id,name,grade,teacher_id\n1001,A,0,T1\n",
                     "students.csv:2: column grade: 0 is not a grade (use K or 1..12)");
        expect_fault("teachers.csv", "teacher_id,name,grade,email\nT1,A,K,ana.example.org\nT2,B,1,\nT3,C,2,\n",
                     "teachers.csv:2: column email: ana.example.org is not an email address");
        expect_fault("services.csv", "student_id,days,start,end,label\n9999,M,09:00,09:30,Speech\n",
                     "services.csv:2: column student_id: student 9999 is not in students.csv");
        expect_fault("services.csv", "student_id,days,start,end,label\n1001,M,14:45,15:15,Speech\n",
                     "services.csv:2: column end: 15:15 is outside the school day (08:00-15:00 in school.csv)");
        expect_fault("students.csv", "student_id,name,grade,teacher_id\n\"10\n01\",A,K,T1\n",
                     "students.csv:2: column student_id: 10\\n01 holds a line break or tab, which an id cannot");
        expect_fault("students.csv",
                     "student_id,name,grade,teacher_id\n"
                     "12345678901234567890123456789012345678901234567890123456789012345,A,K,T1\n",
                     "students.csv:2: column student_id: 1234567890123456789012345678901234567890... is longer "
                     "than 64 bytes (an id is a short key)");
        expect_fault("students.csv", "student_id,name,grade,teacher_id\n1001,A,K,T1,extra\n",
                     "students.csv:2: 5 fields, but the header has 4 columns (a value with a comma that is not in quotes?)");
        expect_fault("students.csv", "student_id,name,grade,teacher_id\n1001,A,K\n",
                     "students.csv:2: only 3 fields, but the header has 4 columns (a comma is missing?)");
}
END_TEST

START_TEST(test_staff_and_program_rules) {
        static const char staff_header[] = "staff_id,name,role,email,max_sessions_per_day,programs\n";
        static const char program_header[] =
                "program_id,name,area,max_group,minutes,sessions_per_week,max_grade_span,checklist\n";
        char text[1024];
        snprintf(text, sizeof text, "%sS1,A,interventionist,,,\nS2,B,interventionist,,,\nS1,C,coordinator,,,\n", staff_header);
        expect_fault("staff.csv", text, "staff.csv:4: column staff_id: staff member S1 is already on line 2");
        snprintf(text, sizeof text, "%sLLI-P,A,reading,3,30,5,,\nWRS,B,spelling,4,45,3,2,\nBRIDGES,C,math,5,30,4,1,\n", program_header);
        expect_fault("programs.csv", text, "programs.csv:3: column area: spelling is not a program area (use one of: reading, math, writing, behavior)");
        snprintf(text, sizeof text, "%sLLI-P,A,reading,3,150,5,,\nWRS,B,reading,4,45,6,13,\nBRIDGES,C,math,5,30,4,1,\nWRS,D,math,5,30,4,1,\n", program_header);
        expect_fault("programs.csv", text, "programs.csv:2: column minutes: 150 is out of range (use 5..120)");
        expect_fault("programs.csv", text, "programs.csv:3: column sessions_per_week: 6 is out of range (use 1..5)");
        expect_fault("programs.csv", text, "programs.csv:3: column max_grade_span: 13 is out of range (use 0..12)");
        expect_fault("programs.csv", text, "programs.csv:5: column program_id: program WRS is already on line 3");
        snprintf(text, sizeof text, "%sLLI;P,A,reading,3,30,5,,\n", program_header);
        expect_fault("programs.csv", text,
                     "programs.csv:2: column program_id: LLI;P holds a ';' (it separates the ids of a list), which an "
                     "id cannot");
        expect_fault("availability.csv", "staff_id,days,start,end\nS1,MTWRF,12:00,11:00\n",
                     "availability.csv:2: column end: end 11:00 is not after start 12:00");
        expect_warning("availability.csv", "staff_id,days,start,end\nS1,MTWRF,08:30,12:00\nS2,MWF,09:00,14:00\nS3,M,09:00,10:00\n",
                       "availability.csv:4: column staff_id: S3 is a coordinator, not an interventionist: this time is not used");
        expect_warning("availability.csv", "staff_id,days,start,end\nS1,MTWRF,08:30,12:00\n",
                       "staff.csv:3: column staff_id: S2 has no time in availability.csv: no session can be scheduled with them");
}
END_TEST

START_TEST(test_need_rules) {
        static const char header[] = "student_id,program_id,tier,sessions_per_week,minutes,staff_id,level\n";
        char text[512];
        snprintf(text, sizeof text, "%s1001,NOPE,,,,,\n", header);
        expect_fault("needs.csv", text, "needs.csv:2: column program_id: program NOPE is not in programs.csv");
        snprintf(text, sizeof text, "%s1001,LLI-P,,,,S9,\n", header);
        expect_fault("needs.csv", text, "needs.csv:2: column staff_id: staff member S9 is not in staff.csv");
        snprintf(text, sizeof text, "%s1005,BRIDGES,,,,S1,\n", header);
        expect_fault("needs.csv", text,
                     "needs.csv:2: column staff_id: staff member S1 is not trained for program BRIDGES (staff.csv "
                     "lists: LLI-P;WRS); add it to their programs or pin someone else");
        snprintf(text, sizeof text, "%s1001,LLI-P,0,6,4,,100\n", header);
        expect_fault("needs.csv", text, "needs.csv:2: column tier: 0 is out of range (use 1..3)");
        expect_fault("needs.csv", text, "needs.csv:2: column sessions_per_week: 6 is out of range (use 1..5)");
        expect_fault("needs.csv", text, "needs.csv:2: column minutes: 4 is out of range (use 5..120)");
        expect_fault("needs.csv", text, "needs.csv:2: column level: 100 is out of range (use 0..99)");
        snprintf(text, sizeof text, "%s,LLI-P,,,,,\n", header);
        expect_fault("needs.csv", text, "needs.csv:2: column student_id: empty, but a value is required");
}
END_TEST

START_TEST(test_calendar_rules) {
        static const char header[] = "date,kind,start,end,label\n";
        char text[512];
        snprintf(text, sizeof text, "%s2026-09-18,blocked,,11:00,Assembly\n", header);
        expect_fault("calendar.csv", text, "calendar.csv:2: column start: empty, but a blocked time needs start and end");
        snprintf(text, sizeof text, "%s2026-09-18,blocked,14:00,16:00,Assembly\n", header);
        expect_fault("calendar.csv", text, "calendar.csv:2: column end: 16:00 is outside the school day (08:00-15:00 in school.csv)");
        snprintf(text, sizeof text, "%s2026-09-18,early_release,,17:00,\n", header);
        expect_fault("calendar.csv", text, "calendar.csv:2: column end: 17:00 is outside the school day (08:00-15:00 in school.csv)");
        snprintf(text, sizeof text, "%s2026-09-18,blocked,11:00,10:00,\n", header);
        expect_fault("calendar.csv", text, "calendar.csv:2: column end: end 10:00 is not after start 11:00");
        snprintf(text, sizeof text, "%s2027-07-05,closed,,,Summer\n", header);
        expect_warning("calendar.csv", text, "calendar.csv:2: column date: 2027-07-05 is outside the term (2026-08-24 to 2027-05-28 in school.csv)");
        snprintf(text, sizeof text, "%s2026-09-19,closed,,,\n", header);
        expect_warning("calendar.csv", text, "calendar.csv:2: column date: 2026-09-19 is a Saturday, not a school day");
}
END_TEST

START_TEST(test_text_faults_are_located) {
        /* Names reach terminals and calendar feeds: an escape sequence set a terminal's title. */
        expect_fault("students.csv", "student_id,name,grade,teacher_id\n1001,\"Ana\x1b]0;pwned\x07\",K,T1\n",
                     "students.csv:2: column name: Ana\\?]0;pwned\\? holds control character U+001B, which a name "
                     "or label cannot");
        expect_fault("teachers.csv", "teacher_id,name,grade,email\nT1,\"Ms\tA\",K,\nT2,B,1,\nT3,C,2,\n",
                     "teachers.csv:2: column name: Ms\\tA holds control character U+0009, which a name or label cannot");
        expect_fault("students.csv", "student_id,name,grade,teacher_id\n1001,A\xc2\x9b" "31m,K,T1\n",
                     "students.csv:2: column name: A\\?31m holds control character U+009B, which a name or label "
                     "cannot");
        expect_fault("students.csv", "student_id,name,grade,teacher_id\n1001,Jos\xe9,K,T1\n1002,Ana,K,T1\n1003,L\xfc,K,T1\n",
                     "students.csv:4: invalid UTF-8 (save the file as \"CSV UTF-8\")");
        expect_fault("students.csv", "student_id,name,grade,teacher_id\n1001,\"A\nB\",K,T9\n",
                     "students.csv:2: column teacher_id: teacher T9 is not in teachers.csv");
        expect_fault("students.csv", "student_id,name,grade,teacher_id\n1001,\"Ann,K,T1\n",
                     "students.csv:2: a quoted field that starts here is never closed (a \" is missing)");
        /* a BOM and CRLF line endings, as Excel writes them */
        struct dataset set;
        struct import_report report = { 0 };
        struct school *school = NULL;
        dataset_load(&set, "tiny-school");
        dataset_set(&set, "students.csv",
                    "\xef\xbb\xbfstudent_id,name,grade,teacher_id\r\n1001,Ana,K,T1\r\n\r\n1005,Zoe,4,T3\r\n1006,Sam,4,T3\r\n");
        ck_assert_int_eq(import_school(set.files, set.n, &school, &report), -EINVAL);
        ck_assert_report_has(&report, errors, "needs.csv:3: column student_id: student 1002 is not in students.csv");
        import_report_clear(&report);
        dataset_free(&set);
}
END_TEST

START_TEST(test_limits) {
        struct dataset set;
        struct import_report report = { 0 };
        struct school *school = NULL;
        dataset_load(&set, "tiny-school");
        /* The size is checked before a byte is read. */
        for (size_t i = 0; i < set.n; i++)
                if (strcmp(set.files[i].name, "timetable.csv") == 0)
                        set.files[i].size = IMPORT_MAX_BYTES;
        ck_assert_int_eq(import_school(set.files, set.n, &school, &report), -EINVAL);
        ck_assert_uint_eq(report.n_errors, 1);
        ck_assert_ptr_nonnull(strstr(report.errors[0], "timetable.csv: the data set grows past its limit of 30 MiB"));
        import_report_clear(&report);
        dataset_free(&set);

        /* Too many errors: the first IMPORT_MAX_ERRORS, and a line saying how many more. */
        size_t rows = IMPORT_MAX_ERRORS + 50;
        char *text = malloc(64 + rows * 32);
        char *p = text + sprintf(text, "student_id,name,grade,teacher_id\n");
        for (size_t i = 0; i < rows; i++)
                p += sprintf(p, "%zu,Kid,K,T99\n", 5000 + i);
        dataset_load(&set, "tiny-school");
        dataset_set(&set, "students.csv", text);
        ck_assert_int_eq(import_school(set.files, set.n, &school, &report), -EINVAL);
        ck_assert_uint_eq(report.n_errors, IMPORT_MAX_ERRORS + 1);
        ck_assert_str_eq(report.errors[0], "students.csv:2: column teacher_id: teacher T99 is not in teachers.csv");
        ck_assert_ptr_nonnull(strstr(report.errors[IMPORT_MAX_ERRORS], "more errors"));
        import_report_clear(&report);
        dataset_free(&set);
        free(text);
}
END_TEST

/* A school of 2,000 students and 10,000 timetable rows, written as CSV. */
static void build_large_school(struct dataset *set) {
        size_t cap = 4 << 20;
        char *text = malloc(cap);
        char *p;
        *set = (struct dataset){ 0 };
        dataset_set(set, "school.csv",
                    "name,timezone,day_start,day_end,term_start,term_end\nBig,America/Denver,08:00,15:00,2026-08-24,2027-05-28\n");

        p = text + sprintf(text, "teacher_id,name,grade,email\n");
        for (int t = 0; t < 100; t++)
                p += sprintf(p, "T%d,Teacher %d,%d,t%d@big.example.org\n", t, t, t % 6 ? t % 6 : 1, t);
        dataset_set(set, "teachers.csv", text);

        /* 20 blocks of 20 minutes a day on each weekday, per teacher: 10,000 rows, no overlap. */
        static const char *const subjects[] = { "reading", "math", "science", "writing", "other" };
        static const char days[] = "MTWRF";
        p = text + sprintf(text, "teacher_id,days,start,end,subject,activity,policy\n");
        for (int t = 0; t < 100; t++)
                for (int d = 0; d < 5; d++)
                        for (int k = 0; k < 20; k++) {
                                int start = 8 * 60 + k * 20;
                                p += sprintf(p, "T%d,%c,%02d:%02d,%02d:%02d,%s,,\n", t, days[d], start / 60, start % 60,
                                             (start + 20) / 60, (start + 20) % 60, subjects[k % 5]);
                        }
        dataset_set(set, "timetable.csv", text);

        p = text + sprintf(text, "student_id,name,grade,teacher_id\n");
        for (int s = 0; s < 2000; s++)
                p += sprintf(p, "%d,Student %d,%d,T%d\n", 10000 + s, s, (s / 20) % 6 ? (s / 20) % 6 : 1, s / 20);
        dataset_set(set, "students.csv", text);

        p = text + sprintf(text, "student_id,days,start,end,label\n");
        for (int s = 0; s < 2000; s += 10)
                p += sprintf(p, "%d,TR,13:00,13:30,Speech\n", 10000 + s);
        dataset_set(set, "services.csv", text);

        p = text + sprintf(text, "staff_id,name,role,email,max_sessions_per_day,programs\n");
        for (int s = 0; s < 20; s++)
                p += sprintf(p, "S%d,Staff %d,interventionist,,8,P%d;P%d\n", s, s, s % 5, (s + 1) % 5);
        dataset_set(set, "staff.csv", text);

        p = text + sprintf(text, "staff_id,days,start,end\n");
        for (int s = 0; s < 20; s++)
                p += sprintf(p, "S%d,MTWRF,08:00,15:00\n", s);
        dataset_set(set, "availability.csv", text);

        p = text + sprintf(text, "program_id,name,area,max_group,minutes,sessions_per_week,max_grade_span,checklist\n");
        for (int k = 0; k < 5; k++)
                p += sprintf(p, "P%d,Program %d,%s,4,30,4,1,a;b;c\n", k, k, k % 2 ? "math" : "reading");
        dataset_set(set, "programs.csv", text);

        p = text + sprintf(text, "student_id,program_id,tier,sessions_per_week,minutes,staff_id,level\n");
        for (int s = 0; s < 2000; s += 4)
                p += sprintf(p, "%d,P%d,2,,,,%d\n", 10000 + s, s % 5, s % 7);
        dataset_set(set, "needs.csv", text);
        free(text);
}

START_TEST(test_large_school_is_fast) {
        struct dataset set;
        struct import_report report = { 0 };
        struct school *school = NULL;
        struct timespec a, b;
        build_large_school(&set);
        clock_gettime(CLOCK_MONOTONIC, &a);
        int r = import_school(set.files, set.n, &school, &report);
        clock_gettime(CLOCK_MONOTONIC, &b);
        char *errors = dump(report.errors, report.n_errors < 5 ? report.n_errors : 5);
        ck_assert_msg(r == 0, "import failed (%d):\n%s", r, errors);
        free(errors);
        ck_assert_uint_eq(school->n_students, 2000);
        ck_assert_uint_eq(school->n_blocks, 10000);
        ck_assert_uint_eq(school->n_needs, 500);
        ck_assert_int_eq(school->students[1999].teacher, 99);
        double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
        /* 100 ms is the goal on an optimised build; the bound leaves room for sanitizers and
         * valgrind while still catching a quadratic scan. */
        ck_assert_msg(ms < 3000, "import took %.1f ms", ms);
        if (getenv("PULLOUT_TEST_VERBOSE"))
                fprintf(stderr, "import of 2,000 students, 10,000 blocks: %.1f ms\n", ms);
        school_unref(school);
        import_report_clear(&report);
        dataset_free(&set);
}
END_TEST

Suite *suite_import(void) {
        Suite *suite = suite_create("import");
        TCase *load = tcase_create("load");
        tcase_add_test(load, test_tiny_school_loads);
        tcase_add_test(load, test_optional_files_and_paths);
        suite_add_tcase(suite, load);
        TCase *broken = tcase_create("broken");
        tcase_add_test(broken, test_broken_school_reports_every_fault);
        tcase_add_test(broken, test_missing_files_and_columns);
        tcase_add_test(broken, test_missing_file_silences_its_references);
        suite_add_tcase(suite, broken);
        TCase *rules = tcase_create("rules");
        tcase_add_test(rules, test_school_file_rules);
        tcase_add_test(rules, test_timetable_rules);
        tcase_add_test(rules, test_people_rules);
        tcase_add_test(rules, test_staff_and_program_rules);
        tcase_add_test(rules, test_need_rules);
        tcase_add_test(rules, test_calendar_rules);
        tcase_add_test(rules, test_text_faults_are_located);
        suite_add_tcase(suite, rules);
        TCase *limits = tcase_create("limits");
        tcase_set_timeout(limits, 60);
        tcase_add_test(limits, test_limits);
        tcase_add_test(limits, test_large_school_is_fast);
        suite_add_tcase(suite, limits);
        return suite;
}
