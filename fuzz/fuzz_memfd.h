/* fuzz_memfd.h - hand a fuzz input to code that reads a path: an in-memory
 * file per slot, rewritten on each call, named /proc/self/fd/N */
#ifndef LEAKSCOPE_FUZZ_MEMFD_H
#define LEAKSCOPE_FUZZ_MEMFD_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Writes data to in-memory file slot (0..3) and returns its path. */
static inline const char *fuzz_memfd_path(int slot, const void *data, size_t size)
{
	static int fds[4] = { -1, -1, -1, -1 };
	static char paths[4][32];
	const char *d = data;
	size_t off = 0;

	if (fds[slot] < 0) {
		fds[slot] = memfd_create("fuzz", 0);
		if (fds[slot] < 0)
			abort();
		snprintf(paths[slot], sizeof(paths[slot]), "/proc/self/fd/%d",
			 fds[slot]);
	}
	if (ftruncate(fds[slot], 0) < 0)
		abort();
	while (off < size) {
		ssize_t n = pwrite(fds[slot], d + off, size - off, (off_t)off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	return paths[slot];
}

#endif
