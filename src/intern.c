/* intern.c - one copy of each distinct string, owned by an arena */
#include "intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char empty[] = "";

void intern_init(struct intern *t, struct arena *arena)
{
	t->arena = arena;
	t->slots = NULL;
	t->cap = 0;
	t->count = 0;
}

void intern_release(struct intern *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = 0;
	t->count = 0;
}

static uint64_t hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	while (len--) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

static int grow(struct intern *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256, i;
	const char **slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (i = 0; i < t->cap; i++) {
		const char *s = t->slots[i];
		size_t j;

		if (!s)
			continue;
		j = hash(s, strlen(s)) & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = s;
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

const char *intern_str(struct intern *t, const char *s, size_t len)
{
	size_t i;
	char *copy;

	if (len == 0)
		return empty;
	if ((t->count + 1) * 4 > t->cap * 3 && grow(t) < 0)
		return NULL;
	i = hash(s, len) & (t->cap - 1);
	while (t->slots[i]) {
		const char *o = t->slots[i];

		if (strncmp(o, s, len) == 0 && o[len] == '\0')
			return o;
		i = (i + 1) & (t->cap - 1);
	}
	copy = arena_strndup(t->arena, s, len);
	if (!copy)
		return NULL;
	t->slots[i] = copy;
	t->count++;
	return copy;
}
