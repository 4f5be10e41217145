/* schoolgen.c: builds a realistic K-5 elementary school in memory from a seed.
 * Every need it makes has feasible windows: the generator checks each against the timetables. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolgen-data.h"
#include "schoolgen.h"

/* splitmix64: small, fast and the same on every platform, unlike rand(). */
struct rng {
        uint64_t state;
};

static uint64_t rng_next(struct rng *rng) {
        uint64_t z = (rng->state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
}

/* Uniform in 0..n-1 (n > 0); the modulo bias is irrelevant at these sizes. */
static int rng_below(struct rng *rng, int n) {
        return (int)(rng_next(rng) % (uint64_t)n);
}

/* True with probability percent/100. */
static bool rng_percent(struct rng *rng, int percent) {
        return rng_below(rng, 100) < percent;
}

struct builder {
        struct school *school;
        struct rng rng;
        bool oom; /* one allocation failed: the build is abandoned before anything reads it */
        /* Adults' names in use, so no two staff share a name or an e-mail address. */
        int used_last[128];
        size_t n_used_last;
};

static char *dup(struct builder *b, const char *text) {
        if (!text)
                return NULL;
        char *copy = strdup(text);
        if (!copy)
                b->oom = true;
        return copy;
}

static char *dupf(struct builder *b, const char *format, ...) __attribute__((format(printf, 2, 3)));
static char *dupf(struct builder *b, const char *format, ...) {
        va_list ap;
        char *text = NULL;
        va_start(ap, format);
        if (vasprintf(&text, format, ap) < 0) {
                text = NULL;
                b->oom = true;
        }
        va_end(ap);
        return text;
}

/* The tables are ours and tested; a bad entry would show as 00:00 and fail the tests. */
static int table_time(const char *text) {
        int minutes = 0;
        (void)time_parse(text, &minutes);
        return minutes;
}

static dayset table_days(const char *text) {
        dayset days = 0;
        (void)dayset_parse(text, &days);
        return days;
}

static void ascii_lower(char *out, size_t size, const struct schoolgen_name *name) {
        const char *from = name->ascii ? name->ascii : name->name;
        size_t n = 0;
        for (; *from && n + 1 < size; from++)
                if ((*from >= 'a' && *from <= 'z') || (*from >= 'A' && *from <= 'Z'))
                        out[n++] = (char)(*from | 0x20);
        out[n] = '\0';
}

/* An adult's name, with a last name nobody on staff has yet while there are any left. */
static void adult_name(struct builder *b, char **ret_name, char **ret_email) {
        int first = rng_below(&b->rng, (int)schoolgen_n_first_names);
        int last = 0;
        for (int attempt = 0; attempt < 64; attempt++) {
                last = rng_below(&b->rng, (int)schoolgen_n_last_names);
                bool used = false;
                for (size_t i = 0; i < b->n_used_last; i++)
                        used = used || b->used_last[i] == last;
                if (!used)
                        break;
        }
        size_t uses = 0;
        for (size_t i = 0; i < b->n_used_last; i++)
                uses += b->used_last[i] == last;
        if (b->n_used_last < sizeof b->used_last / sizeof b->used_last[0])
                b->used_last[b->n_used_last++] = last;
        char first_mail[32], last_mail[32];
        ascii_lower(first_mail, sizeof first_mail, &schoolgen_first_names[first]);
        ascii_lower(last_mail, sizeof last_mail, &schoolgen_last_names[last]);
        *ret_name = dupf(b, "%s %s", schoolgen_first_names[first].name, schoolgen_last_names[last].name);
        if (uses == 0)
                *ret_email = dupf(b, "%s.%s@maplegrove.example.org", first_mail, last_mail);
        else
                *ret_email = dupf(b, "%s.%s%zu@maplegrove.example.org", first_mail, last_mail, uses + 1);
}

static void add_block(struct builder *b, int teacher, dayset days, int start, int end, enum subject subject,
                      const char *activity, int policy) {
        struct block *block = &b->school->blocks[b->school->n_blocks++];
        block->teacher = teacher;
        block->days = days;
        block->start = start;
        block->end = end;
        block->subject = subject;
        block->activity = dup(b, activity);
        block->policy = policy >= 0 ? (enum policy)policy : subject_default_policy(subject);
}

/* A homeroom's timetable: its grade's master schedule. Odd homerooms of a grade have science
 * and social studies on swapped days, as two teachers sharing one science kit would. */
static void add_timetable(struct builder *b, int teacher, int grade, int index_in_grade) {
        const struct schoolgen_grade_template *template = &schoolgen_grades[grade];
        for (size_t i = 0; i < SCHOOLGEN_MAX_TEMPLATE_BLOCKS && template->blocks[i].start; i++) {
                const struct schoolgen_block_template *t = &template->blocks[i];
                int start = table_time(t->start), end = table_time(t->end);
                dayset days = table_days(t->days);
                if (t->subject == SUBJECT_SPECIALS) {
                        /* The specials rotation: each weekday one of art, music, PE, library. */
                        for (int s = 0; s < 4; s++) {
                                dayset rotation = 0;
                                for (int d = 0; d < DAY_COUNT; d++)
                                        if ((d + grade) % 4 == s)
                                                rotation |= (dayset)(1u << d);
                                if (rotation & days)
                                        add_block(b, teacher, rotation & days, start, end, SUBJECT_SPECIALS,
                                                  schoolgen_specials[s], t->policy);
                        }
                        continue;
                }
                if (index_in_grade % 2 == 1 &&
                    (t->subject == SUBJECT_SCIENCE || t->subject == SUBJECT_SOCIAL_STUDIES))
                        days = (dayset)(DAYSET_ALL & ~days);
                add_block(b, teacher, days, start, end, t->subject, t->activity, t->policy);
        }
}

static size_t template_block_rows(void) {
        size_t max = 0;
        for (int g = 0; g < SCHOOLGEN_GRADES; g++) {
                size_t rows = 0;
                for (size_t i = 0; i < SCHOOLGEN_MAX_TEMPLATE_BLOCKS && schoolgen_grades[g].blocks[i].start; i++)
                        rows += schoolgen_grades[g].blocks[i].subject == SUBJECT_SPECIALS ? 4 : 1;
                if (rows > max)
                        max = rows;
        }
        return max;
}

static void student_busy(const struct school *school, int student, int area, int day, uint8_t *busy) {
        const struct school_info *info = &school->info;
        int length = info->day_end - info->day_start;
        memset(busy, 0, (size_t)length);
        int subject = area >= 0 ? area_subject((enum area)area) : -1;
        const struct student *s = &school->students[student];
        for (size_t i = 0; i < school->n_blocks; i++) {
                const struct block *block = &school->blocks[i];
                if (block->teacher != s->teacher || !(block->days & (1u << day)))
                        continue;
                if (block->policy != POLICY_NEVER && (int)block->subject != subject)
                        continue;
                for (int m = block->start; m < block->end; m++)
                        if (m >= info->day_start && m < info->day_end)
                                busy[m - info->day_start] = 1;
        }
        for (size_t i = 0; i < school->n_services; i++) {
                const struct service *service = &school->services[i];
                if (service->student != student || !(service->days & (1u << day)))
                        continue;
                for (int m = service->start; m < service->end; m++)
                        if (m >= info->day_start && m < info->day_end)
                                busy[m - info->day_start] = 1;
        }
}

static void staff_free(const struct school *school, int staff, int day, uint8_t *available) {
        const struct school_info *info = &school->info;
        memset(available, 0, (size_t)(info->day_end - info->day_start));
        for (size_t i = 0; i < school->n_availability; i++) {
                const struct availability *a = &school->availability[i];
                if (a->staff != staff || !(a->days & (1u << day)))
                        continue;
                for (int m = a->start; m < a->end; m++)
                        if (m >= info->day_start && m < info->day_end)
                                available[m - info->day_start] = 1;
        }
}

int schoolgen_need_window_days(const struct school *school, int student, int program, int minutes, int staff) {
        const struct school_info *info = &school->info;
        int length = info->day_end - info->day_start;
        if (length <= 0)
                return 0;
        uint8_t *busy = malloc((size_t)length), *available = malloc((size_t)length);
        int days = 0;
        if (!busy || !available)
                goto finish;
        for (int d = 0; d < DAY_COUNT; d++) {
                student_busy(school, student, (int)school->programs[program].area, d, busy);
                bool found = false;
                for (size_t st = 0; st < school->n_staff && !found; st++) {
                        if (staff >= 0 ? (int)st != staff : !staff_can_teach(school, (int)st, program))
                                continue;
                        staff_free(school, (int)st, d, available);
                        int run = 0;
                        for (int m = 0; m < length && !found; m++) {
                                run = !busy[m] && available[m] ? run + 1 : 0;
                                found = run >= minutes;
                        }
                }
                days += found;
        }
finish:
        free(busy);
        free(available);
        return days;
}

long schoolgen_capacity_minutes(const struct school *school) {
        long minutes = 0;
        for (size_t i = 0; i < school->n_availability; i++) {
                const struct availability *a = &school->availability[i];
                if (school->staff[a->staff].role == ROLE_INTERVENTIONIST)
                        minutes += (long)dayset_count(a->days) * (a->end - a->start);
        }
        return minutes;
}

long schoolgen_load_minutes(const struct school *school) {
        /* A lower bound: every program's needs packed into full groups, ignoring grade spans. */
        long total = 0;
        for (size_t p = 0; p < school->n_programs; p++) {
                long minutes = 0;
                for (size_t i = 0; i < school->n_needs; i++)
                        if (school->needs[i].program == (int)p)
                                minutes += (long)school->needs[i].minutes * school->needs[i].sessions_per_week;
                int group = school->programs[p].max_group > 0 ? school->programs[p].max_group : 1;
                total += (minutes + group - 1) / group;
        }
        return total;
}

static void build_info(struct builder *b) {
        struct school_info *info = &b->school->info;
        info->name = dup(b, "Maple Grove Elementary School");
        info->timezone = dup(b, "America/Chicago");
        info->day_start = table_time("08:00");
        info->day_end = table_time("15:00");
        info->term_start = date_from_ymd(2026, 9, 8);
        info->term_end = date_from_ymd(2027, 6, 4);
        info->transition_minutes = 5;
}

static int build_programs(struct builder *b) {
        struct school *school = b->school;
        school->programs = calloc(SCHOOLGEN_PROGRAMS, sizeof *school->programs);
        if (!school->programs)
                return -ENOMEM;
        for (int p = 0; p < SCHOOLGEN_PROGRAMS; p++) {
                const struct schoolgen_program_template *t = &schoolgen_programs[p];
                struct program *program = &school->programs[school->n_programs++];
                program->id = dup(b, t->id);
                program->name = dup(b, t->name);
                program->area = t->area;
                program->max_group = t->max_group;
                program->minutes = t->minutes;
                program->sessions_per_week = t->sessions_per_week;
                program->max_grade_span = t->max_grade_span;
                size_t items = 1;
                for (const char *c = t->checklist; *c; c++)
                        items += *c == ';';
                program->checklist = calloc(items, sizeof *program->checklist);
                if (!program->checklist)
                        return -ENOMEM;
                for (const char *c = t->checklist; *c;) {
                        size_t length = strcspn(c, ";");
                        program->checklist[program->n_checklist++] = dupf(b, "%.*s", (int)length, c);
                        c += length + (c[length] == ';');
                }
        }
        return 0;
}

/* Enrolment shrinks a little from K to 5th, as in most elementary schools; homerooms hold at
 * most 25. */
static const int grade_weight[SCHOOLGEN_GRADES] = { 108, 104, 100, 100, 96, 92 };

static int build_homerooms_and_students(struct builder *b, int students) {
        struct school *school = b->school;
        int per_grade[SCHOOLGEN_GRADES], homerooms[SCHOOLGEN_GRADES], weight_sum = 0, assigned = 0;
        size_t n_homerooms = 0;
        for (int g = 0; g < SCHOOLGEN_GRADES; g++)
                weight_sum += grade_weight[g];
        for (int g = 0; g < SCHOOLGEN_GRADES; g++) {
                per_grade[g] = students * grade_weight[g] / weight_sum;
                assigned += per_grade[g];
        }
        for (int g = 0; assigned < students; g = (g + 1) % SCHOOLGEN_GRADES, assigned++)
                per_grade[g]++;
        for (int g = 0; g < SCHOOLGEN_GRADES; g++) {
                homerooms[g] = per_grade[g] > 0 ? (per_grade[g] + 24) / 25 : 0;
                n_homerooms += (size_t)homerooms[g];
        }

        school->teachers = calloc(n_homerooms ? n_homerooms : 1, sizeof *school->teachers);
        school->blocks = calloc(n_homerooms * template_block_rows() + 1, sizeof *school->blocks);
        school->students = calloc(students ? (size_t)students : 1, sizeof *school->students);
        if (!school->teachers || !school->blocks || !school->students)
                return -ENOMEM;

        bool *used_names = calloc(schoolgen_n_first_names * schoolgen_n_last_names, sizeof *used_names);
        if (!used_names)
                return -ENOMEM;
        for (int g = 0; g < SCHOOLGEN_GRADES; g++) {
                int first = (int)school->n_teachers;
                for (int h = 0; h < homerooms[g]; h++) {
                        int index = (int)school->n_teachers++;
                        struct teacher *teacher = &school->teachers[index];
                        teacher->id = dupf(b, "T%02d", index + 1);
                        adult_name(b, &teacher->name, &teacher->email);
                        teacher->grade = g;
                        /* Ten rooms a floor: 101, 102, ... 201, ... */
                        teacher->room = dupf(b, "%d", 100 * (1 + index / 10) + index % 10 + 1);
                        add_timetable(b, index, g, h);
                }
                for (int i = 0; i < per_grade[g]; i++) {
                        int index = (int)school->n_students++;
                        struct student *student = &school->students[index];
                        student->id = dupf(b, "%d", 1001 + index);
                        int first_name = rng_below(&b->rng, (int)schoolgen_n_first_names);
                        int last_name = rng_below(&b->rng, (int)schoolgen_n_last_names);
                        /* Two children with one name in a school confuse every list a teacher
                         * reads: take the next free surname (duplicates only once all are used). */
                        for (size_t tries = 0; tries < schoolgen_n_last_names; tries++) {
                                size_t key = (size_t)first_name * schoolgen_n_last_names + (size_t)last_name;
                                if (!used_names[key] && strcmp(schoolgen_first_names[first_name].name,
                                                               schoolgen_last_names[last_name].name) != 0)
                                        break;
                                last_name = (last_name + 1) % (int)schoolgen_n_last_names;
                        }
                        used_names[(size_t)first_name * schoolgen_n_last_names + (size_t)last_name] = true;
                        student->name = dupf(b, "%s %s", schoolgen_first_names[first_name].name,
                                             schoolgen_last_names[last_name].name);
                        student->grade = g;
                        student->teacher = first + i % homerooms[g];
                }
        }
        free(used_names);
        return 0;
}

static int build_staff(struct builder *b, int interventionists, int coordinators) {
        struct school *school = b->school;
        size_t total = (size_t)(interventionists + coordinators);
        school->staff = calloc(total ? total : 1, sizeof *school->staff);
        school->availability = calloc((size_t)interventionists * 3 + 1, sizeof *school->availability);
        if (!school->staff || !school->availability)
                return -ENOMEM;
        for (int i = 0; i < interventionists; i++) {
                struct staff *staff = &school->staff[school->n_staff++];
                staff->id = dupf(b, "S%d", i + 1);
                adult_name(b, &staff->name, &staff->email);
                staff->role = ROLE_INTERVENTIONIST;
                if (i < SCHOOLGEN_STAFF_PROFILES) {
                        const struct schoolgen_staff_template *t = &schoolgen_staff_profiles[i];
                        staff->max_sessions_per_day = t->max_sessions_per_day;
                        size_t count = 0;
                        for (const char *c = t->programs; *c;) {
                                size_t length = strcspn(c, ";");
                                for (size_t p = 0; p < school->n_programs; p++)
                                        if (strlen(school->programs[p].id) == length &&
                                            strncmp(school->programs[p].id, c, length) == 0) {
                                                if (!staff->programs)
                                                        staff->programs = calloc(SCHOOLGEN_PROGRAMS, sizeof *staff->programs);
                                                if (!staff->programs)
                                                        return -ENOMEM;
                                                staff->programs[count++] = (int)p;
                                        }
                                c += length + (c[length] == ';');
                        }
                        staff->n_programs = count;
                        for (int w = 0; w < 3 && t->availability[w].days; w++) {
                                struct availability *a = &school->availability[school->n_availability++];
                                a->staff = i;
                                a->days = table_days(t->availability[w].days);
                                a->start = table_time(t->availability[w].start);
                                a->end = table_time(t->availability[w].end);
                        }
                } else {
                        /* Generalists trained in every program, lunches staggered 11:00..12:30. */
                        staff->max_sessions_per_day = 8;
                        int lunch = table_time("11:00") + 30 * (i % 4);
                        struct availability *a = &school->availability[school->n_availability++];
                        *a = (struct availability){ .staff = i, .days = DAYSET_ALL, .start = table_time("08:00"), .end = lunch };
                        a = &school->availability[school->n_availability++];
                        *a = (struct availability){ .staff = i, .days = DAYSET_ALL, .start = lunch + 30, .end = table_time("15:00") };
                }
        }
        for (int i = 0; i < coordinators; i++) {
                struct staff *staff = &school->staff[school->n_staff++];
                staff->id = dupf(b, "C%d", i + 1);
                adult_name(b, &staff->name, &staff->email);
                staff->role = ROLE_COORDINATOR;
        }
        return 0;
}

/* Finds a start (on the 5-minute grid, 08:15..14:45) where the student is free of never-blocks
 * and their other services on all of days. -1 when there is none. */
static int service_start(struct builder *b, int student, dayset days, int minutes) {
        struct school *school = b->school;
        const struct school_info *info = &school->info;
        int length = info->day_end - info->day_start;
        uint8_t *busy = calloc((size_t)length, 1), *any = calloc((size_t)length, 1);
        int candidates[128], n = 0, start = -1;
        if (!busy || !any) {
                b->oom = true;
                goto finish;
        }
        for (int d = 0; d < DAY_COUNT; d++) {
                if (!(days & (1u << d)))
                        continue;
                student_busy(school, student, -1, d, busy);
                for (int m = 0; m < length; m++)
                        any[m] |= busy[m];
        }
        int from = table_time("08:15") - info->day_start, to = table_time("14:45") - info->day_start;
        for (int s = from; s + minutes <= to && n < 128; s += 5) {
                bool free = true;
                for (int m = s; m < s + minutes && free; m++)
                        free = !any[m];
                if (free)
                        candidates[n++] = s;
        }
        if (n > 0)
                start = info->day_start + candidates[rng_below(&b->rng, n)];
finish:
        free(busy);
        free(any);
        return start;
}

static void add_service(struct builder *b, int student, dayset days, int minutes, const char *label) {
        int start = service_start(b, student, days, minutes);
        if (start < 0)
                return;
        struct service *service = &b->school->services[b->school->n_services++];
        service->student = student;
        service->days = days;
        service->start = start;
        service->end = start + minutes;
        service->label = dup(b, label);
}

/* Speech, OT and ESL for about 8% of students, some with two of them. */
static int build_services(struct builder *b) {
        struct school *school = b->school;
        static const char *const speech_days[] = { "MW", "TR", "MR", "TF" };
        school->services = calloc(school->n_students * 2 + 1, sizeof *school->services);
        if (!school->services)
                return -ENOMEM;
        for (size_t i = 0; i < school->n_students; i++) {
                if (!rng_percent(&b->rng, 8))
                        continue;
                int kind = rng_below(&b->rng, 100);
                if (kind < 50) {
                        add_service(b, (int)i, table_days(speech_days[rng_below(&b->rng, 4)]), 30, "Speech");
                        if (rng_percent(&b->rng, 20))
                                add_service(b, (int)i, (dayset)(1u << rng_below(&b->rng, DAY_COUNT)), 30, "OT");
                } else if (kind < 75) {
                        add_service(b, (int)i, (dayset)(1u << rng_below(&b->rng, DAY_COUNT)), 30, "OT");
                } else {
                        add_service(b, (int)i, DAYSET_ALL, 30, "ESL");
                }
        }
        return 0;
}

static bool program_covered(const struct school *school, int program) {
        for (size_t s = 0; s < school->n_staff; s++)
                if (staff_can_teach(school, (int)s, program))
                        return true;
        return false;
}

/* Adds a need for student in one of the programs of area_filter (-1: any area; -2: any area
 * but exclude_area), weighted by grade, with feasible windows on enough days. */
static bool add_need(struct builder *b, int student, int area_filter, int exclude_area) {
        struct school *school = b->school;
        int grade = school->students[student].grade;
        int weights[SCHOOLGEN_PROGRAMS];
        for (int p = 0; p < SCHOOLGEN_PROGRAMS; p++) {
                weights[p] = grade < SCHOOLGEN_GRADES ? schoolgen_programs[p].weight[grade] : 0;
                enum area area = school->programs[p].area;
                bool area_ok = area_filter >= 0 ? (int)area == area_filter : (int)area != exclude_area;
                if (!area_ok || !program_covered(school, p) || school_find_need(school, student, p) >= 0)
                        weights[p] = 0;
        }
        for (;;) {
                int total = 0;
                for (int p = 0; p < SCHOOLGEN_PROGRAMS; p++)
                        total += weights[p];
                if (total == 0)
                        return false;
                int pick = rng_below(&b->rng, total), p = 0;
                while (pick >= weights[p])
                        pick -= weights[p++];
                weights[p] = 0; /* tried */

                const struct program *program = &school->programs[p];
                struct need need = {
                        .student = student,
                        .program = p,
                        .tier = rng_percent(&b->rng, 25) ? 3 : 2,
                        .sessions_per_week = program->sessions_per_week,
                        .minutes = program->minutes,
                        .staff = -1,
                };
                /* Tier 3 is more intensive: (nearly) daily sessions. */
                if (need.tier == 3 && need.sessions_per_week < 5)
                        need.sessions_per_week = program->area == AREA_BEHAVIOR ? 3 : need.sessions_per_week + 1;
                need.level = 1 + rng_below(&b->rng, need.tier == 3 ? 2 : 4);
                if (schoolgen_need_window_days(school, student, p, need.minutes, -1) < need.sessions_per_week) {
                        need.sessions_per_week = program->sessions_per_week;
                        if (schoolgen_need_window_days(school, student, p, need.minutes, -1) < need.sessions_per_week)
                                continue;
                }
                /* A few plans name their interventionist (the one the family knows, a
                 * Wilson-certified teacher). */
                if (rng_percent(&b->rng, 5)) {
                        int trained[16], n = 0;
                        for (size_t s = 0; s < school->n_staff && n < 16; s++)
                                if (staff_can_teach(school, (int)s, p) &&
                                    schoolgen_need_window_days(school, student, p, need.minutes, (int)s) >=
                                            need.sessions_per_week)
                                        trained[n++] = (int)s;
                        if (n > 0)
                                need.staff = trained[rng_below(&b->rng, n)];
                }
                school->needs[school->n_needs++] = need;
                return true;
        }
}

/* (student, program) is unique, so this orders needs fully: the file reads by student. */
static int compare_needs(const void *a, const void *b) {
        const struct need *x = a, *y = b;
        if (x->student != y->student)
                return x->student < y->student ? -1 : 1;
        return (x->program > y->program) - (x->program < y->program);
}

static int build_needs(struct builder *b, double ratio, bool overloaded) {
        struct school *school = b->school;
        size_t n = school->n_students;
        int *order = calloc(n ? n : 1, sizeof *order);
        school->needs = calloc(n * 2 + 1, sizeof *school->needs);
        if (!order || !school->needs) {
                free(order);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
                order[i] = (int)i;
        for (size_t i = n; i > 1; i--) {
                int j = rng_below(&b->rng, (int)i), t = order[i - 1];
                order[i - 1] = order[j];
                order[j] = t;
        }
        size_t target = (size_t)(ratio * (double)n + 0.5), with_need = 0;
        long capacity = schoolgen_capacity_minutes(school);
        for (size_t i = 0; i < n; i++) {
                bool enough = with_need >= target;
                if (enough && (!overloaded || schoolgen_load_minutes(school) >= 2 * capacity))
                        break;
                int student = order[i];
                if (!add_need(b, student, -1, -1))
                        continue;
                with_need++;
                /* Some students need both reading and math support. */
                if (rng_percent(&b->rng, overloaded ? 40 : 15)) {
                        enum area first = school->programs[school->needs[school->n_needs - 1].program].area;
                        if (first == AREA_READING)
                                add_need(b, student, AREA_MATH, -1);
                        else if (first == AREA_MATH)
                                add_need(b, student, AREA_READING, -1);
                }
        }
        free(order);
        qsort(school->needs, school->n_needs, sizeof *school->needs, compare_needs);
        return 0;
}

static int build_calendar(struct builder *b) {
        struct school *school = b->school;
        size_t days = 0;
        for (size_t i = 0; i < schoolgen_n_calendar; i++) {
                civil_date first = 0, last = 0;
                (void)date_parse(schoolgen_calendar[i].date, &first);
                last = first;
                if (schoolgen_calendar[i].last)
                        (void)date_parse(schoolgen_calendar[i].last, &last);
                days += (size_t)(last - first + 1);
        }
        school->calendar = calloc(days + 1, sizeof *school->calendar);
        if (!school->calendar)
                return -ENOMEM;
        for (size_t i = 0; i < schoolgen_n_calendar; i++) {
                const struct schoolgen_calendar_entry *e = &schoolgen_calendar[i];
                civil_date first = 0, last = 0;
                (void)date_parse(e->date, &first);
                last = first;
                if (e->last)
                        (void)date_parse(e->last, &last);
                for (civil_date d = first; d <= last; d++) {
                        if (date_weekday(d) >= DAY_COUNT)
                                continue;
                        struct calendar_day *day = &school->calendar[school->n_calendar++];
                        day->date = d;
                        day->kind = e->kind;
                        day->start = e->start ? table_time(e->start) : 0;
                        day->end = e->end ? table_time(e->end) : 0;
                        day->label = dup(b, e->label);
                }
        }
        return 0;
}

int schoolgen_build(const struct schoolgen_params *params, struct school **ret_school) {
        if (!params || !ret_school || params->students < 0 || params->students > 100000 ||
            params->interventionists < 0 || params->interventionists > 1000 || params->need_ratio < 0 ||
            params->need_ratio > 1)
                return -EINVAL;
        struct builder b = { .rng = { .state = params->seed } };
        int r;
        b.school = school_new();
        if (!b.school)
                return -ENOMEM;

        int interventionists = params->interventionists;
        if (interventionists == 0) {
                interventionists = (params->students + 50) / (params->overloaded ? 250 : 100);
                if (interventionists < 2)
                        interventionists = 2;
        }
        int coordinators = params->students >= 300 ? 2 : 1;
        double ratio = params->need_ratio > 0 ? params->need_ratio : params->overloaded ? 0.45 : 0.2;

        build_info(&b);
        r = build_programs(&b);
        if (r < 0)
                goto finish;
        r = build_homerooms_and_students(&b, params->students);
        if (r < 0 || b.oom)
                goto finish;
        r = build_staff(&b, interventionists, coordinators);
        if (r < 0 || b.oom)
                goto finish;
        r = build_services(&b);
        if (r < 0 || b.oom)
                goto finish;
        r = build_needs(&b, ratio, params->overloaded);
        if (r < 0 || b.oom)
                goto finish;
        r = build_calendar(&b);
        if (r < 0 || b.oom)
                goto finish;

        *ret_school = b.school;
        b.school = NULL;
        r = 0;
finish:
        if (r == 0 && b.oom)
                r = -ENOMEM;
        school_unref(b.school);
        return r;
}

int schoolgen_add_needs(struct school *school, int count) {
        struct need *more = realloc(school->needs, (school->n_needs + (size_t)count + 1) * sizeof *more);
        if (!more)
                return -ENOMEM;
        school->needs = more;
        const struct program *p = &school->programs[0];
        int added = 0;
        /* Every seventh student, so the new needs spread over homerooms and grades. */
        for (size_t s = 0; s < school->n_students && added < count; s += 7) {
                if (school_find_need(school, (int)s, 0) >= 0)
                        continue;
                school->needs[school->n_needs++] = (struct need){ .student = (int)s, .program = 0, .tier = 2,
                                                                  .sessions_per_week = p->sessions_per_week,
                                                                  .minutes = p->minutes, .staff = -1 };
                added++;
        }
        return 0;
}
