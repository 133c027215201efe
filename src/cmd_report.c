/* cmd_report.c - leakscope report: one diagnosis over a service's heap profiles and goroutine dumps */
#include <getopt.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "joint.h"
#include "snapshot.h"

static const char usage[] =
	"usage: leakscope report [options] DIR | FILE...\n"
	"\n"
	"  --order=O        name (default): snapshots of a kind in file name\n"
	"                   order; time: by the profile's time (dumps, which\n"
	"                   have none, keep name order after the timed ones);\n"
	"                   given: as on the command line\n"
	"  --user=RE        functions of the service's own code\n"
	"  -n N             at most N findings per section (default 10; 0: all)\n"
	"  --format=F       text (default) or json\n"
	"  --color=WHEN     colour text output: auto (default: when stdout is\n"
	"                   a terminal and NO_COLOR is unset), always or never\n"
	"  -o FILE          write to FILE (atomically) instead of stdout\n"
	CLI_MAX_INPUT_HELP
	"  -h, --help       show this help\n"
	"\n"
	"Heap profiles, goroutine dumps or profiles, mutex and block profiles\n"
	"of one service: trend (three or more) or diff (two) of each kind,\n"
	"then the growing heap sites, the growing goroutine groups and the\n"
	"service's functions found in both, each with a verdict and the command\n"
	"that shows its detail; then the top of the last mutex and block\n"
	"profiles.\n";

enum { OPT_ORDER = 256 };

static const struct option longopts[] = {
	{ "order", required_argument, NULL, OPT_ORDER },
	CLI_USER_NODECOUNT_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	CLI_FORMAT_OPTION,
	CLI_COLOR_OPTION,
	CLI_OUTPUT_OPTION,
	CLI_MAX_INPUT_OPTION,
	{ NULL, 0, NULL, 0 },
};

int cmd_report(int argc, char **argv)
{
	struct joint_options jo = { NULL, 10, "name" };
	enum snapshot_order order = SNAP_ORDER_NAME;
	struct snapshot_set set;
	struct joint_report report;
	struct goroutine_filter gfilter;
	struct cli_output out;
	struct ls_error err;
	struct cli_common cc = { usage, CLI_FMT(CLI_FORMAT_TEXT) |
		CLI_FMT(CLI_FORMAT_JSON), CLI_FORMAT_TEXT,
				 CLI_COLOR_AUTO, NULL, 0 };
	struct cli_growth gr;
	bool have_report = false;
	int c, handled, o, rc = EXIT_USAGE;

	cli_growth_init(&gr, "-n");
	gr.limit = jo.limit;
	snapshot_set_init(&set);
	ls_error_init(&err, NULL);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			rc = cli_print_help(usage);
			goto done;
		case OPT_ORDER:
			if ((o = snapshot_order_parse(optarg)) < 0) {
				cli_usage_error(usage, "--order: '%s' is not one of name, time, given", optarg);
				goto done;
			}
			order = (enum snapshot_order)o;
			jo.order = optarg;
			break;
		default:
			if ((handled = cli_growth_option(&gr, usage, c, optarg)) < 0 ||
			    (handled == 0 && cli_common_option(&cc, c, argv)))
				goto done;
			break;
		}
	}
	if (optind >= argc) {
		cli_usage_error(usage, "no directory or snapshot given");
		goto done;
	}
	rc = EXIT_DATA;
	jo.user = cli_growth_user(&gr);
	jo.limit = gr.limit;
	memset(&gfilter, 0, sizeof(gfilter));
	gfilter.user = jo.user;
	set.max_input = cc.max_input;
	if (snapshot_set_load(&set, argv + optind, (size_t)(argc - optind), order,
			      &gfilter, &err) < 0) {
		cli_report(&err);
		goto done;
	}
	if (joint_build(&report, &set, &jo, &err) < 0) {
		cli_report(&err);
		joint_release(&report);
		goto done;
	}
	have_report = true;
	if (cli_output_open(&out, cc.output) != EXIT_OK)
		goto done;
	c = cc.format == CLI_FORMAT_JSON ? joint_write_json(out.fp, &report)
		: joint_write_text(out.fp, &report, cli_color_enabled(&cc));
	rc = cli_output_finish(&out, c);
done:
	if (have_report)
		joint_release(&report);
	snapshot_set_release(&set);
	cli_growth_release(&gr);
	return rc;
}
