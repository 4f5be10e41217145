/* schedule-svg.c: the week as a picture for a wall or a staff meeting: days across, school
 * time down; the interventionists' version (a lane each) and a teacher's version. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress/svg.h"

#define GRID_LEFT 60 /* time labels */
#define GRID_TOP 96 /* title, day names, lane names */
#define MINUTE_PX 1.6
#define LANE_MIN_WIDTH 84
#define DAY_MIN_WIDTH 170
#define TIMETABLE_WIDTH 112 /* a teacher's own blocks, left in each day column */

/* Light fills that differ in grey value too; the program id is written in every box anyway. */
static const char *const schedule_palette[] = {
        "#8dd3c7", "#fdb462", "#bebada", "#fb8072", "#80b1d3", "#ffffb3",
        "#b3de69", "#fccde5", "#bc80bd", "#ccebc5", "#ffed6f", "#d9d9d9",
};
#define PALETTE_SIZE (sizeof schedule_palette / sizeof schedule_palette[0])

void svg_initials(const char *name, char buf[static 16]) {
        size_t out = 0;
        const char *words[8];
        size_t n_words = 0;
        for (const char *p = name; *p && n_words < 8; p++)
                if ((p == name || p[-1] == ' ' || p[-1] == '-') && *p != ' ' && *p != '-')
                        words[n_words++] = p;
        /* First, (middle,) last: three letters at most. */
        size_t picks[3], n_picks = 0;
        if (n_words > 0)
                picks[n_picks++] = 0;
        if (n_words > 2)
                picks[n_picks++] = 1;
        if (n_words > 1)
                picks[n_picks++] = n_words - 1;
        if (n_words > 3)
                n_picks = 2, picks[1] = n_words - 1;
        for (size_t i = 0; i < n_picks; i++) {
                const unsigned char *p = (const unsigned char *)words[picks[i]];
                size_t length = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
                for (size_t k = 0; k < length && p[k] && out < 15; k++)
                        buf[out++] = (char)p[k];
        }
        buf[out] = 0;
}

struct schedule_layout {
        const struct school *school;
        int day_start, day_end;
        int day_width, lane_width, lane_offset; /* lane_offset: where lanes start in a day */
        size_t n_lanes;
        int width, height, grid_bottom;
};

static double schedule_y(const struct schedule_layout *layout, int minutes) {
        return GRID_TOP + (minutes - layout->day_start) * MINUTE_PX;
}

static int schedule_day_x(const struct schedule_layout *layout, int day) {
        return GRID_LEFT + day * layout->day_width;
}

static void schedule_header(struct textbuf *buf, const struct schedule_layout *layout, const char *title) {
        textbuf_printf(buf,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                      "font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
                      "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n<title>",
                      layout->width, layout->height, layout->width, layout->height);
        textbuf_append_xml(buf, title);
        textbuf_printf(buf, "</title>\n<text x=\"%d\" y=\"28\" font-size=\"20\" font-weight=\"bold\">", GRID_LEFT);
        textbuf_append_xml(buf, title);
        textbuf_append(buf, "</text>\n");
}

static void schedule_grid(struct textbuf *buf, const struct schedule_layout *layout) {
        textbuf_append(buf, "<g class=\"grid\" font-size=\"11\" fill=\"#333\">\n");
        int first = (layout->day_start + 29) / 30 * 30;
        for (int t = first; t <= layout->day_end; t += 30) {
                double y = schedule_y(layout, t);
                char label[6];
                textbuf_printf(buf, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>\n",
                              GRID_LEFT, y, GRID_LEFT + DAY_COUNT * layout->day_width, y, t % 60 ? "#eee" : "#ccc");
                if (t % 60 == 0)
                        textbuf_printf(buf, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", GRID_LEFT - 6, y + 4,
                                      time_format(t, label));
        }
        for (int day = 0; day < DAY_COUNT; day++) {
                int x = schedule_day_x(layout, day);
                textbuf_printf(buf,
                              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%.1f\" fill=\"none\" stroke=\"#333\" "
                              "stroke-width=\"1.2\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"bold\" "
                              "text-anchor=\"middle\">%s</text>\n",
                              x, GRID_TOP, layout->day_width, (layout->day_end - layout->day_start) * MINUTE_PX,
                              x + layout->day_width / 2, GRID_TOP - 30, weekday_name(day));
        }
        textbuf_append(buf, "</g>\n");
}

/* A session box; lines of text are added only while they fit the box. */
static void schedule_box(struct textbuf *buf, double x, double y, double width, double height, const char *fill,
                         const char *const *lines, size_t n_lines, const char *tooltip) {
        textbuf_printf(buf,
                      "<g class=\"session\"><title>");
        textbuf_append_xml(buf, tooltip);
        textbuf_printf(buf,
                      "</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"3\" fill=\"%s\" "
                      "stroke=\"#222\" stroke-width=\"1\"/>\n",
                      x + 2, y + 1, width - 4, height - 2, fill);
        size_t chars = (size_t)((width - 10) / 6.3);
        for (size_t i = 0; i < n_lines && 14.0 + 12.0 * (double)i <= height - 2; i++) {
                char piece[64];
                snprintf(piece, chars + 1 < sizeof piece ? chars + 1 : sizeof piece, "%s", lines[i]);
                textbuf_printf(buf, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\"%s>", x + 6, y + 13 + 12.0 * (double)i,
                              i == 0 ? 11 : 10, i == 0 ? " font-weight=\"bold\"" : "");
                textbuf_append_xml(buf, piece);
                textbuf_append(buf, "</text>\n");
        }
        textbuf_append(buf, "</g>\n");
}

/* The students of a group (only the teacher's, when teacher >= 0) as initials (with_room:
 * "ML@101", the homeroom's room), lines that fit. */
static size_t schedule_initials_lines(const struct school *school, const struct group *group, int teacher,
                                      bool with_room, size_t chars, char lines[][64], size_t max_lines) {
        size_t n = 0;
        lines[0][0] = 0;
        for (size_t i = 0; i < group->n_needs; i++) {
                const struct student *student = &school->students[school->needs[group->needs[i]].student];
                if (teacher >= 0 && student->teacher != teacher)
                        continue;
                char initials[32];
                svg_initials(student->name, initials);
                /* An interventionist's picture says where each student comes from. */
                const char *room = with_room && student->teacher >= 0 ? school->teachers[student->teacher].room : NULL;
                if (room && *room) {
                        size_t length = strlen(initials);
                        snprintf(initials + length, sizeof initials - length, "@%.12s", room);
                }
                size_t used = strlen(lines[n]);
                if (used > 0 && used + 1 + strlen(initials) > chars) {
                        if (n + 1 >= max_lines)
                                break;
                        lines[++n][0] = 0;
                        used = 0;
                }
                snprintf(lines[n] + used, 64 - used, "%s%s", used ? " " : "", initials);
        }
        return lines[0][0] ? n + 1 : 0;
}

/* "; collect ML from Aiden Walker, room 101; ..." after the tooltip's first used bytes. */
static void schedule_where_tooltip(const struct school *school, const struct group *group, char *tooltip,
                                   size_t size, size_t used) {
        for (size_t i = 0; i < group->n_needs && used < size; i++) {
                const struct student *student = &school->students[school->needs[group->needs[i]].student];
                if (student->teacher < 0)
                        continue;
                const struct teacher *homeroom = &school->teachers[student->teacher];
                char initials[16];
                svg_initials(student->name, initials);
                int n = snprintf(tooltip + used, size - used, "%s %s from %s%s%s", i ? ";" : "; collect", initials,
                                 homeroom->name, homeroom->room && *homeroom->room ? ", room " : "",
                                 homeroom->room ? homeroom->room : "");
                if (n < 0)
                        return;
                used += (size_t)n;
        }
}

/* How wide a legend entry is: swatch, "ID: name" at about 7 px a character, a gap. */
static int schedule_legend_entry_width(const struct program *program) {
        return 24 + 7 * (int)(strlen(program->id) + 2 + strlen(program->name)) + 24;
}

/* Rows the program legend takes at this width (the same flow schedule_legend uses). */
static int schedule_legend_rows(const struct school *school, const bool *used_programs, int width) {
        int x = GRID_LEFT, rows = 1;
        for (size_t p = 0; p < school->n_programs; p++) {
                if (!used_programs[p])
                        continue;
                int entry = schedule_legend_entry_width(&school->programs[p]);
                if (x > GRID_LEFT && x + entry > width) {
                        x = GRID_LEFT;
                        rows++;
                }
                x += entry;
        }
        return rows;
}

static void schedule_legend(struct textbuf *buf, const struct schedule_layout *layout, const bool *used_programs,
                            const char *const *lane_notes, size_t n_lane_notes) {
        const struct school *school = layout->school;
        int x = GRID_LEFT, y = layout->grid_bottom + 28;
        textbuf_append(buf, "<g class=\"legend\" font-size=\"12\" fill=\"#000\">\n");
        for (size_t p = 0; p < school->n_programs; p++) {
                if (!used_programs[p])
                        continue;
                int entry = schedule_legend_entry_width(&school->programs[p]);
                if (x > GRID_LEFT && x + entry > layout->width) {
                        x = GRID_LEFT;
                        y += 22;
                }
                textbuf_printf(buf,
                              "<rect x=\"%d\" y=\"%d\" width=\"18\" height=\"14\" fill=\"%s\" stroke=\"#222\"/>"
                              "<text x=\"%d\" y=\"%d\">",
                              x, y - 11, schedule_palette[p % PALETTE_SIZE], x + 24, y);
                textbuf_append_xml(buf, school->programs[p].id);
                textbuf_append(buf, ": ");
                textbuf_append_xml(buf, school->programs[p].name);
                textbuf_append(buf, "</text>\n");
                x += entry;
        }
        y += 26;
        for (size_t i = 0; i < n_lane_notes; i++, y += 18) {
                textbuf_printf(buf, "<text x=\"%d\" y=\"%d\">", GRID_LEFT, y);
                textbuf_append_xml(buf, lane_notes[i]);
                textbuf_append(buf, "</text>\n");
        }
        textbuf_append(buf, "</g>\n");
}

static int schedule_svg_staff(const struct schedule *schedule, const struct schedule_svg_options *options,
                              struct textbuf *buf) {
        const struct school *school = schedule->school;
        int r = -ENOMEM;
        int *lane_of_staff = malloc((school->n_staff + 1) * sizeof *lane_of_staff);
        bool *used_programs = calloc(school->n_programs + 1, sizeof *used_programs);
        char (*notes)[160] = calloc(school->n_staff + 1, sizeof *notes);
        const char **note_pointers = calloc(school->n_staff + 1, sizeof *note_pointers);
        if (!lane_of_staff || !used_programs || !notes || !note_pointers)
                goto finish;

        struct schedule_layout layout = { .school = school, .day_start = school->info.day_start,
                                          .day_end = school->info.day_end };
        for (size_t s = 0; s < school->n_staff; s++)
                lane_of_staff[s] = -1;
        /* A lane for every interventionist with a group (or the one asked for), in data-set order. */
        for (size_t s = 0; s < school->n_staff; s++) {
                if (options->staff >= 0 && (int)s != options->staff)
                        continue;
                bool teaches = options->staff == (int)s;
                for (size_t g = 0; g < schedule->n_groups && !teaches; g++)
                        teaches = schedule->groups[g].staff == (int)s;
                if (!teaches)
                        continue;
                snprintf(notes[layout.n_lanes], sizeof notes[0], "lane %zu: %s (%s)", layout.n_lanes + 1,
                         school->staff[s].name, school->staff[s].id);
                note_pointers[layout.n_lanes] = notes[layout.n_lanes];
                lane_of_staff[s] = (int)layout.n_lanes++;
        }
        size_t lanes = layout.n_lanes ? layout.n_lanes : 1;
        layout.lane_width = LANE_MIN_WIDTH;
        layout.day_width = (int)lanes * LANE_MIN_WIDTH > DAY_MIN_WIDTH ? (int)lanes * LANE_MIN_WIDTH : DAY_MIN_WIDTH;
        layout.lane_width = layout.day_width / (int)lanes;
        layout.width = GRID_LEFT + DAY_COUNT * layout.day_width + 20;
        layout.grid_bottom = (int)schedule_y(&layout, layout.day_end);
        for (size_t g = 0; g < schedule->n_groups; g++)
                if (lane_of_staff[schedule->groups[g].staff] >= 0)
                        used_programs[schedule->groups[g].program] = true;
        layout.height = layout.grid_bottom + 40 + 22 * schedule_legend_rows(school, used_programs, layout.width) +
                        18 * (int)layout.n_lanes + 20;

        char title[200];
        if (options->title)
                snprintf(title, sizeof title, "%s", options->title);
        else if (options->staff >= 0)
                snprintf(title, sizeof title, "%s: week of sessions", school->staff[options->staff].name);
        else
                snprintf(title, sizeof title, "%s: interventionists' week", school->info.name ? school->info.name : "School");
        schedule_header(buf, &layout, title);
        schedule_grid(buf, &layout);

        /* Lane names under each day. */
        for (int day = 0; day < DAY_COUNT; day++)
                for (size_t s = 0; s < school->n_staff; s++) {
                        if (lane_of_staff[s] < 0)
                                continue;
                        char initials[16];
                        svg_initials(school->staff[s].name, initials);
                        int x = schedule_day_x(&layout, day) + lane_of_staff[s] * layout.lane_width;
                        if (lane_of_staff[s] > 0)
                                textbuf_printf(buf,
                                              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\" "
                                              "stroke-dasharray=\"3 3\"/>\n",
                                              x, GRID_TOP, x, layout.grid_bottom);
                        textbuf_printf(buf, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">",
                                      x + layout.lane_width / 2, GRID_TOP - 8);
                        textbuf_append_xml(buf, initials);
                        textbuf_append(buf, "</text>\n");
                }

        for (size_t g = 0; g < schedule->n_groups; g++) {
                const struct group *group = &schedule->groups[g];
                int lane = lane_of_staff[group->staff];
                if (lane < 0)
                        continue;
                const struct program *program = &school->programs[group->program];
                char text_lines[5][64];
                snprintf(text_lines[0], sizeof text_lines[0], "%s %s", program->id, group->id);
                size_t n = 1 + schedule_initials_lines(school, group, -1, options->staff >= 0,
                                                       (size_t)((layout.lane_width - 10) / 6.3), &text_lines[1], 4);
                const char *lines[5];
                for (size_t i = 0; i < n; i++)
                        lines[i] = text_lines[i];
                for (size_t m = 0; m < group->n_meetings; m++) {
                        const struct meeting *meeting = &group->meetings[m];
                        char tooltip[1024], start[6], end[6];
                        int used = snprintf(tooltip, sizeof tooltip, "%s %s-%s: %s (%s) with %s",
                                            weekday_name(meeting->day), time_format(meeting->start, start),
                                            time_format(meeting->end, end), program->name, group->id,
                                            school->staff[group->staff].name);
                        if (options->staff >= 0)
                                schedule_where_tooltip(school, group, tooltip, sizeof tooltip, (size_t)used);
                        schedule_box(buf, schedule_day_x(&layout, meeting->day) + lane * layout.lane_width,
                                     schedule_y(&layout, meeting->start), layout.lane_width,
                                     (meeting->end - meeting->start) * MINUTE_PX,
                                     schedule_palette[group->program % (int)PALETTE_SIZE], lines, n, tooltip);
                }
        }
        schedule_legend(buf, &layout, used_programs, note_pointers, layout.n_lanes);
        textbuf_append(buf, "</svg>\n");
        r = buf->failed ? -ENOMEM : 0;
finish:
        free(lane_of_staff);
        free(used_programs);
        free(notes);
        free(note_pointers);
        return r;
}

static const char *const schedule_policy_fills[POLICY_COUNT] = {
        [POLICY_NEVER] = "#c8c8c8", [POLICY_AVOID] = "#e4e4e4", [POLICY_OK] = "#f6f6f6", [POLICY_PREFERRED] = "#ffffff",
};

struct schedule_placed {
        int group, meeting, lane;
};

static int schedule_svg_teacher(const struct schedule *schedule, const struct schedule_svg_options *options,
                                struct textbuf *buf) {
        const struct school *school = schedule->school;
        int teacher = options->teacher;
        int r = -ENOMEM;
        size_t n_placed = 0, n_lanes = 0;
        struct schedule_placed *placed = calloc(schedule->n_groups * MEETINGS_MAX + 1, sizeof *placed);
        bool *used_programs = calloc(school->n_programs + 1, sizeof *used_programs);
        if (!placed || !used_programs)
                goto finish;

        /* Greedy lanes per day: a pull-out takes the first lane free at its start. */
        for (size_t g = 0; g < schedule->n_groups; g++) {
                const struct group *group = &schedule->groups[g];
                bool ours = false;
                for (size_t i = 0; i < group->n_needs && !ours; i++)
                        ours = school->students[school->needs[group->needs[i]].student].teacher == teacher;
                if (!ours)
                        continue;
                used_programs[group->program] = true;
                for (size_t m = 0; m < group->n_meetings; m++) {
                        const struct meeting *meeting = &group->meetings[m];
                        int lane = 0;
                        for (bool clash = true; clash; lane += clash) {
                                clash = false;
                                for (size_t k = 0; k < n_placed && !clash; k++) {
                                        const struct meeting *other =
                                                &schedule->groups[placed[k].group].meetings[placed[k].meeting];
                                        clash = placed[k].lane == lane && other->day == meeting->day &&
                                                other->start < meeting->end && meeting->start < other->end;
                                }
                        }
                        placed[n_placed++] = (struct schedule_placed){ (int)g, (int)m, lane };
                        if ((size_t)lane + 1 > n_lanes)
                                n_lanes = (size_t)lane + 1;
                }
        }

        struct schedule_layout layout = { .school = school, .day_start = school->info.day_start,
                                          .day_end = school->info.day_end, .lane_offset = TIMETABLE_WIDTH };
        size_t lanes = n_lanes ? n_lanes : 1;
        layout.lane_width = 96;
        layout.day_width = TIMETABLE_WIDTH + (int)lanes * layout.lane_width;
        layout.width = GRID_LEFT + DAY_COUNT * layout.day_width + 20;
        layout.grid_bottom = (int)schedule_y(&layout, layout.day_end);
        layout.height = layout.grid_bottom + 40 + 22 * schedule_legend_rows(school, used_programs, layout.width) +
                        18 * 2 + 20;

        char title[200], grade[4] = "K";
        if (school->teachers[teacher].grade != GRADE_K)
                snprintf(grade, sizeof grade, "%d", school->teachers[teacher].grade);
        if (options->title)
                snprintf(title, sizeof title, "%s", options->title);
        else
                snprintf(title, sizeof title, "%s (grade %s): pull-outs of the week", school->teachers[teacher].name,
                         grade);
        schedule_header(buf, &layout, title);
        schedule_grid(buf, &layout);

        for (int day = 0; day < DAY_COUNT; day++) {
                int x = schedule_day_x(&layout, day);
                textbuf_printf(buf,
                              "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">class</text>"
                              "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">pulled out</text>\n"
                              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n",
                              x + TIMETABLE_WIDTH / 2, GRID_TOP - 8, x + TIMETABLE_WIDTH + (int)lanes * layout.lane_width / 2,
                              GRID_TOP - 8, x + TIMETABLE_WIDTH, GRID_TOP, x + TIMETABLE_WIDTH, layout.grid_bottom);
        }
        /* The homeroom's own timetable, shaded by how much a pull-out costs there. */
        for (size_t b = 0; b < school->n_blocks; b++) {
                const struct block *block = &school->blocks[b];
                if (block->teacher != teacher)
                        continue;
                for (int day = 0; day < DAY_COUNT; day++) {
                        if (!(block->days & (1u << day)))
                                continue;
                        const char *lines[2] = { subject_names[block->subject], policy_names[block->policy] };
                        char tooltip[160], start[6], end[6];
                        snprintf(tooltip, sizeof tooltip, "%s %s-%s: %s (%s)", weekday_name(day),
                                 time_format(block->start, start), time_format(block->end, end),
                                 block->activity ? block->activity : subject_names[block->subject],
                                 policy_names[block->policy]);
                        schedule_box(buf, schedule_day_x(&layout, day), schedule_y(&layout, block->start), TIMETABLE_WIDTH,
                                     (block->end - block->start) * MINUTE_PX, schedule_policy_fills[block->policy], lines, 2,
                                     tooltip);
                }
        }
        for (size_t k = 0; k < n_placed; k++) {
                const struct group *group = &schedule->groups[placed[k].group];
                const struct meeting *meeting = &group->meetings[placed[k].meeting];
                const struct program *program = &school->programs[group->program];
                char text_lines[5][64], staff_initials[16];
                svg_initials(school->staff[group->staff].name, staff_initials);
                snprintf(text_lines[0], sizeof text_lines[0], "%s (%s)", program->id, staff_initials);
                size_t n = 1 + schedule_initials_lines(school, group, teacher, false, (size_t)((layout.lane_width - 10) / 6.3),
                                                       &text_lines[1], 4);
                const char *lines[5];
                for (size_t i = 0; i < n; i++)
                        lines[i] = text_lines[i];
                char tooltip[200], start[6], end[6];
                snprintf(tooltip, sizeof tooltip, "%s %s-%s: %s with %s", weekday_name(meeting->day),
                         time_format(meeting->start, start), time_format(meeting->end, end), program->name,
                         school->staff[group->staff].name);
                schedule_box(buf, schedule_day_x(&layout, meeting->day) + TIMETABLE_WIDTH + placed[k].lane * layout.lane_width,
                             schedule_y(&layout, meeting->start), layout.lane_width, (meeting->end - meeting->start) * MINUTE_PX,
                             schedule_palette[group->program % (int)PALETTE_SIZE], lines, n, tooltip);
        }
        const char *notes[] = {
                "class column: the homeroom's timetable, darker = fewer pull-outs allowed (never, avoid, ok, preferred)",
                "boxes: program (interventionist's initials) and the students' initials",
        };
        schedule_legend(buf, &layout, used_programs, notes, 2);
        textbuf_append(buf, "</svg>\n");
        r = buf->failed ? -ENOMEM : 0;
finish:
        free(placed);
        free(used_programs);
        return r;
}

int schedule_svg(const struct schedule *schedule, const struct schedule_svg_options *options, struct textbuf *buf) {
        const struct school *school = schedule->school;
        if (!school || school->info.day_end <= school->info.day_start ||
            (options->teacher >= 0 && (size_t)options->teacher >= school->n_teachers) ||
            (options->staff >= 0 && (size_t)options->staff >= school->n_staff))
                return -EINVAL;
        if (options->teacher >= 0)
                return schedule_svg_teacher(schedule, options, buf);
        return schedule_svg_staff(schedule, options, buf);
}
