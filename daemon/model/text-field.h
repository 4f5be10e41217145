/* text-field.h: the one rule for a name or label read from outside (a CSV cell, an ICS
 * SUMMARY): it is printed on terminals and written into calendar feeds, so it is UTF-8 text
 * without control characters, and bounded. Pure. */
#pragma once

#include <stddef.h>

#define TEXT_FIELD_MAX_BYTES 4096 /* bytes in any text field from outside */

/* NULL when text[0..length) may be stored as a name or label; otherwise why not, as a phrase
 * that follows the value ("holds control character U+001B"), in a static buffer. */
const char *text_field_problem(const char *text, size_t length);
/* The same rule for prose a person writes (a session's note): line breaks and tabs allowed. */
const char *text_prose_problem(const char *text, size_t length);
