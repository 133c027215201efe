/* fuzz_legacy.c - libFuzzer harness: the legacy text readers (heap?debug=1
 * "heap profile:" first, then contention, threadz, Java), without gzip */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "legacy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile p;
	struct ls_error err;
	int r;

	profile_init(&p);
	ls_error_init(&err, "fuzz.txt");
	r = legacy_read(&p, data, size, &err);
	if (r == 1)
		fuzz_use_profile(&p);
	else if (r < 0 && !ls_error_is_set(&err))
		abort();
	profile_release(&p);
	return 0;
}
