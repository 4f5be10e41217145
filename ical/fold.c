/* fold.c: unfold, then fold at 75 octets on UTF-8 boundaries, with CRLF everywhere. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ical/fold.h"

#define LINE_OCTETS_MAX 75

static bool is_continuation(unsigned char c) {
        return (c & 0xc0) == 0x80;
}

int ical_refold(const char *text, char **ret_text, size_t *ret_size) {
        size_t length = strlen(text);
        /* Unfolded: CRLF (or LF) followed by a space or tab joins the lines; bare CRs that
         * libical left before a fold are dropped with it. */
        char *flat = malloc(length + 1);
        if (!flat)
                return -ENOMEM;
        size_t n = 0;
        for (size_t i = 0; i < length;) {
                if (text[i] == '\r' && text[i + 1] == '\n' && (text[i + 2] == ' ' || text[i + 2] == '\t')) {
                        i += 3;
                        continue;
                }
                if (text[i] == '\n' && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
                        i += 2;
                        continue;
                }
                flat[n++] = text[i++];
        }
        flat[n] = '\0';

        /* Worst case: every 74 octets a fold (3 octets) and every LF a CR. */
        size_t capacity = n + n / (LINE_OCTETS_MAX - 1) * 3 + n + 3;
        char *out = malloc(capacity);
        if (!out) {
                free(flat);
                return -ENOMEM;
        }
        size_t o = 0, column = 0;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)flat[i];
                if (c == '\r')
                        continue; /* line ends are written below as CRLF */
                if (c == '\n') {
                        out[o++] = '\r';
                        out[o++] = '\n';
                        column = 0;
                        continue;
                }
                /* Length of this UTF-8 sequence, so it is never split across a fold. */
                size_t sequence = 1;
                while (i + sequence < n && is_continuation((unsigned char)flat[i + sequence]))
                        sequence++;
                if (column + sequence > LINE_OCTETS_MAX) {
                        out[o++] = '\r';
                        out[o++] = '\n';
                        out[o++] = ' ';
                        column = 1;
                }
                memcpy(out + o, flat + i, sequence);
                o += sequence;
                column += sequence;
                i += sequence - 1;
        }
        if (o == 0 || out[o - 1] != '\n') {
                out[o++] = '\r';
                out[o++] = '\n';
        }
        out[o] = '\0';
        free(flat);
        *ret_text = out;
        *ret_size = o;
        return 0;
}
