/* gen-school.c: pullout-gen-school, writes a generated school as a CSV data set folder.
 * The bundled sample school (examples/sample-school) and the benchmarks' schools come from it. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/schoolgen/schoolgen.h"

static void usage(FILE *out) {
        fprintf(out,
                "Usage: pullout-gen-school [OPTIONS] DIR\n"
                "Writes a generated K-5 elementary school as the CSV files of pullout-data(5) into DIR.\n"
                "\n"
                "  --students N          enrolment (default 440)\n"
                "  --seed S              random seed; the same seed gives the same files (default 1)\n"
                "  --interventionists N  interventionists (default: one per 100 students, or per 250\n"
                "                        with --overloaded; at least 2)\n"
                "  --need-ratio R        share of students with an intervention need (default 0.2)\n"
                "  --overloaded          far more needs than the interventionists have time for\n"
                "  -h, --help            show this help\n");
}

static int parse_int(const char *text, long min, long max, long *ret_value) {
        char *end = NULL;
        errno = 0;
        long value = strtol(text, &end, 10);
        if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
                return -EINVAL;
        *ret_value = value;
        return 0;
}

/* mkdir -p: creates DIR and its missing parents. */
static int make_dirs(const char *dir) {
        char *path = strdup(dir);
        int r = 0;
        if (!path)
                return -ENOMEM;
        for (char *p = path + 1; ; p++) {
                if (*p != '/' && *p != '\0')
                        continue;
                char saved = *p;
                *p = '\0';
                if (mkdir(path, 0755) < 0 && errno != EEXIST) {
                        r = -errno;
                        break;
                }
                *p = saved;
                if (saved == '\0')
                        break;
        }
        free(path);
        if (r == 0) {
                struct stat st;
                if (stat(dir, &st) < 0)
                        r = -errno;
                else if (!S_ISDIR(st.st_mode))
                        r = -ENOTDIR;
        }
        return r;
}

int main(int argc, char *argv[]) {
        enum { OPT_STUDENTS = 256, OPT_SEED, OPT_INTERVENTIONISTS, OPT_NEED_RATIO, OPT_OVERLOADED };
        static const struct option options[] = {
                { "students", required_argument, NULL, OPT_STUDENTS },
                { "seed", required_argument, NULL, OPT_SEED },
                { "interventionists", required_argument, NULL, OPT_INTERVENTIONISTS },
                { "need-ratio", required_argument, NULL, OPT_NEED_RATIO },
                { "overloaded", no_argument, NULL, OPT_OVERLOADED },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        struct schoolgen_params params = { .seed = 1, .students = 440 };
        struct school *school = NULL;
        long value;
        int c, r;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                switch (c) {
                case OPT_STUDENTS:
                        if (parse_int(optarg, 0, 100000, &value) < 0) {
                                fprintf(stderr, "pullout-gen-school: --students: expected 0..100000, got '%s'\n", optarg);
                                return 2;
                        }
                        params.students = (int)value;
                        break;
                case OPT_SEED:
                        if (parse_int(optarg, 0, UINT_MAX, &value) < 0) {
                                fprintf(stderr, "pullout-gen-school: --seed: expected 0..%u, got '%s'\n", UINT_MAX, optarg);
                                return 2;
                        }
                        params.seed = (unsigned)value;
                        break;
                case OPT_INTERVENTIONISTS:
                        if (parse_int(optarg, 1, 1000, &value) < 0) {
                                fprintf(stderr, "pullout-gen-school: --interventionists: expected 1..1000, got '%s'\n", optarg);
                                return 2;
                        }
                        params.interventionists = (int)value;
                        break;
                case OPT_NEED_RATIO: {
                        char *end = NULL;
                        errno = 0;
                        double ratio = strtod(optarg, &end);
                        if (errno != 0 || end == optarg || *end != '\0' || !(ratio > 0 && ratio <= 1)) {
                                fprintf(stderr, "pullout-gen-school: --need-ratio: expected a number in (0, 1], got '%s'\n", optarg);
                                return 2;
                        }
                        params.need_ratio = ratio;
                        break;
                }
                case OPT_OVERLOADED:
                        params.overloaded = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind != argc - 1) {
                fprintf(stderr, "pullout-gen-school: expected one DIR argument\n");
                usage(stderr);
                return 2;
        }
        const char *dir = argv[optind];

        r = schoolgen_build(&params, &school);
        if (r < 0) {
                fprintf(stderr, "pullout-gen-school: cannot build the school: %s\n", strerror(-r));
                return 1;
        }
        r = make_dirs(dir);
        if (r < 0) {
                fprintf(stderr, "pullout-gen-school: %s: %s\n", dir, strerror(-r));
                goto finish;
        }
        r = schoolgen_write_csv(school, dir);
        if (r < 0) {
                fprintf(stderr, "pullout-gen-school: writing %s: %s\n", dir, strerror(-r));
                goto finish;
        }
        printf("%s: %zu homerooms, %zu students, %zu services, %zu staff, %zu programs, %zu needs, %zu calendar days\n",
               dir, school->n_teachers, school->n_students, school->n_services, school->n_staff,
               school->n_programs, school->n_needs, school->n_calendar);
finish:
        school_unref(school);
        return r < 0 ? 1 : 0;
}
