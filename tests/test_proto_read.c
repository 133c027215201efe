/* test_proto_read.c - profile.proto decoding: field order, threads, errors */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "profile.pb-c.h"
#include "proto_read.h"
#include "xorshift.h"

/* ---- writing the wire format by hand -------------------------------- */

struct wire {
	uint8_t *buf;
	size_t len, cap;
};

static void put(struct wire *w, const void *data, size_t len)
{
	if (len == 0)
		return;	/* w->buf may still be NULL: no memcpy */
	if (w->len + len > w->cap) {
		w->cap = (w->len + len) * 2;
		w->buf = realloc(w->buf, w->cap);
		assert_non_null(w->buf);
	}
	memcpy(w->buf + w->len, data, len);
	w->len += len;
}

static void put_varint(struct wire *w, uint64_t v)
{
	uint8_t b[10];
	size_t n = 0;

	do {
		b[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	put(w, b, n);
}

static void put_scalar(struct wire *w, unsigned field, uint64_t v)
{
	put_varint(w, (uint64_t)field << 3);
	put_varint(w, v);
}

static void put_bytes(struct wire *w, unsigned field, const void *data,
		      size_t len)
{
	put_varint(w, (uint64_t)field << 3 | 2);
	put_varint(w, len);
	put(w, data, len);
}

/* A sub-message field: msg packed by protobuf-c. */
static void put_msg(struct wire *w, unsigned field, const ProtobufCMessage *msg)
{
	size_t len = protobuf_c_message_get_packed_size(msg);
	uint8_t *buf = malloc(len + 1);

	assert_non_null(buf);
	protobuf_c_message_pack(msg, buf);
	put_bytes(w, field, buf, len);
	free(buf);
}

/* ---- a profile as a list of top-level fields ------------------------- */

#define NFUNCS 40
#define MAXFIELDS 8192

/* Every top-level field on its own, so that tests can reorder them. */
struct fields {
	struct wire f[MAXFIELDS];
	unsigned number[MAXFIELDS];
	size_t n;
};

static struct wire *field_new(struct fields *fs, unsigned number)
{
	assert_true(fs->n < MAXFIELDS);
	fs->number[fs->n] = number;
	memset(&fs->f[fs->n], 0, sizeof(fs->f[0]));
	return &fs->f[fs->n++];
}

static void fields_release(struct fields *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		free(fs->f[i].buf);
	fs->n = 0;
}

/* A heap-like profile in Go's field order: two sample types, nsamples
 * samples (stacks of 1-6 of the NFUNCS locations, a numeric label),
 * one mapping, the locations, the functions, the strings, the period.
 * String 1 + i is "f<i>", then the types. */
/* The id of location k (1-based): k, or with wide, k - NFUNCS / 2 +
 * 2^32 for the second half, which cut to 32 bits names one of the
 * first. */
static uint64_t location_id(size_t k, bool wide)
{
	if (wide && k > NFUNCS / 2)
		return (uint64_t)(k - NFUNCS / 2) + ((uint64_t)1 << 32);
	return k;
}

static void make_profile_ids(struct fields *fs, size_t nsamples, bool wide)
{
	static const char *const types[] = { "objects", "count", "space", "bytes" };
	char name[32];
	size_t i;

	fs->n = 0;
	for (i = 0; i < 2; i++) {
		Perftools__Profiles__ValueType vt = PERFTOOLS__PROFILES__VALUE_TYPE__INIT;

		vt.type = 1 + NFUNCS + 2 * i;
		vt.unit = 2 + NFUNCS + 2 * i;
		put_msg(field_new(fs, 1), 1, &vt.base);
	}
	for (i = 0; i < nsamples; i++) {
		Perftools__Profiles__Sample s = PERFTOOLS__PROFILES__SAMPLE__INIT;
		Perftools__Profiles__Label lab = PERFTOOLS__PROFILES__LABEL__INIT;
		Perftools__Profiles__Label *labp = &lab;
		uint64_t locs[6];
		int64_t values[2] = { (int64_t)i + 1, (int64_t)(i * 4096) };
		size_t j;

		for (j = 0; j < 1 + i % 6; j++)
			locs[j] = location_id(1 + (i * 7 + j * 13) % NFUNCS, wide);
		s.location_id = locs;
		s.n_location_id = j;
		s.value = values;
		s.n_value = 2;
		lab.key = 3 + NFUNCS;		/* "space" */
		lab.num = (int64_t)i;
		lab.num_unit = 4 + NFUNCS;	/* "bytes" */
		s.label = &labp;
		s.n_label = 1;
		put_msg(field_new(fs, 2), 2, &s.base);
	}
	{
		Perftools__Profiles__Mapping m = PERFTOOLS__PROFILES__MAPPING__INIT;

		m.id = 1;
		m.memory_limit = 0x800000;
		m.filename = 1;
		put_msg(field_new(fs, 3), 3, &m.base);
	}
	for (i = 0; i < NFUNCS; i++) {
		Perftools__Profiles__Location l = PERFTOOLS__PROFILES__LOCATION__INIT;
		Perftools__Profiles__Line ln = PERFTOOLS__PROFILES__LINE__INIT;
		Perftools__Profiles__Line *lnp = &ln;

		l.id = location_id(i + 1, wide);
		l.mapping_id = 1;
		l.address = 0x401000 + i * 16;
		ln.function_id = i + 1;
		ln.line = (int64_t)i * 10;
		l.line = &lnp;
		l.n_line = 1;
		put_msg(field_new(fs, 4), 4, &l.base);
	}
	for (i = 0; i < NFUNCS; i++) {
		Perftools__Profiles__Function f = PERFTOOLS__PROFILES__FUNCTION__INIT;

		f.id = i + 1;
		f.name = f.system_name = 1 + i;
		f.filename = 1 + (i % 3);
		put_msg(field_new(fs, 5), 5, &f.base);
	}
	put_bytes(field_new(fs, 6), 6, "", 0);
	for (i = 0; i < NFUNCS; i++) {
		snprintf(name, sizeof(name), "f%zu", i);
		put_bytes(field_new(fs, 6), 6, name, strlen(name));
	}
	for (i = 0; i < 4; i++)
		put_bytes(field_new(fs, 6), 6, types[i], strlen(types[i]));
	put_scalar(field_new(fs, 9), 9, 1700000000000000000ULL);
	put_scalar(field_new(fs, 12), 12, 524288);
}

static void make_profile(struct fields *fs, size_t nsamples)
{
	make_profile_ids(fs, nsamples, false);
}

/* The fields in the order of idx[0..n) (all of them when idx is NULL). */
static struct wire join(const struct fields *fs, const size_t *idx)
{
	struct wire w = { NULL, 0, 0 };
	size_t i;

	put(&w, "", 0);
	for (i = 0; i < fs->n; i++) {
		const struct wire *f = &fs->f[idx ? idx[i] : i];

		put(&w, f->buf, f->len);
	}
	return w;
}

static int load_labels(struct profile *p, const struct wire *w,
		       unsigned threads, profile_labels_fn *labels,
		       struct proto_scan *scan, struct ls_error *err)
{
	profile_init(p);
	ls_error_init(err, "test.pb");
	return proto_load(p, w->buf, w->len, threads, labels, scan, err);
}

static int load(struct profile *p, const struct wire *w, unsigned threads,
		struct proto_scan *scan, struct ls_error *err)
{
	return load_labels(p, w, threads, NULL, scan, err);
}

/* a and b hold the same model; b without labels when labels is false. */
static void assert_same_model_labels(const struct profile *a,
				     const struct profile *b, bool labels)
{
	size_t i, j;

	assert_int_equal(a->nsample_types, b->nsample_types);
	for (i = 0; i < a->nsample_types; i++) {
		assert_string_equal(a->sample_types[i].type, b->sample_types[i].type);
		assert_string_equal(a->sample_types[i].unit, b->sample_types[i].unit);
	}
	assert_int_equal(a->period, b->period);
	assert_int_equal(a->time_nanos, b->time_nanos);
	assert_int_equal(a->duration_nanos, b->duration_nanos);
	assert_int_equal(a->nfunctions, b->nfunctions);
	for (i = 0; i < a->nfunctions; i++) {
		assert_int_equal(a->functions[i].id, b->functions[i].id);
		assert_string_equal(a->functions[i].name, b->functions[i].name);
		assert_string_equal(a->functions[i].filename, b->functions[i].filename);
	}
	assert_int_equal(a->nlocations, b->nlocations);
	for (i = 0; i < a->nlocations; i++) {
		assert_int_equal(a->locations[i].id, b->locations[i].id);
		assert_int_equal(a->locations[i].address, b->locations[i].address);
		assert_int_equal(a->locations[i].nlines, b->locations[i].nlines);
		assert_int_equal(a->locations[i].lines[0].function->id,
				 b->locations[i].lines[0].function->id);
	}
	assert_int_equal(a->nsamples, b->nsamples);
	for (i = 0; i < a->nsamples; i++) {
		const struct sample *x = &a->samples[i], *y = &b->samples[i];

		assert_int_equal(x->nlocations, y->nlocations);
		for (j = 0; j < x->nlocations; j++)
			assert_int_equal(profile_location(a, x, j)->id,
					 profile_location(b, y, j)->id);
		for (j = 0; j < a->nsample_types; j++)
			assert_int_equal(x->values[j], y->values[j]);
		if (!labels) {
			assert_int_equal(y->nlabels, 0);
			continue;
		}
		assert_int_equal(x->nlabels, y->nlabels);
		for (j = 0; j < x->nlabels; j++) {
			assert_string_equal(x->labels[j].key, y->labels[j].key);
			assert_int_equal(x->labels[j].num, y->labels[j].num);
			assert_string_equal(x->labels[j].unit, y->labels[j].unit);
		}
	}
}

static void assert_same_model(const struct profile *a, const struct profile *b)
{
	assert_same_model_labels(a, b, true);
}

/* ---- tests ------------------------------------------------------------ */

static struct fields fs;

/* Strings first and samples last, or all kinds interleaved, or a
 * singular field repeated (the last value wins): the same model as Go's
 * order. */
static void test_proto_read__field_orders(void **state)
{
	struct profile want, got;
	struct proto_scan scan;
	struct ls_error err;
	struct wire w;
	size_t idx[MAXFIELDS], n, i, k;
	unsigned order[] = { 6, 12, 9, 5, 4, 3, 1, 2 };

	(void)state;
	make_profile(&fs, 300);
	w = join(&fs, NULL);
	assert_int_equal(load(&want, &w, 1, &scan, &err), 0);
	free(w.buf);
	assert_int_equal(want.nsamples, 300);
	assert_string_equal(profile_location(&want, &want.samples[7], 0)->lines[0].function->name, "f9");
	assert_string_equal(want.samples[7].labels[0].unit, "bytes");

	/* strings first, samples last */
	for (n = 0, k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (i = 0; i < fs.n; i++)
			if (fs.number[i] == order[k])
				idx[n++] = i;
	assert_int_equal(n, fs.n);
	w = join(&fs, idx);
	assert_int_equal(load(&got, &w, 3, &scan, &err), 0);
	assert_same_model(&want, &got);
	profile_release(&got);
	free(w.buf);

	/* interleaved: one field of each kind in turn, each kind in its
	 * own order */
	{
		size_t next[16] = { 0 };
		bool left = true;

		for (n = 0; left;) {
			left = false;
			for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
				unsigned num = order[k];

				for (i = next[num]; i < fs.n && fs.number[i] != num; i++)
					;
				if (i < fs.n) {
					idx[n++] = i;
					next[num] = i + 1;
					left = true;
				}
			}
		}
	}
	assert_int_equal(n, fs.n);
	w = join(&fs, idx);
	assert_int_equal(load(&got, &w, 3, &scan, &err), 0);
	assert_same_model(&want, &got);
	profile_release(&got);
	free(w.buf);

	/* period and duration twice, at both ends: the last ones win */
	w.buf = NULL;
	w.len = w.cap = 0;
	put_scalar(&w, 12, 7);
	put_scalar(&w, 10, 5);
	for (i = 0; i < fs.n; i++)
		if (fs.number[i] != 12)
			put(&w, fs.f[i].buf, fs.f[i].len);
	put_scalar(&w, 10, 30000000000ULL);
	put_scalar(&w, 12, 524288);
	assert_int_equal(load(&got, &w, 3, &scan, &err), 0);
	assert_int_equal(got.duration_nanos, 30000000000LL);
	got.duration_nanos = 0;
	assert_same_model(&want, &got);
	profile_release(&got);
	free(w.buf);
	profile_release(&want);
	fields_release(&fs);
}

/* Samples decoded on 1, 2, 3 or 16 threads: one model. */
static void test_proto_read__threads_same_result(void **state)
{
	static const unsigned threads[] = { 2, 3, 16 };
	struct profile one, many;
	struct proto_scan scan;
	struct ls_error err;
	struct wire w;
	size_t t;

	(void)state;
	make_profile(&fs, 5000);
	w = join(&fs, NULL);
	assert_int_equal(load(&one, &w, 1, &scan, &err), 0);
	assert_int_equal(one.nsamples, 5000);
	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		assert_int_equal(load(&many, &w, threads[t], &scan, &err), 0);
		assert_same_model(&one, &many);
		profile_release(&many);
	}
	profile_release(&one);
	free(w.buf);
	fields_release(&fs);
}

/* The sample field at index i of fs replaced by s. */
static void replace_sample(size_t i, Perftools__Profiles__Sample *s)
{
	struct wire *f = &fs.f[2 + i];	/* after the two sample types */

	assert_int_equal(fs.number[2 + i], 2);
	f->len = 0;
	put_msg(f, 2, &s->base);
}

/* load's error message on 1 and on 3 threads: they must agree. */
static const char *error_on_threads(char *buf, size_t size)
{
	struct profile p;
	struct proto_scan scan;
	struct ls_error err;
	struct wire w = join(&fs, NULL);
	unsigned t;

	for (t = 1; t <= 3; t += 2) {
		assert_int_equal(load(&p, &w, t, &scan, &err), -1);
		assert_int_equal(p.nsamples, 0);
		profile_release(&p);
		if (t == 1)
			snprintf(buf, size, "%s", err.msg);
		else
			assert_string_equal(err.msg, buf);
	}
	free(w.buf);
	return buf;
}

/* In samples split across threads, the whole-profile decode's order
 * holds: any value count error before any bad reference, the first in
 * file order of each; a wire error before both. */
static void test_proto_read__first_error_in_file_order(void **state)
{
	Perftools__Profiles__Sample bad_ref = PERFTOOLS__PROFILES__SAMPLE__INIT;
	Perftools__Profiles__Sample bad_count = PERFTOOLS__PROFILES__SAMPLE__INIT;
	uint64_t missing = 999;
	int64_t values[2] = { 1, 2 };
	char msg[1024];
	struct profile p;
	struct proto_scan scan;
	struct ls_error err;
	struct wire w, *f;
	size_t i, off;
	unsigned t;

	(void)state;
	bad_ref.location_id = &missing;
	bad_ref.n_location_id = 1;
	bad_ref.value = values;
	bad_ref.n_value = 2;
	bad_count.value = values;
	bad_count.n_value = 1;

	make_profile(&fs, 5000);
	replace_sample(4000, &bad_ref);
	replace_sample(10, &bad_ref);
	assert_string_equal(error_on_threads(msg, sizeof(msg)),
		"sample 10 refers to location 999, which is not defined");
	replace_sample(4500, &bad_count);
	assert_string_equal(error_on_threads(msg, sizeof(msg)),
		"sample 4500 has 1 value, but the profile has 2 sample types");
	replace_sample(3000, &bad_count);
	assert_string_equal(error_on_threads(msg, sizeof(msg)),
		"sample 3000 has 1 value, but the profile has 2 sample types");

	/* a sample whose label's key has the wrong wire type, late in the
	 * file: not a profile.proto, whatever else is wrong before it */
	f = &fs.f[2 + 4900];
	f->len = 0;
	put_bytes(f, 2, "\x1a\x02\x0a\x05", 4);
	for (i = 0, off = 0; i < 2 + 4900; i++)
		off += fs.f[i].len;
	off += 2 + 2;	/* the sample's key and length, the label's */
	w = join(&fs, NULL);
	for (t = 1; t <= 3; t += 2) {
		assert_int_equal(load(&p, &w, t, &scan, &err), 1);
		assert_false(scan.valid);
		assert_string_equal(scan.why, "field has the wrong wire type");
		assert_int_equal(scan.bad_offset, off);
		assert_int_equal(p.nsamples, 0);
	}
	free(w.buf);
	fields_release(&fs);
}

/* Raw Sample messages protobuf-c takes, or not, against the walk: the
 * load says what the whole walk and then protobuf-c say, whether the
 * walk ran on all of the sample or not. */
struct raw_sample {
	const char *what;
	const char *bytes;
	size_t len;
	int pbc_takes;		/* perftools__profiles__sample__unpack: 1,
				 * 0, or -1 for either */
	int ret;		/* proto_load */
	const char *why;	/* the walk's, when ret is 1 */
	size_t bad_at;		/* where, from the sample's first byte */
};

/* The bytes: location 1, values 1 and 2, then the case's own. */
#define SAMPLE_HEAD "\x0a\x01\x01\x12\x02\x01\x02"
static const struct raw_sample raw_samples[] = {
	/* protobuf-c.c reads it into 32 bits (an int shifted by 28): 2,
	 * or refused, as the compiler made it */
	{ "a label length of 2^32 + 2",
	  SAMPLE_HEAD "\x1a\x82\x80\x80\x80\x10\x08\x05", 15, -1, 1,
	  "length runs past the end of the data", 7 },
	{ "a label length of 2 in five bytes",
	  SAMPLE_HEAD "\x1a\x82\x80\x80\x80\x00\x08\x05", 15, 1, 0, NULL, 0 },
	{ "a label field numbered 2^29: unknown to protobuf-c",
	  SAMPLE_HEAD "\x1a\x06\x80\x80\x80\x80\x10\x00", 15, 1, 1,
	  "bad field number", 9 },
	{ "a sample field numbered 0 in two bytes",
	  SAMPLE_HEAD "\x80\x00\x01", 10, 1, 1, "bad field number", 7 },
	{ "an unknown fixed64 sample field",
	  SAMPLE_HEAD "\xa1\x01\x01\x02\x03\x04\x05\x06\x07\x08", 17, 1, 0,
	  NULL, 0 },
	{ "an unknown fixed64 label field",
	  SAMPLE_HEAD "\x1a\x0a\xa1\x01\x01\x02\x03\x04\x05\x06\x07\x08", 19,
	  1, 0, NULL, 0 },
	{ "a location id with a six-byte key",
	  SAMPLE_HEAD "\x88\x80\x80\x80\x80\x00\x02", 14, 0, -1, NULL, 0 },
	{ "an eleven-byte packed location id",
	  SAMPLE_HEAD "\x0a\x0b\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x01",
	  20, 0, 1, "varint longer than ten bytes", 9 },
	{ "a label key in fixed64",
	  SAMPLE_HEAD "\x1a\x09\x09\x01\x02\x03\x04\x05\x06\x07\x08", 18,
	  0, 1, "field has the wrong wire type", 9 },
};

static void test_proto_read__walk_after_protobuf_c(void **state)
{
	size_t c;

	(void)state;
	for (c = 0; c < sizeof(raw_samples) / sizeof(raw_samples[0]); c++) {
		const struct raw_sample *rs = &raw_samples[c];
		Perftools__Profiles__Sample *pb;
		struct profile p;
		struct proto_scan scan;
		struct ls_error err;
		struct wire w, *f;
		size_t i, off = 0;
		unsigned t;

		print_message("%s\n", rs->what);
		pb = perftools__profiles__sample__unpack(NULL, rs->len,
			(const uint8_t *)rs->bytes);
		if (rs->pbc_takes >= 0)
			assert_int_equal(pb != NULL, rs->pbc_takes);
		if (pb)
			perftools__profiles__sample__free_unpacked(pb, NULL);
		make_profile(&fs, 5000);
		f = &fs.f[2 + 4000];
		f->len = 0;
		put_bytes(f, 2, rs->bytes, rs->len);
		for (i = 0; i < 2 + 4000; i++)
			off += fs.f[i].len;
		off += 2;	/* the sample's key and length */
		w = join(&fs, NULL);
		for (t = 1; t <= 3; t += 2) {
			assert_int_equal(load(&p, &w, t, &scan, &err), rs->ret);
			if (rs->ret == 1) {
				assert_false(scan.valid);
				assert_string_equal(scan.why, rs->why);
				assert_int_equal(scan.bad_offset, off + rs->bad_at);
			} else if (rs->ret < 0) {
				assert_string_equal(err.msg,
					"not a valid profile.proto: malformed protobuf");
			} else {
				assert_int_equal(p.nsamples, 5000);
				assert_int_equal(p.samples[4000].nlocations, 1);
				assert_int_equal(p.samples[4000].values[1], 2);
			}
			profile_release(&p);
		}
		free(w.buf);
		fields_release(&fs);
	}
}

/* ---- reading ahead ---------------------------------------------------- */

/* proto_load_ahead after feeding w in steps of step bytes. */
static int load_ahead_in_steps(struct profile *p, const struct wire *w,
			       unsigned threads, size_t step,
			       profile_labels_fn *labels,
			       struct proto_scan *scan, struct ls_error *err)
{
	struct proto_ahead *a = proto_ahead_new();
	size_t avail = 0;
	int ret;

	assert_non_null(a);
	profile_init(p);
	ls_error_init(err, "test.pb");
	while (avail < w->len) {
		avail = w->len - avail < step ? w->len : avail + step;
		proto_ahead_feed(a, w->buf, avail);
	}
	ret = proto_load_ahead(p, w->buf, w->len, threads, labels, a, scan,
			       err);
	proto_ahead_free(a);
	return ret;
}

/* Read ahead in steps of one byte, an odd few, 4 KiB or all at once, on
 * 1 or 3 threads, labels kept or unread: what proto_load gives, message
 * and model (but for the labels left out). */
static void assert_ahead_like_load(const struct wire *w)
{
	static const size_t steps[] = { 1, 13, 4096, SIZE_MAX };
	struct profile want, got;
	struct proto_scan want_scan, got_scan;
	struct ls_error want_err, got_err;
	int want_ret = load(&want, w, 1, &want_scan, &want_err);
	size_t s;
	unsigned t;

	for (s = 0; s < 2 * sizeof(steps) / sizeof(steps[0]); s++) {
		size_t step = steps[s % (sizeof(steps) / sizeof(steps[0]))];
		bool labels = s < sizeof(steps) / sizeof(steps[0]);

		if (step == 1 && w->len > 300000)
			continue;
		for (t = 1; t <= 3; t += 2) {
			int ret = load_ahead_in_steps(&got, w, t, step,
						      labels ? NULL :
						      profile_labels_unread,
						      &got_scan, &got_err);

			assert_int_equal(ret, want_ret);
			assert_string_equal(got_err.msg, want_err.msg);
			if (ret == 1) {
				assert_int_equal(got_scan.valid, want_scan.valid);
				assert_string_equal(got_scan.why, want_scan.why);
				assert_int_equal(got_scan.bad_offset, want_scan.bad_offset);
				assert_int_equal(got_scan.plausible, want_scan.plausible);
			}
			if (ret == 0)
				assert_same_model_labels(&want, &got, labels);
			else
				assert_int_equal(got.nsamples, 0);
			profile_release(&got);
		}
	}
	profile_release(&want);
}

/* Samples read ahead of the locations and strings they refer to: the
 * model of the whole-input load, in Go's field order and others. */
static void test_proto_read__ahead_same_model(void **state)
{
	unsigned order[] = { 6, 12, 9, 5, 4, 3, 1, 2 };
	struct wire w;
	size_t idx[MAXFIELDS], n, i, k;

	(void)state;
	make_profile(&fs, 5000);
	w = join(&fs, NULL);
	assert_ahead_like_load(&w);
	free(w.buf);
	for (n = 0, k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (i = 0; i < fs.n; i++)
			if (fs.number[i] == order[k])
				idx[n++] = i;
	w = join(&fs, idx);
	assert_ahead_like_load(&w);
	free(w.buf);
	fields_release(&fs);
}

/* Location ids past 32 bits, some of which cut to 32 bits would name
 * other locations: read ahead, the model of the whole-input load. */
static void test_proto_read__ahead_wide_location_ids(void **state)
{
	struct wire w;

	(void)state;
	make_profile_ids(&fs, 3000, true);
	w = join(&fs, NULL);
	assert_ahead_like_load(&w);
	free(w.buf);
	fields_release(&fs);
}

/* Errors in samples read ahead, found before the locations and strings
 * exist: the message the whole-input load gives, in its order. */
static void test_proto_read__ahead_same_errors(void **state)
{
	Perftools__Profiles__Sample bad_ref = PERFTOOLS__PROFILES__SAMPLE__INIT;
	Perftools__Profiles__Sample bad_count = PERFTOOLS__PROFILES__SAMPLE__INIT;
	Perftools__Profiles__Sample bad_label = PERFTOOLS__PROFILES__SAMPLE__INIT;
	Perftools__Profiles__Label lab = PERFTOOLS__PROFILES__LABEL__INIT;
	Perftools__Profiles__Label *labp = &lab;
	uint64_t missing = 999, loc = 1;
	int64_t values[2] = { 1, 2 };
	struct wire w, *f;
	size_t c;

	(void)state;
	bad_ref.location_id = &missing;
	bad_ref.n_location_id = 1;
	bad_ref.value = values;
	bad_ref.n_value = 2;
	bad_count.value = values;
	bad_count.n_value = 1;
	bad_label.location_id = &loc;
	bad_label.n_location_id = 1;
	bad_label.value = values;
	bad_label.n_value = 2;
	lab.key = 1;
	lab.str = 12345;
	bad_label.label = &labp;
	bad_label.n_label = 1;

	make_profile(&fs, 3000);
	replace_sample(2500, &bad_label);
	w = join(&fs, NULL);
	assert_ahead_like_load(&w);
	free(w.buf);
	replace_sample(2000, &bad_ref);
	replace_sample(10, &bad_ref);
	w = join(&fs, NULL);
	assert_ahead_like_load(&w);
	free(w.buf);
	replace_sample(2900, &bad_count);
	w = join(&fs, NULL);
	assert_ahead_like_load(&w);
	free(w.buf);
	replace_sample(0, &bad_count);	/* every sample read ahead has 1 */
	w = join(&fs, NULL);
	assert_ahead_like_load(&w);
	free(w.buf);
	/* a wire error late in the samples */
	f = &fs.f[2 + 2950];
	f->len = 0;
	put_bytes(f, 2, "\x1a\x02\x0a\x05", 4);
	w = join(&fs, NULL);
	assert_ahead_like_load(&w);
	free(w.buf);
	fields_release(&fs);

	/* the raw samples of walk_after_protobuf_c */
	for (c = 0; c < sizeof(raw_samples) / sizeof(raw_samples[0]); c++) {
		make_profile(&fs, 1200);
		f = &fs.f[2 + 1000];
		f->len = 0;
		put_bytes(f, 2, raw_samples[c].bytes, raw_samples[c].len);
		w = join(&fs, NULL);
		assert_ahead_like_load(&w);
		free(w.buf);
		fields_release(&fs);
	}

	/* a profile cut short, one without strings, text, no protobuf */
	make_profile(&fs, 1200);
	w = join(&fs, NULL);
	w.len -= 3;
	assert_ahead_like_load(&w);
	for (w.len = 0, c = 0; c < fs.n; c++)
		if (fs.number[c] != 6)
			put(&w, fs.f[c].buf, fs.f[c].len);
	assert_ahead_like_load(&w);
	w.len = 0;
	for (c = 0; c < 2000; c++)
		put(&w, "heap profile: 1: 2 [3: 4] @ heap/1048576\n", 41);
	assert_ahead_like_load(&w);
	for (c = 0; c < w.len; c++)
		w.buf[c] = (uint8_t)(c * 2654435761u >> 13);
	assert_ahead_like_load(&w);
	free(w.buf);
	fields_release(&fs);
}

/* ---- the hand-written Sample decoder against protobuf-c -------------- */

static unsigned below(uint64_t *x, unsigned n)
{
	return (unsigned)(next_random(x) % n);
}

/* What gen_sample wrote that the fast decoder must decline; without
 * one it must decode the sample. */
struct gen_flags {
	bool odd;
};

/* v as a varint of n bytes: continuation bytes pad it when n is more
 * than it needs (protobuf-c takes that, up to its limits). */
static void put_padded(struct wire *w, uint64_t v, size_t n)
{
	uint8_t b[11];
	size_t i;

	for (i = 0; i < n; i++) {
		b[i] = (uint8_t)((v & 0x7f) | 0x80);
		v >>= 7;
	}
	assert_int_equal(v, 0);
	b[n - 1] &= 0x7f;
	put(w, b, n);
}

static size_t varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >>= 7)
		n++;
	return n;
}

/* A varint of v: usually canonical, sometimes padded to up to ten
 * bytes (to eleven, rarely: odd). */
static void gen_varint(uint64_t *x, struct wire *w, uint64_t v,
		       struct gen_flags *g)
{
	size_t n = varint_size(v);

	if (below(x, 8) == 0) {
		n += below(x, (unsigned)(11 - n));
		if (n == 10 && below(x, 4) == 0) {
			n = 11;
			g->odd = true;
		}
	}
	put_padded(w, v, n);
}

/* A raw varint of 1-10 bytes, any bits, the tenth's above bit 63 too. */
static void gen_raw_varint(uint64_t *x, struct wire *w)
{
	uint8_t b[10];
	size_t n = 1 + below(x, 10), i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(next_random(x) | 0x80);
	b[n - 1] &= 0x7f;
	put(w, b, n);
}

/* A value of a varied size: small, 32 or 64 bits, negative, extremes. */
static uint64_t gen_value(uint64_t *x)
{
	switch (below(x, 6)) {
	case 0: return below(x, 128);
	case 1: return below(x, 1u << 20);
	case 2: return (uint32_t)next_random(x);
	case 3: return (uint64_t)-(int64_t)(1 + below(x, 1000));
	case 4: return below(x, 2) ? UINT64_MAX : (uint64_t)INT64_MIN;
	default: return next_random(x);
	}
}

static void gen_number(uint64_t *x, struct wire *w, struct gen_flags *g)
{
	if (below(x, 8) == 0)
		gen_raw_varint(x, w);
	else
		gen_varint(x, w, gen_value(x), g);
}

/* A length-prefixed field: key, the body's length (padded to up to four
 * bytes, or to five: odd), the body. */
static void gen_length_field(uint64_t *x, struct wire *w, uint8_t key,
			     const struct wire *body, struct gen_flags *g)
{
	size_t n = varint_size(body->len);

	if (below(x, 8) == 0)
		n += below(x, (unsigned)(5 - n));
	if (below(x, 64) == 0) {
		n = 5;
		g->odd = true;
	}
	put(w, &key, 1);
	put_padded(w, body->len, n);
	put(w, body->buf, body->len);
}

/* A Label: its four fields in any order, any number of times. */
static void gen_label(uint64_t *x, struct wire *w, struct gen_flags *g)
{
	struct wire body = { NULL, 0, 0 };
	unsigned n = below(x, 6), i;

	for (i = 0; i < n; i++) {
		uint8_t key = (uint8_t)((1 + below(x, 4)) << 3);

		put(&body, &key, 1);
		gen_number(x, &body, g);
	}
	if (below(x, 40) == 0) {	/* an unknown field */
		put(&body, "\x28\x01", 2);
		g->odd = true;
	}
	gen_length_field(x, w, 0x1a, &body, g);
	free(body.buf);
}

/* One field of a Sample, of the common shape mostly. */
static void gen_sample_field(uint64_t *x, struct wire *w, struct gen_flags *g)
{
	struct wire body = { NULL, 0, 0 };
	unsigned kind = below(x, 40), n, i;
	uint8_t key = below(x, 2) ? 0x08 : 0x10;

	if (kind < 16) {	/* packed location ids or values, maybe none */
		for (n = below(x, 9), i = 0; i < n; i++)
			gen_number(x, &body, g);
		gen_length_field(x, w, (uint8_t)(key | 2), &body, g);
	} else if (kind < 26) {	/* one, unpacked */
		put(w, &key, 1);
		gen_number(x, w, g);
	} else if (kind < 38) {
		gen_label(x, w, g);
	} else if (kind == 38) {	/* a key in two bytes */
		put(w, (uint8_t[]){ (uint8_t)(key | 0x80), 0x00 }, 2);
		gen_number(x, w, g);
		g->odd = true;
	} else {	/* an unknown fixed64 field */
		put(w, "\x29\x01\x02\x03\x04\x05\x06\x07\x08", 9);
		g->odd = true;
	}
	free(body.buf);
}

static void gen_sample(uint64_t *x, struct wire *w, struct gen_flags *g)
{
	unsigned n = below(x, 7), i;

	w->len = 0;
	g->odd = false;
	for (i = 0; i < n; i++)
		gen_sample_field(x, w, g);
}

/* One to three changes: a byte set to a telling or random value, cut
 * short, a byte inserted or removed. */
static void mutate(uint64_t *x, struct wire *w)
{
	static const uint8_t telling[] = { 0x00, 0x01, 0x7f, 0x80, 0xff,
		0x08, 0x09, 0x0a, 0x0d, 0x10, 0x12, 0x18, 0x1a, 0x1b, 0x20,
		0x22, 0x28 };
	unsigned n = 1 + below(x, 3), i;

	for (i = 0; i < n; i++) {
		size_t at = w->len ? below(x, (unsigned)w->len) : 0;
		uint8_t b;

		switch (w->len ? below(x, 5) : 3) {
		case 0:
			w->buf[at] = telling[below(x, sizeof(telling))];
			break;
		case 1:
			w->buf[at] = (uint8_t)next_random(x);
			break;
		case 2:
			w->len = at;
			break;
		case 3:
			b = (uint8_t)next_random(x);
			put(w, &b, 1);	/* room for one more */
			memmove(w->buf + at + 1, w->buf + at, w->len - at - 1);
			w->buf[at] = b;
			break;
		default:
			memmove(w->buf + at, w->buf + at + 1, w->len - at - 1);
			w->len--;
			break;
		}
	}
}

static void assert_same_sample(const Perftools__Profiles__Sample *a,
			       const Perftools__Profiles__Sample *b)
{
	size_t j;

	assert_int_equal(a->base.n_unknown_fields, 0);
	assert_int_equal(b->base.n_unknown_fields, 0);
	assert_int_equal(a->n_location_id, b->n_location_id);
	for (j = 0; j < a->n_location_id; j++)
		assert_int_equal(a->location_id[j], b->location_id[j]);
	assert_int_equal(a->n_value, b->n_value);
	for (j = 0; j < a->n_value; j++)
		assert_int_equal(a->value[j], b->value[j]);
	assert_int_equal(a->n_label, b->n_label);
	for (j = 0; j < a->n_label; j++) {
		const Perftools__Profiles__Label *x = a->label[j], *y = b->label[j];

		assert_int_equal(x->base.n_unknown_fields, 0);
		assert_int_equal(y->base.n_unknown_fields, 0);
		assert_int_equal(x->key, y->key);
		assert_int_equal(x->str, y->str);
		assert_int_equal(x->num, y->num);
		assert_int_equal(x->num_unit, y->num_unit);
	}
}

/* w as the fast decoder and as protobuf-c with the walk see it: what the
 * first decodes, the second takes and decodes alike. Whether the fast
 * decoder took it; *checked whether the second did. */
static bool compare_decoders(const struct wire *w, bool *checked)
{
	struct arena fast = ARENA_INIT, both = ARENA_INIT;
	const unsigned char *d = w->buf ? w->buf : (const unsigned char *)"";
	Perftools__Profiles__Sample *f = proto_sample_fast(&fast, d, w->len);
	Perftools__Profiles__Sample *c = proto_sample_checked(&both, d, w->len);

	if (f) {
		assert_non_null(c);
		assert_same_sample(f, c);
	}
	*checked = c != NULL;
	arena_release(&fast);
	arena_release(&both);
	return f != NULL;
}

/* Thousands of generated Sample messages, of the common shape and not,
 * then each mutated: the fast decoder takes every one of the common
 * shape and nothing that protobuf-c or the walk refuses, and decodes
 * what it takes as protobuf-c does. */
static void test_proto_read__fast_sample_like_protobuf_c(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15u;
	struct wire w = { NULL, 0, 0 };
	size_t c, plain = 0, mutated_taken = 0, mutated_refused = 0;

	(void)state;
	for (c = 0; c < 20000; c++) {
		struct gen_flags g;
		bool checked;

		gen_sample(&x, &w, &g);
		assert_int_equal(compare_decoders(&w, &checked), !g.odd);
		plain += !g.odd;
		mutate(&x, &w);
		if (compare_decoders(&w, &checked))
			mutated_taken++;
		else if (!checked)
			mutated_refused++;
	}
	print_message("%zu plain samples decoded; mutated: %zu decoded, "
		      "%zu refused by protobuf-c or the walk\n",
		      plain, mutated_taken, mutated_refused);
	/* both ways taken often enough to mean something */
	assert_true(plain > 10000);
	assert_true(mutated_taken > 1000);
	assert_true(mutated_refused > 5000);
	free(w.buf);
}

/* A Sample for make_profile()'s profile, made to be decoded straight
 * into the model (sample_direct) mostly, and sometimes not: location ids
 * packed and not, mostly defined; two values in any split between packed
 * and not, sometimes one or three; labels of any of their fields, the
 * string indexes mostly in range; now and then mutated. */
static bool odd(uint64_t *x, unsigned rarity)
{
	return rarity && below(x, rarity) == 0;
}

/* ... each odd thing one time in rarity (0: never). */
static void gen_direct_sample(uint64_t *x, struct wire *w, unsigned rarity)
{
	struct wire body = { NULL, 0, 0 }, part = { NULL, 0, 0 };
	unsigned nvalues = !odd(x, rarity) ? 2 : 1 + 2 * below(x, 2);
	unsigned nfields = below(x, 6), i, j, n;

	w->len = 0;
	for (i = 0; i < nfields; i++) {
		unsigned kind = below(x, 4);

		part.len = 0;
		if (kind == 0) {	/* location ids, packed or one */
			n = below(x, 3) ? 1 + below(x, 8) : 1;
			for (j = 0; j < n; j++)
				put_varint(&part, !odd(x, rarity) ? 1 + below(x, NFUNCS)
					   : below(x, 2) ? 0 : NFUNCS + 1 + below(x, 300));
			if (n == 1 && below(x, 2)) {
				put(&body, "\x08", 1);
				put(&body, part.buf, part.len);
			} else {
				put_bytes(&body, 1, part.buf, part.len);
			}
		} else if (kind == 1 && nvalues > 0) {	/* values */
			n = 1 + below(x, nvalues);
			for (j = 0; j < n; j++)
				put_varint(&part, gen_value(x));
			nvalues -= n;
			if (n == 1 && below(x, 2)) {
				put(&body, "\x10", 1);
				put(&body, part.buf, part.len);
			} else {
				put_bytes(&body, 2, part.buf, part.len);
			}
		} else if (kind >= 2) {	/* a label */
			n = below(x, 5);
			for (j = 0; j < n; j++) {
				/* the string table's 1 + NFUNCS + 4 */
				uint64_t v = !odd(x, rarity) ? below(x, 1 + NFUNCS + 4)
					     : below(x, 2) ? 1 + NFUNCS + 4 + below(x, 2) * below(x, 9)
					     : (uint64_t)-1;

				put_scalar(&part, 1 + below(x, 4), below(x, 3) ? v : below(x, 2));
			}
			put_bytes(&body, 3, part.buf, part.len);
		}
	}
	if (nvalues > 0) {
		part.len = 0;
		for (j = 0; j < nvalues; j++)
			put_varint(&part, gen_value(x));
		put_bytes(&body, 2, part.buf, part.len);
	}
	if (odd(x, rarity))
		mutate(x, &body);
	put_bytes(w, 2, body.buf, body.len);
	free(body.buf);
	free(part.buf);
}

/* a and b hold the same samples, label strings too (assert_same_model
 * compares the rest). */
static void assert_same_labels(const struct profile *a, const struct profile *b)
{
	size_t i, j;

	for (i = 0; i < a->nsamples; i++)
		for (j = 0; j < a->samples[i].nlabels; j++) {
			const struct label *x = &a->samples[i].labels[j];
			const struct label *y = &b->samples[i].labels[j];

			assert_true((x->str == NULL) == (y->str == NULL));
			if (x->str)
				assert_string_equal(x->str, y->str);
		}
}

/* w loaded with samples of the common shape decoded straight into the
 * model and through the general path, on one thread and on three, with
 * the labels kept and unread: the same result, error or refusal, and
 * without labels the same model but for them. proto_load's return. */
static int load_both_ways(const struct wire *w)
{
	int r1 = 0;
	unsigned t, u;

	for (t = 1; t <= 3; t += 2) {
		struct profile direct, general, unread;
		struct proto_scan s1, s2;
		struct ls_error e1, e2;
		int r2;

		proto_direct_samples = true;
		r1 = load(&direct, w, t, &s1, &e1);
		proto_direct_samples = false;
		r2 = load(&general, w, t, &s2, &e2);
		proto_direct_samples = true;
		assert_int_equal(r1, r2);
		if (r1 < 0)
			assert_string_equal(e1.msg, e2.msg);
		if (r1 > 0) {
			assert_int_equal(s1.valid, s2.valid);
			assert_int_equal(s1.bad_offset, s2.bad_offset);
		}
		if (r1 == 0) {
			assert_same_model(&direct, &general);
			assert_same_labels(&direct, &general);
			assert_true(direct.narrow);	/* NFUNCS locations */
		}
		for (u = 0; u < 2; u++) {	/* stacks of 32 bits */
			proto_narrow_stacks = false;
			proto_direct_samples = u == 0;
			r2 = load(&unread, w, t, &s2, &e2);
			proto_direct_samples = proto_narrow_stacks = true;
			assert_int_equal(r1, r2);
			if (r1 < 0)
				assert_string_equal(e1.msg, e2.msg);
			if (r1 == 0) {
				assert_false(unread.narrow);
				assert_same_model(&direct, &unread);
				assert_same_labels(&direct, &unread);
			}
			profile_release(&unread);
		}
		for (u = 0; u < 2; u++) {
			proto_direct_samples = u == 0;
			r2 = load_labels(&unread, w, t, profile_labels_unread,
					 &s2, &e2);
			proto_direct_samples = true;
			assert_int_equal(r1, r2);
			if (r1 < 0)
				assert_string_equal(e1.msg, e2.msg);
			if (r1 > 0)
				assert_int_equal(s1.bad_offset, s2.bad_offset);
			if (r1 == 0)
				assert_same_model_labels(&direct, &unread, false);
			profile_release(&unread);
		}
		profile_release(&direct);
		profile_release(&general);
	}
	return r1;
}

/* A profile of nloc locations (all of function 1) and 50 samples whose
 * stacks name the last ones and the first. */
static struct wire many_locations(size_t nloc)
{
	Perftools__Profiles__ValueType vt = PERFTOOLS__PROFILES__VALUE_TYPE__INIT;
	Perftools__Profiles__Function f = PERFTOOLS__PROFILES__FUNCTION__INIT;
	struct wire w = { NULL, 0, 0 };
	size_t i;

	put(&w, "", 0);
	vt.type = 1;
	vt.unit = 1;
	put_msg(&w, 1, &vt.base);
	for (i = 0; i < 50; i++) {
		Perftools__Profiles__Sample s = PERFTOOLS__PROFILES__SAMPLE__INIT;
		uint64_t locs[3] = { nloc - i, nloc - 50 - i, 1 + i };
		int64_t value = (int64_t)i + 1;

		s.location_id = locs;
		s.n_location_id = 3;
		s.value = &value;
		s.n_value = 1;
		put_msg(&w, 2, &s.base);
	}
	for (i = 0; i < nloc; i++) {
		Perftools__Profiles__Location l = PERFTOOLS__PROFILES__LOCATION__INIT;
		Perftools__Profiles__Line ln = PERFTOOLS__PROFILES__LINE__INIT;
		Perftools__Profiles__Line *lnp = &ln;

		l.id = i + 1;
		l.address = 0x401000 + i;
		ln.function_id = 1;
		l.line = &lnp;
		l.n_line = 1;
		put_msg(&w, 4, &l.base);
	}
	f.id = 1;
	f.name = 1;
	put_msg(&w, 5, &f.base);
	put_bytes(&w, 6, "", 0);
	put_bytes(&w, 6, "f", 1);
	return w;
}

/* Stacks of 16 bits up to PROFILE_NARROW_MAX locations, of 32 past it:
 * either way the model of 32-bit stacks, read ahead too. */
static void test_proto_read__narrow_stacks(void **state)
{
	static const size_t counts[] = { PROFILE_NARROW_MAX, PROFILE_NARROW_MAX + 1 };
	size_t c, i, j;

	(void)state;
	for (c = 0; c < 2; c++) {
		struct wire w = many_locations(counts[c]);
		struct profile narrow, wide;
		struct proto_scan scan;
		struct ls_error err;

		assert_int_equal(load(&narrow, &w, 1, &scan, &err), 0);
		proto_narrow_stacks = false;
		assert_int_equal(load(&wide, &w, 1, &scan, &err), 0);
		proto_narrow_stacks = true;
		assert_int_equal(narrow.narrow, counts[c] <= PROFILE_NARROW_MAX);
		assert_false(wide.narrow);
		assert_same_model(&narrow, &wide);
		for (i = 0; i < narrow.nsamples; i++)
			for (j = 0; j < 3; j++)
				assert_int_equal(sample_location_index(&narrow, &narrow.samples[i], j),
						 j == 0 ? counts[c] - 1 - i :
						 j == 1 ? counts[c] - 51 - i : i);
		assert_ahead_like_load(&w);
		profile_release(&narrow);
		profile_release(&wide);
		free(w.buf);
	}
}

/* Sample 500 of 1000 replaced by one at the edges of what is decoded
 * straight into the model, then profiles of generated samples
 * (gen_direct_sample): the same either way. */
static void test_proto_read__direct_like_general(void **state)
{
	/* the string table has 45 entries, locations are 1-40 */
	static const struct {
		const char *bytes;
		size_t len;
		int ret;
	} edges[] = {
		{ "\x0a\x01\x28\x12\x02\x01\x02\x1a\x06\x08\x2c\x10\x2c\x18\x01", 15, 0 },
		{ "\x0a\x01\x01\x12\x02\x01\x02\x1a\x02\x08\x2d", 11, -1 },
		{ "\x0a\x01\x01\x12\x02\x01\x02\x1a\x04\x08\x01\x10\x2d", 13, -1 },
		{ "\x0a\x01\x01\x12\x02\x01\x02\x1a\x06\x08\x01\x18\x05\x20\x2d", 15, -1 },
		{ "\x0a\x01\x01\x12\x02\x01\x02\x1a\x06\x08\x01\x18\x05\x20\x2c", 15, 0 },
		{ "\x0a\x01\x01\x12\x02\x01\x02\x1a\x04\x08\x2d\x10\x00", 13, -1 },
		{ "\x0a\x01\x29\x12\x02\x01\x02", 7, -1 },
		{ "\x0a\x01\x00\x12\x02\x01\x02", 7, -1 },
		{ "\x08\x28\x10\x01\x10\x02", 6, 0 },
		{ "\x0a\x01\x01\x12\x01\x01", 6, -1 },
		{ "\x0a\x01\x01\x12\x02\x01\x02\x10\x03", 9, -1 },
		{ "\x12\x02\x01\x02", 4, 0 },
	};
	uint64_t x = 0x2545f4914f6cdd1du;
	size_t round, i, ok = 0, failed = 0, refused = 0;
	struct wire w;
	int r;

	(void)state;
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		make_profile(&fs, 1000);
		fs.f[2 + 500].len = 0;
		put_bytes(&fs.f[2 + 500], 2, edges[i].bytes, edges[i].len);
		w = join(&fs, NULL);
		assert_int_equal(load_both_ways(&w), edges[i].ret);
		free(w.buf);
		fields_release(&fs);
	}
	for (round = 0; round < 240; round++) {
		/* every sample, odd things rare or never; or a few among
		 * those Go's writer made, odd things often */
		static const unsigned rarity[] = { 0, 2000, 200, 3 };

		make_profile(&fs, 1000);
		for (i = 0; i < 1000; i++)
			if (round % 4 < 3 || below(&x, 100) == 0)
				gen_direct_sample(&x, &fs.f[2 + i], rarity[round % 4]);
		w = join(&fs, NULL);
		r = load_both_ways(&w);
		ok += r == 0;
		failed += r < 0;
		refused += r > 0;
		free(w.buf);
		fields_release(&fs);
	}
	print_message("%zu profiles loaded, %zu with an error, %zu refused\n",
		      ok, failed, refused);
	assert_true(ok > 40 && failed > 20 && refused > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proto_read__field_orders),
		cmocka_unit_test(test_proto_read__threads_same_result),
		cmocka_unit_test(test_proto_read__first_error_in_file_order),
		cmocka_unit_test(test_proto_read__walk_after_protobuf_c),
		cmocka_unit_test(test_proto_read__ahead_same_model),
		cmocka_unit_test(test_proto_read__ahead_wide_location_ids),
		cmocka_unit_test(test_proto_read__ahead_same_errors),
		cmocka_unit_test(test_proto_read__fast_sample_like_protobuf_c),
		cmocka_unit_test(test_proto_read__direct_like_general),
		cmocka_unit_test(test_proto_read__narrow_stacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
