/* store-internal.h: what the store's own files share: the statement helpers. Every SQL
 * statement of pullout lives in a file of daemon/store/ and goes through these, so every bind
 * is checked and every step tells a row from the end from a failure. */
#pragma once

#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_CACHED_STATEMENTS 32

struct store {
        sqlite3 *db;
        char *path;
        /* Statements prepared once and reused, keyed by their SQL text's address (literals). */
        struct {
                const char *sql;
                sqlite3_stmt *stmt;
        } cached[STORE_CACHED_STATEMENTS];
        int n_cached;
        char error[512]; /* detail of the last failure, in sqlite's words, for the caller */
        bool moved_refused; /* the commit hook refused a change to a moved file: say so, not "constraint failed" */
        /* What store_open did (store_opened()). */
        int opened_from_version;
        char *migration_backup;
};

/* backup.c: a copy of the database, as it is now, into STORE_BACKUP_FOLDER beside it, named
 * for the schema version it holds and the time; older copies beyond the newest
 * STORE_MIGRATION_BACKUPS_KEPT are removed. Its path is kept in store->migration_backup. */
int store_backup_before_migration(struct store *store, int from_version);

/* Prepares sql; on failure fills store->error. */
int store_prepare(struct store *store, const char *sql, sqlite3_stmt **ret_stmt);
/* The same, for a statement run again and again: sql must be a string literal (its address is
 * the key); the statement comes back reset and unbound, and belongs to the store (never
 * finalized by the caller). Falls back to a fresh one when the cache is full. */
int store_prepare_cached(struct store *store, const char *sql, sqlite3_stmt **ret_stmt, bool *ret_cached);
/* Records sqlite's message for a failed call into store->error; returns -EIO (-ENOMEM when
 * sqlite ran out of memory). */
int store_fail(struct store *store, const char *what);

/* Binds arguments by types, one character per '?': 't' text (NULL binds NULL), 'i' int64_t,
 * 'd' int, 'f' double, 'b' blob (const void *, int size). 0, or -EIO/-ENOMEM with sqlite's
 * message in store->error. */
int store_bind(struct store *store, sqlite3_stmt *stmt, const char *types, ...);
int store_vbind(struct store *store, sqlite3_stmt *stmt, const char *types, va_list ap);
/* Prepares sql and binds its arguments: a statement for the caller to step and finalize. */
int store_query(struct store *store, sqlite3_stmt **ret_stmt, const char *sql, const char *types, ...);
/* One step: 1 a row, 0 done, or -EIO/-ENOMEM with sqlite's message (after "what: " when what
 * is not NULL) in store->error. */
int store_step(struct store *store, sqlite3_stmt *stmt, const char *what);
/* Steps a statement that returns no rows to its end, then resets and unbinds it for reuse. */
int store_step_done(struct store *store, sqlite3_stmt *stmt, const char *what);
/* Binds one row's values to a prepared change and runs it, ready for the next row. */
int store_save_row(struct store *store, sqlite3_stmt *stmt, const char *what, const char *types, ...);
/* Steps stmt to its end, one element of size bytes per row filled by read (an element comes
 * zeroed), and finalizes it: the malloc'd array in *(T **)ret_array. On failure every element
 * read is cleared with clear (may be NULL) and nothing is returned. */
typedef int (*store_row_fn)(struct store *store, sqlite3_stmt *stmt, void *element);
int store_collect(struct store *store, sqlite3_stmt *stmt, const char *what, size_t size, store_row_fn read,
                  void (*clear)(void *element), void *ret_array, size_t *ret_n);
/* Clears each of n elements of size bytes with clear, then frees the array. Accepts NULL. */
void store_array_free(void *array, size_t n, size_t size, void (*clear)(void *element));
/* Runs a change with a cached statement (sql must be a string literal): the number of rows
 * changed, or -errno. */
int store_run(struct store *store, const char *sql, const char *types, ...);
/* The first column of the first row as an integer; fallback when there is no row or it is
 * NULL. 0 or -errno. */
int store_int(struct store *store, int64_t fallback, int64_t *ret_value, const char *sql, const char *types, ...);
int64_t store_last_insert_id(struct store *store);

/* Column readers: "" for NULL; whether NULL; a malloc'd copy (NULL for NULL), 0 or -ENOMEM. */
const char *store_column_text(sqlite3_stmt *stmt, int column);
bool store_column_null(sqlite3_stmt *stmt, int column);
int store_column_strdup(sqlite3_stmt *stmt, int column, char **ret_text);
/* A stored YYYY-MM-DD; the store writes only valid ones, so a bad one is a damaged database
 * (-EBADMSG, said in store->error). */
int store_column_date(struct store *store, sqlite3_stmt *stmt, int column, civil_date *ret_date);

/* Grows a malloc'd array by one zeroed element: the element, or NULL when out of memory. */
void *store_grow(void *array_pointer, size_t *count, size_t size);
#define STORE_GROW(array, count) ((__typeof__(array))store_grow(&(array), &(count), sizeof *(array)))

/* Runs a query whose rows are one text column and collects them (NULLs skipped). */
int store_strings(struct store *store, char ***ret, size_t *ret_n, const char *sql, const char *types, ...);
