/* test_json_stream.c - the streamed JSON matches jansson's json_dumps */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>

#include "json_stream.h"
#include "xorshift.h"

#define FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

static char *out;
static size_t outlen;
static FILE *fp;

static struct json_stream *open_stream(struct json_stream *js)
{
	fp = open_memstream(&out, &outlen);
	assert_non_null(fp);
	json_stream_init(js, fp, 15);
	return js;
}

/* The streamed text against jansson's dump of root with flags; frees
 * root. */
static void check_flags(json_t *root, size_t flags)
{
	char *want = json_dumps(root, flags);

	assert_non_null(want);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(out, want);
	free(want);
	free(out);
	json_decref(root);
}

static void check(json_t *root)
{
	check_flags(root, FLAGS);
}

static const char *const strings[] = {
	"", "plain", "quote \" backslash \\ slash / end",
	"\b\f\n\r\t", "\x01\x02\x1b\x1f\x7f", "é € 😀 \xef\xbf\xbf \xf4\x8f\xbf\xbf",
	/* not UTF-8: a lone continuation, C0/C1, F5, overlong, surrogate,
	 * beyond U+10FFFF, cut short */
	"a\x80", "\xc0\xaf", "\xc1\xbf", "\xf5\x80\x80\x80", "\xe0\x80\xaf",
	"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf0\x8f\xbf\xbf", "\xc3", "\xe2\x82",
	"ok \xff",
};

static const double reals[] = {
	0.1, 1e21, -0.0, 0.0, 5650.0, 1.0 / 3, -2.0 / 3, 1e-5, 1e-300, 5e-324,
	1.7976931348623157e308, 123456789012345678.0, 12.35, 1e15, 1e16, -1.5e-7,
	NAN, INFINITY, -INFINITY,
};

static const long long integers[] = {
	0, 1, -1, 9, 10, 1234567890123LL, INT64_MAX, INT64_MIN, INT64_MIN + 1,
};

/* Every string as a value and as a key; those jansson refuses leave out
 * the member, key and all. */
static void test_json_stream__strings(void **state)
{
	struct json_stream js;
	json_t *root = json_object(), *a = json_array();
	size_t i;

	(void)state;
	open_stream(&js);
	json_stream_begin_object(&js);
	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		char key[16];

		snprintf(key, sizeof(key), "s%zu", i);
		json_object_set_new(root, key, json_string(strings[i]));
		json_stream_key(&js, key);
		json_stream_string(&js, strings[i]);
		json_object_set_new(root, strings[i], json_integer((json_int_t)i));
		if (json_stream_key(&js, strings[i]) == 0)
			json_stream_integer(&js, (long long)i);
		else
			assert_false(json_stream_utf8(strings[i]));
	}
	json_stream_key(&js, "array");
	json_stream_begin_array(&js);
	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		json_array_append_new(a, json_string(strings[i]));
		json_stream_string(&js, strings[i]);
	}
	json_stream_end_array(&js);
	json_object_set_new(root, "array", a);
	json_stream_end_object(&js);
	check(root);
}

static void test_json_stream__numbers(void **state)
{
	struct json_stream js;
	json_t *root = json_array(), *o = json_object();
	size_t i;

	(void)state;
	open_stream(&js);
	json_stream_begin_array(&js);
	for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
		json_array_append_new(root, json_real(reals[i]));
		assert_int_equal(json_stream_real(&js, reals[i]),
				 isfinite(reals[i]) ? 0 : -1);
	}
	for (i = 0; i < sizeof(integers) / sizeof(integers[0]); i++) {
		json_array_append_new(root, json_integer(integers[i]));
		json_stream_integer(&js, integers[i]);
	}
	json_stream_begin_object(&js);
	json_object_set_new(o, "nan", json_real(NAN));
	json_stream_key(&js, "nan");
	json_stream_real(&js, NAN);
	json_object_set_new(o, "third", json_real(1.0 / 3));
	json_stream_key(&js, "third");
	json_stream_real(&js, 1.0 / 3);
	json_stream_end_object(&js);
	json_array_append_new(root, o);
	json_stream_end_array(&js);
	check(root);
}

/* Empty arrays and objects at each place, nesting, null and booleans. */
static void test_json_stream__layout(void **state)
{
	struct json_stream js;
	json_t *root = json_object(), *a = json_array(), *o = json_object();

	(void)state;
	open_stream(&js);
	json_stream_begin_object(&js);
	json_object_set_new(root, "empty_array", json_array());
	json_stream_key(&js, "empty_array");
	json_stream_begin_array(&js);
	json_stream_end_array(&js);
	json_object_set_new(root, "empty_object", json_object());
	json_stream_key(&js, "empty_object");
	json_stream_begin_object(&js);
	json_stream_end_object(&js);
	json_array_append_new(a, json_array());
	json_array_append_new(a, json_object());
	json_array_append_new(a, json_null());
	json_array_append_new(a, json_true());
	json_array_append_new(a, json_false());
	json_object_set_new(o, "deep", json_pack("[[[{}]]]"));
	json_array_append_new(a, o);
	json_object_set_new(root, "list", a);
	json_stream_key(&js, "list");
	json_stream_begin_array(&js);
	json_stream_begin_array(&js);
	json_stream_end_array(&js);
	json_stream_begin_object(&js);
	json_stream_end_object(&js);
	json_stream_null(&js);
	json_stream_bool(&js, true);
	json_stream_bool(&js, false);
	json_stream_begin_object(&js);
	json_stream_key(&js, "deep");
	json_stream_begin_array(&js);
	json_stream_begin_array(&js);
	json_stream_begin_array(&js);
	json_stream_begin_object(&js);
	json_stream_end_object(&js);
	json_stream_end_array(&js);
	json_stream_end_array(&js);
	json_stream_end_array(&js);
	json_stream_end_object(&js);
	json_stream_end_array(&js);
	json_stream_end_object(&js);
	check(root);
}

static void test_json_stream__empty_root(void **state)
{
	struct json_stream js;

	(void)state;
	open_stream(&js);
	json_stream_begin_object(&js);
	json_stream_end_object(&js);
	check(json_object());
	open_stream(&js);
	json_stream_begin_array(&js);
	json_stream_end_array(&js);
	check(json_array());
}

/* v alone in an array at each precision the writers use (0: jansson's
 * default of 17), streamed and dumped. */
static void check_real(double v)
{
	static const int precisions[] = { 0, 10, 15 };
	size_t i;

	for (i = 0; i < sizeof(precisions) / sizeof(precisions[0]); i++) {
		struct json_stream js;
		json_t *root = json_array();

		fp = open_memstream(&out, &outlen);
		assert_non_null(fp);
		json_stream_init(&js, fp, precisions[i]);
		json_stream_begin_array(&js);
		json_stream_real(&js, v);
		json_stream_end_array(&js);
		json_array_append_new(root, json_real(v));
		check_flags(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			    JSON_REAL_PRECISION(precisions[i]));
	}
}

/* Reals at precision 0 (17), 10 and 15: the edge cases, every bit
 * pattern a random walk gives (NaN and infinity included), and values
 * the writers make, round(x * 100) / 100 and round(x * 10000) / 10000,
 * over many magnitudes. */
static void test_json_stream__precision(void **state)
{
	static const double edges[] = {
		0.0, -0.0, 1.0, -1.0, 2.0, 100.0, 1e9, 1e10, 12345678901.0,
		123456789012345678.0, 9007199254740993.0, 0.1, 0.2, 0.3, 1e-7,
		-1e-7, 1e-4, 1e-5, 0.00012345, 1e21, 1e22, -1e21, 1e100, 1e-100,
		1.7976931348623157e308, -1.7976931348623157e308,
		2.2250738585072014e-308, 5e-324, 33.33, -12.35, 0.01, 0.005,
		99.995, 1e15, 1e16, 1e17, 4.35, 0.9999999999, 9999999999.5,
		1.0 / 3, 2.0 / 3, 1e-10, 1.5e-10, NAN, -NAN, INFINITY, -INFINITY,
	};
	uint64_t x = 88172645463325252ULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		check_real(edges[i]);
	for (i = 0; i < 2000; i++) {
		uint64_t bits = next_random(&x);
		double v;

		memcpy(&v, &bits, sizeof(v));
		check_real(v);
	}
	for (i = 0; i < 3000; i++) {
		double v = (double)(int64_t)next_random(&x) /
			   pow(10, (double)(next_random(&x) % 40));

		check_real(round(v * 100) / 100);
		check_real(round(v * 10000) / 10000);
		check_real((double)(int64_t)(next_random(&x) >> (i % 64)));
	}
}

/* NULL is a string jansson refuses; "or null" writes null for NULL and
 * for "", and finish adds the newline and tells of write errors. */
static void test_json_stream__null_strings(void **state)
{
	struct json_stream js;
	json_t *root = json_object();
	char *want;
	FILE *full;

	(void)state;
	open_stream(&js);
	json_stream_begin_object(&js);
	json_object_set_new(root, "null", json_string(NULL));
	json_stream_key(&js, "null");
	assert_int_equal(json_stream_string(&js, NULL), -1);
	json_object_set_new(root, "none", json_null());
	json_stream_key(&js, "none");
	json_stream_string_or_null(&js, NULL);
	json_object_set_new(root, "empty", json_null());
	json_stream_key(&js, "empty");
	json_stream_string_or_null(&js, "");
	json_object_set_new(root, "some", json_string("x"));
	json_stream_key(&js, "some");
	json_stream_string_or_null(&js, "x");
	json_stream_key(&js, "bad");
	assert_int_equal(json_stream_string_or_null(&js, "\xff"), -1);
	json_object_set_new(root, "bad", json_string("\xff"));
	json_stream_end_object(&js);
	assert_int_equal(json_stream_finish(&js), 0);
	want = json_dumps(root, FLAGS);
	assert_non_null(want);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(outlen, strlen(want) + 1);
	assert_memory_equal(out, want, outlen - 1);
	assert_int_equal(out[outlen - 1], '\n');
	free(want);
	free(out);
	json_decref(root);

	full = fopen("/dev/full", "w");
	if (!full)
		skip();
	json_stream_init(&js, full, 10);
	json_stream_begin_array(&js);
	json_stream_end_array(&js);
	assert_int_equal(fflush(full), EOF);
	assert_int_equal(json_stream_finish(&js), -1);
	fclose(full);
}

/* A member in one call is the key and its value in two: every value
 * kind, a refused value (the member left out), a refused key. */
static void test_json_stream__members(void **state)
{
	struct json_stream js;
	json_t *root = json_object();

	(void)state;
	open_stream(&js);
	json_stream_begin_object(&js);
	assert_int_equal(json_stream_member_string(&js, "s", "x \" y"), 0);
	json_object_set_new(root, "s", json_string("x \" y"));
	assert_int_equal(json_stream_member_string(&js, "bad", "\xff"), -1);
	assert_int_equal(json_stream_member_string(&js, "\xff", "ok"), -1);
	assert_int_equal(json_stream_member_string_or_null(&js, "n", ""), 0);
	json_object_set_new(root, "n", json_null());
	assert_int_equal(json_stream_member_string_or_null(&js, "m", "z"), 0);
	json_object_set_new(root, "m", json_string("z"));
	assert_int_equal(json_stream_member_real(&js, "r", 0.1), 0);
	json_object_set_new(root, "r", json_real(0.1));
	assert_int_equal(json_stream_member_real(&js, "nan", NAN), -1);
	json_stream_member_integer(&js, "i", INT64_MIN);
	json_object_set_new(root, "i", json_integer(INT64_MIN));
	json_stream_member_integer(&js, "\xc3", 1);
	json_stream_member_bool(&js, "b", true);
	json_object_set_new(root, "b", json_true());
	json_stream_member_bool(&js, "\xc3", false);
	json_stream_member_value_type(&js, "vt", "inuse_space", "bytes");
	json_object_set_new(root, "vt", json_pack("{s:s, s:s}", "type",
						  "inuse_space", "unit", "bytes"));
	json_stream_member_value_type(&js, "\xc3", "a", "b");
	json_stream_end_object(&js);
	check(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_stream__strings),
		cmocka_unit_test(test_json_stream__numbers),
		cmocka_unit_test(test_json_stream__layout),
		cmocka_unit_test(test_json_stream__empty_root),
		cmocka_unit_test(test_json_stream__precision),
		cmocka_unit_test(test_json_stream__null_strings),
		cmocka_unit_test(test_json_stream__members),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
