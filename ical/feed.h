/* feed.h: one iCalendar feed (DESIGN §5) as bytes, built with libical from the school, the
 * published schedule and the dated changes the daemon holds. Pure: no HTTP, no store, no clock. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/occurrence.h"
#include "model/schedule.h"

/* Whose pull-outs a feed shows. */
enum ical_feed_subject {
        ICAL_FEED_TEACHER, /* a homeroom teacher: the groups of their students, only their students named */
        ICAL_FEED_STAFF,   /* an interventionist: the groups they teach */
        ICAL_FEED_STUDENT, /* one student: their groups */
        ICAL_FEED_GROUP,   /* one group */
        ICAL_FEED_SUBJECT_COUNT
};

/* How much a feed tells, because a feed URL can leak. */
enum ical_feed_privacy {
        ICAL_PRIVACY_FULL,     /* full names */
        ICAL_PRIVACY_INITIALS, /* "A.N." for students, "D. Whitfield" for adults */
        ICAL_PRIVACY_BUSY,     /* times only: "Pull-out", no program, tier or name */
        ICAL_PRIVACY_COUNT
};

/* "teacher", "staff", "student", "group" and "full", "initials", "busy"; NULL-terminated. */
extern const char *const ical_feed_subject_names[ICAL_FEED_SUBJECT_COUNT + 1];
extern const char *const ical_feed_privacy_names[ICAL_PRIVACY_COUNT + 1];
/* initials for teacher, student and group feeds; full for an interventionist's own feed. */
enum ical_feed_privacy ical_feed_default_privacy(enum ical_feed_subject subject);

/* A dated change to the weekly schedule, as the sessions the daemon holds say. */
enum ical_feed_item_kind {
        ICAL_FEED_CANCELLED, /* session_id does not take place (an EXDATE on its series) */
        ICAL_FEED_MOVED,     /* session_id takes place on date start..end instead (EXDATE + own event) */
        ICAL_FEED_MAKEUP,    /* an extra session on date start..end, session_id its own id */
        ICAL_FEED_HELD,      /* a past session held under an earlier schedule (its own event) */
};

struct ical_feed_item {
        enum ical_feed_item_kind kind;
        int group; /* index into schedule->groups */
        /* CANCELLED, MOVED: the weekly occurrence ("G3-20260914-0940", occurrence_session_id);
         * MAKEUP: the make-up's own stable id. Its UID derives from it. */
        const char *session_id;
        civil_date date; /* MOVED, MAKEUP: when it takes place */
        int start, end;
        const char *makes_up; /* MAKEUP: the session it makes up, for the description; may be NULL */
};

/* What the caller remembers of one event of a feed (by UID): it raises sequence and sets
 * last_modified whenever ical_feed_series reports a new fingerprint for that UID. */
struct ical_feed_revision {
        const char *uid;
        unsigned sequence;
        int64_t last_modified; /* Unix seconds */
};

struct ical_feed_request {
        const struct schedule *schedule; /* the school is schedule->school */
        enum ical_feed_subject subject;
        int subject_index; /* into school.teachers, .staff, .students, or schedule->groups */
        enum ical_feed_privacy privacy;
        const char *host; /* domain of the UIDs and of the default ORGANIZER; NULL: "pullout.invalid" */
        /* First date of the weekly series (the day the schedule version took effect); dates
         * before the term start mean the term start. Earlier sessions can be passed as items. */
        civil_date from;
        const struct ical_feed_item *items;
        size_t n_items;
        const struct ical_feed_revision *revisions;
        size_t n_revisions;
        /* Unix seconds: DTSTAMP, and LAST-MODIFIED of an event without revision (SEQUENCE 0). */
        int64_t now;
};

#define ICAL_FEED_FINGERPRINT_SIZE 17 /* 16 hex digits and a NUL */

/* One event of a feed: a weekly series or a standalone (moved or make-up) occurrence. */
struct ical_feed_series {
        char *uid;
        int group; /* index into schedule->groups */
        bool standalone;
        /* A hash of everything the event says except DTSTAMP, SEQUENCE and LAST-MODIFIED. */
        char fingerprint[ICAL_FEED_FINGERPRINT_SIZE];
};

/* The events ical_feed_build would write, with their fingerprints, so the caller can detect
 * changes and keep revisions. *ret is malloc'd; free with ical_feed_series_free.
 * 0, -EINVAL (subject index out of range), -ENOENT (unknown school time zone), -ENOMEM. */
int ical_feed_series(const struct ical_feed_request *request, struct ical_feed_series **ret,
                     size_t *ret_n);
/* Accepts NULL; returns NULL. */
struct ical_feed_series *ical_feed_series_free(struct ical_feed_series *series, size_t n);

/* The feed as one VCALENDAR: CRLF lines folded at 75 octets, UTF-8, NUL-terminated.
 * *ret_text is malloc'd (free()); *ret_size excludes the NUL. Errors as ical_feed_series. */
int ical_feed_build(const struct ical_feed_request *request, char **ret_text, size_t *ret_size);
