#!/bin/sh
# Record go tool pprof's reference output for the bundled profiles.
#
#   sh testdata/gen/profiles/pprof-goldens.sh [PROFILE_DIR]
#
# PROFILE_DIR defaults to testdata/profiles; goldens go to PROFILE_DIR/pprof/.
# For every *.pb.gz and *.debug1.txt FILE (goroutine.debug1.txt is skipped
# when pprof cannot read it, and an error golden is written instead):
#   FILE.top.txt             P -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 FILE
#   FILE.sample_index=I.txt  the same with -sample_index=I, for I = 0..n-1,
#                            only when the profile has more than one sample type
#   FILE.raw.txt             P -raw FILE
# where P = go tool pprof -symbolize=none, run with TZ=UTC, HOME and
# PPROF_TMPDIR in a fresh temporary directory and PPROF_BINARY_PATH empty,
# so only what is inside the file is used.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/../../profiles}
dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d /tmp/pprof-goldens.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/home" "$tmp/pprof" "$dir/pprof"
export TZ=UTC HOME="$tmp/home" PPROF_TMPDIR="$tmp/pprof" PPROF_BINARY_PATH=
: "${GOCACHE:=$tmp/gocache}"
export GOCACHE

P() { go tool pprof -symbolize=none "$@"; }

cd "$dir"
rm -f pprof/*.txt
for f in *.pb.gz *.debug1.txt; do
	[ -f "$f" ] || continue
	if ! P -raw "$f" >"pprof/$f.raw.txt" 2>"$tmp/err"; then
		rm -f "pprof/$f.raw.txt"
		{ echo "go tool pprof -symbolize=none -raw $f"; cat "$tmp/err"; } \
			>"pprof/$f.error.txt"
		echo "pprof-goldens: $f: pprof cannot read it (see pprof/$f.error.txt)" >&2
		continue
	fi
	P -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 "$f" \
		>"pprof/$f.top.txt"
	# Sample types: the header line of -raw output lists them.
	n=$(sed -n '/^Samples:/{n;p;q;}' "pprof/$f.raw.txt" | wc -w)
	if [ "$n" -gt 1 ]; then
		i=0
		while [ "$i" -lt "$n" ]; do
			P -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 \
				-sample_index="$i" "$f" >"pprof/$f.sample_index=$i.txt"
			i=$((i + 1))
		done
	fi
done
