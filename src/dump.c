/* dump.c - goroutine dump model helpers: headers, id sets, sniffing */
#include "dump.h"

#include <stdlib.h>
#include <string.h>

#include "zalloc.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parses a decimal number at s[*i..len); false when there is none. */
static bool parse_u64(const char *s, size_t len, size_t *i, uint64_t *out)
{
	uint64_t n = 0;
	size_t start = *i;

	while (*i < len && is_digit(s[*i])) {
		n = n * 10 + (uint64_t)(s[*i] - '0');
		(*i)++;
	}
	*out = n;
	return *i > start;
}

/* The first byte before memcmp: most lines are tried against several
 * prefixes, and a prefix is a literal, so strlen is folded. */
static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return n == 0 || (len >= n && s[0] == prefix[0] &&
			  memcmp(s, prefix, n) == 0);
}

/*
 * goroutine N [state]:
 * goroutine N [state (scan), 3 minutes, locked to thread]:
 * goroutine N gp=0xc000002380 m=0 mp=0x5c9c40 [running]:	(Go 1.23+)
 * goroutine N gp=0xc000006c40 m=nil [GC sweep wait]:
 */
bool dump_parse_header(const char *line, size_t len, uint64_t *id,
		       const char **state, size_t *state_len,
		       int64_t *wait_minutes, bool *locked)
{
	size_t i = sizeof("goroutine ") - 1, open, close, p;

	if (!has_prefix(line, len, "goroutine "))
		return false;
	if (!parse_u64(line, len, &i, id))
		return false;
	if (len < i + 4 || line[len - 1] != ':' || line[len - 2] != ']')
		return false;
	/* Between the id and '[' come " gp=.. m=.. mp=.." (Go 1.23+ at
	 * GOTRACEBACK=system); take whatever a later version adds there. */
	if (line[i] != ' ')
		return false;
	open = i;
	while (open < len && line[open] != '[')
		open++;
	if (open >= len - 2 || line[open - 1] != ' ')
		return false;
	close = len - 2;
	/* state is up to the first ", " */
	p = open + 1;
	{
		size_t end = p;

		while (end + 1 < close && !(line[end] == ',' && line[end + 1] == ' '))
			end++;
		if (end + 1 >= close)
			end = close;
		*state = line + p;
		*state_len = end - p;
		*wait_minutes = 0;
		*locked = false;
		/* "(scan)" is a status modifier, not part of the reason */
		if (*state_len > 7 && memcmp(line + end - 7, " (scan)", 7) == 0)
			*state_len -= 7;
		p = end;
	}
	while (p < close) {
		size_t end;

		p += 2;	/* ", " */
		end = p;
		while (end + 1 < close && !(line[end] == ',' && line[end + 1] == ' '))
			end++;
		if (end + 1 >= close)
			end = close;
		if (end - p > 8 && memcmp(line + end - 8, " minutes", 8) == 0) {
			size_t q = p;
			uint64_t m;

			if (parse_u64(line, end, &q, &m) && q == end - 8)
				*wait_minutes = (int64_t)m;
		} else if (end - p == 16 && memcmp(line + p, "locked to thread", 16) == 0) {
			*locked = true;
		}
		p = end;
	}
	return true;
}

bool dump_sniff(const char *data, size_t len)
{
	size_t pos = 0, lines = 0;

	if (len > 65536)
		len = 65536;
	while (pos < len && lines < 400) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		const char *s = data + pos;
		size_t n = end - pos;
		uint64_t id;
		const char *st;
		size_t stlen;
		int64_t w;
		bool l;

		while (n && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		if (n && s[n - 1] == '\r')
			n--;
		if (dump_parse_header(s, n, &id, &st, &stlen, &w, &l))
			return true;
		if (has_prefix(s, n, "goroutine profile: total "))
			return false;
		pos = end + 1;
		lines++;
	}
	return false;
}

bool dump_func_is_std(const char *func)
{
	const char *slash = strchr(func, '/');
	const char *dot;
	size_t first;

	if (!slash) {
		/* a package without a path: runtime, sync, main, ... */
		dot = strchr(func, '.');
		first = dot ? (size_t)(dot - func) : strlen(func);
		if (first == 4 && memcmp(func, "main", 4) == 0)
			return false;
		return first > 0;
	}
	first = (size_t)(slash - func);
	dot = memchr(func, '.', first);
	return dot == NULL;
}

bool dump_func_is_user(const regex_t *user, const char *func)
{
	if (!func || !func[0])
		return false;
	if (user)
		return regexec(user, func, 0, NULL, 0) == 0;
	return !dump_func_is_std(func);
}

/* Paged bitmap: each page covers 4096 consecutive ids. */
#define IDSET_PAGE_BITS 4096

struct idset_page {
	uint64_t base;	/* id / IDSET_PAGE_BITS */
	uint64_t bits[IDSET_PAGE_BITS / 64];
};

struct dump_idset {
	struct idset_page **slots;	/* open addressing by base */
	size_t cap, count;
};

struct dump_idset *dump_idset_new(void)
{
	return calloc(1, sizeof(struct dump_idset));
}

void dump_idset_clear(struct dump_idset *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
	s->slots = NULL;
	s->cap = s->count = 0;
}

void dump_idset_free(struct dump_idset *s)
{
	dump_idset_clear(s);
	free(s);
}

static size_t page_hash(uint64_t base, size_t cap)
{
	return (size_t)((base * 0x9E3779B97F4A7C15ULL) >> 20) & (cap - 1);
}

static int idset_grow(struct dump_idset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 16, i;
	struct idset_page **slots = zalloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (i = 0; i < s->cap; i++) {
		struct idset_page *pg = s->slots[i];
		size_t j;

		if (!pg)
			continue;
		j = page_hash(pg->base, cap);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = pg;
	}
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

/* The page of base, added when missing; NULL when out of memory. */
static struct idset_page *idset_page(struct dump_idset *s, uint64_t base)
{
	struct idset_page *pg;
	size_t j;

	if ((s->count + 1) * 2 > s->cap && idset_grow(s) < 0)
		return NULL;
	j = page_hash(base, s->cap);
	while ((pg = s->slots[j]) && pg->base != base)
		j = (j + 1) & (s->cap - 1);
	if (!pg) {
		pg = zalloc(1, sizeof(*pg));
		if (!pg)
			return NULL;
		pg->base = base;
		s->slots[j] = pg;
		s->count++;
	}
	return pg;
}

int dump_idset_add(struct dump_idset *s, uint64_t id)
{
	uint64_t bit = id % IDSET_PAGE_BITS;
	struct idset_page *pg = idset_page(s, id / IDSET_PAGE_BITS);

	if (!pg)
		return -1;
	if (pg->bits[bit / 64] & (1ULL << (bit % 64)))
		return 0;
	pg->bits[bit / 64] |= 1ULL << (bit % 64);
	return 1;
}

int dump_idset_merge(struct dump_idset *into, const struct dump_idset *from)
{
	int common = 0;
	size_t i, k;

	for (i = 0; from && i < from->cap; i++) {
		const struct idset_page *src = from->slots[i];
		struct idset_page *dst;

		if (!src)
			continue;
		if (!(dst = idset_page(into, src->base)))
			return -1;
		for (k = 0; k < IDSET_PAGE_BITS / 64; k++) {
			common |= (dst->bits[k] & src->bits[k]) != 0;
			dst->bits[k] |= src->bits[k];
		}
	}
	return common;
}
