/* cmd_goroutines.c - leakscope goroutines: group a goroutine dump and rank stuck stacks */
#include <getopt.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dump.h"
#include "goroutines.h"
#include "input.h"
#include "reader.h"
#include "workers.h"

static const char usage_text[] =
	"usage: leakscope goroutines [options] [DUMP|-]\n"
	"  --min-count N      groups of at least N goroutines\n"
	"  --min-wait DUR     goroutines waiting at least DUR (90s, 5m, 1h)\n"
	"  --state RE         goroutines whose state matches RE\n"
	"  --focus RE         stacks with a function matching RE\n"
	"  --ignore RE        drop stacks with a function matching RE\n"
	"  --user RE          functions of the service's own code\n"
	"  --benign=show|hide show (last) or drop idle runtime/server goroutines\n"
	"  --dump=N|all       which dump of a file holding several (default: last)\n"
	"  -n N               at most N groups (0 = all, the default)\n"
	"  --format=F         text (default), json, folded or svg (a flame\n"
	"                     graph, wait states as the leaf-most boxes)\n"
	"  --color=WHEN       colour text output: auto (default: when stdout\n"
	"                     is a terminal and NO_COLOR is unset), always or\n"
	"                     never\n"
	"  -o FILE            write to FILE instead of stdout\n"
	"  --max-input-size=SIZE  refuse an input larger than SIZE once\n"
	"                     decompressed (default 4GiB; 0: no limit); a dump\n"
	"                     is streamed, so memory stays small either way\n"
	"  -h, --help         this help\n";

enum { OPT_MIN_COUNT = 256, OPT_MIN_WAIT, OPT_STATE, OPT_FOCUS, OPT_IGNORE,
       OPT_USER, OPT_BENIGN, OPT_DUMP };

static const struct option options[] = {
	{ "min-count", required_argument, NULL, OPT_MIN_COUNT },
	{ "min-wait", required_argument, NULL, OPT_MIN_WAIT },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "user", required_argument, NULL, OPT_USER },
	{ "benign", required_argument, NULL, OPT_BENIGN },
	{ "dump", required_argument, NULL, OPT_DUMP },
	{ "help", no_argument, NULL, 'h' },
	CLI_FORMAT_OPTION,
	CLI_COLOR_OPTION,
	CLI_OUTPUT_OPTION,
	CLI_MAX_INPUT_OPTION,
	{ NULL, 0, NULL, 0 },
};

struct run {
	struct goroutine_groups groups;
	struct goroutine_filter filter;
	struct goroutine_sink sink;
};

/* The threads a plain dump file of len bytes is grouped on: below 2,
 * it is streamed line by line instead. */
static size_t split_parts(size_t len)
{
	size_t parts = workers_count();

	return len / GOROUTINES_SPLIT_MIN < parts ? len / GOROUTINES_SPLIT_MIN : parts;
}

/* A dump in a plain file is grouped on several threads when it is big
 * enough (goroutines_parse_split), else streamed line by line. */
static int parse_dump(struct dump_parser *parser, struct goroutine_sink *sink,
		      struct input *in, const struct strbuf *head,
		      struct ls_error *err)
{
	size_t len, parts = 0;
	const char *data;

	data = workers_count() >= 2 ? input_map(in, &len) : NULL;
	if (data)
		parts = split_parts(len);
	if (parts >= 2) {
		struct goroutines_split how = {
			.nparts = (unsigned)parts,
			.max_line = in->max_line,
			.mapped = true,
			.steal_min = GOROUTINES_STEAL_MIN,
		};

		if (goroutines_parse_split(parser, sink, data, len, &how) == 0)
			return 0;
	}
	return dump_parse_rest(parser, in, head, err);
}

int cmd_goroutines(int argc, char **argv)
{
	struct run run;
	regex_t re_state, re_focus, re_ignore, re_user;
	bool h_state = false, h_focus = false, h_ignore = false, h_user = false;
	const char *path = "-";
	struct cli_common cc = { usage_text, CLI_FMT(CLI_FORMAT_TEXT) |
		CLI_FMT(CLI_FORMAT_JSON) | CLI_FMT(CLI_FORMAT_FOLDED) |
		CLI_FMT(CLI_FORMAT_SVG), CLI_FORMAT_TEXT, CLI_COLOR_AUTO, NULL,
		INPUT_MAX_DEFAULT };
	const char *source;
	struct goroutines_meta meta;
	struct dump_parser parser;
	struct profile prof;
	struct ls_error err;
	struct input in;
	struct strbuf head = STRBUF_INIT;
	struct cli_output out;
	long n = 0, count;
	int c, ret = EXIT_OK, wr = 0;
	bool is_profile = false, mapped_dump = false;
	const char *data;
	size_t len, hlen;

	memset(&run, 0, sizeof(run));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hn:o:", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_print_help(usage_text);
		case 'n':
			if ((ret = cli_parse_count(usage_text, "-n", optarg, &n)))
				goto out_re;
			break;
		case OPT_MIN_COUNT:
			if ((ret = cli_parse_count(usage_text, "--min-count", optarg, &count)))
				goto out_re;
			run.filter.min_count = (uint64_t)count;
			break;
		case OPT_MIN_WAIT:
			if (goroutine_parse_wait(optarg, &run.filter.min_wait) < 0) {
				ret = cli_usage_error(usage_text,
					"--min-wait: '%s' is not a duration such as 90s, 5m or 1h",
					optarg);
				goto out_re;
			}
			break;
		case OPT_STATE:
			if ((ret = cli_parse_regex(usage_text, "--state", optarg, 0,
						   &re_state, &h_state)))
				goto out_re;
			break;
		case OPT_FOCUS:
			if ((ret = cli_parse_regex(usage_text, "--focus", optarg, 0,
						   &re_focus, &h_focus)))
				goto out_re;
			break;
		case OPT_IGNORE:
			if ((ret = cli_parse_regex(usage_text, "--ignore", optarg, 0,
						   &re_ignore, &h_ignore)))
				goto out_re;
			break;
		case OPT_USER:
			if ((ret = cli_parse_regex(usage_text, "--user", optarg, 0,
						   &re_user, &h_user)))
				goto out_re;
			break;
		case OPT_BENIGN:
			if (!strcmp(optarg, "hide"))
				run.filter.hide_benign = true;
			else if (!strcmp(optarg, "show"))
				run.filter.hide_benign = false;
			else {
				ret = cli_usage_error(usage_text,
					"--benign: '%s' is not show or hide", optarg);
				goto out_re;
			}
			break;
		case OPT_DUMP:
			if (!strcmp(optarg, "all")) {
				run.sink.want_dump = -1;
			} else if (!strcmp(optarg, "last")) {
				run.sink.want_dump = 0;
			} else {
				if ((ret = cli_parse_count(usage_text, "--dump", optarg, &count)))
					goto out_re;
				if (count < 1) {
					ret = cli_usage_error(usage_text,
						"--dump: dumps are numbered from 1");
					goto out_re;
				}
				run.sink.want_dump = count;
			}
			break;
		default:
			if ((ret = cli_common_option(&cc, c, argv)))
				goto out_re;
			break;
		}
	}
	if (argc - optind > 1) {
		ret = cli_usage_error(usage_text, "too many arguments");
		goto out_re;
	}
	if (argc - optind == 1)
		path = argv[optind];
	source = strcmp(path, "-") ? path : "stdin";
	run.filter.state = h_state ? &re_state : NULL;
	run.filter.focus = h_focus ? &re_focus : NULL;
	run.filter.ignore = h_ignore ? &re_ignore : NULL;
	run.filter.user = h_user ? &re_user : NULL;
	run.sink.groups = &run.groups;
	run.sink.filter = &run.filter;
	run.sink.err = &err;
	goroutine_groups_init(&run.groups);
	dump_parser_init(&parser, source, goroutine_sink_goroutine,
			 goroutine_sink_dump, &run.sink);
	parser.no_args = true;		/* groups ignore them */
	profile_init(&prof);

	/* A dump is streamed (memory follows distinct stacks), a profile is
	 * read whole; --max-input-size bounds the bytes read either way. */
	if (input_open(&in, path, cc.max_input, &err) < 0) {
		ls_error_subject(&err, source);
		ret = cli_report(&err);
		goto out;
	}
	ls_error_subject(&err, source);
	/* A plain file big enough to be parsed on threads (parse_dump:
	 * split_parts() of 2 or more, from 2 * GOROUTINES_SPLIT_MIN bytes
	 * on) is mapped; when its head says dump, it is not read through
	 * zlib's buffers first (0.5 ms and 200 page faults of the 64 MiB
	 * bench dump's 40 ms), and head stays empty: nothing was read. */
	if (workers_count() >= 2 &&
	    (data = input_map_unread(&in, 2 * GOROUTINES_SPLIT_MIN, &len)) &&
	    (hlen = dump_head_len(data, len)) > 0 && dump_sniff(data, hlen)) {
		mapped_dump = true;
	} else if (dump_read_head(&in, &head, &err) < 0) {
		if (!err.line)	/* a read error: where the text stopped */
			err.line = in.lineno;
		input_close(&in);
		ret = cli_report(&err);
		goto out;
	}
	/* text that is not a debug=1 profile goes to the dump parser, which
	 * says so when it finds no goroutine */
	is_profile = !mapped_dump && head.len > 0 && !dump_sniff(head.buf, head.len) &&
		     (in.gzipped || !strncmp(head.buf, "goroutine profile:", 18) ||
		      memchr(head.buf, '\0', head.len) != NULL);
	if (is_profile) {
		struct load_options lo = { cc.max_input };

		if (input_read_all(&in, &head, &err) < 0 ||
		    profile_load_buffer(&prof, source, (const unsigned char *)head.buf,
					head.len, &lo, &err) < 0 ||
		    goroutine_groups_add_profile(&run.groups, &prof, &run.filter, &err) < 0) {
			input_close(&in);
			ls_error_subject(&err, source);
			ret = cli_report(&err);
			goto out;
		}
	} else if (parse_dump(&parser, &run.sink, &in, &head, &err) < 0) {
		input_close(&in);
		if (!err.line)	/* a read error: where the text stopped */
			err.line = parser.lineno;
		ret = cli_report(&err);
		goto out;
	}
	input_close(&in);
	if (!is_profile && parser.total == 0) {
		ret = cli_errorf(path, "no goroutine dump found (no \"goroutine N [state]:\" line)");
		goto out;
	}
	if (!is_profile && run.sink.want_dump > (long)parser.ndumps) {
		ret = cli_errorf(path, "--dump=%ld: the input holds %zu dump%s", run.sink.want_dump,
				 parser.ndumps, parser.ndumps == 1 ? "" : "s");
		goto out;
	}
	goroutine_groups_rank(&run.groups, &run.filter);

	memset(&meta, 0, sizeof(meta));
	meta.source = source;
	meta.limit = (size_t)n;
	meta.reason = "";
	meta.color = cli_color_enabled(&cc);
	meta.user = run.filter.user;
	if (is_profile) {
		meta.dump = 1;
		meta.ndumps = 1;
	} else {
		meta.ndumps = parser.ndumps;
		if (run.sink.want_dump < 0) {
			size_t i;

			meta.dump = 0;
			for (i = 0; i < parser.ndumps; i++)
				meta.truncated |= parser.dumps[i].truncated;
		} else {
			meta.dump = run.sink.want_dump ? (size_t)run.sink.want_dump : parser.ndumps;
			meta.truncated = parser.dumps[meta.dump - 1].truncated;
			meta.reason = parser.dumps[meta.dump - 1].reason;
		}
	}
	if ((ret = cli_output_open(&out, cc.output)) != EXIT_OK)
		goto out;
	if (cc.format == CLI_FORMAT_JSON)
		wr = goroutines_write_json(out.fp, &run.groups, &meta);
	else if (cc.format == CLI_FORMAT_FOLDED)
		wr = goroutines_write_folded(out.fp, &run.groups, &meta);
	else if (cc.format == CLI_FORMAT_SVG)
		wr = goroutines_write_svg(out.fp, &run.groups, &meta);
	else
		wr = goroutines_write_text(out.fp, &run.groups, &meta);
	ret = cli_output_finish(&out, wr);
out:
	strbuf_release(&head);
	profile_release(&prof);
	dump_parser_release(&parser);
	goroutine_groups_release(&run.groups);
out_re:
	if (h_state)
		regfree(&re_state);
	if (h_focus)
		regfree(&re_focus);
	if (h_ignore)
		regfree(&re_ignore);
	if (h_user)
		regfree(&re_user);
	return ret;
}
