/* status-json.c: what `pullout status` and `pullout import` answer, as JSON. */
#include "daemon.h"
#include "ical/district.h"
#include "service/solve-service.h"
#include "service/status-json.h"

struct json_object *status_counts_json(const struct store_counts *c) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "teachers", json_object_new_int64(c->teachers));
        json_object_object_add(o, "timetable_blocks", json_object_new_int64(c->blocks));
        json_object_object_add(o, "students", json_object_new_int64(c->students));
        json_object_object_add(o, "archived_students", json_object_new_int64(c->archived_students));
        json_object_object_add(o, "services", json_object_new_int64(c->services));
        json_object_object_add(o, "staff", json_object_new_int64(c->staff));
        json_object_object_add(o, "availability", json_object_new_int64(c->availability));
        json_object_object_add(o, "programs", json_object_new_int64(c->programs));
        json_object_object_add(o, "needs", json_object_new_int64(c->needs));
        json_object_object_add(o, "calendar_days", json_object_new_int64(c->calendar));
        return o;
}

static struct json_object *settings_json(const struct daemon *daemon) {
        const struct conf *conf = &daemon->conf;
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "config", daemon->conf_path ? json_object_new_string(daemon->conf_path) : NULL);
        json_object_object_add(o, "reminder_lead_seconds", json_object_new_int64(conf->reminder_lead_seconds));
        json_object_object_add(o, "grace_seconds", json_object_new_int64(conf->grace_seconds));
        json_object_object_add(o, "dosage_threshold_percent", json_object_new_int(conf->dosage_threshold_percent));
        json_object_object_add(o, "dosage_window_seconds", json_object_new_int64(conf->dosage_window_seconds));
        json_object_object_add(o, "fidelity_threshold_percent", json_object_new_int(conf->fidelity_threshold_percent));
        json_object_object_add(o, "solver_time_limit_seconds", json_object_new_double(conf->solver_time_limit_seconds));
        return o;
}

struct json_object *status_json(const struct daemon *daemon, const struct store_counts *counts) {
        char now[32];
        const struct school *school = daemon->school;
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "version", json_object_new_string(PULLOUT_VERSION));
        json_object_object_add(o, "bus", json_object_new_string(daemon->user_mode ? "user" : "system"));
        json_object_object_add(o, "database", json_object_new_string(daemon->db_path));
        json_object_object_add(o, "schema_version", json_object_new_int(store_schema_version()));
        json_object_object_add(o, "school", school ? json_object_new_string(school->info.name) : NULL);
        json_object_object_add(o, "timezone", school ? json_object_new_string(school->info.timezone) : NULL);
        json_object_object_add(o, "counts", status_counts_json(counts));
        json_object_object_add(o, "schedule_version", json_object_new_int64(counts->schedule_version));
        json_object_object_add(o, "solving", json_object_new_boolean(solve_running(daemon)));
        /* Answered while an import is being read: the loop is not held by it. */
        json_object_object_add(o, "importing", json_object_new_boolean(daemon->import != NULL));
        json_object_object_add(o, "clock", json_object_new_string(daemon->clock.manual ? "manual" : "real"));
        daemon_format_time(clock_now(&daemon->clock), now);
        json_object_object_add(o, "now", json_object_new_string(now));
        json_object_object_add(o, "listen", json_object_new_string(daemon->conf.listen));
        json_object_object_add(o, "settings", settings_json(daemon));
        return o;
}

static struct json_object *strings_json(char **strings, size_t n) {
        struct json_object *array = json_object_new_array();
        for (size_t i = 0; i < n; i++)
                json_object_array_add(array, json_object_new_string(strings[i]));
        return array;
}

struct json_object *import_report_json(const char *school_name, const struct store_counts *counts,
                                       const struct import_report *report, const struct ical_district *district) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "school", json_object_new_string(school_name));
        json_object_object_add(o, "counts", status_counts_json(counts));
        json_object_object_add(o, "warnings", strings_json(report->warnings, report->n_warnings));
        if (district) {
                struct json_object *calendar = json_object_new_object();
                json_object_object_add(calendar, "taken", strings_json(district->taken, district->n_taken));
                json_object_object_add(calendar, "ignored", strings_json(district->ignored, district->n_ignored));
                json_object_object_add(o, "district_calendar", calendar);
        }
        return o;
}

struct json_object *backup_json(size_t bytes, int schema_version) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "bytes", json_object_new_int64((int64_t)bytes));
        json_object_object_add(o, "schema_version", json_object_new_int(schema_version));
        json_object_object_add(o, "integrity_check", json_object_new_string("ok"));
        return o;
}
