#!/bin/sh
# examples.sh - every command line of the README's "Use" section and of
# the man page's EXAMPLES runs, with the bundled testdata standing in for
# the files named there (curl replaced by cat, flamegraph.pl and less by
# cat). A failure prints the line and its error.
set -u
: "${LEAKSCOPE:=build/leakscope}"
case $LEAKSCOPE in /*) ;; *) LEAKSCOPE=$(pwd)/$LEAKSCOPE ;; esac
T=$(pwd)/testdata/profiles
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/snapshots"
cp "$T"/heap_[0-3].pb.gz "$T"/goroutine_[01].debug2.txt "$T"/goroutine.debug2.txt "$tmp/snapshots/"
ln -s "$T/heap_3.pb.gz" "$tmp/heap.pb.gz"
ln -s "$T/allocs_3.pb.gz" "$tmp/allocs.pb.gz"
ln -s "$T/cpu.pb.gz" "$tmp/cpu.pb.gz"
ln -s "$T/goroutine_1.debug2.txt" "$tmp/dump.txt"
ln -s "$T/heap_0.pb.gz" "$tmp/heap_0.pb.gz"
ln -s "$T/heap_3.pb.gz" "$tmp/heap_4.pb.gz"
ln -s "$T/heap_0.pb.gz" "$tmp/a.pb.gz"
ln -s "$T/heap_3.pb.gz" "$tmp/b.pb.gz"
ln -s "$T/goroutine_0.debug2.txt" "$tmp/goroutines_before.txt"
ln -s "$T/goroutine_1.debug2.txt" "$tmp/goroutines_after.txt"

# The examples, continuation lines joined: README's indented block under
# "## Use", the man page's .nf blocks under .SH EXAMPLES.
{
	sed -n '/^## Use/,/^`leakscope COMMAND/p' README.md | grep '^    ' | sed 's/^    //'
	sed -n '/^\.SH EXAMPLES/,/^\.SH SEE ALSO/p' man/leakscope.1 |
		sed -n '/^\.nf/,/^\.fi/p' | grep -v '^\.nf\|^\.fi' | sed 's/\\-/-/g; s/\\e$/\\/'
} | sed -e :a -e '/\\$/N; s/\\\n//; ta' >"$tmp/examples"

while IFS= read -r line; do
	cmd=$(printf '%s\n' "$line" | sed \
		-e 's/ *#.*$//' \
		-e "s#curl -s 'localhost:6060/debug/pprof/goroutine?debug=2'#cat dump.txt#" \
		-e 's#curl -s localhost:6060/debug/pprof/heap#cat heap.pb.gz#' \
		-e 's#| flamegraph.pl > cpu.svg#| cat >/dev/null#' \
		-e 's#| less -R#| cat#')
	[ -n "$cmd" ] || continue
	case $cmd in leakscope*|NO_COLOR=*|cat*) ;; *) continue ;; esac
	# -q --fail-on-growth exits 3 when it trips; that is the example's point
	if (cd "$tmp" && sh -c "leakscope() { \"$LEAKSCOPE\" \"\$@\"; }; $cmd" >/dev/null 2>"$tmp/err"); then
		pass=$((pass + 1))
	elif [ $? -eq 3 ] && case $cmd in *--fail-on-growth*) true ;; *) false ;; esac; then
		pass=$((pass + 1))
	else
		echo "examples: FAIL $line"
		head -n 3 "$tmp/err"
		fail=$((fail + 1))
	fi
done <"$tmp/examples"

echo "examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -ge 20 ]
