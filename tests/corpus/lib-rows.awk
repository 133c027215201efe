# lib-rows.awk - rows of leakscope's indented JSON as "v1|v2|..." lines
#
#   awk -v keys=name,delta,user_frame -v depth=4 -f tests/corpus/lib-rows.awk
#
# An object that opens at `depth` spaces ("{" alone on its line, as
# jansson's JSON_INDENT(2) writes the elements of a top-level array such
# as "rows") gives one line with the values of `keys` among its own
# members (strings unquoted, null as ""). Nested arrays are skipped.
BEGIN {
	n = split(keys, k, ",")
	open = sprintf("%" depth "s{", "")
	member = "^" sprintf("%" (depth + 2) "s", "") "\"[a-z_]+\": "
}
$0 == open || $0 == open "," { inrow = 1; delete v; next }
inrow && $0 ~ "^" sprintf("%" depth "s", "") "}" {
	line = ""
	for (i = 1; i <= n; i++)
		line = line (i > 1 ? "|" : "") v[k[i]]
	print line
	inrow = 0
	next
}
inrow && $0 ~ member {
	s = $0
	sub(/^ +"/, "", s)
	key = s
	sub(/".*/, "", key)
	sub(/^[a-z_]+": /, "", s)
	sub(/,$/, "", s)
	if (s ~ /^"/) { sub(/^"/, "", s); sub(/"$/, "", s); gsub(/\\"/, "\"", s) }
	if (s == "null") s = ""
	v[key] = s
}
