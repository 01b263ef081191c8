#!/bin/bash
# The end-to-end tests that exercise the packet path, run again with the
# other ways of running uvsd (every other test uses the default: the
# TPACKET_V2 ring, one worker): the first, read-one-frame-at-a-time socket
# backend, the TPACKET_V3 block ring, two ring workers joined by
# PACKET_FANOUT (a flow, and a client's persistence, must stay on one
# real server whichever worker sees it), and the AF_XDP backend in its
# one worker (backend_xdp.sh tests what is its own). Each run's checks
# are reported under its name. Each run is bounded by 300 s; the whole,
# some 32 runs, by this:
# run.sh: timeout 2000
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lab.sh
t_need_root
rm -rf "$LAB_DIR"
# the skeleton's packet-path tests (with -j each worker has its own
# slice and its own rr position: workers_load.sh tests what holds there)
SKELETON="dr_rr_spreads keepalive_sticks arp_only_director direct_return udp_service bulk_offload del_dest_stops_new malformed_frames"
VARIANTS=("--backend socket" "--backend ring-v3" "-j 2" "--backend xdp")
# On the sanitizer pass (run.sh's second build) each backend runs the
# three that reach all of its code: frames in and out, offloaded 20 MB
# each way, and bad frames; -j 2 is left to the workers_* scripts,
# which run there (and under TSan). The first pass runs everything.
if [ -n "${UVS_SUITE_REPEAT:-}" ]; then
	SKELETON="dr_rr_spreads bulk_offload malformed_frames"
	VARIANTS=("--backend socket" "--backend ring-v3" "--backend xdp")
fi
for variant in "${VARIANTS[@]}"; do
	tests=$SKELETON
	for t in $tests; do
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
