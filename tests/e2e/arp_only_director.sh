#!/bin/bash
# ARP: the VIP is answered only with the director's MAC. Negative control
# in the same lab: a real server that holds the VIP without ARP
# suppression does answer, so this check can fail.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_service rr || exit 1
dmac=$(lab_mac d)
rs1mac=$(lab_mac rs1)

got=$(lab_arping "$VIP" 3)
t_check "arping $VIP is answered by the director's MAC $dmac" [ "$got" = "$dmac" ]
t_check "uvsd counted the ARP replies" [ "$(lab_counter arp_replies)" -ge 3 ]
got=$(lab_arping 198.18.0.50 2)
t_check "uvsd does not answer for an address that is no VIP" [ -z "$got" ]

# the real server's own address still resolves normally
got=$(lab_arping "$(rs_ip 1)" 2)
t_check "rs1's own address resolves to rs1's MAC" [ "$got" = "$rs1mac" ]

# negative control: undo uvs-rs on rs1, keep the VIP on lo by hand
lab_exec rs1 "$B/uvs-rs" --state "$LAB_DIR/rs1.state" down "$VIP" >/dev/null
lab_exec rs1 ip addr add "$VIP/32" dev lo
got=$(lab_arping "$VIP" 3)
t_check "with ARP suppression undone, rs1 answers for the VIP too" grep -qx "$rs1mac" <<<"$got"
t_done
