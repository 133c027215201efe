/* input.c - read a file or stdin, inflating gzip transparently */
#include "input.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "gunzip.h"
#include "workers.h"

#define INPUT_BUF_SIZE (256 * 1024)
#define INPUT_PIPE_SIZE (1024 * 1024)

/* Read-ahead (input_read_ahead): a ring of blocks that a thread fills
 * while the caller parses the one it holds (read_step says how much of
 * a block it fills). */
#define READER_BLOCKS 4
#define READER_BLOCK (2 * INPUT_BUF_SIZE)

struct input_block {
	char *buf;
	long got;		/* bytes; 0 at the end; -1 error, in msg */
	uint64_t offset;	/* gzoffset() after the read, for progress */
	char msg[LS_ERROR_MSG_MAX];
};

struct input_reader {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* any change of ready, held, stop */
	struct input_block blocks[READER_BLOCKS];
	unsigned next_fill, next_take;
	unsigned ready;			/* filled, not yet taken */
	bool held;			/* the caller holds the last taken */
	bool stop;
	bool done;			/* the thread has left its loop */
	/* the thread's side of struct input */
	uint64_t consumed;
	bool eof, gzipped;
	/* the caller's: the last block taken ended the input */
	const struct input_block *last;
};

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
	in->fd = fd;
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
	in->buf = in->own = malloc(READER_BLOCK);
	if (!in->buf) {
		gzclose(gz);
		return ls_error_set(err, "out of memory");
	}
	in->gz = gz;
	return 0;
}

input_progress_fn input_progress;

/* The signal that stops the thread's read(2): caught, not restarted;
 * ignored by default, so a stray one sent to a process that never read
 * ahead does nothing. */
#define READER_WAKE_SIGNAL SIGURG

static void reader_wake(int sig)
{
	(void)sig;
}

static pthread_once_t reader_wake_once = PTHREAD_ONCE_INIT;

static void reader_wake_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = reader_wake;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: read(2) fails with EINTR */
	(void)sigaction(READER_WAKE_SIGNAL, &sa, NULL);
}

/* The thread may be blocked in read(2) on a pipe nobody writes to. A
 * signal makes that read fail with EINTR, which zlib does not retry, and
 * the thread then sees stop. The signal may come just before the read,
 * so it is sent again until the thread has said it is done. Not
 * pthread_cancel: the forced unwind leaves ASan's stack poisoning behind
 * and ASan aborts at the thread's exit. */
static void reader_stop(struct input_reader *r)
{
	unsigned i;

	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->cond);
	while (!r->done) {
		struct timespec until;

		pthread_kill(r->thread, READER_WAKE_SIGNAL);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 10 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&r->cond, &r->lock, &until);
	}
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	for (i = 0; i < READER_BLOCKS; i++)
		free(r->blocks[i].buf);
	free(r);
}

void input_close(struct input *in)
{
	if (in->reader)
		reader_stop(in->reader);
	in->reader = NULL;
	if (in->map) {
		input_mapped_name = NULL;
		munmap(in->map, in->map_len);
	}
	in->map = NULL;
	if (in->file_size && input_progress)
		input_progress(in->name, 0, 0, true);
	in->file_size = 0;
	if (in->gz)
		gzclose((gzFile)in->gz);
	free(in->own);
	in->gz = NULL;
	in->buf = in->own = NULL;
}

/* Reads up to n bytes into dst, counting them in *consumed: >0 bytes, 0
 * at end (*eof set), -1 on error. Touches no other field of in: the
 * read-ahead thread calls it with its own counters. */
static long read_chunk(struct input *in, uint64_t *consumed, bool *eof,
		       bool *gzipped, void *dst, size_t n, struct ls_error *err)
{
	gzFile gz = (gzFile)in->gz;
	int got, zerr;
	const char *msg;

	if (*eof)
		return 0;
	if (n > INT32_MAX)
		n = INT32_MAX;
	got = gzread(gz, dst, (unsigned)n);
	if (*consumed == 0 && got > 0)
		*gzipped = !gzdirect(gz);
	if (got > 0) {
		if ((uint64_t)got > in->max - *consumed)
			return input_error_too_large(err, in->max);
		*consumed += (uint64_t)got;
		return got;
	}
	msg = gzerror(gz, &zerr);
	if (got < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
		if (zerr == Z_ERRNO)
			return ls_error_set_errno(err, errno, "read error");
		if (zerr == Z_BUF_ERROR)
			return ls_error_set(err,
				"gzip stream is truncated after %llu bytes of content",
				(unsigned long long)*consumed);
		/* zlib prefixes its message with the "path", "<fd:N>" here. */
		if (msg && msg[0] == '<' && strstr(msg, ">: "))
			msg = strstr(msg, ">: ") + 3;
		return ls_error_set(err, "corrupt gzip stream after %llu bytes of content: %s",
				    (unsigned long long)*consumed, msg ? msg : "");
	}
	*eof = true;
	return 0;
}

/* read_chunk on the caller's thread, with the progress hook. */
static long read_some(struct input *in, void *dst, size_t n,
		      struct ls_error *err)
{
	long got = read_chunk(in, &in->consumed, &in->eof, &in->gzipped,
			      dst, n, err);

	if (got > 0 && in->file_size && input_progress)
		input_progress(in->name, (uint64_t)gzoffset((gzFile)in->gz),
			       in->file_size, false);
	return got;
}

/* How much to ask gzread for: a plain input in blocks of twice zlib's
 * buffer, which it reads straight into (below that it copies through a
 * buffer of its own); a gzip one, and a plain one near --max-input-size,
 * in steps of INPUT_BUF_SIZE, so that zlib sees the calls it always saw
 * and an error comes after the same bytes. */
static size_t read_step(const struct input *in, uint64_t consumed,
			bool gzipped)
{
	if (gzipped || !consumed || READER_BLOCK > in->max - consumed)
		return INPUT_BUF_SIZE;
	return READER_BLOCK;
}

static void *reader_main(void *arg)
{
	struct input *in = arg;
	struct input_reader *r = in->reader;

	for (;;) {
		struct input_block *b;
		struct ls_error e;
		size_t want = read_step(in, r->consumed, r->gzipped);

		pthread_mutex_lock(&r->lock);
		while (r->ready + r->held >= READER_BLOCKS && !r->stop)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->stop) {
			pthread_mutex_unlock(&r->lock);
			break;
		}
		b = &r->blocks[r->next_fill];
		pthread_mutex_unlock(&r->lock);

		ls_error_init(&e, NULL);
		b->got = read_chunk(in, &r->consumed, &r->eof, &r->gzipped,
				    b->buf, want, &e);
		if (b->got < 0)
			memcpy(b->msg, e.msg, sizeof(b->msg));
		else if (b->got > 0 && in->file_size)
			b->offset = (uint64_t)gzoffset((gzFile)in->gz);

		pthread_mutex_lock(&r->lock);
		r->next_fill = (r->next_fill + 1) % READER_BLOCKS;
		r->ready++;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
		if (b->got <= 0)
			break;
	}
	pthread_mutex_lock(&r->lock);
	r->done = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

void input_read_ahead(struct input *in)
{
	struct input_reader *r;
	unsigned i;

	if (in->reader || in->eof || !in->gz || workers_count() < 2)
		return;
	r = calloc(1, sizeof(*r));
	if (!r)
		return;
	for (i = 0; i < READER_BLOCKS; i++)
		if (!(r->blocks[i].buf = malloc(READER_BLOCK)))
			goto fail;
	r->consumed = in->consumed;
	r->gzipped = in->gzipped;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	in->reader = r;
	(void)pthread_once(&reader_wake_once, reader_wake_install);
	if (pthread_create(&r->thread, NULL, reader_main, in) == 0)
		return;
	in->reader = NULL;
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
fail:
	for (i = 0; i < READER_BLOCKS; i++)
		free(r->blocks[i].buf);
	free(r);
}

/* The next block from the read-ahead thread becomes in->buf: >0 bytes,
 * 0 at end, -1 on error, as read_some. */
static long take_block(struct input *in, struct ls_error *err)
{
	struct input_reader *r = in->reader;
	const struct input_block *b = r->last;

	if (!b) {
		pthread_mutex_lock(&r->lock);
		if (r->held) {
			r->held = false;
			pthread_cond_broadcast(&r->cond);
		}
		while (!r->ready)
			pthread_cond_wait(&r->cond, &r->lock);
		b = &r->blocks[r->next_take];
		r->next_take = (r->next_take + 1) % READER_BLOCKS;
		r->ready--;
		r->held = true;
		in->gzipped = r->gzipped;
		pthread_mutex_unlock(&r->lock);
	}
	if (b->got < 0) {
		r->last = b;
		return ls_error_set(err, "%s", b->msg);
	}
	if (b->got == 0) {
		r->last = b;
		in->eof = true;
		return 0;
	}
	in->buf = b->buf;
	in->pos = 0;
	in->end = (size_t)b->got;
	in->consumed += (uint64_t)b->got;
	if (in->file_size && input_progress)
		input_progress(in->name, b->offset, in->file_size, false);
	return b->got;
}

const char *volatile input_mapped_name;

/* Maps in's file, of st's size, whole: NULL when mmap fails. */
static const char *map_whole(struct input *in, const struct stat *st,
			     size_t *len)
{
	void *m = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_PRIVATE,
		       in->fd, 0);

	if (m == MAP_FAILED)
		return NULL;
	in->map = m;
	in->map_len = (size_t)st->st_size;
	input_mapped_name = in->name;
	*len = in->map_len;
	return m;
}

const char *input_map(struct input *in, size_t *len)
{
	struct stat st;

	if (in->map) {
		*len = in->map_len;
		return in->map;
	}
	/* "-" may be a file read from anywhere but its start */
	if (!in->gz || in->gzipped || !in->consumed || !strcmp(in->name, "-") ||
	    fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < in->consumed || (uint64_t)st.st_size > in->max ||
	    (uint64_t)st.st_size > SIZE_MAX)
		return NULL;
	return map_whole(in, &st, len);
}

const char *input_map_unread(struct input *in, uint64_t min, size_t *len)
{
	unsigned char magic[2];
	struct stat st;

	if (in->map || !in->gz || in->consumed || in->reader ||
	    !strcmp(in->name, "-") || fstat(in->fd, &st) != 0 ||
	    !S_ISREG(st.st_mode) || (uint64_t)st.st_size < min ||
	    (uint64_t)st.st_size < 2 || (uint64_t)st.st_size > in->max ||
	    (uint64_t)st.st_size > SIZE_MAX ||
	    pread(in->fd, magic, 2, 0) != 2 ||
	    (magic[0] == 0x1f && magic[1] == 0x8b))
		return NULL;
	return map_whole(in, &st, len);
}

/* Makes the next bytes in->buf[in->pos..in->end): >0, 0 at end, -1. */
static long refill(struct input *in, struct ls_error *err)
{
	long got;

	if (in->reader)
		return take_block(in, err);
	got = read_some(in, in->own, read_step(in, in->consumed, in->gzipped), err);
	if (got > 0) {
		in->buf = in->own;
		in->pos = 0;
		in->end = (size_t)got;
	}
	return got;
}

int input_gunzip_all(struct input *in, struct strbuf *sb, struct ls_error *err)
{
	struct strbuf all = STRBUF_INIT;
	unsigned char magic[2];
	enum gunzip_result r;
	struct stat st;
	void *m;

	/* a path opened by input_open: the gzip stream starts at 0; the
	 * magic first, not to map a big plain file for nothing */
	if (in->reader || input_progress || !strcmp(in->name, "-") ||
	    fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < 18 || (uint64_t)st.st_size > SIZE_MAX ||
	    pread(in->fd, magic, 2, 0) != 2 || magic[0] != 0x1f || magic[1] != 0x8b)
		return 1;
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		 in->fd, 0);
	if (m == MAP_FAILED)
		return 1;
	r = gunzip_member(m, (size_t)st.st_size, in->max, &all);
	munmap(m, (size_t)st.st_size);
	if (r == GUNZIP_NOMEM)
		return ls_error_set(err, "out of memory");
	/* what zlib gave so far starts it, CRC and all: checked anyway */
	if (r != GUNZIP_OK || all.len < sb->len ||
	    memcmp(all.buf, sb->buf, sb->len) != 0) {
		strbuf_release(&all);
		return 1;
	}
	strbuf_release(sb);
	*sb = all;
	in->consumed = all.len;
	in->pos = in->end;
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
	while (in->reader) {
		long got = take_block(in, err);

		if (got <= 0)
			return got < 0 ? -1 : 0;
		if (strbuf_add(sb, in->buf, in->end) < 0)
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
	while (in->reader && done < want) {
		long got = take_block(in, err);
		size_t n;

		if (got < 0)
			return -1;
		if (got == 0)
			return (long)done;
		n = in->end < want - done ? in->end : want - done;
		if (strbuf_add(sb, in->buf, n) < 0)
			return ls_error_set(err, "out of memory");
		in->pos = n;
		done += n;
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
		got = refill(in, err);
		if (got < 0)
			return -1;
		if (got == 0) {
			if (sb->len) {
				in->lineno++;
				return 1;
			}
			return 0;
		}
	}
}

int input_getline_ref(struct input *in, const char **line, size_t *len,
		      struct strbuf *spill, struct ls_error *err)
{
	int r;

	if (in->pos < in->end) {
		const char *start = in->buf + in->pos;
		const char *nl = memchr(start, '\n', in->end - in->pos);

		if (nl && (size_t)(nl - start) <= in->max_line) {
			*line = start;
			*len = (size_t)(nl - start) + 1;
			in->pos += *len;
			in->lineno++;
			return 1;
		}
	}
	r = input_getline(in, spill, err);
	if (r > 0) {
		*line = spill->buf;
		*len = spill->len;
	}
	return r;
}

int input_getlines_ref(struct input *in, const char **data, size_t *len,
		       struct strbuf *spill, struct ls_error *err)
{
	int r;

	if (in->pos < in->end) {
		const char *start = in->buf + in->pos;
		const char *nl = memrchr(start, '\n', in->end - in->pos);

		/* no line in the block is longer than the block */
		if (nl && (size_t)(nl - start) <= in->max_line) {
			*data = start;
			*len = (size_t)(nl - start) + 1;
			in->pos += *len;
			return 1;
		}
	}
	r = input_getline_ref(in, data, len, spill, err);
	if (r > 0)
		in->lineno--;
	return r;
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
