/* http.c: evhttp serving cached feed bytes. libevent 2.1 has no connection cap, so connections
 * are counted here from their first request to their close callback; over the cap a new one
 * gets 503 and is closed. One that never completes a request is closed by the timeout. */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "http-parse.h"
#include "http.h"
#include "log.h"
#include "service/feed-service.h"

#define HTTP_MAX_HEADERS_BYTES 8192
#define HTTP_MAX_BODY_BYTES 4096
#define HTTP_ADDRESS_MAX 128

struct http_server {
        struct daemon *daemon;
        struct evhttp *evhttp;
        struct evhttp_bound_socket *bound;
        /* connections that have made a request, each until evhttp closes it */
        struct evhttp_connection **connections;
        size_t n_connections;
        size_t allocated;
};

static void connection_closed(struct evhttp_connection *connection, void *userdata) {
        struct http_server *server = userdata;
        for (size_t i = 0; i < server->n_connections; i++) {
                if (server->connections[i] == connection) {
                        server->connections[i] = server->connections[--server->n_connections];
                        break;
                }
        }
}

/* Counts the request's connection in; false when the cap is reached and it is new. */
static bool admit_connection(struct http_server *server, struct evhttp_request *request) {
        struct evhttp_connection *connection = evhttp_request_get_connection(request);
        if (!connection)
                return true;
        for (size_t i = 0; i < server->n_connections; i++)
                if (server->connections[i] == connection)
                        return true;
        size_t cap = server->daemon->conf.http_max_connections > 0 ? (size_t)server->daemon->conf.http_max_connections
                                                                    : 1;
        if (server->n_connections >= cap)
                return false;
        if (server->n_connections == server->allocated) {
                size_t grown = server->allocated ? server->allocated * 2 : 64;
                struct evhttp_connection **bigger = realloc(server->connections, grown * sizeof *bigger);
                if (!bigger)
                        return false;
                server->connections = bigger;
                server->allocated = grown;
        }
        server->connections[server->n_connections++] = connection;
        evhttp_connection_set_closecb(connection, connection_closed, server);
        return true;
}

static void reply_text(struct evhttp_request *request, int code, const char *reason, const char *text) {
        struct evkeyvalq *headers = evhttp_request_get_output_headers(request);
        evhttp_add_header(headers, "Content-Type", "text/plain; charset=utf-8");
        evhttp_add_header(headers, "Cache-Control", "no-store");
        if (evhttp_request_get_command(request) == EVHTTP_REQ_HEAD) {
                char length[24];
                snprintf(length, sizeof length, "%zu", strlen(text));
                evhttp_add_header(headers, "Content-Length", length);
                evhttp_send_reply(request, code, reason, NULL);
                return;
        }
        struct evbuffer *body = evbuffer_new();
        if (body)
                evbuffer_add(body, text, strlen(text));
        evhttp_send_reply(request, code, reason, body);
        if (body)
                evbuffer_free(body);
}

static void serve_feed(struct http_server *server, struct evhttp_request *request, const char *token, size_t length) {
        struct daemon *daemon = server->daemon;
        struct feed *feed = feeds_lookup_token(daemon, token, length);
        if (!feed) {
                reply_text(request, HTTP_NOTFOUND, "Not Found", "no such feed (revoked, rotated or mistyped)\n");
                return;
        }
        int r = feeds_content(daemon, feed);
        if (r == -ENOENT || r == -ENODATA) {
                reply_text(request, HTTP_NOTFOUND, "Not Found",
                           r == -ENOENT ? "this feed's subject is no longer in the data set\n"
                                        : "nothing imported yet\n");
                return;
        }
        if (r < 0) {
                log_error("http: cannot build feed %lld: %s", (long long)feed->row.id,
                          r == -EIO ? store_error(daemon->store) : strerror(-r));
                reply_text(request, HTTP_INTERNAL, "Internal Server Error", "the feed could not be built\n");
                return;
        }
        feeds_note_fetch(daemon, feed);

        struct evkeyvalq *in = evhttp_request_get_input_headers(request);
        struct evkeyvalq *out = evhttp_request_get_output_headers(request);
        char last_modified[HTTP_DATE_SIZE];
        http_date_format((time_t)feed->last_modified, last_modified);
        evhttp_add_header(out, "ETag", feed->etag);
        evhttp_add_header(out, "Last-Modified", last_modified);
        evhttp_add_header(out, "Cache-Control", "private, max-age=0, must-revalidate");
        evhttp_add_header(out, "X-Content-Type-Options", "nosniff");

        /* If-None-Match wins; If-Modified-Since counts only without it and only when parseable. */
        const char *if_none_match = evhttp_find_header(in, "If-None-Match");
        const char *if_modified_since = evhttp_find_header(in, "If-Modified-Since");
        bool not_modified;
        time_t since;
        if (if_none_match)
                not_modified = http_etag_matches(if_none_match, feed->etag);
        else
                not_modified = if_modified_since && http_date_parse(if_modified_since, &since) == 0 &&
                               (time_t)feed->last_modified <= since;
        if (not_modified) {
                evhttp_send_reply(request, HTTP_NOTMODIFIED, "Not Modified", NULL);
                return;
        }
        evhttp_add_header(out, "Content-Type", "text/calendar; charset=utf-8");
        if (evhttp_request_get_command(request) == EVHTTP_REQ_HEAD) {
                char size[24];
                snprintf(size, sizeof size, "%zu", feed->size);
                evhttp_add_header(out, "Content-Length", size);
                evhttp_send_reply(request, HTTP_OK, "OK", NULL);
                return;
        }
        struct evbuffer *body = evbuffer_new();
        if (!body) {
                evhttp_send_error(request, HTTP_INTERNAL, NULL);
                return;
        }
        /* The cache outlives the write unless invalidated meanwhile, so copy: a feed is small. */
        evbuffer_add(body, feed->bytes, feed->size);
        evhttp_send_reply(request, HTTP_OK, "OK", body);
        evbuffer_free(body);
}

static void on_request(struct evhttp_request *request, void *userdata) {
        struct http_server *server = userdata;
        enum evhttp_cmd_type method = evhttp_request_get_command(request);
        const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(request);
        const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
        const char *token = NULL;
        size_t length = 0;
        enum http_route route = http_route_path(path, &token, &length);

        if (!admit_connection(server, request)) {
                evhttp_add_header(evhttp_request_get_output_headers(request), "Connection", "close");
                evhttp_add_header(evhttp_request_get_output_headers(request), "Retry-After", "5");
                reply_text(request, HTTP_SERVUNAVAIL, "Service Unavailable", "too many connections; retry\n");
                return;
        }

        if (method != EVHTTP_REQ_GET && method != EVHTTP_REQ_HEAD) {
                evhttp_add_header(evhttp_request_get_output_headers(request), "Allow", "GET, HEAD");
                reply_text(request, 405, "Method Not Allowed", "only GET and HEAD\n");
                return;
        }
        switch (route) {
        case HTTP_ROUTE_HEALTH:
                reply_text(request, HTTP_OK, "OK", "ok\n");
                break;
        case HTTP_ROUTE_FEED:
                serve_feed(server, request, token, length);
                break;
        default:
                reply_text(request, HTTP_NOTFOUND, "Not Found", "not found\n");
                break;
        }
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
        if (r < 0) {
                log_error("http: listen address \"%s\" is not ADDRESS:PORT", daemon->conf.listen);
                return r;
        }
        struct http_server *server = calloc(1, sizeof *server);
        if (!server)
                return -ENOMEM;
        server->daemon = daemon;
        server->evhttp = evhttp_new(daemon->base);
        if (!server->evhttp) {
                free(server);
                return -ENOMEM;
        }
        evhttp_set_max_headers_size(server->evhttp, HTTP_MAX_HEADERS_BYTES);
        evhttp_set_max_body_size(server->evhttp, HTTP_MAX_BODY_BYTES);
        evhttp_set_timeout(server->evhttp, daemon->conf.http_timeout_seconds);
        /* Every method reaches on_request, so others get 405 with Allow rather than 501. */
        evhttp_set_allowed_methods(server->evhttp, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
                                                           EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS |
                                                           EVHTTP_REQ_TRACE | EVHTTP_REQ_PATCH);
        evhttp_set_default_content_type(server->evhttp, "text/plain; charset=utf-8");
        evhttp_set_gencb(server->evhttp, on_request, server);
        server->bound = evhttp_bind_socket_with_handle(server->evhttp, address, (ev_uint16_t)port);
        if (!server->bound) {
                r = errno ? -errno : -EADDRNOTAVAIL;
                log_error("http: cannot listen on %s: %s", daemon->conf.listen, strerror(-r));
                evhttp_free(server->evhttp);
                free(server);
                return r;
        }
        daemon->http = server;
        log_info("http: serving feeds on %s", daemon->conf.listen);
        return 0;
}

void http_stop(struct daemon *daemon) {
        struct http_server *server = daemon->http;
        if (!server)
                return;
        evhttp_free(server->evhttp);
        free(server->connections);
        free(server);
        daemon->http = NULL;
}
