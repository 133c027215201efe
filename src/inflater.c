/* inflater.c - inflate a gzip file on a thread into a buffer that never moves */
#include "inflater.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "gunzip.h"

#define IN_CHUNK (256 * 1024)	/* compressed bytes per read(2) */
#define OUT_CHUNK (256 * 1024)	/* content per inflate() call, published */

/* The thread's view of the compressed input: read with pread(2), so
 * that the file offset stays where the caller left it. */
struct packed {
	int fd;
	off_t offset;		/* of the next byte to read */
	unsigned char *buf;
	z_stream *zs;
	bool eof;
};

/* Makes at least want compressed bytes available to zs unless the file
 * ends first: false on a read error. */
static bool fill(struct packed *in, size_t want)
{
	z_stream *zs = in->zs;

	while (zs->avail_in < want && !in->eof) {
		ssize_t n;

		if (zs->avail_in && zs->next_in != in->buf)
			memmove(in->buf, zs->next_in, zs->avail_in);
		zs->next_in = in->buf;
		n = pread(in->fd, in->buf + zs->avail_in,
			  IN_CHUNK - zs->avail_in, in->offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0)
			in->eof = true;
		zs->avail_in += (uInt)n;
		in->offset += n;
	}
	return true;
}

static void publish(struct inflater *z, size_t avail,
		    enum inflater_result result, bool *stop)
{
	pthread_mutex_lock(&z->lock);
	z->avail = avail;
	z->result = result;
	if (z->waiting)
		pthread_cond_broadcast(&z->cond);
	*stop = z->stop;
	pthread_mutex_unlock(&z->lock);
}

/* Inflates member after member, as gunzip and gzread do; INFLATER_OK only
 * when the last member ends exactly at the end of the file. */
static enum inflater_result inflate_all(struct inflater *z, struct packed *in)
{
	z_stream *zs = in->zs;
	size_t out = 0;
	bool stop = false;

	for (;;) {
		size_t room = z->reserved - out;
		int zr;

		if (!fill(in, 1))
			return INFLATER_DOUBT;	/* a read error */
		if (room > OUT_CHUNK)
			room = OUT_CHUNK;
		zs->next_out = z->buf + out;
		zs->avail_out = (uInt)room;
		/* called at the end of the file too: what zlib holds may
		 * still fill the output */
		zr = inflate(zs, Z_NO_FLUSH);
		out += room - zs->avail_out;
		publish(z, out, INFLATER_RUNNING, &stop);
		if (stop || out > z->max)
			return INFLATER_DOUBT;
		if (zr == Z_STREAM_END) {
			/* gzread takes 1f 8b as another member, ignores
			 * anything else: left to it */
			if (!fill(in, 2))
				return INFLATER_DOUBT;
			if (zs->avail_in == 0)
				return INFLATER_OK;
			if (zs->avail_in < 2 || zs->next_in[0] != 0x1f ||
			    zs->next_in[1] != 0x8b)
				return INFLATER_DOUBT;
			inflateReset(zs);
		} else if (zr == Z_BUF_ERROR) {
			/* no progress: output room there was, so input */
			if (in->eof)
				return INFLATER_DOUBT;	/* truncated */
		} else if (zr != Z_OK) {
			return INFLATER_DOUBT;
		}
	}
}

static bool publish_progress(void *ctx, size_t done)
{
	bool stop;

	publish(ctx, done, INFLATER_RUNNING, &stop);
	return !stop;
}

/* The stream inflated by gunzip_member_to (gunzip.h), which is faster
 * than zlib, the file mapped: true with *result set, or false when it
 * declined before publishing anything (then zlib inflates it, from the
 * start). Once something was published, a decline is INFLATER_DOUBT:
 * what the reader took might not be zlib's. */
static bool inflate_mapped(struct inflater *z, enum inflater_result *result)
{
	struct stat st;
	enum gunzip_result r;
	size_t len, content;
	void *m;

	if (fstat(z->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size <= z->offset || (uint64_t)st.st_size > SIZE_MAX)
		return false;
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		 z->fd, 0);
	if (m == MAP_FAILED)
		return false;
	len = (size_t)(st.st_size - z->offset);
	r = gunzip_member_to((const unsigned char *)m + z->offset, len, z->max,
			     z->buf, z->reserved, publish_progress, z, &content);
	munmap(m, (size_t)st.st_size);
	if (r == GUNZIP_OK) {
		z->avail = content;	/* only this thread writes avail */
		*result = INFLATER_OK;
		return true;
	}
	*result = INFLATER_DOUBT;
	return z->avail > 0;
}

static void *inflater_main(void *arg)
{
	struct inflater *z = arg;
	z_stream zs;
	struct packed in = { z->fd, z->offset, NULL, &zs, false };
	enum inflater_result result = INFLATER_DOUBT;
	bool stop;

	if (inflate_mapped(z, &result)) {
		publish(z, z->avail, result, &stop);
		return NULL;
	}
	in.buf = malloc(IN_CHUNK);
	memset(&zs, 0, sizeof(zs));
	if (in.buf && inflateInit2(&zs, 15 + 16) == Z_OK) {
		zs.next_in = in.buf;
		result = inflate_all(z, &in);
		inflateEnd(&zs);
	}
	free(in.buf);
	publish(z, z->avail, result, &stop);	/* only this thread writes avail */
	return NULL;
}

int inflater_start(struct inflater *z, int fd, off_t offset, uint64_t max)
{
	void *m;

	memset(z, 0, sizeof(*z));
	if (max >= SIZE_MAX / 2)
		return -1;
	z->reserved = (size_t)max + 1;
	/* Address space only: the kernel backs the pages written. */
	m = mmap(NULL, z->reserved, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	z->buf = m;
	z->max = max;
	z->fd = fd;
	z->offset = offset;
	z->result = INFLATER_RUNNING;
	pthread_mutex_init(&z->lock, NULL);
	pthread_cond_init(&z->cond, NULL);
	if (pthread_create(&z->thread, NULL, inflater_main, z) == 0)
		return 0;
	pthread_mutex_destroy(&z->lock);
	pthread_cond_destroy(&z->cond);
	munmap(m, z->reserved);
	z->buf = NULL;
	return -1;
}

size_t inflater_wait(struct inflater *z, size_t have,
		     enum inflater_result *result)
{
	size_t avail;

	pthread_mutex_lock(&z->lock);
	z->waiting = true;
	while (z->avail <= have && z->result == INFLATER_RUNNING)
		pthread_cond_wait(&z->cond, &z->lock);
	z->waiting = false;
	avail = z->avail;
	*result = z->result;
	pthread_mutex_unlock(&z->lock);
	return avail;
}

void inflater_release(struct inflater *z)
{
	if (!z->buf)
		return;
	pthread_mutex_lock(&z->lock);
	z->stop = true;
	pthread_mutex_unlock(&z->lock);
	pthread_join(z->thread, NULL);
	pthread_mutex_destroy(&z->lock);
	pthread_cond_destroy(&z->cond);
	munmap(z->buf, z->reserved);
	z->buf = NULL;
}
