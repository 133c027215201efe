/* sites.c - match the sites of several snapshots: graph nodes or goroutine stacks */
#include "sites.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "strbuf.h"
#include "workers.h"
#include "zalloc.h"

#define NONE UINT32_MAX

int sites_init(struct site_table *t, size_t nsnap)
{
	memset(t, 0, sizeof(*t));
	arena_init(&t->arena);
	t->nsnap = nsnap;
	t->totals = arena_calloc(&t->arena, nsnap ? nsnap : 1, sizeof(*t->totals));
	return t->totals ? 0 : -1;
}

void sites_release(struct site_table *t)
{
	free(t->list);
	free(t->slots);
	free(t->keys);
	free(t->stacks);
	free(t->stack_slots);
	while (t->nadopted > 0)
		free(t->adopted[--t->nadopted]);
	free(t->adopted);
	arena_release(&t->arena);
	memset(t, 0, sizeof(*t));
	arena_init(&t->arena);
}


static uint64_t hash_bytes(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 32);
}

/* A hash of a stack of ids, two at a time (a stack has tens of them). */
static uint64_t ids_hash(const uint32_t *ids, size_t n)
{
	uint64_t h = (uint64_t)n * 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		h = (h ^ (ids[i] | (uint64_t)ids[i + 1] << 32)) * 0xff51afd7ed558ccdULL;
	if (i < n)
		h = (h ^ ids[i]) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 29);
}

static int grow_slots(struct site_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256, i;
	struct site **slots = zalloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (i = 0; i < t->n; i++) {
		const char *k = t->keys[i];
		size_t j = hash_bytes(k, strlen(k)) & (cap - 1);

		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = t->list[i];
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

/* The site of key, made (with zero placeholders: the link pass) when new. */
static struct site *site_for(struct site_table *t, const char *key, size_t len,
			     bool *created)
{
	struct site *s;
	size_t j;

	*created = false;
	if ((t->n + 1) * 2 > t->cap && grow_slots(t) < 0)
		return NULL;
	j = hash_bytes(key, len) & (t->cap - 1);
	while (t->slots[j]) {
		const char *k = t->keys[t->slots[j]->index];

		if (strlen(k) == len && !memcmp(k, key, len))
			return t->slots[j];
		j = (j + 1) & (t->cap - 1);
	}
	if (t->n == t->alloc) {
		size_t a = t->alloc ? t->alloc * 2 : 256;
		struct site **nl = realloc(t->list, a * sizeof(*nl));
		const char **nk;

		if (!nl)
			return NULL;
		t->list = nl;
		nk = realloc(t->keys, a * sizeof(*nk));
		if (!nk)
			return NULL;
		t->keys = nk;
		t->alloc = a;
	}
	s = arena_calloc(&t->arena, 1, sizeof(*s));
	if (!s)
		return NULL;
	s->flat = arena_calloc(&t->arena, t->nsnap, sizeof(*s->flat));
	s->cum = arena_calloc(&t->arena, t->nsnap, sizeof(*s->cum));
	s->present = arena_calloc(&t->arena, t->nsnap, sizeof(*s->present));
	s->groups = arena_calloc(&t->arena, t->nsnap, sizeof(*s->groups));
	t->keys[t->n] = arena_strndup(&t->arena, key, len);
	if (!s->flat || !s->cum || !s->present || !s->groups || !t->keys[t->n])
		return NULL;
	s->name = s->func = s->user_frame = s->caller = s->path = "";
	s->index = t->n;
	s->best_stack = SIZE_MAX;
	t->list[t->n++] = s;
	t->slots[j] = s;
	*created = true;
	return s;
}

/* Makes the stack table cap slots (a power of two, room for them). */
static int resize_stack_slots(struct site_table *t, size_t cap)
{
	struct site_stack **slots = zalloc(cap, sizeof(*slots));
	size_t i;

	if (!slots)
		return -1;
	for (i = 0; i < t->nstacks; i++) {
		size_t j = t->stacks[i]->hash & (cap - 1);

		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = t->stacks[i];
	}
	free(t->stack_slots);
	t->stack_slots = slots;
	t->stack_cap = cap;
	return 0;
}

static int grow_stack_slots(struct site_table *t)
{
	return resize_stack_slots(t, t->stack_cap ? t->stack_cap * 2 : 1024);
}

/* Room in the stack table for n stacks at least, made at once: a graph
 * holds as many stacks as the table will, or more, or its new stacks
 * are few. Doubling there, the table rehashed every stack it held each
 * time, reading each from where it lies (2.5 ms of the bench's diff). */
static int reserve_stack_slots(struct site_table *t, size_t n)
{
	size_t cap = t->stack_cap ? t->stack_cap : 1024;

	while (cap / 2 <= n) {
		if (cap > SIZE_MAX / 4 / sizeof(*t->stack_slots))
			return 0;	/* grown as it fills, if ever */
		cap *= 2;
	}
	return cap == t->stack_cap ? 0 : resize_stack_slots(t, cap);
}

/* The stack of ids (of hash h), made when new, and then pointing at
 * ids, which must live as long as the table; *created says so. */
static struct site_stack *stack_for(struct site_table *t, uint32_t *ids,
				    size_t n, uint64_t h, bool *created)
{
	struct site_stack *s;
	size_t j;

	if ((t->nstacks + 1) * 2 > t->stack_cap && grow_stack_slots(t) < 0)
		return NULL;
	j = h & (t->stack_cap - 1);
	while (t->stack_slots[j]) {
		s = t->stack_slots[j];
		if (s->hash == h && s->n == n &&
		    (!n || !memcmp(s->ids, ids, n * sizeof(*ids))))
			return s;
		j = (j + 1) & (t->stack_cap - 1);
	}
	if (t->nstacks == t->astacks) {
		size_t a = t->astacks ? t->astacks * 2 : 256;
		struct site_stack **ns = realloc(t->stacks, a * sizeof(*ns));

		if (!ns)
			return NULL;
		t->stacks = ns;
		t->astacks = a;
	}
	s = arena_calloc(&t->arena, 1, sizeof(*s) + t->nsnap * sizeof(*s->values));
	if (!s)
		return NULL;
	s->ids = ids;
	*created = true;
	s->n = n;
	s->hash = h;
	t->stacks[t->nstacks++] = s;
	t->stack_slots[j] = s;
	return s;
}

/* Appends v in base 16 or 10, as printf's PRIx64 or PRIu64. */
static int add_u64(struct strbuf *sb, uint64_t v, unsigned base)
{
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	return strbuf_add(sb, p, (size_t)(buf + sizeof(buf) - p));
}

/* Appends v as printf's PRId64. */
static int add_i64(struct strbuf *sb, int64_t v)
{
	if (v < 0 && strbuf_addch(sb, '-') < 0)
		return -1;
	return add_u64(sb, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, 10);
}

static struct site *node_site(struct site_table *t, const struct graph *g,
			      uint32_t *node2site, uint32_t n, struct strbuf *key)
{
	const struct graph_node *node = &g->nodes[n];
	struct site *s;
	bool created;

	if (node2site[n] != NONE)
		return t->list[node2site[n]];
	/* "name\x1ffile\x1fobjfile\x1faddress (hex)\x1fstart_line\x1fline",
	 * without printf's cost */
	strbuf_reset(key);
	if (strbuf_addstr(key, node->info.name) < 0 || strbuf_addch(key, 0x1f) < 0 ||
	    strbuf_addstr(key, node->info.file) < 0 || strbuf_addch(key, 0x1f) < 0 ||
	    strbuf_addstr(key, node->info.objfile) < 0 || strbuf_addch(key, 0x1f) < 0 ||
	    add_u64(key, node->info.address, 16) < 0 || strbuf_addch(key, 0x1f) < 0 ||
	    add_i64(key, node->info.start_line) < 0 || strbuf_addch(key, 0x1f) < 0 ||
	    add_i64(key, node->info.line) < 0)
		return NULL;
	s = site_for(t, key->buf, key->len, &created);
	if (!s)
		return NULL;
	if (created) {
		s->name = arena_strndup(&t->arena, node->printable, strlen(node->printable));
		s->func = arena_strndup(&t->arena, node->info.name, strlen(node->info.name));
		if (!s->name || !s->func)
			return NULL;
	}
	node2site[n] = (uint32_t)s->index;
	return s;
}

/* Snapshot i's sites of sg's nodes with a flat or cum value, in node
 * order, made when new, and their values; sg->node2site says which site
 * each node has (NONE for the others). -1 when out of memory. */
static int add_nodes(struct site_table *t, size_t i, struct sites_graph *sg,
		     struct strbuf *key)
{
	const struct graph *g = &sg->graph;
	size_t n;

	free(sg->node2site);
	sg->node2site = malloc((g->nnodes + 1) * sizeof(*sg->node2site));
	if (!sg->node2site)
		return -1;
	memset(sg->node2site, 0xff, (g->nnodes + 1) * sizeof(*sg->node2site));
	for (n = 0; n < g->nnodes; n++) {
		const struct graph_node *node = &g->nodes[n];
		struct site *s;

		if (!node->flat && !node->cum)
			continue;
		s = node_site(t, g, sg->node2site, (uint32_t)n, key);
		if (!s)
			return -1;
		s->flat[i] += node->flat;
		s->cum[i] += node->cum;
		s->present[i] = true;
	}
	t->totals[i] += sg->total;
	return 0;
}

/* sg's stacks: their node ids become site ids where they are, their
 * hashes sg->hashes. Every node on them has its site (see
 * sites_graph.lazy): touches no table, so graphs can be translated on
 * several threads at once. */
static void translate_stacks(struct sites_graph *sg)
{
	const uint32_t *node2site = sg->node2site;
	size_t n, k;

	for (n = 0; n < sg->nstacks; n++) {
		uint32_t *ids = sg->nodes + sg->off[n];
		size_t len = sg->off[n + 1] - sg->off[n];

		for (k = 0; k < len; k++)
			ids[k] = node2site[ids[k]];
		sg->hashes[n] = ids_hash(ids, len);
	}
}

/* translate_stacks() for a graph with nodes that have no site yet: each
 * gets one where its stack first names it, as the table's order has it.
 * -1 when out of memory. */
static int translate_lazy(struct site_table *t, struct sites_graph *sg,
			  struct strbuf *key)
{
	size_t n, k;

	for (n = 0; n < sg->nstacks; n++) {
		uint32_t *ids = sg->nodes + sg->off[n];
		size_t len = sg->off[n + 1] - sg->off[n];

		for (k = 0; k < len; k++) {
			uint32_t sid = sg->node2site[ids[k]];

			if (sid == NONE) {
				struct site *s = node_site(t, &sg->graph, sg->node2site,
							   ids[k], key);

				if (!s)
					return -1;
				sid = (uint32_t)s->index;
			}
			ids[k] = sid;
		}
		sg->hashes[n] = ids_hash(ids, len);
	}
	return 0;
}

/* How far ahead add_stacks() prefetches the table's slot of a stack:
 * the table of the bench's diff is 8 MB, a slot a cache miss. Adding
 * its two graphs took 21.4-22.1 ms, 18.9-19.4 ms so (five runs each); a
 * second prefetch, of the stack in the slot, made it slower again. */
#define AHEAD 8

/* Adds sg's translated stacks to the table as snapshot i's. A new stack
 * keeps its ids where they are, and the table keeps sg->nodes, instead
 * of a copy of every new stack (~9 MB for the bench's `diff`). -1 when
 * out of memory. */
static int add_stacks(struct site_table *t, size_t i, struct sites_graph *sg)
{
	uint32_t *base = sg->nodes, **adopted;
	bool adopt = false;
	size_t n;

	/* room to keep base, before a stack can point into it */
	adopted = realloc(t->adopted, (t->nadopted + 1) * sizeof(*adopted));
	if (!adopted)
		return -1;
	t->adopted = adopted;
	if (reserve_stack_slots(t, sg->nstacks) < 0)
		return -1;
	for (n = 0; n < sg->nstacks; n++) {
		struct site_stack *st;

		if (n + AHEAD < sg->nstacks && t->stack_cap)
			__builtin_prefetch(&t->stack_slots[sg->hashes[n + AHEAD] &
							   (t->stack_cap - 1)]);
		st = stack_for(t, base + sg->off[n], sg->off[n + 1] - sg->off[n],
			       sg->hashes[n], &adopt);
		if (adopt && sg->nodes) {
			t->adopted[t->nadopted++] = sg->nodes;
			sg->nodes = NULL;
		}
		if (!st)
			return -1;
		st->values[i] += sg->values[n];
	}
	return 0;
}

int sites_add_graph(struct site_table *t, size_t i, struct sites_graph *sg,
		    struct ls_error *err)
{
	struct strbuf key = STRBUF_INIT;
	int rc = add_nodes(t, i, sg, &key);

	if (rc == 0)
		rc = translate_lazy(t, sg, &key);
	if (rc == 0)
		rc = add_stacks(t, i, sg);
	strbuf_release(&key);
	return rc < 0 ? ls_error_set(err, "out of memory") : 0;
}

/* A frame Go's traceback hides from goroutine dumps unless
 * GOTRACEBACK=system (runtime.showfuncinfo): an unexported function of
 * package runtime. Goroutine profiles (debug=0) keep them. */
static bool runtime_hidden(const char *func)
{
	return !strncmp(func, "runtime.", 8) && !(func[8] >= 'A' && func[8] <= 'Z');
}

int sites_add_groups(struct site_table *t, size_t i,
		     const struct goroutine_groups *gs, struct ls_error *err)
{
	struct strbuf key = STRBUF_INIT;
	size_t n, k;

	t->goroutines = true;
	t->totals[i] += (int64_t)gs->total;
	for (n = 0; n < gs->n; n++) {
		const struct ggroup *g = gs->list[n];
		struct site_group *sg;
		struct site *s;
		bool created;

		strbuf_reset(&key);
		for (k = 0; k < g->nframes; k++)
			if (!runtime_hidden(g->frames[k].func))
				strbuf_addf(&key, "%s\x1f%s\x1f%" PRId64 "\n", g->frames[k].func,
				    g->frames[k].file, g->frames[k].line);
		s = site_for(t, key.buf, key.len, &created);
		if (!s)
			goto oom;
		/* named after the first group seen, or a later one that
		 * knows its state (a dump, after a profile) */
		if (created || (!*ggroup_state(s->group) && *ggroup_state(g))) {
			const char *fn = g->nframes ? g->frames[0].func : "?";
			const char *state = ggroup_state(g);
			struct strbuf name = STRBUF_INIT;

			for (k = 0; k < g->nframes; k++)
				if (!runtime_hidden(g->frames[k].func)) {
					fn = g->frames[k].func;
					break;
				}
			if (g->user_frame >= 0)
				fn = g->frames[g->user_frame].func;
			strbuf_addstr(&name, fn);
			if (*state)
				strbuf_addf(&name, " [%s]", state);
			s->name = arena_strndup(&t->arena, name.buf, name.len);
			s->func = fn;
			s->group = g;
			strbuf_release(&name);
			if (!s->name)
				goto oom;
		}
		sg = arena_alloc(&t->arena, sizeof(*sg));
		if (!sg)
			goto oom;
		sg->group = g;
		sg->next = s->groups[i];
		s->groups[i] = sg;
		s->flat[i] += (int64_t)g->count;
		s->cum[i] += (int64_t)g->count;
		s->present[i] = true;
	}
	strbuf_release(&key);
	return 0;
oom:
	strbuf_release(&key);
	return ls_error_set(err, "out of memory");
}

static const char *site_label(const struct site *s)
{
	return s->name;
}

/* "a -> b -> c" from names[from] down to names[0]... given as a callback
 * over positions hi..lo of a stack. */
static const char *join_path(struct site_table *t, const struct site_table *names,
			     const uint32_t *ids, size_t hi, size_t lo)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;
	size_t p;

	for (p = hi + 1; p-- > lo; ) {
		if (p != hi)
			strbuf_addstr(&sb, " -> ");
		strbuf_addstr(&sb, site_label(names->list[ids[p]]));
	}
	r = arena_strndup(&t->arena, sb.buf, sb.len);
	strbuf_release(&sb);
	return r;
}

static int blame_group(struct site_table *t, struct site *s, const regex_t *user)
{
	const struct ggroup *g = s->group;
	struct strbuf sb = STRBUF_INIT;
	size_t k, u = SIZE_MAX;

	if (!g)
		return 0;
	for (k = 0; k < g->nframes; k++)
		if (dump_func_is_user(user, g->frames[k].func)) {
			u = k;
			break;
		}
	if (u == SIZE_MAX)
		return 0;
	s->user_frame = g->frames[u].func;
	s->caller = u + 1 < g->nframes ? g->frames[u + 1].func
		  : g->has_created_by ? g->created_by.func : "";
	for (k = u + 1; k-- > 0; ) {
		if (k != u)
			strbuf_addstr(&sb, " -> ");
		strbuf_addstr(&sb, g->frames[k].func);
	}
	s->path = arena_strndup(&t->arena, sb.buf, sb.len);
	strbuf_release(&sb);
	return s->path ? 0 : -1;
}

int sites_blame(struct site_table *t, size_t from, size_t to,
		const regex_t *user, struct ls_error *err)
{
	uint32_t stamp = 0;
	size_t i, p;

	for (i = 0; i < t->n; i++) {
		struct site *s = t->list[i];

		s->user_frame = s->caller = s->path = "";
		s->path_growth = 0;
		s->best_stack = SIZE_MAX;
		s->stamp = 0;
		if (t->goroutines) {
			s->path_growth = s->flat[to] - s->flat[from];
			if (blame_group(t, s, user) < 0)
				return ls_error_set(err, "out of memory");
		}
	}
	if (t->goroutines)
		return 0;
	for (i = 0; i < t->nstacks; i++) {
		const struct site_stack *st = t->stacks[i];
		int64_t growth = st->values[to] - st->values[from];

		if (growth <= 0)
			continue;
		stamp++;
		for (p = 0; p < st->n; p++) {
			struct site *s = t->list[st->ids[p]];

			if (s->stamp == stamp)
				continue;
			s->stamp = stamp;
			if (growth > s->path_growth) {
				s->path_growth = growth;
				s->best_stack = i;
				s->best_pos = p;
			}
		}
	}
	for (i = 0; i < t->n; i++) {
		struct site *s = t->list[i];
		const struct site_stack *st;
		size_t u;

		if (s->best_stack == SIZE_MAX)
			continue;
		st = t->stacks[s->best_stack];
		for (u = s->best_pos; u < st->n; u++)
			if (dump_func_is_user(user, t->list[st->ids[u]]->func))
				break;
		if (u < st->n) {
			s->user_frame = t->list[st->ids[u]]->func;
			s->caller = u + 1 < st->n ? t->list[st->ids[u + 1]]->name : "";
		} else {
			u = s->best_pos;
		}
		s->path = join_path(t, t, st->ids, u, 0);
		if (!s->path)
			return ls_error_set(err, "out of memory");
	}
	return 0;
}

void sites_graph_release(struct sites_graph *sg)
{
	if (sg->have_graph)
		graph_release(&sg->graph);
	if (sg->have_view)
		profile_view_release(&sg->view);
	free(sg->nodes);
	free(sg->off);
	free(sg->values);
	free(sg->hashes);
	free(sg->node2site);
	memset(sg, 0, sizeof(*sg));
}

/* The distinct stacks of the view, in node ids, and every node's flat
 * and cum, in one walk over the samples (graph_build_nodes() made the
 * nodes only): the samples are read here, on the preparing thread, so
 * that adding only walks the stacks (a profile has far fewer distinct
 * stacks than samples, or as many). Flat and cum are graph_build()'s:
 * cum counts a sample once for each node on its stack, flat goes to its
 * leaf-most node; graph_build()'s own walk over the samples cost as
 * much as this one. */
static int collect_stacks(struct sites_graph *sg)
{
	const struct profile_view *v = &sg->view;
	struct graph *g = &sg->graph;
	int si = g->opts.sample_index;
	uint32_t *slots = NULL, *stamp, cur = 0;
	int64_t *flat, *cum;
	size_t cap = 0, anodes = 0, nnodes = 0, astacks = 0, n, j, k;

	stamp = zalloc(g->nnodes + 1, sizeof(*stamp));
	flat = zalloc(g->nnodes + 1, sizeof(*flat));
	cum = zalloc(g->nnodes + 1, sizeof(*cum));
	sg->off = malloc(sizeof(*sg->off));
	if (!stamp || !flat || !cum || !sg->off)
		goto oom;
	sg->off[0] = 0;
	for (n = 0; n < v->nsamples; n++) {
		const struct view_sample sample = view_sample_at(v, n),
					 *vs = &sample;
		int64_t w = vs->sample->values[si];
		size_t len = 0, slot;
		uint64_t h;

		if (!w)
			continue;
		sg->total += w;
		for (j = 0; j < vs->nlocations; j++)
			len += g->loc_nnodes[view_location_index(v, vs, j)];
		if (nnodes + len > anodes) {
			size_t a = anodes ? anodes * 2 : 65536;
			uint32_t *nn;

			while (a < nnodes + len)
				a *= 2;
			if (!(nn = realloc(sg->nodes, a * sizeof(*nn))))
				goto oom;
			sg->nodes = nn;
			anodes = a;
		}
		len = 0;
		cur++;
		for (j = 0; j < vs->nlocations; j++) {
			size_t li = view_location_index(v, vs, j);

			for (k = 0; k < g->loc_nnodes[li]; k++) {
				uint32_t id = g->loc_nodes[li][k];

				sg->nodes[nnodes + len++] = id;
				if (stamp[id] != cur) {
					stamp[id] = cur;
					cum[id] += w;
				}
			}
		}
		if (len)
			flat[sg->nodes[nnodes]] += w;
		h = ids_hash(sg->nodes + nnodes, len);
		if ((sg->nstacks + 1) * 2 > cap) {
			size_t c = cap ? cap * 2 : 1024;
			uint32_t *ns = malloc(c * sizeof(*ns));

			if (!ns)
				goto oom;
			memset(ns, 0xff, c * sizeof(*ns));
			for (k = 0; k < sg->nstacks; k++) {
				slot = sg->hashes[k] & (c - 1);
				while (ns[slot] != NONE)
					slot = (slot + 1) & (c - 1);
				ns[slot] = (uint32_t)k;
			}
			free(slots);
			slots = ns;
			cap = c;
		}
		slot = h & (cap - 1);
		while (slots[slot] != NONE) {
			size_t s = slots[slot];

			if (sg->hashes[s] == h && sg->off[s + 1] - sg->off[s] == len &&
			    (!len || !memcmp(sg->nodes + sg->off[s], sg->nodes + nnodes,
					     len * sizeof(*sg->nodes))))
				break;
			slot = (slot + 1) & (cap - 1);
		}
		if (slots[slot] != NONE) {
			sg->values[slots[slot]] += w;
			continue;
		}
		if (sg->nstacks == astacks) {
			size_t a = astacks ? astacks * 2 : 1024;
			size_t *no = realloc(sg->off, (a + 1) * sizeof(*no));
			int64_t *nv;
			uint64_t *nh;

			if (!no)
				goto oom;
			sg->off = no;
			if (!(nv = realloc(sg->values, a * sizeof(*nv))))
				goto oom;
			sg->values = nv;
			if (!(nh = realloc(sg->hashes, a * sizeof(*nh))))
				goto oom;
			sg->hashes = nh;
			astacks = a;
		}
		if (sg->nstacks >= NONE)
			goto oom;
		slots[slot] = (uint32_t)sg->nstacks;
		sg->values[sg->nstacks] = w;
		sg->hashes[sg->nstacks] = h;
		nnodes += len;
		sg->off[++sg->nstacks] = nnodes;
	}
	for (n = 0; n < g->nnodes; n++) {
		g->nodes[n].flat = flat[n];
		g->nodes[n].cum = cum[n];
		if (stamp[n] && !flat[n] && !cum[n])
			sg->lazy = true;
	}
	free(stamp);
	free(flat);
	free(cum);
	free(slots);
	return 0;
oom:
	free(stamp);
	free(flat);
	free(cum);
	free(slots);
	return -1;
}

int sites_graph_prepare(struct sites_graph *sg, const struct profile *p,
			const struct filter_options *fo,
			const struct graph_options *go, struct ls_error *err)
{
	memset(sg, 0, sizeof(*sg));
	if (filter_apply(&sg->view, p, fo, err) < 0)
		return -1;
	sg->have_view = true;
	if (graph_build_nodes(&sg->graph, &sg->view, go, err) < 0)
		return -1;
	sg->have_graph = true;
	if (collect_stacks(sg) < 0)
		return ls_error_set(err, "out of memory");
	return 0;
}

int sites_add_profile(struct site_table *t, size_t i, const struct profile *p,
		      const struct filter_options *fo,
		      const struct graph_options *go, struct ls_error *err)
{
	struct sites_graph sg;
	int rc = sites_graph_prepare(&sg, p, fo, go, err);

	if (rc == 0)
		rc = sites_add_graph(t, i, &sg, err);
	sites_graph_release(&sg);
	return rc;
}

struct prepare_job {
	struct sites_graph sg;
	const struct profile *p;
	const struct filter_options *fo;
	struct graph_options go;
	struct ls_error *err;
	int rc;
};

static void prepare_one(void *arg, unsigned i)
{
	struct prepare_job *j = (struct prepare_job *)arg + i;

	j->rc = sites_graph_prepare(&j->sg, j->p, j->fo, &j->go, j->err);
}

static void translate_one(void *arg, unsigned i)
{
	struct prepare_job *j = (struct prepare_job *)arg + i;

	translate_stacks(&j->sg);
}

/* Adds the m prepared graphs of jobs as snapshots first + k, as adding
 * them one by one (sites_add_graph) does, but with their stacks turned
 * into site ids on m threads at once: the sites of all their nodes are
 * made first, in the order one by one makes them. That order holds
 * when no graph is lazy, and the stacks' translation touches no table.
 * 1 when that is not so, or a job failed (nothing is added then); 0;
 * or -1 with *failed set to the index of the graph that ran out of
 * memory and its error set. */
static int add_batch(struct site_table *t, size_t first,
		     struct prepare_job *jobs, size_t m, size_t *failed)
{
	struct strbuf key = STRBUF_INIT;
	size_t k;
	int rc = 0;

	if (m < 2)
		return 1;
	for (k = 0; k < m; k++)
		if (jobs[k].rc < 0 || jobs[k].sg.lazy)
			return 1;
	for (k = 0; k < m && rc == 0; k++)
		if ((rc = add_nodes(t, first + k, &jobs[k].sg, &key)) < 0)
			*failed = k;
	strbuf_release(&key);
	if (rc == 0)
		workers_run((unsigned)m, translate_one, jobs);
	for (k = 0; k < m && rc == 0; k++)
		if ((rc = add_stacks(t, first + k, &jobs[k].sg)) < 0)
			*failed = k;
	if (rc < 0)
		ls_error_set(jobs[*failed].err, "out of memory");
	return rc;
}

int sites_add_profiles(struct site_table *t, size_t first, size_t n,
		       const struct profile *const *ps, const int *index,
		       const struct filter_options *fo,
		       const struct graph_options *go, struct ls_error *errs,
		       size_t *failed)
{
	struct prepare_job jobs[WORKERS_MAX];
	size_t batch = workers_count(), b, k, bad = 0;
	int rc = 0;

	for (b = 0; b < n && rc == 0; b += batch) {
		size_t m = n - b < batch ? n - b : batch;

		for (k = 0; k < m; k++) {
			jobs[k].p = ps[b + k];
			jobs[k].fo = fo;
			jobs[k].go = *go;
			jobs[k].go.sample_index = index[b + k];
			/* the threads are taken: one each */
			if (m > 1)
				jobs[k].go.threads = 1;
			jobs[k].err = &errs[b + k];
		}
		workers_run((unsigned)m, prepare_one, jobs);
		rc = add_batch(t, first + b, jobs, m, &bad);
		if (rc < 0)
			*failed = b + bad;
		if (rc > 0) {
			/* one by one */
			for (rc = 0, k = 0; k < m && rc == 0; k++) {
				rc = jobs[k].rc;
				if (rc == 0)
					rc = sites_add_graph(t, first + b + k, &jobs[k].sg,
							     &errs[b + k]);
				if (rc < 0)
					*failed = b + k;
			}
		}
		for (k = 0; k < m; k++)
			sites_graph_release(&jobs[k].sg);
	}
	return rc;
}

struct id_ctx {
	struct dump_idset *set;
	int64_t hits;
	int failed;
};

static void add_id(uint64_t id, void *ctx)
{
	struct id_ctx *c = ctx;

	if (dump_idset_add(c->set, id) < 0)
		c->failed = 1;
}

static void count_id(uint64_t id, void *ctx)
{
	struct id_ctx *c = ctx;
	int r = dump_idset_add(c->set, id);

	if (r == 0)
		c->hits++;
	else if (r < 0)
		c->failed = 1;
}

int64_t sites_persistent(const struct site *s, size_t from, size_t to,
			 int *failed)
{
	struct id_ctx c = { NULL, 0, 0 };
	const struct site_group *g;

	if (!s->groups[from] || !s->groups[to])
		return 0;
	c.set = dump_idset_new();
	if (!c.set) {
		*failed = 1;
		return 0;
	}
	for (g = s->groups[from]; g; g = g->next)
		ggroup_each_id(g->group, add_id, &c);
	for (g = s->groups[to]; g; g = g->next)
		ggroup_each_id(g->group, count_id, &c);
	dump_idset_free(c.set);
	*failed |= c.failed;
	return c.hits;
}
