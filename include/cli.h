/* cli.h - what every subcommand shares: reporting, usage, output files
 *
 * Only the CLI layer (main.c, cli.c, cmd_*.c) prints or decides exit
 * statuses. Exit statuses: 0 success, 1 data or I/O error, 2 usage error,
 * 3 growth over the --fail-on-growth threshold (diff, trend).
 */
#ifndef LEAKSCOPE_CLI_H
#define LEAKSCOPE_CLI_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diff.h"
#include "graph.h"
#include "error.h"

#define EXIT_OK 0
#define EXIT_DATA 1
#define EXIT_USAGE 2
#define EXIT_GROWTH 3

#define LEAKSCOPE_VERSION "0.1.0"

/* Turns SIGBUS while a file is mapped (input_mapped_name: another
 * process truncated it) into "leakscope: FILE: the file shrank while it
 * was read" and exit status 1; any other SIGBUS stays fatal. */
void cli_catch_sigbus(void);

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

/* Closes out after a writer returned written (0, or negative when it
 * failed): a failure that left no write error on the stream was out of
 * memory, and is reported so; then cli_output_close(out, written >= 0). */
int cli_output_finish(struct cli_output *out, int written);

/* Prints a command's --help text to stdout; EXIT_OK, or EXIT_DATA after
 * reporting a write error (a closed pipe stays quiet). */
int cli_print_help(const char *text);

/* Parses a non-negative decimal int for option opt; EXIT_OK or EXIT_USAGE
 * after printing the usage. */
int cli_parse_count(const char *usage, const char *opt, const char *arg,
		    long *out);

/* --max-input-size=SIZE, which every command that reads input takes the
 * same way: put CLI_MAX_INPUT_OPTION in the getopt_long table, handle
 * CLI_OPT_MAX_INPUT with cli_parse_max_input, print CLI_MAX_INPUT_HELP in
 * the usage, and pass the value to input_open / load_options.max_input.
 * SIZE is decompressed bytes per input file ("4GiB", "512M", "100k":
 * multiples of 1024); 0 means no limit. Default: INPUT_MAX_DEFAULT. */
#define CLI_OPT_MAX_INPUT 0x4d49	/* outside any command's own range */
#define CLI_MAX_INPUT_OPTION \
	{ "max-input-size", required_argument, NULL, CLI_OPT_MAX_INPUT }
#define CLI_MAX_INPUT_HELP \
	"  --max-input-size=SIZE  refuse an input larger than SIZE once\n" \
	"                         decompressed (default 4GiB; 0: no limit)\n"

/* Parses --granularity=arg (graph_granularity_parse) into *out; EXIT_OK
 * or EXIT_USAGE after printing the usage. */
int cli_parse_granularity(const char *usage, const char *arg,
			  enum graph_granularity *out);

/* Parses SIZE for --max-input-size into *out (bytes; UINT64_MAX for 0,
 * no limit); EXIT_OK or EXIT_USAGE after printing the usage. */
int cli_parse_max_input(const char *usage, const char *arg, uint64_t *out);

/* What every command takes the same way. Put the CLI_*_OPTION entries a
 * command accepts in its getopt_long table, and send every option its own
 * switch does not handle (and getopt's ':' and '?') to cli_common_option:
 *   -o FILE, --output=FILE      write to FILE instead of stdout
 *   --format=F                  one of the formats the command allows
 *   --color=auto|always|never   colour in text output
 *   --max-input-size=SIZE       see above
 * and anything else is reported as getopt's error. */
enum cli_format { CLI_FORMAT_TEXT, CLI_FORMAT_JSON, CLI_FORMAT_FOLDED,
		  CLI_FORMAT_SVG };
#define CLI_FMT(f) (1u << (f))

enum cli_color { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER };

#define CLI_OPT_FORMAT 0x4d4a
#define CLI_OPT_COLOR 0x4d4b
#define CLI_FORMAT_OPTION { "format", required_argument, NULL, CLI_OPT_FORMAT }
#define CLI_COLOR_OPTION { "color", required_argument, NULL, CLI_OPT_COLOR }
#define CLI_OUTPUT_OPTION { "output", required_argument, NULL, 'o' }
#define CLI_COLOR_HELP \
	"  --color=WHEN           colour text output: auto (default: when\n" \
	"                         stdout is a terminal and NO_COLOR is unset),\n" \
	"                         always or never\n"

struct cli_common {
	const char *usage;
	unsigned formats;	/* --format values allowed: CLI_FMT(...) | ... */
	enum cli_format format;	/* CLI_FORMAT_TEXT unless --format */
	enum cli_color color;	/* CLI_COLOR_AUTO unless --color */
	const char *output;	/* -o FILE; NULL: stdout */
	uint64_t max_input;	/* --max-input-size; the command's default */
};

/* The options diff, trend and report share:
 *   --user=RE                 the service's own functions (dump_func_is_user)
 *   -n N, --nodecount=N       rows to show, 0 for all (count_name says how
 *                             the command's messages call it)
 *   --fail-on-growth=AMOUNT   exit 3 on growth over AMOUNT (diff, trend)
 *   -q, --quiet               print nothing (diff, trend)
 * Put CLI_USER_NODECOUNT_OPTIONS, and for diff and trend also
 * CLI_FAIL_OPTIONS, in the getopt_long table, "n:" (and "q") in the short
 * options, and give every option the command's own switch does not handle
 * to cli_growth_option() before cli_common_option(). The regex is the
 * struct's own: cli_growth_release() frees it. */
#define CLI_OPT_USER 0x4d4c
#define CLI_OPT_FAIL 0x4d4d
#define CLI_USER_NODECOUNT_OPTIONS \
	{ "user", required_argument, NULL, CLI_OPT_USER }, \
	{ "nodecount", required_argument, NULL, 'n' }
#define CLI_FAIL_OPTIONS \
	{ "fail-on-growth", required_argument, NULL, CLI_OPT_FAIL }, \
	{ "quiet", no_argument, NULL, 'q' }

struct cli_growth {
	const char *count_name;	/* "--nodecount" or "-n" */
	regex_t user;
	bool have_user;
	size_t limit;		/* -n; 0 (all rows) unless given */
	struct growth_limit fail;	/* --fail-on-growth; .set when given */
	bool quiet;
};

void cli_growth_init(struct cli_growth *g, const char *count_name);

/* Handles c with its value arg when it is one of the options above: 1,
 * or -1 after printing a usage error; 0 when c is none of them. */
int cli_growth_option(struct cli_growth *g, const char *usage, int c,
		      const char *arg);

/* --user's regex, or NULL when it was not given. */
const regex_t *cli_growth_user(const struct cli_growth *g);

void cli_growth_release(struct cli_growth *g);

/* Handles option c (getopt_long's return, optarg its value) when it is
 * one of the shared options above, else reports it as getopt's error
 * ("option '--x' needs a value", "unknown option '-x'"). EXIT_OK or
 * EXIT_USAGE after printing the usage. */
int cli_common_option(struct cli_common *cc, int c, char **argv);

/* Reports getopt_long's error for c (':' a missing value, else an
 * unknown option) with the usage; EXIT_USAGE. */
int cli_getopt_error(const char *usage, char **argv, int c);

/* Parses --format=arg among the allowed formats (CLI_FMT mask) into
 * *out; EXIT_OK or EXIT_USAGE ("--format: 'x' is not one of text, json"). */
int cli_parse_format(const char *usage, const char *arg, unsigned allowed,
		     enum cli_format *out);

/* The name of a format ("text", "json", "folded", "svg"). */
const char *cli_format_name(enum cli_format f);

/* Compiles pat (POSIX extended, REG_NOSUB | cflags) into *re for option
 * opt, freeing the previous one when *have; sets *have. EXIT_OK or
 * EXIT_USAGE ("--user: bad regular expression 'a(': ..."). */
int cli_parse_regex(const char *usage, const char *opt, const char *pat,
		    int cflags, regex_t *re, bool *have);

/* Compiles a pprof name filter (--focus, --ignore, --hide, --show; name
 * without dashes) into *slot (filter_compile_regex); EXIT_OK or
 * EXIT_USAGE. */
int cli_parse_filter(const char *usage, const char *name, const char *arg,
		     regex_t **slot);

/* Whether text output gets colour: --color=always; --color=auto when the
 * output is stdout, stdout is a terminal and NO_COLOR is unset or empty. */
bool cli_color_enabled(const struct cli_common *cc);

/* Progress on stderr while reading a large input: installed as
 * input_progress (input.h) by main() when stderr is a terminal. Shows
 * progress_format's line for inputs over CLI_PROGRESS_MIN bytes, redrawn
 * with \r at most 4 times a second, and erases it at the end. */
#define CLI_PROGRESS_MIN ((uint64_t)100 << 20)
void cli_progress(const char *name, uint64_t done, uint64_t total, bool end);

/* The commands, one file each (cmd_NAME.c). */
int cmd_top(int argc, char **argv);
int cmd_goroutines(int argc, char **argv);
int cmd_grep(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_trend(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
