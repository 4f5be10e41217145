/* csv.h: an RFC 4180 reader over an in-memory buffer (libcsv underneath) that keeps the line
 * where every record starts, so that the importer can say FILE:LINE for each fault. */
#pragma once

#include <stddef.h>

#include "model/text-field.h"

/* Limits on one file. Data from outside is untrusted: a file that breaks one is rejected. */
#define CSV_MAX_FIELD_BYTES TEXT_FIELD_MAX_BYTES /* bytes in one field (after unquoting) */
#define CSV_MAX_COLUMNS 64 /* fields in one record, the header included */
#define CSV_MAX_ROWS 100000 /* data records under the header */

/* Options of csv_table_parse. */
enum {
        /* Drop leading and trailing spaces and tabs of every field, quoted or not. The header
         * names are always trimmed. */
        CSV_TABLE_TRIM = 1 << 0,
};

struct csv_row {
        unsigned line; /* 1-based line where the record starts (a quoted newline does not move it) */
        size_t n_fields;
        const char *const *fields; /* NUL-terminated UTF-8, without NUL bytes inside */
};

struct csv_table {
        struct csv_row header; /* n_fields == 0 when the file holds no record at all */
        struct csv_row *rows; /* the records under the header */
        size_t n_rows;
        /* storage behind the rows */
        char *arena;
        const char **field_ptrs;
};

/* Called once for every fault found: line is 1-based, message a sentence without the line. */
typedef void (*csv_error_fn)(void *userdata, unsigned line, const char *message);

/* Parses data (size bytes; a UTF-8 byte order mark at the start is skipped). The first record
 * is the header. Returns 0 and a table in *ret_table; -EINVAL when the text cannot be read
 * (invalid UTF-8, a NUL byte, broken quoting, a limit above exceeded), after calling on_error
 * once per fault; -ENOMEM. *ret_table is untouched on failure. */
int csv_table_parse(const char *data, size_t size, unsigned options, csv_error_fn on_error,
                    void *userdata, struct csv_table **ret_table);
/* Accepts NULL; returns NULL. */
struct csv_table *csv_table_free(struct csv_table *table);

/* Index of the header column named name (exact, case-sensitive), or -1. */
int csv_table_column(const struct csv_table *table, const char *name);
/* The field of row in column, or "" when the row is shorter or column is negative. */
const char *csv_row_field(const struct csv_row *row, int column);
