/* test_sites.c - matching sites across snapshots: nodes, stacks, goroutine forms */
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
#include "sites.h"

static struct ls_error err;

static int add(const struct goroutine *g, void *ctx)
{
	return goroutine_groups_add(ctx, g, &err);
}

/* A goroutine profile (debug=0) keeps runtime.gopark and friends, which a
 * dump hides: both forms must land on one site. */
static void test_sites__goroutine_forms_match(void **state)
{
	static const char dump[] =
		"goroutine 7 [chan receive]:\n"
		"main.worker()\n\t/src/main.go:12 +0x1d\n"
		"created by main.main\n\t/src/main.go:5 +0x2\n\n"
		"goroutine 8 [chan receive]:\n"
		"main.worker()\n\t/src/main.go:12 +0x1d\n"
		"created by main.main\n\t/src/main.go:5 +0x2\n\n";
	struct profile p;
	struct goroutine_groups gp, gd;
	struct dump_parser parser;
	struct site_table t;
	int fpark, frecv, fworker, fexit, lp, lr, lw, le;

	(void)state;
	tb_init(&p, 1, "goroutine", "count");
	fpark = tb_func(&p, "runtime.gopark", "/go/src/runtime/proc.go");
	frecv = tb_func(&p, "runtime.chanrecv1", "/go/src/runtime/chan.go");
	fworker = tb_func(&p, "main.worker", "/src/main.go");
	fexit = tb_func(&p, "runtime.goexit", "/go/src/runtime/asm_amd64.s");
	lp = tb_loc(&p, -1, 1, 1, fpark, 363);
	lr = tb_loc(&p, -1, 2, 1, frecv, 442);
	lw = tb_loc(&p, -1, 3, 1, fworker, 12);
	le = tb_loc(&p, -1, 4, 1, fexit, 1594);
	tb_sample(&p, (int64_t[]){ 5 }, 4, lp, lr, lw, le);
	goroutine_groups_init(&gp);
	assert_int_equal(goroutine_groups_add_profile(&gp, &p, NULL, &err), 0);
	goroutine_groups_rank(&gp, NULL);

	goroutine_groups_init(&gd);
	dump_parser_init(&parser, "t", add, NULL, &gd);
	assert_int_equal(dump_parse_buffer(&parser, dump, strlen(dump), &err), 0);
	goroutine_groups_rank(&gd, NULL);

	assert_int_equal(sites_init(&t, 2), 0);
	assert_int_equal(sites_add_groups(&t, 0, &gp, &err), 0);
	assert_int_equal(sites_add_groups(&t, 1, &gd, &err), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.list[0]->flat[0], 5);
	assert_int_equal(t.list[0]->flat[1], 2);
	assert_true(t.list[0]->present[0] && t.list[0]->present[1]);
	/* named from the dump, which knows the state */
	assert_string_equal(t.list[0]->name, "main.worker [chan receive]");
	assert_int_equal(t.totals[0], 5);
	assert_int_equal(t.totals[1], 2);
	assert_int_equal(sites_blame(&t, 0, 1, NULL, &err), 0);
	assert_string_equal(t.list[0]->user_frame, "main.worker");
	sites_release(&t);
	goroutine_groups_release(&gp);
	goroutine_groups_release(&gd);
	dump_parser_release(&parser);
	profile_release(&p);
}

/* Two snapshots with their own string tables: nodes match by value. */
static void test_sites__nodes_and_stacks(void **state)
{
	struct profile p[2];
	struct graph_options go;
	struct site_table t;
	size_t i;

	(void)state;
	graph_options_init(&go);
	go.node_fraction = 0;
	assert_int_equal(sites_init(&t, 2), 0);
	for (i = 0; i < 2; i++) {
		int fm, fa, fb, lm, la, lb;

		tb_init(&p[i], 1, "samples", "count");
		/* created in a different order in each */
		if (i == 0) {
			fm = tb_func(&p[i], "main.main", "m.go");
			fa = tb_func(&p[i], "main.a", "a.go");
			fb = tb_func(&p[i], "main.b", "b.go");
		} else {
			fb = tb_func(&p[i], "main.b", "b.go");
			fa = tb_func(&p[i], "main.a", "a.go");
			fm = tb_func(&p[i], "main.main", "m.go");
		}
		lm = tb_loc(&p[i], -1, 0x10, 1, fm, 1);
		la = tb_loc(&p[i], -1, 0x20, 1, fa, 2);
		lb = tb_loc(&p[i], -1, 0x30, 1, fb, 3);
		tb_sample(&p[i], (int64_t[]){ i ? 30 : 10 }, 3, lb, la, lm);
		tb_sample(&p[i], (int64_t[]){ 4 }, 2, la, lm);
		if (i == 0)
			tb_sample(&p[i], (int64_t[]){ 6 }, 2, lb, lm);
		assert_int_equal(sites_add_profile(&t, i, &p[i], NULL, &go, &err), 0);
	}
	assert_int_equal(t.n, 3);
	assert_int_equal(t.nstacks, 3);
	for (i = 0; i < t.n; i++) {
		const struct site *s = t.list[i];

		if (!strcmp(s->name, "main.b")) {
			assert_int_equal(s->flat[0], 16);
			assert_int_equal(s->flat[1], 30);
		} else if (!strcmp(s->name, "main.a")) {
			assert_int_equal(s->flat[0], 4);
			assert_int_equal(s->cum[1], 34);
		} else {
			assert_string_equal(s->name, "main.main");
			assert_int_equal(s->cum[0], 20);
			assert_int_equal(s->cum[1], 34);
		}
	}
	/* main -> b: present in the base only, linked with a zero */
	for (i = 0; i < t.nstacks; i++)
		if (t.stacks[i]->n == 2 && !strcmp(t.list[t.stacks[i]->ids[0]]->name, "main.b")) {
			assert_int_equal(t.stacks[i]->values[0], 6);
			assert_int_equal(t.stacks[i]->values[1], 0);
		}
	assert_int_equal(sites_blame(&t, 0, 1, NULL, &err), 0);
	for (i = 0; i < t.n; i++)
		if (!strcmp(t.list[i]->name, "main.b")) {
			assert_string_equal(t.list[i]->path, "main.b");
			assert_string_equal(t.list[i]->caller, "main.a");
			assert_int_equal(t.list[i]->path_growth, 20);
		}
	sites_release(&t);
	profile_release(&p[0]);
	profile_release(&p[1]);
}

/* Sites sum flat and cum over the samples themselves (collect_stacks):
 * the same as graph_build's nodes at every granularity, with inlined
 * frames, recursion, zero and negative values. */
static void test_sites__flat_cum_as_graph(void **state)
{
	static const enum graph_granularity grans[] = {
		GRAPH_FUNCTIONS, GRAPH_FILEFUNCTIONS, GRAPH_FILES, GRAPH_LINES,
		GRAPH_ADDRESSES,
	};
	struct profile p;
	int fm, fa, fb, fc, lm, lab, la, lc, lc2;
	size_t gi, n, k, nodes;

	(void)state;
	tb_init(&p, 1, "space", "bytes");
	fm = tb_func(&p, "main.main", "m.go");
	fa = tb_func(&p, "main.a", "a.go");
	fb = tb_func(&p, "main.b", "b.go");
	fc = tb_func(&p, "main.c", "a.go");
	lm = tb_loc(&p, -1, 0x10, 1, fm, 1);
	lab = tb_loc(&p, -1, 0x20, 2, fb, 7, fa, 2);	/* b inlined in a */
	la = tb_loc(&p, -1, 0x30, 1, fa, 3);
	lc = tb_loc(&p, -1, 0x40, 1, fc, 4);
	lc2 = tb_loc(&p, -1, 0x48, 1, fc, 5);
	tb_sample(&p, (int64_t[]){ 10 }, 3, lab, la, lm);
	tb_sample(&p, (int64_t[]){ 5 }, 4, la, lab, la, lm);	/* recursion */
	tb_sample(&p, (int64_t[]){ 0 }, 2, lc, lm);
	tb_sample(&p, (int64_t[]){ -3 }, 3, lc2, lc, lm);
	tb_sample(&p, (int64_t[]){ 7 }, 4, lc, lc2, lc, lm);
	tb_sample(&p, (int64_t[]){ 2 }, 0);
	for (gi = 0; gi < sizeof(grans) / sizeof(grans[0]); gi++) {
		struct graph_options go;
		struct profile_view v;
		struct graph g;
		struct site_table t;

		graph_options_init(&go);
		go.node_fraction = go.edge_fraction = 0;
		go.granularity = grans[gi];
		assert_int_equal(sites_init(&t, 1), 0);
		assert_int_equal(sites_add_profile(&t, 0, &p, NULL, &go, &err), 0);
		assert_int_equal(filter_apply(&v, &p, NULL, &err), 0);
		assert_int_equal(graph_build(&g, &v, &go, &err), 0);
		for (n = 0, nodes = 0; n < g.nnodes; n++) {
			const struct graph_node *node = &g.nodes[n];

			if (!node->flat && !node->cum)
				continue;
			nodes++;
			for (k = 0; k < t.n; k++)
				if (!strcmp(t.list[k]->name, node->printable))
					break;
			assert_true(k < t.n);
			assert_int_equal(t.list[k]->flat[0], node->flat);
			assert_int_equal(t.list[k]->cum[0], node->cum);
		}
		assert_int_equal(t.n, nodes);
		assert_true(nodes >= 3);
		graph_release(&g);
		profile_view_release(&v);
		sites_release(&t);
	}
	profile_release(&p);
}

/* Several profiles prepared at once, on several threads, make the same
 * table as adding them one by one: same sites, stacks, order, values.
 * In batches of as many profiles as threads, the stacks translated at
 * once, but in the batch of a lazy graph (profile 2). */
static void test_sites__profiles_as_one_by_one(void **state)
{
	enum { NP = 5 };
	struct profile p[NP];
	const struct profile *ps[NP];
	int index[NP] = { 0, 0, 0, 0, 0 };
	struct ls_error errs[NP];
	struct graph_options go;
	struct site_table a, b;
	size_t i, k, failed = 0;

	(void)state;
	graph_options_init(&go);
	go.node_fraction = 0;
	for (i = 0; i < NP; i++) {
		int f[6], l[6], j;

		tb_init(&p[i], 1, "samples", "count");
		for (j = 0; j < 6; j++) {
			char name[16];

			/* a different set of functions in each */
			snprintf(name, sizeof(name), "main.f%d", (j + (int)i) % 8);
			f[j] = tb_func(&p[i], name, "m.go");
			l[j] = tb_loc(&p[i], -1, 0x10 * (uint64_t)(j + 1), 1, f[j], j + 1);
		}
		for (j = 0; j < 40; j++) {
			int x = (j * 7 + (int)i) % 6, y = (j * 5 + 1) % 6;

			tb_sample(&p[i], (int64_t[]){ j % 9 - 2 }, 3, l[x], l[y], l[0]);
		}
		if (i == 2) {
			/* a node whose values cancel out: it has a site only
			 * from its stacks, so this one is added on its own */
			int lz = tb_loc(&p[i], -1, 0x100, 1,
					tb_func(&p[i], "main.lazy", "m.go"), 9);

			tb_sample(&p[i], (int64_t[]){ 7 }, 3, l[1], lz, l[0]);
			tb_sample(&p[i], (int64_t[]){ -7 }, 3, l[2], lz, l[0]);
		}
		ps[i] = &p[i];
		ls_error_init(&errs[i], "p");
	}
	assert_int_equal(sites_init(&a, NP), 0);
	assert_int_equal(sites_init(&b, NP), 0);
	assert_int_equal(sites_add_profiles(&a, 0, NP, ps, index, NULL, &go, errs,
					    &failed), 0);
	for (i = 0; i < NP; i++)
		assert_int_equal(sites_add_profile(&b, i, &p[i], NULL, &go, &err), 0);
	assert_int_equal(a.n, b.n);
	assert_int_equal(a.nstacks, b.nstacks);
	for (i = 0; i < a.n && strcmp(a.list[i]->name, "main.lazy"); i++)
		;
	assert_true(i < a.n);
	for (i = 0; i < a.n; i++) {
		assert_string_equal(a.list[i]->name, b.list[i]->name);
		for (k = 0; k < NP; k++) {
			assert_int_equal(a.list[i]->flat[k], b.list[i]->flat[k]);
			assert_int_equal(a.list[i]->cum[k], b.list[i]->cum[k]);
			assert_int_equal(a.list[i]->present[k], b.list[i]->present[k]);
		}
	}
	for (i = 0; i < a.nstacks; i++) {
		assert_int_equal(a.stacks[i]->n, b.stacks[i]->n);
		assert_memory_equal(a.stacks[i]->ids, b.stacks[i]->ids,
				    a.stacks[i]->n * sizeof(uint32_t));
		for (k = 0; k < NP; k++)
			assert_int_equal(a.stacks[i]->values[k], b.stacks[i]->values[k]);
	}
	for (k = 0; k < NP; k++)
		assert_int_equal(a.totals[k], b.totals[k]);
	sites_release(&a);
	sites_release(&b);
	for (i = 0; i < NP; i++)
		profile_release(&p[i]);
}

/* Each site's heaviest growing stack, the first of equals, and its
 * place on it, among tens of thousands of stacks with equal growths. */
static void test_sites__blame_first_heaviest(void **state)
{
	struct profile p[2];
	struct graph_options go;
	struct site_table t;
	int f[10], l[10];
	size_t i, k, pos;
	int v;

	(void)state;
	graph_options_init(&go);
	go.node_fraction = 0;
	assert_int_equal(sites_init(&t, 2), 0);
	for (i = 0; i < 2; i++) {
		tb_init(&p[i], 1, "space", "bytes");
		for (v = 0; v < 10; v++) {
			char name[16];

			snprintf(name, sizeof(name), "main.f%d", v);
			f[v] = tb_func(&p[i], name, "m.go");
			l[v] = tb_loc(&p[i], -1, 0x10 * (uint64_t)(v + 1), 1, f[v], v + 1);
		}
		/* 40,000 stacks (the digits of v), growths of 0-2 or 5: ties;
		 * room for more samples than the builder's */
		p[i].samples = arena_calloc(&p[i].arena, 40000, sizeof(*p[i].samples));
		assert_non_null(p[i].samples);
		for (v = 0; v < 40000; v++) {
			int64_t base = v % 7;
			int64_t val = i == 0 ? base : base + (v % 13 == 0 ? 5 : v % 3);

			tb_sample(&p[i], &val, 5, l[v % 10], l[v / 10 % 10],
				  l[v / 100 % 10], l[v / 1000 % 10], l[v / 10000]);
		}
		assert_int_equal(sites_add_profile(&t, i, &p[i], NULL, &go, &err), 0);
	}
	assert_true(t.nstacks > 30000);
	assert_int_equal(sites_blame(&t, 0, 1, NULL, &err), 0);
	for (k = 0; k < t.n; k++) {
		int64_t best = 0;
		size_t best_stack = SIZE_MAX, best_pos = 0;

		for (i = 0; i < t.nstacks; i++) {
			const struct site_stack *st = t.stacks[i];
			int64_t growth = st->values[1] - st->values[0];

			for (pos = 0; pos < st->n && st->ids[pos] != k; pos++)
				;
			if (pos < st->n && growth > best) {
				best = growth;
				best_stack = i;
				best_pos = pos;
			}
		}
		assert_int_equal(t.list[k]->path_growth, best);
		assert_int_equal(t.list[k]->best_stack, best_stack);
		if (best_stack != SIZE_MAX)
			assert_int_equal(t.list[k]->best_pos, best_pos);
	}
	sites_release(&t);
	profile_release(&p[0]);
	profile_release(&p[1]);
}

/* A node's key spells out its address and lines: nodes that differ only
 * in digit order or sign are different sites, equal ones one site. */
static void test_sites__node_keys(void **state)
{
	static const struct { uint64_t addr; int64_t line; } nodes[] = {
		{ 0x12, 12 }, { 0x21, 21 }, { 0x12, -12 }, { 0x21, 12 },
		{ 0x12, 12 },
	};
	enum { NN = sizeof(nodes) / sizeof(nodes[0]) };
	struct profile p[NN];
	struct graph_options go;
	struct site_table t;
	size_t i;

	(void)state;
	graph_options_init(&go);
	go.node_fraction = 0;
	go.granularity = GRAPH_ADDRESSES;
	assert_int_equal(sites_init(&t, NN), 0);
	for (i = 0; i < NN; i++) {
		int f, l;

		tb_init(&p[i], 1, "samples", "count");
		f = tb_func(&p[i], "main.f", "f.go");
		l = tb_loc(&p[i], -1, nodes[i].addr, 1, f, (int)nodes[i].line);
		tb_sample(&p[i], (int64_t[]){ 1 }, 1, l);
		assert_int_equal(sites_add_profile(&t, i, &p[i], NULL, &go, &err), 0);
	}
	/* the last is the first again */
	assert_int_equal(t.n, NN - 1);
	assert_true(t.list[0]->present[4]);
	for (i = 1; i < NN - 1; i++)
		assert_false(t.list[i]->present[4]);
	sites_release(&t);
	for (i = 0; i < NN; i++)
		profile_release(&p[i]);
}

static void test_sites__is_user(void **state)
{
	regex_t re;

	(void)state;
	assert_true(dump_func_is_user(NULL, "main.main"));
	assert_true(dump_func_is_user(NULL, "github.com/x/y.F"));
	assert_false(dump_func_is_user(NULL, "bytes.growSlice"));
	assert_false(dump_func_is_user(NULL, "net/http.(*conn).serve"));
	assert_false(dump_func_is_user(NULL, ""));
	assert_int_equal(regcomp(&re, "^bytes\\.", REG_EXTENDED | REG_NOSUB), 0);
	assert_true(dump_func_is_user(&re, "bytes.growSlice"));
	assert_false(dump_func_is_user(&re, "main.main"));
	regfree(&re);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sites__goroutine_forms_match),
		cmocka_unit_test(test_sites__nodes_and_stacks),
		cmocka_unit_test(test_sites__flat_cum_as_graph),
		cmocka_unit_test(test_sites__profiles_as_one_by_one),
		cmocka_unit_test(test_sites__blame_first_heaviest),
		cmocka_unit_test(test_sites__node_keys),
		cmocka_unit_test(test_sites__is_user),
	};

	/* more threads than the 2 cores a test may have */
	setenv("LEAKSCOPE_THREADS", "3", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
