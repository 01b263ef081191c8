#!/bin/bash
# Runs the libFuzzer harnesses built in $FUZZ_B (default build-fuzz):
#   tests/fuzz/run.sh SECONDS [NAME...]      (names: parse forward ...)
# For each harness: every input in tests/fuzz/regressions/NAME/ is
# replayed once, then the harness fuzzes for SECONDS from a scratch copy
# of tests/fuzz/corpus/NAME/ (new inputs stay out of the repository),
# without network (unshare -n when it works) and with the dictionary
# tests/fuzz/NAME.dict when there is one. Prints "ok - fuzz_NAME: N
# execs, no crash" (N is libFuzzer's stat::number_of_executed_units) or
# "not ok - ..." with the path of the input that crashed, kept in
# $FUZZ_B/crashes/NAME/. Exits 1 when any harness failed.
cd "$(dirname "$0")/../.." || exit 1
FUZZ_B=${FUZZ_B:-build-fuzz}
secs=${1:-60}
shift
names=${*:-parse forward ipvsargs rules keepalived ctl metrics}
failed=0

# unshare -n needs root (or user namespaces); the harnesses that look
# names up also try to leave the network themselves (tests/fuzz/nonet.h).
nonet=()
if unshare -n true 2>/dev/null; then
	nonet=(unshare -n)
elif unshare -rn true 2>/dev/null; then
	nonet=(unshare -rn)
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/uvs-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT

# replay NAME: every regression input once; 0 when none crashes.
replay() {
	local name=$1 bin=$FUZZ_B/fuzz_$1 dir=tests/fuzz/regressions/$1 n
	n=$(find "$dir" -type f 2>/dev/null | wc -l)
	[ "$n" = 0 ] && return 0
	if find "$dir" -type f -print0 | xargs -0 "${nonet[@]}" "$bin" \
		>"$scratch/$name.replay" 2>&1; then
		echo "ok - fuzz_$name: replays its $n regression input(s) without a crash"
		return 0
	fi
	echo "not ok - fuzz_$name: a regression input crashes again:"
	grep -E '^(==[0-9]+==ERROR|Running: |SUMMARY|fuzz_)' \
		"$scratch/$name.replay" | sed 's/^/    /'
	return 1
}

# fuzz NAME: SECONDS of fuzzing; 0 when nothing crashed.
fuzz() {
	local name=$1 bin=$FUZZ_B/fuzz_$1 corpus=$scratch/corpus-$1
	local crashes=$FUZZ_B/crashes/$1 log=$scratch/$1.log dict=() n rc art
	mkdir -p "$corpus" "$crashes"
	cp -r "tests/fuzz/corpus/$name/." "$corpus/" 2>/dev/null
	[ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
	"${nonet[@]}" "$bin" "${dict[@]}" -max_total_time="$secs" \
		-print_final_stats=1 -timeout=10 -max_len=4096 \
		-artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1
	rc=$?
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	# a harness that ran no input found nothing because it tried nothing
	if [ "$rc" = 0 ] && [ "${n:-0}" -gt 0 ]; then
		echo "ok - fuzz_$name: $n execs in ${secs}s, no crash"
		return 0
	fi
	if [ "$rc" = 0 ]; then
		echo "not ok - fuzz_$name: ran no input in ${secs}s"
		tail -3 "$log" | sed 's/^/    /'
		return 1
	fi
	art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
	echo "not ok - fuzz_$name: crashed after ${n:-?} execs (exit $rc); input: ${art:-none saved}"
	grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_|    #[0-9]+ )' "$log" |
		head -20 | sed 's/^/    /'
	return 1
}

for name in $names; do
	if [ ! -x "$FUZZ_B/fuzz_$name" ]; then
		echo "not ok - fuzz_$name: $FUZZ_B/fuzz_$name is not built"
		failed=1
		continue
	fi
	replay "$name" || failed=1
	fuzz "$name" || failed=1
done
exit "$failed"
