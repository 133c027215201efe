/* snapshot.c - load any profile or goroutine dump as one snapshot, and sets of them */
#include "snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input.h"
#include "reader.h"
#include "strbuf.h"

static const char *const kind_names[SNAP_NKINDS] = {
	"heap", "allocs", "goroutine", "mutex", "block", "cpu", "other",
};

int snapshot_order_parse(const char *name)
{
	static const char *const names[] = {
		[SNAP_ORDER_GIVEN] = "given", [SNAP_ORDER_NAME] = "name",
		[SNAP_ORDER_TIME] = "time",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

const char *snapshot_kind_name(enum snapshot_kind k)
{
	return k < SNAP_NKINDS ? kind_names[k] : "other";
}

int snapshot_kind_parse(const char *name)
{
	size_t i;

	for (i = 0; i < SNAP_NKINDS; i++)
		if (!strcmp(name, kind_names[i]))
			return (int)i;
	return -1;
}

int64_t snapshot_profile_total(const struct profile *p, int si)
{
	int64_t t = 0;
	size_t i;

	if (si < 0 || (size_t)si >= p->nsample_types)
		return 0;
	for (i = 0; i < p->nsamples; i++)
		t += p->samples[i].values[si];
	return t;
}

static bool has_type(const struct profile *p, const char *type)
{
	return profile_sample_index(p, type, NULL) >= 0 &&
	       strcmp(type, "0") != 0;
}

/* A goroutine profile, by its sample types. Its labels are the only ones
 * a snapshot reads (its goroutine groups show them), so it is also the
 * load_options.labels of a snapshot. */
static bool goroutine_profile(const struct profile *p)
{
	return has_type(p, "goroutine");
}

static bool leaf_is_unlock(const struct profile *p)
{
	size_t i;

	for (i = 0; i < p->nsamples; i++) {
		const struct sample *s = &p->samples[i];
		const struct location *l;
		const char *fn;
		size_t n;

		if (!s->nlocations)
			continue;
		l = profile_location(p, s, 0);
		if (!l->nlines || !l->lines[0].function)
			continue;
		fn = l->lines[0].function->name;
		n = strlen(fn);
		if ((n >= 6 && !strcmp(fn + n - 6, "Unlock")) ||
		    (n >= 6 && !strcmp(fn + n - 6, "unlock")))
			return true;
	}
	return false;
}

static void classify_profile(struct snapshot *s)
{
	const struct profile *p = &s->prof;

	if (goroutine_profile(p)) {
		s->kind = SNAP_GOROUTINE;
	} else if (has_type(p, "inuse_space")) {
		s->kind = !strcmp(p->default_sample_type, "alloc_space") ||
			  !strcmp(p->default_sample_type, "alloc_objects")
			  ? SNAP_ALLOCS : SNAP_HEAP;
	} else if (has_type(p, "contentions") && has_type(p, "delay")) {
		s->kind = leaf_is_unlock(p) ? SNAP_MUTEX : SNAP_BLOCK;
	} else if (has_type(p, "cpu")) {
		s->kind = SNAP_CPU;
	} else {
		s->kind = SNAP_OTHER;
	}
	s->kind_name = snapshot_kind_name(s->kind);
	if (s->kind == SNAP_OTHER && p->nsample_types)
		s->kind_name = p->sample_types[0].type;
}

struct load_ctx {
	struct snapshot *s;
	const struct goroutine_filter *filter;
};

static int on_dump(size_t index, void *ctx)
{
	struct load_ctx *c = ctx;

	(void)index;
	goroutine_groups_reset(&c->s->groups);
	return 0;
}

static int on_goroutine(const struct goroutine *g, void *ctx)
{
	struct load_ctx *c = ctx;
	struct ls_error err;

	if (g->flags & GOROUTINE_TRUNCATED)
		c->s->groups.truncated = true;
	if (c->filter && !goroutine_filter_match(c->filter, g))
		return 0;
	return goroutine_groups_add(&c->s->groups, g, &err);
}

int snapshot_load(struct snapshot *s, const char *path,
		  const struct goroutine_filter *filter, struct ls_error *err)
{
	return snapshot_load_max(s, path, filter, 0, err);
}

int snapshot_load_max(struct snapshot *s, const char *path,
		      const struct goroutine_filter *filter, uint64_t max_input,
		      struct ls_error *err)
{
	struct load_options lo = { max_input, goroutine_profile };
	const char *subject = strcmp(path, "-") ? path : "stdin";
	struct goroutine_filter f;
	struct load_ctx ctx = { s, filter };
	struct strbuf head = STRBUF_INIT;
	struct input in;
	bool is_dump;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	profile_init(&s->prof);
	goroutine_groups_init(&s->groups);
	s->have_groups = true;
	memset(&f, 0, sizeof(f));
	f.user = filter ? filter->user : NULL;
	s->path = strdup(path);
	if (!s->path)
		return ls_error_set(err, "out of memory");
	ls_error_init(err, subject);
	if (input_open(&in, path, max_input, err) < 0) {
		ls_error_subject(err, subject);
		snapshot_release(s);
		return -1;
	}
	if (dump_read_head(&in, &head, err) < 0)
		goto out;
	is_dump = head.len > 0 && dump_sniff(head.buf, head.len) &&
		  !in.gzipped && strncmp(head.buf, "goroutine profile:", 18) != 0;
	if (is_dump) {
		dump_parser_init(&s->parser, s->path, on_goroutine, on_dump, &ctx);
		s->have_dump = true;
		if (dump_parse_rest(&s->parser, &in, &head, err) < 0)
			goto out;
		if (s->parser.total == 0) {
			ls_error_set(err, "no goroutine dump found (no \"goroutine N [state]:\" line)");
			goto out;
		}
		s->kind = SNAP_GOROUTINE;
		s->kind_name = snapshot_kind_name(s->kind);
		s->has_ids = true;
		s->richness = 2;
		s->ndumps = s->parser.ndumps;
	} else {
		int whole = input_gunzip_all(&in, &head, err);

		if (whole < 0 || (whole > 0 && input_read_all(&in, &head, err) < 0))
			goto out;
		s->richness = in.gzipped ||
			      (head.len && memchr(head.buf, '\0', head.len)) ? 1 : 0;
		if (profile_load_buffer(&s->prof, subject,
					(const unsigned char *)head.buf, head.len,
					&lo, err) < 0)
			goto out;
		s->have_profile = true;
		classify_profile(s);
		if (s->kind == SNAP_GOROUTINE &&
		    goroutine_groups_add_profile(&s->groups, &s->prof, filter, err) < 0)
			goto out;
	}
	if (s->kind == SNAP_GOROUTINE)
		goroutine_groups_rank(&s->groups, &f);
	rc = 0;
out:
	input_close(&in);
	strbuf_release(&head);
	if (rc < 0) {
		ls_error_subject(err, subject);
		snapshot_release(s);
	}
	return rc;
}

void snapshot_release(struct snapshot *s)
{
	if (s->have_groups)
		goroutine_groups_release(&s->groups);
	if (s->have_dump)
		dump_parser_release(&s->parser);
	profile_release(&s->prof);
	free(s->path);
	memset(s, 0, sizeof(*s));
	profile_init(&s->prof);
}

void snapshot_set_init(struct snapshot_set *set)
{
	memset(set, 0, sizeof(*set));
}

void snapshot_set_release(struct snapshot_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		snapshot_release(set->snaps[i]);
		free(set->snaps[i]);
	}
	free(set->snaps);
	memset(set, 0, sizeof(*set));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_file(struct snapshot_set *set, const char *path,
		    const struct goroutine_filter *user, struct ls_error *err)
{
	struct snapshot *s;

	if (set->n == set->alloc) {
		size_t a = set->alloc ? set->alloc * 2 : 8;
		struct snapshot **ns = realloc(set->snaps, a * sizeof(*ns));

		if (!ns)
			return ls_error_set(err, "out of memory");
		set->snaps = ns;
		set->alloc = a;
	}
	s = malloc(sizeof(*s));
	if (!s)
		return ls_error_set(err, "out of memory");
	if (snapshot_load_max(s, path, user, set->max_input, err) < 0) {
		free(s);
		return -1;
	}
	set->snaps[set->n++] = s;
	return 0;
}

static int add_dir(struct snapshot_set *set, const char *dir,
		   const struct goroutine_filter *user, struct ls_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, a = 0, i;
	int rc = 0;

	if (!d)
		return ls_error_set_errno(err, errno, "cannot open directory");
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		char *p;

		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s", dir, e->d_name) < 0) {
			rc = ls_error_set(err, "out of memory");
			break;
		}
		if (stat(p, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (n == a) {
			char **nn;

			a = a ? a * 2 : 16;
			nn = realloc(names, a * sizeof(*nn));
			if (!nn) {
				free(p);
				rc = ls_error_set(err, "out of memory");
				break;
			}
			names = nn;
		}
		names[n++] = p;
	}
	closedir(d);
	if (rc == 0 && n == 0)
		rc = ls_error_set(err, "no files in directory");
	if (rc == 0)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = add_file(set, names[i], user, err);
		free(names[i]);
	}
	free(names);
	return rc;
}

static size_t stem_len(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot;

	base = base ? base + 1 : path;
	dot = strchr(base, '.');
	return (size_t)((dot ? dot : base + strlen(base)) - path);
}

static bool same_moment(const struct snapshot *a, const struct snapshot *b)
{
	size_t la = stem_len(a->path), lb = stem_len(b->path);

	return a->kind == b->kind && la == lb && !memcmp(a->path, b->path, la) &&
	       strcmp(a->path, "-") != 0;
}

/* Keeps the richest form of each moment, in the place of the first. */
static void dedupe(struct snapshot_set *set)
{
	size_t i, j, w = 0;

	for (i = 0; i < set->n; i++) {
		struct snapshot *s = set->snaps[i];
		bool dup = false;

		for (j = 0; j < w; j++) {
			if (!same_moment(set->snaps[j], s))
				continue;
			dup = true;
			if (s->richness > set->snaps[j]->richness) {
				struct snapshot *t = set->snaps[j];

				set->snaps[j] = s;
				s = t;
			}
			snapshot_release(s);
			free(s);
			break;
		}
		if (!dup)
			set->snaps[w++] = s;
	}
	set->n = w;
}

static int cmp_name(const void *a, const void *b)
{
	const struct snapshot *x = *(struct snapshot *const *)a;
	const struct snapshot *y = *(struct snapshot *const *)b;

	return strcmp(x->path, y->path);
}

static int64_t snap_time(const struct snapshot *s)
{
	return s->have_profile ? s->prof.time_nanos : 0;
}

/* Stable insertion sort by time; untimed snapshots after timed ones. */
static void sort_time(struct snapshot_set *set)
{
	size_t i, j;

	for (i = 1; i < set->n; i++) {
		struct snapshot *s = set->snaps[i];
		int64_t t = snap_time(s);

		for (j = i; j > 0; j--) {
			int64_t u = snap_time(set->snaps[j - 1]);

			if (!t || (u && u <= t))
				break;
			set->snaps[j] = set->snaps[j - 1];
		}
		set->snaps[j] = s;
	}
}

int snapshot_set_load(struct snapshot_set *set, char *const *paths, size_t n,
		      enum snapshot_order order,
		      const struct goroutine_filter *user, struct ls_error *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct stat st;

		if (strcmp(paths[i], "-") && stat(paths[i], &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			ls_error_init(err, paths[i]);
			if (add_dir(set, paths[i], user, err) < 0)
				return -1;
		} else if (add_file(set, paths[i], user, err) < 0) {
			return -1;
		}
	}
	dedupe(set);
	if (order == SNAP_ORDER_NAME)
		qsort(set->snaps, set->n, sizeof(*set->snaps), cmp_name);
	else if (order == SNAP_ORDER_TIME)
		sort_time(set);
	return 0;
}

size_t snapshot_set_count(const struct snapshot_set *set, enum snapshot_kind k)
{
	size_t i, c = 0;

	for (i = 0; i < set->n; i++)
		c += set->snaps[i]->kind == k;
	return c;
}

enum snapshot_kind snapshot_set_main_kind(const struct snapshot_set *set)
{
	size_t best = 0, c;
	int k, bk = SNAP_HEAP;

	for (k = 0; k < SNAP_NKINDS; k++) {
		c = snapshot_set_count(set, (enum snapshot_kind)k);
		if (c > best) {
			best = c;
			bk = k;
		}
	}
	return (enum snapshot_kind)bk;
}
