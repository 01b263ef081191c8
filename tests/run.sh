#!/bin/bash
# Runs every unit test binary and end-to-end script and ends with one line
# of counts. Unit tests are cmocka programs (their "[  PASSED  ]" and
# "[  FAILED  ]" lines are counted); an end-to-end script prints "ok - x" or
# "not ok - x" per check and exits 77 when it had to skip (not root).
#   tests/run.sh [BUILD_DIR...]   (default: $B, else build)
# With several build directories (build build-asan: the same suite on the
# sanitizer build) each gets its own line of counts and the last line
# adds them up. DIR:GLOB,GLOB... runs on DIR only the unit tests and
# scripts whose names (without test_ or .sh) match a glob, e.g.
# build-tsan:workers*,thresholds_workers (the ThreadSanitizer run); a glob
# with a leading ! leaves its names out (build-asan:!deb_package).
cd "$(dirname "$0")/.." || exit 1
if [ $# -gt 1 ]; then
	tp=0 tf=0 ts=0
	last=$(mktemp)
	for b in "$@"; do
		echo "=== suite on $b"
		"$0" "$b" | tee "$last"
		read -r p _ f _ s _ < <(tail -1 "$last")
		echo "=== $b: $p passed, $f failed, $s skipped"
		tp=$((tp + ${p:-0})); tf=$((tf + ${f:-1})); ts=$((ts + ${s:-0}))
	done
	rm -f "$last"
	echo "$tp passed, $tf failed, $ts skipped"
	[ "$tf" = 0 ]
	exit
fi
B=${1:-${B:-build}}
SELECT=
case $B in *:*) SELECT=${B#*:}; B=${B%%:*} ;; esac
export B
# selected NAME: is NAME in the run? Every name when no globs were given;
# a glob with a leading ! leaves the names it matches out, so a list of
# only such globs runs everything else.
selected() {
	local g pos=0 hit=0
	[ -z "$SELECT" ] && return 0
	set -f
	for g in ${SELECT//,/ }; do
		if [[ $g == !* ]]; then
			# shellcheck disable=SC2053
			[[ $1 == ${g#!} ]] && { set +f; return 1; }
		else
			pos=1
			# shellcheck disable=SC2053
			[[ $1 == $g ]] && hit=1
		fi
	done
	set +f
	[ "$pos" = 0 ] || [ "$hit" = 1 ]
}
pass=0 fail=0 skip=0
E2E_TIMEOUT=${E2E_TIMEOUT:-300}

for t in "$B"/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t"); selected "${n#test_}" || continue
	echo "== unit: $n"
	out=$("$t" 2>&1); rc=$?
	echo "$out" | grep -E '^\[ +(OK|FAILED|PASSED|  ERROR) +\]|^\[  FAILED  \]' | grep -v '^\[ *OK' || true
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out")
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
	if [ "$rc" != 0 ] && [ -z "$f" ]; then
		echo "$out" | tail -5
		fail=$((fail + 1))
	fi
done

for t in tests/e2e/*.sh; do
	selected "$(basename "$t" .sh)" || continue
	echo "== e2e: $(basename "$t")"
	out=$(timeout "$E2E_TIMEOUT" bash "$t" 2>&1); rc=$?
	echo "$out" | sed 's/^/   /'
	if [ "$rc" = 77 ]; then
		skip=$((skip + 1))
		continue
	fi
	p=$(grep -c '^ok - ' <<<"$out")
	f=$(grep -c '^not ok - ' <<<"$out")
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "   ($(basename "$t") exited $rc without a failed check: counted as a failure)"
		fail=$((fail + 1))
	fi
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
