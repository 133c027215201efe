/* test_snapshot.c - kinds from content, snapshot sets, duplicate forms, order */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snapshot.h"

static char path[4096];

static const char *data(const char *name)
{
	const char *dir = getenv("LEAKSCOPE_TESTDATA");

	snprintf(path, sizeof(path), "%s/profiles/%s", dir ? dir : "testdata", name);
	return path;
}

static void expect_kind(const char *name, enum snapshot_kind k, const char *kind_name,
			bool ids)
{
	struct snapshot s;
	struct ls_error err;

	assert_int_equal(snapshot_load(&s, data(name), NULL, &err), 0);
	assert_int_equal(s.kind, k);
	assert_string_equal(s.kind_name, kind_name);
	assert_int_equal(s.has_ids, ids);
	if (k == SNAP_GOROUTINE)
		assert_true(s.groups.total > 0);
	snapshot_release(&s);
}

static void test_snapshot__kinds(void **state)
{
	(void)state;
	expect_kind("heap_0.pb.gz", SNAP_HEAP, "heap", false);
	expect_kind("heap_3.debug1.txt", SNAP_HEAP, "heap", false);
	expect_kind("allocs_3.pb.gz", SNAP_ALLOCS, "allocs", false);
	expect_kind("goroutine.pb.gz", SNAP_GOROUTINE, "goroutine", false);
	expect_kind("goroutine.debug1.txt", SNAP_GOROUTINE, "goroutine", false);
	expect_kind("goroutine_0.debug2.txt", SNAP_GOROUTINE, "goroutine", true);
	expect_kind("mutex.pb.gz", SNAP_MUTEX, "mutex", false);
	expect_kind("block.pb.gz", SNAP_BLOCK, "block", false);
	expect_kind("cpu.pb.gz", SNAP_CPU, "cpu", false);
	expect_kind("threadcreate.pb.gz", SNAP_OTHER, "threadcreate", false);
	assert_int_equal(snapshot_kind_parse("block"), SNAP_BLOCK);
	assert_int_equal(snapshot_kind_parse("nope"), -1);
}

static void test_snapshot__errors(void **state)
{
	struct snapshot s;
	struct ls_error err;

	(void)state;
	assert_int_equal(snapshot_load(&s, data("nosuch.pb.gz"), NULL, &err), -1);
	assert_non_null(strstr(err.subject, "nosuch.pb.gz"));
	assert_true(err.msg[0] != '\0');
}

static void test_snapshot__set_dedupes_forms(void **state)
{
	struct snapshot_set set;
	struct ls_error err;
	char dir[4096];
	char *paths[1];
	size_t i, heaps = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", data(""));
	dir[strlen(dir) - 1] = '\0';
	paths[0] = dir;
	snapshot_set_init(&set);
	assert_int_equal(snapshot_set_load(&set, paths, 1, SNAP_ORDER_NAME, NULL, &err), 0);
	/* heap_3.debug1.txt and heap_3.pb.gz are one moment: the protobuf stays */
	for (i = 0; i < set.n; i++) {
		if (set.snaps[i]->kind != SNAP_HEAP)
			continue;
		heaps++;
		assert_null(strstr(set.snaps[i]->path, "debug1"));
	}
	assert_int_equal(heaps, 4);
	assert_int_equal(snapshot_set_count(&set, SNAP_HEAP), 4);
	/* sorted by name */
	for (i = 1; i < set.n; i++)
		assert_true(strcmp(set.snaps[i - 1]->path, set.snaps[i]->path) < 0);
	assert_int_equal(snapshot_set_main_kind(&set), SNAP_HEAP);
	snapshot_set_release(&set);
}

static void test_snapshot__set_order(void **state)
{
	struct snapshot_set set;
	struct ls_error err;
	char a[4096], b[4096], c[4096];
	char *paths[3] = { a, b, c };

	(void)state;
	snprintf(a, sizeof(a), "%s", data("heap_2.pb.gz"));
	snprintf(b, sizeof(b), "%s", data("heap_0.pb.gz"));
	snprintf(c, sizeof(c), "%s", data("heap_1.pb.gz"));
	snapshot_set_init(&set);
	assert_int_equal(snapshot_set_load(&set, paths, 3, SNAP_ORDER_GIVEN, NULL, &err), 0);
	assert_non_null(strstr(set.snaps[0]->path, "heap_2"));
	snapshot_set_release(&set);
	snapshot_set_init(&set);
	assert_int_equal(snapshot_set_load(&set, paths, 3, SNAP_ORDER_TIME, NULL, &err), 0);
	assert_true(set.snaps[0]->prof.time_nanos <= set.snaps[1]->prof.time_nanos);
	assert_true(set.snaps[1]->prof.time_nanos <= set.snaps[2]->prof.time_nanos);
	assert_non_null(strstr(set.snaps[0]->path, "heap_0"));
	snapshot_set_release(&set);
}

static void test_snapshot__order_parse(void **state)
{
	(void)state;
	assert_int_equal(snapshot_order_parse("given"), SNAP_ORDER_GIVEN);
	assert_int_equal(snapshot_order_parse("name"), SNAP_ORDER_NAME);
	assert_int_equal(snapshot_order_parse("time"), SNAP_ORDER_TIME);
	assert_int_equal(snapshot_order_parse(""), -1);
	assert_int_equal(snapshot_order_parse("Time"), -1);
	assert_int_equal(snapshot_order_parse("names"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot__kinds),
		cmocka_unit_test(test_snapshot__order_parse),
		cmocka_unit_test(test_snapshot__errors),
		cmocka_unit_test(test_snapshot__set_dedupes_forms),
		cmocka_unit_test(test_snapshot__set_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
