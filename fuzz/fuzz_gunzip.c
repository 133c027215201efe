/* fuzz_gunzip.c - libFuzzer harness: gunzip_member against zlib, both ways
 *
 * The input is taken twice: as a gzip file, where gunzip_member may
 * decline but must never give content zlib does not give; and as content,
 * gzipped by zlib with settings from its first byte, which gunzip_member
 * must inflate to the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gunzip.h"

#define MAX_OUT ((size_t)16 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* zlib's content of in[0..len) as one whole gzip member, at most
 * MAX_OUT bytes: its length, or -1. */
static long zlib_member(const uint8_t *in, size_t len, unsigned char *out)
{
	z_stream z;
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		abort();
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)MAX_OUT;
	r = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	return r == Z_STREAM_END && z.avail_in == 0 ? (long)z.total_out : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char *out;
	struct strbuf sb = STRBUF_INIT;
	enum gunzip_result r;
	long n;

	if (!out && !(out = malloc(MAX_OUT)))
		abort();
	r = gunzip_member(data, size, MAX_OUT, &sb);
	if (r == GUNZIP_OK) {
		n = zlib_member(data, size, out);
		if (n < 0 || (size_t)n != sb.len || memcmp(out, sb.buf, sb.len))
			abort();	/* content zlib does not give */
	} else if (r != GUNZIP_DECLINED || sb.len) {
		abort();
	}
	strbuf_release(&sb);

	if (size >= 1 && size <= 1 << 20) {
		z_stream z;
		unsigned char *gz;
		size_t cap = size + size / 8 + 1024;
		int level = data[0] % 10, strategy = (data[0] / 10) % 5;

		if (!(gz = malloc(cap)))
			abort();
		memset(&z, 0, sizeof(z));
		if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 1 + data[0] % 9,
				 strategy) != Z_OK)
			abort();
		z.next_in = (unsigned char *)data + 1;
		z.avail_in = (uInt)(size - 1);
		z.next_out = gz;
		z.avail_out = (uInt)cap;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END)
			abort();
		if (gunzip_member(gz, z.total_out, MAX_OUT, &sb) != GUNZIP_OK ||
		    sb.len != size - 1 || memcmp(sb.buf, data + 1, size - 1))
			abort();	/* zlib's own stream not inflated */
		deflateEnd(&z);
		strbuf_release(&sb);
		free(gz);
	}
	return 0;
}
