/* filter.c - pprof's sample and frame filters, as a view over a profile */
#include "filter.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

void filter_options_init(struct filter_options *o)
{
	memset(o, 0, sizeof(*o));
}

static void free_regex(regex_t *re)
{
	if (re) {
		regfree(re);
		free(re);
	}
}

static void tag_filter_release(struct tag_filter *tf)
{
	size_t i;

	for (i = 0; i < tf->nres; i++)
		regfree(&tf->res[i]);
	free(tf->res);
	free(tf->key);
	memset(tf, 0, sizeof(*tf));
}

void filter_options_release(struct filter_options *o)
{
	free_regex(o->focus);
	free_regex(o->ignore);
	free_regex(o->hide);
	free_regex(o->show);
	tag_filter_release(&o->tagfocus);
	tag_filter_release(&o->tagignore);
	filter_options_init(o);
}

static int compile(regex_t *re, const char *option, const char *pattern,
		   struct ls_error *err)
{
	int rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);

	if (rc != 0) {
		char buf[256];

		regerror(rc, re, buf, sizeof(buf));
		return ls_error_set(err, "parsing %s regexp: %s: %s", option,
				    pattern, buf);
	}
	return 0;
}

int filter_compile_regex(regex_t **out, const char *option, const char *re,
			 struct ls_error *err)
{
	regex_t *r = malloc(sizeof(*r));

	if (!r)
		return ls_error_set(err, "out of memory");
	if (compile(r, option, re, err) < 0) {
		free(r);
		return -1;
	}
	free_regex(*out);
	*out = r;
	return 0;
}

static bool matches(const regex_t *re, const char *s)
{
	return regexec(re, s, 0, NULL, 0) == 0;
}

/* One match of pprof's ([+-]?[[:digit:]]+)([[:alpha:]]+)? from s[*pos],
 * leftmost; fills the number and unit spans. */
static bool next_range_token(const char *s, size_t *pos, size_t *start,
			     size_t *numend, size_t *end)
{
	size_t i;

	for (i = *pos; s[i]; i++) {
		size_t j = i;

		if ((s[j] == '+' || s[j] == '-') && isdigit((unsigned char)s[j + 1]))
			j++;
		if (!isdigit((unsigned char)s[j]))
			continue;
		while (isdigit((unsigned char)s[j]))
			j++;
		*start = i;
		*numend = j;
		while (isalpha((unsigned char)s[j]))
			j++;
		*end = j;
		*pos = j;
		return true;
	}
	return false;
}

bool filter_parse_range(struct tag_filter *tf, const char *value)
{
	size_t pos = 0, s[2], ne[2], e[2], n = 0, len = strlen(value);
	char num[32], unit[2][32];
	long long v[2];
	const char *su;
	double sv;
	size_t k;

	while (n < 2 && next_range_token(value, &pos, &s[n], &ne[n], &e[n]))
		n++;
	if (n == 0)
		return false;
	for (k = 0; k < n; k++) {
		if (ne[k] - s[k] >= sizeof(num) || e[k] - ne[k] >= sizeof(unit[k]))
			return false;
		memcpy(num, value + s[k], ne[k] - s[k]);
		num[ne[k] - s[k]] = '\0';
		errno = 0;
		v[k] = strtoll(num, NULL, 10);
		if (errno)
			return false;
		memcpy(unit[k], value + ne[k], e[k] - ne[k]);
		unit[k][e[k] - ne[k]] = '\0';
	}
	sv = units_scale(v[0], unit[0], unit[0], &su);
	if (n == 1) {
		if (s[0] == 0 && e[0] == len)
			tf->range_kind = 0;
		else if (s[0] == 0 && e[0] + 1 == len && value[e[0]] == ':')
			tf->range_kind = 1;
		else if (s[0] == 1 && e[0] == len && value[0] == ':')
			tf->range_kind = 2;
		else
			return false;
	} else {
		const char *su2;

		if (s[0] != 0 || value[e[0]] != ':' || s[1] != e[0] + 1 ||
		    e[1] != len)
			return false;
		tf->hi = units_scale(v[1], unit[1], su, &su2);
		if (strcmp(su, su2) != 0)
			return false;
		tf->range_kind = 3;
	}
	tf->lo = sv;
	snprintf(tf->unit, sizeof(tf->unit), "%s", su);
	tf->numeric = true;
	return true;
}

int filter_parse_tag(struct tag_filter *tf, const char *option,
		     const char *value, struct ls_error *err)
{
	const char *eq = strchr(value, '='), *p;

	tag_filter_release(tf);
	tf->set = true;
	if (eq) {
		tf->key = strndup(value, (size_t)(eq - value));
		if (!tf->key)
			return ls_error_set(err, "out of memory");
		value = eq + 1;
	}
	if (filter_parse_range(tf, value))
		return 0;
	for (p = value;; ) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char *one = strndup(p, len);
		regex_t *res;

		if (!one)
			return ls_error_set(err, "out of memory");
		res = realloc(tf->res, (tf->nres + 1) * sizeof(*res));
		if (!res) {
			free(one);
			return ls_error_set(err, "out of memory");
		}
		tf->res = res;
		if (compile(&tf->res[tf->nres], option, one, err) < 0) {
			free(one);
			return -1;
		}
		free(one);
		tf->nres++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

/* pprof's NumLabelUnits: the unit of each numeric label key is the first
 * non-empty unit seen for it, else inferred from the key. */
struct num_units {
	const char **keys;
	const char **units;
	size_t n;
};

static const char *num_unit(const struct num_units *nu, const char *key)
{
	size_t i;

	for (i = 0; i < nu->n; i++)
		if (nu->keys[i] == key || !strcmp(nu->keys[i], key))
			return nu->units[i];
	return key;
}

static int collect_num_units(struct num_units *nu, const struct profile *p,
			     struct arena *a)
{
	size_t cap = 0, i, j, k;

	for (i = 0; i < p->nsamples; i++) {
		const struct sample *s = &p->samples[i];

		for (j = 0; j < s->nlabels; j++) {
			const struct label *l = &s->labels[j];

			if (l->str)
				continue;
			for (k = 0; k < nu->n; k++)
				if (nu->keys[k] == l->key || !strcmp(nu->keys[k], l->key))
					break;
			if (k == nu->n) {
				if (nu->n == cap) {
					size_t ncap = cap ? cap * 2 : 8;
					const char **nk = arena_alloc(a, ncap * sizeof(*nk));
					const char **nv = arena_alloc(a, ncap * sizeof(*nv));

					if (!nk || !nv)
						return -1;
					if (nu->n) {
						memcpy(nk, nu->keys, nu->n * sizeof(*nk));
						memcpy(nv, nu->units, nu->n * sizeof(*nv));
					}
					nu->keys = nk;
					nu->units = nv;
					cap = ncap;
				}
				nu->keys[nu->n] = l->key;
				nu->units[nu->n++] = "";
			}
			if (!*nu->units[k] && l->unit && *l->unit)
				nu->units[k] = l->unit;
		}
	}
	for (k = 0; k < nu->n; k++) {
		if (*nu->units[k])
			continue;
		if (!strcmp(nu->keys[k], "alignment") || !strcmp(nu->keys[k], "request"))
			nu->units[k] = "bytes";
		else
			nu->units[k] = nu->keys[k];
	}
	return 0;
}

static bool num_match(const struct tag_filter *tf, int64_t v, const char *u)
{
	const char *su;
	double sv = units_scale(v, u, tf->unit, &su);

	if (strcmp(su, tf->unit) != 0)
		return false;
	switch (tf->range_kind) {
	case 0: return sv == tf->lo;
	case 1: return sv >= tf->lo;
	case 2: return sv <= tf->lo;
	default: return sv >= tf->lo && sv <= tf->hi;
	}
}

static bool tag_match(const struct tag_filter *tf, const struct sample *s,
		      const struct num_units *nu)
{
	size_t i, r;

	if (tf->numeric) {
		for (i = 0; i < s->nlabels; i++) {
			const struct label *l = &s->labels[i];

			if (l->str)
				continue;
			if (tf->key && strcmp(l->key, tf->key) != 0)
				continue;
			if (num_match(tf, l->num, num_unit(nu, l->key)))
				return true;
		}
		return false;
	}
	if (tf->key) {
		for (r = 0; r < tf->nres; r++)
			for (i = 0; i < s->nlabels; i++)
				if (s->labels[i].str &&
				    !strcmp(s->labels[i].key, tf->key) &&
				    matches(&tf->res[r], s->labels[i].str))
					return true;
		return false;
	}
	for (r = 0; r < tf->nres; r++) {
		bool found = false;

		for (i = 0; i < s->nlabels && !found; i++) {
			const struct label *l = &s->labels[i];
			size_t kl, vl;
			char buf[512], *kv = buf;

			if (!l->str)
				continue;
			kl = strlen(l->key);
			vl = strlen(l->str);
			if (kl + vl + 2 > sizeof(buf) && !(kv = malloc(kl + vl + 2)))
				continue;
			memcpy(kv, l->key, kl);
			kv[kl] = ':';
			memcpy(kv + kl + 1, l->str, vl + 1);
			found = matches(&tf->res[r], kv);
			if (kv != buf)
				free(kv);
		}
		if (!found)
			return false;
	}
	return true;
}

static bool line_matches(const regex_t *re, const struct line *ln)
{
	return ln->function && (matches(re, ln->function->name) ||
				matches(re, ln->function->filename));
}

static bool mapping_matches(const regex_t *re, const struct location *l)
{
	return l->mapping && matches(re, l->mapping->filename);
}

static bool location_matches(const regex_t *re, const struct location *l,
			     const struct view_location *vl)
{
	size_t i;

	for (i = 0; i < vl->nlines; i++)
		if (line_matches(re, &vl->lines[i]))
			return true;
	return mapping_matches(re, l);
}

/* Keeps the lines of vl for which keep(line) is true, copying them. */
static int select_lines(struct profile_view *v, struct view_location *vl,
			const regex_t *re, bool want_match)
{
	struct line *out;
	size_t i, n = 0;

	out = arena_alloc(&v->arena, (vl->nlines ? vl->nlines : 1) * sizeof(*out));
	if (!out)
		return -1;
	for (i = 0; i < vl->nlines; i++) {
		const struct line *ln = &vl->lines[i];
		bool m;

		if (!ln->function) {
			out[n++] = *ln;
			continue;
		}
		m = matches(re, ln->function->name) ||
		    matches(re, ln->function->filename);
		if (m == want_match)
			out[n++] = *ln;
	}
	vl->lines = out;
	vl->nlines = n;
	return 0;
}

/* pprof's simplifyFunc: drop a leading '.', cut at the first '(' that does
 * not start "(anonymous namespace)" or belong to "operator()". */
static const char *simplify_func(const char *name, char *buf, size_t size)
{
	size_t i, len;

	if (*name == '.')
		name++;
	len = strlen(name);
	for (i = 0; i < len; i++) {
		if (!strncmp(name + i, "(anonymous namespace)", 21)) {
			i += 20;
			continue;
		}
		if (!strncmp(name + i, "operator()", 10)) {
			i += 9;
			continue;
		}
		if (name[i] == '(') {
			len = i;
			break;
		}
	}
	if (len >= size)
		len = size - 1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return buf;
}

/* Gives v a copy of its samples to change, if it has none yet: 0, or -1
 * when out of memory. */
static int own_samples(struct profile_view *v)
{
	struct view_sample *own;
	size_t i;

	if (v->samples)
		return 0;
	own = arena_calloc(&v->arena, v->nsamples ? v->nsamples : 1,
			   sizeof(*own));
	if (!own)
		return -1;
	for (i = 0; i < v->nsamples; i++)
		own[i] = view_sample_at(v, i);
	v->samples = own;
	return 0;
}

/* pprof's Profile.Prune with the profile's drop_frames/keep_frames, as
 * RemoveUninteresting applies it. prune/beneath are per location. */
static int apply_prune(struct profile_view *v, const struct profile *p,
		       unsigned char *mark, struct ls_error *err)
{
	regex_t drop, keep;
	bool have_keep = false;
	char *re, buf[4096];
	size_t i;

	if (!*p->drop_frames)
		return 0;
	if (!(re = malloc(strlen(p->drop_frames) + strlen(p->keep_frames) + 8)))
		return ls_error_set(err, "out of memory");
	sprintf(re, "^(%s)$", p->drop_frames);
	if (compile(&drop, "drop_frames", re, err) < 0) {
		free(re);
		return -1;
	}
	if (*p->keep_frames) {
		sprintf(re, "^(%s)$", p->keep_frames);
		if (compile(&keep, "keep_frames", re, err) < 0) {
			free(re);
			regfree(&drop);
			return -1;
		}
		have_keep = true;
	}
	free(re);
	for (i = 0; i < p->nlocations; i++) {
		struct view_location *vl = &v->locs[i];
		size_t n = vl->nlines;
		ptrdiff_t k;

		for (k = (ptrdiff_t)n - 1; k >= 0; k--) {
			const struct function *fn = vl->lines[k].function;
			const char *name;

			if (!fn || !*fn->name)
				continue;
			name = simplify_func(fn->name, buf, sizeof(buf));
			if (matches(&drop, name) && (!have_keep || !matches(&keep, name)))
				break;
		}
		if (k >= 0) {
			mark[i] = 2;	/* prune beneath */
			if ((size_t)k == n - 1) {
				mark[i] = 1;	/* prune */
			} else {
				vl->lines += k + 1;
				vl->nlines -= (size_t)k + 1;
			}
		}
	}
	regfree(&drop);
	if (have_keep)
		regfree(&keep);
	if (own_samples(v) < 0)
		return ls_error_set(err, "out of memory");
	for (i = 0; i < v->nsamples; i++) {
		struct view_sample *s = &v->samples[i];
		bool found_user = false;
		ptrdiff_t k;

		for (k = (ptrdiff_t)s->nlocations - 1; k >= 0; k--) {
			unsigned char m = mark[view_location_index(v, s, (size_t)k)];
			size_t cut;

			if (!m) {
				found_user = true;
				continue;
			}
			if (!found_user)
				continue;
			cut = m == 1 ? (size_t)k + 1 : (size_t)k;
			s->stack = (const unsigned char *)s->stack +
				   cut * stack_width(p->narrow);
			s->nlocations -= cut;
			break;
		}
	}
	return 0;
}

int filter_apply(struct profile_view *v, const struct profile *p,
		 const struct filter_options *o, struct ls_error *err)
{
	unsigned char *mark = NULL;	/* per location: 1 focus, 2 ignore */
	struct num_units nu = { NULL, NULL, 0 };
	bool any_hidden = false;
	size_t i, j, n;

	memset(v, 0, sizeof(*v));
	arena_init(&v->arena);
	v->profile = p;
	v->locs = arena_calloc(&v->arena, p->nlocations ? p->nlocations : 1,
			       sizeof(*v->locs));
	mark = calloc(p->nlocations ? p->nlocations : 1, 1);
	if (!v->locs || !mark)
		goto oom;
	for (i = 0; i < p->nlocations; i++) {
		v->locs[i].lines = p->locations[i].lines;
		v->locs[i].nlines = p->locations[i].nlines;
	}
	v->nsamples = p->nsamples;
	if (!o) {
		free(mark);
		return 0;
	}
	if (o->prune && apply_prune(v, p, mark, err) < 0) {
		free(mark);
		profile_view_release(v);
		return -1;
	}
	memset(mark, 0, p->nlocations ? p->nlocations : 1);

	/* FilterSamplesByName */
	if (o->focus || o->ignore || o->hide || o->show) {
		for (i = 0; i < p->nlocations; i++) {
			const struct location *l = &p->locations[i];
			struct view_location *vl = &v->locs[i];

			if (o->ignore && location_matches(o->ignore, l, vl)) {
				v->ignore_matched = true;
				mark[i] = 2;
			} else if (!o->focus || location_matches(o->focus, l, vl)) {
				v->focus_matched = true;
				mark[i] = 1;
			}
			if (o->hide && location_matches(o->hide, l, vl)) {
				v->hide_matched = true;
				if (mapping_matches(o->hide, l))
					vl->nlines = 0;
				else if (select_lines(v, vl, o->hide, false) < 0)
					goto oom;
				if (vl->nlines == 0)
					vl->hidden = any_hidden = true;
			}
			if (o->show) {
				if (!mapping_matches(o->show, l) &&
				    select_lines(v, vl, o->show, true) < 0)
					goto oom;
				if (vl->nlines == 0)
					vl->hidden = any_hidden = true;
				else
					v->show_matched = true;
			}
		}
		if (own_samples(v) < 0)
			goto oom;
		for (i = n = 0; i < v->nsamples; i++) {
			struct view_sample s = v->samples[i];
			bool focused = false, ignored = false;

			for (j = 0; j < s.nlocations; j++) {
				unsigned char m = mark[view_location_index(v, &s, j)];

				if (m == 1)
					focused = true;
				else if (m == 2)
					ignored = true;
			}
			if (!focused || ignored)
				continue;
			if (any_hidden) {
				void *locs;
				size_t k = 0;

				locs = arena_alloc(&v->arena, (s.nlocations ? s.nlocations : 1) *
							      stack_width(p->narrow));
				if (!locs)
					goto oom;
				for (j = 0; j < s.nlocations; j++) {
					uint32_t li = view_location_index(v, &s, j);

					if (!v->locs[li].hidden)
						stack_set(locs, p->narrow, k++, li);
				}
				if (k == 0)
					continue;
				s.stack = locs;
				s.nlocations = k;
			}
			v->samples[n++] = s;
		}
		v->nsamples = n;
	}

	/* FilterSamplesByTag */
	if (o->tagfocus.set || o->tagignore.set) {
		if (collect_num_units(&nu, p, &v->arena) < 0 ||
		    own_samples(v) < 0)
			goto oom;
		for (i = n = 0; i < v->nsamples; i++) {
			const struct sample *s = v->samples[i].sample;
			bool focused = true, ignored = false;

			if (o->tagfocus.set)
				focused = tag_match(&o->tagfocus, s, &nu);
			if (o->tagignore.set)
				ignored = tag_match(&o->tagignore, s, &nu);
			v->tagfocus_matched |= focused;
			v->tagignore_matched |= ignored;
			if (focused && !ignored)
				v->samples[n++] = v->samples[i];
		}
		v->nsamples = n;
	}
	free(mark);
	return 0;
oom:
	free(mark);
	profile_view_release(v);
	return ls_error_set(err, "out of memory");
}

void profile_view_release(struct profile_view *v)
{
	arena_release(&v->arena);
	memset(v, 0, sizeof(*v));
	arena_init(&v->arena);
}
