#!/bin/sh
# goroutines.sh - the goroutine-leak scenario (scenarios/TRUTH.md): for each
# goroutine_K.debug2.txt, `leakscope goroutines` must count the known total,
# find every leaked group with its count, rank each above every stable
# group, and mark the HTTP accept loop and the dump writer benign.
set -u
: "${LEAKSCOPE:=build/leakscope}"
: "${LEAKSCOPE_CORPUS:=../shared/corpus}"
dir=$LEAKSCOPE_CORPUS/scenarios/goroutines
pass=0 fail=0
if [ ! -d "$dir" ]; then
	echo "goroutines-scenario: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
ok() { pass=$((pass + 1)); }
bad() { echo "goroutines-scenario: FAIL $*"; fail=$((fail + 1)); }

# One line per group: RANK COUNT BENIGN(0/1) USERFUNC-or-LEAF
groups() {
	"$LEAKSCOPE" goroutines "$1" | awk '
		/^[0-9]+ goroutines? / { if (n) print n, c, b, f; n++; c = $1; b = / benign$/ ? 1 : 0; f = ""; leaf = ""; next }
		/^  > / { if (f == "") f = $2; next }
		/^    [^c]/ { next }
		END { if (n) print n, c, b, f }'
}

k=0
for total in 437 852 1267 1682; do
	f=$dir/goroutine_$k.debug2.txt
	step=$((k + 1))
	if [ ! -f "$f" ]; then
		bad "$f missing"
		k=$((k + 1)); continue
	fi
	got=$("$LEAKSCOPE" goroutines "$f" | head -n 1 | sed -n 's/.*: \([0-9]*\) goroutines.*/\1/p')
	[ "$got" = "$total" ] && ok || bad "$f: total $got, want $total"
	# the debug=1 text and the protobuf profile of the same moment load
	# into the same groups (through the profile reader)
	for alt in "$dir/goroutine_$k.debug1.txt" "$dir/goroutine_$k.pb.gz"; do
		[ -f "$alt" ] || continue
		got=$("$LEAKSCOPE" goroutines "$alt" | head -n 1 | sed -n 's/.*: \([0-9]*\) goroutines.*/\1/p')
		[ "$got" = "$total" ] && ok || bad "$alt: total $got, want $total"
		top=$("$LEAKSCOPE" goroutines -n 1 "$alt" | sed -n 's/^  > \([^ ]*\) .*/\1/p')
		[ "$top" = 'main.(*Dispatcher).Start.func1' ] && ok || bad "$alt: first group $top"
	done
	g=$(groups "$f")
	worst_leak=0
	for spec in 'main.(*Dispatcher).Start.func1 200' 'main.fetchWithTimeout.func1 100' \
		    'main.(*Store).Update 50' 'main.watchConfig 30' 'main.fanIn 20' \
		    'main.parkForever 10' 'main.drainNil 5'; do
		fn=${spec% *} per=${spec##* }
		line=$(printf '%s\n' "$g" | awk -v f="$fn" '$4 == f && $3 == 0' | head -n 1)
		if [ -z "$line" ]; then
			bad "$f: no non-benign group for $fn"
			continue
		fi
		set -- $line
		[ "$2" = $((per * step)) ] && ok || bad "$f: $fn counts $2, want $((per * step))"
		[ "$1" -gt "$worst_leak" ] && worst_leak=$1
	done
	for fn in main.poolWorker main.tickerLoop main.sleeper main.lockedWaiter 'main.(*Store).stuckWriter'; do
		rank=$(printf '%s\n' "$g" | awk -v f="$fn" '$4 == f { print $1; exit }')
		if [ -z "$rank" ]; then
			bad "$f: no group for stable $fn"
		elif [ "$rank" -gt "$worst_leak" ]; then
			ok
		else
			bad "$f: stable $fn ranks $rank, above a leaked group (rank $worst_leak)"
		fi
	done
	nb=$("$LEAKSCOPE" goroutines "$f" | grep -c ' benign$')
	[ "$nb" -ge 2 ] && ok || bad "$f: $nb benign groups, want the accept loop and the dump writer"
	"$LEAKSCOPE" goroutines "$f" | awk '/^[0-9]+ goroutine/ { b = / benign$/ } /net\.\(\*TCPListener\)\.Accept|writeGoroutineStacks/ && !b { exit 1 }' &&
		ok || bad "$f: the accept loop or the dump writer is not marked benign"
	k=$((k + 1))
done
echo "goroutines-scenario: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
