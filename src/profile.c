/* profile.c - the model of one profile snapshot: stacks with values */
#include "profile.h"

#include <stdlib.h>
#include <string.h>

void profile_init(struct profile *p)
{
	memset(p, 0, sizeof(*p));
	arena_init(&p->arena);
	intern_init(&p->strings, &p->arena);
	p->source = "";
	p->default_sample_type = "";
	p->period_type.type = "";
	p->period_type.unit = "";
	p->drop_frames = "";
	p->keep_frames = "";
	p->doc_url = "";
}

void profile_release(struct profile *p)
{
	intern_release(&p->strings);
	arena_release(&p->arena);
	profile_init(p);
}

const char *profile_intern(struct profile *p, const char *s, size_t len)
{
	return intern_str(&p->strings, s, len);
}

int profile_find_sample_type(const struct profile *p, const char *name)
{
	size_t i;
	char *end;
	long n;

	for (i = 0; i < p->nsample_types; i++)
		if (strcmp(p->sample_types[i].type, name) == 0)
			return (int)i;
	if (!*name)
		return -1;
	n = strtol(name, &end, 10);
	if (*end == '\0' && n >= 0 && (size_t)n < p->nsample_types)
		return (int)n;
	return -1;
}

int profile_default_sample_index(const struct profile *p)
{
	if (p->nsample_types == 0)
		return -1;
	if (*p->default_sample_type) {
		int i = profile_find_sample_type(p, p->default_sample_type);

		if (i >= 0)
			return i;
	}
	return (int)p->nsample_types - 1;
}
