/* xorshift.h - a fixed, portable sequence of pseudo-random numbers for
 * the tests: xorshift64. The same seed gives the same inputs on every
 * machine, so a failure can be replayed. */
#ifndef LEAKSCOPE_TESTS_XORSHIFT_H
#define LEAKSCOPE_TESTS_XORSHIFT_H

#include <stdint.h>

/* The next number of the sequence whose state is *x (never 0). */
static inline uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

#endif
