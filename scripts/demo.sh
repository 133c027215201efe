#!/bin/sh
# scripts/demo.sh - analyse the bundled sample data (make demo).
#
#   LEAKSCOPE=build/leakscope sh scripts/demo.sh
#
# Runs each step only when $LEAKSCOPE --help lists the subcommand it needs;
# exits non-zero as soon as a command it runs fails.
set -eu

LEAKSCOPE=${LEAKSCOPE:-build/leakscope}
P=testdata/profiles

if ! help=$("$LEAKSCOPE" --help 2>&1); then
	echo "demo: '$LEAKSCOPE --help' failed:" >&2
	printf '%s\n' "$help" >&2
	exit 1
fi

# has CMD: true when the help's command list names CMD.
has() {
	printf '%s\n' "$help" | grep -Eq "^[[:space:]]+$1([[:space:]]|\$)"
}

ran=0
skipped=
step() {
	printf '\n==> %s\n' "$1"
}
skip() {
	skipped="$skipped $1"
}

if has top; then
	step "Where is the heap now? (inuse_space of the last of four snapshots)"
	"$LEAKSCOPE" top "$P/heap_3.pb.gz"
	step "Who allocates the most bytes overall? (allocs profile, top 5)"
	"$LEAKSCOPE" top --sample-index=alloc_space -n 5 "$P/allocs_3.pb.gz"
	ran=$((ran + 2))
else
	skip top
fi

if has diff; then
	step "What grew between the first and the last heap snapshot?"
	"$LEAKSCOPE" diff "$P/heap_0.pb.gz" "$P/heap_3.pb.gz"
	ran=$((ran + 1))
else
	skip diff
fi

if has trend; then
	step "Which sites grow steadily across all four heap snapshots?"
	"$LEAKSCOPE" trend "$P"/heap_*.pb.gz
	ran=$((ran + 1))
else
	skip trend
fi

if has goroutines; then
	step "What are the goroutines stuck on? (debug=2 dump, grouped)"
	"$LEAKSCOPE" goroutines "$P/goroutine.debug2.txt"
	ran=$((ran + 1))
	if has grep; then
		step "Only those waiting in 'chan receive', grouped (grep | goroutines -)"
		# POSIX sh has no pipefail: keep grep's status by hand.
		status=$(mktemp)
		trap 'rm -f "$status"' EXIT
		{ "$LEAKSCOPE" grep 'chan receive' "$P/goroutine.debug2.txt" ||
			echo $? >"$status"; } | "$LEAKSCOPE" goroutines -
		if [ -s "$status" ]; then
			echo "demo: leakscope grep failed (exit $(cat "$status"))" >&2
			exit 1
		fi
		ran=$((ran + 1))
	else
		skip grep
	fi
else
	skip goroutines
fi

printf '\n'
if [ -n "$skipped" ]; then
	echo "demo: $ran step(s) run; not yet available:$skipped"
else
	echo "demo: $ran step(s) run"
fi
