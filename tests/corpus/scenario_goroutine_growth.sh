#!/bin/sh
# scenario_goroutine_growth.sh - acceptance of diff, trend and report on
# the goroutines scenario (scenarios/TRUTH.md): from snapshot 0 to 3 the
# leaked groups grow by 600, 300, 150, 90, 60, 30 and 15, every one of
# their first members is still there (persistent: same id, same stack),
# and the stable groups, waiting as they are, are not flagged.
set -u
: "${LEAKSCOPE:=build/leakscope}"
: "${LEAKSCOPE_CORPUS:=../shared/corpus}"
dir=$LEAKSCOPE_CORPUS/scenarios/goroutines
rows=$(dirname "$0")/lib-rows.awk
pass=0 fail=0
if [ ! -d "$dir" ]; then
	echo "goroutine-growth: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
ok() { pass=$((pass + 1)); }
bad() { echo "goroutine-growth: FAIL $*"; fail=$((fail + 1)); }
json_rows() { awk -v keys="$1" -v depth="${2:-4}" -f "$rows"; }

leaks='main.(*Dispatcher).Start.func1 [chan receive]|200|800|600
main.fetchWithTimeout.func1 [chan send]|100|400|300
main.(*Store).Update [semacquire]|50|200|150
main.watchConfig [chan receive]|30|120|90
main.fanIn [semacquire]|20|80|60
main.parkForever [select (no cases)]|10|40|30
main.drainNil [chan receive (nil chan)]|5|20|15'
stable='main.poolWorker main.tickerLoop main.sleeper main.lockedWaiter main.(*Store).stuckWriter internal/poll.runtime_pollWait'

d=$("$LEAKSCOPE" diff --format=json "$dir/goroutine_0.debug2.txt" "$dir/goroutine_3.debug2.txt" |
	json_rows name,base,new,delta,persistent,suspect)
# the seven leaks come first, in this order, each a suspect whose base
# members all stayed
want=$(printf '%s\n' "$leaks" | awk -F'|' '{ print $0 "|" $2 "|true" }')
got=$(printf '%s\n' "$d" | head -n 7)
[ "$got" = "$want" ] && ok || { bad "diff 0 3 leaks:"; printf '%s\n' "$got"; }
for f in $stable; do
	line=$(printf '%s\n' "$d" | awk -F'|' -v f="$f" 'index($1, f " [") == 1')
	case $line in
	*'|0|'*'|false') ok ;;
	*) bad "diff 0 3: stable $f: '$line'" ;;
	esac
done
[ "$(printf '%s\n' "$d" | grep -c '|true$')" -eq 7 ] && ok || bad "diff 0 3: not 7 suspects"
"$LEAKSCOPE" diff "$dir/goroutine_0.debug2.txt" "$dir/goroutine_3.debug2.txt" |
	sed -n 1,3p | grep -q '^Delta: +1245 goroutines' && ok || bad "diff text: total delta"

# every step: each leak grows by its step, its members persistent
for i in 0 1 2; do
	j=$((i + 1))
	got=$("$LEAKSCOPE" diff --format=json "$dir/goroutine_$i.debug2.txt" "$dir/goroutine_$j.debug2.txt" |
		json_rows name,delta,suspect | head -n 7)
	want=$(printf '%s\n' "$leaks" | awk -F'|' '{ print $1 "|" $4 / 3 "|true" }')
	[ "$got" = "$want" ] && ok || { bad "diff $i $j:"; printf '%s\n' "$got"; }
done

# mixed forms: debug=1 text and the goroutine profile match the dump's
# groups (no ids there: counts only)
for pair in "goroutine_0.pb.gz goroutine_3.debug2.txt" "goroutine_0.debug1.txt goroutine_3.pb.gz" \
	    "goroutine_0.debug2.txt goroutine_3.debug1.txt"; do
	set -- $pair
	got=$("$LEAKSCOPE" diff --format=json "$dir/$1" "$dir/$2" | json_rows delta | head -n 7 | tr '\n' ' ')
	[ "$got" = "600 300 150 90 60 30 15 " ] && ok || bad "diff $pair: deltas $got"
done

# trend over the four dumps: the seven leaks growing, nothing else
t=$("$LEAKSCOPE" trend --kind=goroutine --format=json "$dir" 2>/dev/null | json_rows name,class,values)
[ "$(printf '%s\n' "$t" | grep -c '|growing|')" -eq 7 ] && ok || bad "trend: growing rows: $t"
for f in $stable; do
	c=$(printf '%s\n' "$t" | awk -F'|' -v f="$f" 'index($1, f " [") == 1 { print $2 }')
	[ "$c" = stable ] && ok || bad "trend: $f is '$c'"
done

# report: the seven leaks, each saying its first members all stayed
r=$("$LEAKSCOPE" report --format=json "$dir" | json_rows name,persistent,verdict 6)
g=$(printf '%s\n' "$r" | grep -c 'all [0-9]* of the first snapshot still there')
[ "$g" -eq 7 ] && ok || bad "report: $g goroutine findings with persistent members"
printf '%s\n' "$r" | grep -q 'poolWorker' && bad "report: poolWorker flagged" || ok

# --fail-on-growth with a count
"$LEAKSCOPE" diff -q --fail-on-growth=500 "$dir/goroutine_0.debug2.txt" "$dir/goroutine_3.debug2.txt"
[ $? -eq 3 ] && ok || bad "diff --fail-on-growth=500"
"$LEAKSCOPE" diff -q --fail-on-growth=2000 "$dir/goroutine_0.debug2.txt" "$dir/goroutine_3.debug2.txt" && ok ||
	bad "diff --fail-on-growth=2000"
"$LEAKSCOPE" trend -q --kind=goroutine --fail-on-growth=250% "$dir" 2>/dev/null
[ $? -eq 3 ] && ok || bad "trend --fail-on-growth=250%"
"$LEAKSCOPE" trend -q --kind=goroutine --fail-on-growth=300% "$dir" 2>/dev/null && ok ||
	bad "trend --fail-on-growth=300%: 200 -> 800 is 300%, not more"

echo "goroutine-growth: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
