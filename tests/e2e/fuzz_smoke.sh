#!/bin/bash
# A short smoke of the libFuzzer harnesses (tests/fuzz/README.md): they
# build with clang, every input in tests/fuzz/regressions/NAME/ (crashes
# found and fixed) replays without a crash, and each harness fuzzes for
# FUZZ_SMOKE_SECONDS (5) from its seed corpus without finding one.
# `make deps` installs clang; without it (or without libFuzzer's runtime)
# this test says why and skips, rather than pull a compiler in silently.
# `make fuzz` is the long run.
# The harnesses carry their own sanitizers and ignore $B: the suite's
# second run on the sanitizer build would only repeat the same minute, so
# tests/run.sh runs this with the first build only. The harnesses run one
# after the other, on one core, so this need not run alone. make test
# builds them beforehand with every core; the build below then only
# checks they are up to date.
# run.sh: once per suite
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_SMOKE_SECONDS:-5}
names="parse ndp forward ipvsargs rules keepalived ctl metrics"

if ! command -v clang >/dev/null 2>&1; then
	echo "SKIP: fuzz_smoke needs clang (make deps installs it, or apt-get install clang)"
	exit 77
fi
probe=$(mktemp -d "${TMPDIR:-/tmp}/uvs-fuzzprobe.XXXXXX") || exit 1
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
	>"$probe/probe.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe/probe.c" \
	-o "$probe/probe" >"$probe/log" 2>&1; then
	echo "SKIP: clang cannot link libFuzzer here (apt-get install libclang-rt-dev): $(head -1 "$probe/log")"
	exit 77
fi

# ipvsargs, rules and keepalived look host names up: without a network
# namespace of their own they would ask real DNS servers, so they are
# left out then
if ! unshare -n true 2>/dev/null && ! unshare -rn true 2>/dev/null; then
	echo "# no network namespace to fuzz in (not root, no user namespaces): ipvsargs, rules and keepalived left out"
	names="parse ndp forward ctl"
fi

if make -s -j"$(nproc)" fuzz-build >"$probe/build" 2>&1; then
	echo "ok - the fuzz harnesses build with clang (ASan, UBSan) in build-fuzz/"
else
	echo "not ok - the fuzz harnesses build with clang in build-fuzz/:"
	tail -20 "$probe/build" | sed 's/^/    /'
	exit 1
fi
# shellcheck disable=SC2086
FUZZ_B=build-fuzz tests/fuzz/run.sh "$secs" $names
