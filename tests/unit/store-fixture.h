/* store-fixture.h: a fresh database at the current schema in a temporary file, for the suites
 * of daemon/store/ (sqlite only: no bus, no daemon). */
#pragma once

struct store;

/* A new database; the test fails when it cannot be made. */
struct store *fixture_store_open(void);
/* Closes it and removes its files (the WAL and shared-memory files too). */
void fixture_store_close(struct store *store);
/* The path of the database the last fixture_store_open made. */
const char *fixture_store_path(void);
