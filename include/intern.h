/* intern.h - one copy of each distinct string, owned by an arena
 *
 * Ownership: the table's slots are heap memory released by
 * intern_release(); the strings themselves live in the arena given to
 * intern_init() and die with it. Two interned strings are equal exactly
 * when their pointers are equal.
 */
#ifndef LEAKSCOPE_INTERN_H
#define LEAKSCOPE_INTERN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* A slot keeps the string's hash and length beside it, so that a probe
 * compares two integers before it touches the string (bench/README.md). */
struct intern_slot {
	const char *s;		/* NULL = empty */
	uint32_t len;		/* UINT32_MAX: this long or longer */
	uint32_t hash;		/* the hash's low half */
};

struct intern_shared;

struct intern {
	struct arena *arena;
	struct intern_slot *slots;	/* open addressing */
	size_t cap;		/* power of two, or 0 */
	size_t count;
	/* a string with a NUL byte was interned: as a C string it reads
	 * shorter, and the same as another */
	bool has_nul;
	/* When set, a string new to this table is copied into the shared
	 * one (under its lock), not into arena: tables of several threads
	 * that share one give the same string the same address. */
	struct intern_shared *shared;
};

/* The one copy of each string for several threads' tables: its own
 * table and arena, and the lock that a table sharing it takes for a
 * string new to it (only then: what a table holds it finds alone). */
struct intern_shared {
	pthread_mutex_t lock;
	struct arena arena;
	struct intern strings;
};

void intern_init(struct intern *t, struct arena *arena);
void intern_release(struct intern *t);

/* A shared table, or NULL when out of memory; freed, with every string
 * in it, by intern_shared_free() once no table that shares it is used. */
struct intern_shared *intern_shared_new(void);
void intern_shared_free(struct intern_shared *sh);

/* Makes room for n more strings without rehashing (a hint: 0 on
 * success, -1 when out of memory; the table still works either way). */
int intern_reserve(struct intern *t, size_t n);

/* The interned copy of s[0..len), or NULL when out of memory.
 * "" is always interned as the same static empty string. Only one thread
 * at a time may use a table; tables sharing one intern_shared may be
 * used on several at once. */
const char *intern_str(struct intern *t, const char *s, size_t len);

#endif
