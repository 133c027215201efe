/* error.c - what went wrong, where: filled by the core, printed by the CLI */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ls_error_init(struct ls_error *err, const char *subject)
{
	err->msg[0] = '\0';
	err->line = 0;
	ls_error_subject(err, subject);
}

void ls_error_subject(struct ls_error *err, const char *subject)
{
	if (!subject)
		subject = "";
	snprintf(err->subject, sizeof(err->subject), "%s",
		 strcmp(subject, "-") ? subject : "stdin");
}

static void vset(struct ls_error *err, long long line, const char *fmt,
		 va_list ap)
{
	err->line = line;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int ls_error_set(struct ls_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vset(err, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int ls_error_set_line(struct ls_error *err, long long line,
		      const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vset(err, line, fmt, ap);
	va_end(ap);
	return -1;
}

int ls_error_set_errno(struct ls_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vset(err, 0, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, "%s%s",
		 n ? ": " : "", strerror(errnum));
	return -1;
}

bool ls_error_is_set(const struct ls_error *err)
{
	return err->msg[0] != '\0';
}
