/* goroutines_split.c - group one dump file on several threads, the same as on one */
#include "goroutines.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "input.h"
#include "workers.h"

/* A part drops the pages it has parsed after this many bytes: the input
 * is mapped, and mapped pages count in the resident size. */
#define SPLIT_STEP ((size_t)8 << 20)

/* A thread claims this much of its piece at a time, under the lock
 * that a thread taking the rest of the piece takes too: at 64 KiB a
 * claim, the two threads met on the lock often enough to sleep on it
 * (96 context switches a run instead of 14, +1 ms). */
#define CLAIM_STEP ((size_t)1 << 20)

/* A piece taken from another part (GOROUTINES_STEAL_MIN) is parsed by
 * the taker's parser, which knows most of its stacks already, with an
 * input state and groups of its own, and merged in input order like any
 * part. At most this many pieces in all, parts included. */
#define PIECES_MAX (4 * WORKERS_MAX)

/* One stretch of the input, parsed by one thread: parts 0..n-1 are the
 * threads' own, the ones after them were taken from another's. */
struct piece {
	/* parts 1..n-1: their thread's parser; a piece taken: what its
	 * thread's parser read of it (dump_parser_swap_input). Part 0 is
	 * parsed by the caller's parser (split.p), and leaves this unused. */
	struct dump_parser parser;
	struct goroutine_groups groups;
	struct goroutine_sink sink;
	struct ls_error err;
	size_t start;
	size_t end, claimed;		/* under split.lock: end shrinks
					 * when another thread takes the
					 * rest, claimed grows as parsed */
	atomic_size_t done;		/* bytes parsed, for progress */
	uint64_t started;		/* when it was started (now_ns()) */
	unsigned thread;		/* whose parser parsed it */
	int r;
};

/* What a thread has parsed so far, for its speed. */
struct pace {
	uint64_t bytes, ns;
};

struct split {
	struct dump_parser *p;		/* part 0's */
	struct goroutine_sink *sink;	/* the caller's */
	const char *data;
	size_t len;
	struct goroutines_split how;
	pthread_mutex_t lock;
	struct piece *pieces;		/* PIECES_MAX */
	unsigned n, npieces;		/* threads; pieces so far (lock) */
	atomic_bool failed;
	struct pace paces[WORKERS_MAX];	/* each thread's own */
};

/* Whether every parser's strings are p's shared ones: a string then has
 * one address in all, and the join has none to translate. */
static bool shares_strings(const struct split *s)
{
	return s->p->strings.shared != NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

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

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->npieces; i++)
		done += atomic_load_explicit(&s->pieces[i].done, memory_order_relaxed);
	pthread_mutex_unlock(&s->lock);
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

/* Claims the next CLAIM_STEP or so of t from pos: the end of the claim,
 * or pos when t ends there (its end is then final). */
static size_t claim(struct split *s, struct piece *t, size_t pos)
{
	size_t stop;

	pthread_mutex_lock(&s->lock);
	stop = pos < t->end ? step_end(s, pos, t->end, CLAIM_STEP) : pos;
	t->claimed = stop;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

/* Parses piece t with p, claim by claim, dropping the parsed pages every
 * SPLIT_STEP; ends the input when t is its last piece. t->r: 0, 1 if t
 * holds a line too long, -1 with t->err set. */
static void parse_piece(struct split *s, struct dump_parser *p,
			struct piece *t, bool caller)
{
	size_t pos = t->start, dropped = t->start, stop;

	while (!atomic_load_explicit(&s->failed, memory_order_relaxed) &&
	       (stop = claim(s, t, pos)) > pos) {
		t->r = dump_parse_lines(p, s->data + pos, stop - pos,
					s->how.max_line, &t->err);
		if (t->r)
			break;
		pos = stop;
		atomic_store_explicit(&t->done, pos - t->start, memory_order_relaxed);
		if (pos - dropped >= SPLIT_STEP) {
			if (s->how.mapped)
				drop_pages(s->data + dropped, s->data + pos);
			dropped = pos;
			if (caller && input_progress)
				report(s);
		}
	}
	if (s->how.mapped)
		drop_pages(s->data + dropped, s->data + pos);
	if (!t->r && pos == s->len)
		t->r = dump_parser_end(p, s->len, &t->err) < 0 ? -1 : 0;
	if (t->r)
		atomic_store(&s->failed, true);
}

static void piece_init(struct split *s, struct piece *t)
{
	goroutine_groups_init(&t->groups);
	t->sink.groups = &t->groups;
	t->sink.filter = s->sink->filter;
	t->sink.want_dump = -1;		/* one dump, wanted or not */
	t->sink.err = &t->err;
	dump_parser_init(&t->parser, s->p->name, goroutine_sink_goroutine,
			 goroutine_sink_dump, &t->sink);
	t->parser.no_args = s->p->no_args;
	t->parser.strings.shared = s->p->strings.shared;
}

/* Where thread `self` should take the rest of from, which has `most`
 * bytes left unclaimed: so that both end at once at the speeds they have
 * parsed at so far (from's owner on from, self on its pieces before),
 * taking at least a quarter of what is left and at most three quarters.
 * A slowed CPU parses at half speed for seconds: halves would leave its
 * thread the last to end. Under split.lock. */
static size_t steal_point(const struct split *s, const struct piece *from,
			  size_t most, unsigned self, uint64_t now)
{
	const struct pace *mine = &s->paces[self];
	size_t lo = from->claimed + most / 4, hi = from->end - most / 4;
	size_t done = atomic_load_explicit(&from->done, memory_order_relaxed);
	double theirs, ours, at;

	if (!done || now <= from->started || !mine->bytes || !mine->ns)
		return from->claimed + most / 2;
	theirs = (double)done / (double)(now - from->started);
	ours = (double)mine->bytes / (double)mine->ns;
	/* (at - parsed) / theirs == (end - at) / ours */
	at = (theirs * (double)from->end +
	      ours * (double)(from->start + done)) / (theirs + ours);
	if (at < (double)lo)
		return lo;
	if (at > (double)hi)
		return hi;
	return (size_t)at;
}

/* Takes the rest of the piece with the most left, from a goroutine
 * header at steal_point() on: the new piece, or NULL when no piece has
 * how.steal_min left, or the one that has is parsed past the header
 * found (or has none) by the time it is taken: the thread then stops.
 *
 * With strings shared (shares_strings), any thread may take from any
 * part. Without, the caller's thread (0) may take from any part, another
 * only from the parts after its own: the join then interns again and
 * copies what a thread after the first parsed, which is kept twice until
 * the join ends, and bytes the static split kept once would be kept
 * twice (10^6 distinct function names, part 0's end taken by thread 1:
 * peak RSS 1.12 -> 1.19 GB, over 1.2 GB with a larger piece). */
static struct piece *steal(struct split *s, unsigned self)
{
	struct piece *from = NULL, *t = NULL;
	size_t most = 0, want = 0, end = 0, at, i;
	size_t after = self && !shares_strings(s) ? s->pieces[self].start : 0;
	uint64_t now = now_ns();

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->npieces; i++) {
		struct piece *c = &s->pieces[i];

		if (c->start < after)
			continue;
		if (c->end - c->claimed > most) {
			most = c->end - c->claimed;
			from = c;
		}
	}
	if (from) {
		want = steal_point(s, from, most, self, now);
		end = from->end;
	}
	pthread_mutex_unlock(&s->lock);
	if (!from || most < s->how.steal_min || atomic_load(&s->failed))
		return NULL;
	/* outside the lock: on a hostile input this may scan far */
	at = dump_split_point(s->data, end, want);
	pthread_mutex_lock(&s->lock);
	/* the owner may have parsed on, another thread taken the end */
	if (at > from->claimed && at < from->end && s->npieces < PIECES_MAX) {
		t = &s->pieces[s->npieces++];
		atomic_init(&t->done, 0);
		t->started = now_ns();
		t->start = t->claimed = at;
		t->end = from->end;
		from->end = at;
	}
	pthread_mutex_unlock(&s->lock);
	if (t)
		piece_init(s, t);
	return t;
}

/* Adds piece t, just parsed by thread i, to its pace. */
static void paced(struct split *s, unsigned i, const struct piece *t)
{
	uint64_t now = now_ns();

	s->paces[i].bytes += atomic_load_explicit(&t->done, memory_order_relaxed);
	s->paces[i].ns += now > t->started ? now - t->started : 0;
}

static void parse_part(void *arg, unsigned i)
{
	struct split *s = arg;
	struct piece *t = &s->pieces[i];
	struct dump_parser *p = i ? &t->parser : s->p;

	parse_piece(s, p, t, i == 0);
	paced(s, i, t);
	while (!t->r && (t = steal(s, i)) != NULL) {
		t->thread = i;
		dump_parser_swap_input(p, &t->parser);
		parse_piece(s, p, t, false);
		dump_parser_swap_input(p, &t->parser);
		paced(s, i, t);
	}
}

static int by_start(const void *a, const void *b)
{
	const struct piece *x = *(struct piece *const *)a;
	const struct piece *y = *(struct piece *const *)b;

	return (x->start > y->start) - (x->start < y->start);
}

/* Joins the pieces after part 0, in input order, into part 0's parser
 * and groups, or says (1) that the split could have changed the
 * answer. */
static int join(struct split *s, struct goroutine_sink *sink)
{
	struct dump_parser *p = s->p;
	struct piece *order[PIECES_MAX];
	struct dump_info *d;
	unsigned i;
	int r = 0;

	if (atomic_load(&s->failed) || !p->ndumps)
		return 1;
	/* merged, strings are C strings: "a\0b" would become "a" */
	for (i = 0; i < s->n; i++)
		if ((i ? &s->pieces[i].parser : p)->strings.has_nul)
			return 1;
	for (i = 0; i < s->npieces; i++)
		order[i] = &s->pieces[i];
	/* part 0 starts the input, and stays first */
	qsort(order + 1, s->npieces - 1, sizeof(*order), by_start);
	/* the memory the join adds is the peak: first free what parsing
	 * alone needed (for 10^6 distinct stacks in two parts, 32 MB) */
	goroutine_groups_trim(sink->groups);
	for (i = 1; i < s->npieces; i++)
		goroutine_groups_trim(&s->pieces[i].groups);
	d = &p->dumps[p->ndumps - 1];
	for (i = 1; i < s->npieces && r == 0; i++) {
		struct piece *t = order[i];
		const struct dump_info *td = &t->parser.dumps[0];

		/* one dump, no preamble, no id of the dump before it: what
		 * the serial parse would have taken as the same dump */
		if (t->parser.ndumps != 1 || td->npreamble ||
		    dump_idset_merge(p->ids, t->parser.ids) != 0) {
			r = 1;
			break;
		}
		d->ngoroutines += td->ngoroutines;
		d->truncated |= td->truncated;
		p->total += t->parser.total;
		p->lineno += t->parser.lineno;
		/* its goroutines are in the input's last dump so far */
		if (sink->want_dump <= 0 || sink->want_dump == (long)p->ndumps) {
			/* the strings of t's thread's parser in p's; one map a
			 * merge, freed before the next grows: kept across a
			 * thread's merges, on 10^6 distinct stacks it crossed
			 * a power of two and 1.2 GB of peak RSS */
			struct goroutine_str_map map;

			goroutine_str_map_init(&map, &p->strings,
					       t->thread && !shares_strings(s) ?
					       &s->pieces[t->thread].parser.strings :
					       &p->strings);
			r = goroutine_groups_merge(sink->groups, &map, &t->groups,
						   sink->err) != 0;
			goroutine_str_map_release(&map);
		}
		/* merged: its groups go now, not after the last piece's */
		goroutine_groups_reset(&t->groups);
	}
	return r;
}

int goroutines_parse_split(struct dump_parser *p, struct goroutine_sink *sink,
			   const char *data, size_t len,
			   const struct goroutines_split *how)
{
	unsigned n = how->nparts < WORKERS_MAX ? how->nparts : WORKERS_MAX;
	struct split s;
	unsigned i;
	size_t at = 0;
	int r;

	memset(&s, 0, sizeof(s));
	s.p = p;
	s.sink = sink;
	s.data = data;
	s.len = len;
	s.how = *how;
	atomic_init(&s.failed, false);
	s.pieces = calloc(PIECES_MAX, sizeof(*s.pieces));
	if (!s.pieces || pthread_mutex_init(&s.lock, NULL) != 0) {
		free(s.pieces);
		return 1;
	}
	/* p's strings so far would have addresses of their own */
	if (p->strings.count == 0 && !p->strings.shared &&
	    (p->shared_strings = intern_shared_new()) != NULL)
		p->strings.shared = p->shared_strings;
	for (i = 0; i < n && at < len; i++) {
		struct piece *t = &s.pieces[s.npieces++];

		atomic_init(&t->done, 0);
		t->thread = i;
		t->start = t->claimed = at;
		at = i + 1 < n ? dump_split_point(data, len, len / n * (i + 1)) : len;
		if (at < t->start)
			at = len;
		t->end = at;
	}
	s.n = s.npieces;
	if (s.n >= 2) {
		uint64_t now = now_ns();

		for (i = 1; i < s.n; i++)
			piece_init(&s, &s.pieces[i]);
		for (i = 0; i < s.n; i++)
			s.pieces[i].started = now;
		workers_run(s.n, parse_part, &s);
	}
	r = s.n < 2 || join(&s, sink);
	for (i = 1; i < s.npieces; i++) {
		dump_parser_release(&s.pieces[i].parser);
		goroutine_groups_release(&s.pieces[i].groups);
	}
	pthread_mutex_destroy(&s.lock);
	free(s.pieces);
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
