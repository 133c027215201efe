/* progress.h - the line that shows how far the reading of an input got
 *
 * Formatting only; the CLI decides whether and when to print it
 * (cli_progress in cli.c).
 */
#ifndef LEAKSCOPE_PROGRESS_H
#define LEAKSCOPE_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

/* "leakscope: dump.txt: 312 MB of 2.9 GB (10%)" into buf (no newline):
 * sizes in powers of 1024 with one decimal under 100 units; "-" is
 * "stdin"; done is capped at total; total 0 shows 100%. */
void progress_format(char *buf, size_t size, const char *name,
		     uint64_t done, uint64_t total);

#endif
