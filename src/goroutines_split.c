/* goroutines_split.c - group one dump file on several threads, the same as on one */
#include "goroutines.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "input.h"
#include "workers.h"

/* A part drops the pages it has parsed after this many bytes: the input
 * is mapped, and mapped pages count in the resident size. */
#define SPLIT_STEP ((size_t)8 << 20)

/* A part looks for a NUL byte (which sends the input to the serial
 * parse) this many bytes ahead of the parser, not a whole step: the
 * bytes are still in the core's cache when the parser reads them.
 * 64 MiB bench dump, medians of 40 alternating runs: 43.9-44.8 ms with
 * the check a step ahead, 42.0-42.8 with it here, 41.0-41.9 with none. */
#define CHECK_STEP ((size_t)64 << 10)

struct part {
	struct dump_parser parser;	/* parts after the first */
	struct goroutine_groups groups;
	struct goroutine_sink sink;
	struct ls_error err;
	size_t start, end;
	atomic_size_t done;		/* bytes parsed, for progress */
	int r;
};

struct split {
	struct dump_parser *p;		/* part 0's */
	const char *data;
	size_t len, max_line;
	bool mapped;
	struct part parts[WORKERS_MAX];
	unsigned n;
};

static void drop_pages(const char *from, const char *to)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)from + page - 1) & ~(page - 1);
	uintptr_t b = (uintptr_t)to & ~(page - 1);

	/* best effort: only the resident size depends on it */
	if (b > a)
		(void)madvise((void *)a, b - a, MADV_DONTNEED);
}

static void report(struct split *s)
{
	uint64_t done = 0;
	unsigned i;

	for (i = 0; i < s->n; i++)
		done += atomic_load_explicit(&s->parts[i].done, memory_order_relaxed);
	input_progress(s->p->name, done, s->len, false);
}

/* The end of the line at least step bytes after pos, or end. */
static size_t step_end(const struct split *s, size_t pos, size_t end,
		       size_t step)
{
	const char *nl;

	if (end - pos <= step)
		return end;
	nl = memchr(s->data + pos + step, '\n', end - pos - step);
	return nl ? (size_t)(nl - s->data) + 1 : end;
}

/* Parses data[pos..end) (whole lines) with p: 0, 1 if it holds a NUL
 * byte or a line too long, -1 with err set. */
static int parse_checked(struct split *s, struct dump_parser *p, size_t pos,
			 size_t end, struct ls_error *err)
{
	while (pos < end) {
		size_t stop = step_end(s, pos, end, CHECK_STEP);
		int r;

		if (memchr(s->data + pos, '\0', stop - pos))
			return 1;
		r = dump_parse_lines(p, s->data + pos, stop - pos, s->max_line, err);
		if (r)
			return r;
		pos = stop;
	}
	return 0;
}

static void parse_part(void *arg, unsigned i)
{
	struct split *s = arg;
	struct part *t = &s->parts[i];
	struct dump_parser *p = i ? &t->parser : s->p;
	size_t pos = t->start;

	while (pos < t->end) {
		size_t stop = step_end(s, pos, t->end, SPLIT_STEP);

		t->r = parse_checked(s, p, pos, stop, &t->err);
		if (t->r)
			return;
		if (s->mapped)
			drop_pages(s->data + pos, s->data + stop);
		atomic_store_explicit(&t->done, stop - t->start, memory_order_relaxed);
		pos = stop;
		if (i == 0 && input_progress)	/* on the caller's thread */
			report(s);
	}
	if (i + 1 == s->n)
		t->r = dump_parser_end(p, s->len, &t->err) < 0 ? -1 : 0;
}

/* Joins the parts after the first into part 0's parser and groups, or
 * says (1) that the split could have changed the answer. */
static int join(struct split *s, struct goroutine_sink *sink)
{
	struct dump_parser *p = s->p;
	struct dump_info *d;
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (s->parts[i].r)
			return 1;
	if (!p->ndumps)
		return 1;
	d = &p->dumps[p->ndumps - 1];
	for (i = 1; i < s->n; i++) {
		struct part *t = &s->parts[i];
		const struct dump_info *td = &t->parser.dumps[0];

		/* one dump, no preamble, no id of the dump before it: what
		 * the serial parse would have taken as the same dump */
		if (t->parser.ndumps != 1 || td->npreamble ||
		    dump_idset_merge(p->ids, t->parser.ids) != 0)
			return 1;
		d->ngoroutines += td->ngoroutines;
		d->truncated |= td->truncated;
		p->total += t->parser.total;
		p->lineno += t->parser.lineno;
		/* its goroutines are in the input's last dump so far */
		if (sink->want_dump <= 0 || sink->want_dump == (long)p->ndumps) {
			if (goroutine_groups_merge(sink->groups, &p->strings,
						   &t->groups, sink->err) != 0)
				return 1;
		}
	}
	return 0;
}

int goroutines_parse_split(struct dump_parser *p, struct goroutine_sink *sink,
			   const char *data, size_t len, bool mapped,
			   size_t max_line, unsigned n)
{
	struct split s;
	unsigned i;
	size_t at = 0;
	int r;

	if (n > WORKERS_MAX)
		n = WORKERS_MAX;
	memset(&s, 0, sizeof(s));
	s.p = p;
	s.data = data;
	s.len = len;
	s.max_line = max_line;
	s.mapped = mapped;
	for (i = 0; i < n && at < len; i++) {
		struct part *t = &s.parts[s.n++];

		atomic_init(&t->done, 0);
		t->start = at;
		at = i + 1 < n ? dump_split_point(data, len, len / n * (i + 1)) : len;
		if (at < t->start)
			at = len;
		t->end = at;
	}
	if (s.n < 2)
		return 1;
	for (i = 1; i < s.n; i++) {
		struct part *t = &s.parts[i];

		goroutine_groups_init(&t->groups);
		t->sink.groups = &t->groups;
		t->sink.filter = sink->filter;
		t->sink.want_dump = -1;		/* one dump, wanted or not */
		t->sink.err = &t->err;
		dump_parser_init(&t->parser, p->name, goroutine_sink_goroutine,
				 goroutine_sink_dump, &t->sink);
		t->parser.no_args = p->no_args;
	}
	workers_run(s.n, parse_part, &s);
	r = join(&s, sink);
	for (i = 1; i < s.n; i++) {
		dump_parser_release(&s.parts[i].parser);
		goroutine_groups_release(&s.parts[i].groups);
	}
	if (r) {
		const char *name = p->name;
		dump_goroutine_fn on_goroutine = p->on_goroutine;
		dump_start_fn on_dump = p->on_dump;
		void *ctx = p->ctx;
		bool no_args = p->no_args;

		dump_parser_release(p);
		dump_parser_init(p, name, on_goroutine, on_dump, ctx);
		p->no_args = no_args;
		goroutine_groups_reset(sink->groups);
		return 1;
	}
	return 0;
}
