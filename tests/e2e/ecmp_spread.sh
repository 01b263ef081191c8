#!/bin/bash
# Scale-out on ECMP (issue 15, part 3a): three directors, each running
# uvsd and a bird2 BGP speaker that announces the VIP/32 with itself as
# next hop; the router (bird2 too) installs one multipath route and
# hashes on L4. 300 connections from one client are spread over the
# three directors, each gets a share, and every flow is created on
# exactly one of them. The router never ARPs for the VIP (it ARPs for
# its next hops), so uvsd serves traffic addressed to its own MAC and
# answers no ARP at all (not even the other directors' gratuitous
# announcements of the VIP). Control: with the router hashing on L3 only
# (fib_multipath_hash_policy=0) one client's flows all go to one director.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/ecmp.sh"
ecmp_test_start

N=300
for f in bird-director.conf bird-router.conf; do
	t_check "the shipped example $f is one bird2 takes (bird -p)" \
		bird -p -c "$LAB_ROOT/packaging/examples/$f"
done
ecmp_up 3 3 || exit 1
for i in 1 2 3; do ecmp_director "$i" mh || exit 1; done
ecmp_wait_nexthops 3 || exit 1

echo "# the router's route to the VIP, learnt by BGP:"
lab_exec r ip -4 route show "$ECMP_VIP/32" | sed 's/^/#   /'
t_check "the router's route to the VIP is bird's, over the three directors" \
	all lab_exec r sh -c "ip -4 route show $ECMP_VIP/32 | grep -q 'proto bird'" \
	--and [ "$(ecmp_nexthops | tr '\n' ' ')" = "$(for i in 1 2 3; do ecmp_dir_ip "$i"; done | tr '\n' ' ')" ]

ecmp_once spread "$N" 10000 || exit 1
echo "# $N connections, new flows per director (conns_new):"
ecmp_per_director spread conns_new | tee "$LAB_DIR/spread.share" | sed 's/^/#   /'
echo "# answered per real server:"
awk '$1 == "conn" { print $4 }' "$LAB_DIR/spread.conns" | sort | uniq -c |
	sed 's/^/#   /'

t_check "all $N connections were answered ($(ecmp_answered spread conn))" \
	[ "$(ecmp_answered spread conn)" = "$N" ]
total=$(awk '{ s += $2 } END { print s + 0 }' "$LAB_DIR/spread.share")
t_check "each flow was created on exactly one director ($total flows in all)" \
	[ "$total" = "$N" ]
# a fair share is 100; 50 is more than five standard deviations below
min=$(awk 'NR == 1 || $2 < m { m = $2 } END { print m + 0 }' "$LAB_DIR/spread.share")
t_check "every director got a share of them (the least: $min)" \
	[ "$(grep -c . "$LAB_DIR/spread.share")" = 3 -a "$min" -ge $((N / 6)) ]
t_check "every real server answered some (mh with mh-port)" \
	[ "$(awk '$1 == "conn" && $4 ~ /^rs/ { print $4 }' "$LAB_DIR/spread.conns" | sort -u | wc -l)" = 3 ]

# each uvsd announces the VIP by a gratuitous ARP request when it loads
# it; the others take no announcement for a question (the kernel does
# not either), so an answer would mean someone asked for the VIP
arp=$(ecmp_per_director spread arp_replies | awk '{ s += $2 } END { print s + 0 }')
ign=$(ecmp_per_director spread arp_ignored | awk '{ s += $2 } END { print s + 0 }')
echo "# ARP: $arp requests answered; $ign ignored (for next hops, and the directors' announcements of the VIP)"
t_check "no director answered ARP: the router asked for its next hops only, the directors' announcements went unanswered" \
	[ "$arp" = 0 -a "$ign" -gt 0 ]
t_check "the router has no neighbour entry for the VIP" \
	out_lacks "^$ECMP_VIP " lab_exec r ip -4 neigh show
# control: L3 hashing puts one client's flows on one director
lab_exec r sysctl -qw net.ipv4.fib_multipath_hash_policy=0
ecmp_per_director l3 conns_new >"$LAB_DIR/l3.before"
ecmp_once l3 60 12000 || exit 1
ecmp_per_director l3 conns_new >"$LAB_DIR/l3.after"
used=$(join "$LAB_DIR/l3.before" "$LAB_DIR/l3.after" |
	awk '$3 > $2 { k++ } END { print k + 0 }')
echo "# control, L3 hash: 60 connections reached $used director(s)"
t_check "control: hashing on L3 only, one client's 60 flows all go to one director" \
	[ "$used" = 1 -a "$(ecmp_answered l3 conn)" = 60 ]

for i in 1 2 3; do
	t_check "uvsd on d$i is still running" kill -0 "$(ecmp_uvsd_pid "$i")"
done
t_done
