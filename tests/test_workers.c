/* test_workers.c - every part runs exactly once, on its own thread */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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

/* Each outer part runs two inner parts; the outer ones hold every
 * thread workers_count() allows. */
struct nested {
	struct record inner[WORKERS_MAX];
	pthread_t outer[WORKERS_MAX];
};

static void outer_part(void *arg, unsigned i)
{
	struct nested *n = arg;

	n->outer[i] = pthread_self();
	workers_run(2, note, &n->inner[i]);
}

static void test_workers__nested_on_threads_left(void **state)
{
	unsigned count = workers_count(), outer = count < 2 ? 2 : count, i;
	struct nested n;

	(void)state;
	if (outer > WORKERS_MAX)
		outer = WORKERS_MAX;
	memset(&n, 0, sizeof(n));
	workers_run(outer, outer_part, &n);
	for (i = 0; i < outer; i++) {
		assert_int_equal(n.inner[i].runs[0], 1);
		assert_int_equal(n.inner[i].runs[1], 1);
		/* no thread left: both inner parts on the outer part's */
		assert_true(pthread_equal(n.inner[i].who[0], n.outer[i]));
		assert_true(pthread_equal(n.inner[i].who[1], n.outer[i]));
	}
	/* and when they are done, threads are there again */
	memset(&n.inner[0], 0, sizeof(n.inner[0]));
	workers_run(2, note, &n.inner[0]);
	assert_false(pthread_equal(n.inner[0].who[1], pthread_self()));
}

struct orders {
	unsigned made[300], made_by[300];
	unsigned handed[300], nhanded;
	unsigned fail_at;		/* make() fails there; 0: never */
	bool wrong_thread;		/* a job handed on by another thread */
};

static int order_make(void *arg, unsigned job, unsigned thread)
{
	struct orders *o = arg;
	unsigned i, spin = (job * 7919u) % 5000u;
	volatile unsigned sink = 0;

	for (i = 0; i < spin; i++)	/* jobs of uneven sizes */
		sink += i;
	o->made[job]++;
	o->made_by[job] = thread;
	return o->fail_at && job == o->fail_at ? 7 : 0;
}

static void order_hand(void *arg, unsigned job, unsigned thread)
{
	struct orders *o = arg;

	if (o->made_by[job] != thread)	/* its slot */
		o->wrong_thread = true;
	o->handed[o->nhanded++] = job;
}

/* Jobs are handed on in order, each once, by the thread that made it,
 * on any number of threads; a failing job stops the handing there. */
static void test_workers__in_order(void **state)
{
	static const unsigned threads[] = { 1, 2, 3, 8, WORKERS_MAX + 4 };
	static struct orders o;
	size_t t;
	unsigned i;

	(void)state;
	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		memset(&o, 0, sizeof(o));
		assert_int_equal(workers_in_order(300, threads[t], order_make,
						  order_hand, &o), 0);
		assert_int_equal(o.nhanded, 300);
		assert_false(o.wrong_thread);
		for (i = 0; i < 300; i++) {
			assert_int_equal(o.handed[i], i);
			assert_int_equal(o.made[i], 1);
		}
		memset(&o, 0, sizeof(o));
		o.fail_at = 123;
		assert_int_equal(workers_in_order(300, threads[t], order_make,
						  order_hand, &o), 7);
		assert_int_equal(o.nhanded, 123);
		for (i = 0; i < 123; i++)
			assert_int_equal(o.handed[i], i);
		for (i = 0; i <= 123; i++)
			assert_int_equal(o.made[i], 1);
	}
	memset(&o, 0, sizeof(o));
	assert_int_equal(workers_in_order(0, 4, order_make, order_hand, &o), 0);
	assert_int_equal(o.nhanded, 0);
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
		cmocka_unit_test(test_workers__nested_on_threads_left),
		cmocka_unit_test(test_workers__in_order),
		cmocka_unit_test(test_workers__count_in_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
