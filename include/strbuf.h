/* strbuf.h - growable byte buffer whose buf is never NULL
 *
 * Ownership: a strbuf owns its buf. After strbuf_init() buf points at a
 * static empty string, so it can always be printed and compared; the first
 * growth replaces it with heap memory. strbuf_release() frees it and
 * re-initialises. buf[len] is always '\0'.
 *
 * Growth that would exceed memory returns -1 and leaves the buffer as it
 * was, so callers can report "out of memory" instead of crashing.
 */
#ifndef LEAKSCOPE_STRBUF_H
#define LEAKSCOPE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;	/* 0 while buf is the static empty string */
};

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0 }

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);

/* Makes room for extra more bytes (plus the NUL); 0 or -1. */
int strbuf_grow(struct strbuf *sb, size_t extra);

int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_addstr(struct strbuf *sb, const char *s);
int strbuf_addch(struct strbuf *sb, int c);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

/* v in decimal as "%lld" prints it, without printf's format parsing (a
 * hot path's numbers): written backwards ending just before end, which
 * has STRBUF_LLD_MAX bytes before it; returns where it starts. */
#define STRBUF_LLD_MAX 24	/* any 64-bit long long, sign included */
char *strbuf_lld_digits(char *end, long long v);
int strbuf_add_lld(struct strbuf *sb, long long v);

/* Sets len to 0 and keeps the allocation. */
void strbuf_reset(struct strbuf *sb);

/* Sets len, which must not exceed the current len. */
void strbuf_setlen(struct strbuf *sb, size_t len);

#endif
