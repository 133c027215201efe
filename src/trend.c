/* trend.c - what keeps growing over three or more snapshots */
#include "trend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const class_names[] = {
	"growing", "plateau", "noise", "stable", "shrinking",
};

const char *trend_class_name(enum trend_class c)
{
	return class_names[c];
}

static int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

int64_t trend_noise_floor(const struct trend_noise *nz, int64_t a, int64_t b)
{
	double m = (double)(abs64(a) > abs64(b) ? abs64(a) : abs64(b));
	double f;

	if (nz->period <= 1)
		return 0;
	if (nz->bytes) {
		f = 2.0 * sqrt((double)nz->period * m);
		if (f >= 0x1p63)	/* a period and values near 2^63 */
			return INT64_MAX;
		return f > (double)nz->period ? (int64_t)ceil(f) : nz->period;
	}
	f = 2.0 * sqrt(m);
	return f > 1.0 ? (int64_t)ceil(f) : 1;
}

double trend_slope(const int64_t *values, size_t n)
{
	double mx = (double)(n - 1) / 2.0, my = 0, sxy = 0, sxx = 0;
	size_t i;

	if (n < 2)
		return 0;
	for (i = 0; i < n; i++)
		my += (double)values[i];
	my /= (double)n;
	for (i = 0; i < n; i++) {
		double dx = (double)i - mx;

		sxy += dx * ((double)values[i] - my);
		sxx += dx * dx;
	}
	return sxy / sxx;
}

void trend_classify(struct trend_row *row, const int64_t *values, size_t n,
		    const struct trend_noise *nz)
{
	int last = 0;	/* direction of the last step: 1, 0, -1 */
	bool all_equal = true;
	int64_t floor;
	size_t i;

	row->values = values;
	row->ups = row->downs = 0;
	row->slope = trend_slope(values, n);
	row->growth = n ? values[n - 1] - values[0] : 0;
	for (i = 0; i + 1 < n; i++) {
		int64_t d = values[i + 1] - values[i];
		int64_t f = trend_noise_floor(nz, values[i], values[i + 1]);

		all_equal &= d == 0;
		last = d > f ? 1 : d < -f ? -1 : 0;
		row->ups += last > 0;
		row->downs += last < 0;
	}
	floor = n ? trend_noise_floor(nz, values[0], values[n - 1]) : 0;
	/* rising at every step, beyond the floor in all: sampling jitter
	 * does not go one way n-1 times in a row */
	for (i = 0; i + 1 < n && values[i + 1] > values[i]; i++)
		;
	if (n > 1 && i + 1 == n && row->growth > floor) {
		row->ups = n - 1;
		row->downs = 0;
		last = 1;
	}
	if (all_equal)
		row->cls = TREND_STABLE;
	else if (row->ups > row->downs && row->growth > floor && last > 0)
		row->cls = TREND_GROWING;
	else if (row->ups > row->downs && row->growth > floor && last == 0)
		row->cls = TREND_PLATEAU;
	else if (row->downs > row->ups && row->growth < -floor)
		row->cls = TREND_SHRINKING;
	else
		row->cls = TREND_NOISE;
}

static int cmp_rows(const void *x, const void *y)
{
	const struct trend_row *a = x, *b = y;
	int c;

	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	if (a->slope != b->slope)
		return a->slope > b->slope ? -1 : 1;
	if (a->growth != b->growth)
		return a->growth > b->growth ? -1 : 1;
	c = strcmp(a->site->name, b->site->name);
	if (c)
		return c;
	return a->site->index < b->site->index ? -1 : a->site->index > b->site->index;
}

int trend_compute(struct trend *tr, struct site_table *t, bool cum,
		  const struct trend_noise *nz, struct ls_error *err)
{
	size_t i, k;

	memset(tr, 0, sizeof(*tr));
	tr->sites = t;
	tr->noise = *nz;
	tr->rows = calloc(t->n + 1, sizeof(*tr->rows));
	if (!tr->rows)
		return ls_error_set(err, "out of memory");
	for (i = 0; i < t->n; i++) {
		struct site *s = t->list[i];
		const int64_t *v = cum ? s->cum : s->flat;
		struct trend_row *r;

		for (k = 0; k < t->nsnap && !v[k]; k++)
			;
		if (k == t->nsnap)
			continue;
		r = &tr->rows[tr->nrows++];
		r->site = s;
		trend_classify(r, v, t->nsnap, nz);
	}
	qsort(tr->rows, tr->nrows, sizeof(*tr->rows), cmp_rows);
	return 0;
}

void trend_release(struct trend *tr)
{
	free(tr->rows);
	memset(tr, 0, sizeof(*tr));
}
