/* diff.c - what changed between two snapshots: per-site deltas, ranked */
#include "diff.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "goconv.h"
#include "units.h"

static void compute_delta(struct diff_row *r)
{
	r->key = (double)r->delta;
}

static void compute_cum_delta(struct diff_row *r)
{
	r->key = (double)r->cum_delta;
}

static void compute_pct(struct diff_row *r)
{
	r->key = r->pct;
}

const struct diff_method diff_methods[] = {
	{ "delta", compute_delta },
	{ "cum-delta", compute_cum_delta },
	{ "pct", compute_pct },
	{ NULL, NULL },
};

static int cmp_by_key(const struct diff_row *a, const struct diff_row *b)
{
	if (a->key != b->key)
		return a->key > b->key ? -1 : 1;
	return 0;
}

static int cmp_key_then_cum(const struct diff_row *a, const struct diff_row *b)
{
	int c = cmp_by_key(a, b);

	if (c)
		return c;
	if (a->cum_delta != b->cum_delta)
		return a->cum_delta > b->cum_delta ? -1 : 1;
	return 0;
}

static int cmp_key_then_flat(const struct diff_row *a, const struct diff_row *b)
{
	int c = cmp_by_key(a, b);

	if (c)
		return c;
	if (a->delta != b->delta)
		return a->delta > b->delta ? -1 : 1;
	return 0;
}

const struct diff_sort_key diff_sort_keys[] = {
	{ "delta", "delta", cmp_key_then_cum },
	{ "cum-delta", "cum-delta", cmp_key_then_flat },
	{ "pct", "pct", cmp_key_then_flat },
	{ NULL, NULL, NULL },
};

const struct diff_method *diff_method_find(const char *name)
{
	size_t i;

	for (i = 0; diff_methods[i].name; i++)
		if (!strcmp(diff_methods[i].name, name))
			return &diff_methods[i];
	return NULL;
}

const struct diff_sort_key *diff_sort_key_find(const char *name)
{
	size_t i;

	for (i = 0; diff_sort_keys[i].name; i++)
		if (!strcmp(diff_sort_keys[i].name, name))
			return &diff_sort_keys[i];
	return NULL;
}

int diff_compute(struct diff *d, struct site_table *t,
		 const struct diff_method *m, bool has_ids, struct ls_error *err)
{
	size_t i;
	int failed = 0;

	memset(d, 0, sizeof(*d));
	d->sites = t;
	d->has_ids = has_ids && t->goroutines;
	d->base_total = t->totals[0];
	d->new_total = t->totals[1];
	d->rows = calloc(t->n + 1, sizeof(*d->rows));
	if (!d->rows)
		return ls_error_set(err, "out of memory");
	for (i = 0; i < t->n; i++) {
		struct site *s = t->list[i];
		struct diff_row *r;

		if (!s->flat[0] && !s->flat[1] && !s->cum[0] && !s->cum[1])
			continue;
		/* a profile site that did not change is not part of a diff
		 * (pprof shows none); a goroutine group that did not is
		 * shown: that it is stable is the news */
		if (!t->goroutines && s->flat[0] == s->flat[1] &&
		    s->cum[0] == s->cum[1])
			continue;
		r = &d->rows[d->nrows++];
		r->site = s;
		r->base = s->flat[0];
		r->new_ = s->flat[1];
		r->delta = r->new_ - r->base;
		r->cum_base = s->cum[0];
		r->cum_new = s->cum[1];
		r->cum_delta = r->cum_new - r->cum_base;
		r->status = !s->present[0] ? DIFF_NEW : !s->present[1] ? DIFF_GONE
			  : DIFF_CHANGED;
		/* the value the site is about: flat, or cum for a caller */
		if (r->base || r->new_)
			r->pct = r->base ? 100.0 * (double)r->delta / (double)llabs(r->base)
				 : r->delta > 0 ? INFINITY : r->delta < 0 ? -INFINITY : 0;
		else
			r->pct = r->cum_base ? 100.0 * (double)r->cum_delta /
					       (double)llabs(r->cum_base)
				 : r->cum_delta > 0 ? INFINITY
				 : r->cum_delta < 0 ? -INFINITY : 0;
		r->persistent = -1;
		if (d->has_ids) {
			r->persistent = sites_persistent(s, 0, 1, &failed);
			r->suspect = r->delta > 0 && r->base > 0 &&
				     r->persistent * 10 >= r->base * 9;
		}
		m->compute(r);
	}
	if (failed)
		return ls_error_set(err, "out of memory");
	return 0;
}

static const struct diff_sort_key *sort_key;

static int cmp_rows(const void *x, const void *y)
{
	const struct diff_row *a = x, *b = y;
	int c = sort_key->cmp(a, b);

	if (c)
		return c;
	c = strcmp(a->site->name, b->site->name);
	if (c)
		return c;
	return a->site->index < b->site->index ? -1 : a->site->index > b->site->index;
}

void diff_sort(struct diff *d, const struct diff_sort_key *key)
{
	sort_key = key;
	qsort(d->rows, d->nrows, sizeof(*d->rows), cmp_rows);
	sort_key = NULL;
}

void diff_release(struct diff *d)
{
	free(d->rows);
	memset(d, 0, sizeof(*d));
}

int diff_normalize(struct profile *new_, const struct profile *base,
		   struct ls_error *err)
{
	size_t n = new_->nsample_types, i, j;
	double *ratio;

	if (n != base->nsample_types)
		return ls_error_set(err, "cannot normalize: the profiles have different sample types");
	for (i = 0; i < n; i++)
		if (strcmp(new_->sample_types[i].type, base->sample_types[i].type) ||
		    strcmp(new_->sample_types[i].unit, base->sample_types[i].unit))
			return ls_error_set(err, "cannot normalize: sample types [%s/%s] and [%s/%s] differ",
					    base->sample_types[i].type, base->sample_types[i].unit,
					    new_->sample_types[i].type, new_->sample_types[i].unit);
	ratio = calloc(n + 1, sizeof(*ratio));
	if (!ratio)
		return ls_error_set(err, "out of memory");
	for (i = 0; i < n; i++) {
		int64_t b = 0, s = 0;

		for (j = 0; j < base->nsamples; j++)
			b += base->samples[j].values[i];
		for (j = 0; j < new_->nsamples; j++)
			s += new_->samples[j].values[i];
		ratio[i] = s ? (double)b / (double)s : 0.0;
	}
	for (i = 0; i < n && ratio[i] == 1.0; i++)
		;
	if (i < n) {
		size_t w = 0;

		for (j = 0; j < new_->nsamples; j++) {
			struct sample *sm = &new_->samples[j];
			bool keep = false;

			for (i = 0; i < n; i++) {
				if (ratio[i] != 1.0)
					sm->values[i] = go_f2i(round((double)sm->values[i] * ratio[i]));
				keep |= sm->values[i] != 0;
			}
			if (keep)
				new_->samples[w++] = *sm;
		}
		new_->nsamples = w;
	}
	free(ratio);
	return 0;
}

int growth_limit_parse(struct growth_limit *g, const char *s)
{
	static const struct { const char *name; double mult; } units[] = {
		{ "b", 1 }, { "kb", 1024.0 }, { "mb", 1048576.0 },
		{ "gb", 1073741824.0 }, { "tb", 1099511627776.0 },
		{ "kib", 1024.0 }, { "mib", 1048576.0 }, { "gib", 1073741824.0 },
		{ "tib", 1099511627776.0 }, { "k", 1024.0 }, { "m", 1048576.0 },
		{ "g", 1073741824.0 },
	};
	char *end;
	size_t i;

	memset(g, 0, sizeof(*g));
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	g->amount = strtod(s, &end);
	if (end == s || g->amount < 0 || !isfinite(g->amount))
		return -1;
	if (!*end) {
		g->set = true;
		return 0;
	}
	if (!strcmp(end, "%")) {
		g->set = g->percent = true;
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcasecmp(end, units[i].name)) {
			g->amount *= units[i].mult;
			g->set = g->bytes = true;
			return 0;
		}
	return -1;
}

bool growth_limit_fits(const struct growth_limit *g, const char *unit)
{
	if (!g->set || !g->bytes)
		return true;
	return !strcmp(unit, "bytes") || !strcmp(unit, "B");
}

bool growth_limit_exceeded(const struct growth_limit *g, int64_t base,
			   int64_t new_)
{
	double d = (double)new_ - (double)base;

	if (!g->set || d <= 0)
		return false;
	if (g->percent)
		return base <= 0 || 100.0 * d / (double)base > g->amount;
	return d > g->amount;
}
