/* test_graph.c - nodes, flat/cum, granularities, sorting and trimming */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "filter.h"
#include "graph.h"
#include "profile_builder.h"
#include "report.h"

/* main -> a -> b, main -> a, main -> a -> inl (inlined into a),
 * main -> a -> b -> a (recursion), main -> [app], <unknown>. */
static void make_profile(struct profile *p)
{
	int fmain, fa, fb, finl, app;
	int l0, l1, l2, l3, l4, l5;

	tb_init(p, 1, "samples", "count");
	app = tb_mapping(p, "/usr/bin/app");
	fmain = tb_func(p, "main.main", "/src/main.go");
	fa = tb_func(p, "main.a", "/src/a.go");
	fb = tb_func(p, "main.b", "/src/./x/../b.go");
	finl = tb_func(p, "main.inl", "/src/a.go");
	l0 = tb_loc(p, -1, 0x1000, 1, fmain, 10);
	l1 = tb_loc(p, -1, 0x2000, 1, fa, 20);
	l2 = tb_loc(p, -1, 0x3000, 1, fb, 30);
	l3 = tb_loc(p, -1, 0x2100, 2, finl, 5, fa, 21);
	l4 = tb_loc(p, app, 0x4000, 0);
	l5 = tb_loc(p, -1, 0x5000, 0);
	tb_sample(p, (int64_t[]){ 100 }, 3, l2, l1, l0);
	tb_sample(p, (int64_t[]){ 50 }, 2, l1, l0);
	tb_sample(p, (int64_t[]){ 30 }, 2, l3, l0);
	tb_sample(p, (int64_t[]){ 7 }, 4, l1, l2, l1, l0);
	tb_sample(p, (int64_t[]){ 5 }, 2, l4, l0);
	tb_sample(p, (int64_t[]){ 3 }, 1, l5);
	tb_sample(p, (int64_t[]){ 0 }, 1, l2);
}

struct fixture {
	struct profile p;
	struct profile_view v;
	struct graph g;
};

static void build(struct fixture *f, enum graph_granularity gran,
		  double nf, long nc, bool cum)
{
	struct graph_options o;
	struct ls_error err;

	graph_options_init(&o);
	o.granularity = gran;
	o.node_fraction = nf;
	o.edge_fraction = 0;
	o.node_count = nc;
	o.cum_sort = cum;
	ls_error_init(&err, NULL);
	assert_int_equal(filter_apply(&f->v, &f->p, NULL, &err), 0);
	assert_int_equal(graph_build(&f->g, &f->v, &o, &err), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	make_profile(&f->p);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	graph_release(&f->g);
	profile_view_release(&f->v);
	profile_release(&f->p);
	free(f);
	return 0;
}

static const struct graph_node *row(const struct graph *g, size_t i)
{
	assert_true(i < g->nrows);
	return &g->nodes[g->rows[i]];
}

static void expect(const struct graph *g, size_t i, const char *name,
		   int64_t flat, int64_t cum)
{
	const struct graph_node *n = row(g, i);

	assert_string_equal(n->printable, name);
	assert_int_equal(n->flat, flat);
	assert_int_equal(n->cum, cum);
}

static void test_graph__functions(void **state)
{
	struct fixture *f = *state;

	build(f, GRAPH_FUNCTIONS, 0, 0, false);
	assert_int_equal(f->g.total, 195);
	assert_int_equal(f->g.flat_sum, 195);
	assert_int_equal(f->g.nrows, 6);
	expect(&f->g, 0, "main.b", 100, 107);
	/* recursion: a's cum counts sample 3 once */
	expect(&f->g, 1, "main.a", 57, 187);
	expect(&f->g, 2, "main.inl", 30, 30);
	expect(&f->g, 3, "[app]", 5, 5);
	expect(&f->g, 4, "<unknown>", 3, 3);
	expect(&f->g, 5, "main.main", 0, 192);
	assert_string_equal(graph_inline_label(row(&f->g, 2)), "(inline)");
	assert_string_equal(graph_inline_label(row(&f->g, 1)), "");
}

static void test_graph__filefunctions(void **state)
{
	struct fixture *f = *state;

	build(f, GRAPH_FILEFUNCTIONS, 0, 0, false);
	expect(&f->g, 0, "main.b /src/b.go", 100, 107);
	expect(&f->g, 1, "main.a /src/a.go", 57, 187);
}

static void test_graph__files(void **state)
{
	struct fixture *f = *state;

	build(f, GRAPH_FILES, 0, 0, false);
	/* main.a and main.inl share /src/a.go: one node, cum once */
	expect(&f->g, 0, "/src/b.go", 100, 107);
	expect(&f->g, 1, "/src/a.go", 87, 187);
	expect(&f->g, 2, "[app]", 5, 5);
}

static void test_graph__lines(void **state)
{
	struct fixture *f = *state;

	build(f, GRAPH_LINES, 0, 0, false);
	expect(&f->g, 0, "main.b /src/b.go:30", 100, 107);
	expect(&f->g, 1, "main.a /src/a.go:20", 57, 157);
	expect(&f->g, 2, "main.inl /src/a.go:5", 30, 30);
	expect(&f->g, 5, "main.a /src/a.go:21", 0, 30);
}

static void test_graph__addresses(void **state)
{
	struct fixture *f = *state;

	build(f, GRAPH_ADDRESSES, 0, 0, false);
	expect(&f->g, 0, "0000000000003000 main.b /src/b.go:30", 100, 107);
	expect(&f->g, 3, "0000000000004000 [app]", 5, 5);
	expect(&f->g, 4, "0000000000005000 <unknown>", 3, 3);
	/* both lines of the inlined location share its address */
	expect(&f->g, 2, "0000000000002100 main.inl /src/a.go:5", 30, 30);
}

static void test_graph__cum_sort(void **state)
{
	struct fixture *f = *state;

	build(f, GRAPH_FUNCTIONS, 0, 0, true);
	expect(&f->g, 0, "main.main", 0, 192);
	expect(&f->g, 1, "main.a", 57, 187);
	expect(&f->g, 2, "main.b", 100, 107);
}

static void test_graph__nodefraction(void **state)
{
	struct fixture *f = *state;

	/* cutoff int(195 * 0.03) = 5: <unknown> (cum 3) goes */
	build(f, GRAPH_FUNCTIONS, 0.03, 0, false);
	assert_int_equal(f->g.dropped_nodes, 1);
	assert_int_equal(f->g.orig_count, 5);
	assert_int_equal(f->g.nrows, 5);
	assert_int_equal(f->g.flat_sum, 192);
	expect(&f->g, 3, "[app]", 5, 5);
}

static void test_graph__nodecount(void **state)
{
	struct fixture *f = *state;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	build(f, GRAPH_FUNCTIONS, 0, 2, false);
	assert_int_equal(f->g.orig_count, 6);
	assert_int_equal(f->g.nrows, 2);
	expect(&f->g, 0, "main.b", 100, 107);
	expect(&f->g, 1, "main.a", 57, 187);
	assert_int_equal(report_text(fp, &f->g, NULL), 0);
	fclose(fp);
	assert_non_null(strstr(buf, "Showing nodes accounting for 157, 80.51% of 195 total\n"
				    "Showing top 2 nodes out of 6\n"));
	assert_non_null(strstr(buf, "       100 51.28% 51.28%        107 54.87%  main.b\n"));
	free(buf);
}

static void test_graph__sort_ties_by_name(void **state)
{
	struct profile p;
	struct profile_view v;
	struct graph g;
	struct graph_options o;
	struct ls_error err;
	int fx, fy, lx, ly;

	(void)state;
	tb_init(&p, 1, "space", "bytes");
	fy = tb_func(&p, "y", "");
	fx = tb_func(&p, "x", "");
	ly = tb_loc(&p, -1, 1, 1, fy, 1);
	lx = tb_loc(&p, -1, 2, 1, fx, 1);
	tb_sample(&p, (int64_t[]){ 10 }, 1, ly);
	tb_sample(&p, (int64_t[]){ -10 }, 1, lx);
	tb_sample(&p, (int64_t[]){ 4 }, 2, ly, lx);
	graph_options_init(&o);
	o.node_fraction = 0;
	ls_error_init(&err, NULL);
	assert_int_equal(filter_apply(&v, &p, NULL, &err), 0);
	assert_int_equal(graph_build(&g, &v, &o, &err), 0);
	/* total is the sum of |value| */
	assert_int_equal(g.total, 24);
	/* sorted by |flat|: y (14) before x (-10) */
	assert_string_equal(g.nodes[g.rows[0]].printable, "y");
	assert_int_equal(g.nodes[g.rows[0]].flat, 14);
	assert_string_equal(g.nodes[g.rows[1]].printable, "x");
	assert_int_equal(g.nodes[g.rows[1]].cum, -6);
	graph_release(&g);
	profile_view_release(&v);
	profile_release(&p);

	tb_init(&p, 1, "space", "bytes");
	fy = tb_func(&p, "b", "");
	fx = tb_func(&p, "a", "");
	ly = tb_loc(&p, -1, 1, 1, fy, 1);
	lx = tb_loc(&p, -1, 2, 1, fx, 1);
	tb_sample(&p, (int64_t[]){ 10 }, 1, ly);
	tb_sample(&p, (int64_t[]){ -10 }, 1, lx);
	assert_int_equal(filter_apply(&v, &p, NULL, &err), 0);
	assert_int_equal(graph_build(&g, &v, &o, &err), 0);
	assert_string_equal(g.nodes[g.rows[0]].printable, "a");
	assert_string_equal(g.nodes[g.rows[1]].printable, "b");
	graph_release(&g);
	profile_view_release(&v);
	profile_release(&p);
}

static void test_graph__partial_inline(void **state)
{
	struct profile p;
	struct profile_view v;
	struct graph g;
	struct graph_options o;
	struct ls_error err;
	int fa, fb, fx, la, lb, lxa, lxb;
	size_t i;

	(void)state;
	tb_init(&p, 1, "samples", "count");
	fa = tb_func(&p, "a", "");
	fb = tb_func(&p, "b", "");
	fx = tb_func(&p, "x", "");
	la = tb_loc(&p, -1, 1, 1, fa, 1);
	lb = tb_loc(&p, -1, 2, 1, fb, 1);
	lxa = tb_loc(&p, -1, 3, 2, fx, 1, fa, 2);	/* x inlined into a */
	lxb = tb_loc(&p, -1, 4, 1, fx, 1);		/* x called by b */
	tb_sample(&p, (int64_t[]){ 990 }, 2, lxa, la);
	tb_sample(&p, (int64_t[]){ 10 }, 2, lxb, lb);
	graph_options_init(&o);
	o.node_fraction = 0;
	o.edge_fraction = 0;
	ls_error_init(&err, NULL);
	assert_int_equal(filter_apply(&v, &p, NULL, &err), 0);
	assert_int_equal(graph_build(&g, &v, &o, &err), 0);
	assert_string_equal(g.nodes[g.rows[0]].printable, "x");
	assert_string_equal(graph_inline_label(&g.nodes[g.rows[0]]), "(partial-inline)");
	graph_release(&g);
	/* the b -> x edge (10 of 1000) is under edgefraction 0.02 */
	o.edge_fraction = 0.02;
	assert_int_equal(graph_build(&g, &v, &o, &err), 0);
	assert_string_equal(graph_inline_label(&g.nodes[g.rows[0]]), "(inline)");
	for (i = 1; i < g.nrows; i++)
		assert_string_equal(graph_inline_label(&g.nodes[g.rows[i]]), "");
	graph_release(&g);
	profile_view_release(&v);
	profile_release(&p);
}

/* After a cut, flat and cum of the kept nodes stay, the others are zero,
 * and the inline marks come from the edges between kept nodes only. */
static void test_graph__inline_after_cut(void **state)
{
	struct profile p;
	struct profile_view v;
	struct graph g;
	struct graph_options o;
	struct ls_error err;
	int fa, fb, fx, la, lb, lxa, lxb;
	size_t i;

	(void)state;
	tb_init(&p, 1, "samples", "count");
	fa = tb_func(&p, "a", "");
	fb = tb_func(&p, "b", "");
	fx = tb_func(&p, "x", "");
	la = tb_loc(&p, -1, 1, 1, fa, 1);
	lb = tb_loc(&p, -1, 2, 1, fb, 1);
	lxa = tb_loc(&p, -1, 3, 2, fx, 1, fa, 2);	/* x inlined into a */
	lxb = tb_loc(&p, -1, 4, 1, fx, 1);		/* x called by b */
	tb_sample(&p, (int64_t[]){ 990 }, 2, lxa, la);
	tb_sample(&p, (int64_t[]){ 10 }, 2, lxb, lb);
	tb_sample(&p, (int64_t[]){ 4 }, 1, lb);
	graph_options_init(&o);
	o.node_fraction = 0;
	o.edge_fraction = 0;
	o.cum_sort = true;
	o.node_count = 2;	/* x 1000/1000, a 0/990; b 4/14 goes */
	ls_error_init(&err, NULL);
	assert_int_equal(filter_apply(&v, &p, NULL, &err), 0);
	assert_int_equal(graph_build(&g, &v, &o, &err), 0);
	assert_int_equal(g.nrows, 2);
	assert_string_equal(g.nodes[g.rows[0]].printable, "x");
	assert_int_equal(g.nodes[g.rows[0]].flat, 1000);
	assert_int_equal(g.nodes[g.rows[0]].cum, 1000);
	assert_string_equal(g.nodes[g.rows[1]].printable, "a");
	assert_int_equal(g.nodes[g.rows[1]].flat, 0);
	assert_int_equal(g.nodes[g.rows[1]].cum, 990);
	/* without b, the b -> x call is gone: x is only inlined */
	assert_string_equal(graph_inline_label(&g.nodes[g.rows[0]]), "(inline)");
	for (i = 0; i < g.nnodes; i++)
		if (!strcmp(g.nodes[i].printable, "b"))
			assert_true(g.nodes[i].flat == 0 && g.nodes[i].cum == 0);
	graph_release(&g);
	/* the same cut by nodefraction: cutoff int(1004 * 0.02) = 20 */
	o.node_count = 0;
	o.node_fraction = 0.02;
	assert_int_equal(graph_build(&g, &v, &o, &err), 0);
	assert_int_equal(g.nrows, 2);
	assert_int_equal(g.dropped_nodes, 1);
	assert_string_equal(graph_inline_label(&g.nodes[g.rows[0]]), "(inline)");
	graph_release(&g);
	/* no cut: partial */
	o.node_fraction = 0;
	assert_int_equal(graph_build(&g, &v, &o, &err), 0);
	assert_int_equal(g.nrows, 3);
	assert_string_equal(graph_inline_label(&g.nodes[g.rows[0]]), "(partial-inline)");
	assert_int_equal(g.nodes[g.rows[2]].flat, 4);
	assert_int_equal(g.nodes[g.rows[2]].cum, 14);
	graph_release(&g);
	profile_view_release(&v);
	profile_release(&p);
}

/* The samples summed in parts, on several threads, give the same graph
 * as on one: rows, values and inline marks, with and without cuts. */
static void test_graph__threads_same_result(void **state)
{
	static const unsigned threads[] = { 2, 3, 7 };
	struct profile p;
	struct profile_view v;
	struct graph one, many;
	struct graph_options o;
	struct ls_error err;
	int f[5], l[6], j, opt;
	size_t i, t;

	(void)state;
	tb_init(&p, 1, "samples", "count");
	for (j = 0; j < 5; j++) {
		char name[8];

		snprintf(name, sizeof(name), "f%d", j);
		f[j] = tb_func(&p, name, "");
	}
	for (j = 0; j < 5; j++)
		l[j] = tb_loc(&p, -1, (uint64_t)j + 1, 1, f[j], 1);
	l[5] = tb_loc(&p, -1, 6, 2, f[4], 1, f[1], 2);	/* f4 inlined into f1 */
	for (j = 0; j < 40; j++)
		tb_sample(&p, (int64_t[]){ j % 7 - 1 + (j % 3) * 50 }, 3,
			  l[(j * 3) % 6], l[(j + 2) % 5], l[0]);
	ls_error_init(&err, NULL);
	assert_int_equal(filter_apply(&v, &p, NULL, &err), 0);
	for (opt = 0; opt < 4; opt++) {
		graph_options_init(&o);
		o.node_fraction = opt == 1 ? 0.05 : 0;
		o.edge_fraction = opt == 3 ? 0.01 : 0;
		o.node_count = opt == 2 ? 3 : 0;
		o.cum_sort = opt == 3;
		o.threads = 1;
		assert_int_equal(graph_build(&one, &v, &o, &err), 0);
		for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
			o.threads = threads[t];
			assert_int_equal(graph_build(&many, &v, &o, &err), 0);
			assert_int_equal(many.nnodes, one.nnodes);
			assert_int_equal(many.nrows, one.nrows);
			assert_int_equal(many.orig_count, one.orig_count);
			assert_int_equal(many.flat_sum, one.flat_sum);
			for (i = 0; i < one.nrows; i++)
				assert_int_equal(many.rows[i], one.rows[i]);
			for (i = 0; i < one.nnodes; i++) {
				assert_int_equal(many.nodes[i].flat, one.nodes[i].flat);
				assert_int_equal(many.nodes[i].cum, one.nodes[i].cum);
				assert_int_equal(many.nodes[i].inline_in, one.nodes[i].inline_in);
				assert_int_equal(many.nodes[i].noinline_in,
						 one.nodes[i].noinline_in);
			}
			graph_release(&many);
		}
		graph_release(&one);
	}
	profile_view_release(&v);
	profile_release(&p);
}

static void test_graph__clean_path(void **state)
{
	static const char *const cases[][2] = {
		{ "", "." }, { "a/b/../c", "a/c" }, { "/../x", "/x" },
		{ "./a//b/", "a/b" }, { "../../a", "../../a" }, { "/", "/" },
		{ "a/..", "." },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(graph_clean_path(buf, cases[i][0]), cases[i][1]);
	assert_int_equal(graph_granularity_parse("lines"), GRAPH_LINES);
	assert_int_equal(graph_granularity_parse("bogus"), -1);
}

static void test_graph__folded(void **state)
{
	struct fixture *f = *state;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	build(f, GRAPH_FUNCTIONS, 0.5, 1, false);
	assert_int_equal(report_folded(fp, &f->g, NULL), 0);
	fclose(fp);
	assert_string_equal(buf,
		"<unknown> 3\n"
		"main.main;[app] 5\n"
		"main.main;main.a 50\n"
		"main.main;main.a;main.b 100\n"
		"main.main;main.a;main.b;main.a 7\n"
		"main.main;main.a;main.inl 30\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_graph__functions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graph__filefunctions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graph__files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graph__lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graph__addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graph__cum_sort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graph__nodefraction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graph__nodecount, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graph__folded, setup, teardown),
		cmocka_unit_test(test_graph__sort_ties_by_name),
		cmocka_unit_test(test_graph__partial_inline),
		cmocka_unit_test(test_graph__inline_after_cut),
		cmocka_unit_test(test_graph__threads_same_result),
		cmocka_unit_test(test_graph__clean_path),
	};

	return cmocka_run_group_tests_name("graph", tests, NULL, NULL);
}
