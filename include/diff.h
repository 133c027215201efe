/* diff.h - what changed between two snapshots: per-site deltas, ranked
 *
 * The second pass of a diff (the first is sites.h's match and link): for
 * every site of a two-snapshot table, compute base, new and delta of flat
 * and cum with a named compute method, mark sites new in NEW and gone from
 * it, and for goroutine stacks count the members present in both (same id,
 * same stack: persistent) and flag leak suspects. Rows are then ranked by
 * a named sort key. Both are tables looked up by name: --sort names a
 * sort key, and the key names the compute method it ranks by.
 *
 * A goroutine group is a leak suspect when it grows and keeps at least 90%
 * of its old members (persistent >= 0.9 * base): goroutines that piled up
 * and never left. Without ids (debug=1 or protobuf snapshots) persistence
 * is unknown and a growing group is only "growing".
 *
 * --normalize follows pprof: NEW's sample values are multiplied by
 * (sum of BASE's values / sum of NEW's values), per sample type, each
 * rounded to the nearest integer (half away from zero) and samples left
 * all zero dropped (profile.Normalize, ScaleN); see diff_normalize.
 *
 * Ownership: a struct diff owns its rows array; it borrows the site table.
 */
#ifndef LEAKSCOPE_DIFF_H
#define LEAKSCOPE_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "profile.h"
#include "sites.h"

enum diff_status {
	DIFF_CHANGED = 0,	/* in both */
	DIFF_NEW,		/* only in NEW */
	DIFF_GONE,		/* only in BASE */
};

struct diff_row {
	struct site *site;
	int64_t base, new_, delta;		/* flat (goroutines: count) */
	int64_t cum_base, cum_new, cum_delta;
	double pct;		/* delta / base * 100; +inf for new sites */
	double key;		/* what the compute method made, for sorting */
	enum diff_status status;
	int64_t persistent;	/* goroutines in both with the same id; -1
				 * when ids are unknown */
	bool suspect;		/* goroutine leak suspect */
};

struct diff {
	struct site_table *sites;
	struct diff_row *rows;
	size_t nrows;
	int64_t base_total, new_total;
	bool has_ids;		/* both goroutine snapshots have ids */
};

/* A compute method: fills row->key from the row's values. */
struct diff_method {
	const char *name;
	void (*compute)(struct diff_row *row);
};

/* A sort key: --sort=NAME, with the compute method it ranks by. */
struct diff_sort_key {
	const char *name;
	const char *method;
	int (*cmp)(const struct diff_row *a, const struct diff_row *b);
};

/* The named tables, NULL-name terminated. */
extern const struct diff_method diff_methods[];
extern const struct diff_sort_key diff_sort_keys[];

/* Entries by name, or NULL. */
const struct diff_method *diff_method_find(const char *name);
const struct diff_sort_key *diff_sort_key_find(const char *name);

/* Computes rows for table t (snapshots 0 = BASE, 1 = NEW): one per site
 * whose flat or cum is non-zero in either and, for profiles, changed
 * (goroutine groups that did not change are kept). has_ids says whether both
 * goroutine snapshots know their goroutines' ids. 0 or -1. */
int diff_compute(struct diff *d, struct site_table *t,
		 const struct diff_method *m, bool has_ids, struct ls_error *err);

/* Ranks the rows by key (ties: name). */
void diff_sort(struct diff *d, const struct diff_sort_key *key);

void diff_release(struct diff *d);

/* pprof's --normalize: scales new's values so that its per-type totals
 * equal base's. 0 or -1 when the sample types differ. */
int diff_normalize(struct profile *new_, const struct profile *base,
		   struct ls_error *err);

/* --fail-on-growth=AMOUNT: "10MB" (bytes, powers of 1024 as pprof prints
 * them: B, kB, MB, GB, TB; also KiB, MiB, ...), "100" (a plain count, in
 * the sample's own unit) or "25%" (relative to the base value). */
struct growth_limit {
	bool set;
	bool percent;
	bool bytes;		/* a byte unit was given */
	double amount;		/* bytes, count or percent */
};

/* Parses AMOUNT; 0 or -1 when malformed. */
int growth_limit_parse(struct growth_limit *g, const char *s);

/* Whether growing from base to new (in unit) is over the limit. A
 * percentage of a zero base is over any limit when new > 0. */
bool growth_limit_exceeded(const struct growth_limit *g, int64_t base,
			   int64_t new_);

/* Whether the limit can apply to values in unit ("10MB" needs bytes). */
bool growth_limit_fits(const struct growth_limit *g, const char *unit);

/* --- writers (diff_write.c) --- */

struct diff_meta {
	const char *kind;		/* "heap", "goroutine", ... */
	const char *base_path, *new_path;
	struct value_type sample_type;	/* goroutines: goroutine/count */
	size_t limit;			/* most rows; 0 = all */
	bool normalized;
	bool color;			/* text: red growth, blue shrink */
};

/* A value in unit with pprof's scaling ("1.50MB", "12", "3.20s"); with
 * sign, "+" for positive values. buf holds UNITS_LABEL_MAX + 1. */
const char *diff_format_value(char *buf, int64_t v, const char *unit, bool sign);

/* text: a header, then one row per site (delta, cum delta, base, new,
 * name, new/gone mark); under each growing site its user frame, caller
 * and path. Goroutines: base, new, delta, persistent, name, verdict. */
int diff_write_text(FILE *fp, const struct diff *d, const struct diff_meta *m);

/* json: {"kind","sample_type":{"type","unit"},"base":{"file","total"},
 * "new":{...},"normalized","rows":[{"name","base","new","delta",
 * "cum_base","cum_new","cum_delta","pct","status","user_frame","caller",
 * "path"}]} with exact integers; pct is null for new sites; goroutine
 * groups have no cum_* but "state","persistent","suspect","stack".
 * Written row by row as it goes (json_stream.h). 0, or -1 once a write
 * to fp has failed. */
int diff_write_json(FILE *fp, const struct diff *d, const struct diff_meta *m);

/* folded: "root;...;leaf BASE NEW" per distinct stack (goroutines: the
 * state as the leaf-most element), lines sorted, as FlameGraph's
 * difffolded.pl writes them for flamegraph.pl. */
int diff_write_folded(FILE *fp, const struct diff *d, const struct diff_meta *m);

/* svg: a differential flame graph (flame.h) of the folded stacks: widths
 * from NEW, colour from the change (red grew, blue shrank). */
int diff_write_svg(FILE *fp, const struct diff *d, const struct diff_meta *m);
#endif
