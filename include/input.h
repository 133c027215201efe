/* input.h - read a file or stdin, inflating gzip transparently
 *
 * Ownership: struct input owns its file handle and read buffer; input_close
 * releases both (and is a no-op on a closed or never-opened input). Content
 * is returned in caller-owned strbufs.
 *
 * The gzip test is on content (the 1f 8b magic), never the file name; input
 * that is not gzip is passed through unchanged. Several gzip members in a
 * row are read as one stream, as gunzip does.
 */
#ifndef LEAKSCOPE_INPUT_H
#define LEAKSCOPE_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "strbuf.h"

/* Default --max-input-size: 4 GiB of decompressed input. */
#define INPUT_MAX_DEFAULT ((uint64_t)4 << 30)

struct input {
	void *gz;		/* gzFile, opaque here to keep zlib.h out */
	const char *name;	/* as given; "-" is stdin */
	uint64_t max;		/* most bytes of content to accept */
	uint64_t consumed;	/* content bytes returned so far */
	long long lineno;	/* lines returned by input_getline */
	char *buf;
	size_t pos, end;
	bool eof;
	bool gzipped;
};

/* Opens path ("-" for stdin). max 0 means INPUT_MAX_DEFAULT. */
int input_open(struct input *in, const char *path, uint64_t max,
	       struct ls_error *err);

/* Appends all remaining content to sb. Fails on read errors, truncated
 * gzip streams and content larger than in->max. */
int input_read_all(struct input *in, struct strbuf *sb, struct ls_error *err);

/* Replaces sb with the next line, '\n' included when present. Returns 1
 * for a line, 0 at end of input, -1 on error. A line longer than in->max
 * is an error; memory follows the longest line. */
int input_getline(struct input *in, struct strbuf *sb, struct ls_error *err);

void input_close(struct input *in);

/* Convenience: open, read everything, close. */
int input_slurp(const char *path, uint64_t max, struct strbuf *sb,
		struct ls_error *err);

/* Parses a size such as "4GiB", "512MB", "100k" or "1048576" into bytes
 * (all multiples are powers of 1024). 0 on success, -1 if malformed. */
int parse_size(const char *s, uint64_t *out);

#endif
