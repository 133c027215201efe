/* cmd_diff.c - leakscope diff: what grew between two profiles or goroutine dumps */
#include <getopt.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "filter.h"
#include "graph.h"
#include "input.h"
#include "sites.h"
#include "snapshot.h"
#include "workers.h"

static const char usage[] =
	"usage: leakscope diff [options] BASE NEW\n"
	"\n"
	"  --sample-index=NAME|N  value to compare (default: NEW's default type)\n"
	"  --granularity=G        functions (default), filefunctions, files,\n"
	"                         lines or addresses\n"
	"  --focus=RE, --ignore=RE, --hide=RE, --show=RE   as in top (focus\n"
	"                         and ignore also select goroutine stacks)\n"
	"  --normalize            scale NEW to BASE's total, as pprof -normalize\n"
	"  --sort=KEY             delta (default), cum-delta or pct\n"
	"  --user=RE              functions of the service's own code\n"
	"                         (default: package path without a dot is std)\n"
	"  -n, --nodecount=N      show at most N rows (0, the default: all)\n"
	"  --fail-on-growth=AMOUNT  exit 3 when the total or a site grew by more\n"
	"                         than AMOUNT (10MB, 100, or 25% of the total)\n"
	"  -q, --quiet            print nothing (for --fail-on-growth)\n"
	"  --format=F             text (default), json, folded (BASE NEW\n"
	"                         columns) or svg (a differential flame graph:\n"
	"                         widths from NEW, red grew, blue shrank)\n"
	CLI_COLOR_HELP
	"  -o FILE                write to FILE (atomically) instead of stdout\n"
	CLI_MAX_INPUT_HELP
	"  -h, --help             show this help\n"
	"\n"
	"BASE and NEW are two profiles (profile.proto, legacy text) or two\n"
	"goroutine snapshots (debug=2 dump, debug=1 text or goroutine profile;\n"
	"mixed forms are fine). Exit status: 0, 1 data error, 2 usage error,\n"
	"3 growth over --fail-on-growth.\n";

enum {
	OPT_SAMPLE_INDEX = 256, OPT_GRANULARITY, OPT_FOCUS, OPT_IGNORE,
	OPT_HIDE, OPT_SHOW, OPT_NORMALIZE, OPT_SORT,
};

static const struct option longopts[] = {
	{ "sample-index", required_argument, NULL, OPT_SAMPLE_INDEX },
	{ "granularity", required_argument, NULL, OPT_GRANULARITY },
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "hide", required_argument, NULL, OPT_HIDE },
	{ "show", required_argument, NULL, OPT_SHOW },
	{ "normalize", no_argument, NULL, OPT_NORMALIZE },
	{ "sort", required_argument, NULL, OPT_SORT },
	CLI_USER_NODECOUNT_OPTIONS,
	CLI_FAIL_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	CLI_FORMAT_OPTION,
	CLI_COLOR_OPTION,
	CLI_OUTPUT_OPTION,
	CLI_MAX_INPUT_OPTION,
	{ NULL, 0, NULL, 0 },
};

/* One of BASE and NEW to load; rc 1 until it is tried. */
struct load_job {
	struct snapshot *snap;
	const char *path;
	const struct goroutine_filter *filter;
	uint64_t max_input;
	struct ls_error err;
	int rc;
};

static void load_one(void *arg, unsigned i)
{
	struct load_job *j = (struct load_job *)arg + i;

	j->rc = snapshot_load_max(j->snap, j->path, j->filter, j->max_input,
				  &j->err);
}

/* Loads BASE and NEW on two threads at once: they are independent, and
 * with the inflate of each a thread's work, this halves the wait. One
 * after the other while a progress line is drawn (it is one line on the
 * terminal) or when both are stdin. 0, or -1 with the first failing
 * one's error reported. */
static int load_both(struct load_job jobs[2])
{
	unsigned i;

	if (input_progress ||
	    (!strcmp(jobs[0].path, "-") && !strcmp(jobs[1].path, "-"))) {
		for (i = 0; i < 2 && (i == 0 || jobs[0].rc == 0); i++)
			load_one(jobs, i);
	} else {
		workers_count();	/* LEAKSCOPE_THREADS read before */
		workers_run(2, load_one, jobs);
	}
	for (i = 0; i < 2; i++)
		if (jobs[i].rc < 0) {
			cli_report(&jobs[i].err);
			return -1;
		}
	return 0;
}

/* The sample index of NEW chosen by name (or its default), and the same
 * type in BASE. */
static int pick_index(const struct snapshot *base, const struct snapshot *nw,
		      const char *name, int *bi, int *ni)
{
	struct ls_error err;
	const char *type;

	ls_error_init(&err, nw->path);
	if ((*ni = profile_sample_index(&nw->prof, name, &err)) < 0)
		return cli_report(&err);
	type = nw->prof.sample_types[*ni].type;
	ls_error_init(&err, base->path);
	if ((*bi = profile_sample_index(&base->prof, type, NULL)) < 0 ||
	    strcmp(base->prof.sample_types[*bi].type, type))
		return cli_errorf(base->path, "has no sample type %s, which %s has",
				  type, nw->path);
	return EXIT_OK;
}

int cmd_diff(int argc, char **argv)
{
	const struct diff_sort_key *sort = diff_sort_key_find("delta");
	struct graph_options gopt;
	struct filter_options fopt;
	struct cli_growth gr;
	const char *index_name = NULL;
	struct snapshot snaps[2];
	bool loaded[2] = { false, false };
	bool normalize = false, have_sites = false, have_diff = false;
	struct site_table sites;
	struct diff diff;
	struct diff_meta meta;
	struct goroutine_filter gfilter;
	struct load_job jobs[2];
	struct cli_common cc = { usage, CLI_FMT(CLI_FORMAT_TEXT) |
		CLI_FMT(CLI_FORMAT_JSON) | CLI_FMT(CLI_FORMAT_FOLDED) |
		CLI_FMT(CLI_FORMAT_SVG), CLI_FORMAT_TEXT,
				 CLI_COLOR_AUTO, NULL, 0 };
	struct cli_output out;
	struct ls_error err;
	int c, handled, rc = EXIT_USAGE, i;
	size_t k;

	graph_options_init(&gopt);
	gopt.node_fraction = 0;
	gopt.edge_fraction = 0;
	filter_options_init(&fopt);
	fopt.prune = true;
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
		case OPT_SAMPLE_INDEX:
			index_name = optarg;
			break;
		case OPT_GRANULARITY:
			if (cli_parse_granularity(usage, optarg, &gopt.granularity))
				goto done;
			break;
		case OPT_FOCUS: name = "focus"; re = &fopt.focus; break;
		case OPT_IGNORE: name = "ignore"; re = &fopt.ignore; break;
		case OPT_HIDE: name = "hide"; re = &fopt.hide; break;
		case OPT_SHOW: name = "show"; re = &fopt.show; break;
		case OPT_NORMALIZE:
			normalize = true;
			break;
		case OPT_SORT:
			if (!(sort = diff_sort_key_find(optarg))) {
				cli_usage_error(usage, "--sort: '%s' is not one of delta, cum-delta, pct", optarg);
				goto done;
			}
			break;
		default:
			if ((handled = cli_growth_option(&gr, usage, c, optarg)) < 0 ||
			    (handled == 0 && cli_common_option(&cc, c, argv)))
				goto done;
			break;
		}
		if (re && cli_parse_filter(usage, name, optarg, re))
			goto done;
	}
	if (argc - optind != 2) {
		cli_usage_error(usage, argc - optind < 2 ? "two snapshots needed: BASE NEW"
				: "too many arguments");
		goto done;
	}

	rc = EXIT_DATA;
	meta.color = cli_color_enabled(&cc);
	memset(&gfilter, 0, sizeof(gfilter));
	gfilter.user = cli_growth_user(&gr);
	meta.limit = gr.limit;
	gfilter.focus = fopt.focus;
	gfilter.ignore = fopt.ignore;
	for (i = 0; i < 2; i++) {
		jobs[i].snap = &snaps[i];
		jobs[i].path = argv[optind + i];
		jobs[i].filter = &gfilter;
		jobs[i].max_input = cc.max_input;
		jobs[i].rc = 1;
	}
	if (load_both(jobs) < 0) {
		for (i = 0; i < 2; i++)
			loaded[i] = jobs[i].rc == 0;
		goto done;
	}
	loaded[0] = loaded[1] = true;
	if ((snaps[0].kind == SNAP_GOROUTINE) != (snaps[1].kind == SNAP_GOROUTINE)) {
		cli_errorf(snaps[1].path, "is a %s snapshot and %s a %s one: nothing to compare",
			   snaps[1].kind_name, snaps[0].path, snaps[0].kind_name);
		goto done;
	}
	if (sites_init(&sites, 2) < 0) {
		cli_errorf(NULL, "out of memory");
		goto done;
	}
	have_sites = true;
	meta.kind = snaps[1].kind_name;
	meta.base_path = snaps[0].path;
	meta.new_path = snaps[1].path;
	if (snaps[0].kind == SNAP_GOROUTINE) {
		meta.sample_type.type = "goroutine";
		meta.sample_type.unit = "count";
		for (i = 0; i < 2; i++)
			if (sites_add_groups(&sites, (size_t)i, &snaps[i].groups, &err) < 0) {
				cli_report(&err);
				goto done;
			}
	} else {
		const struct profile *profs[2];
		struct ls_error errs[2];
		int si[2];

		if (pick_index(&snaps[0], &snaps[1], index_name, &si[0], &si[1]))
			goto done;
		meta.sample_type = snaps[1].prof.sample_types[si[1]];
		if (normalize) {
			ls_error_init(&err, snaps[1].path);
			if (diff_normalize(&snaps[1].prof, &snaps[0].prof, &err) < 0) {
				cli_report(&err);
				goto done;
			}
			meta.normalized = true;
		}
		for (i = 0; i < 2; i++) {
			profs[i] = &snaps[i].prof;
			ls_error_init(&errs[i], snaps[i].path);
		}
		if (sites_add_profiles(&sites, 0, 2, profs, si, &fopt, &gopt,
				       errs, &k) < 0) {
			cli_report(&errs[k]);
			goto done;
		}
	}
	if (!growth_limit_fits(&gr.fail, meta.sample_type.unit)) {
		rc = cli_usage_error(usage, "--fail-on-growth: a size in bytes does not apply to %s (%s)",
				     meta.sample_type.type, meta.sample_type.unit);
		goto done;
	}
	ls_error_init(&err, NULL);
	if (sites_blame(&sites, 0, 1, cli_growth_user(&gr), &err) < 0 ||
	    diff_compute(&diff, &sites, diff_method_find(sort->method),
			 snaps[0].has_ids && snaps[1].has_ids, &err) < 0) {
		cli_report(&err);
		goto done;
	}
	have_diff = true;
	diff_sort(&diff, sort);

	if (!gr.quiet) {
		if (cli_output_open(&out, cc.output) != EXIT_OK)
			goto done;
		switch (cc.format) {
		case CLI_FORMAT_TEXT: c = diff_write_text(out.fp, &diff, &meta); break;
		case CLI_FORMAT_JSON: c = diff_write_json(out.fp, &diff, &meta); break;
		case CLI_FORMAT_SVG: c = diff_write_svg(out.fp, &diff, &meta); break;
		default: c = diff_write_folded(out.fp, &diff, &meta); break;
		}
		if ((rc = cli_output_finish(&out, c)) != EXIT_OK)
			goto done;
	}
	rc = EXIT_OK;
	if (gr.fail.set) {
		bool over = growth_limit_exceeded(&gr.fail, diff.base_total, diff.new_total);

		for (k = 0; !gr.fail.percent && k < diff.nrows && !over; k++)
			over = growth_limit_exceeded(&gr.fail, diff.rows[k].base,
						     diff.rows[k].new_);
		if (over)
			rc = EXIT_GROWTH;
	}
done:
	if (have_diff)
		diff_release(&diff);
	if (have_sites)
		sites_release(&sites);
	for (i = 0; i < 2; i++)
		if (loaded[i])
			snapshot_release(&snaps[i]);
	cli_growth_release(&gr);
	filter_options_release(&fopt);
	return rc;
}
