/* csv.c: RFC 4180 records from a buffer, each with the line it starts on. libcsv has no notion
 * of lines, so the buffer is fed one physical line at a time and the lines are counted here. */
#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/csv.h"

struct record_span {
        unsigned line;
        size_t first; /* index of its first field in the offsets */
        size_t n_fields;
};

struct reader {
        csv_error_fn on_error;
        void *userdata;
        unsigned options;

        unsigned line; /* line of the bytes being fed */
        unsigned record_line; /* line where the record being read began */
        bool pending_start; /* no byte of the next record seen yet */
        bool failed; /* a fault was reported: ignore the rest */
        bool out_of_memory;

        char *arena;
        size_t arena_len, arena_cap;
        size_t *offsets; /* of each field in the arena */
        size_t n_offsets, offsets_cap;
        struct record_span *records;
        size_t n_records, records_cap;
        size_t current_first, current_n;
};

static void reader_fail(struct reader *reader, unsigned line, const char *message) {
        if (reader->failed)
                return;
        reader->failed = true;
        if (reader->on_error)
                reader->on_error(reader->userdata, line, message);
}

static int grow(void **array, size_t *cap, size_t need, size_t size) {
        if (need <= *cap)
                return 0;
        size_t new_cap = *cap ? *cap : 64;
        while (new_cap < need) {
                if (new_cap > SIZE_MAX / 2 / size)
                        return -ENOMEM;
                new_cap *= 2;
        }
        void *p = realloc(*array, new_cap * size);
        if (!p)
                return -ENOMEM;
        *array = p;
        *cap = new_cap;
        return 0;
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

static void on_field(void *field, size_t len, void *data) {
        struct reader *reader = data;
        const char *text = field ? field : "";
        char message[128];

        if (reader->failed || reader->out_of_memory)
                return;
        if (len > CSV_MAX_FIELD_BYTES) {
                snprintf(message, sizeof message, "a field is longer than %d bytes", CSV_MAX_FIELD_BYTES);
                reader_fail(reader, reader->record_line, message);
                return;
        }
        if (reader->current_n >= CSV_MAX_COLUMNS) {
                snprintf(message, sizeof message, "a record has more than %d fields", CSV_MAX_COLUMNS);
                reader_fail(reader, reader->record_line, message);
                return;
        }
        if (reader->options & CSV_TABLE_TRIM) {
                while (len > 0 && is_blank(text[0])) {
                        text++;
                        len--;
                }
                while (len > 0 && is_blank(text[len - 1]))
                        len--;
        }
        if (grow((void **)&reader->arena, &reader->arena_cap, reader->arena_len + len + 1, 1) < 0 ||
            grow((void **)&reader->offsets, &reader->offsets_cap, reader->n_offsets + 1, sizeof(size_t)) < 0) {
                reader->out_of_memory = true;
                return;
        }
        if (reader->current_n == 0)
                reader->current_first = reader->n_offsets;
        reader->offsets[reader->n_offsets++] = reader->arena_len;
        if (len)
                memcpy(reader->arena + reader->arena_len, text, len);
        reader->arena[reader->arena_len + len] = '\0';
        reader->arena_len += len + 1;
        reader->current_n++;
}

static void on_record(int terminator, void *data) {
        struct reader *reader = data;
        char message[128];

        reader->pending_start = true;
        if (reader->failed || reader->out_of_memory)
                return;
        /* + 1: the header is a record too. */
        if (reader->n_records >= (size_t)CSV_MAX_ROWS + 1) {
                snprintf(message, sizeof message, "more than %d rows (the limit of one file)", CSV_MAX_ROWS);
                reader_fail(reader, reader->record_line, message);
                return;
        }
        if (grow((void **)&reader->records, &reader->records_cap, reader->n_records + 1,
                 sizeof(struct record_span)) < 0) {
                reader->out_of_memory = true;
                return;
        }
        reader->records[reader->n_records++] = (struct record_span){
                .line = reader->record_line,
                .first = reader->current_first,
                .n_fields = reader->current_n,
        };
        reader->current_n = 0;
}

/* Length of the UTF-8 sequence at s (at most n bytes), or 0 when it is not valid UTF-8
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_sequence(const unsigned char *s, size_t n) {
        unsigned char c = s[0];
        size_t len;
        uint32_t cp;

        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf) {
                len = 2;
                cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
                len = 3;
                cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
                len = 4;
                cp = c & 0x07;
        } else
                return 0;
        if (n < len)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return len;
}

/* End of the physical line that starts at pos: after its LF, CR or CRLF, or size. */
static size_t line_end(const char *data, size_t size, size_t pos) {
        const char *lf = memchr(data + pos, '\n', size - pos);
        size_t limit = lf ? (size_t)(lf - data) + 1 : size;
        const char *cr = memchr(data + pos, '\r', limit - pos);
        if (!cr)
                return limit;
        size_t end = (size_t)(cr - data) + 1;
        if (end < size && data[end] == '\n')
                end++;
        return end;
}

/* Reports every line holding bytes that are not UTF-8 text. */
static int check_encoding(struct reader *reader, const char *data, size_t size) {
        unsigned line = 1;
        int r = 0;

        for (size_t pos = 0; pos < size; line++) {
                size_t end = line_end(data, size, pos);
                const char *fault = NULL;
                for (size_t i = pos; i < end && !fault;) {
                        if (data[i] == '\0') {
                                fault = "a NUL byte: this is not a text file";
                                break;
                        }
                        size_t len = utf8_sequence((const unsigned char *)data + i, end - i);
                        if (len == 0)
                                fault = "invalid UTF-8 (save the file as \"CSV UTF-8\")";
                        i += len;
                }
                if (fault) {
                        if (reader->on_error)
                                reader->on_error(reader->userdata, line, fault);
                        r = -EINVAL;
                }
                pos = end;
        }
        return r;
}

static bool has_content(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!is_blank(s[i]) && s[i] != '\r' && s[i] != '\n')
                        return true;
        return false;
}

static void trim_in_place(char *s) {
        size_t len = strlen(s), start = 0;
        while (start < len && is_blank(s[start]))
                start++;
        while (len > start && is_blank(s[len - 1]))
                len--;
        memmove(s, s + start, len - start);
        s[len - start] = '\0';
}

static struct csv_table *build_table(struct reader *reader) {
        struct csv_table *table = calloc(1, sizeof *table);
        if (!table)
                return NULL;
        table->arena = reader->arena;
        reader->arena = NULL;
        table->field_ptrs = calloc(reader->n_offsets ? reader->n_offsets : 1, sizeof(char *));
        table->rows = calloc(reader->n_records ? reader->n_records : 1, sizeof(struct csv_row));
        if (!table->field_ptrs || !table->rows)
                return csv_table_free(table);
        for (size_t i = 0; i < reader->n_offsets; i++)
                table->field_ptrs[i] = table->arena + reader->offsets[i];
        for (size_t i = 0; i < reader->n_records; i++) {
                struct csv_row row = {
                        .line = reader->records[i].line,
                        .n_fields = reader->records[i].n_fields,
                        .fields = table->field_ptrs + reader->records[i].first,
                };
                if (i == 0) {
                        table->header = row;
                        for (size_t f = 0; f < row.n_fields; f++)
                                trim_in_place((char *)row.fields[f]);
                } else
                        table->rows[table->n_rows++] = row;
        }
        return table;
}

int csv_table_parse(const char *data, size_t size, unsigned options, csv_error_fn on_error,
                    void *userdata, struct csv_table **ret_table) {
        struct reader reader = {
                .on_error = on_error,
                .userdata = userdata,
                .options = options,
                .line = 1,
                .record_line = 1,
                .pending_start = true,
        };
        struct csv_parser parser;
        bool parser_live = false;
        char message[160];
        int r;

        if (!data && size > 0)
                return -EINVAL;
        if (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
                data += 3;
                size -= 3;
        }
        r = check_encoding(&reader, data, size);
        if (r < 0)
                goto finish;

        if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
                r = -ENOMEM;
                goto finish;
        }
        parser_live = true;
        for (size_t pos = 0; pos < size && !reader.failed && !reader.out_of_memory;) {
                size_t end = line_end(data, size, pos);
                if (reader.pending_start && has_content(data + pos, end - pos)) {
                        reader.record_line = reader.line;
                        reader.pending_start = false;
                }
                if (csv_parse(&parser, data + pos, end - pos, on_field, on_record, &reader) != end - pos) {
                        if (csv_error(&parser) == CSV_ENOMEM || csv_error(&parser) == CSV_ETOOBIG) {
                                reader.out_of_memory = true;
                                break;
                        }
                        reader_fail(&reader, reader.line,
                                    "a quote (\") in the wrong place: put the whole field in quotes and "
                                    "double every quote inside it, e.g. \"Room \"\"B\"\"\"");
                        break;
                }
                if (data[end - 1] == '\n' || data[end - 1] == '\r')
                        reader.line++;
                pos = end;
        }
        if (!reader.failed && !reader.out_of_memory &&
            csv_fini(&parser, on_field, on_record, &reader) != 0) {
                snprintf(message, sizeof message,
                         "a quoted field that starts here is never closed (a \" is missing)");
                reader_fail(&reader, reader.record_line, message);
        }
        if (reader.out_of_memory) {
                r = -ENOMEM;
                goto finish;
        }
        if (reader.failed) {
                r = -EINVAL;
                goto finish;
        }

        struct csv_table *table = build_table(&reader);
        if (!table) {
                r = -ENOMEM;
                goto finish;
        }
        *ret_table = table;
        r = 0;
finish:
        if (parser_live)
                csv_free(&parser);
        free(reader.arena);
        free(reader.offsets);
        free(reader.records);
        return r;
}

struct csv_table *csv_table_free(struct csv_table *table) {
        if (!table)
                return NULL;
        free(table->arena);
        free(table->field_ptrs);
        free(table->rows);
        free(table);
        return NULL;
}

int csv_table_column(const struct csv_table *table, const char *name) {
        for (size_t i = 0; i < table->header.n_fields; i++)
                if (strcmp(table->header.fields[i], name) == 0)
                        return (int)i;
        return -1;
}

const char *csv_row_field(const struct csv_row *row, int column) {
        if (column < 0 || (size_t)column >= row->n_fields)
                return "";
        return row->fields[column];
}
