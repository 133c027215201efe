/* test_u64map.c - uint64 keys to indexes: direct and hashed tables */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "u64map.h"

static void test_u64map__empty(void **state)
{
	struct u64map m = U64MAP_INIT;

	(void)state;
	assert_int_equal(u64map_get(&m, 0), -1);
	assert_int_equal(u64map_get(&m, UINT64_MAX), -1);
	u64map_release(&m);
	u64map_release(&m);	/* twice is fine */
}

static void test_u64map__grows_and_replaces(void **state)
{
	struct u64map m;
	uint64_t i;

	(void)state;
	u64map_init(&m);
	for (i = 0; i < 100000; i++)
		assert_int_equal(u64map_put(&m, i * 0x9e3779b97f4a7c15ULL, (size_t)i), 0);
	assert_int_equal(m.count, 100000);
	for (i = 0; i < 100000; i++)
		assert_int_equal(u64map_get(&m, i * 0x9e3779b97f4a7c15ULL), (long)i);
	assert_int_equal(u64map_get(&m, 12345), -1);
	/* put replaces, add keeps */
	assert_int_equal(u64map_put(&m, 0, 7), 0);
	assert_int_equal(u64map_get(&m, 0), 7);
	assert_int_equal(u64map_add(&m, 0, 9), 0);
	assert_int_equal(u64map_get(&m, 0), 7);
	assert_int_equal(u64map_add(&m, 1, 9), 1);
	assert_int_equal(u64map_get(&m, 1), 9);
	assert_int_equal(m.count, 100001);
	u64map_release(&m);
	assert_int_equal(u64map_get(&m, 1), -1);
}

static void test_u64map__dense_ids_are_direct(void **state)
{
	struct u64map m = U64MAP_INIT;
	uint64_t id;

	(void)state;
	assert_int_equal(u64map_reserve(&m, 1000, 1000), 0);
	assert_true(m.direct);
	for (id = 1; id <= 1000; id++)
		assert_int_equal(u64map_add(&m, id, (size_t)(id - 1)), 1);
	assert_int_equal(u64map_add(&m, 500, 0), 0);	/* defined twice */
	assert_int_equal(u64map_get(&m, 500), 499);
	assert_int_equal(u64map_get(&m, 0), -1);
	assert_int_equal(u64map_get(&m, 1001), -1);
	assert_int_equal(u64map_get(&m, UINT64_MAX), -1);
	assert_int_equal(u64map_add(&m, 5000, 1), -1);	/* past the table */
	u64map_release(&m);
}

static void test_u64map__sparse_ids_are_hashed(void **state)
{
	struct u64map m = U64MAP_INIT;

	(void)state;
	/* a hostile max id must not size a table */
	assert_int_equal(u64map_reserve(&m, 3, UINT64_MAX), 0);
	assert_false(m.direct);
	assert_true(m.cap < 64);
	assert_int_equal(u64map_add(&m, UINT64_MAX, 0), 1);
	assert_int_equal(u64map_add(&m, 1ULL << 60, 1), 1);
	assert_int_equal(u64map_add(&m, 3, 2), 1);
	assert_int_equal(u64map_add(&m, 3, 5), 0);
	assert_int_equal(u64map_get(&m, UINT64_MAX), 0);
	assert_int_equal(u64map_get(&m, 1ULL << 60), 1);
	assert_int_equal(u64map_get(&m, 3), 2);
	assert_int_equal(u64map_get(&m, 4), -1);
	/* more keys than reserved still fit */
	assert_int_equal(u64map_add(&m, 4, 3), 1);
	assert_int_equal(u64map_add(&m, 5, 4), 1);
	assert_int_equal(u64map_get(&m, 5), 4);
	u64map_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64map__empty),
		cmocka_unit_test(test_u64map__grows_and_replaces),
		cmocka_unit_test(test_u64map__dense_ids_are_direct),
		cmocka_unit_test(test_u64map__sparse_ids_are_hashed),
	};

	return cmocka_run_group_tests_name("u64map", tests, NULL, NULL);
}
