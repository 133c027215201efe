/* report_folded.c - one line per distinct stack, root first (FlameGraph) */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

struct folded {
	char *stack;
	int64_t value;
};

static int cmp_folded(const void *a, const void *b)
{
	return strcmp(((const struct folded *)a)->stack,
		      ((const struct folded *)b)->stack);
}

int report_folded(FILE *fp, const struct graph *g, const struct report_options *o)
{
	const struct profile_view *v = g->view;
	struct strbuf sb = STRBUF_INIT;
	struct folded *lines;
	struct arena a = ARENA_INIT;
	size_t n = 0, i, j, k;
	int rc = 0;

	(void)o;
	lines = malloc((v->nsamples + 1) * sizeof(*lines));
	if (!lines)
		return -1;
	for (i = 0; i < v->nsamples; i++) {
		const struct view_sample *s = &v->samples[i];
		int64_t w = s->sample->values[g->opts.sample_index];

		if (w == 0)
			continue;
		strbuf_reset(&sb);
		for (j = s->nlocations; j-- > 0; ) {
			size_t li = view_location_index(v, s->locations[j]);

			for (k = g->loc_nnodes[li]; k-- > 0; ) {
				if (sb.len)
					strbuf_addch(&sb, ';');
				strbuf_addstr(&sb, g->nodes[g->loc_nodes[li][k]].printable);
			}
		}
		lines[n].stack = arena_strndup(&a, sb.buf, sb.len);
		if (!lines[n].stack) {
			rc = -1;
			goto out;
		}
		lines[n++].value = w;
	}
	qsort(lines, n, sizeof(*lines), cmp_folded);
	for (i = 0; i < n; i = j) {
		int64_t sum = 0;

		for (j = i; j < n && !strcmp(lines[j].stack, lines[i].stack); j++)
			sum += lines[j].value;
		if (sum != 0 && *lines[i].stack)
			fprintf(fp, "%s %" PRId64 "\n", lines[i].stack, sum);
	}
	if (ferror(fp))
		rc = -1;
out:
	free(lines);
	arena_release(&a);
	strbuf_release(&sb);
	return rc;
}
