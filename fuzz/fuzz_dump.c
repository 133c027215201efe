/* fuzz_dump.c - libFuzzer harness: the goroutine dump parser, both ways in
 *
 * The same bytes go through dump_parse_buffer (in memory) and through
 * dump_parse_file (input_getline, line by line, as goroutines and grep
 * stream it); both must count the same goroutines and dumps. The groups of
 * the buffer parse are ranked and written in every format, and the dump is
 * converted to a profile as top and diff see it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dump.h"
#include "fuzz_common.h"
#include "fuzz_memfd.h"
#include "goroutines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct goroutine_groups groups;
	struct ls_error *err;
	size_t frames;
};

static int on_goroutine(const struct goroutine *g, void *arg)
{
	struct ctx *c = arg;
	size_t i;

	/* touch every string the callback is promised */
	c->frames += strlen(g->header) + strlen(g->state);
	for (i = 0; i < g->nframes; i++)
		c->frames += strlen(g->frames[i].func) + strlen(g->frames[i].file) +
			     strlen(g->frames[i].args);
	if (g->has_created_by)
		c->frames += strlen(g->created_by.func) + strlen(g->created_by.file);
	return goroutine_groups_add(&c->groups, g, c->err);
}

static int on_dump(size_t index, void *arg)
{
	struct ctx *c = arg;

	(void)index;
	goroutine_groups_reset(&c->groups);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dump_parser a, b;
	struct goroutine_filter gf;
	struct goroutines_meta meta;
	struct ls_error err;
	struct profile prof;
	struct ctx c;
	int ra, rb;

	/* gzip goes through input.c only; keep the comparison fair */
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return 0;
	memset(&c, 0, sizeof(c));
	memset(&gf, 0, sizeof(gf));
	goroutine_groups_init(&c.groups);
	c.err = &err;
	ls_error_init(&err, "fuzz.txt");
	dump_parser_init(&a, "fuzz.txt", on_goroutine, on_dump, &c);
	ra = dump_parse_buffer(&a, (const char *)data, size, &err);
	if (ra < 0 && !ls_error_is_set(&err))
		abort();
	if (ra == 0) {
		goroutine_groups_rank(&c.groups, &gf);
		memset(&meta, 0, sizeof(meta));
		meta.source = "fuzz";
		meta.ndumps = a.ndumps;
		meta.dump = a.ndumps;
		meta.reason = a.ndumps ? a.dumps[a.ndumps - 1].reason : "";
		meta.truncated = a.ndumps && a.dumps[a.ndumps - 1].truncated;
		goroutines_write_text(fuzz_null(), &c.groups, &meta);
		goroutines_write_json(fuzz_null(), &c.groups, &meta);
		goroutines_write_folded(fuzz_null(), &c.groups, &meta);
	}

	dump_parser_init(&b, "fuzz.txt", NULL, NULL, NULL);
	ls_error_init(&err, "fuzz.txt");
	rb = dump_parse_file(&b, fuzz_memfd_path(0, data, size), FUZZ_MAX_INPUT, &err);
	if (ra == 0 && rb == 0 &&
	    (a.total != b.total || a.ndumps != b.ndumps || a.lineno != b.lineno))
		abort();	/* the two ways in disagree */

	profile_init(&prof);
	if (goroutines_dump_to_profile(&prof, "fuzz.txt", (const char *)data, size,
				       0, &err) == 0)
		fuzz_use_profile(&prof);
	profile_release(&prof);

	dump_parser_release(&b);
	dump_parser_release(&a);
	goroutine_groups_release(&c.groups);
	return 0;
}
