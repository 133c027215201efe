#!/bin/sh
# Record go tool pprof's -diff_base figures, for `leakscope diff`.
#
#   sh testdata/gen/profiles/pprof-diff-goldens.sh          testdata goldens
#   sh testdata/gen/profiles/pprof-diff-goldens.sh --corpus DIR
#
# Without arguments: for each case below on testdata/profiles, writes
# testdata/profiles/pprof/diff.BASE.NEW[.OPTS].txt = the output of
#   P -top -unit=B -nodecount=1000000 -nodefraction=0 -edgefraction=0 \
#     [OPTS] -diff_base BASE NEW
# (P = go tool pprof -symbolize=none; TZ=UTC, fresh HOME and PPROF_TMPDIR,
# PPROF_BINARY_PATH empty, as pprof-goldens.sh), so every row's flat and
# cum are exact integers. tests/corpus/diff_pprof.sh compares them.
#
# With --corpus DIR (the shared corpus's scenarios/ folder): prints, for
# each corpus case, "CASE|name|flat|cum" lines, which are pasted into
# tests/corpus/diff_pprof.sh (pprof is not there when the tests run).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/pprof-diff.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/home" "$tmp/pprof"
export TZ=UTC HOME="$tmp/home" PPROF_TMPDIR="$tmp/pprof" PPROF_BINARY_PATH=
: "${GOCACHE:=$tmp/gocache}"
export GOCACHE

P() { go tool pprof -symbolize=none -top -unit=B -nodecount=1000000 \
	-nodefraction=0 -edgefraction=0 "$@"; }

# CASE: "BASE NEW OPTS..." (OPTS are pprof flags; the test maps them)
testdata_cases='heap_0 heap_1
heap_0 heap_3
heap_2 heap_3
heap_0 heap_3 -sample_index=0
heap_0 heap_3 -sample_index=1
heap_0 heap_3 -sample_index=2
heap_0 heap_3 -lines
heap_0 heap_3 -normalize'

corpus_cases='configcache/heap_0 configcache/heap_4
configcache/heap_0 configcache/heap_1
configcache/heap_1 configcache/heap_2
configcache/heap_2 configcache/heap_3
configcache/heap_3 configcache/heap_4
configcache/heap_0 configcache/heap_4 -sample_index=0
configcache/heap_0 configcache/heap_4 -sample_index=1
configcache/heap_0 configcache/heap_4 -sample_index=2
configcache/heap_0 configcache/heap_4 -lines
configcache/heap_0 configcache/heap_4 -normalize
bodybuffer/heap_0 bodybuffer/heap_4
bodybuffer/heap_1 bodybuffer/heap_3
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1
bodybuffer/heap_0 bodybuffer/heap_4 -normalize
goroutines/heap_0 goroutines/heap_3'

if [ "${1:-}" = --corpus ]; then
	dir=$(cd "$2" && pwd)
	printf '%s\n' "$corpus_cases" | while read -r base new opts; do
		P $opts -diff_base "$dir/$base.pb.gz" "$dir/$new.pb.gz" 2>/dev/null |
		awk -v c="$base $new${opts:+ $opts}" '
			/^ +flat +flat%/ { on = 1; next }
			on { n = ""; for (i = 6; i <= NF; i++) n = n (i > 6 ? " " : "") $i
			     sub(/ \((partial-)?inline\)$/, "", n)
			     f = $1; k = $4; sub(/[A-Za-z]+$/, "", f); sub(/[A-Za-z]+$/, "", k)
			     print c "|" n "|" f "|" k }'
	done
	exit 0
fi

dir=$here/../../profiles
cd "$dir"
rm -f pprof/diff.*.txt
printf '%s\n' "$testdata_cases" | while read -r base new opts; do
	out=pprof/diff.$base.$new${opts:+.$(printf '%s' "$opts" | tr -d ' -')}.txt
	P $opts -diff_base "$base.pb.gz" "$new.pb.gz" >"$out" 2>/dev/null
done
