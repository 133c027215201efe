/* cmd_grep.c - leakscope grep: print the goroutines of a dump that match, byte for byte
 *
 * Streams: one goroutine's lines are buffered until the parser says it is
 * complete, then printed exactly as read (CRLF, indentation and the blank
 * separator included) or dropped. Preamble lines (panic:, fatal error:,
 * SIGQUIT:, registers, runtime stack:) pass through so the output is still
 * a dump; other lines (logs) are dropped. Exit: 0 when a goroutine was
 * selected, 1 when none was or on a read error (with a message), 2 on a
 * usage error.
 */
#include <getopt.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dump.h"
#include "goroutines.h"
#include "input.h"

static const char usage_text[] =
	"usage: leakscope grep [options] PATTERN [DUMP|-]\n"
	"       leakscope grep [options] -e PATTERN [-e PATTERN]... [DUMP|-]\n"
	"  -e PATTERN         a pattern (repeatable); a goroutine matches when its\n"
	"                     header, a function or a file:line matches one\n"
	"  -v                 select the goroutines that do not match\n"
	"  -c                 print only the number of selected goroutines\n"
	"  -i                 ignore case\n"
	"  -F                 patterns are fixed strings, not regular expressions\n"
	"  --state RE         only goroutines whose state matches RE\n"
	"  --min-wait DUR     only goroutines waiting at least DUR (90s, 5m, 1h)\n"
	"  --created-by RE    only goroutines created by a function matching RE\n"
	"  --max-input-size=SIZE  refuse an input larger than SIZE once\n"
	"                     decompressed (default 4GiB; 0: no limit); the\n"
	"                     input is streamed, so memory stays small either way\n"
	"  -h, --help         this help\n"
	"exit status: 0 some goroutine selected, 1 none (or an error), 2 usage\n";

enum { OPT_STATE = 256, OPT_MIN_WAIT, OPT_CREATED_BY };

static const struct option options[] = {
	{ "regexp", required_argument, NULL, 'e' },
	{ "invert-match", no_argument, NULL, 'v' },
	{ "count", no_argument, NULL, 'c' },
	{ "ignore-case", no_argument, NULL, 'i' },
	{ "fixed-strings", no_argument, NULL, 'F' },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "min-wait", required_argument, NULL, OPT_MIN_WAIT },
	{ "created-by", required_argument, NULL, OPT_CREATED_BY },
	{ "help", no_argument, NULL, 'h' },
	CLI_MAX_INPUT_OPTION,
	{ NULL, 0, NULL, 0 },
};

struct grep {
	const char **pats;
	size_t npats;
	regex_t *res;
	bool fixed, icase, invert;
	bool have_state, have_cb;
	regex_t state, created_by;
	int64_t min_wait;
	bool decided, selected;
	struct strbuf key;
};

static bool match_str(struct grep *gr, const char *s)
{
	size_t i;

	for (i = 0; i < gr->npats; i++) {
		if (gr->fixed) {
			if (gr->icase ? strcasestr(s, gr->pats[i]) != NULL
				      : strstr(s, gr->pats[i]) != NULL)
				return true;
		} else if (regexec(&gr->res[i], s, 0, NULL, 0) == 0) {
			return true;
		}
	}
	return false;
}

static bool match_frame(struct grep *gr, const struct dump_frame *f)
{
	if (match_str(gr, f->func))
		return true;
	strbuf_reset(&gr->key);
	strbuf_addf(&gr->key, "%s:%lld", f->file, (long long)f->line);
	return match_str(gr, gr->key.buf);
}

static int on_goroutine(const struct goroutine *g, void *ctx)
{
	struct grep *gr = ctx;
	bool m = match_str(gr, g->header);
	size_t i;

	for (i = 0; !m && i < g->nframes; i++)
		m = match_frame(gr, &g->frames[i]);
	if (!m && g->has_created_by)
		m = match_frame(gr, &g->created_by);
	gr->selected = m != gr->invert;
	if (gr->have_state && regexec(&gr->state, g->state, 0, NULL, 0) != 0)
		gr->selected = false;
	if (gr->min_wait && g->wait_minutes < gr->min_wait)
		gr->selected = false;
	if (gr->have_cb && (!g->has_created_by ||
			    regexec(&gr->created_by, g->created_by.func, 0, NULL, 0) != 0))
		gr->selected = false;
	gr->decided = true;
	return 0;
}

int cmd_grep(int argc, char **argv)
{
	struct grep gr;
	const char *path = "-", *source;
	const char **pats = NULL;
	size_t npats = 0, ncompiled = 0, i;
	bool count_only = false, in_block = false, prev_preamble = false;
	unsigned long long selected = 0;
	struct dump_parser parser;
	struct strbuf spill = STRBUF_INIT, block = STRBUF_INIT;
	const char *line = NULL;
	size_t len = 0;
	struct ls_error err;
	struct input in;
	int c, ret = EXIT_OK, r;
	struct cli_common cc = { usage_text, 0, CLI_FORMAT_TEXT, CLI_COLOR_AUTO,
				 NULL, INPUT_MAX_DEFAULT };

	memset(&gr, 0, sizeof(gr));
	strbuf_init(&gr.key);
	pats = calloc((size_t)argc + 1, sizeof(*pats));
	if (!pats)
		return cli_errorf(NULL, "out of memory");
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":e:vciFh", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			free(pats);
			return cli_print_help(usage_text);
		case 'e':
			pats[npats++] = optarg;
			break;
		case 'v':
			gr.invert = true;
			break;
		case 'c':
			count_only = true;
			break;
		case 'i':
			gr.icase = true;
			break;
		case 'F':
			gr.fixed = true;
			break;
		case OPT_STATE:
			if ((ret = cli_parse_regex(usage_text, "--state", optarg, 0,
						   &gr.state, &gr.have_state)))
				goto out_opts;
			break;
		case OPT_CREATED_BY:
			if ((ret = cli_parse_regex(usage_text, "--created-by", optarg, 0,
						   &gr.created_by, &gr.have_cb)))
				goto out_opts;
			break;
		case OPT_MIN_WAIT:
			if (goroutine_parse_wait(optarg, &gr.min_wait) < 0) {
				ret = cli_usage_error(usage_text,
					"--min-wait: '%s' is not a duration such as 90s, 5m or 1h",
					optarg);
				goto out_opts;
			}
			break;
		default:
			if ((ret = cli_common_option(&cc, c, argv)))
				goto out_opts;
			break;
		}
	}
	if (!npats) {
		if (optind >= argc) {
			ret = cli_usage_error(usage_text, "no PATTERN given");
			goto out_opts;
		}
		pats[npats++] = argv[optind++];
	}
	if (argc - optind > 1) {
		ret = cli_usage_error(usage_text, "too many arguments");
		goto out_opts;
	}
	if (optind < argc)
		path = argv[optind];
	gr.pats = pats;
	gr.npats = npats;
	if (!gr.fixed) {
		gr.res = calloc(npats, sizeof(*gr.res));
		if (!gr.res) {
			ret = cli_errorf(NULL, "out of memory");
			goto out_opts;
		}
		for (i = 0; i < npats; i++) {
			bool ok = false;

			if ((ret = cli_parse_regex(usage_text, "PATTERN", pats[i],
						   gr.icase ? REG_ICASE : 0,
						   &gr.res[i], &ok)))
				goto out_opts;
			ncompiled++;
		}
	}

	source = strcmp(path, "-") ? path : "stdin";
	/* matches are printed while reading: no progress line among them */
	if (!count_only && isatty(STDOUT_FILENO))
		input_progress = NULL;
	dump_parser_init(&parser, source, on_goroutine, NULL, &gr);
	if (input_open(&in, path, cc.max_input, &err) < 0) {
		ls_error_subject(&err, source);
		ret = cli_report(&err);
		goto out;
	}
	ls_error_subject(&err, source);
	input_read_ahead(&in);
	for (;;) {
		enum dump_line_kind k;
		bool eof;

		r = input_getline_ref(&in, &line, &len, &spill, &err);
		if (r < 0)
			break;
		eof = r == 0;
		if (eof)
			r = dump_parser_finish(&parser, &err);
		else
			r = dump_parser_line(&parser, line, len, &k, &err);
		if (r < 0)
			break;
		if (eof || k == DUMP_LINE_HEADER || k == DUMP_LINE_PREAMBLE ||
		    k == DUMP_LINE_OTHER) {
			/* the goroutine in block is complete and decided */
			if (in_block && gr.decided && gr.selected) {
				selected++;
				if (!count_only)
					fwrite(block.buf, 1, block.len, stdout);
			}
			strbuf_reset(&block);
			in_block = false;
			gr.decided = false;
		}
		if (eof)
			break;
		switch (k) {
		case DUMP_LINE_HEADER:
			in_block = true;
			/* fall through */
		case DUMP_LINE_BODY:
			if (strbuf_add(&block, line, len) < 0)
				r = ls_error_set(&err, "out of memory");
			break;
		case DUMP_LINE_BLANK:
			if (in_block) {
				if (strbuf_add(&block, line, len) < 0)
					r = ls_error_set(&err, "out of memory");
			} else if (prev_preamble && !count_only) {
				fwrite(line, 1, len, stdout);
			}
			break;
		case DUMP_LINE_PREAMBLE:
			if (!count_only)
				fwrite(line, 1, len, stdout);
			break;
		case DUMP_LINE_OTHER:
			break;
		}
		if (r < 0)
			break;
		prev_preamble = k == DUMP_LINE_PREAMBLE ||
				(k == DUMP_LINE_BLANK && prev_preamble);
	}
	input_close(&in);
	if (r < 0) {
		if (!err.line)
			err.line = parser.lineno;
		cli_report(&err);
		fflush(stdout);
		ret = EXIT_DATA;
		goto out;
	}
	if (count_only)
		printf("%llu\n", selected);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ret = cli_output_close(&(struct cli_output){ .fp = stdout }, true);
		goto out;
	}
	ret = selected ? EXIT_OK : EXIT_DATA;
out:
	dump_parser_release(&parser);
out_opts:
	for (i = 0; i < ncompiled; i++)
		regfree(&gr.res[i]);
	free(gr.res);
	if (gr.have_state)
		regfree(&gr.state);
	if (gr.have_cb)
		regfree(&gr.created_by);
	strbuf_release(&spill);
	strbuf_release(&block);
	strbuf_release(&gr.key);
	free(pats);
	return ret;
}
