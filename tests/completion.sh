#!/bin/bash
# completion.sh - contrib/bash-completion/leakscope: source it and call
# _leakscope with COMP_WORDS set as bash would, then compare COMPREPLY.
# Also checks that every long option a command's --help lists is offered.
set -u
export LC_ALL=C
: "${LEAKSCOPE:=build/leakscope}"
pass=0 fail=0
# shellcheck source=../contrib/bash-completion/leakscope
. contrib/bash-completion/leakscope

# complete WANT WORD...: the last WORD is the one being completed
complete_is() {
	local want=$1
	shift
	COMP_WORDS=(leakscope "$@")
	COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_leakscope 2>/dev/null
	local got
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
	got=${got% }
	if [[ $got == "$want" ]]; then
		pass=$((pass + 1))
	else
		echo "completion: FAIL leakscope $* -> '$got', want '$want'"
		fail=$((fail + 1))
	fi
}

complete_is "diff goroutines grep help report top trend" ""
complete_is "goroutines grep" g
complete_is "--help --version" --
complete_is "top trend" help t
complete_is "--format=" top --for
complete_is "folded json svg text" top --format=
complete_is "json text" trend --format=
complete_is "svg" diff --format=s
complete_is "folded json svg text" goroutines --format ""
complete_is "filefunctions files functions" top --granularity=f
complete_is "cum-delta" diff --sort=c
complete_is "hide show" goroutines --benign=
complete_is "always auto never" diff --color=
complete_is "given name time" trend --order=
complete_is "goroutine" trend --kind=g
complete_is "--cum" top --cu
complete_is "" top -n ""
complete_is "--invert-match" grep --inv
complete_is "testdata/profiles/heap_0.pb.gz" diff testdata/profiles/heap_0
complete_is "testdata/dumps/concat.txt" goroutines --dump=all testdata/dumps/conc
complete_is "testdata/profiles/heap_0.pb.gz" top -o testdata/profiles/heap_0
# bash splits --opt=VALUE at '=' (COMP_WORDBREAKS): leakscope top --format = j
complete_is "json" top --format = j
complete_is "folded json svg text" top --format =

# every long option of every command's --help is offered
for cmd in top goroutines grep diff trend report; do
	offered=" $(_leakscope_options "$cmd" | tr -s ' \t\n' ' ') "
	for opt in $("$LEAKSCOPE" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		if [[ $offered == *" $opt "* || $offered == *" $opt= "* ]]; then
			pass=$((pass + 1))
		else
			echo "completion: FAIL $cmd: $opt is in --help but not completed"
			fail=$((fail + 1))
		fi
	done
done

echo "completion: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
