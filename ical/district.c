/* district.c: reads a district's .ics calendar into school calendar days. The input is untrusted:
 * a strict line scan first (bounded, with line numbers), then libical for values and recurrence. */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "ical/district.h"
#include "model/text-field.h"

const char *const ical_district_closed_keywords[] = {
        "no school", "no students", "school closed", "closed", "holiday", "break", "vacation",
        "recess", "teacher workday", "teacher work day", "workday", "in-service", "inservice",
        "professional development", "staff development", "non-student", NULL,
};
const char *const ical_district_early_release_keywords[] = {
        "early release", "early dismissal", "half day", "half-day", "minimum day", "early out", NULL,
};

#define STACK_MAX 8
#define EVENT_DAYS_MAX 366

struct override {
        char *uid;
        bool is_date;
        int64_t key; /* a civil date, or Unix seconds */
};

struct reader {
        const struct school_info *info;
        const char *const *closed;
        const char *const *early;
        int default_release;
        size_t max_events;
        icaltimezone *zone;
        struct ical_district *result;
        size_t days_allocated;
        FILE *errors;
        size_t n_errors;
        int *event_lines;
        size_t n_event_lines;
        struct override *overrides;
        size_t n_overrides;
        uint64_t work; /* rule evaluations charged so far, at most ICAL_DISTRICT_WORK_BUDGET */
        int fatal; /* -ENOMEM or -E2BIG: stops the reading */
};

static void add_error(struct reader *reader, int line, const char *format, ...)
        __attribute__((format(printf, 3, 4)));
static void add_error(struct reader *reader, int line, const char *format, ...) {
        va_list args;
        va_start(args, format);
        if (line > 0)
                fprintf(reader->errors, "line %d: ", line);
        vfprintf(reader->errors, format, args);
        fputc('\n', reader->errors);
        va_end(args);
        reader->n_errors++;
}

static int add_line(char ***lines, size_t *n, char *line) {
        if (!line)
                return -ENOMEM;
        char **bigger = realloc(*lines, (*n + 1) * sizeof *bigger);
        if (!bigger) {
                free(line);
                return -ENOMEM;
        }
        *lines = bigger;
        bigger[(*n)++] = line;
        return 0;
}

static void note(struct reader *reader, bool taken, int line, const char *label, const char *format, ...)
        __attribute__((format(printf, 5, 6)));
static void note(struct reader *reader, bool taken, int line, const char *label, const char *format, ...) {
        char *what = NULL, *text = NULL;
        va_list args;
        va_start(args, format);
        int r = vasprintf(&what, format, args);
        va_end(args);
        if (r < 0 || asprintf(&text, "line %d: %s: %s", line, label, what) < 0) {
                free(what);
                reader->fatal = -ENOMEM;
                return;
        }
        free(what);
        struct ical_district *d = reader->result;
        if (add_line(taken ? &d->taken : &d->ignored, taken ? &d->n_taken : &d->n_ignored, text) < 0)
                reader->fatal = -ENOMEM;
}

/* ---- the line scan ---- */

static bool is_name_char(char c) {
        return isalnum((unsigned char)c) || c == '-';
}

/* Checks name(;param=value(,value)*)*:value; returns the length of the name, 0 when malformed. */
static size_t content_line_name(const char *line, size_t length, size_t *ret_value) {
        size_t i = 0;
        while (i < length && is_name_char(line[i]))
                i++;
        size_t name = i;
        if (name == 0)
                return 0;
        while (i < length && line[i] == ';') {
                i++;
                size_t start = i;
                while (i < length && is_name_char(line[i]))
                        i++;
                if (i == start || i >= length || line[i] != '=')
                        return 0;
                do {
                        i++;
                        if (i < length && line[i] == '"') {
                                i++;
                                while (i < length && line[i] != '"')
                                        i++;
                                if (i >= length)
                                        return 0;
                                i++;
                        } else {
                                while (i < length && line[i] != ',' && line[i] != ';' && line[i] != ':' && line[i] != '"')
                                        i++;
                        }
                } while (i < length && line[i] == ',');
        }
        if (i >= length || line[i] != ':')
                return 0;
        *ret_value = i + 1;
        return name;
}

static bool word_is(const char *text, size_t length, const char *word) {
        return strlen(word) == length && strncasecmp(text, word, length) == 0;
}

/* Unfolds data and checks every content line and the BEGIN/END nesting; records the line of
 * each VEVENT directly inside a VCALENDAR, in document order. */
static int scan_lines(struct reader *reader, const char *data, size_t size) {
        char *logical = malloc(size + 1);
        char stack[STACK_MAX][16];
        int stack_lines[STACK_MAX];
        size_t depth = 0;
        size_t calendars = 0;
        size_t allocated_events = 0;
        int r = 0;
        if (!logical)
                return -ENOMEM;

        size_t i = 0;
        int line = 1;
        bool seen_content = false;
        while (i < size) {
                /* One logical line: physical lines joined where the next starts with space/tab. */
                int first_line = line;
                size_t n = 0;
                for (;;) {
                        size_t end = i;
                        while (end < size && data[end] != '\n')
                                end++;
                        size_t stop = end > i && data[end - 1] == '\r' ? end - 1 : end;
                        memcpy(logical + n, data + i, stop - i);
                        n += stop - i;
                        i = end < size ? end + 1 : end;
                        if (end < size)
                                line++;
                        if (i < size && (data[i] == ' ' || data[i] == '\t')) {
                                i++;
                                continue;
                        }
                        break;
                }
                if (n == 0)
                        continue;
                logical[n] = '\0'; /* for the messages; the checks use n */
                if (memchr(logical, '\0', n) || memchr(logical, '\r', n)) {
                        add_error(reader, first_line, "control character in the line");
                        continue;
                }
                size_t value = 0;
                size_t name = content_line_name(logical, n, &value);
                if (name == 0) {
                        add_error(reader, first_line, "not an iCalendar content line: %.40s%s", logical,
                                  n > 40 ? "..." : "");
                        continue;
                }
                /* A label over the limit is refused before libical copies it around (a 3 MB
                 * SUMMARY took seconds); escapes at most double it, the exact check follows. */
                if (word_is(logical, name, "SUMMARY") && n - value > 2 * TEXT_FIELD_MAX_BYTES) {
                        add_error(reader, first_line, "SUMMARY is %zu bytes long, more than the limit of %d", n - value,
                                  TEXT_FIELD_MAX_BYTES);
                        continue;
                }
                bool begin = word_is(logical, name, "BEGIN"), end = word_is(logical, name, "END");
                if (!seen_content && !(begin && word_is(logical + value, n - value, "VCALENDAR"))) {
                        add_error(reader, first_line, "not an iCalendar file: it does not start with BEGIN:VCALENDAR");
                        r = -EINVAL;
                        goto finish;
                }
                seen_content = true;
                if (depth == 0 && !(begin && word_is(logical + value, n - value, "VCALENDAR"))) {
                        add_error(reader, first_line, "content after END:VCALENDAR");
                        continue;
                }
                if (begin) {
                        size_t length = n - value;
                        if (depth == STACK_MAX || length == 0 || length >= sizeof stack[0]) {
                                add_error(reader, first_line, "components nested too deep or misnamed");
                                r = -EINVAL;
                                goto finish;
                        }
                        memcpy(stack[depth], logical + value, length);
                        stack[depth][length] = '\0';
                        if (depth == 0)
                                calendars++;
                        if (depth == 1 && strcasecmp(stack[0], "VCALENDAR") == 0 &&
                            strcasecmp(stack[1], "VEVENT") == 0) {
                                if (reader->n_event_lines >= reader->max_events) {
                                        add_error(reader, first_line, "more than %zu events", reader->max_events);
                                        r = -E2BIG;
                                        goto finish;
                                }
                                if (reader->n_event_lines == allocated_events) {
                                        size_t grown = allocated_events ? allocated_events * 2 : 64;
                                        int *bigger = realloc(reader->event_lines, grown * sizeof *bigger);
                                        if (!bigger) {
                                                r = -ENOMEM;
                                                goto finish;
                                        }
                                        reader->event_lines = bigger;
                                        allocated_events = grown;
                                }
                                reader->event_lines[reader->n_event_lines++] = first_line;
                        }
                        stack_lines[depth++] = first_line;
                } else if (end) {
                        if (depth == 0 || !word_is(logical + value, n - value, stack[depth - 1])) {
                                if (depth)
                                        add_error(reader, first_line, "END:%.*s does not close BEGIN:%s of line %d",
                                                  (int)(n - value > 20 ? 20 : n - value), logical + value,
                                                  stack[depth - 1], stack_lines[depth - 1]);
                                else
                                        add_error(reader, first_line, "END without BEGIN");
                                r = -EINVAL;
                                goto finish;
                        }
                        depth--;
                }
        }
        if (!seen_content)
                add_error(reader, 1, "empty: not an iCalendar file");
        else if (depth > 0)
                add_error(reader, stack_lines[depth - 1], "BEGIN:%s is never ended", stack[depth - 1]);
finish:
        free(logical);
        if (r == 0 && reader->n_errors > 0)
                r = -EINVAL;
        return r;
}

/* ---- times ---- */

static icaltimezone *zone_of(struct reader *reader, struct icaltimetype t) {
        if (icaltime_is_utc(t))
                return icaltimezone_get_utc_timezone();
        /* A floating time, or one whose TZID neither the file nor libical knows, is school time. */
        return t.zone ? (icaltimezone *)t.zone : reader->zone;
}

static int64_t to_seconds(struct reader *reader, struct icaltimetype t) {
        return (int64_t)icaltime_as_timet_with_zone(t, zone_of(reader, t));
}

static void school_local(struct reader *reader, int64_t seconds, civil_date *ret_date, int *ret_minutes) {
        struct icaltimetype t = icaltime_from_timet_with_zone((time_t)seconds, 0, reader->zone);
        *ret_date = date_from_ymd(t.year, t.month, t.day);
        *ret_minutes = t.hour * 60 + t.minute;
}

static civil_date civil_of(struct icaltimetype t) {
        return date_from_ymd(t.year, t.month, t.day);
}

/* A dismissal time in a summary: "12:30", "12:30 PM", "1pm", "1:15 p.m.", "noon". -1 if none. */
static int summary_time(const char *text) {
        if (strcasestr(text, "noon"))
                return 12 * 60;
        for (const char *c = text; *c; c++) {
                if (!isdigit((unsigned char)*c) || (c > text && isdigit((unsigned char)c[-1])))
                        continue;
                int hour = 0, minute = 0, digits = 0;
                const char *p = c;
                while (isdigit((unsigned char)*p) && digits < 3)
                        hour = hour * 10 + (*p++ - '0'), digits++;
                if (digits > 2 || isdigit((unsigned char)*p))
                        continue;
                bool has_minutes = false;
                if (*p == ':' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) && !isdigit((unsigned char)p[3])) {
                        minute = (p[1] - '0') * 10 + (p[2] - '0');
                        has_minutes = true;
                        p += 3;
                }
                while (*p == ' ')
                        p++;
                int meridiem = 0; /* 1 am, 2 pm */
                if (strncasecmp(p, "am", 2) == 0 || strncasecmp(p, "a.m.", 4) == 0)
                        meridiem = 1;
                else if (strncasecmp(p, "pm", 2) == 0 || strncasecmp(p, "p.m.", 4) == 0)
                        meridiem = 2;
                if (!has_minutes && !meridiem)
                        continue;
                if (minute > 59 || hour > 23 || (meridiem && (hour < 1 || hour > 12)))
                        continue;
                if (meridiem == 2 && hour < 12)
                        hour += 12;
                else if (meridiem == 1 && hour == 12)
                        hour = 0;
                else if (!meridiem && hour < 7)
                        hour += 12; /* "Early release 1:30": schools do not dismiss at night */
                return hour * 60 + minute;
        }
        return -1;
}

static bool matches(const char *text, const char *const *keywords) {
        for (size_t i = 0; keywords[i]; i++)
                if (keywords[i][0] && strcasestr(text, keywords[i]))
                        return true;
        return false;
}

/* ---- output ---- */

static bool add_day(struct reader *reader, civil_date date, enum calendar_kind kind, int start, int end,
                    const char *label) {
        struct ical_district *d = reader->result;
        for (size_t i = 0; i < d->n_days; i++) {
                struct calendar_day *day = &d->days[i];
                if (day->date == date && day->kind == kind &&
                    (kind == CALENDAR_CLOSED || (day->start == start && day->end == end)))
                        return true; /* the same day twice: the first label stays */
        }
        if (d->n_days >= ICAL_DISTRICT_MAX_DAYS) {
                if (reader->fatal == 0)
                        add_error(reader, 0, "more than %d calendar days", ICAL_DISTRICT_MAX_DAYS);
                reader->fatal = -E2BIG;
                return false;
        }
        if (d->n_days == reader->days_allocated) {
                size_t grown = reader->days_allocated ? reader->days_allocated * 2 : 32;
                struct calendar_day *bigger = realloc(d->days, grown * sizeof *bigger);
                if (!bigger) {
                        reader->fatal = -ENOMEM;
                        return false;
                }
                d->days = bigger;
                reader->days_allocated = grown;
        }
        char *copy = label && label[0] ? strdup(label) : NULL;
        if (label && label[0] && !copy) {
                reader->fatal = -ENOMEM;
                return false;
        }
        d->days[d->n_days++] = (struct calendar_day){ date, kind, start, end, copy };
        return true;
}

/* What one event contributed, for its report line. */
struct tally {
        size_t days;
        civil_date first, last;
        size_t outside_term, weekend, outside_day;
        int start, end; /* of the last blocked or early release span */
};

static bool school_date(struct reader *reader, civil_date date, struct tally *tally) {
        if (date < reader->info->term_start || date > reader->info->term_end) {
                tally->outside_term++;
                return false;
        }
        if (date_weekday(date) >= DAY_COUNT) {
                tally->weekend++;
                return false;
        }
        return true;
}

static void count(struct tally *tally, civil_date date) {
        if (tally->days == 0 || date < tally->first)
                tally->first = date;
        if (tally->days == 0 || date > tally->last)
                tally->last = date;
        tally->days++;
}

enum event_kind { EVENT_CLOSED, EVENT_EARLY_RELEASE, EVENT_BLOCKED };

struct event {
        icalcomponent *component;
        const char *uid;
        const char *label;
        int line;
        enum event_kind kind;
        bool all_day;
        int release; /* all-day early release: dismissal time */
        int n_days; /* all-day: length in days */
        int64_t duration; /* timed: seconds */
        struct icaltimetype dtstart;
};

static void apply_instance(struct reader *reader, const struct event *event, struct icaltimetype instance,
                           struct tally *tally) {
        if (event->all_day) {
                civil_date first = civil_of(instance);
                for (int k = 0; k < event->n_days; k++) {
                        civil_date date = first + k;
                        if (!school_date(reader, date, tally))
                                continue;
                        bool added = event->kind == EVENT_CLOSED
                                             ? add_day(reader, date, CALENDAR_CLOSED, 0, 0, event->label)
                                             : add_day(reader, date, CALENDAR_EARLY_RELEASE, 0, event->release, event->label);
                        if (added)
                                count(tally, date);
                        tally->end = event->release;
                }
                return;
        }
        int64_t begin = to_seconds(reader, instance);
        civil_date start_date, end_date;
        int start, end;
        school_local(reader, begin, &start_date, &start);
        school_local(reader, begin + event->duration, &end_date, &end);
        if (event->kind == EVENT_EARLY_RELEASE) {
                if (school_date(reader, start_date, tally) &&
                    add_day(reader, start_date, CALENDAR_EARLY_RELEASE, 0, start, event->label))
                        count(tally, start_date);
                tally->end = start;
                return;
        }
        for (civil_date date = start_date; date <= end_date && date - start_date < EVENT_DAYS_MAX; date++) {
                int from = date == start_date ? start : 0;
                int to = date == end_date ? end : 24 * 60;
                if (to <= from && !(from == to && event->duration == 0 && date == start_date))
                        continue;
                if (!school_date(reader, date, tally))
                        continue;
                /* Only the school day matters: an evening board meeting blocks nothing. */
                if (from < reader->info->day_start)
                        from = reader->info->day_start;
                if (to > reader->info->day_end)
                        to = reader->info->day_end;
                if (to <= from) {
                        tally->outside_day++;
                        continue;
                }
                if (add_day(reader, date, CALENDAR_BLOCKED, from, to, event->label))
                        count(tally, date);
                tally->start = from;
                tally->end = to;
        }
}

/* Rule evaluations: every step of a recurrence iterator libical takes, every probe of an
 * EXDATE or override lookup. Charged before the work is done, so a hostile rule is refused in
 * microseconds rather than after minutes of expansion. */
static bool charge(struct reader *reader, const struct event *event, uint64_t work, const char *what) {
        if (work <= ICAL_DISTRICT_WORK_BUDGET - reader->work) {
                reader->work += work;
                return true;
        }
        if (reader->fatal == 0)
                add_error(reader, event->line,
                          "%s: %s needs about %" PRIu64 " rule evaluations; with the rest of the calendar that is "
                          "more than the budget of %u (ICAL_DISTRICT_WORK_BUDGET)",
                          event->label, what, work, (unsigned)ICAL_DISTRICT_WORK_BUDGET);
        reader->fatal = -E2BIG;
        return false;
}

static int compare_int64(const void *a, const void *b) {
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

/* Binary search, each probe charged. */
static bool in_sorted(struct reader *reader, const int64_t *set, size_t n, int64_t key) {
        size_t low = 0, high = n;
        while (low < high) {
                reader->work++;
                size_t mid = low + (high - low) / 2;
                if (set[mid] == key)
                        return true;
                if (set[mid] < key)
                        low = mid + 1;
                else
                        high = mid;
        }
        return false;
}

/* An event's EXDATEs, converted once and sorted: civil dates (all-day events, VALUE=DATE) and
 * Unix seconds; an instance is looked up in O(log n), not compared with each. */
struct exdates {
        int64_t *dates, *seconds;
        size_t n_dates, n_seconds;
};

static int exdates_load(struct reader *reader, const struct event *event, struct exdates *ret) {
        *ret = (struct exdates){ 0 };
        size_t n = 0;
        for (icalproperty *p = icalcomponent_get_first_property(event->component, ICAL_EXDATE_PROPERTY); p;
             p = icalcomponent_get_next_property(event->component, ICAL_EXDATE_PROPERTY))
                n++;
        if (n == 0)
                return 0;
        ret->dates = malloc(n * sizeof *ret->dates);
        ret->seconds = malloc(n * sizeof *ret->seconds);
        if (!ret->dates || !ret->seconds)
                return -ENOMEM;
        for (icalproperty *p = icalcomponent_get_first_property(event->component, ICAL_EXDATE_PROPERTY); p;
             p = icalcomponent_get_next_property(event->component, ICAL_EXDATE_PROPERTY)) {
                struct icaltimetype exdate = icalproperty_get_exdate(p);
                if (icaltime_is_null_time(exdate))
                        continue;
                if (event->all_day || exdate.is_date) {
                        ret->dates[ret->n_dates++] = civil_of(exdate);
                        continue;
                }
                /* An EXDATE with a TZID is in DTSTART's zone in every calendar we know. */
                if (!icaltime_is_utc(exdate))
                        exdate.zone = event->dtstart.zone;
                ret->seconds[ret->n_seconds++] = to_seconds(reader, exdate);
        }
        qsort(ret->dates, ret->n_dates, sizeof *ret->dates, compare_int64);
        qsort(ret->seconds, ret->n_seconds, sizeof *ret->seconds, compare_int64);
        return 0;
}

static void exdates_free(struct exdates *x) {
        free(x->dates);
        free(x->seconds);
}

static int compare_overrides(const void *a, const void *b) {
        const struct override *x = a, *y = b;
        if (x->key != y->key)
                return x->key < y->key ? -1 : 1;
        if (x->is_date != y->is_date)
                return x->is_date < y->is_date ? -1 : 1;
        return strcmp(x->uid, y->uid);
}

static bool overridden(struct reader *reader, const struct event *event, int64_t key) {
        struct override probe = { .uid = (char *)event->uid, .is_date = event->all_day, .key = key };
        size_t low = 0, high = reader->n_overrides;
        while (low < high) {
                reader->work++;
                size_t mid = low + (high - low) / 2;
                int c = compare_overrides(&reader->overrides[mid], &probe);
                if (c == 0)
                        return true;
                if (c < 0)
                        low = mid + 1;
                else
                        high = mid;
        }
        return false;
}

static bool excluded(struct reader *reader, const struct event *event, const struct exdates *exdates,
                     struct icaltimetype instance) {
        civil_date date = civil_of(instance);
        if (exdates->n_dates && in_sorted(reader, exdates->dates, exdates->n_dates, date))
                return true;
        int64_t seconds = event->all_day ? 0 : to_seconds(reader, instance);
        if (exdates->n_seconds && in_sorted(reader, exdates->seconds, exdates->n_seconds, seconds))
                return true;
        if (!event->uid || reader->n_overrides == 0)
                return false;
        return overridden(reader, event, event->all_day ? date : seconds);
}

static size_t by_length(const short *list, size_t size) {
        size_t n = 0;
        while (n < size && list[n] != ICAL_RECURRENCE_ARRAY_MAX)
                n++;
        return n;
}

static uint64_t at_least_one(size_t n) {
        return n ? n : 1;
}

/* What libical does for a rule between DTSTART and until: one step per FREQ*INTERVAL period,
 * and within a period one candidate per combination of the BY* parts finer than FREQ (a
 * YEARLY rule with a day part walks the year's days). An upper estimate, so a rule that
 * filters every candidate out (BYMONTHDAY=30 in February) costs what it really costs. */
static uint64_t rule_work(const struct icalrecurrencetype *rule, int64_t from, int64_t until) {
        if (until <= from)
                return 1;
        uint64_t span = (uint64_t)(until - from);
        uint64_t interval = rule->interval > 0 ? (uint64_t)rule->interval : 1;
        uint64_t seconds = at_least_one(by_length(rule->by_second, ICAL_BY_SECOND_SIZE));
        uint64_t minutes = at_least_one(by_length(rule->by_minute, ICAL_BY_MINUTE_SIZE));
        uint64_t hours = at_least_one(by_length(rule->by_hour, ICAL_BY_HOUR_SIZE));
        bool day_parts = by_length(rule->by_day, ICAL_BY_DAY_SIZE) || by_length(rule->by_month_day, ICAL_BY_MONTHDAY_SIZE) ||
                         by_length(rule->by_year_day, ICAL_BY_YEARDAY_SIZE) || by_length(rule->by_week_no, ICAL_BY_WEEKNO_SIZE) ||
                         by_length(rule->by_month, ICAL_BY_MONTH_SIZE);
        uint64_t unit, per_period;
        switch (rule->freq) {
        case ICAL_SECONDLY_RECURRENCE: unit = 1, per_period = 1; break;
        case ICAL_MINUTELY_RECURRENCE: unit = 60, per_period = seconds; break;
        case ICAL_HOURLY_RECURRENCE: unit = 3600, per_period = minutes * seconds; break;
        case ICAL_DAILY_RECURRENCE: unit = 86400, per_period = hours * minutes * seconds; break;
        case ICAL_WEEKLY_RECURRENCE:
                unit = 7 * 86400;
                per_period = at_least_one(by_length(rule->by_day, ICAL_BY_DAY_SIZE)) * hours * minutes * seconds;
                break;
        case ICAL_MONTHLY_RECURRENCE: unit = 28 * 86400, per_period = (day_parts ? 31 : 1) * hours * minutes * seconds; break;
        default: unit = 365 * 86400, per_period = (day_parts ? 366 : 1) * hours * minutes * seconds; break;
        }
        uint64_t periods = span / (unit * interval) + 1;
        return per_period > UINT64_MAX / periods ? UINT64_MAX : periods * per_period;
}

static const char *freq_name(icalrecurrencetype_frequency freq) {
        switch (freq) {
        case ICAL_SECONDLY_RECURRENCE: return "SECONDLY";
        case ICAL_MINUTELY_RECURRENCE: return "MINUTELY";
        case ICAL_HOURLY_RECURRENCE: return "HOURLY";
        case ICAL_DAILY_RECURRENCE: return "DAILY";
        case ICAL_WEEKLY_RECURRENCE: return "WEEKLY";
        case ICAL_MONTHLY_RECURRENCE: return "MONTHLY";
        default: return "YEARLY";
        }
}

static void expand_rule(struct reader *reader, const struct event *event, const struct exdates *exdates,
                        icalproperty *property, struct tally *tally) {
        struct icalrecurrencetype rule = icalproperty_get_rrule(property);
        /* Nothing after the term matters, and libical stops stepping at UNTIL (it checks it on
         * every step, COUNT only on instances): so UNTIL is at most two days past the term. */
        civil_date stop = reader->info->term_end + 2;
        int y, m, d;
        date_to_ymd(stop, &y, &m, &d);
        struct icaltimetype window = icaltime_null_time();
        window.year = y, window.month = m, window.day = d;
        if (event->dtstart.is_date)
                window.is_date = 1;
        else
                window.zone = icaltimezone_get_utc_timezone();
        if (icaltime_is_null_time(rule.until) || icaltime_compare(rule.until, window) > 0)
                rule.until = window;
        int64_t from = event->all_day ? (int64_t)civil_of(event->dtstart) * 86400 : to_seconds(reader, event->dtstart);
        int64_t until = event->all_day ? (int64_t)civil_of(rule.until) * 86400 : to_seconds(reader, rule.until);
        char what[64];
        snprintf(what, sizeof what, "RRULE:FREQ=%s from %04d-%02d-%02d", freq_name(rule.freq), event->dtstart.year,
                 event->dtstart.month, event->dtstart.day);
        if (!charge(reader, event, rule_work(&rule, from, until), what))
                return;
        icalrecur_iterator *iterator = icalrecur_iterator_new(rule, event->dtstart);
        if (!iterator) {
                add_error(reader, event->line, "%s: RRULE cannot be expanded", event->label);
                return;
        }
        for (;;) {
                struct icaltimetype instance = icalrecur_iterator_next(iterator);
                if (icaltime_is_null_time(instance))
                        break;
                instance.zone = event->dtstart.zone;
                civil_date date = civil_of(instance);
                if (date > reader->info->term_end + 1)
                        break;
                if (date + (event->all_day ? event->n_days : 1) < reader->info->term_start - 1)
                        continue;
                if (!excluded(reader, event, exdates, instance))
                        apply_instance(reader, event, instance, tally);
                if (reader->fatal || !charge(reader, event, 0, what))
                        break;
        }
        icalrecur_iterator_free(iterator);
}

static void expand(struct reader *reader, const struct event *event, struct tally *tally) {
        icalproperty *rrule = icalcomponent_get_first_property(event->component, ICAL_RRULE_PROPERTY);
        icalproperty *rdate = icalcomponent_get_first_property(event->component, ICAL_RDATE_PROPERTY);
        bool recurring = rrule || rdate;
        struct exdates exdates;
        if (exdates_load(reader, event, &exdates) < 0) {
                exdates_free(&exdates);
                reader->fatal = -ENOMEM;
                return;
        }
        if (!recurring || icalcomponent_get_first_property(event->component, ICAL_RECURRENCEID_PROPERTY)) {
                if (!recurring || !excluded(reader, event, &exdates, event->dtstart))
                        apply_instance(reader, event, event->dtstart, tally);
                exdates_free(&exdates);
                return;
        }
        for (; rrule && !reader->fatal; rrule = icalcomponent_get_next_property(event->component, ICAL_RRULE_PROPERTY))
                expand_rule(reader, event, &exdates, rrule, tally);
        for (; rdate && !reader->fatal; rdate = icalcomponent_get_next_property(event->component, ICAL_RDATE_PROPERTY)) {
                if (!charge(reader, event, 1, "RDATE"))
                        break;
                struct icaldatetimeperiodtype value = icalproperty_get_rdate(rdate);
                struct icaltimetype instance = icaltime_is_null_time(value.time) ? value.period.start : value.time;
                if (icaltime_is_null_time(instance))
                        continue;
                if (!icaltime_is_utc(instance))
                        instance.zone = event->dtstart.zone;
                if (!excluded(reader, event, &exdates, instance))
                        apply_instance(reader, event, instance, tally);
        }
        exdates_free(&exdates);
}

static bool value_error(icalcomponent *component, const char **ret_text) {
        for (icalproperty *p = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY); p;
             p = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY)) {
                const char *text = icalproperty_get_xlicerror(p);
                if (!text)
                        continue;
                static const char *const vital[] = { "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE",
                                                     "RECURRENCE-ID", NULL };
                for (size_t i = 0; vital[i]; i++)
                        if (strstr(text, vital[i])) {
                                *ret_text = text;
                                return true;
                        }
        }
        return false;
}

static void read_event(struct reader *reader, icalcomponent *component, int line) {
        const char *summary = icalcomponent_get_summary(component);
        struct event event = {
                .component = component,
                .uid = icalcomponent_get_uid(component),
                .label = summary && summary[0] ? summary : "(no summary)",
                .line = line,
        };
        const char *problem = summary ? text_field_problem(summary, strlen(summary)) : NULL;
        if (problem) {
                /* Labels are stored, printed and written into feeds: the one rule of CSV cells. */
                add_error(reader, line, "SUMMARY %s", problem);
                return;
        }
        if (value_error(component, &problem)) {
                add_error(reader, line, "%s: %s", event.label, problem);
                return;
        }
        if (icalcomponent_get_status(component) == ICAL_STATUS_CANCELLED) {
                note(reader, false, line, event.label, "cancelled");
                return;
        }
        event.dtstart = icalcomponent_get_dtstart(component);
        if (icaltime_is_null_time(event.dtstart) || !icaltime_is_valid_time(event.dtstart)) {
                add_error(reader, line, "%s: no valid DTSTART", event.label);
                return;
        }
        event.all_day = event.dtstart.is_date;
        bool early = summary && matches(summary, reader->early);
        bool closed = !early && summary && matches(summary, reader->closed);
        event.kind = early ? EVENT_EARLY_RELEASE : event.all_day ? EVENT_CLOSED : EVENT_BLOCKED;
        if (event.all_day && !early && !closed) {
                note(reader, false, line, event.label, "all-day event without a closed-day keyword");
                return;
        }
        if (event.all_day && early) {
                event.release = summary_time(summary);
                if (event.release < 0)
                        event.release = reader->default_release > 0 ? reader->default_release : -1;
                if (event.release < 0) {
                        note(reader, false, line, event.label,
                             "early release without a dismissal time in its summary; add it to calendar.csv");
                        return;
                }
        }

        struct icaltimetype dtend = icalcomponent_get_dtend(component);
        if (event.all_day) {
                event.n_days = 1;
                if (!icaltime_is_null_time(dtend) && dtend.is_date) {
                        int64_t days = (int64_t)civil_of(dtend) - civil_of(event.dtstart);
                        event.n_days = days < 1 ? 1 : days > EVENT_DAYS_MAX ? EVENT_DAYS_MAX : (int)days;
                }
        } else if (!icaltime_is_null_time(dtend)) {
                if (!icaltime_is_utc(dtend) && !dtend.zone)
                        dtend.zone = event.dtstart.zone;
                event.duration = to_seconds(reader, dtend) - to_seconds(reader, event.dtstart);
                if (event.duration < 0) {
                        add_error(reader, line, "%s: DTEND before DTSTART", event.label);
                        return;
                }
                if (event.duration > (int64_t)EVENT_DAYS_MAX * 86400)
                        event.duration = (int64_t)EVENT_DAYS_MAX * 86400;
        }

        struct tally tally = { .start = -1, .end = -1 };
        expand(reader, &event, &tally);
        if (reader->fatal)
                return;
        if (tally.days == 0) {
                const char *why = tally.outside_day ? "outside the school day"
                                  : tally.weekend && !tally.outside_term ? "only on weekends"
                                                                         : "outside the term";
                note(reader, false, line, event.label, "%s", why);
                return;
        }
        char first[11], last[11], start[6], end[6];
        date_format(tally.first, first);
        date_format(tally.last, last);
        const char *range_sep = tally.first == tally.last ? "" : " .. ";
        const char *range_end = tally.first == tally.last ? "" : last;
        switch (event.kind) {
        case EVENT_CLOSED:
                note(reader, true, line, event.label, "closed %s%s%s (%zu school day%s)", first, range_sep, range_end,
                     tally.days, tally.days == 1 ? "" : "s");
                break;
        case EVENT_EARLY_RELEASE:
                note(reader, true, line, event.label, "early release at %s on %s%s%s (%zu day%s)",
                     time_format(tally.end, end), first, range_sep, range_end, tally.days, tally.days == 1 ? "" : "s");
                break;
        default:
                note(reader, true, line, event.label, "blocked %s-%s on %s%s%s (%zu day%s)",
                     time_format(tally.start, start), time_format(tally.end, end), first, range_sep, range_end,
                     tally.days, tally.days == 1 ? "" : "s");
                break;
        }
}

/* Every VEVENT directly inside a VCALENDAR, in document order (the order of the line scan). */
static size_t collect_events(icalcomponent *root, icalcomponent ***ret) {
        size_t n = 0, allocated = 0;
        icalcomponent **list = NULL;
        icalcomponent *calendars[1] = { root };
        bool xroot = icalcomponent_isa(root) == ICAL_XROOT_COMPONENT;
        icalcomponent *calendar = xroot ? icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT) : calendars[0];
        for (; calendar; calendar = xroot ? icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT) : NULL) {
                if (icalcomponent_isa(calendar) != ICAL_VCALENDAR_COMPONENT)
                        continue;
                for (icalcomponent *event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); event;
                     event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
                        if (n == allocated) {
                                size_t grown = allocated ? allocated * 2 : 64;
                                icalcomponent **bigger = realloc(list, grown * sizeof *bigger);
                                if (!bigger) {
                                        free(list);
                                        return (size_t)-1;
                                }
                                list = bigger;
                                allocated = grown;
                        }
                        list[n++] = event;
                }
        }
        *ret = list;
        return n;
}

static int compare_days(const void *a, const void *b) {
        const struct calendar_day *x = a, *y = b;
        if (x->date != y->date)
                return x->date < y->date ? -1 : 1;
        if (x->kind != y->kind)
                return x->kind < y->kind ? -1 : 1;
        return (x->start > y->start) - (x->start < y->start);
}

struct ical_district *ical_district_free(struct ical_district *district) {
        if (!district)
                return NULL;
        for (size_t i = 0; i < district->n_days; i++)
                free(district->days[i].label);
        free(district->days);
        for (size_t i = 0; i < district->n_taken; i++)
                free(district->taken[i]);
        free(district->taken);
        for (size_t i = 0; i < district->n_ignored; i++)
                free(district->ignored[i]);
        free(district->ignored);
        free(district);
        return NULL;
}

int ical_district_read(const char *data, size_t size, const struct school_info *info,
                       const struct ical_district_options *options, struct ical_district **ret,
                       char **ret_error) {
        struct reader reader = {
                .info = info,
                .closed = options && options->closed_keywords ? options->closed_keywords : ical_district_closed_keywords,
                .early = options && options->early_release_keywords ? options->early_release_keywords
                                                                    : ical_district_early_release_keywords,
                .default_release = options ? options->default_release : -1,
                .max_events = options && options->max_events ? options->max_events : ICAL_DISTRICT_MAX_EVENTS,
        };
        size_t max_bytes = options && options->max_bytes ? options->max_bytes : ICAL_DISTRICT_MAX_BYTES;
        char *error_text = NULL, *text = NULL;
        size_t error_size = 0;
        icalcomponent *root = NULL, **events = NULL;
        int r;

        reader.errors = open_memstream(&error_text, &error_size);
        reader.result = calloc(1, sizeof *reader.result);
        if (!reader.errors || !reader.result) {
                r = -ENOMEM;
                goto finish;
        }
        if (size > max_bytes) {
                add_error(&reader, 0, "calendar of %zu bytes is larger than the limit of %zu", size, max_bytes);
                r = -EFBIG;
                goto finish;
        }
        reader.zone = info->timezone ? icaltimezone_get_builtin_timezone(info->timezone) : NULL;
        if (!reader.zone) {
                add_error(&reader, 0, "unknown school time zone %s", info->timezone ? info->timezone : "(none)");
                r = -ENOENT;
                goto finish;
        }
        r = scan_lines(&reader, data, size);
        if (r < 0)
                goto finish;

        text = malloc(size + 1);
        if (!text) {
                r = -ENOMEM;
                goto finish;
        }
        memcpy(text, data, size);
        text[size] = '\0';
        root = icalparser_parse_string(text);
        if (!root) {
                add_error(&reader, 1, "libical cannot parse the calendar");
                r = -EINVAL;
                goto finish;
        }
        size_t n_events = collect_events(root, &events);
        if (n_events == (size_t)-1) {
                events = NULL;
                r = -ENOMEM;
                goto finish;
        }

        /* Overrides first: their masters skip the instances they replace. */
        for (size_t i = 0; i < n_events; i++) {
                icalproperty *id = icalcomponent_get_first_property(events[i], ICAL_RECURRENCEID_PROPERTY);
                const char *uid = icalcomponent_get_uid(events[i]);
                if (!id || !uid)
                        continue;
                struct icaltimetype when = icalcomponent_get_recurrenceid(events[i]);
                if (icaltime_is_null_time(when))
                        continue;
                struct override *bigger = realloc(reader.overrides, (reader.n_overrides + 1) * sizeof *bigger);
                char *copy = strdup(uid);
                if (!bigger || !copy) {
                        if (bigger)
                                reader.overrides = bigger;
                        free(copy);
                        r = -ENOMEM;
                        goto finish;
                }
                reader.overrides = bigger;
                bigger[reader.n_overrides++] = (struct override){
                        .uid = copy,
                        .is_date = when.is_date,
                        .key = when.is_date ? civil_of(when) : to_seconds(&reader, when),
                };
        }
        if (reader.n_overrides > 1)
                qsort(reader.overrides, reader.n_overrides, sizeof *reader.overrides, compare_overrides);
        for (size_t i = 0; i < n_events && !reader.fatal; i++)
                read_event(&reader, events[i], i < reader.n_event_lines ? reader.event_lines[i] : 0);
        if (reader.fatal) {
                r = reader.fatal;
                goto finish;
        }
        if (reader.n_errors > 0) {
                r = -EINVAL;
                goto finish;
        }
        if (reader.result->n_days > 1)
                qsort(reader.result->days, reader.result->n_days, sizeof *reader.result->days, compare_days);
        *ret = reader.result;
        reader.result = NULL;
        r = 0;
finish:
        if (reader.errors && fclose(reader.errors) == 0 && r < 0 && ret_error && error_text && error_text[0]) {
                *ret_error = error_text;
                error_text = NULL;
        }
        free(error_text);
        free(events);
        if (root)
                icalcomponent_free(root);
        free(text);
        free(reader.event_lines);
        for (size_t i = 0; i < reader.n_overrides; i++)
                free(reader.overrides[i].uid);
        free(reader.overrides);
        ical_district_free(reader.result);
        return r;
}
