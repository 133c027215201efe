/* joint.h - the joint leak report: findings over heap, goroutines and contention
 *
 * Operations only (no I/O): given the snapshots of one service, grouped by
 * kind and ordered, build findings with a one-line verdict each:
 *
 *   heap       three or more heap profiles: the trend of inuse_space
 *              (flat) per function; every site classed growing is a
 *              finding. Two: the diff; every site that grew beyond the
 *              noise floor (trend.h) is one.
 *   goroutine  the same over goroutine snapshots (counts per stack), with,
 *              when the dumps carry ids, how many of the first snapshot's
 *              members are still there in the last; groups that are normal
 *              while idle (goroutines.h: benign) are left out.
 * Verdicts start with "leak" (grew at every step of a trend), "growing"
 * (grew at most steps), "leak suspect" (a diff of dumps: grew and kept
 * its old members), "new" or "grew".
 *   joint      functions of the service's own code found both on the
 *              heaviest growing stack of a heap finding and on the stack
 *              (or created-by) of a goroutine finding: a closure that
 *              leaks a buffer and the goroutine that holds it.
 *   contention the last mutex and the last block profile: the delay blamed
 *              on the first frame of the service's own code of each stack
 *              (leaf first), largest first, with the heaviest path below.
 *
 * Allocs profiles (cumulative by nature) and CPU profiles are listed, not
 * analysed. Each finding carries the leakscope command that shows its
 * detail.
 *
 * Ownership: a joint_report owns everything in it (an arena and its
 * arrays); it borrows the snapshot set, which must outlive it.
 */
#ifndef LEAKSCOPE_JOINT_H
#define LEAKSCOPE_JOINT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "error.h"
#include "snapshot.h"
#include "trend.h"

struct joint_finding {
	const char *name;	/* site or group name */
	const char *user_frame;	/* "" when none */
	const char *caller;
	const char *path;
	const char *state;	/* goroutines: "" when unknown */
	int64_t *values;	/* nvalues of them */
	size_t nvalues;
	int64_t growth;		/* last - first */
	double slope;
	const char *cls;	/* trend class, or "grew" for a diff */
	int64_t persistent;	/* goroutines: -1 when unknown */
	const char *verdict;
	const char *command;
};

struct joint_section {
	const char *kind;		/* "heap", "goroutine" */
	const char *method;		/* "trend", "diff", "none" */
	struct value_type sample_type;
	size_t nsnapshots;
	const char **paths;
	struct joint_finding *findings;
	size_t nfindings;
	const char *note;		/* why nothing was analysed, or "" */
};

struct joint_both {
	const char *func;
	const struct joint_finding *heap, *goroutine;
	const char *verdict;
	const char *command;
};

struct joint_blame {
	const char *func;	/* first user frame, or the leaf when none */
	int64_t value;
	double share;		/* of the profile's total, 0..1 */
	const char *path;	/* func -> ... -> leaf, heaviest stack */
};

struct joint_contention {
	const char *kind;	/* "mutex", "block" */
	const char *path;	/* the profile */
	struct value_type sample_type;
	int64_t total;
	struct joint_blame *top;
	size_t ntop;
	const char *verdict;
	const char *command;
};

struct joint_report {
	struct arena arena;
	const struct snapshot_set *set;
	struct joint_section heap, goroutine;
	struct joint_both *both;
	size_t nboth;
	struct joint_contention contention[2];
	size_t ncontention;
	const char *order;	/* "name", "time", "given" */
};

struct joint_options {
	const regex_t *user;	/* NULL: package path rule */
	size_t limit;		/* most findings per section; 0 = all */
	const char *order;
};

/* Builds the report over set. 0 or -1 with err set. */
int joint_build(struct joint_report *r, const struct snapshot_set *set,
		const struct joint_options *o, struct ls_error *err);

void joint_release(struct joint_report *r);

/* A POSIX ERE matching exactly the function name (dots, brackets,
 * parentheses, stars escaped), shell-quoted with single quotes, in a. */
const char *joint_quote_regex(struct arena *a, const char *func);

/* --- writers (joint_write.c) --- */

/* color: ANSI colours (growing findings red, shrinking blue). */
int joint_write_text(FILE *fp, const struct joint_report *r, bool color);
/* json: {"order","snapshots","heap","goroutine","both","contention"}
 * (see leakscope(1)), written as it goes (json_stream.h). 0, or -1 once a
 * write to fp has failed. */
int joint_write_json(FILE *fp, const struct joint_report *r);

#endif
