/* json_stream.c - write JSON straight to a FILE, laid out as jansson does */
#include "json_stream.h"

#include "strbuf.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

void json_stream_init(struct json_stream *js, FILE *fp, int precision)
{
	js->fp = fp;
	js->precision = precision;
	js->depth = 0;
	js->first = true;
	js->key = NULL;
	js->point = localeconv()->decimal_point[0];
}

void json_stream_continue(struct json_stream *js, FILE *fp,
			  const struct json_stream *at)
{
	*js = *at;
	js->fp = fp;
	js->key = NULL;
}

/* The length of the UTF-8 sequence at s, or 0 when jansson's utf8_check
 * rejects it: continuation or C0/C1/F5+ lead bytes, a short sequence,
 * overlong forms, surrogates, code points beyond U+10FFFF. */
static size_t utf8_len(const unsigned char *s)
{
	uint32_t v;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xC2 || s[0] > 0xF4)
		return 0;
	n = s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
	v = s[0] & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
	for (i = 1; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF)	/* also stops at the NUL */
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ||
	    (n == 3 && v < 0x800) || (n == 4 && v < 0x10000))
		return 0;
	return n;
}

bool json_stream_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		n = utf8_len(p);
		if (!n)
			return false;
		p += n;
	}
	return true;
}

int json_stream_key(struct json_stream *js, const char *key)
{
	if (!json_stream_utf8(key))
		return -1;
	js->key = key;
	return 0;
}

/* s, valid UTF-8, in quotes: '"', '\\' and the control characters below
 * U+0020 escaped, everything else as it is. */
static void write_string(FILE *fp, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *run = s;
	char esc[6] = { '\\', 'u', '0', '0' };

	putc_unlocked('"', fp);
	for (;; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		fwrite_unlocked(run, 1, (size_t)(s - run), fp);
		if (!c)
			break;
		run = s + 1;
		esc[1] = c == '"' ? '"' : c == '\\' ? '\\' : c == '\b' ? 'b' :
			 c == '\f' ? 'f' : c == '\n' ? 'n' : c == '\r' ? 'r' :
			 c == '\t' ? 't' : 'u';
		if (esc[1] == 'u') {
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xF];
			fwrite_unlocked(esc, 1, 6, fp);
		} else {
			fwrite_unlocked(esc, 1, 2, fp);
		}
	}
	putc_unlocked('"', fp);
}

/* A newline and two spaces per level of depth. */
static void write_indent(FILE *fp, unsigned depth)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)depth * 2;

	putc_unlocked('\n', fp);
	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		fwrite_unlocked(spaces, 1, k, fp);
		n -= k;
	}
}

/* What goes before a value: the separator from the one before it, then
 * its key when it is an object's member. */
static void start_value(struct json_stream *js)
{
	if (js->depth) {
		if (!js->first)
			putc_unlocked(',', js->fp);
		write_indent(js->fp, js->depth);
	}
	js->first = false;
	if (js->key) {
		write_string(js->fp, js->key);
		fwrite_unlocked(": ", 1, 2, js->fp);
		js->key = NULL;
	}
}

static void begin(struct json_stream *js, char open)
{
	start_value(js);
	putc_unlocked(open, js->fp);
	js->depth++;
	js->first = true;
}

static void end(struct json_stream *js, char close)
{
	js->depth--;
	if (!js->first)
		write_indent(js->fp, js->depth);
	putc_unlocked(close, js->fp);
	js->first = false;
}

void json_stream_begin_object(struct json_stream *js)
{
	begin(js, '{');
}

void json_stream_end_object(struct json_stream *js)
{
	end(js, '}');
}

void json_stream_begin_array(struct json_stream *js)
{
	begin(js, '[');
}

void json_stream_end_array(struct json_stream *js)
{
	end(js, ']');
}

int json_stream_string(struct json_stream *js, const char *s)
{
	if (!s || !json_stream_utf8(s)) {	/* json_string() returns NULL */
		js->key = NULL;
		return -1;
	}
	start_value(js);
	write_string(js->fp, s);
	return 0;
}

int json_stream_string_or_null(struct json_stream *js, const char *s)
{
	if (!s || !*s) {
		json_stream_null(js);
		return 0;
	}
	return json_stream_string(js, s);
}

/* jansson's jsonp_dtostr: "%.*g", the locale's decimal point turned back
 * into '.', ".0" added when there is neither '.' nor 'e', and the exponent
 * stripped of '+' and leading zeros. */
int json_stream_real(struct json_stream *js, double v)
{
	char buf[100], *p, *e;
	char point = js->point;
	int len;

	if (!isfinite(v)) {
		js->key = NULL;
		return -1;
	}
	len = snprintf(buf, sizeof(buf) - 2, "%.*g",
		       js->precision ? js->precision : 17, v);
	if (point != '.' && (p = strchr(buf, point)))
		*p = '.';
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		memcpy(buf + len, ".0", 3);
		len += 2;
	}
	if ((p = strchr(buf, 'e'))) {
		p++;
		e = p + 1;
		if (*p == '-')
			p++;
		while (*e == '0')
			e++;
		memmove(p, e, (size_t)(buf + len + 1 - e));
		len -= (int)(e - p);
	}
	start_value(js);
	fwrite_unlocked(buf, 1, (size_t)len, js->fp);
	return 0;
}

void json_stream_integer(struct json_stream *js, long long v)
{
	char buf[STRBUF_LLD_MAX], *end = buf + sizeof(buf);
	char *p = strbuf_lld_digits(end, v);

	start_value(js);
	fwrite_unlocked(p, 1, (size_t)(end - p), js->fp);
}

void json_stream_bool(struct json_stream *js, bool v)
{
	start_value(js);
	fputs_unlocked(v ? "true" : "false", js->fp);
}

void json_stream_null(struct json_stream *js)
{
	start_value(js);
	fputs_unlocked("null", js->fp);
}

int json_stream_member_string(struct json_stream *js, const char *key,
			      const char *s)
{
	return json_stream_key(js, key) < 0 ? -1 : json_stream_string(js, s);
}

int json_stream_member_string_or_null(struct json_stream *js,
				      const char *key, const char *s)
{
	return json_stream_key(js, key) < 0 ? -1 :
		json_stream_string_or_null(js, s);
}

int json_stream_member_real(struct json_stream *js, const char *key,
			    double v)
{
	return json_stream_key(js, key) < 0 ? -1 : json_stream_real(js, v);
}

void json_stream_member_integer(struct json_stream *js, const char *key,
				long long v)
{
	if (json_stream_key(js, key) == 0)
		json_stream_integer(js, v);
}

void json_stream_member_bool(struct json_stream *js, const char *key, bool v)
{
	if (json_stream_key(js, key) == 0)
		json_stream_bool(js, v);
}

void json_stream_member_value_type(struct json_stream *js, const char *key,
				   const char *type, const char *unit)
{
	if (json_stream_key(js, key) < 0)
		return;
	json_stream_begin_object(js);
	json_stream_member_string(js, "type", type);
	json_stream_member_string(js, "unit", unit);
	json_stream_end_object(js);
}

int json_stream_finish(struct json_stream *js)
{
	putc_unlocked('\n', js->fp);
	return ferror(js->fp) ? -1 : 0;
}
