/* progress.c - the line that shows how far the reading of an input got */
#include "progress.h"

#include <stdio.h>
#include <string.h>

/* Bytes as "312 MB" or "2.9 GB" (powers of 1024). */
static void format_bytes(char *buf, size_t size, uint64_t n)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v >= 99.95)
		snprintf(buf, size, "%.0f %s", v, units[u]);
	else
		snprintf(buf, size, "%.1f %s", v, units[u]);
}

void progress_format(char *buf, size_t size, const char *name,
		     uint64_t done, uint64_t total)
{
	char d[32], t[32];

	if (done > total)
		done = total;
	format_bytes(d, sizeof(d), done);
	format_bytes(t, sizeof(t), total);
	snprintf(buf, size, "leakscope: %s: %s of %s (%d%%)",
		 strcmp(name, "-") ? name : "stdin", d, t,
		 total ? (int)(done * 100 / total) : 100);
}
