/* arena.c - bump allocator that owns everything of one loaded snapshot */
#include "arena.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Blocks grow with the arena: each new block is twice the last, from
 * 64 KiB up to 4 MiB, so a profile of 100 MB takes a few dozen blocks, not
 * thousands. A block of 2 MiB or more is mapped on its own, in whole
 * 2 MiB, and goes back to the system when the arena is freed.
 *
 * It does not ask for transparent huge pages (MADV_HUGEPAGE): they cut
 * page faults by 512, but on a virtual machine whose host takes back
 * freed memory, a fresh huge page costs the host 512 faults of its own,
 * and a first run after a pause took up to twice as long (`top` 0.28-0.40 s
 * instead of 0.17-0.24 s, `diff` 0.59-0.76 s instead of 0.37-0.40 s;
 * bench/README.md). A user runs leakscope once, after a pause. */
#define ARENA_BLOCK_MIN ((size_t)64 * 1024)
#define ARENA_BLOCK_MAX ((size_t)4 * 1024 * 1024)
#define ARENA_MAP_MIN ((size_t)2 * 1024 * 1024)

/* Under AddressSanitizer a block's bytes not handed out are poisoned,
 * so that writing past what was asked for (into the block's free space,
 * where it would otherwise go unseen) is reported. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct arena_block {
	struct arena_block *next;
	size_t size;	/* usable bytes in data[] */
	size_t pos;	/* next free byte */
	bool mapped;	/* from mmap (munmap it), else from malloc */
	alignas(max_align_t) unsigned char data[];
};

static void block_free(struct arena_block *b)
{
	UNPOISON(b->data, b->size);
	if (b->mapped)
		munmap(b, sizeof(*b) + b->size);
	else
		free(b);
}

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;
		block_free(b);
		b = next;
	}
	arena_init(a);
}

void arena_reset(struct arena *a)
{
	struct arena_block *keep = a->head, *b;

	if (!keep)
		return;
	b = keep->next;
	while (b) {
		struct arena_block *next = b->next;
		block_free(b);
		b = next;
	}
	keep->next = NULL;
	keep->pos = 0;
	a->used = 0;
	POISON(keep->data, keep->size);
}

void arena_adopt(struct arena *dst, struct arena *src)
{
	struct arena_block *tail = src->head;

	if (!tail)
		return;
	if (!dst->head) {
		*dst = *src;
		arena_init(src);
		return;
	}
	while (tail->next)
		tail = tail->next;
	tail->next = dst->head->next;
	dst->head->next = src->head;
	dst->used += src->used;
	arena_init(src);
}

/* A block of size usable bytes. zero: its memory must read as zeros; it
 * does for free when it comes from the kernel (mmap, or calloc of fresh
 * pages), where a memset would touch every page once more. */
static struct arena_block *block_new(size_t size, bool zero)
{
	struct arena_block *b;
	bool mapped = false;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	if (sizeof(*b) + size >= ARENA_MAP_MIN &&
	    sizeof(*b) + size <= SIZE_MAX - ARENA_MAP_MIN) {
		/* whole 2 MiB: the rest of the last one is usable */
		size_t len = (sizeof(*b) + size + ARENA_MAP_MIN - 1) &
			     ~(ARENA_MAP_MIN - 1);

		b = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (b != MAP_FAILED) {
			size = len - sizeof(*b);
			mapped = true;
		} else {
			b = NULL;
		}
	}
	if (!mapped)
		b = zero ? calloc(1, sizeof(*b) + size) : malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->pos = 0;
	b->mapped = mapped;
	POISON(b->data, size);
	return b;
}

static void *alloc(struct arena *a, size_t size, bool *zeroed)
{
	const size_t align = alignof(max_align_t);
	struct arena_block *b = a->head;
	size_t pos, grow, asked;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - align)
		return NULL;
	asked = size;
	size = (size + align - 1) & ~(align - 1);

	if (b) {
		pos = b->pos;
		if (size <= b->size - pos) {
			*zeroed = false;
			b->pos = pos + size;
			a->used += size;
			UNPOISON(b->data + pos, asked);
			return b->data + pos;
		}
	}
	/* the next block's bytes in all: twice the current one's */
	grow = ARENA_BLOCK_MIN;
	if (b && b->size + sizeof(*b) >= ARENA_BLOCK_MAX / 2)
		grow = ARENA_BLOCK_MAX;
	else if (b && 2 * (b->size + sizeof(*b)) > grow)
		grow = 2 * (b->size + sizeof(*b));
	if (size > grow / 4) {
		/* A large request gets a block of its own, linked behind
		 * the current one so that the current one stays in use. */
		struct arena_block *big = block_new(size, *zeroed);

		if (!big)
			return NULL;
		big->pos = size;
		if (b) {
			big->next = b->next;
			b->next = big;
		} else {
			a->head = big;
		}
		a->used += size;
		UNPOISON(big->data, asked);
		return big->data;
	}
	*zeroed = false;
	b = block_new(grow - sizeof(*b), false);	/* grow bytes in all */
	if (!b)
		return NULL;
	b->next = a->head;
	a->head = b;
	b->pos = size;
	a->used += size;
	UNPOISON(b->data, asked);
	return b->data;
}

void *arena_alloc(struct arena *a, size_t size)
{
	bool zeroed = false;

	return alloc(a, size, &zeroed);
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
	bool zeroed = true;
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = alloc(a, n * size, &zeroed);
	if (p && !zeroed)
		memset(p, 0, n * size);
	return p;
}

void arena_shrink(struct arena *a, void *p, size_t size, size_t keep)
{
	const size_t align = alignof(max_align_t);
	struct arena_block *b = a->head;
	size_t off;

	if (!b || keep >= size || (uintptr_t)p < (uintptr_t)b->data)
		return;
	off = (size_t)((uintptr_t)p - (uintptr_t)b->data);
	size = (size ? size + align - 1 : align) & ~(align - 1);
	if (off > b->pos || b->pos - off != size)
		return;
	keep = (keep + align - 1) & ~(align - 1);
	b->pos = off + keep;
	a->used -= size - keep;
	POISON(b->data + b->pos, size - keep);
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
