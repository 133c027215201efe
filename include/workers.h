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
 * does nothing. */
void workers_run(unsigned n, void (*fn)(void *arg, unsigned i), void *arg);

#endif
