/* version-store.c: the states of schedule versions. A partial unique index keeps exactly one
 * published version, so a publication supersedes the previous one in the same transaction. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-internal.h"
#include "store/version-store.h"

#define VERSION_COLUMNS "version, state, created_at, published_at, effective_from, placed, needs, upper_bound"

void store_version_clear(struct store_version *v) {
        if (!v)
                return;
        free(v->state);
        free(v->created);
        free(v->published);
        free(v->from);
        *v = (struct store_version){ 0 };
}

static void clear_element(void *element) {
        store_version_clear(element);
}

static int read_version(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct store_version *v = element;
        (void)store;
        v->version = sqlite3_column_int64(stmt, 0);
        v->placed = sqlite3_column_int64(stmt, 5);
        v->needs = sqlite3_column_int64(stmt, 6);
        v->has_upper_bound = !store_column_null(stmt, 7);
        v->upper_bound = sqlite3_column_int64(stmt, 7);
        int r = store_column_strdup(stmt, 1, &v->state);
        if (r >= 0)
                r = store_column_strdup(stmt, 2, &v->created);
        if (r >= 0)
                r = store_column_strdup(stmt, 3, &v->published);
        if (r >= 0)
                r = store_column_strdup(stmt, 4, &v->from);
        if (r < 0)
                store_version_clear(v);
        return r;
}

int store_versions_list(struct store *store, struct store_version **ret_versions, size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt, "SELECT " VERSION_COLUMNS " FROM schedules ORDER BY version", "");
        return r < 0 ? r
                     : store_collect(store, stmt, "list schedule versions", sizeof **ret_versions, read_version,
                                     clear_element, ret_versions, ret_n);
}

void store_versions_free(struct store_version *versions, size_t n) {
        store_array_free(versions, n, sizeof *versions, clear_element);
}

int store_version_get(struct store *store, int64_t version, struct store_version *ret_version) {
        sqlite3_stmt *stmt = NULL;
        struct store_version v = { 0 };
        int r = store_query(store, &stmt, "SELECT " VERSION_COLUMNS " FROM schedules WHERE version = ?", "i",
                            version);
        if (r >= 0)
                r = store_step(store, stmt, "read schedule version");
        if (r == 0)
                r = -ENOENT;
        if (r > 0 && (r = read_version(store, stmt, &v)) >= 0) {
                *ret_version = v;
                r = 0;
        }
        sqlite3_finalize(stmt);
        return r;
}

int store_version_published(struct store *store, int64_t *ret_version) {
        return store_int(store, 0, ret_version, "SELECT version FROM schedules WHERE state = 'published'", "");
}

int store_version_newest_draft(struct store *store, int64_t *ret_version) {
        return store_int(store, 0, ret_version, "SELECT max(version) FROM schedules WHERE state = 'draft'", "");
}

int store_version_publish(struct store *store, int64_t version, const char *at, const char *from) {
        int r = store_run(store, "UPDATE schedules SET state = 'superseded' WHERE state = 'published'", "");
        if (r >= 0)
                r = store_run(store,
                              "UPDATE schedules SET state = 'published', published_at = ?, effective_from = ?"
                              " WHERE version = ? AND state IN ('draft', 'superseded')",
                              "tti", at, from, version);
        if (r == 0)
                return -ENOENT;
        return r < 0 ? r : 0;
}

int store_version_gone(struct store *store, int64_t version, char ***ret_lines, size_t *ret_n) {
        /* Archived rows keep their names (a re-import archives what left), so a line can say
         * who it was. */
        return store_strings(
                store, ret_lines, ret_n,
                "SELECT line FROM ("
                " SELECT g.position AS pos, 0 AS kind, 0 AS member, g.group_id || ': taught by ' ||"
                "   coalesce(s.name || ' (' || g.staff_id || ')', g.staff_id) ||"
                "   ', who is no longer in the data set' AS line"
                "  FROM groups g LEFT JOIN staff s ON s.staff_id = g.staff_id"
                "  WHERE g.version = ?1 AND (s.staff_id IS NULL OR s.archived)"
                " UNION ALL"
                " SELECT g.position, 1, 0, g.group_id || ': program ' || g.program_id || ' is no longer in the data set'"
                "  FROM groups g LEFT JOIN programs p ON p.program_id = g.program_id"
                "  WHERE g.version = ?1 AND (p.program_id IS NULL OR p.archived)"
                " UNION ALL"
                " SELECT g.position, 2, m.position, m.group_id || ': ' ||"
                "   coalesce(st.name || ' (' || m.student_id || ')', m.student_id) ||"
                "   CASE WHEN st.student_id IS NULL OR st.archived THEN ' is no longer in the data set'"
                "   ELSE '''s need for ' || m.program_id || ' is no longer in the data set' END"
                "  FROM group_members m JOIN groups g ON g.version = m.version AND g.group_id = m.group_id"
                "  LEFT JOIN students st ON st.student_id = m.student_id"
                "  LEFT JOIN needs n ON n.student_id = m.student_id AND n.program_id = m.program_id"
                "  WHERE m.version = ?1 AND (st.student_id IS NULL OR st.archived OR n.student_id IS NULL OR n.archived)"
                ") ORDER BY pos, kind, member",
                "i", version);
}
