/* school-store.c: the school data set in the database: saved by an import (upsert by id,
 * archive what left), loaded back into memory at start. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

/* Binds text or NULL. */
static void bind_text(sqlite3_stmt *stmt, int index, const char *text) {
        if (text)
                sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
        else
                sqlite3_bind_null(stmt, index);
}

static int step_done(struct store *store, sqlite3_stmt *stmt, const char *what) {
        int r = sqlite3_step(stmt) == SQLITE_DONE ? 0 : store_fail(store, what);
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        return r;
}

static char *join_checklist(const struct program *program) {
        size_t size = 1;
        for (size_t i = 0; i < program->n_checklist; i++)
                size += strlen(program->checklist[i]) + 1;
        char *text = calloc(1, size);
        if (!text)
                return NULL;
        for (size_t i = 0; i < program->n_checklist; i++) {
                if (i)
                        strcat(text, ";");
                strcat(text, program->checklist[i]);
        }
        return text;
}

static char *join_programs(const struct school *school, const struct staff *staff) {
        size_t size = 1;
        for (size_t i = 0; i < staff->n_programs; i++)
                size += strlen(school->programs[staff->programs[i]].id) + 1;
        char *text = calloc(1, size);
        if (!text)
                return NULL;
        for (size_t i = 0; i < staff->n_programs; i++) {
                if (i)
                        strcat(text, ";");
                strcat(text, school->programs[staff->programs[i]].id);
        }
        return text;
}

/* Statements of one save, prepared once. */
enum {
        SAVE_SCHOOL,
        SAVE_TEACHER,
        SAVE_BLOCK,
        SAVE_STUDENT,
        SAVE_SERVICE,
        SAVE_STAFF,
        SAVE_AVAILABILITY,
        SAVE_PROGRAM,
        SAVE_NEED,
        SAVE_CALENDAR,
        SAVE_COUNT
};

static const char *const save_sql[SAVE_COUNT] = {
        [SAVE_SCHOOL] = "INSERT OR REPLACE INTO school VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
        [SAVE_TEACHER] = "INSERT INTO teachers (teacher_id, name, grade, email, position, archived) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, 0) ON CONFLICT (teacher_id) DO UPDATE SET "
                         "name = ?2, grade = ?3, email = ?4, position = ?5, archived = 0",
        [SAVE_BLOCK] = "INSERT INTO timetable VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [SAVE_STUDENT] = "INSERT INTO students (student_id, name, grade, teacher_id, position, archived) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, 0) ON CONFLICT (student_id) DO UPDATE SET "
                         "name = ?2, grade = ?3, teacher_id = ?4, position = ?5, archived = 0",
        [SAVE_SERVICE] = "INSERT INTO services VALUES (?, ?, ?, ?, ?, ?)",
        [SAVE_STAFF] = "INSERT INTO staff (staff_id, name, role, email, max_sessions_per_day, programs, "
                       "position, archived) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0) "
                       "ON CONFLICT (staff_id) DO UPDATE SET name = ?2, role = ?3, email = ?4, "
                       "max_sessions_per_day = ?5, programs = ?6, position = ?7, archived = 0",
        [SAVE_AVAILABILITY] = "INSERT INTO availability VALUES (?, ?, ?, ?, ?)",
        [SAVE_PROGRAM] = "INSERT INTO programs (program_id, name, area, max_group, minutes, "
                         "sessions_per_week, max_grade_span, checklist, position, archived) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0) ON CONFLICT (program_id) "
                         "DO UPDATE SET name = ?2, area = ?3, max_group = ?4, minutes = ?5, "
                         "sessions_per_week = ?6, max_grade_span = ?7, checklist = ?8, position = ?9, "
                         "archived = 0",
        [SAVE_NEED] = "INSERT INTO needs (student_id, program_id, tier, sessions_per_week, minutes, "
                      "staff_id, level, position, archived) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0) "
                      "ON CONFLICT (student_id, program_id) DO UPDATE SET tier = ?3, "
                      "sessions_per_week = ?4, minutes = ?5, staff_id = ?6, level = ?7, position = ?8, "
                      "archived = 0",
        [SAVE_CALENDAR] = "INSERT INTO calendar VALUES (?, ?, ?, ?, ?, ?)",
};

/* Archive everything first; the upserts bring back what is still in the data set. */
static const char archive_sql[] =
        "UPDATE teachers SET archived = 1; UPDATE students SET archived = 1;"
        "UPDATE staff SET archived = 1; UPDATE programs SET archived = 1;"
        "UPDATE needs SET archived = 1;"
        "DELETE FROM timetable; DELETE FROM services; DELETE FROM availability;"
        "DELETE FROM calendar;";

static int save_rows(struct store *store, const struct school *school, const char *imported_at,
                     sqlite3_stmt **s) {
        const struct school_info *info = &school->info;
        char date[11];
        int r;

        sqlite3_bind_text(s[SAVE_SCHOOL], 1, info->name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s[SAVE_SCHOOL], 2, info->timezone, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s[SAVE_SCHOOL], 3, info->day_start);
        sqlite3_bind_int(s[SAVE_SCHOOL], 4, info->day_end);
        sqlite3_bind_text(s[SAVE_SCHOOL], 5, date_format(info->term_start, date), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s[SAVE_SCHOOL], 6, date_format(info->term_end, date), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s[SAVE_SCHOOL], 7, info->transition_minutes);
        sqlite3_bind_text(s[SAVE_SCHOOL], 8, imported_at, -1, SQLITE_TRANSIENT);
        if ((r = step_done(store, s[SAVE_SCHOOL], "save school")) < 0)
                return r;

        for (size_t i = 0; i < school->n_teachers; i++) {
                const struct teacher *t = &school->teachers[i];
                bind_text(s[SAVE_TEACHER], 1, t->id);
                bind_text(s[SAVE_TEACHER], 2, t->name);
                sqlite3_bind_int(s[SAVE_TEACHER], 3, t->grade);
                bind_text(s[SAVE_TEACHER], 4, t->email);
                sqlite3_bind_int64(s[SAVE_TEACHER], 5, (sqlite3_int64)i);
                if ((r = step_done(store, s[SAVE_TEACHER], "save teacher")) < 0)
                        return r;
        }
        for (size_t i = 0; i < school->n_blocks; i++) {
                const struct block *b = &school->blocks[i];
                bind_text(s[SAVE_BLOCK], 1, school->teachers[b->teacher].id);
                sqlite3_bind_int(s[SAVE_BLOCK], 2, b->days);
                sqlite3_bind_int(s[SAVE_BLOCK], 3, b->start);
                sqlite3_bind_int(s[SAVE_BLOCK], 4, b->end);
                bind_text(s[SAVE_BLOCK], 5, subject_names[b->subject]);
                bind_text(s[SAVE_BLOCK], 6, b->activity);
                bind_text(s[SAVE_BLOCK], 7, policy_names[b->policy]);
                sqlite3_bind_int64(s[SAVE_BLOCK], 8, (sqlite3_int64)i);
                if ((r = step_done(store, s[SAVE_BLOCK], "save timetable block")) < 0)
                        return r;
        }
        for (size_t i = 0; i < school->n_students; i++) {
                const struct student *st = &school->students[i];
                bind_text(s[SAVE_STUDENT], 1, st->id);
                bind_text(s[SAVE_STUDENT], 2, st->name);
                sqlite3_bind_int(s[SAVE_STUDENT], 3, st->grade);
                bind_text(s[SAVE_STUDENT], 4, school->teachers[st->teacher].id);
                sqlite3_bind_int64(s[SAVE_STUDENT], 5, (sqlite3_int64)i);
                if ((r = step_done(store, s[SAVE_STUDENT], "save student")) < 0)
                        return r;
        }
        for (size_t i = 0; i < school->n_services; i++) {
                const struct service *sv = &school->services[i];
                bind_text(s[SAVE_SERVICE], 1, school->students[sv->student].id);
                sqlite3_bind_int(s[SAVE_SERVICE], 2, sv->days);
                sqlite3_bind_int(s[SAVE_SERVICE], 3, sv->start);
                sqlite3_bind_int(s[SAVE_SERVICE], 4, sv->end);
                bind_text(s[SAVE_SERVICE], 5, sv->label);
                sqlite3_bind_int64(s[SAVE_SERVICE], 6, (sqlite3_int64)i);
                if ((r = step_done(store, s[SAVE_SERVICE], "save service")) < 0)
                        return r;
        }
        /* Programs before staff and needs: both refer to them. */
        for (size_t i = 0; i < school->n_programs; i++) {
                const struct program *p = &school->programs[i];
                char *checklist = join_checklist(p);
                if (!checklist)
                        return -ENOMEM;
                bind_text(s[SAVE_PROGRAM], 1, p->id);
                bind_text(s[SAVE_PROGRAM], 2, p->name);
                bind_text(s[SAVE_PROGRAM], 3, area_names[p->area]);
                sqlite3_bind_int(s[SAVE_PROGRAM], 4, p->max_group);
                sqlite3_bind_int(s[SAVE_PROGRAM], 5, p->minutes);
                sqlite3_bind_int(s[SAVE_PROGRAM], 6, p->sessions_per_week);
                sqlite3_bind_int(s[SAVE_PROGRAM], 7, p->max_grade_span);
                bind_text(s[SAVE_PROGRAM], 8, checklist);
                sqlite3_bind_int64(s[SAVE_PROGRAM], 9, (sqlite3_int64)i);
                free(checklist);
                if ((r = step_done(store, s[SAVE_PROGRAM], "save program")) < 0)
                        return r;
        }
        for (size_t i = 0; i < school->n_staff; i++) {
                const struct staff *sf = &school->staff[i];
                char *programs = join_programs(school, sf);
                if (!programs)
                        return -ENOMEM;
                bind_text(s[SAVE_STAFF], 1, sf->id);
                bind_text(s[SAVE_STAFF], 2, sf->name);
                bind_text(s[SAVE_STAFF], 3, role_names[sf->role]);
                bind_text(s[SAVE_STAFF], 4, sf->email);
                sqlite3_bind_int(s[SAVE_STAFF], 5, sf->max_sessions_per_day);
                bind_text(s[SAVE_STAFF], 6, programs);
                sqlite3_bind_int64(s[SAVE_STAFF], 7, (sqlite3_int64)i);
                free(programs);
                if ((r = step_done(store, s[SAVE_STAFF], "save staff")) < 0)
                        return r;
        }
        for (size_t i = 0; i < school->n_availability; i++) {
                const struct availability *a = &school->availability[i];
                bind_text(s[SAVE_AVAILABILITY], 1, school->staff[a->staff].id);
                sqlite3_bind_int(s[SAVE_AVAILABILITY], 2, a->days);
                sqlite3_bind_int(s[SAVE_AVAILABILITY], 3, a->start);
                sqlite3_bind_int(s[SAVE_AVAILABILITY], 4, a->end);
                sqlite3_bind_int64(s[SAVE_AVAILABILITY], 5, (sqlite3_int64)i);
                if ((r = step_done(store, s[SAVE_AVAILABILITY], "save availability")) < 0)
                        return r;
        }
        for (size_t i = 0; i < school->n_needs; i++) {
                const struct need *n = &school->needs[i];
                bind_text(s[SAVE_NEED], 1, school->students[n->student].id);
                bind_text(s[SAVE_NEED], 2, school->programs[n->program].id);
                sqlite3_bind_int(s[SAVE_NEED], 3, n->tier);
                sqlite3_bind_int(s[SAVE_NEED], 4, n->sessions_per_week);
                sqlite3_bind_int(s[SAVE_NEED], 5, n->minutes);
                bind_text(s[SAVE_NEED], 6, n->staff >= 0 ? school->staff[n->staff].id : NULL);
                sqlite3_bind_int(s[SAVE_NEED], 7, n->level);
                sqlite3_bind_int64(s[SAVE_NEED], 8, (sqlite3_int64)i);
                if ((r = step_done(store, s[SAVE_NEED], "save need")) < 0)
                        return r;
        }
        for (size_t i = 0; i < school->n_calendar; i++) {
                const struct calendar_day *c = &school->calendar[i];
                bind_text(s[SAVE_CALENDAR], 1, date_format(c->date, date));
                bind_text(s[SAVE_CALENDAR], 2, calendar_kind_names[c->kind]);
                sqlite3_bind_int(s[SAVE_CALENDAR], 3, c->start);
                sqlite3_bind_int(s[SAVE_CALENDAR], 4, c->end);
                bind_text(s[SAVE_CALENDAR], 5, c->label);
                sqlite3_bind_int64(s[SAVE_CALENDAR], 6, (sqlite3_int64)i);
                if ((r = step_done(store, s[SAVE_CALENDAR], "save calendar day")) < 0)
                        return r;
        }
        return 0;
}

int store_save_school(struct store *store, const struct school *school, const char *imported_at) {
        sqlite3_stmt *stmts[SAVE_COUNT] = { 0 };
        int r = store_exec(store, archive_sql);
        for (int i = 0; r >= 0 && i < SAVE_COUNT; i++)
                r = store_prepare(store, save_sql[i], &stmts[i]);
        if (r >= 0)
                r = save_rows(store, school, imported_at, stmts);
        for (int i = 0; i < SAVE_COUNT; i++)
                sqlite3_finalize(stmts[i]);
        return r;
}

static char *column_text(sqlite3_stmt *stmt, int column) {
        const unsigned char *text = sqlite3_column_text(stmt, column);
        return text ? strdup((const char *)text) : NULL;
}

/* Grows an array by one zeroed element; returns it or NULL. */
static void *append(void **array, size_t *count, size_t size) {
        char *grown = realloc(*array, (*count + 1) * size);
        if (!grown)
                return NULL;
        *array = grown;
        memset(grown + *count * size, 0, size);
        return grown + (*count)++ * size;
}

#define APPEND(array, count) append((void **)&(array), &(count), sizeof *(array))

/* Splits a ';'-joined list. */
static int split_list(const char *text, char ***ret_items, size_t *ret_n) {
        char **items = NULL;
        size_t n = 0;
        if (text && *text) {
                char *copy = strdup(text), *save = NULL;
                if (!copy)
                        return -ENOMEM;
                for (char *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
                        char **slot = APPEND(items, n);
                        if (!slot || !(*slot = strdup(item))) {
                                free(copy);
                                for (size_t i = 0; i < n; i++)
                                        free(items[i]);
                                free(items);
                                return -ENOMEM;
                        }
                }
                free(copy);
        }
        *ret_items = items;
        *ret_n = n;
        return 0;
}

static int load_rows(struct store *store, struct school *school) {
        sqlite3_stmt *stmt = NULL;
        int r, rc;

#define QUERY(sql) do { sqlite3_finalize(stmt); stmt = NULL; if ((r = store_prepare(store, sql, &stmt)) < 0) goto out; } while (0)
#define NOMEM() do { r = -ENOMEM; goto out; } while (0)
        QUERY("SELECT name, timezone, day_start, day_end, term_start, term_end, transition_minutes FROM school");
        if (sqlite3_step(stmt) != SQLITE_ROW) {
                r = -ENOENT;
                goto out;
        }
        school->info.name = column_text(stmt, 0);
        school->info.timezone = column_text(stmt, 1);
        school->info.day_start = sqlite3_column_int(stmt, 2);
        school->info.day_end = sqlite3_column_int(stmt, 3);
        if (date_parse((const char *)sqlite3_column_text(stmt, 4), &school->info.term_start) < 0 ||
            date_parse((const char *)sqlite3_column_text(stmt, 5), &school->info.term_end) < 0) {
                r = -EBADMSG;
                goto out;
        }
        school->info.transition_minutes = sqlite3_column_int(stmt, 6);

        QUERY("SELECT teacher_id, name, grade, email FROM teachers WHERE archived = 0 ORDER BY position");
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct teacher *t = APPEND(school->teachers, school->n_teachers);
                if (!t)
                        NOMEM();
                t->id = column_text(stmt, 0);
                t->name = column_text(stmt, 1);
                t->grade = sqlite3_column_int(stmt, 2);
                t->email = column_text(stmt, 3);
        }
        QUERY("SELECT program_id, name, area, max_group, minutes, sessions_per_week, max_grade_span, checklist "
              "FROM programs WHERE archived = 0 ORDER BY position");
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct program *p = APPEND(school->programs, school->n_programs);
                if (!p)
                        NOMEM();
                p->id = column_text(stmt, 0);
                p->name = column_text(stmt, 1);
                p->area = name_lookup(area_names, (const char *)sqlite3_column_text(stmt, 2));
                p->max_group = sqlite3_column_int(stmt, 3);
                p->minutes = sqlite3_column_int(stmt, 4);
                p->sessions_per_week = sqlite3_column_int(stmt, 5);
                p->max_grade_span = sqlite3_column_int(stmt, 6);
                if ((r = split_list((const char *)sqlite3_column_text(stmt, 7), &p->checklist, &p->n_checklist)) < 0)
                        goto out;
        }
        QUERY("SELECT teacher_id, days, start, end, subject, activity, policy FROM timetable ORDER BY position");
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct block *b = APPEND(school->blocks, school->n_blocks);
                if (!b)
                        NOMEM();
                b->teacher = school_find_teacher(school, (const char *)sqlite3_column_text(stmt, 0));
                b->days = (dayset)sqlite3_column_int(stmt, 1);
                b->start = sqlite3_column_int(stmt, 2);
                b->end = sqlite3_column_int(stmt, 3);
                b->subject = name_lookup(subject_names, (const char *)sqlite3_column_text(stmt, 4));
                b->activity = column_text(stmt, 5);
                b->policy = name_lookup(policy_names, (const char *)sqlite3_column_text(stmt, 6));
        }
        QUERY("SELECT student_id, name, grade, teacher_id FROM students WHERE archived = 0 ORDER BY position");
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct student *st = APPEND(school->students, school->n_students);
                if (!st)
                        NOMEM();
                st->id = column_text(stmt, 0);
                st->name = column_text(stmt, 1);
                st->grade = sqlite3_column_int(stmt, 2);
                st->teacher = school_find_teacher(school, (const char *)sqlite3_column_text(stmt, 3));
        }
        QUERY("SELECT student_id, days, start, end, label FROM services ORDER BY position");
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct service *sv = APPEND(school->services, school->n_services);
                if (!sv)
                        NOMEM();
                sv->student = school_find_student(school, (const char *)sqlite3_column_text(stmt, 0));
                sv->days = (dayset)sqlite3_column_int(stmt, 1);
                sv->start = sqlite3_column_int(stmt, 2);
                sv->end = sqlite3_column_int(stmt, 3);
                sv->label = column_text(stmt, 4);
        }
        QUERY("SELECT staff_id, name, role, email, max_sessions_per_day, programs FROM staff "
              "WHERE archived = 0 ORDER BY position");
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct staff *sf = APPEND(school->staff, school->n_staff);
                if (!sf)
                        NOMEM();
                sf->id = column_text(stmt, 0);
                sf->name = column_text(stmt, 1);
                sf->role = name_lookup(role_names, (const char *)sqlite3_column_text(stmt, 2));
                sf->email = column_text(stmt, 3);
                sf->max_sessions_per_day = sqlite3_column_int(stmt, 4);
                char **ids;
                size_t n_ids;
                if ((r = split_list((const char *)sqlite3_column_text(stmt, 5), &ids, &n_ids)) < 0)
                        goto out;
                sf->programs = n_ids ? calloc(n_ids, sizeof *sf->programs) : NULL;
                for (size_t i = 0; i < n_ids; i++) {
                        if (sf->programs)
                                sf->programs[sf->n_programs++] = school_find_program(school, ids[i]);
                        free(ids[i]);
                }
                free(ids);
                if (n_ids && !sf->programs)
                        NOMEM();
        }
        QUERY("SELECT staff_id, days, start, end FROM availability ORDER BY position");
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct availability *a = APPEND(school->availability, school->n_availability);
                if (!a)
                        NOMEM();
                a->staff = school_find_staff(school, (const char *)sqlite3_column_text(stmt, 0));
                a->days = (dayset)sqlite3_column_int(stmt, 1);
                a->start = sqlite3_column_int(stmt, 2);
                a->end = sqlite3_column_int(stmt, 3);
        }
        QUERY("SELECT student_id, program_id, tier, sessions_per_week, minutes, staff_id, level FROM needs "
              "WHERE archived = 0 ORDER BY position");
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct need *n = APPEND(school->needs, school->n_needs);
                if (!n)
                        NOMEM();
                n->student = school_find_student(school, (const char *)sqlite3_column_text(stmt, 0));
                n->program = school_find_program(school, (const char *)sqlite3_column_text(stmt, 1));
                n->tier = sqlite3_column_int(stmt, 2);
                n->sessions_per_week = sqlite3_column_int(stmt, 3);
                n->minutes = sqlite3_column_int(stmt, 4);
                n->staff = sqlite3_column_type(stmt, 5) == SQLITE_NULL
                                   ? -1
                                   : school_find_staff(school, (const char *)sqlite3_column_text(stmt, 5));
                n->level = sqlite3_column_int(stmt, 6);
        }
        QUERY("SELECT date, kind, start, end, label FROM calendar ORDER BY position");
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct calendar_day *c = APPEND(school->calendar, school->n_calendar);
                if (!c)
                        NOMEM();
                if (date_parse((const char *)sqlite3_column_text(stmt, 0), &c->date) < 0) {
                        r = -EBADMSG;
                        goto out;
                }
                c->kind = name_lookup(calendar_kind_names, (const char *)sqlite3_column_text(stmt, 1));
                c->start = sqlite3_column_int(stmt, 2);
                c->end = sqlite3_column_int(stmt, 3);
                c->label = column_text(stmt, 4);
        }
        r = 0;
out:
        sqlite3_finalize(stmt);
        return r;
#undef QUERY
#undef NOMEM
}

/* A loaded school must be as consistent as an imported one: every index resolved. */
static bool school_resolved(const struct school *s) {
        for (size_t i = 0; i < s->n_blocks; i++)
                if (s->blocks[i].teacher < 0 || (int)s->blocks[i].subject < 0 || (int)s->blocks[i].policy < 0)
                        return false;
        for (size_t i = 0; i < s->n_students; i++)
                if (s->students[i].teacher < 0)
                        return false;
        for (size_t i = 0; i < s->n_services; i++)
                if (s->services[i].student < 0)
                        return false;
        for (size_t i = 0; i < s->n_staff; i++) {
                if ((int)s->staff[i].role < 0)
                        return false;
                for (size_t j = 0; j < s->staff[i].n_programs; j++)
                        if (s->staff[i].programs[j] < 0)
                                return false;
        }
        for (size_t i = 0; i < s->n_availability; i++)
                if (s->availability[i].staff < 0)
                        return false;
        for (size_t i = 0; i < s->n_programs; i++)
                if ((int)s->programs[i].area < 0)
                        return false;
        for (size_t i = 0; i < s->n_needs; i++)
                if (s->needs[i].student < 0 || s->needs[i].program < 0)
                        return false;
        for (size_t i = 0; i < s->n_calendar; i++)
                if ((int)s->calendar[i].kind < 0)
                        return false;
        return true;
}

int store_load_school(struct store *store, struct school **ret_school) {
        struct school *school = school_new();
        if (!school)
                return -ENOMEM;
        int r = load_rows(store, school);
        if (r >= 0 && !school_resolved(school)) {
                snprintf(store->error, sizeof store->error, "stored data set refers to missing records");
                r = -EBADMSG;
        }
        if (r < 0) {
                school_unref(school);
                return r;
        }
        *ret_school = school;
        return 0;
}

static long count_rows(struct store *store, const char *sql) {
        sqlite3_stmt *stmt;
        long n = -1;
        if (store_prepare(store, sql, &stmt) < 0)
                return -1;
        if (sqlite3_step(stmt) == SQLITE_ROW)
                n = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return n;
}

int store_count(struct store *store, struct store_counts *ret_counts) {
        struct store_counts c;
        c.teachers = count_rows(store, "SELECT count(*) FROM teachers WHERE archived = 0");
        c.students = count_rows(store, "SELECT count(*) FROM students WHERE archived = 0");
        c.archived_students = count_rows(store, "SELECT count(*) FROM students WHERE archived = 1");
        c.staff = count_rows(store, "SELECT count(*) FROM staff WHERE archived = 0");
        c.programs = count_rows(store, "SELECT count(*) FROM programs WHERE archived = 0");
        c.needs = count_rows(store, "SELECT count(*) FROM needs WHERE archived = 0");
        c.blocks = count_rows(store, "SELECT count(*) FROM timetable");
        c.services = count_rows(store, "SELECT count(*) FROM services");
        c.availability = count_rows(store, "SELECT count(*) FROM availability");
        c.calendar = count_rows(store, "SELECT count(*) FROM calendar");
        c.schedule_version = count_rows(store, "SELECT coalesce(max(version), 0) FROM schedules");
        if (c.teachers < 0 || c.students < 0 || c.schedule_version < 0 || c.calendar < 0)
                return -EIO;
        *ret_counts = c;
        return 0;
}
