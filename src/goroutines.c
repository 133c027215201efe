/* goroutines.c - group goroutines by stack, spot benign ones, rank by stuck score */
#include "goroutines.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "workers.h"
#include "zalloc.h"

void goroutine_groups_init(struct goroutine_groups *gs)
{
	memset(gs, 0, sizeof(*gs));
	arena_init(&gs->arena);
	gs->has_states = true;
}

void goroutine_groups_reset(struct goroutine_groups *gs)
{
	size_t i;

	for (i = 0; i < gs->n; i++)
		if (gs->list[i])	/* else moved by goroutine_groups_merge */
			strbuf_release(&gs->list[i]->ids);
	free(gs->table);
	free(gs->list);
	free(gs->hints);
	arena_release(&gs->arena);
	gs->table = NULL;
	gs->list = NULL;
	gs->hints = NULL;
	gs->nhints = 0;
	gs->cap = gs->n = gs->alloc = 0;
	gs->total = 0;
	gs->truncated = false;
}

void goroutine_groups_trim(struct goroutine_groups *gs)
{
	free(gs->hints);
	gs->hints = NULL;
	gs->nhints = 0;
}

void goroutine_groups_release(struct goroutine_groups *gs)
{
	goroutine_groups_reset(gs);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

/* Strings are interned by one parser, so pointers identify them. */
static uint64_t stack_hash(const struct dump_frame *frames, size_t n,
			   const struct dump_frame *cb)
{
	uint64_t h = n;
	size_t i;

	for (i = 0; i < n; i++) {
		h = mix(h, (uint64_t)(uintptr_t)frames[i].func);
		h = mix(h, (uint64_t)(uintptr_t)frames[i].file);
		h = mix(h, (uint64_t)frames[i].line);
	}
	if (cb) {
		h = mix(h, (uint64_t)(uintptr_t)cb->func);
		h = mix(h, (uint64_t)(uintptr_t)cb->file);
		h = mix(h, (uint64_t)cb->line);
	}
	return h;
}

static bool frame_eq(const struct dump_frame *a, const struct dump_frame *b)
{
	return a->func == b->func && a->file == b->file && a->line == b->line;
}

static bool stack_eq(const struct ggroup *g, const struct dump_frame *frames,
		     size_t n, const struct dump_frame *cb, const char *labels)
{
	size_t i;

	if (g->nframes != n || g->has_created_by != (cb != NULL))
		return false;
	if (cb && !frame_eq(&g->created_by, cb))
		return false;
	if (strcmp(g->labels, labels) != 0)
		return false;
	for (i = 0; i < n; i++)
		if (!frame_eq(&g->frames[i], &frames[i]))
			return false;
	return true;
}

static int table_grow(struct goroutine_groups *gs)
{
	size_t cap = gs->cap ? gs->cap * 2 : 256, i;
	struct ggroup **t = zalloc(cap, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < gs->n; i++) {
		struct ggroup *g = gs->list[i];
		size_t b = (size_t)g->hash & (cap - 1);

		g->next = t[b];
		t[b] = g;
	}
	free(gs->table);
	gs->table = t;
	gs->cap = cap;
	return 0;
}

/* Makes sure gs's table has room for one more group, and is there at
 * all (ranking frees it): 0, or -1 when out of memory. */
static int table_room(struct goroutine_groups *gs)
{
	return gs->n + 1 > gs->cap ? table_grow(gs) : 0;
}

/* The group of gs for a stack whose stack_hash() is h, or NULL; after
 * table_room(). */
static struct ggroup *group_find(const struct goroutine_groups *gs, uint64_t h,
				 const struct dump_frame *frames, size_t n,
				 const struct dump_frame *cb, const char *labels)
{
	struct ggroup *g;

	for (g = gs->table[h & (gs->cap - 1)]; g; g = g->next)
		if (g->hash == h && stack_eq(g, frames, n, cb, labels))
			return g;
	return NULL;
}

/* Makes g (hash set, in no groups) the last group of gs: 0, or -1 when
 * out of memory. */
static int group_link(struct goroutine_groups *gs, struct ggroup *g)
{
	size_t b;

	if (table_room(gs) < 0)
		return -1;
	if (gs->n == gs->alloc) {
		size_t na = gs->alloc ? gs->alloc * 2 : 64;
		struct ggroup **nl = realloc(gs->list, na * sizeof(*nl));

		if (!nl)
			return -1;
		gs->list = nl;
		gs->alloc = na;
	}
	b = (size_t)g->hash & (gs->cap - 1);
	g->seq = gs->n;
	g->next = gs->table[b];
	gs->table[b] = g;
	gs->list[gs->n++] = g;
	return 0;
}

/* The group for a stack, created when new; NULL when out of memory. */
static struct ggroup *group_for(struct goroutine_groups *gs,
				const struct dump_frame *frames, size_t n,
				const struct dump_frame *cb, const char *labels)
{
	uint64_t h = stack_hash(frames, n, cb);
	struct ggroup *g;
	size_t i;

	if (table_room(gs) < 0)
		return NULL;
	g = group_find(gs, h, frames, n, cb, labels);
	if (g)
		return g;
	g = arena_calloc(&gs->arena, 1, sizeof(*g));
	if (!g)
		return NULL;
	g->frames = arena_calloc(&gs->arena, n ? n : 1, sizeof(*g->frames));
	if (!g->frames)
		return NULL;
	for (i = 0; i < n; i++) {
		g->frames[i] = frames[i];
		g->frames[i].args = "";
		g->frames[i].offset = 0;
	}
	g->nframes = n;
	if (cb) {
		g->has_created_by = true;
		g->created_by = *cb;
		g->created_by.args = "";
		g->created_by.offset = 0;
	}
	g->labels = labels;
	g->wait_min = INT64_MAX;
	g->wait_max = 0;
	g->user_frame = -1;
	g->hash = h;
	strbuf_init(&g->ids);
	return group_link(gs, g) < 0 ? NULL : g;
}

static int add_id(struct ggroup *g, uint64_t id)
{
	int64_t d = (int64_t)(id - g->last_id);
	uint64_t z = ((uint64_t)d << 1) ^ (uint64_t)(d >> 63);
	struct strbuf *sb = &g->ids;
	unsigned char *out;

	/* room for the longest varint (10 bytes) and strbuf's NUL: written
	 * in place, this runs for every goroutine */
	if (sb->len + 11 > sb->alloc && strbuf_grow(sb, 10) < 0)
		return -1;
	out = (unsigned char *)sb->buf + sb->len;
	do {
		*out++ = (unsigned char)((z & 0x7f) | (z > 0x7f ? 0x80 : 0));
		z >>= 7;
	} while (z);
	*out = '\0';
	sb->len = (size_t)((char *)out - sb->buf);
	g->last_id = id;
	return 0;
}

void ggroup_each_id(const struct ggroup *g, void (*fn)(uint64_t id, void *ctx),
		    void *ctx)
{
	const unsigned char *p = (const unsigned char *)g->ids.buf;
	const unsigned char *end = p + g->ids.len;
	uint64_t id = 0;

	while (p < end) {
		uint64_t z = 0;
		int shift = 0;
		int64_t d;

		while (p < end) {
			unsigned char b = *p++;

			z |= (uint64_t)(b & 0x7f) << shift;
			shift += 7;
			if (!(b & 0x80))
				break;
		}
		d = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
		id += (uint64_t)d;
		fn(id, ctx);
	}
}

static void add_state(struct ggroup *g, const char *state, uint64_t n)
{
	size_t i;

	for (i = 0; i < g->nstates; i++) {
		if (g->states[i].state == state || !strcmp(g->states[i].state, state)) {
			g->states[i].count += n;
			return;
		}
	}
	if (g->nstates < GGROUP_MAX_STATES) {
		g->states[g->nstates].state = state;
		g->states[g->nstates].count = n;
		g->nstates++;
	} else {
		g->other_states += n;
	}
}

static bool frames_match(const regex_t *re, const struct dump_frame *frames,
			 size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (regexec(re, frames[i].func, 0, NULL, 0) == 0)
			return true;
	return false;
}

bool goroutine_filter_match(const struct goroutine_filter *f,
			    const struct goroutine *g)
{
	if (f->min_wait > 0 && g->wait_minutes < f->min_wait)
		return false;
	if (f->state && regexec(f->state, g->state, 0, NULL, 0) != 0)
		return false;
	if (f->focus && !frames_match(f->focus, g->frames, g->nframes))
		return false;
	if (f->ignore && frames_match(f->ignore, g->frames, g->nframes))
		return false;
	return true;
}

/* The hint slot of a stack (its address, hashed). */
static struct ggroup_hint *hint_slot(const struct goroutine_groups *gs,
				     const struct dump_stack *stack)
{
	uint64_t h = (uint64_t)(uintptr_t)stack * 0x9E3779B97F4A7C15ULL;

	return &gs->hints[(size_t)(h >> 32) & (gs->nhints - 1)];
}

/* The group of g: through the hint of g->stack when it has one (checked
 * with stack_eq, so a stale hint only costs the look-up), else
 * group_for(), which then becomes the hint. NULL when out of memory. */
static struct ggroup *group_of(struct goroutine_groups *gs,
			       const struct goroutine *g)
{
	const struct dump_frame *cb = g->has_created_by ? &g->created_by : NULL;
	struct ggroup_hint *hint;
	struct ggroup *grp;

	if (!g->stack)
		return group_for(gs, g->frames, g->nframes, cb, "");
	if (gs->nhints) {
		hint = hint_slot(gs, g->stack);
		if (hint->stack == g->stack &&
		    stack_eq(hint->group, g->frames, g->nframes, cb, ""))
			return hint->group;
	}
	grp = group_for(gs, g->frames, g->nframes, cb, "");
	if (!grp)
		return NULL;
	if (gs->n * 2 > gs->nhints) {
		/* a cache, larger, keeping what it knew: starting it empty
		 * cost a group_for() per known stack at every growth */
		struct ggroup_hint *old = gs->hints;
		size_t i, nold = gs->nhints;
		size_t n = nold ? nold * 4 : 1024;
		struct ggroup_hint *h = zalloc(n, sizeof(*h));

		if (!h)
			return grp;
		gs->hints = h;
		gs->nhints = n;
		for (i = 0; i < nold; i++)
			if (old[i].stack)
				*hint_slot(gs, old[i].stack) = old[i];
		free(old);
	}
	hint = hint_slot(gs, g->stack);
	hint->stack = g->stack;
	hint->group = grp;
	return grp;
}

int goroutine_groups_add(struct goroutine_groups *gs, const struct goroutine *g,
			 struct ls_error *err)
{
	struct ggroup *grp = group_of(gs, g);

	if (!grp || add_id(grp, g->id) < 0)
		return ls_error_set_line(err, g->lineno, "out of memory");
	grp->count++;
	gs->total++;
	if (g->wait_minutes < grp->wait_min)
		grp->wait_min = g->wait_minutes;
	if (g->wait_minutes > grp->wait_max)
		grp->wait_max = g->wait_minutes;
	if (g->locked)
		grp->locked++;
	if (g->flags & GOROUTINE_TRUNCATED) {
		grp->truncated++;
		gs->truncated = true;
	}
	grp->flags |= g->flags;
	add_state(grp, g->state, 1);
	return 0;
}

int goroutine_sink_dump(size_t index, void *ctx)
{
	struct goroutine_sink *k = ctx;

	(void)index;
	if (k->want_dump == 0)
		goroutine_groups_reset(k->groups);
	return 0;
}

int goroutine_sink_goroutine(const struct goroutine *g, void *ctx)
{
	struct goroutine_sink *k = ctx;

	if (k->want_dump > 0 && (long)g->dump + 1 != k->want_dump)
		return 0;
	if (g->flags & GOROUTINE_TRUNCATED)
		k->groups->truncated = true;
	if (!goroutine_filter_match(k->filter, g))
		return 0;
	return goroutine_groups_add(k->groups, g, k->err);
}

/* A goroutine_str_map: each string of from (by its address; from's
 * strings are interned, so the few distinct ones recur) to its copy
 * interned in to, so that each is hashed and compared once. An
 * open-addressing table of address pairs, at most half full: a merge
 * looks up two strings per frame of every group it adds. */
struct str_pair {
	const char *from, *to;
};

void goroutine_str_map_init(struct goroutine_str_map *m, struct intern *to,
			    const struct intern *from)
{
	memset(m, 0, sizeof(*m));
	m->to = to;
	m->from = from;
}

void goroutine_str_map_release(struct goroutine_str_map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static size_t str_slot(const char *s, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)s * 0x9E3779B97F4A7C15ULL;

	return (size_t)(h >> 32) & (cap - 1);
}

static int str_map_grow(struct goroutine_str_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024, i, j;
	struct str_pair *t = zalloc(cap, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < m->cap; i++) {
		if (!m->slots[i].from)
			continue;
		for (j = str_slot(m->slots[i].from, cap); t[j].from; j = (j + 1) & (cap - 1))
			;
		t[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = t;
	m->cap = cap;
	return 0;
}

static const char *str_to(struct goroutine_str_map *m, const char *s)
{
	size_t i;

	if (m->from == m->to)
		return s;
	if ((m->n + 1) * 2 > m->cap && str_map_grow(m) < 0)
		return NULL;
	for (i = str_slot(s, m->cap); m->slots[i].from; i = (i + 1) & (m->cap - 1))
		if (m->slots[i].from == s)
			return m->slots[i].to;
	m->slots[i].to = intern_str(m->to, s, strlen(s));
	if (!m->slots[i].to)
		return NULL;
	m->slots[i].from = s;
	m->n++;
	return m->slots[i].to;
}

static bool frame_to(struct dump_frame *out, const struct dump_frame *f,
		     struct goroutine_str_map *m)
{
	*out = *f;
	out->func = str_to(m, f->func);
	/* A missing file is the parser's "" (dump_parse.c), never an
	 * interned string, and the same object in every part: interned
	 * here it would be another pointer, and its goroutines another
	 * group than the same stack's in the part before. */
	out->file = f->file[0] ? str_to(m, f->file) : f->file;
	return out->func && out->file;
}

struct id_copy {
	struct ggroup *to;
	int r;
};

static void copy_id(uint64_t id, void *ctx)
{
	struct id_copy *c = ctx;

	if (c->r == 0 && add_id(c->to, id) < 0)
		c->r = -1;
}

int goroutine_groups_merge(struct goroutine_groups *into,
			   struct goroutine_str_map *m,
			   struct goroutine_groups *from,
			   struct ls_error *err)
{
	struct dump_frame *frames = NULL, cb;
	size_t aframes = 0, i, j;
	/* from's strings are into's: its groups new to into move */
	bool move = m->from == m->to;
	int r = 0;

	if (move)
		arena_adopt(&into->arena, &from->arena);
	for (i = 0; i < from->n; i++) {
		struct ggroup *src = from->list[i];
		struct ggroup *dst;
		struct id_copy ids;

		/* which states a member beyond the first GGROUP_MAX_STATES
		 * had is lost: where they would land in into is not known */
		if (src->other_states || strcmp(src->labels, "") != 0) {
			r = 1;
			break;
		}
		if (move) {
			/* the same strings: the same hash */
			if (table_room(into) < 0)
				goto oom;
			dst = group_find(into, src->hash, src->frames, src->nframes,
					 src->has_created_by ? &src->created_by : NULL,
					 "");
			if (!dst) {
				if (group_link(into, src) < 0)
					goto oom;
				from->list[i] = NULL;
				continue;
			}
			goto add;
		}
		if (src->nframes > aframes) {
			struct dump_frame *nf = realloc(frames, src->nframes * sizeof(*nf));

			if (!nf)
				goto oom;
			frames = nf;
			aframes = src->nframes;
		}
		for (j = 0; j < src->nframes; j++)
			if (!frame_to(&frames[j], &src->frames[j], m))
				goto oom;
		if (src->has_created_by && !frame_to(&cb, &src->created_by, m))
			goto oom;
		dst = group_for(into, frames, src->nframes,
				src->has_created_by ? &cb : NULL, "");
		if (!dst)
			goto oom;
add:
		dst->count += src->count;
		if (src->wait_min < dst->wait_min)
			dst->wait_min = src->wait_min;
		if (src->wait_max > dst->wait_max)
			dst->wait_max = src->wait_max;
		dst->locked += src->locked;
		dst->truncated += src->truncated;
		dst->flags |= src->flags;
		for (j = 0; j < src->nstates; j++) {
			const char *st = str_to(m, src->states[j].state);

			if (!st)
				goto oom;
			add_state(dst, st, src->states[j].count);
		}
		ids.to = dst;
		ids.r = 0;
		ggroup_each_id(src, copy_id, &ids);
		if (ids.r < 0)
			goto oom;
	}
	if (r == 0) {
		into->total += from->total;
		into->truncated |= from->truncated;
	}
	free(frames);
	return r;
oom:
	free(frames);
	return ls_error_set(err, "out of memory");
}

int goroutine_groups_add_profile(struct goroutine_groups *gs,
				 struct profile *p,
				 const struct goroutine_filter *f,
				 struct ls_error *err)
{
	int vi = profile_sample_index(p, "goroutine", NULL);
	struct dump_frame *frames = NULL;
	size_t aframes = 0, i;

	gs->has_states = false;
	if (vi < 0)
		vi = profile_default_sample_index(p);
	if (vi < 0)
		return ls_error_set(err, "profile has no sample types");
	for (i = 0; i < p->nsamples; i++) {
		const struct sample *s = &p->samples[i];
		struct strbuf lb = STRBUF_INIT;
		const char *labels = "";
		struct ggroup *grp;
		size_t n = 0, j, k;
		int64_t v = s->values[vi];
		bool symbolized;

		for (j = 0; j < s->nlocations; j++) {
			const struct location *loc = profile_location(p, s, j);

			n += loc->nlines ? loc->nlines : 1;
		}
		if (n > aframes) {
			struct dump_frame *nf = realloc(frames, n * sizeof(*nf));

			if (!nf) {
				free(frames);
				return ls_error_set(err, "out of memory");
			}
			frames = nf;
			aframes = n;
		}
		n = 0;
		/* debug=1 text symbolizes only the frames it shows (the
		 * runtime's own are addresses alone): leave those out */
		symbolized = false;
		for (j = 0; j < s->nlocations; j++)
			symbolized |= profile_location(p, s, j)->nlines > 0;
		for (j = 0; j < s->nlocations; j++) {
			const struct location *loc = profile_location(p, s, j);

			if (!loc->nlines && symbolized)
				continue;
			if (!loc->nlines) {
				memset(&frames[n], 0, sizeof(frames[n]));
				frames[n].func = frames[n].file = frames[n].args = "";
				n++;
			}
			for (k = 0; k < loc->nlines; k++) {
				const struct line *ln = &loc->lines[k];

				memset(&frames[n], 0, sizeof(frames[n]));
				frames[n].func = ln->function ? ln->function->name : "";
				frames[n].file = ln->function ? ln->function->filename : "";
				frames[n].args = "";
				frames[n].line = ln->line;
				frames[n].inlined = k + 1 < loc->nlines;
				n++;
			}
		}
		/* runtime.goexit is the root of every profile stack; a dump
		 * shows it only at GOTRACEBACK=system, so leave it out */
		if (n && !strcmp(frames[n - 1].func, "runtime.goexit"))
			n--;
		if (f && f->focus && !frames_match(f->focus, frames, n))
			continue;
		if (f && f->ignore && frames_match(f->ignore, frames, n))
			continue;
		for (j = 0; j < s->nlabels; j++) {
			const struct label *l = &s->labels[j];

			strbuf_addstr(&lb, lb.len ? ", " : "{");
			if (l->str)
				strbuf_addf(&lb, "\"%s\":\"%s\"", l->key, l->str);
			else
				strbuf_addf(&lb, "\"%s\":%lld", l->key, (long long)l->num);
		}
		if (lb.len) {
			strbuf_addch(&lb, '}');
			labels = profile_intern(p, lb.buf, lb.len);
		}
		strbuf_release(&lb);
		if (!labels) {
			free(frames);
			return ls_error_set(err, "out of memory");
		}
		grp = group_for(gs, frames, n, NULL, labels);
		if (!grp) {
			free(frames);
			return ls_error_set(err, "out of memory");
		}
		grp->count += (uint64_t)(v > 0 ? v : 0);
		grp->wait_min = grp->wait_max = 0;
		gs->total += (uint64_t)(v > 0 ? v : 0);
		add_state(grp, "", (uint64_t)(v > 0 ? v : 0));
	}
	free(frames);
	return 0;
}

const char *ggroup_state(const struct ggroup *g)
{
	size_t i, best = 0;

	if (!g->nstates)
		return "";
	for (i = 1; i < g->nstates; i++)
		if (g->states[i].count > g->states[best].count)
			best = i;
	return g->states[best].state;
}

struct weight {
	const char *prefix;
	double w;
};

/* Checked in order; the first prefix that matches wins
 * (runtime/runtime2.go waitReasonStrings). */
static const struct weight weights[] = {
	{ "chan receive (nil chan)", 10 },
	{ "chan send (nil chan)", 10 },
	{ "select (no cases)", 10 },
	{ "chan receive", 1 },
	{ "chan send", 1 },
	{ "select", 1 },
	{ "semacquire", 1 },
	{ "sync.", 1 },
	{ "IO wait", 1 },
	{ "sleep", 0.5 },
	{ "running", 0.25 },
	{ "runnable", 0.25 },
	{ "syscall", 0.25 },
	{ "", 1 },	/* unknown (profiles without states) */
};

double goroutine_state_weight(const char *state)
{
	size_t i;

	if (!state[0])
		return 1;
	for (i = 0; i + 1 < sizeof(weights) / sizeof(weights[0]); i++)
		if (!strncmp(state, weights[i].prefix, strlen(weights[i].prefix)))
			return weights[i].w;
	return 0.25;
}

static bool has_func(const struct dump_frame *frames, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(frames[i].func, name))
			return true;
	return false;
}

/* States of runtime workers that are idle by design. */
static const char *const benign_states[] = {
	"GC worker (idle)", "GC sweep wait", "GC scavenge wait",
	"finalizer wait", "force gc (idle)", "timer goroutine (idle)",
	"trace reader (blocked)", "wait for GC cycle", "cleanup wait",
};

/* Functions whose presence marks a goroutine that is normal while idle. */
static const char *const benign_funcs[] = {
	"os/signal.signal_recv", "os/signal.loop",
	"net/http.(*persistConn).readLoop", "net/http.(*persistConn).writeLoop",
	"runtime/pprof.writeGoroutineStacks", "runtime.ensureSigM.func1",
	"runtime.forcegchelper", "runtime.bgsweep", "runtime.bgscavenge",
	"runtime.runfinq", "runtime.gcBgMarkWorker", "runtime.timerproc",
};

static const char *const accept_funcs[] = {
	"net.(*TCPListener).Accept", "net.(*UnixListener).Accept",
	"net.(*TCPListener).AcceptTCP", "net.(*UnixListener).AcceptUnix",
	"internal/poll.(*FD).Accept",
};

bool goroutine_is_benign(const struct dump_frame *frames, size_t nframes,
			 const struct dump_frame *created_by, const char *state)
{
	/* the first letters of benign_funcs, by their low five bits: most
	 * frames are ruled out by their first byte alone */
	uint32_t first = 0;
	size_t i, k;

	for (i = 0; i < sizeof(benign_states) / sizeof(benign_states[0]); i++)
		if (!strcmp(state, benign_states[i]))
			return true;
	for (k = 0; k < sizeof(benign_funcs) / sizeof(benign_funcs[0]); k++)
		first |= UINT32_C(1) << (benign_funcs[k][0] & 31);
	for (i = 0; i < nframes; i++) {
		const char *fn = frames[i].func;

		/* this runs for every frame */
		if (!(first >> (fn[0] & 31) & 1))
			continue;
		for (k = 0; k < sizeof(benign_funcs) / sizeof(benign_funcs[0]); k++)
			if (fn[0] == benign_funcs[k][0] && !strcmp(fn, benign_funcs[k]))
				return true;
	}
	/* system goroutines: started by the runtime itself */
	if (created_by && !strncmp(created_by->func, "runtime.", 8) &&
	    strcmp(created_by->func, "runtime.main") != 0)
		return true;
	/* a listener waiting for connections */
	if (!state[0] || !strcmp(state, "IO wait"))
		for (i = 0; i < sizeof(accept_funcs) / sizeof(accept_funcs[0]); i++)
			if (has_func(frames, nframes, accept_funcs[i]))
				return true;
	/* an HTTP server connection waiting for the next request */
	if ((!state[0] || !strcmp(state, "IO wait")) &&
	    has_func(frames, nframes, "net/http.(*conn).serve") &&
	    (has_func(frames, nframes, "net/http.(*connReader).Read") ||
	     has_func(frames, nframes, "bufio.(*Reader).fill") ||
	     has_func(frames, nframes, "net/http.(*conn).readRequest")))
		return true;
	/* the test runner: the first frame outside the runtime is in testing */
	for (i = 0; i < nframes; i++) {
		const char *fn = frames[i].func;

		if (!strncmp(fn, "runtime.", 8) || !strncmp(fn, "sync.", 5) ||
		    !strncmp(fn, "time.", 5))
			continue;
		return !strncmp(fn, "testing.", 8) &&
		       strcmp(fn, "testing.tRunner") != 0;
	}
	return false;
}


static int cmp_groups(const void *a, const void *b)
{
	const struct ggroup *x = *(const struct ggroup *const *)a;
	const struct ggroup *y = *(const struct ggroup *const *)b;
	int c;

	if (x->benign != y->benign)
		return x->benign ? 1 : -1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	/* a group without frames (its stack unavailable) after the ones
	 * with: compared by name only when both have one, a group without
	 * would sort both before and after others, and the order would be
	 * the sort algorithm's (the threads' since ranking sorts parts) */
	if (!x->nframes != !y->nframes)
		return x->nframes ? -1 : 1;
	if (x->nframes) {
		c = strcmp(x->frames[0].func, y->frames[0].func);
		if (c)
			return c;
	}
	/* then in order of first appearance: stable whatever the addresses */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* What rank works out for one group on its own: nothing it reads is
 * shared but f's regex (regexec may run on several threads at once). */
static void rank_group(struct ggroup *g, const struct goroutine_filter *f)
{
	const char *state = ggroup_state(g);
	size_t k;

	if (g->wait_min == INT64_MAX)
		g->wait_min = 0;
	g->benign = goroutine_is_benign(g->frames, g->nframes,
			g->has_created_by ? &g->created_by : NULL, state);
	g->user_frame = -1;
	for (k = 0; k < g->nframes; k++) {
		if (dump_func_is_user(f ? f->user : NULL, g->frames[k].func)) {
			g->user_frame = (long)k;
			break;
		}
	}
	g->score = (double)g->count * goroutine_state_weight(state) *
		   (1.0 + log2(1.0 + (double)g->wait_max));
}

/* From this many groups on, groups are ranked and sorted on several
 * threads (rank_group() was a fifth of what runs after a 64 MiB dump is
 * parsed, and sorting the groups another tenth). */
#define RANK_SPLIT_MIN 1024

struct rank_job {
	struct goroutine_groups *gs;
	const struct goroutine_filter *f;
	unsigned parts;
	size_t kept[WORKERS_MAX];	/* by part: groups left, sorted */
};

/* Ranks part i of the list, drops the groups f filters out and sorts
 * the rest, which are then the first kept[i] of the part. */
static void rank_part(void *arg, unsigned i)
{
	struct rank_job *job = arg;
	const struct goroutine_filter *f = job->f;
	struct ggroup **list = job->gs->list;
	size_t n = job->gs->n, from = n * i / job->parts,
	       to = n * (i + 1) / job->parts, k, j = from;

	for (k = from; k < to; k++) {
		struct ggroup *g = list[k];

		rank_group(g, f);
		if (f && ((f->min_count && g->count < f->min_count) ||
			  (f->hide_benign && g->benign))) {
			strbuf_release(&g->ids);
			continue;
		}
		list[j++] = g;
	}
	if (j - from > 1)
		qsort(list + from, j - from, sizeof(*list), cmp_groups);
	job->kept[i] = j - from;
}

/* Merges the parts' sorted groups into one sorted list. Out of memory
 * for the merged list, moves them together and sorts them all in place
 * instead. */
static void merge_parts(struct goroutine_groups *gs, const struct rank_job *job)
{
	size_t at[WORKERS_MAX], end[WORKERS_MAX], n = 0, k;
	struct ggroup **out;
	unsigned i;

	for (i = 0; i < job->parts; i++) {
		at[i] = gs->n * i / job->parts;
		end[i] = at[i] + job->kept[i];
		n += job->kept[i];
	}
	out = malloc((n ? n : 1) * sizeof(*out));
	if (!out) {
		for (i = 0, k = 0; i < job->parts; k += job->kept[i++])
			memmove(gs->list + k, gs->list + at[i],
				job->kept[i] * sizeof(*gs->list));
		gs->n = n;
		if (n > 1)
			qsort(gs->list, n, sizeof(*gs->list), cmp_groups);
		return;
	}
	for (k = 0; k < n; k++) {
		unsigned best = WORKERS_MAX;

		for (i = 0; i < job->parts; i++)
			if (at[i] < end[i] &&
			    (best == WORKERS_MAX ||
			     cmp_groups(&gs->list[at[i]], &gs->list[at[best]]) < 0))
				best = i;
		out[k] = gs->list[at[best]++];
	}
	free(gs->list);
	gs->list = out;
	gs->alloc = n ? n : 1;
	gs->n = n;
}

void goroutine_groups_rank(struct goroutine_groups *gs,
			   const struct goroutine_filter *f)
{
	struct rank_job job;

	memset(&job, 0, sizeof(job));
	job.gs = gs;
	job.f = f;
	job.parts = 1;
	if (gs->n >= RANK_SPLIT_MIN)
		job.parts = workers_count();
	workers_run(job.parts, rank_part, &job);
	/* the hash chains and hints are stale from here on */
	free(gs->table);
	gs->table = NULL;
	gs->cap = 0;
	free(gs->hints);
	gs->hints = NULL;
	gs->nhints = 0;
	if (job.parts == 1)
		gs->n = job.kept[0];
	else
		merge_parts(gs, &job);
}

int goroutine_parse_wait(const char *s, int64_t *minutes)
{
	double total = 0;	/* seconds */
	bool any = false;

	while (*s) {
		char *end;
		double v;

		if (!isdigit((unsigned char)*s))
			return -1;
		v = strtod(s, &end);
		s = end;
		any = true;
		if (*s == 'h') {
			total += v * 3600;
			s++;
		} else if (*s == 'm' && s[1] != 's') {
			total += v * 60;
			s++;
		} else if (*s == 's') {
			total += v;
			s++;
		} else if (*s == '\0') {
			total += v * 60;
		} else {
			return -1;
		}
	}
	/* more minutes than int64 holds (1e999h is infinite): malformed,
	 * where a C cast would be undefined */
	if (!any || !(total / 60.0 < 0x1p63))
		return -1;
	*minutes = (int64_t)ceil(total / 60.0);
	return 0;
}

/* --- a goroutine dump as a goroutine profile --- */

struct to_profile {
	struct goroutine_groups groups;
	struct ls_error *err;
	size_t want_dump;	/* 1-based; 0 = last */
};

static int tp_dump(size_t index, void *ctx)
{
	struct to_profile *t = ctx;

	(void)index;
	if (t->want_dump == 0)
		goroutine_groups_reset(&t->groups);
	return 0;
}

static int tp_goroutine(const struct goroutine *g, void *ctx)
{
	struct to_profile *t = ctx;

	if (t->want_dump && g->dump + 1 != t->want_dump)
		return 0;
	return goroutine_groups_add(&t->groups, g, t->err);
}

/* Finds or adds the location of one frame (one line, no address). */
static const struct location *tp_location(struct profile *p,
					  const struct dump_frame *f,
					  size_t *nfunc_alloc, size_t *nloc_alloc)
{
	const char *name = profile_intern(p, f->func, strlen(f->func));
	const char *file = profile_intern(p, f->file, strlen(f->file));
	struct function *fn = NULL;
	struct location *loc;
	size_t i;

	if (!name || !file)
		return NULL;
	/* linear look-ups: a dump has few distinct frames per group and
	 * this conversion is for reports, not for huge inputs */
	for (i = 0; i < p->nlocations; i++) {
		loc = &p->locations[i];
		if (loc->lines[0].function->name == name &&
		    loc->lines[0].function->filename == file &&
		    loc->lines[0].line == f->line)
			return loc;
	}
	for (i = 0; i < p->nfunctions; i++)
		if (p->functions[i].name == name && p->functions[i].filename == file) {
			fn = &p->functions[i];
			break;
		}
	if (!fn) {
		if (p->nfunctions == *nfunc_alloc)
			return NULL;
		fn = &p->functions[p->nfunctions++];
		memset(fn, 0, sizeof(*fn));
		fn->id = p->nfunctions;
		fn->name = fn->system_name = name;
		fn->filename = file;
	}
	if (p->nlocations == *nloc_alloc)
		return NULL;
	loc = &p->locations[p->nlocations++];
	memset(loc, 0, sizeof(*loc));
	loc->id = p->nlocations;
	loc->lines = arena_calloc(&p->arena, 1, sizeof(*loc->lines));
	if (!loc->lines)
		return NULL;
	loc->nlines = 1;
	loc->lines[0].function = fn;
	loc->lines[0].line = f->line;
	return loc;
}

int goroutines_dump_to_profile(struct profile *p, const char *name,
			       const char *data, size_t len, size_t dump,
			       struct ls_error *err)
{
	struct to_profile t;
	struct dump_parser parser;
	size_t i, j, nframes = 0, nfunc_alloc, nloc_alloc;
	int r;

	memset(&t, 0, sizeof(t));
	goroutine_groups_init(&t.groups);
	t.err = err;
	t.want_dump = dump;
	dump_parser_init(&parser, name, tp_goroutine, tp_dump, &t);
	r = dump_parse_buffer(&parser, data, len, err);
	if (r == 0 && parser.total == 0)
		r = ls_error_set(err, "no goroutine dump found (no \"goroutine N [state]:\" line)");
	if (r == 0 && dump > parser.ndumps)
		r = ls_error_set(err, "there is no dump %zu: the input holds %zu", dump,
				 parser.ndumps);
	if (r < 0)
		goto out;
	profile_release(p);
	p->format = PROFILE_GOROUTINE_DUMP;
	p->source = profile_intern(p, name, strlen(name));
	p->sample_types = arena_calloc(&p->arena, 1, sizeof(*p->sample_types));
	if (!p->source || !p->sample_types)
		goto oom;
	p->nsample_types = 1;
	p->sample_types[0].type = profile_intern(p, "goroutine", 9);
	p->sample_types[0].unit = profile_intern(p, "count", 5);
	p->period_type = p->sample_types[0];
	p->period = 1;
	for (i = 0; i < t.groups.n; i++)
		nframes += t.groups.list[i]->nframes;
	if (nframes > PROFILE_LOCATIONS_MAX)
		goto oom;
	nfunc_alloc = nloc_alloc = nframes;
	p->functions = arena_calloc(&p->arena, nframes ? nframes : 1, sizeof(*p->functions));
	p->locations = arena_calloc(&p->arena, nframes ? nframes : 1, sizeof(*p->locations));
	p->samples = arena_calloc(&p->arena, t.groups.n ? t.groups.n : 1, sizeof(*p->samples));
	if (!p->functions || !p->locations || !p->samples)
		goto oom;
	for (i = 0; i < t.groups.n; i++) {
		const struct ggroup *g = t.groups.list[i];
		struct sample *s = &p->samples[p->nsamples++];
		uint32_t *stack;	/* wide: p->narrow is false */

		s->values = arena_calloc(&p->arena, 1, sizeof(*s->values));
		s->stack = stack = arena_calloc(&p->arena, g->nframes ? g->nframes : 1,
						sizeof(*stack));
		if (!s->values || !stack)
			goto oom;
		s->values[0] = (int64_t)g->count;
		for (j = 0; j < g->nframes; j++) {
			const struct location *loc = tp_location(p, &g->frames[j],
							&nfunc_alloc, &nloc_alloc);

			if (!loc)
				goto oom;
			stack[s->nlocations++] = (uint32_t)(loc - p->locations);
		}
	}
	r = 0;
	goto out;
oom:
	profile_release(p);
	r = ls_error_set(err, "out of memory");
out:
	dump_parser_release(&parser);
	goroutine_groups_release(&t.groups);
	return r;
}
