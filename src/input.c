/* input.c - read a file or stdin, inflating gzip transparently */
#include "input.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define INPUT_BUF_SIZE (256 * 1024)
#define INPUT_PIPE_SIZE (1024 * 1024)

int input_open(struct input *in, const char *path, uint64_t max,
	       struct ls_error *err)
{
	int fd;
	gzFile gz;

	memset(in, 0, sizeof(*in));
	in->name = path;
	in->max = max ? max : INPUT_MAX_DEFAULT;
	in->max_line = INPUT_LINE_MAX;
	ls_error_init(err, path);

	if (strcmp(path, "-") == 0) {
		fd = dup(STDIN_FILENO);
		if (fd < 0)
			return ls_error_set_errno(err, errno, "cannot read");
	} else {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return ls_error_set_errno(err, errno, "cannot open");
	}
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return ls_error_set(err, "out of memory");
	}
	gzbuffer(gz, INPUT_BUF_SIZE);
	/* A pipe of 1 MiB instead of 64 KiB: `cat big | leakscope -`
	 * switches between the two processes 16 times less often. Best
	 * effort: the kernel may refuse (limit, not a pipe). */
	{
		struct stat st;

		if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
			(void)fcntl(fd, F_SETPIPE_SZ, INPUT_PIPE_SIZE);
		else if (input_progress && fstat(fd, &st) == 0 &&
			 S_ISREG(st.st_mode))	/* for the progress hook */
			in->file_size = (uint64_t)st.st_size;
	}
	in->buf = malloc(INPUT_BUF_SIZE);
	if (!in->buf) {
		gzclose(gz);
		return ls_error_set(err, "out of memory");
	}
	in->gz = gz;
	return 0;
}

input_progress_fn input_progress;

void input_close(struct input *in)
{
	if (in->file_size && input_progress)
		input_progress(in->name, 0, 0, true);
	in->file_size = 0;
	if (in->gz)
		gzclose((gzFile)in->gz);
	free(in->buf);
	in->gz = NULL;
	in->buf = NULL;
}

/* Reads up to n bytes into dst: >0 bytes, 0 at end, -1 on error. */
static long read_some(struct input *in, void *dst, size_t n,
		      struct ls_error *err)
{
	gzFile gz = (gzFile)in->gz;
	int got, zerr;
	const char *msg;

	if (in->eof)
		return 0;
	if (n > INT32_MAX)
		n = INT32_MAX;
	got = gzread(gz, dst, (unsigned)n);
	if (in->consumed == 0 && got > 0)
		in->gzipped = !gzdirect(gz);
	if (got > 0) {
		if ((uint64_t)got > in->max - in->consumed)
			return input_error_too_large(err, in->max);
		in->consumed += (uint64_t)got;
		if (in->file_size && input_progress)
			input_progress(in->name, (uint64_t)gzoffset(gz),
				       in->file_size, false);
		return got;
	}
	msg = gzerror(gz, &zerr);
	if (got < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
		if (zerr == Z_ERRNO)
			return ls_error_set_errno(err, errno, "read error");
		if (zerr == Z_BUF_ERROR)
			return ls_error_set(err,
				"gzip stream is truncated after %llu bytes of content",
				(unsigned long long)in->consumed);
		/* zlib prefixes its message with the "path", "<fd:N>" here. */
		if (msg && msg[0] == '<' && strstr(msg, ">: "))
			msg = strstr(msg, ">: ") + 3;
		return ls_error_set(err, "corrupt gzip stream after %llu bytes of content: %s",
				    (unsigned long long)in->consumed, msg ? msg : "");
	}
	in->eof = true;
	return 0;
}

int input_read_all(struct input *in, struct strbuf *sb, struct ls_error *err)
{
	/* Hand over what input_getline may have buffered. */
	if (in->pos < in->end) {
		if (strbuf_add(sb, in->buf + in->pos, in->end - in->pos) < 0)
			return ls_error_set(err, "out of memory");
		in->pos = in->end;
	}
	for (;;) {
		long got;

		if (strbuf_grow(sb, INPUT_BUF_SIZE) < 0)
			return ls_error_set(err, "out of memory");
		got = read_some(in, sb->buf + sb->len,
				sb->alloc - sb->len - 1, err);
		if (got < 0)
			return -1;
		if (got == 0)
			return 0;
		sb->len += (size_t)got;
		sb->buf[sb->len] = '\0';
	}
}

long input_read_some(struct input *in, struct strbuf *sb, size_t want,
		     struct ls_error *err)
{
	size_t done = 0;

	if (in->pos < in->end) {
		size_t n = in->end - in->pos < want ? in->end - in->pos : want;

		if (strbuf_add(sb, in->buf + in->pos, n) < 0)
			return ls_error_set(err, "out of memory");
		in->pos += n;
		done = n;
	}
	while (done < want) {
		long got;

		if (strbuf_grow(sb, want - done) < 0)
			return ls_error_set(err, "out of memory");
		got = read_some(in, sb->buf + sb->len, want - done, err);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		sb->len += (size_t)got;
		sb->buf[sb->len] = '\0';
		done += (size_t)got;
	}
	return (long)done;
}

int input_getline(struct input *in, struct strbuf *sb, struct ls_error *err)
{
	/* The common case first: the whole line is in the buffer and fits
	 * sb's allocation, one memchr and one memcpy (bench/README.md). */
	if (in->pos < in->end) {
		const char *start = in->buf + in->pos;
		const char *nl = memchr(start, '\n', in->end - in->pos);
		size_t n = nl ? (size_t)(nl - start) + 1 : 0;

		if (nl && n < sb->alloc && n - 1 <= in->max_line) {
			memcpy(sb->buf, start, n);
			sb->buf[n] = '\0';
			sb->len = n;
			in->pos += n;
			in->lineno++;
			return 1;
		}
	}
	strbuf_reset(sb);
	for (;;) {
		char *nl;
		long got;

		if (in->pos < in->end) {
			size_t avail = in->end - in->pos;

			nl = memchr(in->buf + in->pos, '\n', avail);
			if (nl)
				avail = (size_t)(nl - (in->buf + in->pos)) + 1;
			if (sb->len + avail - (nl ? 1 : 0) > in->max_line)
				return ls_error_set_line(err, in->lineno + 1,
					"line is longer than %zu MiB, the most a goroutine dump line can be: not a text dump",
					in->max_line >> 20);
			if (strbuf_add(sb, in->buf + in->pos, avail) < 0)
				return ls_error_set(err, "out of memory");
			in->pos += avail;
			if (nl) {
				in->lineno++;
				return 1;
			}
		}
		got = read_some(in, in->buf, INPUT_BUF_SIZE, err);
		if (got < 0)
			return -1;
		if (got == 0) {
			if (sb->len) {
				in->lineno++;
				return 1;
			}
			return 0;
		}
		in->pos = 0;
		in->end = (size_t)got;
	}
}

int input_slurp(const char *path, uint64_t max, struct strbuf *sb,
		struct ls_error *err)
{
	struct input in;
	int ret;

	if (input_open(&in, path, max, err) < 0)
		return -1;
	ret = input_read_all(&in, sb, err);
	input_close(&in);
	return ret;
}

void input_format_size(char *buf, size_t size, uint64_t n)
{
	static const char *const units[] = { "", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;

	while (u < 4 && n && n % 1024 == 0) {
		n /= 1024;
		u++;
	}
	snprintf(buf, size, "%llu%s", (unsigned long long)n, units[u]);
}

int input_error_too_large(struct ls_error *err, uint64_t max)
{
	char sz[32];

	input_format_size(sz, sizeof(sz), max);
	return ls_error_set(err,
		"input is larger than --max-input-size=%s once decompressed (stopped after %llu bytes); raise the limit if the file is genuine",
		sz, (unsigned long long)max);
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long n;
	uint64_t mult = 1;
	char unit;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -1;
	unit = (char)tolower((unsigned char)*end);
	switch (unit) {
	case '\0': break;
	case 'b': break;
	case 'k': mult = 1ULL << 10; break;
	case 'm': mult = 1ULL << 20; break;
	case 'g': mult = 1ULL << 30; break;
	case 't': mult = 1ULL << 40; break;
	default: return -1;
	}
	if (*end) {
		end++;
		if (unit != 'b') {
			if (tolower((unsigned char)*end) == 'i')
				end++;
			if (tolower((unsigned char)*end) == 'b')
				end++;
		}
		if (*end)
			return -1;
	}
	if (n > UINT64_MAX / mult)
		return -1;
	*out = n * mult;
	return 0;
}
