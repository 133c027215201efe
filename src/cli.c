/* cli.c - what every subcommand shares: reporting, usage, output files */
#include "cli.h"
#include "filter.h"
#include "input.h"
#include "progress.h"

#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void on_sigbus(int sig)
{
	static const char pre[] = "leakscope: ";
	static const char msg[] = ": the file shrank while it was read\n";
	const char *name = input_mapped_name;

	if (name) {	/* write(2) and _exit only: a signal handler */
		(void)!write(STDERR_FILENO, pre, sizeof(pre) - 1);
		(void)!write(STDERR_FILENO, name, strlen(name));
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
		_exit(EXIT_DATA);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void cli_catch_sigbus(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGBUS, &sa, NULL);
}

int cli_report(const struct ls_error *err)
{
	fputs("leakscope: ", stderr);
	if (err->subject[0]) {
		fputs(err->subject, stderr);
		if (err->line > 0)
			fprintf(stderr, ":%lld", err->line);
		fputs(": ", stderr);
	}
	fprintf(stderr, "%s\n", err->msg[0] ? err->msg : "unknown error");
	return EXIT_DATA;
}

int cli_errorf(const char *subject, const char *fmt, ...)
{
	va_list ap;

	fputs("leakscope: ", stderr);
	if (subject)
		fprintf(stderr, "%s: ", strcmp(subject, "-") ? subject : "stdin");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_DATA;
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fputs("leakscope: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	if (usage)
		fputs(usage, stderr);
	return EXIT_USAGE;
}

/* A report is written in many small pieces: one write(2) per MiB rather
 * than per BUFSIZ bytes (604 writes for the bench's diff); a terminal
 * stays line by line. The buffer goes to the first output opened only:
 * stdout keeps it to the end, and no two streams may share it. */
static int buffered(FILE *fp)
{
	static char buf[1 << 20];
	static bool given;

	if (!given && !isatty(fileno(fp))) {
		given = true;
		(void)setvbuf(fp, buf, _IOFBF, sizeof(buf));
	}
	return EXIT_OK;
}

int cli_output_open(struct cli_output *out, const char *path)
{
	size_t n;
	int fd;

	memset(out, 0, sizeof(*out));
	if (!path || strcmp(path, "-") == 0) {
		out->fp = stdout;
		return buffered(out->fp);
	}
	/* A device, a fifo or a terminal is written in place: there is no
	 * file to replace (and renaming over /dev/full would replace the
	 * device). Write errors are still reported at close. */
	{
		struct stat st;

		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			out->path = strdup(path);
			if (!out->path)
				return cli_errorf(path, "out of memory");
			out->fp = fopen(path, "w");
			if (!out->fp) {
				int e = errno;

				free(out->path);
				out->path = NULL;
				return cli_errorf(path, "cannot open: %s", strerror(e));
			}
			return buffered(out->fp);
		}
	}
	n = strlen(path);
	out->path = strdup(path);
	out->tmp = malloc(n + sizeof(".tmpXXXXXX"));
	if (!out->path || !out->tmp) {
		free(out->path);
		free(out->tmp);
		return cli_errorf(path, "out of memory");
	}
	memcpy(out->tmp, path, n);
	memcpy(out->tmp + n, ".tmpXXXXXX", sizeof(".tmpXXXXXX"));
	fd = mkstemp(out->tmp);
	if (fd < 0 || !(out->fp = fdopen(fd, "w"))) {
		int e = errno;

		if (fd >= 0) {
			close(fd);
			unlink(out->tmp);
		}
		free(out->path);
		free(out->tmp);
		out->path = out->tmp = NULL;
		return cli_errorf(path, "cannot create: %s", strerror(e));
	}
	return buffered(out->fp);
}

int cli_parse_granularity(const char *usage, const char *arg,
			  enum graph_granularity *out)
{
	int g = graph_granularity_parse(arg);

	if (g < 0)
		return cli_usage_error(usage, "--granularity: '%s' is not one of functions, filefunctions, files, lines, addresses", arg);
	*out = (enum graph_granularity)g;
	return EXIT_OK;
}

int cli_output_finish(struct cli_output *out, int written)
{
	if (written < 0 && out->fp && !ferror(out->fp))
		cli_errorf(NULL, "out of memory");
	return cli_output_close(out, written >= 0);
}

int cli_output_close(struct cli_output *out, bool ok)
{
	const char *name = out->path ? out->path : "stdout";
	int ret = ok ? EXIT_OK : EXIT_DATA;
	bool failed;
	int e = 0;

	if (!out->fp)
		return ret;
	failed = fflush(out->fp) != 0 || ferror(out->fp);
	if (failed)
		e = errno;
	if (out->path) {
		if (fclose(out->fp) != 0 && !failed) {
			failed = true;
			e = errno;
		}
		if (out->tmp && !failed && ok && rename(out->tmp, out->path) != 0) {
			failed = true;
			e = errno;
		}
		if (out->tmp && (failed || !ok))
			unlink(out->tmp);
	}
	if (failed) {
		ret = EXIT_DATA;
		if (e != EPIPE)
			cli_errorf(name, "write error: %s", strerror(e ? e : EIO));
	}
	free(out->path);
	free(out->tmp);
	memset(out, 0, sizeof(*out));
	return ret;
}

int cli_print_help(const char *text)
{
	struct cli_output out = { stdout, NULL, NULL };

	fputs(text, stdout);
	return cli_output_close(&out, true);
}

int cli_parse_count(const char *usage, const char *opt, const char *arg,
		    long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 0)
		return cli_usage_error(usage,
			"%s: '%s' is not a non-negative whole number", opt, arg);
	*out = n;
	return EXIT_OK;
}

int cli_parse_max_input(const char *usage, const char *arg, uint64_t *out)
{
	uint64_t n;

	if (parse_size(arg, &n) < 0)
		return cli_usage_error(usage,
			"--max-input-size: '%s' is not a size such as 4GiB, 512M or 100k",
			arg);
	*out = n ? n : UINT64_MAX;
	return EXIT_OK;
}

int cli_getopt_error(const char *usage, char **argv, int c)
{
	if (c == ':')
		return cli_usage_error(usage, "option '%s' needs a value",
				       argv[optind - 1]);
	if (optopt && optopt < 256)
		return cli_usage_error(usage, "unknown option '-%c'", optopt);
	return cli_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
}

static const char *const format_names[] = { "text", "json", "folded", "svg" };

const char *cli_format_name(enum cli_format f)
{
	return (size_t)f < sizeof(format_names) / sizeof(format_names[0])
		? format_names[f] : "?";
}

int cli_parse_format(const char *usage, const char *arg, unsigned allowed,
		     enum cli_format *out)
{
	char list[64] = "";
	size_t i, n = sizeof(format_names) / sizeof(format_names[0]);

	for (i = 0; i < n; i++) {
		if (!(allowed & (1u << i)))
			continue;
		if (!strcmp(arg, format_names[i])) {
			*out = (enum cli_format)i;
			return EXIT_OK;
		}
		if (list[0])
			strcat(list, ", ");
		strcat(list, format_names[i]);
	}
	return cli_usage_error(usage, "--format: '%s' is not one of %s", arg, list);
}

int cli_parse_regex(const char *usage, const char *opt, const char *pat,
		    int cflags, regex_t *re, bool *have)
{
	char msg[256];
	int e;

	if (*have)
		regfree(re);
	*have = false;
	e = regcomp(re, pat, REG_EXTENDED | REG_NOSUB | cflags);
	if (e) {
		regerror(e, re, msg, sizeof(msg));
		return cli_usage_error(usage, "%s: bad regular expression '%s': %s",
				       opt, pat, msg);
	}
	*have = true;
	return EXIT_OK;
}

int cli_parse_filter(const char *usage, const char *name, const char *arg,
		     regex_t **slot)
{
	struct ls_error err;

	ls_error_init(&err, NULL);
	if (filter_compile_regex(slot, name, arg, &err) < 0)
		return cli_usage_error(usage, "--%s: %s", name, err.msg);
	return EXIT_OK;
}

int cli_common_option(struct cli_common *cc, int c, char **argv)
{
	switch (c) {
	case 'o':
		cc->output = optarg;
		return EXIT_OK;
	case CLI_OPT_FORMAT:
		return cli_parse_format(cc->usage, optarg, cc->formats, &cc->format);
	case CLI_OPT_COLOR:
		if (!strcmp(optarg, "auto"))
			cc->color = CLI_COLOR_AUTO;
		else if (!strcmp(optarg, "always"))
			cc->color = CLI_COLOR_ALWAYS;
		else if (!strcmp(optarg, "never"))
			cc->color = CLI_COLOR_NEVER;
		else
			return cli_usage_error(cc->usage,
				"--color: '%s' is not one of auto, always, never", optarg);
		return EXIT_OK;
	case CLI_OPT_MAX_INPUT:
		return cli_parse_max_input(cc->usage, optarg, &cc->max_input);
	default:
		return cli_getopt_error(cc->usage, argv, c);
	}
}

void cli_growth_init(struct cli_growth *g, const char *count_name)
{
	memset(g, 0, sizeof(*g));
	g->count_name = count_name;
}

int cli_growth_option(struct cli_growth *g, const char *usage, int c,
		      const char *arg)
{
	long count;

	switch (c) {
	case CLI_OPT_USER:
		if (cli_parse_regex(usage, "--user", arg, 0, &g->user,
				    &g->have_user))
			return -1;
		return 1;
	case 'n':
		if (cli_parse_count(usage, g->count_name, arg, &count))
			return -1;
		g->limit = (size_t)count;
		return 1;
	case CLI_OPT_FAIL:
		if (growth_limit_parse(&g->fail, arg) < 0) {
			cli_usage_error(usage, "--fail-on-growth: '%s' is not an amount such as 10MB, 100 or 25%%", arg);
			return -1;
		}
		return 1;
	case 'q':
		g->quiet = true;
		return 1;
	default:
		return 0;
	}
}

const regex_t *cli_growth_user(const struct cli_growth *g)
{
	return g->have_user ? &g->user : NULL;
}

void cli_growth_release(struct cli_growth *g)
{
	if (g->have_user)
		regfree(&g->user);
	g->have_user = false;
}

bool cli_color_enabled(const struct cli_common *cc)
{
	const char *no = getenv("NO_COLOR");

	if (cc->color != CLI_COLOR_AUTO)
		return cc->color == CLI_COLOR_ALWAYS;
	if (cc->output && strcmp(cc->output, "-"))
		return false;
	return (!no || !no[0]) && isatty(STDOUT_FILENO);
}

void cli_progress(const char *name, uint64_t done, uint64_t total, bool end)
{
	static struct timespec last;
	static size_t shown;	/* width of the line on screen; 0: none */
	struct timespec now;
	char line[512];
	size_t n;

	if (end) {
		if (shown)
			fprintf(stderr, "\r%*s\r", (int)shown, "");
		shown = 0;
		last.tv_sec = 0;
		last.tv_nsec = 0;
		return;
	}
	if (total < CLI_PROGRESS_MIN)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (shown && (now.tv_sec - last.tv_sec) * 1000000000L +
		     (now.tv_nsec - last.tv_nsec) < 250000000L)
		return;
	last = now;
	progress_format(line, sizeof(line), name, done, total);
	n = strlen(line);
	/* pad over a longer previous line */
	fprintf(stderr, "\r%s%*s", line, shown > n ? (int)(shown - n) : 0, "");
	fflush(stderr);
	if (n > shown)
		shown = n;
}
