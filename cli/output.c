/* output.c: what the CLI prints: JSON for programs, aligned tables for people. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/pullout.h"

#define TABLE_COLUMNS_MAX 16

struct table {
        int columns;
        char **cells; /* rows * columns, row 0 the header */
        size_t rows;
};

bool stdout_is_terminal(void) {
        return isatty(STDOUT_FILENO);
}

void print_json(struct json_object *document) {
        puts(json_object_to_json_string_ext(document, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                              JSON_C_TO_STRING_NOSLASHESCAPE));
}

const char *json_string_of(struct json_object *object, const char *key) {
        struct json_object *value;
        if (!object || !json_object_object_get_ex(object, key, &value) || !value)
                return "";
        return json_object_get_string(value);
}

int64_t json_int_of(struct json_object *object, const char *key) {
        struct json_object *value;
        if (!object || !json_object_object_get_ex(object, key, &value) || !value)
                return 0;
        return json_object_get_int64(value);
}

static void table_add_row(struct table *table, va_list ap) {
        char **cells = realloc(table->cells, (table->rows + 1) * table->columns * sizeof *cells);
        if (!cells)
                return;
        table->cells = cells;
        for (int c = 0; c < table->columns; c++) {
                const char *text = va_arg(ap, const char *);
                cells[table->rows * table->columns + c] = strdup(text ? text : "");
        }
        table->rows++;
}

struct table *table_new(int columns, ...) {
        struct table *table = calloc(1, sizeof *table);
        if (!table || columns > TABLE_COLUMNS_MAX) {
                free(table);
                return NULL;
        }
        table->columns = columns;
        va_list ap;
        va_start(ap, columns);
        table_add_row(table, ap);
        va_end(ap);
        return table;
}

void table_add(struct table *table, ...) {
        if (!table)
                return;
        va_list ap;
        va_start(ap, table);
        table_add_row(table, ap);
        va_end(ap);
}

/* Display width of UTF-8 text: count code points, not bytes. */
static int text_width(const char *text) {
        int width = 0;
        for (const unsigned char *p = (const unsigned char *)text; *p; p++)
                if ((*p & 0xc0) != 0x80)
                        width++;
        return width;
}

void table_print(struct table *table) {
        if (!table)
                return;
        int widths[TABLE_COLUMNS_MAX] = { 0 };
        for (size_t r = 0; r < table->rows; r++)
                for (int c = 0; c < table->columns; c++) {
                        int w = text_width(table->cells[r * table->columns + c]);
                        if (w > widths[c])
                                widths[c] = w;
                }
        bool bold = stdout_is_terminal();
        for (size_t r = 0; r < table->rows; r++) {
                if (r == 0 && bold)
                        fputs("\033[1m", stdout);
                for (int c = 0; c < table->columns; c++) {
                        const char *cell = table->cells[r * table->columns + c];
                        if (c == table->columns - 1)
                                fputs(cell, stdout);
                        else
                                printf("%s%*s  ", cell, widths[c] - text_width(cell), "");
                }
                if (r == 0 && bold)
                        fputs("\033[0m", stdout);
                putchar('\n');
        }
}

void table_free(struct table *table) {
        if (!table)
                return;
        for (size_t i = 0; i < table->rows * table->columns; i++)
                free(table->cells[i]);
        free(table->cells);
        free(table);
}

int usage_error(const char *command, const char *format, ...) {
        va_list ap;
        va_start(ap, format);
        fprintf(stderr, "pullout %s: ", command);
        vfprintf(stderr, format, ap);
        fprintf(stderr, "\nTry 'pullout %s --help'.\n", command);
        va_end(ap);
        return EXIT_USAGE;
}

bool wants_help(int argc, char **argv, const char *help) {
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0)
                        break;
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                        fputs(help, stdout);
                        return true;
                }
        }
        return false;
}

int parse_json_option(int argc, char **argv, const char *command, bool *ret_json) {
        static const struct option options[] = { { "json", no_argument, NULL, 'j' }, { 0 } };
        int c;
        *ret_json = false;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                if (c != 'j')
                        return usage_error(command, "unknown option");
                *ret_json = true;
        }
        return 0;
}
