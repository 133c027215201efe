/* proto_read.h - profile.proto (uncompressed bytes) into the model
 *
 * Internal to the readers (reader.c dispatches here). The input is the
 * inflated content; the result lives in p's arena as profile.h describes.
 * Numbering in messages: samples by 0-based position in the file,
 * locations, functions and mappings by their id.
 */
#ifndef LEAKSCOPE_PROTO_READ_H
#define LEAKSCOPE_PROTO_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "profile.h"
#include "reader.h"

/* What a walk over the wire format found, without decoding anything. */
struct proto_scan {
	bool valid;		/* well-formed wire format, expected types */
	size_t bad_offset;	/* where it stopped being valid */
	const char *why;	/* what was wrong there */
	size_t nstrings;	/* string_table entries */
	size_t ntimes;		/* time_nanos fields (2+ = concatenated) */
	size_t nfields;		/* top-level fields */
	bool plausible;		/* the first field is a Profile field with
				 * its wire type: meant as profile.proto */
};

/* Walks data as a profile.proto message and its known sub-messages. */
void proto_scan(const unsigned char *data, size_t len, struct proto_scan *s);

/* Loads data into p (initialised, empty) when it is a well-formed
 * profile.proto with a string table: 0, or -1 with err set. The samples
 * keep their labels unless labels (NULL: keep them) says nothing reads
 * them (reader.h). The messages
 * are "not a valid profile.proto: ..." for the wire format and a naming
 * of the first bad cross-reference otherwise. 1 when data is not such a
 * profile: p is left empty and scan holds what proto_scan finds (the
 * caller tries the other formats). Samples are decoded on up to threads
 * threads (0 counts as 1); the result does not depend on how many. */
int proto_load(struct profile *p, const unsigned char *data, size_t len,
	       unsigned threads, profile_labels_fn *labels,
	       struct proto_scan *scan, struct ls_error *err);

/* Whether a sample of the common shape is decoded straight into the
 * model (true, the default) or through the general path, as one of
 * another shape is. The result is the same; tests set it false to hold
 * the one to the other. */
extern bool proto_direct_samples;

/* Whether a profile of at most PROFILE_NARROW_MAX locations keeps its
 * stacks in 16 bits an entry (true, the default) or 32. The result is
 * the same; tests set it false to hold the one to the other. */
extern bool proto_narrow_stacks;

/* Reading ahead: samples decoded while the rest of the input still
 * arrives (reader.c inflates on another thread meanwhile). The result is
 * proto_load's, whatever was fed. */
struct proto_ahead;

/* A new reader-ahead, or NULL when out of memory. */
struct proto_ahead *proto_ahead_new(void);

/* Takes in the whole top-level fields of data[0..avail) past those it
 * took before; data is the start of the input, growing from call to
 * call, the bytes given before unchanged. */
void proto_ahead_feed(struct proto_ahead *a, const unsigned char *data,
		      size_t avail);

/* proto_load on the whole input data[0..len) that was fed to ahead (NULL:
 * none), using what was decoded already. */
int proto_load_ahead(struct profile *p, const unsigned char *data,
		     size_t len, unsigned threads, profile_labels_fn *labels,
		     struct proto_ahead *ahead, struct proto_scan *scan,
		     struct ls_error *err);

/* Frees a and what it decoded (no-op on NULL). */
void proto_ahead_free(struct proto_ahead *a);

/* One Sample message d[0..len), decoded into a as protobuf-c's
 * perftools__profiles__sample__unpack does; exported for the tests that
 * hold the two ways to each other. proto_load takes a sample that
 * proto_sample_fast decodes, else what proto_sample_checked says. */
struct Perftools__Profiles__Sample;

/* The hand-written decoder: NULL when it declines, for a shape it leaves
 * to protobuf-c (an unknown field, another wire type, a key or length in
 * more bytes than needed...) or when out of memory. What it decodes,
 * protobuf-c and the walk take, with the same fields. */
struct Perftools__Profiles__Sample *proto_sample_fast(struct arena *a,
		const unsigned char *d, size_t len);

/* protobuf-c, then the walk of proto_scan as far as it must go: NULL when
 * either refuses the sample (or out of memory). */
struct Perftools__Profiles__Sample *proto_sample_checked(struct arena *a,
		const unsigned char *d, size_t len);

#endif
