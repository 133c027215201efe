/* gunzip.h - inflate a gzip file held whole in memory, or decline
 *
 * zlib's inflate was a third of the instructions of `diff` and `top` on a
 * big profile. gunzip_member() inflates the commonest case - one gzip
 * member, the whole of the input - with a decoder of our own that reads
 * 64 bits at a time and decodes each symbol with one table lookup in most
 * cases (bench/README.md has the figures).
 *
 * It only ever succeeds with the content zlib gives: the member's CRC-32
 * (zlib's crc32_z) and length are checked against its trailer. Anything
 * else - a corrupt or truncated stream, several members, bytes after the
 * member, a header CRC, content over max - makes it decline, and the
 * caller reads the input the ordinary way, with zlib, whose messages
 * then say what is wrong and where. So no error message depends on it.
 */
#ifndef LEAKSCOPE_GUNZIP_H
#define LEAKSCOPE_GUNZIP_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum gunzip_result {
	GUNZIP_NOMEM = -1,
	GUNZIP_OK = 0,
	GUNZIP_DECLINED = 1,
};

/* Inflates in[0..len), which must be exactly one gzip member, into out
 * (which must be empty): GUNZIP_OK with out holding the content (at most
 * max bytes), else GUNZIP_DECLINED or GUNZIP_NOMEM with out released. */
enum gunzip_result gunzip_member(const unsigned char *in, size_t len,
				 uint64_t max, struct strbuf *out);

#endif
