/* gunzip.c - bench-gunzip FILE...: inflate each gzip file and nothing else
 *
 * The floor of the gzip rows: the time just to inflate the inputs, with
 * the fastest inflater at hand - leakscope's own (src/gunzip.c), or
 * zlib where that declines, as leakscope itself does. `gzip -dc`, the
 * floor before, inflates more slowly than leakscope does.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "gunzip.h"

static int inflate_file(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	void *m;
	int fd = open(path, O_RDONLY), rc = 0;

	if (fd < 0 || fstat(fd, &st) != 0) {
		perror(path);
		return 1;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (m == MAP_FAILED) {
		perror(path);
		close(fd);
		return 1;
	}
	if (gunzip_member(m, (size_t)st.st_size, UINT64_MAX, &sb) != GUNZIP_OK) {
		gzFile gz = gzdopen(dup(fd), "rb");
		static char buf[1 << 17];
		int n;

		if (!gz)
			return 1;
		while ((n = gzread(gz, buf, sizeof(buf))) > 0)
			;
		rc = n < 0;
		gzclose(gz);
	}
	strbuf_release(&sb);
	munmap(m, (size_t)st.st_size);
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	int i, rc = 0;

	for (i = 1; i < argc; i++)
		rc |= inflate_file(argv[i]);
	return rc;
}
