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

#include "daemon.h"
#include "log.h"
#include "service/alert-command.h"
#include "service/alert-digest.h"
#include "service/local-time.h"
#include "store/alert-store.h"

#define ALERT_COMMAND_ATTEMPTS_MAX 5
#define ALERT_COMMAND_RETRY_SECONDS 60

struct alert_command {
        pid_t child; /* at most one at a time */
        int64_t child_alert;
        bool child_timed_out;
        struct event *child_event; /* SIGCHLD */
        struct event *child_timeout;
        struct event *retry_timer;
        struct event *digest_timer; /* the next digest, on a real clock */
        bool digest_wanted; /* due while another child ran: next when it ends */
        struct store_alert *digest; /* what the running digest reports (child_alert 0) */
        size_t n_digest;
};

static int spawn(struct daemon *daemon, int64_t id, const char *document);

/* Hands the digest to the command now; nothing to report is no run. */
static void start_digest(struct daemon *daemon) {
        struct alert_command *rt = daemon->alert_command;
        rt->digest_wanted = false;
        struct store_alert *alerts = NULL;
        size_t n = 0;
        struct json_object *doc = alert_digest_build(daemon, &alerts, &n);
        if (!doc)
                return;
        int r = spawn(daemon, 0, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
        json_object_put(doc);
        if (r < 0) {
                log_error("alert digest: cannot start the alert command: %s", strerror(-r));
                store_alerts_free(alerts, n);
                return;
        }
        log_info("alert digest: %zu alert%s handed to the alert command", n, n == 1 ? "" : "s");
        rt->digest = alerts;
        rt->n_digest = n;
}

static void digest_finished(struct daemon *daemon, bool ok) {
        struct alert_command *rt = daemon->alert_command;
        if (ok)
                alert_digest_done(daemon, rt->digest, rt->n_digest, true);
        else
                log_warning("alert digest: the alert command failed; its alerts go in the next digest");
        store_alerts_free(rt->digest, rt->n_digest);
        rt->digest = NULL;
        rt->n_digest = 0;
}

static void on_child(evutil_socket_t fd, short what, void *userdata);

static void on_timeout(evutil_socket_t fd, short what, void *userdata) {
        struct daemon *daemon = userdata;
        struct alert_command *rt = daemon->alert_command;
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
        struct alert_command *rt = daemon->alert_command;
        int64_t id = rt->child_alert;
        bool ok = !rt->child_timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        rt->child = 0;
        evtimer_del(rt->child_timeout);
        if (id == 0) {
                digest_finished(daemon, ok);
        } else if (ok) {
                if (store_alert_command_done(daemon->store, id) < 0)
                        log_warning("alert %lld: cannot record that the alert command ran: %s", (long long)id,
                                    store_error(daemon->store));
                log_debug("alert %lld: alert command succeeded", (long long)id);
        } else {
                struct store_alert alert = { 0 };
                /* The attempts so far are the alert's; a failed read counts this one only. */
                int attempts = store_alert_get(daemon->store, id, &alert) >= 0 ? alert.command_attempts + 1 : 1;
                store_alert_clear(&alert);
                bool give_up = attempts >= ALERT_COMMAND_ATTEMPTS_MAX;
                time_t next = clock_now(&daemon->clock) + (time_t)ALERT_COMMAND_RETRY_SECONDS * (1 << (attempts - 1));
                if (store_alert_command_failed(daemon->store, id, attempts, give_up, (int64_t)next) < 0)
                        log_warning("alert %lld: cannot record the alert command's failure: %s", (long long)id,
                                    store_error(daemon->store));
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
        struct alert_command *rt = daemon->alert_command;
        int status = 0;
        if (!rt || rt->child <= 0)
                return;
        pid_t pid = waitpid(rt->child, &status, WNOHANG);
        if (pid == rt->child)
                finished(daemon, status);
}

static int ensure_runtime(struct daemon *daemon);

static void on_digest_timer(evutil_socket_t fd, short what, void *userdata) {
        alert_digest_run_due(userdata);
        alert_command_kick(userdata);
}

int alert_digest_run_due(struct daemon *daemon) {
        time_t next = alert_digest_next(daemon);
        if (next == 0 || next > clock_now(&daemon->clock))
                return 0;
        int r = ensure_runtime(daemon);
        if (r < 0)
                return r;
        /* The day is made once, whatever follows: the manual clock's loop moves on. */
        char today[11];
        date_format(local_date_of(clock_now(&daemon->clock), NULL), today);
        alert_digest_done(daemon, NULL, 0, false);
        char last[11] = "";
        if (store_alert_digest_last(daemon->store, last) < 0 || strcmp(last, today) != 0)
                return -EIO;
        if (daemon->alert_command->child > 0)
                daemon->alert_command->digest_wanted = true;
        else
                start_digest(daemon);
        return 1;
}

static int spawn(struct daemon *daemon, int64_t id, const char *document) {
        struct alert_command *rt = daemon->alert_command;
        int input[2];
        if (!rt)
                return -ENOMEM;
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

static int ensure_runtime(struct daemon *daemon) {
        if (!daemon->base)
                return -ENXIO;
        if (!daemon->alert_command && !(daemon->alert_command = calloc(1, sizeof *daemon->alert_command)))
                return -ENOMEM;
        struct alert_command *rt = daemon->alert_command;
        if (!rt->child_event) {
                rt->child_event = evsignal_new(daemon->base, SIGCHLD, on_child, daemon);
                rt->child_timeout = evtimer_new(daemon->base, on_timeout, daemon);
                rt->retry_timer = evtimer_new(daemon->base, on_retry, daemon);
                rt->digest_timer = evtimer_new(daemon->base, on_digest_timer, daemon);
                if (!rt->child_event || !rt->child_timeout || !rt->retry_timer || !rt->digest_timer ||
                    evsignal_add(rt->child_event, NULL) < 0) {
                        log_error("alert command: cannot watch child processes");
                        return -ENOMEM;
                }
        }
        return 0;
}

void alert_command_kick(struct daemon *daemon) {
        if (!daemon->base || !daemon->conf.alert_command || !daemon->conf.alert_command[0])
                return;
        if (ensure_runtime(daemon) < 0)
                return;
        struct alert_command *rt = daemon->alert_command;
        time_t now = clock_now(&daemon->clock);
        /* The next digest, on a real clock (a manual one moves only with ClockAdvance, which
         * makes the digests it passes). */
        time_t digest = alert_digest_next(daemon);
        evtimer_del(rt->digest_timer);
        if (digest && !daemon->clock.manual) {
                struct timeval tv = { .tv_sec = digest > now ? digest - now : 0, .tv_usec = 1000 };
                evtimer_add(rt->digest_timer, &tv);
        }
        if (rt->child > 0)
                return;
        if (rt->digest_wanted) {
                start_digest(daemon);
                if (rt->child > 0)
                        return;
        }
        struct store_alert alert = { 0 };
        int r = store_alert_next_command(daemon->store, &alert);
        if (r < 0)
                log_warning("alert command: cannot read the pending alerts: %s", store_error(daemon->store));
        if (r <= 0)
                return;
        if (alert.command_next_at <= (int64_t)now) {
                r = spawn(daemon, alert.id, alert.document ? alert.document : "");
                if (r < 0)
                        log_error("alert %lld: cannot start the alert command: %s", (long long)alert.id, strerror(-r));
        } else if (!daemon->clock.manual) {
                struct timeval tv = { .tv_sec = (time_t)alert.command_next_at - now };
                evtimer_add(rt->retry_timer, &tv);
        }
        store_alert_clear(&alert);
}

void alert_command_stop(struct daemon *daemon) {
        struct alert_command *rt = daemon->alert_command;
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
        if (rt->digest_timer)
                event_free(rt->digest_timer);
        store_alerts_free(rt->digest, rt->n_digest);
        free(rt);
        daemon->alert_command = NULL;
}
