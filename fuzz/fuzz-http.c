/* fuzz-http.c: libFuzzer target for the feed server's parsers of client input (request path,
 * If-Modified-Since, If-None-Match).
 * Build: clang -fsanitize=fuzzer,address,undefined -Idaemon -I. fuzz/fuzz-http.c daemon/http-parse.c */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        const char *token = NULL;
        size_t length = 0;
        if (http_route_path(text, &token, &length) == HTTP_ROUTE_FEED &&
            (token < text || token + length > text + strlen(text)))
                abort();
        time_t when;
        if (http_date_parse(text, &when) == 0) {
                /* What parses must print back as itself. */
                char buf[HTTP_DATE_SIZE];
                if (strcmp(http_date_format(when, buf), text) != 0 && strstr(text, ":60 ") == NULL)
                        abort();
        }
        http_etag_matches(text, "\"0123456789abcdef\"");
        free(text);
        return 0;
}
