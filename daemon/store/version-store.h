/* version-store.h: the life of schedule versions (DESIGN §4 "Versions"): their state, when
 * they were made and published, from which date they count, and how many needs they place. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

struct store_version {
        int64_t version;
        char *state; /* draft, published, superseded, what-if */
        char *created;
        char *published; /* NULL: never published */
        char *from; /* YYYY-MM-DD the publication took effect, NULL when never published */
        int64_t placed, needs;
        bool has_upper_bound;
        int64_t upper_bound;
};

/* Every version, oldest first. */
int store_versions_list(struct store *store, struct store_version **ret_versions, size_t *ret_n);
void store_versions_free(struct store_version *versions, size_t n);
/* One version; -ENOENT when there is none. Clear it with store_version_clear. */
int store_version_get(struct store *store, int64_t version, struct store_version *ret_version);
void store_version_clear(struct store_version *version);
/* The published version (0: none yet) and the newest draft (0: none). */
int store_version_published(struct store *store, int64_t *ret_version);
int store_version_newest_draft(struct store *store, int64_t *ret_version);
/* Inside the caller's transaction: version becomes the published one from date from (at the
 * time at), the one published before it superseded. */
int store_version_publish(struct store *store, int64_t version, const char *at, const char *from);
/* What of version the data set no longer holds, as lines a person can act on, in the version's
 * group order: a group's interventionist or program that left, a member who left or whose need
 * did. Loading the version drops them silently, so a revert asks here first. */
int store_version_gone(struct store *store, int64_t version, char ***ret_lines, size_t *ret_n);
