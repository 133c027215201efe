/* main.c - leakscope: find what grows in Go profiles and goroutine dumps */
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "input.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "top", cmd_top, "rank the sites of a profile, as go tool pprof -top" },
	{ "goroutines", cmd_goroutines, "group a goroutine dump by stack, rank stuck goroutines" },
	{ "grep", cmd_grep, "print the goroutines of a dump that match a pattern" },
	{ "diff", cmd_diff, "what grew between two profiles or goroutine dumps" },
	{ "trend", cmd_trend, "what keeps growing over three or more snapshots" },
	{ "report", cmd_report, "one leak diagnosis over a service's profiles and dumps" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *fp)
{
	size_t i;

	fputs("usage: leakscope COMMAND [options] [FILE...]\n"
	      "       leakscope help COMMAND\n"
	      "       leakscope --version\n\n"
	      "commands:\n", fp);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-11s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\nRun 'leakscope COMMAND --help' for a command's options;"
	      " 'man leakscope' for all of it.\n", fp);
}

static const struct command *find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* leakscope runs once, in phases: an inflated input, a profile's
 * samples, the stacks prepared from them, each tens of MB, mostly freed
 * before the next is made. glibc maps such a block on its own and
 * unmaps it when freed, so the next phase takes fresh pages from the
 * kernel, a fault and a cleared page each (costly on a virtual machine:
 * a fifth of `diff`'s cycles). From the heap instead, what one phase
 * frees the next reuses: `diff` of the bench pair 60k -> 52-56k page
 * faults, 0.220 -> 0.206-0.212 s, peak RSS 184 -> 200 MB.
 *
 * Nor is the heap's free top given back (trimmed) as it is by default
 * past 128 KiB, unless it is 512 MiB or more: after `goroutines` joins
 * the parts of a dump, the text report's buffers take what the second
 * part's parser freed (64 MiB bench dump: 7156 -> 6557 page faults,
 * peak RSS 36 -> 37 MB), and `diff` reuses a free top of 256-512 MiB,
 * mostly never touched (51.6k page faults; 56.1k trimmed past 256 MiB).
 * Never trimmed at all, a gzip bomb of text lines read by `top
 * --max-input-size=1G` kept its freed gigabyte: peak RSS 2.1 -> 3.1 GB
 * and 5.8 -> 8.5 s (tests/hostile.sh, full sizes). */
#define TRIM_THRESHOLD (512 << 20)

static void reuse_freed_memory(void)
{
#ifdef M_MMAP_THRESHOLD
	(void)mallopt(M_MMAP_THRESHOLD, INT_MAX);
#endif
#ifdef M_TRIM_THRESHOLD
	(void)mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
#endif
}

int main(int argc, char **argv)
{
	const struct command *cmd;

	reuse_freed_memory();
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return fflush(stdout) ? EXIT_DATA : EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("leakscope %s\n", LEAKSCOPE_VERSION);
		return fflush(stdout) ? EXIT_DATA : EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		char *help_argv[3];

		if (argc < 3) {
			usage(stdout);
			return fflush(stdout) ? EXIT_DATA : EXIT_OK;
		}
		cmd = find(argv[2]);
		if (!cmd)
			return cli_usage_error(NULL,
				"'%s' is not a leakscope command; see 'leakscope --help'",
				argv[2]);
		help_argv[0] = argv[2];
		help_argv[1] = "--help";
		help_argv[2] = NULL;
		return cmd->fn(2, help_argv);
	}
	cmd = find(argv[1]);
	if (!cmd)
		return cli_usage_error(NULL,
			"'%s' is not a leakscope command; see 'leakscope --help'",
			argv[1]);
	cli_catch_sigbus();
	/* progress for large inputs, only where a person watches */
	if (isatty(STDERR_FILENO))
		input_progress = cli_progress;
	return cmd->fn(argc - 1, argv + 1);
}
