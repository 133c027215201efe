/* cli.c - what every subcommand shares: reporting, usage, output files */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int cli_output_open(struct cli_output *out, const char *path)
{
	size_t n;
	int fd;

	memset(out, 0, sizeof(*out));
	if (!path || strcmp(path, "-") == 0) {
		out->fp = stdout;
		return EXIT_OK;
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
	return EXIT_OK;
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
		if (!failed && ok && rename(out->tmp, out->path) != 0) {
			failed = true;
			e = errno;
		}
		if (failed || !ok)
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
