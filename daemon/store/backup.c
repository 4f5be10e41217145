/* backup.c: copies of the live database with sqlite's online backup API: into memory for
 * `pullout backup` (stepped on the loop, checked and handed out off it), and into a file
 * beside the database before a schema migration. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/store-internal.h"

struct store_backup {
        sqlite3 *copy; /* an in-memory database, the copy */
        sqlite3_backup *job; /* NULL once the copy is complete */
        unsigned char *bytes; /* the copy as a database file, from sqlite3_serialize */
        sqlite3_int64 size;
        int schema_version;
        char error[512];
};

static int backup_fail(struct store_backup *backup, int code, const char *what) {
        snprintf(backup->error, sizeof backup->error, "%s: %s", what,
                 backup->copy ? sqlite3_errmsg(backup->copy) : sqlite3_errstr(code));
        return (code & 0xff) == SQLITE_NOMEM ? -ENOMEM : -EIO;
}

int store_backup_start(struct store *store, struct store_backup **ret_backup) {
        struct store_backup *backup = calloc(1, sizeof *backup);
        if (!backup)
                return -ENOMEM;
        int code = sqlite3_open_v2(":memory:", &backup->copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
        if (code != SQLITE_OK) {
                int r = backup_fail(backup, code, "cannot open the copy");
                snprintf(store->error, sizeof store->error, "%s", backup->error);
                store_backup_free(backup);
                return r;
        }
        backup->job = sqlite3_backup_init(backup->copy, "main", store->db, "main");
        if (!backup->job) {
                int r = backup_fail(backup, sqlite3_errcode(backup->copy), "cannot start the copy");
                snprintf(store->error, sizeof store->error, "%s", backup->error);
                store_backup_free(backup);
                return r;
        }
        *ret_backup = backup;
        return 0;
}

int store_backup_step(struct store_backup *backup, int pages) {
        if (!backup->job)
                return 0;
        int code = sqlite3_backup_step(backup->job, pages);
        if (code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED)
                return 1; /* more to copy; a lock held elsewhere is waited out on the next step */
        int finish = sqlite3_backup_finish(backup->job);
        backup->job = NULL;
        if (code != SQLITE_DONE)
                return backup_fail(backup, code, "copying the database");
        if (finish != SQLITE_OK)
                return backup_fail(backup, finish, "copying the database");
        return 0;
}

static int integrity_check(struct store_backup *backup) {
        sqlite3_stmt *stmt = NULL;
        int code = sqlite3_prepare_v2(backup->copy, "PRAGMA integrity_check", -1, &stmt, NULL);
        if (code != SQLITE_OK)
                return backup_fail(backup, code, "checking the copy");
        code = sqlite3_step(stmt);
        const unsigned char *verdict = code == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : NULL;
        int r = 0;
        if (code != SQLITE_ROW)
                r = backup_fail(backup, code, "checking the copy");
        else if (!verdict || strcmp((const char *)verdict, "ok") != 0) {
                snprintf(backup->error, sizeof backup->error, "the copy failed its integrity check: %s",
                         verdict ? (const char *)verdict : "(no answer)");
                r = -EIO;
        }
        sqlite3_finalize(stmt);
        if (r < 0)
                return r;
        code = sqlite3_prepare_v2(backup->copy, "PRAGMA user_version", -1, &stmt, NULL);
        if (code != SQLITE_OK)
                return backup_fail(backup, code, "reading the copy's schema version");
        if (sqlite3_step(stmt) == SQLITE_ROW)
                backup->schema_version = sqlite3_column_int(stmt, 0);
        sqlite3_finalize(stmt);
        return 0;
}

int store_backup_finish(struct store_backup *backup, const void **ret_data, size_t *ret_size) {
        if (backup->job) {
                snprintf(backup->error, sizeof backup->error, "the copy is not complete");
                return -EINVAL;
        }
        if (!backup->bytes) {
                int r = integrity_check(backup);
                if (r < 0)
                        return r;
                backup->bytes = sqlite3_serialize(backup->copy, "main", &backup->size, 0);
                if (!backup->bytes || backup->size < 100) {
                        snprintf(backup->error, sizeof backup->error, "out of memory for the copy's bytes");
                        return -ENOMEM;
                }
                /* The header's file format bytes say WAL, as the live database is: a copy in
                 * rollback-journal format opens anywhere, read-only media too, and pulloutd
                 * turns WAL on again when it opens a restored copy. */
                backup->bytes[18] = 1;
                backup->bytes[19] = 1;
        }
        *ret_data = backup->bytes;
        *ret_size = (size_t)backup->size;
        return 0;
}

int store_backup_schema_version(const struct store_backup *backup) {
        return backup->schema_version;
}

const char *store_backup_error(const struct store_backup *backup) {
        return backup ? backup->error : "no backup";
}

struct store_backup *store_backup_free(struct store_backup *backup) {
        if (!backup)
                return NULL;
        if (backup->job)
                sqlite3_backup_finish(backup->job);
        sqlite3_free(backup->bytes);
        sqlite3_close(backup->copy);
        free(backup);
        return NULL;
}

/* ---- before a migration ---------------------------------------------------------------- */

/* The folder of path's database, and its file name. */
static int split_path(const char *path, char folder[static PATH_MAX], char name[static NAME_MAX + 1]) {
        const char *slash = strrchr(path, '/');
        int n = slash ? snprintf(folder, PATH_MAX, "%.*s", (int)(slash - path), path) : snprintf(folder, PATH_MAX, ".");
        if (n < 0 || n >= PATH_MAX || snprintf(name, NAME_MAX + 1, "%s", slash ? slash + 1 : path) > NAME_MAX)
                return -ENAMETOOLONG;
        if (!folder[0])
                snprintf(folder, PATH_MAX, "/");
        return 0;
}

/* Copies made before migrations of this database, beyond the newest kept, are removed. Their
 * names sort by time: NAME-schemaN-YYYYMMDDTHHMMSSZ.db. */
static void prune(const char *folder, const char *prefix) {
        DIR *dir = opendir(folder);
        if (!dir)
                return;
        char *names[64];
        size_t n = 0;
        struct dirent *entry;
        while ((entry = readdir(dir)) && n < sizeof names / sizeof names[0])
                if (strncmp(entry->d_name, prefix, strlen(prefix)) == 0 && (names[n] = strdup(entry->d_name)))
                        n++;
        closedir(dir);
        /* Newest first: the time stamp follows the schema number, so compare from there. */
        for (size_t i = 1; i < n; i++)
                for (size_t k = i; k > 0; k--) {
                        const char *a = strrchr(names[k - 1], '-'), *b = strrchr(names[k], '-');
                        if (!a || !b || strcmp(a, b) >= 0)
                                break;
                        char *swap = names[k - 1];
                        names[k - 1] = names[k];
                        names[k] = swap;
                }
        for (size_t i = 0; i < n; i++) {
                if (i >= STORE_MIGRATION_BACKUPS_KEPT) {
                        char path[PATH_MAX];
                        if (snprintf(path, sizeof path, "%s/%s", folder, names[i]) < (int)sizeof path)
                                remove(path);
                }
                free(names[i]);
        }
}

int store_backup_before_migration(struct store *store, int from_version) {
        char folder[PATH_MAX], name[NAME_MAX + 1], backups[PATH_MAX], path[PATH_MAX], prefix[NAME_MAX + 32];
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        sqlite3 *copy = NULL;
        int r = split_path(store->path, folder, name);
        if (r < 0) {
                snprintf(store->error, sizeof store->error, "the database's path is too long");
                return r;
        }
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
        /* pullout.db -> pullout-schema5-...db */
        char *dot = strrchr(name, '.');
        if (dot && dot != name)
                *dot = '\0';
        snprintf(prefix, sizeof prefix, "%s-schema", name);
        if (snprintf(backups, sizeof backups, "%s/%s", folder, STORE_BACKUP_FOLDER) >= (int)sizeof backups ||
            snprintf(path, sizeof path, "%s/%s%d-%s.db", backups, prefix, from_version, stamp) >= (int)sizeof path) {
                snprintf(store->error, sizeof store->error, "the database's path is too long");
                return -ENAMETOOLONG;
        }
        if (mkdir(backups, 0700) < 0 && errno != EEXIST) {
                r = -errno;
                snprintf(store->error, sizeof store->error, "cannot create %s: %s", backups, strerror(errno));
                return r;
        }
        int code = sqlite3_open_v2(path, &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
        sqlite3_backup *job = code == SQLITE_OK ? sqlite3_backup_init(copy, "main", store->db, "main") : NULL;
        if (job) {
                code = sqlite3_backup_step(job, -1);
                int finish = sqlite3_backup_finish(job);
                if (code == SQLITE_DONE)
                        code = finish;
        } else if (code == SQLITE_OK) {
                code = sqlite3_errcode(copy);
        }
        if (code != SQLITE_OK && code != SQLITE_DONE) {
                snprintf(store->error, sizeof store->error, "cannot write %s: %s", path,
                         copy ? sqlite3_errmsg(copy) : sqlite3_errstr(code));
                sqlite3_close(copy);
                remove(path);
                return -EIO;
        }
        sqlite3_close(copy);
        prune(backups, prefix);
        free(store->migration_backup);
        store->migration_backup = strdup(path);
        return store->migration_backup ? 0 : -ENOMEM;
}
