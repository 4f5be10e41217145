/* http.c: the feed server: a listener and bufferevents on the loop, requests parsed by
 * http-request.c. Not evhttp: libevent 2.1's evhttp shows a connection to its user only once a
 * request is complete, so connections that never finish one could not be counted, given a
 * deadline or closed to make room; and its listener, out of descriptors, logged and retried
 * accept() in a busy loop. Here every accepted connection is counted by the cap; a request head
 * must be complete within http.header_timeout of the connection's first byte of it (or of the
 * accept); an idle keep-alive connection is closed when a new one needs its place (as nginx
 * does); at the cap the listener pauses and new connections wait in the kernel's queue; and
 * when accept() fails (EMFILE, ENFILE...) the listener pauses with a backoff, one log line a
 * pause. */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "http-parse.h"
#include "http-request.h"
#include "http.h"
#include "log.h"
#include "service/feed-service.h"

#define HTTP_MAX_HEADERS_BYTES 8192
#define HTTP_ADDRESS_MAX 128
#define ACCEPT_BACKOFF_FIRST_MS 100
#define ACCEPT_BACKOFF_MAX_MS 5000

struct http_conn {
        struct http_server *server;
        struct bufferevent *bev;
        struct event *deadline;
        bool idle;    /* served a request, waiting for the next with nothing of it read */
        bool closing; /* close once the answer is written */
        struct http_conn *prev, *next; /* oldest first */
};

struct http_server {
        struct daemon *daemon;
        struct evconnlistener *listener;
        struct event *resume; /* ends an accept() failure's pause */
        struct http_conn *first, *last;
        size_t n_connections;
        bool paused_full;    /* at the cap with no idle connection to close */
        bool paused_failing; /* accept() failed: waiting out the backoff */
        int backoff_ms;
};

static size_t cap_of(struct http_server *server) {
        int cap = server->daemon->conf.http_max_connections;
        return cap > 0 ? (size_t)cap : 1;
}

static void listener_update(struct http_server *server) {
        if (server->paused_full || server->paused_failing)
                evconnlistener_disable(server->listener);
        else
                evconnlistener_enable(server->listener);
}

static void conn_free(struct http_conn *conn) {
        struct http_server *server = conn->server;
        if (conn->prev)
                conn->prev->next = conn->next;
        else
                server->first = conn->next;
        if (conn->next)
                conn->next->prev = conn->prev;
        else
                server->last = conn->prev;
        server->n_connections--;
        bufferevent_free(conn->bev);
        event_free(conn->deadline);
        free(conn);
        if (server->paused_full && server->n_connections < cap_of(server)) {
                server->paused_full = false;
                listener_update(server);
        }
}

static struct http_conn *oldest_idle(struct http_server *server) {
        for (struct http_conn *conn = server->first; conn; conn = conn->next)
                if (conn->idle)
                        return conn;
        return NULL;
}

static void arm_deadline(struct http_conn *conn, int seconds) {
        struct timeval tv = { .tv_sec = seconds };
        event_add(conn->deadline, &tv);
}

static void on_deadline(evutil_socket_t fd, short what, void *userdata) {
        (void)fd, (void)what;
        conn_free(userdata);
}

/* Queues the answer; the connection stays open for the next request when both sides want it. */
static void respond(struct http_conn *conn, const struct http_request *request, int code, const char *reason,
                    const char *headers, const char *body, size_t size, bool has_body) {
        if (!request || !request->keep_alive)
                conn->closing = true;
        char date[HTTP_DATE_SIZE];
        http_date_format(time(NULL), date);
        struct evbuffer *out = bufferevent_get_output(conn->bev);
        evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nDate: %s\r\nConnection: %s\r\n%s", code, reason, date,
                            conn->closing ? "close" : "keep-alive", headers ? headers : "");
        if (has_body)
                evbuffer_add_printf(out, "Content-Length: %zu\r\n", size);
        evbuffer_add(out, "\r\n", 2);
        if (has_body && body && (!request || request->method != HTTP_METHOD_HEAD))
                evbuffer_add(out, body, size);
}

static void reply_text(struct http_conn *conn, const struct http_request *request, int code, const char *reason,
                       const char *text) {
        respond(conn, request, code, reason, "Content-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n",
                text, strlen(text), true);
}

static void serve_feed(struct http_conn *conn, const struct http_request *request, const char *token, size_t length) {
        struct daemon *daemon = conn->server->daemon;
        struct feed *feed = feeds_lookup_token(daemon, token, length);
        if (!feed) {
                reply_text(conn, request, 404, "Not Found", "no such feed (revoked, rotated or mistyped)\n");
                return;
        }
        int r = feeds_content(daemon, feed);
        if (r == -ENOENT || r == -ENODATA) {
                reply_text(conn, request, 404, "Not Found",
                           r == -ENOENT ? "this feed's subject is no longer in the data set\n"
                                        : "nothing imported yet\n");
                return;
        }
        if (r < 0) {
                log_error("http: cannot build feed %lld: %s", (long long)feed->row.id,
                          r == -EIO ? store_error(daemon->store) : strerror(-r));
                reply_text(conn, request, 500, "Internal Server Error", "the feed could not be built\n");
                return;
        }
        feeds_note_fetch(daemon, feed);

        char last_modified[HTTP_DATE_SIZE];
        http_date_format((time_t)feed->last_modified, last_modified);
        char headers[512];
        snprintf(headers, sizeof headers,
                 "ETag: %s\r\nLast-Modified: %s\r\nCache-Control: private, max-age=0, must-revalidate\r\n"
                 "X-Content-Type-Options: nosniff\r\n",
                 feed->etag, last_modified);

        /* If-None-Match wins; If-Modified-Since counts only without it and only when parseable. */
        bool not_modified;
        time_t since;
        if (request->if_none_match)
                not_modified = http_etag_matches(request->if_none_match, feed->etag);
        else
                not_modified = request->if_modified_since && http_date_parse(request->if_modified_since, &since) == 0 &&
                               (time_t)feed->last_modified <= since;
        if (not_modified) {
                respond(conn, request, 304, "Not Modified", headers, NULL, 0, false);
                return;
        }
        strncat(headers, "Content-Type: text/calendar; charset=utf-8\r\n", sizeof headers - strlen(headers) - 1);
        /* Copied into the output: the cache may be rebuilt before the bytes are written. */
        respond(conn, request, 200, "OK", headers, feed->bytes, feed->size, true);
}

static void serve(struct http_conn *conn, const struct http_request *request) {
        const char *token = NULL;
        size_t length = 0;
        if (request->method == HTTP_METHOD_OTHER) {
                respond(conn, request, 405, "Method Not Allowed",
                        "Allow: GET, HEAD\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n",
                        "only GET and HEAD\n", strlen("only GET and HEAD\n"), true);
                return;
        }
        switch (http_route_path(request->path, &token, &length)) {
        case HTTP_ROUTE_HEALTH:
                reply_text(conn, request, 200, "OK", "ok\n");
                break;
        case HTTP_ROUTE_FEED:
                serve_feed(conn, request, token, length);
                break;
        default:
                reply_text(conn, request, 404, "Not Found", "not found\n");
                break;
        }
}

/* Answers the request whose head is complete in the input, if one is; one at a time. */
static void on_read(struct bufferevent *bev, void *userdata) {
        struct http_conn *conn = userdata;
        struct evbuffer *in = bufferevent_get_input(bev);
        if (conn->closing || evbuffer_get_length(bufferevent_get_output(bev)) > 0)
                return; /* the last answer first; its write callback comes back here */
        size_t available = evbuffer_get_length(in);
        if (available == 0)
                return;
        if (conn->idle) {
                /* The next request has begun: it has the header deadline, not the idle one. */
                conn->idle = false;
                arm_deadline(conn, conn->server->daemon->conf.http_header_timeout_seconds);
        }
        struct evbuffer_ptr end = evbuffer_search(in, "\n\r\n", 3, NULL);
        struct evbuffer_ptr bare = evbuffer_search(in, "\n\n", 2, NULL);
        size_t head_length = 0;
        if (end.pos >= 0)
                head_length = (size_t)end.pos + 3;
        if (bare.pos >= 0 && (head_length == 0 || (size_t)bare.pos + 2 < head_length))
                head_length = (size_t)bare.pos + 2;
        if (head_length == 0 || head_length > HTTP_MAX_HEADERS_BYTES) {
                if (head_length > HTTP_MAX_HEADERS_BYTES || available > HTTP_MAX_HEADERS_BYTES) {
                        evbuffer_drain(in, available);
                        reply_text(conn, NULL, 431, "Request Header Fields Too Large", "request header too large\n");
                        bufferevent_disable(bev, EV_READ);
                }
                return;
        }
        char head[HTTP_MAX_HEADERS_BYTES + 1];
        evbuffer_remove(in, head, head_length);
        head[head_length] = '\0';
        event_del(conn->deadline);
        struct http_request request;
        if (http_request_parse(head, head_length, &request) < 0) {
                evbuffer_drain(in, evbuffer_get_length(in));
                reply_text(conn, NULL, 400, "Bad Request", "bad request\n");
                bufferevent_disable(bev, EV_READ);
                return;
        }
        if (request.has_body) {
                /* No request of ours has a body: answer, then close rather than read it. */
                request.keep_alive = false;
                evbuffer_drain(in, evbuffer_get_length(in));
        }
        serve(conn, &request);
        if (conn->closing)
                bufferevent_disable(bev, EV_READ);
}

/* The answer is written: close, or wait idle for the next request (which may be read already). */
static void on_written(struct bufferevent *bev, void *userdata) {
        struct http_conn *conn = userdata;
        if (conn->closing) {
                conn_free(conn);
                return;
        }
        conn->idle = true;
        arm_deadline(conn, conn->server->daemon->conf.http_timeout_seconds);
        struct http_server *server = conn->server;
        if (server->paused_full) {
                /* An idle connection can make room: listen again. */
                server->paused_full = false;
                listener_update(server);
        }
        if (evbuffer_get_length(bufferevent_get_input(bev)) > 0)
                on_read(bev, conn);
}

static void on_event(struct bufferevent *bev, short what, void *userdata) {
        struct http_conn *conn = userdata;
        if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
            evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
                /* A client that closed its side after the request still gets the answer. */
                conn->closing = true;
                bufferevent_disable(bev, EV_READ);
                return;
        }
        if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
                conn_free(conn);
}

static int conn_new(struct http_server *server, evutil_socket_t fd) {
        struct http_conn *conn = calloc(1, sizeof *conn);
        if (!conn)
                return -ENOMEM;
        struct event_base *base = server->daemon->base;
        conn->server = server;
        conn->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
        conn->deadline = evtimer_new(base, on_deadline, conn);
        if (!conn->bev || !conn->deadline) {
                if (conn->bev)
                        bufferevent_free(conn->bev);
                else
                        close(fd);
                if (conn->deadline)
                        event_free(conn->deadline);
                free(conn);
                return -ENOMEM;
        }
        bufferevent_setcb(conn->bev, on_read, on_written, on_event, conn);
        /* A client that stops reading its answer is cut off like an idle one. */
        struct timeval write_timeout = { .tv_sec = server->daemon->conf.http_timeout_seconds };
        bufferevent_set_timeouts(conn->bev, NULL, &write_timeout);
        bufferevent_enable(conn->bev, EV_READ);
        arm_deadline(conn, server->daemon->conf.http_header_timeout_seconds);
        conn->prev = server->last;
        if (server->last)
                server->last->next = conn;
        else
                server->first = conn;
        server->last = conn;
        server->n_connections++;
        return 0;
}

int http_serve_fd(struct daemon *daemon, int fd) {
        struct http_server *server = daemon->http;
        if (!server) {
                close(fd);
                return -ENOTCONN;
        }
        evutil_make_socket_nonblocking(fd);
        return conn_new(server, fd);
}

static void on_accept(struct evconnlistener *listener, evutil_socket_t fd, struct sockaddr *address, int length,
                      void *userdata) {
        (void)listener, (void)address, (void)length;
        struct http_server *server = userdata;
        server->backoff_ms = 0;
        if (server->n_connections >= cap_of(server)) {
                struct http_conn *idle = oldest_idle(server);
                if (idle)
                        conn_free(idle);
        }
        if (conn_new(server, fd) < 0)
                log_error("http: out of memory for a connection");
        if (server->n_connections >= cap_of(server) && !oldest_idle(server)) {
                /* Full of busy connections: the next wait in the kernel's queue. */
                server->paused_full = true;
                listener_update(server);
        }
}

static void on_resume(evutil_socket_t fd, short what, void *userdata) {
        (void)fd, (void)what;
        struct http_server *server = userdata;
        server->paused_failing = false;
        listener_update(server);
}

/* accept() failed for a reason other than a retry: out of descriptors, most likely. An idle
 * connection is closed to free one, and the listener rests instead of failing in a loop. */
static void on_accept_error(struct evconnlistener *listener, void *userdata) {
        (void)listener;
        struct http_server *server = userdata;
        int error = EVUTIL_SOCKET_ERROR();
        struct http_conn *idle = oldest_idle(server);
        if (idle)
                conn_free(idle);
        server->backoff_ms = server->backoff_ms ? server->backoff_ms * 2 : ACCEPT_BACKOFF_FIRST_MS;
        if (server->backoff_ms > ACCEPT_BACKOFF_MAX_MS)
                server->backoff_ms = ACCEPT_BACKOFF_MAX_MS;
        log_warning("http: cannot accept a connection (%s) with %zu open: not accepting for %d ms",
                    evutil_socket_error_to_string(error), server->n_connections, server->backoff_ms);
        server->paused_failing = true;
        listener_update(server);
        struct timeval tv = { .tv_sec = server->backoff_ms / 1000, .tv_usec = server->backoff_ms % 1000 * 1000 };
        event_add(server->resume, &tv);
}

/* "127.0.0.1:8470", "[::1]:8470", "0.0.0.0:8470". */
static int split_listen(const char *listen, char address[static HTTP_ADDRESS_MAX], unsigned *ret_port) {
        const char *colon = strrchr(listen, ':');
        if (!colon || colon == listen)
                return -EINVAL;
        const char *start = listen, *end = colon;
        if (*start == '[') {
                if (end[-1] != ']')
                        return -EINVAL;
                start++;
                end--;
        }
        if (end <= start || (size_t)(end - start) >= HTTP_ADDRESS_MAX)
                return -EINVAL;
        char *tail;
        unsigned long port = strtoul(colon + 1, &tail, 10);
        if (*tail || !colon[1] || port > 65535)
                return -EINVAL;
        snprintf(address, HTTP_ADDRESS_MAX, "%.*s", (int)(end - start), start);
        *ret_port = (unsigned)port;
        return 0;
}

int http_start(struct daemon *daemon) {
        char address[HTTP_ADDRESS_MAX];
        unsigned port;
        int r = split_listen(daemon->conf.listen, address, &port);
        struct sockaddr_storage sa = { 0 };
        int sa_length = 0;
        struct sockaddr_in *v4 = (struct sockaddr_in *)&sa;
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&sa;
        if (r == 0 && inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
                v4->sin_family = AF_INET;
                v4->sin_port = htons((uint16_t)port);
                sa_length = sizeof *v4;
        } else if (r == 0 && inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
                v6->sin6_family = AF_INET6;
                v6->sin6_port = htons((uint16_t)port);
                sa_length = sizeof *v6;
        }
        if (sa_length == 0) {
                log_error("http: listen address \"%s\" is not ADDRESS:PORT", daemon->conf.listen);
                return -EINVAL;
        }
        struct http_server *server = calloc(1, sizeof *server);
        if (!server)
                return -ENOMEM;
        server->daemon = daemon;
        server->resume = evtimer_new(daemon->base, on_resume, server);
        errno = 0;
        server->listener = server->resume ? evconnlistener_new_bind(daemon->base, on_accept, server,
                                                                    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC |
                                                                            LEV_OPT_REUSEABLE,
                                                                    -1, (struct sockaddr *)&sa, sa_length)
                                          : NULL;
        if (!server->listener) {
                r = errno ? -errno : -EADDRNOTAVAIL;
                log_error("http: cannot listen on %s: %s", daemon->conf.listen, strerror(-r));
                if (server->resume)
                        event_free(server->resume);
                free(server);
                return r;
        }
        evconnlistener_set_error_cb(server->listener, on_accept_error);
        daemon->http = server;
        log_info("http: serving feeds on %s", daemon->conf.listen);
        return 0;
}

void http_stop(struct daemon *daemon) {
        struct http_server *server = daemon->http;
        if (!server)
                return;
        while (server->first)
                conn_free(server->first);
        evconnlistener_free(server->listener);
        event_free(server->resume);
        free(server);
        daemon->http = NULL;
}
