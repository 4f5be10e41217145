/* import-cells.c: reads one cell as a time, a date, a number, a name from a list...; a bad cell
 * becomes an error at its FILE:LINE and column, worded for the person who keeps the files. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import-internal.h"
#include "model/text-field.h"

/* A message is one line: a value quoted back in it never carries a line break of its own. */
/* Length of the DEL or C1 control character (U+0080..U+009F, which terminals also obey) at s,
 * or 0. */
static size_t high_control(const char *s) {
        const unsigned char *u = (const unsigned char *)s;
        return u[0] == 0x7f ? 1 : u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f ? 2 : 0;
}

const char *import_shown(const char *text, char buf[static IMPORT_SHOWN_SIZE]) {
        size_t in = 0, out = 0;
        bool plain = true;
        for (size_t i = 0; text[i]; i++)
                plain = plain && (unsigned char)text[i] >= 0x20 && !high_control(text + i) && i < IMPORT_SHOWN_BYTES;
        if (plain)
                return text;
        while (text[in] && out < IMPORT_SHOWN_BYTES) {
                unsigned char c = (unsigned char)text[in];
                size_t control = high_control(text + in);
                if (control) {
                        buf[out++] = '\\';
                        buf[out++] = '?';
                        in += control;
                        continue;
                }
                if (c < 0x20) {
                        buf[out++] = '\\';
                        buf[out++] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : '?';
                        in++;
                        continue;
                }
                /* Copy whole UTF-8 characters only. */
                size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
                if (out + len > IMPORT_SHOWN_BYTES)
                        break;
                for (size_t k = 0; k < len && text[in]; k++)
                        buf[out++] = text[in++];
        }
        if (text[in]) {
                memcpy(buf + out, "...", 3);
                out += 3;
        }
        buf[out] = '\0';
        return buf;
}

const char *row_column_name(const struct row *row, int column) {
        return import_file_specs[row->file].columns[column].name;
}

static void row_message(struct row *row, bool is_error, int column, const char *format, va_list ap) {
        char *what = NULL;
        if (vasprintf(&what, format, ap) < 0) {
                row->importer->out_of_memory = true;
                return;
        }
        const char *name = column >= 0 ? row_column_name(row, column) : NULL;
        if (is_error)
                importer_error(row->importer, row->file, row->csv->line, name, "%s", what);
        else
                importer_warning(row->importer, row->file, row->csv->line, name, "%s", what);
        free(what);
}

void row_error(struct row *row, int column, const char *format, ...) {
        va_list ap;
        row->bad = true;
        va_start(ap, format);
        row_message(row, true, column, format, ap);
        va_end(ap);
}

void row_warning(struct row *row, int column, const char *format, ...) {
        va_list ap;
        va_start(ap, format);
        row_message(row, false, column, format, ap);
        va_end(ap);
}

static int csv_column(const struct row *row, int column) {
        return row->importer->sources[row->file].columns[column];
}

const char *row_cell(const struct row *row, int column) {
        return csv_row_field(row->csv, csv_column(row, column));
}

/* 1 with the cell's text, 0 when empty and optional, -1 when empty and required. */
static int row_present(struct row *row, int column, const char **ret_text) {
        const char *text = row_cell(row, column);
        if (*text) {
                *ret_text = text;
                return 1;
        }
        if (!import_file_specs[row->file].columns[column].required)
                return 0;
        row->bad = true;
        /* A column missing from the header was reported once, on line 1. */
        if (csv_column(row, column) >= 0)
                row_error(row, column, "empty, but a value is required");
        return -1;
}

char *importer_strdup(struct importer *importer, const char *text) {
        char *copy = strdup(text);
        if (!copy)
                importer->out_of_memory = true;
        return copy;
}

int row_text(struct row *row, int column, char **ret) {
        const char *text;
        int r = row_present(row, column, &text);
        if (r <= 0)
                return r;
        const char *problem = text_field_problem(text, strlen(text));
        if (problem) {
                char buf[IMPORT_SHOWN_SIZE];
                row_error(row, column, "%s %s", import_shown(text, buf), problem);
                return -1;
        }
        char *copy = importer_strdup(row->importer, text);
        if (!copy)
                return -1;
        *ret = copy;
        return 1;
}

int row_id(struct row *row, int column, bool list_item, char **ret) {
        const char *text;
        char buf[IMPORT_SHOWN_SIZE];
        int r = row_present(row, column, &text);
        if (r <= 0)
                return r;
        if (strlen(text) > IMPORT_MAX_ID_BYTES) {
                row_error(row, column, "%s is longer than %d bytes (an id is a short key)", import_shown(text, buf),
                          IMPORT_MAX_ID_BYTES);
                return -1;
        }
        for (const char *p = text; *p; p++)
                if ((unsigned char)*p < 0x20 || (list_item && *p == ';')) {
                        row_error(row, column, "%s holds a %s, which an id cannot", import_shown(text, buf),
                                  *p == ';' ? "';' (it separates the ids of a list)" : "line break or tab");
                        return -1;
                }
        return row_text(row, column, ret);
}

/* A whole number of at most 9 digits, or -1. */
static long parse_count(const char *text) {
        size_t len = strlen(text);
        if (len == 0 || len > 9)
                return -1;
        for (size_t i = 0; i < len; i++)
                if (!isdigit((unsigned char)text[i]))
                        return -1;
        return strtol(text, NULL, 10);
}

int row_int(struct row *row, int column, int min, int max, int *ret) {
        const char *text;
        char buf[IMPORT_SHOWN_SIZE];
        int r = row_present(row, column, &text);
        if (r <= 0)
                return r;
        long value = parse_count(text);
        if (value < 0 && strlen(text) > 9 && strspn(text, "0123456789") == strlen(text))
                value = (long)max + 1; /* all digits, just huge */
        if (value < 0) {
                row_error(row, column, "%s is not a whole number (use %d..%d)", import_shown(text, buf), min, max);
                return -1;
        }
        if (value < min || value > max) {
                row_error(row, column, "%s is out of range (use %d..%d)", import_shown(text, buf), min, max);
                return -1;
        }
        *ret = (int)value;
        return 1;
}

int row_time(struct row *row, int column, int *ret) {
        const char *text;
        char buf[IMPORT_SHOWN_SIZE];
        int r = row_present(row, column, &text);
        if (r <= 0)
                return r;
        /* Spreadsheets write 9:05 for 09:05: accept the short hour. */
        char padded[6];
        if (strlen(text) == 4 && text[1] == ':') {
                padded[0] = '0';
                memcpy(padded + 1, text, 5);
                text = padded;
        }
        int minutes;
        if (time_parse(text, &minutes) < 0) {
                row_error(row, column, "%s is not a time (use HH:MM, 24 h, e.g. 13:45)", import_shown(row_cell(row, column), buf));
                return -1;
        }
        *ret = minutes;
        return 1;
}

int row_date(struct row *row, int column, civil_date *ret) {
        const char *text;
        char buf[IMPORT_SHOWN_SIZE];
        int r = row_present(row, column, &text);
        if (r <= 0)
                return r;
        civil_date date;
        if (date_parse(text, &date) < 0) {
                row_error(row, column, "%s is not a date (use YYYY-MM-DD, e.g. 2026-09-14)", import_shown(text, buf));
                return -1;
        }
        *ret = date;
        return 1;
}

int row_days(struct row *row, int column, dayset *ret) {
        const char *text;
        char buf[IMPORT_SHOWN_SIZE];
        int r = row_present(row, column, &text);
        if (r <= 0)
                return r;
        char upper[16];
        size_t len = strlen(text);
        dayset days;
        if (len < sizeof upper) {
                for (size_t i = 0; i <= len; i++)
                        upper[i] = (char)toupper((unsigned char)text[i]);
        }
        if (len >= sizeof upper || dayset_parse(upper, &days) < 0) {
                row_error(row, column,
                          "%s is not a set of school days (use letters from MTWRF, each once, e.g. MWF; R is "
                          "Thursday)",
                          import_shown(text, buf));
                return -1;
        }
        *ret = days;
        return 1;
}

int row_grade(struct row *row, int column, int *ret) {
        const char *text;
        char buf[IMPORT_SHOWN_SIZE];
        int r = row_present(row, column, &text);
        if (r <= 0)
                return r;
        long grade = -1;
        if (strcmp(text, "K") == 0 || strcmp(text, "k") == 0)
                grade = GRADE_K;
        else if (text[0] != '0') {
                long value = parse_count(text);
                if (value >= 1 && value <= GRADE_MAX)
                        grade = value;
        }
        if (grade < 0) {
                row_error(row, column, "%s is not a grade (use K or 1..%d)", import_shown(text, buf), GRADE_MAX);
                return -1;
        }
        *ret = (int)grade;
        return 1;
}

int row_enum(struct row *row, int column, const char *const *names, const char *what, int *ret) {
        const char *text;
        char buf[IMPORT_SHOWN_SIZE];
        int r = row_present(row, column, &text);
        if (r <= 0)
                return r;
        int value = name_lookup(names, text);
        if (value < 0) {
                char list[256] = "";
                for (size_t i = 0; names[i]; i++) {
                        if (i > 0)
                                strncat(list, ", ", sizeof list - strlen(list) - 1);
                        strncat(list, names[i], sizeof list - strlen(list) - 1);
                }
                row_error(row, column, "%s is not a %s (use one of: %s)", import_shown(text, buf), what, list);
                return -1;
        }
        *ret = value;
        return 1;
}

int row_reference(struct row *row, int column, const struct idmap *map, enum data_file target, const char *what,
                  int *ret) {
        const char *text;
        char buf[IMPORT_SHOWN_SIZE];
        int r = row_present(row, column, &text);
        if (r <= 0)
                return r;
        int index = idmap_get(map, text);
        if (index < 0) {
                row->bad = true;
                if (row->importer->sources[target].usable)
                        row_error(row, column, "%s %s is not in %s", what, import_shown(text, buf),
                                  import_file_specs[target].name);
                return -1;
        }
        *ret = index;
        return 1;
}

int row_check_in_day(struct row *row, int column, int minutes, bool is_end) {
        const struct school_info *info = &row->importer->school->info;
        char time[6], first[6], last[6];
        if (!row->importer->day_known)
                return 1;
        /* A span may touch the day's bounds but must keep a minute inside it. */
        bool before = is_end ? minutes <= info->day_start : minutes < info->day_start;
        bool after = is_end ? minutes > info->day_end : minutes >= info->day_end;
        if (!before && !after)
                return 1;
        row_error(row, column, "%s is outside the school day (%s-%s in school.csv)", time_format(minutes, time),
                  time_format(info->day_start, first), time_format(info->day_end, last));
        return -1;
}

int row_weekly_span(struct row *row, int days_column, int start_column, int end_column, dayset *ret_days,
                    int *ret_start, int *ret_end) {
        dayset days = 0;
        int start = 0, end = 0;
        bool ok = true;
        char a[6], b[6];

        if (days_column >= 0)
                ok = row_days(row, days_column, &days) == 1 && ok;
        int has_start = row_time(row, start_column, &start);
        int has_end = row_time(row, end_column, &end);
        if (has_start != 1 || has_end != 1)
                return -1;
        if (end <= start) {
                row_error(row, end_column, "end %s is not after start %s", time_format(end, a), time_format(start, b));
                return -1;
        }
        ok = row_check_in_day(row, start_column, start, false) == 1 && ok;
        ok = row_check_in_day(row, end_column, end, true) == 1 && ok;
        if (!ok)
                return -1;
        if (ret_days)
                *ret_days = days;
        *ret_start = start;
        *ret_end = end;
        return 1;
}

int import_split_list(const char *text, char ***ret_items, size_t *ret_n) {
        char **items = NULL;
        size_t n = 0;
        const char *p = text;

        while (*p) {
                const char *semicolon = strchr(p, ';');
                const char *end = semicolon ? semicolon : p + strlen(p);
                const char *a = p, *b = end;
                while (a < b && isspace((unsigned char)*a))
                        a++;
                while (b > a && isspace((unsigned char)b[-1]))
                        b--;
                if (b > a) {
                        char **grown = realloc(items, (n + 1) * sizeof *items);
                        char *item = grown ? strndup(a, (size_t)(b - a)) : NULL;
                        if (grown)
                                items = grown;
                        if (!item) {
                                for (size_t i = 0; i < n; i++)
                                        free(items[i]);
                                free(items);
                                return -ENOMEM;
                        }
                        items[n++] = item;
                }
                p = semicolon ? semicolon + 1 : end;
        }
        *ret_items = items;
        *ret_n = n;
        return 0;
}

bool import_row_blank(const struct csv_row *row) {
        for (size_t i = 0; i < row->n_fields; i++)
                if (row->fields[i][0])
                        return false;
        return true;
}

void import_check_width(struct row *row) {
        size_t width = row->importer->sources[row->file].table->header.n_fields;
        size_t n = row->csv->n_fields;
        if (n < width) {
                row_error(row, -1, "only %zu fields, but the header has %zu columns (a comma is missing?)", n, width);
                return;
        }
        for (size_t i = width; i < n; i++)
                if (row->csv->fields[i][0]) {
                        row_error(row, -1,
                                  "%zu fields, but the header has %zu columns (a value with a comma that is not "
                                  "in quotes?)",
                                  n, width);
                        return;
                }
}

bool import_row_at(struct importer *importer, enum data_file file, size_t i, struct row *ret_row) {
        const struct csv_row *csv = &importer->sources[file].table->rows[i];
        if (import_row_blank(csv))
                return false;
        *ret_row = (struct row){ .importer = importer, .file = file, .csv = csv };
        import_check_width(ret_row);
        return true;
}

void *import_rows_alloc(struct importer *importer, enum data_file file, size_t size) {
        size_t n = importer->sources[file].table ? importer->sources[file].table->n_rows : 0;
        void *array = calloc(n ? n : 1, size);
        free(importer->row_lines[file]);
        importer->row_lines[file] = calloc(n ? n : 1, sizeof(unsigned));
        if (!array || !importer->row_lines[file]) {
                free(array);
                importer->out_of_memory = true;
                return NULL;
        }
        return array;
}

void import_note_line(struct importer *importer, enum data_file file, size_t index, const struct row *row) {
        importer->row_lines[file][index] = row->csv->line;
}

void import_index_id(struct row *row, int column, struct idmap *map, const char *id, size_t index,
                     const char *what) {
        char buf[IMPORT_SHOWN_SIZE];
        int existing = -1;
        if (!id)
                return;
        int r = idmap_add(map, id, (int)index, &existing);
        if (r < 0)
                row->importer->out_of_memory = true;
        else if (r == 0)
                row_error(row, column, "%s %s is already on line %u", what, import_shown(id, buf),
                          row->importer->row_lines[row->file][existing]);
}
