#!/bin/sh
# scenario_configcache.sh - acceptance of diff, trend and report on the
# configcache scenario (scenarios/TRUTH.md): main.fetchAll, under
# main.(*ConfigCache).Refresh, ranks first in inuse_space in every diff of
# a later snapshot against an earlier one and grows at every step;
# main.touchSession and main.handleRequest never show steady growth.
set -u
: "${LEAKSCOPE:=build/leakscope}"
: "${LEAKSCOPE_CORPUS:=../shared/corpus}"
dir=$LEAKSCOPE_CORPUS/scenarios/configcache
rows=$(dirname "$0")/lib-rows.awk
pass=0 fail=0
if [ ! -d "$dir" ]; then
	echo "configcache: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
ok() { pass=$((pass + 1)); }
bad() { echo "configcache: FAIL $*"; fail=$((fail + 1)); }
json_rows() { awk -v keys="$1" -v depth="${2:-4}" -f "$rows"; }

# every pair i < j: fetchAll first, growing, blamed on itself under Refresh
for i in 0 1 2 3; do
	j=$((i + 1))
	while [ "$j" -le 4 ]; do
		first=$("$LEAKSCOPE" diff --format=json "$dir/heap_$i.pb.gz" "$dir/heap_$j.pb.gz" |
			json_rows name,delta,user_frame,caller | head -n 1)
		case $first in
		'main.fetchAll|'*'|main.fetchAll|main.(*ConfigCache).Refresh')
			d=$(printf '%s' "$first" | cut -d'|' -f2)
			[ "$d" -gt 0 ] && ok || bad "diff $i $j: fetchAll delta $d"
			;;
		*) bad "diff $i $j: first row is '$first'" ;;
		esac
		j=$((j + 1))
	done
done

# trend: fetchAll first and growing at every step; touchSession and
# handleRequest not growing
t=$("$LEAKSCOPE" trend --format=json "$dir" 2>/dev/null | json_rows name,class,steps_up)
case $(printf '%s\n' "$t" | head -n 1) in
'main.fetchAll|growing|4') ok ;;
*) bad "trend: first row $(printf '%s\n' "$t" | head -n 1)" ;;
esac
for f in main.touchSession main.handleRequest; do
	c=$(printf '%s\n' "$t" | awk -F'|' -v f="$f" '$1 == f { print $2 }')
	[ "$c" != growing ] && ok || bad "trend: $f is growing"
done
# the text form says so too, one line per row
"$LEAKSCOPE" trend "$dir" 2>/dev/null | grep -q '^growing .* main\.fetchAll$' && ok ||
	bad "trend text: no growing main.fetchAll line"

# report: fetchAll is the one growing heap site, blamed under Refresh
r=$("$LEAKSCOPE" report --format=json "$dir" | json_rows name,class,verdict,command 6)
[ "$(printf '%s\n' "$r" | grep -c .)" -eq 1 ] && ok || bad "report: findings: $r"
case $r in
'main.fetchAll|growing|leak: grew at every step'*'called from main.(*ConfigCache).Refresh|leakscope diff --focus='*) ok ;;
*) bad "report: $r" ;;
esac

# scripting: --fail-on-growth
"$LEAKSCOPE" diff -q --fail-on-growth=1MB "$dir/heap_0.pb.gz" "$dir/heap_4.pb.gz" >"${TMPDIR:-/tmp}/ls.$$" 2>&1
st=$?
[ "$st" -eq 3 ] && [ ! -s "${TMPDIR:-/tmp}/ls.$$" ] && ok || bad "diff --fail-on-growth=1MB -q: exit $st"
rm -f "${TMPDIR:-/tmp}/ls.$$"
"$LEAKSCOPE" diff -q --fail-on-growth=100MB "$dir/heap_0.pb.gz" "$dir/heap_4.pb.gz" && ok ||
	bad "diff --fail-on-growth=100MB: exit $?"
"$LEAKSCOPE" trend -q --fail-on-growth=5MB "$dir" 2>/dev/null; st=$?
[ "$st" -eq 3 ] && ok || bad "trend --fail-on-growth=5MB: exit $st"
"$LEAKSCOPE" trend -q --fail-on-growth=50MB "$dir" 2>/dev/null && ok ||
	bad "trend --fail-on-growth=50MB: exit $?"

echo "configcache: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
