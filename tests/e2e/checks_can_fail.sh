#!/bin/bash
# The checks themselves can fail. The lab's check helpers (tests/lab/
# lab.sh), fed a missing or empty input, no command or a failed one,
# report a failure, never a pass; lab.sh's arping reader turns either
# flavour's output into the same lower-case MACs and a run that never
# happened into a failure; and tests/run.sh, given made-up suites (a script
# that checks nothing, a skip, a unit test never built), counts them as
# failures or skips and fails the run. No root and no namespaces needed:
# a non-root run has this much. tests/e2e/mutants_fail.sh does the same to
# real end-to-end tests.
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lab.sh
trap 'rm -rf "$LAB_DIR"' EXIT
T=$LAB_DIR

# outcome CMD...: what a reporting helper said, in a subshell so its
# T_FAILED stays there: "ok", "not ok", "skip" or "nothing".
outcome() {
	local out
	out=$("$@")
	case $out in
	"not ok - "*) echo "not ok" ;;
	"ok - "*" # SKIP "*) echo skip ;;
	"ok - "*) echo ok ;;
	*) echo nothing ;;
	esac
}
# says WANT CMD...: the helper CMD reports WANT.
says() { local want=$1; shift; [ "$(outcome "$@")" = "$want" ]; }

# --- the reporting helpers --------------------------------------------------
: >"$T/empty"
printf 'TCP  198.18.0.10:80 rr\n  -> 198.18.0.11:80 Route 1 0 0\n' >"$T/list"
t_check "t_absent fails on a missing file" says "not ok" t_absent x 'rs3' "$T/nosuch"
t_check "t_absent fails on an empty file (a listing that failed)" says "not ok" t_absent x 'rs3' "$T/empty"
t_check "t_absent fails with no file at all" says "not ok" t_absent x 'rs3'
t_check "t_absent fails when one of its files is missing" says "not ok" t_absent x 'rs3' "$T/list" "$T/nosuch"
t_check "t_absent fails on a matching line" says "not ok" t_absent x '198.18.0.11:80' "$T/list"
t_check "t_absent passes on a listing without the line (control)" says ok t_absent x '198.18.0.13:80' "$T/list"
t_check "t_check fails with no command" says "not ok" t_check x
t_check "t_check fails on a failed command" says "not ok" t_check x false
t_check "t_check passes on a command that worked (control)" says ok t_check x true
t_check "t_skip is a skip, not a pass" says skip t_skip x "no such tool"
t_check "all fails on a trailing --and" not all true --and
t_check "all fails on a doubled --and" not all true --and --and true
t_check "all fails when a later command fails" not all true --and false
t_check "all passes when every command does (control)" all true --and true
t_check "not fails with no command" not not
t_check "out_lacks fails when its command failed" not out_lacks 'x' false
t_check "out_lacks fails on a matching line" not out_lacks 'rs3' echo "-> rs3"
t_check "out_lacks passes on output without the line (control)" out_lacks 'rs3' echo "-> rs1"
t_check "prints_nothing fails when its command failed" not prints_nothing false
t_check "prints_nothing fails on output" not prints_nothing echo x
t_check "same fails on a missing file" not same "$T/nosuch" "$T/nosuch" 2>/dev/null
t_check "same fails on two empty inputs" not same "$T/empty" "$T/empty"
t_check "same fails on two failed commands" not same <(false) <(false)
t_check "same fails on different bytes" not same "$T/list" <(head -1 "$T/list")
t_check "same passes on the same bytes (control)" same "$T/list" <(cat "$T/list")

# --- arping, both flavours --------------------------------------------------
iputils_reply='ARPING 198.18.0.10 from 198.18.0.100 eth0
Unicast reply from 198.18.0.10 [3A:45:FC:3E:41:22]  0.563ms
Unicast reply from 198.18.0.10 [0E:7F:C0:19:27:5E]  0.586ms
Unicast reply from 198.18.0.10 [3A:45:FC:3E:41:22]  0.576ms
Sent 2 probes (2 broadcast(s))
Received 3 response(s)'
iputils_none='ARPING 198.18.0.50 from 198.18.0.100 eth0
Sent 2 probes (2 broadcast(s))
Received 0 response(s)'
habets_reply='ARPING 198.18.0.10
42 bytes from 3a:45:fc:3e:41:22 (198.18.0.10): index=0 time=17.183 usec
42 bytes from 0e:7f:c0:19:27:5e (198.18.0.10): index=1 time=58.291 usec
42 bytes from 3a:45:fc:3e:41:22 (198.18.0.10): index=2 time=7.725 usec

--- 198.18.0.10 statistics ---
2 packets transmitted, 3 packets received,   0% unanswered (1 extra)'
habets_none='ARPING 198.18.0.50
Timeout
Timeout

--- 198.18.0.50 statistics ---
2 packets transmitted, 0 packets received, 100% unanswered (0 extra)'
want=$(printf '3a:45:fc:3e:41:22\n0e:7f:c0:19:27:5e\n3a:45:fc:3e:41:22')
t_check "iputils: every reply, MACs in lower case" \
	[ "$(arping_parse iputils 2 <<<"$iputils_reply")" = "$want" ]
t_check "Habets: the same lines" \
	[ "$(arping_parse habets 2 <<<"$habets_reply")" = "$want" ]
for f in iputils habets; do
	eval "none=\$${f}_none"
	t_check "$f: no reply is no line, and success" \
		prints_nothing arping_parse "$f" 2 <<<"$none"
	got=$(arping_parse "$f" 2 </dev/null); rc=$?
	t_check "$f: no output at all (arping never ran) is a failure, not silence ($got)" \
		[ "$rc" = 1 -a -n "$got" ]
	got=$(arping_parse "$f" 3 <<<"$none"); rc=$?
	t_check "$f: fewer requests sent than asked is a failure ($got)" \
		[ "$rc" = 1 -a -n "$got" ]
done
got=$(arping_parse iputils 2 <<<"$habets_reply"); rc=$?
t_check "one flavour's output read as the other's is a failure" [ "$rc" = 1 -a -n "$got" ]
mkdir "$T/bin"
printf '#!/bin/sh\necho "arping: unknown option"\nexit 2\n' >"$T/bin/arping"
chmod +x "$T/bin/arping"
got=$(PATH=$T/bin:$PATH lab_arping_from nowhere 198.18.0.10); rc=$?
t_check "an arping of neither flavour fails lab_arping, and says so ($got)" \
	all [ "$rc" = 1 ] --and grep -q '^arping failed: ' <<<"$got"
t_check "the same, as the checks use it: not equal to 'no MAC'" not [ -z "$got" ]

# --- lab_down's sanitizer check ----------------------------------------------
# san_in TEXT: lab_sanitizer_check on a lab directory whose log holds TEXT
san_in() {
	local LAB_DIR=$T/san
	rm -rf "$LAB_DIR"; mkdir -p "$LAB_DIR"
	printf '%s\n' "uvsd: serving" "$1" >"$LAB_DIR/uvsd.log"
	lab_sanitizer_check
}
t_check "lab_down fails a test whose uvsd log holds a UBSan report" \
	says "not ok" san_in "fwd/data/ring.c:80:9: runtime error: load of misaligned address"
t_check "... or a LeakSanitizer one" \
	says "not ok" san_in "==42==ERROR: LeakSanitizer: detected memory leaks"
t_check "... and says nothing for a clean log" \
	says nothing san_in "uvsd: stopped"

# --- tests/run.sh on made-up suites ------------------------------------------
# runsh [VAR=VALUE...] BUILD...: tests/run.sh afresh, not as a lane of
# the run.sh running this script (whose lock and lanes it would share)
runsh() {
	local vars=()
	while [[ $1 == *=* ]]; do vars+=("$1"); shift; done
	env -u UVS_SUITE_REPEAT -u UVS_RUN_LOCK -u UVS_CLAIMS -u UVS_LANE \
		-u UVS_SUMMARY "${vars[@]}" tests/run.sh "$@"
}
# suite NAME: an empty suite (tests/unit, tests/e2e, a build dir) in $T/NAME
suite() { mkdir -p "$T/$1/tests/unit" "$T/$1/tests/e2e" "$T/$1/build"; }
# e2e NAME SCRIPT BODY: a made-up end-to-end script
e2e() { printf '%s\n' "$3" >"$T/$1/tests/e2e/$2.sh"; }
# run NAME [VAR=VALUE...]: tests/run.sh on it; its closing line in $T/NAME.last
run() {
	local name=$1 rc
	shift
	runsh "$@" UVS_TESTS_DIR="$T/$name/tests" "$T/$name/build" \
		>"$T/$name.out" 2>&1
	rc=$?
	tail -1 "$T/$name.out" >"$T/$name.last"
	return $rc
}
closing() { cat "$T/$1.last"; }

suite good
e2e good a 'echo "ok - one"; echo "ok - two"'
run good ALLOW_SKIP=; rc=$?
t_check "run.sh: a suite of two passing checks passes ($(closing good))" \
	all [ "$rc" = 0 ] --and grep -q '^2 passed, 0 failed, 0 skipped$' "$T/good.last"

suite quiet
e2e quiet a 'exit 0'
run quiet; rc=$?
t_check "run.sh: a script that exits 0 without a check is a failure ($(closing quiet))" \
	all [ "$rc" = 1 ] --and grep -q '^0 passed, 1 failed' "$T/quiet.last"

suite liar
e2e liar a 'echo "ok - fine"; exit 3'
run liar; rc=$?
t_check "run.sh: a script that exits non-zero with only ok lines is a failure ($(closing liar))" \
	all [ "$rc" = 1 ] --and grep -q '^1 passed, 1 failed' "$T/liar.last"

suite skip
e2e skip a 'echo "SKIP: a needs root"; exit 77'
e2e skip b 'echo "ok - b"'
run skip ALLOW_SKIP=; rc=$?
t_check "run.sh: a skipped script fails the run ($(closing skip))" \
	all [ "$rc" = 1 ] --and grep -q '^1 passed, 0 failed, 1 skipped -- NOT TESTED: 1 END-TO-END SCRIPTS SKIPPED (a; a needs root)' "$T/skip.last"
run skip ALLOW_SKIP=1; rc=$?
t_check "run.sh: ALLOW_SKIP=1 accepts it, and still says so ($(closing skip))" \
	all [ "$rc" = 0 ] --and grep -q 'NOT TESTED: .*accepted (ALLOW_SKIP=1)' "$T/skip.last"

suite checkskip
e2e checkskip a 'echo "ok - a # SKIP no such tool"; echo "ok - b"'
run checkskip ALLOW_SKIP=; rc=$?
t_check "run.sh: a check with TAP's SKIP directive is a skip, not a pass ($(closing checkskip))" \
	all [ "$rc" = 0 ] --and grep -q '^1 passed, 0 failed, 1 skipped -- 1 checks skipped' "$T/checkskip.last"

suite unbuilt
: >"$T/unbuilt/tests/unit/test_thing.c"
e2e unbuilt a 'echo "ok - a"'
run unbuilt; rc=$?
t_check "run.sh: a unit test source without its binary is a failure ($(closing unbuilt))" \
	all [ "$rc" = 1 ] --and grep -q '^1 passed, 1 failed' "$T/unbuilt.last"

suite unitskip
: >"$T/unitskip/tests/unit/test_thing.c"
printf '#!/bin/sh\necho "[  PASSED  ] 0 test(s)."\necho "[  SKIPPED ] 1 test(s), listed below:"\necho "[  SKIPPED ] thing"\n' \
	>"$T/unitskip/build/test_thing"
chmod +x "$T/unitskip/build/test_thing"
run unitskip; rc=$?
t_check "run.sh: a cmocka skip is counted as skipped ($(closing unitskip))" \
	grep -q '^0 passed, 0 failed, 1 skipped' "$T/unitskip.last"
printf '#!/bin/sh\nexit 0\n' >"$T/unitskip/build/test_thing"
run unitskip; rc=$?
t_check "run.sh: a unit binary that runs no test is a failure ($(closing unitskip))" \
	all [ "$rc" = 1 ] --and grep -q '^0 passed, 1 failed' "$T/unitskip.last"

suite slow
e2e slow a '# run.sh: timeout 10
sleep 2; echo "ok - a"'
e2e slow b 'sleep 2; echo "ok - b"'
run slow E2E_TIMEOUT=1; rc=$?
t_check "run.sh: a script's own timeout line outlasts E2E_TIMEOUT, the others are cut ($(closing slow))" \
	all [ "$rc" = 1 ] --and grep -q '^1 passed, 1 failed' "$T/slow.last"

suite twice
e2e twice a 'echo "ok - a"'
e2e twice once '# run.sh: once per suite
echo "ok - once"'
cp -r "$T/twice/build" "$T/twice/build2"
runsh UVS_TESTS_DIR="$T/twice/tests" \
	"$T/twice/build" "$T/twice/build2" >"$T/twice.out" 2>&1
rc=$?
t_check "run.sh: a once-per-suite script runs with the first build only ($(tail -1 "$T/twice.out"))" \
	all [ "$rc" = 0 ] --and grep -q '^3 passed, 0 failed, 0 skipped$' <(tail -1 "$T/twice.out")

# Lanes share a build's tests: each runs exactly once, whichever lane
# takes it, and the counts add up; with UVS_PARALLEL=0 no two overlap
# (the negative control of the overlap: with three lanes some do).
# lanes VAR=VALUE...: run.sh with those on six made-up scripts, each
# noting itself while it runs; prints how many ran, how many ran more
# than once, and the most that ran at one time
lanes() {
	local d=$T/lanes.run x
	rm -rf "$T/lanes" "$d"; mkdir -p "$d"
	suite lanes
	for x in a b c d e f; do
		e2e lanes $x "echo $x >>$d/ran; mkdir $d/$x.\$\$; sleep 0.5
echo \$(ls -d $d/*.* | wc -l) >>$d/most; rmdir $d/$x.\$\$; echo 'ok - $x'"
	done
	runsh "$@" UVS_TESTS_DIR="$T/lanes/tests" "$T/lanes/build" \
		>"$T/lanes.out" 2>&1
	echo "$(sort -u "$d/ran" | wc -l) $(sort "$d/ran" | uniq -d | wc -l) $(sort -n "$d/most" | tail -1)"
}
read -r ran twice most < <(lanes UVS_LANES=3)
t_check "run.sh: three lanes ran each of six scripts once ($ran ran, $twice twice; $(tail -1 "$T/lanes.out"))" \
	all [ "$ran" = 6 ] --and [ "$twice" = 0 ] \
	--and grep -q '^6 passed, 0 failed, 0 skipped$' <(tail -1 "$T/lanes.out")
t_check "run.sh: ... side by side (at most $most at once)" [ "${most:-0}" -ge 2 ]
read -r ran twice most < <(lanes UVS_PARALLEL=0)
t_check "run.sh: UVS_PARALLEL=0 runs them one at a time ($ran ran, at most $most at once)" \
	all [ "$ran" = 6 ] --and [ "$twice" = 0 ] --and [ "$most" = 1 ] \
	--and grep -q '^6 passed, 0 failed, 0 skipped$' <(tail -1 "$T/lanes.out")

# Two builds run side by side; a script marked alone never overlaps a
# test of another lane. Each script notes itself in a directory while
# it runs; the alone one fails if it sees another there. The same suite
# without the mark must fail that way (the lanes start together).
# pair MARK: the made-up suite, a header line MARK on script a
pair() {
	local d=$T/pair.run
	rm -rf "$T/pair" "$d"; mkdir -p "$d"
	suite pair
	cp -r "$T/pair/build" "$T/pair/build2"
	e2e pair a "$1
touch $d/a.\$\$; sleep 1; n=\$(ls $d | wc -l); sleep 1; rm -f $d/a.\$\$
[ \"\$n\" = 1 ] && echo 'ok - a ran alone' || echo \"not ok - a saw \$n running\""
	for x in b c; do
		e2e pair $x "touch $d/$x.\$\$; sleep 1.5; rm -f $d/$x.\$\$; echo 'ok - $x'"
	done
	runsh UVS_TESTS_DIR="$T/pair/tests" \
		"$T/pair/build" "$T/pair/build2" >"$T/pair.out" 2>&1
}
pair '# run.sh: alone'; rc=$?
t_check "run.sh: a script marked alone runs while the other lanes wait ($(tail -1 "$T/pair.out"))" \
	all [ "$rc" = 0 ] --and grep -q '^6 passed, 0 failed, 0 skipped$' <(tail -1 "$T/pair.out")
pair '# an unmarked script'; rc=$?
t_check "run.sh: unmarked, the same script overlaps another lane's ($(tail -1 "$T/pair.out"))" \
	all [ "$rc" = 1 ] --and grep -qE 'not ok - a saw [2-9] running' "$T/pair.out"
t_done
