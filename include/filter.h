/* filter.h - pprof's sample and frame filters, as a view over a profile
 *
 * The model is never modified: filtering produces a struct profile_view
 * that says, for each location of the profile (by index in p->locations),
 * which of its lines remain and whether the location is hidden altogether,
 * and, for each kept sample, which locations remain in its stack. The
 * graph (graph.h) and the writers read profiles through a view.
 *
 * What is applied, in pprof's order:
 *   1. drop_frames/keep_frames of the profile (pprof's Prune, done by
 *      pprof when it loads each file), when prune is set;
 *   2. --focus/--ignore (samples through a matching location kept/dropped),
 *      --hide (matching lines removed from locations), --show (only
 *      matching lines kept), as profile.FilterSamplesByName;
 *   3. --tagfocus/--tagignore, as profile.FilterSamplesByTag.
 * A name regex matches a line when it matches the function name or the
 * file name, or a location when it matches its mapping's file name.
 *
 * Regexes are POSIX extended (regcomp REG_EXTENDED|REG_NOSUB), unanchored
 * like Go's MatchString; pprof uses RE2 syntax, which differs in Perl
 * classes (\d, \w, \s), non-greedy operators and (?i) flags.
 *
 * Ownership: a view owns its arena; it borrows the profile, which must
 * outlive it. filter_options owns its compiled regexes (filter_options_
 * release frees them).
 */
#ifndef LEAKSCOPE_FILTER_H
#define LEAKSCOPE_FILTER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "profile.h"

/* A --tagfocus/--tagignore filter: key=regex[,regex...], or a numeric
 * range "N[unit]", "N[unit]:", ":N[unit]", "N[unit]:M[unit]". */
struct tag_filter {
	bool set;
	char *key;		/* NULL: any key */
	bool numeric;
	/* numeric range, as scaled values in unit (pprof's semantics) */
	int range_kind;		/* 0 equal, 1 >= lo, 2 <= lo, 3 lo..hi */
	double lo, hi;
	char unit[32];
	/* regexes */
	regex_t *res;
	size_t nres;
};

struct filter_options {
	bool prune;		/* apply the profile's drop_frames/keep_frames */
	regex_t *focus, *ignore, *hide, *show;	/* NULL when unset */
	struct tag_filter tagfocus, tagignore;
};

/* Zeroes o (nothing set, prune off). */
void filter_options_init(struct filter_options *o);
void filter_options_release(struct filter_options *o);

/* Compiles a name regex for option (e.g. "focus") into *out; 0 or -1 with
 * err set ("parsing focus regexp: ..."). */
int filter_compile_regex(regex_t **out, const char *option, const char *re,
			 struct ls_error *err);

/* Parses a --tagfocus/--tagignore value; 0 or -1 with err set. */
int filter_parse_tag(struct tag_filter *tf, const char *option,
		     const char *value, struct ls_error *err);

struct view_location {
	const struct line *lines;	/* lines left; may be the original */
	size_t nlines;
	bool hidden;			/* removed from every stack */
};

struct view_sample {
	const struct sample *sample;
	/* leaf first: p->locations indexes, as wide as the profile's
	 * (p->narrow); read them with view_location_index() */
	const void *stack;
	size_t nlocations;
};

struct profile_view {
	struct arena arena;
	const struct profile *profile;
	struct view_location *locs;	/* p->nlocations, by index */
	/* NULL while the view has every sample of the profile as it is: a
	 * copy would be 24 bytes a sample of memory first touched (a heap
	 * profile has some 10^5 samples). view_sample_at() reads either. */
	struct view_sample *samples;
	size_t nsamples;
	/* what matched, for pprof's "expression matched no samples" */
	bool focus_matched, ignore_matched, hide_matched, show_matched;
	bool tagfocus_matched, tagignore_matched;
};

/* Builds the view of p through o (NULL: everything). 0 or -1 (out of
 * memory, or a bad drop_frames regex) with err set. */
int filter_apply(struct profile_view *v, const struct profile *p,
		 const struct filter_options *o, struct ls_error *err);

void profile_view_release(struct profile_view *v);

/* Sample i of v. */
static inline struct view_sample
view_sample_at(const struct profile_view *v, size_t i)
{
	const struct sample *s;
	struct view_sample vs;

	if (v->samples)
		return v->samples[i];
	s = &v->profile->samples[i];
	vs.sample = s;
	vs.stack = s->stack;
	vs.nlocations = s->nlocations;
	return vs;
}

/* The index in p->locations of stack entry j of s, a sample of v. */
static inline uint32_t
view_location_index(const struct profile_view *v, const struct view_sample *s,
		    size_t j)
{
	return stack_index(s->stack, v->profile->narrow, j);
}

/* The location at stack index j of s, a sample of v. */
static inline const struct location *
view_location(const struct profile_view *v, const struct view_sample *s,
	      size_t j)
{
	return &v->profile->locations[view_location_index(v, s, j)];
}

/* pprof's tag range parser, exposed for tests: true when value is a
 * numeric range (and fills tf), false when it is to be read as regexes. */
bool filter_parse_range(struct tag_filter *tf, const char *value);

#endif
