/* svg.h: the pictures a team meeting looks at, as SVG text written into a buffer: a student's
 * progress graph and the week grid of a schedule. Pure: no I/O. */
#pragma once

#include "model/schedule.h"
#include "progress/progress.h"
#include "model/textbuf.h"

/* The progress graph: dated points, aimline, trend line, phase-change lines labelled with the
 * intervention, the goal, axes; lines differ by dash pattern and markers by shape so that it
 * reads printed in grey. title may be NULL. 0, -EINVAL (no points and no goal: nothing to
 * scale) or -ENOMEM (from the buffer, see textbuf_steal). */
int progress_svg(const char *title, const struct progress_input *input, const struct progress_result *result,
                 struct textbuf *buf);

struct schedule_svg_options {
        int teacher; /* index into school.teachers: that teacher's version; -1: the interventionists' */
        int staff; /* with teacher -1: only this interventionist; -1: all */
        const char *title; /* NULL: the school's name */
};

/* The week grid: days across, school time down, each interventionist's sessions (a lane each)
 * coloured by program with the students' initials; or, for a teacher, their homeroom's
 * timetable with their students' pull-outs beside it. 0, -EINVAL or -ENOMEM. */
int schedule_svg(const struct schedule *schedule, const struct schedule_svg_options *options, struct textbuf *buf);

/* "Maya Lopez" → "ML" (at most 3 letters; UTF-8 lead bytes kept whole). */
void svg_initials(const char *name, char buf[static 16]);
