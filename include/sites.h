/* sites.h - match the sites of several snapshots: graph nodes or goroutine stacks
 *
 * The first pass of a diff or a trend, as perf's hists__match and
 * hists__link do for two: every snapshot's entries are added by key; an
 * entry whose key is already known is matched to it, and an entry seen for
 * the first time is linked in with zero placeholders for the snapshots that
 * lack it, so that every site has one value per snapshot.
 *
 * Profiles are added as graphs (graph.h, built by the caller with
 * nodefraction 0 and no node count, so that every node is there): a node's
 * key is its NodeInfo by value (name, file, object file, address, start
 * line, line), which graph.c made at the chosen granularity. The stacks of
 * the graph's view are kept too, as sequences of sites, leaf first, each
 * with one value per snapshot: they give the folded output and the blame
 * (sites_blame).
 *
 * Goroutine snapshots are added as ranked groups (goroutines.h): the key
 * is the stack, function, file and line of every frame, leaf first, less
 * the unexported runtime functions (runtime.gopark, ...) that Go's
 * traceback hides from dumps but goroutine profiles keep; the created-by
 * frame and the state are not part of it either, so that debug=2, debug=1
 * and protobuf snapshots of the same goroutines match. A site
 * keeps, per snapshot, the list of groups that fell on it.
 *
 * Ownership: a site table owns its arena (sites, names, stacks, lists);
 * it borrows the graphs' printable names by copying them, and borrows the
 * goroutine groups (and so their snapshots), which must outlive it.
 */
#ifndef LEAKSCOPE_SITES_H
#define LEAKSCOPE_SITES_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "goroutines.h"
#include "graph.h"

struct site_group {
	const struct ggroup *group;
	struct site_group *next;
};

struct site {
	const char *name;	/* printable name (goroutines: see below) */
	const char *func;	/* function name; "" when the granularity has none */
	int64_t *flat;		/* per snapshot; goroutines: the count */
	int64_t *cum;		/* per snapshot; goroutines: the count */
	bool *present;		/* per snapshot */
	struct site_group **groups;	/* per snapshot (goroutines) */
	const struct ggroup *group;	/* first group seen (goroutines) */
	size_t index;		/* in the table's list */
	/* sites_blame() */
	const char *user_frame;	/* first frame of the service's own code on
				 * the heaviest growing stack through the
				 * site, from the site toward the root; "" */
	const char *caller;	/* the frame that called user_frame; "" */
	const char *path;	/* "user_frame -> ... -> leaf" of that stack */
	int64_t path_growth;	/* the growth of that stack */
	/* work */
	size_t best_stack, best_pos;
	uint32_t stamp;
};

struct site_stack {
	uint32_t *ids;		/* site indices, leaf first */
	size_t n;
	uint64_t hash;		/* of ids */
	int64_t values[];	/* per snapshot */
};

struct site_table {
	struct arena arena;
	size_t nsnap;
	bool goroutines;	/* sites are goroutine stacks */
	struct site **list;
	size_t n, alloc;
	struct site **slots;	/* hash of list, by key */
	const char **keys;	/* key of each list entry */
	size_t cap;
	struct site_stack **stacks;	/* in order of first appearance */
	size_t nstacks, astacks;
	struct site_stack **stack_slots;
	size_t stack_cap;
	/* the node arrays of added graphs, turned into site ids in place:
	 * stacks' ids point into them (sites_add_graph) */
	uint32_t **adopted;
	size_t nadopted;
	int64_t *totals;	/* per snapshot: sum of all sample values (or
				 * goroutines) */
};

/* An empty table for nsnap snapshots. 0 or -1 (out of memory). */
int sites_init(struct site_table *t, size_t nsnap);
void sites_release(struct site_table *t);

/* A profile made ready to add (the part of adding it that does not
 * touch the table, so several can be made at once, on several threads):
 * its view, its graph, and the distinct stacks of the view with a
 * non-zero value, in node ids, in order of first appearance. Owns all
 * of it; borrows the profile. */
struct sites_graph {
	struct profile_view view;
	struct graph graph;
	bool have_view, have_graph;
	uint32_t *nodes;	/* stack k: nodes[off[k] .. off[k + 1]), leaf first */
	size_t *off;
	int64_t *values;	/* per stack: sum of its samples' values */
	uint64_t *hashes;	/* per stack: of its ids */
	size_t nstacks;
	int64_t total;		/* sum of all sample values */
	bool lazy;		/* a node on a stack has neither flat nor cum
				 * (they cancel out): it gets its site as
				 * the stacks are added, one graph at a time */
	uint32_t *node2site;	/* while adding: each node's site index,
				 * UINT32_MAX for a node without one */
};

/* Builds the view of p through fo, its graph with go and its stacks.
 * Touches no table, so it may run on several threads at once. 0 or -1
 * with err set; sites_graph_release() in both cases. */
int sites_graph_prepare(struct sites_graph *sg, const struct profile *p,
			const struct filter_options *fo,
			const struct graph_options *go, struct ls_error *err);

/* Adds prepared sg as snapshot i: every node with a flat or cum value,
 * and every stack. Its stacks' node ids become site ids in place, and
 * the table keeps that array when a new stack points into it (sg->nodes
 * is then NULL). 0 or -1 with err set. */
int sites_add_graph(struct site_table *t, size_t i, struct sites_graph *sg,
		    struct ls_error *err);

void sites_graph_release(struct sites_graph *sg);

/* Builds the view of p through fo and its graph with go (whose
 * node_fraction and node_count should be 0 to keep every node), adds it
 * as snapshot i and frees both. 0 or -1 with err set. */
int sites_add_profile(struct site_table *t, size_t i, const struct profile *p,
		      const struct filter_options *fo,
		      const struct graph_options *go, struct ls_error *err);

/* sites_add_profile() for profiles ps[0 .. n-1] as snapshots first ..
 * first + n - 1, with sample index index[k] for ps[k]: prepared up to
 * workers_count() at a time, on as many threads, and added in order, so
 * the table is the same as when added one by one. errs[k] must carry
 * the subject of ps[k]. 0, or -1 with *failed the first k that failed
 * and errs[k] set. */
int sites_add_profiles(struct site_table *t, size_t first, size_t n,
		       const struct profile *const *ps, const int *index,
		       const struct filter_options *fo,
		       const struct graph_options *go, struct ls_error *errs,
		       size_t *failed);

/* Adds the groups of a goroutine snapshot as snapshot i. A site's name is
 * its first frame of the service's own code (the group's user_frame), else
 * its leaf function (not counting hidden runtime frames), then " [state]"
 * when the state is known (from the first snapshot that knows it). 0 or
 * -1. */
int sites_add_groups(struct site_table *t, size_t i,
		     const struct goroutine_groups *gs, struct ls_error *err);


/* Goroutines of snapshot to's groups of s whose id is among snapshot
 * from's groups of s (the stacks are equal by the site's key): those that
 * stayed. *failed is set when out of memory. */
int64_t sites_persistent(const struct site *s, size_t from, size_t to,
			 int *failed);

/* For each site, the stack through it that grew most from snapshot from
 * to snapshot to, and along it the user frame, its caller and the path
 * from the user frame to the leaf (see struct site). Goroutine sites
 * take them from their own stack. 0 or -1 (out of memory). */
int sites_blame(struct site_table *t, size_t from, size_t to,
		const regex_t *user, struct ls_error *err);

#endif
