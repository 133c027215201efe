/* units.h - pprof's measurement scaling and formatting
 *
 * A faithful port of pprof's internal/measurement package: the units it
 * knows (bytes as powers of 1024 B, kB, MB, GB, TB, PB; time as ns, us, ms,
 * s, hrs; GCU), how it scales a value between them ("minimum" and "auto"
 * pick the largest unit the value reaches), and how it prints values
 * ("%.2f" with a trailing ".00" removed) and percentages ("  100%",
 * "%5.2f%%" from 1%, "%5.2g%%" below).
 *
 * Ownership: the functions write into caller-supplied buffers; returned
 * unit strings are static.
 */
#ifndef LEAKSCOPE_UNITS_H
#define LEAKSCOPE_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UNITS_LABEL_MAX 64

/* value (in from_unit) expressed in to_unit, as pprof's measurement.Scale:
 * *unit_out gets the canonical name of the unit chosen ("" for plain
 * counts). to_unit may be "minimum" or "auto" to choose automatically. */
double units_scale(int64_t value, const char *from_unit, const char *to_unit,
		   const char **unit_out);

/* snprintf(buf, UNITS_LABEL_MAX, "%.2f", v) as glibc prints it (the
 * exact binary value, rounded half to even), in integer arithmetic for
 * |v| < 2^53: a diff prints four such labels a row, and printf's were a
 * quarter of its writing. Returns the length. */
size_t units_fixed2(char *buf, double v);

/* pprof's ScaledLabel: "1.50MB", "0", "12" into buf (UNITS_LABEL_MAX). */
const char *units_label(char *buf, int64_t value, const char *from_unit,
			const char *to_unit);

/* pprof's Percentage of value in total: always 6 characters or more,
 * "  100%", "50.00%", " 0.32%", "    0%". buf holds UNITS_LABEL_MAX. */
const char *units_percentage(char *buf, int64_t value, int64_t total);

/* pprof's choice of one output unit for a whole table (report's
 * selectOutputUnit): min_value is the smallest non-zero |flat| (or |cum|)
 * of the rows, max_value the total. Returns a unit to pass as to_unit. */
const char *units_select(int64_t min_value, int64_t max_value,
			 const char *sample_unit);

/* Whether two value types can be merged, as pprof's compatibleValueTypes
 * (types equal after dropping a trailing 's', units of one kind). */
bool units_compatible(const char *type1, const char *unit1,
		      const char *type2, const char *unit2);

/* True when unit names a known unit (bytes, time, GCU) in any alias. */
bool units_known(const char *unit);

#endif
