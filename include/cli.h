/* cli.h - what every subcommand shares: reporting, usage, output files
 *
 * Only the CLI layer (main.c, cli.c, cmd_*.c) prints or decides exit
 * statuses. Exit statuses: 0 success, 1 data or I/O error, 2 usage error,
 * 3 growth over the --fail-on-growth threshold (diff, trend).
 */
#ifndef LEAKSCOPE_CLI_H
#define LEAKSCOPE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"

#define EXIT_OK 0
#define EXIT_DATA 1
#define EXIT_USAGE 2
#define EXIT_GROWTH 3

#define LEAKSCOPE_VERSION "0.1.0"

/* Prints "leakscope: SUBJECT[:LINE]: MSG" to stderr; returns EXIT_DATA. */
int cli_report(const struct ls_error *err);

/* Prints "leakscope: SUBJECT: MSG" (no subject when NULL); EXIT_DATA. */
int cli_errorf(const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints "leakscope: MSG" and the usage text to stderr; EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An output destination: stdout, or a file written under a temporary name
 * and renamed into place only when everything was written, so that a
 * failure never leaves a partial file that looks complete. */
struct cli_output {
	FILE *fp;
	char *path;	/* NULL for stdout */
	char *tmp;	/* temporary name beside path */
};

/* Opens path for writing (NULL or "-" for stdout); EXIT_OK or EXIT_DATA
 * after reporting. */
int cli_output_open(struct cli_output *out, const char *path);

/* Flushes and closes; when ok is false or a write failed, removes the
 * temporary file. Reports write errors (a closed pipe stays quiet).
 * Returns EXIT_OK when ok and everything was written, else EXIT_DATA. */
int cli_output_close(struct cli_output *out, bool ok);

/* Parses a non-negative decimal int for option opt; EXIT_OK or EXIT_USAGE
 * after printing the usage. */
int cli_parse_count(const char *usage, const char *opt, const char *arg,
		    long *out);

/* The commands, one file each (cmd_NAME.c). */
int cmd_top(int argc, char **argv);
int cmd_goroutines(int argc, char **argv);
int cmd_grep(int argc, char **argv);

#endif
