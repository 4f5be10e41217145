/* alert-command.c: the optional alert command (like cron's MAILTO): /bin/sh -c COMMAND with the
 * alert as JSON on stdin, one child at a time, watched from the loop (SIGCHLD as a libevent
 * event), killed when it overruns its time, retried later when it fails. */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "service/sessions-internal.h"

#define ALERT_COMMAND_ATTEMPTS_MAX 5
#define ALERT_COMMAND_RETRY_SECONDS 60

static void on_child(evutil_socket_t fd, short what, void *userdata);

static void on_timeout(evutil_socket_t fd, short what, void *userdata) {
        struct daemon *daemon = userdata;
        struct sessions_runtime *rt = daemon->sessions;
        if (!rt || rt->child <= 0)
                return;
        rt->child_timed_out = true;
        /* The whole process group: a shell pipeline leaves no stragglers. */
        kill(-rt->child, SIGKILL);
        kill(rt->child, SIGKILL);
}

static void on_retry(evutil_socket_t fd, short what, void *userdata) {
        alert_command_kick(userdata);
}

static void finished(struct daemon *daemon, int status) {
        struct sessions_runtime *rt = daemon->sessions;
        int64_t id = rt->child_alert;
        bool ok = !rt->child_timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        rt->child = 0;
        evtimer_del(rt->child_timeout);
        if (ok) {
                sql_run(daemon, "UPDATE alerts SET command_state = 'done', command_attempts = command_attempts + 1"
                                " WHERE id = ?", "i", id);
                log_debug("alert %lld: alert command succeeded", (long long)id);
        } else {
                int attempts = (int)sql_int(daemon, 0, "SELECT command_attempts FROM alerts WHERE id = ?", "i", id) + 1;
                bool give_up = attempts >= ALERT_COMMAND_ATTEMPTS_MAX;
                time_t next = clock_now(&daemon->clock) + (time_t)ALERT_COMMAND_RETRY_SECONDS * (1 << (attempts - 1));
                sql_run(daemon, "UPDATE alerts SET command_state = ?, command_attempts = ?, command_next_at = ?"
                                " WHERE id = ?", "tdii", give_up ? "failed" : "pending", attempts, (int64_t)next, id);
                if (rt->child_timed_out)
                        log_warning("alert %lld: the alert command ran longer than %lld s and was killed%s",
                                    (long long)id, daemon->conf.alert_command_timeout_seconds,
                                    give_up ? "; giving up" : "; will retry");
                else if (WIFEXITED(status))
                        log_warning("alert %lld: the alert command exited with status %d%s", (long long)id,
                                    WEXITSTATUS(status), give_up ? "; giving up" : "; will retry");
                else
                        log_warning("alert %lld: the alert command died of signal %d%s", (long long)id,
                                    WIFSIGNALED(status) ? WTERMSIG(status) : 0, give_up ? "; giving up" : "; will retry");
        }
        alert_command_kick(daemon);
}

static void on_child(evutil_socket_t fd, short what, void *userdata) {
        struct daemon *daemon = userdata;
        struct sessions_runtime *rt = daemon->sessions;
        int status = 0;
        if (!rt || rt->child <= 0)
                return;
        pid_t pid = waitpid(rt->child, &status, WNOHANG);
        if (pid == rt->child)
                finished(daemon, status);
}

static int spawn(struct daemon *daemon, int64_t id, const char *document) {
        struct sessions_runtime *rt = daemon->sessions;
        int input[2];
        if (pipe2(input, O_CLOEXEC) < 0)
                return -errno;
        pid_t pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(input[0]);
                close(input[1]);
                return r;
        }
        if (pid == 0) {
                setpgid(0, 0);
                signal(SIGPIPE, SIG_DFL);
                sigset_t none;
                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                dup2(input[0], STDIN_FILENO);
                execl("/bin/sh", "sh", "-c", daemon->conf.alert_command, (char *)NULL);
                _exit(127);
        }
        close(input[0]);
        /* An alert is a few hundred bytes, far below a pipe's buffer: this never blocks. */
        fcntl(input[1], F_SETFL, O_NONBLOCK);
        size_t length = strlen(document);
        if (write(input[1], document, length) != (ssize_t)length || write(input[1], "\n", 1) != 1)
                log_warning("alert %lld: could not hand the whole alert to the alert command", (long long)id);
        close(input[1]);
        rt->child = pid;
        rt->child_alert = id;
        rt->child_timed_out = false;
        struct timeval tv = { .tv_sec = daemon->conf.alert_command_timeout_seconds > 0
                                                ? (time_t)daemon->conf.alert_command_timeout_seconds
                                                : 30 };
        evtimer_add(rt->child_timeout, &tv);
        /* It may have exited before the SIGCHLD event was looking. */
        on_child(-1, 0, daemon);
        return 0;
}

void alert_command_kick(struct daemon *daemon) {
        struct sessions_runtime *rt = daemon->sessions;
        if (!rt || !daemon->base || rt->child > 0 || !daemon->conf.alert_command || !daemon->conf.alert_command[0])
                return;
        if (!rt->child_event) {
                rt->child_event = evsignal_new(daemon->base, SIGCHLD, on_child, daemon);
                rt->child_timeout = evtimer_new(daemon->base, on_timeout, daemon);
                rt->retry_timer = evtimer_new(daemon->base, on_retry, daemon);
                if (!rt->child_event || !rt->child_timeout || !rt->retry_timer ||
                    evsignal_add(rt->child_event, NULL) < 0) {
                        log_error("alert command: cannot watch child processes");
                        return;
                }
        }
        time_t now = clock_now(&daemon->clock);
        sqlite3_stmt *stmt = NULL;
        if (sql_prepare(daemon, &stmt,
                        "SELECT id, document, command_next_at FROM alerts WHERE command_state = 'pending'"
                        " ORDER BY command_next_at, id LIMIT 1", "") < 0)
                return;
        if (sqlite3_step(stmt) == SQLITE_ROW) {
                int64_t id = sqlite3_column_int64(stmt, 0);
                time_t next = (time_t)sqlite3_column_int64(stmt, 2);
                if (next <= now) {
                        int r = spawn(daemon, id, sql_text(stmt, 1));
                        if (r < 0)
                                log_error("alert %lld: cannot start the alert command: %s", (long long)id,
                                          strerror(-r));
                } else if (!daemon->clock.manual) {
                        struct timeval tv = { .tv_sec = next - now };
                        evtimer_add(rt->retry_timer, &tv);
                }
        }
        sqlite3_finalize(stmt);
}

void alert_command_stop(struct daemon *daemon) {
        struct sessions_runtime *rt = daemon->sessions;
        if (!rt)
                return;
        if (rt->child > 0) {
                kill(-rt->child, SIGKILL);
                kill(rt->child, SIGKILL);
                waitpid(rt->child, NULL, 0);
                rt->child = 0;
        }
        if (rt->child_event)
                event_free(rt->child_event);
        if (rt->child_timeout)
                event_free(rt->child_timeout);
        if (rt->retry_timer)
                event_free(rt->retry_timer);
        rt->child_event = rt->child_timeout = rt->retry_timer = NULL;
}
