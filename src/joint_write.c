/* joint_write.c - writers for the joint leak report: text, JSON */
#include "joint.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "diff.h"
#include "json_stream.h"
#include "units.h"

static void write_section(FILE *fp, const struct joint_section *s,
			  const char *title, bool color)
{
	char a[UNITS_LABEL_MAX + 1];
	size_t i;

	fprintf(fp, "\n%s", title);
	if (s->nsnapshots >= 2)
		fprintf(fp, " (%s of %s over %zu snapshots)", s->method,
			s->sample_type.type, s->nsnapshots);
	fputs(":\n", fp);
	if (*s->note) {
		fprintf(fp, "  %s\n", s->note);
		return;
	}
	if (!s->nfindings) {
		fputs("  nothing grows\n", fp);
		return;
	}
	for (i = 0; i < s->nfindings; i++) {
		const struct joint_finding *f = &s->findings[i];

		/* with colour: growth red, shrink blue */
		fprintf(fp, "  %zu. %s  %s%s%s\n", i + 1, f->name,
			!color ? "" : f->growth > 0 ? "\033[1;31m"
			: f->growth < 0 ? "\033[34m" : "",
			diff_format_value(a, f->growth, s->sample_type.unit, true),
			color && f->growth ? "\033[0m" : "");
		fprintf(fp, "     verdict: %s\n", f->verdict);
		if (*f->path)
			fprintf(fp, "     path:    %s\n", f->path);
		fprintf(fp, "     detail:  %s\n", f->command);
	}
}

int joint_write_text(FILE *fp, const struct joint_report *r, bool color)
{
	const struct snapshot_set *set = r->set;
	size_t i;

	fprintf(fp, "Snapshots (%zu, ordered by %s):\n", set->n, r->order);
	for (i = 0; i < set->n; i++)
		fprintf(fp, "  %-10s %s\n", set->snaps[i]->kind_name, set->snaps[i]->path);
	write_section(fp, &r->heap, "Growing heap sites", color);
	write_section(fp, &r->goroutine, "Growing goroutine groups", color);
	fputs("\nThe service's functions in both:\n", fp);
	if (!r->nboth)
		fputs(r->heap.nfindings && r->goroutine.nfindings
		      ? "  none: the growing heap and goroutine stacks share no function of the service\n"
		      : "  none\n", fp);
	for (i = 0; i < r->nboth; i++) {
		fprintf(fp, "  %zu. %s%s%s\n", i + 1, color ? "\033[1;36m" : "",
			r->both[i].func, color ? "\033[0m" : "");
		fprintf(fp, "     verdict: %s\n", r->both[i].verdict);
		fprintf(fp, "     detail:  %s\n", r->both[i].command);
	}
	for (i = 0; i < r->ncontention; i++) {
		const struct joint_contention *c = &r->contention[i];
		char a[UNITS_LABEL_MAX + 1];
		size_t k;

		fprintf(fp, "\nContention (%s profile, %s, %s):\n", c->kind,
			c->sample_type.type, c->path);
		fprintf(fp, "  verdict: %s\n", c->verdict);
		for (k = 0; k < c->ntop; k++)
			fprintf(fp, "  %5.1f%% %10s  %s\n", c->top[k].share * 100,
				diff_format_value(a, c->top[k].value, c->sample_type.unit, false),
				c->top[k].path);
		if (*c->command)
			fprintf(fp, "  detail:  %s\n", c->command);
	}
	return ferror(fp) ? -1 : 0;
}

static void finding_json(struct json_stream *js, const struct joint_finding *f)
{
	size_t i;

	json_stream_begin_object(js);
	json_stream_member_string(js, "name", f->name);
	json_stream_member_string_or_null(js, "user_frame", f->user_frame);
	json_stream_member_string_or_null(js, "caller", f->caller);
	json_stream_member_string_or_null(js, "path", f->path);
	if (*f->state)
		json_stream_member_string(js, "state", f->state);
	json_stream_key(js, "values");
	json_stream_begin_array(js);
	for (i = 0; i < f->nvalues; i++)
		json_stream_integer(js, f->values[i]);
	json_stream_end_array(js);
	json_stream_member_integer(js, "growth", f->growth);
	json_stream_member_real(js, "slope", round(f->slope * 100) / 100);
	json_stream_member_string(js, "class", f->cls);
	if (f->persistent >= 0)
		json_stream_member_integer(js, "persistent", f->persistent);
	json_stream_member_string(js, "verdict", f->verdict);
	json_stream_member_string(js, "command", f->command);
	json_stream_end_object(js);
}

static void section_json(struct json_stream *js, const struct joint_section *s)
{
	size_t i;

	json_stream_begin_object(js);
	json_stream_member_string(js, "method", s->method);
	json_stream_member_string(js, "sample_type", s->sample_type.type);
	json_stream_member_integer(js, "snapshots", (long long)s->nsnapshots);
	if (*s->note)
		json_stream_member_string(js, "note", s->note);
	json_stream_key(js, "findings");
	json_stream_begin_array(js);
	for (i = 0; i < s->nfindings; i++)
		finding_json(js, &s->findings[i]);
	json_stream_end_array(js);
	json_stream_end_object(js);
}

static void both_json(struct json_stream *js, const struct joint_report *r)
{
	size_t i;

	json_stream_begin_array(js);
	for (i = 0; i < r->nboth; i++) {
		json_stream_begin_object(js);
		json_stream_member_string(js, "func", r->both[i].func);
		json_stream_member_string(js, "heap_site",
					  r->both[i].heap->name);
		json_stream_member_string(js, "goroutine_group",
					  r->both[i].goroutine->name);
		json_stream_member_string(js, "verdict", r->both[i].verdict);
		json_stream_member_string(js, "command", r->both[i].command);
		json_stream_end_object(js);
	}
	json_stream_end_array(js);
}

static void contention_json(struct json_stream *js,
			    const struct joint_contention *c)
{
	size_t k;

	json_stream_begin_object(js);
	json_stream_member_string(js, "kind", c->kind);
	json_stream_member_string(js, "file", c->path);
	json_stream_member_string(js, "sample_type", c->sample_type.type);
	json_stream_member_integer(js, "total", c->total);
	json_stream_key(js, "top");
	json_stream_begin_array(js);
	for (k = 0; k < c->ntop; k++) {
		json_stream_begin_object(js);
		json_stream_member_string(js, "func", c->top[k].func);
		json_stream_member_integer(js, "value", c->top[k].value);
		json_stream_member_real(js, "share",
					round(c->top[k].share * 10000) / 10000);
		json_stream_member_string(js, "path", c->top[k].path);
		json_stream_end_object(js);
	}
	json_stream_end_array(js);
	json_stream_member_string(js, "verdict", c->verdict);
	json_stream_member_string(js, "command", c->command);
	json_stream_end_object(js);
}

/* Section by section as it goes, in the layout json_dumpf() gave the
 * whole document with JSON_INDENT(2) | JSON_PRESERVE_ORDER |
 * JSON_REAL_PRECISION(10). */
int joint_write_json(FILE *fp, const struct joint_report *r)
{
	struct json_stream js;
	size_t i;

	json_stream_init(&js, fp, 10);
	json_stream_begin_object(&js);
	json_stream_member_string(&js, "order", r->order);
	json_stream_key(&js, "snapshots");
	json_stream_begin_array(&js);
	for (i = 0; i < r->set->n; i++) {
		json_stream_begin_object(&js);
		json_stream_member_string(&js, "kind",
					  r->set->snaps[i]->kind_name);
		json_stream_member_string(&js, "file", r->set->snaps[i]->path);
		json_stream_end_object(&js);
	}
	json_stream_end_array(&js);
	json_stream_key(&js, "heap");
	section_json(&js, &r->heap);
	json_stream_key(&js, "goroutine");
	section_json(&js, &r->goroutine);
	json_stream_key(&js, "both");
	both_json(&js, r);
	json_stream_key(&js, "contention");
	json_stream_begin_array(&js);
	for (i = 0; i < r->ncontention; i++)
		contention_json(&js, &r->contention[i]);
	json_stream_end_array(&js);
	json_stream_end_object(&js);
	return json_stream_finish(&js);
}
