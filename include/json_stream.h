/* json_stream.h - write JSON straight to a FILE, laid out as jansson does
 *
 * The output is byte for byte what json_dumpf() prints for the same values
 * with JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(p), so a
 * writer can stream a large document instead of building it in memory:
 * members one per line, indented two spaces a level, "key": value, empty
 * arrays and objects as [] and {}; strings escaped as jansson escapes them
 * by default ('"', '\\', control characters; '/' and non-ASCII UTF-8 as
 * they are); integers as "%lld"; reals as "%.<p>g" with ".0" added when
 * neither '.' nor 'e' is there and the exponent without '+' or leading 0s.
 *
 * A value that jansson refuses to build (a NULL string or one that is not
 * valid UTF-8, a real that is NaN or infinite) is left out, and so is the
 * key before it: the same document as json_object_set_new(o, key,
 * json_string(s)) or json_array_append_new(a, json_real(v)), which fail
 * and add nothing.
 *
 * The stream borrows fp and writes as it goes; it does not flush, and it
 * reports write errors only in json_stream_finish() (or check ferror(fp)
 * on the way, to stop early). No heap memory. It writes with stdio's
 * _unlocked calls (a lock per character was a tenth of the goroutines
 * JSON report): no other thread may use fp meanwhile.
 */
#ifndef LEAKSCOPE_JSON_STREAM_H
#define LEAKSCOPE_JSON_STREAM_H

#include <stdbool.h>
#include <stdio.h>

struct json_stream {
	FILE *fp;
	int precision;		/* %g digits for reals; 0 = 17, as jansson */
	unsigned depth;		/* open arrays and objects */
	bool first;		/* nothing written yet in the innermost one */
	const char *key;	/* written with the next value, or NULL */
	char point;		/* the locale's decimal point, read once at
				 * init: localeconv() is not for threads */
};

void json_stream_init(struct json_stream *js, FILE *fp, int precision);

/* Starts js on fp where at stands, between two values (no key pending):
 * what js writes is what at would write next, at the same depth and
 * with a separator when a value came before at that depth. Parts of one
 * array can so be written on several threads, each to a buffer of its
 * own, and copied out in order; at itself is not changed. */
void json_stream_continue(struct json_stream *js, FILE *fp,
			  const struct json_stream *at);

/* Whether s is UTF-8 that jansson accepts for a string or a key. */
bool json_stream_utf8(const char *s);

/* The key of the next value in an object. -1 when jansson would refuse
 * the key (not valid UTF-8): nothing is kept, and the caller must not
 * write the value. */
int json_stream_key(struct json_stream *js, const char *key);

void json_stream_begin_object(struct json_stream *js);
void json_stream_end_object(struct json_stream *js);
void json_stream_begin_array(struct json_stream *js);
void json_stream_end_array(struct json_stream *js);

/* Values. string and real return -1 and write nothing, not even a pending
 * key, for a value jansson refuses; the others cannot fail. */
int json_stream_string(struct json_stream *js, const char *s);
/* s, or null when s is NULL or "": the writers' way of saying "none". */
int json_stream_string_or_null(struct json_stream *js, const char *s);
int json_stream_real(struct json_stream *js, double v);
void json_stream_integer(struct json_stream *js, long long v);
void json_stream_bool(struct json_stream *js, bool v);
void json_stream_null(struct json_stream *js);

/* A key and its value in one call, as json_stream_key() then the value
 * (key a valid UTF-8 constant); the same results. */
int json_stream_member_string(struct json_stream *js, const char *key,
			      const char *s);
int json_stream_member_string_or_null(struct json_stream *js,
				      const char *key, const char *s);
int json_stream_member_real(struct json_stream *js, const char *key,
			    double v);
void json_stream_member_integer(struct json_stream *js, const char *key,
				long long v);
void json_stream_member_bool(struct json_stream *js, const char *key,
			     bool v);
/* key: {"type": type, "unit": unit}, a profile's sample type as every
 * report spells it. */
void json_stream_member_value_type(struct json_stream *js, const char *key,
				   const char *type, const char *unit);

/* The newline that ends the document, after the root's closing bracket,
 * as the writers put one after json_dumpf()'s. 0, or -1 when a write to
 * fp has failed (ferror). */
int json_stream_finish(struct json_stream *js);

#endif
