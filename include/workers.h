/* workers.h - run one function on several threads at once
 *
 * The core uses threads only where a job splits into independent parts
 * whose results are joined in a fixed order, so the output never depends
 * on which thread finished first. workers_count() says how many to use.
 */
#ifndef LEAKSCOPE_WORKERS_H
#define LEAKSCOPE_WORKERS_H

/* How many threads a job may use: LEAKSCOPE_THREADS when it is set to a
 * number from 1 to WORKERS_MAX, else the number of online CPUs, at most
 * WORKERS_MAX. Always at least 1. Read once and remembered. */
#define WORKERS_MAX 16
unsigned workers_count(void);

/* Calls fn(arg, i) for i = 0 .. n-1, each on its own thread (i = 0 on
 * the calling thread), and returns when all have returned. When a thread
 * cannot be started, or n is above WORKERS_MAX, the parts left over run
 * on the calling thread: every part always runs exactly once. n of 0
 * does nothing.
 *
 * Called from a part while other parts run, it starts only as many
 * threads as workers_count() leaves beyond those: diff loads its two
 * files at once, and each load would have decoded its samples on a
 * thread more, four threads on two CPUs. */
void workers_run(unsigned n, void (*fn)(void *arg, unsigned i), void *arg);

/* Jobs 0 .. n-1 made on up to `threads` threads and handed on in order:
 * each thread takes the next job not taken, make(arg, job, thread)s
 * it, waits until every job before it was handed on, then
 * hand(arg, job, thread)s it, and takes the next. A thread therefore
 * holds one job at a time (what make() leaves for hand(), in a slot of
 * its own by thread number, is reused job after job), and jobs are
 * made on all threads while earlier ones are handed on. make() returns
 * 0, or nonzero to stop: that job and every later one is then not
 * handed on (the ones already made are dropped unseen). Returns the
 * first such nonzero value in job order, or 0. */
int workers_in_order(unsigned n, unsigned threads,
		     int (*make)(void *arg, unsigned job, unsigned thread),
		     void (*hand)(void *arg, unsigned job, unsigned thread),
		     void *arg);

#endif
