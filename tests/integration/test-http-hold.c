/* test-http-hold.c: nobody can hold the feed server shut. A client trickling a request head is
 * cut at http.header_timeout; idle keep-alive connections make room for a new client at the
 * cap; 2,000 connections against a daemon with few descriptors neither spin it nor flood its
 * log, and it serves again once they go. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static struct harness h;

static void start(const char *conf_text) {
        harness_start_bus(&h);
        char conf[400];
        snprintf(conf, sizeof conf, "%s/pulloutd.conf", h.dir);
        FILE *f = fopen(conf, "we");
        ck_assert_ptr_nonnull(f);
        fputs(conf_text, f);
        ck_assert_int_eq(fclose(f), 0);
        const char *args[] = { "--config", conf, NULL };
        harness_start_daemon(&h, args);
}

static void teardown(void) {
        harness_stop(&h);
}

static double now(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int dial(bool blocking) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0);
        ck_assert_int_ge(fd, 0);
        struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)h.http_port) };
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
        int r = connect(fd, (struct sockaddr *)&address, sizeof address);
        ck_assert_msg(r == 0 || (!blocking && errno == EINPROGRESS), "connect: %s", strerror(errno));
        return fd;
}

/* Reads until the answer's head and ok\n body are in, or EOF, or timeout; the status or 0. */
static int read_status(int fd, double timeout) {
        char answer[2048];
        size_t n = 0;
        double until = now() + timeout;
        while (n < sizeof answer - 1 && now() < until) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                if (poll(&p, 1, 50) <= 0)
                        continue;
                ssize_t got = read(fd, answer + n, sizeof answer - 1 - n);
                if (got <= 0)
                        break;
                n += (size_t)got;
                answer[n] = '\0';
                if (strstr(answer, "\r\n\r\n") && strstr(answer, "ok\n"))
                        break;
        }
        answer[n] = '\0';
        int code = 0;
        sscanf(answer, "HTTP/1.%*d %d", &code);
        return code;
}

static int healthz(const char *connection) {
        int fd = dial(true);
        char request[200];
        int n = snprintf(request, sizeof request, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: %s\r\n\r\n", connection);
        ck_assert_int_eq(write(fd, request, (size_t)n), n);
        int code = read_status(fd, 3);
        close(fd);
        return code;
}

/* A slowloris: one byte of a request head every 300 ms never completes it, and is cut off at
 * the header deadline (evhttp's timeout restarted with each byte and let it stay for good). */
START_TEST(test_a_trickled_request_head_is_cut_at_the_deadline) {
        start("[http]\nheader_timeout = 1s\ntimeout = 30s\n");
        int fd = dial(true);
        const char head[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        double start = now();
        bool closed = false;
        for (size_t i = 0; i < sizeof head - 1 && !closed; i++) {
                if (write(fd, head + i, 1) != 1)
                        closed = true;
                struct pollfd p = { .fd = fd, .events = POLLIN };
                char c;
                if (poll(&p, 1, 300) > 0 && read(fd, &c, 1) <= 0)
                        closed = true;
        }
        double took = now() - start;
        close(fd);
        ck_assert_msg(closed, "a request head trickled for %.1f s was never cut off", took);
        ck_assert_msg(took < 3, "cut off only after %.1f s (header_timeout is 1 s)", took);
        ck_assert_int_eq(healthz("close"), 200);
}
END_TEST

/* At the cap, connections idle between keep-alive requests are closed for a new client (they
 * used to get it 503 for 30 s). */
START_TEST(test_idle_keep_alive_connections_make_room) {
        enum { CAP = 300 };
        start("[http]\nmax_connections = 300\n");
        int fds[CAP];
        for (int i = 0; i < CAP; i++) {
                fds[i] = dial(true);
                const char request[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
                ck_assert_int_eq(write(fds[i], request, sizeof request - 1), (ssize_t)sizeof request - 1);
                ck_assert_int_eq(read_status(fds[i], 3), 200);
        }
        double start = now();
        ck_assert_int_eq(healthz("close"), 200);
        ck_assert_int_eq(healthz("keep-alive"), 200);
        ck_assert_msg(now() - start < 1, "a new client waited %.1f s", now() - start);
        for (int i = 0; i < CAP; i++)
                close(fds[i]);
}
END_TEST

static double cpu_seconds(pid_t pid) {
        char path[64], text[1024];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        FILE *f = fopen(path, "re");
        ck_assert_ptr_nonnull(f);
        size_t n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[n] = '\0';
        unsigned long utime = 0, stime = 0;
        const char *after = strrchr(text, ')');
        ck_assert_int_eq(sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime), 2);
        return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* 2,000 idle connections and a daemon allowed 100 descriptors: accept() fails with EMFILE. The
 * listener pauses with a backoff and says so once a pause (it spun at 100 % CPU and wrote 6.2 M
 * lines in 10 s), and once the connections are gone it serves again. */
START_TEST(test_out_of_descriptors_pauses_the_listener) {
        start("[http]\nmax_connections = 4096\nheader_timeout = 2s\n");
        struct rlimit few = { 100, 100 };
        ck_assert_int_eq(prlimit(h.daemon_pid, RLIMIT_NOFILE, &few, NULL), 0);
        enum { N = 2000 };
        int *fds = malloc(N * sizeof *fds);
        for (int i = 0; i < N; i++)
                fds[i] = dial(false);
        double cpu = cpu_seconds(h.daemon_pid);
        sleep(3);
        double used = cpu_seconds(h.daemon_pid) - cpu;
        int lines = harness_log_count(&h, "cannot accept");
        ck_assert_msg(used < 1.0, "the daemon used %.2f s of CPU in 3 s", used);
        ck_assert_msg(lines >= 1 && lines <= 20, "%d log lines about accept()", lines);
        for (int i = 0; i < N; i++)
                close(fds[i]);
        free(fds);
        bool served = false;
        for (int i = 0; i < 100 && !served; i++) {
                served = healthz("close") == 200;
                if (!served)
                        usleep(100000);
        }
        ck_assert_msg(served, "no answer after the connections went");
}
END_TEST

Suite *suite_http_hold(void) {
        Suite *suite = suite_create("http held");
        TCase *t = tcase_create("holding");
        tcase_set_timeout(t, 60);
        tcase_add_checked_fixture(t, NULL, teardown);
        tcase_add_test(t, test_a_trickled_request_head_is_cut_at_the_deadline);
        tcase_add_test(t, test_idle_keep_alive_connections_make_room);
        tcase_add_test(t, test_out_of_descriptors_pauses_the_listener);
        suite_add_tcase(suite, t);
        return suite;
}
