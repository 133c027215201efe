/* test_joint.c - the joint report: findings, verdicts, commands, functions in both */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "joint.h"
#include "profile_builder.h"

static char bufs[8][4096];

static char *data(int i, const char *name)
{
	const char *dir = getenv("LEAKSCOPE_TESTDATA");

	snprintf(bufs[i], sizeof(bufs[i]), "%s/profiles/%s", dir ? dir : "testdata", name);
	return bufs[i];
}

static void test_joint__quote_regex(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_string_equal(joint_quote_regex(&a, "main.(*Cache).Store.func1"),
			    "'^main\\.\\(\\*Cache\\)\\.Store\\.func1$'");
	assert_string_equal(joint_quote_regex(&a, "pkg.F[...]"), "'^pkg\\.F\\[\\.\\.\\.\\]$'");
	assert_string_equal(joint_quote_regex(&a, "it's"), "'^it'\\''s$'");
	arena_release(&a);
}

static void test_joint__testdata(void **state)
{
	char *paths[8];
	struct snapshot_set set;
	struct joint_report r;
	struct joint_options o = { NULL, 0, "name" };
	struct ls_error err;
	const struct joint_finding *f;

	(void)state;
	paths[0] = data(0, "heap_2.pb.gz");
	paths[1] = data(1, "heap_0.pb.gz");
	paths[2] = data(2, "heap_1.pb.gz");
	paths[3] = data(3, "heap_3.pb.gz");
	paths[4] = data(4, "goroutine_1.debug2.txt");
	paths[5] = data(5, "goroutine_0.debug2.txt");
	paths[6] = data(6, "mutex.pb.gz");
	paths[7] = data(7, "block.pb.gz");
	snapshot_set_init(&set);
	assert_int_equal(snapshot_set_load(&set, paths, 8, SNAP_ORDER_NAME, NULL, &err), 0);
	assert_int_equal(joint_build(&r, &set, &o, &err), 0);

	/* heap: a trend of four, ordered by name; growSlice grows by
	 * exactly 100 kB a step, blamed on the closure */
	assert_string_equal(r.heap.method, "trend");
	assert_int_equal(r.heap.nsnapshots, 4);
	assert_non_null(strstr(r.heap.paths[0], "heap_0"));
	assert_true(r.heap.nfindings >= 2);
	f = &r.heap.findings[0];
	assert_string_equal(f->name, "bytes.growSlice");
	assert_string_equal(f->user_frame, "main.(*Cache).Store.func1");
	assert_int_equal(f->values[1] - f->values[0], 102400);
	assert_int_equal(f->values[3] - f->values[2], 102400);
	assert_string_equal(f->cls, "growing");
	assert_non_null(strstr(f->verdict, "leak: grew at every step (3/3)"));
	assert_non_null(strstr(f->command, "leakscope diff --focus='^main\\.\\(\\*Cache\\)\\.Store\\.func1$' "));

	/* goroutines: a diff of two dumps; handleConn 3 -> 8, old ones kept */
	assert_string_equal(r.goroutine.method, "diff");
	assert_true(r.goroutine.nfindings >= 1);
	f = &r.goroutine.findings[0];
	assert_string_equal(f->name, "main.handleConn [chan receive]");
	assert_int_equal(f->growth, 5);
	assert_int_equal(f->persistent, 3);
	assert_non_null(strstr(f->verdict, "leak suspect: +5 goroutines (3 -> 8)"));
	assert_non_null(strstr(f->command, "leakscope goroutines --focus="));

	/* contention: mutex first, then block */
	assert_int_equal(r.ncontention, 2);
	assert_string_equal(r.contention[0].kind, "mutex");
	assert_string_equal(r.contention[1].kind, "block");
	assert_true(r.contention[0].ntop >= 1);
	assert_true(r.contention[0].top[0].share > 0.5);
	joint_release(&r);
	snapshot_set_release(&set);
}

static void test_joint__one_snapshot(void **state)
{
	char *paths[1];
	struct snapshot_set set;
	struct joint_report r;
	struct joint_options o = { NULL, 5, "given" };
	struct ls_error err;

	(void)state;
	paths[0] = data(0, "heap_0.pb.gz");
	snapshot_set_init(&set);
	assert_int_equal(snapshot_set_load(&set, paths, 1, SNAP_ORDER_GIVEN, NULL, &err), 0);
	assert_int_equal(joint_build(&r, &set, &o, &err), 0);
	assert_string_equal(r.heap.method, "none");
	assert_string_equal(r.heap.note, "one heap snapshot: nothing to compare");
	assert_string_equal(r.goroutine.note, "no goroutine snapshot");
	assert_int_equal(r.nboth, 0);
	assert_int_equal(r.ncontention, 0);
	joint_release(&r);
	snapshot_set_release(&set);
}

static int add_goroutine(const struct goroutine *g, void *ctx)
{
	struct snapshot *s = ctx;
	struct ls_error err;

	return goroutine_groups_add(&s->groups, g, &err);
}

/* A heap snapshot: main.worker -> bytes.growSlice holding v bytes. */
static struct snapshot *heap_snap(int i, int64_t v)
{
	struct snapshot *s = calloc(1, sizeof(*s));
	int fw, fg, lw, lg;

	s->path = strdup(i ? "heap_1" : "heap_0");
	s->kind = SNAP_HEAP;
	s->kind_name = "heap";
	s->have_profile = true;
	goroutine_groups_init(&s->groups);
	s->have_groups = true;
	tb_init(&s->prof, 2, "inuse_objects", "count", "inuse_space", "bytes");
	fw = tb_func(&s->prof, "main.worker", "/src/main.go");
	fg = tb_func(&s->prof, "bytes.growSlice", "/go/src/bytes/buffer.go");
	lw = tb_loc(&s->prof, -1, 0x10, 1, fw, 12);
	lg = tb_loc(&s->prof, -1, 0x20, 1, fg, 30);
	tb_sample(&s->prof, (int64_t[]){ 1, v }, 2, lg, lw);
	return s;
}

/* A dump with n goroutines of main.worker waiting in chan receive. */
static struct snapshot *dump_snap(int i, int n)
{
	struct snapshot *s = calloc(1, sizeof(*s));
	struct strbuf text = STRBUF_INIT;
	struct ls_error err;
	int k;

	for (k = 0; k < n; k++)
		strbuf_addf(&text, "goroutine %d [chan receive]:\nmain.worker()\n"
			    "\t/src/main.go:12 +0x1d\ncreated by main.main\n"
			    "\t/src/main.go:5 +0x2\n\n", k + 10);
	s->path = strdup(i ? "goroutine_1" : "goroutine_0");
	s->kind = SNAP_GOROUTINE;
	s->kind_name = "goroutine";
	s->has_ids = true;
	profile_init(&s->prof);
	goroutine_groups_init(&s->groups);
	s->have_groups = true;
	dump_parser_init(&s->parser, s->path, add_goroutine, NULL, s);
	s->have_dump = true;
	assert_int_equal(dump_parse_buffer(&s->parser, text.buf, text.len, &err), 0);
	goroutine_groups_rank(&s->groups, NULL);
	strbuf_release(&text);
	return s;
}

/* The JSON of the report with a function in both, byte for byte as
 * jansson's json_dumpf() wrote it before joint_write_json streamed it. */
static void check_json(const struct joint_report *r)
{
	static const char want[] =
		"{\n"
		"  \"order\": \"given\",\n"
		"  \"snapshots\": [\n"
		"    {\n"
		"      \"kind\": \"heap\",\n"
		"      \"file\": \"heap_0\"\n"
		"    },\n"
		"    {\n"
		"      \"kind\": \"goroutine\",\n"
		"      \"file\": \"goroutine_0\"\n"
		"    },\n"
		"    {\n"
		"      \"kind\": \"heap\",\n"
		"      \"file\": \"heap_1\"\n"
		"    },\n"
		"    {\n"
		"      \"kind\": \"goroutine\",\n"
		"      \"file\": \"goroutine_1\"\n"
		"    }\n"
		"  ],\n"
		"  \"heap\": {\n"
		"    \"method\": \"diff\",\n"
		"    \"sample_type\": \"inuse_space\",\n"
		"    \"snapshots\": 2,\n"
		"    \"findings\": [\n"
		"      {\n"
		"        \"name\": \"bytes.growSlice\",\n"
		"        \"user_frame\": \"main.worker\",\n"
		"        \"caller\": null,\n"
		"        \"path\": \"main.worker -> bytes.growSlice\",\n"
		"        \"values\": [\n"
		"          100000,\n"
		"          900000\n"
		"        ],\n"
		"        \"growth\": 800000,\n"
		"        \"slope\": 800000.0,\n"
		"        \"class\": \"grew\",\n"
		"        \"verdict\": \"grew by +781.25kB (97.66kB -> 878.91kB); blame main.worker\",\n"
		"        \"command\": \"leakscope diff --focus='^main\\\\.worker$' heap_0 heap_1\"\n"
		"      }\n"
		"    ]\n"
		"  },\n"
		"  \"goroutine\": {\n"
		"    \"method\": \"diff\",\n"
		"    \"sample_type\": \"goroutine\",\n"
		"    \"snapshots\": 2,\n"
		"    \"findings\": [\n"
		"      {\n"
		"        \"name\": \"main.worker [chan receive]\",\n"
		"        \"user_frame\": \"main.worker\",\n"
		"        \"caller\": \"main.main\",\n"
		"        \"path\": \"main.worker\",\n"
		"        \"state\": \"chan receive\",\n"
		"        \"values\": [\n"
		"          2,\n"
		"          6\n"
		"        ],\n"
		"        \"growth\": 4,\n"
		"        \"slope\": 4.0,\n"
		"        \"class\": \"grew\",\n"
		"        \"persistent\": 2,\n"
		"        \"verdict\": \"leak suspect: +4 goroutines (2 -> 6) in chan receive; "
		"all 2 of the first snapshot still there (stuck since then)\",\n"
		"        \"command\": \"leakscope goroutines --focus='^main\\\\.worker$' goroutine_1\"\n"
		"      }\n"
		"    ]\n"
		"  },\n"
		"  \"both\": [\n"
		"    {\n"
		"      \"func\": \"main.worker\",\n"
		"      \"heap_site\": \"bytes.growSlice\",\n"
		"      \"goroutine_group\": \"main.worker [chan receive]\",\n"
		"      \"verdict\": \"main.worker is on a growing heap stack (bytes.growSlice) "
		"and on a growing goroutine stack (main.worker [chan receive]): its goroutines "
		"likely hold the memory\",\n"
		"      \"command\": \"leakscope diff --focus='^main\\\\.worker$' heap_0 heap_1; "
		"leakscope goroutines --focus='^main\\\\.worker$' goroutine_1\"\n"
		"    }\n"
		"  ],\n"
		"  \"contention\": []\n"
		"}\n";
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	assert_int_equal(joint_write_json(fp, r), 0);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(text, want);
	free(text);
}

static void test_joint__both(void **state)
{
	struct snapshot_set set;
	struct joint_report r;
	struct joint_options o = { NULL, 0, "given" };
	struct ls_error err;

	(void)state;
	snapshot_set_init(&set);
	set.snaps = calloc(4, sizeof(*set.snaps));
	set.snaps[0] = heap_snap(0, 100000);
	set.snaps[1] = dump_snap(0, 2);
	set.snaps[2] = heap_snap(1, 900000);
	set.snaps[3] = dump_snap(1, 6);
	set.n = set.alloc = 4;
	assert_int_equal(joint_build(&r, &set, &o, &err), 0);
	assert_int_equal(r.heap.nfindings, 1);
	assert_string_equal(r.heap.findings[0].user_frame, "main.worker");
	assert_int_equal(r.goroutine.nfindings, 1);
	assert_int_equal(r.goroutine.findings[0].persistent, 2);
	assert_int_equal(r.nboth, 1);
	assert_string_equal(r.both[0].func, "main.worker");
	assert_ptr_equal(r.both[0].heap, &r.heap.findings[0]);
	assert_non_null(strstr(r.both[0].verdict, "its goroutines likely hold the memory"));
	assert_non_null(strstr(r.both[0].command, "leakscope diff --focus='^main\\.worker$' heap_0 heap_1; "
						  "leakscope goroutines --focus='^main\\.worker$' goroutine_1"));
	check_json(&r);
	joint_release(&r);
	snapshot_set_release(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_joint__quote_regex),
		cmocka_unit_test(test_joint__testdata),
		cmocka_unit_test(test_joint__one_snapshot),
		cmocka_unit_test(test_joint__both),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
