/* feed.c: builds one iCalendar feed with libical: weekly series with EXDATEs for every removed
 * occurrence, standalone events for moved and make-up sessions, in the shape clients accept. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "ical/feed.h"
#include "ical/fold.h"
#include "ical/zone.h"

#ifndef PULLOUT_VERSION
#define PULLOUT_VERSION "0"
#endif

const char *const ical_feed_subject_names[ICAL_FEED_SUBJECT_COUNT + 1] = {
        "teacher", "staff", "student", "group", NULL,
};
const char *const ical_feed_privacy_names[ICAL_PRIVACY_COUNT + 1] = { "full", "initials", "busy", NULL };

static const char *const area_titles[AREA_COUNT] = { "Reading", "Math", "Writing", "Behavior" };
static const char *const rrule_days[DAY_COUNT] = { "MO", "TU", "WE", "TH", "FR" };

enum ical_feed_privacy ical_feed_default_privacy(enum ical_feed_subject subject) {
        return subject == ICAL_FEED_STAFF ? ICAL_PRIVACY_FULL : ICAL_PRIVACY_INITIALS;
}

/* One event to write: a weekly series of one group at one start..end, or a standalone item. */
struct event_spec {
        int group;
        const struct ical_feed_item *item; /* standalone when set */
        dayset days;
        int start, end;
        civil_date first; /* DTSTART's date */
        civil_date *exdates;
        size_t n_exdates;
        char *uid;
};

struct feed {
        const struct ical_feed_request *request;
        const struct schedule *schedule;
        const struct school *school;
        struct ical_zone *zone;
        const char *host;
        char *uid_prefix;
        civil_date from;
        struct event_spec *events;
        size_t n_events;
};

static uint64_t fnv1a(const char *data, size_t size) {
        uint64_t hash = 0xcbf29ce484222325ULL;
        for (size_t i = 0; i < size; i++) {
                hash ^= (unsigned char)data[i];
                hash *= 0x100000001b3ULL;
        }
        return hash;
}

static void feed_clear(struct feed *feed) {
        for (size_t i = 0; i < feed->n_events; i++) {
                free(feed->events[i].exdates);
                free(feed->events[i].uid);
        }
        free(feed->events);
        free(feed->uid_prefix);
        ical_zone_free(feed->zone);
}

static bool group_has_student(const struct school *school, const struct group *group, int student) {
        for (size_t i = 0; i < group->n_needs; i++)
                if (school->needs[group->needs[i]].student == student)
                        return true;
        return false;
}

static bool group_has_teacher(const struct school *school, const struct group *group, int teacher) {
        for (size_t i = 0; i < group->n_needs; i++) {
                int student = school->needs[group->needs[i]].student;
                if (school->students[student].teacher == teacher)
                        return true;
        }
        return false;
}

static bool group_in_feed(const struct feed *feed, int g) {
        const struct group *group = &feed->schedule->groups[g];
        int index = feed->request->subject_index;
        switch (feed->request->subject) {
        case ICAL_FEED_TEACHER:
                return group_has_teacher(feed->school, group, index);
        case ICAL_FEED_STAFF:
                return group->staff == index;
        case ICAL_FEED_STUDENT:
                return group_has_student(feed->school, group, index);
        case ICAL_FEED_GROUP:
                return g == index;
        default:
                return false;
        }
}

static const char *subject_id(const struct feed *feed) {
        int index = feed->request->subject_index;
        switch (feed->request->subject) {
        case ICAL_FEED_TEACHER:
                return feed->school->teachers[index].id;
        case ICAL_FEED_STAFF:
                return feed->school->staff[index].id;
        case ICAL_FEED_STUDENT:
                return feed->school->students[index].id;
        default:
                return feed->schedule->groups[index].id;
        }
}

/* UIDs carry ids, never names; a student's or teacher's id is hashed so a busy feed tells nothing. */
static void write_uid_safe(FILE *out, const char *text) {
        for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
                if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
                    *c == '.' || *c == '_' || *c == '-')
                        fputc(*c, out);
                else
                        fprintf(out, "%%%02X", *c);
        }
}

/* Text helpers: open_memstream gives a growing string; a failed stream is out of memory. */
static char *stream_finish(FILE *out, char **buffer) {
        /* The buffer pointer is valid only after fclose. */
        bool failed = ferror(out);
        if (fclose(out) != 0 || failed) {
                free(*buffer);
                return NULL;
        }
        return *buffer;
}

static size_t utf8_length(const char *text) {
        unsigned char c = (unsigned char)text[0];
        size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        for (size_t i = 1; i < n; i++)
                if (((unsigned char)text[i] & 0xc0) != 0x80)
                        return i;
        return n;
}

/* "Ada Nguyen" -> "A.N." */
static void write_initials(FILE *out, const char *name) {
        const char *c = name;
        while (*c) {
                while (*c == ' ' || *c == '\t')
                        c++;
                if (!*c)
                        break;
                fwrite(c, 1, utf8_length(c), out);
                fputc('.', out);
                while (*c && *c != ' ' && *c != '\t')
                        c++;
        }
}

/* "Dana Whitfield" -> "D. Whitfield"; a single word stays as it is. */
static void write_short_adult(FILE *out, const char *name) {
        while (*name == ' ')
                name++;
        const char *end = name + strlen(name);
        while (end > name && end[-1] == ' ')
                end--;
        const char *last = end;
        while (last > name && last[-1] != ' ')
                last--;
        if (last == name) {
                fwrite(name, 1, (size_t)(end - name), out);
                return;
        }
        fwrite(name, 1, utf8_length(name), out);
        fputs(". ", out);
        fwrite(last, 1, (size_t)(end - last), out);
}

static void write_person(FILE *out, const char *name, bool student, enum ical_feed_privacy privacy) {
        if (privacy == ICAL_PRIVACY_FULL)
                fputs(name, out);
        else if (student)
                write_initials(out, name);
        else
                write_short_adult(out, name);
}

/* The students of group this feed may name: a teacher sees only their own homeroom, a
 * student feed only that student. */
static bool student_shown(const struct feed *feed, int student) {
        switch (feed->request->subject) {
        case ICAL_FEED_TEACHER:
                return feed->school->students[student].teacher == feed->request->subject_index;
        case ICAL_FEED_STUDENT:
                return student == feed->request->subject_index;
        default:
                return true;
        }
}

/* where: after each name, the homeroom teacher and room (an interventionist's description). */
static void write_students(FILE *out, const struct feed *feed, const struct group *group, bool where) {
        const struct school *school = feed->school;
        bool first = true;
        for (size_t i = 0; i < group->n_needs; i++) {
                int index = school->needs[group->needs[i]].student;
                const struct student *student = &school->students[index];
                if (!student_shown(feed, index))
                        continue;
                if (!first)
                        fputs(", ", out);
                first = false;
                write_person(out, student->name, true, feed->request->privacy);
                /* An interventionist's own feed says where to collect each student. */
                if (where && student->teacher >= 0) {
                        const struct teacher *homeroom = &school->teachers[student->teacher];
                        fputs(" (", out);
                        write_person(out, homeroom->name, false, feed->request->privacy);
                        if (homeroom->room && *homeroom->room)
                                fprintf(out, ", room %s", homeroom->room);
                        fputs(")", out);
                }
        }
}

/* LOCATION of an interventionist's event: the homerooms to collect the students from, each
 * once ("Room 101, Room 203"); NULL when none has a room or the feed shows times only. */
static char *make_location(const struct feed *feed, const struct group *group) {
        const struct school *school = feed->school;
        if (feed->request->subject != ICAL_FEED_STAFF || feed->request->privacy == ICAL_PRIVACY_BUSY)
                return NULL;
        char *buffer = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buffer, &size);
        if (!out)
                return NULL;
        bool any = false;
        for (size_t i = 0; i < group->n_needs; i++) {
                int teacher = school->students[school->needs[group->needs[i]].student].teacher;
                const char *room = teacher >= 0 ? school->teachers[teacher].room : NULL;
                if (!room || !*room)
                        continue;
                bool seen = false;
                for (size_t k = 0; k < i && !seen; k++) {
                        int other = school->students[school->needs[group->needs[k]].student].teacher;
                        seen = other >= 0 && school->teachers[other].room &&
                               strcmp(school->teachers[other].room, room) == 0;
                }
                if (seen)
                        continue;
                fprintf(out, "%sRoom %s", any ? ", " : "", room);
                any = true;
        }
        char *text = stream_finish(out, &buffer);
        if (text && !any) {
                free(text);
                return NULL;
        }
        return text;
}

static const char *item_note(const struct ical_feed_item *item) {
        if (!item)
                return "";
        switch (item->kind) {
        case ICAL_FEED_MAKEUP:
                return " (make-up)";
        case ICAL_FEED_MOVED:
                return " (moved)";
        default:
                return "";
        }
}

static char *make_summary(const struct feed *feed, const struct event_spec *spec) {
        const struct school *school = feed->school;
        const struct group *group = &feed->schedule->groups[spec->group];
        const struct program *program = &school->programs[group->program];
        const char *staff_name = school->staff[group->staff].name;
        enum ical_feed_privacy privacy = feed->request->privacy;
        char *buffer = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buffer, &size);
        if (!out)
                return NULL;

        if (privacy == ICAL_PRIVACY_BUSY) {
                fprintf(out, "Pull-out%s", item_note(spec->item));
                return stream_finish(out, &buffer);
        }
        switch (feed->request->subject) {
        case ICAL_FEED_TEACHER:
                fprintf(out, "%s intervention%s — ", area_titles[program->area], item_note(spec->item));
                write_students(out, feed, group, false);
                fputs(" — with ", out);
                write_person(out, staff_name, false, privacy);
                break;
        case ICAL_FEED_STUDENT:
                fprintf(out, "%s intervention (%s)%s — with ", area_titles[program->area], program->name,
                        item_note(spec->item));
                write_person(out, staff_name, false, privacy);
                break;
        case ICAL_FEED_STAFF:
        case ICAL_FEED_GROUP:
        default:
                fprintf(out, "%s%s — %s — ", program->name, item_note(spec->item), group->id);
                write_students(out, feed, group, false);
                if (feed->request->subject == ICAL_FEED_GROUP) {
                        fputs(" — with ", out);
                        write_person(out, staff_name, false, privacy);
                }
                break;
        }
        return stream_finish(out, &buffer);
}

static void write_when(FILE *out, civil_date date, int start) {
        char date_text[11], time_text[6];
        fprintf(out, "%s %s %s", weekday_name(date_weekday(date)), date_format(date, date_text),
                time_format(start, time_text));
}

/* The line a moved or make-up event explains itself with; times only, so busy feeds keep it. */
static void write_item_origin(FILE *out, const struct ical_feed_item *item) {
        char group_id[GROUP_ID_MAX];
        civil_date date;
        int start;
        if (item->kind == ICAL_FEED_HELD) {
                fputs("Held under an earlier schedule", out);
                return;
        }
        const char *origin = item->kind == ICAL_FEED_MOVED ? item->session_id : item->makes_up;
        fputs(item->kind == ICAL_FEED_MOVED ? "Moved from " : "Make-up session", out);
        if (!origin)
                return;
        if (item->kind == ICAL_FEED_MAKEUP)
                fputs(" for ", out);
        if (occurrence_session_id_parse(origin, group_id, &date, &start) == 0)
                write_when(out, date, start);
        else
                fputs(origin, out);
}

static char *make_description(const struct feed *feed, const struct event_spec *spec) {
        const struct school *school = feed->school;
        const struct group *group = &feed->schedule->groups[spec->group];
        const struct program *program = &school->programs[group->program];
        enum ical_feed_privacy privacy = feed->request->privacy;
        char *buffer = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buffer, &size);
        if (!out)
                return NULL;

        if (spec->item) {
                write_item_origin(out, spec->item);
                fputs(privacy == ICAL_PRIVACY_BUSY ? "." : ".\n", out);
        }
        if (privacy != ICAL_PRIVACY_BUSY) {
                int tiers = 0; /* bit t: some student this feed shows is in tier t */
                for (size_t i = 0; i < group->n_needs; i++) {
                        const struct need *need = &school->needs[group->needs[i]];
                        if (!student_shown(feed, need->student))
                                continue;
                        if (need->tier >= 0 && need->tier < 31)
                                tiers |= 1 << need->tier;
                }
                fprintf(out, "Program: %s (%s)", program->name, area_names[program->area]);
                int n_tiers = __builtin_popcount((unsigned)tiers);
                for (int t = 0, n = 0; t < 31; t++) {
                        if (!(tiers & (1 << t)))
                                continue;
                        fprintf(out, n == 0 ? (n_tiers == 1 ? ", tier %d" : ", tiers %d")
                                            : (n == n_tiers - 1 ? " and %d" : ", %d"), t);
                        n++;
                }
                fprintf(out, "\nGroup: %s\nInterventionist: ", group->id);
                write_person(out, school->staff[group->staff].name, false, privacy);
                if (feed->request->subject != ICAL_FEED_STUDENT) {
                        fputs("\nStudents: ", out);
                        write_students(out, feed, group, feed->request->subject == ICAL_FEED_STAFF);
                }
        }
        char *text = stream_finish(out, &buffer);
        if (text && !text[0]) {
                free(text);
                return strdup("");
        }
        return text;
}

static icalproperty *make_organizer(const struct feed *feed, const struct group *group) {
        const struct staff *staff = &feed->school->staff[group->staff];
        char *address = NULL;
        const char *cn;
        if (feed->request->privacy == ICAL_PRIVACY_FULL && staff->email && staff->email[0]) {
                if (asprintf(&address, "mailto:%s", staff->email) < 0)
                        return NULL;
                cn = staff->name;
        } else {
                if (asprintf(&address, "mailto:noreply@%s", feed->host) < 0)
                        return NULL;
                cn = feed->school->info.name ? feed->school->info.name : "pullout";
        }
        icalproperty *organizer = icalproperty_new_organizer(address);
        free(address);
        if (organizer && cn && cn[0])
                icalproperty_add_parameter(organizer, icalparameter_new_cn(cn));
        return organizer;
}

static icalproperty *exdate_property(const struct feed *feed, civil_date date, int start) {
        icalproperty *exdate = icalproperty_new_exdate(ical_zone_local(feed->zone, date, start));
        /* libical 3.0 writes no TZID on EXDATE itself; clients need it equal to DTSTART's. */
        if (exdate)
                icalproperty_add_parameter(exdate, icalparameter_new_tzid(feed->zone->tzid));
        return exdate;
}

static icalproperty *rrule_property(const struct feed *feed, const struct event_spec *spec) {
        char text[128];
        size_t n = (size_t)snprintf(text, sizeof text, "RRULE:FREQ=WEEKLY;BYDAY=");
        bool first = true;
        for (int d = 0; d < DAY_COUNT; d++) {
                if (!(spec->days & (1 << d)))
                        continue;
                n += (size_t)snprintf(text + n, sizeof text - n, "%s%s", first ? "" : ",", rrule_days[d]);
                first = false;
        }
        /* UNTIL in UTC (required with a TZID DTSTART): the end of the term's last day. */
        struct icaltimetype until = ical_zone_local(feed->zone, feed->school->info.term_end, 23 * 60 + 59);
        icaltimezone_convert_time(&until, feed->zone->zone, icaltimezone_get_utc_timezone());
        snprintf(text + n, sizeof text - n, ";UNTIL=%04d%02d%02dT%02d%02d00Z", until.year % 10000,
                 until.month % 100, until.day % 100, until.hour % 100, until.minute % 100);
        return icalproperty_new_from_string(text);
}

/* The event without DTSTAMP, SEQUENCE and LAST-MODIFIED: what its fingerprint covers. */
static icalcomponent *make_event(const struct feed *feed, const struct event_spec *spec) {
        const struct group *group = &feed->schedule->groups[spec->group];
        icalcomponent *event = icalcomponent_new(ICAL_VEVENT_COMPONENT);
        char *summary = make_summary(feed, spec);
        char *description = make_description(feed, spec);
        icalproperty *organizer = make_organizer(feed, group);
        if (!event || !summary || !description || !organizer)
                goto fail;

        icalcomponent_add_property(event, icalproperty_new_uid(spec->uid));
        civil_date date = spec->item ? spec->item->date : spec->first;
        int start = spec->item ? spec->item->start : spec->start;
        int end = spec->item ? spec->item->end : spec->end;
        /* set_dtstart (not icalproperty_new_dtstart) writes the TZID on libical 3.0. */
        icalcomponent_set_dtstart(event, ical_zone_local(feed->zone, date, start));
        icalcomponent_set_dtend(event, ical_zone_local(feed->zone, date, end));
        if (!spec->item) {
                icalproperty *rrule = rrule_property(feed, spec);
                if (!rrule)
                        goto fail;
                icalcomponent_add_property(event, rrule);
                for (size_t i = 0; i < spec->n_exdates; i++) {
                        icalproperty *exdate = exdate_property(feed, spec->exdates[i], spec->start);
                        if (!exdate)
                                goto fail;
                        icalcomponent_add_property(event, exdate);
                }
        }
        icalcomponent_add_property(event, icalproperty_new_summary(summary));
        if (description[0])
                icalcomponent_add_property(event, icalproperty_new_description(description));
        char *location = make_location(feed, group);
        if (location)
                icalcomponent_add_property(event, icalproperty_new_location(location));
        free(location);
        icalcomponent_add_property(event, organizer);
        organizer = NULL;
        icalcomponent_add_property(event, icalproperty_new_status(ICAL_STATUS_CONFIRMED));
        icalcomponent_add_property(event, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
        free(summary);
        free(description);
        return event;
fail:
        if (organizer)
                icalproperty_free(organizer);
        if (event)
                icalcomponent_free(event);
        free(summary);
        free(description);
        return NULL;
}

static int event_fingerprint(icalcomponent *event, char fingerprint[static ICAL_FEED_FINGERPRINT_SIZE]) {
        char *text = icalcomponent_as_ical_string_r(event);
        if (!text)
                return -ENOMEM;
        snprintf(fingerprint, ICAL_FEED_FINGERPRINT_SIZE, "%016llx",
                 (unsigned long long)fnv1a(text, strlen(text)));
        icalmemory_free_buffer(text);
        return 0;
}

static int add_event(struct feed *feed, struct event_spec *spec, size_t *allocated) {
        if (feed->n_events == *allocated) {
                size_t grown = *allocated ? *allocated * 2 : 16;
                struct event_spec *bigger = realloc(feed->events, grown * sizeof *bigger);
                if (!bigger)
                        return -ENOMEM;
                feed->events = bigger;
                *allocated = grown;
        }
        feed->events[feed->n_events++] = *spec;
        return 0;
}

static bool cancelled_by_items(const struct feed *feed, int g, const char *session_id) {
        for (size_t i = 0; i < feed->request->n_items; i++) {
                const struct ical_feed_item *item = &feed->request->items[i];
                if (item->group == g && (item->kind == ICAL_FEED_CANCELLED || item->kind == ICAL_FEED_MOVED) &&
                    item->session_id &&
                    strcmp(item->session_id, session_id) == 0)
                        return true;
        }
        return false;
}

static char *series_uid(const struct feed *feed, const char *key_group, const char *suffix) {
        char *buffer = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buffer, &size);
        if (!out)
                return NULL;
        fputs(feed->uid_prefix, out);
        write_uid_safe(out, key_group);
        fputs(suffix, out);
        fputc('@', out);
        write_uid_safe(out, feed->host);
        return stream_finish(out, &buffer);
}

/* The weekly series of group g: one per distinct start..end, with its days. */
static int collect_series(struct feed *feed, int g, size_t *allocated) {
        const struct group *group = &feed->schedule->groups[g];
        struct occurrence *occurrences = NULL;
        size_t n_occurrences = 0;
        bool done[MEETINGS_MAX] = { false };
        struct event_spec spec = { 0 };
        int r = occurrence_expand_group(feed->schedule, g, feed->from, feed->school->info.term_end,
                                        &occurrences, &n_occurrences);
        if (r < 0)
                goto finish;

        for (size_t m = 0; m < group->n_meetings && m < MEETINGS_MAX; m++) {
                if (done[m])
                        continue;
                const struct meeting *meeting = &group->meetings[m];
                spec = (struct event_spec){ .group = g, .start = meeting->start, .end = meeting->end };
                for (size_t k = m; k < group->n_meetings && k < MEETINGS_MAX; k++) {
                        if (group->meetings[k].start == meeting->start && group->meetings[k].end == meeting->end &&
                            group->meetings[k].day >= 0 && group->meetings[k].day < DAY_COUNT) {
                                spec.days |= (dayset)(1 << group->meetings[k].day);
                                done[k] = true;
                        }
                }
                if (!spec.days)
                        continue;

                bool started = false;
                for (size_t i = 0; i < n_occurrences; i++) {
                        const struct occurrence *o = &occurrences[i];
                        if (o->start != spec.start || o->end != spec.end || !(spec.days & (1 << date_weekday(o->date))))
                                continue;
                        char session_id[OCCURRENCE_SESSION_ID_MAX];
                        bool removed = !occurrence_is_held(o) ||
                                       cancelled_by_items(feed, g, occurrence_session_id(group->id, o->date, o->start, session_id));
                        if (!started) {
                                /* DTSTART is the first held occurrence: no client trips on an excluded DTSTART. */
                                if (removed)
                                        continue;
                                spec.first = o->date;
                                started = true;
                                continue;
                        }
                        if (!removed)
                                continue;
                        civil_date *bigger = realloc(spec.exdates, (spec.n_exdates + 1) * sizeof *bigger);
                        if (!bigger) {
                                r = -ENOMEM;
                                goto finish;
                        }
                        spec.exdates = bigger;
                        spec.exdates[spec.n_exdates++] = o->date;
                }
                if (!started) {
                        free(spec.exdates);
                        spec.exdates = NULL;
                        continue;
                }
                char suffix[16];
                snprintf(suffix, sizeof suffix, "-%02d%02d-%02d%02d", (spec.start / 60) % 100, spec.start % 60,
                         (spec.end / 60) % 100, spec.end % 60);
                spec.uid = series_uid(feed, group->id, suffix);
                if (!spec.uid) {
                        r = -ENOMEM;
                        goto finish;
                }
                r = add_event(feed, &spec, allocated);
                if (r < 0)
                        goto finish;
                spec = (struct event_spec){ 0 };
        }
        r = 0;
finish:
        free(spec.exdates);
        free(spec.uid);
        free(occurrences);
        return r;
}

static int feed_init(struct feed *feed, const struct ical_feed_request *request) {
        const struct schedule *schedule = request->schedule;
        const struct school *school = schedule ? schedule->school : NULL;
        int r;

        *feed = (struct feed){ .request = request, .schedule = schedule, .school = school };
        if (!school || request->privacy < 0 || request->privacy >= ICAL_PRIVACY_COUNT)
                return -EINVAL;
        size_t limit;
        switch (request->subject) {
        case ICAL_FEED_TEACHER:
                limit = school->n_teachers;
                break;
        case ICAL_FEED_STAFF:
                limit = school->n_staff;
                break;
        case ICAL_FEED_STUDENT:
                limit = school->n_students;
                break;
        case ICAL_FEED_GROUP:
                limit = schedule->n_groups;
                break;
        default:
                return -EINVAL;
        }
        if (request->subject_index < 0 || (size_t)request->subject_index >= limit)
                return -EINVAL;
        for (size_t i = 0; i < request->n_items; i++) {
                const struct ical_feed_item *item = &request->items[i];
                if (item->group < 0 || (size_t)item->group >= schedule->n_groups || !item->session_id)
                        return -EINVAL;
                if (item->kind != ICAL_FEED_CANCELLED &&
                    (item->start < 0 || item->end > 24 * 60 || item->start >= item->end))
                        return -EINVAL;
        }

        feed->host = request->host && request->host[0] ? request->host : "pullout.invalid";
        feed->from = request->from > school->info.term_start ? request->from : school->info.term_start;

        /* The VTIMEZONE must cover every event, including items before the term. */
        civil_date earliest = school->info.term_start;
        for (size_t i = 0; i < request->n_items; i++)
                if (request->items[i].kind != ICAL_FEED_CANCELLED && request->items[i].date < earliest)
                        earliest = request->items[i].date;
        r = ical_zone_load(school->info.timezone, earliest > 1 ? earliest : 1, &feed->zone);
        if (r < 0)
                return r;

        const char *id = subject_id(feed);
        if (asprintf(&feed->uid_prefix, "pullout-%s-%016llx-", ical_feed_subject_names[request->subject],
                     (unsigned long long)fnv1a(id, strlen(id))) < 0) {
                feed->uid_prefix = NULL;
                return -ENOMEM;
        }

        size_t allocated = 0;
        for (size_t g = 0; g < schedule->n_groups; g++) {
                if (!group_in_feed(feed, (int)g))
                        continue;
                r = collect_series(feed, (int)g, &allocated);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < request->n_items; i++) {
                const struct ical_feed_item *item = &request->items[i];
                if (item->kind == ICAL_FEED_CANCELLED || !group_in_feed(feed, item->group))
                        continue;
                struct event_spec spec = { .group = item->group, .item = item };
                spec.uid = series_uid(feed, item->session_id,
                                      item->kind == ICAL_FEED_MOVED  ? "-moved"
                                      : item->kind == ICAL_FEED_HELD ? "-held"
                                                                     : "-makeup");
                if (!spec.uid)
                        return -ENOMEM;
                r = add_event(feed, &spec, &allocated);
                if (r < 0) {
                        free(spec.uid);
                        return r;
                }
        }
        return 0;
}

int ical_feed_series(const struct ical_feed_request *request, struct ical_feed_series **ret,
                     size_t *ret_n) {
        struct feed feed;
        struct ical_feed_series *list = NULL;
        size_t n = 0;
        int r = feed_init(&feed, request);
        if (r < 0)
                goto finish;
        list = calloc(feed.n_events ? feed.n_events : 1, sizeof *list);
        if (!list) {
                r = -ENOMEM;
                goto finish;
        }
        for (; n < feed.n_events; n++) {
                const struct event_spec *spec = &feed.events[n];
                icalcomponent *event = make_event(&feed, spec);
                if (!event) {
                        r = -ENOMEM;
                        goto finish;
                }
                r = event_fingerprint(event, list[n].fingerprint);
                icalcomponent_free(event);
                list[n].uid = strdup(spec->uid);
                list[n].group = spec->group;
                list[n].standalone = spec->item != NULL;
                if (r < 0 || !list[n].uid) {
                        n++;
                        r = -ENOMEM;
                        goto finish;
                }
        }
        *ret = list;
        *ret_n = n;
        list = NULL;
        r = 0;
finish:
        ical_feed_series_free(list, n);
        feed_clear(&feed);
        return r;
}

struct ical_feed_series *ical_feed_series_free(struct ical_feed_series *series, size_t n) {
        if (!series)
                return NULL;
        for (size_t i = 0; i < n; i++)
                free(series[i].uid);
        free(series);
        return NULL;
}

static const struct ical_feed_revision *find_revision(const struct ical_feed_request *request, const char *uid) {
        for (size_t i = 0; i < request->n_revisions; i++)
                if (request->revisions[i].uid && strcmp(request->revisions[i].uid, uid) == 0)
                        return &request->revisions[i];
        return NULL;
}

static struct icaltimetype utc_time(int64_t seconds) {
        return icaltime_from_timet_with_zone((time_t)seconds, 0, icaltimezone_get_utc_timezone());
}

static icalproperty *x_property(const char *name, const char *value) {
        icalproperty *property = icalproperty_new_x(value);
        if (property)
                icalproperty_set_x_name(property, name);
        return property;
}

static char *calendar_name(const struct feed *feed) {
        const struct school *school = feed->school;
        enum ical_feed_privacy privacy = feed->request->privacy;
        int index = feed->request->subject_index;
        char *buffer = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buffer, &size);
        if (!out)
                return NULL;
        switch (feed->request->subject) {
        case ICAL_FEED_TEACHER:
                fputs("Pull-outs", out);
                if (privacy != ICAL_PRIVACY_BUSY) {
                        fputs(" — ", out);
                        write_person(out, school->teachers[index].name, false, privacy);
                }
                break;
        case ICAL_FEED_STAFF:
                fputs("Intervention sessions", out);
                if (privacy != ICAL_PRIVACY_BUSY) {
                        fputs(" — ", out);
                        write_person(out, school->staff[index].name, false, privacy);
                }
                break;
        case ICAL_FEED_STUDENT:
                fputs("Intervention", out);
                if (privacy != ICAL_PRIVACY_BUSY) {
                        fputs(" — ", out);
                        write_person(out, school->students[index].name, true, privacy);
                }
                break;
        default:
                fprintf(out, "Group %s", feed->schedule->groups[index].id);
                if (privacy != ICAL_PRIVACY_BUSY)
                        fprintf(out, " — %s", school->programs[feed->schedule->groups[index].program].name);
                break;
        }
        if (school->info.name && school->info.name[0])
                fprintf(out, " (%s)", school->info.name);
        return stream_finish(out, &buffer);
}

int ical_feed_build(const struct ical_feed_request *request, char **ret_text, size_t *ret_size) {
        struct feed feed;
        icalcomponent *calendar = NULL;
        char *name = NULL, *text = NULL;
        int r = feed_init(&feed, request);
        if (r < 0)
                goto finish;

        calendar = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
        name = calendar_name(&feed);
        if (!calendar || !name) {
                r = -ENOMEM;
                goto finish;
        }
        icalcomponent_add_property(calendar, icalproperty_new_prodid("-//pullout//pullout " PULLOUT_VERSION "//EN"));
        icalcomponent_add_property(calendar, icalproperty_new_version("2.0"));
        icalcomponent_add_property(calendar, icalproperty_new_calscale("GREGORIAN"));
        icalcomponent_add_property(calendar, icalproperty_new_method(ICAL_METHOD_PUBLISH));
        /* X- values are written raw: no TEXT escaping, so no comma or semicolon in them. */
        for (char *c = name; *c; c++)
                if (*c == ',' || *c == ';' || *c == '\\')
                        *c = ' ';
        icalcomponent_add_property(calendar, x_property("X-WR-CALNAME", name));
        icalcomponent_add_property(calendar, icalproperty_new_name(name));
        icalcomponent_add_property(calendar, x_property("X-WR-TIMEZONE", feed.zone->tzid));
        icalproperty *refresh = icalproperty_new_refreshinterval(icaldurationtype_from_int(3600));
        icalproperty_add_parameter(refresh, icalparameter_new_value(ICAL_VALUE_DURATION));
        icalcomponent_add_property(calendar, refresh);
        icalcomponent_add_property(calendar, x_property("X-PUBLISHED-TTL", "PT1H"));
        icalcomponent_add_component(calendar, icalcomponent_new_clone(feed.zone->vtimezone));

        for (size_t i = 0; i < feed.n_events; i++) {
                const struct event_spec *spec = &feed.events[i];
                icalcomponent *event = make_event(&feed, spec);
                if (!event) {
                        r = -ENOMEM;
                        goto finish;
                }
                const struct ical_feed_revision *revision = find_revision(request, spec->uid);
                icalcomponent_add_property(event, icalproperty_new_dtstamp(utc_time(request->now)));
                icalcomponent_add_property(event, icalproperty_new_sequence(revision ? (int)revision->sequence : 0));
                icalcomponent_add_property(event, icalproperty_new_lastmodified(
                                                          utc_time(revision ? revision->last_modified : request->now)));
                icalcomponent_add_component(calendar, event);
        }

        char *serialised = icalcomponent_as_ical_string_r(calendar);
        if (!serialised) {
                r = -ENOMEM;
                goto finish;
        }
        /* Our own copy (the caller frees with free()), folded by us: libical 3.0 can fold
         * inside a line's CRLF. */
        size_t size = 0;
        r = ical_refold(serialised, &text, &size);
        icalmemory_free_buffer(serialised);
        if (r < 0)
                goto finish;
        *ret_text = text;
        *ret_size = size;
        r = 0;
finish:
        if (calendar)
                icalcomponent_free(calendar);
        free(name);
        feed_clear(&feed);
        return r;
}
