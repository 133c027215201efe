#!/bin/sh
# goroutines.sh - every goroutine counted: for each goroutine dump of the
# shared corpus (every text file of gdumps/ that holds a goroutine header,
# and every file that external/SOURCES.md lists with "goroutine headers: N"),
# `leakscope goroutines --dump=all` must count as many goroutines as the
# file has goroutine headers ('^goroutine N ... [...]:$' once CR and
# indentation are stripped; "[originating from goroutine N]:" ancestor
# blocks do not match, as they are not goroutines). For SOURCES.md entries
# the count written there must agree as well.
set -u
: "${LEAKSCOPE:=build/leakscope}"
: "${LEAKSCOPE_CORPUS:=../shared/corpus}"
pass=0 fail=0 skip=0
if [ ! -d "$LEAKSCOPE_CORPUS" ]; then
	echo "goroutines: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
cat_any() { case $1 in *.gz) gzip -dc "$1" ;; *) cat "$1" ;; esac; }
headers() {
	cat_any "$1" | tr -d '\r' | sed 's/^[ 	]*//' |
		grep -cE '^goroutine [0-9]+ .*\[.*\]:$'
}
parsed() {
	out=$("$LEAKSCOPE" goroutines --dump=all --format=json "$1" 2>/dev/null)
	n=$(printf '%s\n' "$out" | sed -n 's/^ *"total": \([0-9]*\),*$/\1/p' | head -n 1)
	echo "${n:-0}"
}
check() {	# FILE [EXPECTED-FROM-SOURCES]
	want=$(headers "$1")
	got=$(parsed "$1")
	if [ -n "${2:-}" ] && [ "$2" != "$want" ]; then
		echo "goroutines: FAIL $1: SOURCES.md says $2 headers, the file has $want"
		fail=$((fail + 1))
	elif [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		echo "goroutines: FAIL $1: $want goroutine headers, leakscope counted $got"
		fail=$((fail + 1))
	fi
}

for f in "$LEAKSCOPE_CORPUS"/gdumps/*; do
	[ -f "$f" ] || continue
	[ "$(headers "$f")" -gt 0 ] || continue
	check "$f"
done
ext=$LEAKSCOPE_CORPUS/external
if [ -f "$ext/SOURCES.md" ]; then
	list=$(mktemp)
	awk '/^## /{dir=$2; sub(/\/$/,"",dir)}
	     /goroutine headers: [0-9]+/{split($0,a,"`"); match($0,/goroutine headers: [0-9]+/);
		print dir "/" a[2] "\t" substr($0,RSTART+19,RLENGTH-19)}' "$ext/SOURCES.md" >"$list"
	while IFS='	' read -r f n; do
		if [ -f "$ext/$f" ]; then
			check "$ext/$f" "$n"
		else
			echo "goroutines: SKIP $f (not in the corpus)"
			skip=$((skip + 1))
		fi
	done <"$list"
	rm -f "$list"
fi
echo "goroutines: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
