/* feed-json.h: feeds as JSON (`pullout feed list --json`, the answer to feed create and
 * rotate): a feed's record and, once only, its links. */
#pragma once

#include <json-c/json.h>

struct conf;
struct feed;

/* id, subject_kind, subject_id, privacy, created, last_fetched, revoked. */
struct json_object *feed_json(const struct feed *feed);
/* The record with the links a person subscribes with: url, webcal, google and the file name
 * `pullout publish` writes. The only place the token appears. NULL when out of memory. */
struct json_object *feed_links_json(const struct conf *conf, const struct feed *feed, const char *token);
