/* test_legacy.c - the legacy pprof formats, figures checked against pprof
 *
 * The expected values are what `go tool pprof -raw` (Go 1.19) prints for
 * the same inputs under testdata/reader/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reader.h"

static int load(struct profile *p, const char *name, struct ls_error *err)
{
	const char *dir = getenv("LEAKSCOPE_TESTDATA");
	char path[1024];

	snprintf(path, sizeof(path), "%s/reader/%s", dir ? dir : "testdata",
		 name);
	profile_init(p);
	return profile_load_file(p, path, NULL, err);
}

static void expect_values(const struct sample *s, size_t n, ...)
{
	va_list ap;
	size_t i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_int_equal(s->values[i], va_arg(ap, int64_t));
	va_end(ap);
}

static void expect_stack(const struct profile *p, const struct sample *s,
			 size_t n, ...)
{
	va_list ap;
	size_t i;

	assert_int_equal(s->nlocations, n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_int_equal(profile_location(p, s, i)->address,
				 va_arg(ap, uint64_t));
	va_end(ap);
}

static const struct label *find_label(const struct sample *s,
				      const char *key)
{
	size_t i;

	for (i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i].key, key) == 0)
			return &s->labels[i];
	return NULL;
}

static void test_legacy__go_heap_debug1(void **state)
{
	struct profile p;
	struct ls_error err;
	const struct location *l;
	const struct label *lab;

	(void)state;
	assert_int_equal(load(&p, "go-heap-debug1.txt", &err), 0);
	assert_int_equal(p.format, PROFILE_LEGACY_HEAP);
	assert_int_equal(p.nsample_types, 4);
	assert_string_equal(p.sample_types[0].type, "alloc_objects");
	assert_string_equal(p.sample_types[1].unit, "bytes");
	assert_string_equal(p.sample_types[3].type, "inuse_space");
	assert_string_equal(p.period_type.type, "space");
	assert_int_equal(p.period, 524288);
	/* scaled as pprof's scaleHeapSample does */
	assert_int_equal(p.nsamples, 3);
	expect_values(&p.samples[0], 4, (int64_t)769, (int64_t)1575937,
		      (int64_t)1025, (int64_t)1049600);
	expect_values(&p.samples[1], 4, (int64_t)683, (int64_t)1050112,
		      (int64_t)512, (int64_t)524800);
	expect_values(&p.samples[2], 4, (int64_t)0, (int64_t)0, (int64_t)0,
		      (int64_t)0);
	expect_stack(&p, &p.samples[0], 3, (uint64_t)0x4a1000, (uint64_t)0x4a2001,
		     (uint64_t)0x4a3002);
	lab = find_label(&p.samples[0], "bytes");
	assert_non_null(lab);
	assert_null(lab->str);
	assert_int_equal(lab->num, 1024);
	/* the symbol lines name the locations; inlined frames leaf first */
	l = profile_location(&p, &p.samples[0], 0);
	assert_int_equal(l->nlines, 1);
	assert_string_equal(l->lines[0].function->name, "main.alloc");
	assert_string_equal(l->lines[0].function->filename, "/src/app/main.go");
	assert_int_equal(l->lines[0].line, 12);
	l = profile_location(&p, &p.samples[0], 1);
	assert_int_equal(l->nlines, 2);
	assert_string_equal(l->lines[0].function->name, "main.inner");
	assert_string_equal(l->lines[1].function->name, "main.outer");
	assert_int_equal(l->lines[1].line, 40);
	/* the same function is one function */
	assert_ptr_equal(profile_location(&p, &p.samples[1], 0)->lines[0].function,
			 profile_location(&p, &p.samples[0], 0)->lines[0].function);
	/* runtime.MemStats kept as comments, as written */
	assert_int_equal(p.ncomments, 5);
	assert_string_equal(p.comments[0], "# runtime.MemStats");
	assert_string_equal(p.comments[1], "# Alloc = 3072");
	assert_string_equal(p.comments[4], "# DebugGC = false");
	/* Go wrote these stacks: pprof's C++ allocator drop frames
	 * (runtime\..* among them) must not prune them */
	assert_string_equal(p.drop_frames, "");
	assert_string_equal(p.keep_frames, "");
	/* a fake mapping covers addresses without a memory map */
	assert_int_equal(p.nmappings, 1);
	assert_int_equal(p.mappings[0].memory_limit, UINT64_MAX);
	profile_release(&p);
}

/* Without Go's symbol lines, pprof's drop frames for heap profiles apply:
 * a symbolizer could name C/C++ allocators and runtime frames later. */
static void test_legacy__heap_unsymbolized_keeps_pprof_drop_frames(void **state)
{
	struct profile p;
	struct ls_error err;

	(void)state;
	assert_int_equal(load(&p, "heap-unsymbolized.txt", &err), 0);
	assert_int_equal(p.nsamples, 2);
	assert_non_null(strstr(p.drop_frames, "runtime\\..*"));
	assert_string_equal(p.keep_frames,
		"runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*");
	profile_release(&p);
}

static void test_legacy__goroutine_debug1(void **state)
{
	struct profile p;
	struct ls_error err;
	const struct label *lab;

	(void)state;
	assert_int_equal(load(&p, "goroutine-debug1.txt", &err), 0);
	assert_int_equal(p.format, PROFILE_GOROUTINE_DEBUG1);
	assert_int_equal(p.nsample_types, 1);
	assert_string_equal(p.sample_types[0].type, "goroutine");
	assert_string_equal(p.sample_types[0].unit, "count");
	assert_int_equal(p.period, 1);
	assert_int_equal(p.nsamples, 3);
	expect_values(&p.samples[0], 1, (int64_t)4);
	expect_values(&p.samples[1], 1, (int64_t)2);
	expect_values(&p.samples[2], 1, (int64_t)1);
	expect_stack(&p, &p.samples[2], 3, (uint64_t)0x43a0f5, (uint64_t)0x4a2000,
		     (uint64_t)0x46d1c0);
	/* labels become string labels; Go quoting undone */
	assert_int_equal(p.samples[0].nlabels, 2);
	lab = find_label(&p.samples[0], "handler");
	assert_non_null(lab);
	assert_string_equal(lab->str, "/api/users");
	lab = find_label(&p.samples[0], "shard");
	assert_non_null(lab);
	assert_string_equal(lab->str, "a\"b");
	assert_int_equal(p.samples[1].nlabels, 0);
	/* runtime frames hidden by Go keep their address only */
	assert_int_equal(profile_location(&p, &p.samples[0], 0)->nlines, 0);
	assert_string_equal(profile_location(&p, &p.samples[0], 2)->lines[0].function->name,
			    "main.worker");
	profile_release(&p);
}

static void test_legacy__contention(void **state)
{
	struct profile p;
	struct ls_error err;

	(void)state;
	assert_int_equal(load(&p, "contention.txt", &err), 0);
	assert_int_equal(p.format, PROFILE_LEGACY_CONTENTION);
	assert_string_equal(p.sample_types[0].type, "contentions");
	assert_string_equal(p.sample_types[1].type, "delay");
	assert_string_equal(p.sample_types[1].unit, "nanoseconds");
	assert_int_equal(p.period, 100);
	assert_int_equal(p.duration_nanos, 5000000000LL);
	assert_int_equal(p.nsamples, 2);
	expect_values(&p.samples[0], 2, (int64_t)200, (int64_t)2000000);
	expect_values(&p.samples[1], 2, (int64_t)100, (int64_t)300000);
	expect_stack(&p, &p.samples[1], 3, (uint64_t)0x401000, (uint64_t)0x403002,
		     (uint64_t)0x402001);
	/* the memory map names the binary; libc is a library */
	assert_int_equal(p.nmappings, 2);
	assert_string_equal(p.mappings[0].filename, "/bin/server");
	assert_ptr_equal(profile_location(&p, &p.samples[0], 0)->mapping, &p.mappings[0]);
	profile_release(&p);
}

static void test_legacy__threadz(void **state)
{
	struct profile p;
	struct ls_error err;

	(void)state;
	assert_int_equal(load(&p, "threadz.txt", &err), 0);
	assert_int_equal(p.format, PROFILE_LEGACY_THREAD);
	assert_int_equal(p.nsamples, 2);
	/* "same as previous thread" counts for the previous stack */
	expect_values(&p.samples[0], 1, (int64_t)2);
	expect_values(&p.samples[1], 1, (int64_t)1);
	expect_stack(&p, &p.samples[0], 2, (uint64_t)0x401001, (uint64_t)0x402001);
	expect_stack(&p, &p.samples[1], 3, (uint64_t)0x403003, (uint64_t)0x404003,
		     (uint64_t)0x402001);
	profile_release(&p);
}

static void test_legacy__java_heapz(void **state)
{
	struct profile p;
	struct ls_error err;
	const struct location *l;

	(void)state;
	assert_int_equal(load(&p, "java-heapz.txt", &err), 0);
	assert_int_equal(p.format, PROFILE_LEGACY_JAVA);
	assert_string_equal(p.sample_types[0].type, "inuse_objects");
	assert_string_equal(p.sample_types[1].type, "inuse_space");
	assert_int_equal(p.nsamples, 2);
	expect_values(&p.samples[0], 2, (int64_t)513, (int64_t)1050625);
	expect_values(&p.samples[1], 2, (int64_t)1024, (int64_t)524544);
	assert_int_equal(find_label(&p.samples[0], "bytes")->num, 2048);
	l = profile_location(&p, &p.samples[0], 0);
	assert_int_equal(l->address, 0);
	assert_string_equal(l->lines[0].function->name, "com.example.Cache.put");
	assert_string_equal(l->lines[0].function->filename, "Cache.java");
	assert_int_equal(l->lines[0].line, 42);
	l = profile_location(&p, &p.samples[1], 0);
	assert_string_equal(l->lines[0].function->filename, "HashMap.java");
	assert_int_equal(l->lines[0].line, 0);
	profile_release(&p);
}

static void test_legacy__java_contentionz(void **state)
{
	struct profile p;
	struct ls_error err;

	(void)state;
	assert_int_equal(load(&p, "java-contentionz.txt", &err), 0);
	assert_int_equal(p.format, PROFILE_LEGACY_JAVA);
	assert_string_equal(p.sample_types[1].type, "delay");
	assert_string_equal(p.sample_types[1].unit, "microseconds");
	/* the sampling period, given before the resolution, still sets
	 * the period type */
	assert_string_equal(p.period_type.type, "contentions");
	assert_int_equal(p.period, 100);
	assert_int_equal(p.duration_nanos, 1000000000);
	assert_int_equal(p.nsamples, 1);
	expect_values(&p.samples[0], 2, (int64_t)200, (int64_t)3000);
	assert_string_equal(profile_location(&p, &p.samples[0], 0)->lines[0].function->name,
			    "com.example.Lock.lock");
	profile_release(&p);
}

/* The binary CPU profile, 64-bit little-endian, built here. */
static void test_legacy__binary_cpu(void **state)
{
	static const uint64_t words[] = {
		0, 3, 0, 10000, 0,				/* header */
		5, 3, 0x401000, 0x500001, 0x402001,
		3, 4, 0x401000, 0x500001, 0x403001, 0x402001,
		0, 1, 0,					/* trailer */
	};
	static const char maps[] =
		"00400000-00410000 r-xp 00000000 08:01 123 /bin/prog\n";
	unsigned char buf[sizeof(words) + sizeof(maps)];
	struct profile p;
	struct ls_error err;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		for (k = 0; k < 8; k++)
			buf[i * 8 + k] = (unsigned char)(words[i] >> (8 * k));
	memcpy(buf + sizeof(words), maps, sizeof(maps) - 1);
	profile_init(&p);
	assert_int_equal(profile_load_buffer(&p, "cpu", buf,
					     sizeof(words) + sizeof(maps) - 1,
					     NULL, &err), 0);
	assert_int_equal(p.format, PROFILE_LEGACY_CPU);
	assert_string_equal(p.sample_types[0].type, "samples");
	assert_string_equal(p.sample_types[1].type, "cpu");
	assert_int_equal(p.period, 10000000);
	assert_int_equal(p.nsamples, 2);
	expect_values(&p.samples[0], 2, (int64_t)5, (int64_t)50000000);
	expect_values(&p.samples[1], 2, (int64_t)3, (int64_t)30000000);
	/* the frame every sample shares at position 1 is dropped, the
	 * callers' return addresses step back one byte */
	expect_stack(&p, &p.samples[0], 2, (uint64_t)0x401000, (uint64_t)0x402000);
	expect_stack(&p, &p.samples[1], 3, (uint64_t)0x401000, (uint64_t)0x403000,
		     (uint64_t)0x402000);
	assert_int_equal(p.nmappings, 1);
	assert_string_equal(p.mappings[0].filename, "/bin/prog");
	assert_int_equal(p.mappings[0].memory_start, 0x400000);
	profile_release(&p);
}

static void test_legacy__errors(void **state)
{
	struct profile p;
	struct ls_error err;

	(void)state;
	assert_int_equal(load(&p, "heap-bad-count.txt", &err), -1);
	assert_string_equal(err.msg, "inuse count was 0 but inuse bytes was 16");
	assert_int_equal(err.line, 2);
	assert_int_equal(load(&p, "goroutine-malformed.txt", &err), -1);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "malformed profile format"));
	assert_int_equal(load(&p, "not-a-profile.txt", &err), -1);
	assert_string_equal(err.msg,
		"not a profile: text in no known profile format (it starts \"this is not a profile\")");
}

/* The fuzz case pprof refuses: a Java heapz sample with a zero count. */
static void test_legacy__java_zero_count(void **state)
{
	static const char text[] = "--- heapz 1 ---\n0 0 @ 0\n";
	struct profile p;
	struct ls_error err;

	(void)state;
	profile_init(&p);
	assert_int_equal(profile_load_buffer(&p, "z", (const unsigned char *)text,
					     strlen(text), NULL, &err), -1);
	assert_string_equal(err.msg,
		"parsing sample 0 0 @ 0: second value must be non-zero");
}

/* Every prefix of each text format: an error or a profile, no crash. */
static void test_legacy__truncation_every_byte(void **state)
{
	static const char *const files[] = {
		"go-heap-debug1.txt", "goroutine-debug1.txt", "contention.txt",
		"threadz.txt", "java-heapz.txt", "java-contentionz.txt",
	};
	const char *dir = getenv("LEAKSCOPE_TESTDATA");
	size_t f;

	(void)state;
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char path[1024];
		unsigned char data[4096];
		size_t len, cut;
		FILE *fp;

		snprintf(path, sizeof(path), "%s/reader/%s",
			 dir ? dir : "testdata", files[f]);
		fp = fopen(path, "rb");
		assert_non_null(fp);
		len = fread(data, 1, sizeof(data), fp);
		fclose(fp);
		for (cut = 0; cut <= len; cut++) {
			struct profile p;
			struct ls_error err;
			unsigned char *copy = malloc(cut + 1);

			assert_non_null(copy);
			memcpy(copy, data, cut);
			profile_init(&p);
			if (profile_load_buffer(&p, path, copy, cut, NULL, &err) < 0)
				assert_true(err.msg[0] != '\0');
			profile_release(&p);
			free(copy);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legacy__go_heap_debug1),
		cmocka_unit_test(test_legacy__heap_unsymbolized_keeps_pprof_drop_frames),
		cmocka_unit_test(test_legacy__goroutine_debug1),
		cmocka_unit_test(test_legacy__contention),
		cmocka_unit_test(test_legacy__threadz),
		cmocka_unit_test(test_legacy__java_heapz),
		cmocka_unit_test(test_legacy__java_contentionz),
		cmocka_unit_test(test_legacy__binary_cpu),
		cmocka_unit_test(test_legacy__errors),
		cmocka_unit_test(test_legacy__java_zero_count),
		cmocka_unit_test(test_legacy__truncation_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
