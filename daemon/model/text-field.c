/* text-field.c: names and labels from outside checked before they are stored. Control
 * characters (C0, DEL and C1, which terminals read as escape sequences) are refused, not
 * removed: the person who wrote the file sees where. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/text-field.h"

/* The code point at s (n bytes left) and its length in *ret_length; -1 for invalid UTF-8
 * (overlong forms, surrogates and values past U+10FFFF included). */
static int32_t decode(const unsigned char *s, size_t n, size_t *ret_length) {
        if (s[0] < 0x80) {
                *ret_length = 1;
                return s[0];
        }
        size_t length = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
        if (length == 0 || length > n || s[0] > 0xf4)
                return -1;
        int32_t c = s[0] & (0x7f >> length);
        for (size_t i = 1; i < length; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return -1;
                c = (c << 6) | (s[i] & 0x3f);
        }
        static const int32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
        if (c < least[length] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
                return -1;
        *ret_length = length;
        return c;
}

/* Thread-local: imports and what-if reads run on worker threads, side by side. */
static _Thread_local char why[96];

static const char *problem(const char *text, size_t length, bool prose) {
        if (length > TEXT_FIELD_MAX_BYTES) {
                snprintf(why, sizeof why, "is %zu bytes long, more than the limit of %d", length, TEXT_FIELD_MAX_BYTES);
                return why;
        }
        for (size_t i = 0; i < length;) {
                size_t n = 0;
                int32_t c = decode((const unsigned char *)text + i, length - i, &n);
                if (c < 0)
                        return "is not valid UTF-8";
                if ((c < 0x20 && !(prose && (c == '\n' || c == '\t'))) || (c >= 0x7f && c <= 0x9f)) {
                        snprintf(why, sizeof why, "holds control character U+%04X, which %s cannot", (unsigned)c,
                                 prose ? "a note" : "a name or label");
                        return why;
                }
                i += n;
        }
        return NULL;
}

const char *text_field_problem(const char *text, size_t length) {
        return problem(text, length, false);
}

const char *text_prose_problem(const char *text, size_t length) {
        return problem(text, length, true);
}
