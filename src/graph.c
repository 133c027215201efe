/* graph.c - pprof's nodes with flat and cum values, at one granularity */
#include "graph.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goconv.h"
#include "workers.h"
#include "zalloc.h"

#define NONE UINT32_MAX

void graph_options_init(struct graph_options *o)
{
	memset(o, 0, sizeof(*o));
	o->granularity = GRAPH_FUNCTIONS;
	o->node_fraction = 0.005;
	o->edge_fraction = 0.001;
}

int graph_granularity_parse(const char *name)
{
	static const char *const names[] = {
		"functions", "filefunctions", "files", "lines", "addresses"
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

char *graph_clean_path(char *buf, const char *path)
{
	size_t n = strlen(path), r = 0, w = 0, dotdot = 0;
	int rooted = n && path[0] == '/';

	if (!n)
		return strcpy(buf, ".");
	if (rooted) {
		buf[w++] = '/';
		r = dotdot = 1;
	}
	while (r < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' &&
			   (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && buf[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					buf[w++] = '/';
				buf[w++] = '.';
				buf[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				buf[w++] = '/';
			for (; r < n && path[r] != '/'; r++)
				buf[w++] = path[r];
		}
	}
	if (w == 0)
		buf[w++] = '.';
	buf[w] = '\0';
	return buf;
}

const char *graph_inline_label(const struct graph_node *n)
{
	if (!n->inline_in)
		return "";
	return n->noinline_in ? "(partial-inline)" : "(inline)";
}

/* ---- node table: open addressing over node indices ---- */

struct node_table {
	uint32_t *slots;
	size_t cap;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

static uint64_t info_hash(const struct graph_node_info *i)
{
	uint64_t h = 0;

	h = mix(h, (uint64_t)(uintptr_t)i->name);
	h = mix(h, (uint64_t)(uintptr_t)i->file);
	h = mix(h, (uint64_t)(uintptr_t)i->objfile);
	h = mix(h, i->address);
	h = mix(h, (uint64_t)i->start_line);
	h = mix(h, (uint64_t)i->line);
	return h ^ (h >> 29);
}

static bool info_equal(const struct graph_node_info *a,
		       const struct graph_node_info *b)
{
	return a->name == b->name && a->file == b->file &&
	       a->objfile == b->objfile && a->address == b->address &&
	       a->start_line == b->start_line && a->line == b->line;
}

static const char *base_name(struct graph *g, const char *path)
{
	size_t n = strlen(path);
	const char *slash;

	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n == 0)
		return intern_str(&g->strings, ".", 1);
	if (n == 1 && path[0] == '/')
		return intern_str(&g->strings, "/", 1);
	slash = memrchr(path, '/', n);
	if (slash)
		return intern_str(&g->strings, slash + 1, n - (size_t)(slash + 1 - path));
	return intern_str(&g->strings, path, n);
}

/* pprof's NodeInfo.PrintableName. */
static const char *printable_name(struct graph *g, const struct graph_node_info *i)
{
	char addr[32];
	size_t need = strlen(i->name) + strlen(i->file) + strlen(i->objfile) + 64;
	char *s = arena_alloc(&g->arena, need), *p = s;

	if (!s)
		return NULL;
	*p = '\0';
	if (i->address) {
		snprintf(addr, sizeof(addr), "%016" PRIx64, i->address);
		p += sprintf(p, "%s", addr);
	}
	if (*i->name)
		p += sprintf(p, "%s%s", p != s ? " " : "", i->name);
	if (i->line)
		p += sprintf(p, "%s%s:%" PRId64, p != s ? " " : "", i->file, i->line);
	else if (*i->file)
		p += sprintf(p, "%s%s", p != s ? " " : "", i->file);
	else if (*i->name)
		;
	else if (*i->objfile)
		p += sprintf(p, "%s[%s]", p != s ? " " : "", base_name(g, i->objfile));
	else
		p += sprintf(p, "%s<unknown>", p != s ? " " : "");
	return s;
}

static int table_grow(struct node_table *t, const struct graph *g)
{
	size_t cap = t->cap ? t->cap * 2 : 1024, i;
	uint32_t *slots = malloc(cap * sizeof(*slots));

	if (!slots)
		return -1;
	memset(slots, 0xff, cap * sizeof(*slots));
	for (i = 0; i < t->cap; i++) {
		uint32_t id = t->slots[i];
		size_t j;

		if (id == NONE)
			continue;
		j = info_hash(&g->nodes[id].info) & (cap - 1);
		while (slots[j] != NONE)
			j = (j + 1) & (cap - 1);
		slots[j] = id;
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}


static int64_t find_or_insert(struct graph *g, struct node_table *t,
			      const struct graph_node_info *info)
{
	size_t j;
	struct graph_node *n;

	if ((g->nnodes + 1) * 2 > t->cap && table_grow(t, g) < 0)
		return -1;
	j = info_hash(info) & (t->cap - 1);
	while (t->slots[j] != NONE) {
		if (info_equal(&g->nodes[t->slots[j]].info, info))
			return t->slots[j];
		j = (j + 1) & (t->cap - 1);
	}
	if (g->nnodes == g->nodes_cap) {
		size_t cap = g->nodes_cap ? g->nodes_cap * 2 : 1024;
		struct graph_node *nn = realloc(g->nodes, cap * sizeof(*nn));

		if (!nn)
			return -1;
		g->nodes = nn;
		g->nodes_cap = cap;
	}
	n = &g->nodes[g->nnodes];
	memset(n, 0, sizeof(*n));
	n->info = *info;
	n->printable = printable_name(g, info);
	if (!n->printable)
		return -1;
	t->slots[j] = (uint32_t)g->nnodes;
	return (int64_t)g->nnodes++;
}

/* ---- edges: (src, dst) -> weight, inline, per-sample stamp ---- */

struct edge {
	uint32_t src, dst;
	int64_t weight;
	uint32_t stamp;
	bool is_inline;
};

struct edge_table {
	struct edge *slots;	/* src == NONE: empty */
	size_t cap, count;
};

static uint64_t edge_hash(uint32_t s, uint32_t d)
{
	uint64_t h = ((uint64_t)s << 32 | d) * 0x9e3779b97f4a7c15ULL;

	return h ^ (h >> 31);
}

static int edges_grow(struct edge_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 4096, i;
	struct edge *slots = malloc(cap * sizeof(*slots));

	if (!slots)
		return -1;
	for (i = 0; i < cap; i++)
		slots[i].src = NONE;
	for (i = 0; i < t->cap; i++) {
		size_t j;

		if (t->slots[i].src == NONE)
			continue;
		j = edge_hash(t->slots[i].src, t->slots[i].dst) & (cap - 1);
		while (slots[j].src != NONE)
			j = (j + 1) & (cap - 1);
		slots[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

static struct edge *edge_get(struct edge_table *t, uint32_t s, uint32_t d)
{
	size_t j;

	if ((t->count + 1) * 2 > t->cap && edges_grow(t) < 0)
		return NULL;
	j = edge_hash(s, d) & (t->cap - 1);
	while (t->slots[j].src != NONE) {
		if (t->slots[j].src == s && t->slots[j].dst == d)
			return &t->slots[j];
		j = (j + 1) & (t->cap - 1);
	}
	t->slots[j].src = s;
	t->slots[j].dst = d;
	t->slots[j].weight = 0;
	t->slots[j].stamp = 0;
	t->slots[j].is_inline = true;
	t->count++;
	return &t->slots[j];
}

/* ---- building ---- */

enum { NODE_KEPT = 1, NODE_MAY_INLINE = 2 };

/* In a recorded stack: the node is its location's outermost line. */
#define OUTER 0x80000000u

/* The first walk over a big view is split in parts, one per thread, of
 * at least this many samples each. */
#define PART_MIN_SAMPLES 32768

/* What one thread of the first walk writes, for samples first .. last - 1
 * of the view. The parts are joined in order: flat, cum and edge weights
 * are sums, and the recorded stacks are read part after part, so the
 * result is the same for any number of parts. */
struct walk_part {
	size_t first, last;
	uint32_t *stamp;	/* per node: last sample that added to cum */
	int64_t *flat, *cum;	/* per node */
	struct edge_table et;
	/* the stacks of the samples with a value, as the first walk saw
	 * them, for the second: stack i is nodes[end[i - 1] .. end[i]),
	 * root first, each node id with OUTER or not, of weight wt[i] */
	uint32_t *nodes, *end;
	int64_t *wt;
	size_t nnodes, nodes_cap, nstacks;
	int rc;
};

/* What the walks over the samples read and write. Each location's nodes
 * are ids[off[li] .. off[li + 1]), innermost line first (the arrays
 * g->loc_nodes points into); the per-node arrays are dense and small, so
 * the walks touch a few cache lines per frame instead of a graph_node.
 * Once the parts are joined, part 0's per-node arrays hold the sums and
 * its edge table the edges. */
struct walk {
	uint32_t *off;		/* p->nlocations + 1 */
	uint32_t *ids;
	unsigned char *flags;	/* per node: NODE_* */
	struct walk_part parts[WORKERS_MAX];
	unsigned nparts;
	/* for the threads */
	const struct graph *g;
	bool want_edges, want_stacks;
};

static void part_release(struct walk_part *p)
{
	free(p->stamp);
	free(p->flat);
	free(p->cum);
	free(p->et.slots);
	free(p->nodes);
	free(p->end);
	free(p->wt);
}

static void walk_release(struct walk *w)
{
	unsigned i;

	free(w->off);
	free(w->flags);
	for (i = 0; i < WORKERS_MAX; i++)
		part_release(&w->parts[i]);
}

static int make_nodes(struct graph *g, struct walk *w, struct ls_error *err)
{
	const struct profile_view *v = g->view;
	const struct profile *p = v->profile;
	enum graph_granularity gr = g->opts.granularity;
	bool want_fn = gr != GRAPH_FILES;
	bool want_file = gr != GRAPH_FUNCTIONS;
	bool want_line = gr == GRAPH_LINES || gr == GRAPH_ADDRESSES;
	bool want_addr = gr == GRAPH_ADDRESSES;
	const char **clean = NULL;	/* cleaned file per function */
	struct node_table t = { NULL, 0 };
	char *buf = NULL;
	size_t bufsize = 0, total = 0, i, k;

	for (i = 0; i < p->nlocations; i++)
		if (!v->locs[i].hidden)
			total += v->locs[i].nlines ? v->locs[i].nlines : 1;
	if (total >= OUTER)	/* node ids must leave OUTER free */
		goto oom;
	g->loc_nodes = arena_calloc(&g->arena, p->nlocations + 1, sizeof(*g->loc_nodes));
	g->loc_nnodes = arena_calloc(&g->arena, p->nlocations + 1, sizeof(*g->loc_nnodes));
	w->ids = arena_alloc(&g->arena, (total + 1) * sizeof(*w->ids));
	w->off = malloc((p->nlocations + 1) * sizeof(*w->off));
	clean = zalloc(p->nfunctions + 1, sizeof(*clean));
	if (!g->loc_nodes || !g->loc_nnodes || !w->ids || !w->off || !clean)
		goto oom;
	total = 0;
	for (i = 0; i < p->nlocations; i++) {
		const struct location *l = &p->locations[i];
		const struct view_location *vl = &v->locs[i];
		const char *objfile = "";
		size_t n = vl->nlines ? vl->nlines : 1;

		w->off[i] = (uint32_t)total;
		if (vl->hidden)
			continue;
		if (l->mapping && *l->mapping->filename)
			objfile = intern_str(&g->strings, l->mapping->filename,
					     strlen(l->mapping->filename));
		if (!objfile)
			goto oom;
		g->loc_nodes[i] = w->ids + total;
		g->loc_nnodes[i] = n;
		total += n;
		for (k = 0; k < n; k++) {
			const struct line *ln = vl->nlines ? &vl->lines[k] : NULL;
			const struct function *fn = ln ? ln->function : NULL;
			struct graph_node_info info = { "", "", "", 0, 0, 0 };
			int64_t id;

			info.address = want_addr ? l->address : 0;
			if (!fn) {
				info.objfile = objfile;
			} else {
				size_t fi = (size_t)(fn - p->functions);

				info.line = want_line ? ln->line : 0;
				if (want_fn)
					info.name = intern_str(&g->strings, fn->name, strlen(fn->name));
				if (want_file && *fn->filename) {
					if (fi < p->nfunctions && clean[fi]) {
						info.file = clean[fi];
					} else {
						size_t need = strlen(fn->filename) + 2;

						if (need > bufsize) {
							char *nb = realloc(buf, need);

							if (!nb)
								goto oom;
							buf = nb;
							bufsize = need;
						}
						graph_clean_path(buf, fn->filename);
						info.file = intern_str(&g->strings, buf, strlen(buf));
						if (fi < p->nfunctions)
							clean[fi] = info.file;
					}
				}
				if (!info.name || !info.file)
					goto oom;
				if (!*info.name) {
					info.objfile = objfile;
					info.start_line = fn->start_line;
				}
			}
			id = find_or_insert(g, &t, &info);
			if (id < 0)
				goto oom;
			g->loc_nodes[i][k] = (uint32_t)id;
		}
	}
	w->off[p->nlocations] = (uint32_t)total;
	w->flags = zalloc(g->nnodes + 1, sizeof(*w->flags));
	if (!w->flags)
		goto oom;
	/* a node on a location's inner line can be the end of an inline
	 * edge; one that never is can only be marked "" */
	for (i = 0; i < p->nlocations; i++)
		for (k = w->off[i]; k + 1 < w->off[i + 1]; k++)
			w->flags[w->ids[k]] |= NODE_MAY_INLINE;
	free(t.slots);
	free(clean);
	free(buf);
	return 0;
oom:
	free(t.slots);
	free(clean);
	free(buf);
	return ls_error_set(err, "out of memory");
}

/* Adds sample stamp's edge parent -> n, of weight wt, once per sample
 * (pprof's seenEdge); outer says n is its location's outermost line, a
 * call rather than an inlined one. */
static int add_edge(struct edge_table *et, uint32_t parent, uint32_t n,
		    uint32_t stamp, int64_t wt, bool outer)
{
	struct edge *e = edge_get(et, parent, n);

	if (!e)
		return -1;
	if (e->stamp != stamp) {
		e->stamp = stamp;
		e->weight += wt;
		if (outer)
			e->is_inline = false;
	}
	return 0;
}

/* Appends node n (with OUTER when outer) to the stack being recorded. */
static int record(struct walk_part *w, uint32_t n, bool outer)
{
	if (w->nnodes == w->nodes_cap) {
		size_t cap = w->nodes_cap ? w->nodes_cap * 2 : 65536;
		uint32_t *nn = realloc(w->nodes, cap * sizeof(*nn));

		if (!nn)
			return -1;
		w->nodes = nn;
		w->nodes_cap = cap;
	}
	w->nodes[w->nnodes++] = n | (outer ? OUTER : 0);
	return 0;
}

/* pprof's graph.newGraph over the samples of part w of the view: flat
 * and cum of every node and, when want_edges, the edges that end in a
 * node that may be inline (only those can change an inline mark). When
 * want_stacks, records each stack for link_kept().
 *
 * Restricted to the nodes kept by nodefraction or nodecount, newGraph
 * gives a kept node the same flat and cum as here: cum counts the
 * samples whose stack holds the node, and flat goes to the leaf-most
 * node only when that node is kept. Only the edges differ, so they are
 * summed again over the kept nodes by link_kept(), from the recorded
 * stacks: reading them again from the profile, scattered in memory,
 * cost as much as this walk. */
static int sum_samples(const struct walk *wk, struct walk_part *w)
{
	const struct graph *g = wk->g;
	const struct profile_view *v = g->view;
	bool want_edges = wk->want_edges, want_stacks = wk->want_stacks;
	int si = g->opts.sample_index;
	uint32_t stamp = 0;
	size_t i, j;

	w->stamp = zalloc(g->nnodes + 1, sizeof(*w->stamp));
	w->flat = zalloc(g->nnodes + 1, sizeof(*w->flat));
	w->cum = zalloc(g->nnodes + 1, sizeof(*w->cum));
	if (!w->stamp || !w->flat || !w->cum)
		return -1;
	if (want_stacks) {
		w->end = malloc((w->last - w->first + 1) * sizeof(*w->end));
		w->wt = malloc((w->last - w->first + 1) * sizeof(*w->wt));
		if (!w->end || !w->wt)
			return -1;
	}
	for (i = w->first; i < w->last; i++) {
		const struct view_sample vs = view_sample_at(v, i), *s = &vs;
		int64_t wt = s->sample->values[si];
		uint32_t parent = NONE;

		if (wt == 0)
			continue;
		stamp++;
		for (j = s->nlocations; j-- > 0; ) {
			size_t li = view_location_index(v, s, j);
			uint32_t first = wk->off[li], last = wk->off[li + 1], k;

			for (k = last; k-- > first; ) {
				uint32_t n = wk->ids[k];

				if (w->stamp[n] != stamp) {
					w->stamp[n] = stamp;
					w->cum[n] += wt;
				}
				if (want_edges && parent != NONE && n != parent &&
				    (wk->flags[n] & NODE_MAY_INLINE) &&
				    add_edge(&w->et, parent, n, stamp, wt,
					     k == last - 1) < 0)
					return -1;
				if (want_stacks && record(w, n, k == last - 1) < 0)
					return -1;
				parent = n;
			}
		}
		if (parent != NONE)
			w->flat[parent] += wt;
		if (want_stacks) {
			if (w->nnodes >= OUTER)
				return -1;
			w->end[w->nstacks] = (uint32_t)w->nnodes;
			w->wt[w->nstacks++] = wt;
		}
	}
	return 0;
}

static void sum_part(void *arg, unsigned i)
{
	struct walk *w = arg;

	w->parts[i].rc = sum_samples(w, &w->parts[i]);
}

/* The first walk, in parts on as many threads (g->opts.threads, else
 * workers_count() but one for a small view), joined into part 0. */
static int sum_all(const struct graph *g, struct walk *w, bool want_edges,
		   bool want_stacks)
{
	size_t ns = g->view->nsamples, i;
	unsigned n = g->opts.threads, k;

	if (!n) {
		n = workers_count();
		if (ns / PART_MIN_SAMPLES < n)
			n = (unsigned)(ns / PART_MIN_SAMPLES);
	}
	if (n > WORKERS_MAX)
		n = WORKERS_MAX;
	if (n > ns)
		n = (unsigned)ns;
	if (n < 1)
		n = 1;
	w->g = g;
	w->want_edges = want_edges;
	w->want_stacks = want_stacks;
	w->nparts = n;
	for (k = 0; k < n; k++) {
		w->parts[k].first = ns * k / n;
		w->parts[k].last = ns * (k + 1) / n;
	}
	workers_run(n, sum_part, w);
	for (k = 0; k < n; k++)
		if (w->parts[k].rc < 0)
			return -1;
	for (k = 1; k < n; k++) {
		struct walk_part *p = &w->parts[k], *p0 = &w->parts[0];

		for (i = 0; i < g->nnodes; i++) {
			p0->flat[i] += p->flat[i];
			p0->cum[i] += p->cum[i];
		}
		for (i = 0; i < p->et.cap; i++) {
			const struct edge *e = &p->et.slots[i];
			struct edge *to;

			if (e->src == NONE)
				continue;
			if (!(to = edge_get(&p0->et, e->src, e->dst)))
				return -1;
			to->weight += e->weight;
			to->is_inline &= e->is_inline;
		}
	}
	return 0;
}

/* The edges of newGraph with only the kept nodes (KeptNodes): each
 * recorded stack, part after part, with its other nodes left out, again
 * only the edges that end in a node that may be inline. */
static int link_kept(struct walk *w)
{
	struct edge_table *et = &w->parts[0].et;
	uint32_t stamp = 0;
	unsigned p;
	size_t i, k;

	for (p = 0; p < w->nparts; p++) {
		const struct walk_part *wp = &w->parts[p];

		for (i = 0, k = 0; i < wp->nstacks; i++) {
			uint32_t parent = NONE;

			stamp++;
			for (; k < wp->end[i]; k++) {
				uint32_t n = wp->nodes[k] & ~OUTER;
				unsigned char f = w->flags[n];

				if (!(f & NODE_KEPT))
					continue;
				if (parent != NONE && n != parent &&
				    (f & NODE_MAY_INLINE) &&
				    add_edge(et, parent, n, stamp, wp->wt[i],
					     wp->nodes[k] & OUTER) < 0)
					return -1;
				parent = n;
			}
		}
	}
	return 0;
}

/* per thread: graphs are built on several at once */
static _Thread_local const struct graph *sort_graph;

static int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

/* fmt.Sprint(NodeInfo), pprof's last tie-break (compareNodes). */
static int compare_info(const struct graph_node_info *a,
			const struct graph_node_info *b)
{
	char *sa = NULL, *sb = NULL;
	int c;

	if (asprintf(&sa, "{%s  %" PRIu64 " %s %" PRId64 " %" PRId64 " %s}",
		     a->name, a->address, a->file, a->start_line, a->line,
		     a->objfile) < 0)
		sa = NULL;
	if (asprintf(&sb, "{%s  %" PRIu64 " %s %" PRId64 " %" PRId64 " %s}",
		     b->name, b->address, b->file, b->start_line, b->line,
		     b->objfile) < 0)
		sb = NULL;
	c = sa && sb ? strcmp(sa, sb) : 0;
	free(sa);
	free(sb);
	return c;
}

static int cmp_flat(const void *x, const void *y)
{
	const struct graph_node *l = &sort_graph->nodes[*(const size_t *)x];
	const struct graph_node *r = &sort_graph->nodes[*(const size_t *)y];
	int c;

	if (abs64(l->flat) != abs64(r->flat))
		return abs64(l->flat) > abs64(r->flat) ? -1 : 1;
	if ((c = strcmp(l->printable, r->printable)) != 0)
		return c;
	if (abs64(l->cum) != abs64(r->cum))
		return abs64(l->cum) > abs64(r->cum) ? -1 : 1;
	return compare_info(&l->info, &r->info);
}

static int cmp_cum(const void *x, const void *y)
{
	const struct graph_node *l = &sort_graph->nodes[*(const size_t *)x];
	const struct graph_node *r = &sort_graph->nodes[*(const size_t *)y];
	int c;

	if (abs64(l->cum) != abs64(r->cum))
		return abs64(l->cum) > abs64(r->cum) ? -1 : 1;
	if ((c = strcmp(l->printable, r->printable)) != 0)
		return c;
	if (abs64(l->flat) != abs64(r->flat))
		return abs64(l->flat) > abs64(r->flat) ? -1 : 1;
	return compare_info(&l->info, &r->info);
}

/* The nodes of the graph just summed: kept (when use_kept) and with a
 * non-zero flat or cum (selectNodesForGraph). */
static size_t collect(struct graph *g, const struct walk *w, bool use_kept)
{
	size_t i, n = 0;

	for (i = 0; i < g->nnodes; i++) {
		const struct graph_node *node = &g->nodes[i];

		if (use_kept && !(w->flags[i] & NODE_KEPT))
			continue;
		if (node->cum == 0 && node->flat == 0)
			continue;
		g->rows[n++] = i;
	}
	return n;
}

/* Keeps the first count rows (and their nodes) and zeroes the values of
 * the nodes left out, as newGraph over the kept nodes leaves them. */
static void keep_rows(struct graph *g, struct walk *w, size_t count)
{
	size_t i;

	for (i = 0; i < g->nnodes; i++)
		w->flags[i] &= (unsigned char)~NODE_KEPT;
	for (i = 0; i < count; i++)
		w->flags[g->rows[i]] |= NODE_KEPT;
	for (i = 0; i < g->nnodes; i++)
		if (!(w->flags[i] & NODE_KEPT))
			g->nodes[i].flat = g->nodes[i].cum = 0;
	g->nrows = collect(g, w, true);
}

static void sort_rows(struct graph *g)
{
	sort_graph = g;
	qsort(g->rows, g->nrows, sizeof(*g->rows),
	      g->opts.cum_sort ? cmp_cum : cmp_flat);
	sort_graph = NULL;
}

/* Starts g and w for view v: the options, the sample type, the nodes.
 * -1 with err set (and g to release) when that fails. */
static int begin(struct graph *g, struct walk *w, const struct profile_view *v,
		 const struct graph_options *o, struct ls_error *err)
{
	const struct profile *p = v->profile;

	memset(g, 0, sizeof(*g));
	memset(w, 0, sizeof(*w));
	arena_init(&g->arena);
	intern_init(&g->strings, &g->arena);
	g->view = v;
	g->opts = *o;
	if (o->sample_index < 0 || (size_t)o->sample_index >= p->nsample_types)
		return ls_error_set(err, "sample index %d is out of range",
				    o->sample_index);
	g->sample_type = p->sample_types[o->sample_index];
	return make_nodes(g, w, err);
}

int graph_build_nodes(struct graph *g, const struct profile_view *v,
		      const struct graph_options *o, struct ls_error *err)
{
	struct walk w;
	int rc = begin(g, &w, v, o, err);

	walk_release(&w);
	if (rc < 0)
		graph_release(g);
	return rc;
}

int graph_build(struct graph *g, const struct profile_view *v,
		const struct graph_options *o, struct ls_error *err)
{
	const struct profile *p = v->profile;
	struct walk w;
	int64_t total_flat = 0, node_cutoff, edge_cutoff;
	/* with neither cut, the first walk's edges are the final ones */
	bool keep_all = o->node_fraction == 0 && o->node_count <= 0;
	bool need_link = false;
	size_t i;

	if (begin(g, &w, v, o, err) < 0)
		goto fail;
	/* report.computeTotal: over every sample, before any filter */
	for (i = 0; i < p->nsamples; i++)
		g->total += abs64(p->samples[i].values[o->sample_index]);
	g->rows = arena_alloc(&g->arena, (g->nnodes + 1) * sizeof(*g->rows));
	if (!g->rows || sum_all(g, &w, keep_all, !keep_all) < 0)
		goto oom;
	for (i = 0; i < g->nnodes; i++) {
		g->nodes[i].flat = w.parts[0].flat[i];
		g->nodes[i].cum = w.parts[0].cum[i];
	}
	g->nrows = collect(g, &w, false);

	for (i = 0; i < g->nrows; i++)
		total_flat += g->nodes[g->rows[i]].flat;
	node_cutoff = abs64(go_f2i((double)total_flat * o->node_fraction));
	edge_cutoff = abs64(go_f2i((double)total_flat * o->edge_fraction));

	if (node_cutoff > 0) {
		size_t kept = 0;

		/* the rows whose |cum| reaches the cutoff, in node order */
		for (i = 0; i < g->nrows; i++)
			if (abs64(g->nodes[g->rows[i]].cum) >= node_cutoff)
				g->rows[kept++] = g->rows[i];
		g->dropped_nodes = g->nrows - kept;
		keep_rows(g, &w, kept);
		need_link = true;
	}
	g->orig_count = g->nrows;
	sort_rows(g);
	if (o->node_count > 0 && (size_t)o->node_count < g->nrows) {
		keep_rows(g, &w, (size_t)o->node_count);
		sort_rows(g);
		need_link = true;
	}
	if (!keep_all && !need_link) {
		/* no cut after all: every node stays */
		for (i = 0; i < g->nnodes; i++)
			w.flags[i] |= NODE_KEPT;
		need_link = true;
	}
	if (need_link && link_kept(&w) < 0)
		goto oom;

	/* final TrimLowFrequencyEdges, then the inline marks (TextItems) */
	for (i = 0; i < w.parts[0].et.cap; i++) {
		const struct edge *e = &w.parts[0].et.slots[i];

		if (e->src == NONE || abs64(e->weight) < edge_cutoff)
			continue;
		if (e->is_inline)
			g->nodes[e->dst].inline_in = true;
		else
			g->nodes[e->dst].noinline_in = true;
	}
	for (i = 0; i < g->nrows; i++)
		g->flat_sum += g->nodes[g->rows[i]].flat;
	walk_release(&w);
	return 0;
oom:
	ls_error_set(err, "out of memory");
fail:
	walk_release(&w);
	graph_release(g);
	return -1;
}

void graph_release(struct graph *g)
{
	free(g->nodes);
	intern_release(&g->strings);
	arena_release(&g->arena);
	memset(g, 0, sizeof(*g));
	arena_init(&g->arena);
}
