/* test_units.c - pprof's measurement scaling and formatting */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "units.h"

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
		cmocka_unit_test(test_units__percentages),
		cmocka_unit_test(test_units__select),
		cmocka_unit_test(test_units__scale_and_compatible),
	};

	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
