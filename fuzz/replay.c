/* replay.c - run a fuzz harness over files, without libFuzzer
 *
 * Linked with one harness (fuzz_NAME.c) and the normal library, this is
 * how `make check` replays every crasher the fuzzers found (fuzz/regress/)
 * and every seed (fuzz/corpus/): a crash, a sanitizer report or an abort()
 * from a harness's own checks fails the run. Usage: replay FILE|DIR...
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_file(const char *path, size_t *count)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *fp = fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (!fp) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		if (strbuf_add(&sb, buf, n) < 0)
			abort();
	fclose(fp);
	/* exactly the bytes, in their own allocation, as libFuzzer gives them */
	{
		uint8_t *copy = malloc(sb.len ? sb.len : 1);

		if (!copy)
			abort();
		memcpy(copy, sb.buf, sb.len);
		LLVMFuzzerTestOneInput(copy, sb.len);
		free(copy);
	}
	strbuf_release(&sb);
	(*count)++;
	return 0;
}

static int run_path(const char *path, size_t *count)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, a = 0, i;
	int ret = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path, count);
	if (!(d = opendir(path)))
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == a) {
			a = a ? a * 2 : 64;
			names = realloc(names, a * sizeof(*names));
			if (!names)
				abort();
		}
		if (asprintf(&names[n++], "%s/%s", path, e->d_name) < 0)
			abort();
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), names_cmp);
	for (i = 0; i < n; i++) {
		if (run_path(names[i], count) < 0)
			ret = -1;
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int i, ret = 0;

	for (i = 1; i < argc; i++)
		if (run_path(argv[i], &count) < 0)
			ret = 1;
	printf("replay: %s: %zu inputs, no crash\n", argc > 0 ? argv[0] : "?", count);
	return ret;
}
