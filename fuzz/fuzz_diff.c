/* fuzz_diff.c - libFuzzer harness: diff of two snapshots
 *
 * The input is two files: its first two bytes (little endian) give the
 * length of BASE, the rest after BASE is NEW. Each is loaded as
 * `leakscope diff` loads it (snapshot_load_max: any profile or goroutine
 * snapshot), then matched, blamed, computed, sorted and written in every
 * format, as cmd_diff.c does.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "diff.h"
#include "fuzz_common.h"
#include "fuzz_memfd.h"
#include "sites.h"
#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(struct snapshot *s, int sort_i)
{
	const struct diff_sort_key *sort = &diff_sort_keys[sort_i];
	struct graph_options go;
	struct filter_options fo;
	struct site_table sites;
	struct diff d;
	struct diff_meta meta;
	struct ls_error err;
	int i, si[2];

	if ((s[0].kind == SNAP_GOROUTINE) != (s[1].kind == SNAP_GOROUTINE))
		return;
	if (sites_init(&sites, 2) < 0)
		return;
	graph_options_init(&go);
	go.node_fraction = 0;
	go.edge_fraction = 0;
	filter_options_init(&fo);
	fo.prune = true;
	memset(&meta, 0, sizeof(meta));
	meta.kind = s[1].kind_name;
	meta.base_path = "base";
	meta.new_path = "new";
	ls_error_init(&err, "fuzz");
	if (s[0].kind == SNAP_GOROUTINE) {
		meta.sample_type.type = "goroutine";
		meta.sample_type.unit = "count";
		for (i = 0; i < 2; i++)
			if (sites_add_groups(&sites, (size_t)i, &s[i].groups, &err) < 0)
				goto out;
	} else {
		if ((si[1] = profile_sample_index(&s[1].prof, NULL, NULL)) < 0)
			goto out;
		si[0] = profile_sample_index(&s[0].prof,
					     s[1].prof.sample_types[si[1]].type, NULL);
		if (si[0] < 0)
			goto out;
		meta.sample_type = s[1].prof.sample_types[si[1]];
		if (sort_i == 1 && diff_normalize(&s[1].prof, &s[0].prof, &err) < 0)
			goto out;
		for (i = 0; i < 2; i++) {
			go.sample_index = si[i];
			if (sites_add_profile(&sites, (size_t)i, &s[i].prof, &fo, &go,
					      &err) < 0)
				goto out;
		}
	}
	if (sites_blame(&sites, 0, 1, NULL, &err) < 0 ||
	    diff_compute(&d, &sites, diff_method_find(sort->method),
			 s[0].has_ids && s[1].has_ids, &err) < 0)
		goto out;
	diff_sort(&d, sort);
	diff_write_text(fuzz_null(), &d, &meta);
	diff_write_json(fuzz_null(), &d, &meta);
	diff_write_folded(fuzz_null(), &d, &meta);
	diff_release(&d);
out:
	filter_options_release(&fo);
	sites_release(&sites);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot s[2];
	struct ls_error err;
	size_t n0;
	int sort_i = 0;

	if (size < 2)
		return 0;
	n0 = (size_t)data[0] | (size_t)data[1] << 8;
	data += 2;
	size -= 2;
	if (n0 > size)
		n0 = size;
	for (sort_i = 0; diff_sort_keys[sort_i + 1].name && sort_i < (int)(n0 % 3); )
		sort_i++;
	memset(s, 0, sizeof(s));
	if (snapshot_load_max(&s[0], fuzz_memfd_path(0, data, n0), NULL,
			      FUZZ_MAX_INPUT, &err) < 0) {
		if (!ls_error_is_set(&err))
			abort();
		return 0;
	}
	if (snapshot_load_max(&s[1], fuzz_memfd_path(1, data + n0, size - n0),
			      NULL, FUZZ_MAX_INPUT, &err) < 0) {
		if (!ls_error_is_set(&err))
			abort();
		snapshot_release(&s[0]);
		return 0;
	}
	run(s, sort_i);
	snapshot_release(&s[1]);
	snapshot_release(&s[0]);
	return 0;
}
