#!/bin/sh
# threads.sh - `leakscope goroutines` prints the same on one thread as on
# several (LEAKSCOPE_THREADS=1 against 2 and 3; stdout, stderr and exit
# status): the bundled dumps and the shared corpus's (when present), from
# the file and through a pipe, and dumps big enough to be grouped in parts
# on threads, made here from testdata/dumps: one dump, one cut inside a
# line, CRLF lines, several dumps, a preamble, one cut where pprof stops
# at 64 MiB, one with a NUL byte in its head, and a debug=1 profile.
set -u
: "${LEAKSCOPE:=build/leakscope}"
: "${LEAKSCOPE_CORPUS:=../shared/corpus}"
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run THREADS FILE ARGS...: the output of goroutines ARGS FILE ("-" reads
# FILE through a pipe), its errors and status
run() {
	t=$1 f=$2
	shift 2
	case $f in
	-*) cat "${f#-}" | LEAKSCOPE_THREADS=$t "$LEAKSCOPE" goroutines "$@" - ;;
	*) LEAKSCOPE_THREADS=$t "$LEAKSCOPE" goroutines "$@" "$f" ;;
	esac >"$tmp/out.$t" 2>"$tmp/err.$t"
	echo "exit $?" >>"$tmp/err.$t"
}

same() {
	run 1 "$@"
	for t in 2 3; do
		run $t "$@"
		if cmp -s "$tmp/out.1" "$tmp/out.$t" && cmp -s "$tmp/err.1" "$tmp/err.$t"; then
			pass=$((pass + 1))
		else
			echo "threads: FAIL LEAKSCOPE_THREADS=$t goroutines $* differs from 1 thread"
			fail=$((fail + 1))
		fi
	done
}

# the goroutines of FILE, COPIES times, ids made unique (ids below 1000)
copies() {
	awk -v n="$2" 'BEGIN { RS = "" }
		{ b[NR] = $0 }
		END {
			for (k = 0; k < n; k++)
				for (i = 1; i <= NR; i++) {
					s = b[i]
					if (match(s, /^goroutine [0-9]+ /)) {
						id = substr(s, 11, RLENGTH - 11) + k * 1000
						s = "goroutine " id " " substr(s, RLENGTH + 1)
					}
					print s
					print ""
				}
		}' "$1"
}

big=$tmp/big
mkdir "$big"
copies testdata/dumps/go119_debug2.txt 12000 >"$big/one.txt"
size=$(wc -c <"$big/one.txt")
head -c $((size - 77)) "$big/one.txt" >"$big/cut.txt"
sed 's/$/\r/' "$big/one.txt" >"$big/crlf.txt"
cat "$big/one.txt" "$big/one.txt" testdata/dumps/crash.txt "$big/one.txt" >"$big/several.txt"
{ printf 'panic: boom\n\n'; cat "$big/one.txt"; } >"$big/preamble.txt"
copies testdata/dumps/go122_system.txt 40000 | head -c 67108864 >"$big/pprof64.txt"
# big enough to be mapped before anything is read (cmd_goroutines.c):
# a NUL byte in the head, and a debug=1 profile (its head is no dump's)
{ printf 'goroutine 999999 [running]:\nmain.f(0x1\0)\n\t/a.go:1 +0x1\n\n'
  cat "$big/one.txt"; } >"$big/nul.txt"
awk 'BEGIN { print "goroutine profile: total 400000"
	for (i = 0; i < 200000; i++)
		printf "2 @ 0x%x 0x2\n#\t0x%x\tmain.f%d+0x1\t/a.go:%d\n\n", i, i, i % 97, i }' \
	>"$big/debug1.txt"

for f in "$big"/*.txt; do
	for a in "" "--format=json" "--format=folded" "--dump=all --format=json" \
		 "--dump=1" "--state=chan --min-wait=1m -n 3"; do
		# shellcheck disable=SC2086
		same "$f" $a
	done
	same "-$f"
done

for f in testdata/dumps/*; do
	same "$f"
	same "$f" --format=json --dump=all
	same "-$f"
done

if [ -d "$LEAKSCOPE_CORPUS/gdumps" ]; then
	for f in "$LEAKSCOPE_CORPUS"/gdumps/* "$LEAKSCOPE_CORPUS"/scenarios/*/*debug2*; do
		[ -f "$f" ] || continue
		same "$f"
		same "-$f" --format=json
	done
else
	skip=$((skip + 1))
fi

echo "threads: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
