/* u64map.h - uint64 keys to array indexes: profile ids, addresses, hashes
 *
 * Open addressing with linear probing, or a direct table when the keys
 * are dense (u64map_reserve sees the largest key): profile.proto ids are
 * normally 1..N. Values are indexes below UINT32_MAX.
 *
 * Ownership: the map owns its tables; u64map_release frees them and
 * leaves the map empty and reusable. A zeroed struct (or U64MAP_INIT) is
 * an empty map.
 */
#ifndef LEAKSCOPE_U64MAP_H
#define LEAKSCOPE_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u64map {
	uint64_t *keys;		/* hash mode only */
	uint32_t *vals;		/* index + 1; 0 = empty */
	size_t cap;		/* direct: largest key + 1; hash: power of two */
	size_t count;
	bool direct;
};

#define U64MAP_INIT { NULL, NULL, 0, 0, false }

void u64map_init(struct u64map *m);
void u64map_release(struct u64map *m);

/* Prepares for n keys of which the largest is max_key: a direct table
 * when the keys are dense enough (max_key < 4n + 64), else a hash table
 * for n keys without growing. Only on an empty map. 0, or -1 when out of
 * memory. */
int u64map_reserve(struct u64map *m, size_t n, uint64_t max_key);

/* The index stored for key in a hash table, or -1: u64map_get's slow
 * path. */
long u64map_probe(const struct u64map *m, uint64_t key);

/* The index stored for key, or -1. Inline: a profile's samples look up
 * every location id they hold, 13.8 million times in `diff` of the two
 * 300k-stack bench profiles, and the ids are dense. */
static inline long u64map_get(const struct u64map *m, uint64_t key)
{
	if (m->direct)
		return key < m->cap ? (long)m->vals[key] - 1 : -1;
	return u64map_probe(m, key);
}

/* Stores key -> index, replacing what was there. 0, or -1 when out of
 * memory (or key beyond a direct table, or index >= UINT32_MAX). */
int u64map_put(struct u64map *m, uint64_t key, size_t index);

/* Stores key -> index unless key is there already. 1 when added, 0 when
 * present (left unchanged), -1 as u64map_put. */
int u64map_add(struct u64map *m, uint64_t key, size_t index);

/* The finaliser of MurmurHash3: spreads the bits of x. */
uint64_t u64map_mix(uint64_t x);

#endif
