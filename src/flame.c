/* flame.c - stacks merged into a flame graph's tree (no I/O) */
#include "flame.h"

#include <stdlib.h>
#include <string.h>

int flame_init(struct flame *f, bool diff)
{
	memset(f, 0, sizeof(*f));
	arena_init(&f->arena);
	f->diff = diff;
	f->cap = 256;
	f->nodes = calloc(f->cap, sizeof(*f->nodes));
	f->nslots = 512;
	f->slots = calloc(f->nslots, sizeof(*f->slots));
	if (!f->nodes || !f->slots) {
		flame_release(f);
		return -1;
	}
	f->nodes[0].name = "all";
	f->n = 1;
	return 0;
}

void flame_release(struct flame *f)
{
	free(f->nodes);
	free(f->slots);
	arena_release(&f->arena);
	memset(f, 0, sizeof(*f));
}

static uint64_t slot_hash(uint32_t parent, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ ((uint64_t)parent * 0x9e3779b97f4a7c15ULL);

	for (; *name; name++) {
		h ^= (unsigned char)*name;
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

static int grow_slots(struct flame *f)
{
	size_t n = f->nslots * 2, i;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return -1;
	for (i = 1; i < f->n; i++) {
		size_t j = slot_hash(f->nodes[i].parent, f->nodes[i].name) & (n - 1);

		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = (uint32_t)i;
	}
	free(f->slots);
	f->slots = s;
	f->nslots = n;
	return 0;
}

/* The child of parent named name, created when missing; 0 on failure. */
static uint32_t child(struct flame *f, uint32_t parent, const char *name,
		      uint8_t kind)
{
	size_t j;
	struct flame_node *nd;

	if (f->n * 2 >= f->nslots && grow_slots(f) < 0)
		return 0;
	j = slot_hash(parent, name) & (f->nslots - 1);
	while (f->slots[j]) {
		nd = &f->nodes[f->slots[j]];
		if (nd->parent == parent && !strcmp(nd->name, name))
			return f->slots[j];
		j = (j + 1) & (f->nslots - 1);
	}
	if (f->n == f->cap) {
		struct flame_node *m;

		if (f->cap > UINT32_MAX / 4)
			return 0;
		m = realloc(f->nodes, f->cap * 2 * sizeof(*m));
		if (!m)
			return 0;
		f->nodes = m;
		f->cap *= 2;
	}
	nd = &f->nodes[f->n];
	memset(nd, 0, sizeof(*nd));
	nd->name = arena_strndup(&f->arena, name, strlen(name));
	if (!nd->name)
		return 0;
	nd->parent = parent;
	nd->depth = f->nodes[parent].depth + 1;
	nd->kind = kind;
	if (nd->depth > f->max_depth)
		f->max_depth = nd->depth;
	f->slots[j] = (uint32_t)f->n;
	return (uint32_t)f->n++;
}

int flame_add(struct flame *f, const char *const *frames,
	      const uint8_t *kinds, size_t n, int64_t value, int64_t base)
{
	uint32_t at = 0;
	size_t i;

	if (!f->diff)
		base = 0;
	if (value == 0 && base == 0)
		return 0;
	f->nodes[0].value += value;
	f->nodes[0].base += base;
	for (i = 0; i < n; i++) {
		at = child(f, at, frames[i] ? frames[i] : "?",
			   kinds ? kinds[i] : FLAME_LIB);
		if (!at)
			return -1;
		f->nodes[at].value += value;
		f->nodes[at].base += base;
	}
	return 0;
}
