/* report_json.c - the top report as JSON (jansson), exact integers */
#include "report.h"

#include <jansson.h>

int report_json(FILE *fp, const struct graph *g, const struct report_options *o)
{
	json_t *root = json_object(), *rows = json_array(), *st = json_object();
	int rc = -1;
	size_t i;

	if (!root || !rows || !st)
		goto out;
	json_object_set_new(st, "type", json_string(g->sample_type.type));
	json_object_set_new(st, "unit", json_string(g->sample_type.unit));
	json_object_set_new(root, "sample_type", st);
	st = NULL;
	json_object_set_new(root, "total", json_integer(g->total));
	json_object_set_new(root, "flat_sum", json_integer(g->flat_sum));
	json_object_set_new(root, "dropped_nodes", json_integer((json_int_t)g->dropped_nodes));
	if (o && o->nactive_filters) {
		json_t *f = json_array();

		for (i = 0; i < o->nactive_filters; i++)
			json_array_append_new(f, json_string(o->active_filters[i]));
		json_object_set_new(root, "active_filters", f);
	}
	for (i = 0; i < g->nrows; i++) {
		const struct graph_node *n = &g->nodes[g->rows[i]];
		const char *inl = graph_inline_label(n);
		json_t *row = json_object();

		if (!row)
			goto out;
		json_object_set_new(row, "name", json_string(n->printable));
		json_object_set_new(row, "flat", json_integer(n->flat));
		json_object_set_new(row, "cum", json_integer(n->cum));
		if (*inl)
			json_object_set_new(row, "inline", json_string(inl));
		json_array_append_new(rows, row);
	}
	json_object_set_new(root, "rows", rows);
	rows = NULL;
	if (json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
	    fputc('\n', fp) != EOF)
		rc = 0;
out:
	json_decref(st);
	json_decref(rows);
	json_decref(root);
	return ferror(fp) ? -1 : rc;
}
