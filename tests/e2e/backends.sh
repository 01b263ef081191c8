#!/bin/bash
# The end-to-end tests that exercise the packet path, run again with the
# other way of running uvsd (every other test uses the default: the ring
# backend, one thread): the first, read-one-frame-at-a-time socket
# backend. Each run's checks are reported under its name.
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lab.sh
t_need_root
rm -rf "$LAB_DIR"
CORE="dr_rr_spreads bulk_offload udp_service keepalive_sticks persistence malformed_frames conn_table_rules"
for variant in "--backend socket"; do
	for t in $CORE; do
		out=$(UVSD_ARGS="$variant" LAB_P="uvsb$$" timeout 300 bash "tests/e2e/$t.sh" 2>&1)
		rc=$?
		n=$(grep -c '^ok - ' <<<"$out")
		bad=$(grep '^not ok - ' <<<"$out")
		if [ "$rc" = 0 ] && [ -z "$bad" ] && [ "$n" -gt 0 ]; then
			t_ok "[$variant] $t: $n checks"
		else
			t_fail "[$variant] $t (exit $rc): ${bad:-$(tail -3 <<<"$out")}"
		fi
	done
done
t_done
