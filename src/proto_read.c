/* proto_read.c - profile.proto (uncompressed bytes) into the model */
#include "proto_read.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <protobuf-c/protobuf-c.h>

#include "profile.pb-c.h"
#include "u64map.h"

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

/* Reads a varint at *pos; false when it runs off the end or is longer
 * than ten bytes (*why says which). */
static bool get_varint(const unsigned char *d, size_t len, size_t *pos,
		       uint64_t *out, const char **why)
{
	uint64_t v = 0;
	unsigned shift = 0;
	size_t i = *pos;

	while (i < len && shift < 70) {
		unsigned char b = d[i++];

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*pos = i;
			*out = v;
			return true;
		}
		shift += 7;
	}
	*why = i < len ? "varint longer than ten bytes" : "truncated varint";
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

static bool walk(const unsigned char *d, size_t len, size_t base,
		 enum msg_kind kind, struct proto_scan *s)
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
			if (r.kind == F_MSG &&
			    !walk(d + pos, (size_t)v, base + pos, r.sub, s))
				return false;
			if (r.kind == F_PACKED) {
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
	return 0;
}

static int build_samples(struct build *b, const struct u64map *lids)
{
	const PbProfile *pb = b->pb;
	struct profile *p = b->p;
	size_t i, nlocs = 0, nlabels = 0, nvalues;
	const struct location **locs;
	int64_t *values;
	struct label *labels;

	for (i = 0; i < pb->n_sample; i++) {
		const PbSample *s = pb->sample[i];

		if (s->n_value != p->nsample_types)
			return ls_error_set(b->err,
				"sample %zu has %zu value%s, but the profile has %zu sample type%s",
				i, s->n_value, s->n_value == 1 ? "" : "s",
				p->nsample_types, p->nsample_types == 1 ? "" : "s");
		nlocs += s->n_location_id;
		nlabels += s->n_label;
	}
	if (pb->n_sample && p->nsample_types > SIZE_MAX / pb->n_sample)
		return oom(b);
	nvalues = pb->n_sample * p->nsample_types;
	p->samples = arena_calloc(&p->arena, pb->n_sample + 1,
				  sizeof(*p->samples));
	locs = arena_calloc(&p->arena, nlocs + 1, sizeof(*locs));
	values = arena_calloc(&p->arena, nvalues + 1, sizeof(*values));
	labels = arena_calloc(&p->arena, nlabels + 1, sizeof(*labels));
	if (!p->samples || !locs || !values || !labels)
		return oom(b);
	for (i = 0; i < pb->n_sample; i++) {
		const PbSample *s = pb->sample[i];
		struct sample *out = &p->samples[i];
		size_t j;

		out->locations = locs;
		out->nlocations = s->n_location_id;
		for (j = 0; j < s->n_location_id; j++) {
			long l = u64map_get(lids, s->location_id[j]);

			if (l < 0)
				return ls_error_set(b->err,
					"sample %zu refers to location %" PRIu64 ", which is not defined",
					i, s->location_id[j]);
			locs[j] = &p->locations[l];
		}
		locs += s->n_location_id;
		out->values = values;
		if (s->n_value)
			memcpy(values, s->value, s->n_value * sizeof(*values));
		values += s->n_value;
		out->labels = labels;
		for (j = 0; j < s->n_label; j++) {
			const PbLabel *l = s->label[j];
			struct label *lab = &labels[out->nlabels];

			if (str_at(b, l->key, "sample", i, "label key", &lab->key) < 0)
				return -1;
			lab->unit = "";
			/* As pprof decodes: a label with a string is a
			 * string label, else one with a number or unit is
			 * numeric, else it carries nothing and is dropped. */
			if (l->str != 0) {
				if (str_at(b, l->str, "sample", i, "label value", &lab->str) < 0)
					return -1;
			} else if (l->num != 0 || l->num_unit != 0) {
				lab->str = NULL;
				lab->num = l->num;
				if (str_at(b, l->num_unit, "sample", i, "label unit", &lab->unit) < 0)
					return -1;
			} else {
				continue;
			}
			out->nlabels++;
		}
		labels += out->nlabels;
	}
	p->nsamples = pb->n_sample;
	return 0;
}

static int build_profile(struct build *b)
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
	if (build_functions(b, &fids) == 0 && build_mappings(b, &mids) == 0 &&
	    build_locations(b, &lids, &fids, &mids) == 0 &&
	    build_samples(b, &lids) == 0)
		ret = 0;
	u64map_release(&fids);
	u64map_release(&mids);
	u64map_release(&lids);
	if (ret < 0)
		return -1;
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

int proto_read(struct profile *p, const unsigned char *data, size_t len,
	       struct ls_error *err)
{
	struct proto_scan scan;

	proto_scan(data, len, &scan);
	return proto_read_scanned(p, data, len, &scan, err);
}

int proto_read_scanned(struct profile *p, const unsigned char *data,
		       size_t len, const struct proto_scan *scan,
		       struct ls_error *err)
{
	struct arena tmp;
	ProtobufCAllocator alloc;
	struct build b;
	PbProfile *pb;
	int ret;

	if (!scan->valid)
		return ls_error_set(err,
			"not a valid profile.proto: malformed protobuf at byte %zu: %s",
			scan->bad_offset, scan->why);
	if (scan->ntimes > 1)
		return ls_error_set(err,
			"not a valid profile.proto: several profiles concatenated (time_nanos appears %zu times)",
			scan->ntimes);
	arena_init(&tmp);
	alloc.alloc = pb_alloc;
	alloc.free = pb_free;
	alloc.allocator_data = &tmp;
	pb = perftools__profiles__profile__unpack(&alloc, len, data);
	if (!pb) {
		arena_release(&tmp);
		return ls_error_set(err,
			"not a valid profile.proto: malformed protobuf");
	}
	b.p = p;
	b.pb = pb;
	b.strs = NULL;
	b.nstrs = 0;
	b.err = err;
	p->format = PROFILE_PROTO;
	ret = build_profile(&b);
	arena_release(&tmp);
	return ret;
}
