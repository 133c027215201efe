/* test_goroutines_split.c - a dump grouped in parts on threads, the same as in one */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dump.h"
#include "goroutines.h"
#include "input.h"
#include "strbuf.h"

/* Appends goroutines first_id.. first_id+n-1 of a few stacks, with
 * arguments, states and waits that vary, separated by blank lines. */
static void add_goroutines(struct strbuf *sb, uint64_t first_id, size_t n,
			   const char *eol)
{
	static const char *const states[] = {
		"chan receive", "select", "IO wait", "semacquire", "sleep",
		"chan send", "select (no cases)", "running", "runnable", "syscall",
	};
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t id = first_id + i;
		unsigned k = (unsigned)(id * 7 % 13);

		strbuf_addf(sb, "goroutine %llu [%s", (unsigned long long)id,
			    states[(k + id / 7 % 3) % 10]);
		if (id % 3 == 0)
			strbuf_addf(sb, ", %u minutes", (unsigned)(id % 50));
		if (id % 11 == 0)
			strbuf_addstr(sb, ", locked to thread");
		strbuf_addf(sb, "]:%s", eol);
		strbuf_addf(sb, "main.leaf%u(0xc%09llx, 0x%x)%s\tmain.go:%u +0x%x%s",
			    k % 4, (unsigned long long)id * 64, k, eol, 10 + k % 4,
			    k, eol);
		if (k % 2)
			strbuf_addf(sb, "main.inl(...)%s\tinl.go:7%s", eol, eol);
		strbuf_addf(sb, "main.mid%u({0xc%09llx, 0x12})%s\tmid.go:%u +0x1d%s",
			    k, (unsigned long long)id, eol, 20 + k, eol);
		if (k == 5)
			strbuf_addf(sb, "...additional frames elided...%s", eol);
		strbuf_addf(sb, "created by main.start%u in goroutine 1%s\tstart.go:%u +0x88%s",
			    k % 3, eol, 30 + k % 3, eol);
		strbuf_addstr(sb, eol);
	}
}

/* What `leakscope goroutines --format=json` would print for text: parsed
 * serially (nparts 0) or split in nparts, with pieces taken by a thread
 * done with its part when steal_min is left of another. */
static char *report(const char *text, size_t len, long want_dump,
		    unsigned nparts, size_t steal_min, int *split_r)
{
	struct goroutines_split how = { nparts, INPUT_LINE_MAX, false, steal_min };
	struct goroutine_groups groups;
	struct goroutine_filter filter;
	struct goroutine_sink sink;
	struct goroutines_meta meta;
	struct dump_parser p;
	struct ls_error err;
	char *out = NULL;
	size_t outlen = 0, i;
	FILE *fp;
	int r = 1;

	memset(&filter, 0, sizeof(filter));
	goroutine_groups_init(&groups);
	sink.groups = &groups;
	sink.filter = &filter;
	sink.want_dump = want_dump;
	sink.err = &err;
	ls_error_init(&err, "test");
	dump_parser_init(&p, "test", goroutine_sink_goroutine,
			 goroutine_sink_dump, &sink);
	if (nparts)
		r = goroutines_parse_split(&p, &sink, text, len, &how);
	if (split_r)
		*split_r = r;
	if (r)
		assert_int_equal(dump_parse_buffer(&p, text, len, &err), 0);
	goroutine_groups_rank(&groups, &filter);
	memset(&meta, 0, sizeof(meta));
	meta.source = "test";
	meta.reason = "";
	meta.ndumps = p.ndumps;
	if (want_dump < 0) {
		for (i = 0; i < p.ndumps; i++)
			meta.truncated |= p.dumps[i].truncated;
	} else if (p.ndumps) {
		meta.dump = want_dump ? (size_t)want_dump : p.ndumps;
		meta.truncated = p.dumps[meta.dump - 1].truncated;
		meta.reason = p.dumps[meta.dump - 1].reason;
	}
	fp = open_memstream(&out, &outlen);
	assert_non_null(fp);
	fprintf(fp, "total %zu, dumps %zu:", p.total, p.ndumps);
	for (i = 0; i < p.ndumps; i++)
		fprintf(fp, " %zu%s", p.dumps[i].ngoroutines,
			p.dumps[i].truncated ? "t" : "");
	fputc('\n', fp);
	assert_int_equal(goroutines_write_json(fp, &groups, &meta), 0);
	fclose(fp);
	dump_parser_release(&p);
	goroutine_groups_release(&groups);
	return out;
}

/* The report of text in 2..5 parts is the serial one, whether threads
 * take pieces of others' parts or not, and whichever they take; returns
 * how many of the splits without pieces went through (0 each: joined;
 * else parsed again), and in *pieces_joined (if not NULL) how many of
 * the 16 with pieces did. */
static unsigned check_same(const char *text, size_t len, long want_dump,
			   unsigned *pieces_joined)
{
	char *want = report(text, len, want_dump, 0, 0, NULL);
	unsigned n, joined = 0, joined_pieces = 0, k;

	for (n = 2; n <= 5; n++) {
		int r;
		char *got = report(text, len, want_dump, n, SIZE_MAX, &r);

		assert_string_equal(got, want);
		joined += r == 0;
		free(got);
		/* a piece whenever a byte is left: as many as can be */
		for (k = 0; k < 4; k++) {
			got = report(text, len, want_dump, n, 1, &r);
			assert_string_equal(got, want);
			joined_pieces += r == 0;
			free(got);
		}
	}
	if (pieces_joined)
		*pieces_joined = joined_pieces;
	free(want);
	return joined;
}

/* For one dump of goroutines alone (a preamble before them at most):
 * every split goes through, with pieces or without. */
static void check_joined(const char *text, size_t len, long want_dump)
{
	unsigned pieces_joined;

	assert_int_equal(check_same(text, len, want_dump, &pieces_joined), 4);
	assert_int_equal(pieces_joined, 16);
}

static void test_goroutines_split__point_inside_goroutine(void **state)
{
	const char *text = "goroutine 1 [running]:\nmain.f()\n\tf.go:1\n\n"
			   "goroutine 2 [select]:\nmain.g()\n\tg.go:2\n";
	size_t len = strlen(text), second = strstr(text, "goroutine 2") - text;

	(void)state;
	assert_int_equal(dump_split_point(text, len, 0), second);
	assert_int_equal(dump_split_point(text, len, 5), second);
	assert_int_equal(dump_split_point(text, len, second - 1), second);
	/* at a header itself: the next one, here none */
	assert_int_equal(dump_split_point(text, len, second), len);
}

static void test_goroutines_split__point_needs_blank_line(void **state)
{
	/* a header right after a frame, or indented, is no split point */
	const char *text = "goroutine 1 [running]:\nmain.f()\n\tf.go:1\n"
			   "goroutine 2 [select]:\nmain.g()\n\tg.go:2\n\n"
			   "  goroutine 3 [select]:\n\n"
			   "goroutine 4 [select]:\r\n"
			   "\r\ngoroutine 5 [select]:\r\nmain.h()\r\n";
	size_t len = strlen(text);

	(void)state;
	assert_int_equal(dump_split_point(text, len, 0),
			 strstr(text, "goroutine 4") - text);
	assert_int_equal(dump_split_point(text, len, strstr(text, "goroutine 4") - text),
			 strstr(text, "goroutine 5") - text);
	/* not a header: "goroutine x" */
	assert_int_equal(dump_split_point("a\n\ngoroutine x [y]:\n", 20, 0), 20);
}

static void test_goroutines_split__one_dump(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	add_goroutines(&sb, 1, 3000, "\n");
	check_joined(sb.buf, sb.len, 0);
	check_joined(sb.buf, sb.len, -1);
	check_same(sb.buf, sb.len, 1, NULL);
	strbuf_release(&sb);
}

/* Parts of many groups each, many of them in other parts too, new to
 * the part before or not: still the serial report. */
static void test_goroutines_split__many_groups(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned id;

	(void)state;
	for (id = 1; id <= 6000; id++) {
		unsigned k = id * 7919 % 2600;

		strbuf_addf(&sb, "goroutine %u [%s]:\n", id, id % 3 ? "select" : "chan receive");
		strbuf_addf(&sb, "pkg%u.leaf%u(0x1)\n\t/src/p%u/leaf.go:%u +0x1d\n",
			    k % 7, k, k % 7, 10 + k % 5);
		if (k % 4)
			strbuf_addf(&sb, "main.mid%u(...)\n\t/src/main/mid.go:%u\n",
				    k % 11, 20 + k % 3);
		strbuf_addf(&sb, "created by main.start%u in goroutine 1\n"
			    "\t/src/main/start.go:%u +0x88\n\n", k % 5, 30 + k % 5);
	}
	check_joined(sb.buf, sb.len, 0);
	strbuf_release(&sb);
}

static void test_goroutines_split__crlf(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	add_goroutines(&sb, 1, 2000, "\r\n");
	check_joined(sb.buf, sb.len, 0);
	strbuf_release(&sb);
}

static void test_goroutines_split__truncated_last(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t cut;

	(void)state;
	add_goroutines(&sb, 1, 2000, "\n");
	/* in the middle of a file line, of a frame line, after a header */
	for (cut = sb.len - 40; cut > sb.len - 200; cut -= 7) {
		check_same(sb.buf, cut, 0, NULL);
		check_same(sb.buf, cut, -1, NULL);
	}
	strbuf_release(&sb);
}

static void test_goroutines_split__several_dumps(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	/* ids seen again start the next dump, wherever a split lands */
	add_goroutines(&sb, 1, 1000, "\n");
	add_goroutines(&sb, 500, 1500, "\n");
	add_goroutines(&sb, 1, 700, "\n");
	check_same(sb.buf, sb.len, 0, NULL);
	check_same(sb.buf, sb.len, -1, NULL);
	check_same(sb.buf, sb.len, 1, NULL);
	check_same(sb.buf, sb.len, 2, NULL);
	check_same(sb.buf, sb.len, 3, NULL);
	/* and a panic after goroutines starts one too */
	strbuf_addstr(&sb, "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\tm.go:1\n");
	check_same(sb.buf, sb.len, 0, NULL);
	check_same(sb.buf, sb.len, 4, NULL);
	strbuf_release(&sb);
}

static void test_goroutines_split__preamble(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_addstr(&sb, "some log line\npanic: boom\n\n");
	add_goroutines(&sb, 1, 2000, "\n");
	check_joined(sb.buf, sb.len, 0);
	/* registers of a crash in the middle: a preamble line in a part */
	strbuf_addstr(&sb, "rax    0x0\nrbx    0x1\n\n");
	add_goroutines(&sb, 5000, 1000, "\n");
	check_same(sb.buf, sb.len, 0, NULL);
	strbuf_release(&sb);
}

static void test_goroutines_split__many_states(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned i;

	(void)state;
	/* one stack in twelve states: more than a group keeps apart */
	for (i = 0; i < 1200; i++)
		strbuf_addf(&sb, "goroutine %u [state %u]:\nmain.f()\n\tf.go:1\n\n",
			    i + 1, (i * 5 + i / 100) % 12);
	check_same(sb.buf, sb.len, 0, NULL);
	strbuf_release(&sb);
}

static void test_goroutines_split__missing_file_lines(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned i;

	(void)state;
	/* a frame or a "created by" without its file line has the file
	 * "": the same group whichever part its goroutines are in */
	for (i = 0; i < 2000; i++)
		strbuf_addf(&sb, "goroutine %u [select]:\nmain.f()\n%s"
			    "created by main.g\n%s\n", i + 1,
			    i % 2 ? "" : "\tf.go:1\n", i % 3 ? "" : "\tg.go:2\n");
	check_joined(sb.buf, sb.len, 0);
	strbuf_release(&sb);
}

static void test_goroutines_split__nul(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned pieces_joined;

	(void)state;
	/* the same name as far as C strings go, in the first part and the
	 * last: joined by name, the two would be one group */
	strbuf_addstr(&sb, "goroutine 4999 [select]:\nmain.a()\n\tf.go:1\n\n");
	add_goroutines(&sb, 1, 1000, "\n");
	add_goroutines(&sb, 6000, 1000, "\n");
	strbuf_addstr(&sb, "goroutine 5000 [select]:\nmain.a");
	strbuf_addch(&sb, '\0');
	strbuf_addstr(&sb, "b()\n\tf.go:1\n\n");
	assert_int_equal(check_same(sb.buf, sb.len, 0, &pieces_joined), 0);
	assert_int_equal(pieces_joined, 0);
	strbuf_release(&sb);
}

/* A NUL byte where nothing is merged (arguments, ignored by grouping)
 * does not keep a dump from being split, nor change its report. */
static void test_goroutines_split__nul_in_args(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned i;

	(void)state;
	add_goroutines(&sb, 1, 1000, "\n");
	for (i = 0; i < 3; i++) {
		strbuf_addf(&sb, "goroutine %u [select]:\nmain.a(0x1", 5000 + i);
		strbuf_addch(&sb, '\0');
		strbuf_addstr(&sb, ")\n\tf.go:1 +0x1\n\n");
		add_goroutines(&sb, 6000 + 1000 * i, 1000, "\n");
	}
	check_joined(sb.buf, sb.len, 0);
	strbuf_release(&sb);
}

static void test_goroutines_split__long_line_parses_again(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct goroutine_groups groups;
	struct goroutine_filter filter;
	struct goroutine_sink sink = { &groups, &filter, 0, NULL };
	struct goroutines_split how = { 3, 1000, false, GOROUTINES_STEAL_MIN };
	struct dump_parser p;
	int i;

	(void)state;
	memset(&filter, 0, sizeof(filter));
	add_goroutines(&sb, 1, 1000, "\n");
	strbuf_addstr(&sb, "goroutine 5000 [select]:\nmain.");
	for (i = 0; i < 2000; i++)
		strbuf_addch(&sb, 'x');
	strbuf_addstr(&sb, "()\n\tf.go:1\n\n");
	add_goroutines(&sb, 6000, 1000, "\n");
	goroutine_groups_init(&groups);
	dump_parser_init(&p, "test", goroutine_sink_goroutine,
			 goroutine_sink_dump, &sink);
	/* the caller's line limit, which input_getline() would enforce */
	assert_int_equal(goroutines_parse_split(&p, &sink, sb.buf, sb.len, &how), 1);
	assert_int_equal(p.ndumps, 0);
	assert_int_equal(p.total, 0);
	assert_int_equal(groups.n, 0);
	assert_int_equal(groups.total, 0);
	dump_parser_release(&p);
	goroutine_groups_release(&groups);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goroutines_split__point_inside_goroutine),
		cmocka_unit_test(test_goroutines_split__point_needs_blank_line),
		cmocka_unit_test(test_goroutines_split__one_dump),
		cmocka_unit_test(test_goroutines_split__many_groups),
		cmocka_unit_test(test_goroutines_split__crlf),
		cmocka_unit_test(test_goroutines_split__truncated_last),
		cmocka_unit_test(test_goroutines_split__several_dumps),
		cmocka_unit_test(test_goroutines_split__preamble),
		cmocka_unit_test(test_goroutines_split__many_states),
		cmocka_unit_test(test_goroutines_split__missing_file_lines),
		cmocka_unit_test(test_goroutines_split__nul),
		cmocka_unit_test(test_goroutines_split__nul_in_args),
		cmocka_unit_test(test_goroutines_split__long_line_parses_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
