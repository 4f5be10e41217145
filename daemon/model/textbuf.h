/* textbuf.h: the one growable text buffer: pictures, reports and the solver's sentences are written
 * into it. Pure: no I/O; an allocation failure is remembered and reported once at the end. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct textbuf {
        char *text; /* NUL-terminated, NULL until the first append */
        size_t length, capacity;
        bool failed; /* an append ran out of memory (or past TEXTBUF_MAX) */
};

/* No picture or report is allowed to grow past this. */
#define TEXTBUF_MAX (16u * 1024u * 1024u)

void textbuf_append(struct textbuf *buf, const char *text);
void textbuf_printf(struct textbuf *buf, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Appends text with &, <, >, " and ' escaped for XML text and attributes. */
void textbuf_append_xml(struct textbuf *buf, const char *text);
/* Hands the text over (an empty string when nothing was appended): 0 and *ret_text, or
 * -ENOMEM when any append failed. The buffer is empty afterwards either way. */
int textbuf_steal(struct textbuf *buf, char **ret_text);
void textbuf_done(struct textbuf *buf);
