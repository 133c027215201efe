#!/bin/sh
# top.sh - `leakscope top` against go tool pprof's -top goldens
#
# For every profile X under $LEAKSCOPE_CORPUS/external with goldens beside
# it (see external/SOURCES.md; pprof 1.19, -symbolize=none, TZ=UTC):
#   X.pprof-top.txt                    leakscope top X
#   X.pprof-top.nodefraction=0.txt     leakscope top --nodefraction=0 --edgefraction=0 X
#   X.pprof-top.sample_index=I.T.txt   leakscope top --sample-index=I X
#   X.pprof-top.addresses.txt          leakscope top --granularity=addresses X
#   X.pprof-error.txt                  leakscope top X must exit 1 with a
#                                      "leakscope: ..." message
# The output must equal the golden byte for byte: header, "Showing nodes
# accounting for" total, "Dropped"/"Showing top" lines, and every row's
# flat, flat%, sum%, cum, cum% and name as pprof prints them.
#
# Deliberate difference: for goroutine debug=1 text ("goroutine profile:
# total N") and legacy text heap profiles ("heap profile: ..."), pprof's
# legacy parser drops the "# 0x... func file:line" symbol lines and names
# every frame "<unknown>"; leakscope keeps the symbols, so there the rows
# cannot match and only the header up to and including "Showing nodes
# accounting for X, P% of T total" (Type, Time, the totals) is compared.
#
# Each golden is one check; prints the first differences of each failing
# one and "top: N passed, M failed[, K skipped]".
set -u
: "${LEAKSCOPE:=build/leakscope}"
: "${LEAKSCOPE_CORPUS:=../shared/corpus}"
dir=$LEAKSCOPE_CORPUS/external
if [ ! -d "$dir" ]; then
	echo "top: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
TZ=UTC
export TZ
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failed() {
	fail=$((fail + 1))
	echo "top: FAIL $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/    /'
}

# symbolless FILE: true for the formats whose names differ on purpose.
symbolless() {
	head -c 200 "$1" 2>/dev/null | head -n 1 |
		grep -Eq '^(goroutine profile: total|heap profile:)'
}

check() {	# golden input args...
	golden=$1 input=$2
	shift 2
	"$LEAKSCOPE" top "$@" "$input" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" -ne 0 ]; then
		failed "$golden" "exit $st: $(head -n 1 "$tmp/err")"
		return
	fi
	if symbolless "$input"; then
		sed '/^Showing nodes accounting for/q' "$golden" >"$tmp/want"
		sed '/^Showing nodes accounting for/q' "$tmp/out" >"$tmp/got"
		if cmp -s "$tmp/want" "$tmp/got"; then
			pass=$((pass + 1))
		else
			failed "$golden (header and totals only)" \
				"$(diff "$tmp/want" "$tmp/got" | head -n 8)"
		fi
		return
	fi
	if cmp -s "$golden" "$tmp/out"; then
		pass=$((pass + 1))
	else
		failed "$golden" "$(diff "$golden" "$tmp/out" | head -n 8)"
	fi
}

find "$dir" -name '*.pprof-top*.txt' -o -name '*.pprof-error.txt' | LC_ALL=C sort >"$tmp/list"
while IFS= read -r golden; do
	case $golden in
	*.pprof-error.txt)
		input=${golden%.pprof-error.txt}
		"$LEAKSCOPE" top "$input" >"$tmp/out" 2>"$tmp/err"
		st=$?
		if [ "$st" -eq 1 ] && grep -q '^leakscope: ' "$tmp/err"; then
			pass=$((pass + 1))
		else
			failed "$golden" "want exit 1 and a message, got exit $st: $(head -n 1 "$tmp/err")"
		fi
		;;
	*.pprof-top.txt)
		check "$golden" "${golden%.pprof-top.txt}" ;;
	*.pprof-top.nodefraction=0.txt)
		check "$golden" "${golden%.pprof-top.nodefraction=0.txt}" \
			--nodefraction=0 --edgefraction=0 ;;
	*.pprof-top.addresses.txt)
		check "$golden" "${golden%.pprof-top.addresses.txt}" \
			--granularity=addresses ;;
	*.pprof-top.sample_index=*)
		input=${golden%.pprof-top.sample_index=*}
		i=${golden##*.pprof-top.sample_index=}
		i=${i%%.*}
		check "$golden" "$input" --sample-index="$i" ;;
	esac
done <"$tmp/list"

echo "top: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
