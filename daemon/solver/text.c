/* text.c: the solver's sentences — free windows in a school's own words, and a list of
 * malloc'd lines that explain, check and make-up fill. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "solver/solver-internal.h"

int ctx_print_windows(struct textbuf *sb, const struct solver_ctx *ctx, const struct weekbits *bits,
                      int min_minutes, int max_windows) {
        int written = 0, more = 0;
        for (int d = 0; d < DAY_COUNT; d++) {
                int i = 0;
                while (i < ctx->nslots) {
                        if (!daybits_test(&bits->d[d], i)) {
                                i++;
                                continue;
                        }
                        int j = i;
                        while (j < ctx->nslots && daybits_test(&bits->d[d], j))
                                j++;
                        int start = ctx_slot_minute(ctx, i), end = ctx_slot_minute(ctx, j);
                        if (end - start >= min_minutes) {
                                if (written < max_windows) {
                                        char a[6], b[6];
                                        textbuf_printf(sb, "%s%s %s–%s", written ? ", " : "", weekday_name(d),
                                                      time_format(start, a), time_format(end, b));
                                        written++;
                                } else {
                                        more++;
                                }
                        }
                        i = j;
                }
        }
        if (more)
                textbuf_printf(sb, " and %d more", more);
        return written + more;
}

/* Takes text as the next line (the list owns it afterwards either way). */
static void lines_push(struct lines *l, char *text) {
        if (l->failed || !text) {
                l->failed = true;
                free(text);
                return;
        }
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 8;
                char **lines = realloc(l->lines, cap * sizeof *lines);
                if (!lines) {
                        l->failed = true;
                        free(text);
                        return;
                }
                l->lines = lines;
                l->cap = cap;
        }
        l->lines[l->n++] = text;
}

void lines_take(struct lines *l, struct textbuf *buf) {
        char *text = NULL;
        if (textbuf_steal(buf, &text) < 0)
                text = NULL;
        lines_push(l, text);
}

void lines_add(struct lines *l, const char *format, ...) {
        va_list ap;
        va_start(ap, format);
        char *text = NULL;
        if (vasprintf(&text, format, ap) < 0)
                text = NULL;
        va_end(ap);
        lines_push(l, text);
}

void solver_strings_free(char **strings, size_t n) {
        if (!strings)
                return;
        for (size_t i = 0; i < n; i++)
                free(strings[i]);
        free(strings);
}
