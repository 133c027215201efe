/* legacy_read.c - the legacy pprof formats into the model
 *
 * A port of pprof's legacy_profile.go and legacy_java_profile.go (the
 * version vendored in Go 1.19): the same parsers in the same order, the
 * same scaling, the same post-processing of mappings and ids, so that
 * every figure equals pprof's. The regular expressions are matched by
 * hand, with the backtracking that matters for real input.
 *
 * Working data (locations, samples, ...) grows in heap vectors owned by
 * struct legacy; the model is written into p->arena once at the end.
 */
#include "goconv.h"
#include "legacy.h"
#include "strbuf.h"
#include "u64map.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- growable vectors --------------------------------------------------- */

/* Makes room for one more element in *v (n used, *cap allocated). */
static int grow(void **v, size_t n, size_t *cap, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / size)
		return -1;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

#define PUSH(vec, n, cap) grow((void **)&(vec), (n), &(cap), sizeof(*(vec)))

/* ---- working profile ---------------------------------------------------- */

struct lloc {
	uint64_t address;
	long mapping;		/* index in mappings, -1 none */
	size_t first_line;	/* in lines */
	size_t nlines;
	long owner;		/* record whose symbol lines named it */
	long order;		/* position after remapping, -1 unused */
};

struct lline {
	long function;
	int64_t line;
};

struct lfunc {
	const char *name;
	const char *filename;
	long order;
};

struct lsample {
	size_t stk_off, stk_n;	/* in stk */
	size_t val_off;		/* in vals */
	size_t lab_off, lab_n;	/* in labels */
};

struct lmap {
	uint64_t start, limit, offset;
	const char *file;
	const char *build_id;
	bool dropped;
};

struct legacy {
	struct profile *p;
	struct ls_error *err;

	struct lloc *locs;
	size_t nlocs, caplocs;
	struct u64map addrs;		/* address -> locs index */
	struct lline *lines;
	size_t nlines, caplines;
	struct lfunc *funcs;
	size_t nfuncs, capfuncs;
	struct u64map fnames;		/* hash of (name, file) -> funcs */
	struct lsample *samples;
	size_t nsamples, capsamples;
	uint32_t *stk;
	size_t nstk, capstk;
	int64_t *vals;
	size_t nvals, capvals;
	struct label *labels;
	size_t nlabels, caplabels;
	struct lmap *maps;
	size_t nmaps, capmaps;
	const char **comments;
	size_t ncomments, capcomments;

	size_t nvalues;			/* per sample */
	long record;			/* current sample record, for symbols */
	bool java_funcs;		/* functions keyed by name only */
	bool go_symbols;		/* Go's "#\t0x.. func file:line" seen */
};

static void legacy_free(struct legacy *l)
{
	u64map_release(&l->addrs);
	u64map_release(&l->fnames);
	free(l->locs);
	free(l->lines);
	free(l->funcs);
	free(l->samples);
	free(l->stk);
	free(l->vals);
	free(l->labels);
	free(l->maps);
	free(l->comments);
}

/* Clears everything parsed, for the next parser to try. */
static void legacy_reset(struct legacy *l)
{
	struct profile *p = l->p;
	struct ls_error *err = l->err;

	legacy_free(l);
	memset(l, 0, sizeof(*l));
	l->p = p;
	l->err = err;
	l->record = -1;
}

static int oom(struct legacy *l)
{
	return ls_error_set(l->err, "out of memory");
}

static const char *intern(struct legacy *l, const char *s, size_t n)
{
	return profile_intern(l->p, s, n);
}

/* The location for address addr, created on first use; -1 when out of
 * memory. */
static long location_for(struct legacy *l, uint64_t addr)
{
	long i = u64map_get(&l->addrs, addr);
	struct lloc *loc;

	if (i >= 0)
		return i;
	if (PUSH(l->locs, l->nlocs, l->caplocs) < 0 ||
	    u64map_put(&l->addrs, addr, l->nlocs) < 0)
		return -1;
	loc = &l->locs[l->nlocs];
	memset(loc, 0, sizeof(*loc));
	loc->address = addr;
	loc->mapping = -1;
	loc->owner = -1;
	loc->order = -1;
	return (long)l->nlocs++;
}

/* Starts a sample with nvalues zero values and no stack. */
static struct lsample *sample_new(struct legacy *l)
{
	struct lsample *s;
	size_t i;

	if (PUSH(l->samples, l->nsamples, l->capsamples) < 0)
		return NULL;
	for (i = 0; i < l->nvalues; i++)
		if (PUSH(l->vals, l->nvals, l->capvals) < 0)
			return NULL;
		else
			l->vals[l->nvals++] = 0;
	s = &l->samples[l->nsamples++];
	s->stk_off = l->nstk;
	s->stk_n = 0;
	s->val_off = l->nvals - l->nvalues;
	s->lab_off = l->nlabels;
	s->lab_n = 0;
	l->record = (long)l->nsamples - 1;
	return s;
}

/* Appends the location of addr to the stack of the last sample. */
static int sample_push(struct legacy *l, uint64_t addr)
{
	long loc = location_for(l, addr);

	if (l->samples[l->nsamples - 1].stk_n == PROFILE_STACK_MAX)
		return ls_error_set(l->err, "a stack of more than %lu frames",
				    (unsigned long)PROFILE_STACK_MAX);
	if (loc < 0 || PUSH(l->stk, l->nstk, l->capstk) < 0)
		return oom(l);
	l->stk[l->nstk++] = (uint32_t)loc;
	l->samples[l->nsamples - 1].stk_n++;
	return 0;
}

static int sample_label(struct legacy *l, const char *key, const char *str,
			int64_t num)
{
	struct label *lab;

	if (l->samples[l->nsamples - 1].lab_n == PROFILE_STACK_MAX)
		return ls_error_set(l->err, "a sample with more than %lu labels",
				    (unsigned long)PROFILE_STACK_MAX);
	if (PUSH(l->labels, l->nlabels, l->caplabels) < 0)
		return oom(l);
	lab = &l->labels[l->nlabels++];
	lab->key = key;
	lab->str = str;
	lab->num = num;
	lab->unit = "";
	l->samples[l->nsamples - 1].lab_n++;
	return 0;
}

static long function_for(struct legacy *l, const char *name,
			 const char *file)
{
	uint64_t key = u64map_mix((uint64_t)(uintptr_t)name) ^
		(l->java_funcs ? 0 : (uint64_t)(uintptr_t)file * 31);
	long i = u64map_get(&l->fnames, key);

	/* The hash of two pointers may collide: check, and fall back to a
	 * scan, which real input never needs. */
	if (i >= 0 && l->funcs[i].name == name &&
	    (l->java_funcs || l->funcs[i].filename == file))
		return i;
	if (i >= 0) {
		size_t j;

		for (j = 0; j < l->nfuncs; j++)
			if (l->funcs[j].name == name &&
			    (l->java_funcs || l->funcs[j].filename == file))
				return (long)j;
	}
	if (PUSH(l->funcs, l->nfuncs, l->capfuncs) < 0)
		return -1;
	l->funcs[l->nfuncs].name = name;
	l->funcs[l->nfuncs].filename = file;
	l->funcs[l->nfuncs].order = -1;
	if (i < 0 && u64map_put(&l->fnames, key, l->nfuncs) < 0)
		return -1;
	return (long)l->nfuncs++;
}

/* Gives location loc the line (fn, line): appended to the lines it got
 * from the current record, or replacing older ones when replace. */
static int location_line(struct legacy *l, long loc, long fn, int64_t line,
			 bool replace)
{
	struct lloc *lc = &l->locs[loc];

	if (PUSH(l->lines, l->nlines, l->caplines) < 0)
		return oom(l);
	if (replace || lc->nlines == 0) {
		lc->first_line = l->nlines;
		lc->nlines = 0;
		lc->owner = l->record;
	} else if (lc->owner != l->record ||
		   lc->first_line + lc->nlines != l->nlines) {
		return 0;	/* named by an earlier record already */
	}
	l->lines[l->nlines].function = fn;
	l->lines[l->nlines].line = line;
	l->nlines++;
	lc->nlines++;
	return 0;
}

/* a * b with Go's wrap-around on overflow. */
static int64_t mul(uint64_t a, int64_t b)
{
	return (int64_t)(a * (uint64_t)b);
}

/* a / b with Go's result for the minimum divided by -1; b != 0. */
static int64_t quo(int64_t a, int64_t b)
{
	return b == -1 ? (int64_t)(0 - (uint64_t)a) : a / b;
}

/* ---- text helpers ------------------------------------------------------- */

/* Go's \s in RE2: [\t\n\f\r ]. */
static bool re_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* strings.TrimSpace, for ASCII. */
static bool go_space(int c)
{
	return re_space(c) || c == '\v';
}

struct str {
	const char *s;
	size_t n;
};

static struct str trim(struct str t)
{
	while (t.n && go_space((unsigned char)t.s[0])) {
		t.s++;
		t.n--;
	}
	while (t.n && go_space((unsigned char)t.s[t.n - 1]))
		t.n--;
	return t;
}

static bool has_prefix(struct str t, const char *pre)
{
	size_t n = strlen(pre);

	return t.n >= n && memcmp(t.s, pre, n) == 0;
}

static const char *find(struct str t, const char *needle)
{
	return memmem(t.s, t.n, needle, strlen(needle));
}

static bool is_space_or_comment(struct str t)
{
	t = trim(t);
	return t.n == 0 || t.s[0] == '#';
}

static bool is_memory_map_sentinel(struct str t)
{
	return find(t, "--- Memory map: ---") || find(t, "MAPPED_LIBRARIES:");
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_xdigit(int c)
{
	return isxdigit((unsigned char)c) != 0;
}

/* strconv.ParseInt(s, base, 64); base 0 as Go (0x, 0o, 0b, 0 octal)
 * for the digit strings the callers pass. */
static bool parse_int(struct str t, int base, int64_t *out)
{
	char buf[72], *end;
	long long v;

	if (t.n == 0 || t.n >= sizeof(buf))
		return false;
	memcpy(buf, t.s, t.n);
	buf[t.n] = '\0';
	if (!isdigit((unsigned char)buf[0]) && buf[0] != '-' && buf[0] != '+')
		return false;
	errno = 0;
	v = strtoll(buf, &end, base);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_uint(struct str t, int base, uint64_t *out)
{
	char buf[72], *end;
	unsigned long long v;

	if (t.n == 0 || t.n >= sizeof(buf) || !isxdigit((unsigned char)t.s[0]))
		return false;
	memcpy(buf, t.s, t.n);
	buf[t.n] = '\0';
	errno = 0;
	v = strtoull(buf, &end, base);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* parseHexAddresses: every 0x[0-9a-f]+ in t. */
static int hex_addresses(struct legacy *l, struct str t, long long lineno,
			 struct str line, uint64_t **out, size_t *n,
			 size_t *cap)
{
	size_t i = 0;

	*n = 0;
	while (i + 2 < t.n + 1) {
		size_t j;
		uint64_t v;

		if (!(t.s[i] == '0' && i + 1 < t.n && t.s[i + 1] == 'x' &&
		      i + 2 < t.n && (is_digit(t.s[i + 2]) ||
				      (t.s[i + 2] >= 'a' && t.s[i + 2] <= 'f')))) {
			i++;
			continue;
		}
		j = i + 2;
		while (j < t.n && (is_digit(t.s[j]) ||
				   (t.s[j] >= 'a' && t.s[j] <= 'f')))
			j++;
		if (!parse_uint((struct str){ t.s + i + 2, j - i - 2 }, 16, &v))
			return ls_error_set_line(l->err, lineno,
				"malformed sample: %.*s: failed to parse as hex 64-bit number: %.*s",
				(int)line.n, line.s, (int)(j - i), t.s + i);
		if (PUSH(*out, *n, *cap) < 0)
			return oom(l);
		(*out)[(*n)++] = v;
		i = j;
	}
	return 0;
}

/* ---- line scanner, as bufio.Scanner with ScanLines -------------------- */

struct scanner {
	const char *d;
	size_t len, pos;
	struct str text;	/* current line; empty after the end */
	long long lineno;
};

static void scanner_init(struct scanner *s, const char *d, size_t len,
			 long long first_lineno)
{
	s->d = d;
	s->len = len;
	s->pos = 0;
	s->text.s = d;
	s->text.n = 0;
	s->lineno = first_lineno - 1;
}

static bool scan(struct scanner *s)
{
	const char *nl;
	size_t n;

	if (s->pos >= s->len) {
		s->text.s = s->d + s->len;
		s->text.n = 0;
		return false;
	}
	nl = memchr(s->d + s->pos, '\n', s->len - s->pos);
	n = nl ? (size_t)(nl - (s->d + s->pos)) : s->len - s->pos;
	s->text.s = s->d + s->pos;
	s->text.n = n;
	if (n && s->text.s[n - 1] == '\r')
		s->text.n--;
	s->pos += n + (nl ? 1 : 0);
	s->lineno++;
	return true;
}

/* ---- symbol and label lines of Go's debug=1 text ------------------------ */

/* "#\t0x4a1b2c\tmain.f+0x2c\t/src/main.go:12": names the location of
 * address 0x4a1b2c, if a sample of the current record uses it. */
static int symbol_line(struct legacy *l, struct str t)
{
	size_t i = 1, j;
	uint64_t addr;
	struct str name, where;
	const char *colon;
	long loc, fn;
	int64_t lineno = 0;
	const char *fname, *file;

	if (l->record < 0)
		return 0;
	while (i < t.n && re_space(t.s[i]))
		i++;
	if (i + 2 >= t.n || t.s[i] != '0' || t.s[i + 1] != 'x')
		return 0;
	j = i + 2;
	while (j < t.n && is_xdigit(t.s[j]))
		j++;
	if (!parse_uint((struct str){ t.s + i + 2, j - i - 2 }, 16, &addr))
		return 0;
	loc = u64map_get(&l->addrs, addr);
	if (loc < 0)
		return 0;
	i = j;
	while (i < t.n && re_space(t.s[i]))
		i++;
	j = i;
	while (j < t.n && !re_space(t.s[j]))
		j++;
	name = (struct str){ t.s + i, j - i };
	if (!name.n)
		return 0;
	/* Drop the "+0x2c" offset. */
	for (i = name.n; i > 0; i--)
		if (name.s[i - 1] == '+') {
			if (i + 1 < name.n && name.s[i] == '0' &&
			    name.s[i + 1] == 'x')
				name.n = i - 1;
			break;
		}
	where = trim((struct str){ t.s + j, t.n - j });
	file = "";
	colon = NULL;
	for (i = where.n; i > 0; i--)
		if (where.s[i - 1] == ':') {
			colon = where.s + i - 1;
			break;
		}
	if (colon && parse_int((struct str){ colon + 1,
			(size_t)(where.s + where.n - colon - 1) }, 10, &lineno))
		where.n = (size_t)(colon - where.s);
	else
		lineno = 0;
	fname = intern(l, name.s, name.n);
	file = intern(l, where.s, where.n);
	if (!fname || !file)
		return oom(l);
	fn = function_for(l, fname, file);
	if (fn < 0)
		return oom(l);
	l->go_symbols = true;
	return location_line(l, loc, fn, lineno, false);
}

/* Reads one Go-quoted string at *i of t; false if malformed. */
static bool go_quoted(struct str t, size_t *i, struct strbuf *out)
{
	size_t k = *i;

	strbuf_reset(out);
	if (k >= t.n || t.s[k] != '"')
		return false;
	for (k++; k < t.n && t.s[k] != '"'; k++) {
		char c = t.s[k];

		if (c == '\\' && k + 1 < t.n) {
			c = t.s[++k];
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'x':
				if (k + 2 < t.n && is_xdigit(t.s[k + 1]) &&
				    is_xdigit(t.s[k + 2])) {
					char hex[3] = { t.s[k + 1], t.s[k + 2], 0 };

					c = (char)strtol(hex, NULL, 16);
					k += 2;
				}
				break;
			default: break;	/* \" \\ and the rest: as is */
			}
		}
		if (strbuf_addch(out, c) < 0)
			return false;
	}
	if (k >= t.n)
		return false;
	*i = k + 1;
	return true;
}

/* "# labels: {"k":"v", "k2":"v2"}" after a count record: string labels
 * of its sample. Malformed labels are ignored, as pprof ignores them. */
static int labels_line(struct legacy *l, struct str t)
{
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	size_t i;
	int ret = 0;

	if (l->record != (long)l->nsamples - 1 || l->record < 0)
		return 0;
	t = trim(t);
	t.s += strlen("# labels:");
	t.n -= strlen("# labels:");
	t = trim(t);
	if (!t.n || t.s[0] != '{')
		return 0;
	i = 1;
	for (;;) {
		const char *k, *v;

		while (i < t.n && (t.s[i] == ' ' || t.s[i] == ','))
			i++;
		if (i >= t.n || t.s[i] == '}')
			break;
		if (!go_quoted(t, &i, &key) || i >= t.n || t.s[i] != ':')
			break;
		i++;
		if (!go_quoted(t, &i, &val))
			break;
		k = intern(l, key.buf, key.len);
		v = intern(l, val.buf, val.len);
		if (!k || !v || sample_label(l, k, v, 0) < 0) {
			ret = oom(l);
			break;
		}
	}
	strbuf_release(&key);
	strbuf_release(&val);
	return ret;
}

/* A comment line of a text profile: symbols, labels, runtime.MemStats. */
static int comment_line(struct legacy *l, struct str t, bool *in_memstats)
{
	struct str c = trim(t);

	if (!c.n || c.s[0] != '#')
		return 0;
	if (has_prefix(c, "# runtime.MemStats"))
		*in_memstats = true;
	if (*in_memstats) {
		/* Kept as written, "# " included: text reports, like
		 * pprof's, leave out comments that start with '#'. */
		const char *s = intern(l, c.s, c.n);

		if (!s || PUSH(l->comments, l->ncomments, l->capcomments) < 0)
			return oom(l);
		l->comments[l->ncomments++] = s;
		return 0;
	}
	if (has_prefix(c, "# labels:"))
		return labels_line(l, c);
	return symbol_line(l, c);
}

/* ---- memory maps (ParseProcMaps) ---------------------------------------- */

struct maps_entry {
	struct str start, end, perm, offset, file, build_id;
};

static size_t hex_run(const char *s, size_t n, size_t i)
{
	while (i < n && is_xdigit(s[i]))
		i++;
	return i;
}

static size_t space_run(const char *s, size_t n, size_t i)
{
	while (i < n && re_space(s[i]))
		i++;
	return i;
}

/* The rest of procMapsRE after the address range, from i:
 * (?:\s+([-rwxp]+))?(?:\s+([[:xdigit:]]+))?\s+[[:xdigit:]]+:[[:xdigit:]]+\s+[[:digit:]]+(?:\s+(\S+))? */
static bool proc_maps_tail(const char *s, size_t n, size_t i,
			   struct maps_entry *e)
{
	int with_perm, with_off;

	for (with_perm = 1; with_perm >= 0; with_perm--)
		for (with_off = 1; with_off >= 0; with_off--) {
			size_t k = i, a, b;

			e->perm = (struct str){ "", 0 };
			e->offset = (struct str){ "", 0 };
			e->file = (struct str){ "", 0 };
			if (with_perm) {
				a = space_run(s, n, k);
				if (a == k)
					continue;
				b = a;
				while (b < n && strchr("-rwxp", s[b]) && s[b])
					b++;
				if (b == a)
					continue;
				e->perm = (struct str){ s + a, b - a };
				k = b;
			}
			if (with_off) {
				a = space_run(s, n, k);
				if (a == k)
					continue;
				b = hex_run(s, n, a);
				if (b == a)
					continue;
				e->offset = (struct str){ s + a, b - a };
				k = b;
			}
			a = space_run(s, n, k);
			if (a == k)
				continue;
			b = hex_run(s, n, a);
			if (b == a || b >= n || s[b] != ':')
				continue;
			a = b + 1;
			b = hex_run(s, n, a);
			if (b == a)
				continue;
			k = b;
			a = space_run(s, n, k);
			if (a == k)
				continue;
			b = a;
			while (b < n && is_digit(s[b]))
				b++;
			if (b == a)
				continue;
			k = b;
			a = space_run(s, n, k);
			if (a > k && a < n) {
				b = a;
				while (b < n && !re_space(s[b]))
					b++;
				e->file = (struct str){ s + a, b - a };
			}
			return true;
		}
	return false;
}

/* The rest of briefMapsRE after the address range (always matches):
 * (?:\s+([-rwxp]+))?(?:\s+(\S+))?(?:\s+\(@([[:xdigit:]]+)\))?(?:\s+([[:xdigit:]]+))? */
static void brief_maps_tail(const char *s, size_t n, size_t k,
			    struct maps_entry *e)
{
	size_t a, b;

	e->perm = e->offset = e->file = e->build_id = (struct str){ "", 0 };
	a = space_run(s, n, k);
	if (a > k) {
		b = a;
		while (b < n && s[b] && strchr("-rwxp", s[b]))
			b++;
		if (b > a) {
			e->perm = (struct str){ s + a, b - a };
			k = b;
		}
	}
	a = space_run(s, n, k);
	if (a > k && a < n) {
		b = a;
		while (b < n && !re_space(s[b]))
			b++;
		e->file = (struct str){ s + a, b - a };
		k = b;
	}
	a = space_run(s, n, k);
	if (a > k && a + 1 < n && s[a] == '(' && s[a + 1] == '@') {
		b = hex_run(s, n, a + 2);
		if (b > a + 2 && b < n && s[b] == ')') {
			e->offset = (struct str){ s + a + 2, b - a - 2 };
			k = b + 1;
		}
	}
	a = space_run(s, n, k);
	if (a > k) {
		b = hex_run(s, n, a);
		if (b > a)
			e->build_id = (struct str){ s + a, b - a };
	}
}

/* parseMappingEntry: 1 with a mapping, 0 for a line to skip (not
 * executable), -1 when unrecognised. */
static int mapping_entry(struct str t, struct maps_entry *e)
{
	const char *s = t.s;
	size_t n = t.n, i, h1s, h1e;
	int brief;

	for (brief = 0; brief <= 1; brief++) {
		i = space_run(s, n, 0);
		if (i + 1 < n && s[i] == '0' && s[i + 1] == 'x' &&
		    hex_run(s, n, i + 2) > i + 2)
			i += 2;
		h1s = i;
		h1e = hex_run(s, n, i);
		for (; h1e > h1s; h1e--) {
			int sep;

			for (sep = 1; sep >= 0; sep--) {
				size_t k = h1e, h2s, h2e;

				if (sep) {
					if (k >= n || !(re_space(s[k]) || s[k] == '-'))
						continue;
					k++;
				}
				k = space_run(s, n, k);
				if (k + 1 < n && s[k] == '0' && s[k + 1] == 'x' &&
				    hex_run(s, n, k + 2) > k + 2)
					k += 2;
				h2s = k;
				h2e = hex_run(s, n, k);
				if (h2e == h2s)
					continue;
				k = h2e;
				if (k < n && s[k] == ':')
					k++;
				e->start = (struct str){ s + h1s, h1e - h1s };
				e->end = (struct str){ s + h2s, h2e - h2s };
				e->build_id = (struct str){ "", 0 };
				if (!brief) {
					if (proc_maps_tail(s, n, k, e))
						goto matched;
					/* A ':' after the range is optional:
					 * try without it. */
					if (h2e < n && s[h2e] == ':' &&
					    proc_maps_tail(s, n, h2e, e))
						goto matched;
				} else {
					brief_maps_tail(s, n, k, e);
					goto matched;
				}
			}
		}
	}
	return -1;
matched:
	if (e->perm.n && !memchr(e->perm.s, 'x', e->perm.n))
		return 0;
	return 1;
}

/* removeLoggingInfo: drops a "I0102 12:34:56.789 file.cc:12] " prefix
 * (^[^\[\]]+:[0-9]+]\s). */
static struct str remove_logging_info(struct str t)
{
	size_t i;

	for (i = 0; i < t.n; i++) {
		size_t j;

		if (t.s[i] == '[' || (t.s[i] == ']' && i == 0))
			return t;
		if (t.s[i] != ']')
			continue;
		/* t.s[i] is the first ']': need ':' digits+ before it. */
		j = i;
		while (j > 0 && is_digit(t.s[j - 1]))
			j--;
		if (j == i || j < 2 || t.s[j - 1] != ':' ||
		    i + 1 >= t.n || !re_space(t.s[i + 1]))
			return t;
		return (struct str){ t.s + i + 2, t.n - i - 2 };
	}
	return t;
}

/* strings.Replacer of "$key" -> value pairs, as ParseProcMaps builds
 * from "key = value" lines: the first pair that matches at a position
 * wins, matches do not overlap. */
static int replace_attrs(const struct str *attrs, size_t nattrs,
			 struct str t, struct strbuf *out)
{
	size_t i = 0, k;

	strbuf_reset(out);
	while (i < t.n) {
		for (k = 0; k < nattrs; k += 2)
			if (attrs[k].n && t.n - i >= attrs[k].n &&
			    memcmp(t.s + i, attrs[k].s, attrs[k].n) == 0)
				break;
		if (k < nattrs) {
			if (strbuf_add(out, attrs[k + 1].s, attrs[k + 1].n) < 0)
				return -1;
			i += attrs[k].n;
		} else {
			if (strbuf_addch(out, t.s[i]) < 0)
				return -1;
			i++;
		}
	}
	return 0;
}

/* parseProcMapsFromScanner over the rest of s, into l->maps. */
static int parse_maps(struct legacy *l, struct scanner *s)
{
	struct str *attrs = NULL;	/* "$key", value, ... (interned) */
	size_t nattrs = 0, capattrs = 0;
	struct strbuf buf = STRBUF_INIT;
	int ret = 0;

	while (scan(s)) {
		struct maps_entry e;
		struct str t = remove_logging_info(s->text);
		struct lmap *m;
		int r;

		if (nattrs) {
			if (replace_attrs(attrs, nattrs, t, &buf) < 0)
				goto oom;
			t = (struct str){ buf.buf, buf.len };
		}
		r = mapping_entry(t, &e);
		if (r < 0) {
			const char *eq = memchr(t.s, '=', t.n);
			struct str key, val;
			const char *ks, *vs;
			char *dollar;

			if (!eq)
				continue;
			key = trim((struct str){ t.s, (size_t)(eq - t.s) });
			val = trim((struct str){ eq + 1, (size_t)(t.s + t.n - eq - 1) });
			dollar = malloc(key.n + 2);
			if (!dollar)
				goto oom;
			dollar[0] = '$';
			memcpy(dollar + 1, key.s, key.n);
			ks = intern(l, dollar, key.n + 1);
			free(dollar);
			vs = intern(l, val.s, val.n);
			if (!ks || !vs || PUSH(attrs, nattrs, capattrs) < 0)
				goto oom;
			attrs[nattrs++] = (struct str){ ks, key.n + 1 };
			if (PUSH(attrs, nattrs, capattrs) < 0)
				goto oom;
			attrs[nattrs++] = (struct str){ vs, val.n };
			continue;
		}
		if (r == 0)
			continue;
		if (PUSH(l->maps, l->nmaps, l->capmaps) < 0)
			goto oom;
		m = &l->maps[l->nmaps];
		memset(m, 0, sizeof(*m));
		if (!parse_uint(e.start, 16, &m->start) ||
		    !parse_uint(e.end, 16, &m->limit) ||
		    (e.offset.n && !parse_uint(e.offset, 16, &m->offset)))
			continue;
		m->file = intern(l, e.file.s, e.file.n);
		m->build_id = intern(l, e.build_id.s, e.build_id.n);
		if (!m->file || !m->build_id)
			goto oom;
		l->nmaps++;
	}
	goto out;
oom:
	ret = oom(l);
out:
	free(attrs);
	strbuf_release(&buf);
	return ret;
}

/* parseAdditionalSections: skips to the memory map sentinel (from the
 * current line on), then reads the map. */
static int additional_sections(struct legacy *l, struct scanner *s)
{
	while (!is_memory_map_sentinel(s->text) && scan(s))
		;
	return parse_maps(l, s);
}

/* ---- post-processing: massageMappings, remap*IDs ------------------------ */

static bool lib_name(struct str f)
{
	size_t i;

	/* [.]so$ | [.]so[._][0-9]+ */
	if (f.n >= 3 && memcmp(f.s + f.n - 3, ".so", 3) == 0)
		return true;
	for (i = 0; i + 4 < f.n + 0 && i + 4 <= f.n; i++)
		if (memcmp(f.s + i, ".so", 3) == 0 && i + 4 < f.n + 1 &&
		    (f.s[i + 3] == '.' || f.s[i + 3] == '_') &&
		    i + 4 < f.n && is_digit(f.s[i + 4]))
			return true;
	return false;
}

static bool adjacent(const struct lmap *m1, const struct lmap *m2)
{
	if (*m1->file && *m2->file && m1->file != m2->file)
		return false;
	if (*m1->build_id && *m2->build_id && m1->build_id != m2->build_id)
		return false;
	if (m1->limit != m2->start)
		return false;
	if (m1->offset != 0 && m2->offset != 0 &&
	    m1->offset + (m1->limit - m1->start) != m2->offset)
		return false;
	return true;
}

/* massageMappings (locations have no mappings yet at this point). */
static int massage_mappings(struct legacy *l)
{
	size_t i, n = 0;

	if (l->nmaps > 1) {
		n = 1;
		for (i = 1; i < l->nmaps; i++) {
			struct lmap *lm = &l->maps[n - 1];
			struct lmap *m = &l->maps[i];

			if (adjacent(lm, m)) {
				lm->limit = m->limit;
				if (*m->file)
					lm->file = m->file;
				if (*m->build_id)
					lm->build_id = m->build_id;
				continue;
			}
			l->maps[n++] = *m;
		}
		l->nmaps = n;
	}
	for (i = 0; i < l->nmaps; i++) {
		struct strbuf f = STRBUF_INIT;
		const char *s = l->maps[i].file, *del;
		struct str t;
		bool skip;

		/* strings.Replace(file, "(deleted)", "", -1), trimmed */
		while ((del = strstr(s, "(deleted)"))) {
			if (strbuf_add(&f, s, (size_t)(del - s)) < 0) {
				strbuf_release(&f);
				return oom(l);
			}
			s = del + strlen("(deleted)");
		}
		if (strbuf_addstr(&f, s) < 0) {
			strbuf_release(&f);
			return oom(l);
		}
		t = trim((struct str){ f.buf, f.len });
		skip = t.n == 0 || lib_name(t) || t.s[0] == '[';
		strbuf_release(&f);
		if (skip)
			continue;
		{
			struct lmap tmp = l->maps[0];

			l->maps[0] = l->maps[i];
			l->maps[i] = tmp;
		}
		break;
	}
	return 0;
}

/* remapLocationIDs, remapFunctionIDs and remapMappingIDs: numbers
 * locations in order of first use by samples, functions in order of
 * first use by those locations, and attaches locations to mappings. */
static int remap(struct legacy *l, long **order_out, size_t *norder)
{
	long *order;
	size_t i, j, n = 0, first = 0;
	bool fake = false;

	order = malloc((l->nlocs + 1) * sizeof(*order));
	if (!order)
		return oom(l);
	for (i = 0; i < l->nsamples; i++)
		for (j = 0; j < l->samples[i].stk_n; j++) {
			struct lloc *lc = &l->locs[l->stk[l->samples[i].stk_off + j]];

			if (lc->order >= 0)
				continue;
			lc->order = (long)n;
			order[n++] = (long)(lc - l->locs);
		}
	for (i = 0, j = 0; i < n; i++) {
		struct lloc *lc = &l->locs[order[i]];
		size_t k;

		for (k = 0; k < lc->nlines; k++) {
			struct lfunc *f = &l->funcs[l->lines[lc->first_line + k].function];

			if (f->order < 0)
				f->order = (long)j++;
		}
	}

	/* remapMappingIDs */
	if (l->nmaps > 0 && strncmp(l->maps[0].file, "/anon_hugepage", 14) == 0 &&
	    l->nmaps > 1 && l->maps[0].limit == l->maps[1].start)
		first = 1;
	if (l->nmaps > first) {
		struct lmap *m = &l->maps[first];

		if (m->start - m->offset == 0x400000) {
			m->start = 0x400000;
			m->offset = 0;
		}
	}
	for (i = first; i < l->nmaps; i++)
		l->maps[i - first] = l->maps[i];
	l->nmaps -= first;
	for (i = 0; i < n; i++) {
		struct lloc *lc = &l->locs[order[i]];
		uint64_t a = lc->address;
		size_t k;

		if (lc->mapping >= 0 || a == 0)
			continue;
		for (k = 0; k < l->nmaps; k++)
			if (l->maps[k].start <= a && a < l->maps[k].limit)
				break;
		if (k < l->nmaps) {
			lc->mapping = (long)k;
			continue;
		}
		for (k = 0; k < l->nmaps; k++) {
			struct lmap *m = &l->maps[k];

			if (m->offset != 0 && m->start - m->offset <= a &&
			    a < m->start) {
				m->start -= m->offset;
				m->offset = 0;
				break;
			}
		}
		if (k < l->nmaps) {
			lc->mapping = (long)k;
			continue;
		}
		if (!fake) {
			struct lmap *m;

			if (PUSH(l->maps, l->nmaps, l->capmaps) < 0) {
				free(order);
				return oom(l);
			}
			m = &l->maps[l->nmaps++];
			memset(m, 0, sizeof(*m));
			m->limit = UINT64_MAX;
			m->file = "";
			m->build_id = "";
			fake = true;
		}
		lc->mapping = (long)l->nmaps - 1;
	}
	*order_out = order;
	*norder = n;
	return 0;
}

/* cleanupDuplicateLocations */
static void cleanup_duplicate_locations(struct legacy *l)
{
	size_t i;

	for (i = 0; i < l->nsamples; i++) {
		struct lsample *s = &l->samples[i];
		uint32_t *stk = l->stk + s->stk_off;

		if (s->stk_n > 1 &&
		    l->locs[stk[0]].address == l->locs[stk[1]].address + 1) {
			memmove(stk + 1, stk + 2, (s->stk_n - 2) * sizeof(*stk));
			s->stk_n--;
		}
	}
}

/* ---- the model ----------------------------------------------------------- */

static const char alloc_rx[] =
	"calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|"
	"pvalloc|valloc|realloc|tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|"
	"tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|tc_valloc|"
	"tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|"
	"tc_new_nothrow|tc_newarray_nothrow|malloc_zone_malloc|"
	"malloc_zone_calloc|malloc_zone_valloc|malloc_zone_realloc|"
	"malloc_zone_memalign|malloc_zone_free|runtime\\..*|BaseArena::.*|"
	"(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|"
	"DoSampledAllocation|MallocedMemBlock::MallocedMemBlock|_M_allocate|"
	"__builtin_(vec_)?delete|__builtin_(vec_)?new|"
	"__gnu_cxx::new_allocator::allocate|__libc_malloc|"
	"__malloc_alloc_template::allocate|allocate|cpp_alloc|"
	"operator new(\\[\\])?|simple_alloc::allocate";
static const char alloc_skip_rx[] =
	"runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*";
static const char cpu_profiler_rx[] =
	"ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|"
	"__pthread_sighandler|__restore";
static const char lock_rx[] =
	"RecordLockProfileData|(base::)?RecordLockProfileData.*|"
	"(base::)?SubmitMutexProfileData.*|(base::)?SubmitSpinLockProfileData.*|"
	"(base::Mutex::)?AwaitCommon.*|(base::Mutex::)?Unlock.*|"
	"(base::Mutex::)?UnlockSlow.*|(base::Mutex::)?ReaderUnlock.*|"
	"(base::MutexLock::)?~MutexLock.*|(Mutex::)?AwaitCommon.*|"
	"(Mutex::)?Unlock.*|(Mutex::)?UnlockSlow.*|(Mutex::)?ReaderUnlock.*|"
	"(MutexLock::)?~MutexLock.*|(SpinLock::)?Unlock.*|"
	"(SpinLock::)?SlowUnlock.*|(SpinLockHolder::)?~SpinLockHolder.*";

static bool types_are(const struct profile *p, const char *const *t,
		      size_t n)
{
	size_t i;

	if (p->nsample_types != n)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(p->sample_types[i].type, t[i]) != 0)
			return false;
	return true;
}

/* addLegacyFrameInfo. pprof's drop patterns name C/C++ allocators and,
 * for heap profiles, every runtime.* frame: with the symbols pprof never
 * reads they would cut a Go debug=1 stack down to its unsymbolized
 * runtime.goexit root. Go's runtime writes those stacks exactly as it
 * writes the profile.proto form, which has no drop frames, so a profile
 * symbolized by Go's own symbol lines gets none either (go_symbols). */
static int legacy_frame_info(struct profile *p, bool go_symbols)
{
	static const char *const heap1[] = { "allocations", "size" };
	static const char *const heap2[] = { "objects", "space" };
	static const char *const heap3[] = { "inuse_objects", "inuse_space" };
	static const char *const heap4[] = { "alloc_objects", "alloc_space" };
	static const char *const heap5[] = { "alloc_objects", "alloc_space",
					     "inuse_objects", "inuse_space" };
	static const char *const cont[] = { "contentions", "delay" };
	const char *drop = cpu_profiler_rx, *keep = "";

	if (go_symbols) {
		drop = "";
	} else if (types_are(p, heap1, 2) || types_are(p, heap2, 2) ||
	    types_are(p, heap3, 2) || types_are(p, heap4, 2) ||
	    types_are(p, heap5, 4)) {
		drop = alloc_rx;
		keep = alloc_skip_rx;
	} else if (types_are(p, cont, 2)) {
		drop = lock_rx;
	}
	p->drop_frames = profile_intern(p, drop, strlen(drop));
	p->keep_frames = profile_intern(p, keep, strlen(keep));
	return p->drop_frames && p->keep_frames ? 0 : -1;
}

/* Sets the sample and period types: names[0..n) are type/unit pairs. */
static int set_types(struct legacy *l, const char *const *names, size_t n,
		     const char *ptype, const char *punit, int64_t period)
{
	struct profile *p = l->p;
	size_t i;

	p->sample_types = arena_calloc(&p->arena, n + 1,
				       sizeof(*p->sample_types));
	if (!p->sample_types)
		return oom(l);
	for (i = 0; i < n; i++) {
		p->sample_types[i].type = intern(l, names[2 * i],
						 strlen(names[2 * i]));
		p->sample_types[i].unit = intern(l, names[2 * i + 1],
						 strlen(names[2 * i + 1]));
		if (!p->sample_types[i].type || !p->sample_types[i].unit)
			return oom(l);
	}
	p->nsample_types = n;
	l->nvalues = n;
	p->period_type.type = intern(l, ptype, strlen(ptype));
	p->period_type.unit = intern(l, punit, strlen(punit));
	if (!p->period_type.type || !p->period_type.unit)
		return oom(l);
	p->period = period;
	return 0;
}

/* Writes the working profile into the model. massage: run
 * massageMappings first (all but the Java parsers); zero_addresses:
 * Java's Aggregate(address=false). */
static int finish(struct legacy *l, bool massage, bool zero_addresses)
{
	struct profile *p = l->p;
	long *order = NULL;
	size_t norder = 0, i, j, nfuncs = 0;
	struct line *lines;
	uint32_t *stk;
	int64_t *vals;
	struct label *labels;

	if (massage && massage_mappings(l) < 0)
		return -1;
	if (remap(l, &order, &norder) < 0)
		return -1;
	if (norder > PROFILE_LOCATIONS_MAX) {
		free(order);
		return oom(l);
	}

	p->mappings = arena_calloc(&p->arena, l->nmaps + 1,
				   sizeof(*p->mappings));
	for (i = 0; i < l->nfuncs; i++)
		if (l->funcs[i].order >= 0)
			nfuncs++;
	p->functions = arena_calloc(&p->arena, nfuncs + 1,
				    sizeof(*p->functions));
	p->locations = arena_calloc(&p->arena, norder + 1,
				    sizeof(*p->locations));
	lines = arena_calloc(&p->arena, l->nlines + 1, sizeof(*lines));
	stk = arena_calloc(&p->arena, l->nstk + 1, sizeof(*stk));
	vals = arena_calloc(&p->arena, l->nvals + 1, sizeof(*vals));
	labels = arena_calloc(&p->arena, l->nlabels + 1, sizeof(*labels));
	p->samples = arena_calloc(&p->arena, l->nsamples + 1,
				  sizeof(*p->samples));
	p->comments = arena_calloc(&p->arena, l->ncomments + 1,
				   sizeof(*p->comments));
	if (!p->mappings || !p->functions || !p->locations || !lines ||
	    !stk || !vals || !labels || !p->samples || !p->comments) {
		free(order);
		return oom(l);
	}
	for (i = 0; i < l->nmaps; i++) {
		struct mapping *m = &p->mappings[i];

		m->id = i + 1;
		m->memory_start = l->maps[i].start;
		m->memory_limit = l->maps[i].limit;
		m->file_offset = l->maps[i].offset;
		m->filename = l->maps[i].file;
		m->build_id = l->maps[i].build_id;
	}
	p->nmappings = l->nmaps;
	for (i = 0; i < l->nfuncs; i++) {
		struct lfunc *f = &l->funcs[i];
		struct function *out;

		if (f->order < 0)
			continue;
		out = &p->functions[f->order];
		out->id = (uint64_t)f->order + 1;
		out->name = out->system_name = f->name;
		out->filename = f->filename;
	}
	p->nfunctions = nfuncs;
	for (i = 0; i < norder; i++) {
		struct lloc *lc = &l->locs[order[i]];
		struct location *loc = &p->locations[i];

		loc->id = i + 1;
		loc->address = zero_addresses ? 0 : lc->address;
		loc->mapping = lc->mapping >= 0 ? &p->mappings[lc->mapping] : NULL;
		loc->lines = lines;
		loc->nlines = lc->nlines;
		for (j = 0; j < lc->nlines; j++) {
			const struct lline *ln = &l->lines[lc->first_line + j];

			lines[j].function = &p->functions[l->funcs[ln->function].order];
			lines[j].line = ln->line;
		}
		lines += lc->nlines;
	}
	p->nlocations = norder;
	for (i = 0; i < l->nsamples; i++) {
		const struct lsample *s = &l->samples[i];
		struct sample *out = &p->samples[i];

		out->stack = stk;	/* wide: p->narrow is false */
		out->nlocations = s->stk_n;
		for (j = 0; j < s->stk_n; j++)
			stk[j] = (uint32_t)l->locs[l->stk[s->stk_off + j]].order;
		stk += s->stk_n;
		out->values = vals;
		if (l->nvalues)
			memcpy(vals, l->vals + s->val_off,
			       l->nvalues * sizeof(*vals));
		vals += l->nvalues;
		out->labels = labels;
		out->nlabels = s->lab_n;
		if (s->lab_n)
			memcpy(labels, l->labels + s->lab_off,
			       s->lab_n * sizeof(*labels));
		labels += s->lab_n;
	}
	p->nsamples = l->nsamples;
	if (l->ncomments)
		memcpy(p->comments, l->comments,
		       l->ncomments * sizeof(*p->comments));
	p->ncomments = l->ncomments;
	free(order);
	if (p->nsample_types == 0 && p->nsamples)
		return ls_error_set(l->err, "missing sample type information");
	if (legacy_frame_info(p, l->go_symbols) < 0)
		return oom(l);
	return 1;
}

/* Parser results: 1 loaded, 0 not this format, -1 error. */
#define UNRECOGNIZED 0

/* ---- binary CPU profile ------------------------------------------------- */

struct words {
	const unsigned char *b;
	size_t n;
	bool nil;		/* Go's nil slice: ran out */
	int kind;		/* 0: 32l, 1: 32b, 2: 64l, 3: 64b */
};

static uint64_t get_word(struct words *w)
{
	size_t size = w->kind < 2 ? 4 : 8, i;
	uint64_t v = 0;

	if (w->nil || w->n < size) {
		w->nil = true;
		w->n = 0;
		return 0;
	}
	for (i = 0; i < size; i++) {
		unsigned shift = (unsigned)(w->kind % 2 == 0 ? i : size - 1 - i) * 8;

		v |= (uint64_t)w->b[i] << shift;
	}
	w->b += size;
	w->n -= size;
	return v;
}

/* parseCPUSamples; returns 1 on success, UNRECOGNIZED, or -1. */
static int cpu_samples(struct legacy *l, struct words *w, bool adjust,
		       int64_t period)
{
	uint64_t *addrs = NULL;
	size_t cap = 0;

	while (!w->nil && w->n > 0) {
		uint64_t count, nstk, i;
		struct lsample *s;

		count = get_word(w);
		nstk = get_word(w);
		if (w->nil || nstk > w->n / 4) {
			free(addrs);
			return UNRECOGNIZED;
		}
		if (nstk > cap) {
			uint64_t *na = realloc(addrs, nstk * sizeof(*addrs));

			if (!na) {
				free(addrs);
				return oom(l);
			}
			addrs = na;
			cap = nstk;
		}
		for (i = 0; i < nstk; i++)
			addrs[i] = get_word(w);
		if (count == 0 && nstk == 1 && addrs[0] == 0)
			break;
		s = sample_new(l);
		if (!s) {
			free(addrs);
			return oom(l);
		}
		l->vals[s->val_off] = (int64_t)count;
		l->vals[s->val_off + 1] = mul(count, period);
		for (i = 0; i < nstk; i++) {
			uint64_t a = addrs[i];

			if (adjust && i > 0)
				a--;
			if (sample_push(l, a) < 0) {
				free(addrs);
				return -1;
			}
		}
	}
	free(addrs);
	return 1;
}

static int java_locations(struct legacy *l, const char *d, size_t len,
			  long long lineno);

static int parse_cpu(struct legacy *l, const unsigned char *d, size_t len)
{
	static const char *const types[] = { "samples", "count",
					     "cpu", "nanoseconds" };
	int kind;

	for (kind = 0; kind < 4; kind++) {
		struct words w = { d, len, false, kind };
		uint64_t n1, n2, n3, n4, n5;
		bool java;
		int r;
		size_t iter;

		n1 = get_word(&w);
		n2 = get_word(&w);
		n3 = get_word(&w);
		n4 = get_word(&w);
		n5 = get_word(&w);
		if (w.nil || n1 != 0 || n2 != 3 || n4 == 0 || n5 != 0 ||
		    (n3 != 0 && n3 != 1))
			continue;
		java = n3 == 1;
		if (set_types(l, types, 2, "cpu", "nanoseconds",
			      mul(n4, 1000)) < 0)
			return -1;
		l->p->format = java ? PROFILE_LEGACY_JAVA : PROFILE_LEGACY_CPU;
		r = cpu_samples(l, &w, !java, l->p->period);
		if (r <= 0)
			return r;
		if (java) {
			r = java_locations(l, (const char *)w.b, w.n, 1);
			if (r < 0)
				return r;
			return finish(l, false, true);
		}
		/* Drop a frame common to almost all samples at position 1:
		 * the signal handler's caller in old profiles. */
		for (iter = 0; iter < 2; iter++) {
			struct u64map counts = { 0 };
			size_t i, margin = l->nsamples / 32;
			uint64_t found = 0;
			bool any = false;

			for (i = 0; i < l->nsamples; i++) {
				struct lsample *s = &l->samples[i];
				uint64_t a;
				long c;

				if (s->stk_n <= 1)
					continue;
				a = l->locs[l->stk[s->stk_off + 1]].address;
				c = u64map_get(&counts, a);
				if (u64map_put(&counts, a, (size_t)(c < 0 ? 1 : c + 1)) < 0) {
					u64map_release(&counts);
					return oom(l);
				}
			}
			for (i = 0; i < counts.cap; i++)
				if (counts.vals[i] &&
				    counts.vals[i] - 1 >= l->nsamples - margin) {
					found = counts.keys[i];
					any = true;
					break;
				}
			u64map_release(&counts);
			if (!any)
				continue;
			for (i = 0; i < l->nsamples; i++) {
				struct lsample *s = &l->samples[i];
				uint32_t *stk = l->stk + s->stk_off;

				if (s->stk_n > 1 && l->locs[stk[1]].address == found) {
					memmove(stk + 1, stk + 2,
						(s->stk_n - 2) * sizeof(*stk));
					s->stk_n--;
				}
			}
		}
		{
			struct scanner sc;

			scanner_init(&sc, (const char *)w.b, w.n, 1);
			if (parse_maps(l, &sc) < 0)
				return -1;
		}
		cleanup_duplicate_locations(l);
		return finish(l, true, false);
	}
	return UNRECOGNIZED;
}

/* ---- text heap profile --------------------------------------------------- */

/* heapHeaderRE, unanchored:
 * heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@ *(heap[_a-z0-9]*)/?(\d*)
 * growth/fragmentation variants when kind is "growthz"/"fragmentationz"
 * (then " @ " exactly and no rate). */
static bool heap_header(struct str t, const char *kind, struct str g[6])
{
	const char *at = t.s, *end = t.s + t.n;

	while ((at = memmem(at, (size_t)(end - at), "heap profile:", 13))) {
		const char *q = at + 13;
		int k;

		for (k = 0; k < 4; k++) {
			while (q < end && *q == ' ')
				q++;
			if (k == 2) {
				if (q >= end || *q != '[')
					break;
				q++;
				while (q < end && *q == ' ')
					q++;
			}
			g[k].s = q;
			while (q < end && is_digit(*q))
				q++;
			g[k].n = (size_t)(q - g[k].s);
			if (!g[k].n)
				break;
			if (k == 0 || k == 2) {
				if (q >= end || *q != ':')
					break;
				q++;
			}
		}
		if (k < 4)
			goto next;
		while (q < end && *q == ' ')
			q++;
		if (q >= end || *q != ']')
			goto next;
		q++;
		if (kind) {
			/* " @ growthz?" exactly */
			size_t kl = strlen(kind);

			if (end - q >= 3 && memcmp(q, " @ ", 3) == 0 &&
			    (size_t)(end - q - 3) >= kl - 1 &&
			    memcmp(q + 3, kind, kl - 1) == 0)
				return true;
			goto next;
		}
		while (q < end && *q == ' ')
			q++;
		if (q >= end || *q != '@')
			goto next;
		q++;
		while (q < end && *q == ' ')
			q++;
		if (end - q < 4 || memcmp(q, "heap", 4) != 0)
			goto next;
		g[4].s = q;
		q += 4;
		while (q < end && (*q == '_' || (*q >= 'a' && *q <= 'z') ||
				   is_digit(*q)))
			q++;
		g[4].n = (size_t)(q - g[4].s);
		if (q < end && *q == '/')
			q++;
		g[5].s = q;
		while (q < end && is_digit(*q))
			q++;
		g[5].n = (size_t)(q - g[5].s);
		return true;
next:
		at++;
	}
	return false;
}

static bool str_eq(struct str a, struct str b)
{
	return a.n == b.n && memcmp(a.s, b.s, a.n) == 0;
}

static bool str_is(struct str a, const char *s)
{
	return a.n == strlen(s) && memcmp(a.s, s, a.n) == 0;
}

/* scaleHeapSample */
static void scale_heap_sample(int64_t *count, int64_t *size, int64_t rate)
{
	double avg, scale;

	if (*count == 0 || *size == 0) {
		*count = *size = 0;
		return;
	}
	if (rate <= 1)
		return;
	avg = (double)*size / (double)*count;
	scale = 1 / (1 - exp(-avg / (double)rate));
	*count = go_f2i((double)*count * scale);
	*size = go_f2i((double)*size * scale);
}

/* heapSampleRE, unanchored:
 * (-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *] @([ x0-9a-f]*) */
static bool heap_sample_re(struct str t, struct str g[5])
{
	size_t i;

	for (i = 0; i < t.n; i++) {
		size_t q = i;
		int k;

		for (k = 0; k < 4; k++) {
			while (k > 0 && q < t.n && t.s[q] == ' ')
				q++;
			if (k == 2) {
				if (q >= t.n || t.s[q] != '[')
					break;
				q++;
				while (q < t.n && t.s[q] == ' ')
					q++;
			}
			g[k].s = t.s + q;
			if (k < 2 && q < t.n && t.s[q] == '-')
				q++;
			while (q < t.n && is_digit(t.s[q]))
				q++;
			g[k].n = (size_t)(t.s + q - g[k].s);
			if (!g[k].n || !is_digit(g[k].s[g[k].n - 1]))
				break;
			if (k == 0 || k == 2) {
				if (q >= t.n || t.s[q] != ':')
					break;
				q++;
			}
		}
		if (k < 4)
			continue;
		while (q < t.n && t.s[q] == ' ')
			q++;
		if (q + 2 >= t.n + 0 || t.s[q] != ']' || t.s[q + 1] != ' ' ||
		    t.s[q + 2] != '@')
			continue;
		q += 3;
		g[4].s = t.s + q;
		while (q < t.n && (t.s[q] == ' ' || t.s[q] == 'x' ||
				   is_digit(t.s[q]) ||
				   (t.s[q] >= 'a' && t.s[q] <= 'f')))
			q++;
		g[4].n = (size_t)(t.s + q - g[4].s);
		return true;
	}
	return false;
}

static int parse_heap(struct legacy *l, const char *d, size_t len)
{
	static const char *const alloc_types[] = {
		"alloc_objects", "count", "alloc_space", "bytes",
		"inuse_objects", "count", "inuse_space", "bytes" };
	static const char *const inuse_types[] = {
		"objects", "count", "space", "bytes" };
	struct scanner s;
	struct str g[6], line;
	bool v2 = false, has_alloc = false, memstats = false;
	int64_t period = 0;
	uint64_t *addrs = NULL;
	size_t naddrs = 0, cap = 0;
	const char *bytes_key;

	scanner_init(&s, d, len, 1);
	if (!scan(&s))
		return UNRECOGNIZED;
	line = s.text;
	if (heap_header(line, NULL, g)) {
		if (g[5].n && !parse_int(g[5], 10, &period))
			return UNRECOGNIZED;
		if ((!str_eq(g[2], g[0]) && !str_is(g[2], "0")) ||
		    (!str_eq(g[3], g[1]) && !str_is(g[3], "0")))
			has_alloc = true;
		if (str_is(g[4], "heapz_v2") || str_is(g[4], "heap_v2")) {
			v2 = true;
		} else if (str_is(g[4], "heapprofile")) {
			period = 1;
		} else if (str_is(g[4], "heap")) {
			v2 = true;
			period /= 2;
		} else {
			return UNRECOGNIZED;
		}
	} else if (heap_header(line, "growthz", g) ||
		   heap_header(line, "fragmentationz", g)) {
		period = 1;
	} else {
		return UNRECOGNIZED;
	}
	l->p->format = PROFILE_LEGACY_HEAP;
	if (set_types(l, has_alloc ? alloc_types : inuse_types,
		      has_alloc ? 4 : 2, "space", "bytes", period) < 0)
		return -1;
	bytes_key = intern(l, "bytes", 5);
	if (!bytes_key)
		return oom(l);

	while (scan(&s)) {
		struct str t = trim(s.text);
		struct lsample *smp;
		int64_t vals[4], blocksize = 0;
		size_t nv = 0, i, pass;

		if (is_space_or_comment(t)) {
			if (comment_line(l, t, &memstats) < 0)
				goto fail;
			continue;
		}
		if (is_memory_map_sentinel(t))
			break;
		memstats = false;
		if (!heap_sample_re(t, g)) {
			ls_error_set_line(l->err, s.lineno,
				"unexpected number of sample values: got 0, want 6");
			goto fail;
		}
		/* allocation values first when present, then in-use */
		for (pass = has_alloc ? 0 : 1; pass < 2; pass++) {
			struct str cs = pass ? g[0] : g[2], ss = pass ? g[1] : g[3];
			const char *what = pass ? "inuse" : "allocation";
			int64_t count, size;

			if (!parse_int(cs, 10, &count) || !parse_int(ss, 10, &size)) {
				ls_error_set_line(l->err, s.lineno,
					"malformed sample: %.*s: value out of range",
					(int)t.n, t.s);
				goto fail;
			}
			if (count == 0 && size != 0) {
				ls_error_set_line(l->err, s.lineno,
					"%s count was 0 but %s bytes was %" PRId64,
					what, what, size);
				goto fail;
			}
			if (count != 0) {
				blocksize = quo(size, count);
				if (v2)
					scale_heap_sample(&count, &size, period);
			}
			vals[nv++] = count;
			vals[nv++] = size;
		}
		if (hex_addresses(l, g[4], s.lineno, t, &addrs, &naddrs, &cap) < 0)
			goto fail;
		smp = sample_new(l);
		if (!smp) {
			oom(l);
			goto fail;
		}
		memcpy(l->vals + smp->val_off, vals, nv * sizeof(*vals));
		for (i = 0; i < naddrs; i++)
			if (sample_push(l, addrs[i] - 1) < 0)
				goto fail;
		if (sample_label(l, bytes_key, NULL, blocksize) < 0)
			goto fail;
	}
	free(addrs);
	addrs = NULL;
	/* The runtime.MemStats block and symbols may follow a sentinel-less
	 * end; additional_sections reads the memory map if any. */
	if (additional_sections(l, &s) < 0)
		return -1;
	return finish(l, true, false);
fail:
	free(addrs);
	return -1;
}

/* ---- goroutine / threadcreate counts (debug=1) -------------------------- */

/* countStartRE: \A(\S+) profile: total \d+\z */
static bool count_start(struct str t, struct str *type)
{
	size_t i = 0, j;

	while (i < t.n && !re_space(t.s[i]))
		i++;
	if (i == 0)
		return false;
	*type = (struct str){ t.s, i };
	if (t.n - i < strlen(" profile: total ") ||
	    memcmp(t.s + i, " profile: total ", 16) != 0)
		return false;
	j = i + 16;
	if (j >= t.n)
		return false;
	for (; j < t.n; j++)
		if (!is_digit(t.s[j]))
			return false;
	return true;
}

static int parse_go_count(struct legacy *l, const char *d, size_t len)
{
	struct scanner s;
	struct str type, line;
	char tname[256];
	const char *names[2];
	uint64_t *addrs = NULL;
	size_t naddrs = 0, cap = 0;
	bool memstats = false;

	scanner_init(&s, d, len, 1);
	while (scan(&s) && is_space_or_comment(s.text))
		;
	line = s.text;
	if (!count_start(line, &type) || type.n >= sizeof(tname))
		return UNRECOGNIZED;
	memcpy(tname, type.s, type.n);
	tname[type.n] = '\0';
	names[0] = tname;
	names[1] = "count";
	if (set_types(l, names, 1, tname, "count", 1) < 0)
		return -1;
	l->p->format = PROFILE_GOROUTINE_DEBUG1;
	while (scan(&s)) {
		struct str t = s.text, rest;
		struct lsample *smp;
		int64_t n;
		size_t i, j;

		if (is_space_or_comment(t)) {
			if (comment_line(l, t, &memstats) < 0)
				goto fail;
			continue;
		}
		if (has_prefix(t, "---"))
			break;
		/* countRE: \A(\d+) @(( 0x[0-9a-f]+)+)\z */
		for (i = 0; i < t.n && is_digit(t.s[i]); i++)
			;
		if (i == 0 || t.n - i < 2 || t.s[i] != ' ' || t.s[i + 1] != '@')
			goto malformed;
		rest = (struct str){ t.s + i + 2, t.n - i - 2 };
		if (!rest.n)
			goto malformed;
		for (j = 0; j < rest.n;) {
			size_t k;

			if (rest.n - j < 4 || rest.s[j] != ' ' ||
			    rest.s[j + 1] != '0' || rest.s[j + 2] != 'x')
				goto malformed;
			k = j + 3;
			while (k < rest.n && (is_digit(rest.s[k]) ||
					      (rest.s[k] >= 'a' && rest.s[k] <= 'f')))
				k++;
			if (k == j + 3)
				goto malformed;
			j = k;
		}
		if (!parse_int((struct str){ t.s, i }, 0, &n))
			goto malformed;
		if (hex_addresses(l, rest, s.lineno, t, &addrs, &naddrs, &cap) < 0)
			goto fail;
		smp = sample_new(l);
		if (!smp) {
			oom(l);
			goto fail;
		}
		l->vals[smp->val_off] = n;
		for (i = 0; i < naddrs; i++)
			if (sample_push(l, addrs[i] - 1) < 0)
				goto fail;
		memstats = false;
	}
	free(addrs);
	if (additional_sections(l, &s) < 0)
		return -1;
	return finish(l, true, false);
malformed:
	free(addrs);
	return ls_error_set_line(l->err, s.lineno,
		"malformed profile format: expected \"N @ 0x...\"");
fail:
	free(addrs);
	return -1;
}

/* ---- threadz -------------------------------------------------------------- */

static bool threadz_start(struct str t)
{
	const char *at = t.s, *end = t.s + t.n;

	while ((at = memmem(at, (size_t)(end - at), "--- threadz ", 12))) {
		const char *q = at + 12, *d = q;

		while (q < end && is_digit(*q))
			q++;
		if (q > d && end - q >= 4 && memcmp(q, " ---", 4) == 0)
			return true;
		at++;
	}
	return false;
}

/* threadStartRE: --- Thread ([[:xdigit:]]+) \(name: (.*)/(\d+)\) stack: --- */
static bool thread_start(struct str t)
{
	const char *at = t.s, *end = t.s + t.n;

	while ((at = memmem(at, (size_t)(end - at), "--- Thread ", 11))) {
		const char *q = at + 11, *h = q;

		while (q < end && is_xdigit(*q))
			q++;
		if (q > h && end - q >= 8 && memcmp(q, " (name: ", 8) == 0) {
			const char *r = q + 8, *e;

			/* some "/digits) stack: ---" after r */
			while ((e = memmem(r, (size_t)(end - r), ") stack: ---", 12))) {
				const char *dg = e;

				while (dg > q + 8 && is_digit(dg[-1]))
					dg--;
				if (dg < e && dg > q + 8 && dg[-1] == '/')
					return true;
				r = e + 1;
			}
		}
		at++;
	}
	return false;
}

static int parse_thread(struct legacy *l, const char *d, size_t len)
{
	static const char *const types[] = { "thread", "count" };
	struct scanner s;
	struct str line;
	uint64_t *addrs = NULL, *cur = NULL;
	size_t naddrs = 0, cap = 0, ncur = 0, capcur = 0;

	scanner_init(&s, d, len, 1);
	while (scan(&s) && is_space_or_comment(s.text))
		;
	line = s.text;
	if (threadz_start(line)) {
		while (scan(&s)) {
			line = s.text;
			if (is_memory_map_sentinel(line) || has_prefix(line, "-"))
				break;
		}
	} else if (!thread_start(line)) {
		return UNRECOGNIZED;
	}
	if (set_types(l, types, 1, "thread", "count", 1) < 0)
		return -1;
	l->p->format = PROFILE_LEGACY_THREAD;
	while (!is_memory_map_sentinel(line)) {
		bool same = false;
		struct lsample *smp;
		size_t i;

		if (has_prefix(line, "---- no stack trace for")) {
			line = (struct str){ "", 0 };
			break;
		}
		if (!thread_start(line)) {
			free(addrs);
			free(cur);
			legacy_reset(l);
			return UNRECOGNIZED;
		}
		/* parseThreadSample */
		naddrs = 0;
		line = (struct str){ "", 0 };
		while (scan(&s)) {
			line = trim(s.text);
			if (!line.n)
				continue;
			if (has_prefix(line, "---"))
				break;
			if (find(line, "same as previous thread")) {
				same = true;
				continue;
			}
			if (hex_addresses(l, line, s.lineno, line, &cur, &ncur,
					  &capcur) < 0)
				goto fail;
			for (i = 0; i < ncur; i++) {
				if (PUSH(addrs, naddrs, cap) < 0) {
					oom(l);
					goto fail;
				}
				addrs[naddrs++] = cur[i];
			}
		}
		if (same)
			naddrs = 0;
		if (naddrs == 0) {
			if (l->nsamples > 0)
				l->vals[l->samples[l->nsamples - 1].val_off]++;
			continue;
		}
		smp = sample_new(l);
		if (!smp) {
			oom(l);
			goto fail;
		}
		l->vals[smp->val_off] = 1;
		for (i = 0; i < naddrs; i++)
			if (sample_push(l, i > 0 ? addrs[i] - 1 : addrs[i]) < 0)
				goto fail;
	}
	free(addrs);
	free(cur);
	/* parseAdditionalSections starts from the scanner's current line,
	 * which is line unless line was reset above. */
	if (additional_sections(l, &s) < 0)
		return -1;
	cleanup_duplicate_locations(l);
	return finish(l, true, false);
fail:
	free(addrs);
	free(cur);
	return -1;
}

/* ---- contention ----------------------------------------------------------- */

/* contentionSampleRE, unanchored: (\d+) *(\d+) @([ x0-9a-f]*) */
static bool contention_re(struct str t, struct str g[3])
{
	size_t i;

	for (i = 0; i < t.n; i++) {
		size_t j, e;

		if (!is_digit(t.s[i]))
			continue;
		for (j = i; j < t.n && is_digit(t.s[j]); j++)
			;
		for (e = j; e > i; e--) {
			size_t k = e, m;

			if (e == j)
				while (k < t.n && t.s[k] == ' ')
					k++;
			for (m = k; m < t.n && is_digit(t.s[m]); m++)
				;
			if (m == k || m + 1 >= t.n || t.s[m] != ' ' ||
			    t.s[m + 1] != '@')
				continue;
			g[0] = (struct str){ t.s + i, e - i };
			g[1] = (struct str){ t.s + k, m - k };
			k = m + 2;
			for (m = k; m < t.n && (t.s[m] == ' ' || t.s[m] == 'x' ||
					       is_digit(t.s[m]) ||
					       (t.s[m] >= 'a' && t.s[m] <= 'f')); m++)
				;
			g[2] = (struct str){ t.s + k, m - k };
			return true;
		}
	}
	return false;
}

static int parse_contention(struct legacy *l, const char *d, size_t len)
{
	static const char *const types[] = { "contentions", "count",
					     "delay", "nanoseconds" };
	struct scanner s;
	int64_t cpu_hz = 0, period = 1, duration = 0;
	uint64_t *addrs = NULL;
	size_t naddrs = 0, cap = 0;

	scanner_init(&s, d, len, 1);
	if (!scan(&s))
		return UNRECOGNIZED;
	if (!has_prefix(s.text, "--- contentionz ") &&
	    !has_prefix(s.text, "--- mutex:") &&
	    !has_prefix(s.text, "--- contention:"))
		return UNRECOGNIZED;
	while (scan(&s)) {
		struct str t = trim(s.text), key, val;
		const char *eq;

		if (is_space_or_comment(t))
			continue;
		if (has_prefix(t, "---"))
			break;
		eq = memchr(t.s, '=', t.n);
		if (!eq)
			break;
		key = trim((struct str){ t.s, (size_t)(eq - t.s) });
		val = trim((struct str){ eq + 1, (size_t)(t.s + t.n - eq - 1) });
		if (str_is(key, "cycles/second")) {
			if (!parse_int(val, 0, &cpu_hz))
				return UNRECOGNIZED;
		} else if (str_is(key, "sampling period")) {
			if (!parse_int(val, 0, &period))
				return UNRECOGNIZED;
		} else if (str_is(key, "ms since reset")) {
			int64_t ms;

			if (!parse_int(val, 0, &ms))
				return UNRECOGNIZED;
			duration = mul(ms, 1000000);
		} else if (str_is(key, "discarded samples")) {
			/* ignored */
		} else {
			return UNRECOGNIZED;	/* "format", "resolution", ... */
		}
	}
	if (set_types(l, types, 2, "contentions", "count", period) < 0)
		return -1;
	l->p->format = PROFILE_LEGACY_CONTENTION;
	l->p->duration_nanos = duration;
	for (;;) {
		struct str t = trim(s.text), g[3];

		if (has_prefix(t, "---"))
			break;
		if (!is_space_or_comment(t)) {
			int64_t v1, v2;
			struct lsample *smp;
			size_t i;

			if (!contention_re(t, g)) {
				free(addrs);
				legacy_reset(l);
				return UNRECOGNIZED;
			}
			if (!parse_int(g[0], 10, &v1) || !parse_int(g[1], 10, &v2)) {
				free(addrs);
				return ls_error_set_line(l->err, s.lineno,
					"malformed sample: %.*s: value out of range",
					(int)t.n, t.s);
			}
			if (period > 0) {
				if (cpu_hz > 0) {
					double ghz = (double)cpu_hz / 1e9;

					v1 = go_f2i((double)v1 * (double)period / ghz);
				}
				v2 = mul(v2, period);
			}
			if (hex_addresses(l, g[2], s.lineno, t, &addrs, &naddrs, &cap) < 0)
				goto fail;
			smp = sample_new(l);
			if (!smp) {
				oom(l);
				goto fail;
			}
			l->vals[smp->val_off] = v2;
			l->vals[smp->val_off + 1] = v1;
			for (i = 0; i < naddrs; i++)
				if (sample_push(l, addrs[i] - 1) < 0)
					goto fail;
		}
		if (!scan(&s))
			break;
	}
	free(addrs);
	if (additional_sections(l, &s) < 0)
		return -1;
	return finish(l, true, false);
fail:
	free(addrs);
	return -1;
}

/* ---- Java heapz / contentionz ------------------------------------------- */

/* attributeRx, unanchored: ([\w ]+)=([\w ]+) */
static bool word_char(int c)
{
	return isalnum(c) || c == '_';
}

static bool attribute_re(struct str t, struct str *key, struct str *val)
{
	size_t i, j, k;

	for (i = 0; i < t.n; i++) {
		if (!(word_char((unsigned char)t.s[i]) || t.s[i] == ' '))
			continue;
		for (j = i; j < t.n && (word_char((unsigned char)t.s[j]) ||
					t.s[j] == ' '); j++)
			;
		if (j >= t.n || t.s[j] != '=') {
			i = j;
			continue;
		}
		for (k = j + 1; k < t.n && (word_char((unsigned char)t.s[k]) ||
					    t.s[k] == ' '); k++)
			;
		if (k == j + 1) {
			i = j;
			continue;
		}
		*key = trim((struct str){ t.s + i, j - i });
		*val = trim((struct str){ t.s + j + 1, k - j - 1 });
		return true;
	}
	return false;
}

/* javaSampleRx, unanchored: " *(\d+) +(\d+) +@ +([ x0-9a-f]*)" */
static bool java_sample_re(struct str t, struct str g[3])
{
	size_t i;

	for (i = 0; i < t.n; i++) {
		size_t q = i, a;

		while (q < t.n && t.s[q] == ' ')
			q++;
		a = q;
		while (q < t.n && is_digit(t.s[q]))
			q++;
		if (q == a)
			continue;
		g[0] = (struct str){ t.s + a, q - a };
		a = q;
		while (q < t.n && t.s[q] == ' ')
			q++;
		if (q == a)
			continue;
		a = q;
		while (q < t.n && is_digit(t.s[q]))
			q++;
		if (q == a)
			continue;
		g[1] = (struct str){ t.s + a, q - a };
		a = q;
		while (q < t.n && t.s[q] == ' ')
			q++;
		if (q == a || q >= t.n || t.s[q] != '@')
			continue;
		q++;
		a = q;
		while (q < t.n && t.s[q] == ' ')
			q++;
		if (q == a)
			continue;
		a = q;
		while (q < t.n && (t.s[q] == ' ' || t.s[q] == 'x' ||
				   is_digit(t.s[q]) ||
				   (t.s[q] >= 'a' && t.s[q] <= 'f')))
			q++;
		g[2] = (struct str){ t.s + a, q - a };
		return true;
	}
	return false;
}

/* filepath.Base */
static struct str path_base(struct str p)
{
	size_t i;

	if (!p.n)
		return (struct str){ ".", 1 };
	while (p.n > 0 && p.s[p.n - 1] == '/')
		p.n--;
	if (!p.n)
		return (struct str){ "/", 1 };
	for (i = p.n; i > 0; i--)
		if (p.s[i - 1] == '/')
			return (struct str){ p.s + i, p.n - i };
	return p;
}

/* parseJavaLocations over d[0..len): names the sampled addresses. */
static int java_locations(struct legacy *l, const char *d, size_t len,
			  long long lineno)
{
	size_t pos = 0;

	l->java_funcs = true;
	while (pos < len) {
		const char *nl = memchr(d + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (d + pos)) : len - pos;
		struct str t = trim((struct str){ d + pos, n }), rest, fnm, file;
		size_t i, j, k;
		uint64_t addr;
		long loc, fn;
		int64_t line_no = 0;
		const char *fname, *ffile;

		pos += n + (nl ? 1 : 0);
		lineno++;
		if (!t.n)
			continue;
		/* javaLocationRx: ^\s*0x([[:xdigit:]]+)\s+(.*)\s*$ */
		if (t.n < 3 || t.s[0] != '0' || t.s[1] != 'x')
			continue;
		j = hex_run(t.s, t.n, 2);
		if (j == 2 || j >= t.n || !re_space(t.s[j]))
			continue;
		if (!parse_uint((struct str){ t.s + 2, j - 2 }, 16, &addr))
			return ls_error_set_line(l->err, lineno,
				"parsing sample %.*s: value out of range",
				(int)t.n, t.s);
		k = space_run(t.s, t.n, j);
		rest = (struct str){ t.s + k, t.n - k };
		loc = u64map_get(&l->addrs, addr);
		if (loc < 0)
			continue;
		fnm = rest;
		file = (struct str){ "", 0 };
		if (rest.n && rest.s[rest.n - 1] == ')') {
			/* javaLocationFileLineRx: ^(.*)\s+\((.+):(-?\d+)\)$ */
			size_t colon = rest.n, open = 0;
			bool fl = false, fp = false;

			for (i = rest.n - 1; i > 0; i--)
				if (rest.s[i - 1] == ':') {
					colon = i - 1;
					break;
				}
			if (colon < rest.n) {
				struct str num = { rest.s + colon + 1,
						   rest.n - colon - 2 };
				size_t q = 0;

				if (num.n && num.s[0] == '-')
					q = 1;
				fl = num.n > q;
				for (; q < num.n; q++)
					if (!is_digit(num.s[q]))
						fl = false;
				if (fl) {
					fl = false;
					for (i = colon; i >= 2; i--)
						if (rest.s[i - 1] == '(' &&
						    re_space(rest.s[i - 2]) &&
						    i < colon) {
							open = i - 1;
							fl = true;
							break;
						}
				}
				if (fl) {
					int64_t v;

					fnm = (struct str){ rest.s, open - 1 };
					file = (struct str){ rest.s + open + 1,
							     colon - open - 1 };
					if (parse_int(num, 10, &v) && v > 0)
						line_no = v;
				}
			}
			if (!fl) {
				/* javaLocationPathRx: ^(.*)\s+\((.*)\)$ */
				for (i = rest.n - 1; i >= 2; i--)
					if (rest.s[i - 1] == '(' &&
					    re_space(rest.s[i - 2])) {
						fnm = (struct str){ rest.s, i - 2 };
						file = path_base((struct str){
							rest.s + i,
							rest.n - 1 - i });
						fp = true;
						break;
					}
			}
			if (!fl && !fp && find(rest, "generated stub/JIT"))
				fnm = (struct str){ "STUB", 4 };
		} else if (find(rest, "generated stub/JIT")) {
			fnm = (struct str){ "STUB", 4 };
		}
		fname = intern(l, fnm.s, fnm.n);
		ffile = intern(l, file.s, file.n);
		if (!fname || !ffile)
			return oom(l);
		fn = function_for(l, fname, ffile);
		if (fn < 0)
			return oom(l);
		if (location_line(l, loc, fn, line_no, true) < 0)
			return -1;
		l->locs[loc].address = 0;
	}
	return 0;
}

static int parse_java(struct legacy *l, const char *d, size_t len)
{
	const char *nl = memchr(d, '\n', len);
	struct str header;
	bool heap;
	size_t pos;
	long long lineno = 1;
	uint64_t *addrs = NULL;
	size_t naddrs = 0, cap = 0;
	int64_t period = 0;
	bool sampling = false;

	if (!nl)
		return UNRECOGNIZED;
	header = trim((struct str){ d, (size_t)(nl - d) });
	if (str_is(header, "--- heapz 1 ---"))
		heap = true;
	else if (str_is(header, "--- contentionz 1 ---"))
		heap = false;
	else
		return UNRECOGNIZED;
	l->p->format = PROFILE_LEGACY_JAVA;
	l->p->period_type.type = l->p->period_type.unit = "";
	pos = (size_t)(nl - d) + 1;

	/* parseJavaHeader: lines ended by a newline only */
	while ((nl = memchr(d + pos, '\n', len - pos))) {
		struct str t = trim((struct str){ d + pos, (size_t)(nl - (d + pos)) });
		struct str key, val;

		if (t.n) {
			if (!attribute_re(t, &key, &val))
				break;
			if (str_is(key, "format")) {
				if (!str_is(val, "java"))
					return UNRECOGNIZED;
			} else if (heap && str_is(key, "resolution")) {
				char unit[128];
				const char *types[4] = { "inuse_objects", "count",
							 "inuse_space", unit };

				snprintf(unit, sizeof(unit), "%.*s", (int)val.n, val.s);
				if (set_types(l, types, 2, "", "", 0) < 0)
					return -1;
			} else if (!heap && str_is(key, "resolution")) {
				char unit[128];
				const char *types[4] = { "contentions", "count",
							 "delay", unit };

				snprintf(unit, sizeof(unit), "%.*s", (int)val.n, val.s);
				if (set_types(l, types, 2, "", "", 0) < 0)
					return -1;
			} else if (!heap && str_is(key, "sampling period")) {
				if (!parse_int(val, 0, &period))
					return ls_error_set_line(l->err, lineno + 1,
						"failed to parse attribute %.*s",
						(int)t.n, t.s);
			} else if (!heap && str_is(key, "ms since reset")) {
				int64_t ms;

				if (!parse_int(val, 0, &ms))
					return ls_error_set_line(l->err, lineno + 1,
						"failed to parse attribute %.*s",
						(int)t.n, t.s);
				l->p->duration_nanos = mul(ms, 1000000);
			} else {
				return UNRECOGNIZED;
			}
			if (!heap && str_is(key, "sampling period"))
				sampling = true;
		}
		pos = (size_t)(nl - d) + 1;
		lineno++;
	}
	l->p->period = period;
	l->p->period_type.type = l->p->period_type.unit = "";
	if (sampling) {
		l->p->period_type.type = intern(l, "contentions", 11);
		l->p->period_type.unit = intern(l, "count", 5);
		if (!l->p->period_type.type || !l->p->period_type.unit)
			return oom(l);
	}
	l->nvalues = 2;

	/* parseJavaSamples */
	while ((nl = memchr(d + pos, '\n', len - pos))) {
		struct str t = trim((struct str){ d + pos, (size_t)(nl - (d + pos)) });
		struct str g[3];
		struct lsample *smp;
		int64_t v0, v1;
		size_t i;

		if (t.n) {
			if (!java_sample_re(t, g))
				break;
			if (hex_addresses(l, g[2], lineno + 1, t, &addrs, &naddrs, &cap) < 0)
				goto fail;
			if (!parse_int(g[1], 0, &v0) || !parse_int(g[0], 0, &v1)) {
				ls_error_set_line(l->err, lineno + 1,
					"parsing sample %.*s: invalid number",
					(int)t.n, t.s);
				goto fail;
			}
			if (heap) {
				if (v0 == 0) {
					ls_error_set_line(l->err, lineno + 1,
						"parsing sample %.*s: second value must be non-zero",
						(int)t.n, t.s);
					goto fail;
				}
			}
			smp = sample_new(l);
			if (!smp) {
				oom(l);
				goto fail;
			}
			for (i = 0; i < naddrs; i++)
				if (sample_push(l, addrs[i]) < 0)
					goto fail;
			if (heap) {
				const char *bytes = intern(l, "bytes", 5);

				if (!bytes || sample_label(l, bytes, NULL, quo(v1, v0)) < 0)
					goto fail;
				scale_heap_sample(&v0, &v1, 524288);
			} else if (period != 0) {
				v0 = mul(v0, period);
				v1 = mul(v1, period);
			}
			l->vals[smp->val_off] = v0;
			l->vals[smp->val_off + 1] = v1;
		}
		pos = (size_t)(nl - d) + 1;
		lineno++;
	}
	free(addrs);
	if (java_locations(l, d + pos, len - pos, lineno) < 0)
		return -1;
	return finish(l, false, true);
fail:
	free(addrs);
	return -1;
}

/* ---- dispatch ------------------------------------------------------------- */

int legacy_read(struct profile *p, const unsigned char *data, size_t len,
		struct ls_error *err)
{
	typedef int (*text_parser)(struct legacy *, const char *, size_t);
	static const text_parser text[] = {
		parse_heap, parse_go_count, parse_thread, parse_contention,
		parse_java,
	};
	struct legacy l;
	size_t i;
	int r;

	memset(&l, 0, sizeof(l));
	l.p = p;
	l.err = err;
	l.record = -1;
	r = parse_cpu(&l, data, len);
	for (i = 0; r == UNRECOGNIZED && i < sizeof(text) / sizeof(text[0]); i++) {
		legacy_reset(&l);
		profile_release(p);
		r = text[i](&l, (const char *)data, len);
	}
	legacy_free(&l);
	if (r <= 0) {
		profile_release(p);
		if (r < 0 && !ls_error_is_set(err))
			ls_error_set(err, "out of memory");
	}
	return r;
}
