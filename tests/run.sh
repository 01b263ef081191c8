#!/bin/bash
# Runs every unit test binary and end-to-end script and ends with one line
# of counts. Unit tests are cmocka programs (their "[  PASSED  ]",
# "[  FAILED  ]" and "[  SKIPPED ]" lines are counted); an end-to-end
# script prints "ok - x" or "not ok - x" per check ("ok - x # SKIP why" for
# a check this host cannot run) and exits 77 when it had to skip whole
# (not root, a tool make deps installs is missing).
#   tests/run.sh [BUILD_DIR...]   (default: $B, else build)
# With several build directories (build build-asan: the same suite on the
# sanitizer build) each gets its own line of counts and the last line
# adds them up. DIR:GLOB,GLOB... runs on DIR only the unit tests and
# scripts whose names (without test_ or .sh) match a glob, e.g.
# build-tsan:workers*,thresholds_workers (the ThreadSanitizer run); a glob
# with a leading ! leaves its names out (build-asan:!deb_package). A
# script whose header says "# run.sh: once per suite" does not depend on
# the build and runs with the first one only; "# run.sh: timeout N" gives
# a script that runs many tests (backends.sh) N seconds instead of
# $E2E_TIMEOUT (300).
#
# Nothing passes without testing: a unit source without its binary, a
# binary or script that exits 0 without a single check, or one that
# exits non-zero without a failed check, counts as a failure. Skips are
# counted and named on the closing line, and a run in which a whole
# end-to-end script skipped exits 1 unless ALLOW_SKIP=1 (a non-root run
# tests no forwarding at all).
# $UVS_TESTS_DIR (default tests) holds unit/ and e2e/: the runner's own
# test (tests/e2e/checks_can_fail.sh) points it at a made-up suite.
cd "$(dirname "$0")/.." || exit 1
TESTS=${UVS_TESTS_DIR:-tests}

if [ $# -gt 1 ]; then
	tp=0 tf=0 ts=0 rc=0 first=$1
	last=$(mktemp)
	for b in "$@"; do
		echo "=== suite on $b"
		repeat=
		[ "$b" = "$first" ] || repeat=$first
		UVS_SUITE_REPEAT=$repeat "$0" "$b" | tee "$last"
		[ "${PIPESTATUS[0]}" = 0 ] || rc=1
		read -r p _ f _ s _ < <(tail -1 "$last")
		echo "=== $b: $p passed, $f failed, $s skipped"
		tp=$((tp + ${p:-0})); tf=$((tf + ${f:-1})); ts=$((ts + ${s:-0}))
	done
	rm -f "$last"
	note=
	[ "$ts" = 0 ] || note=" -- SKIPPED: $ts, see each build's line above"
	echo "$tp passed, $tf failed, $ts skipped$note"
	[ "$tf" = 0 ] && [ "$rc" = 0 ]
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
# took NAME SECONDS: the time a test took, so a slow suite shows where
# its minutes go; the slowest are listed again at the end.
times=$(mktemp)
trap 'rm -f "$times"' EXIT
took() {
	echo "   ($1: $2 s)"
	echo "$2 $1" >>"$times"
}
pass=0 fail=0 skip=0
skipped_e2e=() skipped_checks=0 skip_why=
E2E_TIMEOUT=${E2E_TIMEOUT:-300}

# every tests/unit/test_X.c has its binary: a missing one tests nothing
for src in "$TESTS"/unit/test_*.c; do
	[ -e "$src" ] || continue
	t=$B/$(basename "$src" .c)
	selected "$(basename "$src" .c | sed 's/^test_//')" || continue
	if [ ! -x "$t" ]; then
		echo "== unit: $(basename "$t"): not built (make unit): counted as a failure"
		fail=$((fail + 1))
	fi
done

for t in "$B"/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t"); selected "${n#test_}" || continue
	echo "== unit: $n"
	t0=$SECONDS
	out=$("$t" 2>&1); rc=$?
	took "$n" $((SECONDS - t0))
	echo "$out" | grep -E '^\[ +(OK|FAILED|PASSED|SKIPPED|  ERROR) +\]' | grep -v '^\[ *OK' || true
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out")
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' <<<"$out")
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0})); skip=$((skip + ${s:-0}))
	skipped_checks=$((skipped_checks + ${s:-0}))
	if [ "$rc" != 0 ] && [ -z "$f" ]; then
		echo "$out" | tail -5
		fail=$((fail + 1))
	elif [ "$rc" = 0 ] && [ "${p:-0}${s:-0}" = 00 ]; then
		echo "   ($(basename "$t") exited 0 without running a test: counted as a failure)"
		fail=$((fail + 1))
	fi
done

for t in "$TESTS"/e2e/*.sh; do
	[ -e "$t" ] || continue
	selected "$(basename "$t" .sh)" || continue
	if [ -n "${UVS_SUITE_REPEAT:-}" ] &&
		grep -q '^# run.sh: once per suite' "$t"; then
		echo "== e2e: $(basename "$t"): once per suite, run with $UVS_SUITE_REPEAT"
		continue
	fi
	echo "== e2e: $(basename "$t")"
	to=$(sed -n 's/^# run\.sh: timeout \([0-9][0-9]*\)$/\1/p' "$t" | head -1)
	[ "${to:-0}" -gt "$E2E_TIMEOUT" ] || to=$E2E_TIMEOUT
	t0=$SECONDS
	out=$(timeout "$to" bash "$t" 2>&1); rc=$?
	echo "$out" | sed 's/^/   /'
	took "$(basename "$t" .sh)" $((SECONDS - t0))
	if [ "$rc" = 77 ]; then
		skip=$((skip + 1))
		skipped_e2e+=("$(basename "$t" .sh)")
		[ -n "$skip_why" ] || skip_why=$(sed -n 's/^SKIP: *//p' <<<"$out" | head -1)
		continue
	fi
	s=$(grep -c '^ok - .* # SKIP' <<<"$out")
	p=$(($(grep -c '^ok - ' <<<"$out") - s))
	f=$(grep -c '^not ok - ' <<<"$out")
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	skipped_checks=$((skipped_checks + s))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "   ($(basename "$t") exited $rc without a failed check: counted as a failure)"
		fail=$((fail + 1))
	elif [ "$rc" = 0 ] && [ "$p$f$s" = 000 ]; then
		echo "   ($(basename "$t") exited 0 without a single check: counted as a failure)"
		fail=$((fail + 1))
	fi
done

echo "slowest: $(sort -rn "$times" | head -8 | awk '{printf "%s %ds, ", $2, $1}')total ${SECONDS}s"

# The closing line: counts first (the multi-build loop above reads them),
# then, loudly, what was not tested.
note=
if [ ${#skipped_e2e[@]} -gt 0 ]; then
	names="${skipped_e2e[*]}"
	[ ${#skipped_e2e[@]} -le 4 ] || names="${skipped_e2e[*]:0:4} ..."
	note=" -- NOT TESTED: ${#skipped_e2e[@]} END-TO-END SCRIPTS SKIPPED ($names; ${skip_why:-see above})"
	if [ "${ALLOW_SKIP:-}" = 1 ]; then
		note="$note, accepted (ALLOW_SKIP=1)"
	else
		note="$note: this run fails; ALLOW_SKIP=1 accepts it"
	fi
fi
[ "$skipped_checks" = 0 ] || note="$note -- $skipped_checks checks skipped (see above)"
echo "$pass passed, $fail failed, $skip skipped$note"
[ "$fail" = 0 ] || exit 1
[ ${#skipped_e2e[@]} = 0 ] || [ "${ALLOW_SKIP:-}" = 1 ]
