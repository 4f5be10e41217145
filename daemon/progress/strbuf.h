/* strbuf.h: a growable text buffer the pictures and reports are written into.
 * Pure: no I/O; an allocation failure is remembered and reported once at the end. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
        char *text; /* NUL-terminated, NULL until the first append */
        size_t length, capacity;
        bool failed; /* an append ran out of memory (or past STRBUF_MAX) */
};

/* No picture or report is allowed to grow past this. */
#define STRBUF_MAX (16u * 1024u * 1024u)

void strbuf_append(struct strbuf *buf, const char *text);
void strbuf_printf(struct strbuf *buf, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Appends text with &, <, >, " and ' escaped for XML text and attributes. */
void strbuf_append_xml(struct strbuf *buf, const char *text);
/* Hands the text over (an empty string when nothing was appended): 0 and *ret_text, or
 * -ENOMEM when any append failed. The buffer is empty afterwards either way. */
int strbuf_steal(struct strbuf *buf, char **ret_text);
void strbuf_done(struct strbuf *buf);
