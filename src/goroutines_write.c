/* goroutines_write.c - goroutine groups as text, JSON and folded stacks */
#include "goroutines.h"
#include "flame.h"
#include "json_stream.h"
#include "sites.h"
#include "strbuf.h"
#include "workers.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t shown(const struct goroutine_groups *gs, const struct goroutines_meta *m)
{
	return m->limit && m->limit < gs->n ? m->limit : gs->n;
}

/* With colour, a state by its stuck weight: states that can never wake
 * bold red, waits yellow, running and the like green. */
static const char *state_on(bool color, const char *state)
{
	double w;

	if (!color)
		return "";
	w = goroutine_state_weight(state);
	return w > 1 ? "\033[1;31m" : w >= 1 ? "\033[33m" : "\033[32m";
}

/* Appends a frame's line to sb: "  M FUNC  FILE:LINE  (inlined)\n",
 * the whole line sized first and copied in place (a frame line is most
 * of the text report). 0, or -1 when out of memory. */
static int add_frame(struct strbuf *sb, const char *mark,
		     const struct dump_frame *f, bool color)
{
	/* with colour, the first frame of the service's own code (the one
	 * marked '>') in bold cyan */
	const char *open = color ? " \033[1;36m" : " ";
	const char *close = color ? "\033[0m" : "";
	const char *func = f->func[0] ? f->func : "?";
	size_t lm = strlen(mark), lo = strlen(open), lc = strlen(close);
	size_t lf = strlen(func), lp = f->file[0] ? strlen(f->file) : 0;
	char num[24], *d, *p = num + sizeof(num);
	unsigned long long u = f->line < 0 ? 0ULL - (unsigned long long)f->line :
			       (unsigned long long)f->line;
	size_t ln = 0;

	if (lp) {
		do {
			*--p = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (f->line < 0)
			*--p = '-';
		ln = (size_t)(num + sizeof(num) - p);
	}
	if (strbuf_grow(sb, 2 + lm + lo + lf + lc + (lp ? 3 + lp + ln : 0) + 12) < 0)
		return -1;
	d = sb->buf + sb->len;
	memcpy(d, "  ", 2);
	d += 2;
	memcpy(d, mark, lm);
	d += lm;
	memcpy(d, open, lo);
	d += lo;
	memcpy(d, func, lf);
	d += lf;
	memcpy(d, close, lc);
	d += lc;
	if (lp) {
		memcpy(d, "  ", 2);
		memcpy(d + 2, f->file, lp);
		d[2 + lp] = ':';
		memcpy(d + 3 + lp, p, ln);
		d += 3 + lp + ln;
	}
	if (f->inlined) {
		memcpy(d, "  (inlined)", 11);
		d += 11;
	}
	*d++ = '\n';
	*d = '\0';
	sb->len = (size_t)(d - sb->buf);
	return 0;
}

static int add_llu(struct strbuf *sb, unsigned long long v)
{
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return strbuf_add(sb, p, (size_t)(buf + sizeof(buf) - p));
}

static int add_state(struct strbuf *sb, bool color, const char *state)
{
	int r = strbuf_addstr(sb, state_on(color, state));

	r |= strbuf_addstr(sb, state);
	return r | strbuf_addstr(sb, color ? "\033[0m" : "");
}

static int add_states(struct strbuf *sb, const struct ggroup *g, bool color)
{
	size_t i;
	int r = 0;

	if (g->nstates == 1 && !g->other_states)
		return add_state(sb, color, g->states[0].state);
	for (i = 0; i < g->nstates; i++) {
		r |= strbuf_addstr(sb, i ? ", " : "");
		r |= add_state(sb, color, g->states[i].state);
		r |= strbuf_add(sb, " x", 2);
		r |= add_llu(sb, (unsigned long long)g->states[i].count);
	}
	if (g->other_states) {
		r |= strbuf_addstr(sb, ", other x");
		r |= add_llu(sb, (unsigned long long)g->other_states);
	}
	return r;
}

/* " score %.1f", as fprintf printed it. */
static int add_score(struct strbuf *sb, double score)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), " score %.1f", score);

	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(buf))	/* a score of more than 50 digits */
		return strbuf_addf(sb, " score %.1f", score);
	return strbuf_add(sb, buf, (size_t)n);
}

/* A frame's strings were interned while parsing, long before, and the
 * groups are printed in rank order, not the order they were made in:
 * nearly every name and file is a cache miss. Asked for this many frames
 * ahead, they are on their way while the frames before are copied
 * (64 MiB bench dump: formatting 5.1 -> 4.5 ms). */
#define FRAME_AHEAD 4

/* Appends the block of group g to the text report in sb: the same bytes
 * as fprintf wrote, formatted by hand (a group is formatted on any
 * thread, see write_text_part). 0, or -1 when out of memory. */
static int add_group_text(struct strbuf *sb, const struct ggroup *g,
			  bool has_states, bool color)
{
	size_t j;
	int r = 0;

	r |= strbuf_addch(sb, '\n');
	r |= add_llu(sb, (unsigned long long)g->count);
	r |= strbuf_addstr(sb, g->count == 1 ? " goroutine" : " goroutines");
	if (has_states) {
		r |= strbuf_add(sb, " [", 2);
		r |= add_states(sb, g, color);
		if (g->wait_max > 0) {
			r |= strbuf_add(sb, ", ", 2);
			if (g->wait_min != g->wait_max) {
				r |= strbuf_add_lld(sb, (long long)g->wait_min);
				r |= strbuf_addch(sb, '~');
			}
			r |= strbuf_add_lld(sb, (long long)g->wait_max);
			r |= strbuf_addstr(sb, " minutes");
		}
		if (g->locked) {
			r |= strbuf_add(sb, ", ", 2);
			r |= add_llu(sb, (unsigned long long)g->locked);
			r |= strbuf_addstr(sb, " locked to thread");
		}
		r |= strbuf_addch(sb, ']');
	}
	r |= add_score(sb, g->score);
	if (g->benign)
		r |= strbuf_addstr(sb, color ? " \033[2mbenign\033[0m" : " benign");
	if (g->truncated) {
		r |= strbuf_add(sb, " (", 2);
		r |= add_llu(sb, (unsigned long long)g->truncated);
		r |= strbuf_addstr(sb, " truncated)");
	}
	if (g->flags & GOROUTINE_ELIDED)
		r |= strbuf_addstr(sb, " (frames elided)");
	if (g->flags & GOROUTINE_UNAVAILABLE)
		r |= strbuf_addstr(sb, " (stack unavailable)");
	r |= strbuf_addch(sb, '\n');
	if (g->labels[0]) {
		r |= strbuf_addstr(sb, "  labels: ");
		r |= strbuf_addstr(sb, g->labels);
		r |= strbuf_addch(sb, '\n');
	}
	for (j = 0; j < g->nframes; j++) {
		if (j + FRAME_AHEAD < g->nframes) {
			__builtin_prefetch(g->frames[j + FRAME_AHEAD].func);
			__builtin_prefetch(g->frames[j + FRAME_AHEAD].file);
		}
		r |= add_frame(sb, (long)j == g->user_frame ? ">" : " ",
			       &g->frames[j], color && (long)j == g->user_frame);
	}
	if (g->has_created_by) {
		r |= strbuf_addstr(sb, "    created by ");
		r |= strbuf_addstr(sb, g->created_by.func);
		if (g->created_by.file[0]) {
			r |= strbuf_add(sb, "  ", 2);
			r |= strbuf_addstr(sb, g->created_by.file);
			r |= strbuf_addch(sb, ':');
			r |= strbuf_add_lld(sb, (long long)g->created_by.line);
		}
		r |= strbuf_addch(sb, '\n');
	}
	return r < 0 ? -1 : 0;
}

/* The groups are formatted in runs of about TEXT_RUN_FRAMES frames
 * (~256 KB of text), on all threads at once, each run written as soon
 * as the runs before it are (workers_in_order): formatting was most of
 * what runs after the parse. A thread reuses one buffer for all its
 * runs, so the memory is a few such buffers whatever the input, and
 * they stay in the cache. */
#define TEXT_RUN_FRAMES 2048

/* The groups [from, to) of the list that one run formats. */
struct span {
	size_t from, to;
};

/* The runs of groups [from, n), each ended once the weight() of its
 * groups adds up to limit: a malloc'd array, *nspans long, or NULL when
 * out of memory (or n <= from). */
static struct span *cut_runs(const struct goroutine_groups *gs, size_t from,
			     size_t n, size_t limit,
			     size_t (*weight)(const struct ggroup *),
			     unsigned *nspans)
{
	struct span *spans;
	size_t k = 0, total = 0, i;

	*nspans = 0;
	if (from >= n)
		return NULL;
	for (i = from; i < n; i++)
		total += weight(gs->list[i]);
	if (total / limit + 1 > UINT_MAX - 1)
		return NULL;
	spans = malloc((total / limit + 2) * sizeof(*spans));
	if (!spans)
		return NULL;
	while (from < n) {
		size_t w = 0;

		spans[k].from = from;
		while (from < n && w < limit)
			w += weight(gs->list[from++]);
		spans[k++].to = from;
	}
	*nspans = (unsigned)k;
	return spans;
}

/* A group's weight in a text run: a line per frame, and its header. */
static size_t text_weight(const struct ggroup *g)
{
	return g->nframes + 1;
}

/* Writes a formatted run straight to fp's descriptor (by the thread
 * whose turn it is): through fwrite it would first be copied into fp's
 * buffer, a second copy of the whole report. What fp holds goes first.
 * On an error the rest goes through fwrite after all, which then fails
 * the same way and leaves fp's error flag set for cli_output_close to
 * report. */
static void write_run(FILE *fp, const char *buf, size_t len)
{
	int fd;

	if (len < BUFSIZ || fflush(fp) != 0 || (fd = fileno(fp)) < 0) {
		fwrite(buf, 1, len, fp);
		return;
	}
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		buf += w;
		len -= (size_t)w;
	}
	if (len > 0)
		fwrite(buf, 1, len, fp);
}

struct text_job {
	const struct goroutine_groups *gs;
	bool color;
	FILE *fp;
	const struct span *spans;
	struct strbuf out[WORKERS_MAX];	/* by thread */
};

static int text_make(void *arg, unsigned run, unsigned thread)
{
	struct text_job *job = arg;
	struct strbuf *out = &job->out[thread];
	size_t k;
	int r = 0;

	strbuf_reset(out);
	for (k = job->spans[run].from; k < job->spans[run].to && r == 0; k++)
		r = add_group_text(out, job->gs->list[k], job->gs->has_states,
				   job->color);
	return r;
}

static void text_hand(void *arg, unsigned run, unsigned thread)
{
	struct text_job *job = arg;

	(void)run;
	write_run(job->fp, job->out[thread].buf, job->out[thread].len);
}

int goroutines_write_text(FILE *fp, const struct goroutine_groups *gs,
			  const struct goroutines_meta *m)
{
	struct text_job job;
	struct span *spans;
	size_t n = shown(gs, m);
	unsigned k, parts = workers_count(), runs;
	int r;

	fprintf(fp, "%s: %llu goroutine%s", m->source,
		(unsigned long long)gs->total, gs->total == 1 ? "" : "s");
	if (m->dump)
		fprintf(fp, " in dump %zu of %zu", m->dump, m->ndumps);
	else
		fprintf(fp, " in %zu dumps", m->ndumps);
	fprintf(fp, ", %zu group%s", gs->n, gs->n == 1 ? "" : "s");
	if (n < gs->n)
		fprintf(fp, " (%zu shown)", n);
	if (m->truncated)
		fputs(", TRUNCATED: the input ends inside a goroutine", fp);
	fputc('\n', fp);
	if (m->reason && m->reason[0])
		fprintf(fp, "%s\n", m->reason);
	if (n == 0)
		return 0;
	memset(&job, 0, sizeof(job));
	job.gs = gs;
	job.color = m->color;
	job.fp = fp;
	job.spans = spans = cut_runs(gs, 0, n, TEXT_RUN_FRAMES, text_weight, &runs);
	if (!spans)
		return -1;
	if (parts > WORKERS_MAX)
		parts = WORKERS_MAX;
	for (k = 0; k < parts; k++)
		strbuf_init(&job.out[k]);
	r = workers_in_order(runs, parts, text_make, text_hand, &job);
	for (k = 0; k < parts; k++)
		strbuf_release(&job.out[k]);
	free(spans);
	return r;
}

static void add_id(uint64_t id, void *ctx)
{
	json_stream_integer(ctx, (long long)id);
}

static void frame_json(struct json_stream *js, const struct dump_frame *f,
		       bool user)
{
	json_stream_begin_object(js);
	json_stream_key(js, "func");
	json_stream_string(js, f->func);
	json_stream_key(js, "file");
	json_stream_string(js, f->file);
	json_stream_key(js, "line");
	json_stream_integer(js, f->line);
	if (f->inlined) {
		json_stream_key(js, "inlined");
		json_stream_bool(js, true);
	}
	if (user) {
		json_stream_key(js, "user");
		json_stream_bool(js, true);
	}
	json_stream_end_object(js);
}

static const char *state_key(const struct ggroup *g, size_t j)
{
	return g->states[j].state[0] ? g->states[j].state : "?";
}

/* "states" as a jansson object built by setting each key in turn: a key
 * seen twice (a state "?" beside an unknown one) stays where it came
 * first, with the count set last. */
static void states_json(struct json_stream *js, const struct ggroup *g)
{
	size_t j, k, last;

	json_stream_begin_object(js);
	for (j = 0; j < g->nstates; j++) {
		for (k = 0; k < j && strcmp(state_key(g, k), state_key(g, j)); k++)
			;
		if (k < j)
			continue;
		for (last = k = j; k < g->nstates; k++)
			if (!strcmp(state_key(g, k), state_key(g, j)))
				last = k;
		if (json_stream_key(js, state_key(g, j)) == 0)
			json_stream_integer(js, (long long)g->states[last].count);
	}
	json_stream_end_object(js);
}

static void group_json(struct json_stream *js, const struct ggroup *g)
{
	size_t j;

	json_stream_begin_object(js);
	json_stream_key(js, "count");
	json_stream_integer(js, (long long)g->count);
	json_stream_key(js, "state");
	json_stream_string(js, ggroup_state(g));
	json_stream_key(js, "states");
	states_json(js, g);
	json_stream_key(js, "wait_minutes");
	json_stream_begin_array(js);
	json_stream_integer(js, g->wait_min);
	json_stream_integer(js, g->wait_max);
	json_stream_end_array(js);
	json_stream_key(js, "locked");
	json_stream_integer(js, (long long)g->locked);
	json_stream_key(js, "created_by");
	if (g->has_created_by) {
		json_stream_begin_object(js);
		json_stream_key(js, "func");
		json_stream_string(js, g->created_by.func);
		json_stream_key(js, "file");
		json_stream_string(js, g->created_by.file);
		json_stream_key(js, "line");
		json_stream_integer(js, g->created_by.line);
		json_stream_end_object(js);
	} else {
		json_stream_null(js);
	}
	json_stream_key(js, "ids");
	json_stream_begin_array(js);
	ggroup_each_id(g, add_id, js);
	json_stream_end_array(js);
	json_stream_key(js, "frames");
	json_stream_begin_array(js);
	for (j = 0; j < g->nframes; j++)
		frame_json(js, &g->frames[j], (long)j == g->user_frame);
	json_stream_end_array(js);
	if (g->labels[0]) {
		json_stream_key(js, "labels");
		json_stream_string(js, g->labels);
	}
	json_stream_key(js, "benign");
	json_stream_bool(js, g->benign);
	json_stream_key(js, "truncated");
	json_stream_integer(js, (long long)g->truncated);
	json_stream_key(js, "score");
	json_stream_real(js, floor(g->score * 100 + 0.5) / 100);
	json_stream_end_object(js);
}

/* The groups after the first are written in runs as the text report's
 * are: each thread makes a run of groups of about JSON_RUN_LINES lines
 * (a frame is five, a goroutine's id one) in a buffer of its own,
 * through a stream that goes on where the document's stands, and the
 * runs are copied out in order. 64 MiB bench dump: the document is
 * 13.8 MB, and writing it was a third of the command's time on one
 * thread. */
#define JSON_RUN_LINES 8192

struct json_run {
	char *buf;			/* open_memstream()'s */
	size_t len;
};

struct json_job {
	const struct goroutine_groups *gs;
	const struct json_stream *at;	/* the document's, between groups */
	FILE *fp;
	const struct span *spans;
	struct json_run runs[WORKERS_MAX];	/* by thread */
};

/* A group's weight in a JSON run, about its lines: five a frame, one an
 * id or a state, and its other members. */
static size_t json_weight(const struct ggroup *g)
{
	return 16 + 5 * g->nframes + g->nstates + g->count;
}

static int json_make(void *arg, unsigned run, unsigned thread)
{
	struct json_job *job = arg;
	struct json_run *out = &job->runs[thread];
	struct json_stream js;
	FILE *mem;
	size_t k;

	free(out->buf);		/* the run before, written or dropped */
	out->buf = NULL;
	out->len = 0;
	mem = open_memstream(&out->buf, &out->len);
	if (!mem)
		return -1;
	json_stream_continue(&js, mem, job->at);
	for (k = job->spans[run].from; k < job->spans[run].to; k++)
		group_json(&js, job->gs->list[k]);
	return fclose(mem) != 0 || !out->buf ? -1 : 0;
}

static void json_hand(void *arg, unsigned run, unsigned thread)
{
	struct json_job *job = arg;

	(void)run;
	/* once a write failed, the rest is not written either */
	if (!ferror(job->fp))
		write_run(job->fp, job->runs[thread].buf, job->runs[thread].len);
}

/* Writes groups [from, n) after the document's first at js's place. 0,
 * or -1 when out of memory; stops writing once a write to fp fails. */
static int write_json_groups(FILE *fp, const struct json_stream *js,
			     const struct goroutine_groups *gs, size_t from,
			     size_t n)
{
	struct json_job job;
	struct span *spans;
	unsigned k, parts = workers_count(), runs;
	int r;

	memset(&job, 0, sizeof(job));
	job.gs = gs;
	job.at = js;
	job.fp = fp;
	job.spans = spans = cut_runs(gs, from, n, JSON_RUN_LINES, json_weight,
				     &runs);
	if (!spans)
		return from < n ? -1 : 0;
	if (parts > WORKERS_MAX)
		parts = WORKERS_MAX;
	r = workers_in_order(runs, parts, json_make, json_hand, &job);
	for (k = 0; k < parts; k++)
		free(job.runs[k].buf);
	free(spans);
	return r;
}

/* Group by group as it goes, in the layout json_dumpf() gave the whole
 * document with JSON_INDENT(2) | JSON_PRESERVE_ORDER |
 * JSON_REAL_PRECISION(15); stops early once a write fails. */
int goroutines_write_json(FILE *fp, const struct goroutine_groups *gs,
			  const struct goroutines_meta *m)
{
	struct json_stream js;
	size_t n = shown(gs, m);
	int r = 0;

	json_stream_init(&js, fp, 15);
	json_stream_begin_object(&js);
	json_stream_key(&js, "total");
	json_stream_integer(&js, (long long)gs->total);
	json_stream_key(&js, "truncated");
	json_stream_bool(&js, m->truncated);
	json_stream_key(&js, "dumps");
	json_stream_integer(&js, (long long)m->ndumps);
	json_stream_key(&js, "dump");
	json_stream_integer(&js, (long long)m->dump);
	json_stream_key(&js, "reason");
	json_stream_string(&js, m->reason ? m->reason : "");
	json_stream_key(&js, "groups");
	json_stream_begin_array(&js);
	/* the first here: the runs all go on after a group */
	if (n)
		group_json(&js, gs->list[0]);
	if (n > 1)
		r = write_json_groups(fp, &js, gs, 1, n);
	json_stream_end_array(&js);
	json_stream_end_object(&js);
	return json_stream_finish(&js) < 0 ? -1 : r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The stack of g as folded and svg draw it: functions root first, then
 * "[state]" (in state) as the leaf-most element when the state is known.
 * out holds g->nframes + 1. Returns how many. */
static size_t group_frames(const struct ggroup *g, const char **out,
			   struct strbuf *state)
{
	const char *st = ggroup_state(g);
	size_t n = 0, j;

	for (j = g->nframes; j-- > 0;)
		out[n++] = g->frames[j].func[0] ? g->frames[j].func : "?";
	strbuf_reset(state);
	if (st[0]) {
		strbuf_addf(state, "[%s]", st);
		out[n++] = state->buf;
	}
	return n;
}

static size_t max_frames(const struct goroutine_groups *gs, size_t n)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (gs->list[i]->nframes > m)
			m = gs->list[i]->nframes;
	return m + 1;
}

int goroutines_write_folded(FILE *fp, const struct goroutine_groups *gs,
			    const struct goroutines_meta *m)
{
	size_t i, j, k, n = shown(gs, m);
	char **lines = calloc(n ? n : 1, sizeof(*lines));
	const char **frames = malloc(max_frames(gs, n) * sizeof(*frames));
	struct strbuf sb = STRBUF_INIT, state = STRBUF_INIT;

	if (!lines || !frames) {
		free(lines);
		free(frames);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct ggroup *g = gs->list[i];

		strbuf_reset(&sb);
		k = group_frames(g, frames, &state);
		for (j = 0; j < k; j++) {
			if (j)
				strbuf_addch(&sb, ';');
			strbuf_addstr(&sb, frames[j]);
		}
		strbuf_addf(&sb, " %llu", (unsigned long long)g->count);
		lines[i] = strdup(sb.buf);
		if (!lines[i]) {
			while (i--)
				free(lines[i]);
			free(lines);
			free(frames);
			strbuf_release(&sb);
			strbuf_release(&state);
			return -1;
		}
	}
	qsort(lines, n, sizeof(*lines), cmp_str);
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	free(frames);
	strbuf_release(&sb);
	strbuf_release(&state);
	return 0;
}

int goroutines_write_svg(FILE *fp, const struct goroutine_groups *gs,
			 const struct goroutines_meta *m)
{
	size_t i, j, k, n = shown(gs, m), cap = max_frames(gs, n);
	const char **frames = malloc(cap * sizeof(*frames));
	uint8_t *kinds = malloc(cap);
	struct strbuf state = STRBUF_INIT, title = STRBUF_INIT;
	struct flame_svg_options so = { NULL, NULL, "count", 0 };
	struct flame f;
	int rc = -1;

	if (!frames || !kinds || flame_init(&f, false) < 0) {
		free(frames);
		free(kinds);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct ggroup *g = gs->list[i];
		bool has_state = ggroup_state(g)[0] != '\0';

		k = group_frames(g, frames, &state);
		for (j = 0; j < k; j++)
			kinds[j] = has_state && j == k - 1 ? FLAME_STATE
				 : dump_func_is_user(m->user, frames[j]) ? FLAME_USER
				 : FLAME_LIB;
		if (flame_add(&f, frames, kinds, k, (int64_t)g->count, 0) < 0)
			goto out;
	}
	strbuf_addf(&title, "%s: %llu goroutines", m->source,
		    (unsigned long long)gs->total);
	if (m->dump)
		strbuf_addf(&title, " in dump %zu of %zu", m->dump, m->ndumps);
	else
		strbuf_addf(&title, " in %zu dumps", m->ndumps);
	if (m->truncated)
		strbuf_addstr(&title, " (TRUNCATED)");
	so.title = title.buf;
	so.subtitle = "leaf-most boxes: wait states (blue); green: the service's "
		      "own functions; click to zoom, Search (Ctrl-F) to highlight";
	rc = flame_write_svg(fp, &f, &so);
out:
	flame_release(&f);
	free(frames);
	free(kinds);
	strbuf_release(&state);
	strbuf_release(&title);
	return rc;
}
