/* report_json.c - the top report as JSON, exact integers */
#include "report.h"

#include "json_stream.h"

static void row_json(struct json_stream *js, const struct graph_node *n)
{
	const char *inl = graph_inline_label(n);

	json_stream_begin_object(js);
	json_stream_member_string(js, "name", n->printable);
	json_stream_member_integer(js, "flat", n->flat);
	json_stream_member_integer(js, "cum", n->cum);
	if (*inl)
		json_stream_member_string(js, "inline", inl);
	json_stream_end_object(js);
}

/* Row by row as it goes, in the layout json_dumpf() gave the whole
 * document with JSON_INDENT(2) | JSON_PRESERVE_ORDER (there are no reals);
 * stops early once a write fails. */
int report_json(FILE *fp, const struct graph *g, const struct report_options *o)
{
	struct json_stream js;
	size_t i;

	json_stream_init(&js, fp, 0);
	json_stream_begin_object(&js);
	json_stream_member_value_type(&js, "sample_type",
				      g->sample_type.type,
				      g->sample_type.unit);
	json_stream_member_integer(&js, "total", g->total);
	json_stream_member_integer(&js, "flat_sum", g->flat_sum);
	json_stream_member_integer(&js, "dropped_nodes",
				   (long long)g->dropped_nodes);
	if (o && o->nactive_filters) {
		json_stream_key(&js, "active_filters");
		json_stream_begin_array(&js);
		for (i = 0; i < o->nactive_filters; i++)
			json_stream_string(&js, o->active_filters[i]);
		json_stream_end_array(&js);
	}
	json_stream_key(&js, "rows");
	json_stream_begin_array(&js);
	for (i = 0; i < g->nrows && !ferror(fp); i++)
		row_json(&js, &g->nodes[g->rows[i]]);
	json_stream_end_array(&js);
	json_stream_end_object(&js);
	return json_stream_finish(&js);
}
