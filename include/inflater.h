/* inflater.h - inflate a gzip file on a thread into a buffer that never moves
 *
 * For reading ahead: while the thread inflates, the caller may read the
 * content inflated so far (inflater_wait says how much) and work on it.
 * The buffer is one reservation of address space (max + 1 bytes, only the
 * pages written cost memory), so what was published never moves.
 *
 * The inflater only vouches for a gzip stream that is wholly fine: members
 * that each end cleanly, nothing after the last, at most max bytes of
 * content. Anything else (a zlib error, a truncated stream, trailing bytes,
 * too much content, a read error) is INFLATER_DOUBT and no message: the
 * caller reads the input again the ordinary way (input.h), whose gzread
 * calls decide which error is reported after how many bytes.
 *
 * Ownership: struct inflater owns its thread and buffer; inflater_release
 * joins the one and unmaps the other. The file descriptor stays the
 * caller's, and so does its offset: the thread reads with pread(2).
 */
#ifndef LEAKSCOPE_INFLATER_H
#define LEAKSCOPE_INFLATER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum inflater_result {
	INFLATER_RUNNING,
	INFLATER_OK,		/* all content is in buf[0..avail) */
	INFLATER_DOUBT,		/* see above; stopped */
};

struct inflater {
	unsigned char *buf;	/* the content, published up to avail */
	size_t reserved;	/* max + 1 bytes: one past the limit tells */
	uint64_t max;
	int fd;
	off_t offset;		/* where the gzip stream starts in fd */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* avail or result changed */
	/* under lock */
	size_t avail;
	enum inflater_result result;
	bool stop;		/* the caller wants no more */
	bool waiting;		/* the caller waits on cond */
};

/* Starts inflating the gzip stream at offset in fd (a regular file) on a
 * thread of its own, at most max bytes of content. 0, or -1 when the
 * reservation or the thread cannot be had (then z holds nothing). */
int inflater_start(struct inflater *z, int fd, off_t offset, uint64_t max);

/* Waits until more than have bytes are inflated or the thread stopped;
 * returns how many are, and the result so far in *result (the content
 * is complete only with INFLATER_OK). */
size_t inflater_wait(struct inflater *z, size_t have,
		     enum inflater_result *result);

/* Stops the thread if it still runs (the result is then INFLATER_DOUBT),
 * joins it and unmaps the buffer. */
void inflater_release(struct inflater *z);

#endif
