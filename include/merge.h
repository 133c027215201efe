/* merge.h - merge several profiles into one by summing, as pprof does
 *
 * pprof merges the files given on its command line with
 * measurement.ScaleProfiles (sample values converted to the finest common
 * unit when the units differ but are of one kind) and profile.Merge
 * (sample and period types must be equal, else "incompatible sample
 * types"; time is the earliest non-zero one, durations add up, the period
 * is the largest, comments are the union, default_sample_type and
 * drop/keep frames come from the first). Samples whose values are all zero
 * are dropped, as Merge drops them; identical stacks are not folded into
 * one sample (no figure depends on it).
 *
 * Ownership: the merged profile owns copies of the mappings, functions
 * (names and file names interned again in its own string table, so that
 * one name is one pointer across all the inputs), locations and samples;
 * sample labels are borrowed from the inputs, which must outlive it.
 */
#ifndef LEAKSCOPE_MERGE_H
#define LEAKSCOPE_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "profile.h"

/* Merges srcs[0..n) (n >= 1) into out, which must be initialised (it is
 * released first). 0 or -1 with err set: "incompatible sample types
 * [alloc_space/bytes] and [cpu/nanoseconds]" and the like. With one input
 * this is a copy that drops zero samples. */
int profile_merge(struct profile *out, struct profile *const *srcs, size_t n,
		  struct ls_error *err);

/* False when profile_merge() of srcs[0..n) would give back srcs[0]
 * itself: one profile with no sample whose values are all zero and no
 * comment twice. The caller may then use srcs[0] and skip the copy (its
 * strings are interned in their own table, equal all the same). */
bool profile_merge_needed(struct profile *const *srcs, size_t n);

#endif
