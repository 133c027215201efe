/* test_units.c - pprof's measurement scaling and formatting */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "units.h"
#include "xorshift.h"

static void test_units__labels(void **state)
{
	static const struct {
		int64_t v;
		const char *from, *to, *want;
	} cases[] = {
		{ 0, "bytes", "minimum", "0" },
		{ 512, "bytes", "minimum", "512B" },
		{ 1024, "bytes", "minimum", "1kB" },
		{ 1536, "bytes", "minimum", "1.50kB" },
		{ 1048576 * 3 / 2, "bytes", "MB", "1.50MB" },
		{ 1048576 * 3 / 2, "bytes", "kB", "1536kB" },
		{ 1073741824LL * 5, "bytes", "minimum", "5GB" },
		{ 10000000, "nanoseconds", "minimum", "10ms" },
		{ 10000000, "nanoseconds", "s", "0.01s" },
		{ 3080000000LL, "nanoseconds", "ms", "3080ms" },
		{ 1500, "nanoseconds", "auto", "1.50us" },
		{ 7200000000000LL, "nanoseconds", "auto", "2hrs" },
		{ 12, "count", "minimum", "12" },
		{ 1234567, "count", "minimum", "1234567" },
		{ -2048, "bytes", "minimum", "-2kB" },
		{ 1, "bytes", "MB", "0" },
		{ 5243, "bytes", "MB", "0.01MB" },
		{ 42, "widgets", "minimum", "42" },
		{ 42, "widgets", "widgets", "42widgets" },
	};
	char buf[UNITS_LABEL_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(units_label(buf, cases[i].v, cases[i].from,
						cases[i].to), cases[i].want);
}

static void assert_fixed2(double v)
{
	char want[UNITS_LABEL_MAX], got[UNITS_LABEL_MAX];
	size_t len = units_fixed2(got, v);

	snprintf(want, sizeof(want), "%.2f", v);
	if (strcmp(want, got) != 0)
		print_error("%a: printf %s, units_fixed2 %s\n", v, want, got);
	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
}

/* units_fixed2 against glibc's "%.2f": values as units_scale makes
 * them (integers over powers of 1024 and 1000), exact ties at every
 * scale (n/8, n/400 + 1/800...), doubles of every exponent, and the
 * edges of the fast path. */
static void test_units__fixed2_like_printf(void **state)
{
	static const double factors[] = {
		1, 1024.0, 1048576.0, 1073741824.0, 1099511627776.0,
		1125899906842624.0, 1e3, 1e6, 1e9, 3600e9, 1e-9, 1e-3
	};
	static const double edges[] = {
		0.0, -0.0, 0.005, 0.015, 0.025, 0.125, 0.375, 1.005, 2.675,
		0.994999, 0.995, 9.995, 99.995, 0x1p53, -0x1p53, 0x1p53 - 1,
		0x1.fffffffffffffp52, 0x1p-1074, -0x1p-1074, 0x1p-64, 0x1p-63,
		0x1p-62, 0x1p-60, 0x1p-58, 1e300, -1e300, 0.5, 1.5, 2.5,
		INFINITY, -INFINITY, NAN, 4503599627370495.5,
		4503599627370494.5, 1.0 / 3, 2.0 / 3, 1e15 + 0.125,
	};
	uint64_t x = 0x9e3779b97f4a7c15u;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		assert_fixed2(edges[i]);
	for (i = 0; i < 400000; i++) {
		uint64_t r = next_random(&x);
		double v;

		switch (i % 4) {
		case 0:	/* a value scaled to a unit */
			v = (double)(int64_t)(r >> (r % 63)) *
			    (r & 1 ? 1.0 : -1.0) /
			    factors[(r >> 8) % (sizeof(factors) / sizeof(factors[0]))];
			break;
		case 1:	/* an exact tie at the third decimal, or near one */
			v = ((double)(r % 2000000) + 0.5) / 100.0 +
			    ((r >> 40) % 3 == 0 ? 0 : ldexp((double)((int)(r >> 50 & 7) - 4), -60));
			break;
		case 2:	/* any exponent of the fast path */
			v = ldexp((double)(r >> 11), (int)((r >> 3) % 140) - 125);
			break;
		default:	/* k/2^j: binary fractions, ties included */
			v = ldexp((double)(r % 100000), -(int)((r >> 20) % 12));
			break;
		}
		assert_fixed2(v);
	}
}

static void test_units__percentages(void **state)
{
	static const struct {
		int64_t v, total;
		const char *want;
	} cases[] = {
		{ 1, 1, "  100%" },
		{ 9996, 10000, "  100%" },
		{ 1, 2, "50.00%" },
		{ 3, 1000, "  0.3%" },
		{ 32, 10000, " 0.32%" },
		{ 7, 1000, "  0.7%" },
		{ 1, 3000, "0.033%" },
		{ 0, 10, "    0%" },
		{ 5, 0, "    0%" },
		{ -1, 4, "25.00%" },
		{ 3, 2, "150.00%" },
	};
	char buf[UNITS_LABEL_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(units_percentage(buf, cases[i].v, cases[i].total),
				    cases[i].want);
}

static void test_units__select(void **state)
{
	(void)state;
	/* all in one unit */
	assert_string_equal(units_select(720000000, 3080000000LL, "nanoseconds"), "ms");
	/* min 100 times under max in another unit: the larger unit */
	assert_string_equal(units_select(10000000, 3080000000LL, "nanoseconds"), "s");
	/* min in kB, max in MB, min*100 < max: kB*100 decides */
	assert_string_equal(units_select(1024, 50 * 1048576, "bytes"), "kB");
	assert_string_equal(units_select(20000, 50 * 1048576, "bytes"), "MB");
	/* counts: no unit */
	assert_string_equal(units_select(1, 100, "count"), "count");
	/* min 0 falls back to max */
	assert_string_equal(units_select(0, 2048, "bytes"), "kB");
}

static void test_units__scale_and_compatible(void **state)
{
	const char *u;

	(void)state;
	assert_true(units_scale(1, "kb", "kb", &u) == 1 && !strcmp(u, "kB"));
	assert_true(units_scale(10, "mb", "kB", &u) == 10240 && !strcmp(u, "kB"));
	assert_true(units_scale(5, "", "", &u) == 5 && !strcmp(u, ""));
	assert_true(units_scale(1, "microseconds", "nanoseconds", &u) == 1000);
	assert_true(units_known("Bytes"));
	assert_false(units_known("widgets"));
	assert_true(units_compatible("samples", "count", "sample", "count"));
	assert_true(units_compatible("cpu", "nanoseconds", "cpu", "milliseconds"));
	assert_false(units_compatible("cpu", "nanoseconds", "alloc_space", "bytes"));
	assert_false(units_compatible("space", "bytes", "space", "nanoseconds"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units__labels),
		cmocka_unit_test(test_units__fixed2_like_printf),
		cmocka_unit_test(test_units__percentages),
		cmocka_unit_test(test_units__select),
		cmocka_unit_test(test_units__scale_and_compatible),
	};

	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
