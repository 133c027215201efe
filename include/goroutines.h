/* goroutines.h - group goroutines by stack, spot benign ones, rank by stuck score
 *
 * Operations only: no I/O. Goroutines are added one at a time (straight
 * from the streaming parser, dump.h) and merged into groups whose stacks
 * are the same: function, file and line of every frame, and the created-by
 * function, file and line (arguments, +0x offsets and "in goroutine N"
 * ignored). A group keeps its count, states, wait range, locked count and
 * the ids of its members (delta-encoded varints), never the goroutines, so
 * memory follows the number of distinct stacks.
 *
 * Stuck score of a group (higher ranks first; benign groups always last):
 *     score = count * weight(state) * (1 + log2(1 + max wait in minutes))
 * weight: 10 for states that can never wake ("chan receive (nil chan)",
 * "chan send (nil chan)", "select (no cases)"); 1 for blocking waits
 * (chan receive/send, select, semacquire, sync.*, IO wait, ...); 0.5 for
 * sleep; 0.25 for running, runnable, syscall and anything else; 1 when
 * the state is unknown (debug=1 and protobuf goroutine profiles). For a
 * group of several states, the weight of its most common state.
 *
 * Ownership: frames, states and created-by strings are borrowed from the
 * caller (interned by the dump parser or a struct profile) and must outlive
 * the groups; everything else is owned by struct goroutine_groups.
 */
#ifndef LEAKSCOPE_GOROUTINES_H
#define LEAKSCOPE_GOROUTINES_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "dump.h"
#include "error.h"
#include "profile.h"
#include "strbuf.h"

#define GGROUP_MAX_STATES 8

struct ggroup_state {
	const char *state;
	uint64_t count;
};

struct ggroup {
	struct dump_frame *frames;	/* leaf first; args "" */
	size_t nframes;
	bool has_created_by;
	struct dump_frame created_by;
	uint64_t count;
	int64_t wait_min, wait_max;	/* minutes */
	uint64_t locked;
	uint64_t truncated;		/* members cut off by the end of input */
	unsigned flags;			/* union of GOROUTINE_* of members */
	struct ggroup_state states[GGROUP_MAX_STATES];
	size_t nstates;
	uint64_t other_states;		/* members beyond GGROUP_MAX_STATES */
	struct strbuf ids;		/* varint zigzag deltas */
	uint64_t last_id;
	const char *labels;		/* debug=1 "# labels: {...}", or "" */
	bool benign;
	double score;
	long user_frame;		/* index of the first user frame, or -1 */
	uint64_t hash;
	size_t seq;			/* order of first appearance */
	struct ggroup *next;		/* hash chain */
};

struct ggroup_hint {
	const struct dump_stack *stack;
	struct ggroup *group;
};

struct goroutine_groups {
	struct arena arena;		/* frames of groups */
	struct ggroup **table;
	size_t cap;
	struct ggroup **list;		/* in order of first appearance */
	size_t n, alloc;
	uint64_t total;			/* goroutines added */
	bool truncated;
	bool has_states;		/* false for debug=1 / protobuf input */
	/* goroutine.stack -> its group: a cache in front of the table
	 * that spares hashing the frames of a stack seen before */
	struct ggroup_hint *hints;
	size_t nhints;			/* power of two, or 0 */
};

/* Filters applied to each goroutine (and, for min_count and benign, to
 * groups). Regexes are POSIX extended, compiled by the caller; NULL for
 * none. */
struct goroutine_filter {
	int64_t min_wait;		/* minutes; 0 = none */
	const regex_t *state;		/* state must match */
	const regex_t *focus;		/* some frame function must match */
	const regex_t *ignore;		/* no frame function may match */
	const regex_t *user;		/* user code; NULL: package path rule */
	uint64_t min_count;
	bool hide_benign;
};

void goroutine_groups_init(struct goroutine_groups *gs);
void goroutine_groups_release(struct goroutine_groups *gs);

/* Empties the groups (a new dump begins) keeping the allocations' owner. */
void goroutine_groups_reset(struct goroutine_groups *gs);

/* True when g passes the per-goroutine filters. */
bool goroutine_filter_match(const struct goroutine_filter *f,
			    const struct goroutine *g);

/* Adds one goroutine. 0 or -1 (out of memory, err filled). */
int goroutine_groups_add(struct goroutine_groups *gs, const struct goroutine *g,
			 struct ls_error *err);

/* What `leakscope goroutines` keeps of a dump: the goroutines of one
 * dump (or all) that pass a filter, in groups. goroutine_sink_dump and
 * goroutine_sink_goroutine are the dump parser's callbacks (dump.h),
 * with the sink as their context. */
struct goroutine_sink {
	struct goroutine_groups *groups;
	const struct goroutine_filter *filter;
	long want_dump;			/* 1-based; 0 = the last; -1 = all */
	struct ls_error *err;
};

int goroutine_sink_dump(size_t index, void *ctx);
int goroutine_sink_goroutine(const struct goroutine *g, void *ctx);

/* Frees what only adding goroutines one by one (goroutine_groups_add)
 * needs, for a groups now merged or ranked instead: its cache of groups
 * by stack, 16 bytes a slot and two slots or more a group. Adding still
 * works, and makes the cache again. */
void goroutine_groups_trim(struct goroutine_groups *gs);

/* The strings of one parser's table (from) interned again in another's
 * (to) by goroutine_groups_merge(), by address, each once. from == to:
 * each string is its own. */
struct goroutine_str_map {
	struct intern *to;
	const struct intern *from;
	struct str_pair *slots;		/* goroutines.c */
	size_t cap, n;
};

void goroutine_str_map_init(struct goroutine_str_map *m, struct intern *to,
			    const struct intern *from);
void goroutine_str_map_release(struct goroutine_str_map *m);

/* Adds the groups of from (built from the goroutines that came after
 * into's in the same input) to into, as if its goroutines had been added
 * one by one: groups new to into come after into's, in from's order.
 * Strings are interned again through strings, from the table from's
 * come from to the one into's come from. When that is the same table
 * (from's strings are into's), the groups new to into are moved, not
 * copied: into then owns from's memory, and from is only fit for
 * goroutine_groups_reset() or _release(). 0; 1 when the result could
 * differ from adding one by one (a group of more than GGROUP_MAX_STATES
 * states): into is then partly merged; -1 out of memory (err filled). */
int goroutine_groups_merge(struct goroutine_groups *into,
			   struct goroutine_str_map *strings,
			   struct goroutine_groups *from,
			   struct ls_error *err);

/* Below this much input per thread, goroutines_parse_split() is not
 * worth it. */
#define GOROUTINES_SPLIT_MIN ((size_t)4 << 20)

/* A thread that has parsed its part of a split goes on with the end of
 * what is left of the part with the most left (when the threads share
 * their strings, as they do unless the caller's parser has some already:
 * any thread, of any part; else the caller's thread of any part, another
 * of a part after its own), when that is at least
 * this much (struct goroutines_split.steal_min): as much of it as makes
 * both threads end at once at the speeds they have had (a quarter to
 * three quarters). A CPU may run slower than another for seconds, and
 * the others would wait for it. */
#define GOROUTINES_STEAL_MIN ((size_t)3 << 20)

/* How goroutines_parse_split() parses its input. */
struct goroutines_split {
	unsigned nparts;	/* threads (workers.h), at most WORKERS_MAX */
	size_t max_line;	/* a longer line makes it return 1 */
	/* data is a private mapping of a file (input_map()), whose pages
	 * can be dropped once parsed to keep the resident size small;
	 * never for memory of the heap, which that would clear */
	bool mapped;
	size_t steal_min;	/* GOROUTINES_STEAL_MIN; SIZE_MAX: never */
};

/* Groups the whole plain-text input data[0..len) into sink, through p
 * (initialised with goroutine_sink_dump/goroutine_sink_goroutine and
 * sink), exactly as feeding it line by line through p and ending it
 * (dump_parse_rest) would: in up to how->nparts parts on as many
 * threads, split at goroutine headers (dump_split_point), each part
 * parsed and grouped on its own (and pieces of a part taken by a thread
 * done with its own, see GOROUTINES_STEAL_MIN), then merged in input
 * order. Parts must not see anything the split could get wrong: a part
 * after the first that starts another dump, has a preamble line or
 * repeats an id of the dump before it, a NUL byte in a function, file
 * or state (merged, strings are C strings), a line longer than how->max_line, an error
 * (out of memory) or a merge that could differ make it return 1 having
 * reset p and sink->groups, and so does an input too small to split:
 * the caller then parses serially. 0 when done. */
int goroutines_parse_split(struct dump_parser *p, struct goroutine_sink *sink,
			   const char *data, size_t len,
			   const struct goroutines_split *how);

/* Adds the samples of a goroutine profile (debug=1 text or protobuf,
 * sample type goroutine/count): each sample is a group of value members,
 * without states, waits or ids. Filters focus/ignore apply. 0 or -1. */
int goroutine_groups_add_profile(struct goroutine_groups *gs,
				 struct profile *p,
				 const struct goroutine_filter *f,
				 struct ls_error *err);

/* Marks benign groups, finds user frames, computes scores, drops groups
 * that fail min_count/hide_benign, and sorts: non-benign first, then by
 * score, count, leaf function (groups without frames after the ones
 * with), first appearance: a total order, the same on any number of
 * threads (from RANK_SPLIT_MIN groups on, parts are sorted on threads
 * and merged). */
void goroutine_groups_rank(struct goroutine_groups *gs,
			   const struct goroutine_filter *f);

/* The state to show for a group: its most common one ("" when unknown). */
const char *ggroup_state(const struct ggroup *g);

/* Decodes the member ids: calls fn(id, ctx) for each, in input order. */
void ggroup_each_id(const struct ggroup *g, void (*fn)(uint64_t id, void *ctx),
		    void *ctx);

/* The stuck-score weight of a state. */
double goroutine_state_weight(const char *state);

/* Whether a group's stack is one that is normal while idle. */
bool goroutine_is_benign(const struct dump_frame *frames, size_t nframes,
			 const struct dump_frame *created_by, const char *state);

/* Parses a duration such as "90s", "5m", "1h30m", "2h", "45" (minutes)
 * into whole minutes (rounded up). 0 or -1 if malformed or longer than
 * 2^63 minutes. */
int goroutine_parse_wait(const char *s, int64_t *minutes);

/* Converts the goroutine dump in data[0..len) into p (released first): a
 * goroutine profile (sample type goroutine/count, format
 * PROFILE_GOROUTINE_DUMP) with one sample per group of identical stacks,
 * so that profile commands (top, diff) work on dumps. dump is the 1-based
 * dump to take, 0 for the last. 0 or -1 with err filled. */
int goroutines_dump_to_profile(struct profile *p, const char *name,
			       const char *data, size_t len, size_t dump,
			       struct ls_error *err);

/* --- writers (goroutines_write.c) --- */

/* What the writers say about where the groups came from. */
struct goroutines_meta {
	const char *source;	/* file name, "stdin" for "-" */
	size_t dump;		/* 1-based index of the dump shown; 0 = all */
	size_t ndumps;		/* dumps found in the input */
	bool truncated;		/* the dump shown was cut off */
	const char *reason;	/* its first preamble line ("panic: ..."), or "" */
	size_t limit;		/* most groups to write; 0 = all */
	bool color;		/* text: ANSI colours for states, own frames */
	const regex_t *user;	/* the service's own code; NULL: path rule */
};

/* Human-readable report: one block per group, leaf frame first, the first
 * frame of the service's own code marked with '>'. 0, or -1 when out of
 * memory (write errors are the caller's: ferror). */
int goroutines_write_text(FILE *fp, const struct goroutine_groups *gs,
			  const struct goroutines_meta *m);

/* JSON: {"total","truncated","dumps","dump","groups":[...]} in that key
 * order (see leakscope(1)), written group by group as it goes
 * (json_stream.h). 0, or -1 once a write to fp has failed. */
int goroutines_write_json(FILE *fp, const struct goroutine_groups *gs,
			  const struct goroutines_meta *m);

/* Folded stacks: "root;...;leaf;[state] count" per group, lines sorted.
 * 0 or -1 when out of memory. */
int goroutines_write_folded(FILE *fp, const struct goroutine_groups *gs,
			    const struct goroutines_meta *m);

/* A flame graph (flame.h) of the folded stacks: the state as the
 * leaf-most box, the service's own functions in green. 0 or -1. */
int goroutines_write_svg(FILE *fp, const struct goroutine_groups *gs,
			 const struct goroutines_meta *m);

#endif
