/* fuzz_profile.c - libFuzzer harness: profile_load_buffer (gzip, profile.proto,
 * every legacy format, validation), then filter, graph and the writers */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct load_options lo = { FUZZ_MAX_INPUT };
	struct profile p;
	struct ls_error err;

	profile_init(&p);
	if (profile_load_buffer(&p, "fuzz.pb.gz", data, size, &lo, &err) == 0)
		fuzz_use_profile(&p);
	else if (!ls_error_is_set(&err))
		abort();	/* every failure says why */
	profile_release(&p);
	return 0;
}
