/* test_trend.c - slope, noise floor, classes, ranking, sparklines */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "graph.h"
#include "profile_builder.h"
#include "sites.h"
#include "trend.h"

static const struct trend_noise exact = { 0, false };
static const struct trend_noise heap64k = { 65536, true };

static enum trend_class classify(const int64_t *v, size_t n,
				 const struct trend_noise *nz)
{
	struct trend_row r;

	memset(&r, 0, sizeof(r));
	trend_classify(&r, v, n, nz);
	return r.cls;
}

static void test_trend__slope(void **state)
{
	(void)state;
	assert_true(fabs(trend_slope((int64_t[]){ 200, 400, 600, 800 }, 4) - 200) < 1e-9);
	assert_true(fabs(trend_slope((int64_t[]){ 5, 5, 5 }, 3)) < 1e-9);
	assert_true(fabs(trend_slope((int64_t[]){ 10, 0, 20 }, 3) - 5) < 1e-9);
	assert_true(fabs(trend_slope((int64_t[]){ 9, 6, 3 }, 3) + 3) < 1e-9);
}

static void test_trend__noise_floor(void **state)
{
	(void)state;
	/* exact counts: any change is real */
	assert_int_equal(trend_noise_floor(&exact, 100, 1000), 0);
	/* never less than one sample */
	assert_int_equal(trend_noise_floor(&heap64k, 0, 1000), 65536);
	/* 2 * sqrt(65536 * 4 MiB) = 2 * 524288 */
	assert_int_equal(trend_noise_floor(&heap64k, 4 << 20, 1 << 20), 1048576);
	assert_int_equal(trend_noise_floor(&heap64k, -(4 << 20), 0), 1048576);
	/* counts of a sampled profile: 2 * sqrt(n), at least 1 */
	assert_int_equal(trend_noise_floor(&(struct trend_noise){ 512, false }, 100, 0), 20);
	assert_int_equal(trend_noise_floor(&(struct trend_noise){ 512, false }, 0, 0), 1);
	/* past int64: the most there is, not a cast C leaves undefined */
	assert_true(trend_noise_floor(&(struct trend_noise){ INT64_MAX, true },
				      INT64_MAX, 0) == INT64_MAX);
}

static void test_trend__classes(void **state)
{
	(void)state;
	assert_int_equal(classify((int64_t[]){ 200, 400, 600, 800 }, 4, &exact), TREND_GROWING);
	assert_int_equal(classify((int64_t[]){ 16, 16, 16, 16 }, 4, &exact), TREND_STABLE);
	assert_int_equal(classify((int64_t[]){ 0, 50, 100, 100, 100 }, 5, &exact), TREND_PLATEAU);
	assert_int_equal(classify((int64_t[]){ 100, 80, 60, 60 }, 4, &exact), TREND_SHRINKING);
	assert_int_equal(classify((int64_t[]){ 10, 12, 10, 12, 10 }, 5, &exact), TREND_NOISE);
	/* grew, shrank back a little at the end: not a steady leak */
	assert_int_equal(classify((int64_t[]){ 0, 50, 100, 90 }, 4, &exact), TREND_NOISE);
	/* a late start still counts when it keeps going */
	assert_int_equal(classify((int64_t[]){ 10, 10, 20, 30 }, 4, &exact), TREND_GROWING);
	/* two snapshots: one step */
	assert_int_equal(classify((int64_t[]){ 1, 2 }, 2, &exact), TREND_GROWING);
}

static void test_trend__heap_jitter(void **state)
{
	const int64_t mb = 1 << 20;

	(void)state;
	/* a bounded cache that jitters by less than sampling can tell */
	assert_int_equal(classify((int64_t[]){ 1960000, 2100000, 2230000, 2200000, 2200000 },
				  5, &heap64k), TREND_NOISE);
	/* steps of 2.4 MB at 64 KiB sampling are real */
	assert_int_equal(classify((int64_t[]){ 3 * mb, 5 * mb, 8 * mb, 10 * mb, 13 * mb },
				  5, &heap64k), TREND_GROWING);
	/* rising at every step, each within the floor, but a lot in all */
	assert_int_equal(classify((int64_t[]){ 131000, 700000, 1100000, 1700000, 2200000 },
				  5, &heap64k), TREND_GROWING);
	/* rising at every step, but within the floor in all */
	assert_int_equal(classify((int64_t[]){ 65536, 70000, 80000, 90000 }, 4, &heap64k),
			 TREND_NOISE);
	assert_string_equal(trend_class_name(TREND_PLATEAU), "plateau");
}

static void test_trend__steps(void **state)
{
	struct trend_row r;

	(void)state;
	trend_classify(&r, (int64_t[]){ 5, 10, 10, 4 }, 4, &exact);
	assert_int_equal(r.ups, 1);
	assert_int_equal(r.downs, 1);
	assert_int_equal(r.growth, -1);
}

static void test_trend__compute_and_rank(void **state)
{
	struct profile p[3];
	struct site_table t;
	struct trend tr;
	struct graph_options go;
	struct ls_error err;
	int i, fa, fb, fc, la, lb, lc;
	int64_t a[3] = { 10, 20, 30 }, b[3] = { 5, 50, 50 }, c[3] = { 9, 9, 9 };

	(void)state;
	graph_options_init(&go);
	go.node_fraction = 0;
	assert_int_equal(sites_init(&t, 3), 0);
	for (i = 0; i < 3; i++) {
		tb_init(&p[i], 1, "goroutine", "count");
		fa = tb_func(&p[i], "main.a", "a.go");
		fb = tb_func(&p[i], "main.b", "b.go");
		fc = tb_func(&p[i], "main.c", "c.go");
		la = tb_loc(&p[i], -1, 1, 1, fa, 1);
		lb = tb_loc(&p[i], -1, 2, 1, fb, 1);
		lc = tb_loc(&p[i], -1, 3, 1, fc, 1);
		tb_sample(&p[i], (int64_t[]){ c[i] }, 1, lc);
		tb_sample(&p[i], (int64_t[]){ b[i] }, 1, lb);
		tb_sample(&p[i], (int64_t[]){ a[i] }, 1, la);
		assert_int_equal(sites_add_profile(&t, (size_t)i, &p[i], NULL, &go, &err), 0);
	}
	assert_int_equal(trend_compute(&tr, &t, false, &exact, &err), 0);
	assert_int_equal(tr.nrows, 3);
	/* growing first, then plateau, then stable */
	assert_string_equal(tr.rows[0].site->name, "main.a");
	assert_int_equal(tr.rows[0].cls, TREND_GROWING);
	assert_true(fabs(tr.rows[0].slope - 10) < 1e-9);
	assert_string_equal(tr.rows[1].site->name, "main.b");
	assert_int_equal(tr.rows[1].cls, TREND_PLATEAU);
	assert_string_equal(tr.rows[2].site->name, "main.c");
	assert_int_equal(tr.rows[2].cls, TREND_STABLE);
	assert_int_equal(tr.rows[2].values[1], 9);
	trend_release(&tr);
	sites_release(&t);
	for (i = 0; i < 3; i++)
		profile_release(&p[i]);
}

static void test_trend__sparkline(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(trend_sparkline(buf, (int64_t[]){ 0, 1, 2, 3, 4, 5, 6, 7 }, 8, false),
			    "_.-:=+*#");
	assert_string_equal(trend_sparkline(buf, (int64_t[]){ 3, 3, 3 }, 3, false), "___");
	assert_string_equal(trend_sparkline(buf, (int64_t[]){ 0, 7 }, 2, true),
			    "\u2581\u2588");
	assert_string_equal(trend_sparkline(buf, (int64_t[]){ 200, 400, 600, 800 }, 4, true),
			    "\u2581\u2583\u2586\u2588");
}

static void test_trend__locale(void **state)
{
	(void)state;
	assert_true(trend_locale_utf8(NULL, NULL, "en_US.UTF-8"));
	assert_true(trend_locale_utf8("C.utf8", NULL, NULL));
	assert_false(trend_locale_utf8("C", NULL, "en_US.UTF-8"));
	assert_true(trend_locale_utf8("", "en_GB.UTF-8", "C"));
	assert_false(trend_locale_utf8(NULL, NULL, NULL));
	assert_false(trend_locale_utf8(NULL, NULL, "POSIX"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trend__slope),
		cmocka_unit_test(test_trend__noise_floor),
		cmocka_unit_test(test_trend__classes),
		cmocka_unit_test(test_trend__heap_jitter),
		cmocka_unit_test(test_trend__steps),
		cmocka_unit_test(test_trend__compute_and_rank),
		cmocka_unit_test(test_trend__sparkline),
		cmocka_unit_test(test_trend__locale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
