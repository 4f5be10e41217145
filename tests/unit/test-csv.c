/* test-csv.c: the CSV reader under the importer: RFC 4180 quoting, the line each record starts
 * on, line endings, byte order marks, encoding faults and the limits on one file. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/csv.h"

struct faults {
        unsigned lines[16];
        char messages[16][200];
        size_t n;
};

static void collect(void *userdata, unsigned line, const char *message) {
        struct faults *faults = userdata;
        if (faults->n < 16) {
                faults->lines[faults->n] = line;
                snprintf(faults->messages[faults->n], sizeof faults->messages[0], "%s", message);
        }
        faults->n++;
}

static struct csv_table *parse_ok(const char *text, struct faults *faults) {
        struct csv_table *table = NULL;
        int r = csv_table_parse(text, strlen(text), CSV_TABLE_TRIM, collect, faults, &table);
        ck_assert_msg(r == 0, "parse failed: %d (%s)", r, faults->n ? faults->messages[0] : "");
        ck_assert_ptr_nonnull(table);
        ck_assert_uint_eq(faults->n, 0);
        return table;
}

START_TEST(test_quotes_commas_and_doubled_quotes) {
        struct faults faults = { 0 };
        struct csv_table *table = parse_ok("id,name,note\n"
                                           "1,\"Lee, Maya\",\"said \"\"hi\"\"\"\n"
                                           "2,Ana,\n",
                                           &faults);
        ck_assert_uint_eq(table->header.n_fields, 3);
        ck_assert_int_eq(csv_table_column(table, "name"), 1);
        ck_assert_int_eq(csv_table_column(table, "Name"), -1);
        ck_assert_uint_eq(table->n_rows, 2);
        ck_assert_str_eq(csv_row_field(&table->rows[0], 1), "Lee, Maya");
        ck_assert_str_eq(csv_row_field(&table->rows[0], 2), "said \"hi\"");
        ck_assert_str_eq(csv_row_field(&table->rows[1], 2), "");
        ck_assert_str_eq(csv_row_field(&table->rows[1], 7), "");
        ck_assert_str_eq(csv_row_field(&table->rows[1], -1), "");
        csv_table_free(table);
}
END_TEST

START_TEST(test_embedded_newline_keeps_first_line) {
        struct faults faults = { 0 };
        struct csv_table *table = parse_ok("id,checklist\n"
                                           "A,\"one\ntwo\nthree\"\n"
                                           "\n"
                                           "B,\"x\r\ny\"\r\n"
                                           "C,plain\n",
                                           &faults);
        ck_assert_uint_eq(table->n_rows, 3);
        ck_assert_uint_eq(table->header.line, 1);
        ck_assert_uint_eq(table->rows[0].line, 2);
        ck_assert_str_eq(csv_row_field(&table->rows[0], 1), "one\ntwo\nthree");
        /* line 5 is blank: B starts on 6 */
        ck_assert_uint_eq(table->rows[1].line, 6);
        ck_assert_str_eq(csv_row_field(&table->rows[1], 1), "x\r\ny");
        ck_assert_uint_eq(table->rows[2].line, 8);
        csv_table_free(table);
}
END_TEST

START_TEST(test_multiline_first_field_reports_its_start) {
        struct faults faults = { 0 };
        struct csv_table *table = parse_ok("a,b\n\"x\ny\",z\nq,r", &faults);
        ck_assert_uint_eq(table->n_rows, 2);
        ck_assert_uint_eq(table->rows[0].line, 2);
        ck_assert_uint_eq(table->rows[1].line, 4);
        ck_assert_str_eq(csv_row_field(&table->rows[1], 1), "r"); /* no final newline */
        csv_table_free(table);
}
END_TEST

START_TEST(test_crlf_and_bom) {
        struct faults faults = { 0 };
        struct csv_table *table = parse_ok("\xef\xbb\xbf teacher_id ,name\r\nT1,Ms Ray\r\n\r\nT2, Mr Oz \r\n", &faults);
        ck_assert_int_eq(csv_table_column(table, "teacher_id"), 0);
        ck_assert_uint_eq(table->n_rows, 2);
        ck_assert_str_eq(csv_row_field(&table->rows[0], 1), "Ms Ray");
        ck_assert_str_eq(csv_row_field(&table->rows[1], 1), "Mr Oz");
        ck_assert_uint_eq(table->rows[1].line, 4);
        csv_table_free(table);
}
END_TEST

START_TEST(test_utf8_text_is_kept) {
        struct faults faults = { 0 };
        struct csv_table *table = parse_ok("name\nJosé Núñez\n李小龍\n", &faults);
        ck_assert_str_eq(csv_row_field(&table->rows[0], 0), "José Núñez");
        ck_assert_str_eq(csv_row_field(&table->rows[1], 0), "李小龍");
        csv_table_free(table);
}
END_TEST

START_TEST(test_invalid_utf8_names_every_line) {
        /* Latin-1 é on line 2, an overlong slash on line 4, a surrogate on line 5. */
        const char text[] = "name\nJos\xe9\nAna\nbad\xc0\xaf\nx\xed\xa0\x80y\n";
        struct faults faults = { 0 };
        struct csv_table *table = NULL;
        ck_assert_int_eq(csv_table_parse(text, sizeof text - 1, 0, collect, &faults, &table), -EINVAL);
        ck_assert_ptr_null(table);
        ck_assert_uint_eq(faults.n, 3);
        ck_assert_uint_eq(faults.lines[0], 2);
        ck_assert_uint_eq(faults.lines[1], 4);
        ck_assert_uint_eq(faults.lines[2], 5);
        ck_assert_ptr_nonnull(strstr(faults.messages[0], "UTF-8"));
}
END_TEST

START_TEST(test_nul_byte_rejected) {
        const char text[] = "a,b\n1,2\n3,\0\n";
        struct faults faults = { 0 };
        struct csv_table *table = NULL;
        ck_assert_int_eq(csv_table_parse(text, sizeof text - 1, 0, collect, &faults, &table), -EINVAL);
        ck_assert_uint_eq(faults.n, 1);
        ck_assert_uint_eq(faults.lines[0], 3);
}
END_TEST

START_TEST(test_broken_quotes) {
        struct faults faults = { 0 };
        struct csv_table *table = NULL;
        const char *stray = "a,b\n1,2\n3,ab\"c\n";
        ck_assert_int_eq(csv_table_parse(stray, strlen(stray), 0, collect, &faults, &table), -EINVAL);
        ck_assert_uint_eq(faults.n, 1);
        ck_assert_uint_eq(faults.lines[0], 3);

        faults = (struct faults){ 0 };
        const char *unclosed = "a,b\n1,2\n3,\"open\nstill open\n";
        ck_assert_int_eq(csv_table_parse(unclosed, strlen(unclosed), 0, collect, &faults, &table), -EINVAL);
        ck_assert_uint_eq(faults.n, 1);
        ck_assert_uint_eq(faults.lines[0], 3);
        ck_assert_ptr_nonnull(strstr(faults.messages[0], "never closed"));
        ck_assert_ptr_null(table);
}
END_TEST

START_TEST(test_empty_input) {
        struct faults faults = { 0 };
        struct csv_table *table = NULL;
        ck_assert_int_eq(csv_table_parse("", 0, 0, collect, &faults, &table), 0);
        ck_assert_uint_eq(table->header.n_fields, 0);
        ck_assert_uint_eq(table->n_rows, 0);
        csv_table_free(table);
        ck_assert_int_eq(csv_table_parse("\xef\xbb\xbf\n\n", 5, 0, collect, &faults, &table), 0);
        ck_assert_uint_eq(table->header.n_fields, 0);
        csv_table_free(table);
        ck_assert_uint_eq(faults.n, 0);
}
END_TEST

START_TEST(test_field_length_limit) {
        size_t n = CSV_MAX_FIELD_BYTES + 1;
        char *text = malloc(n + 32);
        strcpy(text, "a\nok\n");
        memset(text + 5, 'x', n);
        strcpy(text + 5 + n, "\n");
        struct faults faults = { 0 };
        struct csv_table *table = NULL;
        ck_assert_int_eq(csv_table_parse(text, strlen(text), 0, collect, &faults, &table), -EINVAL);
        ck_assert_uint_eq(faults.n, 1);
        ck_assert_uint_eq(faults.lines[0], 3);
        ck_assert_ptr_nonnull(strstr(faults.messages[0], "longer than"));
        /* exactly at the limit is fine */
        strcpy(text + 4 + n, "\n");
        faults = (struct faults){ 0 };
        ck_assert_int_eq(csv_table_parse(text, strlen(text), 0, collect, &faults, &table), 0);
        ck_assert_uint_eq(strlen(csv_row_field(&table->rows[1], 0)), CSV_MAX_FIELD_BYTES);
        csv_table_free(table);
        free(text);
}
END_TEST

START_TEST(test_column_limit) {
        char text[4 * (CSV_MAX_COLUMNS + 2)] = "";
        for (int i = 0; i <= CSV_MAX_COLUMNS; i++)
                strcat(text, i ? ",c" : "c");
        strcat(text, "\n");
        struct faults faults = { 0 };
        struct csv_table *table = NULL;
        ck_assert_int_eq(csv_table_parse(text, strlen(text), 0, collect, &faults, &table), -EINVAL);
        ck_assert_uint_eq(faults.n, 1);
        ck_assert_uint_eq(faults.lines[0], 1);
        ck_assert_ptr_nonnull(strstr(faults.messages[0], "fields"));
}
END_TEST

START_TEST(test_row_limit) {
        size_t rows = CSV_MAX_ROWS + 1;
        char *text = malloc(2 + rows * 2 + 1);
        char *p = text;
        *p++ = 'a';
        *p++ = '\n';
        for (size_t i = 0; i < rows; i++) {
                *p++ = '1';
                *p++ = '\n';
        }
        struct faults faults = { 0 };
        struct csv_table *table = NULL;
        ck_assert_int_eq(csv_table_parse(text, (size_t)(p - text), 0, collect, &faults, &table), -EINVAL);
        ck_assert_uint_eq(faults.n, 1);
        ck_assert_uint_eq(faults.lines[0], CSV_MAX_ROWS + 2);
        ck_assert_ptr_nonnull(strstr(faults.messages[0], "rows"));
        /* one row fewer passes */
        ck_assert_int_eq(csv_table_parse(text, (size_t)(p - text) - 2, 0, collect, &faults, &table), 0);
        ck_assert_uint_eq(table->n_rows, CSV_MAX_ROWS);
        csv_table_free(table);
        free(text);
}
END_TEST

Suite *suite_csv(void) {
        Suite *suite = suite_create("csv");
        TCase *quoting = tcase_create("quoting");
        tcase_add_test(quoting, test_quotes_commas_and_doubled_quotes);
        tcase_add_test(quoting, test_broken_quotes);
        suite_add_tcase(suite, quoting);
        TCase *lines = tcase_create("lines");
        tcase_add_test(lines, test_embedded_newline_keeps_first_line);
        tcase_add_test(lines, test_multiline_first_field_reports_its_start);
        tcase_add_test(lines, test_crlf_and_bom);
        tcase_add_test(lines, test_empty_input);
        suite_add_tcase(suite, lines);
        TCase *encoding = tcase_create("encoding");
        tcase_add_test(encoding, test_utf8_text_is_kept);
        tcase_add_test(encoding, test_invalid_utf8_names_every_line);
        tcase_add_test(encoding, test_nul_byte_rejected);
        suite_add_tcase(suite, encoding);
        TCase *limits = tcase_create("limits");
        tcase_add_test(limits, test_field_length_limit);
        tcase_add_test(limits, test_column_limit);
        tcase_add_test(limits, test_row_limit);
        suite_add_tcase(suite, limits);
        return suite;
}
