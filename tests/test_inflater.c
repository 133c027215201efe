/* test_inflater.c - gzip inflated on a thread: what it vouches for */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "inflater.h"

struct bytes {
	unsigned char *buf;
	size_t len;
};

static void add(struct bytes *b, const void *data, size_t len)
{
	b->buf = realloc(b->buf, b->len + len + 1);
	assert_non_null(b->buf);
	memcpy(b->buf + b->len, data, len);
	b->len += len;
}

/* A gzip member of data[0..len) at the given level, appended to out. */
static void add_member(struct bytes *out, const unsigned char *data,
		       size_t len, int level)
{
	z_stream z;
	size_t cap = len + len / 100 + 1024;
	unsigned char *buf = malloc(cap);

	assert_non_null(buf);
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	add(out, buf, cap - z.avail_out);
	deflateEnd(&z);
	free(buf);
}

/* Content that compresses some, but not to nothing. */
static struct bytes content(size_t len)
{
	struct bytes b = { NULL, 0 };
	uint32_t x = 12345;
	size_t i;

	b.buf = malloc(len + 1);
	assert_non_null(b.buf);
	for (i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		b.buf[i] = (unsigned char)((x >> 16) % 7 + (i % 64 < 40 ? 'a' : 0));
	}
	b.len = len;
	return b;
}

/* Inflates gz through a temporary file starting at offset skip: the
 * result, and the content when *out is given. */
static enum inflater_result run(const struct bytes *gz, size_t skip,
				uint64_t max, struct bytes *out)
{
	char path[] = "/tmp/leakscope-test-inflater-XXXXXX";
	int fd = mkstemp(path);
	struct inflater z;
	enum inflater_result res;
	size_t avail = 0;

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, "skipped!", skip), (ssize_t)skip);
	assert_int_equal(write(fd, gz->buf, gz->len), (ssize_t)gz->len);
	assert_int_equal(lseek(fd, 1, SEEK_SET), 1);
	assert_int_equal(inflater_start(&z, fd, (off_t)skip, max), 0);
	do
		avail = inflater_wait(&z, avail, &res);
	while (res == INFLATER_RUNNING);
	if (out) {
		out->len = 0;
		add(out, z.buf, avail);
	}
	inflater_release(&z);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 1);	/* untouched */
	close(fd);
	return res;
}

/* Whole streams, one member or several, cut anywhere, every level:
 * the content, and INFLATER_OK. */
static void test_inflater__whole_streams(void **state)
{
	static const size_t sizes[] = { 0, 1, 65536, 256 * 1024,
		256 * 1024 + 1, 1024 * 1024 + 17 };
	struct bytes got = { NULL, 0 };
	size_t s, cut;
	int level;

	(void)state;
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct bytes c = content(sizes[s]);

		for (level = 0; level <= 9; level += 3) {
			struct bytes gz = { NULL, 0 };

			add_member(&gz, c.buf, c.len, level);
			assert_int_equal(run(&gz, level % 2 ? 3 : 0,
					     (uint64_t)4 << 30, &got),
					 INFLATER_OK);
			assert_int_equal(got.len, c.len);
			assert_memory_equal(got.buf, c.buf, c.len);
			free(gz.buf);
		}
		for (cut = 0; cut <= c.len; cut += c.len / 3 + 1) {
			struct bytes gz = { NULL, 0 };

			add_member(&gz, c.buf, cut, 6);
			add_member(&gz, c.buf + cut, c.len - cut, 1);
			add_member(&gz, c.buf, 0, 6);
			assert_int_equal(run(&gz, 0, (uint64_t)4 << 30, &got),
					 INFLATER_OK);
			assert_int_equal(got.len, c.len);
			assert_memory_equal(got.buf, c.buf, c.len);
			/* the limit: the content exactly, one byte less */
			assert_int_equal(run(&gz, 0, c.len, NULL), INFLATER_OK);
			if (c.len)
				assert_int_equal(run(&gz, 0, c.len - 1, NULL),
						 INFLATER_DOUBT);
			free(gz.buf);
		}
		free(c.buf);
	}
	free(got.buf);
}

/* Truncated, corrupt, with bytes after the last member (gzread ignores
 * some of them, but that is for it to say): INFLATER_DOUBT. */
static void test_inflater__doubts(void **state)
{
	struct bytes c = content(700 * 1024), gz = { NULL, 0 };
	struct bytes bad = { NULL, 0 };
	static const char *const tails[] = { "\x1f", "\x1f\x8b", "junk",
		"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" };
	size_t i, cut;

	(void)state;
	add_member(&gz, c.buf, c.len, 6);
	for (cut = 0; cut < gz.len; cut += gz.len / 7 + 1) {
		bad.len = 0;
		add(&bad, gz.buf, cut);
		assert_int_equal(run(&bad, 0, (uint64_t)4 << 30, NULL),
				 INFLATER_DOUBT);
	}
	for (i = 0; i < 40; i++) {
		bad.len = 0;
		add(&bad, gz.buf, gz.len);
		bad.buf[(i * 7919) % gz.len] ^= 0x55;
		/* mostly doubts; a flip in the header's mtime is fine */
		(void)run(&bad, 0, (uint64_t)4 << 30, NULL);
	}
	bad.len = 0;
	add(&bad, gz.buf, gz.len);
	bad.buf[gz.len - 5] ^= 1;	/* the CRC */
	assert_int_equal(run(&bad, 0, (uint64_t)4 << 30, NULL), INFLATER_DOUBT);
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		bad.len = 0;
		add(&bad, gz.buf, gz.len);
		add(&bad, tails[i], strlen(tails[i]) + (i == 3 ? 1 : 0));
		assert_int_equal(run(&bad, 0, (uint64_t)4 << 30, NULL),
				 INFLATER_DOUBT);
	}
	free(bad.buf);
	free(gz.buf);
	free(c.buf);
}

/* Released while it still inflates: it stops. */
static void test_inflater__release_early(void **state)
{
	struct bytes c = content(8 * 1024 * 1024), gz = { NULL, 0 };
	char path[] = "/tmp/leakscope-test-inflater-XXXXXX";
	int fd = mkstemp(path);
	struct inflater z;
	enum inflater_result res;

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	add_member(&gz, c.buf, c.len, 1);
	assert_int_equal(write(fd, gz.buf, gz.len), (ssize_t)gz.len);
	assert_int_equal(inflater_start(&z, fd, 0, (uint64_t)4 << 30), 0);
	assert_true(inflater_wait(&z, 0, &res) > 0);
	inflater_release(&z);
	close(fd);
	free(gz.buf);
	free(c.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inflater__whole_streams),
		cmocka_unit_test(test_inflater__doubts),
		cmocka_unit_test(test_inflater__release_early),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
