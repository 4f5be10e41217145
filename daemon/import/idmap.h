/* idmap.h: a small open-addressing hash from id strings to array indices, so that the importer
 * resolves thousands of cross-file references without quadratic scans. */
#pragma once

#include <stddef.h>

struct idmap {
        const char **keys; /* borrowed: the strings must outlive the map */
        int *values;
        size_t cap; /* a power of two, or 0 */
        size_t n;
};

/* An empty map with room for expected keys. 0 or -ENOMEM. */
int idmap_init(struct idmap *map, size_t expected);
/* Frees the table (not the keys). Accepts a zeroed map. */
void idmap_done(struct idmap *map);
/* Adds key -> value. Returns 1 when added; 0 when key was present already, with its value in
 * *ret_existing (when not NULL); -ENOMEM. */
int idmap_add(struct idmap *map, const char *key, int value, int *ret_existing);
/* The value of key, or -1. */
int idmap_get(const struct idmap *map, const char *key);
