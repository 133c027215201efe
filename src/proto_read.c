/* proto_read.c - profile.proto (uncompressed bytes) into the model */
#include "proto_read.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <protobuf-c/protobuf-c.h>

#include "profile.pb-c.h"
#include "strbuf.h"
#include "u64map.h"
#include "workers.h"

typedef Perftools__Profiles__Profile PbProfile;
typedef Perftools__Profiles__ValueType PbValueType;
typedef Perftools__Profiles__Sample PbSample;
typedef Perftools__Profiles__Label PbLabel;
typedef Perftools__Profiles__Mapping PbMapping;
typedef Perftools__Profiles__Location PbLocation;
typedef Perftools__Profiles__Line PbLine;
typedef Perftools__Profiles__Function PbFunction;

/* ---- wire format walk ------------------------------------------------ */

enum msg_kind { M_PROFILE, M_VALUETYPE, M_SAMPLE, M_LABEL, M_MAPPING,
		M_LOCATION, M_LINE, M_FUNCTION, M_NONE };

/* How a known field must be encoded. */
enum field_kind {
	F_UNKNOWN = 0,	/* any wire type */
	F_VARINT,	/* singular scalar: wire type 0 */
	F_PACKED,	/* repeated scalar: 0, or 2 packed */
	F_BYTES,	/* string: wire type 2 */
	F_MSG,		/* sub-message: wire type 2, walked */
};

struct field_rule {
	unsigned char kind;
	unsigned char sub;	/* enum msg_kind for F_MSG */
};

#define MAX_FIELD 16
static const struct field_rule rules[M_NONE][MAX_FIELD] = {
	[M_PROFILE] = {
		[1] = { F_MSG, M_VALUETYPE }, [2] = { F_MSG, M_SAMPLE },
		[3] = { F_MSG, M_MAPPING }, [4] = { F_MSG, M_LOCATION },
		[5] = { F_MSG, M_FUNCTION }, [6] = { F_BYTES, 0 },
		[7] = { F_VARINT, 0 }, [8] = { F_VARINT, 0 },
		[9] = { F_VARINT, 0 }, [10] = { F_VARINT, 0 },
		[11] = { F_MSG, M_VALUETYPE }, [12] = { F_VARINT, 0 },
		[13] = { F_PACKED, 0 }, [14] = { F_VARINT, 0 },
		[15] = { F_VARINT, 0 },
	},
	[M_VALUETYPE] = { [1] = { F_VARINT, 0 }, [2] = { F_VARINT, 0 } },
	[M_SAMPLE] = {
		[1] = { F_PACKED, 0 }, [2] = { F_PACKED, 0 },
		[3] = { F_MSG, M_LABEL },
	},
	[M_LABEL] = {
		[1] = { F_VARINT, 0 }, [2] = { F_VARINT, 0 },
		[3] = { F_VARINT, 0 }, [4] = { F_VARINT, 0 },
	},
	[M_MAPPING] = {
		[1] = { F_VARINT, 0 }, [2] = { F_VARINT, 0 },
		[3] = { F_VARINT, 0 }, [4] = { F_VARINT, 0 },
		[5] = { F_VARINT, 0 }, [6] = { F_VARINT, 0 },
		[7] = { F_VARINT, 0 }, [8] = { F_VARINT, 0 },
		[9] = { F_VARINT, 0 }, [10] = { F_VARINT, 0 },
	},
	[M_LOCATION] = {
		[1] = { F_VARINT, 0 }, [2] = { F_VARINT, 0 },
		[3] = { F_VARINT, 0 }, [4] = { F_MSG, M_LINE },
		[5] = { F_VARINT, 0 },
	},
	[M_LINE] = {
		[1] = { F_VARINT, 0 }, [2] = { F_VARINT, 0 },
		[3] = { F_VARINT, 0 },
	},
	[M_FUNCTION] = {
		[1] = { F_VARINT, 0 }, [2] = { F_VARINT, 0 },
		[3] = { F_VARINT, 0 }, [4] = { F_VARINT, 0 },
		[5] = { F_VARINT, 0 },
	},
};

/* Reads the varint at *pos into *v, the low 64 bits as protobuf-c's
 * parse_uint64 has them, when it is of 1 to 10 bytes and ends before
 * end; *pos moves past it. With short cuts for one, two and three
 * bytes, the common sizes of location ids (three from 16384 on): this
 * runs for every one. */
static inline bool varint_get(const unsigned char *d, size_t end,
			      size_t *pos, uint64_t *v)
{
	size_t p = *pos, i;
	uint64_t x = 0;

	if (p >= end)
		return false;
	if (d[p] < 0x80) {
		*v = d[p];
		*pos = p + 1;
		return true;
	}
	if (end - p >= 2 && d[p + 1] < 0x80) {
		*v = (d[p] & 0x7f) | (uint64_t)d[p + 1] << 7;
		*pos = p + 2;
		return true;
	}
	if (end - p >= 3 && d[p + 2] < 0x80) {
		*v = (d[p] & 0x7f) | (uint64_t)(d[p + 1] & 0x7f) << 7 |
		     (uint64_t)d[p + 2] << 14;
		*pos = p + 3;
		return true;
	}
	for (i = 0; i < 10 && p + i < end; i++) {
		x |= (uint64_t)(d[p + i] & 0x7f) << (7 * i);
		if (d[p + i] < 0x80) {
			*v = x;
			*pos = p + i + 1;
			return true;
		}
	}
	return false;
}

/* varint_get for the walk: false when the varint runs off the end or is
 * longer than ten bytes, *why saying which. */
static bool get_varint(const unsigned char *d, size_t len, size_t *pos,
		       uint64_t *out, const char **why)
{
	size_t at = *pos;

	if (varint_get(d, len, pos, out))
		return true;
	*why = len - at > 10 ? "varint longer than ten bytes" : "truncated varint";
	return false;
}

static bool wire_fits(int kind, unsigned wire)
{
	switch (kind) {
	case F_VARINT: return wire == 0;
	case F_PACKED: return wire == 0 || wire == 2;
	case F_BYTES:
	case F_MSG: return wire == 2;
	default: return false;
	}
}

/* Walks d[0..len) as a message of the given kind. With deep false only
 * its own keys and lengths are read, not the varints inside packed
 * fields nor the sub-messages: for a sample protobuf-c took, see
 * sample_wire_ok. */
static bool walk_fields(const unsigned char *d, size_t len, size_t base,
			enum msg_kind kind, bool deep, struct proto_scan *s)
{
	size_t pos = 0;

	while (pos < len) {
		size_t at = pos;
		uint64_t key, v;
		unsigned wire;
		uint64_t field;
		struct field_rule r = { F_UNKNOWN, 0 };

		if (!get_varint(d, len, &pos, &key, &s->why)) {
			s->bad_offset = base + at;
			return false;
		}
		wire = (unsigned)(key & 7);
		field = key >> 3;
		if (field == 0 || field > 0x1fffffff) {
			s->why = "bad field number";
			s->bad_offset = base + at;
			return false;
		}
		if (field < MAX_FIELD)
			r = rules[kind][field];
		if (kind == M_PROFILE && s->nfields++ == 0)
			s->plausible = wire_fits(r.kind, wire);
		switch (wire) {
		case 0:
			if (r.kind == F_BYTES || r.kind == F_MSG)
				goto bad_type;
			if (!get_varint(d, len, &pos, &v, &s->why)) {
				s->bad_offset = base + at;
				return false;
			}
			if (kind == M_PROFILE && field == 9)
				s->ntimes++;
			break;
		case 1:
		case 5:
			if (r.kind != F_UNKNOWN)
				goto bad_type;
			if (len - pos < (wire == 1 ? 8u : 4u)) {
				s->why = "truncated fixed-size field";
				s->bad_offset = base + at;
				return false;
			}
			pos += wire == 1 ? 8 : 4;
			break;
		case 2:
			if (r.kind == F_VARINT)
				goto bad_type;
			if (!get_varint(d, len, &pos, &v, &s->why)) {
				s->bad_offset = base + at;
				return false;
			}
			if (v > len - pos) {
				s->why = "length runs past the end of the data";
				s->bad_offset = base + at;
				return false;
			}
			if (r.kind == F_MSG && deep &&
			    !walk_fields(d + pos, (size_t)v, base + pos, r.sub,
					 deep, s))
				return false;
			if (r.kind == F_PACKED && deep) {
				size_t q = pos, end = pos + (size_t)v;

				while (q < end)
					if (!get_varint(d, end, &q, &key, &s->why)) {
						s->bad_offset = base + q;
						return false;
					}
			}
			if (kind == M_PROFILE && field == 6)
				s->nstrings++;
			pos += (size_t)v;
			break;
		default:
			s->why = "unsupported wire type";
			s->bad_offset = base + at;
			return false;
		}
		continue;
bad_type:
		s->why = "field has the wrong wire type";
		s->bad_offset = base + at;
		return false;
	}
	return true;
}

static bool walk(const unsigned char *d, size_t len, size_t base,
		 enum msg_kind kind, struct proto_scan *s)
{
	return walk_fields(d, len, base, kind, true, s);
}

void proto_scan(const unsigned char *data, size_t len, struct proto_scan *s)
{
	memset(s, 0, sizeof(*s));
	s->why = "";
	s->valid = walk(data, len, 0, M_PROFILE, s);
}

/* ---- arena-backed protobuf-c allocator ------------------------------- */

static void *pb_alloc(void *data, size_t size)
{
	return arena_alloc(data, size);
}

static void pb_free(void *data, void *ptr)
{
	(void)data;
	(void)ptr;	/* the arena frees everything at once */
}

/* ---- model building --------------------------------------------------- */

struct build {
	struct profile *p;
	const PbProfile *pb;
	const char **strs;	/* interned string table */
	size_t nstrs;
	struct ls_error *err;
	profile_labels_fn *want_labels;	/* NULL: labels are read */
	bool labels;		/* the samples keep their labels */
};

/* Looks up string index idx, for the field of the object kind id
 * (kind NULL for the profile's own fields), e.g. "function 7 name". */
static int str_at(struct build *b, int64_t idx, const char *kind,
		  uint64_t id, const char *field, const char **out)
{
	if (idx < 0 || (uint64_t)idx >= b->nstrs) {
		char where[128] = "";

		if (kind)
			snprintf(where, sizeof(where), "%s %" PRIu64 " ", kind, id);
		return ls_error_set(b->err,
			"%s%s: string index %" PRId64 " is out of range (the string table has %zu entries)",
			where, field, idx, b->nstrs);
	}
	*out = b->strs[idx];
	return 0;
}

static int oom(struct build *b)
{
	return ls_error_set(b->err, "out of memory");
}

static int build_strings(struct build *b)
{
	const PbProfile *pb = b->pb;
	size_t i;

	b->nstrs = pb->n_string_table;
	if (b->nstrs == 0)
		return ls_error_set(b->err,
			"not a valid profile.proto: the string table is missing");
	if (pb->string_table[0][0] != '\0')
		return ls_error_set(b->err, "string_table[0] is not empty");
	b->strs = arena_alloc(&b->p->arena, b->nstrs * sizeof(*b->strs));
	if (!b->strs)
		return oom(b);
	for (i = 0; i < b->nstrs; i++) {
		const char *s = pb->string_table[i];

		b->strs[i] = profile_intern(b->p, s, strlen(s));
		if (!b->strs[i])
			return oom(b);
	}
	return 0;
}

static int value_type(struct build *b, const PbValueType *vt,
		      const char *kind, uint64_t n, struct value_type *out)
{
	out->type = out->unit = "";
	if (!vt)
		return 0;
	if (str_at(b, vt->type, kind, n, kind ? "type" : "period type",
		   &out->type) < 0)
		return -1;
	return str_at(b, vt->unit, kind, n, kind ? "unit" : "period unit",
		      &out->unit);
}

static int build_functions(struct build *b, struct u64map *ids)
{
	const PbProfile *pb = b->pb;
	struct profile *p = b->p;
	uint64_t max = 0;
	size_t i;

	for (i = 0; i < pb->n_function; i++)
		if (pb->function[i]->id > max)
			max = pb->function[i]->id;
	if (u64map_reserve(ids, pb->n_function, max) < 0)
		return oom(b);
	p->functions = arena_calloc(&p->arena, pb->n_function + 1,
				    sizeof(*p->functions));
	if (!p->functions)
		return oom(b);
	for (i = 0; i < pb->n_function; i++) {
		const PbFunction *f = pb->function[i];
		struct function *out = &p->functions[i];

		if (f->id == 0)
			return ls_error_set(b->err,
				"function %zu (in file order) has the reserved id 0", i + 1);
		switch (u64map_add(ids, f->id, i)) {
		case -1:
			return oom(b);
		case 0:
			return ls_error_set(b->err,
				"function %" PRIu64 " is defined twice", f->id);
		}
		out->id = f->id;
		out->start_line = f->start_line;
		if (str_at(b, f->name, "function", f->id, "name", &out->name) < 0 ||
		    str_at(b, f->system_name, "function", f->id, "system name", &out->system_name) < 0 ||
		    str_at(b, f->filename, "function", f->id, "file name", &out->filename) < 0)
			return -1;
	}
	p->nfunctions = pb->n_function;
	return 0;
}

static int build_mappings(struct build *b, struct u64map *ids)
{
	const PbProfile *pb = b->pb;
	struct profile *p = b->p;
	uint64_t max = 0;
	size_t i;

	for (i = 0; i < pb->n_mapping; i++)
		if (pb->mapping[i]->id > max)
			max = pb->mapping[i]->id;
	if (u64map_reserve(ids, pb->n_mapping, max) < 0)
		return oom(b);
	p->mappings = arena_calloc(&p->arena, pb->n_mapping + 1,
				   sizeof(*p->mappings));
	if (!p->mappings)
		return oom(b);
	for (i = 0; i < pb->n_mapping; i++) {
		const PbMapping *m = pb->mapping[i];
		struct mapping *out = &p->mappings[i];

		if (m->id == 0)
			return ls_error_set(b->err,
				"mapping %zu (in file order) has the reserved id 0", i + 1);
		switch (u64map_add(ids, m->id, i)) {
		case -1:
			return oom(b);
		case 0:
			return ls_error_set(b->err,
				"mapping %" PRIu64 " is defined twice", m->id);
		}
		out->id = m->id;
		out->memory_start = m->memory_start;
		out->memory_limit = m->memory_limit;
		out->file_offset = m->file_offset;
		out->has_functions = m->has_functions;
		out->has_filenames = m->has_filenames;
		out->has_line_numbers = m->has_line_numbers;
		out->has_inline_frames = m->has_inline_frames;
		if (str_at(b, m->filename, "mapping", m->id, "file name", &out->filename) < 0 ||
		    str_at(b, m->build_id, "mapping", m->id, "build id", &out->build_id) < 0)
			return -1;
	}
	p->nmappings = pb->n_mapping;
	return 0;
}

static int build_locations(struct build *b, struct u64map *ids,
			   const struct u64map *fids, const struct u64map *mids)
{
	const PbProfile *pb = b->pb;
	struct profile *p = b->p;
	uint64_t max = 0;
	size_t i, nlines = 0;
	struct line *lines;

	for (i = 0; i < pb->n_location; i++) {
		if (pb->location[i]->id > max)
			max = pb->location[i]->id;
		nlines += pb->location[i]->n_line;
	}
	if (pb->n_location > PROFILE_LOCATIONS_MAX)
		return ls_error_set(b->err, "more than %lu locations",
				    (unsigned long)PROFILE_LOCATIONS_MAX);
	if (u64map_reserve(ids, pb->n_location, max) < 0)
		return oom(b);
	p->locations = arena_calloc(&p->arena, pb->n_location + 1,
				    sizeof(*p->locations));
	lines = arena_calloc(&p->arena, nlines + 1, sizeof(*lines));
	if (!p->locations || !lines)
		return oom(b);
	for (i = 0; i < pb->n_location; i++) {
		const PbLocation *l = pb->location[i];
		struct location *out = &p->locations[i];
		size_t j;

		if (l->id == 0)
			return ls_error_set(b->err,
				"location %zu (in file order) has the reserved id 0", i + 1);
		switch (u64map_add(ids, l->id, i)) {
		case -1:
			return oom(b);
		case 0:
			return ls_error_set(b->err,
				"location %" PRIu64 " is defined twice", l->id);
		}
		out->id = l->id;
		out->address = l->address;
		out->is_folded = l->is_folded;
		if (l->mapping_id) {
			long m = u64map_get(mids, l->mapping_id);

			if (m < 0)
				return ls_error_set(b->err,
					"location %" PRIu64 " refers to mapping %" PRIu64 ", which is not defined",
					l->id, l->mapping_id);
			out->mapping = &p->mappings[m];
		}
		/* profile.proto stores the innermost inlined function
		 * first, the order the model wants. */
		out->lines = lines;
		out->nlines = l->n_line;
		for (j = 0; j < l->n_line; j++) {
			const PbLine *ln = l->line[j];
			long f;

			if (ln->function_id == 0)
				return ls_error_set(b->err,
					"location %" PRIu64 " has a line without a function", l->id);
			f = u64map_get(fids, ln->function_id);
			if (f < 0)
				return ls_error_set(b->err,
					"location %" PRIu64 " refers to function %" PRIu64 ", which is not defined",
					l->id, ln->function_id);
			lines[j].function = &p->functions[f];
			lines[j].line = ln->line;
			lines[j].column = ln->column;
		}
		lines += l->n_line;
	}
	p->nlocations = pb->n_location;
	p->narrow = proto_narrow_stacks && p->nlocations <= PROFILE_NARROW_MAX;
	return 0;
}

/* ---- samples, on several threads ------------------------------------- */

/* The Profile's top-level fields are walked and split up front; the
 * samples, nine tenths of a heap profile's bytes, are then unpacked one
 * Sample message at a time (sample_unpack: by hand or by protobuf-c, on
 * a scratch arena reset for each) and converted straight into the
 * model: no protobuf-c tree of the whole profile. Runs of contiguous
 * sample fields go to worker threads, each building its samples' arrays
 * in an arena of its own; the first error in file order wins. */

#define FIELD_SAMPLE 2
#define RUN_MIN_SAMPLES 1024	/* fewer per run: not worth a thread */

/* The top-level field at *pos: its number and wire type, where its value
 * starts; *pos moves past it. false when it is not well formed (the full
 * walk then says why). */
static bool next_field(const unsigned char *d, size_t len, size_t *pos,
		       uint64_t *field, unsigned *wire, size_t *value)
{
	const char *why;
	uint64_t key, v;

	if (!get_varint(d, len, pos, &key, &why))
		return false;
	*field = key >> 3;
	*wire = (unsigned)(key & 7);
	*value = *pos;
	switch (*wire) {
	case 0:
		return get_varint(d, len, pos, &v, &why);
	case 1:
	case 5:
		if (len - *pos < (*wire == 1 ? 8u : 4u))
			return false;
		*pos += *wire == 1 ? 8 : 4;
		return true;
	case 2:
		if (!get_varint(d, len, pos, &v, &why) || v > len - *pos)
			return false;
		*value = *pos;
		*pos += (size_t)v;
		return true;
	default:
		return false;
	}
}

/* A sample read ahead: keep_sample's arrays at mem, its value count the
 * proto_ahead's. Not a struct sample: 16 bytes, not 32, of memory the
 * kernel must clear first (a heap profile has some 10^5 samples). */
struct ahead_sample {
	unsigned char *mem;
	uint32_t nlocations, nlabels;
};

/* Samples read ahead (proto_ahead_feed), their references unresolved. */
struct proto_ahead {
	size_t pos;		/* the next top-level field */
	bool stopped;		/* something was doubtful: proto_load starts over */
	struct proto_scan top;	/* proto_load's walk of the other fields */
	struct strbuf rest;	/* those fields, in file order */
	struct ahead_sample *samples;
	size_t nsamples, alloc;
	size_t nvalues;		/* the value count of every one of them */
	struct arena arena;	/* their arrays */
	struct arena scratch;	/* sample_unpack's, reset for each sample */
};

/* One run of sample fields: data[start..end) holds them (and maybe other
 * fields, skipped), the first being sample number first. It also resolves
 * samples [resolve_from, resolve_to) read ahead. */
struct sample_run {
	const struct build *b;
	const unsigned char *data;
	size_t start, end;
	size_t first;
	const struct proto_ahead *ahead;
	size_t resolve_from, resolve_to;
	const struct u64map *lids;
	struct arena arena;	/* its samples' locations, values, labels */
	bool bad_wire;		/* the walk or protobuf-c refused a sample */
	bool bad_count;		/* count_err names a sample with too few or
				 * too many values: the first of the run */
	bool bad_ref;		/* ref_err names the run's first other error */
	struct ls_error count_err, ref_err;
};

/* A label as profile.proto has it, kept in the place of a struct label
 * until the string table is known (samples come before it in a file Go
 * writes), as a location id is kept in the place of its pointer. */
struct raw_label {
	int64_t key, str, num, num_unit;
};
_Static_assert(sizeof(struct raw_label) == sizeof(struct label),
	       "a raw label takes the place of a label");

/* Allocates out's arrays for s from a, in one piece: values, room for
 * nlabels labels, then the stack, narrow or not. -1 when out of memory. */
static int sample_alloc(struct arena *a, const PbSample *s, size_t nlabels,
			bool narrow, struct sample *out)
{
	unsigned char *mem;

	mem = arena_alloc(a, s->n_value * sizeof(*out->values) +
			     nlabels * sizeof(*out->labels) +
			     s->n_location_id * stack_width(narrow));
	if (!mem)
		return -1;
	out->values = (int64_t *)(void *)mem;
	out->labels = (struct label *)(out->values + s->n_value);
	out->stack = out->labels + nlabels;
	out->nlocations = s->n_location_id;
	out->nlabels = nlabels;
	return 0;
}

/* Sets *index to the index of the location that sample i names by id;
 * -1 with b->err set when it is not defined. */
static int location_index(struct build *b, const struct u64map *lids,
			  uint64_t id, size_t i, uint32_t *index)
{
	long l = u64map_get(lids, id);

	if (l < 0)
		return ls_error_set(b->err,
			"sample %zu refers to location %" PRIu64 ", which is not defined",
			i, id);
	*index = (uint32_t)l;
	return 0;
}

/* Makes *lab of label l of sample i (lab may be where l was): 1, 0 when
 * it carries nothing, -1 with b->err set for a bad string index. As
 * pprof decodes: a label with a string is a string label, else one with
 * a number or unit is numeric, else it is dropped. */
static int resolve_label(struct build *b, struct raw_label l, size_t i,
			 struct label *lab)
{
	if (str_at(b, l.key, "sample", i, "label key", &lab->key) < 0)
		return -1;
	lab->unit = "";
	if (l.str != 0) {
		if (str_at(b, l.str, "sample", i, "label value", &lab->str) < 0)
			return -1;
		lab->num = 0;
	} else if (l.num != 0 || l.num_unit != 0) {
		lab->str = NULL;
		lab->num = l.num;
		if (str_at(b, l.num_unit, "sample", i, "label unit", &lab->unit) < 0)
			return -1;
	} else {
		return 0;
	}
	return 1;
}

static struct raw_label raw_label(const PbLabel *l)
{
	struct raw_label raw = { l->key, l->str, l->num, l->num_unit };

	return raw;
}

/* Converts sample i into out, its arrays from r's arena; -1 with err set
 * (out of memory or a bad reference). */
static int convert_sample(struct sample_run *r, struct build *b,
			  const PbSample *s, size_t i, struct sample *out)
{
	size_t j;

	if (s->n_location_id > PROFILE_STACK_MAX || s->n_label > PROFILE_STACK_MAX)
		return ls_error_set(b->err,
			"sample %zu has more than %lu locations or labels", i,
			(unsigned long)PROFILE_STACK_MAX);
	if (sample_alloc(&r->arena, s, b->labels ? s->n_label : 0,
			 b->p->narrow, out) < 0)
		return oom(b);
	for (j = 0; j < s->n_location_id; j++) {
		uint32_t li = 0;

		if (location_index(b, r->lids, s->location_id[j], i, &li) < 0)
			return -1;
		stack_set(out->stack, b->p->narrow, j, li);
	}
	if (s->n_value)
		memcpy(out->values, s->value, s->n_value * sizeof(*out->values));
	out->nlabels = 0;
	for (j = 0; j < s->n_label; j++) {
		struct label unread;
		int kept = resolve_label(b, raw_label(s->label[j]), i,
					 b->labels ? &out->labels[out->nlabels] :
					 &unread);

		if (kept < 0)
			return -1;
		if (b->labels)
			out->nlabels += (size_t)kept;
	}
	return 0;
}

/* Copies s into out, its arrays from a, for resolve_kept: the values as
 * they are, the location ids and labels raw in their places. The ids
 * take the 32 bits of the indexes that replace them: -1 when one is
 * wider (Go numbers locations from 1; such a profile is read the
 * ordinary way), or when out of memory. */
static int keep_sample(struct arena *a, const PbSample *s, struct sample *out)
{
	size_t j;

	if (s->n_location_id > PROFILE_STACK_MAX || s->n_label > PROFILE_STACK_MAX)
		return -1;
	for (j = 0; j < s->n_location_id; j++)
		if (s->location_id[j] > UINT32_MAX)
			return -1;
	if (sample_alloc(a, s, s->n_label, false, out) < 0)
		return -1;
	for (j = 0; j < s->n_location_id; j++)
		((uint32_t *)out->stack)[j] = (uint32_t)s->location_id[j];
	if (s->n_value)
		memcpy(out->values, s->value, s->n_value * sizeof(*out->values));
	for (j = 0; j < s->n_label; j++) {
		struct raw_label raw = raw_label(s->label[j]);

		memcpy(&out->labels[j], &raw, sizeof(raw));
	}
	return 0;
}

/* Turns the raw ids and labels keep_sample left in sample i, which out
 * points at, into indexes and pointers (the labels only checked when
 * b->labels is false); -1 with b->err set for a bad reference. A narrow
 * stack takes the first half of the ids' room: entry j is written after
 * id j was read, and before it only. */
static int resolve_kept(struct build *b, const struct u64map *lids,
			struct sample *out, size_t i)
{
	size_t j, n = out->nlabels;

	for (j = 0; j < out->nlocations; j++) {
		uint32_t li = 0;

		if (location_index(b, lids, ((const uint32_t *)out->stack)[j], i,
				   &li) < 0)
			return -1;
		stack_set(out->stack, b->p->narrow, j, li);
	}
	out->nlabels = 0;
	for (j = 0; j < n; j++) {
		struct raw_label raw;
		struct label unread;
		int kept;

		memcpy(&raw, &out->labels[j], sizeof(raw));
		kept = resolve_label(b, raw, i, b->labels ?
				     &out->labels[out->nlabels] : &unread);
		if (kept < 0)
			return -1;
		if (b->labels)
			out->nlabels += (size_t)kept;
	}
	return 0;
}

/* Whether the walk takes the Sample message d[0..len) that protobuf-c
 * (1.4.1, protobuf-c.c) unpacked into pb: only pass or fail matters here,
 * a refusal makes proto_load walk the whole input again for the message.
 * When protobuf-c refuses a sample no walk is needed: it is refused
 * either way. When it takes one, its checks cover the walk's but for one:
 *  - keys: it reads 1-5 bytes (the walk 1-10), so the field number it
 *    looks up is the one the walk reads, at most 2^32 - 1. Numbers 0 and
 *    2^29 and up are no Sample or Label field: it keeps them as unknown
 *    fields. The walk below reads the sample's keys anyway; a label with
 *    unknown fields sends the sample to the whole walk.
 *    Wire types 3, 4, 6 and 7 it refuses ("unsupported tag").
 *  - a known field with the wrong wire type: refused (parse_required_
 *    member wants a varint for the int64 and uint64 fields, length-
 *    prefixed data for a label; repeated scalars take 0 or 2, as
 *    F_PACKED).
 *  - varints, alone or packed: unterminated within their data or longer
 *    than ten bytes is refused (scan_varint), as get_varint does.
 *  - fixed-size or length-prefixed data running past the end: refused.
 *  - but its source reads a length prefix into 32 bits, shifting an int
 *    by 28 (scan_length_prefixed_data): five bytes meaning 2^32 or more
 *    may wrap to a length that fits (Debian's build refuses them), where
 *    the walk says "length runs past the end of the data".
 * So unless a label has unknown fields, the walk reads only the sample's
 * own keys and lengths: its labels hold known varint fields only,
 * checked as the walk would, and the packed varints were checked too
 * (the walk does not look into unknown fields). A sample of 2^32 bytes or
 * more gets the whole walk. */
static bool sample_wire_ok(const unsigned char *d, size_t len,
			   const PbSample *pb, struct proto_scan *scan)
{
	bool deep = len > UINT32_MAX;
	size_t i;

	for (i = 0; i < pb->n_label && !deep; i++)
		deep = pb->label[i]->base.n_unknown_fields != 0;
	return walk_fields(d, len, 0, M_SAMPLE, deep, scan);
}

/* The Sample message d[0..len) as proto_load checks it the ordinary way:
 * protobuf-c's, NULL when it or the walk refuses it (or out of memory). */
PbSample *proto_sample_checked(struct arena *a, const unsigned char *d,
			       size_t len)
{
	ProtobufCAllocator alloc = { pb_alloc, pb_free, a };
	struct proto_scan scan = { 0 };
	PbSample *s = perftools__profiles__sample__unpack(&alloc, len, d);

	if (!s || !sample_wire_ok(d, len, s, &scan))
		return NULL;
	return s;
}

/* ---- samples of the common shape, without protobuf-c ---------------- */

/* Go writes a Sample as packed location ids, packed values and labels of
 * varints, and protobuf-c's general unpack costs several times what the
 * bytes need. So such a sample is decoded here, into what protobuf-c
 * would give; anything else (an unknown field, another wire type, a key
 * or a length prefix in more bytes than these need) is left to
 * protobuf-c and the walk. A first pass reads keys and lengths only, for
 * room enough (a packed field of n bytes holds at most n varints, and
 * the scratch arena is reset for the next sample); the second decodes
 * and checks each varint: 1-10 bytes, ending within its field, as
 * protobuf-c's scan_varint. */

/* The one-byte keys taken: field number << 3 | wire type. */
enum {
	KEY_LOCATION_ID = 1 << 3 | 0,	/* unpacked: one varint */
	KEY_LOCATION_IDS = 1 << 3 | 2,	/* packed */
	KEY_VALUE = 2 << 3 | 0,
	KEY_VALUES = 2 << 3 | 2,
	KEY_LABEL = 3 << 3 | 2,
	KEY_LABEL_KEY = 1 << 3 | 0,	/* in a Label, all varints */
	KEY_LABEL_STR = 2 << 3 | 0,
	KEY_LABEL_NUM = 3 << 3 | 0,
	KEY_LABEL_NUM_UNIT = 4 << 3 | 0,
};

/* Reads the length prefix at *pos into *n when it is of one to four
 * bytes and what it covers ends by end: protobuf-c reads up to five into
 * 32 bits, which can wrap (see sample_wire_ok). */
static bool length_at(const unsigned char *d, size_t end, size_t *pos,
		      size_t *n)
{
	size_t at = *pos;
	uint64_t v;

	if (!varint_get(d, end, pos, &v) || *pos - at > 4 || v > end - *pos)
		return false;
	*n = (size_t)v;
	return true;
}

/* Sets s's n_ fields to room enough for what the Sample d[0..len)
 * holds, reading its keys and lengths; false when it is not of the shape
 * decoded here. */
static bool sample_bounds(const unsigned char *d, size_t len, PbSample *s)
{
	size_t pos = 0, n;
	uint64_t v;

	while (pos < len) {
		unsigned char key = d[pos++];

		switch (key) {
		case KEY_LOCATION_ID:
		case KEY_VALUE:
			if (!varint_get(d, len, &pos, &v))
				return false;
			n = 1;
			break;
		case KEY_LOCATION_IDS:
		case KEY_VALUES:
		case KEY_LABEL:
			if (!length_at(d, len, &pos, &n))
				return false;
			pos += n;
			break;
		default:
			return false;
		}
		if (key == KEY_LOCATION_ID || key == KEY_LOCATION_IDS)
			s->n_location_id += n;
		else if (key != KEY_LABEL)
			s->n_value += n;
		else
			s->n_label++;
	}
	return true;
}

/* Decodes the packed varints of d[pos..end) to *out on, which moves past
 * them; false when one is not well formed. */
static bool packed_fill(const unsigned char *d, size_t pos, size_t end,
			uint64_t **out)
{
	uint64_t *o = *out;

	while (pos < end)
		if (!varint_get(d, end, &pos, o++))
			return false;
	*out = o;
	return true;
}

/* Decodes the Label d[pos..end) into l: false unless it holds its four
 * fields only, as varints (any number of times: the last one counts, as
 * in protobuf-c). */
static bool label_fill(const unsigned char *d, size_t pos, size_t end,
		       PbLabel *l)
{
	while (pos < end) {
		unsigned char key = d[pos++];
		uint64_t v;

		if (!varint_get(d, end, &pos, &v))
			return false;
		switch (key) {
		case KEY_LABEL_KEY: l->key = (int64_t)v; break;
		case KEY_LABEL_STR: l->str = (int64_t)v; break;
		case KEY_LABEL_NUM: l->num = (int64_t)v; break;
		case KEY_LABEL_NUM_UNIT: l->num_unit = (int64_t)v; break;
		default: return false;
		}
	}
	return true;
}

/* Decodes the Sample d[0..len), which sample_bounds took, into s, its
 * arrays of the sizes it gave, and sets the counts; false when a varint
 * or a label is not of the shape decoded here. Repeated fields keep
 * every occurrence in file order, packed or not, as protobuf-c. */
static bool sample_fill(const unsigned char *d, size_t len, PbSample *s)
{
	uint64_t *loc = s->location_id;
	uint64_t *val = (uint64_t *)s->value;	/* the same bits */
	PbLabel **lab = s->label;
	size_t pos = 0, n = 0;

	while (pos < len) {
		unsigned char key = d[pos++];
		bool ok;

		switch (key) {
		case KEY_LOCATION_ID:
			ok = varint_get(d, len, &pos, loc++);
			break;
		case KEY_VALUE:
			ok = varint_get(d, len, &pos, val++);
			break;
		case KEY_LOCATION_IDS:
		case KEY_VALUES:
			ok = length_at(d, len, &pos, &n) &&
			     packed_fill(d, pos, pos + n, key == KEY_VALUES ?
					 &val : &loc);
			pos += n;
			break;
		default:	/* KEY_LABEL */
			ok = length_at(d, len, &pos, &n) &&
			     label_fill(d, pos, pos + n, *lab++);
			pos += n;
			break;
		}
		if (!ok)
			return false;
	}
	s->n_location_id = (size_t)(loc - s->location_id);
	s->n_value = (size_t)(val - (uint64_t *)s->value);
	return true;
}

_Static_assert(sizeof(PbSample) % 8 == 0 && sizeof(PbLabel) % 8 == 0,
	       "sample_alloc_pb's parts stay aligned");

/* A PbSample with arrays and labels of the sizes bounds gives, in one
 * piece from a; NULL when out of memory. Empty arrays stay NULL, as
 * protobuf-c leaves them (a packed field of some bytes holds a varint or
 * more). */
static PbSample *sample_alloc_pb(struct arena *a, const PbSample *bounds)
{
	static const PbLabel label_init = PERFTOOLS__PROFILES__LABEL__INIT;
	size_t nloc = bounds->n_location_id, nval = bounds->n_value;
	size_t nlab = bounds->n_label, j;
	unsigned char *mem;
	PbSample *s;
	PbLabel *labels;

	mem = arena_alloc(a, sizeof(*s) +
			     nlab * (sizeof(*labels) + sizeof(*s->label)) +
			     nloc * sizeof(*s->location_id) +
			     nval * sizeof(*s->value));
	if (!mem)
		return NULL;
	s = (PbSample *)(void *)mem;
	*s = *bounds;
	mem += sizeof(*s);
	labels = (PbLabel *)(void *)mem;
	mem += nlab * sizeof(*labels);
	s->label = nlab ? (PbLabel **)(void *)mem : NULL;
	mem += nlab * sizeof(*s->label);
	s->location_id = nloc ? (uint64_t *)(void *)mem : NULL;
	mem += nloc * sizeof(*s->location_id);
	s->value = nval ? (int64_t *)(void *)mem : NULL;
	for (j = 0; j < nlab; j++) {
		labels[j] = label_init;
		s->label[j] = &labels[j];
	}
	return s;
}

/* The Sample message d[0..len) decoded by hand, or NULL when it is not
 * of the common shape or out of memory (protobuf-c decides then). */
PbSample *proto_sample_fast(struct arena *a, const unsigned char *d,
			    size_t len)
{
	static const PbSample sample_init = PERFTOOLS__PROFILES__SAMPLE__INIT;
	PbSample bounds = sample_init, *s;

	/* one this long gets the whole walk (sample_wire_ok): left to it */
	if (len > UINT32_MAX || !sample_bounds(d, len, &bounds))
		return NULL;
	s = sample_alloc_pb(a, &bounds);
	if (!s || !sample_fill(d, len, s))
		return NULL;
	return s;
}

/* The Sample message d[0..len) decoded into scratch, reset first: by
 * hand when it has the common shape, else by protobuf-c and checked by
 * the walk. NULL when they refuse it. The one place that chooses. */
static PbSample *sample_unpack(struct arena *scratch, const unsigned char *d,
			       size_t len)
{
	PbSample *s;

	arena_reset(scratch);
	s = proto_sample_fast(scratch, d, len);
	return s ? s : proto_sample_checked(scratch, d, len);
}

/* ---- samples of the common shape, straight into the model ---------- */

bool proto_direct_samples = true;
bool proto_narrow_stacks = true;

/* Decodes the packed location ids of d[pos..end) as stack entries,
 * narrow or not, to *out on, which moves past them: false for a varint
 * not well formed or an id that lids does not hold. */
static bool packed_locations(const unsigned char *d, size_t pos, size_t end,
			     const struct u64map *lids, bool narrow,
			     unsigned char **out)
{
	unsigned char *o = *out;

	while (pos < end) {
		uint64_t id;
		long l;

		if (!varint_get(d, end, &pos, &id) || (l = u64map_get(lids, id)) < 0)
			return false;
		stack_set(o, narrow, 0, (uint32_t)l);
		o += stack_width(narrow);
	}
	*out = o;
	return true;
}

/* Label l as resolve_label() makes it into *lab, without an error: 1, 0
 * when it carries nothing, -1 for a string index out of range. */
static int label_direct(const struct build *b, const PbLabel *l,
			struct label *lab)
{
	uint64_t n = b->nstrs;

	if ((uint64_t)l->key >= n)
		return -1;
	if (l->str != 0) {
		if ((uint64_t)l->str >= n)
			return -1;
		lab->str = b->strs[l->str];
		lab->num = 0;
		lab->unit = "";
	} else if (l->num != 0 || l->num_unit != 0) {
		if ((uint64_t)l->num_unit >= n)
			return -1;
		lab->str = NULL;
		lab->num = l->num;
		lab->unit = b->strs[l->num_unit];
	} else {
		return 0;
	}
	lab->key = b->strs[l->key];
	return 1;
}

/* The Sample d[0..len) decoded and converted in one pass into *out, its
 * arrays from r's arena, as sample_unpack() and convert_sample() make
 * it: true, or false with nothing kept when they would do anything but
 * succeed (a shape proto_sample_fast() leaves to protobuf-c, a value
 * count other than nvalues, an undefined location or string), so that
 * they decide and report. It saves the PbSample between them: a 64-bit
 * id written and read again for every frame, 6.9 million in a bench
 * profile. The arrays are laid out as sample_alloc() does; the room for
 * the locations is the upper bound sample_bounds() gives (a byte each),
 * its unused end given back. */
static bool sample_direct(struct sample_run *r, const struct build *b,
			  const unsigned char *d, size_t len, size_t nvalues,
			  struct sample *out)
{
	static const PbSample sample_init = PERFTOOLS__PROFILES__SAMPLE__INIT;
	static const PbLabel label_init = PERFTOOLS__PROFILES__LABEL__INIT;
	const struct u64map lids = *r->lids;
	const bool narrow = b->p->narrow;
	PbSample bounds = sample_init;
	struct sample sm;
	uint64_t *val, *val_end;
	unsigned char *loc;
	size_t room, nlabels, pos = 0, n = 0;
	unsigned char *mem;

	if (len > UINT32_MAX || !sample_bounds(d, len, &bounds) ||
	    bounds.n_value < nvalues)
		return false;
	nlabels = b->labels ? bounds.n_label : 0;
	room = nvalues * sizeof(*sm.values) + nlabels * sizeof(*sm.labels) +
	       bounds.n_location_id * stack_width(narrow);
	if (!(mem = arena_alloc(&r->arena, room)))
		return false;
	sm.values = (int64_t *)(void *)mem;
	sm.labels = (struct label *)(sm.values + nvalues);
	sm.stack = sm.labels + nlabels;
	sm.nlabels = 0;
	val = (uint64_t *)sm.values;	/* the same bits */
	val_end = val + nvalues;
	loc = sm.stack;
	while (pos < len) {
		unsigned char key = d[pos++];
		uint64_t v;
		bool ok;
		long l;

		switch (key) {
		case KEY_LOCATION_ID:
			ok = varint_get(d, len, &pos, &v) &&
			     (l = u64map_get(&lids, v)) >= 0;
			if (ok) {
				stack_set(loc, narrow, 0, (uint32_t)l);
				loc += stack_width(narrow);
			}
			break;
		case KEY_VALUE:
			ok = varint_get(d, len, &pos, &v) && val < val_end;
			if (ok)
				*val++ = v;
			break;
		case KEY_LOCATION_IDS:
			ok = length_at(d, len, &pos, &n) &&
			     packed_locations(d, pos, pos + n, &lids, narrow, &loc);
			pos += n;
			break;
		case KEY_VALUES:
			ok = length_at(d, len, &pos, &n);
			for (n += pos; ok && pos < n; )
				ok = varint_get(d, n, &pos, &v) && val < val_end &&
				     (*val++ = v, true);
			break;
		default: {	/* KEY_LABEL: sample_bounds took no other */
			PbLabel lab = label_init;
			struct label unread;
			int kept;

			ok = length_at(d, len, &pos, &n) &&
			     label_fill(d, pos, pos + n, &lab) &&
			     (kept = label_direct(b, &lab, b->labels ?
						  &sm.labels[sm.nlabels] :
						  &unread)) >= 0;
			if (ok && b->labels)
				sm.nlabels += (size_t)kept;
			pos += n;
			break;
		}
		}
		if (!ok) {
			arena_shrink(&r->arena, mem, room, 0);
			return false;
		}
	}
	if (val != val_end) {
		arena_shrink(&r->arena, mem, room, 0);
		return false;
	}
	sm.nlocations = (uint32_t)((size_t)(loc - (unsigned char *)sm.stack) /
				   stack_width(narrow));
	arena_shrink(&r->arena, mem, room, (size_t)(loc - mem));
	*out = sm;
	return true;
}

/* As the whole-profile decode would check them: every sample's value
 * count first, then the references of each sample in order. So after a
 * bad reference the run goes on checking value counts only. */
static void sample_run_main(void *arg, unsigned k)
{
	struct sample_run *r = (struct sample_run *)arg + k;
	struct build b = *r->b;
	struct arena scratch = ARENA_INIT;
	size_t pos = r->start, i;
	size_t nvalues = b.p->nsample_types;

	/* samples read ahead: earlier in file order than the run's own */
	b.err = &r->ref_err;
	for (i = r->resolve_from; i < r->resolve_to && !r->bad_ref; i++) {
		const struct ahead_sample *as = &r->ahead->samples[i];
		struct sample *out = &b.p->samples[i];

		out->values = (int64_t *)(void *)as->mem;
		out->labels = (struct label *)(out->values + nvalues);
		out->stack = out->labels + as->nlabels;
		out->nlocations = as->nlocations;
		out->nlabels = as->nlabels;
		if (resolve_kept(&b, r->lids, out, i) < 0)
			r->bad_ref = true;
	}
	i = r->first;
	while (pos < r->end) {
		size_t value;
		uint64_t field;
		unsigned wire;
		PbSample *s;

		next_field(r->data, r->end, &pos, &field, &wire, &value);
		if (field != FIELD_SAMPLE || wire != 2)
			continue;
		if (proto_direct_samples && !r->bad_ref &&
		    sample_direct(r, &b, r->data + value, pos - value, nvalues,
				  &b.p->samples[i])) {
			i++;
			continue;
		}
		s = sample_unpack(&scratch, r->data + value, pos - value);
		if (!s) {
			r->bad_wire = true;
			break;
		}
		if (s->n_value != nvalues) {
			r->bad_count = true;
			ls_error_set(&r->count_err,
				"sample %zu has %zu value%s, but the profile has %zu sample type%s",
				i, s->n_value, s->n_value == 1 ? "" : "s",
				nvalues, nvalues == 1 ? "" : "s");
			break;
		}
		if (!r->bad_ref) {
			if (convert_sample(r, &b, s, i, &b.p->samples[i]) < 0)
				r->bad_ref = true;
		}
		i++;
	}
	arena_release(&scratch);
}

/* Builds the samples read ahead, if any, and the nsamples samples of
 * data[start..len) after them, on up to threads threads. -1 with b->err
 * set for a bad sample; -2 when the walk or protobuf-c refused one. */
static int build_samples(struct build *b, struct proto_ahead *ahead,
			 const unsigned char *data, size_t start, size_t len,
			 size_t nsamples, size_t sample_bytes,
			 unsigned threads, const struct u64map *lids)
{
	struct profile *p = b->p;
	struct sample_run runs[WORKERS_MAX];
	unsigned n = threads, k;
	size_t pos = start, bytes = 0;
	size_t nahead = ahead ? ahead->nsamples : 0, seen = nahead;
	int ret = 0;

	if (nahead && ahead->nvalues != p->nsample_types)
		return ls_error_set(b->err,
			"sample 0 has %zu value%s, but the profile has %zu sample type%s",
			ahead->nvalues, ahead->nvalues == 1 ? "" : "s",
			p->nsample_types, p->nsample_types == 1 ? "" : "s");
	if (n > WORKERS_MAX)
		n = WORKERS_MAX;
	if (n > 1 + (nahead + nsamples) / RUN_MIN_SAMPLES)
		n = (unsigned)(1 + (nahead + nsamples) / RUN_MIN_SAMPLES);
	p->samples = arena_calloc(&p->arena, nahead + nsamples + 1,
				  sizeof(*p->samples));
	if (!p->samples)
		return oom(b);
	/* Runs of about equal sample bytes, cut between fields, and equal
	 * shares of the samples read ahead. */
	memset(runs, 0, sizeof(runs));
	for (k = 0; k < n; k++) {
		struct sample_run *r = &runs[k];

		r->b = b;
		r->data = data;
		r->lids = lids;
		r->ahead = ahead;
		r->resolve_from = nahead * k / n;
		r->resolve_to = nahead * (k + 1) / n;
		r->start = pos;
		r->first = seen;
		if (k == n - 1)		/* the rest: no need to walk it */
			pos = len;
		while (pos < len && bytes < sample_bytes / n * (k + 1)) {
			size_t value;
			uint64_t field;
			unsigned wire;

			next_field(data, len, &pos, &field, &wire, &value);
			if (field == FIELD_SAMPLE && wire == 2) {
				seen++;
				bytes += pos - value;
			}
		}
		r->end = pos;
	}
	workers_run(n, sample_run_main, runs);
	for (k = 0; k < n && ret == 0; k++)
		if (runs[k].bad_wire)
			ret = -2;
	for (k = 0; k < n && ret == 0; k++)
		if (runs[k].bad_count)
			ret = ls_error_set(b->err, "%s", runs[k].count_err.msg);
	for (k = 0; k < n && ret == 0; k++)
		if (runs[k].bad_ref)
			ret = ls_error_set(b->err, "%s", runs[k].ref_err.msg);
	for (k = 0; k < n; k++)
		arena_adopt(&p->arena, &runs[k].arena);
	if (ahead)
		arena_adopt(&p->arena, &ahead->arena);
	if (ret == 0)
		p->nsamples = nahead + nsamples;
	return ret;
}

/* The model from pb (every field but the samples), the samples read
 * ahead and those of data[start..len), checked in the order of the
 * whole-profile decode. -2 when the walk or protobuf-c refused a
 * sample. */
static int build_profile(struct build *b, struct proto_ahead *ahead,
			 const unsigned char *data, size_t start, size_t len,
			 size_t nsamples, size_t sample_bytes, unsigned threads)
{
	const PbProfile *pb = b->pb;
	struct profile *p = b->p;
	struct u64map fids = U64MAP_INIT, mids = U64MAP_INIT, lids = U64MAP_INIT;
	size_t i;
	int ret = -1;

	if (build_strings(b) < 0)
		return -1;
	p->sample_types = arena_calloc(&p->arena, pb->n_sample_type + 1,
				       sizeof(*p->sample_types));
	if (!p->sample_types)
		return oom(b);
	for (i = 0; i < pb->n_sample_type; i++)
		if (value_type(b, pb->sample_type[i], "sample type",
			       i, &p->sample_types[i]) < 0)
			return -1;
	p->nsample_types = pb->n_sample_type;
	b->labels = !b->want_labels || b->want_labels(p);
	if (build_functions(b, &fids) == 0 && build_mappings(b, &mids) == 0 &&
	    build_locations(b, &lids, &fids, &mids) == 0)
		ret = build_samples(b, ahead, data, start, len, nsamples,
				    sample_bytes, threads, &lids);
	u64map_release(&fids);
	u64map_release(&mids);
	u64map_release(&lids);
	if (ret < 0)
		return ret;
	if (value_type(b, pb->period_type, NULL, 0, &p->period_type) < 0)
		return -1;
	p->period = pb->period;
	p->time_nanos = pb->time_nanos;
	p->duration_nanos = pb->duration_nanos;
	if (str_at(b, pb->drop_frames, NULL, 0, "drop_frames", &p->drop_frames) < 0 ||
	    str_at(b, pb->keep_frames, NULL, 0, "keep_frames", &p->keep_frames) < 0 ||
	    str_at(b, pb->default_sample_type, NULL, 0, "default_sample_type",
		   &p->default_sample_type) < 0 ||
	    str_at(b, pb->doc_url, NULL, 0, "doc_url", &p->doc_url) < 0)
		return -1;
	p->comments = arena_calloc(&p->arena, pb->n_comment + 1,
				   sizeof(*p->comments));
	if (!p->comments)
		return oom(b);
	for (i = 0; i < pb->n_comment; i++)
		if (str_at(b, pb->comment[i], "comment", i, "index",
			   &p->comments[i]) < 0)
			return -1;
	p->ncomments = pb->n_comment;
	if (p->nsample_types == 0 && p->nsamples)
		return ls_error_set(b->err,
			"the profile has samples but no sample types");
	return 0;
}

/* Whether protobuf-c takes data as a whole Profile: which error wins when
 * a loaded part was wrong (protobuf-c's refusal anywhere comes first). */
static bool unpacks(const unsigned char *data, size_t len)
{
	struct arena tmp = ARENA_INIT;
	ProtobufCAllocator alloc = { pb_alloc, pb_free, &tmp };
	bool ok = perftools__profiles__profile__unpack(&alloc, len, data) != NULL;

	arena_release(&tmp);
	return ok;
}

/* protobuf-c on every field but the samples (rest), then the model:
 * build_profile's result, or -2 when protobuf-c refuses rest. */
static int build_from_rest(struct profile *p, const struct strbuf *rest,
			   struct proto_ahead *ahead, const unsigned char *data,
			   size_t start, size_t len, size_t nsamples,
			   size_t sample_bytes, unsigned threads,
			   profile_labels_fn *labels, struct ls_error *err)
{
	struct arena tmp = ARENA_INIT;
	ProtobufCAllocator alloc = { pb_alloc, pb_free, &tmp };
	struct build b;
	int ret = -2;

	b.pb = perftools__profiles__profile__unpack(&alloc, rest->len,
						    (const uint8_t *)rest->buf);
	if (b.pb) {
		b.p = p;
		b.strs = NULL;
		b.nstrs = 0;
		b.err = err;
		b.want_labels = labels;
		p->format = PROFILE_PROTO;
		ret = build_profile(&b, ahead, data, start, len, nsamples,
				    sample_bytes, threads);
	}
	arena_release(&tmp);
	return ret;
}

int proto_load(struct profile *p, const unsigned char *data, size_t len,
	       unsigned threads, profile_labels_fn *labels,
	       struct proto_scan *scan, struct ls_error *err)
{
	struct strbuf rest = STRBUF_INIT;
	struct proto_scan top;
	size_t pos = 0, nsamples = 0, sample_bytes = 0;
	int ret = -2;

	/* Walk every field but the samples (the workers walk those). */
	memset(&top, 0, sizeof(top));
	top.why = "";
	while (pos < len) {
		size_t at = pos, value;
		uint64_t field;
		unsigned wire;

		if (!next_field(data, len, &pos, &field, &wire, &value))
			goto settle;
		if (field == FIELD_SAMPLE && wire == 2) {
			nsamples++;
			sample_bytes += pos - value;
		} else if (!walk(data + at, pos - at, at, M_PROFILE, &top)) {
			goto settle;
		}
	}
	if (top.nstrings == 0 || top.ntimes > 1)
		goto settle;
	/* Keep them, in file order, for protobuf-c: repeated fields append
	 * and a repeated singular field's last value wins, as in the whole
	 * message. Only now: text can be a long run of well-formed fields
	 * without a string table. */
	for (pos = 0; pos < len;) {
		size_t at = pos, value;
		uint64_t field;
		unsigned wire;

		next_field(data, len, &pos, &field, &wire, &value);
		if ((field != FIELD_SAMPLE || wire != 2) &&
		    strbuf_add(&rest, data + at, pos - at) < 0) {
			ret = ls_error_set(err, "out of memory");
			goto out;
		}
	}
	ret = build_from_rest(p, &rest, NULL, data, 0, len, nsamples,
			      sample_bytes, threads ? threads : 1, labels, err);
	if (ret == 0)
		goto out;
settle:
	/* Something is wrong: which message the whole walk and the whole
	 * decode give, in their order. */
	proto_scan(data, len, scan);
	if (!scan->valid || scan->nstrings == 0) {
		profile_release(p);
		ret = 1;
	} else if (scan->ntimes > 1) {
		ret = ls_error_set(err,
			"not a valid profile.proto: several profiles concatenated (time_nanos appears %zu times)",
			scan->ntimes);
	} else if (ret == -2 || !unpacks(data, len)) {
		ret = ls_error_set(err,
			"not a valid profile.proto: malformed protobuf");
	}
out:
	strbuf_release(&rest);
	return ret;
}

/* ---- reading ahead ---------------------------------------------------- */

/* Go writes the samples first, before the locations and the string table
 * they refer to. So while the input still arrives, whole top-level fields
 * are walked as proto_load walks them and each sample is unpacked and
 * checked as sample_run_main does, but kept raw (keep_sample); once all
 * is there, proto_load_ahead goes on from there and resolves them. It
 * only ever vouches for a profile that loads without error: anything
 * doubtful, early or late, and proto_load starts over on the whole input,
 * so messages and their order are its own. */

struct proto_ahead *proto_ahead_new(void)
{
	struct proto_ahead *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->top.why = "";
	strbuf_init(&a->rest);
	arena_init(&a->arena);
	arena_init(&a->scratch);
	return a;
}

void proto_ahead_free(struct proto_ahead *a)
{
	if (!a)
		return;
	strbuf_release(&a->rest);
	free(a->samples);
	arena_release(&a->arena);
	arena_release(&a->scratch);
	free(a);
}

/* Unpacks and keeps the Sample message d[0..len); -1 when proto_load
 * would not take it as it is. */
static int ahead_sample(struct proto_ahead *a, const unsigned char *d,
			size_t len)
{
	struct sample kept;
	PbSample *s = sample_unpack(&a->scratch, d, len);

	if (!s)
		return -1;
	if (a->nsamples == 0)
		a->nvalues = s->n_value;
	if (s->n_value != a->nvalues || s->n_location_id > UINT32_MAX ||
	    s->n_label > UINT32_MAX)
		return -1;
	if (a->nsamples == a->alloc) {
		size_t n = a->alloc ? 2 * a->alloc : 4096;
		struct ahead_sample *more = realloc(a->samples, n * sizeof(*more));

		if (!more)
			return -1;
		a->samples = more;
		a->alloc = n;
	}
	if (keep_sample(&a->arena, s, &kept) < 0)
		return -1;
	a->samples[a->nsamples].mem = (unsigned char *)kept.values;
	a->samples[a->nsamples].nlocations = (uint32_t)kept.nlocations;
	a->samples[a->nsamples].nlabels = (uint32_t)kept.nlabels;
	a->nsamples++;
	return 0;
}

void proto_ahead_feed(struct proto_ahead *a, const unsigned char *data,
		      size_t avail)
{
	while (!a->stopped && a->pos < avail) {
		size_t at = a->pos, pos = at, value;
		uint64_t field;
		unsigned wire;

		if (!next_field(data, avail, &pos, &field, &wire, &value))
			return;	/* not whole yet, or never: the end tells */
		if (field == FIELD_SAMPLE && wire == 2)
			a->stopped = ahead_sample(a, data + value, pos - value) < 0;
		else
			a->stopped = !walk(data + at, pos - at, at, M_PROFILE, &a->top) ||
				     strbuf_add(&a->rest, data + at, pos - at) < 0;
		a->pos = pos;
	}
}

/* Goes on from where the feeds stopped, as proto_load does: 0, or -1
 * for anything wrong (err may be set). */
static int load_ahead(struct profile *p, const unsigned char *data,
		      size_t len, unsigned threads, profile_labels_fn *labels,
		      struct proto_ahead *a, struct ls_error *err)
{
	size_t start = a->pos, nsamples = 0, sample_bytes = 0;

	while (a->pos < len) {
		size_t at = a->pos, value;
		uint64_t field;
		unsigned wire;

		if (!next_field(data, len, &a->pos, &field, &wire, &value))
			return -1;
		if (field == FIELD_SAMPLE && wire == 2) {
			nsamples++;
			sample_bytes += a->pos - value;
		} else if (!walk(data + at, a->pos - at, at, M_PROFILE, &a->top) ||
			   strbuf_add(&a->rest, data + at, a->pos - at) < 0) {
			return -1;
		}
	}
	if (a->top.nstrings == 0 || a->top.ntimes > 1)
		return -1;
	return build_from_rest(p, &a->rest, a, data, start, len, nsamples,
			       sample_bytes, threads, labels, err) == 0 ? 0 : -1;
}

int proto_load_ahead(struct profile *p, const unsigned char *data,
		     size_t len, unsigned threads, profile_labels_fn *labels,
		     struct proto_ahead *ahead, struct proto_scan *scan,
		     struct ls_error *err)
{
	if (ahead && !ahead->stopped) {
		struct ls_error before = *err;

		if (load_ahead(p, data, len, threads ? threads : 1, labels,
			       ahead, err) == 0)
			return 0;
		/* Start over: the message is the whole input's. */
		profile_release(p);
		*err = before;
		ahead->stopped = true;
	}
	return proto_load(p, data, len, threads, labels, scan, err);
}
