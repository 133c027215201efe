/* test_gunzip.c - our DEFLATE decoder gives what zlib gives, or declines */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "gunzip.h"

struct bytes {
	unsigned char *buf;
	size_t len;
};

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Content of a kind: 0 random bytes, 1 words of a small vocabulary,
 * 2 runs of one byte, 3 varints of ids as in profile.proto, 4 zeros. */
static void content(struct bytes *b, unsigned kind, size_t len, uint64_t seed)
{
	static const char *const words[] = {
		"runtime.gopark", "net/http.(*conn).serve", "\t/usr/lib/go/src/",
		"main.go:42", " ", "\n", "sync.(*Mutex).Lock", "0x1f"
	};
	uint64_t x = seed * 0x9e3779b97f4a7c15u + 1;
	size_t i = 0;

	b->buf = malloc(len + 1);
	assert_non_null(b->buf);
	b->len = len;
	while (i < len) {
		uint64_t r = next(&x);

		switch (kind) {
		case 0:
			b->buf[i++] = (unsigned char)r;
			break;
		case 1: {
			const char *w = words[r % 8];

			while (*w && i < len)
				b->buf[i++] = (unsigned char)*w++;
			break;
		}
		case 2: {
			size_t n = 1 + (r >> 8) % 300;

			while (n-- && i < len)
				b->buf[i++] = (unsigned char)r;
			break;
		}
		case 3: {
			uint64_t v = 1 + (r >> 3) % 40000;

			while (v >= 0x80 && i < len) {
				b->buf[i++] = (unsigned char)(v | 0x80);
				v >>= 7;
			}
			if (i < len)
				b->buf[i++] = (unsigned char)v;
			break;
		}
		default:
			b->buf[i++] = 0;
		}
	}
}

/* data[0..len) as one gzip member, with zlib's given settings and, when
 * head is set, its header fields. */
static struct bytes member(const unsigned char *data, size_t len, int level,
			   int mem_level, int strategy, gz_header *head)
{
	struct bytes out;
	z_stream z;
	size_t cap = len + len / 10 + 4096;

	out.buf = malloc(cap);
	assert_non_null(out.buf);
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, mem_level,
				      strategy), Z_OK);
	if (head)
		assert_int_equal(deflateSetHeader(&z, head), Z_OK);
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)len;
	z.next_out = out.buf;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	out.len = z.total_out;
	deflateEnd(&z);
	return out;
}

/* What zlib makes of in[0..len) as one gzip member and nothing after
 * it, into *out (malloc'd): true when it inflates it all. */
static bool zlib_inflate(const unsigned char *in, size_t len,
			 unsigned char **out, size_t *out_len)
{
	size_t cap = 4096 + len * 8;
	z_stream z;
	int r;

	*out = malloc(cap);
	assert_non_null(*out);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	for (;;) {
		z.next_out = *out + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		r = inflate(&z, Z_NO_FLUSH);
		if (r != Z_OK || z.avail_out)
			break;
		cap *= 2;
		*out = realloc(*out, cap);
		assert_non_null(*out);
	}
	*out_len = z.total_out;
	inflateEnd(&z);
	return r == Z_STREAM_END && z.avail_in == 0;
}

static void assert_inflates(const struct bytes *gz, const struct bytes *want)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(gunzip_member(gz->buf, gz->len, UINT64_MAX, &sb),
			 GUNZIP_OK);
	assert_int_equal(sb.len, want->len);
	assert_memory_equal(sb.buf, want->buf, want->len);
	assert_int_equal(sb.buf[sb.len], '\0');
	strbuf_release(&sb);
}

static void assert_declines(const unsigned char *in, size_t len, uint64_t max)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(gunzip_member(in, len, max, &sb), GUNZIP_DECLINED);
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

/* Every kind of content, zlib's every strategy, stored blocks (level 0),
 * fixed and dynamic codes, short and long distances. */
static void test_gunzip__what_zlib_writes(void **state)
{
	static const size_t sizes[] = { 0, 1, 100, 5000, 70000 };
	static const int levels[] = { 0, 1, 6, 9 };
	static const int strategies[] = {
		Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED
	};
	unsigned kind, si, li, st, n = 0;

	(void)state;
	for (kind = 0; kind < 5; kind++)
		for (si = 0; si < sizeof(sizes) / sizeof(*sizes); si++)
			for (li = 0; li < 4; li++)
				for (st = 0; st < 5; st++) {
					struct bytes data, gz;

					content(&data, kind, sizes[si], n);
					gz = member(data.buf, data.len, levels[li],
						    1 + 8 * (n % 2), strategies[st],
						    NULL);
					assert_inflates(&gz, &data);
					free(gz.buf);
					free(data.buf);
					n++;
				}
	/* a bigger one: many blocks, distances back to 32 KiB */
	{
		struct bytes data, gz;

		content(&data, 1, 600000, 7);
		gz = member(data.buf, data.len, 6, 8, Z_DEFAULT_STRATEGY, NULL);
		assert_inflates(&gz, &data);
		free(gz.buf);
		free(data.buf);
	}
}

/* The optional header fields are skipped; a header CRC, which zlib
 * checks, is declined. */
static void test_gunzip__header_fields(void **state)
{
	unsigned char extra[] = "\x01\x02\x03";
	gz_header head;
	struct bytes data, gz;
	unsigned char *z;
	size_t zlen;

	(void)state;
	content(&data, 1, 3000, 1);
	memset(&head, 0, sizeof(head));
	head.extra = extra;
	head.extra_len = 3;
	head.name = (Bytef *)"heap.pb";
	head.comment = (Bytef *)"a comment";
	gz = member(data.buf, data.len, 6, 8, Z_DEFAULT_STRATEGY, &head);
	assert_inflates(&gz, &data);
	free(gz.buf);

	head.hcrc = 1;
	gz = member(data.buf, data.len, 6, 8, Z_DEFAULT_STRATEGY, &head);
	assert_true(zlib_inflate(gz.buf, gz.len, &z, &zlen));
	free(z);
	assert_declines(gz.buf, gz.len, UINT64_MAX);
	free(gz.buf);
	free(data.buf);
}

/* Whatever is not exactly one good member within max is declined, so
 * that zlib reads it and says what is wrong. */
static void test_gunzip__declines(void **state)
{
	struct bytes data, gz, two;
	size_t cut;

	(void)state;
	content(&data, 3, 20000, 2);
	gz = member(data.buf, data.len, 6, 8, Z_DEFAULT_STRATEGY, NULL);

	/* content over max: at the limit taken, one byte less declined */
	{
		struct strbuf sb = STRBUF_INIT;

		assert_int_equal(gunzip_member(gz.buf, gz.len, data.len, &sb),
				 GUNZIP_OK);
		strbuf_release(&sb);
		assert_declines(gz.buf, gz.len, data.len - 1);
	}
	/* cut anywhere */
	for (cut = 0; cut < gz.len; cut++)
		assert_declines(gz.buf, cut, UINT64_MAX);
	/* two members, or a byte after the one */
	two.len = 2 * gz.len;
	two.buf = malloc(two.len + 1);
	assert_non_null(two.buf);
	memcpy(two.buf, gz.buf, gz.len);
	memcpy(two.buf + gz.len, gz.buf, gz.len);
	assert_declines(two.buf, two.len, UINT64_MAX);
	two.buf[gz.len] = 'x';
	assert_declines(two.buf, gz.len + 1, UINT64_MAX);
	free(two.buf);
	/* the trailer's CRC or length wrong */
	gz.buf[gz.len - 8] ^= 1;
	assert_declines(gz.buf, gz.len, UINT64_MAX);
	gz.buf[gz.len - 8] ^= 1;
	gz.buf[gz.len - 4] ^= 1;
	assert_declines(gz.buf, gz.len, UINT64_MAX);
	gz.buf[gz.len - 4] ^= 1;
	/* not gzip, or another method than deflate */
	gz.buf[2] = 7;
	assert_declines(gz.buf, gz.len, UINT64_MAX);
	free(gz.buf);
	free(data.buf);
}

/* Bits for a hand-made stream, first bit in the low bit of a byte. */
struct bitw {
	unsigned char buf[1024];
	size_t bits;
};

static void put_bits(struct bitw *w, unsigned v, unsigned n)
{
	while (n--) {
		if (v & 1)
			w->buf[w->bits / 8] |= (unsigned char)(1u << w->bits % 8);
		w->bits++;
		v >>= 1;
	}
}

/* a Huffman code goes from its high bit */
static void put_code(struct bitw *w, unsigned code, unsigned len)
{
	while (len--)
		put_bits(w, code >> len & 1, 1);
}

/* A gzip member of "A" in one dynamic block whose literal/length code
 * has nlen symbols, all of 8 or 9 bits (complete: 2 * n8 + n9 = 512),
 * and whose distance code is one code of one bit. */
static struct bytes dynamic_member(unsigned nlen)
{
	static const unsigned char head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
	/* code length code: 8 -> "0", 1 -> "10", 9 -> "11", in the order
	 * 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1 */
	static const unsigned char cl[18] = { 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
	unsigned n8 = 512 - nlen, s, i;
	struct bitw w;
	struct bytes out;
	uint32_t crc = (uint32_t)crc32(0, (const unsigned char *)"A", 1);

	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);		/* last block */
	put_bits(&w, 2, 2);		/* dynamic */
	put_bits(&w, nlen - 257, 5);
	put_bits(&w, 0, 5);		/* one distance code */
	put_bits(&w, 18 - 4, 4);
	for (i = 0; i < 18; i++)
		put_bits(&w, cl[i], 3);
	for (s = 0; s < nlen; s++) {
		if (s < n8)
			put_code(&w, 0, 1);
		else
			put_code(&w, 3, 2);
	}
	put_code(&w, 2, 2);		/* the distance code: 1 bit */
	put_code(&w, 'A', 8);
	put_code(&w, (n8 << 1) + (256 - n8), 9);	/* end of block */
	out.len = 10 + (w.bits + 7) / 8 + 8;
	out.buf = malloc(out.len);
	assert_non_null(out.buf);
	memcpy(out.buf, head, 10);
	memcpy(out.buf + 10, w.buf, (w.bits + 7) / 8);
	for (i = 0; i < 4; i++) {
		out.buf[out.len - 8 + i] = (unsigned char)(crc >> 8 * i);
		out.buf[out.len - 4 + i] = (unsigned char)(i == 0);
	}
	return out;
}

/* zlib refuses more than 286 literal/length codes ("too many length or
 * distance symbols") even where the code is otherwise good: so must
 * this, CRC or no CRC. */
static void test_gunzip__too_many_symbols(void **state)
{
	struct bytes good = dynamic_member(286), bad = dynamic_member(287);
	struct bytes a = { (unsigned char *)"A", 1 };
	unsigned char *z;
	size_t zlen;

	(void)state;
	assert_true(zlib_inflate(good.buf, good.len, &z, &zlen));
	assert_int_equal(zlen, 1);
	free(z);
	assert_inflates(&good, &a);
	assert_false(zlib_inflate(bad.buf, bad.len, &z, &zlen));
	free(z);
	assert_declines(bad.buf, bad.len, UINT64_MAX);
	free(good.buf);
	free(bad.buf);
}

/* Streams damaged anywhere: never content where zlib fails, and the
 * same content where both succeed. Run under ASan and valgrind, also
 * that nothing is read or written out of bounds. */
static void test_gunzip__damaged_like_zlib(void **state)
{
	uint64_t x = 0x243f6a8885a308d3u;
	unsigned c, zlib_ok = 0, declined = 0;

	(void)state;
	for (c = 0; c < 3000; c++) {
		struct bytes data, gz;
		struct strbuf sb = STRBUF_INIT;
		enum gunzip_result r;
		unsigned char *z;
		size_t zlen, flips = 1 + next(&x) % 3, hdr = 10;
		bool ok;

		content(&data, (unsigned)(next(&x) % 5), 10 + next(&x) % 3000, c);
		gz = member(data.buf, data.len, (int)(next(&x) % 10), 8,
			    (int)(next(&x) % 5), NULL);
		while (flips--) {
			size_t at = hdr + next(&x) % (gz.len - hdr);

			gz.buf[at] ^= (unsigned char)(1u << next(&x) % 8);
		}
		if (next(&x) % 4 == 0)
			gz.len -= next(&x) % gz.len;
		ok = zlib_inflate(gz.buf, gz.len, &z, &zlen);
		r = gunzip_member(gz.buf, gz.len, UINT64_MAX, &sb);
		if (r == GUNZIP_OK) {
			assert_true(ok);
			assert_int_equal(sb.len, zlen);
			assert_memory_equal(sb.buf, z, zlen);
		} else {
			assert_int_equal(r, GUNZIP_DECLINED);
			declined++;
		}
		zlib_ok += ok;
		strbuf_release(&sb);
		free(z);
		free(gz.buf);
		free(data.buf);
	}
	print_message("%u damaged streams: zlib inflated %u, gunzip declined %u\n",
		      c, zlib_ok, declined);
	assert_true(declined > 2500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gunzip__what_zlib_writes),
		cmocka_unit_test(test_gunzip__header_fields),
		cmocka_unit_test(test_gunzip__declines),
		cmocka_unit_test(test_gunzip__too_many_symbols),
		cmocka_unit_test(test_gunzip__damaged_like_zlib),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
