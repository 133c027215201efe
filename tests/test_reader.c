/* test_reader.c - profile.proto reading, validation and sniffing */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "profile.pb-c.h"
#include "reader.h"

/* ---- building profile.proto in code ----------------------------------- */

typedef Perftools__Profiles__Profile PbProfile;

/* A profile under construction: fixed-size pools, enough for the tests,
 * and a string table. */
#define POOL 64
struct pb {
	PbProfile prof;
	char *strings[POOL];
	Perftools__Profiles__ValueType vt[POOL], period;
	Perftools__Profiles__ValueType *vtp[POOL];
	Perftools__Profiles__Sample smp[POOL];
	Perftools__Profiles__Sample *smpp[POOL];
	uint64_t locids[POOL][POOL];
	int64_t values[POOL][POOL];
	Perftools__Profiles__Label lab[POOL];
	Perftools__Profiles__Label *labp[POOL];
	size_t nlab;
	Perftools__Profiles__Location loc[POOL];
	Perftools__Profiles__Location *locp[POOL];
	Perftools__Profiles__Line line[POOL];
	Perftools__Profiles__Line *linep[POOL];
	size_t nline;
	Perftools__Profiles__Function fn[POOL];
	Perftools__Profiles__Function *fnp[POOL];
	Perftools__Profiles__Mapping map[POOL];
	Perftools__Profiles__Mapping *mapp[POOL];
	int64_t comments[POOL];
};

static int64_t pb_str(struct pb *b, const char *s)
{
	size_t i;

	for (i = 0; i < b->prof.n_string_table; i++)
		if (strcmp(b->strings[i], s) == 0)
			return (int64_t)i;
	b->strings[i] = (char *)s;
	b->prof.n_string_table++;
	return (int64_t)i;
}

static void pb_init(struct pb *b)
{
	memset(b, 0, sizeof(*b));
	perftools__profiles__profile__init(&b->prof);
	b->prof.string_table = b->strings;
	b->prof.sample_type = b->vtp;
	b->prof.sample = b->smpp;
	b->prof.location = b->locp;
	b->prof.function = b->fnp;
	b->prof.mapping = b->mapp;
	b->prof.comment = b->comments;
	pb_str(b, "");
}

static void pb_type(struct pb *b, const char *type, const char *unit)
{
	size_t i = b->prof.n_sample_type++;

	perftools__profiles__value_type__init(&b->vt[i]);
	b->vt[i].type = pb_str(b, type);
	b->vt[i].unit = pb_str(b, unit);
	b->vtp[i] = &b->vt[i];
}

static void pb_function(struct pb *b, uint64_t id, const char *name,
			const char *file)
{
	size_t i = b->prof.n_function++;

	perftools__profiles__function__init(&b->fn[i]);
	b->fn[i].id = id;
	b->fn[i].name = pb_str(b, name);
	b->fn[i].system_name = pb_str(b, name);
	b->fn[i].filename = pb_str(b, file);
	b->fnp[i] = &b->fn[i];
}

static void pb_mapping(struct pb *b, uint64_t id, const char *file)
{
	size_t i = b->prof.n_mapping++;

	perftools__profiles__mapping__init(&b->map[i]);
	b->map[i].id = id;
	b->map[i].memory_start = 0x400000;
	b->map[i].memory_limit = 0x800000;
	b->map[i].filename = pb_str(b, file);
	b->map[i].has_functions = 1;
	b->mapp[i] = &b->map[i];
}

/* A location with n lines given as (function id, line) pairs, innermost
 * first. */
static void pb_location(struct pb *b, uint64_t id, uint64_t mapping,
			uint64_t addr, int n, ...)
{
	size_t i = b->prof.n_location++;
	va_list ap;
	int k;

	perftools__profiles__location__init(&b->loc[i]);
	b->loc[i].id = id;
	b->loc[i].mapping_id = mapping;
	b->loc[i].address = addr;
	b->loc[i].line = &b->linep[b->nline];
	b->loc[i].n_line = (size_t)n;
	va_start(ap, n);
	for (k = 0; k < n; k++) {
		Perftools__Profiles__Line *ln = &b->line[b->nline];

		perftools__profiles__line__init(ln);
		ln->function_id = va_arg(ap, uint64_t);
		ln->line = va_arg(ap, int64_t);
		b->linep[b->nline++] = ln;
	}
	va_end(ap);
	b->locp[i] = &b->loc[i];
}

/* A sample with nv values then nl location ids (uint64_t). */
static Perftools__Profiles__Sample *pb_sample(struct pb *b, int nv, int nl,
					      ...)
{
	size_t i = b->prof.n_sample++;
	Perftools__Profiles__Sample *s = &b->smp[i];
	va_list ap;
	int k;

	perftools__profiles__sample__init(s);
	va_start(ap, nl);
	for (k = 0; k < nv; k++)
		b->values[i][k] = va_arg(ap, int64_t);
	for (k = 0; k < nl; k++)
		b->locids[i][k] = va_arg(ap, uint64_t);
	va_end(ap);
	s->value = b->values[i];
	s->n_value = (size_t)nv;
	s->location_id = b->locids[i];
	s->n_location_id = (size_t)nl;
	s->label = &b->labp[b->nlab];
	b->smpp[i] = s;
	return s;
}

/* Adds a label to the last sample: a string one when str, else numeric. */
static void pb_label(struct pb *b, const char *key, const char *str,
		     int64_t num, const char *unit)
{
	Perftools__Profiles__Sample *s = b->smpp[b->prof.n_sample - 1];
	Perftools__Profiles__Label *l = &b->lab[b->nlab];

	perftools__profiles__label__init(l);
	l->key = pb_str(b, key);
	if (str)
		l->str = pb_str(b, str);
	else
		l->num = num;
	if (unit)
		l->num_unit = pb_str(b, unit);
	b->labp[b->nlab++] = l;
	s->n_label++;
}

/* The small, valid profile most tests start from: two functions, one
 * location with an inlined call, one mapping. */
static void pb_basic(struct pb *b)
{
	pb_init(b);
	pb_type(b, "alloc_space", "bytes");
	pb_type(b, "inuse_space", "bytes");
	pb_function(b, 1, "main.leaf", "/src/main.go");
	pb_function(b, 2, "main.caller", "/src/main.go");
	pb_function(b, 3, "main.main", "/src/main.go");
	pb_mapping(b, 1, "/bin/app");
	/* location 1: main.leaf inlined into main.caller */
	pb_location(b, 1, 1, 0x401000, 2, (uint64_t)1, (int64_t)10,
		    (uint64_t)2, (int64_t)20);
	pb_location(b, 2, 1, 0x402000, 1, (uint64_t)3, (int64_t)30);
	pb_sample(b, 2, 2, (int64_t)100, (int64_t)40, (uint64_t)1, (uint64_t)2);
	pb_label(b, "handler", "/api", 0, NULL);
	pb_label(b, "bytes", NULL, 4096, "bytes");
	pb_sample(b, 2, 1, (int64_t)7, (int64_t)0, (uint64_t)2);
	perftools__profiles__value_type__init(&b->period);
	b->period.type = pb_str(b, "space");
	b->period.unit = pb_str(b, "bytes");
	b->prof.period_type = &b->period;
	b->prof.period = 524288;
	b->prof.time_nanos = 1700000000000000000LL;
	b->prof.duration_nanos = 30000000000LL;
	b->comments[0] = pb_str(b, "hello comment");
	b->prof.n_comment = 1;
	b->prof.drop_frames = pb_str(b, "runtime\\..*");
	b->prof.keep_frames = pb_str(b, "main\\..*");
	b->prof.default_sample_type = pb_str(b, "inuse_space");
	b->prof.doc_url = pb_str(b, "https://example.com/doc");
}

static uint8_t *pb_pack(struct pb *b, size_t *len)
{
	uint8_t *buf;

	*len = perftools__profiles__profile__get_packed_size(&b->prof);
	buf = malloc(*len + 1);
	assert_non_null(buf);
	perftools__profiles__profile__pack(&b->prof, buf);
	return buf;
}

/* Loads b's encoding; returns the load result, err filled. */
static int load_pb(struct pb *b, struct profile *p, struct ls_error *err)
{
	size_t len;
	uint8_t *buf = pb_pack(b, &len);
	int r;

	profile_init(p);
	r = profile_load_buffer(p, "test.pb", buf, len, NULL, err);
	free(buf);
	return r;
}

static void expect_error(struct pb *b, const char *msg)
{
	struct profile p;
	struct ls_error err;

	assert_int_equal(load_pb(b, &p, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(p.nsamples, 0);
	profile_release(&p);
}

/* gzip of data[0..len) */
static uint8_t *gzip_bytes(const void *data, size_t len, size_t *out_len)
{
	z_stream z;
	size_t cap = len + 1024;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_reader__proto_model(void **state)
{
	struct pb b;
	struct profile p;
	struct ls_error err;
	const struct sample *s;
	const struct location *l;

	(void)state;
	pb_basic(&b);
	assert_int_equal(load_pb(&b, &p, &err), 0);
	assert_int_equal(p.format, PROFILE_PROTO);
	assert_string_equal(p.source, "test.pb");
	assert_int_equal(p.nsample_types, 2);
	assert_string_equal(p.sample_types[1].type, "inuse_space");
	assert_string_equal(p.sample_types[1].unit, "bytes");
	assert_string_equal(p.default_sample_type, "inuse_space");
	assert_int_equal(profile_default_sample_index(&p), 1);
	assert_string_equal(p.period_type.type, "space");
	assert_int_equal(p.period, 524288);
	assert_int_equal(p.time_nanos, 1700000000000000000LL);
	assert_int_equal(p.duration_nanos, 30000000000LL);
	assert_int_equal(p.ncomments, 1);
	assert_string_equal(p.comments[0], "hello comment");
	assert_string_equal(p.drop_frames, "runtime\\..*");
	assert_string_equal(p.keep_frames, "main\\..*");
	assert_string_equal(p.doc_url, "https://example.com/doc");
	assert_int_equal(p.nfunctions, 3);
	assert_int_equal(p.nmappings, 1);
	assert_string_equal(p.mappings[0].filename, "/bin/app");
	assert_true(p.mappings[0].has_functions);
	assert_int_equal(p.nlocations, 2);
	assert_int_equal(p.nsamples, 2);

	s = &p.samples[0];
	assert_int_equal(s->values[0], 100);
	assert_int_equal(s->values[1], 40);
	assert_int_equal(s->nlocations, 2);
	/* leaf first */
	assert_int_equal(profile_location(&p, s, 0)->id, 1);
	assert_int_equal(profile_location(&p, s, 1)->id, 2);
	l = profile_location(&p, s, 0);
	assert_int_equal(l->address, 0x401000);
	assert_ptr_equal(l->mapping, &p.mappings[0]);
	/* interned: equal strings are one pointer */
	assert_ptr_equal(p.functions[0].filename, p.functions[1].filename);
	profile_release(&p);
}

static void test_reader__inlined_lines_order(void **state)
{
	struct pb b;
	struct profile p;
	struct ls_error err;
	const struct location *l;

	(void)state;
	pb_basic(&b);
	assert_int_equal(load_pb(&b, &p, &err), 0);
	l = &p.locations[0];
	assert_int_equal(l->nlines, 2);
	/* innermost inlined function first, as in profile.proto */
	assert_string_equal(l->lines[0].function->name, "main.leaf");
	assert_int_equal(l->lines[0].line, 10);
	assert_string_equal(l->lines[1].function->name, "main.caller");
	assert_int_equal(l->lines[1].line, 20);
	profile_release(&p);
}

static void test_reader__labels_with_units(void **state)
{
	struct pb b;
	struct profile p;
	struct ls_error err;
	const struct sample *s;

	(void)state;
	pb_basic(&b);
	/* a label with neither a string nor a number nor a unit carries
	 * nothing: pprof drops it, so do we */
	pb_label(&b, "empty", NULL, 0, NULL);
	pb_label(&b, "count", NULL, 3, NULL);
	assert_int_equal(load_pb(&b, &p, &err), 0);
	s = &p.samples[1];
	assert_int_equal(s->nlabels, 1);
	assert_string_equal(s->labels[0].key, "count");
	assert_null(s->labels[0].str);
	assert_int_equal(s->labels[0].num, 3);
	assert_string_equal(s->labels[0].unit, "");
	s = &p.samples[0];
	assert_int_equal(s->nlabels, 2);
	assert_string_equal(s->labels[0].key, "handler");
	assert_string_equal(s->labels[0].str, "/api");
	assert_string_equal(s->labels[1].key, "bytes");
	assert_null(s->labels[1].str);
	assert_int_equal(s->labels[1].num, 4096);
	assert_string_equal(s->labels[1].unit, "bytes");
	profile_release(&p);
}

static void test_reader__bad_sample_location(void **state)
{
	struct pb b;

	(void)state;
	pb_basic(&b);
	b.locids[1][0] = 999;
	expect_error(&b, "sample 1 refers to location 999, which is not defined");
}

static void test_reader__bad_location_function(void **state)
{
	struct pb b;

	(void)state;
	pb_basic(&b);
	b.line[2].function_id = 7;
	expect_error(&b, "location 2 refers to function 7, which is not defined");
}

static void test_reader__bad_location_mapping(void **state)
{
	struct pb b;

	(void)state;
	pb_basic(&b);
	b.loc[1].mapping_id = 9;
	expect_error(&b, "location 2 refers to mapping 9, which is not defined");
}

static void test_reader__bad_string_index(void **state)
{
	struct pb b;
	char want[200];

	(void)state;
	pb_basic(&b);
	b.fn[1].name = 40;
	snprintf(want, sizeof(want),
		 "function 2 name: string index 40 is out of range (the string table has %zu entries)",
		 b.prof.n_string_table);
	expect_error(&b, want);

	pb_basic(&b);
	b.prof.drop_frames = -1;
	snprintf(want, sizeof(want),
		 "drop_frames: string index -1 is out of range (the string table has %zu entries)",
		 b.prof.n_string_table);
	expect_error(&b, want);

	pb_basic(&b);
	b.lab[0].key = 1000;
	snprintf(want, sizeof(want),
		 "sample 0 label key: string index 1000 is out of range (the string table has %zu entries)",
		 b.prof.n_string_table);
	expect_error(&b, want);
}

static void test_reader__value_count(void **state)
{
	struct pb b;

	(void)state;
	pb_basic(&b);
	b.smp[1].n_value = 1;
	expect_error(&b, "sample 1 has 1 value, but the profile has 2 sample types");
	pb_basic(&b);
	pb_type(&b, "objects", "count");
	pb_type(&b, "x", "count");
	b.values[0][2] = 1;
	b.smp[0].n_value = 3;
	expect_error(&b, "sample 0 has 3 values, but the profile has 4 sample types");
}

static void test_reader__string_table_zero(void **state)
{
	struct pb b;

	(void)state;
	pb_basic(&b);
	b.strings[0] = (char *)"x";
	expect_error(&b, "string_table[0] is not empty");
}

static void test_reader__duplicate_and_zero_ids(void **state)
{
	struct pb b;

	(void)state;
	pb_basic(&b);
	b.loc[1].id = 1;
	expect_error(&b, "location 1 is defined twice");
	pb_basic(&b);
	b.fn[2].id = 2;
	expect_error(&b, "function 2 is defined twice");
	pb_basic(&b);
	pb_mapping(&b, 1, "/lib/x.so");
	expect_error(&b, "mapping 1 is defined twice");
	pb_basic(&b);
	b.loc[0].id = 0;
	expect_error(&b, "location 1 (in file order) has the reserved id 0");
	pb_basic(&b);
	b.fn[0].id = 0;
	expect_error(&b, "function 1 (in file order) has the reserved id 0");
	pb_basic(&b);
	b.map[0].id = 0;
	expect_error(&b, "mapping 1 (in file order) has the reserved id 0");
}

/* Every prefix of a valid encoding: an error or a valid profile, never
 * a crash (run under ASan by make check SANITIZE=1). */
static void test_reader__truncation_every_byte(void **state)
{
	struct pb b;
	size_t len, cut, ok = 0;
	uint8_t *buf;

	(void)state;
	pb_basic(&b);
	buf = pb_pack(&b, &len);
	for (cut = 0; cut <= len; cut++) {
		struct profile p;
		struct ls_error err;
		uint8_t *copy = malloc(cut + 1);
		int r;

		assert_non_null(copy);
		memcpy(copy, buf, cut);
		profile_init(&p);
		r = profile_load_buffer(&p, "cut.pb", copy, cut, NULL, &err);
		if (r == 0)
			ok++;
		else
			assert_true(err.msg[0] != '\0');
		profile_release(&p);
		free(copy);
	}
	assert_true(ok >= 1);	/* at least the whole encoding */
	free(buf);
}

static void test_reader__varints(void **state)
{
	/* string table "" then period = 11-byte varint: too long */
	static const uint8_t overlong[] = {
		0x32, 0x00, 0x60, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0x01 };
	/* a period of 2^63 + 1 as a full ten-byte varint: fine */
	static const uint8_t big[] = {
		0x32, 0x00, 0x60, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
		0x80, 0x80, 0x01 };
	/* a varint cut in the middle */
	static const uint8_t cut[] = { 0x32, 0x00, 0x60, 0xff, 0xff };
	struct profile p;
	struct ls_error err;

	(void)state;
	profile_init(&p);
	assert_int_equal(profile_load_buffer(&p, "v", overlong, sizeof(overlong),
					     NULL, &err), -1);
	assert_string_equal(err.msg,
		"not a valid profile.proto: malformed protobuf at byte 2: varint longer than ten bytes");
	assert_int_equal(profile_load_buffer(&p, "v", big, sizeof(big), NULL,
					     &err), 0);
	assert_int_equal((uint64_t)p.period, 0x8000000000000001ULL);
	assert_int_equal(profile_load_buffer(&p, "v", cut, sizeof(cut), NULL,
					     &err), -1);
	assert_string_equal(err.msg,
		"not a valid profile.proto: malformed protobuf at byte 2: truncated varint");
	profile_release(&p);
}

static void test_reader__wrong_wire_type(void **state)
{
	/* "" then sample_type (field 1) as a varint */
	static const uint8_t data[] = { 0x32, 0x00, 0x08, 0x01 };
	struct profile p;
	struct ls_error err;

	(void)state;
	profile_init(&p);
	assert_int_equal(profile_load_buffer(&p, "w", data, sizeof(data), NULL,
					     &err), -1);
	assert_string_equal(err.msg,
		"not a valid profile.proto: malformed protobuf at byte 2: field has the wrong wire type");
	profile_release(&p);
}

static void test_reader__concatenated(void **state)
{
	struct pb b;
	size_t len;
	uint8_t *one = NULL, *two;
	struct profile p;
	struct ls_error err;

	(void)state;
	pb_basic(&b);
	one = pb_pack(&b, &len);
	two = malloc(2 * len);
	assert_non_null(two);
	memcpy(two, one, len);
	memcpy(two + len, one, len);
	profile_init(&p);
	assert_int_equal(profile_load_buffer(&p, "cat", two, 2 * len, NULL,
					     &err), -1);
	assert_non_null(strstr(err.msg, "several profiles concatenated"));
	free(one);
	free(two);
}

static void test_reader__empty_file(void **state)
{
	struct profile p;
	struct ls_error err;

	(void)state;
	profile_init(&p);
	assert_int_equal(profile_load_buffer(&p, "e", (const uint8_t *)"", 0,
					     NULL, &err), -1);
	assert_string_equal(err.msg, "empty file");
	assert_string_equal(err.subject, "e");
}

static void test_reader__not_a_profile(void **state)
{
	static const char text[] = "just some text\nand more\n";
	static const uint8_t bin[] = { 0x00, 0x01, 0x02, 0xff, 0xfe, 0x07 };
	static const char dump[] = "goroutine 1 [running]:\nmain.main()\n";
	struct profile p;
	struct ls_error err;

	(void)state;
	profile_init(&p);
	assert_int_equal(profile_load_buffer(&p, "t", (const uint8_t *)text,
					     strlen(text), NULL, &err), -1);
	assert_string_equal(err.msg,
		"not a profile: text in no known profile format (it starts \"just some text\")");
	assert_int_equal(profile_load_buffer(&p, "b", bin, sizeof(bin), NULL,
					     &err), -1);
	assert_string_equal(err.msg,
		"not a profile: binary data in no known profile format");
	assert_int_equal(profile_load_buffer(&p, "d", (const uint8_t *)dump,
					     strlen(dump), NULL, &err), -1);
	assert_non_null(strstr(err.msg, "this is a goroutine dump"));
}

static void test_reader__gzip(void **state)
{
	struct pb b;
	size_t len, glen;
	uint8_t *raw, *gz;
	struct profile p;
	struct ls_error err;
	static const char garbage[] = "\x01\x02garbage that is no profile\x03";

	(void)state;
	pb_basic(&b);
	raw = pb_pack(&b, &len);
	gz = gzip_bytes(raw, len, &glen);
	profile_init(&p);
	assert_int_equal(profile_load_buffer(&p, "g.pb.gz", gz, glen, NULL,
					     &err), 0);
	assert_int_equal(p.nsamples, 2);

	/* truncated gzip stream */
	assert_int_equal(profile_load_buffer(&p, "g.pb.gz", gz, glen - 12, NULL,
					     &err), -1);
	assert_non_null(strstr(err.msg, "gzip stream is truncated after"));
	free(gz);

	/* gzip of garbage: inflates, then is no profile */
	gz = gzip_bytes(garbage, sizeof(garbage) - 1, &glen);
	assert_int_equal(profile_load_buffer(&p, "x.gz", gz, glen, NULL, &err), -1);
	assert_string_equal(err.msg,
		"not a profile: binary data in no known profile format");
	free(gz);

	/* a corrupt deflate stream */
	{
		static const uint8_t bad[] = { 0x1f, 0x8b, 0x08, 0x00, 0, 0, 0,
			0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

		assert_int_equal(profile_load_buffer(&p, "bad.gz", bad,
						     sizeof(bad), NULL, &err), -1);
		assert_non_null(strstr(err.msg, "gzip stream"));
	}
	free(raw);
	profile_release(&p);
}

static void test_reader__file_and_limit(void **state)
{
	struct pb b;
	size_t len;
	uint8_t *raw;
	char path[] = "/tmp/leakscope-test-reader-XXXXXX";
	int fd;
	FILE *f;
	struct profile p;
	struct ls_error err;
	struct load_options opts = { 10 };

	(void)state;
	pb_basic(&b);
	raw = pb_pack(&b, &len);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(raw, 1, len, f), len);
	fclose(f);
	profile_init(&p);
	assert_int_equal(profile_load_file(&p, path, NULL, &err), 0);
	assert_string_equal(p.source, path);
	assert_int_equal(p.nsamples, 2);
	assert_int_equal(profile_load_file(&p, path, &opts, &err), -1);
	assert_non_null(strstr(err.msg, "larger than --max-input-size="));
	assert_int_equal(profile_load_file(&p, "/nonexistent/x.pb", NULL, &err), -1);
	assert_non_null(strstr(err.msg, "cannot open"));
	unlink(path);
	free(raw);
	profile_release(&p);
}

/* Writes data[0..len) to a new temporary file named by path. */
static void write_file(char *path, const void *data, size_t len)
{
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* profile_load_file on data[0..len) in a temporary file. */
static int load_file_bytes(struct profile *p, const void *data, size_t len,
			   const struct load_options *opts,
			   struct ls_error *err)
{
	char path[] = "/tmp/leakscope-test-reader-XXXXXX";
	int r;

	write_file(path, data, len);
	r = profile_load_file(p, path, opts, err);
	unlink(path);
	return r;
}

/* A gzipped file of some MiB of content, Go's order (samples first), is
 * inflated on one thread while the samples are decoded on this one: the
 * model, and the messages, of reading it whole. */
static void test_reader__gzip_file_read_ahead(void **state)
{
	enum { NCOPIES = 60000 };
	struct pb b;
	Perftools__Profiles__Sample *s;
	uint8_t *raw, *content, *gz, *gz2, *both;
	size_t len, one, clen, glen, glen2, i;
	struct profile want, got;
	struct ls_error err;
	struct load_options opts = { 0 };

	(void)state;
	pb_basic(&b);
	raw = pb_pack(&b, &len);
	/* NCOPIES more of the first sample, in front */
	s = b.smpp[0];
	one = perftools__profiles__sample__get_packed_size(s);
	assert_true(one < 128);
	clen = NCOPIES * (2 + one) + len;
	content = malloc(clen);
	assert_non_null(content);
	for (i = 0; i < NCOPIES; i++) {
		content[i * (2 + one)] = 0x12;
		content[i * (2 + one) + 1] = (uint8_t)one;
		perftools__profiles__sample__pack(s, content + i * (2 + one) + 2);
	}
	memcpy(content + NCOPIES * (2 + one), raw, len);

	profile_init(&want);
	profile_init(&got);
	assert_int_equal(profile_load_buffer(&want, "x", content, clen, NULL,
					     &err), 0);
	assert_int_equal(want.nsamples, NCOPIES + 2);
	gz = gzip_bytes(content, clen, &glen);
	assert_int_equal(load_file_bytes(&got, gz, glen, NULL, &err), 0);
	assert_int_equal(got.nsamples, want.nsamples);
	for (i = 0; i < want.nsamples; i++) {
		assert_int_equal(got.samples[i].nlocations, want.samples[i].nlocations);
		assert_int_equal(profile_location(&got, &got.samples[i], 0)->id,
				 profile_location(&want, &want.samples[i], 0)->id);
		assert_int_equal(got.samples[i].values[1], want.samples[i].values[1]);
		assert_int_equal(got.samples[i].nlabels, want.samples[i].nlabels);
	}
	assert_string_equal(got.samples[5].labels[0].str, "/api");

	/* two members, then trailing bytes gunzip ignores too */
	gz2 = gzip_bytes(content + clen / 3, clen - clen / 3, &glen2);
	free(gz);
	gz = gzip_bytes(content, clen / 3, &glen);
	both = malloc(glen + glen2 + 8);
	assert_non_null(both);
	memcpy(both, gz, glen);
	memcpy(both + glen, gz2, glen2);
	assert_int_equal(load_file_bytes(&got, both, glen + glen2, NULL, &err), 0);
	assert_int_equal(got.nsamples, want.nsamples);
	memcpy(both + glen + glen2, "\x1fjunk", 5);
	assert_int_equal(load_file_bytes(&got, both, glen + glen2 + 5, NULL,
					 &err), 0);
	assert_int_equal(got.nsamples, want.nsamples);

	/* the limit: the content exactly, one byte less */
	opts.max_input = clen;
	assert_int_equal(load_file_bytes(&got, both, glen + glen2, &opts, &err), 0);
	opts.max_input = clen - 1;
	assert_int_equal(load_file_bytes(&got, both, glen + glen2, &opts, &err), -1);
	assert_non_null(strstr(err.msg, "larger than --max-input-size="));

	/* cut in the second member */
	assert_int_equal(load_file_bytes(&got, both, glen + glen2 / 2, NULL,
					 &err), -1);
	assert_non_null(strstr(err.msg, "gzip stream is truncated after"));

	/* a bad reference in the first sample, found before any location
	 * exists; a value count error later in the file comes first */
	/* a sample's bytes: 0a 02 <ids 1 2> 12 02 <values 100 40> 1a... */
	assert_int_equal(content[2 + 2], 1);
	content[2 + 2] = 99;
	free(gz);
	gz = gzip_bytes(content, clen, &glen);
	assert_int_equal(load_file_bytes(&got, gz, glen, NULL, &err), -1);
	assert_string_equal(err.msg,
		"sample 0 refers to location 99, which is not defined");
	assert_int_equal(got.nsamples, 0);
	/* 12 02 64 28 -> 10 64 20 28: value 100, unknown field 4 = 40 */
	i = (NCOPIES - 1) * (2 + one) + 2 + 4;
	assert_memory_equal(content + i, "\x12\x02\x64\x28", 4);
	memcpy(content + i, "\x10\x64\x20\x28", 4);
	free(gz);
	gz = gzip_bytes(content, clen, &glen);
	assert_int_equal(load_file_bytes(&got, gz, glen, NULL, &err), -1);
	assert_string_equal(err.msg,
		"sample 59999 has 1 value, but the profile has 2 sample types");

	free(both);
	free(gz);
	free(gz2);
	free(content);
	free(raw);
	profile_release(&want);
	profile_release(&got);
}

/* A large profile with sparse ids (the hash path) loads fast: no
 * quadratic lookups. */
static void test_reader__big_sparse_ids(void **state)
{
	enum { N = 200000 };
	Perftools__Profiles__Profile prof = PERFTOOLS__PROFILES__PROFILE__INIT;
	Perftools__Profiles__Location *locs, **locp;
	Perftools__Profiles__Function fn = PERFTOOLS__PROFILES__FUNCTION__INIT;
	Perftools__Profiles__Function *fnp = &fn;
	Perftools__Profiles__Line *lines, **linep;
	Perftools__Profiles__Sample smp = PERFTOOLS__PROFILES__SAMPLE__INIT;
	Perftools__Profiles__Sample *smpp = &smp;
	Perftools__Profiles__ValueType vt = PERFTOOLS__PROFILES__VALUE_TYPE__INIT;
	Perftools__Profiles__ValueType *vtp = &vt;
	char *strings[] = { (char *)"", (char *)"f", (char *)"count" };
	uint64_t *ids;
	int64_t value = 1;
	size_t i, len;
	uint8_t *buf;
	struct profile p;
	struct ls_error err;
	clock_t t0;

	(void)state;
	locs = calloc(N, sizeof(*locs));
	locp = calloc(N, sizeof(*locp));
	lines = calloc(N, sizeof(*lines));
	linep = calloc(N, sizeof(*linep));
	ids = calloc(N, sizeof(*ids));
	assert_true(locs && locp && lines && linep && ids);
	fn.id = 0xdeadbeef00ULL;
	fn.name = 1;
	for (i = 0; i < N; i++) {
		perftools__profiles__location__init(&locs[i]);
		perftools__profiles__line__init(&lines[i]);
		locs[i].id = (uint64_t)(N - i) * 7919 + 1000000;
		lines[i].function_id = fn.id;
		linep[i] = &lines[i];
		locs[i].line = &linep[i];
		locs[i].n_line = 1;
		locp[i] = &locs[i];
		ids[i] = locs[i].id;
	}
	vt.type = 2;
	vt.unit = 2;
	smp.value = &value;
	smp.n_value = 1;
	smp.location_id = ids;
	smp.n_location_id = N;
	prof.sample_type = &vtp;
	prof.n_sample_type = 1;
	prof.sample = &smpp;
	prof.n_sample = 1;
	prof.location = locp;
	prof.n_location = N;
	prof.function = &fnp;
	prof.n_function = 1;
	prof.string_table = strings;
	prof.n_string_table = 3;
	len = perftools__profiles__profile__get_packed_size(&prof);
	buf = malloc(len);
	assert_non_null(buf);
	perftools__profiles__profile__pack(&prof, buf);
	profile_init(&p);
	t0 = clock();
	assert_int_equal(profile_load_buffer(&p, "big", buf, len, NULL, &err), 0);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	assert_int_equal(p.nlocations, N);
	assert_int_equal(p.samples[0].nlocations, N);
	assert_int_equal(profile_location(&p, &p.samples[0], N - 1)->id, locs[N - 1].id);
	assert_string_equal(profile_location(&p, &p.samples[0], 5)->lines[0].function->name, "f");
	profile_release(&p);
	free(buf);
	free(locs);
	free(locp);
	free(lines);
	free(linep);
	free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader__proto_model),
		cmocka_unit_test(test_reader__inlined_lines_order),
		cmocka_unit_test(test_reader__labels_with_units),
		cmocka_unit_test(test_reader__bad_sample_location),
		cmocka_unit_test(test_reader__bad_location_function),
		cmocka_unit_test(test_reader__bad_location_mapping),
		cmocka_unit_test(test_reader__bad_string_index),
		cmocka_unit_test(test_reader__value_count),
		cmocka_unit_test(test_reader__string_table_zero),
		cmocka_unit_test(test_reader__duplicate_and_zero_ids),
		cmocka_unit_test(test_reader__truncation_every_byte),
		cmocka_unit_test(test_reader__varints),
		cmocka_unit_test(test_reader__wrong_wire_type),
		cmocka_unit_test(test_reader__concatenated),
		cmocka_unit_test(test_reader__empty_file),
		cmocka_unit_test(test_reader__not_a_profile),
		cmocka_unit_test(test_reader__gzip),
		cmocka_unit_test(test_reader__file_and_limit),
		cmocka_unit_test(test_reader__big_sparse_ids),
		cmocka_unit_test(test_reader__gzip_file_read_ahead),
	};

	/* two threads at least: gzip files are read ahead (reader.c) */
	setenv("LEAKSCOPE_THREADS", "2", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
