/* schedule-service.h: the published schedule (DESIGN §4): storing a new version and making it
 * current, reading it (as JSON or a picture), explaining it, and the changes a person makes by
 * hand (pin, unpin, move), each checked and scored with the configured weights, as a solve is.
 * Errors as why.h says. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

#include "service/why.h"

struct daemon;
struct schedule;

/* 0 when a schedule is published; else why not yet (nothing imported, only drafts, or no
 * solve at all), with what to run next. */
int schedule_required(struct daemon *daemon, char why[static WHY_MAX]);

/* The schedule of everyone (kind ""), of one interventionist ("staff"), of one homeroom
 * teacher's students ("teacher") or of one student ("student", not for the picture). */
int schedule_show(struct daemon *daemon, const char *kind, const char *id, struct json_object **ret,
                  char why[static WHY_MAX]);
/* The week grid as SVG (malloc'd). */
int schedule_picture(struct daemon *daemon, const char *kind, const char *id, char **ret_svg,
                     char why[static WHY_MAX]);
/* Why a student's sessions sit where they do, or why not. */
int schedule_explain(struct daemon *daemon, const char *student_id, struct json_object **ret,
                     char why[static WHY_MAX]);
/* Keeps (or stops keeping) a group through re-solves. */
int schedule_pin(struct daemon *daemon, const char *group_id, bool pinned, char why[static WHY_MAX]);
/* Moves a group to days (letters of MTWRF) at start (HH:MM) when that breaks no rule, as a new
 * version with the group pinned, published from from (as versions_publish_now); answered with
 * the new version's summary and what the week in progress loses ("this_week"). A move that breaks
 * rules is -EEXIST with every rule, one a line, in *ret_detail (malloc'd). */
int schedule_move(struct daemon *daemon, const char *group_id, const char *days, const char *start, const char *from,
                  struct json_object **ret, char **ret_detail, char why[static WHY_MAX]);
