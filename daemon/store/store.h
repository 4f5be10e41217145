/* store.h: pullout's only store, one sqlite3 database in WAL mode. Every change is one
 * transaction; the schema version lives in PRAGMA user_version with forward migrations. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "model/schedule.h"
#include "model/school.h"

/* The database connection and the detail of its last failure (store-internal.h). Only the
 * files of daemon/store/ know it is sqlite. */
struct store;

struct store_counts {
        long teachers, students, staff, programs, needs, blocks, services, availability, calendar;
        long archived_students;
        int64_t schedule_version; /* 0: never solved */
};

/* The longest the loop's connection waits for another program's write lock before a change
 * fails with "database is locked": the event loop never waits longer than 100 ms. */
#define STORE_BUSY_TIMEOUT_MS 50
/* Copies kept before schema migrations, in the folder "backups" beside the database. */
#define STORE_MIGRATION_BACKUPS_KEPT 3
#define STORE_BACKUP_FOLDER "backups"

/* Opens (creating it and its migrations) the database at path. Before migrating a database
 * of an older schema it keeps a copy in STORE_BACKUP_FOLDER beside it (and no more than
 * STORE_MIGRATION_BACKUPS_KEPT of them); when that copy cannot be made nothing is migrated.
 * -errno; the reason in *ret_error (malloc'd) when ret_error is not NULL. */
int store_open(const char *path, struct store **ret_store, char **ret_error);
struct store *store_close(struct store *store);
/* The schema version this build writes. */
int store_schema_version(void);
/* What store_open found and did: the schema version the file had (0: new or empty) and the
 * copy kept before migrating it (NULL: none was needed). */
void store_opened(const struct store *store, int *ret_from_version, const char **ret_migration_backup);
/* Whether the open file is still the database at its path: -EIO, said in store_error(), when
 * it was deleted or replaced under pulloutd. Every change checks this before it starts and
 * again as it commits, and is refused when so. */
int store_check_file(struct store *store);

/* A consistent copy of the live database (sqlite's online backup API, from the store's own
 * connection, so changes made meanwhile are carried into the copy and a database file that
 * was deleted under pulloutd is still copied from the open file). Steps run on the loop;
 * store_backup_finish may run on another thread, the copy being no longer tied to the store. */
struct store_backup;
int store_backup_start(struct store *store, struct store_backup **ret_backup);
/* Copies up to pages more pages: 1 when some remain, 0 when the copy is complete, -errno. */
int store_backup_step(struct store_backup *backup, int pages);
/* Checks the completed copy (PRAGMA integrity_check) and gives its bytes, a database file
 * valid until store_backup_free(). -EIO when the check fails. */
int store_backup_finish(struct store_backup *backup, const void **ret_data, size_t *ret_size);
/* The copy's schema version and page count, once finished. */
int store_backup_schema_version(const struct store_backup *backup);
/* The detail of the backup's last failure, in sqlite's words. */
const char *store_backup_error(const struct store_backup *backup);
struct store_backup *store_backup_free(struct store_backup *backup);

int store_begin(struct store *store);
int store_commit(struct store *store);
void store_rollback(struct store *store);
/* Runs one SQL text with no result (tests and migrations). */
int store_exec(struct store *store, const char *sql);
/* The detail of the last failure, in sqlite's own words, for the caller to log or return. */
const char *store_error(const struct store *store);

/* Frees an array of n malloc'd strings as the store returns them. Accepts NULL. */
void store_strings_free(char **strings, size_t n);

/* Replaces the data set inside the caller's transaction: upserts by id, archives what left. */
int store_save_school(struct store *store, const struct school *school, const char *imported_at);
/* Loads the current (not archived) data set. -ENOENT when nothing was imported. */
int store_load_school(struct store *store, struct school **ret_school);
int store_count(struct store *store, struct store_counts *ret_counts);

/* Stores schedule as a new version in state ("draft", "what-if"; "published" only through
 * store_version_publish) inside the caller's transaction; sets schedule->version. A what-if's
 * groups go to tables of their own: they name the ids of the data set it was solved on, which
 * the caller stores beside them (store_save_what_if_files). */
int store_save_schedule(struct store *store, struct schedule *schedule, const char *created_at,
                        unsigned seed, const char *state);
/* Loads version (0: the published one) against school, mapping ids to school's indices; members or
 * staff that are no longer in the school are dropped. -ENOENT when there is none. A what-if is
 * read from its own tables: load it against the school its files give. */
int store_load_schedule(struct store *store, struct school *school, int64_t version,
                        struct schedule **ret_schedule);
/* The data set a what-if version was solved on, as its CSV files (import_school reads them),
 * inside the caller's transaction; and read back (none for a what-if stored before #12's
 * migration). Files from load are malloc'd, name and data: free with store_what_if_files_free. */
struct import_file;
int store_save_what_if_files(struct store *store, int64_t version, const struct import_file *files, size_t n);
int store_load_what_if_files(struct store *store, int64_t version, struct import_file **ret_files, size_t *ret_n);
void store_what_if_files_free(struct import_file *files, size_t n);
/* Sets or clears a group's pin in the published version (in place: pins are not a new version). */
int store_set_pinned(struct store *store, const char *group_id, int pinned);
