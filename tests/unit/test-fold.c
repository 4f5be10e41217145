/* test-fold.c: iCalendar line folding: CRLF only, 75 octets at most, UTF-8 never split, and
 * libical 3.0's fold inside a CRLF repaired. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ical/fold.h"

static void check_lines(const char *text) {
        const char *line = text;
        while (*line) {
                const char *end = strstr(line, "\r\n");
                ck_assert_msg(end, "a line without CRLF: %s", line);
                ck_assert_msg(end - line <= 75, "a line of %d octets", (int)(end - line));
                ck_assert_msg(!memchr(line, '\r', (size_t)(end - line)), "a bare CR");
                ck_assert_msg(!memchr(line, '\n', (size_t)(end - line)), "a bare LF");
                line = end + 2;
        }
}

START_TEST(test_repairs_a_fold_inside_crlf) {
        const char *broken = "BEGIN:VEVENT\r\nUID:\r\n pullout-teacher-6c40a719e17948ae-G21-20260914-1420-makeup@pullout.inval"
                             "id\r\r\n \nDTSTART:20260914T142000\r\nEND:VEVENT\r\n";
        char *text = NULL;
        size_t size = 0;
        ck_assert_int_eq(ical_refold(broken, &text, &size), 0);
        ck_assert_uint_eq(size, strlen(text));
        check_lines(text);
        ck_assert_ptr_nonnull(strstr(text, "DTSTART:20260914T142000\r\n"));
        ck_assert_ptr_nonnull(strstr(text, "\r\nEND:VEVENT\r\n"));
        /* Unfolding it gives back the one logical UID line. */
        char *flat = strdup(text);
        char *w = flat;
        for (char *r = flat; *r; r++) {
                if (r[0] == '\r' && r[1] == '\n' && r[2] == ' ') {
                        r += 2;
                        continue;
                }
                *w++ = *r;
        }
        *w = '\0';
        ck_assert_ptr_nonnull(strstr(flat, "UID:pullout-teacher-6c40a719e17948ae-G21-20260914-1420-makeup@pullout.invalid\r\n"));
        free(flat);
        free(text);
}
END_TEST

START_TEST(test_never_splits_utf8) {
        char line[400] = "SUMMARY:";
        for (int i = 0; i < 60; i++)
                strcat(line, "é"); /* two octets each */
        strcat(line, "\n");
        char *text = NULL;
        size_t size = 0;
        ck_assert_int_eq(ical_refold(line, &text, &size), 0);
        check_lines(text);
        /* Every fold starts a line with a space followed by a whole character. */
        for (char *p = strstr(text, "\r\n "); p; p = strstr(p + 1, "\r\n "))
                ck_assert_msg(((unsigned char)p[3] & 0xc0) != 0x80, "a fold split a character");
        free(text);
}
END_TEST

Suite *suite_fold(void) {
        Suite *suite = suite_create("fold");
        TCase *tcase = tcase_create("refold");
        tcase_add_test(tcase, test_repairs_a_fold_inside_crlf);
        tcase_add_test(tcase, test_never_splits_utf8);
        suite_add_tcase(suite, tcase);
        return suite;
}
