/* units.c - pprof's measurement scaling and formatting */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

struct unit {
	const char *name;
	const char *aliases[4];
	double factor;
};

struct unit_type {
	const struct unit *units;
	size_t nunits;
	struct unit dflt;
};

static const struct unit byte_units[] = {
	{ "B", { "b", "byte" }, 1 },
	{ "kB", { "kb", "kbyte", "kilobyte" }, 1024.0 },
	{ "MB", { "mb", "mbyte", "megabyte" }, 1048576.0 },
	{ "GB", { "gb", "gbyte", "gigabyte" }, 1073741824.0 },
	{ "TB", { "tb", "tbyte", "terabyte" }, 1099511627776.0 },
	{ "PB", { "pb", "pbyte", "petabyte" }, 1125899906842624.0 },
};

static const struct unit time_units[] = {
	{ "ns", { "ns", "nanosecond" }, 1 },
	{ "us", { "\xce\xbcs", "us", "microsecond" }, 1e3 },
	{ "ms", { "ms", "millisecond" }, 1e6 },
	{ "s", { "s", "sec", "second" }, 1e9 },
	{ "hrs", { "hour", "hr" }, 3600e9 },
};

static const struct unit gcu_units[] = {
	{ "n*GCU", { "nanogcu" }, 1e-9 },
	{ "u*GCU", { "microgcu" }, 1e-6 },
	{ "m*GCU", { "milligcu" }, 1e-3 },
	{ "GCU", { "gcu" }, 1 },
	{ "k*GCU", { "kilogcu" }, 1e3 },
	{ "M*GCU", { "megagcu" }, 1e6 },
	{ "G*GCU", { "gigagcu" }, 1e9 },
	{ "T*GCU", { "teragcu" }, 1e12 },
	{ "P*GCU", { "petagcu" }, 1e15 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct unit_type unit_types[] = {
	{ byte_units, N(byte_units), { "B", { "b", "byte" }, 1 } },
	{ time_units, N(time_units), { "s", { NULL }, 1e9 } },
	{ gcu_units, N(gcu_units), { "GCU", { NULL }, 1 } },
};

/* pprof's sniffUnit: lowercase, drop one trailing 's' when longer than 2. */
static const struct unit *sniff(const struct unit_type *ut, const char *name)
{
	char low[64];
	size_t len = strlen(name), i, j;

	if (len >= sizeof(low))
		return NULL;
	for (i = 0; i < len; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[len] = '\0';
	if (len > 2 && low[len - 1] == 's')
		low[len - 1] = '\0';
	for (i = 0; i < ut->nunits; i++)
		for (j = 0; j < 4 && ut->units[i].aliases[j]; j++)
			if (strcmp(ut->units[i].aliases[j], low) == 0)
				return &ut->units[i];
	return NULL;
}

bool units_known(const char *unit)
{
	size_t i;

	for (i = 0; i < N(unit_types); i++)
		if (sniff(&unit_types[i], unit))
			return true;
	return false;
}

static bool convert(const struct unit_type *ut, int64_t value,
		    const char *from, const char *to, double *out,
		    const char **unit_out)
{
	const struct unit *fu = sniff(ut, from), *tu;
	double v;

	if (!fu)
		return false;
	v = (double)value * fu->factor;
	if (!strcmp(to, "minimum") || !strcmp(to, "auto")) {
		double f = 0;
		const char *name = "";
		size_t i;

		for (i = 0; i < ut->nunits; i++) {
			if (ut->units[i].factor >= f &&
			    v / ut->units[i].factor >= 1.0) {
				f = ut->units[i].factor;
				name = ut->units[i].name;
			}
		}
		if (f != 0) {
			*out = v / f;
			*unit_out = name;
			return true;
		}
		*out = v / ut->dflt.factor;
		*unit_out = ut->dflt.name;
		return true;
	}
	tu = sniff(ut, to);
	if (!tu) {
		*out = v / ut->dflt.factor;
		*unit_out = ut->dflt.name;
		return true;
	}
	*out = v / tu->factor;
	*unit_out = tu->name;
	return true;
}

double units_scale(int64_t value, const char *from_unit, const char *to_unit,
		   const char **unit_out)
{
	static const char *const plain[] = {
		"count", "sample", "unit", "minimum", "auto"
	};
	double v;
	size_t i;

	if (value < 0 && value != INT64_MIN) {
		v = units_scale(-value, from_unit, to_unit, unit_out);
		return -v;
	}
	for (i = 0; i < N(unit_types); i++)
		if (convert(&unit_types[i], value, from_unit, to_unit, &v,
			    unit_out))
			return v;
	*unit_out = to_unit;
	for (i = 0; i < N(plain); i++)
		if (!strcmp(to_unit, plain[i]))
			*unit_out = "";
	return (double)value;
}

size_t units_fixed2(char *buf, double v)
{
	uint64_t m, n, r, half;
	char digits[24];
	size_t len = 0, k = 0;
	int e;

	if (!isfinite(v) || fabs(v) >= 0x1p53) {
		snprintf(buf, UNITS_LABEL_MAX, "%.2f", v);
		return strlen(buf);	/* cut at UNITS_LABEL_MAX - 1 */
	}
	/* |v| = m * 2^e exactly, m below 2^53; then n = |v| * 100 rounded
	 * half to even, as glibc rounds the exact value */
	m = (uint64_t)ldexp(frexp(fabs(v), &e), 53);
	e -= 53;
	if (e >= 0) {
		n = (m << e) * 100;	/* |v| < 2^53: an integer, n < 2^60 */
	} else if (e > -64) {
		r = m * 100;		/* below 2^60 */
		n = r >> -e;
		r &= ((uint64_t)1 << -e) - 1;
		half = (uint64_t)1 << (-e - 1);
		if (r > half || (r == half && (n & 1)))
			n++;
	} else {
		n = 0;			/* m * 100 < 2^60 < half */
	}
	if (signbit(v))
		buf[len++] = '-';
	do
		digits[k++] = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	while (k < 3)
		digits[k++] = '0';
	while (k > 2)
		buf[len++] = digits[--k];
	buf[len++] = '.';
	buf[len++] = digits[1];
	buf[len++] = digits[0];
	buf[len] = '\0';
	return len;
}

const char *units_label(char *buf, int64_t value, const char *from_unit,
			const char *to_unit)
{
	const char *unit;
	double v = units_scale(value, from_unit, to_unit, &unit);
	size_t len;

	len = units_fixed2(buf, v);
	if (len > 3 && !strcmp(buf + len - 3, ".00"))
		buf[len -= 3] = '\0';
	if (!strcmp(buf, "0") || !strcmp(buf, "-0"))
		return strcpy(buf, "0");
	snprintf(buf + len, UNITS_LABEL_MAX - len, "%s", unit);
	return buf;
}

const char *units_percentage(char *buf, int64_t value, int64_t total)
{
	double ratio = 0;

	if (total != 0)
		ratio = fabs((double)value / (double)total) * 100;
	if (ratio >= 99.95 && ratio <= 100.05)
		snprintf(buf, UNITS_LABEL_MAX, "  100%%");
	else if (ratio >= 1.0)
		snprintf(buf, UNITS_LABEL_MAX, "%5.2f%%", ratio);
	else
		snprintf(buf, UNITS_LABEL_MAX, "%5.2g%%", ratio);
	return buf;
}

const char *units_select(int64_t min_value, int64_t max_value,
			 const char *sample_unit)
{
	const char *min_unit, *max_unit, *unit;

	if (min_value == 0)
		min_value = max_value;
	units_scale(min_value, sample_unit, "minimum", &min_unit);
	units_scale(max_value, sample_unit, "minimum", &max_unit);
	unit = min_unit;
	if (strcmp(min_unit, max_unit) != 0 && min_value * 100 < max_value)
		units_scale(100 * min_value, sample_unit, "minimum", &unit);
	return *unit ? unit : sample_unit;
}

static size_t trim_s(const char *s)
{
	size_t n = strlen(s);

	return n && s[n - 1] == 's' ? n - 1 : n;
}

bool units_compatible(const char *type1, const char *unit1,
		      const char *type2, const char *unit2)
{
	size_t n1 = trim_s(type1), n2 = trim_s(type2), i;

	if (n1 != n2 || memcmp(type1, type2, n1) != 0)
		return false;
	if (!strcmp(unit1, unit2))
		return true;
	for (i = 0; i < N(unit_types); i++)
		if (sniff(&unit_types[i], unit1) && sniff(&unit_types[i], unit2))
			return true;
	return false;
}
