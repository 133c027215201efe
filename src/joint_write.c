/* joint_write.c - writers for the joint leak report: text, JSON */
#include "joint.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "diff.h"
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

static json_t *finding_json(const struct joint_finding *f)
{
	json_t *o = json_object(), *v = json_array();
	size_t i;

	json_object_set_new(o, "name", json_string(f->name));
	json_object_set_new(o, "user_frame", *f->user_frame ? json_string(f->user_frame) : json_null());
	json_object_set_new(o, "caller", *f->caller ? json_string(f->caller) : json_null());
	json_object_set_new(o, "path", *f->path ? json_string(f->path) : json_null());
	if (*f->state)
		json_object_set_new(o, "state", json_string(f->state));
	for (i = 0; i < f->nvalues; i++)
		json_array_append_new(v, json_integer(f->values[i]));
	json_object_set_new(o, "values", v);
	json_object_set_new(o, "growth", json_integer(f->growth));
	json_object_set_new(o, "slope", json_real(round(f->slope * 100) / 100));
	json_object_set_new(o, "class", json_string(f->cls));
	if (f->persistent >= 0)
		json_object_set_new(o, "persistent", json_integer(f->persistent));
	json_object_set_new(o, "verdict", json_string(f->verdict));
	json_object_set_new(o, "command", json_string(f->command));
	return o;
}

static json_t *section_json(const struct joint_section *s)
{
	json_t *o = json_object(), *a = json_array();
	size_t i;

	json_object_set_new(o, "method", json_string(s->method));
	json_object_set_new(o, "sample_type", json_string(s->sample_type.type));
	json_object_set_new(o, "snapshots", json_integer((json_int_t)s->nsnapshots));
	if (*s->note)
		json_object_set_new(o, "note", json_string(s->note));
	for (i = 0; i < s->nfindings; i++)
		json_array_append_new(a, finding_json(&s->findings[i]));
	json_object_set_new(o, "findings", a);
	return o;
}

int joint_write_json(FILE *fp, const struct joint_report *r)
{
	json_t *root = json_object(), *a = json_array(), *o;
	size_t i, k;
	int rc = -1;

	if (!root || !a)
		goto out;
	json_object_set_new(root, "order", json_string(r->order));
	for (i = 0; i < r->set->n; i++) {
		o = json_object();
		json_object_set_new(o, "kind", json_string(r->set->snaps[i]->kind_name));
		json_object_set_new(o, "file", json_string(r->set->snaps[i]->path));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "snapshots", a);
	json_object_set_new(root, "heap", section_json(&r->heap));
	json_object_set_new(root, "goroutine", section_json(&r->goroutine));
	a = json_array();
	for (i = 0; i < r->nboth; i++) {
		o = json_object();
		json_object_set_new(o, "func", json_string(r->both[i].func));
		json_object_set_new(o, "heap_site", json_string(r->both[i].heap->name));
		json_object_set_new(o, "goroutine_group", json_string(r->both[i].goroutine->name));
		json_object_set_new(o, "verdict", json_string(r->both[i].verdict));
		json_object_set_new(o, "command", json_string(r->both[i].command));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "both", a);
	a = json_array();
	for (i = 0; i < r->ncontention; i++) {
		const struct joint_contention *c = &r->contention[i];
		json_t *top = json_array();

		o = json_object();
		json_object_set_new(o, "kind", json_string(c->kind));
		json_object_set_new(o, "file", json_string(c->path));
		json_object_set_new(o, "sample_type", json_string(c->sample_type.type));
		json_object_set_new(o, "total", json_integer(c->total));
		for (k = 0; k < c->ntop; k++) {
			json_t *t = json_object();

			json_object_set_new(t, "func", json_string(c->top[k].func));
			json_object_set_new(t, "value", json_integer(c->top[k].value));
			json_object_set_new(t, "share", json_real(round(c->top[k].share * 10000) / 10000));
			json_object_set_new(t, "path", json_string(c->top[k].path));
			json_array_append_new(top, t);
		}
		json_object_set_new(o, "top", top);
		json_object_set_new(o, "verdict", json_string(c->verdict));
		json_object_set_new(o, "command", json_string(c->command));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "contention", a);
	a = NULL;
	if (json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) == 0 &&
	    fputc('\n', fp) != EOF)
		rc = 0;
out:
	json_decref(a);
	json_decref(root);
	return ferror(fp) ? -1 : rc;
}
