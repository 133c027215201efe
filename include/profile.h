/* profile.h - the model of one profile snapshot: stacks with values
 *
 * Ownership: a struct profile owns everything reachable from it. All of it
 * (strings, functions, mappings, locations, samples, labels) lives in
 * p->arena and is freed by one profile_release(). Strings are interned in
 * p->strings: two equal strings of one profile are the same pointer, and no
 * string pointer is ever NULL ("" stands for "unset").
 *
 * Stacks are leaf first: profile_location(p, s, 0) is where the value was
 * recorded, and location->lines[0] is the innermost inlined function.
 * A stack holds indexes into p->locations, not pointers: 4 bytes instead
 * of 8, or 2 when the profile has at most PROFILE_NARROW_MAX locations,
 * for each of the ~25 frames of each of hundreds of thousands of
 * samples, and fresh memory is what a big profile costs most here (see
 * bench/README.md). sample_location_index() reads one, and
 * profile_location() turns it into the location.
 *
 * Every reader (profile.proto, legacy text heap, goroutine debug=1, ...) and
 * every goroutine-dump conversion produces this model, so operations and
 * writers never need to know where a profile came from.
 */
#ifndef LEAKSCOPE_PROFILE_H
#define LEAKSCOPE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "intern.h"

struct value_type {
	const char *type;	/* "inuse_space", "cpu", "goroutine", ... */
	const char *unit;	/* "bytes", "nanoseconds", "count", ... */
};

struct function {
	uint64_t id;
	const char *name;
	const char *system_name;
	const char *filename;
	int64_t start_line;
};

struct line {
	const struct function *function;	/* NULL when unknown */
	int64_t line;
	int64_t column;
};

struct mapping {
	uint64_t id;
	uint64_t memory_start;
	uint64_t memory_limit;
	uint64_t file_offset;
	const char *filename;
	const char *build_id;
	bool has_functions;
	bool has_filenames;
	bool has_line_numbers;
	bool has_inline_frames;
};

struct location {
	uint64_t id;
	const struct mapping *mapping;	/* NULL when unknown */
	uint64_t address;
	struct line *lines;		/* innermost inlined function first */
	size_t nlines;
	bool is_folded;
};

struct label {
	const char *key;
	const char *str;	/* NULL for a numeric label */
	int64_t num;
	const char *unit;	/* numeric labels only; "" when unset */
};

/* 32 bytes, the counts 32 bits (PROFILE_STACK_MAX): a heap profile has
 * some 10^5 samples, memory first touched. */
struct sample {
	void *stack;	/* leaf first: indexes into p->locations; read
			 * them with sample_location_index() */
	int64_t *values;			/* p->nsample_types of them */
	struct label *labels;
	uint32_t nlocations;
	uint32_t nlabels;
};

/* Where a profile came from, for headers and for format-specific rules. */
enum profile_format {
	PROFILE_PROTO = 0,	/* profile.proto, gzipped or raw */
	PROFILE_LEGACY_HEAP,	/* heap profile: ... (heap?debug=1) */
	PROFILE_LEGACY_CPU,	/* binary legacy CPU profile */
	PROFILE_LEGACY_CONTENTION,
	PROFILE_LEGACY_THREAD,
	PROFILE_LEGACY_JAVA,
	PROFILE_GOROUTINE_DEBUG1,	/* goroutine profile: total N */
	PROFILE_GOROUTINE_DUMP,		/* converted goroutine dump */
};

struct profile {
	struct arena arena;
	struct intern strings;
	const char *source;		/* the file it was read from */
	enum profile_format format;

	struct value_type *sample_types;
	size_t nsample_types;
	const char *default_sample_type;	/* "" when unset */

	struct sample *samples;
	size_t nsamples;

	struct location *locations;	/* in file order */
	size_t nlocations;
	bool narrow;	/* stack entries of 16 bits, not 32 (at most
			 * PROFILE_NARROW_MAX locations) */
	struct function *functions;
	size_t nfunctions;
	struct mapping *mappings;
	size_t nmappings;

	struct value_type period_type;
	int64_t period;
	int64_t time_nanos;
	int64_t duration_nanos;

	const char **comments;
	size_t ncomments;
	const char *drop_frames;
	const char *keep_frames;
	const char *doc_url;
};

/* Empty profile with an empty arena and string table. */
/* A profile of at most this many locations may keep its stacks in 16
 * bits an entry (p->narrow): a heap profile's stacks are most of its
 * memory, 6.9 million entries in the bench profile, whose 23,520
 * locations fit. Readers that make stacks of their own keep them wide. */
#define PROFILE_NARROW_MAX 65536

/* Entry j of a stack of 16-bit (narrow) or 32-bit entries. */
static inline uint32_t stack_index(const void *stack, bool narrow, size_t j)
{
	return narrow ? ((const uint16_t *)stack)[j] :
			((const uint32_t *)stack)[j];
}

/* Sets entry j of such a stack. */
static inline void stack_set(void *stack, bool narrow, size_t j,
			     uint32_t index)
{
	if (narrow)
		((uint16_t *)stack)[j] = (uint16_t)index;
	else
		((uint32_t *)stack)[j] = index;
}

/* Bytes an entry. */
static inline size_t stack_width(bool narrow)
{
	return narrow ? sizeof(uint16_t) : sizeof(uint32_t);
}

/* The index in p->locations of stack entry j of s, a sample of p. */
static inline uint32_t
sample_location_index(const struct profile *p, const struct sample *s,
		      size_t j)
{
	return stack_index(s->stack, p->narrow, j);
}

/* The location at stack index j of s, a sample of p. */
static inline const struct location *
profile_location(const struct profile *p, const struct sample *s, size_t j)
{
	return &p->locations[sample_location_index(p, s, j)];
}

/* A profile holds at most this many locations, so that a stack entry
 * fits in 32 bits; more is refused as a corrupt input would be. */
#define PROFILE_LOCATIONS_MAX UINT32_MAX

/* A sample holds at most this many locations, and as many labels, so
 * that its counts fit in 32 bits; readers refuse more. */
#define PROFILE_STACK_MAX UINT32_MAX

void profile_init(struct profile *p);

/* Frees everything the profile owns and leaves it initialised. */
void profile_release(struct profile *p);

/* Interned copy of s[0..len) in p's arena; NULL when out of memory. */
const char *profile_intern(struct profile *p, const char *s, size_t len);

/* The index of the sample type that name selects, as pprof's
 * --sample_index does (SampleIndexByName): a decimal index, a type name, or
 * a name with its "inuse_" prefix dropped ("space" for "inuse_space" in
 * legacy profiles); NULL selects profile_default_sample_index(). -1 with
 * err set (err may be NULL) when nothing matches. */
int profile_sample_index(const struct profile *p, const char *name,
			 struct ls_error *err);

/* The sample index pprof uses by default: default_sample_type if it names
 * one, else the last. -1 for a profile without sample types. */
int profile_default_sample_index(const struct profile *p);

#endif
