/* hostile_gen.c - write the hostile inputs of tests/hostile.sh to stdout
 *
 *   hostile_gen bomb-zeros N      N gzip members of 1 MiB of zeros (~1 KiB
 *                                 each): N MiB once inflated
 *   hostile_gen bomb-lines N      the same with 1 MiB lines of 'x'
 *   hostile_gen len60 [gz|nested] a profile.proto field claiming 2^60 bytes
 *   hostile_gen samples N         profile.proto: N samples on one location
 *   hostile_gen frames N          a dump: one goroutine of N frames
 *   hostile_gen line N            N bytes of 'x' and no newline
 *   hostile_gen goroutines N      a dump: N identical goroutines
 *   hostile_gen funcs-dump N      a dump: N goroutines, N function names
 *   hostile_gen funcs-proto N     profile.proto: N samples, N functions
 *
 * Everything is generated on the fly, so no big file is ever committed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void die(const char *msg)
{
	fprintf(stderr, "hostile_gen: %s\n", msg);
	exit(2);
}

static void put(const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, stdout) != n)
		die("write error");
}

/* ---- protobuf ---- */

static size_t varint(unsigned char *b, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		b[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	b[n++] = (unsigned char)v;
	return n;
}

/* field (wire type 2) holding sub[0..n) */
static void put_bytes(int field, const void *sub, size_t n)
{
	unsigned char h[16];
	size_t k = varint(h, (uint64_t)field << 3 | 2);

	k += varint(h + k, n);
	put(h, k);
	put(sub, n);
}

/* appends a varint field (wire type 0) to b */
static size_t field_varint(unsigned char *b, int field, uint64_t v)
{
	size_t k = varint(b, (uint64_t)field << 3);

	return k + varint(b + k, v);
}

static void put_string(const char *s)
{
	put_bytes(6, s, strlen(s));
}

/* string table, sample type and one function/location per function id
 * 1..nfuncs (function i named "main.fI" when nfuncs > 1) */
static void profile_head(unsigned long nfuncs)
{
	unsigned char b[64], line[32];
	unsigned long i;
	size_t n, ln;

	put_string("");
	put_string("samples");
	put_string("count");
	put_string("main.go");
	if (nfuncs == 1) {
		put_string("main.leak");
	} else {
		char name[32];

		for (i = 1; i <= nfuncs; i++) {
			snprintf(name, sizeof(name), "main.f%lu", i);
			put_string(name);
		}
	}
	n = field_varint(b, 1, 1);
	n += field_varint(b + n, 2, 2);
	put_bytes(1, b, n);			/* sample_type */
	for (i = 1; i <= nfuncs; i++) {
		n = field_varint(b, 1, i);
		n += field_varint(b + n, 2, 3 + i);	/* name */
		n += field_varint(b + n, 4, 3);		/* filename */
		put_bytes(5, b, n);			/* function */
		ln = field_varint(line, 1, i);
		ln += field_varint(line + ln, 2, 10);
		n = field_varint(b, 1, i);
		n += varint(b + n, 4 << 3 | 2);
		n += varint(b + n, ln);
		memcpy(b + n, line, ln);
		n += ln;
		put_bytes(4, b, n);			/* location */
	}
}

static void put_sample(unsigned long loc, uint64_t value)
{
	unsigned char b[32], v[12];
	size_t n = 0, k;

	k = varint(v, loc);
	n += varint(b + n, 1 << 3 | 2);
	n += varint(b + n, k);
	memcpy(b + n, v, k);
	n += k;
	k = varint(v, value);
	n += varint(b + n, 2 << 3 | 2);
	n += varint(b + n, k);
	memcpy(b + n, v, k);
	n += k;
	put_bytes(2, b, n);
}

/* ---- gzip ---- */

static void gzip_members(unsigned long n, int c)
{
	static unsigned char in[1 << 20], out[1 << 16];
	z_stream z;
	size_t len;

	memset(in, c, sizeof(in));
	if (c != 0)
		in[sizeof(in) - 1] = '\n';
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2");
	z.next_in = in;
	z.avail_in = sizeof(in);
	z.next_out = out;
	z.avail_out = sizeof(out);
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		die("deflate");
	len = sizeof(out) - z.avail_out;
	deflateEnd(&z);
	while (n--)
		put(out, len);
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "";
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 0, i;

	if (!strcmp(kind, "bomb-zeros")) {
		gzip_members(n, 0);
	} else if (!strcmp(kind, "bomb-lines")) {
		gzip_members(n, 'x');
	} else if (!strcmp(kind, "len60")) {
		/* a string_table entry of 2^60 bytes, after a valid start */
		unsigned char b[32];
		size_t k = 0;

		put_string("");
		if (argc > 2 && !strcmp(argv[2], "nested")) {
			/* a sample whose location_id list claims 2^60 bytes */
			unsigned char s[16];
			size_t m = 0;

			s[m++] = 1 << 3 | 2;
			m += varint(s + m, (uint64_t)1 << 60);
			put_bytes(2, s, m);
		} else {
			k += varint(b + k, 6 << 3 | 2);
			k += varint(b + k, (uint64_t)1 << 60);
			put(b, k);
			put("abc", 3);
		}
	} else if (!strcmp(kind, "samples")) {
		profile_head(1);
		for (i = 0; i < n; i++)
			put_sample(1, 1);
	} else if (!strcmp(kind, "funcs-proto")) {
		profile_head(n);
		for (i = 1; i <= n; i++)
			put_sample(i, i);
	} else if (!strcmp(kind, "frames")) {
		printf("goroutine 1 [running]:\n");
		for (i = 0; i < n; i++)
			printf("main.recurse(...)\n\t/app/main.go:12 +0x1d\n");
		printf("created by main.main in goroutine 1\n\t/app/main.go:5 +0x2a\n");
	} else if (!strcmp(kind, "line")) {
		static char x[1 << 16];

		memset(x, 'x', sizeof(x));
		for (i = 0; i < n; i += sizeof(x))
			put(x, n - i < sizeof(x) ? n - i : sizeof(x));
	} else if (!strcmp(kind, "goroutines")) {
		for (i = 1; i <= n; i++)
			printf("goroutine %lu [chan receive, 5 minutes]:\n"
			       "main.worker(0xc000010000)\n\t/app/main.go:40 +0x1d\n"
			       "created by main.main in goroutine 1\n\t/app/main.go:20 +0x2a\n\n",
			       i + 1);
	} else if (!strcmp(kind, "funcs-dump")) {
		for (i = 1; i <= n; i++)
			printf("goroutine %lu [select]:\n"
			       "main.f%lu(0x1)\n\t/app/f%lu.go:%lu +0x1d\n"
			       "created by main.main in goroutine 1\n\t/app/main.go:20 +0x2a\n\n",
			       i + 1, i, i % 1000, i % 5000 + 1);
	} else {
		die("usage: hostile_gen KIND [N] (see the source)");
	}
	if (fflush(stdout) != 0)
		die("write error");
	return 0;
}
