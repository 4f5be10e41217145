/* schedule-service.c: the published schedule and the changes made to it by hand. A hand move
 * is checked and scored by the solver with the configured weights, so a schedule has one
 * penalty however it was made. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "progress/svg.h"
#include "service/changes.h"
#include "service/schedule-json.h"
#include "service/schedule-service.h"
#include "service/version-service.h"
#include "solver/solver.h"
#include "store/version-store.h"

int schedule_required(struct daemon *daemon, char why[static WHY_MAX]) {
        if (!daemon->school)
                return why_set(why, -ENODATA, "nothing imported yet: pullout import DIR, then pullout solve");
        if (daemon->schedule)
                return 0;
        /* A solve makes a draft: after the first one, "run pullout solve" would send the
         * person round in a circle. */
        int64_t draft = 0;
        if (store_version_newest_draft(daemon->store, &draft) >= 0 && draft > 0)
                return why_set(why, -ENODATA,
                               "no schedule is published yet: version %lld is a draft (pullout schedule diff, then "
                               "pullout schedule publish)",
                               (long long)draft);
        return why_set(why, -ENODATA, "no schedule yet: run pullout solve");
}

/* The (kind, id) of Schedule and SchedulePicture: everyone (""), one interventionist, one
 * homeroom teacher's students, or (with_student) one student. */
static int read_filter(struct daemon *daemon, const char *kind, const char *id, bool with_student,
                       struct schedule_filter *ret_filter, char why[static WHY_MAX]) {
        int r = schedule_required(daemon, why);
        if (r < 0)
                return r;
        struct schedule_filter filter = { -1, -1, -1 };
        const struct school *school = daemon->school;
        if (strcmp(kind, "") == 0) {
        } else if (strcmp(kind, "staff") == 0) {
                if ((filter.staff = school_find_staff(school, id)) < 0)
                        return why_set(why, -ENOENT, "no staff member %.64s", id);
        } else if (strcmp(kind, "teacher") == 0) {
                if ((filter.teacher = school_find_teacher(school, id)) < 0)
                        return why_set(why, -ENOENT, "no homeroom teacher %.64s", id);
        } else if (with_student && strcmp(kind, "student") == 0) {
                if ((filter.student = school_find_student(school, id)) < 0)
                        return why_set(why, -ENOENT, "no student %.64s", id);
        } else {
                return why_set(why, -EINVAL, "filter must be \"\", staff, teacher%s, not \"%.32s\"",
                               with_student ? " or student" : "", kind);
        }
        *ret_filter = filter;
        return 0;
}

int schedule_show(struct daemon *daemon, const char *kind, const char *id, struct json_object **ret,
                  char why[static WHY_MAX]) {
        struct schedule_filter filter;
        int r = read_filter(daemon, kind, id, true, &filter, why);
        if (r < 0)
                return r;
        *ret = schedule_to_json(daemon->schedule, &filter);
        return 0;
}

int schedule_picture(struct daemon *daemon, const char *kind, const char *id, char **ret_svg,
                     char why[static WHY_MAX]) {
        struct schedule_filter filter;
        int r = read_filter(daemon, kind, id, false, &filter, why);
        if (r < 0)
                return r;
        struct schedule_svg_options options = { .teacher = filter.teacher, .staff = filter.staff };
        struct textbuf buf = { 0 };
        r = schedule_svg(daemon->schedule, &options, &buf);
        if (r >= 0)
                r = textbuf_steal(&buf, ret_svg);
        textbuf_done(&buf);
        if (r < 0)
                return why_set(why, r, "cannot draw the schedule: %s", strerror(-r));
        return 0;
}

int schedule_explain(struct daemon *daemon, const char *student_id, struct json_object **ret,
                     char why[static WHY_MAX]) {
        int r = schedule_required(daemon, why);
        if (r < 0)
                return r;
        int student = school_find_student(daemon->school, student_id);
        if (student < 0)
                return why_set(why, -ENOENT, "no student %.64s in the data set", student_id);
        char **lines = NULL;
        size_t n = 0;
        if ((r = solver_explain(daemon->schedule, student, &lines, &n)) < 0)
                return why_set(why, r, "cannot explain: %s", strerror(-r));
        *ret = schedule_explanation_json(daemon->school, student, lines, n);
        solver_strings_free(lines, n);
        return 0;
}

int schedule_pin(struct daemon *daemon, const char *group_id, bool pinned, char why[static WHY_MAX]) {
        int r = schedule_required(daemon, why);
        if (r < 0)
                return r;
        int g = schedule_find_group(daemon->schedule, group_id);
        if (g < 0)
                return why_set(why, -ENOENT, "no group %.32s in schedule version %lld", group_id,
                               (long long)daemon->schedule->version);
        if ((r = store_set_pinned(daemon->store, group_id, pinned)) < 0)
                return why_set(why, r, "cannot store the pin: %s", store_error(daemon->store));
        daemon->schedule->groups[g].pinned = pinned;
        changes_announce(daemon, CHANGE_PINS);
        return 0;
}

/* "G5 cannot move to MWF 13:15: it would break 2 rules:" in why, and the rules one a line
 * after it in *ret_detail. */
static int broken_rules(const char *group_id, const char *days, const char *start, char **violations, size_t n,
                        char **ret_detail, char why[static WHY_MAX]) {
        why_set(why, -EEXIST, "%s cannot move to %s %s: it would break %zu rule%s:", group_id, days, start, n,
                n == 1 ? "" : "s");
        char **lines = calloc(n, sizeof *lines);
        for (size_t i = 0; lines && i < n; i++)
                if (asprintf(&lines[i], "  %s", violations[i]) < 0)
                        lines[i] = NULL;
        bool whole = lines != NULL;
        for (size_t i = 0; lines && i < n; i++)
                whole &= lines[i] != NULL;
        *ret_detail = whole ? why_lines(why, lines, n) : NULL;
        for (size_t i = 0; lines && i < n; i++)
                free(lines[i]);
        free(lines);
        return -EEXIST;
}

int schedule_move(struct daemon *daemon, const char *group_id, const char *days_text, const char *start_text,
                  const char *from, struct json_object **ret, char **ret_detail, char why[static WHY_MAX]) {
        int r = schedule_required(daemon, why);
        if (r < 0)
                return r;
        if (daemon->solve)
                return why_set(why, -EBUSY, "a solve is running; move the group when it ends");
        int g = schedule_find_group(daemon->schedule, group_id);
        if (g < 0)
                return why_set(why, -ENOENT, "no group %.32s", group_id);
        dayset days;
        int start;
        if (dayset_parse(days_text, &days) < 0)
                return why_set(why, -EINVAL, "\"%.16s\" is not a set of days (letters of MTWRF, e.g. MWF)", days_text);
        if (time_parse(start_text, &start) < 0)
                return why_set(why, -EINVAL, "\"%.16s\" is not a time (use HH:MM, 24 h)", start_text);
        const struct school *school = daemon->school;
        const struct group *group = &daemon->schedule->groups[g];
        const struct need *need = &school->needs[group->needs[0]];
        if (dayset_count(days) != need->sessions_per_week)
                return why_set(why, -EINVAL, "%s meets %d times a week (%s: %d × %d min); give %d days", group->id,
                               need->sessions_per_week, school->programs[group->program].id, need->sessions_per_week,
                               need->minutes, need->sessions_per_week);

        struct schedule *moved = schedule_copy(daemon->schedule);
        if (!moved)
                return why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
        struct group *target = &moved->groups[g];
        target->n_meetings = 0;
        for (int d = 0; d < DAY_COUNT; d++)
                if (days & (1u << d))
                        target->meetings[target->n_meetings++] =
                                (struct meeting){ .day = d, .start = start, .end = start + need->minutes };
        target->pinned = true;

        /* Scored as a solve scores: with the configured weights. */
        struct solver_weights weights;
        conf_solver_weights(&daemon->conf, &weights);
        char **violations = NULL;
        size_t n = 0;
        r = solver_check(moved, NULL, &weights, &moved->metrics, &violations, &n);
        if (r < 0) {
                schedule_free(moved);
                return why_set(why, r, "cannot check the move: %s", strerror(-r));
        }
        if (n > 0) {
                r = broken_rules(group_id, days_text, start_text, violations, n, ret_detail, why);
                solver_strings_free(violations, n);
                schedule_free(moved);
                return r;
        }
        solver_strings_free(violations, n);
        /* Meetings changed from the published version: the moved group's. */
        moved->metrics.changed_meetings = (long)target->n_meetings;
        struct json_object *published = NULL;
        if ((r = versions_publish_now(daemon, moved, from, &published, why)) < 0)
                return r;
        log_info("%s moved to %s %s by hand (schedule version %lld)", group_id, days_text, start_text,
                 (long long)daemon->schedule->version);
        *ret = schedule_summary_json(daemon->schedule, NULL);
        /* What the week in progress loses (a day already passed is not met again). */
        json_object_object_add(*ret, "from", json_object_get(json_object_object_get(published, "from")));
        json_object_object_add(*ret, "this_week", json_object_get(json_object_object_get(published, "this_week")));
        json_object_put(published);
        return 0;
}
