/* idmap.c: linear probing over a power-of-two table kept at most half full, FNV-1a hashing.
 * Keys are borrowed because they already live in the school or the parsed CSV tables. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/idmap.h"

static uint64_t hash_string(const char *s) {
        uint64_t h = 0xcbf29ce484222325u;
        for (; *s; s++) {
                h ^= (unsigned char)*s;
                h *= 0x100000001b3u;
        }
        return h;
}

static int idmap_resize(struct idmap *map, size_t cap) {
        const char **keys = calloc(cap, sizeof *keys);
        int *values = calloc(cap, sizeof *values);
        if (!keys || !values) {
                free(keys);
                free(values);
                return -ENOMEM;
        }
        for (size_t i = 0; i < map->cap; i++) {
                if (!map->keys[i])
                        continue;
                size_t slot = hash_string(map->keys[i]) & (cap - 1);
                while (keys[slot])
                        slot = (slot + 1) & (cap - 1);
                keys[slot] = map->keys[i];
                values[slot] = map->values[i];
        }
        free(map->keys);
        free(map->values);
        map->keys = keys;
        map->values = values;
        map->cap = cap;
        return 0;
}

int idmap_init(struct idmap *map, size_t expected) {
        size_t cap = 16;
        *map = (struct idmap){ 0 };
        while (cap < expected * 2) {
                if (cap > SIZE_MAX / 4)
                        return -ENOMEM;
                cap *= 2;
        }
        return idmap_resize(map, cap);
}

void idmap_done(struct idmap *map) {
        free(map->keys);
        free(map->values);
        *map = (struct idmap){ 0 };
}

int idmap_add(struct idmap *map, const char *key, int value, int *ret_existing) {
        if (map->cap == 0 || (map->n + 1) * 2 > map->cap) {
                int r = idmap_resize(map, map->cap ? map->cap * 2 : 16);
                if (r < 0)
                        return r;
        }
        size_t slot = hash_string(key) & (map->cap - 1);
        while (map->keys[slot]) {
                if (strcmp(map->keys[slot], key) == 0) {
                        if (ret_existing)
                                *ret_existing = map->values[slot];
                        return 0;
                }
                slot = (slot + 1) & (map->cap - 1);
        }
        map->keys[slot] = key;
        map->values[slot] = value;
        map->n++;
        return 1;
}

int idmap_get(const struct idmap *map, const char *key) {
        if (map->cap == 0 || !key)
                return -1;
        size_t slot = hash_string(key) & (map->cap - 1);
        while (map->keys[slot]) {
                if (strcmp(map->keys[slot], key) == 0)
                        return map->values[slot];
                slot = (slot + 1) & (map->cap - 1);
        }
        return -1;
}
