/* http.h: the feed server (DESIGN §5): evhttp on the loop, GET and HEAD of /feeds/TOKEN.ics and
 * /healthz, with a connection cap, size limits and timeouts. */
#pragma once

struct daemon;

/* Binds conf.listen ("ADDR:PORT", IPv4 or [IPv6]) and serves. -errno on failure (logged). */
int http_start(struct daemon *daemon);
void http_stop(struct daemon *daemon);
