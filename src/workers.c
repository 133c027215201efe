/* workers.c - run one function on several threads at once */
#include "workers.h"

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
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
	const cpu_set_t *allowed;	/* its CPUs once started, or NULL */
};

static void *part_main(void *p)
{
	struct part *t = p;

	if (t->allowed)		/* best effort: where it runs is all */
		(void)pthread_setaffinity_np(pthread_self(), sizeof(*t->allowed),
					     t->allowed);

	t->fn(t->arg, t->i);
	return NULL;
}

/* Makes attr start a thread on the CPUs in allowed (this thread's) but
 * the one this thread runs on: false when that cannot be done.
 *
 * A new thread is woken on its creator's CPU, and an idle CPU takes it
 * from there at its next balancing tick: on a 2-CPU machine one of the
 * two parts of `leakscope goroutines` started up to 4.5 ms after the
 * other (250 Hz tick), out of ~35 ms of parsing. Started elsewhere,
 * both start within 0.1 ms. The thread takes back all of allowed once
 * it runs (part_main). */
static bool start_elsewhere(pthread_attr_t *attr, cpu_set_t *allowed)
{
	cpu_set_t elsewhere;
	int cpu = sched_getcpu();

	if (cpu < 0 || cpu >= CPU_SETSIZE ||
	    sched_getaffinity(0, sizeof(*allowed), allowed) != 0 ||
	    !CPU_ISSET(cpu, allowed) || CPU_COUNT(allowed) < 2)
		return false;
	elsewhere = *allowed;
	CPU_CLR(cpu, &elsewhere);
	if (pthread_attr_init(attr) != 0)
		return false;
	if (pthread_attr_setaffinity_np(attr, sizeof(elsewhere), &elsewhere) != 0) {
		pthread_attr_destroy(attr);
		return false;
	}
	return true;
}

void workers_run(unsigned n, void (*fn)(void *arg, unsigned i), void *arg)
{
	struct part parts[WORKERS_MAX];
	unsigned i, threads = n < WORKERS_MAX ? n : WORKERS_MAX;
	cpu_set_t allowed;
	pthread_attr_t attr;
	bool away = threads > 1 && start_elsewhere(&attr, &allowed);

	for (i = 1; i < threads; i++) {
		parts[i].fn = fn;
		parts[i].arg = arg;
		parts[i].i = i;
		parts[i].allowed = away ? &allowed : NULL;
		parts[i].started = away &&
			pthread_create(&parts[i].thread, &attr, part_main,
				       &parts[i]) == 0;
		if (!parts[i].started) {	/* anywhere, then */
			parts[i].allowed = NULL;
			parts[i].started = pthread_create(&parts[i].thread, NULL,
							  part_main, &parts[i]) == 0;
		}
	}
	if (away)
		pthread_attr_destroy(&attr);
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
