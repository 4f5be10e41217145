/* textbuf.c: a growable text buffer. Appends after a failure are ignored so that writers
 * check once, at the end, instead of after every line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/textbuf.h"

static bool textbuf_reserve(struct textbuf *buf, size_t extra) {
        if (buf->failed)
                return false;
        if (extra > TEXTBUF_MAX || buf->length + extra + 1 > TEXTBUF_MAX) {
                buf->failed = true;
                return false;
        }
        size_t need = buf->length + extra + 1;
        if (need <= buf->capacity)
                return true;
        size_t capacity = buf->capacity ? buf->capacity : 1024;
        while (capacity < need)
                capacity *= 2;
        char *text = realloc(buf->text, capacity);
        if (!text) {
                buf->failed = true;
                return false;
        }
        buf->text = text;
        buf->capacity = capacity;
        return true;
}

void textbuf_append(struct textbuf *buf, const char *text) {
        size_t n = strlen(text);
        if (!textbuf_reserve(buf, n))
                return;
        memcpy(buf->text + buf->length, text, n + 1);
        buf->length += n;
}

void textbuf_printf(struct textbuf *buf, const char *format, ...) {
        va_list args;
        va_start(args, format);
        int n = vsnprintf(NULL, 0, format, args);
        va_end(args);
        if (n < 0) {
                buf->failed = true;
                return;
        }
        if (!textbuf_reserve(buf, (size_t)n))
                return;
        va_start(args, format);
        vsnprintf(buf->text + buf->length, (size_t)n + 1, format, args);
        va_end(args);
        buf->length += (size_t)n;
}

void textbuf_append_xml(struct textbuf *buf, const char *text) {
        for (const char *p = text; *p; p++) {
                switch (*p) {
                case '&': textbuf_append(buf, "&amp;"); break;
                case '<': textbuf_append(buf, "&lt;"); break;
                case '>': textbuf_append(buf, "&gt;"); break;
                case '"': textbuf_append(buf, "&quot;"); break;
                case '\'': textbuf_append(buf, "&apos;"); break;
                default:
                        /* Control characters are not allowed in XML 1.0 at all. */
                        if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n')
                                textbuf_append(buf, " ");
                        else {
                                char one[2] = { *p, 0 };
                                textbuf_append(buf, one);
                        }
                }
        }
}

int textbuf_steal(struct textbuf *buf, char **ret_text) {
        if (buf->failed) {
                textbuf_done(buf);
                return -ENOMEM;
        }
        char *text = buf->text ? buf->text : strdup("");
        if (!text)
                return -ENOMEM;
        *buf = (struct textbuf){ 0 };
        *ret_text = text;
        return 0;
}

void textbuf_done(struct textbuf *buf) {
        if (!buf)
                return;
        free(buf->text);
        *buf = (struct textbuf){ 0 };
}
