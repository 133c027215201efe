/* arena.h - bump allocator that owns everything of one loaded snapshot
 *
 * Ownership: an arena owns every block it hands out; nothing allocated from
 * it is freed on its own. arena_release() frees all of it in one call and
 * leaves the arena empty and ready for reuse. Allocation failure is fatal
 * only in the sense that the functions return NULL: callers report it.
 */
#ifndef LEAKSCOPE_ARENA_H
#define LEAKSCOPE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;	/* current block, newest first */
	size_t used;			/* bytes handed out, for reports */
};

#define ARENA_INIT { NULL, 0 }

void arena_init(struct arena *a);

/* Frees every block. Safe on an initialised, empty arena. */
void arena_release(struct arena *a);

/* Forgets everything handed out but keeps the current block for what
 * comes next: a scratch arena reset after each small job stays in the
 * cache and costs no malloc. Pointers from before are invalid. */
void arena_reset(struct arena *a);

/* Moves every block of src into dst, which owns them from then on; src
 * is left empty. dst's current block stays current. */
void arena_adopt(struct arena *dst, struct arena *src);

/* size bytes aligned for any type, or NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t size);

/* Like arena_alloc, zero-filled; n * size is checked for overflow. */
void *arena_calloc(struct arena *a, size_t n, size_t size);

/* Gives back the end of p, the last thing a handed out (size bytes),
 * keeping its first keep bytes: for room asked for by an upper bound.
 * Does nothing when p is not the last thing handed out of a's current
 * block (a request too large for it got a block of its own). */
void arena_shrink(struct arena *a, void *p, size_t size, size_t keep);

/* A NUL-terminated copy of s[0..len), or NULL when out of memory. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

#endif
