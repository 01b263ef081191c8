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
#
# Tests run in three lanes side by side (UVS_LANES=N for N; UVS_PARALLEL=0
# runs one test at a time). Each lane walks the builds in turn and takes
# each test no other lane has taken yet, so the lanes share every build's
# tests and end together. The first lane's output streams; the others'
# follows when they end; each build's counts and the closing line add up
# the lanes. Most tests wait on timers and peers far more than they
# compute (a CI run in two lanes kept two cores 45 % busy), and each
# lab is its own set of namespaces named by PID, so the lanes barely
# slow each other. A script whose header says
# "# run.sh: alone" bounds a time it measures (a failover, a health
# check's reaction, a flood's effect): it waits for the other lanes'
# current tests to end and holds them back until it ends (a lock file
# every test takes: shared, or exclusive for one alone). So that the
# lanes drain once rather than before each of them, the lanes run every
# build's alone scripts first, then the rest.
cd "$(dirname "$0")/.." || exit 1
TESTS=${UVS_TESTS_DIR:-tests}

# closing_line PASS FAIL SKIP CHECKS_SKIPPED WHY [SCRIPT...]: the closing
# line (counts first: the lanes below read them), then, loudly, what was
# not tested (whole scripts skipped, named, and skipped checks); its
# status says whether the run passes.
closing_line() {
	local p=$1 f=$2 s=$3 cs=$4 why=$5 note='' names
	shift 5
	if [ $# -gt 0 ]; then
		names="$*"
		[ $# -le 4 ] || names="${*:1:4} ..."
		note=" -- NOT TESTED: $# END-TO-END SCRIPTS SKIPPED ($names; ${why:-see above})"
		if [ "${ALLOW_SKIP:-}" = 1 ]; then
			note="$note, accepted (ALLOW_SKIP=1)"
		else
			note="$note: this run fails; ALLOW_SKIP=1 accepts it"
		fi
	fi
	[ "$cs" = 0 ] || note="$note -- $cs checks skipped (see above)"
	echo "$p passed, $f failed, $s skipped$note"
	[ "$f" = 0 ] || return 1
	[ $# = 0 ] || [ "${ALLOW_SKIP:-}" = 1 ]
}
# sum_counts LOG...: each build's counts (its suites' summed over the
# lanes), and the closing line for them all
sum_counts() {
	local log b p f s cs why names tp=0 tf=0 ts=0 tcs=0 twhy='' all=()
	local -A bp bf bs
	local order=()
	for log in "$@"; do
		b=$(sed -n '1s/^=== suite on //p' "$log")
		[ -n "${bp[$b]+x}" ] || { order+=("$b"); bp[$b]=0 bf[$b]=0 bs[$b]=0; }
		if ! { read -r p f s cs; read -r why; read -r names; } \
			<"${log%.log}.sum"; then
			echo "=== $b: a suite ended without its counts (see above): counted as a failure"
			p=0 f=1 s=0 cs=0 why='' names=''
		fi
		bp[$b]=$((bp[$b] + p)); bf[$b]=$((bf[$b] + f)); bs[$b]=$((bs[$b] + s))
		tp=$((tp + p)); tf=$((tf + f)); ts=$((ts + s)); tcs=$((tcs + cs))
		[ -n "$twhy" ] || twhy=$why
		# shellcheck disable=SC2206  # names are script names, no blanks
		all+=($names)
	done
	for b in "${order[@]}"; do
		echo "=== $b: ${bp[$b]} passed, ${bf[$b]} failed, ${bs[$b]} skipped"
	done
	closing_line "$tp" "$tf" "$ts" "$tcs" "$twhy" "${all[@]}"
}
# suite_on BUILD FIRST SUM [PHASE]: one build's tests in this lane (those
# no other lane took first; with PHASE, only the scripts that run alone,
# or only the others), its counts in the file SUM
suite_on() {
	local repeat=
	[ "$1" = "$2" ] || repeat=$2
	echo "=== suite on $1"
	UVS_LANE=1 UVS_SUMMARY=$3 UVS_PHASE=${4:-} UVS_SUITE_REPEAT=$repeat \
		"$0" "$1"
}
# lane N FIRST BUILD...: every build's suite in turn, each in its log
# ($work/N.K.log, K counting the suites). With several lanes, first
# every build's scripts that run alone, then the rest: the lanes drain
# once for the lot, not before each one alone.
lane() {
	local n=$1 first=$2 b k=0 phase phases=
	shift 2
	[ "$lanes" = 1 ] || phases="alone shared"
	for phase in ${phases:-all}; do
		for b in "$@"; do
			if [ "$n" = 0 ]; then
				suite_on "$b" "$first" "$work/$n.$k.sum" "${phases:+$phase}" |
					tee "$work/$n.$k.log"
			else
				suite_on "$b" "$first" "$work/$n.$k.sum" "${phases:+$phase}" \
					>"$work/$n.$k.log" 2>&1
			fi
			k=$((k + 1))
		done
	done
}

lanes=${UVS_LANES:-3}
[ "${UVS_PARALLEL:-1}" = 1 ] || lanes=1
if [ -z "${UVS_LANE:-}" ] && { [ $# -gt 1 ] || [ "$lanes" -gt 1 ]; }; then
	[ $# -gt 0 ] || set -- "${B:-build}"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	if [ "$lanes" -gt 1 ]; then
		export UVS_RUN_LOCK=$work/lock UVS_CLAIMS=$work/claims
		mkdir "$UVS_CLAIMS"
	fi
	pids=()
	for ((n = 1; n < lanes; n++)); do
		lane "$n" "$1" "$@" &
		pids+=($!)
	done
	lane 0 "$1" "$@"
	wait "${pids[@]}"
	logs=()
	for ((n = 0; n < lanes; n++)); do
		for log in "$work/$n".*.log; do
			[ "$n" = 0 ] || cat "$log"
			logs+=("$log")
		done
	done
	sum_counts "${logs[@]}"
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
# took NAME SECONDS WAITED: the time a test ran, so a slow suite shows
# where its minutes go (the slowest are listed again at the end), and
# how long it waited for its turn beside the other lanes (test_lock).
times=$(mktemp)
trap 'rm -f "$times"' EXIT
# claim NAME: is this lane the first to take NAME of this build? (Lanes
# share the builds' tests: each goes to the lane that asks for it first.)
claim() {
	[ -n "${UVS_CLAIMS:-}" ] || return 0
	local run="$B:$SELECT"
	mkdir "$UVS_CLAIMS/${run//\//_}.$1" 2>/dev/null
}
took() {
	local w=
	[ "${3:-0}" = 0 ] || w=", waited $3 s"
	echo "   ($1: $2 s$w)"
	echo "$2 $1" >>"$times"
}
# test_lock alone|shared: a test's turn beside the other lanes (see the
# header); a no-op when one lane runs. The gate makes it fair: a test
# that must run alone holds it while it waits, so no new test of the
# other lane starts meanwhile. The test itself never inherits the
# descriptors, so nothing it leaves behind can hold the lock.
test_lock() {
	[ -n "${UVS_RUN_LOCK:-}" ] || return 0
	exec 8>>"$UVS_RUN_LOCK.gate" 9>>"$UVS_RUN_LOCK"
	flock 8
	if [ "$1" = alone ]; then flock 9; else flock -s 9; fi
	flock -u 8
}
test_unlock() {
	[ -n "${UVS_RUN_LOCK:-}" ] || return 0
	exec 8>&- 9>&-
}
pass=0 fail=0 skip=0
skipped_e2e=() skipped_checks=0 skip_why=
E2E_TIMEOUT=${E2E_TIMEOUT:-300}

# UVS_PHASE (from the lanes above): alone runs only the scripts marked
# alone, shared everything else
PHASE=${UVS_PHASE:-}
# every tests/unit/test_X.c has its binary: a missing one tests nothing
for src in "$TESTS"/unit/test_*.c; do
	[ -e "$src" ] || continue
	[ "$PHASE" != alone ] || break
	claim "$(basename "$src" .c).c" || continue
	t=$B/$(basename "$src" .c)
	selected "$(basename "$src" .c | sed 's/^test_//')" || continue
	if [ ! -x "$t" ]; then
		echo "== unit: $(basename "$t"): not built (make unit): counted as a failure"
		fail=$((fail + 1))
	fi
done

for t in "$B"/test_*; do
	[ -x "$t" ] || continue
	[ "$PHASE" != alone ] || break
	n=$(basename "$t"); selected "${n#test_}" || continue
	claim "$n" || continue
	echo "== unit: $n"
	t0=$SECONDS
	test_lock shared
	t1=$SECONDS
	out=$("$t" 2>&1 8>&- 9>&-); rc=$?
	test_unlock
	took "$n" $((SECONDS - t1)) $((t1 - t0))
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
	mode=shared
	grep -q '^# run.sh: alone' "$t" && mode=alone
	[ -z "$PHASE" ] || [ "$PHASE" = "$mode" ] || continue
	if [ -n "${UVS_SUITE_REPEAT:-}" ] &&
		grep -q '^# run.sh: once per suite' "$t"; then
		claim "$(basename "$t")" &&
			echo "== e2e: $(basename "$t"): once per suite, run with $UVS_SUITE_REPEAT"
		continue
	fi
	claim "$(basename "$t")" || continue
	echo "== e2e: $(basename "$t")"
	to=$(sed -n 's/^# run\.sh: timeout \([0-9][0-9]*\)$/\1/p' "$t" | head -1)
	[ "${to:-0}" -gt "$E2E_TIMEOUT" ] || to=$E2E_TIMEOUT
	t0=$SECONDS
	test_lock "$mode"
	t1=$SECONDS
	out=$(timeout "$to" bash "$t" 2>&1 8>&- 9>&-); rc=$?
	test_unlock
	echo "$out" | sed 's/^/   /'
	took "$(basename "$t" .sh)" $((SECONDS - t1)) $((t1 - t0))
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

[ -z "${UVS_SUMMARY:-}" ] ||
	printf '%s %s %s %s\n%s\n%s\n' "$pass" "$fail" "$skip" \
		"$skipped_checks" "$skip_why" "${skipped_e2e[*]}" >"$UVS_SUMMARY"
closing_line "$pass" "$fail" "$skip" "$skipped_checks" "$skip_why" \
	"${skipped_e2e[@]}"
