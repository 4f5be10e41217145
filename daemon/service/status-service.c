/* status-service.c: the daemon's status, from the store's counts and the loop's state. */
#include "daemon.h"
#include "service/status-json.h"
#include "service/status-service.h"

int status_get(struct daemon *daemon, struct json_object **ret, char why[static WHY_MAX]) {
        struct store_counts counts;
        int r = store_count(daemon->store, &counts);
        if (r < 0)
                return why_set(why, r, "cannot read the database: %s", store_error(daemon->store));
        *ret = status_json(daemon, &counts);
        return 0;
}
