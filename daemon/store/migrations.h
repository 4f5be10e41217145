/* migrations.h: the schema's forward migrations, applied in order on open. */
#pragma once

struct store;

/* Brings the database to the newest schema, each step in its own transaction. A database
 * newer than this build is refused (-EPROTO) rather than misread. */
int store_migrate(struct store *store);
