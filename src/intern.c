/* intern.c - one copy of each distinct string, owned by an arena */
#include "intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zalloc.h"

static const char empty[] = "";

void intern_init(struct intern *t, struct arena *arena)
{
	t->arena = arena;
	t->slots = NULL;
	t->cap = 0;
	t->count = 0;
	t->has_nul = false;
	t->shared = NULL;
}

void intern_release(struct intern *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = 0;
	t->count = 0;
	t->has_nul = false;
	t->shared = NULL;
}

struct intern_shared *intern_shared_new(void)
{
	struct intern_shared *sh = malloc(sizeof(*sh));

	if (!sh)
		return NULL;
	if (pthread_mutex_init(&sh->lock, NULL) != 0) {
		free(sh);
		return NULL;
	}
	arena_init(&sh->arena);
	intern_init(&sh->strings, &sh->arena);
	return sh;
}

void intern_shared_free(struct intern_shared *sh)
{
	if (!sh)
		return;
	intern_release(&sh->strings);
	arena_release(&sh->arena);
	pthread_mutex_destroy(&sh->lock);
	free(sh);
}

/* Sixteen bytes at a time in two independent lanes (FNV-1a byte by
 * byte was a third of the time of `leakscope goroutines`, and one lane
 * waits on its multiplies): multiply-xorshift per word, a final mix.
 * Only ever compared within one process, so byte order does not matter. */
static uint64_t hash(const char *s, size_t len)
{
	uint64_t a = 0x9E3779B97F4A7C15ULL ^ (uint64_t)len;
	uint64_t b = 0xC2B2AE3D27D4EB4FULL, w, v;

	while (len >= 16) {
		memcpy(&w, s, 8);
		memcpy(&v, s + 8, 8);
		a = (a ^ w) * 0xbf58476d1ce4e5b9ULL;
		b = (b ^ v) * 0x94d049bb133111ebULL;
		a ^= a >> 31;
		b ^= b >> 29;
		s += 16;
		len -= 16;
	}
	if (len >= 8) {
		memcpy(&w, s, 8);
		a = (a ^ w) * 0xbf58476d1ce4e5b9ULL;
		a ^= a >> 31;
		s += 8;
		len -= 8;
	}
	if (len) {
		w = 0;
		memcpy(&w, s, len);
		b = (b ^ w) * 0x94d049bb133111ebULL;
		b ^= b >> 29;
	}
	a = (a ^ (b * 0xff51afd7ed558ccdULL)) * 0xd6e8feb86659fd93ULL;
	return a ^ (a >> 32);
}

/* A slot keeps the hash's low half: the index is taken from it, so a
 * table of up to 2^32 slots grows without hashing any string again, and
 * a probe compares it (and the length) before it touches the string.
 * 16-byte slots, four to a cache line: the slot loads were where
 * `leakscope goroutines` waited. A string of 4 GiB or more keeps
 * UINT32_MAX as its length and is compared with strlen. */
static size_t home(uint64_t h, size_t cap)
{
	return (size_t)h & (cap - 1);
}

static int resize(struct intern *t, size_t cap)
{
	struct intern_slot *slots = zalloc(cap, sizeof(*slots));
	size_t i;

	if (!slots)
		return -1;
	for (i = 0; i < t->cap; i++) {
		const struct intern_slot *o = &t->slots[i];
		uint64_t h;
		size_t j;

		if (!o->s)
			continue;
		if (cap <= ((size_t)1 << 31) * 2)
			h = o->hash;
		else
			h = hash(o->s, strlen(o->s));
		j = home(h, cap);
		while (slots[j].s)
			j = (j + 1) & (cap - 1);
		slots[j] = *o;
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

int intern_reserve(struct intern *t, size_t n)
{
	size_t cap = t->cap ? t->cap : 256;

	while ((t->count + n) * 2 > cap)
		cap *= 2;
	return cap == t->cap ? 0 : resize(t, cap);
}

/* intern_str() of s[0..len), not empty, whose hash() is h. */
static const char *intern_hashed(struct intern *t, const char *s, size_t len,
				 uint64_t h)
{
	struct intern_slot *slot;
	uint32_t tag, tlen = len >= UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	size_t i;
	const char *copy;

	/* at most half full: short probe runs */
	if ((t->count + 1) * 2 > t->cap &&
	    resize(t, t->cap ? t->cap * 2 : 256) < 0)
		return NULL;
	tag = (uint32_t)h;
	i = home(h, t->cap);
	while ((slot = &t->slots[i])->s) {
		if (slot->hash == tag && slot->len == tlen &&
		    (tlen < UINT32_MAX || strnlen(slot->s, len + 1) == len) &&
		    memcmp(slot->s, s, len) == 0)
			return slot->s;
		i = (i + 1) & (t->cap - 1);
	}
	if (t->shared) {
		pthread_mutex_lock(&t->shared->lock);
		copy = intern_hashed(&t->shared->strings, s, len, h);
		pthread_mutex_unlock(&t->shared->lock);
	} else {
		copy = arena_strndup(t->arena, s, len);
	}
	if (!copy)
		return NULL;
	if (memchr(s, '\0', len))
		t->has_nul = true;
	slot->s = copy;
	slot->len = tlen;
	slot->hash = tag;
	t->count++;
	return copy;
}

const char *intern_str(struct intern *t, const char *s, size_t len)
{
	return len ? intern_hashed(t, s, len, hash(s, len)) : empty;
}
