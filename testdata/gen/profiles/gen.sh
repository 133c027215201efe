#!/bin/sh
# Regenerate testdata/profiles from this program, then pprof's goldens.
# Run from anywhere: sh testdata/gen/profiles/gen.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/../../profiles"
outdir=$(cd "$here/../../profiles" && pwd)
tmp=$(mktemp -d /tmp/leakydemo.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
export GOFLAGS=-mod=mod GOCACHE="$tmp/gocache" GOPATH="$tmp/gopath" CGO_ENABLED=0
mkdir -p /tmp/leakydemo-bin
(cd "$here" && go build -trimpath -o /tmp/leakydemo-bin/leakydemo .)
/tmp/leakydemo-bin/leakydemo -out "$outdir"
rm -rf /tmp/leakydemo-bin
sh "$here/pprof-goldens.sh" "$outdir"
