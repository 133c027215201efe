/* error.h - what went wrong, where: filled by the core, printed by the CLI
 *
 * Core code never prints and never exits. A failing function fills a
 * struct ls_error and returns a negative value (normally -1, the value
 * ls_error_set returns, so "return ls_error_set(err, ...)" reads well).
 * The CLI layer prints it as
 *     leakscope: SUBJECT[:LINE]: MESSAGE
 * where SUBJECT is a file name ("stdin" for standard input), LINE a 1-based
 * line number for text input, and MESSAGE lowercase with no full stop.
 * Binary input gives the byte offset in the message itself where useful.
 */
#ifndef LEAKSCOPE_ERROR_H
#define LEAKSCOPE_ERROR_H

#include <stdbool.h>

#define LS_ERROR_SUBJECT_MAX 1024
#define LS_ERROR_MSG_MAX 1024

struct ls_error {
	char subject[LS_ERROR_SUBJECT_MAX];	/* "" when none */
	long long line;				/* 0 when none */
	char msg[LS_ERROR_MSG_MAX];		/* "" while no error */
};

/* Clears the error and sets its subject (NULL for none). */
void ls_error_init(struct ls_error *err, const char *subject);

/* Sets the subject, keeping the message. */
void ls_error_subject(struct ls_error *err, const char *subject);

/* Sets the message (line 0); returns -1. err may be NULL. */
int ls_error_set(struct ls_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets the message and a 1-based line number; returns -1. */
int ls_error_set_line(struct ls_error *err, long long line,
		      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like ls_error_set, with ": strerror(errno)" appended. */
int ls_error_set_errno(struct ls_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

bool ls_error_is_set(const struct ls_error *err);

#endif
