/* session-dosage.c: tallies of planned and delivered minutes over the stored sessions. */
#include "service/session-dosage.h"
#include "store/session-store.h"

struct student_tally {
        struct dosage_tally tally;
        bool settled_only;
        bool logged_only;
};

static void add_student_row(void *userdata, const struct store_dosage_row *row) {
        struct student_tally *t = userdata;
        bool settled = row->status != SESSION_SCHEDULED && (!t->logged_only || row->status != SESSION_MISSED);
        bool delivered = row->status == SESSION_DELIVERED && row->present == 1;
        /* A cancelled session stays planned: the student still lost those minutes. */
        dosage_add(&t->tally, row->regular && (settled || !(t->settled_only || t->logged_only)), row->planned_minutes, delivered,
                   row->minutes);
}

int session_dosage_student(struct store *store, const char *student_id, const char *group_id, time_t from, time_t to,
                           bool settled_only, struct dosage_tally *ret) {
        struct student_tally t = { .settled_only = settled_only };
        int r = store_sessions_student_dosage(store, student_id, group_id, (int64_t)from, (int64_t)to, add_student_row,
                                              &t);
        if (r < 0)
                return r;
        *ret = t.tally;
        return 0;
}

int session_dosage_student_logged(struct store *store, const char *student_id, const char *group_id, time_t from,
                                  time_t to, struct dosage_tally *ret) {
        struct student_tally t = { .logged_only = true };
        int r = store_sessions_student_dosage(store, student_id, group_id, (int64_t)from, (int64_t)to, add_student_row,
                                              &t);
        if (r < 0)
                return r;
        *ret = t.tally;
        return 0;
}

static void add_group_row(void *userdata, const struct store_dosage_row *row) {
        dosage_add(userdata, row->regular, row->planned_minutes, row->status == SESSION_DELIVERED, row->minutes);
}

int session_dosage_group(struct store *store, const char *group_id, time_t from, time_t to,
                         struct dosage_tally *ret) {
        struct dosage_tally tally = { 0 };
        int r = store_sessions_group_dosage(store, group_id, (int64_t)from, (int64_t)to, add_group_row, &tally);
        if (r < 0)
                return r;
        *ret = tally;
        return 0;
}
