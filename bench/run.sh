#!/bin/sh
# run.sh - benchmark leakscope side by side with go tool pprof and panicparse
#
#   sh bench/run.sh            build optimised, generate inputs, print the table
#   sh bench/run.sh gen        only build and generate the inputs
#   sh bench/run.sh validate   check the inputs with panicparse and go tool pprof
#
# Environment:
#   BENCH_RUNS=N     runs per command, medians reported (default 5);
#                    leakscope runs N times before each reference run
#   BENCH_BIG=1      also generate the 1M-goroutine dumps (~3 GiB each) and run
#                    the `cat big | leakscope goroutines -` row
#   BENCH_ONLY="top goroutines"   run only these rows
#                    (top, diff, goroutines, stdin)
#   LEAKSCOPE=path   benchmark this binary instead of building build/bench
#   LEAKSCOPE_THREADS=N   passed on to leakscope (see leakscope(1)); the
#                    table's header says which was used
#
# Output: the table on stdout (also saved in bench/data/last-run.txt),
# progress on stderr. See bench/README.md for what each row measures.
# $FMT is the one format of every table line, used on purpose:
# shellcheck disable=SC2059
set -eu

cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-5}
BIG=${BENCH_BIG:-0}
ONLY=${BENCH_ONLY:-}
BUILD=build/bench
DATA=bench/data
CC=${CC:-cc}
MAKE=${MAKE:-make}
mode=${1:-run}

say() { printf '%s\n' "bench: $*" >&2; }
die() { printf '%s\n' "bench: $*" >&2; exit 1; }

case $RUNS in
''|*[!0-9]*|0) die "BENCH_RUNS: not a positive number: $RUNS" ;;
esac
case $mode in
run|gen|validate) ;;
*) echo "usage: sh bench/run.sh [run|gen|validate]" >&2; exit 2 ;;
esac

# ---- build ----------------------------------------------------------------

if [ -z "${LEAKSCOPE:-}" ]; then
	say "building $BUILD/leakscope (-O2 -DNDEBUG)"
	$MAKE --no-print-directory BUILD=$BUILD CFLAGS='-O2 -g -DNDEBUG' >&2 ||
		die "make failed"
	LEAKSCOPE=$BUILD/leakscope
fi
mkdir -p "$BUILD" "$DATA"
# $BUILD/gen is make's directory of generated protobuf code: hence bench-*
# bench-gunzip takes leakscope's own inflater (the floor of the gzip rows)
for tool in gen measure gunzip; do
	bin=$BUILD/bench-$tool
	srcs=bench/$tool.c
	[ $tool = gunzip ] && srcs="$srcs src/gunzip.c src/strbuf.c"
	# shellcheck disable=SC2086 # $srcs: several files
	if [ ! -f "$bin" ] || [ -n "$(find $srcs -newer "$bin")" ]; then
		say "building $bin"
		# shellcheck disable=SC2086
		$CC -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Iinclude -o "$bin" \
			$srcs -lz -lm || die "cannot build bench/$tool.c"
	fi
done
GEN=$BUILD/bench-gen
MEASURE=$BUILD/bench-measure
GUNZIP=$BUILD/bench-gunzip

# ---- inputs ---------------------------------------------------------------
# Deterministic: the same gen.c writes the same bytes. A stamp of gen.c's
# checksum throws the inputs away when the generator changes.

HEAP=$DATA/heap-300k.pb.gz
HEAP2=$DATA/heap-300k-grown.pb.gz
DUMP64=$DATA/goroutines-64MiB.debug2.txt
D100K=$DATA/goroutines-100k.debug2.txt
T100K=$DATA/goroutines-100k.crash.txt
D1M=$DATA/goroutines-1m.debug2.txt
T1M=$DATA/goroutines-1m.crash.txt
BIGFILE=$T1M

stamp=$(cksum bench/gen.c | cut -d' ' -f1)
if [ "$(cat "$DATA/.gen-stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -f "$DATA"/*.txt "$DATA"/*.pb.gz
	echo "$stamp" > "$DATA/.gen-stamp"
fi

gen() {
	out=$1
	shift
	[ -s "$out" ] && return 0
	say "generating $out"
	"$GEN" "$@" "$out" || die "cannot generate $out"
}
gen "$HEAP" heap --stacks=300000
gen "$HEAP2" heap --stacks=300000 --grown
# The first 64 MiB of the 100k dump, cut mid-line at exactly 64 MiB as
# runtime/pprof's writeGoroutineStacks cuts a dump that fills its buffer.
gen "$DUMP64" dump --goroutines=100000 --truncate=64M
gen "$D100K" dump --goroutines=100000
gen "$T100K" dump --goroutines=100000 --traceback
if [ "$BIG" = 1 ]; then
	gen "$D1M" dump --goroutines=1000000 --stacks=20000
	gen "$T1M" dump --goroutines=1000000 --stacks=20000 --traceback
fi
[ "$mode" = gen ] && exit 0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/leakscope-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$tmp/home" "$tmp/pprof"

have_go=0
command -v go >/dev/null 2>&1 && have_go=1
have_pp=0
command -v panicparse >/dev/null 2>&1 && have_pp=1

# go tool pprof with a private HOME and PPROF_TMPDIR: it must not write
# ~/pprof/ or read the user's settings.
pprof() {
	HOME=$tmp/home PPROF_TMPDIR=$tmp/pprof go tool pprof -symbolize=none "$@"
}

if [ "$mode" = validate ]; then
	fail=0
	files="$DUMP64 $D100K $T100K"
	[ "$BIG" = 1 ] && files="$files $D1M $T1M"
	for f in $files; do
		if [ $have_pp = 1 ]; then
			n=$(panicparse "$f" 2>/dev/null | grep -c '^[0-9][0-9]*: ' || true)
			say "panicparse $f: $n groups"
			[ "$n" -gt 100 ] || fail=1
		fi
	done
	if [ $have_go = 1 ]; then
		for f in "$HEAP" "$HEAP2"; do
			pprof -top "$f" > "$tmp/top" 2>&1 || fail=1
			say "go tool pprof -top $f: $(sed -n 's/^Showing nodes/showing nodes/p' "$tmp/top")"
		done
		pprof -top -diff_base "$HEAP" "$HEAP2" > "$tmp/top" 2>&1 || fail=1
		say "go tool pprof -top -diff_base: $(sed -n 's/^Showing nodes/showing nodes/p' "$tmp/top")"
	fi
	exit $fail
fi

# ---- measuring ------------------------------------------------------------

# median FILE COLUMN: the median of one column of measure's lines
median() {
	cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# stats NAME: from the runs measured into $tmp/NAME.m, sets t_wall
# (seconds), t_rss (KiB), t_cpu (user + system seconds), medians, and
# t_status (the worst exit status).
stats() {
	t_wall=$(median "$tmp/$1.m" 1)
	t_rss=$(median "$tmp/$1.m" 2)
	t_cpu=$(median "$tmp/$1.m" 4)
	t_status=$(cut -d' ' -f3 "$tmp/$1.m" | sort -n | tail -n 1)
}

# timed NAME OUT CMD...: run CMD $RUNS times with stdout to OUT; sets
# t_* (stats).
timed() {
	name=$1
	out=$2
	shift 2
	rm -f "$tmp/$name.m"
	i=0
	while [ $i -lt "$RUNS" ]; do
		i=$((i + 1))
		say "  $name run $i/$RUNS"
		"$MEASURE" -o "$tmp/$name.m" "$@" > "$out" 2> "$tmp/$name.err" ||
			die "cannot measure $*"
	done
	stats "$name"
}

# spread LSNAME LSCMD REFNAME REFCMD: LSCMD in $RUNS batches of $RUNS
# runs, one before each of REFCMD's $RUNS runs (outputs to /dev/null);
# sets ls_t_* from all of LSCMD's runs and t_* from REFCMD's. The
# reference's runs take seconds each, leakscope's five a quarter of one:
# run back to back, a slow spell of this machine (a second or two, one
# virtual CPU slowed) could fall on all of leakscope's and one of the
# reference's. Spread so, it falls on both tools' alike.
spread() {
	rm -f "$tmp/$1.m" "$tmp/$3.m"
	j=0
	while [ $j -lt "$RUNS" ]; do
		j=$((j + 1))
		i=0
		while [ $i -lt "$RUNS" ]; do
			i=$((i + 1))
			say "  $1 batch $j/$RUNS run $i/$RUNS"
			"$MEASURE" -o "$tmp/$1.m" sh -c "$2" > /dev/null 2> "$tmp/$1.err" ||
				die "cannot measure $2"
		done
		say "  $3 run $j/$RUNS"
		"$MEASURE" -o "$tmp/$3.m" sh -c "$4" > /dev/null 2> "$tmp/$3.err" ||
			die "cannot measure $4"
	done
	stats "$1"
	ls_t_wall=$t_wall ls_t_rss=$t_rss ls_t_cpu=$t_cpu ls_t_status=$t_status
	stats "$3"
}

implemented() {
	"$LEAKSCOPE" --help 2>&1 | grep -Eq "^[[:space:]]+$1([[:space:]]|\$)"
}

secs() { awk -v s="$1" 'BEGIN { printf (s < 10 ? "%.3fs" : "%.2fs"), s }'; }
kib() {
	awk -v k="$1" 'BEGIN {
		if (k >= 1048576) printf "%.2fG", k / 1048576
		else if (k >= 1024) printf "%.1fM", k / 1024
		else printf "%dK", k }'
}

FMT='%-11s %-32s %7s  %8s %7s %7s  %8s %7s  %8s %7s  %-15s %7s  %-24s %s\n'
header() {
	printf "$FMT" row input size leakscope cpu RSS reference RSS speedup mem \
		'floor read/gz' 'x floor' target result
}

# row NAME LABEL FILES FLOOR-KIND FLOOR-CMD TARGET MIN-SPEEDUP MAX-MEM
#     SUBCOMMAND LEAKSCOPE-CMD REFERENCE-KIND REFERENCE-CMD
# Commands are sh -c strings. FLOOR-KIND gz adds `bench-gunzip FILES`.
# REFERENCE-KIND go, panicparse, or "" for a row with absolute targets:
# then MIN-SPEEDUP is the wall-time limit in seconds and MAX-MEM the RSS
# limit in MB (10^6 bytes).
row() {
	r_name=$1 r_label=$2 r_files=$3 r_floor=$4 r_floor_cat=$5 r_target=$6
	r_speed=$7 r_mem=$8 r_sub=$9 r_ls=${10} r_refkind=${11} r_ref=${12}
	if [ -n "$ONLY" ]; then
		case " $ONLY " in *" $r_name "*) ;; *) return 0 ;; esac
	fi
	r_size=0
	for f in $r_files; do
		r_size=$((r_size + $(wc -c < "$f")))
	done
	r_size=$(kib $((r_size / 1024)))
	say "row $r_name: $r_label"

	# the physical floor: read the bytes; for gzip, also inflate them
	# (bench-gunzip: leakscope's inflater, the files one after the other)
	timed floor-cat /dev/null sh -c "$r_floor_cat"
	f_cat=$t_wall
	f_ref=$f_cat
	r_floortext=$(secs "$f_cat")
	if [ "$r_floor" = gz ]; then
		timed floor-gz /dev/null sh -c "$GUNZIP $r_files"
		f_ref=$t_wall
		r_floortext="$r_floortext/$(secs "$t_wall")"
	fi

	have_ref=0
	if { [ "$r_refkind" = go ] && [ $have_go = 1 ]; } ||
	   { [ "$r_refkind" = panicparse ] && [ $have_pp = 1 ]; }; then
		have_ref=1
	fi
	ls_wall='' ls_rss='' ls_text='' ls_rsstext='' ls_cputext=''
	spread_done=0
	if ! implemented "$r_sub"; then
		ls_text='not implemented'
	else
		# checked once, untimed; then timed with its output to
		# /dev/null, as the reference's is: the table compares the
		# tools, not writes to the file system (7.4 MB of report
		# written to a file cost the goroutines row 1.8 ms)
		say "  leakscope check run"
		t_status=0
		sh -c "$r_ls" > "$tmp/leakscope.out" 2> "$tmp/leakscope.err" ||
			t_status=$?
		if [ "$t_status" != 0 ]; then
			ls_text="exit $t_status"
			say "  leakscope: $(head -n 1 "$tmp/leakscope.err")"
		elif [ ! -s "$tmp/leakscope.out" ]; then
			ls_text='no output'
		else
			if [ $have_ref = 1 ]; then
				spread leakscope "$r_ls" reference "$r_ref"
				spread_done=1
				ls_status=$ls_t_status
			else
				timed leakscope /dev/null sh -c "$r_ls"
				ls_t_wall=$t_wall ls_t_rss=$t_rss ls_t_cpu=$t_cpu
				ls_status=$t_status
			fi
			if [ "$ls_status" != 0 ]; then
				ls_text="exit $ls_status"
			else
				ls_wall=$ls_t_wall ls_rss=$ls_t_rss
				ls_text=$(secs "$ls_t_wall") ls_rsstext=$(kib "$ls_t_rss")
				ls_cputext=$(secs "$ls_t_cpu")
			fi
		fi
	fi

	ref_wall='' ref_rss='' ref_text='n/a' ref_rsstext='n/a'
	if [ -z "$r_refkind" ]; then
		ref_text='-' ref_rsstext='-'
	elif [ $have_ref = 1 ]; then
		if [ $spread_done = 0 ]; then
			timed reference /dev/null sh -c "$r_ref"
		fi
		if [ "$t_status" != 0 ]; then
			ref_text="exit $t_status"
			say "  reference: $(head -n 1 "$tmp/reference.err")"
		else
			ref_wall=$t_wall ref_rss=$t_rss
			ref_text=$(secs "$t_wall") ref_rsstext=$(kib "$t_rss")
		fi
	fi

	speed='' mem='' xfloor='' result=''
	if [ -n "$ls_wall" ]; then
		xfloor=$(awk -v a="$ls_wall" -v b="$f_ref" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')
		if [ -n "$ref_wall" ]; then
			speed=$(awk -v a="$ref_wall" -v b="$ls_wall" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')
			mem=$(awk -v a="$ls_rss" -v b="$ref_rss" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
			result=$(awk -v w="$ls_wall" -v rw="$ref_wall" -v r="$ls_rss" -v rr="$ref_rss" \
				-v s="$r_speed" -v m="$r_mem" 'BEGIN {
				ok = (w > 0 ? rw / w : 1e9) >= s && r / rr <= m
				print ok ? "PASS" : "FAIL" }')
		elif [ -z "$r_refkind" ]; then
			# absolute targets: seconds and KiB
			result=$(awk -v w="$ls_wall" -v r="$ls_rss" -v s="$r_speed" -v m="$r_mem" \
				'BEGIN { print (w < s && r * 1024 < m * 1000000) ? "PASS" : "FAIL" }')
		else
			result='n/a (no reference)'
		fi
	elif [ "$ls_text" = 'not implemented' ]; then
		result='not implemented'
	else
		result='FAIL'
	fi
	if [ -n "$r_refkind" ] && [ "$ref_text" = n/a ]; then
		speed=n/a mem=n/a
	fi
	line=$(printf "$FMT" "$r_name" "$r_label" "$r_size" "$ls_text" "${ls_cputext:--}" "${ls_rsstext:--}" \
		"$ref_text" "$ref_rsstext" "${speed:--}" "${mem:--}" "$r_floortext" \
		"${xfloor:--}" "$r_target" "$result")
	printf '%s\n' "$line" >> "$tmp/table"
	printf '%s\n' "$line"
}

LS=$LEAKSCOPE
say "leakscope: $LS; $RUNS runs per command; go: $([ $have_go = 1 ] && go version || echo none);" \
	"panicparse: $([ $have_pp = 1 ] && echo installed || echo none)"
: > "$tmp/table"
{
	echo "# leakscope bench $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, medians of $RUNS runs" \
		"(leakscope: $RUNS batches of $RUNS, one before each reference run)," \
		"LEAKSCOPE_THREADS=${LEAKSCOPE_THREADS:-unset (all cores)}"
	header
} | tee "$tmp/head"

q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
LSQ=$(q "$LS")
PPROF="HOME=$tmp/home PPROF_TMPDIR=$tmp/pprof go tool pprof -symbolize=none"

row top "$(basename "$HEAP")" "$HEAP" gz "cat $HEAP >/dev/null" \
	">=50x, mem<=1/5" 50 0.2 \
	top "$LSQ top $HEAP" go "$PPROF -top $HEAP"
row diff "heap-300k -> heap-300k-grown" "$HEAP $HEAP2" gz "cat $HEAP $HEAP2 >/dev/null" \
	">=100x, mem<=1/5" 100 0.2 \
	diff "$LSQ diff $HEAP $HEAP2" go "$PPROF -top -diff_base $HEAP $HEAP2"
row goroutines "$(basename "$DUMP64")" "$DUMP64" text "cat $DUMP64 >/dev/null" \
	">=100x, mem<=1/10" 100 0.1 \
	goroutines "$LSQ goroutines $DUMP64" panicparse "panicparse $DUMP64"
if [ "$BIG" = 1 ]; then
	row stdin "cat $(basename "$BIGFILE") | -" "$BIGFILE" text "cat $BIGFILE | cat >/dev/null" \
		"<5s, RSS<200MB" 5 200 \
		goroutines "cat $BIGFILE | $LSQ goroutines -" "" ""
fi
cat "$tmp/head" "$tmp/table" > "$DATA/last-run.txt"
