#!/bin/sh
# diff_pprof.sh - `leakscope diff` deltas against go tool pprof -diff_base
#
# Every row's flat and cum delta must equal pprof's -top -diff_base row of
# the same name, and both must list the same nodes (pprof drops nodes whose
# net flat and cum are both zero; so does leakscope diff).
#   1. testdata/profiles/pprof/diff.BASE.NEW[.OPT].txt, recorded with
#      testdata/gen/profiles/pprof-diff-goldens.sh: always run.
#   2. pairs of the shared corpus's scenarios: the figures pprof 1.19 gave
#      (same script, --corpus) are written below, since pprof is not
#      around when the tests run; skipped when the corpus is absent.
# pprof's OPT maps to leakscope's: -sample_index=I to --sample-index=I,
# -lines to --granularity=lines, -normalize to --normalize.
# Prints "diff-pprof: N passed, M failed[, K skipped]".
set -u
: "${LEAKSCOPE:=build/leakscope}"
: "${LEAKSCOPE_CORPUS:=../shared/corpus}"
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

opts() {
	for o in "$@"; do
		case $o in
		-sample_index=*) printf ' --sample-index=%s' "${o#-sample_index=}" ;;
		-lines) printf ' --granularity=lines' ;;
		-normalize) printf ' --normalize' ;;
		esac
	done
}

# leakscope's rows as "name|delta|cum_delta", sorted
ours() {
	"$LEAKSCOPE" diff --format=json -n 0 "$@" | awk '
		/^      "name": / { n = $0; sub(/^      "name": "/, "", n); sub(/",$/, "", n); gsub(/\\"/, "\"", n) }
		/^      "delta": / { d = $2; sub(/,$/, "", d) }
		/^      "cum_delta": / { c = $2; sub(/,$/, "", c); print n "|" d "|" c }' | LC_ALL=C sort
}

# pprof's -top rows (on stdin) as "name|flat|cum", sorted
theirs() {
	awk '/^ +flat +flat%/ { on = 1; next }
		on { n = ""; for (i = 6; i <= NF; i++) n = n (i > 6 ? " " : "") $i
		     sub(/ \((partial-)?inline\)$/, "", n)
		     f = $1; k = $4; sub(/[A-Za-z]+$/, "", f); sub(/[A-Za-z]+$/, "", k)
		     print n "|" f "|" k }' | LC_ALL=C sort
}

check() {	# label expected-file got-file
	if cmp -s "$2" "$3"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "diff-pprof: FAIL $1"
		diff "$2" "$3" | head -10
	fi
}

for g in testdata/profiles/pprof/diff.*.txt; do
	[ -f "$g" ] || continue
	set -- $(basename "$g" .txt | tr '.' ' ')
	base=$2 new=$3
	o=""
	[ $# -ge 4 ] && o=$(opts "-$4")
	theirs <"$g" >"$tmp/want"
	ours $o "testdata/profiles/$base.pb.gz" "testdata/profiles/$new.pb.gz" >"$tmp/got"
	check "$base $new $o" "$tmp/want" "$tmp/got"
done

dir=$LEAKSCOPE_CORPUS/scenarios
if [ ! -d "$dir" ]; then
	skip=$((skip + 1))
else
	sed -n '/^# BEGIN PPROF/,/^# END PPROF/p' "$0" | sed '1d;$d' >"$tmp/all"
	cut -d'|' -f1 "$tmp/all" | uniq | while IFS= read -r c; do
		set -- $c
		base=$1 new=$2
		shift 2
		grep -F "$c|" "$tmp/all" | cut -d'|' -f2- | LC_ALL=C sort >"$tmp/want"
		ours $(opts "$@") "$dir/$base.pb.gz" "$dir/$new.pb.gz" >"$tmp/got"
		if cmp -s "$tmp/want" "$tmp/got"; then
			echo pass
		else
			echo "diff-pprof: FAIL $c" >&2
			diff "$tmp/want" "$tmp/got" | head -10 >&2
			echo fail
		fi
	done >"$tmp/results"
	pass=$((pass + $(grep -c '^pass' "$tmp/results")))
	fail=$((fail + $(grep -c '^fail' "$tmp/results")))
fi
if [ "$skip" -gt 0 ]; then
	echo "diff-pprof: $pass passed, $fail failed, $skip skipped"
else
	echo "diff-pprof: $pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
exit $?

# go tool pprof 1.19 -top -diff_base, as printed by
# testdata/gen/profiles/pprof-diff-goldens.sh --corpus: CASE|name|flat|cum
# BEGIN PPROF
configcache/heap_0 configcache/heap_4|main.fetchAll|10598895|10664439
configcache/heap_0 configcache/heap_4|main.touchSession|270421|270421
configcache/heap_0 configcache/heap_4|fmt.Sprintf|65544|65544
configcache/heap_0 configcache/heap_4|main.(*ConfigCache).Refresh|0|10664439
configcache/heap_0 configcache/heap_4|main.main|0|10934860
configcache/heap_0 configcache/heap_4|runtime.main|0|10934860
configcache/heap_0 configcache/heap_1|main.fetchAll|1996960|2062504
configcache/heap_0 configcache/heap_1|main.touchSession|135211|135211
configcache/heap_0 configcache/heap_1|fmt.Sprintf|65544|65544
configcache/heap_0 configcache/heap_1|main.(*ConfigCache).Refresh|0|2062504
configcache/heap_0 configcache/heap_1|main.main|0|2197715
configcache/heap_0 configcache/heap_1|runtime.main|0|2197715
configcache/heap_1 configcache/heap_2|main.fetchAll|3668596|3668596
configcache/heap_1 configcache/heap_2|main.touchSession|202816|202816
configcache/heap_1 configcache/heap_2|main.(*ConfigCache).Refresh|0|3668596
configcache/heap_1 configcache/heap_2|main.main|0|3871412
configcache/heap_1 configcache/heap_2|runtime.main|0|3871412
configcache/heap_2 configcache/heap_3|main.fetchAll|1996960|1996960
configcache/heap_2 configcache/heap_3|main.touchSession|-67606|-67606
configcache/heap_2 configcache/heap_3|main.(*ConfigCache).Refresh|0|1996960
configcache/heap_2 configcache/heap_3|main.main|0|1929354
configcache/heap_2 configcache/heap_3|runtime.main|0|1929354
configcache/heap_3 configcache/heap_4|main.fetchAll|2936379|2936379
configcache/heap_3 configcache/heap_4|main.(*ConfigCache).Refresh|0|2936379
configcache/heap_3 configcache/heap_4|main.main|0|2936379
configcache/heap_3 configcache/heap_4|runtime.main|0|2936379
configcache/heap_0 configcache/heap_4 -sample_index=0|main.touchSession|136298|136298
configcache/heap_0 configcache/heap_4 -sample_index=0|main.handleRequest|79317|79317
configcache/heap_0 configcache/heap_4 -sample_index=0|main.fetchAll|5112|9209
configcache/heap_0 configcache/heap_4 -sample_index=0|fmt.Sprintf|4097|4097
configcache/heap_0 configcache/heap_4 -sample_index=0|runtime/pprof.allFrames|819|819
configcache/heap_0 configcache/heap_4 -sample_index=0|compress/flate.(*compressor).init|7|14
configcache/heap_0 configcache/heap_4 -sample_index=0|compress/flate.newDeflateFast|7|7
configcache/heap_0 configcache/heap_4 -sample_index=0|compress/flate.NewWriter|4|18
configcache/heap_0 configcache/heap_4 -sample_index=0|runtime/pprof.writeHeapInternal|3|840
configcache/heap_0 configcache/heap_4 -sample_index=0|compress/gzip.(*Writer).Write|0|18
configcache/heap_0 configcache/heap_4 -sample_index=0|example.com/shop/internal/snap.Heap|0|840
configcache/heap_0 configcache/heap_4 -sample_index=0|example.com/shop/internal/snap.Heap.func1|0|840
configcache/heap_0 configcache/heap_4 -sample_index=0|example.com/shop/internal/snap.write|0|840
configcache/heap_0 configcache/heap_4 -sample_index=0|main.(*ConfigCache).Refresh|0|9209
configcache/heap_0 configcache/heap_4 -sample_index=0|main.main|0|225664
configcache/heap_0 configcache/heap_4 -sample_index=0|runtime.main|0|225664
configcache/heap_0 configcache/heap_4 -sample_index=0|runtime/pprof.(*Profile).WriteTo|0|840
configcache/heap_0 configcache/heap_4 -sample_index=0|runtime/pprof.(*profileBuilder).appendLocsForStack|0|819
configcache/heap_0 configcache/heap_4 -sample_index=0|runtime/pprof.(*profileBuilder).build|0|18
configcache/heap_0 configcache/heap_4 -sample_index=0|runtime/pprof.writeHeap|0|840
configcache/heap_0 configcache/heap_4 -sample_index=0|runtime/pprof.writeHeapProto|0|837
configcache/heap_0 configcache/heap_4 -sample_index=1|main.handleRequest|441940029|441940029
configcache/heap_0 configcache/heap_4 -sample_index=1|main.touchSession|324732811|324732811
configcache/heap_0 configcache/heap_4 -sample_index=1|main.fetchAll|10598895|10664439
configcache/heap_0 configcache/heap_4 -sample_index=1|compress/flate.NewWriter|2654314|4715291
configcache/heap_0 configcache/heap_4 -sample_index=1|compress/flate.(*compressor).init|1275491|2060977
configcache/heap_0 configcache/heap_4 -sample_index=1|compress/flate.newDeflateFast|785486|785486
configcache/heap_0 configcache/heap_4 -sample_index=1|runtime/pprof.writeHeapInternal|78590|4859457
configcache/heap_0 configcache/heap_4 -sample_index=1|runtime/pprof.allFrames|65576|65576
configcache/heap_0 configcache/heap_4 -sample_index=1|fmt.Sprintf|65544|65544
configcache/heap_0 configcache/heap_4 -sample_index=1|compress/gzip.(*Writer).Write|0|4715291
configcache/heap_0 configcache/heap_4 -sample_index=1|example.com/shop/internal/snap.Heap|0|4859457
configcache/heap_0 configcache/heap_4 -sample_index=1|example.com/shop/internal/snap.Heap.func1|0|4859457
configcache/heap_0 configcache/heap_4 -sample_index=1|example.com/shop/internal/snap.write|0|4859457
configcache/heap_0 configcache/heap_4 -sample_index=1|main.(*ConfigCache).Refresh|0|10664439
configcache/heap_0 configcache/heap_4 -sample_index=1|main.main|0|782196736
configcache/heap_0 configcache/heap_4 -sample_index=1|runtime.main|0|782196736
configcache/heap_0 configcache/heap_4 -sample_index=1|runtime/pprof.(*Profile).WriteTo|0|4859457
configcache/heap_0 configcache/heap_4 -sample_index=1|runtime/pprof.(*profileBuilder).appendLocsForStack|0|65576
configcache/heap_0 configcache/heap_4 -sample_index=1|runtime/pprof.(*profileBuilder).build|0|4715291
configcache/heap_0 configcache/heap_4 -sample_index=1|runtime/pprof.writeHeap|0|4859457
configcache/heap_0 configcache/heap_4 -sample_index=1|runtime/pprof.writeHeapProto|0|4780867
configcache/heap_0 configcache/heap_4 -sample_index=2|main.fetchAll|5112|9209
configcache/heap_0 configcache/heap_4 -sample_index=2|fmt.Sprintf|4097|4097
configcache/heap_0 configcache/heap_4 -sample_index=2|main.touchSession|66|66
configcache/heap_0 configcache/heap_4 -sample_index=2|main.(*ConfigCache).Refresh|0|9209
configcache/heap_0 configcache/heap_4 -sample_index=2|main.main|0|9275
configcache/heap_0 configcache/heap_4 -sample_index=2|runtime.main|0|9275
configcache/heap_0 configcache/heap_4 -lines|main.fetchAll /home/app/shop/cmd/configcache/main.go:30|10450758|10516302
configcache/heap_0 configcache/heap_4 -lines|main.touchSession /home/app/shop/cmd/configcache/main.go:46|270421|270421
configcache/heap_0 configcache/heap_4 -lines|main.fetchAll /home/app/shop/cmd/configcache/main.go:28|148137|148137
configcache/heap_0 configcache/heap_4 -lines|fmt.Sprintf /usr/lib/go-1.19/src/fmt/print.go:220|65544|65544
configcache/heap_0 configcache/heap_4 -lines|main.(*ConfigCache).Refresh /home/app/shop/cmd/configcache/main.go:37|0|10664439
configcache/heap_0 configcache/heap_4 -lines|main.main /home/app/shop/cmd/configcache/main.go:66|0|10664439
configcache/heap_0 configcache/heap_4 -lines|main.main /home/app/shop/cmd/configcache/main.go:70|0|270421
configcache/heap_0 configcache/heap_4 -lines|runtime.main /usr/lib/go-1.19/src/runtime/proc.go:250|0|10934860
configcache/heap_0 configcache/heap_4 -normalize|main.fetchAll|1358798|1335241
configcache/heap_0 configcache/heap_4 -normalize|main.touchSession|-1245977|-1245977
configcache/heap_0 configcache/heap_4 -normalize|runtime.malg|-44686|-44686
configcache/heap_0 configcache/heap_4 -normalize|runtime.main|-44578|44686
configcache/heap_0 configcache/heap_4 -normalize|fmt.Sprintf|-23557|-23557
configcache/heap_0 configcache/heap_4 -normalize|main.(*ConfigCache).Refresh|0|1335241
configcache/heap_0 configcache/heap_4 -normalize|main.main|0|89264
configcache/heap_0 configcache/heap_4 -normalize|runtime.newproc.func1|0|-44686
configcache/heap_0 configcache/heap_4 -normalize|runtime.newproc1|0|-44686
configcache/heap_0 configcache/heap_4 -normalize|runtime.systemstack|0|-44686
bodybuffer/heap_0 bodybuffer/heap_4|bytes.growSlice|38859292|38859292
bodybuffer/heap_0 bodybuffer/heap_4|net/http.readRequest|2101250|3675186
bodybuffer/heap_0 bodybuffer/heap_4|main.LoggingMiddleware.func1|786720|39951814
bodybuffer/heap_0 bodybuffer/heap_4|net/url.parse|721688|721688
bodybuffer/heap_0 bodybuffer/heap_4|net/textproto.readMIMEHeader|590040|590040
bodybuffer/heap_0 bodybuffer/heap_4|net/textproto.(*Reader).ReadLine|262208|262208
bodybuffer/heap_0 bodybuffer/heap_4|io.NopCloser|196632|196632
bodybuffer/heap_0 bodybuffer/heap_4|main.(*auditTrail).Record|109170|109170
bodybuffer/heap_0 bodybuffer/heap_4|bytes.(*Buffer).WriteString|0|38859292
bodybuffer/heap_0 bodybuffer/heap_4|bytes.(*Buffer).grow|0|38859292
bodybuffer/heap_0 bodybuffer/heap_4|io.Copy|0|38859292
bodybuffer/heap_0 bodybuffer/heap_4|io.WriteString|0|38859292
bodybuffer/heap_0 bodybuffer/heap_4|io.copyBuffer|0|38859292
bodybuffer/heap_0 bodybuffer/heap_4|io.nopCloserWriterTo.WriteTo|0|38859292
bodybuffer/heap_0 bodybuffer/heap_4|main.main|0|43627000
bodybuffer/heap_0 bodybuffer/heap_4|net/http.HandlerFunc.ServeHTTP|0|39951814
bodybuffer/heap_0 bodybuffer/heap_4|net/http.ReadRequest|0|3675186
bodybuffer/heap_0 bodybuffer/heap_4|net/http/httptest.NewRequest|0|3675186
bodybuffer/heap_0 bodybuffer/heap_4|net/textproto.(*Reader).ReadMIMEHeader|0|590040
bodybuffer/heap_0 bodybuffer/heap_4|net/url.ParseRequestURI|0|721688
bodybuffer/heap_0 bodybuffer/heap_4|runtime.main|0|43627000
bodybuffer/heap_0 bodybuffer/heap_4|strings.(*Reader).WriteTo|0|38859292
bodybuffer/heap_1 bodybuffer/heap_3|bytes.growSlice|17713246|17713246
bodybuffer/heap_1 bodybuffer/heap_3|net/http.readRequest|919297|1640729
bodybuffer/heap_1 bodybuffer/heap_3|net/url.parse|393648|393648
bodybuffer/heap_1 bodybuffer/heap_3|main.LoggingMiddleware.func1|327800|18255904
bodybuffer/heap_1 bodybuffer/heap_3|net/textproto.readMIMEHeader|196680|196680
bodybuffer/heap_1 bodybuffer/heap_3|io.NopCloser|196632|196632
bodybuffer/heap_1 bodybuffer/heap_3|net/textproto.(*Reader).ReadLine|131104|131104
bodybuffer/heap_1 bodybuffer/heap_3|main.(*auditTrail).Record|18226|18226
bodybuffer/heap_1 bodybuffer/heap_3|bytes.(*Buffer).WriteString|0|17713246
bodybuffer/heap_1 bodybuffer/heap_3|bytes.(*Buffer).grow|0|17713246
bodybuffer/heap_1 bodybuffer/heap_3|io.Copy|0|17713246
bodybuffer/heap_1 bodybuffer/heap_3|io.WriteString|0|17713246
bodybuffer/heap_1 bodybuffer/heap_3|io.copyBuffer|0|17713246
bodybuffer/heap_1 bodybuffer/heap_3|io.nopCloserWriterTo.WriteTo|0|17713246
bodybuffer/heap_1 bodybuffer/heap_3|main.main|0|19896633
bodybuffer/heap_1 bodybuffer/heap_3|net/http.HandlerFunc.ServeHTTP|0|18255904
bodybuffer/heap_1 bodybuffer/heap_3|net/http.ReadRequest|0|1640729
bodybuffer/heap_1 bodybuffer/heap_3|net/http/httptest.NewRequest|0|1640729
bodybuffer/heap_1 bodybuffer/heap_3|net/textproto.(*Reader).ReadMIMEHeader|0|196680
bodybuffer/heap_1 bodybuffer/heap_3|net/url.ParseRequestURI|0|393648
bodybuffer/heap_1 bodybuffer/heap_3|runtime.main|0|19896633
bodybuffer/heap_1 bodybuffer/heap_3|strings.(*Reader).WriteTo|0|17713246
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|io.ReadAll|145030004|145030004
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|bytes.growSlice|39252796|39252796
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|bufio.NewReaderSize|24991738|24991738
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|compress/flate.NewWriter|2654314|4769767
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/textproto.MIMEHeader.Set|2562102|2562102
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/http.Header.Clone|2365149|2365149
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/http.readRequest|2101250|3675186
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|compress/flate.(*compressor).init|1275491|2115453
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|compress/flate.newDeflateFast|839962|839962
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|main.LoggingMiddleware.func1|786720|190481019
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/url.parse|721688|721688
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/textproto.readMIMEHeader|590040|590040
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/http/httptest.NewRecorder|393384|393384
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|strings.NewReader|327760|327760
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|main.(*auditTrail).Record|287616|287616
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/textproto.(*Reader).ReadLine|262208|262208
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|io.NopCloser|262176|262176
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|runtime/pprof.(*profileBuilder).emitLocation|200463|200463
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|runtime/pprof.allFrames|196856|196856
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/http/httptest.NewRequest|196656|28994676
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|runtime/pprof.writeHeapInternal|157930|5529022
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|runtime/pprof.(*protobuf).string|137312|137312
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|compress/flate.(*huffmanEncoder).generate|66694|66694
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|bufio.NewReader|0|24991738
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|bytes.(*Buffer).Write|0|393504
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|bytes.(*Buffer).WriteString|0|38859292
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|bytes.(*Buffer).grow|0|39252796
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|compress/flate.(*Writer).Close|0|66694
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|compress/flate.(*compressor).close|0|66694
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|compress/flate.(*compressor).encSpeed|0|66694
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|compress/flate.(*huffmanBitWriter).indexTokens|0|66694
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|compress/flate.(*huffmanBitWriter).writeBlockDynamic|0|66694
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|compress/gzip.(*Writer).Close|0|66694
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|compress/gzip.(*Writer).Write|0|4769767
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|example.com/shop/internal/snap.Heap|0|5529022
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|example.com/shop/internal/snap.Heap.func1|0|5529022
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|example.com/shop/internal/snap.write|0|5529022
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|io.Copy|0|38859292
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|io.WriteString|0|38859292
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|io.copyBuffer|0|38859292
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|io.nopCloserWriterTo.WriteTo|0|38859292
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|main.apiHandler|0|150350759
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|main.main|0|225660309
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/http.HandlerFunc.ServeHTTP|0|190481019
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/http.Header.Set|0|2562102
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/http.ReadRequest|0|3675186
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/http/httptest.(*ResponseRecorder).Write|0|5320755
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/http/httptest.(*ResponseRecorder).WriteHeader|0|2365149
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/http/httptest.(*ResponseRecorder).writeHeader|0|4927251
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/textproto.(*Reader).ReadMIMEHeader|0|590040
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|net/url.ParseRequestURI|0|721688
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|runtime.main|0|225660309
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|runtime/pprof.(*Profile).WriteTo|0|5529022
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|runtime/pprof.(*profileBuilder).appendLocsForStack|0|397319
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|runtime/pprof.(*profileBuilder).build|0|4973773
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|runtime/pprof.(*protobuf).strings|0|137312
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|runtime/pprof.writeHeap|0|5529022
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|runtime/pprof.writeHeapProto|0|5371092
bodybuffer/heap_0 bodybuffer/heap_4 -sample_index=1|strings.(*Reader).WriteTo|0|38859292
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|bytes.growSlice|-274085|-274085
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|net/http.readRequest|251611|195489
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|net/url.parse|-147987|-147987
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|main.LoggingMiddleware.func1|134941|-86692
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|runtime.malg|-54467|-54467
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|runtime.(*scavengerState).init|-54328|-54328
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|net/textproto.readMIMEHeader|46890|46890
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|net/textproto.(*Reader).ReadLine|44975|44975
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|io.NopCloser|33727|33727
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|main.(*auditTrail).Record|18725|18725
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|bytes.(*Buffer).WriteString|0|-274085
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|bytes.(*Buffer).grow|0|-274085
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|io.Copy|0|-274085
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|io.WriteString|0|-274085
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|io.copyBuffer|0|-274085
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|io.nopCloserWriterTo.WriteTo|0|-274085
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|main.main|0|108797
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|net/http.HandlerFunc.ServeHTTP|0|-86692
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|net/http.ReadRequest|0|195489
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|net/http/httptest.NewRequest|0|195489
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|net/textproto.(*Reader).ReadMIMEHeader|0|46890
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|net/url.ParseRequestURI|0|-147987
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|runtime.bgscavenge|0|-54328
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|runtime.main|0|108797
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|runtime.newproc.func1|0|-54467
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|runtime.newproc1|0|-54467
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|runtime.systemstack|0|-54467
bodybuffer/heap_0 bodybuffer/heap_4 -normalize|strings.(*Reader).WriteTo|0|-274085
goroutines/heap_0 goroutines/heap_3|runtime.malg|524496|524496
goroutines/heap_0 goroutines/heap_3|runtime.newproc.func1|0|524496
goroutines/heap_0 goroutines/heap_3|runtime.newproc1|0|524496
goroutines/heap_0 goroutines/heap_3|runtime.systemstack|0|524496
# END PPROF
