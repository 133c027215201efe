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

#include <stdbool.h>
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

/* Bytes of out past the content that the word copies may write. */
#define GUNZIP_SLACK 8

/* After a block, when GUNZIP_PROGRESS_STEP more bytes are done: the first
 * done bytes of the content are final. false stops the inflating (the
 * result is then GUNZIP_DECLINED). Not called after the last block. */
typedef bool (*gunzip_progress_fn)(void *ctx, size_t done);
#define GUNZIP_PROGRESS_STEP ((size_t)256 * 1024)

/* gunzip_member into out[0..cap), which must hold the content and
 * GUNZIP_SLACK bytes more (else GUNZIP_DECLINED), telling progress (when
 * not NULL) how far it is: for a reader of what is done so far, which
 * must take it as the content only once GUNZIP_OK says so (the CRC is
 * checked last). *content: the content's length, with GUNZIP_OK. */
enum gunzip_result gunzip_member_to(const unsigned char *in, size_t len,
				    uint64_t max, unsigned char *out, size_t cap,
				    gunzip_progress_fn progress, void *ctx,
				    size_t *content);

#endif
