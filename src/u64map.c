/* u64map.c - uint64 keys to array indexes: profile ids, addresses, hashes */
#include "u64map.h"

#include <stdlib.h>
#include <string.h>

#include "zalloc.h"

uint64_t u64map_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

void u64map_init(struct u64map *m)
{
	memset(m, 0, sizeof(*m));
}

void u64map_release(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* A hash table of cap slots (a power of two) holding m's entries. */
static int rehash(struct u64map *m, size_t cap)
{
	struct u64map n = U64MAP_INIT;
	size_t i;

	n.cap = cap;
	n.keys = zalloc(cap, sizeof(*n.keys));
	n.vals = zalloc(cap, sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		u64map_release(&n);
		return -1;
	}
	for (i = 0; i < m->cap; i++) {
		uint64_t key = m->direct ? i : (m->keys ? m->keys[i] : 0);
		size_t j;

		if (!m->vals[i])
			continue;
		for (j = u64map_mix(key) & (cap - 1); n.vals[j]; j = (j + 1) & (cap - 1))
			;
		n.keys[j] = key;
		n.vals[j] = m->vals[i];
		n.count++;
	}
	u64map_release(m);
	*m = n;
	return 0;
}

int u64map_reserve(struct u64map *m, size_t n, uint64_t max_key)
{
	size_t cap = 16;

	if (m->cap)
		return 0;
	if (max_key < (uint64_t)n * 4 + 64) {
		m->vals = zalloc((size_t)max_key + 1, sizeof(*m->vals));
		if (!m->vals)
			return -1;
		m->cap = (size_t)max_key + 1;
		m->direct = true;
		return 0;
	}
	while (cap < n * 2) {
		if (cap > SIZE_MAX / 4)
			return -1;
		cap <<= 1;
	}
	return rehash(m, cap);
}

long u64map_probe(const struct u64map *m, uint64_t key)
{
	size_t i;

	if (!m->cap)
		return -1;
	for (i = u64map_mix(key) & (m->cap - 1); m->vals[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return (long)m->vals[i] - 1;
	return -1;
}

static int store(struct u64map *m, uint64_t key, size_t index, bool replace)
{
	size_t i;

	if (index >= UINT32_MAX)
		return -1;
	if (m->direct) {
		if (key >= m->cap)
			return -1;
		if (m->vals[key] && !replace)
			return 0;
		m->count += !m->vals[key];
		m->vals[key] = (uint32_t)index + 1;
		return 1;
	}
	if ((m->count + 1) * 2 > m->cap && rehash(m, m->cap ? m->cap * 2 : 64) < 0)
		return -1;
	for (i = u64map_mix(key) & (m->cap - 1); m->vals[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key) {
			if (replace)
				m->vals[i] = (uint32_t)index + 1;
			return 0;
		}
	m->keys[i] = key;
	m->vals[i] = (uint32_t)index + 1;
	m->count++;
	return 1;
}

int u64map_put(struct u64map *m, uint64_t key, size_t index)
{
	return store(m, key, index, true) < 0 ? -1 : 0;
}

int u64map_add(struct u64map *m, uint64_t key, size_t index)
{
	return store(m, key, index, false);
}
