/* flame.h - a flame graph: stacks merged into a tree, drawn as SVG
 *
 * The model is the tree flamegraph.pl draws from folded stacks: node 0 is
 * the root ("all"), each other node is one frame under its parent, and
 * its value is the sum of the values of the stacks through it (its width).
 * A differential graph (diff set) also keeps each node's BASE value; the
 * width is NEW's value and the colour the change (difffolded.pl and
 * flamegraph.pl's convention: red grew, blue shrank, by magnitude).
 * Writers feed it the same stacks as their folded output (report_svg,
 * goroutines_write_svg, diff_write_svg); flame_write_svg draws it.
 *
 * Ownership: a flame owns its nodes and a copy of every name (its arena);
 * flame_release frees them. The options' strings are borrowed.
 */
#ifndef LEAKSCOPE_FLAME_H
#define LEAKSCOPE_FLAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"

/* What a frame is, for its colour. */
enum flame_kind {
	FLAME_LIB = 0,	/* standard library, runtime, dependencies: warm */
	FLAME_USER,	/* the service's own code: green */
	FLAME_STATE,	/* a goroutine's wait state, "[chan receive]": light blue */
};

struct flame_node {
	const char *name;
	int64_t value;		/* width: the values through this frame */
	int64_t base;		/* diff: BASE's values through it */
	uint32_t parent;
	uint32_t depth;		/* root 0 */
	uint8_t kind;		/* enum flame_kind */
};

struct flame {
	struct arena arena;
	struct flame_node *nodes;	/* nodes[0] is the root */
	size_t n, cap;
	uint32_t *slots;		/* (parent, name) -> node; 0 empty */
	size_t nslots;
	uint32_t max_depth;
	bool diff;
};

/* An empty graph (the root only); diff for a differential one. 0 or -1
 * (out of memory). */
int flame_init(struct flame *f, bool diff);
void flame_release(struct flame *f);

/* Adds one stack of n frames, root first, with its value (NEW's for a
 * diff) and base (BASE's; ignored unless diff). kinds may be NULL (all
 * FLAME_LIB). 0 or -1 (out of memory). */
int flame_add(struct flame *f, const char *const *frames,
	      const uint8_t *kinds, size_t n, int64_t value, int64_t base);

struct flame_svg_options {
	const char *title;	/* "Flame Graph" when NULL */
	const char *subtitle;	/* a line under the title, or NULL */
	const char *unit;	/* the values' unit ("bytes", "count", ...) */
	int width;		/* pixels; 1200 when 0 */
};

/* Writes f as a self-contained SVG (inline script and style, no network):
 * frames root at the bottom, widths by value, children in name order;
 * hover shows name, value and percent (details line and <title>), a click
 * zooms into a frame, "Search" (or Ctrl-F, or ?s=RE in the URL) highlights
 * the frames matching a regular expression and shows their share of the
 * total, "Reset Zoom" goes back. Frames under 0.1 pixel are left out.
 * Every name is XML-escaped (and invalid UTF-8 replaced). 0, or -1 when
 * writing failed. */
int flame_write_svg(FILE *fp, const struct flame *f,
		    const struct flame_svg_options *o);

/* Writes s XML-escaped for text and attribute values: &<>"' as entities,
 * control characters and invalid UTF-8 as U+FFFD. At most max characters
 * (code points) when max > 0, the last two replaced by "..". */
void flame_xml_escape(FILE *fp, const char *s, size_t max);

#endif
