/* test-export.c: a loaded school written back as its data set's CSV files reads back equal
 * (the bundled sample school, a generated one, text that needs quoting), and a what-if laid
 * over it replaces exactly the files handed in, a bad one refused FILE:LINE. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/schoolgen/schoolgen.h"
#include "import/import.h"

static bool same_text(const char *a, const char *b) {
        return (!a || !*a) ? (!b || !*b) : (b && strcmp(a, b) == 0);
}

#define SAME(field) ck_assert_msg(a->field == b->field, "%s differs at %zu", #field, i)
#define SAME_TEXT(field) ck_assert_msg(same_text(a->field, b->field), "%s differs at %zu", #field, i)

/* Equal in everything the solver, the feeds and the sessions read. */
static void assert_same_school(const struct school *x, const struct school *y) {
        size_t i = 0;
        {
                const struct school_info *a = &x->info, *b = &y->info;
                SAME_TEXT(name), SAME_TEXT(timezone), SAME(day_start), SAME(day_end), SAME(term_start);
                SAME(term_end), SAME(transition_minutes);
        }
        ck_assert_uint_eq(x->n_teachers, y->n_teachers);
        for (i = 0; i < x->n_teachers; i++) {
                const struct teacher *a = &x->teachers[i], *b = &y->teachers[i];
                SAME_TEXT(id), SAME_TEXT(name), SAME_TEXT(email), SAME(grade), SAME_TEXT(room);
        }
        ck_assert_uint_eq(x->n_blocks, y->n_blocks);
        for (i = 0; i < x->n_blocks; i++) {
                const struct block *a = &x->blocks[i], *b = &y->blocks[i];
                SAME(teacher), SAME(days), SAME(start), SAME(end), SAME(subject), SAME_TEXT(activity), SAME(policy);
        }
        ck_assert_uint_eq(x->n_students, y->n_students);
        for (i = 0; i < x->n_students; i++) {
                const struct student *a = &x->students[i], *b = &y->students[i];
                SAME_TEXT(id), SAME_TEXT(name), SAME(grade), SAME(teacher);
        }
        ck_assert_uint_eq(x->n_services, y->n_services);
        for (i = 0; i < x->n_services; i++) {
                const struct service *a = &x->services[i], *b = &y->services[i];
                SAME(student), SAME(days), SAME(start), SAME(end), SAME_TEXT(label);
        }
        ck_assert_uint_eq(x->n_staff, y->n_staff);
        for (i = 0; i < x->n_staff; i++) {
                const struct staff *a = &x->staff[i], *b = &y->staff[i];
                SAME_TEXT(id), SAME_TEXT(name), SAME_TEXT(email), SAME(role), SAME(max_sessions_per_day);
                SAME(n_programs);
                for (size_t p = 0; p < a->n_programs; p++)
                        ck_assert_int_eq(a->programs[p], b->programs[p]);
        }
        ck_assert_uint_eq(x->n_availability, y->n_availability);
        for (i = 0; i < x->n_availability; i++) {
                const struct availability *a = &x->availability[i], *b = &y->availability[i];
                SAME(staff), SAME(days), SAME(start), SAME(end);
        }
        ck_assert_uint_eq(x->n_programs, y->n_programs);
        for (i = 0; i < x->n_programs; i++) {
                const struct program *a = &x->programs[i], *b = &y->programs[i];
                SAME_TEXT(id), SAME_TEXT(name), SAME(area), SAME(max_group), SAME(minutes);
                SAME(sessions_per_week), SAME(max_grade_span), SAME(n_checklist);
                for (size_t c = 0; c < a->n_checklist; c++)
                        ck_assert_str_eq(a->checklist[c], b->checklist[c]);
        }
        ck_assert_uint_eq(x->n_needs, y->n_needs);
        for (i = 0; i < x->n_needs; i++) {
                const struct need *a = &x->needs[i], *b = &y->needs[i];
                SAME(student), SAME(program), SAME(tier), SAME(sessions_per_week), SAME(minutes), SAME(staff);
                SAME(level);
        }
        ck_assert_uint_eq(x->n_calendar, y->n_calendar);
        for (i = 0; i < x->n_calendar; i++) {
                const struct calendar_day *a = &x->calendar[i], *b = &y->calendar[i];
                SAME(date), SAME(kind), SAME_TEXT(label);
                if (a->kind == CALENDAR_BLOCKED)
                        SAME(start);
                if (a->kind != CALENDAR_CLOSED)
                        SAME(end);
        }
}

static char *dump(const struct import_report *report) {
        size_t size = 1;
        for (size_t i = 0; i < report->n_errors && i < 10; i++)
                size += strlen(report->errors[i]) + 1;
        char *text = calloc(1, size);
        for (size_t i = 0; text && i < report->n_errors && i < 10; i++)
                strcat(strcat(text, report->errors[i]), "\n");
        return text;
}

/* school written and read back: equal. */
static void assert_round_trip(const struct school *school) {
        struct import_file *files = NULL;
        size_t n = 0;
        struct import_report report = { 0 };
        struct school *back = NULL;
        ck_assert_int_eq(import_write_school(school, &files, &n), 0);
        int r = import_school(files, n, &back, &report);
        char *errors = dump(&report);
        ck_assert_msg(r == 0, "read back failed (%d):\n%s", r, errors);
        free(errors);
        ck_assert_uint_eq(report.n_warnings, 0);
        assert_same_school(school, back);
        school_unref(back);
        import_report_clear(&report);
        import_files_free(files, n);
}

static char *slurp(const char *path, size_t *ret_size) {
        FILE *f = fopen(path, "rb");
        ck_assert_msg(f, "cannot open %s", path);
        char *data = malloc(1 << 20);
        ck_assert_ptr_nonnull(data);
        *ret_size = fread(data, 1, 1 << 20, f);
        fclose(f);
        return data;
}

/* examples/sample-school as pullout import reads it. */
static struct school *sample_school(void) {
        const char *source = getenv("PULLOUT_SOURCE");
        char dir[512];
        snprintf(dir, sizeof dir, "%s/examples/sample-school", source ? source : ".");
        struct import_file files[16];
        size_t n = 0;
        DIR *d = opendir(dir);
        ck_assert_msg(d, "cannot open %s", dir);
        struct dirent *e;
        while ((e = readdir(d)) && n < 16) {
                if (e->d_name[0] == '.')
                        continue;
                char path[800];
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                size_t size;
                char *data = slurp(path, &size);
                files[n++] = (struct import_file){ .name = strdup(e->d_name), .data = data, .size = size };
        }
        closedir(d);
        struct import_report report = { 0 };
        struct school *school = NULL;
        ck_assert_int_eq(import_school(files, n, &school, &report), 0);
        import_report_clear(&report);
        for (size_t i = 0; i < n; i++)
                free((char *)files[i].name), free((char *)files[i].data);
        return school;
}

START_TEST(test_sample_school_round_trips) {
        struct school *school = sample_school();
        ck_assert_uint_gt(school->n_needs, 0);
        ck_assert_uint_gt(school->n_calendar, 0);
        assert_round_trip(school);
        school_unref(school);
}
END_TEST

START_TEST(test_generated_school_round_trips) {
        struct schoolgen_params params = { .seed = 11, .students = 400 };
        struct school *school = NULL;
        ck_assert_int_eq(schoolgen_build(&params, &school), 0);
        /* Text a spreadsheet holds: commas, quotes, non-ASCII (a line break is refused in a name). */
        free(school->students[0].name);
        school->students[0].name = strdup("O\"Neil, \"Pat\"");
        free(school->teachers[0].name);
        school->teachers[0].name = strdup("Ms. Díaz, \"Room 2\"");
        assert_round_trip(school);
        school_unref(school);
}
END_TEST

static const char *message_with(const struct import_report *report, const char *text) {
        for (size_t i = 0; i < report->n_errors; i++)
                if (strstr(report->errors[i], text))
                        return report->errors[i];
        return NULL;
}

START_TEST(test_overlay_replaces_the_files_handed_in) {
        struct school *stored = sample_school(), *what_if = NULL;
        struct import_report report = { 0 };
        /* programs.csv with larger groups; everything else as stored. */
        struct import_file *files = NULL;
        size_t n = 0;
        ck_assert_int_eq(import_write_school(stored, &files, &n), 0);
        struct import_file programs = { 0 };
        for (size_t i = 0; i < n; i++)
                if (strcmp(files[i].name, "programs.csv") == 0)
                        programs = files[i];
        char *text = strndup(programs.data, programs.size);
        /* LLI-P: reading, max_group 3, 30 minutes, 5 a week -> max_group 9 */
        char *at = strstr(text, ",reading,3,30,5,");
        ck_assert_ptr_nonnull(at);
        at[9] = '9';
        char *changed = text;
        struct import_file over = { .name = "what-if/programs.csv", .data = changed, .size = strlen(changed) };
        ck_assert_int_eq(import_overlay(stored, &over, 1, &what_if, &report), 0);
        ck_assert_int_eq(what_if->programs[0].max_group, 9);
        ck_assert_int_ne(stored->programs[0].max_group, 9);
        ck_assert_uint_eq(what_if->n_needs, stored->n_needs);
        school_unref(what_if);
        import_report_clear(&report);

        /* A need of a student nobody knows: refused at its line, naming the file. */
        const char *needs = "student_id,program_id\n1001,LLI-P\n9999,LLI-P\n";
        struct import_file bad = { .name = "needs.csv", .data = needs, .size = strlen(needs) };
        what_if = NULL;
        ck_assert_int_eq(import_overlay(stored, &bad, 1, &what_if, &report), -EINVAL);
        ck_assert_ptr_null(what_if);
        ck_assert_msg(message_with(&report, "needs.csv:3:") && message_with(&report, "9999"), "%s",
                      report.n_errors ? report.errors[0] : "no error");
        import_report_clear(&report);

        /* No file of the data set at all. */
        struct import_file other = { .name = "notes.csv", .data = "a\n", .size = 2 };
        ck_assert_int_eq(import_overlay(stored, &other, 1, &what_if, &report), -EINVAL);
        ck_assert_ptr_nonnull(message_with(&report, "no file of the data set"));
        import_report_clear(&report);

        free(text);
        import_files_free(files, n);
        school_unref(stored);
}
END_TEST

Suite *suite_export(void) {
        Suite *suite = suite_create("export");
        TCase *tcase = tcase_create("export");
        tcase_add_test(tcase, test_sample_school_round_trips);
        tcase_add_test(tcase, test_generated_school_round_trips);
        tcase_add_test(tcase, test_overlay_replaces_the_files_handed_in);
        suite_add_tcase(suite, tcase);
        return suite;
}
