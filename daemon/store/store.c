/* store.c: opening the database, transactions, the statement helpers every store file uses,
 * and the error detail of the last failure. WAL keeps readers (HTTP feeds) unblocked while a
 * change commits. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/migrations.h"
#include "store/store-internal.h"

const char *store_error(const struct store *store) {
        return store ? store->error : "no database";
}

/* sqlite's result code as an errno: out of memory is the caller's to report as such; every
 * other failure is the storage's (-EIO, the bus's StorageFailed), with sqlite's words in
 * store->error. */
static int errno_of(int code) {
        return (code & 0xff) == SQLITE_NOMEM ? -ENOMEM : -EIO;
}

/* Whether the file the connection has open is no longer the one at its path (deleted, or
 * replaced by another file). WAL mode does not notice by itself: sqlite checks this only
 * when a rollback journal is opened. */
static bool file_moved(struct store *store) {
        int moved = 0;
        if (!store->db || sqlite3_file_control(store->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK)
                return false;
        return moved != 0;
}

static void set_moved_error(struct store *store, const char *what) {
        snprintf(store->error, sizeof store->error,
                 "%s%sthe database file %s was deleted or replaced while pulloutd had it open: the change was "
                 "refused (see pulloutd(8), THE DATABASE FILE)",
                 what ? what : "", what ? ": " : "", store->path);
}

/* sqlite's message, and what it means here when its words alone do not say it. */
static void describe(struct store *store, int code, const char *message, const char *what) {
        if (store->moved_refused) {
                store->moved_refused = false;
                set_moved_error(store, what);
                return;
        }
        const char *hint = (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED
                                   ? " (another program holds the database's write lock; try again when it is "
                                     "done)"
                                   : "";
        snprintf(store->error, sizeof store->error, "%s%s%s%s", what ? what : "", what ? ": " : "", message, hint);
}

static int fail_code(struct store *store, int code, const char *what) {
        describe(store, code, store->db ? sqlite3_errmsg(store->db) : sqlite3_errstr(code), what);
        return errno_of(code);
}

int store_fail(struct store *store, const char *what) {
        return fail_code(store, store->db ? sqlite3_errcode(store->db) : SQLITE_ERROR, what);
}

int store_exec(struct store *store, const char *sql) {
        char *message = NULL;
        int code = sqlite3_exec(store->db, sql, NULL, NULL, &message);
        if (code != SQLITE_OK) {
                describe(store, code, message ? message : sqlite3_errstr(code), NULL);
                sqlite3_free(message);
                return errno_of(code);
        }
        return 0;
}

int store_prepare(struct store *store, const char *sql, sqlite3_stmt **ret_stmt) {
        int code = sqlite3_prepare_v2(store->db, sql, -1, ret_stmt, NULL);
        if (code != SQLITE_OK)
                return fail_code(store, code, "prepare");
        return 0;
}

int store_prepare_cached(struct store *store, const char *sql, sqlite3_stmt **ret_stmt, bool *ret_cached) {
        for (int i = 0; i < store->n_cached; i++)
                if (store->cached[i].sql == sql) {
                        sqlite3_reset(store->cached[i].stmt);
                        sqlite3_clear_bindings(store->cached[i].stmt);
                        *ret_stmt = store->cached[i].stmt;
                        *ret_cached = true;
                        return 0;
                }
        int r = store_prepare(store, sql, ret_stmt);
        if (r < 0)
                return r;
        *ret_cached = store->n_cached < STORE_CACHED_STATEMENTS;
        if (*ret_cached) {
                store->cached[store->n_cached].sql = sql;
                store->cached[store->n_cached++].stmt = *ret_stmt;
        }
        return 0;
}

int store_vbind(struct store *store, sqlite3_stmt *stmt, const char *types, va_list ap) {
        for (int i = 0; types && types[i]; i++) {
                int code;
                switch (types[i]) {
                case 't': {
                        const char *text = va_arg(ap, const char *);
                        code = text ? sqlite3_bind_text(stmt, i + 1, text, -1, SQLITE_TRANSIENT)
                                    : sqlite3_bind_null(stmt, i + 1);
                        break;
                }
                case 'i':
                        code = sqlite3_bind_int64(stmt, i + 1, va_arg(ap, int64_t));
                        break;
                case 'd':
                        code = sqlite3_bind_int(stmt, i + 1, va_arg(ap, int));
                        break;
                case 'f':
                        code = sqlite3_bind_double(stmt, i + 1, va_arg(ap, double));
                        break;
                case 'b': {
                        const void *data = va_arg(ap, const void *);
                        int size = va_arg(ap, int);
                        code = sqlite3_bind_blob(stmt, i + 1, data, size, SQLITE_TRANSIENT);
                        break;
                }
                default:
                        snprintf(store->error, sizeof store->error, "bind: unknown argument type '%c'", types[i]);
                        return -EINVAL;
                }
                if (code != SQLITE_OK)
                        return fail_code(store, code, "bind");
        }
        return 0;
}

int store_bind(struct store *store, sqlite3_stmt *stmt, const char *types, ...) {
        va_list ap;
        va_start(ap, types);
        int r = store_vbind(store, stmt, types, ap);
        va_end(ap);
        return r;
}

static int vquery(struct store *store, sqlite3_stmt **ret_stmt, const char *sql, const char *types, va_list ap) {
        sqlite3_stmt *stmt = NULL;
        int r = store_prepare(store, sql, &stmt);
        if (r >= 0 && (r = store_vbind(store, stmt, types, ap)) < 0)
                sqlite3_finalize(stmt);
        if (r >= 0)
                *ret_stmt = stmt;
        return r;
}

int store_query(struct store *store, sqlite3_stmt **ret_stmt, const char *sql, const char *types, ...) {
        va_list ap;
        va_start(ap, types);
        int r = vquery(store, ret_stmt, sql, types, ap);
        va_end(ap);
        return r;
}

int store_step(struct store *store, sqlite3_stmt *stmt, const char *what) {
        int code = sqlite3_step(stmt);
        if (code == SQLITE_ROW)
                return 1;
        if (code == SQLITE_DONE)
                return 0;
        return fail_code(store, code, what);
}

int store_step_done(struct store *store, sqlite3_stmt *stmt, const char *what) {
        int r = store_step(store, stmt, what);
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        if (r > 0) {
                snprintf(store->error, sizeof store->error, "%s: the statement returned rows", what ? what : "step");
                return -EIO;
        }
        return r;
}

int store_save_row(struct store *store, sqlite3_stmt *stmt, const char *what, const char *types, ...) {
        va_list ap;
        va_start(ap, types);
        int r = store_vbind(store, stmt, types, ap);
        va_end(ap);
        if (r >= 0)
                return store_step_done(store, stmt, what);
        sqlite3_clear_bindings(stmt);
        return r;
}

void store_array_free(void *array, size_t n, size_t size, void (*clear)(void *element)) {
        for (size_t i = 0; array && clear && i < n; i++)
                clear((char *)array + i * size);
        free(array);
}

int store_collect(struct store *store, sqlite3_stmt *stmt, const char *what, size_t size, store_row_fn read,
                  void (*clear)(void *element), void *ret_array, size_t *ret_n) {
        char *array = NULL;
        size_t n = 0;
        int r;
        while ((r = store_step(store, stmt, what)) > 0) {
                void *element = store_grow(&array, &n, size);
                if (!element) {
                        r = -ENOMEM;
                        break;
                }
                if ((r = read(store, stmt, element)) < 0)
                        break;
        }
        sqlite3_finalize(stmt);
        if (r < 0) {
                store_array_free(array, n, size, clear);
                return r;
        }
        *(void **)ret_array = array;
        *ret_n = n;
        return 0;
}

/* Changes run many times over (a term of sessions at each publication) reuse their prepared
 * statement: sql must be a string literal. */
int store_run(struct store *store, const char *sql, const char *types, ...) {
        sqlite3_stmt *stmt = NULL;
        bool cached = false;
        int r = store_prepare_cached(store, sql, &stmt, &cached);
        if (r < 0)
                return r;
        va_list ap;
        va_start(ap, types);
        r = store_vbind(store, stmt, types, ap);
        va_end(ap);
        if (r >= 0)
                r = store_step(store, stmt, NULL);
        if (r > 0) {
                snprintf(store->error, sizeof store->error, "a change returned rows");
                r = -EIO;
        } else if (r == 0) {
                r = sqlite3_changes(store->db);
        }
        if (cached) {
                sqlite3_reset(stmt);
                sqlite3_clear_bindings(stmt);
        } else {
                sqlite3_finalize(stmt);
        }
        return r;
}

int store_int(struct store *store, int64_t fallback, int64_t *ret_value, const char *sql, const char *types, ...) {
        sqlite3_stmt *stmt = NULL;
        va_list ap;
        va_start(ap, types);
        int r = vquery(store, &stmt, sql, types, ap);
        va_end(ap);
        if (r < 0)
                return r;
        if ((r = store_step(store, stmt, NULL)) >= 0) {
                *ret_value = r > 0 && sqlite3_column_type(stmt, 0) != SQLITE_NULL ? sqlite3_column_int64(stmt, 0)
                                                                                  : fallback;
                r = 0;
        }
        sqlite3_finalize(stmt);
        return r;
}

int64_t store_last_insert_id(struct store *store) {
        return sqlite3_last_insert_rowid(store->db);
}

const char *store_column_text(sqlite3_stmt *stmt, int column) {
        const unsigned char *text = sqlite3_column_text(stmt, column);
        return text ? (const char *)text : "";
}

bool store_column_null(sqlite3_stmt *stmt, int column) {
        return sqlite3_column_type(stmt, column) == SQLITE_NULL;
}

int store_column_strdup(sqlite3_stmt *stmt, int column, char **ret_text) {
        const unsigned char *text = sqlite3_column_text(stmt, column);
        char *copy = NULL;
        if (text && !(copy = strdup((const char *)text)))
                return -ENOMEM;
        *ret_text = copy;
        return 0;
}

void *store_grow(void *array_pointer, size_t *count, size_t size) {
        char **array = array_pointer;
        char *grown = realloc(*array, (*count + 1) * size);
        if (!grown)
                return NULL;
        *array = grown;
        memset(grown + *count * size, 0, size);
        return grown + (*count)++ * size;
}

void store_strings_free(char **strings, size_t n) {
        for (size_t i = 0; strings && i < n; i++)
                free(strings[i]);
        free(strings);
}

static int read_string(struct store *store, sqlite3_stmt *stmt, void *element) {
        return store_column_strdup(stmt, 0, element);
}

static void clear_string(void *element) {
        free(*(char **)element);
}

int store_strings(struct store *store, char ***ret, size_t *ret_n, const char *sql, const char *types, ...) {
        sqlite3_stmt *stmt = NULL;
        char **list = NULL;
        size_t n = 0;
        va_list ap;
        va_start(ap, types);
        int r = vquery(store, &stmt, sql, types, ap);
        va_end(ap);
        if (r < 0 || (r = store_collect(store, stmt, NULL, sizeof *list, read_string, clear_string, &list, &n)) < 0)
                return r;
        /* NULLs are no ids. */
        size_t kept = 0;
        for (size_t i = 0; i < n; i++)
                if (list[i])
                        list[kept++] = list[i];
        *ret = list;
        *ret_n = kept;
        return 0;
}

int store_column_date(struct store *store, sqlite3_stmt *stmt, int column, civil_date *ret_date) {
        if (date_parse(store_column_text(stmt, column), ret_date) < 0) {
                snprintf(store->error, sizeof store->error, "a stored date \"%.16s\" is not YYYY-MM-DD",
                         store_column_text(stmt, column));
                return -EBADMSG;
        }
        return 0;
}

int store_check_file(struct store *store) {
        if (!file_moved(store))
                return 0;
        set_moved_error(store, NULL);
        return -EIO;
}

int store_begin(struct store *store) {
        /* Refused before any work, not only at the commit (the hook below). */
        int r = store_check_file(store);
        return r < 0 ? r : store_exec(store, "BEGIN IMMEDIATE");
}

/* Every commit, of a transaction or of a single statement, passes here: a change to a file
 * that is no longer the database (deleted or replaced under pulloutd) is rolled back rather
 * than acknowledged and lost. */
static int refuse_commit_to_moved_file(void *userdata) {
        struct store *store = userdata;
        if (!file_moved(store))
                return 0;
        store->moved_refused = true;
        return 1;
}

int store_commit(struct store *store) {
        return store_exec(store, "COMMIT");
}

void store_rollback(struct store *store) {
        if (!sqlite3_get_autocommit(store->db))
                sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

struct store *store_close(struct store *store) {
        if (!store)
                return NULL;
        for (int i = 0; i < store->n_cached; i++)
                sqlite3_finalize(store->cached[i].stmt);
        sqlite3_close(store->db);
        free(store->path);
        free(store->migration_backup);
        free(store);
        return NULL;
}

void store_opened(const struct store *store, int *ret_from_version, const char **ret_migration_backup) {
        *ret_from_version = store->opened_from_version;
        *ret_migration_backup = store->migration_backup;
}

int store_open(const char *path, struct store **ret_store, char **ret_error) {
        struct store *store = calloc(1, sizeof *store);
        int r = -ENOMEM;
        if (!store || !(store->path = strdup(path)))
                goto fail;
        if (sqlite3_open_v2(path, &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            NULL) != SQLITE_OK) {
                r = store_fail(store, path);
                goto fail;
        }
        /* The loop owns this connection: it never waits for another program's write lock
         * longer than this (the change fails with "database is locked" instead). */
        sqlite3_busy_timeout(store->db, STORE_BUSY_TIMEOUT_MS);
        sqlite3_commit_hook(store->db, refuse_commit_to_moved_file, store);
        r = store_exec(store, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
        if (r < 0)
                goto fail;
        r = store_migrate(store);
        if (r < 0)
                goto fail;
        *ret_store = store;
        return 0;
fail:
        if (ret_error && store && asprintf(ret_error, "%s", store->error) < 0)
                *ret_error = NULL;
        store_close(store);
        return r;
}
