#!/bin/sh
# svg.sh - flame graphs (--format=svg) rendered in headless Chromium.
#
# For top, goroutines and diff: the SVG is loaded with tests/svg_test.js
# appended, which drives it with DOM events (hover, click to zoom, Reset
# Zoom, the Search button with the prompt answered, Ctrl-F) and writes
# "ok NAME" / "not ok NAME: why" lines into <text id="testresult">; the
# page is read back with --dump-dom. Also: the ?s=RE URL parameter, names
# that need XML escaping (and invalid UTF-8) parse and are drawn, and a
# screenshot of each graph is written to $LEAKSCOPE_SVG_SHOTS (default: a
# temporary directory). Skips when chromium is not installed.
set -u
: "${LEAKSCOPE:=build/leakscope}"
: "${CHROMIUM:=chromium}"
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shots=${LEAKSCOPE_SVG_SHOTS:-$tmp}
mkdir -p "$shots"

if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
	echo "svg: skipped: no $CHROMIUM (apt-get install chromium)"
	echo "svg: 0 passed, 0 failed, 1 skipped"
	exit 0
fi

ok() { pass=$((pass + 1)); }
bad() { echo "svg: FAIL $*"; fail=$((fail + 1)); }

chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$tmp/profile.XXXXXX")" "$@" 2>/dev/null
}

# svg NAME QUERY LEAKSCOPE-ARGS...: render, drive, screenshot
svg() {
	name=$1 query=$2
	shift 2
	if ! "$LEAKSCOPE" "$@" --format=svg >"$tmp/$name.svg"; then
		bad "$name: leakscope $* failed"
		return
	fi
	{
		sed '$d' "$tmp/$name.svg"	# the closing </svg>
		printf '<script type="text/ecmascript"><![CDATA[\n'
		cat tests/svg_test.js
		printf ']]></script>\n</svg>\n'
	} >"$tmp/$name.test.svg"
	chrome --dump-dom "file://$tmp/$name.test.svg?$query" >"$tmp/$name.dom"
	sed -n '/<text id="testresult">/,/<\/text>/p' "$tmp/$name.dom" |
		grep -E '^(not )?ok ' >"$tmp/$name.results"
	if [ ! -s "$tmp/$name.results" ]; then
		bad "$name: no test results (the SVG did not load or its script failed)"
		return
	fi
	while IFS= read -r line; do
		case $line in
		ok*) ok ;;
		*) bad "$name: $line" ;;
		esac
	done <"$tmp/$name.results"
	chrome --screenshot="$shots/$name.png" --window-size=1200,800 \
		"file://$tmp/$name.svg" >/dev/null
	if [ "$(head -c 8 "$shots/$name.png" 2>/dev/null | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ] &&
	   [ "$(wc -c <"$shots/$name.png")" -gt 10000 ]; then
		ok
	else
		bad "$name: no screenshot"
	fi
}

svg top 'zoom=main.(*Cache).Store&other=runtime.malg&expect=bytes.growSlice,main.main,unicode.init&term=%5Emain%5C.&matched=98.0' \
	top testdata/profiles/heap_3.pb.gz
svg goroutines 'zoom=main.handleConn&other=main.forever&expect=%5Bchan%20receive%5D,%5Bselect%20(no%20cases)%5D,main.handleConn&term=%5E%5C%5Bchan&matched=68.4' \
	goroutines testdata/profiles/goroutine_1.debug2.txt
svg diff 'zoom=main.(*Cache).Store&other=unicode.init&expect=bytes.growSlice,main.(*Cache).Store.func1&term=growSlice&matched=90.2' \
	diff testdata/profiles/heap_0.pb.gz testdata/profiles/heap_3.pb.gz

# differential colours: grew red, unchanged white, by magnitude
grep -q 'data-n="bytes.growSlice".*fill="rgb(255,[0-9]*,[0-9]*)"' "$tmp/diff.svg" &&
grep -q 'data-n="example.com/leakydemo/lru.(\*LRU).Put".*fill="rgb(255,255,255)"' "$tmp/diff.svg" &&
	ok || bad "diff: growth not red or unchanged not white"

# ?s=RE in the URL searches on load
chrome --dump-dom "file://$tmp/top.svg?s=growSlice" >"$tmp/s.dom"
grep -q '<text id="matched"[^>]*>Matched: 90.2%</text>' "$tmp/s.dom" &&
	ok || bad "top: ?s=growSlice did not search ($(grep -o '<text id="matched"[^<]*' "$tmp/s.dom"))"

# names that need escaping, and invalid UTF-8, still make a valid SVG
"$LEAKSCOPE" goroutines --format=svg tests/svg/escape.txt >"$tmp/escape.svg"
chrome --dump-dom "file://$tmp/escape.svg" >"$tmp/escape.dom"
if grep -q 'parsererror\|This page contains the following errors' "$tmp/escape.dom"; then
	bad "escape: the SVG does not parse"
elif grep -q 'main.(\*Box\[go.shape.string,&quot;&lt;a&amp;b&gt;&quot;\]).Wait' "$tmp/escape.dom" &&
     grep -q "<title>\[select (no cases)\] (1, 50.00%)</title>" "$tmp/escape.dom"; then
	ok
else
	bad "escape: frames missing from the parsed SVG"
fi

echo "svg: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
