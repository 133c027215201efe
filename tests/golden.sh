#!/bin/sh
# golden.sh - CLI golden tests: run each command of tests/golden.list and
# compare everything it prints with the expected file named after it.
#
# A line of golden.list is a shell command line in which `leakscope` is the
# binary under test (pipes between leakscope commands are fine); blank lines
# and lines starting with '#' are skipped. The expected file is
# tests/golden/<the line, with every character outside [A-Za-z0-9._=,+-]
# turned into '_'>; it starts with "$ <the line>", then stdout, then stderr,
# then "[exit N]" when the status is not 0. A missing expectation is written
# out and counts as a failure, so that a new line is looked at once before
# it is committed. LEAKSCOPE_GOLDEN_UPDATE=1 rewrites every expectation.
set -u
: "${LEAKSCOPE:=build/leakscope}"
: "${LEAKSCOPE_WRAPPER:=}"
export LEAKSCOPE_WRAPPER
case $LEAKSCOPE in /*) ;; *) LEAKSCOPE=$(pwd)/$LEAKSCOPE ;; esac
export LEAKSCOPE
dir=tests/golden
list=${LEAKSCOPE_GOLDEN_LIST:-tests/golden.list}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

while IFS= read -r line || [ -n "$line" ]; do
	case $line in ''|'#'*) continue ;; esac
	name=$(printf '%s' "$line" | LC_ALL=C tr -c 'A-Za-z0-9._=,+-' '_')
	exp=$dir/$name
	{
		printf '$ %s\n' "$line"
		sh -c "leakscope() { $LEAKSCOPE_WRAPPER \"\$LEAKSCOPE\" \"\$@\"; }; $line" \
			>"$tmp/out" 2>"$tmp/err" </dev/null
		st=$?
		cat "$tmp/out" "$tmp/err"
		[ "$st" -eq 0 ] || printf '[exit %d]\n' "$st"
	} >"$tmp/got"
	if [ "${LEAKSCOPE_GOLDEN_UPDATE:-0}" = 1 ] || [ ! -f "$exp" ]; then
		[ -f "$exp" ] || { echo "golden: NEW $exp (check it, then commit it)"; fail=$((fail + 1)); }
		cp "$tmp/got" "$exp"
		[ "${LEAKSCOPE_GOLDEN_UPDATE:-0}" = 1 ] && pass=$((pass + 1))
		continue
	fi
	if cmp -s "$tmp/got" "$exp"; then
		pass=$((pass + 1))
	else
		echo "golden: FAIL $line"
		diff -u "$exp" "$tmp/got" | head -40
		fail=$((fail + 1))
	fi
done <"$list"

echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
