#!/bin/sh
# scenario_contention.sh - acceptance of report (and top) on the contention
# scenario (scenarios/TRUTH.md): in the mutex profile almost all delay is
# under main.(*Registry).Set via sync.(*RWMutex).Unlock, a little under
# main.(*Registry).Get; in the block profile the delay is under
# main.(*Registry).Set via sync.(*RWMutex).Lock, main.(*Registry).Get via
# sync.(*RWMutex).RLock, and main.produce's channel send
# (runtime.chansend1).
set -u
: "${LEAKSCOPE:=build/leakscope}"
: "${LEAKSCOPE_CORPUS:=../shared/corpus}"
dir=$LEAKSCOPE_CORPUS/scenarios/contention
rows=$(dirname "$0")/lib-rows.awk
pass=0 fail=0
if [ ! -d "$dir" ]; then
	echo "contention: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
ok() { pass=$((pass + 1)); }
bad() { echo "contention: FAIL $*"; fail=$((fail + 1)); }

r=$("$LEAKSCOPE" report --format=json "$dir")
# the contention sections, one per profile, mutex first
kinds=$(printf '%s\n' "$r" | sed -n '/^  "contention": \[/,$p' | sed -n 's/^      "kind": "\(.*\)",$/\1/p' | tr '\n' ' ')
[ "$kinds" = "mutex block " ] && ok || bad "report: kinds '$kinds'"
# "kind|func|share|path" for each top entry
top=$(printf '%s\n' "$r" | sed -n '/^  "contention": \[/,$p' | awk '
	function val(s) { sub(/^ *"[a-z_]+": /, "", s); sub(/,$/, "", s); gsub(/^"|"$/, "", s); return s }
	/^      "kind": / { k = val($0) }
	/^        \{/ { f = sh = p = "" }
	/^          "func": / { f = val($0) }
	/^          "share": / { sh = val($0) }
	/^          "path": / { p = val($0) }
	/^        \}/ { print k "|" f "|" sh "|" p }')
block=$(printf '%s\n' "$top" | grep '^block|' | sed -n 1,3p | cut -d'|' -f2,4 | sed 's/ -> sync.(\*Mutex).Lock$//')
want='main.(*Registry).Set|main.(*Registry).Set -> sync.(*RWMutex).Lock
main.(*Registry).Get|main.(*Registry).Get -> sync.(*RWMutex).RLock
main.produce|main.produce -> runtime.chansend1'
[ "$block" = "$want" ] && ok || { bad "block top:"; printf '%s\n' "$block"; }
top=$(printf '%s\n' "$top" | grep '^mutex|' | cut -d'|' -f2-)
mutex=$(printf '%s\n' "$top" | awk -F'|' '$1 == "main.(*Registry).Set" && $3 ~ /Unlock/')
share=$(printf '%s\n' "$mutex" | cut -d'|' -f2)
case $share in 0.9*) ok ;; *) bad "mutex: Set's share '$share' ($mutex)" ;; esac
case $mutex in *'main.(*Registry).Set -> sync.(*RWMutex).Unlock'*) ok ;; *) bad "mutex: path '$mutex'" ;; esac
printf '%s\n' "$top" | grep -q '^main.(\*Registry).Get|0\.0[0-9]*|main.(\*Registry).Get -> sync.(\*RWMutex).RUnlock' && ok ||
	bad "mutex: a little under Get"
# the text form gives the verdict
"$LEAKSCOPE" report "$dir" | grep -q '^  verdict: 9[0-9]% of the delay is under main.(\*Registry).Set' && ok ||
	bad "report text: mutex verdict"
# top agrees: in cum order Set then Get among the service's functions
t=$("$LEAKSCOPE" top --cum --format=json --sample-index=delay "$dir/mutex_0.pb.gz" |
	awk -v keys=name -v depth=4 -f "$rows" | grep '^main\.(\*Registry)' | tr '\n' ' ')
[ "$t" = "main.(*Registry).Set main.(*Registry).Get " ] && ok || bad "top mutex: '$t'"

echo "contention: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
