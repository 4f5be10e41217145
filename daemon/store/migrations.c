/* migrations.c: the schema, as forward steps. Step N brings user_version from N-1 to N;
 * a released step is never edited, only followed by a new one. */
#include <errno.h>
#include <stdio.h>

#include "store/migrations.h"
#include "store/store-internal.h"

/* 1: the school data set (DESIGN §3) and schedule versions (§4). Rows of students, staff,
 * programs, teachers and needs are archived, never deleted, so history keeps its keys. */
static const char migration_1[] =
        "CREATE TABLE school ("
        "  id INTEGER PRIMARY KEY CHECK (id = 1),"
        "  name TEXT NOT NULL, timezone TEXT NOT NULL,"
        "  day_start INTEGER NOT NULL, day_end INTEGER NOT NULL,"
        "  term_start TEXT NOT NULL, term_end TEXT NOT NULL,"
        "  transition_minutes INTEGER NOT NULL, imported_at TEXT NOT NULL);"
        "CREATE TABLE teachers ("
        "  teacher_id TEXT PRIMARY KEY, name TEXT NOT NULL, grade INTEGER NOT NULL, email TEXT,"
        "  position INTEGER NOT NULL, archived INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE timetable ("
        "  teacher_id TEXT NOT NULL REFERENCES teachers(teacher_id), days INTEGER NOT NULL,"
        "  start INTEGER NOT NULL, end INTEGER NOT NULL, subject TEXT NOT NULL, activity TEXT,"
        "  policy TEXT NOT NULL, position INTEGER NOT NULL);"
        "CREATE TABLE students ("
        "  student_id TEXT PRIMARY KEY, name TEXT NOT NULL, grade INTEGER NOT NULL,"
        "  teacher_id TEXT NOT NULL REFERENCES teachers(teacher_id),"
        "  position INTEGER NOT NULL, archived INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE services ("
        "  student_id TEXT NOT NULL REFERENCES students(student_id), days INTEGER NOT NULL,"
        "  start INTEGER NOT NULL, end INTEGER NOT NULL, label TEXT, position INTEGER NOT NULL);"
        "CREATE TABLE staff ("
        "  staff_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, email TEXT,"
        "  max_sessions_per_day INTEGER NOT NULL, programs TEXT NOT NULL,"
        "  position INTEGER NOT NULL, archived INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE availability ("
        "  staff_id TEXT NOT NULL REFERENCES staff(staff_id), days INTEGER NOT NULL,"
        "  start INTEGER NOT NULL, end INTEGER NOT NULL, position INTEGER NOT NULL);"
        "CREATE TABLE programs ("
        "  program_id TEXT PRIMARY KEY, name TEXT NOT NULL, area TEXT NOT NULL,"
        "  max_group INTEGER NOT NULL, minutes INTEGER NOT NULL, sessions_per_week INTEGER NOT NULL,"
        "  max_grade_span INTEGER NOT NULL, checklist TEXT NOT NULL,"
        "  position INTEGER NOT NULL, archived INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE needs ("
        "  student_id TEXT NOT NULL REFERENCES students(student_id),"
        "  program_id TEXT NOT NULL REFERENCES programs(program_id),"
        "  tier INTEGER NOT NULL, sessions_per_week INTEGER NOT NULL, minutes INTEGER NOT NULL,"
        "  staff_id TEXT REFERENCES staff(staff_id), level INTEGER NOT NULL,"
        "  position INTEGER NOT NULL, archived INTEGER NOT NULL DEFAULT 0,"
        "  PRIMARY KEY (student_id, program_id));"
        "CREATE TABLE calendar ("
        "  date TEXT NOT NULL, kind TEXT NOT NULL, start INTEGER, end INTEGER, label TEXT,"
        "  position INTEGER NOT NULL);"
        "CREATE TABLE schedules ("
        "  version INTEGER PRIMARY KEY, created_at TEXT NOT NULL, seed INTEGER NOT NULL,"
        "  metrics TEXT NOT NULL);"
        "CREATE TABLE groups ("
        "  version INTEGER NOT NULL REFERENCES schedules(version), group_id TEXT NOT NULL,"
        "  program_id TEXT NOT NULL REFERENCES programs(program_id),"
        "  staff_id TEXT NOT NULL REFERENCES staff(staff_id), pinned INTEGER NOT NULL,"
        "  position INTEGER NOT NULL, PRIMARY KEY (version, group_id));"
        "CREATE TABLE group_members ("
        "  version INTEGER NOT NULL, group_id TEXT NOT NULL,"
        "  student_id TEXT NOT NULL REFERENCES students(student_id),"
        "  program_id TEXT NOT NULL REFERENCES programs(program_id), position INTEGER NOT NULL,"
        "  FOREIGN KEY (version, group_id) REFERENCES groups(version, group_id));"
        "CREATE TABLE meetings ("
        "  version INTEGER NOT NULL, group_id TEXT NOT NULL, day INTEGER NOT NULL,"
        "  start INTEGER NOT NULL, end INTEGER NOT NULL,"
        "  FOREIGN KEY (version, group_id) REFERENCES groups(version, group_id));"
        "CREATE TABLE unscheduled ("
        "  version INTEGER NOT NULL REFERENCES schedules(version),"
        "  student_id TEXT NOT NULL REFERENCES students(student_id),"
        "  program_id TEXT NOT NULL REFERENCES programs(program_id), reason TEXT NOT NULL);"
        "CREATE INDEX group_members_by_version ON group_members(version, group_id);"
        "CREATE INDEX meetings_by_version ON meetings(version, group_id);";

/* 2: progress monitoring (DESIGN §6): scores, goals and changes of intervention. Rows name
 * students by id, so they outlive a re-import that archives the student. Dates are
 * YYYY-MM-DD text; a phase with measure '' applies to every measure of the student. */
static const char migration_progress[] =
        "CREATE TABLE scores ("
        "  score_id INTEGER PRIMARY KEY, student_id TEXT NOT NULL REFERENCES students(student_id),"
        "  measure TEXT NOT NULL, date TEXT NOT NULL, value REAL NOT NULL, entered_at TEXT NOT NULL);"
        "CREATE INDEX scores_by_student ON scores(student_id, measure, date);"
        "CREATE TABLE goals ("
        "  student_id TEXT NOT NULL REFERENCES students(student_id), measure TEXT NOT NULL,"
        "  baseline REAL NOT NULL, target REAL NOT NULL, from_date TEXT NOT NULL, by_date TEXT NOT NULL,"
        "  set_at TEXT NOT NULL, PRIMARY KEY (student_id, measure));"
        "CREATE TABLE phases ("
        "  phase_id INTEGER PRIMARY KEY, student_id TEXT NOT NULL REFERENCES students(student_id),"
        "  measure TEXT NOT NULL, date TEXT NOT NULL, label TEXT NOT NULL, entered_at TEXT NOT NULL);"
        "CREATE INDEX phases_by_student ON phases(student_id, measure, date);";

/* 3: the life of sessions (DESIGN §6). A session row is one dated occurrence; the past is
 * never rewritten: corrections append to session_log, and what fired is in session_events,
 * written in the same transaction as the state change it announces. */
static const char migration_sessions[] =
        "CREATE TABLE sessions ("
        "  session_id TEXT PRIMARY KEY, group_id TEXT NOT NULL, version INTEGER NOT NULL,"
        "  program_id TEXT NOT NULL, staff_id TEXT NOT NULL,"
        "  date TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,"
        "  starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, planned_minutes INTEGER NOT NULL,"
        "  status TEXT NOT NULL DEFAULT 'scheduled'"
        "    CHECK (status IN ('scheduled', 'delivered', 'missed', 'cancelled')),"
        "  minutes INTEGER, fidelity TEXT, fidelity_delivered INTEGER, fidelity_applicable INTEGER,"
        "  note TEXT, reason TEXT, makes_up TEXT, logged_at TEXT, updated_at TEXT NOT NULL);"
        "CREATE INDEX sessions_by_date ON sessions(date, start);"
        "CREATE INDEX sessions_by_start ON sessions(status, starts_at);"
        "CREATE TABLE session_students ("
        "  session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,"
        "  student_id TEXT NOT NULL, present INTEGER,"
        "  PRIMARY KEY (session_id, student_id));"
        "CREATE INDEX session_students_by_student ON session_students(student_id);"
        "CREATE TABLE session_log ("
        "  id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, at TEXT NOT NULL,"
        "  action TEXT NOT NULL, detail TEXT NOT NULL);"
        "CREATE TABLE session_events ("
        "  session_id TEXT NOT NULL, kind TEXT NOT NULL, fired_at TEXT NOT NULL,"
        "  signalled INTEGER NOT NULL, PRIMARY KEY (session_id, kind));"
        "CREATE TABLE alerts ("
        "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL UNIQUE,"
        "  created_at TEXT NOT NULL, session_id TEXT, student_id TEXT, group_id TEXT, staff_id TEXT,"
        "  message TEXT NOT NULL, document TEXT NOT NULL, acked_at TEXT,"
        "  command_state TEXT NOT NULL DEFAULT 'none', command_attempts INTEGER NOT NULL DEFAULT 0,"
        "  command_next_at INTEGER);";

/* 4: feeds (DESIGN §5): a token is kept only as its SHA-256; the static file name for
 * `pullout publish` is a second random secret, since a static host cannot check a hash.
 * feed_series remembers each event's fingerprint so SEQUENCE and LAST-MODIFIED rise exactly
 * when that event changes. */
static const char migration_feeds[] =
        "CREATE TABLE feeds ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  subject_kind TEXT NOT NULL CHECK (subject_kind IN ('teacher', 'staff', 'student', 'group')),"
        "  subject_id TEXT NOT NULL,"
        "  privacy TEXT NOT NULL CHECK (privacy IN ('full', 'initials', 'busy')),"
        "  token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),"
        "  publish_name TEXT NOT NULL UNIQUE,"
        "  created_at TEXT NOT NULL, last_fetched TEXT, revoked_at TEXT,"
        "  changed_at INTEGER NOT NULL DEFAULT 0, etag TEXT NOT NULL DEFAULT '');"
        "CREATE TABLE feed_series ("
        "  feed_id INTEGER NOT NULL REFERENCES feeds(id), uid TEXT NOT NULL,"
        "  fingerprint TEXT NOT NULL, sequence INTEGER NOT NULL, last_modified INTEGER NOT NULL,"
        "  PRIMARY KEY (feed_id, uid));";

/* 5: the timer's queries walk the scheduled sessions in due order and stop at the first. */
static const char migration_due_indexes[] =
        "CREATE INDEX sessions_due_start ON sessions(status, starts_at, session_id);"
        "CREATE INDEX sessions_due_end ON sessions(status, ends_at, session_id);";

/* 6: one alert per cause (DESIGN §6). key is the cause; it is unique among the alerts not yet
 * resolved (a partial index), so a cause that comes back after it resolved opens a new alert and
 * the old one stays as history. count, first_seen and last_seen follow the occurrences;
 * digested_state is the state the last digest reported (NULL: not in a digest yet), and
 * alert_digests the school days a digest was made, so a restart neither repeats nor skips one. The table is
 * rebuilt because sqlite cannot drop the old UNIQUE (key). The alerts of earlier versions were
 * one per occurrence; they are kept as resolved history, and the rules raise each cause that
 * still holds again. */
static const char migration_alert_state[] =
        "CREATE TABLE alerts_by_cause ("
        "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL,"
        "  created_at TEXT NOT NULL, session_id TEXT, student_id TEXT, group_id TEXT, staff_id TEXT,"
        "  message TEXT NOT NULL, document TEXT NOT NULL, acked_at TEXT,"
        "  command_state TEXT NOT NULL DEFAULT 'none', command_attempts INTEGER NOT NULL DEFAULT 0,"
        "  command_next_at INTEGER,"
        "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),"
        "  count INTEGER NOT NULL DEFAULT 1, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,"
        "  resolved_at TEXT, digested_state TEXT);"
        "INSERT INTO alerts_by_cause (id, kind, key, created_at, session_id, student_id, group_id, staff_id,"
        "  message, document, acked_at, command_state, command_attempts, command_next_at, state, first_seen,"
        "  last_seen, resolved_at)"
        "  SELECT id, kind, key, created_at, session_id, student_id, group_id, staff_id, message, document,"
        "  acked_at, command_state, command_attempts, command_next_at, 'resolved', created_at, created_at,"
        "  coalesce(acked_at, created_at) FROM alerts;"
        "DROP TABLE alerts;"
        "ALTER TABLE alerts_by_cause RENAME TO alerts;"
        "CREATE UNIQUE INDEX alerts_open_cause ON alerts(key) WHERE state != 'resolved';"
        "CREATE INDEX alerts_by_state ON alerts(state, id);"
        "CREATE TABLE IF NOT EXISTS alert_digests (day TEXT PRIMARY KEY, at TEXT NOT NULL);";

/* 7: records that can be corrected and sessions that say where the students are (#14). One
 * score per student, measure and date: a second probe on the same day was a typo or a
 * re-import, so the latest entry of each day is kept and the key made unique. A homeroom's
 * room (teachers.csv, optional), so an interventionist knows where to collect whom. */
static const char migration_records[] =
        "DELETE FROM scores WHERE score_id NOT IN"
        "  (SELECT MAX(score_id) FROM scores GROUP BY student_id, measure, date);"
        "CREATE UNIQUE INDEX scores_one_a_day ON scores(student_id, measure, date);"
        "ALTER TABLE teachers ADD COLUMN room TEXT;";

/* 8: schedule versions a person reviews before anyone sees them (DESIGN §4 "Versions"): every
 * solve stores a draft; exactly one version is published. The versions stored before this
 * step were each published when made, so the newest is the published one and the others are
 * superseded. placed and needs are counted when stored; upper_bound stays NULL when the solver
 * gave none. */
static const char migration_versions[] =
        "ALTER TABLE schedules ADD COLUMN state TEXT NOT NULL DEFAULT 'draft'"
        "  CHECK (state IN ('draft', 'published', 'superseded', 'what-if'));"
        "ALTER TABLE schedules ADD COLUMN published_at TEXT;"
        "ALTER TABLE schedules ADD COLUMN effective_from TEXT;"
        "ALTER TABLE schedules ADD COLUMN placed INTEGER;"
        "ALTER TABLE schedules ADD COLUMN needs INTEGER;"
        "ALTER TABLE schedules ADD COLUMN upper_bound INTEGER;"
        "UPDATE schedules SET state = 'superseded', published_at = created_at;"
        "UPDATE schedules SET state = 'published' WHERE version = (SELECT max(version) FROM schedules);"
        "UPDATE schedules SET placed = (SELECT count(*) FROM group_members m WHERE m.version = schedules.version),"
        "  needs = (SELECT count(*) FROM group_members m WHERE m.version = schedules.version)"
        "        + (SELECT count(*) FROM unscheduled u WHERE u.version = schedules.version);"
        "CREATE UNIQUE INDEX schedules_one_published ON schedules(state) WHERE state = 'published';";

/* 9: a what-if version can be read back (#12). Its groups name students, staff and programs of
 * the data set it was solved on, which the stored tables need not hold (their foreign keys
 * would refuse them): they live in tables of their own, beside the what-if's data set as its
 * CSV files, read back to give the groups a school to refer to. */
static const char migration_what_ifs[] =
        "CREATE TABLE what_if_files ("
        "  version INTEGER NOT NULL REFERENCES schedules(version), name TEXT NOT NULL,"
        "  data BLOB NOT NULL, PRIMARY KEY (version, name));"
        "CREATE TABLE what_if_groups ("
        "  version INTEGER NOT NULL REFERENCES schedules(version), group_id TEXT NOT NULL,"
        "  program_id TEXT NOT NULL, staff_id TEXT NOT NULL, pinned INTEGER NOT NULL,"
        "  position INTEGER NOT NULL, PRIMARY KEY (version, group_id));"
        "CREATE TABLE what_if_group_members ("
        "  version INTEGER NOT NULL, group_id TEXT NOT NULL, student_id TEXT NOT NULL,"
        "  program_id TEXT NOT NULL, position INTEGER NOT NULL,"
        "  FOREIGN KEY (version, group_id) REFERENCES what_if_groups(version, group_id));"
        "CREATE TABLE what_if_meetings ("
        "  version INTEGER NOT NULL, group_id TEXT NOT NULL, day INTEGER NOT NULL,"
        "  start INTEGER NOT NULL, end INTEGER NOT NULL,"
        "  FOREIGN KEY (version, group_id) REFERENCES what_if_groups(version, group_id));"
        "CREATE TABLE what_if_unscheduled ("
        "  version INTEGER NOT NULL REFERENCES schedules(version), student_id TEXT NOT NULL,"
        "  program_id TEXT NOT NULL, reason TEXT NOT NULL);"
        "CREATE INDEX what_if_group_members_by_version ON what_if_group_members(version, group_id);"
        "CREATE INDEX what_if_meetings_by_version ON what_if_meetings(version, group_id);";

/* Each step is one schema version, in this order; a released step is never moved or edited. */
static const char *const migrations[] = {
        migration_1,
        migration_progress,
        migration_sessions,
        migration_feeds,
        migration_due_indexes,
        migration_alert_state,
        migration_records,
        migration_versions,
        migration_what_ifs,
};

#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_version(void) {
        return MIGRATION_COUNT;
}

int store_migrate(struct store *store) {
        int64_t stored = 0;
        int r = store_int(store, 0, &stored, "PRAGMA user_version", "");
        if (r < 0)
                return r;
        int version = (int)stored;
        if (version > MIGRATION_COUNT) {
                snprintf(store->error, sizeof store->error,
                         "database schema version %d is newer than this pulloutd understands (%d)",
                         version, MIGRATION_COUNT);
                return -EPROTO;
        }
        store->opened_from_version = version;
        /* A database of an older release is copied before it changes: a migration that goes
         * wrong, or a downgrade, can start again from the copy (pulloutd(8)). */
        if (version > 0 && version < MIGRATION_COUNT && (r = store_backup_before_migration(store, version)) < 0) {
                char detail[sizeof store->error];
                snprintf(detail, sizeof detail, "%s", store->error);
                snprintf(store->error, sizeof store->error,
                         "not migrating schema %d to %d without a copy of the database: %s", version,
                         MIGRATION_COUNT, detail);
                return r;
        }
        for (; version < MIGRATION_COUNT; version++) {
                char bump[64];
                snprintf(bump, sizeof bump, "PRAGMA user_version = %d", version + 1);
                r = store_begin(store);
                if (r < 0)
                        return r;
                r = store_exec(store, migrations[version]);
                if (r >= 0)
                        r = store_exec(store, bump);
                if (r >= 0)
                        r = store_commit(store);
                if (r < 0) {
                        char detail[sizeof store->error];
                        snprintf(detail, sizeof detail, "%s", store->error);
                        snprintf(store->error, sizeof store->error, "migration to schema %d: %s",
                                 version + 1, detail);
                        store_rollback(store);
                        return r;
                }
        }
        return 0;
}
