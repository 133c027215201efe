/* cmd_trend.c - leakscope trend: what keeps growing over three or more snapshots */
#include <getopt.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "filter.h"
#include "graph.h"
#include "sites.h"
#include "snapshot.h"
#include "trend.h"

static const char usage[] =
	"usage: leakscope trend [options] SNAPSHOT...\n"
	"\n"
	"  --kind=K               heap, allocs, goroutine, mutex, block, cpu or\n"
	"                         other (default: the kind with most snapshots)\n"
	"  --order=O              given (default; directories by name), name\n"
	"                         or time (the profile's time)\n"
	"  --sample-index=NAME|N  value to follow (default: the default type)\n"
	"  --cum                  follow cum instead of flat\n"
	"  --granularity=G        functions (default), filefunctions, files,\n"
	"                         lines or addresses\n"
	"  --focus=RE, --ignore=RE, --hide=RE, --show=RE   as in top (focus\n"
	"                         and ignore also select goroutine stacks)\n"
	"  --user=RE              functions of the service's own code\n"
	"  -n, --nodecount=N      show at most N rows (0, the default: all)\n"
	"  --fail-on-growth=AMOUNT  exit 3 when a growing site grew by more than\n"
	"                         AMOUNT (10MB, 100, or 25% of its first value)\n"
	"  -q, --quiet            print nothing (for --fail-on-growth)\n"
	"  --format=F             text (default) or json\n"
	CLI_COLOR_HELP
	"  -o FILE                write to FILE (atomically) instead of stdout\n"
	CLI_MAX_INPUT_HELP
	"  -h, --help             show this help\n"
	"\n"
	"Three or more snapshots of one kind, oldest first; a directory stands\n"
	"for its files sorted by name. Exit status: 0, 1 data error, 2 usage\n"
	"error, 3 growth over --fail-on-growth.\n";

enum {
	OPT_KIND = 256, OPT_ORDER, OPT_SAMPLE_INDEX, OPT_CUM, OPT_GRANULARITY,
	OPT_FOCUS, OPT_IGNORE, OPT_HIDE, OPT_SHOW,
};

static const struct option longopts[] = {
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "sample-index", required_argument, NULL, OPT_SAMPLE_INDEX },
	{ "cum", no_argument, NULL, OPT_CUM },
	{ "granularity", required_argument, NULL, OPT_GRANULARITY },
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "hide", required_argument, NULL, OPT_HIDE },
	{ "show", required_argument, NULL, OPT_SHOW },
	CLI_USER_NODECOUNT_OPTIONS,
	CLI_FAIL_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	CLI_FORMAT_OPTION,
	CLI_COLOR_OPTION,
	CLI_OUTPUT_OPTION,
	CLI_MAX_INPUT_OPTION,
	{ NULL, 0, NULL, 0 },
};

int cmd_trend(int argc, char **argv)
{
	struct graph_options gopt;
	struct filter_options fopt;
	struct cli_growth gr;
	const char *index_name = NULL, *type = NULL;
	enum snapshot_order order = SNAP_ORDER_GIVEN;
	struct snapshot_set set;
	struct snapshot **snaps = NULL;
	const struct profile **profs = NULL;
	struct ls_error *errs = NULL;
	int *index = NULL;
	const char **paths = NULL;
	struct site_table sites;
	struct trend trend;
	struct trend_meta meta;
	struct goroutine_filter gfilter;
	struct trend_noise noise = { 0, false };
	struct cli_output out;
	struct ls_error err;
	struct cli_common cc = { usage, CLI_FMT(CLI_FORMAT_TEXT) |
		CLI_FMT(CLI_FORMAT_JSON), CLI_FORMAT_TEXT,
				 CLI_COLOR_AUTO, NULL, 0 };
	bool cum = false;
	bool have_sites = false, have_trend = false;
	int c, handled, o, rc = EXIT_USAGE, kind = -1;
	size_t n = 0, i;

	graph_options_init(&gopt);
	gopt.node_fraction = 0;
	gopt.edge_fraction = 0;
	filter_options_init(&fopt);
	fopt.prune = true;
	snapshot_set_init(&set);
	memset(&meta, 0, sizeof(meta));
	cli_growth_init(&gr, "--nodecount");
	ls_error_init(&err, NULL);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:o:qh", longopts, NULL)) != -1) {
		regex_t **re = NULL;
		const char *name = NULL;

		switch (c) {
		case 'h':
			rc = cli_print_help(usage);
			goto done;
		case OPT_KIND:
			if ((kind = snapshot_kind_parse(optarg)) < 0) {
				cli_usage_error(usage, "--kind: '%s' is not one of heap, allocs, goroutine, mutex, block, cpu, other", optarg);
				goto done;
			}
			break;
		case OPT_ORDER:
			if ((o = snapshot_order_parse(optarg)) < 0) {
				cli_usage_error(usage, "--order: '%s' is not one of given, name, time", optarg);
				goto done;
			}
			order = (enum snapshot_order)o;
			break;
		case OPT_SAMPLE_INDEX:
			index_name = optarg;
			break;
		case OPT_CUM:
			cum = true;
			break;
		case OPT_GRANULARITY:
			if (cli_parse_granularity(usage, optarg, &gopt.granularity))
				goto done;
			break;
		case OPT_FOCUS: name = "focus"; re = &fopt.focus; break;
		case OPT_IGNORE: name = "ignore"; re = &fopt.ignore; break;
		case OPT_HIDE: name = "hide"; re = &fopt.hide; break;
		case OPT_SHOW: name = "show"; re = &fopt.show; break;
		default:
			if ((handled = cli_growth_option(&gr, usage, c, optarg)) < 0 ||
			    (handled == 0 && cli_common_option(&cc, c, argv)))
				goto done;
			break;
		}
		if (re && cli_parse_filter(usage, name, optarg, re))
			goto done;
	}
	if (optind >= argc) {
		cli_usage_error(usage, "no snapshot given");
		goto done;
	}

	rc = EXIT_DATA;
	memset(&gfilter, 0, sizeof(gfilter));
	gfilter.user = cli_growth_user(&gr);
	meta.limit = gr.limit;
	gfilter.focus = fopt.focus;
	gfilter.ignore = fopt.ignore;
	set.max_input = cc.max_input;
	if (snapshot_set_load(&set, argv + optind, (size_t)(argc - optind), order,
			      &gfilter, &err) < 0) {
		cli_report(&err);
		goto done;
	}
	if (kind < 0)
		kind = (int)snapshot_set_main_kind(&set);
	snaps = calloc(set.n + 1, sizeof(*snaps));
	paths = calloc(set.n + 1, sizeof(*paths));
	if (!snaps || !paths) {
		cli_errorf(NULL, "out of memory");
		goto done;
	}
	for (i = 0; i < set.n; i++)
		if ((int)set.snaps[i]->kind == kind) {
			paths[n] = set.snaps[i]->path;
			snaps[n++] = set.snaps[i];
		}
	if (n < 3) {
		rc = cli_usage_error(usage, "a trend needs three or more %s snapshots; %zu given",
				     snapshot_kind_name((enum snapshot_kind)kind), n);
		goto done;
	}
	if (n < set.n)
		fprintf(stderr, "leakscope: trend of %zu %s snapshots; %zu of other kinds left out (see --kind)\n",
			n, snapshot_kind_name((enum snapshot_kind)kind), set.n - n);
	if (sites_init(&sites, n) < 0) {
		cli_errorf(NULL, "out of memory");
		goto done;
	}
	have_sites = true;
	meta.kind = snapshot_kind_name((enum snapshot_kind)kind);
	if (kind == SNAP_GOROUTINE) {
		meta.sample_type.type = "goroutine";
		meta.sample_type.unit = "count";
		for (i = 0; i < n; i++)
			if (sites_add_groups(&sites, i, &snaps[i]->groups, &err) < 0) {
				cli_report(&err);
				goto done;
			}
	} else {
		const struct snapshot *last = snaps[n - 1];
		int si;

		ls_error_init(&err, last->path);
		if ((si = profile_sample_index(&last->prof, index_name, &err)) < 0) {
			cli_report(&err);
			goto done;
		}
		type = last->prof.sample_types[si].type;
		meta.sample_type = last->prof.sample_types[si];
		profs = calloc(n, sizeof(*profs));
		index = calloc(n, sizeof(*index));
		errs = calloc(n, sizeof(*errs));
		if (!profs || !index || !errs) {
			cli_errorf(NULL, "out of memory");
			goto done;
		}
		/* adding fails only when out of memory: every type is
		 * checked first, then all are added, several at once */
		for (i = 0; i < n; i++) {
			index[i] = profile_sample_index(&snaps[i]->prof, type, NULL);
			if (index[i] < 0 ||
			    strcmp(snaps[i]->prof.sample_types[index[i]].type, type)) {
				cli_errorf(snaps[i]->path, "has no sample type %s", type);
				goto done;
			}
			profs[i] = &snaps[i]->prof;
			ls_error_init(&errs[i], snaps[i]->path);
		}
		if (sites_add_profiles(&sites, 0, n, profs, index, &fopt, &gopt,
				       errs, &i) < 0) {
			cli_report(&errs[i]);
			goto done;
		}
		if (kind == SNAP_HEAP || kind == SNAP_ALLOCS) {
			noise.period = last->prof.period;
			noise.bytes = !strcmp(meta.sample_type.unit, "bytes");
		}
	}
	if (!growth_limit_fits(&gr.fail, meta.sample_type.unit)) {
		rc = cli_usage_error(usage, "--fail-on-growth: a size in bytes does not apply to %s (%s)",
				     meta.sample_type.type, meta.sample_type.unit);
		goto done;
	}
	ls_error_init(&err, NULL);
	if (sites_blame(&sites, 0, n - 1, cli_growth_user(&gr), &err) < 0 ||
	    trend_compute(&trend, &sites, cum, &noise, &err) < 0) {
		cli_report(&err);
		goto done;
	}
	have_trend = true;
	meta.paths = paths;
	meta.npaths = n;
	meta.cum = cum;
	meta.color = cli_color_enabled(&cc);
	meta.utf8 = trend_locale_utf8(getenv("LC_ALL"), getenv("LC_CTYPE"),
				      getenv("LANG"));
	if (!gr.quiet) {
		if (cli_output_open(&out, cc.output) != EXIT_OK)
			goto done;
		c = cc.format == CLI_FORMAT_JSON ? trend_write_json(out.fp, &trend, &meta)
			 : trend_write_text(out.fp, &trend, &meta);
		if ((rc = cli_output_finish(&out, c)) != EXIT_OK)
			goto done;
	}
	rc = EXIT_OK;
	for (i = 0; gr.fail.set && i < trend.nrows; i++) {
		const struct trend_row *r = &trend.rows[i];

		if (r->cls == TREND_GROWING &&
		    growth_limit_exceeded(&gr.fail, r->values[0], r->values[n - 1]))
			rc = EXIT_GROWTH;
	}
done:
	if (have_trend)
		trend_release(&trend);
	if (have_sites)
		sites_release(&sites);
	free(snaps);
	free(paths);
	free(profs);
	free(index);
	free(errs);
	snapshot_set_release(&set);
	cli_growth_release(&gr);
	filter_options_release(&fopt);
	return rc;
}
