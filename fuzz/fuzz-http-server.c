/* fuzz-http-server.c: libFuzzer target driving whole requests through the real feed server
 * (http.c and http-request.c on a libevent loop): each input is written into one end of a
 * socketpair served as an accepted connection, pipelined requests and all, and the answers
 * are read until the server closes or has nothing more to say. No feed is stored, so feed
 * paths answer 404; routing, parsing, keep-alive, limits and closing are what is exercised.
 * Build: make fuzz; run: build-fuzz/fuzz-http-server -max_total_time=60 -timeout=2 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "http.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct daemon server_daemon;

static void init(void) {
        server_daemon.base = event_base_new();
        if (!server_daemon.base || conf_init(&server_daemon.conf) < 0)
                abort();
        free(server_daemon.conf.listen);
        server_daemon.conf.listen = strdup("127.0.0.1:0");
        server_daemon.conf.http_header_timeout_seconds = 1;
        if (http_start(&server_daemon) < 0)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (!server_daemon.base)
                init();
        int fds[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) < 0)
                return 0;
        if (http_serve_fd(&server_daemon, fds[0]) < 0) {
                close(fds[1]);
                return 0;
        }
        size_t written = 0;
        bool eof = false;
        char answer[65536];
        /* Write, let the server run, read what it answered; until it closes or goes quiet. */
        for (int round = 0; round < 200 && !eof; round++) {
                if (written < size) {
                        ssize_t n = write(fds[1], data + written, size - written);
                        if (n > 0)
                                written += (size_t)n;
                        else if (n < 0 && errno != EAGAIN)
                                written = size;
                        if (written == size)
                                shutdown(fds[1], SHUT_WR);
                } else if (round == 0) {
                        shutdown(fds[1], SHUT_WR);
                }
                event_base_loop(server_daemon.base, EVLOOP_NONBLOCK);
                bool quiet = true;
                for (;;) {
                        ssize_t n = read(fds[1], answer, sizeof answer);
                        if (n == 0)
                                eof = true;
                        if (n <= 0)
                                break;
                        quiet = false;
                        if (memcmp(answer, "HTTP/1.1 ", n < 9 ? (size_t)n : 9) != 0 && round == 0)
                                abort(); /* every answer starts with a status line */
                }
                if (quiet && written == size && round > 20)
                        break;
        }
        close(fds[1]);
        /* The server sees the close and frees the connection. */
        for (int i = 0; i < 4; i++)
                event_base_loop(server_daemon.base, EVLOOP_NONBLOCK);
        return 0;
}
