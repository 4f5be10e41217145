/* store.c: opening the database, transactions and the error detail of the last failure.
 * WAL keeps readers (HTTP feeds) unblocked while a change commits. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/migrations.h"
#include "store/store.h"

int store_fail(struct store *store, const char *what) {
        snprintf(store->error, sizeof store->error, "%s: %s", what, sqlite3_errmsg(store->db));
        return -EIO;
}

int store_exec(struct store *store, const char *sql) {
        char *message = NULL;
        if (sqlite3_exec(store->db, sql, NULL, NULL, &message) != SQLITE_OK) {
                snprintf(store->error, sizeof store->error, "%s", message ? message : "sqlite error");
                sqlite3_free(message);
                return -EIO;
        }
        return 0;
}

int store_prepare(struct store *store, const char *sql, sqlite3_stmt **ret_stmt) {
        if (sqlite3_prepare_v2(store->db, sql, -1, ret_stmt, NULL) != SQLITE_OK)
                return store_fail(store, "prepare");
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

int store_begin(struct store *store) {
        return store_exec(store, "BEGIN IMMEDIATE");
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
        free(store);
        return NULL;
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
        sqlite3_busy_timeout(store->db, 5000);
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
