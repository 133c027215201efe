/* reader.h - load a profile from a file, whatever its encoding
 *
 * The format is sniffed from content, never from the file name: gzip is
 * inflated as a stream first (input.h; a gzipped regular file on a thread
 * of its own, inflater.h, while the samples inflated so far are decoded,
 * with the same result and messages), then the bytes are recognised as
 * profile.proto, the legacy text heap profile ("heap profile: ..."), the
 * other legacy pprof formats, or the goroutine debug=1 text.
 *
 * Ownership: the loaded profile owns all it references (profile.h). On
 * failure the profile is left released and err says what is wrong, naming
 * the first bad reference, e.g. "sample 12 refers to location 999, which is
 * not defined".
 */
#ifndef LEAKSCOPE_READER_H
#define LEAKSCOPE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "profile.h"

/* Asked once a profile's sample types are read (p->sample_types; nothing
 * else of p yet), before its samples: whether anything will read the
 * samples' labels. Only tag filters and the goroutine groups of a
 * goroutine profile do, and a heap profile's labels (a `bytes` label on
 * every sample) are a sixth of its model. When not, a reader checks them
 * as ever, with the same messages, and may leave them out of the model. */
typedef bool profile_labels_fn(const struct profile *p);

/* For a caller that reads no labels at all: false. */
profile_labels_fn profile_labels_unread;

struct load_options {
	uint64_t max_input;	/* most decompressed bytes; 0 = default */
	profile_labels_fn *labels;	/* NULL: the labels are read */
};

/* Loads path ("-" for stdin) into p, which must be initialised (and is
 * released first). 0 or -1. */
int profile_load_file(struct profile *p, const char *path,
		      const struct load_options *opts, struct ls_error *err);

/* Loads content already in memory (gzip or not); name is used for
 * p->source and messages. 0 or -1. */
int profile_load_buffer(struct profile *p, const char *name,
			const unsigned char *data, size_t len,
			const struct load_options *opts, struct ls_error *err);

#endif
