/* cmd_top.c - leakscope top: rank the sites of a profile, as pprof -top */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "filter.h"
#include "graph.h"
#include "input.h"
#include "merge.h"
#include "reader.h"
#include "report.h"
#include "strbuf.h"

static const char usage[] =
	"usage: leakscope top [options] PROFILE...\n"
	"\n"
	"  --sample-index=NAME|N  value to rank by (default: the profile's\n"
	"                         default_sample_type, else the last type)\n"
	"  -n, --nodecount=N      show at most N rows (0, the default: all)\n"
	"  --nodefraction=F       hide nodes under F of the total (text: 0.005\n"
	"                         as pprof's -top; json: 0, every node)\n"
	"  --edgefraction=F       ignore edges under F of the total (0.001)\n"
	"  --cum                  sort by cumulative value\n"
	"  --granularity=G        functions (default), filefunctions, files,\n"
	"                         lines or addresses\n"
	"  --focus=RE             keep samples through a frame matching RE\n"
	"  --ignore=RE            drop samples through a frame matching RE\n"
	"  --hide=RE              remove frames matching RE\n"
	"  --show=RE              keep only frames matching RE\n"
	"  --tagfocus=[KEY=]RE|RANGE   keep samples whose labels match\n"
	"  --tagignore=[KEY=]RE|RANGE  drop samples whose labels match\n"
	"  --format=F             text (default), json, folded or svg (a flame\n"
	"                         graph)\n"
	CLI_COLOR_HELP
	"  -o FILE                write to FILE (atomically) instead of stdout\n"
	CLI_MAX_INPUT_HELP
	"  -h, --help             show this help\n"
	"\n"
	"PROFILE is a profile.proto file (gzipped or not), a legacy text heap\n"
	"profile or a goroutine debug=1 profile; '-' is stdin. Several are\n"
	"merged by summing, as go tool pprof merges them.\n";

enum {
	OPT_SAMPLE_INDEX = 256, OPT_CUM, OPT_GRANULARITY, OPT_FOCUS,
	OPT_IGNORE, OPT_HIDE, OPT_SHOW, OPT_TAGFOCUS, OPT_TAGIGNORE,
	OPT_NODEFRACTION, OPT_EDGEFRACTION,
};

static const struct option longopts[] = {
	{ "sample-index", required_argument, NULL, OPT_SAMPLE_INDEX },
	{ "nodecount", required_argument, NULL, 'n' },
	{ "nodefraction", required_argument, NULL, OPT_NODEFRACTION },
	{ "edgefraction", required_argument, NULL, OPT_EDGEFRACTION },
	{ "cum", no_argument, NULL, OPT_CUM },
	{ "granularity", required_argument, NULL, OPT_GRANULARITY },
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "hide", required_argument, NULL, OPT_HIDE },
	{ "show", required_argument, NULL, OPT_SHOW },
	{ "tagfocus", required_argument, NULL, OPT_TAGFOCUS },
	{ "tagignore", required_argument, NULL, OPT_TAGIGNORE },
	{ "help", no_argument, NULL, 'h' },
	CLI_FORMAT_OPTION,
	CLI_COLOR_OPTION,
	CLI_OUTPUT_OPTION,
	CLI_MAX_INPUT_OPTION,
	{ NULL, 0, NULL, 0 },
};

static int parse_fraction(const char *opt, const char *arg, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (errno || end == arg || *end || *out < 0)
		return cli_usage_error(usage, "%s: '%s' is not a non-negative number",
				       opt, arg);
	return EXIT_OK;
}

static void warn_unmatched(bool set, bool matched, const char *what)
{
	if (set && !matched)
		fprintf(stderr, "leakscope: %s expression matched no samples\n", what);
}

int cmd_top(int argc, char **argv)
{
	struct graph_options gopt;
	struct filter_options fopt;
	struct report_options ropt = { NULL, 0, false };
	struct cli_common cc = { usage, CLI_FMT(CLI_FORMAT_TEXT) |
		CLI_FMT(CLI_FORMAT_JSON) | CLI_FMT(CLI_FORMAT_FOLDED) |
		CLI_FMT(CLI_FORMAT_SVG), CLI_FORMAT_TEXT, CLI_COLOR_AUTO, NULL,
		INPUT_MAX_DEFAULT };
	struct load_options lopt;
	const char *filters[6];
	char *filter_text[6] = { NULL };
	const char *index_name = NULL;
	struct profile **profiles = NULL, merged;
	const struct profile *p = &merged;
	struct profile_view view;
	struct graph graph;
	struct cli_output out;
	struct ls_error err;
	size_t nprofiles = 0, i;
	int c, rc = EXIT_USAGE, si;
	bool have_view = false, have_graph = false, fraction_set = false;
	long count;

	graph_options_init(&gopt);
	filter_options_init(&fopt);
	fopt.prune = true;
	profile_init(&merged);
	ls_error_init(&err, NULL);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:o:h", longopts, NULL)) != -1) {
		const char *name = NULL;
		regex_t **re = NULL;
		struct tag_filter *tf = NULL;
		int slot = -1;

		switch (c) {
		case 'h':
			rc = cli_print_help(usage);
			goto done;
		case OPT_SAMPLE_INDEX:
			index_name = optarg;
			break;
		case 'n':
			if (cli_parse_count(usage, "--nodecount", optarg, &count))
				goto done;
			gopt.node_count = count;
			break;
		case OPT_NODEFRACTION:
			if (parse_fraction("--nodefraction", optarg, &gopt.node_fraction))
				goto done;
			fraction_set = true;
			break;
		case OPT_EDGEFRACTION:
			if (parse_fraction("--edgefraction", optarg, &gopt.edge_fraction))
				goto done;
			break;
		case OPT_CUM:
			gopt.cum_sort = true;
			break;
		case OPT_GRANULARITY:
			if (cli_parse_granularity(usage, optarg, &gopt.granularity))
				goto done;
			break;
		case OPT_FOCUS: name = "focus"; re = &fopt.focus; slot = 0; break;
		case OPT_IGNORE: name = "ignore"; re = &fopt.ignore; slot = 1; break;
		case OPT_HIDE: name = "hide"; re = &fopt.hide; slot = 2; break;
		case OPT_SHOW: name = "show"; re = &fopt.show; slot = 3; break;
		case OPT_TAGFOCUS: name = "tagfocus"; tf = &fopt.tagfocus; slot = 4; break;
		case OPT_TAGIGNORE: name = "tagignore"; tf = &fopt.tagignore; slot = 5; break;
		default:
			if (cli_common_option(&cc, c, argv))
				goto done;
			break;
		}
		if (slot >= 0) {
			if (re && cli_parse_filter(usage, name, optarg, re))
				goto done;
			if (tf && filter_parse_tag(tf, name, optarg, &err) < 0) {
				cli_usage_error(usage, "--%s: %s", name, err.msg);
				goto done;
			}
			free(filter_text[slot]);
			if (asprintf(&filter_text[slot], "%s=%s", name, optarg) < 0)
				filter_text[slot] = NULL;
			if (tf && tf->numeric)
				fprintf(stderr, "leakscope: %s: interpreted '%s' as range, not regexp\n",
					name, strchr(optarg, '=') ? strchr(optarg, '=') + 1 : optarg);
		}
	}
	if (optind >= argc) {
		cli_usage_error(usage, "no profile given");
		goto done;
	}
	/* Scripts reading json want every node; text mirrors pprof -top. */
	if (cc.format == CLI_FORMAT_JSON && !fraction_set)
		gopt.node_fraction = 0;

	rc = EXIT_DATA;
	lopt.max_input = cc.max_input;
	lopt.labels = fopt.tagfocus.set || fopt.tagignore.set ? NULL :
		      profile_labels_unread;
	ropt.color = cli_color_enabled(&cc);
	nprofiles = (size_t)(argc - optind);
	profiles = calloc(nprofiles, sizeof(*profiles));
	if (!profiles) {
		cli_errorf(NULL, "out of memory");
		goto done;
	}
	for (i = 0; i < nprofiles; i++) {
		const char *path = argv[optind + (int)i];

		profiles[i] = malloc(sizeof(**profiles));
		if (!profiles[i]) {
			cli_errorf(NULL, "out of memory");
			goto done;
		}
		profile_init(profiles[i]);
		ls_error_init(&err, strcmp(path, "-") ? path : "stdin");
		if (profile_load_file(profiles[i], path, &lopt, &err) < 0) {
			if (!err.subject[0])
				ls_error_subject(&err, strcmp(path, "-") ? path : "stdin");
			cli_report(&err);
			goto done;
		}
	}
	ls_error_init(&err, NULL);
	if (!profile_merge_needed(profiles, nprofiles)) {
		p = profiles[0];
	} else if (profile_merge(&merged, profiles, nprofiles, &err) < 0) {
		cli_report(&err);
		goto done;
	}
	ls_error_init(&err, p->source);
	if ((si = profile_sample_index(p, index_name, &err)) < 0) {
		cli_report(&err);
		goto done;
	}
	gopt.sample_index = si;
	if (filter_apply(&view, p, &fopt, &err) < 0) {
		cli_report(&err);
		goto done;
	}
	have_view = true;
	warn_unmatched(fopt.focus != NULL, view.focus_matched, "focus");
	warn_unmatched(fopt.ignore != NULL, view.ignore_matched, "ignore");
	warn_unmatched(fopt.hide != NULL, view.hide_matched, "hide");
	warn_unmatched(fopt.show != NULL, view.show_matched, "show");
	warn_unmatched(fopt.tagfocus.set, view.tagfocus_matched, "tagfocus");
	warn_unmatched(fopt.tagignore.set, view.tagignore_matched, "tagignore");
	if (graph_build(&graph, &view, &gopt, &err) < 0) {
		cli_report(&err);
		goto done;
	}
	have_graph = true;
	for (i = 0; i < 6; i++)
		if (filter_text[i])
			filters[ropt.nactive_filters++] = filter_text[i];
	ropt.active_filters = filters;

	if (cli_output_open(&out, cc.output) != EXIT_OK)
		goto done;
	switch (cc.format) {
	case CLI_FORMAT_TEXT: c = report_text(out.fp, &graph, &ropt); break;
	case CLI_FORMAT_JSON: c = report_json(out.fp, &graph, &ropt); break;
	case CLI_FORMAT_SVG: c = report_svg(out.fp, &graph, &ropt); break;
	default: c = report_folded(out.fp, &graph, &ropt); break;
	}
	rc = cli_output_finish(&out, c);
done:
	if (have_graph)
		graph_release(&graph);
	if (have_view)
		profile_view_release(&view);
	profile_release(&merged);
	for (i = 0; i < nprofiles && profiles; i++) {
		if (profiles[i]) {
			profile_release(profiles[i]);
			free(profiles[i]);
		}
	}
	free(profiles);
	for (i = 0; i < 6; i++)
		free(filter_text[i]);
	filter_options_release(&fopt);
	return rc;
}
