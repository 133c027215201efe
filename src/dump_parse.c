/* dump_parse.c - the goroutine traceback parser (every Go version, streaming)
 *
 * Grammar, from runtime/traceback.go (Go 1.13 .. 1.25):
 *   dump      = { preamble } { goroutine }
 *   preamble  = "panic: " msg [" [recovered]"] | "fatal error: " msg
 *             | "SIG" NAME ": " msg | "PC=" ... | "[signal " ... "]"
 *             | "runtime stack:" frames | register lines "rax    0x0"
 *             | "-----" (GOTRACEBACK=crash: the next thread's report)
 *   goroutine = header { frame | elided | unavailable } [ createdby ]
 *               { "[originating from goroutine N]:" { frame } [ createdby ] }
 *   header    = "goroutine " N [" gp=" X " m=" M [" mp=" X]] " [" state
 *               [" (scan)"] [", " N " minutes"] [", locked to thread"] "]:"
 *   frame     = func "(" args ")" NL TAB file ":" line [" +0x" off]
 *               [" fp=0x.. sp=0x.. pc=0x.."]          (args "..." = inlined)
 *   createdby = "created by " func [" in goroutine " N] NL TAB file ":" line ...
 *   elided    = "...additional frames elided..." | "..." N " frames elided..."
 * Lines may end in CRLF and carry any indentation (pasted copies); lines
 * that fit nothing are log lines and end the goroutine they interrupt.
 * A new dump starts at a panic/fatal/signal preamble after goroutines
 * (unless a "-----" line says it is the next thread of the same crash) and
 * at a goroutine id already seen in the current dump (id 0 excepted: every
 * thread's g0 is "goroutine 0").
 */
#include "dump.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "input.h"
#include "zalloc.h"

enum { MODE_TOP = 0, MODE_PREAMBLE, MODE_RUNTIME_STACK };

/* pprof's writeGoroutineStacks stops at a 64 MiB buffer. */
#define PPROF_STACK_LIMIT ((uint64_t)64 << 20)

/* The first byte before memcmp: most lines are tried against several
 * prefixes, and a prefix is a literal, so strlen is folded. */
static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return n == 0 || (len >= n && s[0] == prefix[0] &&
			  memcmp(s, prefix, n) == 0);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A node of the stack trie: one function name or file of a goroutine,
 * at its place (PLACE_*) and with its line. The strings of a goroutine,
 * in the order printed, lead from the root down a path; goroutines
 * whose strings are the same, in the same places and with the same
 * lines, end on the same node. */
/* 32 bytes, a file's 64 mostly (a node a line of every stack learnt:
 * most of the memory a parse first touches, and this machine's page
 * faults cost 2 us; 48 and 80 bytes before 2026-12-07). */
struct dump_stack {
	const char *str;		/* interned */
	struct dump_stack *child;	/* most recently used first */
	struct dump_stack *sibling;
	uint32_t place;			/* later places bypass the trie */
	unsigned len : 24;		/* longer strings bypass the trie */
	unsigned nchildren : 4;		/* counted up to STACK_SCAN + 2 */
	/* a function without spaces, or a file node with its line's tail
	 * (struct stack_file): a line can be matched whole (line_repeats) */
	unsigned whole : 1;
};

#define STACK_LEN_MAX ((1u << 24) - 1)

/* A file node (place odd) has its line, and keeps the rest of the line
 * it was made from, for line_repeats(): ":123 +0x1d" after the path. */
struct stack_file {
	struct dump_stack node;
	int64_t line;
	uint64_t offset;
	uint8_t tail_len;
	char tail[];
};

/* The line of node n: a file's, 0 for a function. */
static inline int64_t node_line(const struct dump_stack *n)
{
	return n->place & 1 ? ((const struct stack_file *)n)->line : 0;
}

#define STACK_TAIL_MAX 48

/* A child of a node with many, in p->wide. */
struct dump_wide {
	const struct dump_stack *parent;
	struct dump_stack *node;
};

#define PLACE_CB_FUNC		0
#define PLACE_CB_FILE		1
#define PLACE_FUNC(i)		(2 * (uint64_t)(i) + 2)
#define PLACE_FILE(i)		(2 * (uint64_t)(i) + 3)

/* Children are compared one by one up to this many; a node with more
 * (the root: every leaf function) finds them by hash in p->wide. */
#define STACK_SCAN 8

void dump_parser_init(struct dump_parser *p, const char *name,
		      dump_goroutine_fn on_goroutine, dump_start_fn on_dump,
		      void *ctx)
{
	memset(p, 0, sizeof(*p));
	arena_init(&p->arena);
	intern_init(&p->strings, &p->arena);
	strbuf_init(&p->scratch);
	p->on_goroutine = on_goroutine;
	p->on_dump = on_dump;
	p->ctx = ctx;
	p->name = name;
	p->last_had_newline = true;
}

void dump_parser_release(struct dump_parser *p)
{
	intern_release(&p->strings);
	intern_shared_free(p->shared_strings);
	arena_release(&p->arena);
	strbuf_release(&p->scratch);
	free(p->dumps);
	free(p->frames);
	free(p->args_off);
	free(p->wide);
	dump_idset_free(p->ids);
	memset(p, 0, sizeof(*p));
}

void dump_parser_swap_input(struct dump_parser *p, struct dump_parser *q)
{
#define SWAP(field) do {					\
		char tmp_[sizeof(p->field)];			\
		memcpy(tmp_, &p->field, sizeof(tmp_));		\
		memcpy(&p->field, &q->field, sizeof(tmp_));	\
		memcpy(&q->field, tmp_, sizeof(tmp_));		\
	} while (0)
	SWAP(ctx);
	SWAP(dumps);
	SWAP(ndumps);
	SWAP(adumps);
	SWAP(total);
	SWAP(mode);
	SWAP(in_ancestor);
	SWAP(pending_created_by);
	SWAP(pending_frame);
	SWAP(last_dashes);
	SWAP(last_had_newline);
	SWAP(lineno);
	SWAP(cur);
	SWAP(in_goroutine);
	SWAP(cb_args_off);
	SWAP(header_off);
	SWAP(ids);
#undef SWAP
}

static int oom(struct dump_parser *p, struct ls_error *err)
{
	return ls_error_set_line(err, p->lineno, "out of memory");
}

static int new_dump(struct dump_parser *p, struct ls_error *err)
{
	struct dump_info *d;

	if (p->ndumps == p->adumps) {
		size_t n = p->adumps ? p->adumps * 2 : 4;
		struct dump_info *nd = realloc(p->dumps, n * sizeof(*nd));

		if (!nd)
			return oom(p, err);
		p->dumps = nd;
		p->adumps = n;
	}
	d = &p->dumps[p->ndumps++];
	memset(d, 0, sizeof(*d));
	d->first_line = p->lineno;
	d->reason = "";
	if (!p->ids && !(p->ids = dump_idset_new()))
		return oom(p, err);
	dump_idset_clear(p->ids);
	p->last_dashes = false;
	if (p->on_dump) {
		int r = p->on_dump(p->ndumps - 1, p->ctx);

		if (r < 0)
			return r;
	}
	return 0;
}

static int add_preamble(struct dump_parser *p, const char *s, size_t len,
			struct ls_error *err)
{
	struct dump_info *d;
	char *copy;

	if (!p->ndumps && new_dump(p, err) < 0)
		return -1;
	d = &p->dumps[p->ndumps - 1];
	if (d->npreamble >= DUMP_PREAMBLE_MAX)
		return 0;
	if (!d->preamble) {
		d->preamble = arena_calloc(&p->arena, DUMP_PREAMBLE_MAX,
					   sizeof(*d->preamble));
		if (!d->preamble)
			return oom(p, err);
	}
	copy = arena_strndup(&p->arena, s, len);
	if (!copy)
		return oom(p, err);
	d->preamble[d->npreamble++] = copy;
	if (!d->reason[0])
		d->reason = copy;
	return 0;
}

static size_t wide_hash(const struct dump_stack *parent, uint64_t place,
			int64_t line, const char *str)
{
	uint64_t h = (uint64_t)(uintptr_t)parent * 0x9E3779B97F4A7C15ULL;

	h = (h ^ (uint64_t)(uintptr_t)str) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ place ^ ((uint64_t)line << 32)) * 0x94d049bb133111ebULL;
	return (size_t)(h ^ (h >> 31));
}

static int wide_insert(struct dump_parser *p, const struct dump_stack *parent,
		       struct dump_stack *n)
{
	size_t i;

	if ((p->nwide + 1) * 2 > p->wide_cap) {
		size_t cap = p->wide_cap ? p->wide_cap * 2 : 1024;
		struct dump_wide *t = zalloc(cap, sizeof(*t));

		if (!t)
			return -1;
		for (i = 0; i < p->wide_cap; i++) {
			const struct dump_wide *o = &p->wide[i];
			size_t j;

			if (!o->node)
				continue;
			j = wide_hash(o->parent, o->node->place, node_line(o->node),
				      o->node->str) & (cap - 1);
			while (t[j].node)
				j = (j + 1) & (cap - 1);
			t[j] = *o;
		}
		free(p->wide);
		p->wide = t;
		p->wide_cap = cap;
	}
	i = wide_hash(parent, n->place, node_line(n), n->str) & (p->wide_cap - 1);
	while (p->wide[i].node)
		i = (i + 1) & (p->wide_cap - 1);
	p->wide[i].parent = parent;
	p->wide[i].node = n;
	p->nwide++;
	return 0;
}

static struct dump_stack *wide_find(const struct dump_parser *p,
				    const struct dump_stack *parent,
				    uint64_t place, int64_t line, const char *str)
{
	size_t i = wide_hash(parent, place, line, str) & (p->wide_cap - 1);
	struct dump_stack *n;

	for (; (n = p->wide[i].node); i = (i + 1) & (p->wide_cap - 1))
		if (p->wide[i].parent == parent && n->str == str &&
		    n->place == place && node_line(n) == line)
			return n;
	return NULL;
}

/* The interned copy of s[0..len), the current goroutine's string at
 * place (with line, for a file): one step down the stack trie, which
 * compares it with the strings seen at this point of a stack before
 * and interns it only when it is new here. NULL when out of memory. */
static const char *stack_step(struct dump_parser *p, uint64_t place,
			      int64_t line, const char *s, size_t len,
			      size_t tail_len, uint64_t offset)
{
	struct dump_stack *at = p->at, *n, **link;
	const char *str = NULL;
	unsigned children;

	if (len > STACK_LEN_MAX || place > UINT32_MAX) {
		/* past what a node holds: no stack for this goroutine */
		p->stack_lost = true;
		return intern_str(&p->strings, s, len);
	}
	if (at->nchildren <= STACK_SCAN) {
		for (link = &at->child; (n = *link); link = &n->sibling) {
			if (n->len == len && n->place == place && node_line(n) == line &&
			    memcmp(n->str, s, len) == 0) {
				*link = n->sibling;	/* to the front */
				n->sibling = at->child;
				at->child = n;
				p->at = n;
				return n->str;
			}
		}
	} else {
		str = intern_str(&p->strings, s, len);
		if (!str)
			return NULL;
		n = wide_find(p, at, place, line, str);
		if (n) {
			p->at = n;
			return str;
		}
	}
	if (!str && !(str = intern_str(&p->strings, s, len)))
		return NULL;
	if (place & 1) {	/* a file */
		struct stack_file *fn;

		if (tail_len > STACK_TAIL_MAX)
			tail_len = 0;
		fn = arena_calloc(&p->arena, 1,
				  offsetof(struct stack_file, tail) + tail_len);
		if (!fn)
			return NULL;
		fn->line = line;
		fn->offset = offset;
		fn->tail_len = (uint8_t)tail_len;
		memcpy(fn->tail, s + len, tail_len);
		n = &fn->node;
		n->whole = tail_len > 0;
	} else {
		n = arena_calloc(&p->arena, 1, sizeof(*n));
		if (!n)
			return NULL;
		n->whole = !memchr(str, ' ', len);
	}
	n->str = str;
	n->len = (unsigned)len;
	n->place = (uint32_t)place;
	n->sibling = at->child;
	at->child = n;
	children = at->nchildren + 1u;	/* past STACK_SCAN + 1, all alike */
	if (children <= STACK_SCAN + 2)
		at->nchildren = children;
	if (children == STACK_SCAN + 1) {
		struct dump_stack *c;

		for (c = at->child; c; c = c->sibling)
			if (wide_insert(p, at, c) < 0)
				return NULL;
	} else if (children > STACK_SCAN + 1 && wide_insert(p, at, n) < 0) {
		return NULL;
	}
	p->at = n;
	return str;
}

/* Whether the line s[0..len) is the one that made node n (the first
 * child of p->at: where the goroutine went on last time from here), so
 * that parsing it would give n's string, line and offset: for a file,
 * the same bytes; for a function, n's name then "(" and arguments
 * without parentheses then ")", which split_call() would split there. */
static bool line_repeats(const struct dump_stack *n, const char *s, size_t len)
{
	size_t i;

	if (!n->whole)
		return false;
	if (n->place & 1) {
		const struct stack_file *fn = (const struct stack_file *)n;

		return len == (size_t)n->len + fn->tail_len &&
		       memcmp(s, n->str, n->len) == 0 &&
		       memcmp(s + n->len, fn->tail, fn->tail_len) == 0;
	}
	if (!n->len || len < (size_t)n->len + 2 || s[len - 1] != ')' || s[n->len] != '(' ||
	    memcmp(s, n->str, n->len) != 0)
		return false;
	i = (size_t)n->len + 1;
	return !memchr(s + i, ')', len - 1 - i) && !memchr(s + i, '(', len - 1 - i);
}

/* Hands the current goroutine to the callback. */
static int finish_goroutine(struct dump_parser *p, bool truncated,
			    struct ls_error *err)
{
	struct goroutine *g = &p->cur;
	struct dump_info *d = &p->dumps[p->ndumps - 1];
	size_t i;
	int r = 0;

	(void)err;
	if (!p->in_goroutine)
		return 0;
	p->in_goroutine = false;
	if (p->pending_frame || p->pending_created_by) {
		/* a frame without its file line */
		if (truncated)
			g->flags |= GOROUTINE_TRUNCATED;
		else
			g->flags |= GOROUTINE_MALFORMED;
	}
	if (truncated)
		g->flags |= GOROUTINE_TRUNCATED;
	if (g->nframes == 0 && !(g->flags & GOROUTINE_UNAVAILABLE) &&
	    !(g->flags & GOROUTINE_TRUNCATED))
		g->flags |= GOROUTINE_MALFORMED;
	if (g->flags & GOROUTINE_TRUNCATED)
		d->truncated = true;
	p->pending_frame = p->pending_created_by = false;
	p->in_ancestor = false;
	g->frames = p->frames;
	g->header = p->scratch.buf + p->header_off;
	if (!p->no_args)	/* else push_frame() set them "" */
		for (i = 0; i < g->nframes; i++)
			g->frames[i].args = p->scratch.buf + p->args_off[i];
	if (g->has_created_by)
		g->created_by.args = "";
	g->stack = p->stack_lost ? NULL : p->at;
	d->ngoroutines++;
	p->total++;
	if (p->on_goroutine)
		r = p->on_goroutine(g, p->ctx);
	return r < 0 ? r : 0;
}

/* Appends s[0..len) and a NUL to the scratch buffer; its offset or -1. */
static long long scratch_add(struct dump_parser *p, const char *s, size_t len)
{
	struct strbuf *sb = &p->scratch;
	size_t off = sb->len;

	/* one growth check and one copy per frame: this runs for every
	 * frame of every goroutine */
	if (sb->len + len + 2 > sb->alloc && strbuf_grow(sb, len + 1) < 0)
		return -1;
	memcpy(sb->buf + off, s, len);
	sb->buf[off + len] = '\0';
	sb->len = off + len + 1;
	sb->buf[sb->len] = '\0';
	return (long long)off;
}

static int start_goroutine(struct dump_parser *p, const char *s, size_t len,
			   uint64_t id, const char *state, size_t state_len,
			   int64_t wait, bool locked, struct ls_error *err)
{
	struct goroutine *g = &p->cur;
	long long off;

	memset(g, 0, sizeof(*g));
	if (!p->root && !(p->root = arena_calloc(&p->arena, 1, sizeof(*p->root))))
		return oom(p, err);
	p->at = p->root;
	p->stack_lost = false;
	strbuf_reset(&p->scratch);
	off = scratch_add(p, s, len);
	if (off < 0)
		return oom(p, err);
	p->header_off = (size_t)off;
	g->id = id;
	g->state = intern_str(&p->strings, state, state_len);
	if (!g->state)
		return oom(p, err);
	g->wait_minutes = wait;
	g->locked = locked;
	g->lineno = p->lineno;
	g->dump = p->ndumps - 1;
	g->created_by.func = g->created_by.file = g->created_by.args = "";
	p->in_goroutine = true;
	p->in_ancestor = false;
	p->pending_frame = p->pending_created_by = false;
	return 0;
}

/* "func(args)": the function and the arguments; false if not a call. */
static bool split_call(const char *s, size_t len, size_t *func_len,
		       size_t *args_start, size_t *args_len)
{
	size_t i;
	int depth = 0;

	const char *open;

	if (len < 3 || s[len - 1] != ')')
		return false;
	/* Nearly always the last '(' opens the arguments: no ')' between
	 * it and the closing one. Else count parentheses from the end. */
	open = memrchr(s, '(', len - 1);
	if (open && !memchr(open + 1, ')', (size_t)(s + len - 1 - (open + 1)))) {
		i = (size_t)(open - s);
	} else {
		for (i = len; i-- > 0;) {
			if (s[i] == ')')
				depth++;
			else if (s[i] == '(' && --depth == 0)
				break;
		}
		if (depth != 0)
			return false;
	}
	if (i == 0 || i == (size_t)-1)
		return false;
	/* A function name has no spaces before its argument list, except in
	 * the rare method on a type written with one; reject obvious prose. */
	if (memchr(s, ' ', i))
		return false;
	*func_len = i;
	*args_start = i + 1;
	*args_len = len - 1 - (i + 1);
	return true;
}

/* "file:line [+0xoff] [fp=0x.. sp=0x.. pc=0x..]" */
static bool parse_file_line(const char *s, size_t len, size_t *file_len,
			    int64_t *line, uint64_t *offset)
{
	size_t end = len, i;
	int64_t n = 0, mul = 1;

	*offset = 0;
	/* strip trailing " key=0x.." and " +0x.." words */
	for (;;) {
		const char *space = end ? memrchr(s, ' ', end) : NULL;
		size_t sp;

		/* memrchr: the path before the last word has no space, and
		 * scanning it byte by byte was the parser's hottest loop */
		if (!space)
			break;
		sp = (size_t)(space - s) + 1;
		if (has_prefix(s + sp, end - sp, "fp=") ||
		    has_prefix(s + sp, end - sp, "sp=") ||
		    has_prefix(s + sp, end - sp, "pc=")) {
			end = sp - 1;
			continue;
		}
		if (has_prefix(s + sp, end - sp, "+0x")) {
			uint64_t off = 0;

			for (i = sp + 3; i < end && is_hex(s[i]); i++) {
				char c = s[i];

				off = off * 16 + (uint64_t)(is_digit(c) ? c - '0' :
					(c | 0x20) - 'a' + 10);
			}
			if (i != end)
				return false;
			*offset = off;
			end = sp - 1;
			continue;
		}
		break;
	}
	while (end > 0 && s[end - 1] == ' ')
		end--;
	i = end;
	while (i > 0 && is_digit(s[i - 1]))
		i--;
	if (i == end || i < 2 || s[i - 1] != ':')
		return false;
	for (size_t k = end; k > i; k--) {
		n += (s[k - 1] - '0') * mul;
		mul *= 10;
	}
	*file_len = i - 1;
	*line = n;
	return true;
}

static bool is_register_line(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && i < 8 && ((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i])))
		i++;
	if (i == 0 || i >= len || s[i] != ' ')
		return false;
	while (i < len && s[i] == ' ')
		i++;
	if (!has_prefix(s + i, len - i, "0x"))
		return false;
	for (i += 2; i < len; i++)
		if (!is_hex(s[i]))
			return false;
	return true;
}

static bool is_elided(const char *s, size_t len)
{
	return len >= 13 && has_prefix(s, len, "...") &&
	       memcmp(s + len - 10, " elided...", 10) == 0;
}

/* A line that opens a panic, fatal error or signal report. */
static bool is_report_start(const char *s, size_t len)
{
	size_t i;

	if (has_prefix(s, len, "panic: ") || has_prefix(s, len, "fatal error: ") ||
	    has_prefix(s, len, "unexpected fault address ") ||
	    has_prefix(s, len, "fatal: ") || has_prefix(s, len, "runtime: "))
		return true;
	if (!has_prefix(s, len, "SIG"))
		return false;
	for (i = 3; i < len && ((s[i] >= 'A' && s[i] <= 'Z') || is_digit(s[i])); i++)
		;
	return i > 3 && i + 1 < len && s[i] == ':' && s[i + 1] == ' ';
}

/* Lines the runtime prints inside a traceback that are not frames. */
static bool is_traceback_note(const char *s, size_t len)
{
	return has_prefix(s, len, "traceback: ") || has_prefix(s, len, "runtime: ") ||
	       has_prefix(s, len, "stack: frame={") ||
	       (has_prefix(s, len, "0x") && len > 2 && is_hex(s[2]) &&
		memchr(s, ':', len) != NULL && !memchr(s, '(', len));
}

/* A C identifier: a cgo traceback frame printed without arguments. */
static bool is_c_name(const char *s, size_t len)
{
	size_t i;

	if (!len || is_digit(s[0]))
		return false;
	for (i = 0; i < len; i++)
		if (!(s[i] == '_' || is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* The pending frame (or created by) gets the file and line of the file
 * node next, which line_repeats() matched. */
static void set_file(struct dump_parser *p, struct dump_stack *next)
{
	struct goroutine *g = &p->cur;
	struct dump_frame *f = p->pending_created_by ? &g->created_by
				: &p->frames[g->nframes - 1];

	f->file = next->str;
	f->line = ((const struct stack_file *)next)->line;
	f->offset = ((const struct stack_file *)next)->offset;
	p->pending_frame = p->pending_created_by = false;
	p->at = next;
}

/* Room for one more frame of the current goroutine: 0 or -1. */
static int frames_grow(struct dump_parser *p, struct ls_error *err)
{
	size_t n = p->aframes ? p->aframes * 2 : 64;
	struct dump_frame *nf = realloc(p->frames, n * sizeof(*nf));
	size_t *no;

	if (!nf)
		return oom(p, err);
	p->frames = nf;
	no = realloc(p->args_off, n * sizeof(*no));
	if (!no)
		return oom(p, err);
	p->args_off = no;
	p->aframes = n;
	return 0;
}

/* Adds a frame of function func (interned) with the arguments
 * args[0..alen) to the current goroutine. Small enough to inline: it
 * runs for every frame of every goroutine. */
static inline int add_frame(struct dump_parser *p, const char *func,
			    const char *args, size_t alen, struct ls_error *err)
{
	struct goroutine *g = &p->cur;
	struct dump_frame *f;
	long long aoff;

	if (g->nframes == p->aframes && frames_grow(p, err) < 0)
		return -1;
	f = &p->frames[g->nframes];
	f->func = func;
	f->args = "";
	f->file = "";
	f->line = 0;
	f->offset = 0;
	f->inlined = alen == 3 && memcmp(args, "...", 3) == 0;
	if (!p->no_args) {
		aoff = scratch_add(p, args, alen);
		if (aoff < 0)
			return oom(p, err);
		p->args_off[g->nframes] = (size_t)aoff;
	}
	g->nframes++;
	return 0;
}

/* Adds the frame of the function line s (its name s[0..flen), or known,
 * the trie node that line_repeats() matched; the arguments
 * s[astart..astart + alen)) to the current goroutine. */
static int push_frame(struct dump_parser *p, struct dump_stack *known,
		      const char *s, size_t flen, size_t astart, size_t alen,
		      struct ls_error *err)
{
	const char *func;

	if (known) {
		func = known->str;
		p->at = known;
	} else {
		func = stack_step(p, PLACE_FUNC(p->cur.nframes), 0, s, flen, 0, 0);
		if (!func)
			return oom(p, err);
	}
	return add_frame(p, func, s + astart, alen, err);
}

static int body_line(struct dump_parser *p, const char *s, size_t len,
		     bool *handled, struct ls_error *err)
{
	struct goroutine *g = &p->cur;
	struct dump_stack *next = p->at->child, *known = NULL;
	size_t flen, astart, alen;
	int64_t line;
	uint64_t off;

	*handled = true;
	/* A repeated stack: the line that came next here last time? */
	if (next && !p->in_ancestor && line_repeats(next, s, len)) {
		if (p->pending_frame || p->pending_created_by) {
			if (next->place == (p->pending_created_by ? PLACE_CB_FILE :
					    PLACE_FILE(g->nframes - 1))) {
				set_file(p, next);
				return 0;
			}
		} else if (next->place == PLACE_FUNC(g->nframes)) {
			known = next;
			flen = next->len;
			astart = flen + 1;
			alen = len - astart - 1;
			goto frame;
		}
	}
	if (p->pending_frame && has_prefix(s, len, "pc=0x")) {
		/* a C frame without file (printOneCgoTraceback) */
		p->pending_frame = false;
		return 0;
	}
	if (p->pending_frame || p->pending_created_by) {
		if (parse_file_line(s, len, &flen, &line, &off)) {
			struct dump_frame *f;
			const char *file;

			if (p->in_ancestor && !p->pending_created_by) {
				p->pending_frame = false;
				return 0;
			}
			if (p->pending_created_by && p->in_ancestor) {
				p->pending_created_by = false;
				return 0;
			}
			file = stack_step(p, p->pending_created_by ? PLACE_CB_FILE :
					  PLACE_FILE(g->nframes - 1), line, s, flen,
					  len - flen, off);
			if (!file)
				return oom(p, err);
			f = p->pending_created_by ? &g->created_by
						  : &p->frames[g->nframes - 1];
			f->file = file;
			f->line = line;
			f->offset = off;
			p->pending_frame = p->pending_created_by = false;
			return 0;
		}
		g->flags |= GOROUTINE_MALFORMED;
		p->pending_frame = p->pending_created_by = false;
	}
	if (has_prefix(s, len, "created by ")) {
		const char *fs = s + 11;
		size_t fl = len - 11, i;

		p->pending_created_by = true;
		if (p->in_ancestor)
			return 0;
		/* " in goroutine N" (Go 1.21+) */
		i = fl;
		while (i > 0 && is_digit(fs[i - 1]))
			i--;
		if (i < fl && i >= 14 && memcmp(fs + i - 14, " in goroutine ", 14) == 0) {
			uint64_t id = 0;

			for (size_t k = i; k < fl; k++)
				id = id * 10 + (uint64_t)(fs[k] - '0');
			g->parent_id = id;
			fl = i - 14;
		}
		g->has_created_by = true;
		g->created_by.func = stack_step(p, PLACE_CB_FUNC, 0, fs, fl, 0, 0);
		if (!g->created_by.func)
			return oom(p, err);
		return 0;
	}
	if (has_prefix(s, len, "[originating from goroutine ")) {
		p->in_ancestor = true;
		return 0;
	}
	if (is_elided(s, len)) {
		if (!p->in_ancestor)
			g->flags |= GOROUTINE_ELIDED;
		return 0;
	}
	if (has_prefix(s, len, "goroutine running on other thread; stack unavailable")) {
		g->flags |= GOROUTINE_UNAVAILABLE;
		return 0;
	}
	if (is_traceback_note(s, len))
		return 0;
	/* cgo frames (printOneCgoTraceback): "non-Go function" or a C
	 * function name, then "\tpc=0x.." or "\tfile.c:12 pc=0x.." */
	if ((len == 15 && memcmp(s, "non-Go function", 15) == 0) ||
	    (s[len - 1] != ')' && is_c_name(s, len) &&
	     (g->nframes == 0 || !strchr(p->frames[g->nframes - 1].func, '.')))) {
		/* C frames come first (leaf end), before any Go function */
		flen = len;
		astart = len;
		alen = 0;
		goto frame;
	}
	if (split_call(s, len, &flen, &astart, &alen)) {
frame:
		p->pending_frame = true;
		if (p->in_ancestor)
			return 0;
		return push_frame(p, known, s, flen, astart, alen, err);
	}
	*handled = false;
	return 0;
}

int dump_parser_line(struct dump_parser *p, const char *line, size_t len,
		     enum dump_line_kind *kind, struct ls_error *err)
{
	const char *s = line;
	size_t n = len;
	enum dump_line_kind k = DUMP_LINE_OTHER;
	uint64_t id;
	const char *state;
	size_t state_len;
	int64_t wait;
	bool locked;
	int r;

	p->lineno++;
	p->last_had_newline = n > 0 && s[n - 1] == '\n';
	if (n && s[n - 1] == '\n')
		n--;
	if (n && s[n - 1] == '\r')
		n--;
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;

	if (n == 0) {
		if (p->in_goroutine && (r = finish_goroutine(p, false, err)) < 0)
			return r;
		p->mode = MODE_TOP;
		k = DUMP_LINE_BLANK;
		goto out;
	}
	if (s[0] == 'g' &&	/* "goroutine ": spare most lines the call */
	    dump_parse_header(s, n, &id, &state, &state_len, &wait, &locked)) {
		if (p->in_goroutine && (r = finish_goroutine(p, false, err)) < 0)
			return r;
		p->mode = MODE_TOP;
		if (!p->ndumps) {
			if ((r = new_dump(p, err)) < 0)
				return r;
		}
		if (id != 0) {
			int added = dump_idset_add(p->ids, id);

			if (added < 0)
				return oom(p, err);
			if (added == 0) {
				/* the same id again: the next snapshot */
				if ((r = new_dump(p, err)) < 0)
					return r;
				if (dump_idset_add(p->ids, id) < 0)
					return oom(p, err);
			}
		}
		if ((r = start_goroutine(p, s, n, id, state, state_len, wait,
					 locked, err)) < 0)
			return r;
		p->last_dashes = false;
		k = DUMP_LINE_HEADER;
		goto out;
	}
	if (p->in_goroutine) {
		bool handled;

		if ((r = body_line(p, s, n, &handled, err)) < 0)
			return r;
		if (handled) {
			k = DUMP_LINE_BODY;
			goto out;
		}
		if (!p->last_had_newline) {
			/* the input stops in the middle of this line */
			k = DUMP_LINE_BODY;
			if ((r = finish_goroutine(p, true, err)) < 0)
				return r;
			goto out;
		}
		if ((r = finish_goroutine(p, false, err)) < 0)
			return r;
	}
	if (n == 5 && memcmp(s, "-----", 5) == 0) {
		p->last_dashes = true;
		p->mode = MODE_TOP;
		k = p->ndumps ? DUMP_LINE_PREAMBLE : DUMP_LINE_OTHER;
		goto out;
	}
	if (p->mode == MODE_RUNTIME_STACK) {
		k = DUMP_LINE_PREAMBLE;
		goto out;
	}
	if (p->mode == MODE_PREAMBLE) {
		if ((r = add_preamble(p, s, n, err)) < 0)
			return r;
		k = DUMP_LINE_PREAMBLE;
		goto out;
	}
	if (is_report_start(s, n)) {
		if (!p->ndumps || (p->dumps[p->ndumps - 1].ngoroutines &&
				   !p->last_dashes)) {
			if ((r = new_dump(p, err)) < 0)
				return r;
		}
		if ((r = add_preamble(p, s, n, err)) < 0)
			return r;
		p->mode = MODE_PREAMBLE;
		p->last_dashes = false;
		k = DUMP_LINE_PREAMBLE;
		goto out;
	}
	if (p->ndumps && has_prefix(s, n, "runtime stack:")) {
		p->mode = MODE_RUNTIME_STACK;
		k = DUMP_LINE_PREAMBLE;
		goto out;
	}
	if (p->ndumps && (is_register_line(s, n) || has_prefix(s, n, "PC=") ||
			  has_prefix(s, n, "[signal "))) {
		if ((r = add_preamble(p, s, n, err)) < 0)
			return r;
		k = DUMP_LINE_PREAMBLE;
		goto out;
	}
out:
	if (kind)
		*kind = k;
	return 0;
}

/* Whether s[0..n) and t[0..n) are the same bytes, for the tail of a
 * file line (":123 +0x1d", mostly 8 to 16 bytes): two overlapping
 * 8-byte loads of each then, instead of a memcmp call, for every file
 * line of every known stack. */
static inline bool tail_eq(const char *s, const char *t, size_t n)
{
	uint64_t a, b, c, d;

	if (n < 8 || n > 16)
		return memcmp(s, t, n) == 0;
	memcpy(&a, s, 8);
	memcpy(&b, t, 8);
	memcpy(&c, s + n - 8, 8);
	memcpy(&d, t + n - 8, 8);
	return ((a ^ b) | (c ^ d)) == 0;
}

/* The length of the arguments line s[0..rest) after a known function
 * name and its '(' when they close it: the first '(', ')' or '\n' in it
 * is a ')' that ends the line, whose length is then returned, ')'
 * included. 0 when not, as split_call() would not split it there (a
 * '(' or an earlier ')' in the arguments), or when no line end is in
 * s. On every known function line of every goroutine: one pass, sixteen
 * bytes at a time, instead of three memchr calls. */
static inline size_t args_close(const char *s, size_t rest)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n'), open = _mm_set1_epi8('('),
		      close = _mm_set1_epi8(')');

	for (; i + 16 <= rest; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, open)),
			_mm_cmpeq_epi8(v, close)));

		if (m) {
			i += (size_t)__builtin_ctz(m);
			goto found;
		}
	}
#endif
	for (; i < rest; i++)
		if (s[i] == '\n' || s[i] == '(' || s[i] == ')')
			goto found;
	return 0;
found:
	return s[i] == ')' && i + 1 < rest && s[i + 1] == '\n' ? i + 1 : 0;
}

/* A line at a point of the trie with no children yet, which
 * stack_lines() consumes as body_line() would: a function line without
 * indent ending in ')' that split_call() takes, or, after one, a file
 * line after one tab that parse_file_line() takes. Any other line - one
 * body_line() would trim, a cgo "pc=0x" line, a "created by" line or
 * prose (a space in what would be the function's name) - is left to
 * the general parser: 0. Else the line's length without its '\n', or
 * -1 when out of memory. Learning a stack was most of the lines the
 * general parser still saw (and all of a split part's relearning). */
static long long new_stack_line(struct dump_parser *p, const char *s,
				size_t rest, size_t max_line,
				struct ls_error *err)
{
	struct goroutine *g = &p->cur;
	const char *nl = memchr(s, '\n', rest);
	size_t n, flen, astart, alen;

	if (!nl || (n = (size_t)(nl - s)) < 2 || n > max_line)
		return 0;
	if (p->pending_frame || p->pending_created_by) {
		struct dump_frame *f;
		const char *file;
		int64_t line;
		uint64_t off;
		char end = s[n - 1];

		if (s[0] != '\t' || s[1] == ' ' || s[1] == '\t' || end == ' ' ||
		    end == '\t' || end == '\r' || has_prefix(s + 1, n - 1, "pc=0x") ||
		    !parse_file_line(s + 1, n - 1, &flen, &line, &off))
			return 0;
		file = stack_step(p, p->pending_created_by ? PLACE_CB_FILE :
				  PLACE_FILE(g->nframes - 1), line, s + 1, flen,
				  n - 1 - flen, off);
		if (!file)
			return oom(p, err);
		f = p->pending_created_by ? &g->created_by : &p->frames[g->nframes - 1];
		f->file = file;
		f->line = line;
		f->offset = off;
		p->pending_frame = p->pending_created_by = false;
		return (long long)n;
	}
	if (s[0] == ' ' || s[0] == '\t' || s[n - 1] != ')' ||
	    !split_call(s, n, &flen, &astart, &alen))
		return 0;
	p->pending_frame = true;
	if (push_frame(p, NULL, s, flen, astart, alen, err) < 0)
		return -1;
	return (long long)n;
}

/* The lines at the start of data[0..len) that take the current goroutine
 * on down a stack seen before, consumed without dump_parser_line(): a
 * line that is, byte for byte, one body_line() would match with
 * line_repeats() - a function line without indent, a file line after
 * one tab, ended by '\n' - has the same effect here. A line ended by
 * "\r\n" never is one: a node's name or file line never ends in '\r'.
 * Stops before any other line (and one longer than max_line, or not
 * ended in data): the caller parses it. Returns the bytes consumed, or
 * -1 with err set. */
static long long stack_lines(struct dump_parser *p, const char *data,
			     size_t len, size_t max_line, struct ls_error *err)
{
	struct goroutine *g = &p->cur;
	size_t pos = 0;

	if (!p->in_goroutine || p->in_ancestor)
		return 0;
	while (pos < len) {
		struct dump_stack *next = p->at->child;
		const char *s = data + pos;
		size_t n, rest = len - pos;

		if (!next) {
			/* nothing seen here before: a new stack */
			long long r = new_stack_line(p, s, rest, max_line, err);

			if (r <= 0)
				return r < 0 ? -1 : (long long)pos;
			n = (size_t)r;
		} else if (!next->whole) {
			break;
		} else if (p->pending_frame || p->pending_created_by) {
			const struct stack_file *fn = (const struct stack_file *)next;

			if (next->place != (p->pending_created_by ? PLACE_CB_FILE :
					    PLACE_FILE(g->nframes - 1)))
				break;
			/* the line's length is known: no need to look for its end */
			n = 1 + next->len + fn->tail_len;
			if (n >= rest || s[n] != '\n' || n > max_line || s[0] != '\t' ||
			    memcmp(s + 1, next->str, next->len) != 0 ||
			    !tail_eq(s + 1 + next->len, fn->tail, fn->tail_len))
				break;
			set_file(p, next);
		} else {
			size_t a = (size_t)next->len + 1, alen;

			/* the name first, then the line's end after it */
			if (next->place != PLACE_FUNC(g->nframes) || !next->len ||
			    a >= rest || s[a - 1] != '(' ||
			    memcmp(s, next->str, next->len) != 0 ||
			    !(alen = args_close(s + a, rest - a)) ||
			    (n = a + alen) > max_line)
				break;
			p->pending_frame = true;
			p->at = next;
			if (add_frame(p, next->str, s + a, n - 1 - a, err) < 0)
				return -1;
		}
		p->lineno++;
		p->last_had_newline = true;
		pos += n + 1;
	}
	return (long long)pos;
}

/* Feeds the lines of data[0..len) (the last one even without its '\n'):
 * 0, 1 when a line is longer than max_line (fed up to there), or
 * negative. */
static int feed_lines(struct dump_parser *p, const char *data, size_t len,
		      size_t max_line, struct ls_error *err)
{
	size_t pos = 0;
	int r;

	while (pos < len) {
		const char *nl;
		size_t end;

		if (p->in_goroutine) {
			long long n = stack_lines(p, data + pos, len - pos, max_line,
						  err);

			if (n < 0)
				return -1;
			pos += (size_t)n;
			if (pos == len)
				break;
		}
		nl = memchr(data + pos, '\n', len - pos);
		end = nl ? (size_t)(nl - data) + 1 : len;
		if (end - pos - (nl ? 1 : 0) > max_line)
			return 1;
		r = dump_parser_line(p, data + pos, end - pos, NULL, err);
		if (r < 0)
			return r;
		pos = end;
	}
	return 0;
}

int dump_parser_finish(struct dump_parser *p, struct ls_error *err)
{
	if (p->in_goroutine) {
		struct goroutine *g = &p->cur;
		bool truncated = p->pending_frame || p->pending_created_by ||
			(g->nframes == 0 && !g->has_created_by &&
			 !(g->flags & GOROUTINE_UNAVAILABLE));

		return finish_goroutine(p, truncated, err);
	}
	return 0;
}

/* Marks the last goroutine truncated when the input is exactly the size
 * at which pprof stops writing, or ended in the middle of a line. */
int dump_parser_end(struct dump_parser *p, uint64_t bytes,
		    struct ls_error *err)
{
	if (p->in_goroutine && bytes == PPROF_STACK_LIMIT)
		return finish_goroutine(p, true, err);
	if (!p->in_goroutine && bytes == PPROF_STACK_LIMIT && p->ndumps)
		p->dumps[p->ndumps - 1].truncated = true;
	return dump_parser_finish(p, err);
}

/* Feeds the rest of in, block by block: 0 at its end, or negative. */
static int feed_input(struct dump_parser *p, struct input *in,
		      struct strbuf *spill, struct ls_error *err)
{
	const char *data;
	size_t len;
	int r;

	while ((r = input_getlines_ref(in, &data, &len, spill, err)) > 0) {
		long long before = p->lineno;

		/* lines of a block are no longer than in->max_line */
		r = feed_lines(p, data, len, SIZE_MAX, err);
		in->lineno += p->lineno - before;
		if (r < 0)
			return r;
	}
	return r;
}

int dump_parse_file(struct dump_parser *p, const char *path, uint64_t max,
		    struct ls_error *err)
{
	struct input in;
	struct strbuf spill = STRBUF_INIT;
	int r;

	if (input_open(&in, path, max, err) < 0)
		return -1;
	input_read_ahead(&in);
	r = feed_input(p, &in, &spill, err);
	if (r == 0)
		r = dump_parser_end(p, in.consumed, err);
	if (r < 0 && !err->line && p->lineno)
		err->line = p->lineno;
	input_close(&in);
	strbuf_release(&spill);
	return r < 0 ? -1 : 0;
}

/* dump_read_head() takes whole lines until it has this much */
#define DUMP_HEAD_MIN 65536

int dump_read_head(struct input *in, struct strbuf *head, struct ls_error *err)
{
	struct strbuf line = STRBUF_INIT;
	int r = 0;

	while (head->len < DUMP_HEAD_MIN && (r = input_getline(in, &line, err)) > 0)
		if (strbuf_add(head, line.buf, line.len) < 0) {
			r = ls_error_set(err, "out of memory");
			break;
		}
	strbuf_release(&line);
	return r < 0 ? -1 : 0;
}

size_t dump_head_len(const char *data, size_t len)
{
	size_t reach;
	const char *nl;

	if (len <= DUMP_HEAD_MIN)
		return len;
	reach = len - (DUMP_HEAD_MIN - 1);
	if (reach > DUMP_HEAD_MIN)
		reach = DUMP_HEAD_MIN;
	nl = memchr(data + DUMP_HEAD_MIN - 1, '\n', reach);
	if (nl)
		return (size_t)(nl - data) + 1;
	return reach < DUMP_HEAD_MIN ? len : 0;
}

int dump_parse_rest(struct dump_parser *p, struct input *in,
		    const struct strbuf *head, struct ls_error *err)
{
	struct strbuf spill = STRBUF_INIT;
	int r;

	input_read_ahead(in);
	r = feed_lines(p, head->buf, head->len, SIZE_MAX, err);
	if (r >= 0)
		r = feed_input(p, in, &spill, err);
	strbuf_release(&spill);
	if (r >= 0)
		r = dump_parser_end(p, in->consumed, err);
	if (r < 0 && !ls_error_is_set(err))
		ls_error_set(err, "out of memory");
	if (r < 0 && !err->line && p->lineno)
		err->line = p->lineno;
	return r < 0 ? -1 : 0;
}

int dump_parse_buffer(struct dump_parser *p, const char *data, size_t len,
		      struct ls_error *err)
{
	int r = feed_lines(p, data, len, SIZE_MAX, err);

	return r < 0 ? r : dump_parser_end(p, len, err);
}

int dump_parse_lines(struct dump_parser *p, const char *data, size_t len,
		     size_t max_line, struct ls_error *err)
{
	return feed_lines(p, data, len, max_line, err);
}

size_t dump_split_point(const char *data, size_t len, size_t from)
{
	static const char key[] = "\ngoroutine ";
	size_t pos = from;

	while (pos < len) {
		const char *hit = memmem(data + pos, len - pos, key, sizeof(key) - 1);
		size_t q, end, n;
		const char *nl;
		uint64_t id;
		const char *state;
		size_t state_len;
		int64_t wait;
		bool locked;

		if (!hit)
			break;
		q = (size_t)(hit - data) + 1;	/* the header */
		pos = q;
		if (q < from || !((q >= 2 && data[q - 2] == '\n') ||
				  (q >= 3 && data[q - 2] == '\r' && data[q - 3] == '\n')))
			continue;
		nl = memchr(data + q, '\n', len - q);
		end = nl ? (size_t)(nl - data) : len;
		n = end - q;
		if (n && data[q + n - 1] == '\r')
			n--;
		while (n && (data[q + n - 1] == ' ' || data[q + n - 1] == '\t'))
			n--;
		if (dump_parse_header(data + q, n, &id, &state, &state_len, &wait,
				      &locked))
			return q;
	}
	return len;
}
