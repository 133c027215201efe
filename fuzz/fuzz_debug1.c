/* fuzz_debug1.c - libFuzzer harness: goroutine?debug=1 text ("goroutine
 * profile: total N", counts, "# labels:", "#\t0x.. func file:line") through
 * the profile reader into goroutine groups, ranked and written, as
 * `leakscope goroutines` reads it */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "goroutines.h"
#include "reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] = "goroutine profile: total ";
	struct load_options lo = { FUZZ_MAX_INPUT };
	struct goroutine_filter gf;
	struct goroutine_groups gs;
	struct goroutines_meta meta;
	struct profile p;
	struct ls_error err;
	unsigned char *buf;

	/* Keep the fuzzer on this format: the header is always there. */
	buf = malloc(sizeof(head) - 1 + size);
	if (!buf)
		return 0;
	memcpy(buf, head, sizeof(head) - 1);
	if (size)
		memcpy(buf + sizeof(head) - 1, data, size);
	profile_init(&p);
	goroutine_groups_init(&gs);
	memset(&gf, 0, sizeof(gf));
	if (profile_load_buffer(&p, "fuzz.debug1.txt", buf, sizeof(head) - 1 + size,
				&lo, &err) == 0) {
		fuzz_use_profile(&p);
		if (goroutine_groups_add_profile(&gs, &p, &gf, &err) == 0) {
			goroutine_groups_rank(&gs, &gf);
			memset(&meta, 0, sizeof(meta));
			meta.source = "fuzz";
			meta.reason = "";
			meta.dump = meta.ndumps = 1;
			goroutines_write_text(fuzz_null(), &gs, &meta);
			goroutines_write_json(fuzz_null(), &gs, &meta);
			goroutines_write_folded(fuzz_null(), &gs, &meta);
		}
	} else if (!ls_error_is_set(&err)) {
		abort();
	}
	goroutine_groups_release(&gs);
	profile_release(&p);
	free(buf);
	return 0;
}
