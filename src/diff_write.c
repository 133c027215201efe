/* diff_write.c - writers for a diff: text, JSON, folded (difffolded.pl) */
#include "diff.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flame.h"
#include "json_stream.h"
#include "strbuf.h"
#include "units.h"

const char *diff_format_value(char *buf, int64_t v, const char *unit, bool sign)
{
	char tmp[UNITS_LABEL_MAX];
	int64_t a = v < 0 ? -v : v;

	units_label(tmp, a, unit, "auto");
	buf[0] = v < 0 ? '-' : '+';
	strcpy(buf + (v < 0 || (v > 0 && sign)), tmp);
	return buf;
}

/* s right-aligned in width columns, as "%*s" prints it; without
 * printf, which was half of writing a big diff's rows. */
static void put_right(FILE *fp, const char *s, size_t width)
{
	size_t n = strlen(s);

	for (; width > n; width--)
		putc(' ', fp);
	fputs(s, fp);
}

static const char *status_name(enum diff_status s)
{
	return s == DIFF_NEW ? "new" : s == DIFF_GONE ? "gone" : "changed";
}

static size_t nshown(const struct diff *d, const struct diff_meta *m)
{
	return m->limit && m->limit < d->nrows ? m->limit : d->nrows;
}

static const char *goroutine_verdict(const struct diff_row *r, bool has_ids)
{
	if (r->suspect)
		return "leak suspect: grows and keeps its old members";
	if (r->status == DIFF_NEW)
		return "new";
	if (r->status == DIFF_GONE)
		return "gone";
	if (r->delta > 0)
		return has_ids ? "grows, old members left" : "grows";
	if (r->delta < 0)
		return "shrinks";
	return "";
}

/* With colour: growth bold red, shrink blue (flame graph conventions). */
static const char *on(const struct diff_meta *m, int64_t delta)
{
	if (!m->color || !delta)
		return "";
	return delta > 0 ? "\033[1;31m" : "\033[34m";
}

static const char *off(const struct diff_meta *m, int64_t delta)
{
	return m->color && delta ? "\033[0m" : "";
}

static void write_text_goroutines(FILE *fp, const struct diff *d,
				  const struct diff_meta *m)
{
	size_t i, n = nshown(d, m);

	fprintf(fp, "Base: %s (%" PRId64 " goroutines)\n", m->base_path, d->base_total);
	fprintf(fp, "New:  %s (%" PRId64 " goroutines)\n", m->new_path, d->new_total);
	fprintf(fp, "Delta: %+" PRId64 " goroutines", d->new_total - d->base_total);
	if (n < d->nrows)
		fprintf(fp, "; showing %zu of %zu groups", n, d->nrows);
	fputs("\n", fp);
	fprintf(fp, "%7s %7s %7s %10s  %s\n", "base", "new", "delta",
		d->has_ids ? "persistent" : "", "name");
	for (i = 0; i < n; i++) {
		const struct diff_row *r = &d->rows[i];
		const char *v = goroutine_verdict(r, d->has_ids);
		char pers[32] = "";

		if (r->persistent >= 0)
			snprintf(pers, sizeof(pers), "%" PRId64, r->persistent);
		fprintf(fp, "%7" PRId64 " %7" PRId64 " %s%+7" PRId64 "%s %10s  %s%s%s%s%s\n",
			r->base, r->new_, on(m, r->delta), r->delta, off(m, r->delta),
			pers, r->site->name, *v ? "  " : "",
			r->suspect ? on(m, 1) : "", v, r->suspect ? off(m, 1) : "");
	}
}

int diff_write_text(FILE *fp, const struct diff *d, const struct diff_meta *m)
{
	const char *unit = m->sample_type.unit;
	char a[UNITS_LABEL_MAX + 1], b[UNITS_LABEL_MAX + 1];
	char c[UNITS_LABEL_MAX + 1], e[UNITS_LABEL_MAX + 1];
	size_t i, n = nshown(d, m);

	if (d->sites->goroutines) {
		write_text_goroutines(fp, d, m);
		return ferror(fp) ? -1 : 0;
	}
	fprintf(fp, "Base: %s\nNew:  %s\n", m->base_path, m->new_path);
	fprintf(fp, "Type: %s%s\n", m->sample_type.type,
		m->normalized ? " (new normalized to base's total)" : "");
	fprintf(fp, "Total: %s -> %s (%s)",
		diff_format_value(a, d->base_total, unit, false),
		diff_format_value(b, d->new_total, unit, false),
		diff_format_value(c, d->new_total - d->base_total, unit, true));
	if (n < d->nrows)
		fprintf(fp, "; showing %zu of %zu sites", n, d->nrows);
	fputs("\n", fp);
	fprintf(fp, "%10s %10s %10s %10s  %s\n", "delta", "cum delta", "base", "new",
		"name");
	for (i = 0; i < n; i++) {
		const struct diff_row *r = &d->rows[i];
		const struct site *s = r->site;

		/* "%s%10s%s %s%10s%s %10s %10s  %s%s\n" */
		fputs(on(m, r->delta), fp);
		put_right(fp, diff_format_value(a, r->delta, unit, true), 10);
		fputs(off(m, r->delta), fp);
		putc(' ', fp);
		fputs(on(m, r->cum_delta), fp);
		put_right(fp, diff_format_value(b, r->cum_delta, unit, true), 10);
		fputs(off(m, r->cum_delta), fp);
		putc(' ', fp);
		put_right(fp, diff_format_value(c, r->base, unit, false), 10);
		putc(' ', fp);
		put_right(fp, diff_format_value(e, r->new_, unit, false), 10);
		fputs("  ", fp);
		fputs(s->name, fp);
		fputs(r->status == DIFF_NEW ? " (new)\n" : r->status == DIFF_GONE
		      ? " (gone)\n" : "\n", fp);
		if (r->delta > 0 && *s->path) {
			if (*s->user_frame)
				fprintf(fp, "%46s user: %s%s%s%s%s\n", "",
					m->color ? "\033[1;36m" : "", s->user_frame,
					m->color ? "\033[0m" : "",
					*s->caller ? ", called from " : "", s->caller);
			put_right(fp, "", 46);
			fputs(" path: ", fp);
			fputs(s->path, fp);
			putc('\n', fp);
		}
	}
	return ferror(fp) ? -1 : 0;
}

/* One row, as jansson built it: goroutine groups have no cum columns but
 * their state, persistent count, suspect flag and stack. */
static void row_json(struct json_stream *js, const struct diff *d,
		     const struct diff_row *r)
{
	const struct site *s = r->site;
	const struct ggroup *g = s->group;
	size_t k;

	json_stream_begin_object(js);
	json_stream_member_string(js, "name", s->name);
	json_stream_member_integer(js, "base", r->base);
	json_stream_member_integer(js, "new", r->new_);
	json_stream_member_integer(js, "delta", r->delta);
	if (!d->sites->goroutines) {
		json_stream_member_integer(js, "cum_base", r->cum_base);
		json_stream_member_integer(js, "cum_new", r->cum_new);
		json_stream_member_integer(js, "cum_delta", r->cum_delta);
	}
	json_stream_key(js, "pct");
	if (isfinite(r->pct))
		json_stream_real(js, round(r->pct * 100) / 100);
	else
		json_stream_null(js);
	json_stream_member_string(js, "status", status_name(r->status));
	json_stream_member_string_or_null(js, "user_frame", s->user_frame);
	json_stream_member_string_or_null(js, "caller", s->caller);
	json_stream_member_string_or_null(js, "path", s->path);
	if (d->sites->goroutines) {
		json_stream_member_string(js, "state",
					  g ? ggroup_state(g) : "");
		json_stream_key(js, "persistent");
		if (r->persistent >= 0)
			json_stream_integer(js, r->persistent);
		else
			json_stream_null(js);
		json_stream_member_bool(js, "suspect", r->suspect);
		json_stream_key(js, "stack");
		json_stream_begin_array(js);
		for (k = 0; g && k < g->nframes; k++)
			json_stream_string(js, g->frames[k].func);
		json_stream_end_array(js);
	}
	json_stream_end_object(js);
}

/* Row by row as it goes, in the layout json_dumpf() gave the whole
 * document with JSON_INDENT(2) | JSON_PRESERVE_ORDER |
 * JSON_REAL_PRECISION(10); stops early once a write fails. */
int diff_write_json(FILE *fp, const struct diff *d, const struct diff_meta *m)
{
	struct json_stream js;
	size_t i, n = nshown(d, m);

	json_stream_init(&js, fp, 10);
	json_stream_begin_object(&js);
	json_stream_member_string(&js, "kind", m->kind);
	json_stream_member_value_type(&js, "sample_type",
				      m->sample_type.type,
				      m->sample_type.unit);
	json_stream_key(&js, "base");
	json_stream_begin_object(&js);
	json_stream_member_string(&js, "file", m->base_path);
	json_stream_member_integer(&js, "total", d->base_total);
	json_stream_end_object(&js);
	json_stream_key(&js, "new");
	json_stream_begin_object(&js);
	json_stream_member_string(&js, "file", m->new_path);
	json_stream_member_integer(&js, "total", d->new_total);
	json_stream_end_object(&js);
	json_stream_member_bool(&js, "normalized", m->normalized);
	json_stream_key(&js, "rows");
	json_stream_begin_array(&js);
	for (i = 0; i < n && !ferror(fp); i++)
		row_json(&js, d, &d->rows[i]);
	json_stream_end_array(&js);
	json_stream_end_object(&js);
	return json_stream_finish(&js);
}

/* Calls fn with each stack of the diff as folded and svg draw it: frame
 * names root first (goroutines: "[state]" as the leaf-most element), the
 * BASE and NEW values; stacks zero in both are skipped. */
typedef int (*stack_fn)(void *ctx, const char *const *frames, size_t n,
			int64_t base, int64_t new_);

static int each_stack(const struct diff *d, stack_fn fn, void *ctx)
{
	const struct site_table *t = d->sites;
	struct strbuf state = STRBUF_INIT;
	const char **frames = NULL;
	size_t fcap = 0, i, k, n, cap = t->goroutines ? t->n : t->nstacks;
	int rc = 0;

	for (i = 0; i < cap && rc == 0; i++) {
		int64_t b, v;
		size_t want;

		if (t->goroutines)
			want = (t->list[i]->group ? t->list[i]->group->nframes : 0) + 1;
		else
			want = t->stacks[i]->n;
		if (want > fcap) {
			const char **m = realloc(frames, want * 2 * sizeof(*m));

			if (!m) {
				rc = -1;
				break;
			}
			frames = m;
			fcap = want * 2;
		}
		n = 0;
		if (t->goroutines) {
			const struct site *s = t->list[i];
			const struct ggroup *g = s->group;
			const char *st = g ? ggroup_state(g) : "";

			b = s->flat[0];
			v = s->flat[1];
			for (k = g ? g->nframes : 0; k-- > 0; )
				frames[n++] = g->frames[k].func;
			if (*st) {
				strbuf_reset(&state);
				strbuf_addf(&state, "[%s]", st);
				frames[n++] = state.buf;
			}
		} else {
			const struct site_stack *st = t->stacks[i];

			b = st->values[0];
			v = st->values[1];
			for (k = st->n; k-- > 0; )
				frames[n++] = t->list[st->ids[k]]->name;
		}
		if (!b && !v)
			continue;
		rc = fn(ctx, frames, n, b, v);
	}
	free(frames);
	strbuf_release(&state);
	return rc;
}

struct folded_line {
	char *stack;
	int64_t base, new_;
};

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(((const struct folded_line *)a)->stack,
		      ((const struct folded_line *)b)->stack);
}

struct folded_ctx {
	struct folded_line *lines;
	size_t n;
	struct strbuf sb;
};

static int add_folded(void *ctx, const char *const *frames, size_t n,
		      int64_t base, int64_t new_)
{
	struct folded_ctx *c = ctx;
	size_t i;

	strbuf_reset(&c->sb);
	for (i = 0; i < n; i++)
		strbuf_addf(&c->sb, "%s%s", i ? ";" : "", frames[i]);
	c->lines[c->n].stack = strdup(c->sb.buf);
	if (!c->lines[c->n].stack)
		return -1;
	c->lines[c->n].base = base;
	c->lines[c->n].new_ = new_;
	c->n++;
	return 0;
}

int diff_write_folded(FILE *fp, const struct diff *d, const struct diff_meta *m)
{
	const struct site_table *t = d->sites;
	size_t i, cap = t->goroutines ? t->n : t->nstacks;
	struct folded_ctx c = { calloc(cap + 1, sizeof(struct folded_line)), 0,
				STRBUF_INIT };
	int rc = -1;

	(void)m;
	if (!c.lines)
		return -1;
	if (each_stack(d, add_folded, &c) < 0)
		goto out;
	qsort(c.lines, c.n, sizeof(*c.lines), cmp_lines);
	/* stacks that print the same (frames that differ only in line or
	 * offset) are one line, as flamegraph.pl would add them up */
	for (i = 0; i < c.n; i++) {
		int64_t b = c.lines[i].base, v = c.lines[i].new_;

		while (i + 1 < c.n && !strcmp(c.lines[i].stack, c.lines[i + 1].stack)) {
			i++;
			b += c.lines[i].base;
			v += c.lines[i].new_;
		}
		fprintf(fp, "%s %" PRId64 " %" PRId64 "\n", c.lines[i].stack, b, v);
	}
	rc = 0;
out:
	for (i = 0; i < c.n; i++)
		free(c.lines[i].stack);
	free(c.lines);
	strbuf_release(&c.sb);
	return ferror(fp) ? -1 : rc;
}

static int add_flame(void *ctx, const char *const *frames, size_t n,
		     int64_t base, int64_t new_)
{
	return flame_add(ctx, frames, NULL, n, new_, base);
}

int diff_write_svg(FILE *fp, const struct diff *d, const struct diff_meta *m)
{
	struct strbuf title = STRBUF_INIT, sub = STRBUF_INIT;
	struct flame_svg_options so = { NULL, NULL, m->sample_type.unit, 0 };
	char b[UNITS_LABEL_MAX + 1], v[UNITS_LABEL_MAX + 1], dl[UNITS_LABEL_MAX + 1];
	struct flame f;
	int rc = -1;

	if (flame_init(&f, true) < 0)
		return -1;
	if (each_stack(d, add_flame, &f) < 0)
		goto out;
	strbuf_addf(&title, "%s diff: %s -> %s", m->kind, m->base_path, m->new_path);
	strbuf_addf(&sub, "%s: %s -> %s (%s)%s; widths from NEW, red grew, blue "
		    "shrank; click to zoom, Search (Ctrl-F) to highlight",
		    m->sample_type.type,
		    diff_format_value(b, d->base_total, m->sample_type.unit, false),
		    diff_format_value(v, d->new_total, m->sample_type.unit, false),
		    diff_format_value(dl, d->new_total - d->base_total,
				      m->sample_type.unit, true),
		    m->normalized ? ", NEW normalized" : "");
	so.title = title.buf;
	so.subtitle = sub.buf;
	rc = flame_write_svg(fp, &f, &so);
out:
	flame_release(&f);
	strbuf_release(&title);
	strbuf_release(&sub);
	return rc;
}
