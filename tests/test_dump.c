/* test_dump.c - the goroutine dump parser, one case per format feature */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <unistd.h>

#include "dump.h"
#include "strbuf.h"

#define MAXG 64

struct seen {
	size_t n;
	uint64_t id[MAXG];
	char state[MAXG][64];
	int64_t wait[MAXG];
	bool locked[MAXG];
	size_t nframes[MAXG];
	char leaf[MAXG][128];
	char leaf_file[MAXG][128];
	int64_t leaf_line[MAXG];
	bool leaf_inlined[MAXG];
	char cb[MAXG][128];
	uint64_t parent[MAXG];
	unsigned flags[MAXG];
	size_t dump[MAXG];
};

static int collect(const struct goroutine *g, void *ctx)
{
	struct seen *s = ctx;
	size_t i = s->n++;

	assert_true(i < MAXG);
	s->id[i] = g->id;
	snprintf(s->state[i], sizeof(s->state[i]), "%s", g->state);
	s->wait[i] = g->wait_minutes;
	s->locked[i] = g->locked;
	s->nframes[i] = g->nframes;
	if (g->nframes) {
		snprintf(s->leaf[i], sizeof(s->leaf[i]), "%s", g->frames[0].func);
		snprintf(s->leaf_file[i], sizeof(s->leaf_file[i]), "%s", g->frames[0].file);
		s->leaf_line[i] = g->frames[0].line;
		s->leaf_inlined[i] = g->frames[0].inlined;
	}
	snprintf(s->cb[i], sizeof(s->cb[i]), "%s", g->has_created_by ? g->created_by.func : "");
	s->parent[i] = g->parent_id;
	s->flags[i] = g->flags;
	s->dump[i] = g->dump;
	return 0;
}

static struct dump_parser parser;
static struct seen seen;

static void parse_text(const char *text)
{
	struct ls_error err;

	memset(&seen, 0, sizeof(seen));
	dump_parser_release(&parser);
	dump_parser_init(&parser, "test", collect, NULL, &seen);
	ls_error_init(&err, "test");
	assert_int_equal(dump_parse_buffer(&parser, text, strlen(text), &err), 0);
}

static void parse_fixture(const char *name)
{
	const char *dir = getenv("LEAKSCOPE_TESTDATA");
	char path[1024];
	struct ls_error err;

	snprintf(path, sizeof(path), "%s/dumps/%s", dir ? dir : "testdata", name);
	memset(&seen, 0, sizeof(seen));
	dump_parser_release(&parser);
	dump_parser_init(&parser, path, collect, NULL, &seen);
	assert_int_equal(dump_parse_file(&parser, path, 0, &err), 0);
}

static void test_dump__header_plain(void **state)
{
	(void)state;
	parse_text("goroutine 7 [chan receive, 3 minutes, locked to thread]:\n"
		   "main.f(0x1, {0x2, 0x3})\n\t/x/main.go:12 +0x1f\n");
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.id[0], 7);
	assert_string_equal(seen.state[0], "chan receive");
	assert_int_equal(seen.wait[0], 3);
	assert_true(seen.locked[0]);
	assert_string_equal(seen.leaf[0], "main.f");
	assert_string_equal(seen.leaf_file[0], "/x/main.go");
	assert_int_equal(seen.leaf_line[0], 12);
}

static void test_dump__header_gp_m(void **state)
{
	(void)state;
	parse_fixture("go122_system.txt");
	assert_int_equal(seen.n, 5);
	assert_int_equal(seen.id[0], 1);
	assert_string_equal(seen.state[1], "force gc (idle)");
	assert_string_equal(seen.state[2], "chan receive (nil chan)");
	assert_int_equal(seen.wait[2], 12);
	assert_int_equal(seen.wait[3], 14);
	assert_true(seen.locked[3]);
	assert_string_equal(parser.dumps[0].reason, "panic: boom");
}

static void test_dump__created_by_in_goroutine(void **state)
{
	(void)state;
	parse_fixture("go122_system.txt");
	assert_string_equal(seen.cb[1], "runtime.init.7");
	assert_int_equal(seen.parent[1], 1);
	assert_string_equal(seen.cb[2], "main.main");
	assert_int_equal(seen.parent[3], 7);
}

static void test_dump__generics_escaped_spaces(void **state)
{
	(void)state;
	parse_fixture("go122_system.txt");
	/* leaf first; runtime frames included at GOTRACEBACK=system */
	assert_int_equal(seen.nframes[2], 4);
	assert_string_equal(seen.leaf[2], "runtime.gopark");
	parse_text("goroutine 3 [select]:\n"
		   "example.com/edge/yaml%2ev9.(*Pool[...]).Run(0xc0000a0000?)\n"
		   "\t/srv/app/my dir/yaml.v9/pool.go:22 +0x25\n");
	assert_string_equal(seen.leaf[0], "example.com/edge/yaml%2ev9.(*Pool[...]).Run");
	assert_string_equal(seen.leaf_file[0], "/srv/app/my dir/yaml.v9/pool.go");
	assert_int_equal(seen.leaf_line[0], 22);
}

static void test_dump__inlined(void **state)
{
	(void)state;
	parse_text("goroutine 1 [semacquire]:\nsync.(*Mutex).Lock(...)\n"
		   "\t/usr/lib/go/src/sync/mutex.go:90\nmain.main()\n\t/x/m.go:3 +0x1\n");
	assert_true(seen.leaf_inlined[0]);
	assert_int_equal(seen.leaf_line[0], 90);
	assert_int_equal(seen.nframes[0], 2);
}

static void test_dump__unavailable(void **state)
{
	(void)state;
	parse_fixture("go122_system.txt");
	assert_int_equal(seen.nframes[4], 0);
	assert_true(seen.flags[4] & GOROUTINE_UNAVAILABLE);
	assert_false(seen.flags[4] & GOROUTINE_MALFORMED);
	assert_string_equal(seen.cb[4], "main.main");
}

static void test_dump__elided(void **state)
{
	(void)state;
	parse_fixture("elided.txt");
	assert_int_equal(seen.n, 2);
	assert_true(seen.flags[0] & GOROUTINE_ELIDED);
	assert_int_equal(seen.nframes[0], 4);
	assert_true(seen.flags[1] & GOROUTINE_ELIDED);
	assert_string_equal(seen.cb[1], "main.main");
}

static void test_dump__windows_paths(void **state)
{
	(void)state;
	parse_fixture("elided.txt");
	assert_string_equal(seen.leaf_file[0], "C:/Users/dev/app/main.go");
	assert_int_equal(seen.leaf_line[0], 9);
	assert_string_equal(seen.leaf_file[1], "C:\\Users\\dev\\app\\loop.go");
	assert_int_equal(seen.leaf_line[1], 21);
}

static void test_dump__fp_sp_pc(void **state)
{
	(void)state;
	parse_fixture("crash.txt");
	assert_string_equal(seen.leaf[0], "main.crash");
	assert_int_equal(seen.leaf_line[0], 11);
	assert_string_equal(seen.leaf_file[0], "/srv/app/main.go");
}

static void test_dump__crash_threads_one_dump(void **state)
{
	(void)state;
	parse_fixture("crash.txt");
	/* goroutine 1, 2 and two g0 stacks; "-----" keeps one dump */
	assert_int_equal(seen.n, 4);
	assert_int_equal(parser.ndumps, 1);
	assert_string_equal(parser.dumps[0].reason,
			    "fatal error: unexpected signal during runtime execution");
	assert_int_equal(seen.id[2], 0);
	assert_string_equal(seen.state[3], "idle");
	/* runtime stack: frames are not a goroutine */
	assert_int_equal(seen.nframes[0], 4);
}

static void test_dump__ancestors_not_goroutines(void **state)
{
	(void)state;
	parse_fixture("ancestors.txt");
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.nframes[1], 1);
	assert_string_equal(seen.cb[1], "main.spawn");
}

static void test_dump__crlf_indented_logs(void **state)
{
	(void)state;
	parse_fixture("pasted_crlf.txt");
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.wait[0], 5);
	assert_string_equal(seen.leaf_file[0], "/srv/app/main.go");
	assert_int_equal(seen.nframes[1], 3);
	assert_string_equal(seen.cb[1], "main.main");
	assert_int_equal(seen.flags[1], 0);
}

static void test_dump__concatenated(void **state)
{
	(void)state;
	parse_fixture("concat.txt");
	assert_int_equal(parser.ndumps, 3);
	assert_int_equal(parser.dumps[0].ngoroutines, 2);
	assert_int_equal(parser.dumps[1].ngoroutines, 3);
	assert_int_equal(parser.dumps[2].ngoroutines, 2);
	assert_string_equal(parser.dumps[2].reason, "panic: done waiting [recovered]");
	assert_int_equal(parser.dumps[2].npreamble, 2);
	assert_int_equal(seen.dump[6], 2);
}

static void test_dump__truncated(void **state)
{
	(void)state;
	parse_fixture("truncated.txt");
	assert_int_equal(seen.n, 4);
	assert_true(seen.flags[3] & GOROUTINE_TRUNCATED);
	assert_false(seen.flags[2] & GOROUTINE_TRUNCATED);
	assert_true(parser.dumps[0].truncated);
}

static void test_dump__malformed_counted(void **state)
{
	(void)state;
	parse_text("goroutine 1 [running]:\n\ngoroutine 2 [running]:\nmain.main)(\n"
		   "\t/x.go:1 +0x1\n\ngoroutine 3 [running]:\nmain.f()\n");
	assert_int_equal(seen.n, 3);
	assert_true(seen.flags[0] & GOROUTINE_MALFORMED);
	assert_true(seen.flags[2] & GOROUTINE_TRUNCATED);
}

static void test_dump__real_sigquit_crash(void **state)
{
	size_t i, g0 = 0;

	(void)state;
	/* Go 1.19, GOTRACEBACK=crash, SIGQUIT: every thread's g0 after "-----" */
	parse_fixture("go119_sigquit_crash.txt");
	assert_int_equal(parser.ndumps, 1);
	assert_int_equal(seen.n, 15);
	for (i = 0; i < seen.n; i++)
		g0 += seen.id[i] == 0;
	assert_int_equal(g0, 5);
	assert_string_equal(parser.dumps[0].reason, "SIGQUIT: quit");
	for (i = 0; i < seen.n; i++)
		assert_false(seen.flags[i] & (GOROUTINE_MALFORMED | GOROUTINE_TRUNCATED));
}

static void test_dump__real_deadlock_debug2(void **state)
{
	(void)state;
	parse_fixture("go119_deadlock_all.txt");
	assert_int_equal(seen.n, 6);
	assert_string_equal(parser.dumps[0].reason,
			    "fatal error: all goroutines are asleep - deadlock!");
	assert_string_equal(seen.state[0], "semacquire");
	parse_fixture("go119_debug2.txt");
	assert_int_equal(seen.n, 6);
	assert_int_equal(parser.dumps[0].npreamble, 0);
}

static void test_dump__cgo_frames(void **state)
{
	(void)state;
	parse_text("goroutine 1 [syscall, locked to thread]:\n"
		   "non-Go function\n\tpc=0x7f0a1b2c\n"
		   "myclib_wait\n\t/src/c/wait.c:12 pc=0x7f0a1b30\n"
		   "runtime.cgocall(0x4a1b20, 0xc000057f10)\n"
		   "\t/usr/local/go/src/runtime/cgocall.go:157 +0x4b\n"
		   "main._Cfunc_wait()\n\t_cgo_gotypes.go:41 +0x45\n"
		   "main.main()\n\t/srv/app/main.go:9 +0x17\nPASS\n");
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.nframes[0], 5);
	assert_string_equal(seen.leaf[0], "non-Go function");
	assert_int_equal(seen.flags[0], 0);
	assert_true(seen.locked[0]);
}

static void test_dump__header_variants(void **state)
{
	uint64_t id;
	const char *st;
	size_t stlen;
	int64_t w;
	bool l;
	const char *h1 = "goroutine 12 [semacquire (scan), 61 minutes]:";
	const char *h2 = "goroutine 3 gp=0xc0000061c0 m=nil [GC sweep wait, 2 minutes, locked to thread]:";
	const char *h3 = "goroutine 4 [chan receive (durable), synctest bubble 1]:";

	(void)state;
	assert_true(dump_parse_header(h1, strlen(h1), &id, &st, &stlen, &w, &l));
	assert_int_equal(id, 12);
	assert_int_equal(stlen, 10);
	assert_int_equal(w, 61);
	assert_true(dump_parse_header(h2, strlen(h2), &id, &st, &stlen, &w, &l));
	assert_int_equal(stlen, strlen("GC sweep wait"));
	assert_true(l);
	assert_int_equal(w, 2);
	assert_true(dump_parse_header(h3, strlen(h3), &id, &st, &stlen, &w, &l));
	assert_int_equal(stlen, strlen("chan receive (durable)"));
	assert_false(dump_parse_header("goroutine 5 [x]", 15, &id, &st, &stlen, &w, &l));
	assert_false(dump_parse_header("goroutine x [x]:", 16, &id, &st, &stlen, &w, &l));
	assert_false(dump_parse_header("Goroutine 7 (running) created at:", 33, &id, &st,
				       &stlen, &w, &l));
}

static void test_dump__func_is_std(void **state)
{
	(void)state;
	assert_true(dump_func_is_std("runtime.gopark"));
	assert_true(dump_func_is_std("net/http.(*conn).serve"));
	assert_false(dump_func_is_std("main.main"));
	assert_false(dump_func_is_std("github.com/x/y.(*T).F"));
	assert_false(dump_func_is_std("example.com/edge/yaml%2ev9.F"));
}

static void test_dump__sniff(void **state)
{
	const char *a = "some log\n  goroutine 1 [running]:\r\nmain.main()\n";
	const char *b = "goroutine profile: total 3\n3 @ 0x1 0x2\n";

	(void)state;
	assert_true(dump_sniff(a, strlen(a)));
	assert_false(dump_sniff(b, strlen(b)));
}

static int teardown(void **state)
{
	(void)state;
	dump_parser_release(&parser);
	return 0;
}

/* --- the fast path for repeated stacks (stack_lines) against the
 * parser fed one line at a time --- */

struct trace {
	struct strbuf out;
	const struct dump_stack *stacks[MAXG];
	size_t nstacks;
};

/* Everything a goroutine carries, with its stack as the index of the
 * first goroutine that had it (the pointers differ between parsers). */
static int trace_goroutine(const struct goroutine *g, void *ctx)
{
	struct trace *t = ctx;
	size_t i, k = t->nstacks;

	for (i = 0; g->stack && i < t->nstacks; i++)
		if (t->stacks[i] == g->stack)
			k = i;
	if (g->stack && k == t->nstacks) {
		assert_true(t->nstacks < MAXG);
		t->stacks[t->nstacks++] = g->stack;
	}
	strbuf_addf(&t->out, "g %llu [%s] %lld %d flags=%u line=%lld dump=%zu parent=%llu stack=%zd\n",
		    (unsigned long long)g->id, g->state, (long long)g->wait_minutes,
		    g->locked, g->flags, g->lineno, g->dump,
		    (unsigned long long)g->parent_id, g->stack ? (ssize_t)k : -1);
	strbuf_addf(&t->out, " header %s\n", g->header);
	for (i = 0; i < g->nframes; i++) {
		const struct dump_frame *f = &g->frames[i];

		strbuf_addf(&t->out, " %s(%s)%s %s:%lld +%llx\n", f->func, f->args,
			    f->inlined ? " inlined" : "", f->file, (long long)f->line,
			    (unsigned long long)f->offset);
	}
	if (g->has_created_by)
		strbuf_addf(&t->out, " created by %s %s:%lld +%llx\n", g->created_by.func,
			    g->created_by.file, (long long)g->created_by.line,
			    (unsigned long long)g->created_by.offset);
	return 0;
}

static void trace_summary(struct trace *t, const struct dump_parser *p)
{
	size_t i;

	strbuf_addf(&t->out, "lines=%lld dumps=%zu total=%zu\n", p->lineno,
		    p->ndumps, p->total);
	for (i = 0; i < p->ndumps; i++)
		strbuf_addf(&t->out, "dump %zu: %zu truncated=%d\n", i,
			    p->dumps[i].ngoroutines, p->dumps[i].truncated);
}

/* text fed one line at a time through dump_parser_line() */
static void trace_by_line(const char *text, size_t len, struct trace *t)
{
	struct dump_parser p;
	struct ls_error err;
	size_t pos = 0;

	strbuf_init(&t->out);
	t->nstacks = 0;
	ls_error_init(&err, "test");
	dump_parser_init(&p, "test", trace_goroutine, NULL, t);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) + 1 : len;

		assert_int_equal(dump_parser_line(&p, text + pos, end - pos, NULL, &err), 0);
		pos = end;
	}
	assert_int_equal(dump_parser_end(&p, len, &err), 0);
	trace_summary(t, &p);
	dump_parser_release(&p);
}

/* text in two blocks, split at cut (a line's start), through
 * dump_parse_lines() */
static void trace_by_block(const char *text, size_t len, size_t cut,
			   struct trace *t)
{
	struct dump_parser p;
	struct ls_error err;

	strbuf_init(&t->out);
	t->nstacks = 0;
	ls_error_init(&err, "test");
	dump_parser_init(&p, "test", trace_goroutine, NULL, t);
	assert_int_equal(dump_parse_lines(&p, text, cut, SIZE_MAX, &err), 0);
	assert_int_equal(dump_parse_lines(&p, text + cut, len - cut, SIZE_MAX, &err), 0);
	assert_int_equal(dump_parser_end(&p, len, &err), 0);
	trace_summary(t, &p);
	dump_parser_release(&p);
}

/* Parsing text in blocks cut at every line start gives what the line by
 * line parse gives. */
static void check_fast(const char *text)
{
	size_t len = strlen(text), cut;
	struct trace want, got;

	trace_by_line(text, len, &want);
	for (cut = 0; cut <= len; cut++) {
		if (cut && cut < len && text[cut - 1] != '\n')
			continue;
		trace_by_block(text, len, cut, &got);
		assert_string_equal(got.out.buf, want.out.buf);
		strbuf_release(&got.out);
	}
	strbuf_release(&want.out);
}

#define G_HEAD(id) "goroutine " #id " [chan receive]:\n"
#define G_BODY \
	"main.worker(0xc000012345, 0x1)\n" \
	"\t/app/main.go:42 +0x1d\n" \
	"main.run(...)\n" \
	"\t/app/run.go:7\n" \
	"created by main.start in goroutine 1\n" \
	"\t/app/main.go:30 +0x5f\n"

static void test_dump__fast_diverges_at_function(void **state)
{
	(void)state;
	check_fast(G_HEAD(1) G_BODY "\n" G_HEAD(2) G_BODY "\n"
		   G_HEAD(3) "main.worker(0xc000099999, 0x2)\n\t/app/main.go:42 +0x1d\n"
		   "main.other(0x1)\n\t/app/run.go:7\n"
		   "created by main.start in goroutine 1\n\t/app/main.go:30 +0x5f\n\n"
		   G_HEAD(4) G_BODY);
}

static void test_dump__fast_diverges_at_file(void **state)
{
	(void)state;
	check_fast(G_HEAD(1) G_BODY "\n" G_HEAD(2)
		   "main.worker(0xc000012345, 0x1)\n\t/app/main.go:43 +0x1d\n"
		   "main.run(...)\n\t/app/run.go:7\n"
		   "created by main.start in goroutine 1\n\t/app/main.go:30 +0x5f\n\n"
		   G_HEAD(3) "main.worker(0x1, 0x1)\n\t/app/main.go:42 +0x1e\n"
		   "main.run(...)\n\t/app/run.go:7 +0x2\n\n" G_HEAD(4) G_BODY "\n"
		   G_HEAD(5) "main.worker(0x1, 0x1)\n\t/app/main.go:42 +0x1e\n"
		   "main.run(...)\n\t/app/run.go:8\n\n" G_HEAD(6) G_BODY);
}

static void test_dump__fast_diverges_at_created_by(void **state)
{
	(void)state;
	check_fast(G_HEAD(1) G_BODY "\n" G_HEAD(2)
		   "main.worker(0xc000012345, 0x1)\n\t/app/main.go:42 +0x1d\n"
		   "main.run(...)\n\t/app/run.go:7\n"
		   "created by main.begin in goroutine 9\n\t/app/main.go:30 +0x5f\n\n"
		   G_HEAD(3) "main.worker(0xc000012345, 0x1)\n\t/app/main.go:42 +0x1d\n"
		   "main.run(...)\n\t/app/run.go:7\n"
		   "created by main.start in goroutine 1\n\t/app/main.go:31 +0x5f\n\n"
		   G_HEAD(4) G_BODY "main.extra()\n\t/app/x.go:1\n");
}

static void test_dump__fast_args_differ(void **state)
{
	(void)state;
	check_fast(G_HEAD(1) G_BODY "\n" G_HEAD(2)
		   "main.worker(0x1, {0x2, 0x3}, ...)\n\t/app/main.go:42 +0x1d\n"
		   "main.run(0x1)\n\t/app/run.go:7\n"
		   "created by main.start in goroutine 1\n\t/app/main.go:30 +0x5f\n\n"
		   G_HEAD(3) "main.worker((0x1))\n\t/app/main.go:42 +0x1d\n"
		   "main.run()\n\t/app/run.go:7\n\n"
		   G_HEAD(4) "main.worker)(\n\t/app/main.go:42 +0x1d\n\n"
		   G_HEAD(5) "main.worker(0x1 \n\t/app/main.go:42 +0x1d\n");
}

/* Arguments read sixteen bytes at a time (args_close): a '(' or ')' or
 * the line's end in the first block, a later one, or in the bytes after
 * the last whole block; and a line cut inside them. */
static void test_dump__fast_long_args(void **state)
{
	(void)state;
	check_fast(G_HEAD(1) G_BODY "\n"
		   G_HEAD(2) "main.worker(0xc000012345, 0x1, 0x2, 0x3, 0x4, 0x5)\n"
		   "\t/app/main.go:42 +0x1d\nmain.run(0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7)\n"
		   "\t/app/run.go:7\n\n"
		   G_HEAD(3) "main.worker(0xc000012345, 0x1, (0x2), 0x3)\n"
		   "\t/app/main.go:42 +0x1d\n\n"
		   G_HEAD(4) "main.worker(0xc000012345, 0x1) 0x3, 0x4, 0x5)\n"
		   "\t/app/main.go:42 +0x1d\n\n"
		   G_HEAD(5) "main.worker(0xc0000123456789ab)\n\t/app/main.go:42 +0x1d\n\n"
		   G_HEAD(6) "main.worker(0xc0000123456789a)\n\t/app/main.go:42 +0x1d\n\n"
		   G_HEAD(10) "main.worker(0xc0000123456789)\n\t/app/main.go:42 +0x1d\n\n"
		   G_HEAD(11) "main.worker(0xc000012345, 0x(1)\n\t/app/main.go:42 +0x1d\n\n"
		   G_HEAD(7) "main.worker(0xc0000123456789abc, 0x1, 0x2, 0x3, 0x4\n"
		   "\t/app/main.go:42 +0x1d\n\n"
		   G_HEAD(8) "main.worker(0xc000012345, 0x1, 0x2)\r\n\t/app/main.go:42 +0x1d\n\n"
		   G_HEAD(9) "main.worker(0xc000012345, 0x1, 0x2, 0x3)");
	check_fast(G_HEAD(1) G_BODY "\n" G_HEAD(2) "main.worker(0xc0000123456789ab)");
	check_fast(G_HEAD(1) G_BODY "\n" G_HEAD(2) "main.worker(0xc0000123456789a)");
}

/* A name longer than a trie node holds (16 MiB) bypasses the trie: the
 * goroutine has no stack, and the lines after it parse as ever. */
static void test_dump__name_past_node(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct trace want, got;
	size_t n = (size_t)1 << 24, i;

	(void)state;
	for (i = 1; i <= 2; i++) {
		strbuf_addf(&sb, "goroutine %zu [chan receive]:\npkg.", i);
		assert_int_equal(strbuf_grow(&sb, n), 0);
		memset(sb.buf + sb.len, 'x', n);
		sb.len += n;
		sb.buf[sb.len] = '\0';
		strbuf_addstr(&sb, "(0x1)\n\t/a.go:1 +0x1\n" G_BODY "\n");
	}
	strbuf_addstr(&sb, G_HEAD(3) G_BODY);
	trace_by_line(sb.buf, sb.len, &want);
	trace_by_block(sb.buf, sb.len, 0, &got);
	assert_string_equal(got.out.buf, want.out.buf);
	/* goroutines 1 and 2 without a stack, 3 with one */
	assert_non_null(strstr(want.out.buf, "g 1 [chan receive] 0 0 flags=0 line=1 dump=0 parent=1 stack=-1"));
	assert_non_null(strstr(want.out.buf, "stack=0\n"));
	strbuf_release(&got.out);
	strbuf_release(&want.out);
	strbuf_release(&sb);
}

static void test_dump__fast_crlf(void **state)
{
	(void)state;
	check_fast(G_HEAD(1) G_BODY "\n"
		   "goroutine 2 [chan receive]:\r\nmain.worker(0x2, 0x1)\r\n"
		   "\t/app/main.go:42 +0x1d\r\nmain.run(...)\r\n\t/app/run.go:7\r\n\r\n"
		   G_HEAD(3) "main.worker(0x2, 0x1)\n\t/app/main.go:42 +0x1d\r\r\n"
		   "main.run(...)\n\t/app/run.go:7\n\n"
		   G_HEAD(4) "main.worker(0x2, 0x1)\n\t/app/main.go:42 +0x1d\r\r\n"
		   "  main.run(...)\n  \t/app/run.go:7 \n\n" G_HEAD(5) G_BODY);
}

static void test_dump__fast_cut_last_line(void **state)
{
	(void)state;
	check_fast(G_HEAD(1) G_BODY "\n" G_HEAD(2)
		   "main.worker(0xc000012345, 0x1)\n\t/app/main.go:42 +0x1d");
	check_fast(G_HEAD(1) G_BODY "\n" G_HEAD(2)
		   "main.worker(0xc000012345, 0x1)\n\t/app/main.go:42 +0x1");
	check_fast(G_HEAD(1) G_BODY "\n" G_HEAD(2)
		   "main.worker(0xc000012345, 0x1)\n\t/app/main.go:42 +0x1d\nmain.run(...)");
	check_fast(G_HEAD(1) G_BODY "\n" G_HEAD(2) "main.worker(0xc000012345, 0x1");
	check_fast(G_HEAD(1) G_BODY "\n" G_HEAD(2) G_BODY);
}

/* A file of many goroutines, the last line of one ending at each offset
 * near the read buffer's size, through dump_parse_file() (blocks of
 * input_getlines_ref) against the line by line parse. */
static void test_dump__fast_buffer_boundary(void **state)
{
	static const size_t sizes[] = { 256 * 1024, 512 * 1024, 1024 * 1024 };
	const char *g = G_BODY "\n";
	/* the header is "goroutine 000001 [chan receive]:\n" */
	size_t unit = 33 + strlen(g), pad, si, shift;

	(void)state;
	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (shift = 0; shift < 4; shift++) {
			struct strbuf text = STRBUF_INIT;
			struct trace want, got;
			struct dump_parser p;
			struct ls_error err;
			char path[] = "/tmp/test_dump_XXXXXX";
			unsigned long id = 1;
			int fd = mkstemp(path);
			FILE *f;

			assert_true(fd >= 0);
			/* a log line, then goroutines of unit bytes each: one ends
			 * at sizes[si] - shift */
			pad = (sizes[si] - shift) % unit;
			strbuf_addf(&text, "%*s\n", (int)(pad > 4 ? pad - 1 : pad + unit - 1),
				    "log");
			while (text.len < sizes[si] + 4096)
				strbuf_addf(&text, "goroutine %06lu [chan receive]:\n%s", id++, g);
			f = fdopen(fd, "w");
			assert_non_null(f);
			assert_int_equal(fwrite(text.buf, 1, text.len, f), text.len);
			fclose(f);
			trace_by_line(text.buf, text.len, &want);
			strbuf_init(&got.out);
			got.nstacks = 0;
			ls_error_init(&err, "test");
			dump_parser_init(&p, "test", trace_goroutine, NULL, &got);
			assert_int_equal(dump_parse_file(&p, path, 0, &err), 0);
			trace_summary(&got, &p);
			dump_parser_release(&p);
			assert_string_equal(got.out.buf, want.out.buf);
			strbuf_release(&got.out);
			strbuf_release(&want.out);
			strbuf_release(&text);
			unlink(path);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump__header_plain),
		cmocka_unit_test(test_dump__header_gp_m),
		cmocka_unit_test(test_dump__created_by_in_goroutine),
		cmocka_unit_test(test_dump__generics_escaped_spaces),
		cmocka_unit_test(test_dump__inlined),
		cmocka_unit_test(test_dump__unavailable),
		cmocka_unit_test(test_dump__elided),
		cmocka_unit_test(test_dump__windows_paths),
		cmocka_unit_test(test_dump__fp_sp_pc),
		cmocka_unit_test(test_dump__crash_threads_one_dump),
		cmocka_unit_test(test_dump__ancestors_not_goroutines),
		cmocka_unit_test(test_dump__crlf_indented_logs),
		cmocka_unit_test(test_dump__concatenated),
		cmocka_unit_test(test_dump__truncated),
		cmocka_unit_test(test_dump__malformed_counted),
		cmocka_unit_test(test_dump__real_sigquit_crash),
		cmocka_unit_test(test_dump__real_deadlock_debug2),
		cmocka_unit_test(test_dump__cgo_frames),
		cmocka_unit_test(test_dump__header_variants),
		cmocka_unit_test(test_dump__func_is_std),
		cmocka_unit_test(test_dump__sniff),
		cmocka_unit_test(test_dump__fast_diverges_at_function),
		cmocka_unit_test(test_dump__fast_diverges_at_file),
		cmocka_unit_test(test_dump__fast_diverges_at_created_by),
		cmocka_unit_test(test_dump__fast_args_differ),
		cmocka_unit_test(test_dump__fast_long_args),
		cmocka_unit_test(test_dump__name_past_node),
		cmocka_unit_test(test_dump__fast_crlf),
		cmocka_unit_test(test_dump__fast_cut_last_line),
		cmocka_unit_test(test_dump__fast_buffer_boundary),
	};

	dump_parser_init(&parser, "test", NULL, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, teardown);
}
