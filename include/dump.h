/* dump.h - goroutine dumps (debug=2, panics, SIGQUIT) as a stream of goroutines
 *
 * A goroutine dump is the text Go prints for goroutine?debug=2,
 * runtime.Stack(buf, true), an unrecovered panic, a fatal error or SIGQUIT
 * under any GOTRACEBACK level, in the forms of Go 1.13 to 1.25 (see
 * runtime/traceback.go: goroutineheader, printcreatedby, printFuncName,
 * printAncestorTraceback). Input may hold several dumps one after another,
 * log lines between them, CRLF line ends and leading indentation (a dump
 * pasted into an issue); every form is parsed line by line.
 *
 * The parser streams: it is fed one line at a time and hands each complete
 * goroutine to a callback, so that memory follows the largest goroutine and
 * the number of distinct function names and files, never the input size.
 *
 * Ownership: struct dump_parser owns everything it hands out. Function
 * names and file paths are interned in parser->arena and live until
 * dump_parser_release(); the struct goroutine given to the callback (its
 * frames, header and arguments) is valid only during the call. Per-dump
 * metadata (struct dump_info, preamble lines) lives until release.
 */
#ifndef LEAKSCOPE_DUMP_H
#define LEAKSCOPE_DUMP_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "intern.h"
#include "strbuf.h"

struct dump_frame {
	const char *func;	/* interned; "" when the line was malformed */
	const char *args;	/* as printed between the parentheses; "..." for inlined */
	const char *file;	/* interned; "" when the file line is missing */
	int64_t line;		/* 0 when missing */
	uint64_t offset;	/* the +0x.. offset; 0 when absent */
	bool inlined;		/* printed as F(...) */
};

/* Flags of a goroutine. */
#define GOROUTINE_TRUNCATED	0x01u	/* the input ended inside it */
#define GOROUTINE_ELIDED	0x02u	/* frames elided by the runtime */
#define GOROUTINE_UNAVAILABLE	0x04u	/* running on another thread */
#define GOROUTINE_MALFORMED	0x08u	/* a line could not be parsed */

struct goroutine {
	uint64_t id;
	const char *state;		/* interned: "chan receive", "running" */
	int64_t wait_minutes;		/* 0 when not printed */
	bool locked;			/* ", locked to thread" */
	const char *header;		/* header line, without indent or line end */
	struct dump_frame *frames;	/* leaf first */
	size_t nframes;
	bool has_created_by;
	struct dump_frame created_by;
	uint64_t parent_id;		/* "in goroutine N" (Go 1.21+); 0 when absent */
	unsigned flags;
	long long lineno;		/* line of the header, 1-based */
	size_t dump;			/* 0-based index of its dump */
	/* Two goroutines handed over by one parser with the same stack
	 * have the same frames (count, func, file and line of each) and the
	 * same created_by (func, file, line): a consumer may key on it.
	 * NULL when not known. Valid until dump_parser_release(). */
	const struct dump_stack *stack;
};

/* One dump (snapshot) found in the input. */
struct dump_info {
	size_t ngoroutines;
	bool truncated;			/* input ended inside a goroutine */
	long long first_line;		/* first line that belongs to it */
	const char **preamble;		/* "panic: ...", "SIGQUIT: quit", ...; */
	size_t npreamble;		/* at most DUMP_PREAMBLE_MAX kept */
	const char *reason;		/* first preamble line, or "" */
};

#define DUMP_PREAMBLE_MAX 64

/* How the parser classified the line it was just given. */
enum dump_line_kind {
	DUMP_LINE_OTHER = 0,	/* not part of a dump (log lines, notes) */
	DUMP_LINE_PREAMBLE,	/* panic:, fatal error:, SIGQUIT:, registers,
				 * runtime stack: and its frames */
	DUMP_LINE_HEADER,	/* goroutine N [state]: - starts a goroutine */
	DUMP_LINE_BODY,		/* frame, file, created by, elided, ancestors */
	DUMP_LINE_BLANK,	/* empty line (separator) */
};

/* Called with each goroutine once it is complete. A negative return stops
 * the parse: dump_parser_line/finish return it. */
typedef int (*dump_goroutine_fn)(const struct goroutine *g, void *ctx);

/* Called when a new dump starts (index is 0-based), before its first
 * goroutine. May be NULL. */
typedef int (*dump_start_fn)(size_t index, void *ctx);

struct dump_idset;
struct dump_stack;
struct dump_wide;

struct dump_parser {
	struct arena arena;
	struct intern strings;
	/* What strings.shared points to when this parser owns it (freed
	 * by dump_parser_release), else NULL. */
	struct intern_shared *shared_strings;
	dump_goroutine_fn on_goroutine;
	dump_start_fn on_dump;
	void *ctx;
	const char *name;		/* for error messages */
	/* Set by a consumer that never reads dump_frame.args (grouping
	 * ignores them): every frame's args is then "", which spares a
	 * copy per frame. False after dump_parser_init(). */
	bool no_args;

	/* What was read of the input, from here to ids but for the
	 * buffers frames, scratch and args_off: what
	 * dump_parser_swap_input() exchanges (with ctx). A field added
	 * here must be added there. */
	struct dump_info *dumps;
	size_t ndumps, adumps;
	size_t total;			/* goroutines in all dumps */

	/* state */
	int mode;
	bool in_ancestor;		/* inside [originating from goroutine N] */
	bool pending_created_by;	/* created by line seen, file line next */
	bool pending_frame;		/* frame line seen, file line next */
	bool last_dashes;		/* last non-blank line was "-----" */
	bool last_had_newline;
	long long lineno;
	struct goroutine cur;
	bool in_goroutine;
	struct dump_frame *frames;
	size_t aframes;
	struct strbuf scratch;		/* header and args of cur */
	size_t *args_off;		/* offsets into scratch, per frame */
	size_t cb_args_off, header_off;
	struct dump_idset *ids;		/* ids seen in the current dump */

	/* The strings of the stacks seen, as a trie (dump_parse.c): a
	 * goroutine that repeats a stack walks down it comparing each
	 * function and file with the one seen there before, instead of
	 * interning it again. */
	struct dump_stack *root, *at;
	bool stack_lost;		/* cur has a string too long for it */
	struct dump_wide *wide;		/* children of nodes with many */
	size_t wide_cap, nwide;
};

/* Prepares a parser; on_goroutine may be NULL (count only). name is used
 * for messages and must outlive the parser. */
void dump_parser_init(struct dump_parser *p, const char *name,
		      dump_goroutine_fn on_goroutine, dump_start_fn on_dump,
		      void *ctx);

/* Frees everything the parser owns. */
void dump_parser_release(struct dump_parser *p);

/* Feeds one line (with or without its '\n' or "\r\n"). *kind, if not
 * NULL, receives the classification. A goroutine that this line completes
 * is handed to the callback before this returns. 0 or negative. */
int dump_parser_line(struct dump_parser *p, const char *line, size_t len,
		     enum dump_line_kind *kind, struct ls_error *err);

/* Ends the input: hands over the last goroutine (flagged truncated when the
 * input stopped inside it). 0 or negative. */
int dump_parser_finish(struct dump_parser *p, struct ls_error *err);

/* Parses a whole file ("-" for stdin) through the parser. max is the most
 * bytes to read (0 for the default). 0 or -1 with err filled. */
int dump_parse_file(struct dump_parser *p, const char *path, uint64_t max,
		    struct ls_error *err);

/* For callers that must see the start of an input before they know
 * whether it is a dump or a profile: dump_read_head() appends up to 64 KiB
 * of whole lines of in to head; dump_parse_rest() then feeds head and the
 * rest of in through p and finishes the parse. Both 0 or -1 with err set
 * (struct input is declared in input.h). */
struct input;
int dump_read_head(struct input *in, struct strbuf *head, struct ls_error *err);

/* How many bytes of data[0..len) dump_read_head() would take as the head
 * of an input that starts with them; 0 when it cannot tell (no line end
 * within 64 KiB after its 64 KiB). */
size_t dump_head_len(const char *data, size_t len);
int dump_parse_rest(struct dump_parser *p, struct input *in,
		    const struct strbuf *head, struct ls_error *err);

/* Parses text already in memory. 0 or negative. */
int dump_parse_buffer(struct dump_parser *p, const char *data, size_t len,
		      struct ls_error *err);

/* For callers that split one input into parts (goroutines_parse_split):
 * dump_parse_lines() feeds the lines of data[0..len) (the last one even
 * without its '\n') without ending the input: 0, 1 when a line is longer
 * than max_line (what input_getline() refuses; fed up to there), or
 * negative. dump_parser_end() then ends an input of bytes bytes in all,
 * as dump_parse_file() does: 0 or negative. */
int dump_parse_lines(struct dump_parser *p, const char *data, size_t len,
		     size_t max_line, struct ls_error *err);
int dump_parser_end(struct dump_parser *p, uint64_t bytes,
		    struct ls_error *err);

/* Exchanges what p and q have read of their inputs (dumps, ids, counts,
 * line number, where they are in a goroutine) and their callbacks'
 * ctx, leaving each its own strings and stacks: a parser that learnt
 * the stacks of one part of an input can parse another part with the
 * input state of q (fresh from dump_parser_init(), say), and swapping
 * back leaves q holding what that part gave. Neither may be inside a
 * goroutine: call it where dump_split_point() would. */
void dump_parser_swap_input(struct dump_parser *p, struct dump_parser *q);

/* Where a parser fresh from dump_parser_init() can start in data[0..len)
 * and go on exactly as one that parsed everything before it (but for
 * goroutine ids, dump numbers and line numbers): the first goroutine
 * header at or after from that starts a line and follows an empty one
 * ("\n" or "\r\n"). len when there is none. */
size_t dump_split_point(const char *data, size_t len, size_t from);

/* --- helpers (dump.c) --- */

/* True when data starts like a goroutine dump rather than a profile:
 * some line within the first bytes is a goroutine header or a panic,
 * fatal error or signal preamble. */
bool dump_sniff(const char *data, size_t len);

/* Parses a goroutine header line (no indent, no line end) into g's id,
 * state (not interned: points into state_out), wait and locked fields.
 * Returns true when line is a header. */
bool dump_parse_header(const char *line, size_t len, uint64_t *id,
		       const char **state, size_t *state_len,
		       int64_t *wait_minutes, bool *locked);

/* A set of goroutine ids (paged bitmap; memory follows the id range). */
struct dump_idset *dump_idset_new(void);
void dump_idset_free(struct dump_idset *s);	/* NULL is a no-op */
/* Adds id; 1 if it was new, 0 if present, -1 out of memory. */
int dump_idset_add(struct dump_idset *s, uint64_t id);
void dump_idset_clear(struct dump_idset *s);
/* Adds the ids of from (NULL: none) to into: 1 when the two had an id in
 * common, 0 when not, -1 out of memory. */
int dump_idset_merge(struct dump_idset *into, const struct dump_idset *from);

/* True when func belongs to the standard library or runtime: the first
 * element of its package path has no dot ("runtime.gopark",
 * "net/http.(*conn).serve"), as opposed to "main.f" - which is the
 * service's own code - and "github.com/x/y.F". */
bool dump_func_is_std(const char *func);

/* Whether func is the service's own code: it matches user when user is
 * not NULL (--user), else dump_func_is_std() says it is not standard
 * library or runtime. "" and NULL are never the service's. The one rule
 * behind every "user frame" that goroutines, diff, trend and report
 * show. */
bool dump_func_is_user(const regex_t *user, const char *func);

#endif
