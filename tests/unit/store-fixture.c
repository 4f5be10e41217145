/* store-fixture.c: temporary databases for the store suites. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"
#include "store-fixture.h"

static char path[256];

const char *fixture_store_path(void) {
        return path;
}

struct store *fixture_store_open(void) {
        snprintf(path, sizeof path, "/tmp/pullout-store-XXXXXX");
        int fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        close(fd);
        unlink(path);
        struct store *store = NULL;
        char *error = NULL;
        int r = store_open(path, &store, &error);
        ck_assert_msg(r == 0, "cannot open %s: %s", path, error ? error : "?");
        return store;
}

void fixture_store_close(struct store *store) {
        char other[300];
        store_close(store);
        unlink(path);
        snprintf(other, sizeof other, "%s-wal", path);
        unlink(other);
        snprintf(other, sizeof other, "%s-shm", path);
        unlink(other);
}
