/* goconv.h - Go's conversions where C's are undefined
 *
 * pprof computes in Go: where it turns a float64 into an int64 the
 * figure it prints follows Go's rule on amd64, and leakscope prints the
 * same figure. A C cast of an out-of-range double is undefined instead.
 */
#ifndef LEAKSCOPE_GOCONV_H
#define LEAKSCOPE_GOCONV_H

#include <stdint.h>

/* int64(f) as Go computes it on amd64: NaN and out of range give the
 * minimum. */
static inline int64_t go_f2i(double f)
{
	if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)f;
}

#endif
