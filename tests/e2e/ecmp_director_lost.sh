#!/bin/bash
# Scale-out on ECMP: a director lost without a word (its link goes down,
# as a dead machine or cable would), not withdrawn. The router keeps
# sending a third of the flows into the void until its BGP hold timer
# (3 s, the smallest bird2 takes) expires, then drops the next hop; the
# clients' retransmissions reach another director, which with mh and
# --sloppy-tcp picks the real server that holds the connection. 150 held
# keep-alive connections make their second request just after the link
# went down and are given 15 s to be answered: none may break.
#
# In the lab the router's L4 hash of a forwarded packet is the hash the
# client's kernel gave it (veth keeps skb->hash, and the router's
# fib_multipath_hash takes an L4 hash it finds), and Linux draws a new
# one for a socket after a retransmission timeout. So a flow whose
# packets were lost comes back by another director without any route
# change: the second part shows it (the bridge drops the VIP's traffic
# to d1 for 1.5 s, its BGP session untouched, as when a director's
# forwarding stalls) and that mh keeps those flows as well. A Linux host that
# holds the multipath route itself does the same; a router that hashes
# the headers (or a NIC's RSS hash) does not.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/ecmp.sh"
ecmp_test_start

N=150
now_ms() { date +%s%3N; }
ecmp_up 3 3 || exit 1
for i in 1 2 3; do ecmp_director "$i" mh || exit 1; done
ecmp_wait_nexthops 3 || exit 1
ecmp_hold lost "$N" 10000 15 || exit 1
ecmp_snapshot lost before
d3=$(awk '$1 == "d3"' "$LAB_DIR/lost.before" | wc -l)

t0=$(now_ms)
ip -n "$(lab_ns br)" link set p-d3 down
touch "$LAB_DIR/lost.go"
ecmp_wait_nexthops 2 10 || exit 1
gone=$(($(now_ms) - t0))
ecmp_hold_go lost
answered=$(($(now_ms) - t0))
ecmp_snapshot lost after
echo "# d3's link down: the router dropped its next hop after $gone ms;" \
	"the client had every answer (or gave up) after $answered ms"
echo "# moved by the router: $(ecmp_moves lost | tr '\n' ' ')(total $(ecmp_moved lost))"

t_check "all $N connections were open and answered before ($(ecmp_answered lost before)), $d3 of them through d3" \
	[ "$(ecmp_answered lost before)" = "$N" -a "$d3" -gt 0 ]
# the hold timer (3 s) and bird's 1 s keepalive tick bound it
t_check "the router dropped the lost director within the hold time and a margin ($gone ms)" \
	[ "$gone" -le 6000 ]
t_check "every connection d3 carried went on through another director ($(ecmp_went_on lost d3))" \
	[ "$(ecmp_went_on lost d3)" = "$d3" ]
t_check "no held connection broke ($(ecmp_broken lost) of $N; $(ecmp_answered lost after) answered)" \
	[ "$(ecmp_broken lost)" = 0 -a "$(ecmp_answered lost after)" = "$N" ]

# part 2: the VIP's traffic to d1 dropped for 1.5 s, BGP untouched
ecmp_stop_all || exit 1
ip -n "$(lab_ns br)" link set p-d3 up
for i in 1 2 3; do ecmp_director "$i" mh || exit 1; done
ecmp_wait_nexthops 3 || exit 1
ecmp_hold rto "$N" 11000 15 || exit 1
ecmp_snapshot rto before
d1=$(awk '$1 == "d1"' "$LAB_DIR/rto.before" | wc -l)
lab_exec br nft -f - <<EOT || exit 1
table bridge ecmp_stall {
	chain stall {
		type filter hook forward priority 0;
		oifname "p-d1" ip daddr $ECMP_VIP counter drop
	}
}
EOT
touch "$LAB_DIR/rto.go"
sleep 1.5
dropped=$(lab_exec br nft list table bridge ecmp_stall | grep -oE 'packets [0-9]+' | awk '{ print $2 }')
lab_exec br nft delete table bridge ecmp_stall
hops=$(ecmp_nexthops | grep -c .)
ecmp_hold_go rto
ecmp_snapshot rto after
echo "# VIP traffic to d1 dropped for 1.5 s ($dropped packets), the route kept its $hops next hops; moved:" \
	"$(ecmp_moves rto | tr '\n' ' ')(total $(ecmp_moved rto))"
t_check "the router kept all three next hops ($hops), and packets to d1 were lost (${dropped:-none})" \
	[ "$hops" = 3 -a "${dropped:-0}" -gt 0 ]
t_check "flows that timed out came back by other directors ($(ecmp_went_on rto d1) of d1's $d1)" \
	[ "$(ecmp_went_on rto d1)" -gt 0 ]
t_check "no held connection broke ($(ecmp_broken rto) of $N; $(ecmp_answered rto after) answered)" \
	[ "$(ecmp_broken rto)" = 0 -a "$(ecmp_answered rto after)" = "$N" ]
t_done
