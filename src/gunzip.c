/* gunzip.c - a DEFLATE decoder (RFC 1951) for one whole gzip member (RFC 1952) */
#include "gunzip.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_CLMUL_CRC 1
#endif

/* Where it is faster than zlib's inflate: the bit buffer is refilled
 * 64 bits at a time, without a branch, which leaves enough bits for a
 * whole length and distance pair; a literal/length table indexed by 11
 * bits (zlib's: 9) decodes almost every symbol of a profile in one
 * lookup; a match of distance 8 or more is copied 8 bytes at a time.
 *
 * It refuses whatever zlib refuses, check by check (the messages of
 * zlib's inflate.c and inftrees.c are named where each is made), and
 * some things zlib allows: declining is always safe, accepting where
 * zlib fails is not. The member's CRC-32 and length in its trailer
 * are checked last, so a mistake here can only ever be a decline. */

#define MAXBITS 15			/* the longest Huffman code */
#define LIT_BITS 11			/* index bits of the literal/length table */
#define DIST_BITS 8			/* and of the distance table */
#define CL_BITS 7			/* and of the code length code's */
#define LIT_SYMS 288
#define DIST_SYMS 32
#define CL_SYMS 19
/* A code longer than a table's index bits is found in a subtable of
 * 2^(MAXBITS - bits) entries, one per such prefix: at most one per
 * symbol. */
#define LIT_TABLE ((1u << LIT_BITS) + LIT_SYMS * (1u << (MAXBITS - LIT_BITS)))
#define DIST_TABLE ((1u << DIST_BITS) + DIST_SYMS * (1u << (MAXBITS - DIST_BITS)))

/* A table entry: the bits its lookup consumes in the low byte, a tag
 * in the next, a value (a literal, a length or distance base, where a
 * subtable starts) in the high half. */
#define E_BITS(e) ((e) & 0xffu)
#define E_TAG(e) (((e) >> 8) & 0xffu)
#define E_VAL(e) ((e) >> 16)
#define ENTRY(bits, tag, val) ((uint32_t)(bits) | (uint32_t)(tag) << 8 | (uint32_t)(val) << 16)

#define TAG_BAD 0x00		/* no such code (zlib: "invalid ... code") */
#define TAG_LIT 0x01		/* a literal byte */
#define TAG_BASE 0x10		/* a length or distance base; low 4 bits: extra bits */
#define TAG_EOB 0x40		/* end of block */
#define TAG_SUB 0x80		/* a subtable; low 4 bits: its index bits */

#define BAD 0u			/* so that memset makes a table of them */

static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258
};
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
};
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577
};
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
};
/* the order of the code length code's lengths in a dynamic header */
static const uint8_t cl_order[CL_SYMS] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};

struct bits {
	const unsigned char *p, *start, *end;	/* the input */
	uint64_t buf;	/* bits not consumed, first in the low bit */
	unsigned n;	/* how many; above them, maybe the bytes at p */
	unsigned over;	/* zero bytes put in after the end */
};

struct gunzip {
	struct bits b;
	unsigned char *out, *out_start, *out_end;	/* out_end: start + ISIZE */
	uint32_t lit[LIT_TABLE], dist[DIST_TABLE];	/* a dynamic block's */
	uint32_t fixed_lit[LIT_TABLE], fixed_dist[DIST_TABLE];
	bool have_fixed;
	gunzip_progress_fn progress;	/* or NULL */
	void *ctx;
	size_t told;			/* the last count progress was given */
};

static uint64_t load_le64(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

static uint32_t load_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* At least 56 bits in b->buf. Eight bytes at once while there are
 * eight (n | 56 is n plus the whole bytes that fit); at the end, byte
 * by byte and then zeros, counted in over: false when that passes 8. A
 * valid stream never needs them: its 8-byte trailer follows it. */
static inline bool refill(struct bits *b)
{
	if (b->end - b->p >= 8) {
		b->buf |= load_le64(b->p) << b->n;
		b->p += (63 - b->n) >> 3;
		b->n |= 56;
		return true;
	}
	while (b->n < 56) {
		if (b->p < b->end)
			b->buf |= (uint64_t)*b->p++ << b->n;
		else
			b->over++;
		b->n += 8;
	}
	return b->over <= 8;
}

static inline uint32_t take(struct bits *b, unsigned k)
{
	uint32_t v = (uint32_t)(b->buf & ((1u << k) - 1));

	b->buf >>= k;
	b->n -= k;
	return v;
}

/* The offset of the first byte not consumed, past the partial byte;
 * -1 when bits past the end were consumed. */
static long long byte_pos(const struct bits *b)
{
	size_t fed = (size_t)(b->p - b->start) + b->over;

	if (b->n / 8 < b->over)
		return -1;
	return (long long)(fed - b->n / 8);
}

static void fill_bad(uint32_t *t, unsigned n)
{
	memset(t, 0, n * sizeof(*t));
}

/* The len low bits of code in reverse order: a code is sent from its
 * high bit, and the tables are indexed by the bits as they come. */
static unsigned reverse(unsigned code, unsigned len)
{
	code = (code & 0x5555u) << 1 | (code >> 1 & 0x5555u);
	code = (code & 0x3333u) << 2 | (code >> 2 & 0x3333u);
	code = (code & 0x0f0fu) << 4 | (code >> 4 & 0x0f0fu);
	code = (code & 0x00ffu) << 8 | (code >> 8 & 0x00ffu);
	return code >> (16 - len);
}

/* Fills table, of tb index bits and its subtables after them, for the
 * canonical Huffman code of lens[0..n): symbol s gets val[s] with the
 * bits to consume added. false for a set zlib's inftrees.c refuses:
 * over-subscribed, or incomplete unless its longest code has 1 bit, and
 * for the code length code (cl) incomplete at all. A code no symbol has
 * finds a TAG_BAD entry, as zlib finds an invalid one. */
static bool build(uint32_t *table, unsigned tb, const uint8_t *lens, unsigned n,
		  const uint32_t *val, bool cl)
{
	unsigned count[MAXBITS + 1] = { 0 }, next[MAXBITS + 1];
	unsigned subbits = MAXBITS - tb, nsub = 0, len, s, i, code, max = 0;
	int left = 1;

	for (s = 0; s < n; s++)
		count[lens[s]]++;
	for (len = 1; len <= MAXBITS; len++) {
		left <<= 1;
		left -= (int)count[len];
		if (left < 0)
			return false;		/* over-subscribed */
		if (count[len])
			max = len;
	}
	if (max == 0) {			/* no code at all */
		fill_bad(table, 1u << tb);
		return !cl;
	}
	if (left > 0 && (cl || max != 1))
		return false;			/* incomplete */
	if (left > 0 || max > tb)
		fill_bad(table, 1u << tb);
	code = 0;
	count[0] = 0;
	for (len = 1; len <= MAXBITS; len++) {
		code = (code + count[len - 1]) << 1;
		next[len] = code;
	}
	for (s = 0; s < n; s++) {
		unsigned rev;

		if (!(len = lens[s]))
			continue;
		rev = reverse(next[len]++, len);
		if (len <= tb) {
			for (i = rev; i < (1u << tb); i += 1u << len)
				table[i] = val[s] | len;
		} else {
			uint32_t *sub, head = table[rev & ((1u << tb) - 1)];

			if (!(E_TAG(head) & TAG_SUB)) {
				unsigned at = (1u << tb) + nsub++ * (1u << subbits);

				fill_bad(table + at, 1u << subbits);
				head = ENTRY(tb, TAG_SUB | subbits, at);
				table[rev & ((1u << tb) - 1)] = head;
			}
			sub = table + E_VAL(head);
			for (i = rev >> tb; i < (1u << subbits); i += 1u << (len - tb))
				sub[i] = val[s] | (len - tb);
		}
	}
	return true;
}

/* The entries, bits aside, of each symbol of the three codes. */
static void symbol_values(uint32_t *lit, uint32_t *dist, uint32_t *cl)
{
	unsigned s;

	for (s = 0; s < LIT_SYMS; s++) {
		if (s < 256)
			lit[s] = ENTRY(0, TAG_LIT, s);
		else if (s == 256)
			lit[s] = ENTRY(0, TAG_EOB, 0);
		else if (s < 286)
			lit[s] = ENTRY(0, TAG_BASE | len_extra[s - 257], len_base[s - 257]);
		else
			lit[s] = BAD;	/* "invalid literal/length code" */
	}
	for (s = 0; s < DIST_SYMS; s++)
		dist[s] = s < 30 ? ENTRY(0, TAG_BASE | dist_extra[s], dist_base[s]) :
			  BAD;		/* "invalid distance code" */
	for (s = 0; s < CL_SYMS; s++)
		cl[s] = ENTRY(0, TAG_LIT, s);
}

/* Decodes a symbol with table t, whose first level is indexed by bits
 * bits (LIT_BITS or DIST_BITS), consuming its bits; the caller has made
 * room for them. */
static inline uint32_t decode(struct bits *b, const uint32_t *t, unsigned bits)
{
	uint32_t e = t[b->buf & ((1u << bits) - 1)];

	if (E_TAG(e) & TAG_SUB) {
		b->buf >>= bits;
		b->n -= bits;
		e = t[E_VAL(e) + (b->buf & ((1u << (MAXBITS - bits)) - 1))];
	}
	b->buf >>= E_BITS(e);
	b->n -= E_BITS(e);
	return e;
}

/* Output for one step of symbols(): three literals or a match */
#define STEP_OUT 258

/* One step of a block: up to three literals, or one length and
 * distance pair. 1 to go on, 0 at the end of the block, -1 for what zlib
 * refuses ("invalid literal/length code", "invalid distance code",
 * "invalid distance too far back") or content longer than the trailer
 * says. careful is a constant: false where the output has STEP_OUT
 * bytes of room, which spares the checks of room. */
static inline __attribute__((always_inline)) int symbols(struct bits *b, unsigned char **outp,
			  unsigned char *start, unsigned char *end,
			  const uint32_t *lt, const uint32_t *dt, const bool careful)
{
	unsigned char *out = *outp;
	const unsigned char *src;
	uint32_t e, tag;
	size_t len, dist;

	/* 56 bits: three literals (15 each), or a length code (15),
	 * its extra bits (5), a distance code (15) and its extra
	 * bits (13) */
	if (!refill(b))
		return -1;
	e = decode(b, lt, LIT_BITS);
	if (E_TAG(e) == TAG_LIT) {
		if (careful && out == end)
			return -1;
		*out++ = (unsigned char)E_VAL(e);
		e = decode(b, lt, LIT_BITS);
		if (E_TAG(e) == TAG_LIT) {
			if (careful && out == end)
				return -1;
			*out++ = (unsigned char)E_VAL(e);
			e = decode(b, lt, LIT_BITS);
			if (E_TAG(e) == TAG_LIT) {
				if (careful && out == end)
					return -1;
				*out++ = (unsigned char)E_VAL(e);
				*outp = out;
				return 1;
			}
		}
		/* the length's extra bits and its distance to come */
		if (!refill(b))
			return -1;
	}
	*outp = out;
	tag = E_TAG(e);
	if (!(tag & TAG_BASE))
		return tag == TAG_EOB ? 0 : -1;
	len = E_VAL(e) + take(b, tag & 0xf);
	e = decode(b, dt, DIST_BITS);
	tag = E_TAG(e);
	if (!(tag & TAG_BASE))
		return -1;
	dist = E_VAL(e) + take(b, tag & 0xf);
	if (dist > (size_t)(out - start) || (careful && len > (size_t)(end - out)))
		return -1;
	src = out - dist;
	if (dist >= 8) {
		/* whole words, each read after the last was written; up to
		 * 7 bytes past the match, within the slack, and where there
		 * is room (!careful) two words at once: most matches are
		 * short, and a loop's exit is then a guess */
		unsigned char *stop = out + len;

		if (!careful) {
			memcpy(out, src, 8);
			memcpy(out + 8, src + 8, 8);
			out += 16;
			src += 16;
		}
		while (out < stop) {
			memcpy(out, src, 8);
			out += 8;
			src += 8;
		}
		out = stop;
	} else {
		while (len--)
			*out++ = *src++;
	}
	*outp = out;
	return 1;
}

/* The symbols of one block, with its tables, to its end of block. */
static bool inflate_block(struct gunzip *z, const uint32_t *lt, const uint32_t *dt)
{
	struct bits b = z->b;
	unsigned char *out = z->out;
	unsigned char *const start = z->out_start, *const end = z->out_end;
	int r;

	do {
		if (end - out >= STEP_OUT)
			r = symbols(&b, &out, start, end, lt, dt, false);
		else
			r = symbols(&b, &out, start, end, lt, dt, true);
	} while (r > 0);
	z->b = b;
	z->out = out;
	return r == 0;
}

/* A stored block, after its header's 3 bits: false for a length past
 * the input or the content, or whose complement does not match
 * ("invalid stored block lengths"). */
static bool stored_block(struct gunzip *z)
{
	struct bits *b = &z->b;
	long long at;
	const unsigned char *q;
	unsigned len;

	/* its LEN at the byte boundary: byte_pos skips the partial byte */
	if ((at = byte_pos(b)) < 0)
		return false;
	q = b->start + at;
	if (b->end - q < 4)
		return false;
	len = (unsigned)q[0] | (unsigned)q[1] << 8;
	if ((len ^ 0xffffu) != ((unsigned)q[2] | (unsigned)q[3] << 8))
		return false;
	q += 4;
	if ((size_t)(b->end - q) < len || (size_t)(z->out_end - z->out) < len)
		return false;
	memcpy(z->out, q, len);
	z->out += len;
	b->p = q + len;
	b->buf = 0;
	b->n = 0;
	b->over = 0;
	return true;
}

/* A dynamic block's header, after its first 3 bits, into z->lit and
 * z->dist. */
static bool dynamic_tables(struct gunzip *z, const uint32_t *lit_val,
			   const uint32_t *dist_val, const uint32_t *cl_val)
{
	struct bits *b = &z->b;
	uint8_t lens[LIT_SYMS + DIST_SYMS], cl_lens[CL_SYMS] = { 0 };
	uint32_t cl[1u << CL_BITS];
	unsigned nlen, ndist, ncl, i;

	if (!refill(b))
		return false;
	nlen = take(b, 5) + 257;
	ndist = take(b, 5) + 1;
	ncl = take(b, 4) + 4;
	if (nlen > 286 || ndist > 30)
		return false;	/* "too many length or distance symbols" */
	for (i = 0; i < ncl; i++) {
		if (!refill(b))
			return false;
		cl_lens[cl_order[i]] = (uint8_t)take(b, 3);
	}
	if (!build(cl, CL_BITS, cl_lens, CL_SYMS, cl_val, true))
		return false;	/* "invalid code lengths set" */
	for (i = 0; i < nlen + ndist; ) {
		uint32_t e;
		unsigned sym, rep;
		uint8_t fill;

		if (!refill(b))
			return false;
		e = cl[b->buf & ((1u << CL_BITS) - 1)];
		if (E_TAG(e) != TAG_LIT)
			return false;
		take(b, E_BITS(e));
		sym = E_VAL(e);
		if (sym < 16) {
			lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0)
				return false;	/* "invalid bit length repeat" */
			fill = lens[i - 1];
			rep = 3 + take(b, 2);
		} else if (sym == 17) {
			fill = 0;
			rep = 3 + take(b, 3);
		} else {
			fill = 0;
			rep = 11 + take(b, 7);
		}
		if (rep > nlen + ndist - i)
			return false;		/* "invalid bit length repeat" */
		memset(lens + i, fill, rep);
		i += rep;
	}
	if (lens[256] == 0)
		return false;	/* "invalid code -- missing end-of-block" */
	return build(z->lit, LIT_BITS, lens, nlen, lit_val, false) &&
	       build(z->dist, DIST_BITS, lens + nlen, ndist, dist_val, false);
}

static void fixed_tables(struct gunzip *z, const uint32_t *lit_val,
			 const uint32_t *dist_val)
{
	uint8_t lens[LIT_SYMS];
	unsigned s;

	for (s = 0; s < LIT_SYMS; s++)
		lens[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
	build(z->fixed_lit, LIT_BITS, lens, LIT_SYMS, lit_val, false);
	memset(lens, 5, DIST_SYMS);
	build(z->fixed_dist, DIST_BITS, lens, DIST_SYMS, dist_val, false);
	z->have_fixed = true;
}

/* The deflate stream from z->b to its last block's end, into z->out:
 * false when it is not one zlib inflates within the content's length. */
static bool inflate_stream(struct gunzip *z)
{
	uint32_t lit_val[LIT_SYMS], dist_val[DIST_SYMS], cl_val[CL_SYMS];
	bool last;

	symbol_values(lit_val, dist_val, cl_val);
	do {
		unsigned type;
		bool ok;

		if (!refill(&z->b))
			return false;
		last = take(&z->b, 1);
		type = take(&z->b, 2);
		if (type == 0) {
			ok = stored_block(z);
		} else if (type == 1) {
			if (!z->have_fixed)
				fixed_tables(z, lit_val, dist_val);
			ok = inflate_block(z, z->fixed_lit, z->fixed_dist);
		} else if (type == 2) {
			ok = dynamic_tables(z, lit_val, dist_val, cl_val) &&
			     inflate_block(z, z->lit, z->dist);
		} else {
			ok = false;	/* "invalid block type" */
		}
		if (!ok)
			return false;
		if (z->progress &&
		    (size_t)(z->out - z->out_start) - z->told >= GUNZIP_PROGRESS_STEP) {
			z->told = (size_t)(z->out - z->out_start);
			if (!z->progress(z->ctx, z->told))
				return false;
		}
	} while (!last);
	return true;
}

/* The offset of a member's deflate data after its header, or 0 for a
 * header this declines: zlib's "incorrect header check", "unknown
 * compression method", "unknown header flags set", and a header CRC
 * (FHCRC), which it checks and this does not. */
static size_t header_size(const unsigned char *in, size_t len)
{
	size_t pos = 10;
	unsigned flags;

	if (len < pos || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8)
		return 0;
	flags = in[3];
	if (flags & 0xe2)
		return 0;
	if (flags & 0x04) {		/* FEXTRA */
		size_t xlen;

		if (len - pos < 2)
			return 0;
		xlen = (size_t)in[pos] | (size_t)in[pos + 1] << 8;
		pos += 2;
		if (len - pos < xlen)
			return 0;
		pos += xlen;
	}
	if (flags & 0x08) {		/* FNAME */
		const unsigned char *nul = memchr(in + pos, 0, len - pos);

		if (!nul)
			return 0;
		pos = (size_t)(nul - in) + 1;
	}
	if (flags & 0x10) {		/* FCOMMENT */
		const unsigned char *nul = memchr(in + pos, 0, len - pos);

		if (!nul)
			return 0;
		pos = (size_t)(nul - in) + 1;
	}
	return pos;
}

#ifdef HAVE_CLMUL_CRC
/* The gzip CRC-32 of p[0..len), len a multiple of 16 and at least 64,
 * from crc (pre- and post-inverted by the caller), by carry-less
 * multiplication: four 128-bit lanes folded 64 bytes at a time, folded
 * into one, then reduced to 32 bits (Barrett). The method is Intel's
 * ("Fast CRC Computation for Generic Polynomials Using PCLMULQDQ",
 * 2009), with the constants for the bit-reflected polynomial 0xedb88320:
 * x^(4*128+32), x^(4*128-32), x^(128+32), x^(128-32) and x^64 mod P(x),
 * P(x) and floor(x^64 / P(x)), each reflected into 33 bits. zlib 1.2's
 * crc32_z takes ~4 instructions a byte, a sixth of the time of the
 * decoder above. */
__attribute__((target("pclmul,sse2")))
static uint32_t crc_clmul(uint32_t crc, const unsigned char *p, size_t len)
{
	const __m128i k1k2 = _mm_set_epi64x(0x1c6e41596, 0x154442bd4);
	const __m128i k3k4 = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0);
	const __m128i k5 = _mm_set_epi64x(0, 0x163cd6124);
	const __m128i poly = _mm_set_epi64x(0x1f7011641, 0x1db710641);
	const __m128i low32 = _mm_set_epi32(0, -1, 0, -1);
	__m128i x0, x1, x2, x3, t;

	x0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)p),
			   _mm_cvtsi32_si128((int)crc));
	x1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
	x2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 32));
	x3 = _mm_loadu_si128((const __m128i *)(const void *)(p + 48));
	p += 64;
	len -= 64;
#define FOLD(x, k, next) \
	_mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128((x), (k), 0x00), \
				    _mm_clmulepi64_si128((x), (k), 0x11)), (next))
	for (; len >= 64; p += 64, len -= 64) {
		x0 = FOLD(x0, k1k2, _mm_loadu_si128((const __m128i *)(const void *)p));
		x1 = FOLD(x1, k1k2, _mm_loadu_si128((const __m128i *)(const void *)(p + 16)));
		x2 = FOLD(x2, k1k2, _mm_loadu_si128((const __m128i *)(const void *)(p + 32)));
		x3 = FOLD(x3, k1k2, _mm_loadu_si128((const __m128i *)(const void *)(p + 48)));
	}
	x0 = FOLD(x0, k3k4, x1);
	x0 = FOLD(x0, k3k4, x2);
	x0 = FOLD(x0, k3k4, x3);
	for (; len >= 16; p += 16, len -= 16)
		x0 = FOLD(x0, k3k4, _mm_loadu_si128((const __m128i *)(const void *)p));
#undef FOLD
	/* 128 bits to 64 */
	x0 = _mm_xor_si128(_mm_clmulepi64_si128(x0, k3k4, 0x10), _mm_srli_si128(x0, 8));
	/* 64 to 32 */
	t = _mm_clmulepi64_si128(_mm_and_si128(x0, low32), k5, 0x00);
	x0 = _mm_xor_si128(_mm_srli_si128(x0, 4), t);
	/* Barrett reduction */
	t = _mm_clmulepi64_si128(_mm_and_si128(x0, low32), poly, 0x10);
	t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), poly, 0x00);
	x0 = _mm_xor_si128(x0, t);
	return (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(x0, 4));
}
#endif

/* zlib's crc32(crc, p, len), the bulk by crc_clmul where the processor
 * has it. */
static uint32_t crc32_fast(uint32_t crc, const unsigned char *p, size_t len)
{
#ifdef HAVE_CLMUL_CRC
	if (len >= 64 && __builtin_cpu_supports("pclmul")) {
		size_t n = len & ~(size_t)15;

		crc = ~crc_clmul(~crc, p, n);
		p += n;
		len -= n;
	}
#endif
	return (uint32_t)crc32_z(crc, p, len);
}

/* The offset of a member's deflate data (header_size) and in *size the
 * content's length its trailer says (ISIZE, mod 2^32: a longer content
 * runs into the end of the room made for it, and is declined); 0 for a
 * member this declines at once: a bad header, no room for a trailer,
 * content over max, or more than DEFLATE could make of the member's
 * bytes (at most 258 bytes of 2 bits, 1032:1: a damaged trailer must
 * not have it reserve gigabytes for a few bytes). */
static size_t member_size(const unsigned char *in, size_t len, uint64_t max,
			  size_t *size)
{
	size_t head = header_size(in, len);

	if (!head || len - head < 8)
		return 0;
	*size = load_le32(in + len - 4);
	if (*size > max || *size > SIZE_MAX - GUNZIP_SLACK ||
	    *size / 1032 > len - head)
		return 0;
	return head;
}

enum gunzip_result gunzip_member_to(const unsigned char *in, size_t len,
				    uint64_t max, unsigned char *out, size_t cap,
				    gunzip_progress_fn progress, void *ctx,
				    size_t *content)
{
	struct gunzip *z;
	size_t size, head = member_size(in, len, max, &size);
	enum gunzip_result r = GUNZIP_DECLINED;
	long long end;

	if (!head || cap < size + GUNZIP_SLACK)
		return GUNZIP_DECLINED;
	z = malloc(sizeof(*z));
	if (!z)
		return GUNZIP_NOMEM;
	z->b.start = in + head;
	z->b.p = in + head;
	z->b.end = in + len;
	z->b.buf = 0;
	z->b.n = 0;
	z->b.over = 0;
	z->out_start = out;
	z->out = out;
	z->out_end = out + size;
	z->have_fixed = false;
	z->progress = progress;
	z->ctx = ctx;
	z->told = 0;
	/* The trailer right after the last block, and the input's end
	 * right after it: one member, nothing after it ("incorrect data
	 * check", "incorrect length check"). */
	if (inflate_stream(z) && z->out == z->out_end &&
	    (end = byte_pos(&z->b)) >= 0 && (size_t)end == len - head - 8 &&
	    crc32_fast(0, out, size) == load_le32(in + len - 8)) {
		*content = size;
		r = GUNZIP_OK;
	}
	free(z);
	return r;
}

enum gunzip_result gunzip_member(const unsigned char *in, size_t len,
				 uint64_t max, struct strbuf *out)
{
	enum gunzip_result r;
	size_t size;

	strbuf_release(out);
	if (!member_size(in, len, max, &size))
		return GUNZIP_DECLINED;
	if (strbuf_grow(out, size + GUNZIP_SLACK) < 0)
		return GUNZIP_NOMEM;
	r = gunzip_member_to(in, len, max, (unsigned char *)out->buf, out->alloc,
			     NULL, NULL, &size);
	if (r != GUNZIP_OK) {
		strbuf_release(out);
		return r;
	}
	out->len = size;
	out->buf[size] = '\0';
	return GUNZIP_OK;
}
