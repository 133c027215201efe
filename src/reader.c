/* reader.c - load a profile from a file, whatever its encoding */
#include "reader.h"

#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "gunzip.h"
#include "inflater.h"
#include "input.h"
#include "legacy.h"
#include "proto_read.h"
#include "strbuf.h"
#include "workers.h"

/* Text has no control bytes other than white space; protobuf nearly
 * always has (a string table starts with an empty string: 32 00). */
static bool looks_binary(const unsigned char *d, size_t len)
{
	size_t i, n = len < 4096 ? len : 4096;

	for (i = 0; i < n; i++)
		if ((d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' &&
		     d[i] != '\r' && d[i] != '\f' && d[i] != '\v') ||
		    d[i] == 0x7f)
			return true;
	return false;
}

/* A goroutine dump (debug=2, a crash, runtime.Stack) starts, maybe after
 * a panic message, with "goroutine N [state...]:". */
static bool is_goroutine_dump(const unsigned char *d, size_t len)
{
	static const char head[] = "goroutine ";
	size_t i = 0, lines = 0;

	while (i < len && lines < 20) {
		size_t j = i;

		if (len - i > sizeof(head) &&
		    memcmp(d + i, head, sizeof(head) - 1) == 0) {
			j = i + sizeof(head) - 1;
			while (j < len && d[j] >= '0' && d[j] <= '9')
				j++;
			if (j > i + sizeof(head) - 1 && j + 1 < len &&
			    d[j] == ' ' && d[j + 1] == '[')
				return true;
		}
		while (i < len && d[i] != '\n')
			i++;
		i++;
		lines++;
	}
	return false;
}

/* The first line of text, shortened, for "not a profile" messages. */
static void first_line(const unsigned char *d, size_t len, char *out,
		       size_t size)
{
	size_t i = 0, n = 0;

	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' ||
			   d[i] == '\r'))
		i++;
	while (i < len && d[i] != '\n' && d[i] != '\r' && n + 4 < size) {
		out[n++] = (char)d[i++];
		if (n == 40 && i < len && d[i] != '\n') {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
	}
	out[n] = '\0';
}

/* How much content to look at before reading the rest. */
#define PREFIX_CHECK 65536

/* Whether the legacy binary CPU profile header (0, 3, 0, period, 0 in
 * 4- or 8-byte words of either order) may start d. */
static bool maybe_legacy_cpu(const unsigned char *d, size_t len)
{
	static const size_t words[] = { 4, 8 };
	size_t w, i;

	for (w = 0; w < 2; w++) {
		size_t n = words[w];
		bool zero = true, three_le = true, three_be = true;

		if (len < 2 * n)
			return true;	/* too short to tell */
		for (i = 0; i < n; i++)
			zero &= d[i] == 0;
		for (i = 0; i < n; i++) {
			three_le &= d[n + i] == (i == 0 ? 3 : 0);
			three_be &= d[n + i] == (i == n - 1 ? 3 : 0);
		}
		if (zero && (three_le || three_be))
			return true;
	}
	return false;
}

/* Fails when the first bytes of content already rule out every format,
 * so that a gzip bomb of zeros or a big binary file stops after a few
 * KiB instead of at --max-input-size. Text and anything that might still
 * be profile.proto or a legacy binary profile pass. The message is the
 * one the whole content would give. */
static int reject_prefix(const unsigned char *d, size_t len,
			 struct ls_error *err)
{
	struct proto_scan scan;

	/* binary from the first line on: no text header of a legacy format */
	if (len < PREFIX_CHECK || !looks_binary(d, 256) || maybe_legacy_cpu(d, len))
		return 0;
	proto_scan(d, len, &scan);
	if (scan.valid || !strncmp(scan.why, "truncated", 9) ||
	    !strcmp(scan.why, "length runs past the end of the data"))
		return 0;
	if (scan.plausible)
		return ls_error_set(err,
			"not a valid profile.proto: malformed protobuf at byte %zu: %s",
			scan.bad_offset, scan.why);
	return ls_error_set(err,
		"not a profile: binary data in no known profile format");
}

/* Recognises the inflated content and loads it into p; ahead (or NULL)
 * was fed the content as it arrived. labels: load_options.labels. */
static int load_content(struct profile *p, const unsigned char *d,
			size_t len, struct proto_ahead *ahead,
			profile_labels_fn *labels, struct ls_error *err)
{
	struct proto_scan scan;
	bool binary;
	int r;

	if (len == 0)
		return ls_error_set(err, "empty file");
	binary = looks_binary(d, len);
	/* pprof tries profile.proto first and the legacy parsers after;
	 * text never is a well-formed profile.proto with a string table,
	 * but protobuf-c would accept some text as one with unknown
	 * fields only, so text goes to the text parsers first. */
	if (!binary) {
		r = legacy_read(p, d, len, err);
		if (r != 0)
			return r < 0 ? -1 : 0;
	}
	r = proto_load_ahead(p, d, len, workers_count(), labels, ahead, &scan,
			     err);
	if (r <= 0)
		return r;
	if (binary) {
		r = legacy_read(p, d, len, err);
		if (r != 0)
			return r < 0 ? -1 : 0;
		if (!scan.valid && scan.plausible)
			return ls_error_set(err,
				"not a valid profile.proto: malformed protobuf at byte %zu: %s",
				scan.bad_offset, scan.why);
		if (!scan.valid)
			return ls_error_set(err,
				"not a profile: binary data in no known profile format");
		return ls_error_set(err,
			"not a profile: protobuf without a string table, and no legacy pprof format");
	} else {
		char line[64];

		first_line(d, len, line, sizeof(line));
		if (is_goroutine_dump(d, len))
			return ls_error_set(err,
				"not a profile: this is a goroutine dump (it starts \"%s\"); read it with leakscope goroutines",
				line);
		return ls_error_set(err,
			"not a profile: text in no known profile format (it starts \"%s\")",
			line);
	}
}

/* Inflates gzip data[0..len) into out, member after member, as gunzip
 * does; the messages match input.c's. */
static int inflate_buffer(const unsigned char *data, size_t len,
			  uint64_t max, struct strbuf *out,
			  struct ls_error *err)
{
	z_stream z;
	int zr = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return ls_error_set(err, "out of memory");
	z.next_in = (unsigned char *)data;
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	for (;;) {
		size_t room;

		if (strbuf_grow(out, 256 * 1024) < 0) {
			inflateEnd(&z);
			return ls_error_set(err, "out of memory");
		}
		room = out->alloc - out->len - 1;
		if (out->len < PREFIX_CHECK && room > PREFIX_CHECK - out->len)
			room = PREFIX_CHECK - out->len;
		if (max - out->len < room)	/* one byte past the limit tells */
			room = (size_t)(max - out->len) + 1;
		z.next_out = (unsigned char *)out->buf + out->len;
		z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
		zr = inflate(&z, Z_NO_FLUSH);
		out->len += room - z.avail_out;
		out->buf[out->len] = '\0';
		if (out->len == PREFIX_CHECK &&
		    reject_prefix((const unsigned char *)out->buf, out->len, err) < 0) {
			inflateEnd(&z);
			return -1;
		}
		if (out->len > max) {
			inflateEnd(&z);
			return input_error_too_large(err, max);
		}
		if (zr == Z_STREAM_END) {
			size_t used = (size_t)(z.next_in - data);

			/* Another member follows? */
			if (len - used >= 2 && data[used] == 0x1f &&
			    data[used + 1] == 0x8b) {
				inflateReset(&z);
				z.avail_in = (uInt)(len - used > UINT32_MAX ?
					UINT32_MAX : len - used);
				continue;
			}
			break;
		}
		if (zr == Z_BUF_ERROR && z.avail_in == 0 &&
		    (size_t)(z.next_in - data) >= len) {
			inflateEnd(&z);
			return ls_error_set(err,
				"gzip stream is truncated after %llu bytes of content",
				(unsigned long long)out->len);
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			const char *msg = z.msg ? z.msg : "error";

			inflateEnd(&z);
			return ls_error_set(err,
				"corrupt gzip stream after %llu bytes of content: %s",
				(unsigned long long)out->len, msg);
		}
		if (z.avail_in == 0) {
			size_t used = (size_t)(z.next_in - data);

			if (used < len)
				z.avail_in = (uInt)(len - used > UINT32_MAX ?
					UINT32_MAX : len - used);
		}
	}
	inflateEnd(&z);
	return 0;
}

static int finish(struct profile *p, const char *name, int ret)
{
	if (ret < 0) {
		profile_release(p);
		return -1;
	}
	p->source = profile_intern(p, name, strlen(name));
	if (!p->source) {
		profile_release(p);
		return -1;
	}
	return 0;
}

/* Whether in is a regular file whose content starts, at *start (its
 * offset now), with the gzip magic, and does not end in a gzip trailer
 * that says it is too large: the last member's length (mod 2^32) over
 * in->max means the content is, and then reading ahead is wasted (the
 * ordinary read tells which error comes first). */
static bool gzip_file(const struct input *in, off_t *start)
{
	struct stat st;
	unsigned char magic[2], isize[4];

	if (fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	*start = lseek(in->fd, 0, SEEK_CUR);
	if (*start < 0 || st.st_size - *start < 18 ||	/* the least gzip */
	    pread(in->fd, magic, 2, *start) != 2 ||
	    magic[0] != 0x1f || magic[1] != 0x8b ||
	    pread(in->fd, isize, 4, st.st_size - 4) != 4)
		return false;
	return ((uint64_t)isize[0] | (uint64_t)isize[1] << 8 |
		(uint64_t)isize[2] << 16 | (uint64_t)isize[3] << 24) <= in->max;
}

/* A big gzipped profile.proto costs as much to inflate as to decode, and
 * Go writes its samples first. So the inflater thread inflates a gzip
 * file while this one decodes the samples inflated so far (proto_ahead).
 * The content and its errors stay those of the serial read: unless the
 * inflater vouches for the whole stream and the first PREFIX_CHECK bytes
 * pass, 1 says to read in the ordinary way (the inflater left it as it
 * was), whose gzread calls decide which error comes after how many
 * bytes. Else 0 or -1 as load_content. Not for a pipe (what was read
 * from it cannot be read again) nor with the progress hook. */
static int load_inflating(struct profile *p, struct input *in,
			  profile_labels_fn *labels, struct ls_error *err)
{
	struct inflater z;
	struct proto_ahead *ahead = NULL;
	enum inflater_result res;
	struct ls_error prefix_err;
	size_t avail;
	off_t start;
	int ret = 1;

	if (input_progress || workers_count() < 2 || !gzip_file(in, &start) ||
	    inflater_start(&z, in->fd, start, in->max) < 0)
		return 1;
	avail = inflater_wait(&z, PREFIX_CHECK - 1, &res);
	ls_error_init(&prefix_err, NULL);
	if (res != INFLATER_DOUBT &&
	    reject_prefix(z.buf, avail < PREFIX_CHECK ? avail : PREFIX_CHECK,
			  &prefix_err) == 0) {
		if (looks_binary(z.buf, avail))
			ahead = proto_ahead_new();
		while (res == INFLATER_RUNNING) {
			if (ahead)
				proto_ahead_feed(ahead, z.buf, avail);
			avail = inflater_wait(&z, avail, &res);
		}
		if (res == INFLATER_OK)
			ret = load_content(p, z.buf, avail, ahead, labels, err);
	}
	proto_ahead_free(ahead);
	inflater_release(&z);
	return ret;
}

/* All of in's content into sb, its first PREFIX_CHECK bytes checked
 * before the rest is read: 0, or -1 with err set. A gzip file inflated
 * whole (input_gunzip_all) is checked after, with the same outcome: it
 * only ever inflates a stream zlib reads to its end. */
static int read_content(struct input *in, struct strbuf *sb,
			struct ls_error *err)
{
	int whole = input_gunzip_all(in, sb, err);

	if (whole < 0)
		return -1;
	if (whole == 0)
		return reject_prefix((const unsigned char *)sb->buf,
				     sb->len < PREFIX_CHECK ? sb->len : PREFIX_CHECK,
				     err);
	if (input_read_some(in, sb, PREFIX_CHECK, err) < 0 ||
	    reject_prefix((const unsigned char *)sb->buf, sb->len, err) < 0 ||
	    input_read_all(in, sb, err) < 0)
		return -1;
	return 0;
}

bool profile_labels_unread(const struct profile *p)
{
	(void)p;
	return false;
}

int profile_load_file(struct profile *p, const char *path,
		      const struct load_options *opts, struct ls_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	uint64_t max = opts ? opts->max_input : 0;
	profile_labels_fn *labels = opts ? opts->labels : NULL;
	int ret;

	struct input in;

	profile_release(p);
	ls_error_init(err, path);
	if (input_open(&in, path, max, err) < 0)
		return -1;
	ret = load_inflating(p, &in, labels, err);
	if (ret > 0) {
		ret = read_content(&in, &sb, err);
		input_close(&in);
		if (ret == 0)
			ret = load_content(p, (const unsigned char *)sb.buf,
					   sb.len, NULL, labels, err);
		strbuf_release(&sb);
	} else {
		input_close(&in);
	}
	if (finish(p, path, ret) < 0) {
		if (!ls_error_is_set(err))
			ls_error_set(err, "out of memory");
		return -1;
	}
	return 0;
}

int profile_load_buffer(struct profile *p, const char *name,
			const unsigned char *data, size_t len,
			const struct load_options *opts, struct ls_error *err)
{
	uint64_t max = opts && opts->max_input ? opts->max_input :
		INPUT_MAX_DEFAULT;
	profile_labels_fn *labels = opts ? opts->labels : NULL;
	int ret;

	profile_release(p);
	ls_error_init(err, name);
	if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		struct strbuf sb = STRBUF_INIT;
		enum gunzip_result gr = gunzip_member(data, len, max, &sb);

		if (gr == GUNZIP_OK)	/* as inflate_buffer checks it */
			ret = sb.len < PREFIX_CHECK ? 0 :
			      reject_prefix((const unsigned char *)sb.buf,
					    PREFIX_CHECK, err);
		else if (gr == GUNZIP_NOMEM)
			ret = ls_error_set(err, "out of memory");
		else	/* zlib says what is wrong, or reads several members */
			ret = inflate_buffer(data, len, max, &sb, err);
		if (ret == 0)
			ret = load_content(p, (const unsigned char *)sb.buf,
					   sb.len, NULL, labels, err);
		strbuf_release(&sb);
	} else if (len > max) {
		ret = input_error_too_large(err, max);
	} else {
		ret = load_content(p, data, len, NULL, labels, err);
	}
	if (finish(p, name, ret) < 0) {
		if (!ls_error_is_set(err))
			ls_error_set(err, "out of memory");
		return -1;
	}
	return 0;
}
