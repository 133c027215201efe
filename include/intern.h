/* intern.h - one copy of each distinct string, owned by an arena
 *
 * Ownership: the table's slots are heap memory released by
 * intern_release(); the strings themselves live in the arena given to
 * intern_init() and die with it. Two interned strings are equal exactly
 * when their pointers are equal.
 */
#ifndef LEAKSCOPE_INTERN_H
#define LEAKSCOPE_INTERN_H

#include <stddef.h>

#include "arena.h"

struct intern {
	struct arena *arena;
	const char **slots;	/* open addressing, NULL = empty */
	size_t cap;		/* power of two, or 0 */
	size_t count;
};

void intern_init(struct intern *t, struct arena *arena);
void intern_release(struct intern *t);

/* The interned copy of s[0..len), or NULL when out of memory.
 * "" is always interned as the same static empty string. */
const char *intern_str(struct intern *t, const char *s, size_t len);

#endif
