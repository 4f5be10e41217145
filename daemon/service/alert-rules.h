/* alert-rules.h: when the coordinator hears of something (DESIGN §6): a missed session, a
 * student's dosage under the threshold, a group's fidelity under it, repeated misses, and a
 * progress decision a team must act on. */
#pragma once

struct daemon;

/* An occurrence of a cause (key), inside the caller's transaction: a new open alert, whose
 * Alert signal and alert command are queued for the commit (1), or one more on the cause's
 * alert not resolved, which takes the new message (0); -errno (store_error says why). The ids
 * may be NULL. */
int alerts_raise(struct daemon *daemon, const char *kind, const char *key, const char *session_id,
                 const char *student_id, const char *group_id, const char *staff_id, const char *message);
/* The cause went away: its alert not resolved is resolved (1), or there was none (0). */
int alerts_resolve(struct daemon *daemon, const char *key);
/* The group's missed_session alert from its sessions nobody logged: resolved when none is
 * left, else updated; occurred names the session just found unlogged (an occurrence) or is NULL. */
int alerts_check_group_missed(struct daemon *daemon, const char *group_id, const char *staff_id,
                              const char *occurred);
/* After a change to a session's state (inside its transaction): the fidelity of its group that
 * week, its unlogged sessions, and the dosage and recorded absences of each of its students. */
int alerts_check_session(struct daemon *daemon, const char *session_id);
