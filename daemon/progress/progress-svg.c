/* progress-svg.c: the progress graph of DESIGN §6 as SVG. Everything a reader must tell apart
 * is told by shape or dash as well as by colour, because the graph is printed in grey. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "progress/svg.h"

#define SVG_WIDTH 900
#define SVG_HEIGHT 600
#define PLOT_LEFT 70
#define PLOT_RIGHT 700 /* the legend sits right of it */
#define PLOT_TOP 70
#define PLOT_BOTTOM 440

struct progress_scale {
        civil_date first, last; /* x range */
        double low, high, step; /* y range and tick step */
};

static double progress_x(const struct progress_scale *scale, civil_date date) {
        return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * (double)(date - scale->first) / (double)(scale->last - scale->first);
}

static double progress_y(const struct progress_scale *scale, double value) {
        return PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * (value - scale->low) / (scale->high - scale->low);
}

/* 1, 2 or 5 times a power of ten, giving about 6 ticks. */
static double progress_nice_step(double span) {
        double raw = span / 6.0;
        double power = pow(10.0, floor(log10(raw)));
        double fraction = raw / power;
        return (fraction <= 1.0 ? 1.0 : fraction <= 2.0 ? 2.0 : fraction <= 5.0 ? 5.0 : 10.0) * power;
}

static void progress_fit(struct progress_scale *scale, civil_date date, double value, bool *any) {
        if (!*any) {
                scale->first = scale->last = date;
                scale->low = scale->high = value;
                *any = true;
                return;
        }
        if (date < scale->first)
                scale->first = date;
        if (date > scale->last)
                scale->last = date;
        if (value < scale->low)
                scale->low = value;
        if (value > scale->high)
                scale->high = value;
}

static int progress_scale_make(const struct progress_input *input, const struct progress_result *result,
                               struct progress_scale *ret_scale) {
        struct progress_scale scale = { 0 };
        bool any = false;
        for (size_t i = 0; i < result->n_points; i++)
                progress_fit(&scale, result->points[i].date, result->points[i].value, &any);
        if (input->goal) {
                progress_fit(&scale, input->goal->from, input->goal->baseline, &any);
                progress_fit(&scale, input->goal->by, input->goal->target, &any);
        }
        if (!any)
                return -EINVAL;
        for (size_t i = 0; i < input->n_phases; i++)
                progress_fit(&scale, input->phases[i].date, scale.low, &any);
        if (result->trend.valid && result->n_points > 0) {
                double start = progress_line_value(&result->trend, result->points[result->window_first].date);
                double end = progress_line_value(&result->trend, result->points[result->n_points - 1].date);
                progress_fit(&scale, scale.first, start, &any);
                progress_fit(&scale, scale.first, end, &any);
        }
        /* A few days of air on both sides, so the first point is not on the axis. */
        scale.first -= 3;
        scale.last += 3;
        double span = scale.high - scale.low;
        if (span < 1e-9)
                span = fabs(scale.high) > 1 ? fabs(scale.high) / 2 : 1;
        scale.step = progress_nice_step(span);
        /* Scores of fluency and the like are counts: start the axis at 0 when that costs little. */
        double low = floor(scale.low / scale.step) * scale.step;
        if (scale.low >= 0 && low <= (scale.high - low) * 0.35)
                low = 0;
        scale.low = low;
        double highest = scale.high;
        scale.high = ceil(scale.high / scale.step) * scale.step;
        /* Room above the highest mark, so the goal's star is not cut by the frame. */
        if (scale.high - highest < scale.step * 0.25)
                scale.high += scale.step;
        if (scale.high <= scale.low)
                scale.high = scale.low + scale.step;
        *ret_scale = scale;
        return 0;
}

static const char *const progress_month_names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static void progress_short_date(civil_date date, char buf[static 16]) {
        int year, month, day;
        date_to_ymd(date, &year, &month, &day);
        snprintf(buf, 16, "%s %d", progress_month_names[month - 1], day);
}

static void progress_number(double value, char buf[static 32]) {
        if (fabs(value - round(value)) < 1e-9)
                snprintf(buf, 32, "%.0f", value);
        else
                snprintf(buf, 32, "%.1f", value);
}

static void progress_axes(const struct progress_scale *scale, struct textbuf *buf) {
        textbuf_append(buf, "<g class=\"axes\" font-size=\"12\" fill=\"#333\">\n");
        for (double v = scale->low; v <= scale->high + scale->step * 1e-6; v += scale->step) {
                double y = progress_y(scale, v);
                char label[32];
                progress_number(v, label);
                textbuf_printf(buf,
                              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\" stroke-width=\"1\"/>"
                              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                              PLOT_LEFT, y, PLOT_RIGHT, y, PLOT_LEFT - 8, y + 4, label);
        }
        /* Weekly ticks on Mondays; every 2nd or 4th week when the span is long. */
        int weeks = (scale->last - scale->first) / 7 + 1;
        int every = weeks <= 14 ? 1 : weeks <= 28 ? 2 : weeks <= 56 ? 4 : 8;
        civil_date monday = date_week_start(scale->first);
        if (monday < scale->first)
                monday += 7;
        for (int i = 0; monday <= scale->last; monday += 7, i++) {
                double x = progress_x(scale, monday);
                textbuf_printf(buf, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1\"/>\n", x,
                              PLOT_TOP, x, PLOT_BOTTOM + (i % every ? 3 : 6), i % every ? "#f0f0f0" : "#ddd");
                if (i % every)
                        continue;
                char label[16];
                progress_short_date(monday, label);
                textbuf_printf(buf,
                              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-40 %.1f %d)\">%s</text>\n",
                              x + 4, PLOT_BOTTOM + 18, x + 4, PLOT_BOTTOM + 18, label);
        }
        textbuf_printf(buf,
                      "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.2\"/>\n",
                      PLOT_LEFT, PLOT_TOP, PLOT_RIGHT - PLOT_LEFT, PLOT_BOTTOM - PLOT_TOP);
        textbuf_printf(buf, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">week of (Mondays)</text>\n",
                      (PLOT_LEFT + PLOT_RIGHT) / 2, PLOT_BOTTOM + 62);
        textbuf_append(buf, "</g>\n");
}

static void progress_marker_goal(struct textbuf *buf, double x, double y) {
        /* A five-pointed star: unlike any score marker. */
        textbuf_append(buf, "<polygon class=\"goal\" points=\"");
        for (int i = 0; i < 10; i++) {
                double r = i % 2 ? 4.5 : 11.0, a = -M_PI / 2 + i * M_PI / 5;
                textbuf_printf(buf, "%s%.1f,%.1f", i ? " " : "", x + r * cos(a), y + r * sin(a));
        }
        textbuf_append(buf, "\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.8\"/>\n");
}

/* Breaks text into lines of at most width characters at spaces. */
static void progress_wrapped_text(struct textbuf *buf, const char *text, int x, int y, int width, const char *attributes) {
        size_t length = strlen(text), start = 0;
        int line = 0;
        while (start < length) {
                size_t end = start + (size_t)width;
                if (end >= length)
                        end = length;
                else {
                        size_t space = end;
                        while (space > start && text[space] != ' ')
                                space--;
                        if (space > start)
                                end = space;
                }
                char piece[400];
                size_t n = end - start < sizeof piece - 1 ? end - start : sizeof piece - 1;
                memcpy(piece, text + start, n);
                piece[n] = 0;
                textbuf_printf(buf, "<text x=\"%d\" y=\"%d\" %s>", x, y + 16 * line, attributes);
                textbuf_append_xml(buf, piece);
                textbuf_append(buf, "</text>\n");
                line++;
                start = end;
                while (start < length && text[start] == ' ')
                        start++;
        }
}

static void progress_legend(struct textbuf *buf, const struct progress_input *input,
                            const struct progress_result *result) {
        int x = PLOT_RIGHT + 20, y = PLOT_TOP + 10;
        textbuf_printf(buf, "<g class=\"legend\" font-size=\"12\" fill=\"#000\">\n");
        textbuf_printf(buf, "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" fill=\"#000\"/><text x=\"%d\" y=\"%d\">score</text>\n",
                      x + 15, y, x + 36, y + 4);
        y += 22;
        if (result->window_first > 0) {
                textbuf_printf(buf,
                              "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.5\"/>"
                              "<text x=\"%d\" y=\"%d\">score, not judged</text>\n",
                              x + 15, y, x + 36, y + 4);
                y += 22;
        }
        if (result->aimline.valid) {
                textbuf_printf(buf,
                              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\" stroke-width=\"2\" "
                              "stroke-dasharray=\"9 5\"/><text x=\"%d\" y=\"%d\">aimline</text>\n",
                              x, y, x + 30, y, x + 36, y + 4);
                y += 22;
        }
        if (result->trend.valid) {
                textbuf_printf(buf,
                              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" stroke-width=\"3\"/>"
                              "<text x=\"%d\" y=\"%d\">trend (%s)</text>\n",
                              x, y, x + 30, y, x + 36, y + 4, input->method == PROGRESS_TREND_TUKEY ? "Tukey" : "OLS");
                y += 22;
        }
        if (input->goal) {
                progress_marker_goal(buf, x + 15, y);
                textbuf_printf(buf, "<text x=\"%d\" y=\"%d\">goal</text>\n", x + 36, y + 4);
                y += 22;
        }
        if (input->n_phases > 0) {
                textbuf_printf(buf,
                              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\" stroke-width=\"1.5\" "
                              "stroke-dasharray=\"2 4\"/><text x=\"%d\" y=\"%d\">change of intervention</text>\n",
                              x + 15, y - 9, x + 15, y + 9, x + 36, y + 4);
                y += 22;
        }
        y += 12;
        char number[32];
        if (result->aimline.valid) {
                progress_number(round(result->aimline.slope * 100) / 100, number);
                textbuf_printf(buf, "<text x=\"%d\" y=\"%d\">aimline: %s a week</text>\n", x, y, number);
                y += 18;
        }
        if (result->trend.valid) {
                snprintf(number, sizeof number, "%.2f", result->trend.slope);
                textbuf_printf(buf, "<text x=\"%d\" y=\"%d\">trend: %s a week</text>\n", x, y, number);
                y += 18;
        }
        const struct progress_delivery *delivery = &result->delivery;
        if (delivery->dosage_known) {
                textbuf_printf(buf, "<text x=\"%d\" y=\"%d\">dosage: %.0f%% (%s)</text>\n", x, y, delivery->dosage_percent,
                              progress_dosage_band(delivery->dosage_percent));
                y += 18;
        }
        if (delivery->fidelity_known) {
                textbuf_printf(buf, "<text x=\"%d\" y=\"%d\">fidelity: %.0f%%</text>\n", x, y, delivery->fidelity_percent);
                y += 18;
        }
        if (!delivery->dosage_known && !delivery->fidelity_known)
                textbuf_printf(buf, "<text x=\"%d\" y=\"%d\">delivery: unknown</text>\n", x, y);
        textbuf_append(buf, "</g>\n");
}

int progress_svg(const char *title, const struct progress_input *input, const struct progress_result *result,
                 struct textbuf *buf) {
        struct progress_scale scale;
        int r = progress_scale_make(input, result, &scale);
        if (r < 0)
                return r;

        textbuf_printf(buf,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                      "font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
                      "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
                      SVG_WIDTH, SVG_HEIGHT, SVG_WIDTH, SVG_HEIGHT);
        if (title) {
                textbuf_printf(buf, "<title>");
                textbuf_append_xml(buf, title);
                textbuf_printf(buf, "</title>\n<text x=\"%d\" y=\"32\" font-size=\"20\" font-weight=\"bold\">", PLOT_LEFT);
                textbuf_append_xml(buf, title);
                textbuf_append(buf, "</text>\n");
        }
        progress_axes(&scale, buf);

        /* Phase lines first, so points and lines are drawn over them. */
        for (size_t i = 0; i < input->n_phases; i++) {
                double x = progress_x(&scale, input->phases[i].date);
                char date[16];
                progress_short_date(input->phases[i].date, date);
                textbuf_printf(buf,
                              "<g class=\"phase\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" "
                              "stroke-width=\"1.5\" stroke-dasharray=\"2 4\"/>"
                              "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" font-style=\"italic\" text-anchor=\"end\" "
                              "transform=\"rotate(-90 %.1f %d)\">",
                              x, PLOT_TOP, x, PLOT_BOTTOM, x + 14, PLOT_TOP + 8, x + 14, PLOT_TOP + 8);
                textbuf_append_xml(buf, input->phases[i].label ? input->phases[i].label : "");
                textbuf_printf(buf, " (%s)</text></g>\n", date);
        }

        if (result->aimline.valid) {
                double x1 = progress_x(&scale, input->goal->from), x2 = progress_x(&scale, input->goal->by);
                textbuf_printf(buf,
                              "<line class=\"aimline\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
                              "stroke-width=\"2\" stroke-dasharray=\"9 5\"/>\n",
                              x1, progress_y(&scale, input->goal->baseline), x2, progress_y(&scale, input->goal->target));
                /* The baseline: a square where the aimline starts. */
                textbuf_printf(buf,
                              "<rect class=\"baseline\" x=\"%.1f\" y=\"%.1f\" width=\"9\" height=\"9\" fill=\"#fff\" "
                              "stroke=\"#000\" stroke-width=\"1.5\"/>\n",
                              x1 - 4.5, progress_y(&scale, input->goal->baseline) - 4.5);
        }
        if (result->trend.valid) {
                civil_date from = result->points[result->window_first].date, to = result->points[result->n_points - 1].date;
                textbuf_printf(buf,
                              "<line class=\"trend\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                              "stroke-width=\"3\" stroke-linecap=\"round\"/>\n",
                              progress_x(&scale, from), progress_y(&scale, progress_line_value(&result->trend, from)),
                              progress_x(&scale, to), progress_y(&scale, progress_line_value(&result->trend, to)));
        }
        if (result->n_points > 1) {
                textbuf_append(buf, "<polyline class=\"path\" fill=\"none\" stroke=\"#999\" stroke-width=\"1\" points=\"");
                for (size_t i = 0; i < result->n_points; i++)
                        textbuf_printf(buf, "%s%.1f,%.1f", i ? " " : "", progress_x(&scale, result->points[i].date),
                                      progress_y(&scale, result->points[i].value));
                textbuf_append(buf, "\"/>\n");
        }
        for (size_t i = 0; i < result->n_points; i++) {
                char date[11], value[32];
                bool judged = i >= result->window_first;
                textbuf_printf(buf,
                              "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" stroke=\"#000\" "
                              "stroke-width=\"1.5\"><title>%s: %s</title></circle>\n",
                              progress_x(&scale, result->points[i].date), progress_y(&scale, result->points[i].value),
                              judged ? "#000" : "#fff", date_format(result->points[i].date, date),
                              (progress_number(result->points[i].value, value), value));
        }
        if (input->goal) {
                double x = progress_x(&scale, input->goal->by), y = progress_y(&scale, input->goal->target);
                char target[32], by[16];
                progress_number(input->goal->target, target);
                progress_short_date(input->goal->by, by);
                progress_marker_goal(buf, x, y);
                /* The label goes inside the plot, left of the star, so it never leaves the frame. */
                textbuf_printf(buf,
                              "<text class=\"goal-label\" x=\"%.1f\" y=\"%.1f\" font-size=\"12\" font-weight=\"bold\" "
                              "text-anchor=\"end\">goal %s by %s</text>\n",
                              x - 14, y < PLOT_TOP + 20 ? y + 20 : y - 10, target, by);
        }
        progress_legend(buf, input, result);

        /* The decision, under the graph, in words. */
        char decision[400];
        if (result->decision_withheld)
                snprintf(decision, sizeof decision, "Decision withheld (the rules say %s): %s",
                         progress_decision_names[result->decision], result->reason);
        else
                snprintf(decision, sizeof decision, "Decision: %s (%s)", progress_decision_names[result->decision],
                         result->reason);
        progress_wrapped_text(buf, decision, PLOT_LEFT, PLOT_BOTTOM + 92, 110,
                              "class=\"decision\" font-size=\"14\" font-weight=\"bold\"");
        if (result->warning[0])
                progress_wrapped_text(buf, result->warning, PLOT_LEFT, PLOT_BOTTOM + 114, 120,
                                      "class=\"warning\" font-size=\"12\" font-style=\"italic\"");
        textbuf_append(buf, "</svg>\n");
        return buf->failed ? -ENOMEM : 0;
}
