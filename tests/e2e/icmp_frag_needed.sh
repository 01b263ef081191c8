#!/bin/bash
# ICMP errors for a flow: a far client behind a router whose last link
# carries 1200 bytes downloads 300 KB from the VIP. The real server's
# 1500-byte segments do not fit; the router answers "fragmentation
# needed" (ICMP 3/4) to their source, the VIP, so the error reaches the
# director. uvsd hands it to the real server that owns the flow (as IPVS's
# ip_vs_in_icmp: the quoted reply VIP:80 -> client:port is the flow's
# reverse key); that server's route cache learns mtu 1200 and the download
# completes. Negative controls: an error quoting no flow uvsd holds, and
# an echo request, are dropped and counted, and teach no real server.
#
#  far client 198.19.0.100 ── (mtu 1200) ── router 198.18.0.1 ── br0 ── director, rs1..3
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_service rr || exit 1
FAR_IP=198.19.0.100
ROUTER_IP=198.18.0.1
lab_host r "$ROUTER_IP"
ip netns add "$(lab_ns f)"
ip -n "$(lab_ns f)" link set lo up
ip -n "$(lab_ns r)" link add eth1 type veth peer name eth0 netns "$(lab_ns f)"
ip -n "$(lab_ns r)" addr add 198.19.0.1/24 dev eth1
# the narrow link: the router sends at most 1200 bytes towards the client,
# the client itself has 1500 (so it offers a 1460-byte MSS)
ip -n "$(lab_ns r)" link set eth1 mtu 1200 up
ip -n "$(lab_ns f)" addr add "$FAR_IP/24" dev eth0
ip -n "$(lab_ns f)" link set eth0 up
ip -n "$(lab_ns f)" route add default via 198.19.0.1
lab_exec r sysctl -qw net.ipv4.ip_forward=1
for i in 1 2 3; do
	ip -n "$(lab_ns "rs$i")" route add 198.19.0.0/24 via "$ROUTER_IP"
done

counter_delta() {
	local b a
	b=$(awk -v k="$1" '$1 == k { print $2 }' "$LAB_DIR/before")
	a=$(awk -v k="$1" '$1 == k { print $2 }' "$LAB_DIR/after")
	echo $(( ${a:-0} - ${b:-0} ))
}
# Real servers whose route cache holds "mtu N" towards the far client; a
# real server whose route cannot be read says so (then "none learned" is
# no answer).
learned() {
	local i out
	for i in 1 2 3; do
		if ! out=$(lab_exec "rs$i" ip route get "$FAR_IP"); then
			echo "rs$i:unreadable"
			continue
		fi
		grep -q "mtu $1" <<<"$out" && echo "rs$i"
	done
	return 0
}

SIZE=300000
uvsadm --counters >"$LAB_DIR/before"
lab_exec f curl -s -m 10 -o "$LAB_DIR/blob" "http://$VIP/blob?size=$SIZE"
uvsadm --counters >"$LAB_DIR/after"
got=$(stat -c %s "$LAB_DIR/blob" 2>/dev/null || echo 0)
t_check "the far client's $SIZE-byte download completed ($got bytes)" [ "$got" = "$SIZE" ]
t_check "the router's frag-needed errors were forwarded (icmp_fwd +$(counter_delta icmp_fwd))" \
	[ "$(counter_delta icmp_fwd)" -ge 1 ]
t_check "none was dropped (drop_ip_proto +$(counter_delta drop_ip_proto), drop_icmp_no_conn +$(counter_delta drop_icmp_no_conn))" \
	all [ "$(counter_delta drop_ip_proto)" = 0 ] --and [ "$(counter_delta drop_icmp_no_conn)" = 0 ]
owners=$(learned 1200)
t_check "exactly one real server learned mtu 1200 towards the client (${owners:-none})" \
	[ "$(wc -w <<<"$owners")" = 1 ]
t_check "it is the one that served the download" \
	grep -qs "blob" "$LAB_DIR/${owners:-none}.access.log"
lab_exec "${owners:-rs1}" ip route get "$FAR_IP" | sed 's/^/# /'

# Negative controls: no flow is VIP:80 -> FAR_IP:1; an echo is no error.
uvsadm --counters >"$LAB_DIR/before"
lab_exec r python3 "$LAB_ROOT/tests/lab/icmpsend.py" --dst "$VIP" \
	--qsrc "$VIP" --qsport 80 --qdst "$FAR_IP" --qdport 1 --mtu 1000 >/dev/null
lab_exec r python3 "$LAB_ROOT/tests/lab/icmpsend.py" --dst "$VIP" --type 8 \
	--code 0 --qsrc "$VIP" --qsport 80 --qdst "$FAR_IP" --qdport 1 >/dev/null
sleep 0.3
uvsadm --counters >"$LAB_DIR/after"
t_check "control: an error about no flow is dropped as icmp_no_conn (+$(counter_delta drop_icmp_no_conn))" \
	[ "$(counter_delta drop_icmp_no_conn)" = 1 ]
t_check "control: an echo request is dropped as icmp_type (+$(counter_delta drop_icmp_type))" \
	[ "$(counter_delta drop_icmp_type)" = 1 ]
t_check "control: nothing was forwarded (icmp_fwd +$(counter_delta icmp_fwd))" \
	[ "$(counter_delta icmp_fwd)" = 0 ]
t_check "control: no real server learned mtu 1000 ($(learned 1000))" [ -z "$(learned 1000)" ]
t_done
