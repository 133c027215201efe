/* joint.c - the joint leak report: findings over heap, goroutines and contention */
#include "joint.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "filter.h"
#include "graph.h"
#include "sites.h"
#include "strbuf.h"
#include "units.h"

/* Per finding, the service's functions on its stack (NULL-terminated). */
struct funcs {
	const char **v;
	size_t n;
};

static const char *dup(struct joint_report *r, const char *s)
{
	return arena_strndup(&r->arena, s, strlen(s));
}

static const char *fmt(struct joint_report *r, const char *f, ...)
	__attribute__((format(printf, 2, 3)));

static const char *fmt(struct joint_report *r, const char *f, ...)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s;
	va_list ap;

	va_start(ap, f);
	strbuf_vaddf(&sb, f, ap);
	va_end(ap);
	s = arena_strndup(&r->arena, sb.buf, sb.len);
	strbuf_release(&sb);
	return s;
}

const char *joint_quote_regex(struct arena *a, const char *func)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s, *out;

	strbuf_addstr(&sb, "'^");
	for (s = func; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(&sb, "'\\''");
		else {
			if (strchr(".[]()*+?{}|^$\\", *s))
				strbuf_addch(&sb, '\\');
			strbuf_addch(&sb, *s);
		}
	}
	strbuf_addstr(&sb, "$'");
	out = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return out;
}

static const char *label(char *buf, int64_t v, const char *unit, bool sign)
{
	return diff_format_value(buf, v, unit, sign);
}

static int add_func(struct joint_report *r, struct funcs *f, const char *fn)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(f->v[i], fn))
			return 0;
	if (!(f->n & (f->n + 1)) || f->n == 0) {
		/* grow at 0, 1, 3, 7, ...: sizes 2, 4, 8, ... */
		const char **nv = arena_alloc(&r->arena, 2 * (f->n + 1) * sizeof(*nv));

		if (!nv)
			return -1;
		if (f->n)
			memcpy(nv, f->v, f->n * sizeof(*nv));
		f->v = nv;
	}
	/* the site table dies with its section: keep a copy */
	f->v[f->n] = dup(r, fn);
	return f->v[f->n++] ? 0 : -1;
}

static const char **kind_paths(struct joint_report *r, const struct snapshot_set *set,
			       enum snapshot_kind k, struct snapshot ***snaps,
			       size_t *n)
{
	const char **paths;
	size_t i;

	*n = snapshot_set_count(set, k);
	paths = arena_calloc(&r->arena, *n + 1, sizeof(*paths));
	*snaps = arena_calloc(&r->arena, *n + 1, sizeof(**snaps));
	if (!paths || !*snaps)
		return NULL;
	*n = 0;
	for (i = 0; i < set->n; i++)
		if (set->snaps[i]->kind == k) {
			(*snaps)[*n] = set->snaps[i];
			paths[(*n)++] = set->snaps[i]->path;
		}
	return paths;
}

/* "leak suspect: +5 goroutines (3 -> 8) in chan receive; all 3 of the
 * first snapshot still there" and the like. */
static const char *goroutine_verdict(struct joint_report *r,
				     const struct joint_finding *f,
				     const struct trend_row *row, size_t n)
{
	int64_t first = row->values[0], last = row->values[n - 1];
	bool kept = f->persistent >= 0 && first > 0 && f->persistent * 10 >= first * 9;
	const char *what, *amount, *stay = "";

	if (n == 2)
		what = kept ? "leak suspect" : first == 0 ? "new" : "grew";
	else
		what = row->ups == n - 1 ? "leak" : "growing";
	if (n == 2)
		amount = fmt(r, "%+" PRId64 " goroutine%s", row->growth,
			     row->growth == 1 ? "" : "s");
	else
		amount = fmt(r, "%+" PRId64 " goroutines per snapshot, at %zu of %zu steps",
			     (int64_t)llround(row->slope), row->ups, n - 1);
	if (f->persistent >= 0 && first > 0)
		stay = f->persistent >= first
		       ? fmt(r, "; all %" PRId64 " of the first snapshot still there (stuck since then)", first)
		       : fmt(r, "; %" PRId64 " of the first snapshot's %" PRId64 " still there",
			     f->persistent, first);
	if (!amount || !stay)
		return NULL;
	return fmt(r, "%s: %s (%" PRId64 " -> %" PRId64 ")%s%s%s", what, amount,
		   first, last, *f->state ? " in " : "", f->state, stay);
}

/* The growth section of kind k (heap or goroutine). */
static int growth_section(struct joint_report *r, enum snapshot_kind k,
			  const struct joint_options *o, struct joint_section *sec,
			  struct funcs **funcs, struct ls_error *err)
{
	const struct snapshot_set *set = r->set;
	struct snapshot **snaps;
	struct site_table t;
	struct trend tr;
	struct trend_noise nz = { 0, false };
	struct graph_options go;
	struct filter_options fo;
	char a[UNITS_LABEL_MAX + 1], b[UNITS_LABEL_MAX + 1], c[UNITS_LABEL_MAX + 1];
	size_t n, i, j, kk;
	bool ids = true;
	int rc = -1, failed = 0;

	sec->kind = snapshot_kind_name(k);
	sec->note = "";
	sec->method = "none";
	sec->paths = kind_paths(r, set, k, &snaps, &n);
	if (!sec->paths)
		return ls_error_set(err, "out of memory");
	sec->nsnapshots = n;
	if (k == SNAP_GOROUTINE) {
		sec->sample_type.type = "goroutine";
		sec->sample_type.unit = "count";
	} else {
		sec->sample_type.type = "inuse_space";
		sec->sample_type.unit = "bytes";
	}
	if (n < 2) {
		sec->note = n ? fmt(r, "one %s snapshot: nothing to compare", sec->kind)
			      : fmt(r, "no %s snapshot", sec->kind);
		return sec->note ? 0 : ls_error_set(err, "out of memory");
	}
	sec->method = n == 2 ? "diff" : "trend";
	graph_options_init(&go);
	go.node_fraction = go.edge_fraction = 0;
	filter_options_init(&fo);
	fo.prune = true;
	if (sites_init(&t, n) < 0)
		return ls_error_set(err, "out of memory");
	memset(&tr, 0, sizeof(tr));
	for (i = 0; i < n; i++) {
		ls_error_init(err, snaps[i]->path);
		if (k == SNAP_GOROUTINE) {
			ids &= snaps[i]->has_ids;
			if (sites_add_groups(&t, i, &snaps[i]->groups, err) < 0)
				goto out;
			continue;
		}
		go.sample_index = profile_sample_index(&snaps[i]->prof, "inuse_space", NULL);
		if (go.sample_index < 0) {
			ls_error_set(err, "has no inuse_space sample type");
			goto out;
		}
		if (sites_add_profile(&t, i, &snaps[i]->prof, &fo, &go, err) < 0)
			goto out;
		sec->sample_type = snaps[i]->prof.sample_types[go.sample_index];
		nz.period = snaps[i]->prof.period;
		nz.bytes = !strcmp(sec->sample_type.unit, "bytes");
	}
	ls_error_init(err, NULL);
	if (sites_blame(&t, 0, n - 1, o->user, err) < 0 ||
	    trend_compute(&tr, &t, false, &nz, err) < 0)
		goto out;
	sec->findings = arena_calloc(&r->arena, tr.nrows + 1, sizeof(*sec->findings));
	*funcs = arena_calloc(&r->arena, tr.nrows + 1, sizeof(**funcs));
	if (!sec->findings || !*funcs)
		goto oom;
	for (i = 0; i < tr.nrows; i++) {
		const struct trend_row *row = &tr.rows[i];
		const struct site *s = row->site;
		struct joint_finding *f;
		struct funcs *fs;
		const char *focus, *unit = sec->sample_type.unit;

		if (row->cls != TREND_GROWING)
			continue;
		/* idle runtime and server goroutines come and go */
		if (s->group && s->group->benign)
			continue;
		if (o->limit && sec->nfindings == o->limit)
			break;
		fs = &(*funcs)[sec->nfindings];
		f = &sec->findings[sec->nfindings++];
		f->name = dup(r, s->name);
		f->user_frame = dup(r, s->user_frame);
		f->caller = dup(r, s->caller);
		f->path = dup(r, s->path);
		f->state = s->group ? dup(r, ggroup_state(s->group)) : "";
		f->nvalues = n;
		f->values = arena_alloc(&r->arena, n * sizeof(*f->values));
		if (!f->name || !f->user_frame || !f->caller || !f->path ||
		    !f->state || !f->values)
			goto oom;
		memcpy(f->values, row->values, n * sizeof(*f->values));
		f->growth = row->growth;
		f->slope = row->slope;
		f->cls = n == 2 ? "grew" : trend_class_name(row->cls);
		f->persistent = -1;
		focus = joint_quote_regex(&r->arena, *s->user_frame ? s->user_frame
					  : *s->func ? s->func : s->name);
		if (!focus)
			goto oom;
		if (k == SNAP_GOROUTINE) {
			const struct ggroup *g = s->group;

			if (ids)
				f->persistent = sites_persistent(s, 0, n - 1, &failed);
			for (kk = 0; g && kk < g->nframes; kk++)
				if (dump_func_is_user(o->user, g->frames[kk].func) &&
				    add_func(r, fs, g->frames[kk].func) < 0)
					goto oom;
			if (g && g->has_created_by &&
			    dump_func_is_user(o->user, g->created_by.func) &&
			    add_func(r, fs, g->created_by.func) < 0)
				goto oom;
			f->verdict = goroutine_verdict(r, f, row, n);
			f->command = fmt(r, "leakscope goroutines --focus=%s %s", focus,
					 snaps[n - 1]->path);
		} else {
			if (s->best_stack != SIZE_MAX) {
				const struct site_stack *st = t.stacks[s->best_stack];

				for (j = 0; j < st->n; j++)
					if (dump_func_is_user(o->user, t.list[st->ids[j]]->func) &&
					    add_func(r, fs, t.list[st->ids[j]]->func) < 0)
						goto oom;
			}
			if (n == 2)
				f->verdict = fmt(r, "grew by %s (%s -> %s)",
					label(a, row->growth, unit, true),
					label(b, row->values[0], unit, false),
					label(c, row->values[n - 1], unit, false));
			else if (row->ups == n - 1)
				f->verdict = fmt(r, "leak: grew at every step (%zu/%zu), %s per snapshot (%s -> %s)",
					row->ups, n - 1,
					label(a, (int64_t)llround(row->slope), unit, true),
					label(b, row->values[0], unit, false),
					label(c, row->values[n - 1], unit, false));
			else
				f->verdict = fmt(r, "growing: grew at %zu of %zu steps, %s per snapshot (%s -> %s)",
					row->ups, n - 1,
					label(a, (int64_t)llround(row->slope), unit, true),
					label(b, row->values[0], unit, false),
					label(c, row->values[n - 1], unit, false));
			if (f->verdict && *s->user_frame)
				f->verdict = fmt(r, "%s; blame %s%s%s", f->verdict, s->user_frame,
						 *s->caller ? ", called from " : "", s->caller);
			else if (f->verdict)
				f->verdict = fmt(r, "%s; no frame of the service's own code on its stacks",
						 f->verdict);
			f->command = fmt(r, "leakscope diff --focus=%s %s %s", focus,
					 snaps[0]->path, snaps[n - 1]->path);
		}
		if (!f->verdict || !f->command || failed)
			goto oom;
	}
	rc = 0;
	goto out;
oom:
	ls_error_set(err, "out of memory");
out:
	trend_release(&tr);
	sites_release(&t);
	filter_options_release(&fo);
	return rc;
}

static int joint_both_build(struct joint_report *r, const struct funcs *hf,
			    const struct funcs *gf, struct ls_error *err)
{
	size_t i, j, a, b;

	r->both = arena_calloc(&r->arena, r->heap.nfindings * r->goroutine.nfindings + 1,
			       sizeof(*r->both));
	if (!r->both)
		return ls_error_set(err, "out of memory");
	for (i = 0; i < r->heap.nfindings; i++)
		for (a = 0; a < hf[i].n; a++) {
			const char *fn = hf[i].v[a];
			bool seen = false;

			for (j = 0; j < r->nboth && !seen; j++)
				seen = !strcmp(r->both[j].func, fn);
			for (j = 0; j < r->goroutine.nfindings && !seen; j++)
				for (b = 0; b < gf[j].n && !seen; b++) {
					struct joint_both *x;

					if (strcmp(gf[j].v[b], fn))
						continue;
					seen = true;
					x = &r->both[r->nboth++];
					x->func = fn;
					x->heap = &r->heap.findings[i];
					x->goroutine = &r->goroutine.findings[j];
					x->verdict = fmt(r, "%s is on a growing heap stack (%s) and on a growing goroutine stack (%s): its goroutines likely hold the memory",
							 fn, x->heap->name, x->goroutine->name);
					x->command = fmt(r, "%s; %s", x->heap->command,
							 x->goroutine->command);
					if (!x->verdict || !x->command)
						return ls_error_set(err, "out of memory");
				}
		}
	return 0;
}

static int cmp_blame(const void *x, const void *y)
{
	const struct joint_blame *a = x, *b = y;

	if (a->value != b->value)
		return a->value > b->value ? -1 : 1;
	return strcmp(a->func, b->func);
}

static int contention(struct joint_report *r, const struct snapshot *s,
		      const struct joint_options *o, struct ls_error *err)
{
	struct joint_contention *c = &r->contention[r->ncontention];
	struct graph_options go;
	struct filter_options fo;
	struct site_table t;
	struct joint_blame *all;
	size_t *heaviest_stack, *heaviest_pos;
	int64_t *heaviest;
	size_t nall = 0, i, p;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	c->kind = s->kind_name;
	c->path = s->path;
	graph_options_init(&go);
	go.node_fraction = go.edge_fraction = 0;
	filter_options_init(&fo);
	fo.prune = true;
	ls_error_init(err, s->path);
	go.sample_index = profile_sample_index(&s->prof, "delay", NULL);
	if (go.sample_index < 0)
		go.sample_index = profile_default_sample_index(&s->prof);
	c->sample_type = s->prof.sample_types[go.sample_index];
	if (sites_init(&t, 1) < 0)
		return ls_error_set(err, "out of memory");
	if (sites_add_profile(&t, 0, &s->prof, &fo, &go, err) < 0)
		goto out;
	c->total = t.totals[0];
	all = arena_calloc(&r->arena, t.nstacks + 1, sizeof(*all));
	heaviest = calloc(t.nstacks + 1, sizeof(*heaviest));
	heaviest_stack = calloc(t.nstacks + 1, sizeof(*heaviest_stack));
	heaviest_pos = calloc(t.nstacks + 1, sizeof(*heaviest_pos));
	if (!all || !heaviest || !heaviest_stack || !heaviest_pos)
		goto oom2;
	for (i = 0; i < t.nstacks; i++) {
		const struct site_stack *st = t.stacks[i];
		const char *fn;
		size_t k;

		if (!st->n || !st->values[0])
			continue;
		for (p = 0; p < st->n; p++)
			if (dump_func_is_user(o->user, t.list[st->ids[p]]->func))
				break;
		if (p == st->n)
			p = 0;
		fn = t.list[st->ids[p]]->name;
		for (k = 0; k < nall && strcmp(all[k].func, fn); k++)
			;
		if (k == nall) {
			all[k].func = dup(r, fn);
			if (!all[k].func)
				goto oom2;
			nall++;
		}
		all[k].value += st->values[0];
		if (st->values[0] > heaviest[k]) {
			heaviest[k] = st->values[0];
			heaviest_stack[k] = i;
			heaviest_pos[k] = p;
		}
	}
	for (i = 0; i < nall; i++) {
		const struct site_stack *st = t.stacks[heaviest_stack[i]];
		struct strbuf sb = STRBUF_INIT;

		for (p = heaviest_pos[i] + 1; p-- > 0; )
			strbuf_addf(&sb, "%s%s", p == heaviest_pos[i] ? "" : " -> ",
				    t.list[st->ids[p]]->name);
		all[i].path = arena_strndup(&r->arena, sb.buf, sb.len);
		strbuf_release(&sb);
		if (!all[i].path)
			goto oom2;
		all[i].share = c->total ? (double)all[i].value / (double)c->total : 0;
	}
	qsort(all, nall, sizeof(*all), cmp_blame);
	c->top = all;
	c->ntop = o->limit && o->limit < nall ? o->limit : nall;
	if (nall) {
		const char *focus = joint_quote_regex(&r->arena, all[0].func);

		c->verdict = fmt(r, "%.0f%% of the %s is under %s (%s)",
				 all[0].share * 100, c->sample_type.type, all[0].func,
				 all[0].path);
		c->command = focus ? fmt(r, "leakscope top --cum --sample-index=%s --focus=%s %s",
					 c->sample_type.type, focus, s->path) : NULL;
	} else {
		c->verdict = fmt(r, "no %s recorded", c->sample_type.type);
		c->command = "";
	}
	if (!c->verdict || !c->command)
		goto oom2;
	r->ncontention++;
	rc = 0;
	goto out2;
oom2:
	ls_error_set(err, "out of memory");
out2:
	free(heaviest);
	free(heaviest_stack);
	free(heaviest_pos);
out:
	sites_release(&t);
	filter_options_release(&fo);
	return rc;
}

int joint_build(struct joint_report *r, const struct snapshot_set *set,
		const struct joint_options *o, struct ls_error *err)
{
	struct funcs *hf = NULL, *gf = NULL;
	const struct snapshot *last[2] = { NULL, NULL };
	size_t i;

	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
	r->set = set;
	r->order = o->order ? o->order : "name";
	if (growth_section(r, SNAP_HEAP, o, &r->heap, &hf, err) < 0 ||
	    growth_section(r, SNAP_GOROUTINE, o, &r->goroutine, &gf, err) < 0)
		return -1;
	if (hf && gf && joint_both_build(r, hf, gf, err) < 0)
		return -1;
	for (i = 0; i < set->n; i++) {
		if (set->snaps[i]->kind == SNAP_MUTEX)
			last[0] = set->snaps[i];
		else if (set->snaps[i]->kind == SNAP_BLOCK)
			last[1] = set->snaps[i];
	}
	for (i = 0; i < 2; i++)
		if (last[i] && contention(r, last[i], o, err) < 0)
			return -1;
	return 0;
}

void joint_release(struct joint_report *r)
{
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
}
