/* trend.h - what keeps growing over three or more snapshots
 *
 * The second pass of a trend (the first is sites.h's match and link over
 * every snapshot): per site, its series of values (flat, or cum), the
 * least-squares slope per snapshot, how many steps grew and shrank beyond
 * the noise floor, and a class:
 *
 *   growing    the last step grew, more steps grew than shrank, and the
 *              whole series grew beyond the floor: a leak keeps growing.
 *              A series that rises at every step, by any amount, and in
 *              all by more than the floor counts every step as grown:
 *              sampled heap objects that stay in use stay sampled, and
 *              jitter does not go one way at every step
 *   plateau    more steps grew than shrank and the series grew beyond the
 *              floor, but the last step did not grow or shrink: it grew,
 *              then stopped (a cache warming up)
 *   shrinking  more steps shrank than grew and the series shrank beyond
 *              the floor
 *   stable     every value is the same
 *   noise      anything else: every change is within the floor, or ups
 *              and downs cancel out
 *
 * The noise floor of a step from a to b says how large a change sampling
 * alone can make. Goroutine counts are exact: the floor is 0. A heap
 * profile records an allocation with probability 1 - exp(-size/R), R the
 * sampling period (MemProfileRate, the profile's period), and scales it
 * back, so a site of S bytes is seen as about S/R samples of R bytes: a
 * Poisson count whose standard deviation is sqrt(S*R) bytes. The floor in
 * bytes is two standard deviations of the larger value, and never less
 * than one sample: max(R, 2*sqrt(R*max(|a|,|b|))). For counts (objects) of
 * a sampled profile it is max(1, 2*sqrt(max(|a|,|b|))). Profiles without a
 * sampling period (or with period 1) have floor 0.
 *
 * Rows are ranked by class (growing, plateau, noise, stable, shrinking),
 * then by slope, largest first.
 *
 * Ownership: a struct trend owns its rows; it borrows the site table.
 */
#ifndef LEAKSCOPE_TREND_H
#define LEAKSCOPE_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "profile.h"
#include "sites.h"

enum trend_class {
	TREND_GROWING = 0,
	TREND_PLATEAU,
	TREND_NOISE,
	TREND_STABLE,
	TREND_SHRINKING,
};

/* "growing", "plateau", "noise", "stable", "shrinking". */
const char *trend_class_name(enum trend_class c);

/* How sampling blurs the values: period 0 means exact values. */
struct trend_noise {
	int64_t period;		/* sampling period (bytes for heap) */
	bool bytes;		/* values are bytes (else counts) */
};

/* The noise floor of a step from a to b (see above). */
int64_t trend_noise_floor(const struct trend_noise *nz, int64_t a, int64_t b);

/* Least-squares slope of values[0..n) against 0..n-1. */
double trend_slope(const int64_t *values, size_t n);

struct trend_row {
	struct site *site;
	const int64_t *values;	/* t->nsnap of them */
	double slope;
	size_t ups, downs;	/* steps beyond the floor */
	int64_t growth;		/* last - first */
	enum trend_class cls;
};

/* Classifies values[0..n) into row (row->site untouched). */
void trend_classify(struct trend_row *row, const int64_t *values, size_t n,
		    const struct trend_noise *nz);

struct trend {
	struct site_table *sites;
	struct trend_row *rows;
	size_t nrows;
	struct trend_noise noise;
};

/* One row per site with a non-zero value somewhere, from its flat values
 * (or cum), classified and ranked. 0 or -1 (out of memory). */
int trend_compute(struct trend *tr, struct site_table *t, bool cum,
		  const struct trend_noise *nz, struct ls_error *err);

void trend_release(struct trend *tr);

/* --- writers (trend_write.c) --- */

struct trend_meta {
	const char *kind;
	struct value_type sample_type;
	const char *const *paths;	/* the snapshots, in order */
	size_t npaths;
	size_t limit;			/* most rows; 0 = all */
	bool utf8;			/* sparklines in ▁▂▃▄▅▆▇█, else ASCII */
	bool cum;
	bool color;			/* text: classes in colour */
};

/* A sparkline of values[0..n), scaled from their minimum to their
 * maximum, into buf (4 * n + 1 bytes); ASCII uses "_.-:=+*#". */
const char *trend_sparkline(char *buf, const int64_t *values, size_t n,
			    bool utf8);

/* Whether the locale is UTF-8, from the values of LC_ALL, LC_CTYPE and
 * LANG (NULL when unset): the first one set and not empty decides. */
bool trend_locale_utf8(const char *lc_all, const char *lc_ctype,
		       const char *lang);

/* text: the snapshots, then per row: class, slope per snapshot, steps
 * that grew, sparkline, first and last value, name; under growing and
 * plateau rows the user frame and path. */
int trend_write_text(FILE *fp, const struct trend *tr, const struct trend_meta *m);

/* json: {"kind","sample_type":{"type","unit"},"value","noise_period",
 * "snapshots":[...],"rows":[{"name","values":[...],"slope","steps_up",
 * "steps_down","growth","class","user_frame","caller","path"}]}, written
 * row by row as it goes (json_stream.h). 0, or -1 once a write to fp has
 * failed. */
int trend_write_json(FILE *fp, const struct trend *tr, const struct trend_meta *m);

#endif
