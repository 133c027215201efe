/* fuzz_common.h - what the libFuzzer harnesses share: run a loaded profile
 * through filter, graph and every writer, so that a model the reader let
 * through that breaks an invariant shows up as a crash too.
 *
 * Output goes to a FILE on /dev/null (opened once, never closed).
 */
#ifndef LEAKSCOPE_FUZZ_COMMON_H
#define LEAKSCOPE_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "filter.h"
#include "graph.h"
#include "profile.h"
#include "report.h"

/* Most decompressed bytes a harness accepts: keeps libFuzzer's RSS limit
 * for real bugs rather than honest big inputs. */
#define FUZZ_MAX_INPUT ((uint64_t)16 << 20)

static inline FILE *fuzz_null(void)
{
	static FILE *fp;

	if (!fp && !(fp = fopen("/dev/null", "w")))
		abort();
	return fp;
}

/* Ranks p by every sample type at a few granularities and writes it. */
static inline void fuzz_use_profile(const struct profile *p)
{
	struct profile_view view;
	struct graph graph;
	struct graph_options go;
	struct filter_options fo;
	struct report_options ro = { NULL, 0 };
	struct ls_error err;
	size_t si;

	filter_options_init(&fo);
	fo.prune = true;
	ls_error_init(&err, "fuzz");
	if (profile_default_sample_index(p) >= (int)p->nsample_types)
		abort();
	if (filter_apply(&view, p, &fo, &err) < 0)
		return;
	for (si = 0; si < p->nsample_types && si < 4; si++) {
		graph_options_init(&go);
		go.sample_index = (int)si;
		go.granularity = (enum graph_granularity)(si % 5);
		go.node_fraction = 0;
		if (graph_build(&graph, &view, &go, &err) < 0)
			continue;
		report_text(fuzz_null(), &graph, &ro);
		report_json(fuzz_null(), &graph, &ro);
		report_folded(fuzz_null(), &graph, &ro);
		graph_release(&graph);
	}
	profile_view_release(&view);
	filter_options_release(&fo);
}

#endif
