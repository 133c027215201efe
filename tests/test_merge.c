/* test_merge.c - merging profiles by summing, and refusing to */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "filter.h"
#include "graph.h"
#include "merge.h"
#include "profile_builder.h"

static void make(struct profile *p, const char *unit, int64_t scale,
		 int64_t time, int64_t duration, const char *comment)
{
	int fm, fa, lm, la;

	tb_init(p, 2, "samples", "count", "cpu", unit);
	fm = tb_func(p, "main.main", "/src/main.go");
	fa = tb_func(p, "main.a", "/src/a.go");
	lm = tb_loc(p, -1, 0x10, 1, fm, 1);
	la = tb_loc(p, -1, 0x20, 1, fa, 2);
	tb_sample(p, (int64_t[]){ 1, 10 * scale }, 2, la, lm);
	tb_sample(p, (int64_t[]){ 2, 20 * scale }, 1, lm);
	tb_sample(p, (int64_t[]){ 0, 0 }, 1, la);
	p->time_nanos = time;
	p->duration_nanos = duration;
	p->period_type.type = tb_str(p, "cpu");
	p->period_type.unit = tb_str(p, "nanoseconds");
	p->period = 100;
	p->comments = arena_calloc(&p->arena, 1, sizeof(*p->comments));
	p->comments[0] = tb_str(p, comment);
	p->ncomments = 1;
}

static void top(struct profile *p, int si, int64_t *flat_a, int64_t *cum_main)
{
	struct profile_view v;
	struct graph g;
	struct graph_options o;
	struct ls_error err;
	size_t i;

	graph_options_init(&o);
	o.sample_index = si;
	ls_error_init(&err, NULL);
	assert_int_equal(filter_apply(&v, p, NULL, &err), 0);
	assert_int_equal(graph_build(&g, &v, &o, &err), 0);
	for (i = 0; i < g.nrows; i++) {
		const struct graph_node *n = &g.nodes[g.rows[i]];

		if (!strcmp(n->printable, "main.a"))
			*flat_a = n->flat;
		if (!strcmp(n->printable, "main.main"))
			*cum_main = n->cum;
	}
	graph_release(&g);
	profile_view_release(&v);
}

static void test_merge__sums(void **state)
{
	struct profile a, b, m;
	struct profile *srcs[2] = { &a, &b };
	struct ls_error err;
	int64_t flat_a = 0, cum_main = 0;

	(void)state;
	make(&a, "nanoseconds", 1, 2000, 10, "one");
	make(&b, "nanoseconds", 3, 1000, 5, "two");
	profile_init(&m);
	ls_error_init(&err, NULL);
	assert_int_equal(profile_merge(&m, srcs, 2, &err), 0);
	/* zero samples dropped */
	assert_int_equal(m.nsamples, 4);
	assert_int_equal(m.time_nanos, 1000);
	assert_int_equal(m.duration_nanos, 15);
	assert_int_equal(m.ncomments, 2);
	/* one name, one pointer, across inputs */
	assert_ptr_equal(profile_location(&m, &m.samples[0], 0)->lines[0].function->name,
			 profile_location(&m, &m.samples[2], 0)->lines[0].function->name);
	top(&m, 1, &flat_a, &cum_main);
	assert_int_equal(flat_a, 40);
	assert_int_equal(cum_main, 120);
	top(&m, 0, &flat_a, &cum_main);
	assert_int_equal(flat_a, 2);
	assert_int_equal(cum_main, 6);
	profile_release(&m);
	profile_release(&a);
	profile_release(&b);
}

static void test_merge__scales_units(void **state)
{
	struct profile a, b, m;
	struct profile *srcs[2] = { &a, &b };
	struct ls_error err;
	int64_t flat_a = 0, cum_main = 0;

	(void)state;
	make(&a, "nanoseconds", 1, 1, 1, "x");
	make(&b, "microseconds", 1, 1, 1, "x");
	profile_init(&m);
	ls_error_init(&err, NULL);
	assert_int_equal(profile_merge(&m, srcs, 2, &err), 0);
	assert_string_equal(m.sample_types[1].unit, "nanoseconds");
	assert_int_equal(m.ncomments, 1);
	top(&m, 1, &flat_a, &cum_main);
	assert_int_equal(flat_a, 10 + 10000);
	assert_int_equal(cum_main, 30 + 30000);
	profile_release(&m);
	profile_release(&a);
	profile_release(&b);
}

static void test_merge__refuses_incompatible(void **state)
{
	struct profile a, b, m;
	struct profile *srcs[2] = { &a, &b };
	struct ls_error err;

	(void)state;
	make(&a, "nanoseconds", 1, 1, 1, "x");
	tb_init(&b, 2, "alloc_objects", "count", "alloc_space", "bytes");
	b.source = "heap.pb.gz";
	b.period_type.type = tb_str(&b, "cpu");
	b.period_type.unit = tb_str(&b, "nanoseconds");
	profile_init(&m);
	ls_error_init(&err, NULL);
	assert_int_equal(profile_merge(&m, srcs, 2, &err), -1);
	assert_string_equal(err.subject, "heap.pb.gz");
	assert_string_equal(err.msg, "incompatible sample types "
			    "[samples/count cpu/nanoseconds] and "
			    "[alloc_objects/count alloc_space/bytes]");
	assert_int_equal(m.nsamples, 0);
	profile_release(&m);
	profile_release(&b);

	tb_init(&b, 1, "samples", "count");
	b.source = "one.pb.gz";
	b.period_type.type = tb_str(&b, "cpu");
	b.period_type.unit = tb_str(&b, "nanoseconds");
	ls_error_init(&err, NULL);
	assert_int_equal(profile_merge(&m, srcs, 2, &err), -1);
	assert_non_null(strstr(err.msg, "inconsistent samples type count"));
	profile_release(&m);
	profile_release(&b);
	profile_release(&a);
}

static void test_merge__single_is_a_copy(void **state)
{
	struct profile a, m;
	struct profile *srcs[1] = { &a };
	struct ls_error err;

	(void)state;
	make(&a, "nanoseconds", 1, 7, 9, "c");
	a.default_sample_type = tb_str(&a, "samples");
	profile_init(&m);
	ls_error_init(&err, NULL);
	assert_int_equal(profile_merge(&m, srcs, 1, &err), 0);
	assert_int_equal(m.nsamples, 2);
	assert_int_equal(m.nlocations, 2);
	assert_int_equal(m.time_nanos, 7);
	assert_string_equal(m.default_sample_type, "samples");
	assert_int_equal(profile_default_sample_index(&m), 0);
	profile_release(&m);
	profile_release(&a);
}

static void test_merge__needed(void **state)
{
	struct profile a, b;
	struct profile *srcs[2] = { &a, &b };

	(void)state;
	make(&a, "nanoseconds", 1, 7, 9, "c");
	make(&b, "nanoseconds", 1, 7, 9, "c");
	/* make() adds a sample of zeros, which the merge drops */
	assert_true(profile_merge_needed(srcs, 1));
	a.samples[2].values[1] = 5;
	assert_false(profile_merge_needed(srcs, 1));
	assert_true(profile_merge_needed(srcs, 2));
	/* a comment twice: the merge keeps it once */
	a.comments = arena_calloc(&a.arena, 2, sizeof(*a.comments));
	a.comments[0] = tb_str(&a, "c");
	a.comments[1] = tb_str(&a, "c");
	a.ncomments = 2;
	assert_true(profile_merge_needed(srcs, 1));
	a.comments[1] = tb_str(&a, "d");
	assert_false(profile_merge_needed(srcs, 1));
	profile_release(&a);
	profile_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge__sums),
		cmocka_unit_test(test_merge__scales_units),
		cmocka_unit_test(test_merge__refuses_incompatible),
		cmocka_unit_test(test_merge__single_is_a_copy),
		cmocka_unit_test(test_merge__needed),
	};

	return cmocka_run_group_tests_name("merge", tests, NULL, NULL);
}
