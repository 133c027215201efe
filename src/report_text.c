/* report_text.c - pprof's -top text report */
#include "report.h"

#include <string.h>
#include <time.h>

#include "goconv.h"
#include "sites.h"
#include "units.h"

const char *report_output_unit(const struct graph *g)
{
	int64_t min = 0;
	size_t i;

	if (g->nrows == 0)
		return "minimum";
	for (i = 0; i < g->nrows; i++) {
		const struct graph_node *n = &g->nodes[g->rows[i]];
		int64_t v = n->flat < 0 ? -n->flat : n->flat;

		if (v == 0)
			v = n->cum < 0 ? -n->cum : n->cum;
		if (v > 0 && (min == 0 || v < min))
			min = v;
	}
	return units_select(min, g->total, g->sample_type.unit);
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

/* Go's time.Format("Jan 2, 2006 at 3:04pm (MST)") in local time. */
static void format_time(char *buf, size_t size, int64_t nanos)
{
	time_t t = (time_t)(nanos / 1000000000);
	struct tm tm;
	char zone[64];
	int hour;

	if (nanos < 0 && nanos % 1000000000)
		t--;
	localtime_r(&t, &tm);
	strftime(zone, sizeof(zone), "%Z", &tm);
	hour = tm.tm_hour % 12;
	if (hour == 0)
		hour = 12;
	strftime(buf, size, "%b", &tm);
	snprintf(buf + strlen(buf), size - strlen(buf), " %d, %d at %d:%02d%s (%s)",
		 tm.tm_mday, tm.tm_year + 1900, hour, tm.tm_min,
		 tm.tm_hour < 12 ? "am" : "pm", zone);
}

int report_text(FILE *fp, const struct graph *g, const struct report_options *o)
{
	const struct profile *p = g->view->profile;
	const char *unit = g->sample_type.unit;
	const char *out_unit = report_output_unit(g);
	char a[UNITS_LABEL_MAX], b[UNITS_LABEL_MAX], c[UNITS_LABEL_MAX];
	char d[UNITS_LABEL_MAX], e[UNITS_LABEL_MAX];
	int64_t sum = 0;
	size_t i;

	/* ProfileLabels */
	if (p->nmappings > 0) {
		if (*p->mappings[0].filename)
			fprintf(fp, "File: %s\n", base(p->mappings[0].filename));
		if (*p->mappings[0].build_id)
			fprintf(fp, "Build ID: %s\n", p->mappings[0].build_id);
	}
	for (i = 0; i < p->ncomments; i++)
		if (p->comments[i][0] != '#')
			fprintf(fp, "%s\n", p->comments[i]);
	if (*g->sample_type.type)
		fprintf(fp, "Type: %s\n", g->sample_type.type);
	if (p->time_nanos != 0) {
		char buf[128];

		format_time(buf, sizeof(buf), p->time_nanos);
		fprintf(fp, "Time: %s\n", buf);
	}
	if (p->duration_nanos != 0) {
		const char *tu;
		double tn = units_scale(g->total, unit, "nanoseconds", &tu);
		char ratio[UNITS_LABEL_MAX + 2] = "";

		if (!strcmp(tu, "ns") && tn != 0)
			snprintf(ratio, sizeof(ratio), "(%s)",
				 units_percentage(e, go_f2i(tn), p->duration_nanos));
		fprintf(fp, "Duration: %s, Total samples = %s %s\n",
			units_label(a, p->duration_nanos, "nanoseconds", "auto"),
			units_label(b, g->total, unit, out_unit), ratio);
	}
	if (o && o->nactive_filters) {
		fputs("Active filters:\n", fp);
		for (i = 0; i < o->nactive_filters; i++) {
			const char *s = o->active_filters[i];

			if (strlen(s) > 80)
				fprintf(fp, "   %.80s\xe2\x80\xa6\n", s);
			else
				fprintf(fp, "   %s\n", s);
		}
	}
	units_percentage(c, g->flat_sum, g->total);
	fprintf(fp, "Showing nodes accounting for %s, %s of %s total\n",
		units_label(a, g->flat_sum, unit, out_unit),
		c + strspn(c, " "), units_label(b, g->total, unit, out_unit));
	if (g->total != 0) {
		if (g->dropped_nodes > 0) {
			int64_t cut = go_f2i((double)g->total * g->opts.node_fraction);

			fprintf(fp, "Dropped %zu node%s (cum <= %s)\n", g->dropped_nodes,
				g->dropped_nodes > 1 ? "s" : "",
				units_label(a, cut < 0 ? -cut : cut, unit, out_unit));
		}
		if (g->nrows > 0 && g->nrows < g->orig_count)
			fprintf(fp, "Showing top %zu nodes out of %zu\n", g->nrows,
				g->orig_count);
	}
	fprintf(fp, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum",
		"cum", "cum");
	for (i = 0; i < g->nrows; i++) {
		const struct graph_node *n = &g->nodes[g->rows[i]];
		const char *inl = graph_inline_label(n);

		sum += n->flat;
		/* with colour, the service's own functions in bold cyan */
		bool own = o && o->color && dump_func_is_user(NULL, n->info.name);

		fprintf(fp, "%10s %s %s %10s %s  %s%s%s%s%s\n",
			units_label(a, n->flat, unit, out_unit),
			units_percentage(b, n->flat, g->total),
			units_percentage(c, sum, g->total),
			units_label(d, n->cum, unit, out_unit),
			units_percentage(e, n->cum, g->total),
			own ? "\033[1;36m" : "", n->printable, own ? "\033[0m" : "",
			*inl ? " " : "", inl);
	}
	return ferror(fp) ? -1 : 0;
}
