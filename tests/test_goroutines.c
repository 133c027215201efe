/* test_goroutines.c - grouping, ids, benign detection, stuck score */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "goroutines.h"
#include "strbuf.h"

static struct goroutine_groups groups;
static struct ls_error err;

static int add(const struct goroutine *g, void *ctx)
{
	(void)ctx;
	return goroutine_groups_add(&groups, g, &err);
}

/* groups borrow the parser's strings: it lives until the next parse */
static struct dump_parser parser;

static void parse(const char *text)
{
	dump_parser_release(&parser);
	goroutine_groups_init(&groups);
	dump_parser_init(&parser, "t", add, NULL, NULL);
	assert_int_equal(dump_parse_buffer(&parser, text, strlen(text), &err), 0);
	goroutine_groups_rank(&groups, NULL);
}

static int teardown(void **state)
{
	(void)state;
	dump_parser_release(&parser);
	return 0;
}

static void collect_id(uint64_t id, void *ctx)
{
	uint64_t **p = ctx;

	*(*p)++ = id;
}

static void test_goroutines__group_ignores_args_and_parent(void **state)
{
	uint64_t ids[8], *p = ids;

	(void)state;
	parse("goroutine 5 [chan receive, 2 minutes]:\nmain.w(0x1)\n\t/a.go:3 +0x1\n"
	      "created by main.main in goroutine 1\n\t/a.go:9 +0x2\n\n"
	      "goroutine 1000 [chan receive, 7 minutes]:\nmain.w(0x2)\n\t/a.go:3 +0x5\n"
	      "created by main.main in goroutine 4\n\t/a.go:9 +0x2\n\n"
	      "goroutine 6 [chan receive]:\nmain.w(0x2)\n\t/a.go:4 +0x5\n"
	      "created by main.main\n\t/a.go:9 +0x2\n");
	assert_int_equal(groups.total, 3);
	assert_int_equal(groups.n, 2);
	assert_int_equal(groups.list[0]->count, 2);
	assert_int_equal(groups.list[0]->wait_min, 2);
	assert_int_equal(groups.list[0]->wait_max, 7);
	ggroup_each_id(groups.list[0], collect_id, &p);
	assert_int_equal(p - ids, 2);
	assert_int_equal(ids[0], 5);
	assert_int_equal(ids[1], 1000);
	assert_int_equal(groups.list[0]->user_frame, 0);
	goroutine_groups_release(&groups);
}

/* Merging groups of another parser maps each of its strings to the
 * copy in the target's table: frames, created by and states alike. */
static void test_goroutines__merge_maps_strings(void **state)
{
	static const char a[] =
		"goroutine 1 [chan receive]:\nmain.w(0x1)\n\t/a.go:3 +0x1\n"
		"created by main.main\n\t/a.go:9 +0x2\n";
	static const char b[] =
		"goroutine 2 [chan receive]:\nmain.w(0x2)\n\t/a.go:3 +0x1\n"
		"created by main.main\n\t/a.go:9 +0x2\n\n"
		"goroutine 3 [select]:\nmain.v()\n\t/a.go:5 +0x1\n"
		"main.w(0x3)\n\t/a.go:3 +0x1\n";
	struct goroutine_groups first;
	struct dump_parser other;
	struct goroutine_str_map map;
	const struct ggroup *g;

	(void)state;
	parse(a);
	first = groups;
	goroutine_groups_init(&groups);
	dump_parser_init(&other, "u", add, NULL, NULL);
	assert_int_equal(dump_parse_buffer(&other, b, strlen(b), &err), 0);
	goroutine_str_map_init(&map, &parser.strings, &other.strings);
	assert_int_equal(goroutine_groups_merge(&first, &map, &groups, &err), 0);
	goroutine_str_map_release(&map);
	goroutine_groups_release(&groups);
	dump_parser_release(&other);	/* first keeps nothing of it */
	assert_int_equal(first.total, 3);
	assert_int_equal(first.n, 2);
	g = first.list[0];
	assert_int_equal(g->count, 2);
	assert_int_equal(g->nstates, 1);
	assert_ptr_equal(g->states[0].state,
			 intern_str(&parser.strings, "chan receive", 12));
	g = first.list[1];
	assert_int_equal(g->nframes, 2);
	assert_ptr_equal(g->frames[1].func, first.list[0]->frames[0].func);
	assert_ptr_equal(g->frames[1].file, first.list[0]->frames[0].file);
	assert_string_equal(g->frames[0].func, "main.v");
	assert_ptr_equal(g->frames[0].func, intern_str(&parser.strings, "main.v", 6));
	assert_string_equal(g->states[0].state, "select");
	goroutine_groups_release(&first);
}

/* Merging the groups of the same strings (the parser's own, or a table
 * shared with it) moves the groups new to the target, in order, and
 * merges the others; the groups merged from are only released. */
static void test_goroutines__merge_moves_groups(void **state)
{
	static const char a[] =
		"goroutine 1 [chan receive]:\nmain.w(0x1)\n\t/a.go:3 +0x1\n"
		"created by main.main\n\t/a.go:9 +0x2\n\n";
	static const char b[] =
		"goroutine 3 [select]:\nmain.v()\n\t/a.go:5 +0x1\n\n"
		"goroutine 2 [chan receive, 4 minutes]:\nmain.w(0x2)\n\t/a.go:3 +0x1\n"
		"created by main.main\n\t/a.go:9 +0x2\n\n"
		"goroutine 4 [running]:\nmain.u()\n\t/a.go:7 +0x1\n";
	static const char c[] = "\ngoroutine 9 [select]:\nmain.v()\n\t/a.go:5 +0x1\n";
	struct goroutine_groups first;
	struct goroutine_str_map map;
	struct ggroup *v, *u;
	uint64_t ids[4], *p = ids;

	(void)state;
	parse(a);	/* ranked: the table is rebuilt by the merge */
	first = groups;
	goroutine_groups_init(&groups);
	assert_int_equal(dump_parse_buffer(&parser, b, strlen(b), &err), 0);
	assert_int_equal(groups.n, 3);
	v = groups.list[0];
	u = groups.list[2];
	goroutine_str_map_init(&map, &parser.strings, &parser.strings);
	assert_int_equal(goroutine_groups_merge(&first, &map, &groups, &err), 0);
	goroutine_str_map_release(&map);
	assert_null(groups.list[0]);
	assert_non_null(groups.list[1]);
	assert_null(groups.list[2]);
	goroutine_groups_release(&groups);
	assert_int_equal(first.total, 4);
	assert_int_equal(first.n, 3);
	assert_ptr_equal(first.list[1], v);
	assert_ptr_equal(first.list[2], u);
	assert_int_equal(v->seq, 1);
	assert_int_equal(u->seq, 2);
	assert_int_equal(first.list[0]->count, 2);
	assert_int_equal(first.list[0]->wait_max, 4);
	ggroup_each_id(first.list[0], collect_id, &p);
	assert_int_equal(p - ids, 2);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 2);
	/* a stack seen again finds the moved group through the table */
	groups = first;
	assert_int_equal(dump_parse_buffer(&parser, c, strlen(c), &err), 0);
	assert_int_equal(groups.n, 3);
	assert_int_equal(v->count, 2);
	goroutine_groups_release(&groups);
}

static void test_goroutines__nil_chan_outranks_count(void **state)
{
	(void)state;
	parse("goroutine 1 [chan receive (nil chan)]:\nmain.a()\n\t/a.go:1 +0x1\n\n"
	      "goroutine 2 [chan receive]:\nmain.b()\n\t/a.go:2 +0x1\n\n"
	      "goroutine 3 [chan receive]:\nmain.b()\n\t/a.go:2 +0x1\n\n");
	assert_string_equal(groups.list[0]->frames[0].func, "main.a");
	assert_true(groups.list[0]->score > groups.list[1]->score);
	goroutine_groups_release(&groups);
}

static void test_goroutines__benign_last(void **state)
{
	(void)state;
	parse("goroutine 7 [IO wait]:\ninternal/poll.runtime_pollWait(0x1, 0x72)\n\t/n.go:1 +0x1\n"
	      "net.(*TCPListener).Accept(0x1)\n\t/t.go:2 +0x1\n\n"
	      "goroutine 8 [IO wait]:\ninternal/poll.runtime_pollWait(0x1, 0x72)\n\t/n.go:1 +0x1\n"
	      "net.(*TCPListener).Accept(0x1)\n\t/t.go:2 +0x1\n\n"
	      "goroutine 2 [sleep]:\ntime.Sleep(0x1)\n\t/s.go:1 +0x1\nmain.s()\n\t/a.go:2 +0x1\n\n");
	assert_false(groups.list[0]->benign);
	assert_true(groups.list[1]->benign);
	assert_int_equal(groups.list[0]->user_frame, 1);
	goroutine_groups_release(&groups);
}

/* Every function that marks a goroutine benign does so at any depth,
 * in any state; a name that only starts like one does not. */
static void test_goroutines__benign_funcs(void **state)
{
	static const char *const benign[] = {
		"os/signal.signal_recv", "os/signal.loop",
		"net/http.(*persistConn).readLoop",
		"net/http.(*persistConn).writeLoop",
		"runtime/pprof.writeGoroutineStacks", "runtime.ensureSigM.func1",
		"runtime.forcegchelper", "runtime.bgsweep", "runtime.bgscavenge",
		"runtime.runfinq", "runtime.gcBgMarkWorker", "runtime.timerproc",
	};
	struct dump_frame frames[3];
	size_t i;

	(void)state;
	memset(frames, 0, sizeof(frames));
	frames[0].func = "runtime.gopark";
	frames[1].func = "main.worker";
	for (i = 0; i < sizeof(benign) / sizeof(benign[0]); i++) {
		char longer[128];

		frames[2].func = benign[i];
		assert_true(goroutine_is_benign(frames, 3, NULL, "select"));
		snprintf(longer, sizeof(longer), "%sX", benign[i]);
		frames[2].func = longer;
		assert_false(goroutine_is_benign(frames, 3, NULL, "select"));
	}
}

static void test_goroutines__parse_wait(void **state)
{
	int64_t m;

	(void)state;
	assert_int_equal(goroutine_parse_wait("5m", &m), 0);
	assert_int_equal(m, 5);
	assert_int_equal(goroutine_parse_wait("1h30m", &m), 0);
	assert_int_equal(m, 90);
	assert_int_equal(goroutine_parse_wait("90s", &m), 0);
	assert_int_equal(m, 2);
	assert_int_equal(goroutine_parse_wait("7", &m), 0);
	assert_int_equal(m, 7);
	assert_int_equal(goroutine_parse_wait("x", &m), -1);
	assert_int_equal(goroutine_parse_wait("5d", &m), -1);
	assert_int_equal(goroutine_parse_wait("1e999h", &m), -1);
	assert_int_equal(goroutine_parse_wait("99999999999999999999h", &m), -1);
}

static void test_goroutines__state_weight(void **state)
{
	(void)state;
	assert_true(goroutine_state_weight("select (no cases)") > goroutine_state_weight("select"));
	assert_true(goroutine_state_weight("chan send") > goroutine_state_weight("running"));
}

static void test_goroutines__dump_to_profile(void **state)
{
	const char *text =
		"goroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n\n"
		"goroutine 5 [chan send]:\nmain.w()\n\t/a.go:2 +0x1\nmain.r()\n\t/a.go:3 +0x1\n\n"
		"goroutine 6 [chan send]:\nmain.w()\n\t/a.go:2 +0x1\nmain.r()\n\t/a.go:3 +0x1\n";
	struct profile p;
	int64_t total = 0;
	size_t i;

	(void)state;
	profile_init(&p);
	assert_int_equal(goroutines_dump_to_profile(&p, "t", text, strlen(text), 0, &err), 0);
	assert_int_equal(p.nsample_types, 1);
	assert_string_equal(p.sample_types[0].type, "goroutine");
	assert_int_equal(p.nsamples, 2);
	assert_int_equal(p.nlocations, 3);
	for (i = 0; i < p.nsamples; i++)
		total += p.samples[i].values[0];
	assert_int_equal(total, 3);
	assert_string_equal(profile_location(&p, &p.samples[1], 0)->lines[0].function->name, "main.w");
	profile_release(&p);
}

/* The JSON report of thousands of groups, written by several threads in
 * runs and rounds (LEAKSCOPE_THREADS=3, set in main), is one document
 * laid out as jansson lays it out, with every group and id. */
/* Ranked on three threads (3000 groups: sorted in parts, then merged),
 * the groups are in one total order, whatever the thread count: score,
 * count, the ones with frames first, leaf function, first appearance.
 * Groups without frames (stack unavailable) tie with others on score
 * and count: compared by name only when both had one, the order was the
 * sort algorithm's. */
static void test_goroutines__rank_total_order(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned id;
	size_t i, bare = 0;

	(void)state;
	for (id = 1; id <= 6000; id++) {
		unsigned k = id * 7919 % 3000;

		strbuf_addf(&sb, "goroutine %u [%s]:\n", id,
			    k % 4 ? "running" : "runnable");
		if (k % 5 == 0)	/* a group by its created by */
			strbuf_addf(&sb, "goroutine running on other thread; "
				    "stack unavailable\ncreated by main.s%u\n"
				    "\t/src/s.go:%u +0x1\n\n", k % 7, k);
		else
			strbuf_addf(&sb, "pkg.f%u(0x1)\n\t/src/p/f.go:%u +0x1d\n\n",
				    k % 50, k);
	}
	parse(sb.buf);
	strbuf_release(&sb);
	assert_true(groups.n > 1024);	/* ranked in parts */
	for (i = 0; i < groups.n; i++) {
		const struct ggroup *x = groups.list[i], *y;

		bare += x->nframes == 0;
		if (i == 0)
			continue;
		y = groups.list[i - 1];
		assert_false(y->benign && !x->benign);
		if (y->benign != x->benign)
			continue;
		assert_true(y->score >= x->score);
		if (y->score != x->score)
			continue;
		assert_true(y->count >= x->count);
		if (y->count != x->count)
			continue;
		assert_false(!y->nframes && x->nframes);
		if (!y->nframes != !x->nframes)
			continue;
		if (y->nframes) {
			int c = strcmp(y->frames[0].func, x->frames[0].func);

			assert_true(c <= 0);
			if (c)
				continue;
		}
		assert_true(y->seq < x->seq);
	}
	assert_true(bare > 100);
	goroutine_groups_release(&groups);
}

static void test_goroutines__json_in_runs(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct goroutines_meta meta;
	json_t *root, *list;
	json_error_t jerr;
	char *out = NULL, *want;
	size_t outlen = 0, i, ids = 0;
	FILE *fp;
	unsigned id;

	(void)state;
	for (id = 1; id <= 30000; id++) {
		unsigned k = id * 7919 % 3000;

		strbuf_addf(&sb, "goroutine %u [%s, %u minutes]:\n", id,
			    id % 3 ? "select" : "chan receive", id % 7);
		strbuf_addf(&sb, "pkg%u.leaf%u(0x1)\n\t/src/p/leaf.go:%u +0x1d\n",
			    k % 7, k, 10 + k % 5);
		strbuf_addf(&sb, "main.mid%u(...)\n\t/src/main/\"q\"\\mid.go:%u\n"
			    "created by main.start in goroutine 1\n"
			    "\t/src/main/start.go:30 +0x88\n\n", k % 11, 20 + k % 3);
	}
	parse(sb.buf);
	strbuf_release(&sb);
	assert_int_equal(groups.n, 3000);
	memset(&meta, 0, sizeof(meta));
	meta.source = "t";
	meta.reason = "";
	fp = open_memstream(&out, &outlen);
	assert_non_null(fp);
	assert_int_equal(goroutines_write_json(fp, &groups, &meta), 0);
	assert_int_equal(fclose(fp), 0);
	root = json_loads(out, 0, &jerr);
	assert_non_null(root);
	want = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				JSON_REAL_PRECISION(15));
	assert_non_null(want);
	assert_int_equal(strlen(out), strlen(want) + 1);
	assert_memory_equal(out, want, strlen(want));
	list = json_object_get(root, "groups");
	assert_int_equal(json_array_size(list), 3000);
	for (i = 0; i < json_array_size(list); i++) {
		json_t *g = json_array_get(list, i);
		json_t *f0 = json_array_get(json_object_get(g, "frames"), 0);

		/* in rank order */
		assert_int_equal(json_integer_value(json_object_get(g, "count")),
				 groups.list[i]->count);
		assert_string_equal(json_string_value(json_object_get(f0, "func")),
				    groups.list[i]->frames[0].func);
		ids += json_array_size(json_object_get(g, "ids"));
	}
	assert_int_equal(ids, 30000);
	free(want);
	json_decref(root);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goroutines__group_ignores_args_and_parent),
		cmocka_unit_test(test_goroutines__merge_maps_strings),
		cmocka_unit_test(test_goroutines__merge_moves_groups),
		cmocka_unit_test(test_goroutines__nil_chan_outranks_count),
		cmocka_unit_test(test_goroutines__benign_last),
		cmocka_unit_test(test_goroutines__benign_funcs),
		cmocka_unit_test(test_goroutines__parse_wait),
		cmocka_unit_test(test_goroutines__state_weight),
		cmocka_unit_test(test_goroutines__dump_to_profile),
		cmocka_unit_test(test_goroutines__rank_total_order),
		cmocka_unit_test(test_goroutines__json_in_runs),
	};

	/* before anything asks workers_count(), which keeps its answer */
	setenv("LEAKSCOPE_THREADS", "3", 1);

	dump_parser_init(&parser, "t", NULL, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, teardown);
}
