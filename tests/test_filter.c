/* test_filter.c - focus, ignore, hide, show, tag filters, drop_frames */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "filter.h"
#include "graph.h"
#include "profile_builder.h"

/* runtime.main -> main.a -> main.b (inlined helper main.h in b's
 * location), main.c; labels: handler=/api|/static, bytes=512|4096|1MiB. */
static void make_profile(struct profile *p, bool narrow)
{
	int fr, fa, fb, fh, fc, lr, la, lb, lc, s;

	tb_init(p, 2, "alloc_objects", "count", "alloc_space", "bytes");
	p->narrow = narrow;	/* stacks of 16 bits, as proto_read makes */
	fr = tb_func(p, "runtime.main", "/go/src/runtime/proc.go");
	fa = tb_func(p, "main.a", "/app/a.go");
	fb = tb_func(p, "main.b", "/app/b.go");
	fh = tb_func(p, "main.h", "/app/h.go");
	fc = tb_func(p, "main.c", "/app/c.go");
	lr = tb_loc(p, -1, 0x10, 1, fr, 1);
	la = tb_loc(p, -1, 0x20, 1, fa, 2);
	lb = tb_loc(p, -1, 0x30, 2, fh, 3, fb, 4);
	lc = tb_loc(p, -1, 0x40, 1, fc, 5);
	s = tb_sample(p, (int64_t[]){ 1, 512 }, 3, lb, la, lr);
	tb_label(p, s, "handler", "/api");
	tb_numlabel(p, s, "bytes", 512, "bytes");
	s = tb_sample(p, (int64_t[]){ 2, 4096 }, 2, la, lr);
	tb_label(p, s, "handler", "/static");
	tb_numlabel(p, s, "bytes", 4096, "bytes");
	s = tb_sample(p, (int64_t[]){ 4, 1048576 }, 2, lc, lr);
	tb_numlabel(p, s, "bytes", 1048576, "");
}

struct fixture {
	struct profile p;
	struct filter_options o;
	struct profile_view v;
	struct graph g;
	bool built;
};

static int setup_stacks(void **state, bool narrow)
{
	struct fixture *f = calloc(1, sizeof(*f));

	make_profile(&f->p, narrow);
	filter_options_init(&f->o);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_stacks(state, false);
}

static int setup_narrow(void **state)
{
	return setup_stacks(state, true);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->built) {
		graph_release(&f->g);
		profile_view_release(&f->v);
	}
	filter_options_release(&f->o);
	profile_release(&f->p);
	free(f);
	return 0;
}

static void run(struct fixture *f)
{
	struct graph_options go;
	struct ls_error err;

	graph_options_init(&go);
	go.node_fraction = 0;
	go.sample_index = 1;
	ls_error_init(&err, NULL);
	assert_int_equal(filter_apply(&f->v, &f->p, &f->o, &err), 0);
	assert_int_equal(graph_build(&f->g, &f->v, &go, &err), 0);
	f->built = true;
}

static void re(regex_t **r, const char *s)
{
	struct ls_error err;

	ls_error_init(&err, NULL);
	assert_int_equal(filter_compile_regex(r, "test", s, &err), 0);
}

static void tag(struct tag_filter *tf, const char *s)
{
	struct ls_error err;

	ls_error_init(&err, NULL);
	assert_int_equal(filter_parse_tag(tf, "tagfocus", s, &err), 0);
}

/* flat and cum of the row named name, or -1, -1 when it is absent. */
static void values(const struct graph *g, const char *name, int64_t *flat,
		   int64_t *cum)
{
	size_t i;

	*flat = *cum = -1;
	for (i = 0; i < g->nrows; i++)
		if (!strcmp(g->nodes[g->rows[i]].printable, name)) {
			*flat = g->nodes[g->rows[i]].flat;
			*cum = g->nodes[g->rows[i]].cum;
		}
}

#define EXPECT(f, name, fl, cu) do { \
	int64_t fl_, cu_; \
	values(&(f)->g, name, &fl_, &cu_); \
	assert_int_equal(fl_, fl); \
	assert_int_equal(cu_, cu); \
} while (0)

static void test_filter__none(void **state)
{
	struct fixture *f = *state;
	size_t i;

	run(f);
	assert_int_equal(f->v.nsamples, 3);
	/* nothing filtered: the view copies no sample, it reads p's */
	assert_null(f->v.samples);
	for (i = 0; i < 3; i++) {
		struct view_sample s = view_sample_at(&f->v, i);

		assert_ptr_equal(s.sample, &f->p.samples[i]);
		assert_ptr_equal(s.stack, f->p.samples[i].stack);
		assert_int_equal(s.nlocations, f->p.samples[i].nlocations);
	}
	EXPECT(f, "runtime.main", 0, 1053184);
	EXPECT(f, "main.h", 512, 512);
}

static void test_filter__focus(void **state)
{
	struct fixture *f = *state;

	re(&f->o.focus, "main\\.a");
	run(f);
	assert_int_equal(f->v.nsamples, 2);
	assert_true(f->v.focus_matched);
	EXPECT(f, "runtime.main", 0, 4608);
	EXPECT(f, "main.c", -1, -1);
	/* the total stays that of the whole profile, as in pprof */
	assert_int_equal(f->g.total, 1053184);
}

static void test_filter__focus_by_file(void **state)
{
	struct fixture *f = *state;

	re(&f->o.focus, "/app/c\\.go$");
	run(f);
	assert_int_equal(f->v.nsamples, 1);
	EXPECT(f, "main.c", 1048576, 1048576);
}

static void test_filter__ignore(void **state)
{
	struct fixture *f = *state;

	re(&f->o.ignore, "main\\.b");
	run(f);
	assert_int_equal(f->v.nsamples, 2);
	EXPECT(f, "main.h", -1, -1);
	EXPECT(f, "main.a", 4096, 4096);
}

static void test_filter__hide(void **state)
{
	struct fixture *f = *state;

	/* hiding the inlined helper leaves main.b as the leaf */
	re(&f->o.hide, "main\\.h");
	run(f);
	assert_true(f->v.hide_matched);
	EXPECT(f, "main.h", -1, -1);
	EXPECT(f, "main.b", 512, 512);
	/* hiding a whole location moves flat to the caller */
	graph_release(&f->g);
	profile_view_release(&f->v);
	re(&f->o.hide, "main\\.(b|h)$");
	run(f);
	EXPECT(f, "main.a", 4608, 4608);
}

static void test_filter__show(void **state)
{
	struct fixture *f = *state;

	re(&f->o.show, "^main\\.");
	run(f);
	assert_true(f->v.show_matched);
	EXPECT(f, "runtime.main", -1, -1);
	EXPECT(f, "main.a", 4096, 4608);
	EXPECT(f, "main.c", 1048576, 1048576);
}

static void test_filter__tagfocus_regex(void **state)
{
	struct fixture *f = *state;

	tag(&f->o.tagfocus, "handler=^/api$");
	run(f);
	assert_int_equal(f->v.nsamples, 1);
	EXPECT(f, "main.h", 512, 512);

	graph_release(&f->g);
	profile_view_release(&f->v);
	/* without a key, "key:value" is matched */
	tag(&f->o.tagfocus, "handler:/static");
	run(f);
	assert_int_equal(f->v.nsamples, 1);
	EXPECT(f, "main.a", 4096, 4096);
}

static void test_filter__tagignore(void **state)
{
	struct fixture *f = *state;

	tag(&f->o.tagignore, "handler=/api,/static");
	run(f);
	assert_int_equal(f->v.nsamples, 1);
	assert_true(f->v.tagignore_matched);
	EXPECT(f, "main.c", 1048576, 1048576);
}

static void test_filter__tag_ranges(void **state)
{
	struct fixture *f = *state;
	struct tag_filter tf;

	(void)state;
	memset(&tf, 0, sizeof(tf));
	assert_true(filter_parse_range(&tf, "1kb:10kb"));
	assert_int_equal(tf.range_kind, 3);
	assert_true(tf.lo == 1 && tf.hi == 10);
	assert_string_equal(tf.unit, "kB");
	assert_true(filter_parse_range(&tf, "2mb:"));
	assert_int_equal(tf.range_kind, 1);
	assert_true(filter_parse_range(&tf, ":512"));
	assert_int_equal(tf.range_kind, 2);
	assert_string_equal(tf.unit, "");
	assert_true(filter_parse_range(&tf, "64"));
	assert_int_equal(tf.range_kind, 0);
	assert_false(filter_parse_range(&tf, "foo"));
	assert_false(filter_parse_range(&tf, "foo12"));
	assert_false(filter_parse_range(&tf, "1kb:2ms"));

	/* bytes within 1kB..10kB: only the 4096 sample */
	tag(&f->o.tagfocus, "bytes=1kb:10kb");
	run(f);
	assert_int_equal(f->v.nsamples, 1);
	EXPECT(f, "main.a", 4096, 4096);

	graph_release(&f->g);
	profile_view_release(&f->v);
	/* from 1MB up, any key; the unit of a key without one is inferred
	 * from the first unit seen for it ("bytes") */
	tag(&f->o.tagfocus, "1mb:");
	run(f);
	assert_int_equal(f->v.nsamples, 1);
	EXPECT(f, "main.c", 1048576, 1048576);
}

static void test_filter__drop_frames(void **state)
{
	struct fixture *f = *state;

	/* pprof's Prune: a matching frame and everything beneath it (leaf
	 * side) go, so the value lands on the caller */
	f->p.drop_frames = "main\\.b";
	f->o.prune = true;
	run(f);
	/* b is the outer line of its location, so the whole location goes */
	EXPECT(f, "main.a", 4608, 4608);
	EXPECT(f, "main.b", -1, -1);
	EXPECT(f, "main.h", -1, -1);
	/* from the view's own copy: the profile's stack is as it was */
	assert_int_equal(view_sample_at(&f->v, 0).nlocations, 2);
	assert_int_equal(f->p.samples[0].nlocations, 3);
}

static void test_filter__bad_regex(void **state)
{
	regex_t *r = NULL;
	struct ls_error err;

	(void)state;
	ls_error_init(&err, NULL);
	assert_int_equal(filter_compile_regex(&r, "focus", "a(", &err), -1);
	assert_non_null(strstr(err.msg, "parsing focus regexp"));
	assert_null(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_filter__none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter__focus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter__focus_by_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter__ignore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter__hide, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter__show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter__tagfocus_regex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter__tagignore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter__tag_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter__drop_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter__none, setup_narrow, teardown),
		cmocka_unit_test_setup_teardown(test_filter__focus, setup_narrow, teardown),
		cmocka_unit_test_setup_teardown(test_filter__focus_by_file, setup_narrow, teardown),
		cmocka_unit_test_setup_teardown(test_filter__ignore, setup_narrow, teardown),
		cmocka_unit_test_setup_teardown(test_filter__hide, setup_narrow, teardown),
		cmocka_unit_test_setup_teardown(test_filter__show, setup_narrow, teardown),
		cmocka_unit_test_setup_teardown(test_filter__tagfocus_regex, setup_narrow, teardown),
		cmocka_unit_test_setup_teardown(test_filter__tagignore, setup_narrow, teardown),
		cmocka_unit_test_setup_teardown(test_filter__tag_ranges, setup_narrow, teardown),
		cmocka_unit_test_setup_teardown(test_filter__drop_frames, setup_narrow, teardown),
		cmocka_unit_test(test_filter__bad_regex),
	};

	return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}
