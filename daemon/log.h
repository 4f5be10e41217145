/* log.h: the daemon's log, on stderr with syslog priority prefixes ("<3>") so that journald
 * keeps the levels. Only the daemon's edges (main, bus, http, service) log. */
#pragma once

#include <syslog.h>

void log_set_max_level(int level);
void log_set_prefixes(int enabled); /* "<N>" prefixes; on by default */
void log_full(int level, const char *format, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
