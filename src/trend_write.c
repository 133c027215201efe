/* trend_write.c - writers for a trend: text with sparklines, JSON */
#include "trend.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "json_stream.h"
#include "units.h"

const char *trend_sparkline(char *buf, const int64_t *values, size_t n,
			    bool utf8)
{
	static const char *const bars[8] = {
		"\u2581", "\u2582", "\u2583", "\u2584",
		"\u2585", "\u2586", "\u2587", "\u2588",
	};
	static const char ascii[] = "_.-:=+*#";
	int64_t lo = values[0], hi = values[0];
	char *p = buf;
	size_t i;

	for (i = 1; i < n; i++) {
		if (values[i] < lo)
			lo = values[i];
		if (values[i] > hi)
			hi = values[i];
	}
	for (i = 0; i < n; i++) {
		int level = hi == lo ? 0
			  : (int)floor((double)(values[i] - lo) * 7.0 /
				       (double)(hi - lo) + 0.5);

		if (utf8) {
			memcpy(p, bars[level], 3);
			p += 3;
		} else {
			*p++ = ascii[level];
		}
	}
	*p = '\0';
	return buf;
}

static size_t nshown(const struct trend *tr, const struct trend_meta *m)
{
	return m->limit && m->limit < tr->nrows ? m->limit : tr->nrows;
}

static void slope_label(char *buf, double slope, const char *unit)
{
	char v[UNITS_LABEL_MAX + 1];
	int64_t s = (int64_t)llround(slope);

	diff_format_value(v, s, unit, true);
	snprintf(buf, UNITS_LABEL_MAX + 1, "%s", v);
}

/* growing red, shrinking blue, plateau yellow, noise dim */
static const char *class_color(enum trend_class c)
{
	switch (c) {
	case TREND_GROWING: return "\033[1;31m";
	case TREND_SHRINKING: return "\033[34m";
	case TREND_PLATEAU: return "\033[33m";
	default: return "\033[2m";
	}
}

int trend_write_text(FILE *fp, const struct trend *tr, const struct trend_meta *m)
{
	const char *unit = m->sample_type.unit;
	size_t i, n = nshown(tr, m), ns = tr->sites->nsnap;
	char *spark = malloc(4 * ns + 1);
	char a[UNITS_LABEL_MAX + 1], b[UNITS_LABEL_MAX + 1], c[UNITS_LABEL_MAX + 1];
	char steps[32];

	if (!spark)
		return -1;
	fprintf(fp, "Snapshots: %zu %s, oldest first\n", m->npaths,
		!strcmp(m->kind, "goroutine") ? "goroutine snapshots"
		: "profiles");
	for (i = 0; i < m->npaths; i++)
		fprintf(fp, "  %zu  %s\n", i, m->paths[i]);
	fprintf(fp, "Type: %s (%s)", m->sample_type.type, m->cum ? "cum" : "flat");
	if (tr->noise.period > 1)
		fprintf(fp, "; noise floor from sampling period %s",
			diff_format_value(a, tr->noise.period,
					  tr->noise.bytes ? "bytes" : "count", false));
	if (n < tr->nrows)
		fprintf(fp, "; showing %zu of %zu rows", n, tr->nrows);
	fputs("\n", fp);
	fprintf(fp, "%-9s %10s %5s  %-*s %10s %10s  %s\n", "class", "slope",
		"grew", (int)ns, "trend", "first", "last", "name");
	for (i = 0; i < n; i++) {
		const struct trend_row *r = &tr->rows[i];
		const struct site *s = r->site;

		slope_label(a, r->slope, unit);
		snprintf(steps, sizeof(steps), "%zu/%zu", r->ups, ns - 1);
		trend_sparkline(spark, r->values, ns, m->utf8);
		fprintf(fp, "%s%-9s %10s%s %5s  %s%*s %10s %10s  %s\n",
			m->color ? class_color(r->cls) : "",
			trend_class_name(r->cls), a, m->color ? "\033[0m" : "",
			steps, spark,
			ns < 5 ? (int)(5 - ns) : 0, "",
			diff_format_value(b, r->values[0], unit, false),
			diff_format_value(c, r->values[ns - 1], unit, false),
			s->name);
		if ((r->cls == TREND_GROWING || r->cls == TREND_PLATEAU) &&
		    *s->path && (!tr->sites->goroutines || *s->user_frame)) {
			if (*s->user_frame)
				fprintf(fp, "%*s user: %s%s%s\n", 20, "", s->user_frame,
					*s->caller ? ", called from " : "", s->caller);
			fprintf(fp, "%*s path: %s\n", 20, "", s->path);
		}
	}
	free(spark);
	return ferror(fp) ? -1 : 0;
}

static void row_json(struct json_stream *js, const struct trend_row *r,
		     size_t ns)
{
	const struct site *s = r->site;
	size_t k;

	json_stream_begin_object(js);
	json_stream_member_string(js, "name", s->name);
	json_stream_key(js, "values");
	json_stream_begin_array(js);
	for (k = 0; k < ns; k++)
		json_stream_integer(js, r->values[k]);
	json_stream_end_array(js);
	json_stream_member_real(js, "slope", round(r->slope * 100) / 100);
	json_stream_member_integer(js, "steps_up", (long long)r->ups);
	json_stream_member_integer(js, "steps_down", (long long)r->downs);
	json_stream_member_integer(js, "growth", r->growth);
	json_stream_member_string(js, "class", trend_class_name(r->cls));
	json_stream_member_string_or_null(js, "user_frame", s->user_frame);
	json_stream_member_string_or_null(js, "caller", s->caller);
	json_stream_member_string_or_null(js, "path", s->path);
	json_stream_end_object(js);
}

/* Row by row as it goes, in the layout json_dumpf() gave the whole
 * document with JSON_INDENT(2) | JSON_PRESERVE_ORDER |
 * JSON_REAL_PRECISION(10); stops early once a write fails. */
int trend_write_json(FILE *fp, const struct trend *tr, const struct trend_meta *m)
{
	struct json_stream js;
	size_t i, n = nshown(tr, m);

	json_stream_init(&js, fp, 10);
	json_stream_begin_object(&js);
	json_stream_member_string(&js, "kind", m->kind);
	json_stream_member_value_type(&js, "sample_type",
				      m->sample_type.type,
				      m->sample_type.unit);
	json_stream_member_string(&js, "value", m->cum ? "cum" : "flat");
	json_stream_member_integer(&js, "noise_period", tr->noise.period);
	json_stream_key(&js, "snapshots");
	json_stream_begin_array(&js);
	for (i = 0; i < m->npaths; i++)
		json_stream_string(&js, m->paths[i]);
	json_stream_end_array(&js);
	json_stream_key(&js, "rows");
	json_stream_begin_array(&js);
	for (i = 0; i < n && !ferror(fp); i++)
		row_json(&js, &tr->rows[i], tr->sites->nsnap);
	json_stream_end_array(&js);
	json_stream_end_object(&js);
	return json_stream_finish(&js);
}

bool trend_locale_utf8(const char *lc_all, const char *lc_ctype,
		       const char *lang)
{
	const char *v = lc_all && *lc_all ? lc_all
		      : lc_ctype && *lc_ctype ? lc_ctype : lang;

	return v && (strcasestr(v, "utf-8") || strcasestr(v, "utf8"));
}
