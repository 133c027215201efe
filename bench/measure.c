/* measure.c - run a command, report its wall time and peak RSS
 *
 *   measure -o FILE CMD [ARG...]
 *
 * Runs CMD with the inherited stdin/stdout/stderr, waits for it with wait4()
 * and appends one line to FILE: "SECONDS MAXRSS_KIB STATUS CPU_SECONDS",
 * seconds with millisecond resolution (/usr/bin/time -f %e has only 10 ms),
 * STATUS the exit code or 128+signal, CPU_SECONDS user + system time of CMD
 * and the descendants it waited for (more than SECONDS when it ran threads
 * on several cores). The peak RSS is the largest of CMD and every
 * descendant it waited for (the kernel's ru_maxrss for a reaped child), so
 * `measure sh -c 'cat F | leakscope goroutines -'` reports leakscope's.
 * Exits 0 when it could measure, whatever CMD returned; 2 on usage errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *outpath = NULL;
	struct rusage ru;
	int status, code;
	double start;
	pid_t pid;
	FILE *out;

	if (argc >= 3 && !strcmp(argv[1], "-o")) {
		outpath = argv[2];
		argv += 3;
		argc -= 3;
	}
	if (!outpath || argc < 1) {
		fprintf(stderr, "usage: measure -o FILE CMD [ARG...]\n");
		return 2;
	}
	start = now();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "measure: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "measure: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
			return 1;
		}
	}
	double wall = now() - start;
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	out = fopen(outpath, "a");
	if (!out) {
		fprintf(stderr, "measure: %s: %s\n", outpath, strerror(errno));
		return 1;
	}
	fprintf(out, "%.3f %ld %d %.3f\n", wall, ru.ru_maxrss, code,
		(double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	if (fclose(out) != 0) {
		fprintf(stderr, "measure: %s: %s\n", outpath, strerror(errno));
		return 1;
	}
	return 0;
}
