/* school-store.c: the school data set in the database: saved by an import (upsert by id,
 * archive what left), loaded back into memory at start. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-internal.h"

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
        [SAVE_TEACHER] = "INSERT INTO teachers (teacher_id, name, grade, email, position, archived, room) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6) ON CONFLICT (teacher_id) DO UPDATE SET "
                         "name = ?2, grade = ?3, email = ?4, position = ?5, archived = 0, room = ?6",
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
        char start[11], end[11];
        int r = store_save_row(store, s[SAVE_SCHOOL], "save school", "ttddttdt", info->name, info->timezone,
                               info->day_start, info->day_end, date_format(info->term_start, start),
                               date_format(info->term_end, end), info->transition_minutes, imported_at);
        for (size_t i = 0; r >= 0 && i < school->n_teachers; i++) {
                const struct teacher *t = &school->teachers[i];
                r = store_save_row(store, s[SAVE_TEACHER], "save teacher", "ttdtit", t->id, t->name, t->grade, t->email,
                                   (int64_t)i, t->room);
        }
        for (size_t i = 0; r >= 0 && i < school->n_blocks; i++) {
                const struct block *b = &school->blocks[i];
                r = store_save_row(store, s[SAVE_BLOCK], "save timetable block", "tdddttti", school->teachers[b->teacher].id,
                                   (int)b->days, b->start, b->end, subject_names[b->subject], b->activity,
                                   policy_names[b->policy], (int64_t)i);
        }
        for (size_t i = 0; r >= 0 && i < school->n_students; i++) {
                const struct student *st = &school->students[i];
                r = store_save_row(store, s[SAVE_STUDENT], "save student", "ttdti", st->id, st->name, st->grade,
                                   school->teachers[st->teacher].id, (int64_t)i);
        }
        for (size_t i = 0; r >= 0 && i < school->n_services; i++) {
                const struct service *sv = &school->services[i];
                r = store_save_row(store, s[SAVE_SERVICE], "save service", "tdddti", school->students[sv->student].id,
                                   (int)sv->days, sv->start, sv->end, sv->label, (int64_t)i);
        }
        /* Programs before staff and needs: both refer to them. */
        for (size_t i = 0; r >= 0 && i < school->n_programs; i++) {
                const struct program *p = &school->programs[i];
                char *checklist = join_checklist(p);
                if (!checklist)
                        return -ENOMEM;
                r = store_save_row(store, s[SAVE_PROGRAM], "save program", "tttddddti", p->id, p->name, area_names[p->area],
                                   p->max_group, p->minutes, p->sessions_per_week, p->max_grade_span, checklist, (int64_t)i);
                free(checklist);
        }
        for (size_t i = 0; r >= 0 && i < school->n_staff; i++) {
                const struct staff *sf = &school->staff[i];
                char *programs = join_programs(school, sf);
                if (!programs)
                        return -ENOMEM;
                r = store_save_row(store, s[SAVE_STAFF], "save staff", "ttttdti", sf->id, sf->name, role_names[sf->role],
                                   sf->email, sf->max_sessions_per_day, programs, (int64_t)i);
                free(programs);
        }
        for (size_t i = 0; r >= 0 && i < school->n_availability; i++) {
                const struct availability *a = &school->availability[i];
                r = store_save_row(store, s[SAVE_AVAILABILITY], "save availability", "tdddi", school->staff[a->staff].id,
                                   (int)a->days, a->start, a->end, (int64_t)i);
        }
        for (size_t i = 0; r >= 0 && i < school->n_needs; i++) {
                const struct need *n = &school->needs[i];
                r = store_save_row(store, s[SAVE_NEED], "save need", "ttdddtdi", school->students[n->student].id,
                                   school->programs[n->program].id, n->tier, n->sessions_per_week, n->minutes,
                                   n->staff >= 0 ? school->staff[n->staff].id : NULL, n->level, (int64_t)i);
        }
        for (size_t i = 0; r >= 0 && i < school->n_calendar; i++) {
                const struct calendar_day *c = &school->calendar[i];
                char date[11];
                r = store_save_row(store, s[SAVE_CALENDAR], "save calendar day", "ttddti", date_format(c->date, date),
                                   calendar_kind_names[c->kind], c->start, c->end, c->label, (int64_t)i);
        }
        return r;
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

/* Copies of a row's text columns, each may be NULL; 0 or -ENOMEM. */
static int texts(sqlite3_stmt *stmt, int first, char **a, char **b) {
        int r = store_column_strdup(stmt, first, a);
        if (r >= 0 && b)
                r = store_column_strdup(stmt, first + 1, b);
        return r;
}

/* Every table of the data set, in an order that lets each row resolve its references. A step
 * that fails anywhere is an error: a school is loaded whole or not at all. */
static int load_rows(struct store *store, struct school *school) {
        sqlite3_stmt *stmt = NULL;
        int r;

#define QUERY(sql) do { sqlite3_finalize(stmt); stmt = NULL; if ((r = store_prepare(store, sql, &stmt)) < 0) goto out; } while (0)
#define ROWS(what) while ((r = store_step(store, stmt, what)) > 0)
#define CHECK(call) do { if ((r = (call)) < 0) goto out; } while (0)
#define NOMEM() do { r = -ENOMEM; goto out; } while (0)
        QUERY("SELECT name, timezone, day_start, day_end, term_start, term_end, transition_minutes FROM school");
        CHECK(store_step(store, stmt, "load school"));
        if (r == 0) {
                r = -ENOENT;
                goto out;
        }
        CHECK(texts(stmt, 0, &school->info.name, &school->info.timezone));
        school->info.day_start = sqlite3_column_int(stmt, 2);
        school->info.day_end = sqlite3_column_int(stmt, 3);
        if (date_parse(store_column_text(stmt, 4), &school->info.term_start) < 0 ||
            date_parse(store_column_text(stmt, 5), &school->info.term_end) < 0) {
                r = -EBADMSG;
                goto out;
        }
        school->info.transition_minutes = sqlite3_column_int(stmt, 6);

        QUERY("SELECT teacher_id, name, grade, email, room FROM teachers WHERE archived = 0 ORDER BY position");
        ROWS("load teachers") {
                struct teacher *t = APPEND(school->teachers, school->n_teachers);
                if (!t)
                        NOMEM();
                CHECK(texts(stmt, 0, &t->id, &t->name));
                t->grade = sqlite3_column_int(stmt, 2);
                CHECK(store_column_strdup(stmt, 3, &t->email));
                CHECK(store_column_strdup(stmt, 4, &t->room));
        }
        CHECK(r);
        QUERY("SELECT program_id, name, area, max_group, minutes, sessions_per_week, max_grade_span, checklist "
              "FROM programs WHERE archived = 0 ORDER BY position");
        ROWS("load programs") {
                struct program *p = APPEND(school->programs, school->n_programs);
                if (!p)
                        NOMEM();
                CHECK(texts(stmt, 0, &p->id, &p->name));
                p->area = name_lookup(area_names, store_column_text(stmt, 2));
                p->max_group = sqlite3_column_int(stmt, 3);
                p->minutes = sqlite3_column_int(stmt, 4);
                p->sessions_per_week = sqlite3_column_int(stmt, 5);
                p->max_grade_span = sqlite3_column_int(stmt, 6);
                CHECK(split_list(store_column_text(stmt, 7), &p->checklist, &p->n_checklist));
        }
        CHECK(r);
        QUERY("SELECT teacher_id, days, start, end, subject, activity, policy FROM timetable ORDER BY position");
        ROWS("load timetable") {
                struct block *b = APPEND(school->blocks, school->n_blocks);
                if (!b)
                        NOMEM();
                b->teacher = school_find_teacher(school, store_column_text(stmt, 0));
                b->days = (dayset)sqlite3_column_int(stmt, 1);
                b->start = sqlite3_column_int(stmt, 2);
                b->end = sqlite3_column_int(stmt, 3);
                b->subject = name_lookup(subject_names, store_column_text(stmt, 4));
                CHECK(store_column_strdup(stmt, 5, &b->activity));
                b->policy = name_lookup(policy_names, store_column_text(stmt, 6));
        }
        CHECK(r);
        QUERY("SELECT student_id, name, grade, teacher_id FROM students WHERE archived = 0 ORDER BY position");
        ROWS("load students") {
                struct student *st = APPEND(school->students, school->n_students);
                if (!st)
                        NOMEM();
                CHECK(texts(stmt, 0, &st->id, &st->name));
                st->grade = sqlite3_column_int(stmt, 2);
                st->teacher = school_find_teacher(school, store_column_text(stmt, 3));
        }
        CHECK(r);
        QUERY("SELECT student_id, days, start, end, label FROM services ORDER BY position");
        ROWS("load services") {
                struct service *sv = APPEND(school->services, school->n_services);
                if (!sv)
                        NOMEM();
                sv->student = school_find_student(school, store_column_text(stmt, 0));
                sv->days = (dayset)sqlite3_column_int(stmt, 1);
                sv->start = sqlite3_column_int(stmt, 2);
                sv->end = sqlite3_column_int(stmt, 3);
                CHECK(store_column_strdup(stmt, 4, &sv->label));
        }
        CHECK(r);
        QUERY("SELECT staff_id, name, role, email, max_sessions_per_day, programs FROM staff "
              "WHERE archived = 0 ORDER BY position");
        ROWS("load staff") {
                struct staff *sf = APPEND(school->staff, school->n_staff);
                if (!sf)
                        NOMEM();
                CHECK(texts(stmt, 0, &sf->id, &sf->name));
                sf->role = name_lookup(role_names, store_column_text(stmt, 2));
                CHECK(store_column_strdup(stmt, 3, &sf->email));
                sf->max_sessions_per_day = sqlite3_column_int(stmt, 4);
                char **ids;
                size_t n_ids;
                CHECK(split_list(store_column_text(stmt, 5), &ids, &n_ids));
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
        CHECK(r);
        QUERY("SELECT staff_id, days, start, end FROM availability ORDER BY position");
        ROWS("load availability") {
                struct availability *a = APPEND(school->availability, school->n_availability);
                if (!a)
                        NOMEM();
                a->staff = school_find_staff(school, store_column_text(stmt, 0));
                a->days = (dayset)sqlite3_column_int(stmt, 1);
                a->start = sqlite3_column_int(stmt, 2);
                a->end = sqlite3_column_int(stmt, 3);
        }
        CHECK(r);
        QUERY("SELECT student_id, program_id, tier, sessions_per_week, minutes, staff_id, level FROM needs "
              "WHERE archived = 0 ORDER BY position");
        ROWS("load needs") {
                struct need *n = APPEND(school->needs, school->n_needs);
                if (!n)
                        NOMEM();
                n->student = school_find_student(school, store_column_text(stmt, 0));
                n->program = school_find_program(school, store_column_text(stmt, 1));
                n->tier = sqlite3_column_int(stmt, 2);
                n->sessions_per_week = sqlite3_column_int(stmt, 3);
                n->minutes = sqlite3_column_int(stmt, 4);
                n->staff = store_column_null(stmt, 5) ? -1 : school_find_staff(school, store_column_text(stmt, 5));
                n->level = sqlite3_column_int(stmt, 6);
        }
        CHECK(r);
        QUERY("SELECT date, kind, start, end, label FROM calendar ORDER BY position");
        ROWS("load calendar") {
                struct calendar_day *c = APPEND(school->calendar, school->n_calendar);
                if (!c)
                        NOMEM();
                if (date_parse(store_column_text(stmt, 0), &c->date) < 0) {
                        r = -EBADMSG;
                        goto out;
                }
                c->kind = name_lookup(calendar_kind_names, store_column_text(stmt, 1));
                c->start = sqlite3_column_int(stmt, 2);
                c->end = sqlite3_column_int(stmt, 3);
                CHECK(store_column_strdup(stmt, 4, &c->label));
        }
        CHECK(r);
        r = 0;
out:
        sqlite3_finalize(stmt);
        return r;
#undef QUERY
#undef ROWS
#undef CHECK
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

int store_count(struct store *store, struct store_counts *ret_counts) {
        static const char *const sql[] = {
                "SELECT count(*) FROM teachers WHERE archived = 0",
                "SELECT count(*) FROM students WHERE archived = 0",
                "SELECT count(*) FROM students WHERE archived = 1",
                "SELECT count(*) FROM staff WHERE archived = 0",
                "SELECT count(*) FROM programs WHERE archived = 0",
                "SELECT count(*) FROM needs WHERE archived = 0",
                "SELECT count(*) FROM timetable",
                "SELECT count(*) FROM services",
                "SELECT count(*) FROM availability",
                "SELECT count(*) FROM calendar",
                "SELECT coalesce(max(version), 0) FROM schedules WHERE state = 'published'",
        };
        int64_t n[sizeof sql / sizeof sql[0]];
        for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
                int r = store_int(store, 0, &n[i], sql[i], "");
                if (r < 0)
                        return r;
        }
        *ret_counts = (struct store_counts){
                .teachers = n[0], .students = n[1], .archived_students = n[2], .staff = n[3], .programs = n[4],
                .needs = n[5], .blocks = n[6], .services = n[7], .availability = n[8], .calendar = n[9],
                .schedule_version = n[10],
        };
        return 0;
}
