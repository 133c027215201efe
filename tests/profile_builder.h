/* profile_builder.h - build small profiles in code for unit tests
 *
 * As perf's tests/hists_link.c builds its fake samples: a profile with
 * room for TB_MAX of each thing, filled by tb_* calls that return indices.
 * Everything lives in the profile's arena.
 */
#ifndef LEAKSCOPE_TESTS_PROFILE_BUILDER_H
#define LEAKSCOPE_TESTS_PROFILE_BUILDER_H

#include <stdarg.h>
#include <string.h>

#include "profile.h"

#define TB_MAX 64

static inline const char *tb_str(struct profile *p, const char *s)
{
	return profile_intern(p, s, strlen(s));
}

/* A profile with n sample types given as "type", "unit" pairs. */
static inline void tb_init(struct profile *p, int n, ...)
{
	va_list ap;
	int i;

	profile_init(p);
	p->source = "test.pb.gz";
	p->sample_types = arena_calloc(&p->arena, (size_t)n, sizeof(*p->sample_types));
	p->functions = arena_calloc(&p->arena, TB_MAX, sizeof(*p->functions));
	p->locations = arena_calloc(&p->arena, TB_MAX, sizeof(*p->locations));
	p->mappings = arena_calloc(&p->arena, TB_MAX, sizeof(*p->mappings));
	p->samples = arena_calloc(&p->arena, TB_MAX, sizeof(*p->samples));
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		p->sample_types[i].type = tb_str(p, va_arg(ap, const char *));
		p->sample_types[i].unit = tb_str(p, va_arg(ap, const char *));
	}
	va_end(ap);
	p->nsample_types = (size_t)n;
}

static inline int tb_mapping(struct profile *p, const char *file)
{
	struct mapping *m = &p->mappings[p->nmappings];

	m->id = p->nmappings + 1;
	m->filename = tb_str(p, file);
	m->build_id = "";
	return (int)p->nmappings++;
}

static inline int tb_func(struct profile *p, const char *name, const char *file)
{
	struct function *f = &p->functions[p->nfunctions];

	f->id = p->nfunctions + 1;
	f->name = tb_str(p, name);
	f->system_name = f->name;
	f->filename = tb_str(p, file);
	return (int)p->nfunctions++;
}

/* A location at address in mapping (-1: none) with nlines lines given as
 * (function index, line) pairs, innermost first. */
static inline int tb_loc(struct profile *p, int mapping, uint64_t address,
			 int nlines, ...)
{
	struct location *l = &p->locations[p->nlocations];
	va_list ap;
	int i;

	l->id = p->nlocations + 1;
	l->address = address;
	l->mapping = mapping >= 0 ? &p->mappings[mapping] : NULL;
	l->lines = arena_calloc(&p->arena, (size_t)(nlines ? nlines : 1), sizeof(*l->lines));
	va_start(ap, nlines);
	for (i = 0; i < nlines; i++) {
		l->lines[i].function = &p->functions[va_arg(ap, int)];
		l->lines[i].line = va_arg(ap, int);
	}
	va_end(ap);
	l->nlines = (size_t)nlines;
	return (int)p->nlocations++;
}

/* A sample with the values in values[] (nsample_types of them) and a
 * stack of nlocs location indices, leaf first. */
static inline int tb_sample(struct profile *p, const int64_t *values,
			    int nlocs, ...)
{
	struct sample *s = &p->samples[p->nsamples];
	va_list ap;
	int i;

	s->values = arena_calloc(&p->arena, p->nsample_types, sizeof(*s->values));
	memcpy(s->values, values, p->nsample_types * sizeof(*s->values));
	/* narrow or wide as p->narrow says when the sample is added */
	s->stack = arena_calloc(&p->arena, (size_t)(nlocs ? nlocs : 1),
				stack_width(p->narrow));
	va_start(ap, nlocs);
	for (i = 0; i < nlocs; i++)
		stack_set(s->stack, p->narrow, (size_t)i, (uint32_t)va_arg(ap, int));
	va_end(ap);
	s->nlocations = (size_t)nlocs;
	s->labels = arena_calloc(&p->arena, 8, sizeof(*s->labels));
	return (int)p->nsamples++;
}

static inline void tb_label(struct profile *p, int sample, const char *key,
			    const char *str)
{
	struct sample *s = &p->samples[sample];
	struct label *l = &s->labels[s->nlabels++];

	l->key = tb_str(p, key);
	l->str = tb_str(p, str);
	l->unit = "";
}

static inline void tb_numlabel(struct profile *p, int sample, const char *key,
			       int64_t num, const char *unit)
{
	struct sample *s = &p->samples[sample];
	struct label *l = &s->labels[s->nlabels++];

	l->key = tb_str(p, key);
	l->str = NULL;
	l->num = num;
	l->unit = tb_str(p, unit);
}

#endif
