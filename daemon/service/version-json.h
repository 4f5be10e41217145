/* version-json.h: schedule versions as the JSON of DESIGN §4: `schedule history --json`,
 * `schedule diff --json` and the diff a solve or a publication carries. */
#pragma once

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

struct schedule_diff;
struct store_version;

/* {"from": F, "to": T, "placed_from", "placed_to", "students_losing", "students_gaining",
 * "groups_changed", "meetings_changed", "teachers_affected", "staff_load"}; from 0: null. */
struct json_object *version_diff_json(int64_t from, int64_t to, const struct schedule_diff *diff);
/* One row of history: version, state, created, published, from, placed, needs, upper_bound. */
struct json_object *version_entry_json(const struct store_version *version);
/* {"versions": [...]}, newest first. */
struct json_object *version_history_json(const struct store_version *versions, size_t n);
