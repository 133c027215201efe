/* profile.c - the model of one profile snapshot: stacks with values */
#include "profile.h"

#include "strbuf.h"

#include <errno.h>
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

int profile_sample_index(const struct profile *p, const char *name,
			 struct ls_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *no_inuse;
	size_t i;
	char *end;
	long n;

	if (p->nsample_types == 0)
		return ls_error_set(err, "profile has no samples");
	if (!name)
		return profile_default_sample_index(p);
	errno = 0;
	n = strtol(name, &end, 10);
	if (*name && !*end && !errno) {
		if (n < 0 || (size_t)n >= p->nsample_types)
			return ls_error_set(err, "sample_index %s is outside the range [0..%zu]",
					    name, p->nsample_types - 1);
		return (int)n;
	}
	no_inuse = strncmp(name, "inuse_", 6) ? name : name + 6;
	for (i = 0; i < p->nsample_types; i++)
		if (!strcmp(p->sample_types[i].type, name) ||
		    !strcmp(p->sample_types[i].type, no_inuse))
			return (int)i;
	for (i = 0; i < p->nsample_types; i++)
		strbuf_addf(&sb, "%s%s", i ? " " : "", p->sample_types[i].type);
	ls_error_set(err, "sample_index \"%s\" must be one of: [%s]", name, sb.buf);
	strbuf_release(&sb);
	return -1;
}

int profile_default_sample_index(const struct profile *p)
{
	size_t i;

	if (p->nsample_types == 0)
		return -1;
	for (i = 0; *p->default_sample_type && i < p->nsample_types; i++)
		if (strcmp(p->sample_types[i].type, p->default_sample_type) == 0)
			return (int)i;
	return (int)p->nsample_types - 1;
}
