# Broken on purpose: the classic LVS-DR mistakes, for `make lesson
# BREAK=NAME` and tests/e2e/lesson_break_NAME.sh. Source after lab.sh and
# ladder.sh. Each case is six functions, brk_NAME_*:
#   what      one line: the mistake
#   setup     the lab (client, director, rs1-rs3, service on VIP:80) with it
#   symptom   what a user sees; succeeds when the symptom is there
#   diagnose  the check that should name cause and fix; succeeds when it does
#   fix       the repair
#   works     succeeds when traffic flows again
# break_run NAME drives them and reports each step with t_check. rs1 is the
# host that gets it wrong; lesson_service puts it first in rr's order.

BREAK_NAMES="arp novip announce offload kernelvip novip6 ndp offload6 kernelvip6"
BRK_TRIES=6		# curls per look: two rounds of rr over three servers
BRK_CURL_S=2		# seconds a curl may take

declare -F say >/dev/null || say() { printf '\n# %s\n' "$*"; }

brk_host() {
	case $1 in c) echo client ;; d) echo director ;; *) echo "$1" ;; esac
}

# show HOST CMD...: prints the command as typed at HOST's root prompt, runs
# it there, prints its output indented; keeps the output in BRK_OUT.
show() {
	local h=$1 rc
	shift
	printf '  %s# %s\n' "$(brk_host "$h")" "$*"
	case $1 in
	uvsadm) set -- env UVS_SOCKET="$LAB_SOCK" "$B/uvsadm" "${@:2}" ;;
	uvs-rs | uvsd) set -- "$B/$1" "${@:2}" ;;
	esac
	BRK_OUT=$(lab_exec "$h" "$@" 2>&1)
	rc=$?
	[ -z "$BRK_OUT" ] || sed 's/^/      /' <<<"$BRK_OUT"
	return $rc
}

# brk_curls N [-6]: N curls from the client to the VIP (-6: to [VIP6]),
# each bounded; prints who answered. Sets BRK_OK, BRK_FAILED and BRK_WHO
# (who answered, sorted, unique).
brk_curls() {
	local n=$1 fam=${2:--4} url="http://$VIP/" k out who=()
	[ "$fam" = -6 ] && url="http://[$VIP6]/"
	BRK_OK=0 BRK_FAILED=0
	printf '  client# curl -sS -m %d %s      (%d times)\n' \
		"$BRK_CURL_S" "$url" "$n"
	for k in $(seq "$n"); do
		if out=$(lab_exec c curl "$fam" -sS -m "$BRK_CURL_S" "$url" 2>&1); then
			BRK_OK=$((BRK_OK + 1))
			who+=("$out")
		else
			BRK_FAILED=$((BRK_FAILED + 1))
		fi
		printf '      #%d  %s\n' "$k" "$out"
	done
	BRK_WHO=$(printf '%s\n' "${who[@]}" | sort -u | tr '\n' ' ')
}

# The MAC the client's kernel holds for the VIP (empty when none).
brk_vip_neigh() {
	lab_exec c ip neigh show "$VIP" dev eth0 |
		awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'
}

brk_show_vip_neigh() {
	local mac
	show c ip neigh show "$VIP" dev eth0
	mac=$(brk_vip_neigh)
	[ -z "$mac" ] || echo "      -> the client sends VIP traffic to $(lab_host_of_mac "$mac")"
}

# The client asks who has the VIP; prints each MAC that answered. Fails
# (BRK_MACS then says why) when arping did not run.
brk_arping() {
	local mac
	echo "  client# arping -c 3 $VIP"
	if ! BRK_MACS=$(lab_arping "$VIP" 3); then
		echo "      $BRK_MACS"
		return 1
	fi
	for mac in $BRK_MACS; do
		echo "      reply from $mac ($(lab_host_of_mac "$mac"))"
	done
	[ -n "$BRK_MACS" ] || echo "      no reply"
}

brk_fwd() { lab_counter fwd_frames; }

# brk_lab PRE [UVSD_ARGS...]: three real servers, rs2 and rs3 set up
# right by uvs-rs, rs1 by the function PRE (default: right too), which
# may also change the director before uvsd starts with UVSD_ARGS.
brk_lab() {
	local rs1=$1 i
	shift
	lab_up 3 || return 1
	lesson_fixed_macs
	if [ -n "$rs1" ]; then "$rs1" || return 1; else lab_start_rs 1; fi
	for i in 2 3; do lab_start_rs "$i"; done
	for i in 1 2 3; do lab_wait_port "rs$i" 80 || return 1; done
	lab_start_uvsd "$@" || return 1
	lesson_service rr
}

# uvs-rs up on rs1: the fix for every real-server case.
brk_rs1_up() {
	echo "  rs1# uvs-rs up $VIP"
	# the lab keeps uvs-rs's record beside it, not in /run/uvs
	lab_exec rs1 "$B/uvs-rs" --state "$LAB_DIR/rs1.state" up "$VIP" 2>&1 |
		sed 's/^/      /'
}

# uvsd again, with no debugging flag, and the service again.
brk_restart_uvsd() {
	echo "  director# kill uvsd; uvsd -i eth0 &      ($1)"
	kill "$LAB_UVSD_PID"
	wait "$LAB_UVSD_PID" 2>/dev/null
	lab_start_uvsd || return 1
	echo "  director# uvsadm -A ...; uvsadm -a ...   (the service again)"
	lesson_service rr
}

brk_check_rs1() {
	show rs1 uvs-rs check "$VIP"
	return 0
}

# --- arp: a real server answers ARP for the VIP ------------------------------
brk_arp_what() {
	echo "rs1 holds the VIP on lo the old way (ip addr add $VIP/32 dev lo)," \
		"but nobody set arp_ignore/arp_announce: its kernel answers ARP" \
		"for the VIP, as the director does."
}
brk_arp_rs1() {
	lab_exec rs1 ip addr add "$VIP/32" dev lo && lab_start_servers 1
}
brk_arp_setup() { brk_lab brk_arp_rs1; }
brk_arp_symptom() {
	local before
	brk_arping
	echo "      -> two hosts claim the VIP; the client keeps the first answer."
	before=$(brk_fwd)
	brk_curls "$BRK_TRIES"
	brk_show_vip_neigh
	echo "      uvsd forwarded $(($(brk_fwd) - before)) frames of these requests"
	[ "$(wc -w <<<"$BRK_MACS")" -ge 2 ] &&
		grep -q "$(lab_mac rs1)" <<<"$BRK_MACS" &&
		grep -q "$(lab_mac d)" <<<"$BRK_MACS"
}
brk_arp_diagnose() {
	brk_check_rs1
	grep -q "arp_ignore is 0 on eth0 (need 1): this host answers ARP" <<<"$BRK_OUT" &&
		grep -q "fix: uvs-rs up $VIP" <<<"$BRK_OUT"
}
brk_arp_fix() {
	brk_rs1_up
	echo "  (the client still holds rs1's MAC for the VIP until the entry ages;"
	echo "   clear it rather than wait)"
	show c ip neigh flush dev eth0
}
brk_arp_works() {
	local before
	brk_arping
	before=$(brk_fwd)
	brk_curls "$BRK_TRIES"
	brk_show_vip_neigh
	echo "      uvsd forwarded $(($(brk_fwd) - before)) frames of these requests"
	[ "$BRK_MACS" = "$(lab_mac d)" ] && [ "$BRK_FAILED" = 0 ] &&
		[ "$(wc -w <<<"$BRK_WHO")" = 3 ]
}

# --- novip: a real server without the VIP ------------------------------------
brk_novip_what() {
	echo "rs1 has arp_ignore=1 and arp_announce=2, but the VIP is not on its" \
		"lo: frames the director sends it are for an address it does not have."
}
brk_novip_rs1() {
	local f
	for f in all eth0; do
		lab_exec rs1 sysctl -qw "net.ipv4.conf.$f.arp_ignore=1" \
			"net.ipv4.conf.$f.arp_announce=2" || return 1
	done
	lab_start_servers 1
}
brk_novip_setup() { brk_lab brk_novip_rs1; }
brk_novip_symptom() {
	brk_curls "$BRK_TRIES"
	show d uvsadm -L -n
	echo "  (rs1's ActiveConn: flows stuck in SYN_RECV, never answered;" \
		"rs2's and rs3's flows finished)"
	show rs1 nstat -asz IpInAddrErrors
	echo "      -> rs1's kernel drops them: not addressed to any of its addresses"
	[ "$BRK_FAILED" -ge 1 ] && [ "$BRK_OK" -ge 1 ] &&
		! grep -qw rs1 <<<"$BRK_WHO"
}
brk_novip_diagnose() {
	brk_check_rs1
	grep -q "$VIP is not on lo: this host drops" <<<"$BRK_OUT" &&
		grep -q "fix: uvs-rs up $VIP" <<<"$BRK_OUT"
}
brk_novip_fix() { brk_rs1_up; }
brk_novip_works() {
	brk_curls "$BRK_TRIES"
	[ "$BRK_FAILED" = 0 ] && [ "$(wc -w <<<"$BRK_WHO")" = 3 ]
}

# --- novip6: novip over IPv6, Neighbor Discovery in place of ARP ------------
# The same lab with v6 beside v4 (lab_v6_up): the service is [VIP6]:80 and
# rs2, rs3 hold VIP6 on lo by uvs-rs; rs1 serves HTTP on [::] but lacks it.
brk_novip6_what() {
	echo "rs1 serves [$VIP6]:80 but $VIP6 is not on its lo: the director" \
		"sends it frames for an address it does not have, and a host that" \
		"does not forward drops them (Ip6InAddrErrors), as for IPv4."
}
brk_novip6_setup() {
	local i
	declare -F lab_v6_up >/dev/null || {
		echo "the lab has no IPv6 (lab_v6_up)" >&2
		return 1
	}
	lab_up 3 || return 1
	lesson_fixed_macs
	lab_v6_up
	LAB_HTTPD_V6=1 lab_start_httpd_bg 1
	for i in 2 3; do lab_start_rs6 "$i"; done
	for i in 1 2 3; do lab_wait_port "rs$i" 80 || return 1; done
	lab_start_uvsd || return 1
	uvsadm -A -t "[$VIP6]:80" -s rr || return 1
	for i in 3 2 1; do
		uvsadm -a -t "[$VIP6]:80" -r "[$(rs_ip6 "$i")]:80" -g || return 1
	done
	lab_wait_resolved
}
brk_novip6_symptom() {
	brk_curls "$BRK_TRIES" -6
	show d uvsadm -L -n
	show rs1 nstat -asz Ip6InAddrErrors
	echo "      -> rs1's kernel drops them: not addressed to any of its addresses"
	[ "$BRK_FAILED" -ge 1 ] && [ "$BRK_OK" -ge 1 ] &&
		! grep -qw rs1 <<<"$BRK_WHO"
}
brk_novip6_diagnose() {
	show rs1 uvs-rs check "$VIP6"
	grep -q "$VIP6 is not on lo: this host drops" <<<"$BRK_OUT" &&
		grep -q "fix: uvs-rs up $VIP6" <<<"$BRK_OUT"
}
brk_novip6_fix() {
	echo "  rs1# uvs-rs up $VIP6"
	lab_exec rs1 "$B/uvs-rs" --state "$LAB_DIR/rs1.state" up "$VIP6" 2>&1 |
		sed 's/^/      /'
}
brk_novip6_works() {
	brk_curls "$BRK_TRIES" -6
	[ "$BRK_FAILED" = 0 ] && [ "$(wc -w <<<"$BRK_WHO")" = 3 ]
}

# --- ndp: arp over IPv6, a real server answers NS for the v6 VIP ------------
# The v6 lab of novip6, but rs1 holds VIP6 on eth0 (the old recipe's eth0:1)
# instead of lo, so its kernel answers Neighbor Solicitations for it.
brk_ndp_what() {
	echo "rs1 holds $VIP6 on eth0 (ip -6 addr add $VIP6/128 dev eth0)," \
		"not on lo: its kernel answers Neighbor Solicitations for the VIP" \
		"as the director does, and the client's neighbour entry for the" \
		"VIP goes to whichever answered last."
}
brk_ndp_setup() {
	local i
	declare -F lab_v6_up >/dev/null || {
		echo "the lab has no IPv6 (lab_v6_up)" >&2
		return 1
	}
	lab_up 3 || return 1
	lesson_fixed_macs
	lab_v6_up
	lab_exec rs1 ip -6 addr add "$VIP6/128" dev eth0 nodad || return 1
	LAB_HTTPD_V6=1 lab_start_httpd_bg 1
	for i in 2 3; do lab_start_rs6 "$i"; done
	for i in 1 2 3; do lab_wait_port "rs$i" 80 || return 1; done
	lab_start_uvsd || return 1
	uvsadm -A -t "[$VIP6]:80" -s rr || return 1
	for i in 3 2 1; do
		uvsadm -a -t "[$VIP6]:80" -r "[$(rs_ip6 "$i")]:80" -g || return 1
	done
	lab_wait_resolved
}
# The MAC the client's kernel holds for VIP6 (empty when none).
brk_vip6_neigh() {
	lab_exec c ip -6 neigh show "$VIP6" dev eth0 |
		awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'
}
brk_show_vip6_neigh() {
	local mac
	show c ip -6 neigh show "$VIP6" dev eth0
	mac=$(brk_vip6_neigh)
	[ -z "$mac" ] || echo "      -> the client sends VIP6 traffic to $(lab_host_of_mac "$mac")"
}
# The client asks who has VIP6 (3 NS to its solicited-node group); prints
# each MAC that answered. Sets BRK_MACS (sorted, unique).
brk_ndping() {
	local mac
	echo "  client# ndp_probe.py --src $CLIENT_IP6 $VIP6 3" \
		"     (Neighbor Solicitations for the VIP)"
	BRK_MACS=$(lab_exec c python3 "$LAB_ROOT/tests/lab/ndp_probe.py" \
		--src "$CLIENT_IP6" "$VIP6" 3 | awk '$1 == "na" { print $2 }' |
		sort -u)
	for mac in $BRK_MACS; do
		echo "      advertisement from $mac ($(lab_host_of_mac "$mac"))"
	done
	[ -n "$BRK_MACS" ] || echo "      no advertisement"
}
brk_ndp_symptom() {
	local before
	brk_ndping
	echo "      -> two hosts claim the VIP; the client keeps whichever came last."
	before=$(brk_fwd)
	brk_curls "$BRK_TRIES" -6
	brk_show_vip6_neigh
	echo "      uvsd forwarded $(($(brk_fwd) - before)) frames of these requests"
	[ "$(wc -w <<<"$BRK_MACS")" -ge 2 ] &&
		grep -q "$(lab_mac rs1)" <<<"$BRK_MACS" &&
		grep -q "$(lab_mac d)" <<<"$BRK_MACS"
}
brk_ndp_diagnose() {
	show c ip -6 neigh show "$VIP6" dev eth0
	show rs1 ip -6 -br addr show dev eth0
	show rs1 uvs-rs check "$VIP6"
	grep -q "$VIP6 is on eth0, where this host answers Neighbor Solicitations" \
		<<<"$BRK_OUT" && grep -q "fix: uvs-rs up $VIP6" <<<"$BRK_OUT"
}
brk_ndp_fix() {
	echo "  (the VIP leaves eth0; uvs-rs up puts it on lo, where Linux never"
	echo "   answers NS for it on eth0: see uvs-rs(8))"
	show rs1 ip -6 addr del "$VIP6/128" dev eth0
	echo "  rs1# uvs-rs up $VIP6"
	lab_exec rs1 "$B/uvs-rs" --state "$LAB_DIR/rs1.state" up "$VIP6" 2>&1 |
		sed 's/^/      /'
	echo "  (the client may still hold rs1's MAC for the VIP; clear it rather than wait)"
	show c ip -6 neigh flush dev eth0
}
brk_ndp_works() {
	local before
	brk_ndping
	before=$(brk_fwd)
	brk_curls "$BRK_TRIES" -6
	brk_show_vip6_neigh
	echo "      uvsd forwarded $(($(brk_fwd) - before)) frames of these requests"
	show rs1 uvs-rs check "$VIP6"
	[ "$BRK_MACS" = "$(lab_mac d)" ] && [ "$BRK_FAILED" = 0 ] &&
		[ "$(wc -w <<<"$BRK_WHO")" = 3 ] &&
		[ "$(brk_vip6_neigh)" = "$(lab_mac d)" ]
}

# --- announce: a real server announces the VIP in its own ARP requests -------
brk_announce_what() {
	echo "rs1 ignores ARP requests for the VIP (arp_ignore=1) but not" \
		"arp_announce (0, the default): when it asks for a client's MAC" \
		"while answering from the VIP, it gives the VIP as the sender."
}
brk_announce_rs1() {
	local f
	lab_exec rs1 ip addr add "$VIP/32" dev lo || return 1
	for f in all eth0; do
		lab_exec rs1 sysctl -qw "net.ipv4.conf.$f.arp_ignore=1" || return 1
	done
	lab_start_servers 1
}
brk_announce_setup() { brk_lab brk_announce_rs1; }
# One request answered by rs1 after it forgot the client's MAC, watched
# on the client: rs1's ARP request, and the client's cache before and after.
brk_announce_round() {
	local before
	echo "  client# ping -c 1 -W 1 $VIP      (makes the client ARP for the VIP;" \
		"uvsd answers ARP, nothing answers the ping)"
	lab_exec c ping -q -c 1 -W 1 "$VIP" >/dev/null
	brk_show_vip_neigh
	BRK_NEIGH_BEFORE=$(brk_vip_neigh)
	show rs1 ip neigh flush dev eth0
	lesson_tcpdump c "$LAB_DIR/announce.pcap" arp || return 1
	before=$(brk_fwd)
	brk_curls "$BRK_TRIES"
	lesson_tcpdump_stop
	echo "  client# tcpdump -e -nn -r announce.pcap arp"
	tcpdump -e -nn -r "$LAB_DIR/announce.pcap" 2>/dev/null |
		cut -d' ' -f2- | sed 's/^/      /'
	brk_show_vip_neigh
	BRK_NEIGH_AFTER=$(brk_vip_neigh)
	echo "      uvsd forwarded $(($(brk_fwd) - before)) frames of these requests"
}
brk_announce_symptom() {
	brk_announce_round || return 1
	echo "      -> after rs1's ARP request, the client sends VIP traffic to rs1," \
		"past the director"
	[ "$BRK_NEIGH_BEFORE" = "$(lab_mac d)" ] &&
		[ "$BRK_NEIGH_AFTER" = "$(lab_mac rs1)" ]
}
brk_announce_diagnose() {
	brk_check_rs1
	grep -q "arp_announce is 0 on eth0 (need 2): this host's own ARP requests carry the VIP" \
		<<<"$BRK_OUT" && grep -q "fix: uvs-rs up $VIP" <<<"$BRK_OUT"
}
brk_announce_fix() {
	brk_rs1_up
	echo "  (and the client's entry that rs1 poisoned goes)"
	show c ip neigh del "$VIP" dev eth0
}
brk_announce_works() {
	brk_announce_round || return 1
	[ "$BRK_NEIGH_AFTER" = "$(lab_mac d)" ] && [ "$BRK_FAILED" = 0 ] &&
		[ "$(wc -w <<<"$BRK_WHO")" = 3 ]
}

# --- offload: a forwarder that drops checksum offload state ------------------
brk_offload_what() {
	echo "uvsd runs with --no-vnet: it reads and writes frames without the" \
		"kernel's checksum-offload state. The client's veth leaves TCP" \
		"checksums for the 'hardware' to finish, and a forwarded frame" \
		"never meets that hardware again."
}
brk_offload_setup() { brk_lab "" --no-vnet; }
brk_csum_errors() {
	local i n sum=0
	for i in 1 2 3; do
		n=$(lab_exec "rs$i" nstat -asz TcpInCsumErrors | awk '{ print $2 }')
		sum=$((sum + ${n:-0}))
	done
	echo "$sum"
}
brk_offload_symptom() {
	local before
	if command -v ethtool >/dev/null; then
		echo "  client# ethtool -k eth0 | grep tx-checksumming"
		lab_exec c ethtool -k eth0 | grep "tx-checksumming" | sed 's/^/      /'
	fi
	before=$(brk_csum_errors)
	brk_curls 3
	show rs1 nstat -asz TcpInCsumErrors
	echo "      -> the real servers dropped $(($(brk_csum_errors) - before))" \
		"segments with bad TCP checksums"
	[ "$BRK_OK" = 0 ] && [ "$(brk_csum_errors)" -gt "$before" ]
}
brk_offload_diagnose() {
	local rs_out
	brk_check_rs1
	rs_out=$BRK_OUT
	echo "  director# grep -e --no-vnet uvsd.log"
	grep -e "--no-vnet" "$LAB_DIR/uvsd.log" | sed 's/^/      /'
	grep -q "bad checksums (InCsumErrors" <<<"$rs_out" &&
		grep -q "run it without --no-vnet" <<<"$rs_out"
}
brk_offload_fix() { brk_restart_uvsd "without --no-vnet"; }
brk_offload_works() {
	brk_curls "$BRK_TRIES"
	[ "$BRK_FAILED" = 0 ] && [ "$(wc -w <<<"$BRK_WHO")" = 3 ]
}

# --- offload6: offload over IPv6 -------------------------------------------
# All three real servers right (uvs-rs up VIP6); uvsd with --no-vnet. TCP's
# InCsumErrors counts both families, so the v4 diagnosis holds.
brk_offload6_what() {
	echo "uvsd runs with --no-vnet over IPv6: the client's veth leaves the" \
		"TCP checksum of each v6 segment for the 'hardware' to finish, and" \
		"a frame uvsd forwards without that state never meets it."
}
brk_service6() {
	local i
	uvsadm -A -t "[$VIP6]:80" -s rr || return 1
	for i in 3 2 1; do
		uvsadm -a -t "[$VIP6]:80" -r "[$(rs_ip6 "$i")]:80" -g || return 1
	done
	lab_wait_resolved
}
brk_offload6_setup() {
	declare -F lab_v6_up >/dev/null || {
		echo "the lab has no IPv6 (lab_v6_up)" >&2
		return 1
	}
	lab_up 3 || return 1
	lesson_fixed_macs
	lab_v6_up
	lab_start_all_rs6 || return 1
	lab_start_uvsd --no-vnet || return 1
	brk_service6
}
brk_offload6_symptom() {
	local before
	before=$(brk_csum_errors)
	brk_curls 3 -6
	show rs1 nstat -asz TcpInCsumErrors
	echo "      -> the real servers dropped $(($(brk_csum_errors) - before))" \
		"segments with bad TCP checksums"
	[ "$BRK_OK" = 0 ] && [ "$(brk_csum_errors)" -gt "$before" ]
}
brk_offload6_diagnose() {
	local rs_out
	show rs1 uvs-rs check "$VIP6"
	rs_out=$BRK_OUT
	echo "  director# grep -e --no-vnet uvsd.log"
	grep -e "--no-vnet" "$LAB_DIR/uvsd.log" | sed 's/^/      /'
	grep -q "bad checksums (InCsumErrors" <<<"$rs_out" &&
		grep -q "run it without --no-vnet" <<<"$rs_out"
}
brk_offload6_fix() {
	echo "  director# kill uvsd; uvsd -i eth0 &      (without --no-vnet)"
	kill "$LAB_UVSD_PID"
	wait "$LAB_UVSD_PID" 2>/dev/null
	lab_start_uvsd || return 1
	echo "  director# uvsadm -A -t [$VIP6]:80 ...; uvsadm -a ...   (the service again)"
	brk_service6
}
brk_offload6_works() {
	brk_curls "$BRK_TRIES" -6
	[ "$BRK_FAILED" = 0 ] && [ "$(wc -w <<<"$BRK_WHO")" = 3 ]
}

# --- kernelvip: the VIP on the director's kernel, no guard -------------------
brk_kernelvip_what() {
	echo "the director holds the VIP on its own eth0 too (the old recipe's" \
		"eth0:1) and uvsd runs with --no-guard: the director's kernel gets" \
		"the client's SYN as well, has nothing on port 80, and resets it."
}
brk_kernelvip_pre() {
	lab_exec d ip addr add "$VIP/32" dev eth0 && lab_start_rs 1
}
brk_kernelvip_setup() { brk_lab brk_kernelvip_pre --no-guard; }
brk_kernelvip_symptom() {
	local rst
	show d ip -4 -br addr show dev eth0
	lesson_tcpdump c "$LAB_DIR/rst.pcap" "tcp[tcpflags] & tcp-rst != 0" ||
		return 1
	brk_curls "$BRK_TRIES"
	lesson_tcpdump_stop
	echo "  client# tcpdump -e -nn -r rst.pcap 'tcp[tcpflags] & tcp-rst != 0'"
	tcpdump -e -nn -r "$LAB_DIR/rst.pcap" 2>/dev/null | head -3 |
		cut -d' ' -f2- | sed 's/^/      /'
	rst=$(tcpdump -e -nn -r "$LAB_DIR/rst.pcap" 2>/dev/null |
		grep -c "^[^ ]* $(lab_mac d) > .* $VIP\.80 > .*Flags \[R")
	echo "      -> $rst resets from the VIP with the director's MAC: its kernel" 		"answered, not a real server"
	[ "$BRK_FAILED" -ge $((BRK_TRIES / 2)) ] && [ "$rst" -ge 1 ]
}
brk_kernelvip_diagnose() {
	echo "  director# uvsd --check -i eth0"
	BRK_OUT=$(lab_exec d "$B/uvsd" --check -i eth0 --socket "$LAB_SOCK" 2>&1)
	sed 's/^/      /' <<<"$BRK_OUT"
	grep -q "VIP $VIP is on kernel interface eth0 and uvsd's guard is off" \
		<<<"$BRK_OUT" && grep -q "start uvsd without --no-guard" <<<"$BRK_OUT"
}
brk_kernelvip_fix() {
	brk_restart_uvsd "without --no-guard; the VIP may stay on eth0"
}
brk_kernelvip_works() {
	local rc
	brk_curls "$BRK_TRIES"
	echo "  director# uvsd --check -i eth0"
	BRK_OUT=$(lab_exec d "$B/uvsd" --check -i eth0 --socket "$LAB_SOCK" 2>&1)
	rc=$?
	sed 's/^/      /' <<<"$BRK_OUT"
	[ "$BRK_FAILED" = 0 ] && [ "$(wc -w <<<"$BRK_WHO")" = 3 ] &&
		[ "$rc" = 0 ] && grep -q "ok: 1 VIP; uvsd's guard keeps the kernel off it" <<<"$BRK_OUT"
}

# --- kernelvip6: kernelvip over IPv6 ----------------------------------------
brk_kernelvip6_what() {
	echo "the director holds $VIP6 on its own eth0 too and uvsd runs with" \
		"--no-guard: the director's kernel gets the client's v6 SYN as" \
		"well, has nothing on port 80, and resets it."
}
brk_kernelvip6_setup() {
	declare -F lab_v6_up >/dev/null || {
		echo "the lab has no IPv6 (lab_v6_up)" >&2
		return 1
	}
	lab_up 3 || return 1
	lesson_fixed_macs
	lab_v6_up
	lab_exec d ip -6 addr add "$VIP6/128" dev eth0 nodad || return 1
	lab_start_all_rs6 || return 1
	lab_start_uvsd --no-guard || return 1
	brk_service6
}
brk_kernelvip6_check() {
	echo "  director# uvsd --check -i eth0"
	BRK_OUT=$(lab_exec d "$B/uvsd" --check -i eth0 --socket "$LAB_SOCK" 2>&1)
	BRK_RC=$?
	sed 's/^/      /' <<<"$BRK_OUT"
}
brk_kernelvip6_symptom() {
	local rst
	show d ip -6 -br addr show dev eth0
	# ip6[53]: the TCP flags byte behind a bare 40-byte IPv6 header
	lesson_tcpdump c "$LAB_DIR/rst6.pcap" "ip6 and tcp and ip6[53] & 4 != 0" ||
		return 1
	brk_curls "$BRK_TRIES" -6
	lesson_tcpdump_stop
	echo "  client# tcpdump -e -nn -r rst6.pcap 'ip6 and tcp and ip6[53] & 4 != 0'"
	tcpdump -e -nn -r "$LAB_DIR/rst6.pcap" 2>/dev/null | head -3 |
		cut -d' ' -f2- | sed 's/^/      /'
	rst=$(tcpdump -e -nn -r "$LAB_DIR/rst6.pcap" 2>/dev/null |
		grep -c "^[^ ]* $(lab_mac d) > .* $VIP6\.80 > .*Flags \[R")
	echo "      -> $rst resets from the VIP with the director's MAC: its kernel" \
		"answered, not a real server"
	[ "$BRK_FAILED" -ge $((BRK_TRIES / 2)) ] && [ "$rst" -ge 1 ]
}
brk_kernelvip6_diagnose() {
	brk_kernelvip6_check
	grep -q "VIP $VIP6 is on kernel interface eth0 and uvsd's guard is off" \
		<<<"$BRK_OUT" && grep -q "start uvsd without --no-guard" <<<"$BRK_OUT" &&
		grep -q "ip -6 addr del $VIP6/128 dev eth0" <<<"$BRK_OUT"
}
brk_kernelvip6_fix() {
	echo "  director# kill uvsd; uvsd -i eth0 &      (without --no-guard; the VIP may stay on eth0)"
	kill "$LAB_UVSD_PID"
	wait "$LAB_UVSD_PID" 2>/dev/null
	lab_start_uvsd || return 1
	echo "  director# uvsadm -A -t [$VIP6]:80 ...; uvsadm -a ...   (the service again)"
	brk_service6
}
brk_kernelvip6_works() {
	brk_curls "$BRK_TRIES" -6
	brk_kernelvip6_check
	[ "$BRK_FAILED" = 0 ] && [ "$(wc -w <<<"$BRK_WHO")" = 3 ] &&
		[ "$BRK_RC" = 0 ] && grep -q "ok: 1 VIP; uvsd's guard keeps the kernel off it" <<<"$BRK_OUT"
}

# break_run NAME: the whole story, each step checked.
break_run() {
	local name=$1
	if ! declare -F "brk_${name}_setup" >/dev/null; then
		echo "unknown BREAK=$name; one of: $BREAK_NAMES" >&2
		return 2
	fi
	say "The mistake ($name): $("brk_${name}_what")"
	if ! "brk_${name}_setup"; then
		t_fail "$name: the lab with the mistake came up"
		return 1
	fi
	say "What a user sees"
	t_check "$name: the symptom is there" "brk_${name}_symptom"
	say "Diagnosis"
	t_check "$name: the diagnosis names the cause and the fix" "brk_${name}_diagnose"
	say "The fix"
	"brk_${name}_fix"
	say "After the fix"
	t_check "$name: traffic flows again" "brk_${name}_works"
	t_done
}
