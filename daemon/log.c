/* log.c: one line per message on stderr, prefixed with its syslog priority.
 * journald (SyslogLevelPrefix=yes, the default) strips the prefix and keeps the level. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static int max_level = LOG_INFO;
static int prefixes = 1;

void log_set_max_level(int level) {
        max_level = level;
}

void log_set_prefixes(int enabled) {
        prefixes = enabled;
}

void log_full(int level, const char *format, ...) {
        if (level > max_level)
                return;
        char line[2048];
        va_list ap;
        va_start(ap, format);
        vsnprintf(line, sizeof line, format, ap);
        va_end(ap);
        if (prefixes)
                fprintf(stderr, "<%d>%s\n", level, line);
        else
                fprintf(stderr, "pulloutd: %s\n", line);
}
