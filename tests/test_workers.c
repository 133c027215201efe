/* test_workers.c - every part runs exactly once, on its own thread */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "workers.h"

struct record {
	int runs[40];
	pthread_t who[40];
};

static void note(void *arg, unsigned i)
{
	struct record *r = arg;

	r->runs[i]++;
	r->who[i] = pthread_self();
}

static void test_workers__each_part_once(void **state)
{
	static const unsigned counts[] = { 0, 1, 2, 3, WORKERS_MAX,
					   WORKERS_MAX + 1, 40 };
	size_t c;

	(void)state;
	for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		struct record r;
		unsigned i;

		memset(&r, 0, sizeof(r));
		workers_run(counts[c], note, &r);
		for (i = 0; i < 40; i++)
			assert_int_equal(r.runs[i], i < counts[c] ? 1 : 0);
		if (counts[c])	/* part 0 on the caller */
			assert_true(pthread_equal(r.who[0], pthread_self()));
		if (counts[c] >= 2 && counts[c] <= WORKERS_MAX)
			assert_false(pthread_equal(r.who[1], pthread_self()));
	}
}

static void test_workers__count_in_range(void **state)
{
	unsigned n = workers_count();

	(void)state;
	assert_true(n >= 1 && n <= WORKERS_MAX);
	assert_int_equal(workers_count(), n);	/* remembered */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workers__each_part_once),
		cmocka_unit_test(test_workers__count_in_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
