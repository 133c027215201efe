/* test_arena.c - the arena, the string buffer and the intern table */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "intern.h"
#include "strbuf.h"

static void test_arena__aligned_and_disjoint(void **state)
{
	struct arena a = ARENA_INIT;
	unsigned char *prev = NULL;
	size_t i;

	(void)state;
	for (i = 1; i < 5000; i += 7) {
		unsigned char *p = arena_alloc(&a, i);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		memset(p, 0xab, i);	/* ASan catches overlap or overflow */
		assert_true(p != prev);
		prev = p;
	}
	assert_true(a.used >= 5000);
	arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.used, 0);
}

static void test_arena__large_block_keeps_current(void **state)
{
	struct arena a = ARENA_INIT;
	char *small1, *big, *small2;

	(void)state;
	small1 = arena_alloc(&a, 16);
	big = arena_alloc(&a, 1 << 20);
	small2 = arena_alloc(&a, 16);
	assert_non_null(small1);
	assert_non_null(big);
	assert_non_null(small2);
	/* the small allocations share the first block */
	assert_true(small2 > small1 && small2 - small1 < 4096);
	memset(big, 0, 1 << 20);
	arena_release(&a);
}

/* The end of the last allocation comes back for the next one; anything
 * else is left as it is. */
static void test_arena__shrink_last(void **state)
{
	struct arena a = ARENA_INIT;
	const size_t al = _Alignof(max_align_t);
	unsigned char *p, *q, *big, *r;
	size_t used;

	(void)state;
	p = arena_alloc(&a, 100);
	assert_non_null(p);
	assert_int_equal(a.used, (100 + al - 1) / al * al);
	arena_shrink(&a, p, 100, 20);
	assert_int_equal(a.used, (20 + al - 1) / al * al);	/* 20 kept */
	q = arena_alloc(&a, 8);
	assert_ptr_equal(q, p + (20 + al - 1) / al * al);
	/* not the last one: nothing */
	used = a.used;
	arena_shrink(&a, p, 32, 0);
	assert_int_equal(a.used, used);
	/* all of it */
	arena_shrink(&a, q, 8, 0);
	assert_ptr_equal(arena_alloc(&a, 1), q);
	/* a block of its own, behind the current one: left alone */
	big = arena_alloc(&a, 1 << 20);
	assert_non_null(big);
	used = a.used;
	arena_shrink(&a, big, 1 << 20, 0);
	assert_int_equal(a.used, used);
	r = arena_alloc(&a, 16);
	assert_true(r < big || r >= big + (1 << 20));
	arena_release(&a);
}

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>

/* Under ASan what an arena has not handed out is poisoned: a write past
 * an allocation, or into what arena_shrink gave back, is reported. */
static void test_arena__poisoned_past_allocations(void **state)
{
	struct arena a = ARENA_INIT;
	unsigned char *p, *q;

	(void)state;
	p = arena_alloc(&a, 20);
	assert_non_null(p);
	assert_false(__asan_address_is_poisoned(p + 19));
	assert_true(__asan_address_is_poisoned(p + 20));
	assert_true(__asan_address_is_poisoned(p + 32));
	q = arena_alloc(&a, 100);
	assert_false(__asan_address_is_poisoned(q + 99));
	arena_shrink(&a, q, 100, 10);
	assert_false(__asan_address_is_poisoned(q + 9));
	assert_true(__asan_address_is_poisoned(q + 16));
	assert_true(__asan_address_is_poisoned(q + 99));
	arena_reset(&a);
	assert_true(__asan_address_is_poisoned(p));
	arena_release(&a);
}
#endif

static void test_arena__calloc_overflow_and_zero(void **state)
{
	struct arena a = ARENA_INIT;
	unsigned char *p;
	size_t i;

	(void)state;
	assert_null(arena_calloc(&a, SIZE_MAX / 2, 4));
	assert_null(arena_alloc(&a, SIZE_MAX));
	p = arena_calloc(&a, 100, 3);
	assert_non_null(p);
	for (i = 0; i < 300; i++)
		assert_int_equal(p[i], 0);
	assert_non_null(arena_alloc(&a, 0));
	arena_release(&a);
	arena_release(&a);	/* twice is fine */
}

static void test_arena__reset_reuses_block(void **state)
{
	struct arena a = ARENA_INIT;
	char *first, *again, *big;

	(void)state;
	arena_reset(&a);	/* empty: nothing to do */
	first = arena_alloc(&a, 100);
	big = arena_alloc(&a, 1 << 20);
	assert_non_null(first);
	assert_non_null(big);
	memset(big, 1, 1 << 20);
	arena_reset(&a);
	assert_int_equal(a.used, 0);
	again = arena_alloc(&a, 100);
	assert_ptr_equal(again, first);	/* the kept block, from its start */
	arena_release(&a);
}

static void test_arena__adopt_moves_blocks(void **state)
{
	struct arena dst = ARENA_INIT, src = ARENA_INIT;
	char *kept, *moved, *big, *next;

	(void)state;
	moved = arena_strndup(&src, "moved", 5);
	big = arena_alloc(&src, 1 << 20);
	assert_non_null(big);
	arena_adopt(&dst, &src);	/* into an empty arena */
	assert_null(src.head);
	assert_int_equal(src.used, 0);
	assert_string_equal(moved, "moved");
	kept = arena_alloc(&dst, 16);
	assert_non_null(kept);
	moved = arena_strndup(&src, "second", 6);
	arena_adopt(&dst, &src);
	assert_null(src.head);
	/* dst's current block stays current */
	next = arena_alloc(&dst, 16);
	assert_true(next > kept && next - kept < 4096);
	assert_string_equal(moved, "second");
	arena_adopt(&dst, &src);	/* empty src: nothing to do */
	arena_release(&dst);	/* frees the adopted blocks too */
	arena_release(&src);
}

static void test_arena__strndup(void **state)
{
	struct arena a = ARENA_INIT;
	char *s;

	(void)state;
	s = arena_strndup(&a, "hello world", 5);
	assert_string_equal(s, "hello");
	s = arena_strndup(&a, "", 0);
	assert_string_equal(s, "");
	arena_release(&a);
}

static void test_strbuf__never_null(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
	assert_non_null(sb.buf);
	assert_int_equal(sb.len, 0);
	strbuf_reset(&sb);	/* on the static empty string */
	assert_string_equal(sb.buf, "");
}

static void test_strbuf__add_and_format(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	(void)state;
	assert_int_equal(strbuf_addstr(&sb, "goroutine "), 0);
	assert_int_equal(strbuf_addf(&sb, "%d [%s]:", 42, "chan receive"), 0);
	assert_string_equal(sb.buf, "goroutine 42 [chan receive]:");
	for (i = 0; i < 10000; i++)
		assert_int_equal(strbuf_addch(&sb, 'x'), 0);
	assert_int_equal(sb.len, 28 + 10000);
	assert_int_equal(sb.buf[sb.len], '\0');
	strbuf_setlen(&sb, 9);
	assert_string_equal(sb.buf, "goroutine");
	strbuf_setlen(&sb, 1000);	/* never grows */
	assert_int_equal(sb.len, 9);
	assert_int_equal(strbuf_add(&sb, "\0z", 2), 0);
	assert_int_equal(sb.len, 11);
	assert_int_equal(sb.buf[10], 'z');
	assert_int_equal(strbuf_grow(&sb, SIZE_MAX), -1);
	assert_int_equal(sb.len, 11);
	strbuf_release(&sb);
}

static void test_intern__same_pointer(void **state)
{
	struct arena a = ARENA_INIT;
	struct intern t;
	const char *x, *y, *z;
	char name[32];
	const char *kept[5000];
	int i;

	(void)state;
	intern_init(&t, &a);
	x = intern_str(&t, "main.worker+junk", 11);
	y = intern_str(&t, "main.worker", 11);
	z = intern_str(&t, "main.worke", 10);
	assert_string_equal(x, "main.worker");
	assert_ptr_equal(x, y);
	assert_ptr_not_equal(x, z);
	assert_ptr_equal(intern_str(&t, "", 0), intern_str(&t, "abc", 0));
	/* a NUL byte inside a string is kept, and said */
	assert_false(t.has_nul);
	assert_ptr_not_equal(intern_str(&t, "main.a\0b", 8), intern_str(&t, "main.a", 6));
	assert_true(t.has_nul);
	/* many strings: survives rehashing, still one copy each */
	for (i = 0; i < 5000; i++) {
		int n = snprintf(name, sizeof(name), "pkg.F%d", i);

		kept[i] = intern_str(&t, name, (size_t)n);
		assert_non_null(kept[i]);
	}
	for (i = 0; i < 5000; i++) {
		int n = snprintf(name, sizeof(name), "pkg.F%d", i);

		assert_ptr_equal(intern_str(&t, name, (size_t)n), kept[i]);
	}
	assert_int_equal(t.count, 5004);
	intern_release(&t);
	arena_release(&a);
}

/* Tables sharing one intern_shared give a string one address in all,
 * each keeps its own has_nul, and the copies live as long as the shared
 * table, whatever the tables. */
static void test_intern__shared_one_copy(void **state)
{
	struct intern_shared *sh = intern_shared_new();
	struct arena a, b;
	struct intern t, u, alone;
	const char *x, *y;

	(void)state;
	assert_non_null(sh);
	arena_init(&a);
	arena_init(&b);
	intern_init(&t, &a);
	intern_init(&u, &b);
	intern_init(&alone, &a);
	t.shared = u.shared = sh;
	x = intern_str(&t, "main.worker", 11);
	y = intern_str(&u, "main.worker", 11);
	assert_ptr_equal(x, y);
	assert_ptr_equal(intern_str(&t, "main.worker", 11), x);
	assert_ptr_not_equal(intern_str(&alone, "main.worker", 11), x);
	assert_int_equal(sh->strings.count, 1);
	assert_int_equal(b.used, 0);	/* the copy is the shared table's */
	assert_non_null(intern_str(&u, "a\0b", 3));
	assert_true(u.has_nul);
	assert_false(t.has_nul);
	intern_release(&t);
	intern_release(&u);
	arena_release(&b);
	assert_string_equal(x, "main.worker");	/* the shared copy */
	intern_release(&alone);
	arena_release(&a);
	intern_shared_free(sh);
	intern_shared_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena__aligned_and_disjoint),
		cmocka_unit_test(test_arena__large_block_keeps_current),
		cmocka_unit_test(test_arena__shrink_last),
#if defined(__SANITIZE_ADDRESS__)
		cmocka_unit_test(test_arena__poisoned_past_allocations),
#endif
		cmocka_unit_test(test_arena__calloc_overflow_and_zero),
		cmocka_unit_test(test_arena__reset_reuses_block),
		cmocka_unit_test(test_arena__adopt_moves_blocks),
		cmocka_unit_test(test_arena__strndup),
		cmocka_unit_test(test_strbuf__never_null),
		cmocka_unit_test(test_strbuf__add_and_format),
		cmocka_unit_test(test_intern__same_pointer),
		cmocka_unit_test(test_intern__shared_one_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
