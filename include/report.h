/* report.h - writers for a computed graph: text (pprof -top), JSON, folded
 *
 * Writers take a FILE* and a graph built by graph_build() (graph.h); they
 * never re-read or re-filter a profile. They return 0, or -1 when writing
 * failed (the caller reports it, see cli_output_close).
 *
 * text   pprof's -top report, byte for byte: the header lines (File, Build
 *        ID, comments, Type, Time, Duration/Total samples, Active filters,
 *        "Showing nodes accounting for", "Dropped N nodes", "Showing top N
 *        nodes out of M"), then the flat/flat%/sum%/cum/cum% table with one
 *        unit chosen for the whole table as pprof chooses it.
 * json   {"sample_type":{"type":T,"unit":U},"total":N,"flat_sum":N,
 *         "dropped_nodes":N,"rows":[{"name":S,"flat":N,"cum":N,
 *         "inline":"(inline)"?},...]} with exact integers in the sample
 *        type's unit, rows in the order of the text report.
 * folded one line per distinct stack of the (filtered) view, root first,
 *        node names at the graph's granularity joined by ';', a space and
 *        the summed value; lines sorted bytewise; zero sums omitted.
 *        Trimming (nodefraction, nodecount) does not apply.
 * svg    a flame graph (flame.h) of the same stacks as folded.
 *
 * With color set, text marks the service's own functions (bold cyan);
 * the other writers ignore it.
 */
#ifndef LEAKSCOPE_REPORT_H
#define LEAKSCOPE_REPORT_H

#include <stdio.h>

#include "graph.h"

struct report_options {
	const char *const *active_filters;	/* "focus=RE", ... */
	size_t nactive_filters;
	bool color;		/* ANSI colour in text */
};

int report_text(FILE *fp, const struct graph *g, const struct report_options *o);
/* {"sample_type","total","flat_sum","dropped_nodes"[,"active_filters"],
 * "rows":[{"name","flat","cum"[,"inline"]}]}, written row by row as it
 * goes (json_stream.h). 0, or -1 once a write to fp has failed. */
int report_json(FILE *fp, const struct graph *g, const struct report_options *o);
int report_folded(FILE *fp, const struct graph *g, const struct report_options *o);
int report_svg(FILE *fp, const struct graph *g, const struct report_options *o);

/* The unit pprof prints the table in (report.selectOutputUnit), as a
 * to_unit for units_label(). */
const char *report_output_unit(const struct graph *g);

#endif
