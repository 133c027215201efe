#!/bin/sh
# tty.sh - what leakscope does on a terminal and only there: --color=auto
# colours text when stdout is a terminal and NO_COLOR is unset or empty;
# progress for inputs over 100 MB goes to stderr when it is a terminal,
# never to pipes or files. The terminal is script(1)'s (util-linux);
# skips without it.
set -u
: "${LEAKSCOPE:=build/leakscope}"
case $LEAKSCOPE in /*) ;; *) LEAKSCOPE=$(pwd)/$LEAKSCOPE ;; esac
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
esc=$(printf '\033')
cr=$(printf '\r')

if ! script -qc true /dev/null </dev/null >/dev/null 2>&1; then
	echo "tty: 0 passed, 0 failed, 1 skipped (no script(1))"
	exit 0
fi
# runs a shell command line on a pseudo-terminal; what it printed in $tmp/tty
ontty() {
	script -qec "$1" /dev/null </dev/null >"$tmp/tty" 2>&1
}
expect() {	# expect NAME yes|no PATTERN FILE
	if grep -q "$3" "$4"; then found=yes; else found=no; fi
	if [ "$found" = "$2" ]; then
		pass=$((pass + 1))
	else
		echo "tty: FAIL $1"
		od -c "$4" | head -n 8
		fail=$((fail + 1))
	fi
}
top="$LEAKSCOPE top -n 3 testdata/profiles/heap_3.pb.gz"

ontty "env -u NO_COLOR $top"
expect "auto colours on a terminal" yes "$esc\[1;36m" "$tmp/tty"
ontty "NO_COLOR= $top"
expect "auto colours with NO_COLOR empty" yes "$esc\[1;36m" "$tmp/tty"
ontty "NO_COLOR=1 $top"
expect "NO_COLOR turns auto off" no "$esc" "$tmp/tty"
ontty "NO_COLOR=1 $top --color=always"
expect "--color=always wins over NO_COLOR" yes "$esc\[1;36m" "$tmp/tty"
ontty "env -u NO_COLOR $top --color=never"
expect "--color=never on a terminal" no "$esc" "$tmp/tty"
ontty "env -u NO_COLOR $top | cat"
expect "auto: no colour into a pipe" no "$esc" "$tmp/tty"
ontty "env -u NO_COLOR $top -o $tmp/out; cat $tmp/out"
expect "auto: no colour into a file (-o)" no "$esc" "$tmp/tty"

# progress: a dump of 110 MB (blank lines, then goroutines)
{ yes '' | head -c 115343360; cat testdata/dumps/concat.txt; } >"$tmp/big.txt"
ontty "$LEAKSCOPE goroutines -n 1 $tmp/big.txt >/dev/null"
expect "progress on a terminal" yes "leakscope: $tmp/big.txt: [0-9.]* [kM]*B of 110 MB ([0-9]*%)" "$tmp/tty"
expect "progress redrawn with CR" yes "$cr" "$tmp/tty"
# the last thing written erases the line: spaces then CR, nothing after
if [ "$(tail -c 2 "$tmp/tty" | od -An -c | tr -d ' ')" = '\r' ] ||
   [ "$(tail -c 1 "$tmp/tty" | od -An -c | tr -d ' ')" = '\r' ]; then
	pass=$((pass + 1))
else
	echo "tty: FAIL progress line not erased at the end"; fail=$((fail + 1))
fi
ontty "$LEAKSCOPE goroutines -n 1 $tmp/big.txt >/dev/null 2>$tmp/err; cat $tmp/err"
expect "no progress when stderr is a file" no "MB of" "$tmp/tty"
$LEAKSCOPE goroutines -n 1 "$tmp/big.txt" >/dev/null 2>"$tmp/err"
expect "no progress without a terminal" no "." "$tmp/err"
ontty "$LEAKSCOPE goroutines -n 1 testdata/dumps/concat.txt >/dev/null"
expect "no progress for a small input" no "of" "$tmp/tty"
# an error after progress starts on an erased line
ontty "$LEAKSCOPE top -n 1 $tmp/big.txt >/dev/null"
if [ -z "$(tr -d ' ' <"$tmp/tty" | tr '\r' '\n' | grep -B1 'notaprofile' | head -n 1)" ] &&
   grep -q " of 110 MB" "$tmp/tty"; then
	pass=$((pass + 1))
else
	echo "tty: FAIL error not on an erased line"; od -c "$tmp/tty" | tail -n 8
	fail=$((fail + 1))
fi

echo "tty: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
