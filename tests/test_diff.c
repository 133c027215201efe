/* test_diff.c - match and link of sites, deltas, blame, sorting, goroutine persistence */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "diff.h"
#include "filter.h"
#include "graph.h"
#include "profile_builder.h"
#include "sites.h"

/* functions shared by both snapshots, by index */
enum { F_MAIN, F_HANDLER, F_GROW, F_GROWSLICE, F_MALG };

static void functions(struct profile *p, int *loc)
{
	tb_func(p, "main.main", "/src/main.go");
	tb_func(p, "main.handler", "/src/main.go");
	tb_func(p, "bytes.(*Buffer).grow", "/go/src/bytes/buffer.go");
	tb_func(p, "bytes.growSlice", "/go/src/bytes/buffer.go");
	tb_func(p, "runtime.malg", "/go/src/runtime/proc.go");
	loc[F_MAIN] = tb_loc(p, -1, 0x100, 1, F_MAIN, 10);
	loc[F_HANDLER] = tb_loc(p, -1, 0x200, 1, F_HANDLER, 20);
	loc[F_GROW] = tb_loc(p, -1, 0x300, 1, F_GROW, 30);
	loc[F_GROWSLICE] = tb_loc(p, -1, 0x400, 1, F_GROWSLICE, 40);
	loc[F_MALG] = tb_loc(p, -1, 0x500, 1, F_MALG, 50);
}

/* base: growSlice 100 under handler, malg 50.
 * new:  growSlice 400 under handler, handler itself 20, malg gone. */
static void make_base(struct profile *p)
{
	int l[5];

	tb_init(p, 2, "inuse_objects", "count", "inuse_space", "bytes");
	functions(p, l);
	tb_sample(p, (int64_t[]){ 1, 100 }, 4, l[F_GROWSLICE], l[F_GROW], l[F_HANDLER], l[F_MAIN]);
	tb_sample(p, (int64_t[]){ 1, 50 }, 1, l[F_MALG]);
}

static void make_new(struct profile *p)
{
	int l[5];

	tb_init(p, 2, "inuse_objects", "count", "inuse_space", "bytes");
	functions(p, l);
	tb_sample(p, (int64_t[]){ 4, 400 }, 4, l[F_GROWSLICE], l[F_GROW], l[F_HANDLER], l[F_MAIN]);
	tb_sample(p, (int64_t[]){ 1, 20 }, 2, l[F_HANDLER], l[F_MAIN]);
}

struct fixture {
	struct profile base, new_;
	struct site_table t;
	struct diff d;
};

static void build(struct fixture *f, const char *sort, const regex_t *user)
{
	const struct diff_sort_key *key = diff_sort_key_find(sort);
	struct graph_options go;
	struct ls_error err;

	graph_options_init(&go);
	go.node_fraction = go.edge_fraction = 0;
	go.sample_index = 1;
	assert_non_null(key);
	assert_int_equal(sites_init(&f->t, 2), 0);
	assert_int_equal(sites_add_profile(&f->t, 0, &f->base, NULL, &go, &err), 0);
	assert_int_equal(sites_add_profile(&f->t, 1, &f->new_, NULL, &go, &err), 0);
	assert_int_equal(sites_blame(&f->t, 0, 1, user, &err), 0);
	assert_int_equal(diff_compute(&f->d, &f->t, diff_method_find(key->method),
				      false, &err), 0);
	diff_sort(&f->d, key);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	make_base(&f->base);
	make_new(&f->new_);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	diff_release(&f->d);
	sites_release(&f->t);
	profile_release(&f->base);
	profile_release(&f->new_);
	free(f);
	return 0;
}

static const struct diff_row *row(const struct diff *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nrows; i++)
		if (!strcmp(d->rows[i].site->name, name))
			return &d->rows[i];
	fail_msg("no row %s", name);
	return NULL;
}

static void test_diff__match_and_link(void **state)
{
	struct fixture *f = *state;
	const struct diff_row *r;

	build(f, "delta", NULL);
	/* five sites: four matched, malg linked with a zero placeholder */
	assert_int_equal(f->t.n, 5);
	assert_int_equal(f->d.nrows, 5);
	r = row(&f->d, "bytes.growSlice");
	assert_int_equal(r->base, 100);
	assert_int_equal(r->new_, 400);
	assert_int_equal(r->delta, 300);
	assert_int_equal(r->cum_delta, 300);
	assert_int_equal(r->status, DIFF_CHANGED);
	r = row(&f->d, "main.handler");
	assert_int_equal(r->delta, 20);
	assert_int_equal(r->cum_base, 100);
	assert_int_equal(r->cum_new, 420);
	r = row(&f->d, "runtime.malg");
	assert_int_equal(r->status, DIFF_GONE);
	assert_int_equal(r->delta, -50);
	assert_int_equal(f->d.base_total, 150);
	assert_int_equal(f->d.new_total, 420);
}

static void test_diff__new_site(void **state)
{
	struct fixture *f = *state;
	int l = tb_loc(&f->new_, -1, 0x600, 1, tb_func(&f->new_, "main.fresh", "/src/main.go"), 60);
	const struct diff_row *r;

	tb_sample(&f->new_, (int64_t[]){ 1, 7 }, 1, l);
	build(f, "delta", NULL);
	r = row(&f->d, "main.fresh");
	assert_int_equal(r->status, DIFF_NEW);
	assert_int_equal(r->base, 0);
	assert_int_equal(r->delta, 7);
	assert_true(isinf(r->pct) && r->pct > 0);
}

static void test_diff__sort_delta(void **state)
{
	struct fixture *f = *state;

	build(f, "delta", NULL);
	assert_string_equal(f->d.rows[0].site->name, "bytes.growSlice");
	assert_string_equal(f->d.rows[1].site->name, "main.handler");
	/* flat 0: by cum delta */
	assert_string_equal(f->d.rows[2].site->name, "main.main");
	assert_string_equal(f->d.rows[3].site->name, "bytes.(*Buffer).grow");
	assert_string_equal(f->d.rows[4].site->name, "runtime.malg");
}

static void test_diff__sort_cum_delta(void **state)
{
	struct fixture *f = *state;

	build(f, "cum-delta", NULL);
	/* main and handler both +320: the flat delta breaks the tie */
	assert_string_equal(f->d.rows[0].site->name, "main.handler");
	assert_string_equal(f->d.rows[1].site->name, "main.main");
	assert_string_equal(f->d.rows[2].site->name, "bytes.growSlice");
	assert_string_equal(f->d.rows[3].site->name, "bytes.(*Buffer).grow");
	assert_string_equal(f->d.rows[4].site->name, "runtime.malg");
}

static void test_diff__sort_pct(void **state)
{
	struct fixture *f = *state;

	build(f, "pct", NULL);
	/* handler: flat 0 -> 20 is +inf; growSlice +300%; main +320%
	 * of its cum (flat 0 both) */
	assert_string_equal(f->d.rows[0].site->name, "main.handler");
	assert_string_equal(f->d.rows[1].site->name, "main.main");
	assert_string_equal(f->d.rows[2].site->name, "bytes.growSlice");
	assert_true(fabs(f->d.rows[2].pct - 300.0) < 1e-9);
	assert_null(diff_sort_key_find("bogus"));
	assert_non_null(diff_method_find("delta"));
}

static void test_diff__blame(void **state)
{
	struct fixture *f = *state;
	const struct diff_row *r;
	regex_t re;

	build(f, "delta", NULL);
	r = row(&f->d, "bytes.growSlice");
	assert_string_equal(r->site->user_frame, "main.handler");
	assert_string_equal(r->site->caller, "main.main");
	assert_string_equal(r->site->path,
		"main.handler -> bytes.(*Buffer).grow -> bytes.growSlice");
	assert_int_equal(r->site->path_growth, 300);
	/* a site of the service's own code is its own user frame */
	r = row(&f->d, "main.handler");
	assert_string_equal(r->site->user_frame, "main.handler");
	/* shrinking sites have no growing stack */
	r = row(&f->d, "runtime.malg");
	assert_string_equal(r->site->user_frame, "");
	diff_release(&f->d);
	sites_release(&f->t);

	/* --user overrides the package path rule */
	assert_int_equal(regcomp(&re, "^main\\.main$", REG_EXTENDED | REG_NOSUB), 0);
	build(f, "delta", &re);
	r = row(&f->d, "bytes.growSlice");
	assert_string_equal(r->site->user_frame, "main.main");
	assert_string_equal(r->site->caller, "");
	assert_string_equal(r->site->path,
		"main.main -> main.handler -> bytes.(*Buffer).grow -> bytes.growSlice");
	regfree(&re);
}

static void test_diff__folded(void **state)
{
	struct fixture *f = *state;
	struct diff_meta m = { "heap", "b", "n", { "inuse_space", "bytes" }, 0, false };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	build(f, "delta", NULL);
	assert_int_equal(diff_write_folded(fp, &f->d, &m), 0);
	fclose(fp);
	assert_string_equal(buf,
		"main.main;main.handler 0 20\n"
		"main.main;main.handler;bytes.(*Buffer).grow;bytes.growSlice 100 400\n"
		"runtime.malg 50 0\n");
	free(buf);
}

static void test_diff__json(void **state)
{
	struct fixture *f = *state;
	struct diff_meta m = { "heap", "b", "n", { "inuse_space", "bytes" }, 1, false };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	build(f, "delta", NULL);
	assert_int_equal(diff_write_json(fp, &f->d, &m), 0);
	fclose(fp);
	assert_non_null(strstr(buf, "\"kind\": \"heap\""));
	assert_non_null(strstr(buf, "\"name\": \"bytes.growSlice\",\n      \"base\": 100,\n      \"new\": 400,\n      \"delta\": 300,"));
	assert_non_null(strstr(buf, "\"user_frame\": \"main.handler\""));
	/* -n 1 */
	assert_null(strstr(buf, "\"name\": \"main.handler\""));
	free(buf);
}

static void test_diff__normalize(void **state)
{
	struct fixture *f = *state;
	struct ls_error err;

	/* base totals 2 objects, 150 bytes; new 5, 420: new * 150/420 */
	assert_int_equal(diff_normalize(&f->new_, &f->base, &err), 0);
	assert_int_equal(f->new_.nsamples, 2);
	assert_int_equal(f->new_.samples[0].values[1], 143);	/* 142.857 */
	assert_int_equal(f->new_.samples[1].values[1], 7);	/* 7.142 */
	assert_int_equal(f->new_.samples[0].values[0], 2);	/* 4*2/5 = 1.6 */
	assert_int_equal(f->new_.samples[1].values[0], 0);	/* 0.4 */
	/* scaled past int64: Go's int64() gives the minimum (pprof's
	 * ScaleN), where a C cast is undefined */
	f->base.samples[0].values[1] = f->base.samples[1].values[1] = 4000000000000000000;
	f->new_.samples[0].values[1] = -1;
	f->new_.samples[1].values[1] = 2;
	assert_int_equal(diff_normalize(&f->new_, &f->base, &err), 0);
	assert_true(f->new_.samples[0].values[1] == -8000000000000000000);
	assert_true(f->new_.samples[1].values[1] == INT64_MIN);
	f->base.sample_types[0].type = "other";
	assert_int_equal(diff_normalize(&f->new_, &f->base, &err), -1);
	assert_non_null(strstr(err.msg, "cannot normalize"));
}

static void test_diff__growth_limit(void **state)
{
	struct growth_limit g;

	(void)state;
	assert_int_equal(growth_limit_parse(&g, "10MB"), 0);
	assert_true(g.bytes && !g.percent);
	assert_true(g.amount == 10.0 * 1024 * 1024);
	assert_true(growth_limit_exceeded(&g, 0, 10 * 1024 * 1024 + 1));
	assert_false(growth_limit_exceeded(&g, 0, 10 * 1024 * 1024));
	assert_true(growth_limit_fits(&g, "bytes"));
	assert_false(growth_limit_fits(&g, "count"));
	assert_int_equal(growth_limit_parse(&g, "100"), 0);
	assert_true(!g.bytes && g.amount == 100);
	assert_true(growth_limit_fits(&g, "count"));
	assert_false(growth_limit_exceeded(&g, 50, 150));
	assert_true(growth_limit_exceeded(&g, 50, 151));
	assert_int_equal(growth_limit_parse(&g, "25%"), 0);
	assert_true(g.percent);
	assert_true(growth_limit_exceeded(&g, 100, 126));
	assert_false(growth_limit_exceeded(&g, 100, 125));
	assert_true(growth_limit_exceeded(&g, 0, 1));
	assert_false(growth_limit_exceeded(&g, 100, 90));
	assert_int_equal(growth_limit_parse(&g, "1.5kB"), 0);
	assert_true(g.amount == 1536);
	assert_int_equal(growth_limit_parse(&g, "MB"), -1);
	assert_int_equal(growth_limit_parse(&g, "-1"), -1);
	assert_int_equal(growth_limit_parse(&g, "10 parsecs"), -1);
}

/* ---- goroutines ---- */

struct gfixture {
	struct dump_parser parser[2];
	struct goroutine_groups groups[2];
	struct ls_error err;
	int cur;
};

static int gadd(const struct goroutine *g, void *ctx)
{
	struct gfixture *f = ctx;

	return goroutine_groups_add(&f->groups[f->cur], g, &f->err);
}

#define G(id, state, fn, line) \
	"goroutine " #id " [" state "]:\n" fn "()\n\t/src/main.go:" #line " +0x1d\n" \
	"created by main.main\n\t/src/main.go:5 +0x2\n\n"

static const char base_dump[] =
	G(1, "chan receive", "main.leak", 10)
	G(2, "chan receive", "main.leak", 10)
	G(3, "select", "main.idle", 20)
	G(4, "chan send", "main.gone", 30);

static const char new_dump[] =
	G(1, "chan receive", "main.leak", 10)
	G(2, "chan receive", "main.leak", 10)
	G(5, "chan receive", "main.leak", 10)
	G(6, "chan receive", "main.leak", 10)
	G(3, "select", "main.idle", 20)
	G(7, "running", "main.fresh", 40);

static void test_diff__goroutines(void **state)
{
	struct gfixture *f = calloc(1, sizeof(*f));
	const char *text[2] = { base_dump, new_dump };
	struct site_table t;
	struct diff d;
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		f->cur = i;
		goroutine_groups_init(&f->groups[i]);
		dump_parser_init(&f->parser[i], "t", gadd, NULL, f);
		assert_int_equal(dump_parse_buffer(&f->parser[i], text[i], strlen(text[i]), &f->err), 0);
		goroutine_groups_rank(&f->groups[i], NULL);
	}
	assert_int_equal(sites_init(&t, 2), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(sites_add_groups(&t, (size_t)i, &f->groups[i], &f->err), 0);
	assert_int_equal(sites_blame(&t, 0, 1, NULL, &f->err), 0);
	assert_int_equal(diff_compute(&d, &t, diff_method_find("delta"), true, &f->err), 0);
	diff_sort(&d, diff_sort_key_find("delta"));
	assert_int_equal(d.base_total, 4);
	assert_int_equal(d.new_total, 6);
	assert_int_equal(d.nrows, 4);
	/* grows and keeps both old members: a suspect */
	assert_string_equal(d.rows[0].site->name, "main.leak [chan receive]");
	assert_int_equal(d.rows[0].delta, 2);
	assert_int_equal(d.rows[0].persistent, 2);
	assert_true(d.rows[0].suspect);
	assert_string_equal(d.rows[0].site->user_frame, "main.leak");
	assert_string_equal(d.rows[0].site->caller, "main.main");
	assert_string_equal(d.rows[1].site->name, "main.fresh [running]");
	assert_int_equal(d.rows[1].status, DIFF_NEW);
	assert_false(d.rows[1].suspect);
	/* the stable group is shown, not flagged */
	assert_string_equal(d.rows[2].site->name, "main.idle [select]");
	assert_int_equal(d.rows[2].delta, 0);
	assert_int_equal(d.rows[2].persistent, 1);
	assert_false(d.rows[2].suspect);
	assert_int_equal(d.rows[3].status, DIFF_GONE);
	diff_release(&d);

	/* without ids, persistence is unknown */
	assert_int_equal(diff_compute(&d, &t, diff_method_find("delta"), false, &f->err), 0);
	assert_int_equal(d.rows[0].persistent, -1);
	assert_false(d.rows[0].suspect);
	diff_release(&d);
	sites_release(&t);
	for (i = 0; i < 2; i++) {
		goroutine_groups_release(&f->groups[i]);
		dump_parser_release(&f->parser[i]);
	}
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_diff__match_and_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__new_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__sort_delta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__sort_cum_delta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__sort_pct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__blame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__folded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff__normalize, setup, teardown),
		cmocka_unit_test(test_diff__growth_limit),
		cmocka_unit_test(test_diff__goroutines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
