/* legacy.h - the legacy pprof formats into the model
 *
 * Internal to the readers (reader.c dispatches here). Ports the parsers of
 * pprof's legacy_profile.go and legacy_java_profile.go so that every value
 * is the one pprof computes, and tried in pprof's order: binary CPU, text
 * heap ("heap profile: ..."), goroutine/threadcreate counts, threads,
 * contention, Java. On top of pprof, the symbol lines of Go's debug=1 text
 * ("#\t0x... func+0x.. file:line") name the locations, and goroutine
 * "# labels:" lines become string labels.
 */
#ifndef LEAKSCOPE_LEGACY_H
#define LEAKSCOPE_LEGACY_H

#include <stddef.h>

#include "error.h"
#include "profile.h"

/* Tries every legacy parser on data[0..len) (inflated, NUL after the end
 * not required). Returns 1 when one recognised and loaded it into p
 * (initialised, empty), 0 when none recognised it (p untouched), -1 when
 * the format was recognised but the content is bad (err set; line numbers
 * for text). */
int legacy_read(struct profile *p, const unsigned char *data, size_t len,
		struct ls_error *err);

#endif
