/* import-service.c: an import is validate, then store in one transaction, then swap the
 * in-memory school; a failure at any step leaves both the database and memory as they were. */
#include <errno.h>

#include "daemon.h"
#include "service/import-service.h"
#include "service/sessions.h"

int service_import(struct daemon *daemon, const struct import_file *files, size_t n_files,
                   struct import_report *report) {
        struct school *school = NULL;
        struct schedule *schedule = NULL;
        char now[32];
        int r = import_school(files, n_files, &school, report);
        if (r < 0)
                return r;

        daemon_format_time(clock_now(&daemon->clock), now);
        r = store_begin(daemon->store);
        if (r < 0)
                goto out;
        r = store_save_school(daemon->store, school, now);
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                store_rollback(daemon->store);
                goto out;
        }
        daemon_set_school(daemon, school);
        /* The published schedule, with ids mapped onto the new data set. */
        if (store_load_schedule(daemon->store, school, 0, &schedule) >= 0)
                daemon_set_schedule(daemon, schedule);
        /* The calendar (closed days, blocked times) or the groups' students may have changed. */
        sessions_sync(daemon);
        r = 0;
out:
        school_unref(school);
        return r;
}
