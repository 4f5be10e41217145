/* alert-rules.h: when the coordinator hears of something (DESIGN §6): a missed session, a
 * student's dosage under the threshold, a group's fidelity under it, repeated misses, and a
 * progress decision a team must act on. */
#pragma once

struct daemon;

/* Raises the alert of a cause (key) once, inside the caller's transaction, and queues its
 * Alert signal and the alert command for the commit. The ids may be NULL. 1 when raised, 0
 * when the cause had its alert already, or -errno (store_error says why). */
int alerts_raise(struct daemon *daemon, const char *kind, const char *key, const char *session_id,
                 const char *student_id, const char *group_id, const char *staff_id, const char *message);
/* After a change to a session's state (inside its transaction): the fidelity of its group that
 * week, and the dosage and misses of each of its students. */
int alerts_check_session(struct daemon *daemon, const char *session_id);
