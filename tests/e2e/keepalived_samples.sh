#!/bin/bash
# All of keepalived's own sample configurations (Debian's keepalived
# package, /usr/share/doc/keepalived/samples) through uvsd --config-test,
# as they are and with lb_kind NAT turned into DR (most samples are NAT,
# which uvs refuses at their first virtual_server): each one either loads
# or is refused with FILE:LINE and a reason; none crashes or is misread.
# For keepalived 2.2.7's samples the outcome of each is known and checked.
. "$(dirname "$0")/../lab/lab.sh"
SAMPLES=/usr/share/doc/keepalived/samples
if [ ! -d "$SAMPLES" ]; then
	echo "ok - SKIP keepalived's samples are not installed (make deps installs keepalived)"
	exit 0
fi
VERSION=$(dpkg-query -W -f='${Version}' keepalived 2>/dev/null)
T=$(mktemp -d /tmp/uvs-samples.XXXXXX)
trap 'rm -rf "$T" "$LAB_DIR"' EXIT

# SAMPLE|as it is|with lb_kind DR: OK, or "LINE text the refusal holds"
cat >"$T/want" <<'EOF'
keepalived.conf.HTTP_GET.port|16 'lb_kind NAT' is not supported|OK
keepalived.conf.IPv6|8 'IPv6 in virtual_server_group' is not supported|8 'IPv6 in virtual_server_group' is not supported
keepalived.conf.PING_CHECK|17 'lb_kind NAT' is not supported|OK
keepalived.conf.SMTP_CHECK|28 'lb_kind NAT' is not supported|64 'host' is not supported by uvs
keepalived.conf.SSL_GET|33 'lb_kind NAT' is not supported|OK
keepalived.conf.UDP_CHECK|17 'lb_kind NAT' is not supported|OK
keepalived.conf.conditional_conf|3 '@high' is not supported|3 '@high' is not supported
keepalived.conf.fwmark|7 'virtual_server fwmark' is not supported|7 'virtual_server fwmark' is not supported
keepalived.conf.inhibit|16 'lb_kind NAT' is not supported|OK
keepalived.conf.misc_check|17 'lb_kind NAT' is not supported|OK
keepalived.conf.misc_check_arg|16 'lb_kind NAT' is not supported|OK
keepalived.conf.quorum|26 'lb_kind NAT' is not supported|36 real_server port 8080 is not the virtual_server's 80
keepalived.conf.sample|29 'lb_kind NAT' is not supported|OK
keepalived.conf.status_code|17 'lb_kind NAT' is not supported|OK
keepalived.conf.track_interface|OK|OK
keepalived.conf.virtual_server_group|18 'fwmark' is not supported|18 'fwmark' is not supported
keepalived.conf.virtualhost|16 'lb_kind NAT' is not supported|OK
keepalived.conf.vrrp|OK|OK
keepalived.conf.vrrp.localcheck|OK|OK
keepalived.conf.vrrp.lvs_syncd|53 'lb_kind NAT' is not supported|OK
keepalived.conf.vrrp.routes|OK|OK
keepalived.conf.vrrp.rules|OK|OK
keepalived.conf.vrrp.scripts|OK|OK
keepalived.conf.vrrp.static_ipaddress|OK|OK
keepalived.conf.vrrp.sync|OK|OK
EOF

# outcome FILE: "OK", or "LINE why" from FILE:LINE: why; "BAD ..." else
outcome() {
	local out rc
	out=$("$B/uvsd" --config-test --keepalived-conf "$1" 2>&1); rc=$?
	if [ $rc = 0 ] && echo "$out" | tail -1 | grep -q "configuration OK"; then
		echo OK
	elif [ $rc = 1 ] && [ "$(echo "$out" | tail -1 | grep -c "^uvsd: $1:[0-9]*: ")" = 1 ]; then
		echo "$out" | tail -1 | sed "s|^uvsd: $1:\([0-9]*\): |\1 |"
	else
		echo "BAD rc=$rc $(echo "$out" | tail -1)"
	fi
}

n=0 loaded=0 refused=0 bad=0 mismatch=0
for f in "$SAMPLES"/keepalived.conf.*; do
	s=$(basename "$f")
	n=$((n + 1))
	cp "$f" "$T/$s"
	sed 's/lb_kind NAT/lb_kind DR/' "$f" >"$T/$s.dr"
	as_is=$(outcome "$T/$s")
	as_dr=$(outcome "$T/$s.dr")
	echo "# $s: [$as_is] [DR: $as_dr]"
	for o in "$as_is" "$as_dr"; do
		case $o in OK) loaded=$((loaded + 1)) ;; BAD*) bad=$((bad + 1)) ;; *) refused=$((refused + 1)) ;; esac
	done
	want=$(grep "^$s|" "$T/want")
	case $VERSION in
	*2.2.7*)
		w_is=$(echo "$want" | cut -d'|' -f2) w_dr=$(echo "$want" | cut -d'|' -f3)
		if [ -z "$want" ] ||
			{ [ "$w_is" = OK ] && [ "$as_is" != OK ]; } ||
			{ [ "$w_is" != OK ] && [ "${as_is#"$w_is"}" = "$as_is" ]; } ||
			{ [ "$w_dr" = OK ] && [ "$as_dr" != OK ]; } ||
			{ [ "$w_dr" != OK ] && [ "${as_dr#"$w_dr"}" = "$as_dr" ]; }; then
			mismatch=$((mismatch + 1))
			echo "# $s: want [$w_is] [DR: $w_dr]"
		fi ;;
	esac
done
t_check "$n samples read (keepalived $VERSION)" [ "$n" -ge 20 ]
t_check "every sample loads or is refused with FILE:LINE ($loaded loaded, $refused refused, $bad otherwise)" [ "$bad" = 0 ]
case $VERSION in
*2.2.7*) t_check "each of keepalived 2.2.7's samples as expected ($mismatch differ)" [ "$mismatch" = 0 ] ;;
esac

# what a DR sample becomes: the sample's virtual_server, its SSL_GET
"$B/uvsd" -v --config-test --keepalived-conf "$T/keepalived.conf.HTTP_GET.port.dr" >"$T/http_port" 2>&1
t_check "HTTP_GET.port (DR) becomes an SSL check on port 444 with its digest, 3 s retry wait" \
	grep -q "request add-dest proto=tcp vip=192.168.200.100 vport=443 rip=192.168.201.100 rport=443 weight=1 uthr=0 lthr=0 check=ssl check_port=444 check_path=/ check_digest=ff20ad2481f97b1754ef3e12ecd3a9cc check_interval=6000 check_timeout=3000 check_retry=3000 check_rise=1 check_fall=4 check_on_fail=remove" "$T/http_port"
"$B/uvsd" -v --config-test --keepalived-conf "$T/keepalived.conf.status_code.dr" >"$T/status_code" 2>&1
t_check "status_code (DR): a status list, and a second url with its digest and status" \
	grep -q "check=ssl check_path=/ check_status=200-299,400-499,503,505 check_url1=/mrtg/%209b3a0c85a887a256d6939da88aabd8cd%20200 " "$T/status_code"
"$B/uvsd" -v --config-test --keepalived-conf "$T/keepalived.conf.virtualhost.dr" >"$T/virtualhost" 2>&1
t_check "virtualhost (DR): the virtual server's virtualhost is its SSL check's Host" \
	grep -q "check=ssl check_path=/ check_digest=ff20ad2481f97b1754ef3e12ecd3a9cc check_host=www.firewall.loc check_url1=/mrtg/%209b3a0c85a887a256d6939da88aabd8cd " "$T/virtualhost"
# the quorum sample with its real servers on the service's port, as DR needs
sed 's/ 8080 {/ 80 {/' "$T/keepalived.conf.quorum.dr" >"$T/quorum.dr80"
"$B/uvsd" -v --config-test --keepalived-conf "$T/quorum.dr80" >"$T/quorum" 2>&1
t_check "quorum (DR, port 80): alpha, omega, quorum 7 hysteresis 2 and both scripts" \
	all grep -q "request add-service proto=tcp vip=10.0.1.1 vport=80 sched=wrr flags=1 timeout=900 netmask=255.255.255.255 sorry=none quorum=7 hysteresis=2 quorum_up=/usr/local/sbin/quorum-up.sh quorum_down=/usr/local/sbin/quorum-down.sh omega=1$" "$T/quorum" --and \
	grep -q "request add-dest .* rip=10.0.0.1 rport=80 .*check=tcp check_port=80 check_alpha=1 " "$T/quorum" --and \
	grep -q "configuration OK" "$T/quorum"
t_done
