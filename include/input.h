/* input.h - read a file or stdin, inflating gzip transparently
 *
 * Ownership: struct input owns its file handle, read buffers, read-ahead
 * thread (input_read_ahead) and mapping (input_map); input_close releases
 * them all (and is a no-op on a closed or never-opened input). Content is
 * returned in caller-owned strbufs, or as lines that point into the read
 * buffer (input_getline_ref).
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

/* The longest line input_getline returns: 64 MiB, the most Go's
 * runtime/pprof writes for a whole goroutine dump, so no dump line is
 * longer. A longer line is an error naming its line number, so that a
 * binary file or a bomb without newlines never holds more than this. */
#define INPUT_LINE_MAX ((size_t)64 << 20)

struct input_reader;

struct input {
	void *gz;		/* gzFile, opaque here to keep zlib.h out */
	const char *name;	/* as given; "-" is stdin */
	uint64_t max;		/* most bytes of content to accept */
	size_t max_line;	/* longest line (INPUT_LINE_MAX) */
	uint64_t consumed;	/* content bytes returned so far */
	long long lineno;	/* lines returned by input_getline */
	char *buf;		/* the bytes at hand: own, or a reader block */
	size_t pos, end;
	bool eof;
	bool gzipped;
	uint64_t file_size;	/* regular file and input_progress set; else 0 */
	char *own;		/* buf when there is no reader thread */
	struct input_reader *reader;	/* input_read_ahead(); else NULL */
	int fd;			/* the descriptor zlib reads */
	void *map;		/* input_map(); else NULL */
	size_t map_len;
};

/* Progress hook, NULL unless the CLI sets it (cli_progress, when stderr
 * is a terminal): called after each read of a regular file with the bytes
 * of the file read so far (compressed bytes for gzip) and its size, and
 * once with end set when the input closes. */
typedef void (*input_progress_fn)(const char *name, uint64_t done,
				  uint64_t total, bool end);
extern input_progress_fn input_progress;

/* Opens path ("-" for stdin). max 0 means INPUT_MAX_DEFAULT. */
int input_open(struct input *in, const char *path, uint64_t max,
	       struct ls_error *err);

/* Appends all remaining content to sb. Fails on read errors, truncated
 * gzip streams and content larger than in->max. */
int input_read_all(struct input *in, struct strbuf *sb, struct ls_error *err);

/* In place of input_read_all for a gzipped file: the whole content, in
 * sb in place of what was read so far, inflated at once from the file
 * by gunzip_member (gunzip.h). 0, -1 when out of memory, or 1 when it
 * does not apply (stdin, not a regular file, a reader thread or the
 * progress hook) or declines (several members, an error, content over
 * in->max): then in and sb are as they were, for input_read_all. */
int input_gunzip_all(struct input *in, struct strbuf *sb, struct ls_error *err);

/* Appends up to want bytes of content to sb (fewer at the end of the
 * input). Returns how many were appended, 0 at the end, -1 on error. */
long input_read_some(struct input *in, struct strbuf *sb, size_t want,
		     struct ls_error *err);

/* Replaces sb with the next line, '\n' included when present. Returns 1
 * for a line, 0 at end of input, -1 on error. A line longer than
 * in->max_line is an error (err->line is its number); memory follows the
 * longest line. */
int input_getline(struct input *in, struct strbuf *sb, struct ls_error *err);

/* Like input_getline, without copying a line that is whole in the read
 * buffer: *line points into it (or into spill, which holds a line that
 * straddles two reads) and stays valid until the next call on in. *len
 * counts the '\n' when present. 1, 0 at end of input, -1 on error. */
int input_getline_ref(struct input *in, const char **line, size_t *len,
		      struct strbuf *spill, struct ls_error *err);

/* Like input_getline_ref, for several lines at once: *data[0..*len) is
 * every whole line at hand in the read buffer (each ends in '\n'), or
 * else the one line input_getline_ref would give. Leaves in->lineno to
 * the caller, who adds the lines it took before the next call (the
 * number an error about a long line names). 1, 0 at end of input, -1 on
 * error. */
int input_getlines_ref(struct input *in, const char **data, size_t *len,
		       struct strbuf *spill, struct ls_error *err);

/* From here on, reads ahead on a thread of its own while the caller
 * consumes (when workers_count() allows more than one thread and the
 * thread starts; else nothing changes). Content, errors and where they
 * surface are exactly those of reading without it; the progress hook is
 * still called on the caller's thread. */
void input_read_ahead(struct input *in);

/* The whole content mapped read-only, for a named regular file that is
 * not gzip (known once some content was read) and not larger than
 * in->max; NULL otherwise (and when mmap fails). Mapped from the file's
 * start, whatever was read already; valid until input_close(). Pages
 * that were touched count in the resident size until dropped
 * (madvise(MADV_DONTNEED) is fine: the mapping is private). */
const char *input_map(struct input *in, size_t *len);

/* input_map() before anything was read: for a named regular file of at
 * least min bytes (and not larger than in->max) whose first two bytes
 * are not gzip's magic; NULL otherwise. Nothing is read through in: it
 * still starts at the file's start. */
const char *input_map_unread(struct input *in, uint64_t min, size_t *len);

/* The name of the file input_map() has mapped, NULL while none is. When
 * another process truncates a mapped file, reading past its new end
 * raises SIGBUS; the CLI's handler (cli_catch_sigbus) names the file. */
extern const char *volatile input_mapped_name;

/* Closes the input; stops and joins a read-ahead thread first. */
void input_close(struct input *in);

/* Convenience: open, read everything, close. */
int input_slurp(const char *path, uint64_t max, struct strbuf *sb,
		struct ls_error *err);

/* Fills err with the message for content over the limit max (err->line
 * untouched): "input is larger than --max-input-size=4GiB once
 * decompressed ...". Returns -1. */
int input_error_too_large(struct ls_error *err, uint64_t max);

/* Writes max as the shortest exact size ("4GiB", "100k", "1234"). */
void input_format_size(char *buf, size_t size, uint64_t max);

/* Parses a size such as "4GiB", "512MB", "100k" or "1048576" into bytes
 * (all multiples are powers of 1024). 0 on success, -1 if malformed. */
int parse_size(const char *s, uint64_t *out);

#endif
