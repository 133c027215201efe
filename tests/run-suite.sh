#!/bin/sh
# run-suite.sh NAME DIR - run every DIR/*.sh, add up their
# "LABEL: N passed, M failed[, K skipped]" lines, and print the total as
# "NAME: N passed, M failed, K skipped". Each script finds the shared
# corpus through $LEAKSCOPE_CORPUS (default ../shared/corpus) and counts
# itself skipped when it is absent.
set -u
name=$1 dir=$2
: "${LEAKSCOPE:=build/leakscope}"
: "${LEAKSCOPE_CORPUS:=../shared/corpus}"
case $LEAKSCOPE in /*) ;; *) LEAKSCOPE=$(pwd)/$LEAKSCOPE ;; esac
export LEAKSCOPE LEAKSCOPE_CORPUS
pass=0 fail=0 skip=0 status=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in "$dir"/*.sh; do
	[ -f "$t" ] || continue
	sh "$t" >"$out" 2>&1 || status=1
	cat "$out"
	line=$(grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$name: $t printed no result line"
		status=1
		continue
	fi
	set -- $(printf '%s\n' "$line" | sed -E 's/^[^:]*: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/')
	pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + ${3:-0}))
done
echo "$name: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$status" -eq 0 ]
