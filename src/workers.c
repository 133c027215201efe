/* workers.c - run one function on several threads at once */
#include "workers.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

unsigned workers_count(void)
{
	static unsigned count;
	const char *env;
	long n;

	if (count)
		return count;
	env = getenv("LEAKSCOPE_THREADS");
	if (env && *env) {
		char *end;

		n = strtol(env, &end, 10);
		if (*end || n < 1 || n > WORKERS_MAX)
			n = 0;
	} else {
		n = 0;
	}
	if (n == 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n < 1)
			n = 1;
		if (n > WORKERS_MAX)
			n = WORKERS_MAX;
	}
	count = (unsigned)n;
	return count;
}

struct part {
	void (*fn)(void *arg, unsigned i);
	void *arg;
	unsigned i;
	pthread_t thread;
	int started;
};

static void *part_main(void *p)
{
	struct part *t = p;

	t->fn(t->arg, t->i);
	return NULL;
}

void workers_run(unsigned n, void (*fn)(void *arg, unsigned i), void *arg)
{
	struct part parts[WORKERS_MAX];
	unsigned i, threads = n < WORKERS_MAX ? n : WORKERS_MAX;

	for (i = 1; i < threads; i++) {
		parts[i].fn = fn;
		parts[i].arg = arg;
		parts[i].i = i;
		parts[i].started = pthread_create(&parts[i].thread, NULL,
						  part_main, &parts[i]) == 0;
	}
	if (n)
		fn(arg, 0);
	for (i = threads; i < n; i++)	/* more parts than threads */
		fn(arg, i);
	for (i = 1; i < threads; i++) {
		if (parts[i].started)
			pthread_join(parts[i].thread, NULL);
		else
			fn(arg, i);
	}
}
