/* schedule-store.c: schedule versions in the database. Rows name students, programs and
 * staff by id, so a version survives a re-import that reorders or archives records. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <limits.h>

#include "import/import.h"
#include "store/store-internal.h"

static int metrics_text(const struct schedule_metrics *m, char *buf, size_t size) {
        return snprintf(buf, size,
                        "{\"avoid_minutes\":%ld,\"preferred_minutes\":%ld,\"inconsistent_groups\":%ld,"
                        "\"back_to_back_days\":%ld,\"level_spread\":%ld,\"idle_minutes\":%ld,"
                        "\"interruptions\":%ld,\"changed_meetings\":%ld,\"penalty\":%ld,"
                        "\"placed\":%ld,\"upper_bound\":%ld}",
                        m->avoid_minutes, m->preferred_minutes, m->inconsistent_groups,
                        m->back_to_back_days, m->level_spread, m->idle_minutes, m->interruptions,
                        m->changed_meetings, m->penalty, m->placed, m->upper_bound);
}

/* The tables of a version's groups: a what-if's have their own, without the foreign keys
 * into the stored data set (migration 9). */
static const char *tables_of(const char *state) {
        return state && strcmp(state, "what-if") == 0 ? "what_if_" : "";
}

#define SQL_MAX 256

int store_save_schedule(struct store *store, struct schedule *schedule, const char *created_at,
                        unsigned seed, const char *state) {
        const struct school *school = schedule->school;
        sqlite3_stmt *version_stmt = NULL, *group = NULL, *member = NULL, *meeting = NULL, *unscheduled = NULL;
        char metrics[512], sql[4][SQL_MAX];
        const char *t = tables_of(state);
        int r;

        metrics_text(&schedule->metrics, metrics, sizeof metrics);
        if ((r = store_prepare(store, "INSERT INTO schedules (created_at, seed, metrics, state, placed, needs, upper_bound)"
                                      " VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, -1))", /* -1: no bound */
                               &version_stmt)) < 0 ||
            (snprintf(sql[0], SQL_MAX, "INSERT INTO %sgroups VALUES (?, ?, ?, ?, ?, ?)", t),
             (r = store_prepare(store, sql[0], &group)) < 0) ||
            (snprintf(sql[1], SQL_MAX, "INSERT INTO %sgroup_members VALUES (?, ?, ?, ?, ?)", t),
             (r = store_prepare(store, sql[1], &member)) < 0) ||
            (snprintf(sql[2], SQL_MAX, "INSERT INTO %smeetings VALUES (?, ?, ?, ?, ?)", t),
             (r = store_prepare(store, sql[2], &meeting)) < 0) ||
            (snprintf(sql[3], SQL_MAX, "INSERT INTO %sunscheduled VALUES (?, ?, ?, ?)", t),
             (r = store_prepare(store, sql[3], &unscheduled)) < 0))
                goto out;

        int64_t placed = 0;
        for (size_t g = 0; g < schedule->n_groups; g++)
                placed += (int64_t)schedule->groups[g].n_needs;
        if ((r = store_save_row(store, version_stmt, "save schedule", "tittiii", created_at, (int64_t)seed, metrics,
                                state, placed, placed + (int64_t)schedule->n_unscheduled,
                                (int64_t)schedule->metrics.upper_bound)) < 0)
                goto out;
        int64_t version = store_last_insert_id(store);
        for (size_t g = 0; g < schedule->n_groups && r >= 0; g++) {
                const struct group *gr = &schedule->groups[g];
                r = store_save_row(store, group, "save group", "itttdi", version, gr->id, school->programs[gr->program].id,
                                   school->staff[gr->staff].id, (int)gr->pinned, (int64_t)g);
                for (size_t i = 0; i < gr->n_needs && r >= 0; i++) {
                        const struct need *n = &school->needs[gr->needs[i]];
                        r = store_save_row(store, member, "save group member", "ittti", version, gr->id,
                                           school->students[n->student].id, school->programs[n->program].id, (int64_t)i);
                }
                for (size_t i = 0; i < gr->n_meetings && r >= 0; i++)
                        r = store_save_row(store, meeting, "save meeting", "itddd", version, gr->id, gr->meetings[i].day,
                                           gr->meetings[i].start, gr->meetings[i].end);
        }
        for (size_t i = 0; i < schedule->n_unscheduled && r >= 0; i++) {
                const struct need *n = &school->needs[schedule->unscheduled[i].need];
                r = store_save_row(store, unscheduled, "save unscheduled need", "ittt", version,
                                   school->students[n->student].id, school->programs[n->program].id,
                                   schedule->unscheduled[i].reason);
        }
        if (r < 0)
                goto out;
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
        /* Added later (#11): rows written before have neither; placed is counted by the loader
         * from the groups anyway (today's data may have lost some), the bound stays unknown. */
        const char *p = strstr(text, "\"upper_bound\":");
        m->upper_bound = p ? strtol(p + 14, NULL, 10) : -1;
}

/* One group's members and meetings of version into group (needs into needs[64]). */
static int load_group(struct store *store, struct school *school, int64_t version, const char *group_id,
                      sqlite3_stmt *members, sqlite3_stmt *meetings, struct group *group, int needs[static 64]) {
        int r = store_bind(store, members, "it", version, group_id);
        while (r >= 0 && (r = store_step(store, members, "load group members")) > 0) {
                if (group->n_needs == 64)
                        continue;
                int student = school_find_student(school, store_column_text(members, 0));
                int need = student < 0 ? -1 : school_find_need(school, student, group->program);
                if (need >= 0)
                        needs[group->n_needs++] = need;
        }
        sqlite3_reset(members);
        sqlite3_clear_bindings(members);
        if (r < 0)
                return r;
        group->needs = needs;
        r = store_bind(store, meetings, "it", version, group_id);
        while (r >= 0 && (r = store_step(store, meetings, "load meetings")) > 0) {
                if (group->n_meetings == MEETINGS_MAX)
                        continue;
                struct meeting *m = &group->meetings[group->n_meetings++];
                m->day = sqlite3_column_int(meetings, 0);
                m->start = sqlite3_column_int(meetings, 1);
                m->end = sqlite3_column_int(meetings, 2);
        }
        sqlite3_reset(meetings);
        sqlite3_clear_bindings(meetings);
        return r;
}

int store_load_schedule(struct store *store, struct school *school, int64_t version,
                        struct schedule **ret_schedule) {
        sqlite3_stmt *head = NULL, *groups = NULL, *members = NULL, *meetings = NULL, *unscheduled = NULL;
        struct schedule *schedule = NULL;
        int r;

        if (version == 0 && (r = store_int(store, 0, &version,
                                           "SELECT coalesce(max(version), 0) FROM schedules WHERE state = 'published'",
                                           "")) < 0)
                return r;
        if (version <= 0)
                return -ENOENT;
        char sql[4][SQL_MAX];
        if ((r = store_query(store, &head, "SELECT metrics, state FROM schedules WHERE version = ?", "i",
                             version)) < 0)
                goto out;
        if ((r = store_step(store, head, "load schedule")) <= 0) {
                if (r == 0)
                        r = -ENOENT;
                goto out;
        }
        const char *t = tables_of(store_column_text(head, 1));
        snprintf(sql[0], SQL_MAX,
                 "SELECT group_id, program_id, staff_id, pinned FROM %sgroups WHERE version = ? ORDER BY position", t);
        snprintf(sql[1], SQL_MAX,
                 "SELECT student_id, program_id FROM %sgroup_members WHERE version = ? AND group_id = ? "
                 "ORDER BY position", t);
        snprintf(sql[2], SQL_MAX,
                 "SELECT day, start, end FROM %smeetings WHERE version = ? AND group_id = ? ORDER BY day", t);
        snprintf(sql[3], SQL_MAX, "SELECT student_id, program_id, reason FROM %sunscheduled WHERE version = ?", t);
        if ((r = store_query(store, &groups, sql[0], "i", version)) < 0 ||
            (r = store_prepare(store, sql[1], &members)) < 0 || (r = store_prepare(store, sql[2], &meetings)) < 0 ||
            (r = store_query(store, &unscheduled, sql[3], "i", version)) < 0)
                goto out;
        schedule = schedule_new(school);
        if (!schedule) {
                r = -ENOMEM;
                goto out;
        }
        schedule->version = version;
        parse_metrics((const char *)sqlite3_column_text(head, 0), &schedule->metrics);

        while ((r = store_step(store, groups, "load groups")) > 0) {
                const char *group_id = store_column_text(groups, 0);
                struct group group = {
                        .program = school_find_program(school, store_column_text(groups, 1)),
                        .staff = school_find_staff(school, store_column_text(groups, 2)),
                        .pinned = sqlite3_column_int(groups, 3) != 0,
                };
                /* A group whose program or interventionist left the data set is gone. */
                if (group.program < 0 || group.staff < 0)
                        continue;
                snprintf(group.id, sizeof group.id, "%s", group_id);
                int needs[64];
                if ((r = load_group(store, school, version, group_id, members, meetings, &group, needs)) < 0)
                        goto out;
                if (group.n_needs == 0)
                        continue;
                if ((r = schedule_add_group(schedule, &group)) < 0)
                        goto out;
        }
        if (r < 0)
                goto out;
        while ((r = store_step(store, unscheduled, "load unscheduled needs")) > 0) {
                int student = school_find_student(school, store_column_text(unscheduled, 0));
                int program = school_find_program(school, store_column_text(unscheduled, 1));
                int need = student < 0 || program < 0 ? -1 : school_find_need(school, student, program);
                if (need >= 0 && (r = schedule_add_unscheduled(schedule, need, store_column_text(unscheduled, 2))) < 0)
                        goto out;
        }
        if (r < 0)
                goto out;
        schedule->metrics.placed = 0;
        for (size_t g = 0; g < schedule->n_groups; g++)
                schedule->metrics.placed += (long)schedule->groups[g].n_needs;
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
        int r = store_run(store,
                          "UPDATE groups SET pinned = ? WHERE group_id = ? AND version = "
                          "(SELECT max(version) FROM schedules WHERE state = 'published')",
                          "dt", pinned, group_id);
        return r == 0 ? -ENOENT : r < 0 ? r : 0;
}

int store_save_what_if_files(struct store *store, int64_t version, const struct import_file *files, size_t n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_prepare(store, "INSERT INTO what_if_files VALUES (?, ?, ?)", &stmt);
        for (size_t i = 0; i < n && r >= 0; i++) {
                if (files[i].size > INT_MAX) {
                        snprintf(store->error, sizeof store->error, "%s is too large to store", files[i].name);
                        r = -EFBIG;
                        break;
                }
                r = store_save_row(store, stmt, "save a what-if's file", "itb", version, files[i].name,
                                   files[i].data ? files[i].data : "", (int)files[i].size);
        }
        sqlite3_finalize(stmt);
        return r < 0 ? r : 0;
}

static void clear_file(void *element) {
        struct import_file *f = element;
        free((char *)f->name);
        free((char *)f->data);
}

static int read_file(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct import_file *f = element;
        (void)store;
        const void *blob = sqlite3_column_blob(stmt, 1);
        size_t size = (size_t)sqlite3_column_bytes(stmt, 1);
        char *name = strdup(store_column_text(stmt, 0)), *data = malloc(size ? size : 1);
        if (!name || !data) {
                free(name);
                free(data);
                return -ENOMEM;
        }
        if (size)
                memcpy(data, blob, size);
        *f = (struct import_file){ .name = name, .data = data, .size = size };
        return 0;
}

int store_load_what_if_files(struct store *store, int64_t version, struct import_file **ret_files, size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt, "SELECT name, data FROM what_if_files WHERE version = ? ORDER BY name", "i",
                            version);
        return r < 0 ? r
                     : store_collect(store, stmt, "load a what-if's files", sizeof **ret_files, read_file,
                                     clear_file, ret_files, ret_n);
}

void store_what_if_files_free(struct import_file *files, size_t n) {
        store_array_free(files, n, sizeof *files, clear_file);
}
