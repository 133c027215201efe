/* snapshot.h - load any profile or goroutine dump as one snapshot, and sets of them
 *
 * A snapshot is one moment of one kind of data: a heap profile, an allocs
 * profile, a goroutine dump (debug=2 text or traceback; debug=1 text and
 * the goroutine profile protobuf load into the same goroutine groups), a
 * mutex or block profile, a CPU profile, or any other profile.
 *
 * The kind comes from the content, never the file name: a profile whose
 * sample types include "goroutine" is a goroutine snapshot; one with
 * inuse_space is a heap profile ("allocs" when its default sample type is
 * alloc_space); contentions/delay profiles are "mutex" when a sample's leaf
 * frame is an Unlock (the runtime records the unlocker), "block" otherwise;
 * cpu/nanoseconds is "cpu"; any other profile is named by its first sample
 * type.
 *
 * A snapshot set is what diff, trend and report take: files and
 * directories (a directory's regular files, sorted by name), loaded in the
 * order given. Files of one kind whose names share a stem (the base name
 * up to its first '.': goroutine_0.debug1.txt, goroutine_0.debug2.txt,
 * goroutine_0.pb.gz) are one moment written in several forms: the set keeps
 * one of them, the richest (debug=2 text, then protobuf, then other text).
 *
 * Ownership: a snapshot owns its profile, its dump parser (which owns the
 * frames its goroutine groups borrow) and its groups; snapshot_release()
 * frees them. A snapshot_set owns its snapshots and their paths.
 */
#ifndef LEAKSCOPE_SNAPSHOT_H
#define LEAKSCOPE_SNAPSHOT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dump.h"
#include "error.h"
#include "goroutines.h"
#include "profile.h"

enum snapshot_kind {
	SNAP_HEAP = 0,
	SNAP_ALLOCS,
	SNAP_GOROUTINE,
	SNAP_MUTEX,
	SNAP_BLOCK,
	SNAP_CPU,
	SNAP_OTHER,
	SNAP_NKINDS,
};

struct snapshot {
	char *path;			/* as given or found in a directory */
	enum snapshot_kind kind;
	const char *kind_name;		/* "heap", ..., or the first sample type */
	bool have_profile;		/* prof holds a loaded profile */
	struct profile prof;
	bool have_dump;			/* parser holds a parsed dump */
	struct dump_parser parser;
	bool have_groups;		/* goroutine kind */
	struct goroutine_groups groups;
	bool has_ids;			/* goroutine ids known (dump text) */
	int richness;			/* 2 dump text, 1 protobuf, 0 other */
	size_t ndumps;			/* dumps found in a text file */
};

/* The name of a kind ("heap", "allocs", "goroutine", "mutex", "block",
 * "cpu", "other"). */
const char *snapshot_kind_name(enum snapshot_kind k);

/* The kind named name, or -1. */
int snapshot_kind_parse(const char *name);

/* Loads path ("-" for stdin) into s. A file holding several goroutine
 * dumps gives its last one. Goroutines go through filter (NULL: all):
 * its per-goroutine conditions (focus, ignore, state, min_wait) apply to
 * every goroutine or goroutine profile sample, and its user regex (NULL:
 * the package path rule) decides the service's own frames when the
 * groups are ranked. 0 or -1 with err set (subject: the path). */
int snapshot_load(struct snapshot *s, const char *path,
		  const struct goroutine_filter *filter, struct ls_error *err);

/* The same, refusing input larger than max_input decompressed bytes
 * (--max-input-size; 0: INPUT_MAX_DEFAULT, UINT64_MAX: no limit). */
int snapshot_load_max(struct snapshot *s, const char *path,
		      const struct goroutine_filter *filter, uint64_t max_input,
		      struct ls_error *err);

void snapshot_release(struct snapshot *s);

/* The total of sample index si over every sample of a profile. */
int64_t snapshot_profile_total(const struct profile *p, int si);

struct snapshot_set {
	struct snapshot **snaps;	/* in snapshot order */
	size_t n, alloc;
	uint64_t max_input;		/* per file, as snapshot_load_max */
};

void snapshot_set_init(struct snapshot_set *set);
void snapshot_set_release(struct snapshot_set *set);

enum snapshot_order { SNAP_ORDER_GIVEN = 0, SNAP_ORDER_NAME, SNAP_ORDER_TIME };

/* The order --order=name names ("given", "name", "time"), or -1. */
int snapshot_order_parse(const char *name);

/* Loads every path (a directory: its files sorted by name), drops the
 * duplicate forms of one moment (see above), then orders the set: as
 * given (directories by name), by file name, or by the profile's time
 * (snapshots without one keep their place relative to each other, after
 * the timed ones of their kind). 0 or -1 with err set. */
int snapshot_set_load(struct snapshot_set *set, char *const *paths, size_t n,
		      enum snapshot_order order,
		      const struct goroutine_filter *filter, struct ls_error *err);

/* How many snapshots of kind k the set holds. */
size_t snapshot_set_count(const struct snapshot_set *set, enum snapshot_kind k);

/* The kind with the most snapshots (on a tie, the lower enum value). */
enum snapshot_kind snapshot_set_main_kind(const struct snapshot_set *set);

#endif
