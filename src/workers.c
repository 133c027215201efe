/* workers.c - run one function on several threads at once */
#include "workers.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
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

/* Threads started by workers_run() that run parts now. */
static atomic_uint started_now;

void workers_run(unsigned n, void (*fn)(void *arg, unsigned i), void *arg)
{
	struct part parts[WORKERS_MAX];
	unsigned i, threads = n < WORKERS_MAX ? n : WORKERS_MAX;
	unsigned held = atomic_load(&started_now);
	cpu_set_t allowed;
	pthread_attr_t attr;
	bool away;

	if (held) {	/* inside a part: the threads left, if any */
		unsigned count = workers_count();
		unsigned spare = count > held + 1 ? count - held - 1 : 0;

		if (threads > 1 + spare)
			threads = 1 + spare;
	}
	if (threads > 1)
		atomic_fetch_add(&started_now, threads - 1);
	away = threads > 1 && start_elsewhere(&attr, &allowed);

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
	if (threads > 1)
		atomic_fetch_sub(&started_now, threads - 1);
}

struct in_order {
	atomic_uint taken;		/* jobs taken so far */
	atomic_uint handed;		/* jobs handed on so far */
	atomic_int r;			/* the first make() failure, in job order */
	pthread_mutex_t lock;		/* for turn */
	pthread_cond_t turn;		/* handed moved on */
	unsigned n;
	int (*make)(void *arg, unsigned job, unsigned thread);
	void (*hand)(void *arg, unsigned job, unsigned thread);
	void *arg;
};

/* How long (about 50 us) a thread waiting for its turn spins before it
 * sleeps. The turn is mostly a few microseconds away, another thread
 * handing on a job; sleeping at once, a thread took tens of them to wake
 * up again, job after job (the 64 MiB bench dump's report: 3.5-4.5 ms
 * against 2.0-2.3 spinning). Spinning much longer (0.5 ms) took a CPU
 * from the reader of a pipe, and from threads beyond the CPUs. */
#define TURN_SPINS 2000

static void wait_turn(struct in_order *o, unsigned job)
{
	unsigned spins;

	for (spins = 0; spins < TURN_SPINS; spins++) {
		if (atomic_load_explicit(&o->handed, memory_order_acquire) == job)
			return;
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
	pthread_mutex_lock(&o->lock);
	while (atomic_load_explicit(&o->handed, memory_order_acquire) != job)
		pthread_cond_wait(&o->turn, &o->lock);
	pthread_mutex_unlock(&o->lock);
}

static void in_order_part(void *arg, unsigned thread)
{
	struct in_order *o = arg;

	for (;;) {
		unsigned job;
		int r;

		if (atomic_load(&o->r))
			return;
		job = atomic_fetch_add(&o->taken, 1);
		if (job >= o->n)
			return;
		r = o->make(o->arg, job, thread);
		wait_turn(o, job);
		/* our turn: no other thread hands on until handed moves */
		if (r && !atomic_load(&o->r))
			atomic_store(&o->r, r);
		if (!atomic_load(&o->r))
			o->hand(o->arg, job, thread);
		pthread_mutex_lock(&o->lock);
		atomic_store_explicit(&o->handed, job + 1, memory_order_release);
		pthread_cond_broadcast(&o->turn);
		pthread_mutex_unlock(&o->lock);
	}
}

int workers_in_order(unsigned n, unsigned threads,
		     int (*make)(void *arg, unsigned job, unsigned thread),
		     void (*hand)(void *arg, unsigned job, unsigned thread),
		     void *arg)
{
	struct in_order o;
	unsigned job;
	int r = 0;

	if (threads > n)
		threads = n;
	if (threads > WORKERS_MAX)
		threads = WORKERS_MAX;
	if (threads >= 2) {
		memset(&o, 0, sizeof(o));
		atomic_init(&o.taken, 0);
		atomic_init(&o.handed, 0);
		atomic_init(&o.r, 0);
		o.n = n;
		o.make = make;
		o.hand = hand;
		o.arg = arg;
		if (pthread_mutex_init(&o.lock, NULL) == 0) {
			if (pthread_cond_init(&o.turn, NULL) == 0) {
				workers_run(threads, in_order_part, &o);
				pthread_cond_destroy(&o.turn);
				pthread_mutex_destroy(&o.lock);
				return atomic_load(&o.r);
			}
			pthread_mutex_destroy(&o.lock);
		}
	}
	for (job = 0; job < n && !r; job++)	/* one thread: no lock */
		if (!(r = make(arg, job, 0)))
			hand(arg, job, 0);
	return r;
}
