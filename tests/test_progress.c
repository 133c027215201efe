/* test_progress.c - the progress line's formatting */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "progress.h"

static void check(const char *name, uint64_t done, uint64_t total, const char *want)
{
	char buf[256];

	progress_format(buf, sizeof(buf), name, done, total);
	assert_string_equal(buf, want);
}

static void test_progress__sizes(void **state)
{
	(void)state;
	check("dump.txt", (uint64_t)312 << 20, (uint64_t)2970 << 20,
	      "leakscope: dump.txt: 312 MB of 2.9 GB (10%)");
	check("a.pb.gz", 0, (uint64_t)150 << 20, "leakscope: a.pb.gz: 0 B of 150 MB (0%)");
	check("a", (uint64_t)1536 << 10, (uint64_t)101 << 20,
	      "leakscope: a: 1.5 MB of 101 MB (1%)");
	check("a", 512, 1000, "leakscope: a: 512 B of 1000 B (51%)");
}

static void test_progress__edges(void **state)
{
	(void)state;
	check("-", 10, 10, "leakscope: stdin: 10 B of 10 B (100%)");
	check("x", 20, 10, "leakscope: x: 10 B of 10 B (100%)");	/* capped */
	check("x", 0, 0, "leakscope: x: 0 B of 0 B (100%)");
	check("x", (uint64_t)5 << 40, (uint64_t)5 << 40, "leakscope: x: 5.0 TB of 5.0 TB (100%)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress__sizes),
		cmocka_unit_test(test_progress__edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
