/* student-lookup.c: the one place a typed student (an id or a name) becomes an id. Names are
 * education records: they are compared here, in the daemon, and only the candidates of an
 * ambiguous text go back, to a caller the bus already authorized. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "daemon.h"
#include "service/student-lookup.h"

/* Whether haystack contains needle, ASCII letters compared without case (names in UTF-8 keep
 * their other bytes as they are). */
static bool contains_folded(const char *haystack, const char *needle) {
        size_t n = strlen(needle);
        for (const char *p = haystack; *p; p++)
                if (strncasecmp(p, needle, n) == 0)
                        return true;
        return n == 0;
}

int student_lookup(struct daemon *daemon, const char *text, char *id_buf, size_t size, char why[static WHY_MAX]) {
        const struct school *school = daemon->school;
        if (!school)
                return why_set(why, -ENODATA, "nothing imported yet: pullout import DIR first");
        if (!text || !*text)
                return why_set(why, -EINVAL, "name a student by id or name");
        int found = school_find_student(school, text);
        if (found < 0) {
                /* A whole name beats a part: "Ana Li" is not ambiguous beside "Ana Lim". */
                for (int pass = 0; pass < 2 && found < 0; pass++) {
                        size_t n = 0;
                        char list[WHY_MAX - 96] = "";
                        for (size_t i = 0; i < school->n_students; i++) {
                                const char *name = school->students[i].name;
                                bool match = pass == 0 ? strcasecmp(name, text) == 0 : contains_folded(name, text);
                                if (!match)
                                        continue;
                                if (n++ == 0)
                                        found = (int)i;
                                if (n <= STUDENT_LOOKUP_CANDIDATES_SHOWN) {
                                        size_t used = strlen(list);
                                        snprintf(list + used, sizeof list - used, "%s%s (%s)", n > 1 ? ", " : "", name,
                                                 school->students[i].id);
                                }
                        }
                        if (n > 1) {
                                if (n > STUDENT_LOOKUP_CANDIDATES_SHOWN) {
                                        size_t used = strlen(list);
                                        snprintf(list + used, sizeof list - used, " and %zu more",
                                                 n - STUDENT_LOOKUP_CANDIDATES_SHOWN);
                                }
                                return why_set(why, -EINVAL, "\"%.64s\" matches %zu students: %s; give more of the name "
                                                             "or the id", text, n, list);
                        }
                }
        }
        if (found < 0)
                return why_set(why, -ENOENT, "no student %.64s in the data set (by id or name)", text);
        snprintf(id_buf, size, "%s", school->students[found].id);
        return 0;
}
