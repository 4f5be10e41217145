/* schedule-store.c: schedule versions in the database. Rows name students, programs and
 * staff by id, so a version survives a re-import that reorders or archives records. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

static int step_done(struct store *store, sqlite3_stmt *stmt, const char *what) {
        int r = sqlite3_step(stmt) == SQLITE_DONE ? 0 : store_fail(store, what);
        sqlite3_reset(stmt);
        return r;
}

static int metrics_text(const struct schedule_metrics *m, char *buf, size_t size) {
        return snprintf(buf, size,
                        "{\"avoid_minutes\":%ld,\"preferred_minutes\":%ld,\"inconsistent_groups\":%ld,"
                        "\"back_to_back_days\":%ld,\"level_spread\":%ld,\"idle_minutes\":%ld,"
                        "\"interruptions\":%ld,\"changed_meetings\":%ld,\"penalty\":%ld}",
                        m->avoid_minutes, m->preferred_minutes, m->inconsistent_groups,
                        m->back_to_back_days, m->level_spread, m->idle_minutes, m->interruptions,
                        m->changed_meetings, m->penalty);
}

int store_save_schedule(struct store *store, struct schedule *schedule, const char *created_at,
                        unsigned seed) {
        const struct school *school = schedule->school;
        sqlite3_stmt *version_stmt = NULL, *group = NULL, *member = NULL, *meeting = NULL, *unscheduled = NULL;
        char metrics[512];
        int r;

        metrics_text(&schedule->metrics, metrics, sizeof metrics);
        if ((r = store_prepare(store, "INSERT INTO schedules (created_at, seed, metrics) VALUES (?, ?, ?)",
                               &version_stmt)) < 0 ||
            (r = store_prepare(store, "INSERT INTO groups VALUES (?, ?, ?, ?, ?, ?)", &group)) < 0 ||
            (r = store_prepare(store, "INSERT INTO group_members VALUES (?, ?, ?, ?, ?)", &member)) < 0 ||
            (r = store_prepare(store, "INSERT INTO meetings VALUES (?, ?, ?, ?, ?)", &meeting)) < 0 ||
            (r = store_prepare(store, "INSERT INTO unscheduled VALUES (?, ?, ?, ?)", &unscheduled)) < 0)
                goto out;

        sqlite3_bind_text(version_stmt, 1, created_at, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(version_stmt, 2, seed);
        sqlite3_bind_text(version_stmt, 3, metrics, -1, SQLITE_TRANSIENT);
        if ((r = step_done(store, version_stmt, "save schedule")) < 0)
                goto out;
        int64_t version = sqlite3_last_insert_rowid(store->db);

        for (size_t g = 0; g < schedule->n_groups; g++) {
                const struct group *gr = &schedule->groups[g];
                sqlite3_bind_int64(group, 1, version);
                sqlite3_bind_text(group, 2, gr->id, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(group, 3, school->programs[gr->program].id, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(group, 4, school->staff[gr->staff].id, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int(group, 5, gr->pinned);
                sqlite3_bind_int64(group, 6, (sqlite3_int64)g);
                if ((r = step_done(store, group, "save group")) < 0)
                        goto out;
                for (size_t i = 0; i < gr->n_needs; i++) {
                        const struct need *n = &school->needs[gr->needs[i]];
                        sqlite3_bind_int64(member, 1, version);
                        sqlite3_bind_text(member, 2, gr->id, -1, SQLITE_TRANSIENT);
                        sqlite3_bind_text(member, 3, school->students[n->student].id, -1, SQLITE_TRANSIENT);
                        sqlite3_bind_text(member, 4, school->programs[n->program].id, -1, SQLITE_TRANSIENT);
                        sqlite3_bind_int64(member, 5, (sqlite3_int64)i);
                        if ((r = step_done(store, member, "save group member")) < 0)
                                goto out;
                }
                for (size_t i = 0; i < gr->n_meetings; i++) {
                        sqlite3_bind_int64(meeting, 1, version);
                        sqlite3_bind_text(meeting, 2, gr->id, -1, SQLITE_TRANSIENT);
                        sqlite3_bind_int(meeting, 3, gr->meetings[i].day);
                        sqlite3_bind_int(meeting, 4, gr->meetings[i].start);
                        sqlite3_bind_int(meeting, 5, gr->meetings[i].end);
                        if ((r = step_done(store, meeting, "save meeting")) < 0)
                                goto out;
                }
        }
        for (size_t i = 0; i < schedule->n_unscheduled; i++) {
                const struct need *n = &school->needs[schedule->unscheduled[i].need];
                sqlite3_bind_int64(unscheduled, 1, version);
                sqlite3_bind_text(unscheduled, 2, school->students[n->student].id, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(unscheduled, 3, school->programs[n->program].id, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(unscheduled, 4, schedule->unscheduled[i].reason, -1, SQLITE_TRANSIENT);
                if ((r = step_done(store, unscheduled, "save unscheduled need")) < 0)
                        goto out;
        }
        schedule->version = version;
        r = 0;
out:
        sqlite3_finalize(version_stmt);
        sqlite3_finalize(group);
        sqlite3_finalize(member);
        sqlite3_finalize(meeting);
        sqlite3_finalize(unscheduled);
        return r;
}

static int64_t latest_version(struct store *store) {
        sqlite3_stmt *stmt;
        int64_t version = -1;
        if (store_prepare(store, "SELECT coalesce(max(version), 0) FROM schedules", &stmt) < 0)
                return -1;
        if (sqlite3_step(stmt) == SQLITE_ROW)
                version = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return version;
}

static void parse_metrics(const char *text, struct schedule_metrics *m) {
        if (!text)
                return;
        /* Written by metrics_text() above: a fixed order of integer fields. */
        sscanf(text,
               "{\"avoid_minutes\":%ld,\"preferred_minutes\":%ld,\"inconsistent_groups\":%ld,"
               "\"back_to_back_days\":%ld,\"level_spread\":%ld,\"idle_minutes\":%ld,"
               "\"interruptions\":%ld,\"changed_meetings\":%ld,\"penalty\":%ld}",
               &m->avoid_minutes, &m->preferred_minutes, &m->inconsistent_groups, &m->back_to_back_days,
               &m->level_spread, &m->idle_minutes, &m->interruptions, &m->changed_meetings, &m->penalty);
}

int store_load_schedule(struct store *store, struct school *school, int64_t version,
                        struct schedule **ret_schedule) {
        sqlite3_stmt *head = NULL, *groups = NULL, *members = NULL, *meetings = NULL, *unscheduled = NULL;
        struct schedule *schedule = NULL;
        int r;

        if (version == 0)
                version = latest_version(store);
        if (version < 0)
                return store_fail(store, "latest schedule");
        if (version == 0)
                return -ENOENT;
        if ((r = store_prepare(store, "SELECT metrics FROM schedules WHERE version = ?", &head)) < 0 ||
            (r = store_prepare(store, "SELECT group_id, program_id, staff_id, pinned FROM groups "
                                      "WHERE version = ? ORDER BY position", &groups)) < 0 ||
            (r = store_prepare(store, "SELECT student_id, program_id FROM group_members "
                                      "WHERE version = ? AND group_id = ? ORDER BY position", &members)) < 0 ||
            (r = store_prepare(store, "SELECT day, start, end FROM meetings WHERE version = ? AND group_id = ? "
                                      "ORDER BY day", &meetings)) < 0 ||
            (r = store_prepare(store, "SELECT student_id, program_id, reason FROM unscheduled WHERE version = ?",
                               &unscheduled)) < 0)
                goto out;
        sqlite3_bind_int64(head, 1, version);
        if (sqlite3_step(head) != SQLITE_ROW) {
                r = -ENOENT;
                goto out;
        }
        schedule = schedule_new(school);
        if (!schedule) {
                r = -ENOMEM;
                goto out;
        }
        schedule->version = version;
        parse_metrics((const char *)sqlite3_column_text(head, 0), &schedule->metrics);

        sqlite3_bind_int64(groups, 1, version);
        while (sqlite3_step(groups) == SQLITE_ROW) {
                const char *group_id = (const char *)sqlite3_column_text(groups, 0);
                struct group group = {
                        .program = school_find_program(school, (const char *)sqlite3_column_text(groups, 1)),
                        .staff = school_find_staff(school, (const char *)sqlite3_column_text(groups, 2)),
                        .pinned = sqlite3_column_int(groups, 3) != 0,
                };
                /* A group whose program or interventionist left the data set is gone. */
                if (group.program < 0 || group.staff < 0)
                        continue;
                snprintf(group.id, sizeof group.id, "%s", group_id);
                int needs[64];
                sqlite3_bind_int64(members, 1, version);
                sqlite3_bind_text(members, 2, group_id, -1, SQLITE_TRANSIENT);
                while (sqlite3_step(members) == SQLITE_ROW && group.n_needs < 64) {
                        int student = school_find_student(school, (const char *)sqlite3_column_text(members, 0));
                        int need = student < 0 ? -1 : school_find_need(school, student, group.program);
                        if (need >= 0)
                                needs[group.n_needs++] = need;
                }
                sqlite3_reset(members);
                group.needs = needs;
                sqlite3_bind_int64(meetings, 1, version);
                sqlite3_bind_text(meetings, 2, group_id, -1, SQLITE_TRANSIENT);
                while (sqlite3_step(meetings) == SQLITE_ROW && group.n_meetings < MEETINGS_MAX) {
                        struct meeting *m = &group.meetings[group.n_meetings++];
                        m->day = sqlite3_column_int(meetings, 0);
                        m->start = sqlite3_column_int(meetings, 1);
                        m->end = sqlite3_column_int(meetings, 2);
                }
                sqlite3_reset(meetings);
                if (group.n_needs == 0)
                        continue;
                if ((r = schedule_add_group(schedule, &group)) < 0)
                        goto out;
        }
        sqlite3_bind_int64(unscheduled, 1, version);
        while (sqlite3_step(unscheduled) == SQLITE_ROW) {
                int student = school_find_student(school, (const char *)sqlite3_column_text(unscheduled, 0));
                int program = school_find_program(school, (const char *)sqlite3_column_text(unscheduled, 1));
                int need = student < 0 || program < 0 ? -1 : school_find_need(school, student, program);
                if (need >= 0 &&
                    (r = schedule_add_unscheduled(schedule, need,
                                                  (const char *)sqlite3_column_text(unscheduled, 2))) < 0)
                        goto out;
        }
        *ret_schedule = schedule;
        schedule = NULL;
        r = 0;
out:
        schedule_free(schedule);
        sqlite3_finalize(head);
        sqlite3_finalize(groups);
        sqlite3_finalize(members);
        sqlite3_finalize(meetings);
        sqlite3_finalize(unscheduled);
        return r;
}

int store_set_pinned(struct store *store, const char *group_id, int pinned) {
        sqlite3_stmt *stmt;
        int r = store_prepare(store, "UPDATE groups SET pinned = ? WHERE group_id = ? AND "
                                     "version = (SELECT max(version) FROM schedules)", &stmt);
        if (r < 0)
                return r;
        sqlite3_bind_int(stmt, 1, pinned);
        sqlite3_bind_text(stmt, 2, group_id, -1, SQLITE_TRANSIENT);
        r = sqlite3_step(stmt) == SQLITE_DONE ? 0 : store_fail(store, "pin group");
        if (r == 0 && sqlite3_changes(store->db) == 0)
                r = -ENOENT;
        sqlite3_finalize(stmt);
        return r;
}
