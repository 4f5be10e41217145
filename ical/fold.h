/* fold.h: content-line folding of iCalendar text (RFC 5545 §3.1), done here because
 * libical 3.0 can fold inside a line's own CRLF ("\r\r\n \n") when a line ends on the
 * 75-octet boundary, which strict parsers reject as a bare CR. */
#pragma once

#include <stddef.h>

/* Unfolds text and folds it again: CRLF line ends, no line longer than 75 octets, never
 * splitting a UTF-8 sequence. Returns 0 with a malloc'd copy, or -ENOMEM. */
int ical_refold(const char *text, char **ret_text, size_t *ret_size);
