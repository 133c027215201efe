/* report_folded.c - one line per distinct stack, root first (FlameGraph) */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flame.h"
#include "sites.h"
#include "strbuf.h"

struct folded {
	char *stack;
	int64_t value;
};

static int cmp_folded(const void *a, const void *b)
{
	return strcmp(((const struct folded *)a)->stack,
		      ((const struct folded *)b)->stack);
}

/* Calls fn with each sample's stack of the view (graph nodes, root first)
 * and value, skipping zero values: what both folded and svg draw. */
static int each_stack(const struct graph *g,
		      int (*fn)(void *ctx, const uint32_t *nodes, size_t n,
				int64_t value),
		      void *ctx)
{
	const struct profile_view *v = g->view;
	uint32_t *nodes = NULL;
	size_t cap = 0, i, j, k, n;
	int rc = 0;

	for (i = 0; i < v->nsamples && rc == 0; i++) {
		const struct view_sample vs = view_sample_at(v, i), *s = &vs;
		int64_t w = s->sample->values[g->opts.sample_index];

		if (w == 0)
			continue;
		n = 0;
		for (j = s->nlocations; j-- > 0; ) {
			size_t li = view_location_index(v, s, j);

			if (n + g->loc_nnodes[li] > cap) {
				size_t nc = (n + g->loc_nnodes[li]) * 2 + 16;
				uint32_t *m = realloc(nodes, nc * sizeof(*m));

				if (!m) {
					rc = -1;
					break;
				}
				nodes = m;
				cap = nc;
			}
			for (k = g->loc_nnodes[li]; k-- > 0; )
				nodes[n++] = g->loc_nodes[li][k];
		}
		if (rc == 0)
			rc = fn(ctx, nodes, n, w);
	}
	free(nodes);
	return rc;
}

struct folded_ctx {
	const struct graph *g;
	struct strbuf sb;
	struct folded *lines;
	size_t n;
	struct arena a;
};

static int add_folded(void *ctx, const uint32_t *nodes, size_t n, int64_t value)
{
	struct folded_ctx *c = ctx;
	size_t i;

	strbuf_reset(&c->sb);
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&c->sb, ';');
		strbuf_addstr(&c->sb, c->g->nodes[nodes[i]].printable);
	}
	c->lines[c->n].stack = arena_strndup(&c->a, c->sb.buf, c->sb.len);
	if (!c->lines[c->n].stack)
		return -1;
	c->lines[c->n++].value = value;
	return 0;
}

int report_folded(FILE *fp, const struct graph *g, const struct report_options *o)
{
	struct folded_ctx c = { g, STRBUF_INIT, NULL, 0, ARENA_INIT };
	size_t i, j;
	int rc;

	(void)o;
	c.lines = malloc((g->view->nsamples + 1) * sizeof(*c.lines));
	if (!c.lines)
		return -1;
	rc = each_stack(g, add_folded, &c);
	if (rc < 0)
		goto out;
	qsort(c.lines, c.n, sizeof(*c.lines), cmp_folded);
	for (i = 0; i < c.n; i = j) {
		int64_t sum = 0;

		for (j = i; j < c.n && !strcmp(c.lines[j].stack, c.lines[i].stack); j++)
			sum += c.lines[j].value;
		if (sum != 0 && *c.lines[i].stack)
			fprintf(fp, "%s %" PRId64 "\n", c.lines[i].stack, sum);
	}
	if (ferror(fp))
		rc = -1;
out:
	free(c.lines);
	arena_release(&c.a);
	strbuf_release(&c.sb);
	return rc;
}

struct svg_ctx {
	const struct graph *g;
	struct flame flame;
	const char **names;
	uint8_t *kinds;
	size_t cap;
};

static int add_flame(void *ctx, const uint32_t *nodes, size_t n, int64_t value)
{
	struct svg_ctx *c = ctx;
	size_t i;

	if (n == 0)	/* folded leaves out empty stacks too */
		return 0;
	if (n > c->cap) {
		const char **nm = realloc(c->names, n * 2 * sizeof(*nm));
		uint8_t *kd;

		if (!nm)
			return -1;
		c->names = nm;
		kd = realloc(c->kinds, n * 2);
		if (!kd)
			return -1;
		c->kinds = kd;
		c->cap = n * 2;
	}
	for (i = 0; i < n; i++) {
		const struct graph_node *nd = &c->g->nodes[nodes[i]];

		c->names[i] = nd->printable;
		c->kinds[i] = dump_func_is_user(NULL, nd->info.name) ? FLAME_USER : FLAME_LIB;
	}
	return flame_add(&c->flame, c->names, c->kinds, n, value, 0);
}

int report_svg(FILE *fp, const struct graph *g, const struct report_options *o)
{
	struct svg_ctx c = { g, { ARENA_INIT, NULL, 0, 0, NULL, 0, 0, false }, NULL, NULL, 0 };
	struct flame_svg_options so = { NULL, NULL, NULL, 0 };
	struct strbuf title = STRBUF_INIT;
	int rc;

	(void)o;
	if (flame_init(&c.flame, false) < 0)
		return -1;
	rc = each_stack(g, add_flame, &c);
	if (rc == 0) {
		const struct profile *p = g->view->profile;

		strbuf_addf(&title, "%s: %s", p->source && p->source[0] ? p->source : "profile",
			    g->sample_type.type);
		so.title = title.buf;
		so.subtitle = "green: the service's own functions; click to zoom, "
			      "Search (Ctrl-F) to highlight";
		so.unit = g->sample_type.unit;
		rc = flame_write_svg(fp, &c.flame, &so);
	}
	flame_release(&c.flame);
	free(c.names);
	free(c.kinds);
	strbuf_release(&title);
	return rc;
}
