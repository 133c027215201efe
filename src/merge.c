/* merge.c - merge several profiles into one by summing, as pprof does */
#include "merge.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "goconv.h"
#include "strbuf.h"
#include "units.h"

static void describe_types(struct strbuf *sb, const struct profile *p)
{
	size_t i;

	strbuf_addch(sb, '[');
	for (i = 0; i < p->nsample_types; i++)
		strbuf_addf(sb, "%s%s/%s", i ? " " : "", p->sample_types[i].type,
			    p->sample_types[i].unit);
	strbuf_addch(sb, ']');
}

/* pprof's Profile.compatible, after ScaleProfiles has unified units. */
static int check_compatible(const struct profile *a, const struct profile *b,
			    const struct value_type *units,
			    struct ls_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	bool ok;

	if (strcmp(a->period_type.type, b->period_type.type) != 0 ||
	    (strcmp(a->period_type.unit, b->period_type.unit) != 0 &&
	     !units_compatible(a->period_type.type, a->period_type.unit,
			       b->period_type.type, b->period_type.unit))) {
		ls_error_set(err, "incompatible period types %s/%s and %s/%s",
			     a->period_type.type, a->period_type.unit,
			     b->period_type.type, b->period_type.unit);
		ls_error_subject(err, b->source);
		return -1;
	}
	ok = a->nsample_types == b->nsample_types;
	for (i = 0; ok && i < a->nsample_types; i++)
		ok = !strcmp(a->sample_types[i].type, b->sample_types[i].type) &&
		     (!strcmp(a->sample_types[i].unit, b->sample_types[i].unit) ||
		      units[i].unit != NULL);
	if (ok)
		return 0;
	strbuf_addstr(&sb, "incompatible sample types ");
	describe_types(&sb, a);
	strbuf_addstr(&sb, " and ");
	describe_types(&sb, b);
	ls_error_set(err, "%s", sb.buf);
	ls_error_subject(err, b->source);
	strbuf_release(&sb);
	return -1;
}

/* ScaleProfiles: the common unit of sample type i (the finest), or NULL
 * when the types are not compatible (Merge then refuses). */
static int common_units(struct value_type *units, struct profile *const *srcs,
			size_t n, struct ls_error *err)
{
	size_t i, j;

	for (i = 0; i < srcs[0]->nsample_types; i++) {
		const struct value_type *min = &srcs[0]->sample_types[i];

		units[i].type = min->type;
		units[i].unit = min->unit;
		for (j = 1; j < n; j++) {
			const struct value_type *t;
			const char *u;

			if (i >= srcs[j]->nsample_types) {
				ls_error_set(err, "inconsistent samples type count: %zu != %zu",
					     srcs[0]->nsample_types,
					     srcs[j]->nsample_types);
				ls_error_subject(err, srcs[j]->source);
				return -1;
			}
			t = &srcs[j]->sample_types[i];
			if (!units_compatible(min->type, min->unit, t->type, t->unit)) {
				units[i].unit = NULL;
				break;
			}
			if (units_scale(1, t->unit, min->unit, &u) < 1)
				min = t;
		}
		if (units[i].unit)
			units[i].unit = min->unit;
	}
	for (j = 1; j < n; j++)
		if (srcs[j]->nsample_types != srcs[0]->nsample_types) {
			ls_error_set(err, "inconsistent samples type count: %zu != %zu",
				     srcs[0]->nsample_types, srcs[j]->nsample_types);
			ls_error_subject(err, srcs[j]->source);
			return -1;
		}
	return 0;
}

static const char *copy_str(struct profile *out, const char *s)
{
	return profile_intern(out, s, strlen(s));
}

int profile_merge(struct profile *out, struct profile *const *srcs, size_t n,
		  struct ls_error *err)
{
	size_t nloc = 0, nfun = 0, nmap = 0, nsam = 0, ncom = 0;
	size_t i, j, k, lo = 0, fo = 0, mo = 0;
	struct value_type *units = NULL;
	double *ratio;
	const struct profile *first = srcs[0];

	profile_release(out);
	if (n == 0)
		return ls_error_set(err, "no profiles to merge");
	for (i = 0; i < n; i++) {
		nloc += srcs[i]->nlocations;
		nfun += srcs[i]->nfunctions;
		nmap += srcs[i]->nmappings;
		nsam += srcs[i]->nsamples;
		ncom += srcs[i]->ncomments;
	}
	units = arena_calloc(&out->arena, first->nsample_types + 1, sizeof(*units));
	ratio = arena_calloc(&out->arena, first->nsample_types + 1, sizeof(*ratio));
	if (!units || !ratio)
		goto oom;
	for (i = 1; i < n; i++) {
		const struct value_type *a = &first->period_type, *b = &srcs[i]->period_type;

		if ((*a->type || *a->unit) && (*b->type || *b->unit) &&
		    !units_compatible(a->type, a->unit, b->type, b->unit)) {
			ls_error_set(err, "incompatible period types %s/%s and %s/%s",
				     a->type, a->unit, b->type, b->unit);
			ls_error_subject(err, srcs[i]->source);
			goto fail;
		}
	}
	if (common_units(units, srcs, n, err) < 0)
		goto fail;
	for (i = 1; i < n; i++)
		if (check_compatible(first, srcs[i], units, err) < 0)
			goto fail;

	out->source = first->source;
	out->format = first->format;
	out->nsample_types = first->nsample_types;
	out->sample_types = arena_calloc(&out->arena, out->nsample_types + 1,
					 sizeof(*out->sample_types));
	out->mappings = arena_calloc(&out->arena, nmap + 1, sizeof(*out->mappings));
	out->functions = arena_calloc(&out->arena, nfun + 1, sizeof(*out->functions));
	if (nloc > PROFILE_LOCATIONS_MAX)
		goto oom;
	out->locations = arena_calloc(&out->arena, nloc + 1, sizeof(*out->locations));
	out->samples = arena_calloc(&out->arena, nsam + 1, sizeof(*out->samples));
	out->comments = arena_calloc(&out->arena, ncom + 1, sizeof(*out->comments));
	if (!out->sample_types || !out->mappings || !out->functions ||
	    !out->locations || !out->samples || !out->comments)
		goto oom;
	for (i = 0; i < out->nsample_types; i++) {
		out->sample_types[i].type = copy_str(out, first->sample_types[i].type);
		out->sample_types[i].unit = copy_str(out, units[i].unit ?
			units[i].unit : first->sample_types[i].unit);
	}
	out->period_type.type = copy_str(out, first->period_type.type);
	out->period_type.unit = copy_str(out, first->period_type.unit);
	out->drop_frames = copy_str(out, first->drop_frames);
	out->keep_frames = copy_str(out, first->keep_frames);
	out->doc_url = copy_str(out, first->doc_url);

	for (i = 0; i < n; i++) {
		const struct profile *s = srcs[i];
		bool scaled = false;

		if (out->time_nanos == 0 || s->time_nanos < out->time_nanos)
			out->time_nanos = s->time_nanos;
		out->duration_nanos += s->duration_nanos;
		if (out->period == 0 || out->period < s->period)
			out->period = s->period;
		for (j = 0; j < s->ncomments; j++) {
			for (k = 0; k < out->ncomments; k++)
				if (!strcmp(out->comments[k], s->comments[j]))
					break;
			if (k == out->ncomments)
				out->comments[out->ncomments++] = copy_str(out, s->comments[j]);
		}
		if (!*out->default_sample_type)
			out->default_sample_type = copy_str(out, s->default_sample_type);

		for (j = 0; j < s->nsample_types; j++) {
			const char *u;

			ratio[j] = 1;
			if (n > 1 && units[j].unit)
				ratio[j] = units_scale(1, s->sample_types[j].unit,
						       units[j].unit, &u);
			if (ratio[j] != 1)
				scaled = true;
		}

		for (j = 0; j < s->nmappings; j++) {
			struct mapping *m = &out->mappings[mo + j];

			*m = s->mappings[j];
			m->filename = copy_str(out, m->filename);
			m->build_id = copy_str(out, m->build_id);
		}
		for (j = 0; j < s->nfunctions; j++) {
			struct function *f = &out->functions[fo + j];

			*f = s->functions[j];
			f->name = copy_str(out, f->name);
			f->system_name = copy_str(out, f->system_name);
			f->filename = copy_str(out, f->filename);
		}
		for (j = 0; j < s->nlocations; j++) {
			struct location *l = &out->locations[lo + j];
			const struct location *sl = &s->locations[j];

			*l = *sl;
			if (sl->mapping)
				l->mapping = &out->mappings[mo + (size_t)(sl->mapping - s->mappings)];
			if (sl->nlines) {
				l->lines = arena_alloc(&out->arena, sl->nlines * sizeof(*l->lines));
				if (!l->lines)
					goto oom;
				for (k = 0; k < sl->nlines; k++) {
					l->lines[k] = sl->lines[k];
					if (sl->lines[k].function)
						l->lines[k].function = &out->functions[fo +
							(size_t)(sl->lines[k].function - s->functions)];
				}
			}
		}
		for (j = 0; j < s->nsamples; j++) {
			const struct sample *ss = &s->samples[j];
			struct sample *d = &out->samples[out->nsamples];
			uint32_t *stack;	/* wide: out->narrow is false */
			bool zero = true;

			d->values = arena_alloc(&out->arena, (s->nsample_types + 1) * sizeof(*d->values));
			d->stack = stack = arena_alloc(&out->arena, (ss->nlocations + 1) * sizeof(*stack));
			if (!d->values || !stack)
				goto oom;
			for (k = 0; k < s->nsample_types; k++) {
				d->values[k] = ss->values[k];
				if (scaled && ratio[k] != 1)
					d->values[k] = go_f2i(round((double)ss->values[k] * ratio[k]));
				if (d->values[k])
					zero = false;
			}
			if (zero)
				continue;
			for (k = 0; k < ss->nlocations; k++)
				stack[k] = (uint32_t)(lo + sample_location_index(s, ss, k));
			d->nlocations = ss->nlocations;
			d->labels = ss->labels;
			d->nlabels = ss->nlabels;
			out->nsamples++;
		}
		mo += s->nmappings;
		fo += s->nfunctions;
		lo += s->nlocations;
	}
	out->nmappings = mo;
	out->nfunctions = fo;
	out->nlocations = lo;
	return 0;
oom:
	ls_error_set(err, "out of memory");
fail:
	profile_release(out);
	return -1;
}

bool profile_merge_needed(struct profile *const *srcs, size_t n)
{
	const struct profile *p = srcs[0];
	size_t i, j;

	if (n != 1)
		return true;
	for (i = 0; i < p->nsamples; i++) {
		const int64_t *v = p->samples[i].values;

		for (j = 0; j < p->nsample_types && !v[j]; j++)
			;
		if (j == p->nsample_types)
			return true;
	}
	for (i = 0; i < p->ncomments; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(p->comments[i], p->comments[j]))
				return true;
	return false;
}
