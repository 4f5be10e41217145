/* version-service.c: drafts, what-ifs and publications. Only a publication changes what
 * anyone sees: it is the one place that makes a version daemon->schedule and announces
 * CHANGE_SCHEDULE, so a draft leaves feeds, sessions and reminders exactly as they were. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "import/import.h"
#include "log.h"
#include "model/schedule-diff.h"
#include "service/changes.h"
#include "service/local-time.h"
#include "service/schedule-json.h"
#include "service/session-sync.h"
#include "service/version-json.h"
#include "service/version-service.h"
#include "service/what-if-read.h"
#include "solver/solver.h"
#include "store/session-store.h"
#include "store/version-store.h"

#define WEEK_GROUPS_MAX 512

static int storage_failed(struct daemon *daemon, int r, const char *what, char why[static WHY_MAX]) {
        return why_set(why, r, "cannot %s: %s", what, store_error(daemon->store));
}

/* Stores schedule as a version; a what-if with the data set it was solved on, as its files, so
 * that its groups can be read back against the very students and staff they name. */
static int store_version(struct daemon *daemon, struct schedule *schedule, unsigned seed, const char *state,
                         char why[static WHY_MAX]) {
        char now[32];
        struct import_file *files = NULL;
        size_t n_files = 0;
        bool what_if = strcmp(state, "what-if") == 0;
        daemon_format_time(clock_now(&daemon->clock), now);
        if (what_if && import_write_school(schedule->school, &files, &n_files) < 0)
                return why_set(why, -ENOMEM, "cannot store the what-if: %s", strerror(ENOMEM));
        int r = store_begin(daemon->store);
        if (r >= 0)
                r = store_save_schedule(daemon->store, schedule, now, seed, state);
        if (r >= 0 && what_if)
                r = store_save_what_if_files(daemon->store, schedule->version, files, n_files);
        if (r >= 0)
                r = store_commit(daemon->store);
        import_files_free(files, n_files);
        if (r < 0) {
                store_rollback(daemon->store);
                return storage_failed(daemon, r, "store the schedule", why);
        }
        return 0;
}

/* The date a publication takes effect: the first from today, later ones by default from the
 * next Monday (the week in progress stays as teachers were told). */
static int effective_date(struct daemon *daemon, const char *text, civil_date *ret, char why[static WHY_MAX]) {
        civil_date today = local_today(daemon), date;
        if (!text || !*text) {
                *ret = daemon->schedule ? date_week_start(today) + 7 : today;
                return 0;
        }
        if (strcmp(text, "today") == 0) {
                *ret = today;
                return 0;
        }
        if (date_parse(text, &date) < 0)
                return why_set(why, -EINVAL, "--from \"%.32s\" is not a date (YYYY-MM-DD or today)", text);
        if (date < today) {
                char buf[11];
                return why_set(why, -EINVAL, "--from %.32s is in the past (today is %s): what happened stands", text,
                               date_format(today, buf));
        }
        *ret = date;
        return 0;
}

struct week_count {
        char group_id[GROUP_ID_MAX];
        int before, after;
};

/* Sessions this week per group that will or did happen (not cancelled), into counts. */
static int count_week(struct daemon *daemon, struct week_count *counts, size_t *n, bool after) {
        civil_date monday = date_week_start(local_today(daemon));
        struct store_session *sessions = NULL;
        size_t n_sessions = 0;
        int r = store_sessions_between(daemon->store, monday, monday + 7, NULL, &sessions, &n_sessions);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n_sessions; i++) {
                if (sessions[i].status == SESSION_CANCELLED || sessions[i].makes_up)
                        continue;
                size_t k = 0;
                while (k < *n && strcmp(counts[k].group_id, sessions[i].group_id) != 0)
                        k++;
                if (k == *n) {
                        if (*n == WEEK_GROUPS_MAX)
                                continue;
                        counts[(*n)++] = (struct week_count){ 0 };
                        snprintf(counts[k].group_id, sizeof counts[k].group_id, "%s", sessions[i].group_id);
                }
                if (after)
                        counts[k].after++;
                else
                        counts[k].before++;
        }
        store_sessions_free(sessions, n_sessions);
        return 0;
}

/* "G5 meets 3 times this week instead of 5", one line per group whose week changed. */
static struct json_object *week_json(const struct week_count *counts, size_t n) {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
                if (counts[i].before == counts[i].after)
                        continue;
                char line[128];
                snprintf(line, sizeof line, "%s meets %d time%s this week instead of %d", counts[i].group_id,
                         counts[i].after, counts[i].after == 1 ? "" : "s", counts[i].before);
                json_object_array_add(a, json_object_new_string(line));
        }
        return a;
}

/* The students who would lose a place, one a line, after a head naming how many. */
static int refuse_drops(int64_t version, const struct schedule_diff *diff, char **ret_detail,
                        char why[static WHY_MAX]) {
        why_set(why, -EEXIST,
                "publishing version %lld would take a place away from %zu student%s (publish with --allow-drop "
                "to do it anyway):",
                (long long)version, diff->n_losing, diff->n_losing == 1 ? "" : "s");
        char **lines = calloc(diff->n_losing, sizeof *lines);
        size_t n = 0;
        for (size_t i = 0; lines && i < diff->n_losing; i++)
                if (asprintf(&lines[n], "  %s %s (%s)", diff->losing[i].student_id, diff->losing[i].student_name,
                             diff->losing[i].program_id) >= 0)
                        n++;
        *ret_detail = lines ? why_lines(why, lines, n) : NULL;
        for (size_t i = 0; i < n; i++)
                free(lines[i]);
        free(lines);
        return -EEXIST;
}

/* Publishes schedule (taken; stored as version already) from the date text says. */
static int publish_schedule(struct daemon *daemon, struct schedule *schedule, const char *from_text, bool allow_drop,
                            struct json_object **ret, char **ret_detail, char why[static WHY_MAX]) {
        struct schedule_diff diff;
        struct week_count counts[WEEK_GROUPS_MAX];
        size_t n_counts = 0;
        civil_date from = 0;
        int64_t version = schedule->version;
        int r = effective_date(daemon, from_text, &from, why);
        if (r < 0)
                goto out_free;
        if ((r = schedule_diff(daemon->schedule, schedule, &diff)) < 0) {
                why_set(why, r, "%s", strerror(-r));
                goto out_free;
        }
        if (diff.n_losing > 0 && !allow_drop) {
                r = refuse_drops(version, &diff, ret_detail, why);
                goto out_diff;
        }
        if ((r = count_week(daemon, counts, &n_counts, false)) < 0) {
                storage_failed(daemon, r, "read this week's sessions", why);
                goto out_diff;
        }
        /* From a day past the stored horizon: the days up to it keep the version published now. */
        if ((r = sessions_keep_until(daemon, from - 1)) < 0) {
                storage_failed(daemon, r, "store the sessions before the publication takes effect", why);
                goto out_diff;
        }
        char now[32], from_buf[11];
        daemon_format_time(clock_now(&daemon->clock), now);
        date_format(from, from_buf);
        if ((r = store_begin(daemon->store)) >= 0 &&
            (r = store_version_publish(daemon->store, version, now, from_buf)) >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                store_rollback(daemon->store);
                storage_failed(daemon, r, "publish the schedule", why);
                goto out_diff;
        }
        int64_t previous = daemon->schedule ? daemon->schedule->version : 0;
        daemon->published_from = from;
        daemon_set_schedule(daemon, schedule);
        schedule = NULL;
        /* Sessions from `from` on follow it; what happened stands (session-sync.c). */
        changes_announce(daemon, CHANGE_SCHEDULE);
        if (count_week(daemon, counts, &n_counts, true) < 0)
                n_counts = 0;
        log_info("schedule version %lld published from %s", (long long)version, from_buf);
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "version", json_object_new_int64(version));
        json_object_object_add(o, "state", json_object_new_string("published"));
        json_object_object_add(o, "from", json_object_new_string(from_buf));
        json_object_object_add(o, "diff", version_diff_json(previous, version, &diff));
        json_object_object_add(o, "this_week", week_json(counts, n_counts));
        *ret = o;
        r = 0;
out_diff:
        schedule_diff_done(&diff);
out_free:
        schedule_free(schedule);
        return r;
}

/* Whether version is a stored what-if (false for 0, the published one, and for no version). */
static int is_what_if(struct daemon *daemon, int64_t version, bool *ret, char why[static WHY_MAX]) {
        struct store_version v = { 0 };
        int r = version > 0 ? store_version_get(daemon->store, version, &v) : -ENOENT;
        if (r < 0 && r != -ENOENT)
                return storage_failed(daemon, r, "read the version", why);
        *ret = r >= 0 && strcmp(v.state, "what-if") == 0;
        store_version_clear(&v);
        return 0;
}

/* Reads version against the stored data set, or a what-if against what_if, the data set it
 * was solved on (what-if-read.c reads it off the loop): its groups name that data set's
 * students and staff, never the stored one's. */
static int load_version(struct daemon *daemon, int64_t version, struct school *what_if, struct schedule **ret,
                        char why[static WHY_MAX]) {
        if (!daemon->school)
                return why_set(why, -ENODATA, "nothing imported yet: pullout import DIR, then pullout solve");
        bool is = false;
        int r = is_what_if(daemon, version, &is, why);
        if (r < 0)
                return r;
        if (is && !what_if)
                return why_set(why, -EPERM, "version %lld is a what-if, never publishable",
                               (long long)version);
        r = store_load_schedule(daemon->store, is ? what_if : daemon->school, version, ret);
        if (r == -ENOENT)
                return why_set(why, -ENOENT, "no schedule version %lld (pullout schedule history lists them)",
                               (long long)version);
        return r < 0 ? storage_failed(daemon, r, "read the schedule version", why) : 0;
}

static int publishable(struct daemon *daemon, int64_t *version, char why[static WHY_MAX]) {
        struct store_version v = { 0 };
        int r;
        if (*version == 0) {
                if ((r = store_version_newest_draft(daemon->store, version)) < 0)
                        return storage_failed(daemon, r, "read the versions", why);
                if (*version == 0)
                        return why_set(why, -ENOENT, "no draft to publish: run pullout solve first");
        }
        if ((r = store_version_get(daemon->store, *version, &v)) == -ENOENT)
                return why_set(why, -ENOENT, "no schedule version %lld (pullout schedule history lists them)",
                               (long long)*version);
        if (r < 0)
                return storage_failed(daemon, r, "read the version", why);
        if (strcmp(v.state, "what-if") == 0)
                r = why_set(why, -EPERM,
                            "version %lld is a what-if (solved on replaced files), never publishable: import the "
                            "files and solve to publish it",
                            (long long)*version);
        else if (strcmp(v.state, "published") == 0)
                r = why_set(why, -EALREADY, "version %lld is the published one already", (long long)*version);
        else if (strcmp(v.state, "superseded") == 0)
                r = why_set(why, -EALREADY,
                            "version %lld was published before; bring it back with pullout schedule revert %lld",
                            (long long)*version, (long long)*version);
        store_version_clear(&v);
        return r;
}

int versions_publish(struct daemon *daemon, const struct publish_request *request, struct json_object **ret,
                     char **ret_detail, char why[static WHY_MAX]) {
        int64_t version = request->version;
        struct schedule *schedule = NULL;
        if (daemon->solve)
                return why_set(why, -EBUSY, "a solve is running; publish when it ends");
        int r = publishable(daemon, &version, why);
        if (r < 0)
                return r;
        if ((r = load_version(daemon, version, NULL, &schedule, why)) < 0)
                return r;
        return publish_schedule(daemon, schedule, request->from, request->allow_drop, ret, ret_detail, why);
}

int versions_publish_now(struct daemon *daemon, struct schedule *schedule, const char *from, struct json_object **ret,
                         char why[static WHY_MAX]) {
        civil_date date;
        char *detail = NULL;
        /* Checked before anything is stored: a bad date stores no version. */
        int r = effective_date(daemon, from && *from ? from : "today", &date, why);
        if (r >= 0)
                r = store_version(daemon, schedule, 0, "draft", why);
        if (r < 0) {
                schedule_free(schedule);
                return r;
        }
        r = publish_schedule(daemon, schedule, from && *from ? from : "today", true, ret, &detail, why);
        free(detail);
        return r;
}

/* What of a stored version today's data no longer holds, then the rules it breaks, one a line
 * after a head. */
static int broken_rules(int64_t version, char **gone, size_t n_gone, char **violations, size_t n,
                        char **ret_detail, char why[static WHY_MAX]) {
        size_t total = n_gone + n;
        why_set(why, -EEXIST, "version %lld no longer fits today's data: it would break %zu rule%s:",
                (long long)version, total, total == 1 ? "" : "s");
        char **lines = calloc(total ? total : 1, sizeof *lines);
        size_t k = 0;
        for (size_t i = 0; lines && i < total; i++)
                if (asprintf(&lines[k], "  %s", i < n_gone ? gone[i] : violations[i - n_gone]) >= 0)
                        k++;
        *ret_detail = lines ? why_lines(why, lines, k) : NULL;
        for (size_t i = 0; i < k; i++)
                free(lines[i]);
        free(lines);
        return -EEXIST;
}

/* A need of today's data that the old version neither placed nor reported (it came later, or
 * its group's interventionist left) is unscheduled in the copy: the publication's guard names
 * whoever would lose a place by it. */
static int unscheduled_the_rest(struct schedule *schedule, int64_t version, char why[static WHY_MAX]) {
        const struct school *school = schedule->school;
        bool *seen = calloc(school->n_needs ? school->n_needs : 1, sizeof *seen);
        if (!seen)
                return why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
        for (size_t g = 0; g < schedule->n_groups; g++)
                for (size_t i = 0; i < schedule->groups[g].n_needs; i++)
                        seen[schedule->groups[g].needs[i]] = true;
        for (size_t i = 0; i < schedule->n_unscheduled; i++)
                seen[schedule->unscheduled[i].need] = true;
        char reason[96];
        snprintf(reason, sizeof reason, "not placed in version %lld, which this version copies", (long long)version);
        int r = 0;
        for (size_t i = 0; i < school->n_needs && r >= 0; i++)
                if (!seen[i])
                        r = schedule_add_unscheduled(schedule, (int)i, reason);
        free(seen);
        return r < 0 ? why_set(why, r, "%s", strerror(-r)) : 0;
}

int versions_revert(struct daemon *daemon, const struct publish_request *request, struct json_object **ret,
                    char **ret_detail, char why[static WHY_MAX]) {
        struct schedule *schedule = NULL;
        struct store_version v = { 0 };
        if (daemon->solve)
                return why_set(why, -EBUSY, "a solve is running; revert when it ends");
        if (request->version <= 0)
                return why_set(why, -EINVAL, "name the version to bring back (pullout schedule history)");
        int r = store_version_get(daemon->store, request->version, &v);
        if (r == -ENOENT)
                return why_set(why, -ENOENT, "no schedule version %lld (pullout schedule history lists them)",
                               (long long)request->version);
        if (r < 0)
                return storage_failed(daemon, r, "read the version", why);
        bool what_if = strcmp(v.state, "what-if") == 0;
        store_version_clear(&v);
        if (what_if)
                return why_set(why, -EPERM, "version %lld is a what-if, never publishable", (long long)request->version);
        char **gone = NULL;
        size_t n_gone = 0;
        if ((r = store_version_gone(daemon->store, request->version, &gone, &n_gone)) < 0)
                return storage_failed(daemon, r, "read the version", why);
        if ((r = load_version(daemon, request->version, NULL, &schedule, why)) < 0 ||
            (r = unscheduled_the_rest(schedule, request->version, why)) < 0) {
                store_strings_free(gone, n_gone);
                schedule_free(schedule);
                return r;
        }
        /* Checked against today's data: the school may have changed since it was made. */
        struct solver_weights weights;
        conf_solver_weights(&daemon->conf, &weights);
        char **violations = NULL;
        size_t n = 0;
        r = solver_check(schedule, NULL, &weights, &schedule->metrics, &violations, &n);
        if (r < 0) {
                store_strings_free(gone, n_gone);
                schedule_free(schedule);
                return why_set(why, r, "cannot check version %lld: %s", (long long)request->version, strerror(-r));
        }
        if (n + n_gone > 0) {
                r = broken_rules(request->version, gone, n_gone, violations, n, ret_detail, why);
                store_strings_free(gone, n_gone);
                solver_strings_free(violations, n);
                schedule_free(schedule);
                return r;
        }
        store_strings_free(gone, n_gone);
        solver_strings_free(violations, n);
        if ((r = store_version(daemon, schedule, 0, "draft", why)) < 0) {
                schedule_free(schedule);
                return r;
        }
        log_info("schedule version %lld is a copy of version %lld", (long long)schedule->version,
                 (long long)request->version);
        return publish_schedule(daemon, schedule, request->from, request->allow_drop, ret, ret_detail, why);
}

int versions_solved(struct daemon *daemon, struct schedule *schedule, unsigned seed, bool what_if,
                    const struct publish_request *publish, struct json_object **ret, char **ret_detail,
                    char why[static WHY_MAX]) {
        struct schedule_diff diff;
        int r = store_version(daemon, schedule, seed, what_if ? "what-if" : "draft", why);
        if (r < 0) {
                schedule_free(schedule);
                return r;
        }
        if ((r = schedule_diff(daemon->schedule, schedule, &diff)) < 0) {
                schedule_free(schedule);
                return why_set(why, r, "%s", strerror(-r));
        }
        int64_t version = schedule->version;
        size_t placed = diff.placed_to, needs = diff.placed_to + schedule->n_unscheduled;
        struct json_object *o = schedule_summary_json(schedule, NULL);
        json_object_object_add(o, "state", json_object_new_string(what_if ? "what-if" : "draft"));
        json_object_object_add(o, "placed", json_object_new_int64((int64_t)placed));
        json_object_object_add(o, "needs", json_object_new_int64((int64_t)needs));
        long bound = schedule->metrics.upper_bound; /* -1: every need placed, or none computed */
        json_object_object_add(o, "upper_bound", bound >= 0 ? json_object_new_int64(bound) : NULL);
        json_object_object_add(o, "diff", version_diff_json(daemon->schedule ? daemon->schedule->version : 0,
                                                            version, &diff));
        schedule_diff_done(&diff);
        if (!publish || what_if) {
                schedule_free(schedule);
                *ret = o;
                return 0;
        }
        struct json_object *published = NULL;
        r = publish_schedule(daemon, schedule, publish->from, publish->allow_drop, &published, ret_detail, why);
        if (r < 0) {
                json_object_put(o);
                return r;
        }
        json_object_object_add(o, "state", json_object_new_string("published"));
        json_object_object_add(o, "from", json_object_get(json_object_object_get(published, "from")));
        json_object_object_add(o, "this_week", json_object_get(json_object_object_get(published, "this_week")));
        json_object_put(published);
        *ret = o;
        return 0;
}

int versions_history(struct daemon *daemon, struct json_object **ret, char why[static WHY_MAX]) {
        struct store_version *versions = NULL;
        size_t n = 0;
        int r = store_versions_list(daemon->store, &versions, &n);
        if (r < 0)
                return storage_failed(daemon, r, "read the versions", why);
        *ret = version_history_json(versions, n);
        store_versions_free(versions, n);
        return 0;
}

/* A ScheduleVersion or ScheduleDiff being answered: slot 0 is the version shown or the diff's
 * from (0: none), slot 1 the diff's to; what_if[slot] the data set a what-if was solved on. */
struct version_read {
        versions_answer_fn done;
        void *userdata;
        bool diff;
        int64_t versions[2];
        /* the what-ifs among them, as handed to what_if_read_start, and the slot each fills */
        size_t n_what_ifs;
        int64_t what_ifs[WHAT_IF_READ_VERSIONS_MAX];
        size_t slots[WHAT_IF_READ_VERSIONS_MAX][2];
        size_t n_slots[WHAT_IF_READ_VERSIONS_MAX];
};

static int answer_diff(struct daemon *daemon, const struct version_read *read, struct school *const *what_if,
                       struct json_object **ret, char why[static WHY_MAX]) {
        struct schedule *a = NULL, *b = NULL;
        struct schedule_diff diff;
        int64_t from = read->versions[0], to = read->versions[1];
        int r = 0;
        if (from > 0 && (r = load_version(daemon, from, what_if[0], &a, why)) < 0)
                return r;
        if ((r = load_version(daemon, to, what_if[1], &b, why)) >= 0) {
                if ((r = schedule_diff(a, b, &diff)) >= 0) {
                        *ret = version_diff_json(from, to, &diff);
                        schedule_diff_done(&diff);
                } else {
                        why_set(why, r, "%s", strerror(-r));
                }
        }
        schedule_free(a);
        schedule_free(b);
        return r;
}

static int answer_show(struct daemon *daemon, const struct version_read *read, struct school *const *what_if,
                       struct json_object **ret, char why[static WHY_MAX]) {
        struct schedule *schedule = NULL;
        struct store_version v = { 0 };
        int r = load_version(daemon, read->versions[0], what_if[0], &schedule, why);
        if (r < 0)
                return r;
        *ret = schedule_to_json(schedule, NULL);
        if (store_version_get(daemon->store, schedule->version, &v) >= 0) {
                json_object_object_add(*ret, "state", json_object_new_string(v.state));
                struct json_object *metrics = json_object_object_get(*ret, "metrics");
                if (metrics) {
                        json_object_object_add(metrics, "placed", json_object_new_int64(v.placed));
                        json_object_object_add(metrics, "upper_bound",
                                               v.has_upper_bound ? json_object_new_int64(v.upper_bound) : NULL);
                }
                store_version_clear(&v);
        }
        schedule_free(schedule);
        return 0;
}

/* The what-ifs' data sets are read (or there were none): the answer, on the loop. The state
 * may have moved on meanwhile (an import, a publication), so everything else is read now. */
static void read_answered(struct daemon *daemon, void *userdata, int error, const char *read_why,
                          struct school *const *schools) {
        struct version_read *read = userdata;
        struct school *what_if[2] = { NULL, NULL };
        struct json_object *answer = NULL;
        char why[WHY_MAX] = "";
        int r = error;
        if (r < 0) {
                why_set(why, r, "%s", read_why);
        } else {
                for (size_t i = 0; i < read->n_what_ifs; i++)
                        for (size_t k = 0; k < read->n_slots[i]; k++)
                                what_if[read->slots[i][k]] = schools[i];
                r = read->diff ? answer_diff(daemon, read, what_if, &answer, why)
                               : answer_show(daemon, read, what_if, &answer, why);
        }
        read->done(read->userdata, r, why, answer);
        free(read);
}

/* Answers read now when it names no what-if; else hands the what-ifs' data sets to a worker
 * thread and answers when they are read. */
static int read_start(struct daemon *daemon, struct version_read *read, char why[static WHY_MAX]) {
        int r = 0;
        for (size_t slot = 0; slot < (read->diff ? 2u : 1u) && r >= 0; slot++) {
                bool what_if = false;
                if ((r = is_what_if(daemon, read->versions[slot], &what_if, why)) < 0 || !what_if)
                        continue;
                size_t i = 0;
                while (i < read->n_what_ifs && read->what_ifs[i] != read->versions[slot])
                        i++;
                if (i == read->n_what_ifs)
                        read->what_ifs[read->n_what_ifs++] = read->versions[slot];
                read->slots[i][read->n_slots[i]++] = slot;
        }
        if (r >= 0 && read->n_what_ifs == 0) {
                struct school *none[2] = { NULL, NULL };
                struct json_object *answer = NULL;
                if ((r = read->diff ? answer_diff(daemon, read, none, &answer, why)
                                    : answer_show(daemon, read, none, &answer, why)) >= 0)
                        read->done(read->userdata, 0, NULL, answer);
        } else if (r >= 0) {
                r = what_if_read_start(daemon, read->what_ifs, read->n_what_ifs, read_answered, read, why);
                if (r >= 0)
                        return 0; /* read is read_answered()'s */
        }
        free(read);
        return r;
}

int versions_diff(struct daemon *daemon, int64_t from, int64_t to, versions_answer_fn done, void *userdata,
                  char why[static WHY_MAX]) {
        int r;
        if (!daemon->school)
                return why_set(why, -ENODATA, "nothing imported yet: pullout import DIR, then pullout solve");
        if (from == 0 && daemon->schedule)
                from = daemon->schedule->version;
        if (to == 0) {
                if ((r = store_version_newest_draft(daemon->store, &to)) < 0)
                        return storage_failed(daemon, r, "read the versions", why);
                if (to == 0)
                        return why_set(why, -ENOENT, "no draft to compare: run pullout solve, or name two versions");
        }
        struct version_read *read = calloc(1, sizeof *read);
        if (!read)
                return why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
        *read = (struct version_read){ .done = done, .userdata = userdata, .diff = true, .versions = { from, to } };
        return read_start(daemon, read, why);
}

int versions_show(struct daemon *daemon, int64_t version, versions_answer_fn done, void *userdata,
                  char why[static WHY_MAX]) {
        if (!daemon->school)
                return why_set(why, -ENODATA, "nothing imported yet: pullout import DIR, then pullout solve");
        struct version_read *read = calloc(1, sizeof *read);
        if (!read)
                return why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
        *read = (struct version_read){ .done = done, .userdata = userdata, .versions = { version, 0 } };
        return read_start(daemon, read, why);
}

int versions_load(struct daemon *daemon) {
        int64_t version = 0;
        struct store_version v = { 0 };
        int r = store_version_published(daemon->store, &version);
        if (r < 0 || version == 0)
                return r;
        if ((r = store_version_get(daemon->store, version, &v)) < 0)
                return r;
        civil_date from;
        if (v.from && date_parse(v.from, &from) >= 0)
                daemon->published_from = from;
        store_version_clear(&v);
        return 0;
}
