/* http.h: the feed server (DESIGN §5): bufferevents on the loop, GET and HEAD of /feeds/TOKEN.ics and
 * /healthz, with a connection cap, size limits and timeouts. */
#pragma once

struct daemon;

/* Binds conf.listen ("ADDR:PORT", IPv4 or [IPv6]) and serves. -errno on failure (logged). */
int http_start(struct daemon *daemon);
void http_stop(struct daemon *daemon);
/* Serves one already connected stream socket (the fuzzer's socketpair), as if accepted; the
 * server owns fd from here (closed on failure). 0 or -errno. */
int http_serve_fd(struct daemon *daemon, int fd);
