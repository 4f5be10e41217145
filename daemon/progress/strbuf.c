/* strbuf.c: a growable text buffer. Appends after a failure are ignored so that writers
 * check once, at the end, instead of after every line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress/strbuf.h"

static bool strbuf_reserve(struct strbuf *buf, size_t extra) {
        if (buf->failed)
                return false;
        if (extra > STRBUF_MAX || buf->length + extra + 1 > STRBUF_MAX) {
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

void strbuf_append(struct strbuf *buf, const char *text) {
        size_t n = strlen(text);
        if (!strbuf_reserve(buf, n))
                return;
        memcpy(buf->text + buf->length, text, n + 1);
        buf->length += n;
}

void strbuf_printf(struct strbuf *buf, const char *format, ...) {
        va_list args;
        va_start(args, format);
        int n = vsnprintf(NULL, 0, format, args);
        va_end(args);
        if (n < 0) {
                buf->failed = true;
                return;
        }
        if (!strbuf_reserve(buf, (size_t)n))
                return;
        va_start(args, format);
        vsnprintf(buf->text + buf->length, (size_t)n + 1, format, args);
        va_end(args);
        buf->length += (size_t)n;
}

void strbuf_append_xml(struct strbuf *buf, const char *text) {
        for (const char *p = text; *p; p++) {
                switch (*p) {
                case '&': strbuf_append(buf, "&amp;"); break;
                case '<': strbuf_append(buf, "&lt;"); break;
                case '>': strbuf_append(buf, "&gt;"); break;
                case '"': strbuf_append(buf, "&quot;"); break;
                case '\'': strbuf_append(buf, "&apos;"); break;
                default:
                        /* Control characters are not allowed in XML 1.0 at all. */
                        if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n')
                                strbuf_append(buf, " ");
                        else {
                                char one[2] = { *p, 0 };
                                strbuf_append(buf, one);
                        }
                }
        }
}

int strbuf_steal(struct strbuf *buf, char **ret_text) {
        if (buf->failed) {
                strbuf_done(buf);
                return -ENOMEM;
        }
        char *text = buf->text ? buf->text : strdup("");
        if (!text)
                return -ENOMEM;
        *buf = (struct strbuf){ 0 };
        *ret_text = text;
        return 0;
}

void strbuf_done(struct strbuf *buf) {
        if (!buf)
                return;
        free(buf->text);
        *buf = (struct strbuf){ 0 };
}
