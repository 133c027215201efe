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

/* Decodes data into p (initialised, empty); 0 or -1 with err set. The
 * messages are "not a valid profile.proto: ..." for the wire format and
 * a naming of the first bad cross-reference otherwise. */
int proto_read(struct profile *p, const unsigned char *data, size_t len,
	       struct ls_error *err);

/* proto_read for a caller that has already run proto_scan over the same
 * data (the walk is a tenth of the load: it is not done twice). */
int proto_read_scanned(struct profile *p, const unsigned char *data,
		       size_t len, const struct proto_scan *scan,
		       struct ls_error *err);

#endif
