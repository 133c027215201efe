#!/bin/sh
# scenario_bodybuffer.sh - acceptance of diff, trend and report on the
# bodybuffer scenario (scenarios/TRUTH.md): the leaf that grows is
# bytes.growSlice, and the first frame of the service's own code on its
# growing stacks, its user_frame, is main.LoggingMiddleware.func1.
set -u
: "${LEAKSCOPE:=build/leakscope}"
: "${LEAKSCOPE_CORPUS:=../shared/corpus}"
dir=$LEAKSCOPE_CORPUS/scenarios/bodybuffer
rows=$(dirname "$0")/lib-rows.awk
pass=0 fail=0
if [ ! -d "$dir" ]; then
	echo "bodybuffer: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
ok() { pass=$((pass + 1)); }
bad() { echo "bodybuffer: FAIL $*"; fail=$((fail + 1)); }
json_rows() { awk -v keys="$1" -v depth="${2:-4}" -f "$rows"; }

# every diff of a later snapshot against an earlier one
for i in 0 1 2 3; do
	j=$((i + 1))
	while [ "$j" -le 4 ]; do
		first=$("$LEAKSCOPE" diff --format=json "$dir/heap_$i.pb.gz" "$dir/heap_$j.pb.gz" |
			json_rows name,user_frame,path | head -n 1)
		case $first in
		'bytes.growSlice|main.LoggingMiddleware.func1|main.LoggingMiddleware.func1 -> '*' -> bytes.(*Buffer).grow -> bytes.growSlice') ok ;;
		*) bad "diff $i $j: first row '$first'" ;;
		esac
		j=$((j + 1))
	done
done
# the text form names it under the row
"$LEAKSCOPE" diff "$dir/heap_0.pb.gz" "$dir/heap_4.pb.gz" | sed -n '6,7p' |
	grep -q 'user: main\.LoggingMiddleware\.func1, called from' && ok ||
	bad "diff text: no user line under bytes.growSlice"

# trend: growSlice first, growing, same user frame
first=$("$LEAKSCOPE" trend --format=json "$dir" 2>/dev/null | json_rows name,class,user_frame | head -n 1)
[ "$first" = 'bytes.growSlice|growing|main.LoggingMiddleware.func1' ] && ok ||
	bad "trend: first row '$first'"

# report: the first heap finding blames the middleware, not growSlice
first=$("$LEAKSCOPE" report --format=json "$dir" | json_rows name,user_frame,verdict 6 | head -n 1)
case $first in
'bytes.growSlice|main.LoggingMiddleware.func1|leak: '*'; blame main.LoggingMiddleware.func1, called from '*) ok ;;
*) bad "report: first finding '$first'" ;;
esac

# --user overrides the package path rule: with only main.main as the
# service's code, the blame moves up to it
first=$("$LEAKSCOPE" diff --format=json --user='^main\.main$' "$dir/heap_0.pb.gz" "$dir/heap_4.pb.gz" |
	json_rows name,user_frame | head -n 1)
[ "$first" = 'bytes.growSlice|main.main' ] && ok || bad "diff --user: '$first'"

echo "bodybuffer: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
