/* graph.h - pprof's nodes with flat and cum values, at one granularity
 *
 * graph_build() does what pprof's report.newTrimmedGraph() does for -top:
 * it makes one node per distinct NodeInfo (graph.CreateNodes after
 * Profile.Aggregate for the granularity), adds each sample's value to the
 * cum of every node on its stack once (so recursion is counted once) and
 * to the flat of its leaf, drops nodes whose |cum| is under
 * nodefraction of the total flat (DiscardLowFrequencyNodes), sorts them
 * (FlatNameOrder, or CumNameOrder with cum_sort), keeps the first
 * node_count (SelectTopNodes). pprof rebuilds the graph from the samples
 * after each cut; that gives a kept node the flat and cum it had, so only
 * the edges between kept nodes are summed again, for the "(inline)" marks.
 *
 * Ownership: a graph owns its arena (nodes, names, per-location node
 * lists) and borrows the view it was built from (and so the profile),
 * which must outlive it. graph_release() frees what it owns.
 */
#ifndef LEAKSCOPE_GRAPH_H
#define LEAKSCOPE_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "filter.h"
#include "intern.h"
#include "profile.h"

enum graph_granularity {
	GRAPH_FUNCTIONS = 0,
	GRAPH_FILEFUNCTIONS,
	GRAPH_FILES,
	GRAPH_LINES,
	GRAPH_ADDRESSES,
};

/* The granularity named name ("functions", ...), or -1. */
int graph_granularity_parse(const char *name);

/* pprof's NodeInfo (OrigName is never used by -top). Strings are never
 * NULL; file is cleaned as Go's filepath.Clean does. */
struct graph_node_info {
	const char *name;
	const char *file;
	const char *objfile;
	uint64_t address;
	int64_t start_line;
	int64_t line;
};

struct graph_node {
	struct graph_node_info info;
	const char *printable;	/* pprof's PrintableName */
	int64_t flat, cum;
	bool inline_in;		/* some kept in-edge is inline */
	bool noinline_in;	/* some kept in-edge is not; only known for a
				 * node that is an inlined line somewhere (else
				 * inline_in is false and no label reads it) */
};

struct graph_options {
	int sample_index;
	enum graph_granularity granularity;
	bool cum_sort;
	double node_fraction;	/* pprof's default 0.005 */
	double edge_fraction;	/* pprof's default 0.001 */
	long node_count;	/* 0: all */
	unsigned threads;	/* to sum the samples on; 0 (the default):
				 * workers_count(), or one for a small view */
};

/* pprof's defaults: index 0, functions, flat sort, 0.005, 0.001, all. */
void graph_options_init(struct graph_options *o);

struct graph {
	struct arena arena;
	struct intern strings;
	const struct profile_view *view;
	struct graph_options opts;
	struct value_type sample_type;

	struct graph_node *nodes;	/* every node, in creation order */
	size_t nnodes;
	size_t nodes_cap;	/* allocated nodes */
	/* per location (index in the profile): its nodes, innermost line
	 * first; empty for a hidden location */
	uint32_t **loc_nodes;
	size_t *loc_nnodes;

	/* the report: rows in order */
	size_t *rows;		/* indices into nodes */
	size_t nrows;
	int64_t total;		/* pprof's report total: sum of |value| over
				 * all samples, before --focus etc. */
	int64_t flat_sum;	/* sum of flat over the rows */
	size_t orig_count;	/* nodes left after nodefraction */
	size_t dropped_nodes;	/* nodes under nodefraction */
};

/* Builds the graph of view v. 0 or -1 with err set (out of memory, or a
 * sample index out of range). */
int graph_build(struct graph *g, const struct profile_view *v,
		const struct graph_options *o, struct ls_error *err);

/* Only the nodes of view v and each location's nodes, as graph_build()
 * makes them, without reading a sample: every flat and cum is 0, there
 * are no rows, total and the inline marks are unset. For a caller that
 * walks the samples itself (sites.c) and sums flat and cum as
 * graph_build() would; options that cut nodes do not apply. */
int graph_build_nodes(struct graph *g, const struct profile_view *v,
		const struct graph_options *o, struct ls_error *err);

void graph_release(struct graph *g);

/* "(inline)", "(partial-inline)" or "" for a row, as pprof marks it. */
const char *graph_inline_label(const struct graph_node *n);

/* Go's filepath.Clean of path into buf (size >= strlen(path) + 2). */
char *graph_clean_path(char *buf, const char *path);

#endif
