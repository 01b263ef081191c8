#!/bin/bash
# make lesson [BREAK=NAME]: how LVS Direct Routing works, seen on the wire.
#
# Without BREAK: a namespace lab (client, director, rs1-rs3), one HTTP
# request to the VIP captured at once on the client, the director and the
# real server that answers, drawn as a ladder (text, and an image with
# gnuplot) and written to docs/how-dr-works.md and docs/how-dr-works.png.
#
# With BREAK=NAME (see breaks.sh: arp novip announce offload kernelvip
# novip6 ndp offload6 kernelvip6, the last four over IPv6): the cluster with one classic mistake, what
# a user sees, the diagnosis that names it, the fix, and traffic flowing
# again; exits non-zero if any of
# those did not happen. The lab is removed at the end, also on Ctrl-C.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lab.sh"
. "$HERE/ladder.sh"
BREAK=${1:-${BREAK:-}}
DOCS=$LAB_ROOT/docs

# Beyond `make deps`: tcpdump captures, gnuplot draws the image. Kept out
# of the Makefile's PKGS: the tests do not draw.
LESSON_PKGS="tcpdump gnuplot-nox"

if [ -t 1 ]; then
	say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
else
	say() { printf '\n%s\n' "$*"; }
fi
. "$HERE/breaks.sh"
fail() { echo "lesson: $*" >&2; exit 1; }

lesson_deps() {
	local p missing=""
	for p in $LESSON_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "lesson: installing$missing"
	(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install \
		-y -q $missing) >/dev/null 2>&1 ||
		echo "lesson: could not install$missing" >&2
	command -v tcpdump >/dev/null || fail "tcpdump is needed"
	command -v gnuplot >/dev/null || echo "lesson: no gnuplot: no image"
}

# The first frame number of a kind from ladder.py's findings.
finding() { sed -n "s/^finding: $1 #\([0-9]*\).*/\1/p" "$LAB_DIR/ladder.out" | head -1; }

write_doc() {
	local rw dr rw_to flow
	rw=$(finding rewrite)
	rw_to=$(sed -n 's/^finding: rewrite #[0-9]* -> #\([0-9]*\).*/\1/p' "$LAB_DIR/ladder.out" | head -1)
	dr=$(finding direct)
	flow=$(grep -m1 "new TCP" "$LAB_DIR/uvsd.log")
	mkdir -p "$DOCS"
	[ -f "$LAB_DIR/ladder.png" ] && cp "$LAB_DIR/ladder.png" "$DOCS/how-dr-works.png"
	cat >"$DOCS/how-dr-works.md" <<EOF
# How LVS Direct Routing works, hop by hop

<!-- Written by \`make lesson\` (tests/lab/lesson.sh) from real captures;
     run it again to regenerate this page and how-dr-works.png. -->

In Direct Routing the virtual IP (VIP) lives on every machine of the
cluster, but only the director may say so on the wire:

- the **director** answers ARP for the VIP, so clients send it every frame
  for the VIP;
- each **real server** holds the VIP on \`lo\`, so it accepts packets for it,
  and never answers or announces ARP for it (\`arp_ignore=1\`,
  \`arp_announce=2\`: \`uvs-rs up VIP\`);
- the director picks a real server and sends the frame on **unchanged except
  for the Ethernet header**: destination MAC = the real server's, source MAC
  = its own. The IP packet, with the client's address and the VIP, is
  byte for byte what the client sent;
- the real server answers **from the VIP straight to the client**. The
  director never sees a reply, which is why DR scales: replies are usually
  the bulk of the traffic.

## One request, seen from three hosts

\`make lesson\` builds a lab of network namespaces (client $CLIENT_IP,
director $DIR_IP running uvsd, real servers rs1-rs3 from $(rs_ip 1), VIP
$VIP, service rr), runs tcpdump on the client, the director and every
real server at once, sends one \`curl http://$VIP/\` and merges the captures.
Each arrow is one frame, drawn from the host whose MAC sent it to the host
whose MAC received it; a frame seen on several hosts is drawn once. The lab
gives each host the MAC 02:00 + its IPv4 address in hex, so 02:00:c6:12:00:0b
is 198.18.0.11 (rs1); the diagram names them too.

![Ladder diagram of one HTTP request through an LVS-DR cluster](how-dr-works.png)

\`\`\`text
$(cat "$LAB_DIR/ladder.txt")
\`\`\`

What to read in it:

- The client asks who has the VIP; only the director answers (the real
  servers hold the VIP too, but keep quiet).
- Frames #$rw and #$rw_to are the client's SYN before and after the director:
  the same IP packet, every byte equal, only the Ethernet header changed.
  That is the whole of DR's forwarding.
- The real server asks for the client's MAC with its **own** address as
  sender (arp_announce=2): were it to use the VIP, the client would learn
  the VIP at the real server's MAC and stop using the director
  (\`make lesson BREAK=announce\`).
- Frame #$dr and every later reply go from the real server to the client
  with the VIP as source; the director's capture has none of them.

uvsd's own account of the flow (\`uvsd -v\`):

\`\`\`text
$flow
\`\`\`

## Break it on purpose

\`make lesson BREAK=NAME\` sets the cluster up with one classic mistake,
shows what a user would see, runs the diagnosis, applies the fix and shows
traffic flowing again. Each is also an end-to-end test
(tests/e2e/lesson_break_NAME.sh).

| BREAK | the mistake | what you see | what names it |
| --- | --- | --- | --- |
| arp | a real server holds the VIP without ARP suppression | \`arping VIP\` gets two MACs; the client sends to that real server, past the director | \`uvs-rs check VIP\`: arp_ignore is 0 |
| novip | a real server without the VIP on lo | a third of the connections hang; its kernel drops them (IpInAddrErrors) | \`uvs-rs check VIP\`: the VIP is not on lo |
| novip6 | novip over IPv6: a real server without the v6 VIP on lo (lab with v6) | a third of the v6 connections hang; its kernel drops them (Ip6InAddrErrors) | \`uvs-rs check VIP6\`: the VIP is not on lo |
| ndp | arp over IPv6: a real server holds the v6 VIP on eth0, not lo (lab with v6) | Neighbor Solicitations for the VIP get two MACs; the client may send to that real server, past the director | `uvs-rs check VIP6`: the VIP is on eth0, where the host answers NS |
| announce | arp_ignore=1 but arp_announce=0 | after the real server ARPs for a client, the client's cache maps the VIP to it | \`uvs-rs check VIP\`: arp_announce is 0 |
| offload | a forwarder that drops checksum offload state (\`uvsd --no-vnet\`) | every connection times out; real servers count TcpInCsumErrors | \`uvs-rs check VIP\` notes the bad checksums; uvsd's log names --no-vnet |
| offload6 | offload over IPv6: `uvsd --no-vnet` forwarding v6 (lab with v6) | every v6 connection times out; real servers count TcpInCsumErrors | `uvs-rs check VIP6` notes the bad checksums; uvsd's log names --no-vnet |
| kernelvip | the VIP on the director's own interface, no guard (\`uvsd --no-guard\`) | the director's kernel resets the connections | \`uvsd --check\`: the VIP on a kernel interface, guard off |
| kernelvip6 | kernelvip over IPv6: the v6 VIP on the director's eth0, `uvsd --no-guard` (lab with v6) | the director's kernel resets the v6 connections | `uvsd --check`: the v6 VIP on a kernel interface, guard off |

## See it yourself

- \`uvsd --trace FILE\` writes every frame uvsd receives and sends to a pcap
  file: \`tcpdump -e -nn -r FILE\` shows each frame arriving with the
  director's MAC and leaving with the real server's.
- \`uvsd -v\` logs one line per new flow: client, VIP, the real server
  chosen and why (rr's position, lc/wlc/sed/nq's figures, sh/dh/mh's hash)
  and the MAC rewrite.
EOF
}

lesson_how() {
	say "1. A lab: client $CLIENT_IP, director $DIR_IP, real servers rs1-rs3 $(rs_ip 1)-$(rs_ip 3), one bridge; VIP $VIP."
	lab_up 3 || fail "could not build the lab"
	lesson_fixed_macs
	echo "  each host's MAC is 02:00 + its IPv4 address in hex: client $(lab_mac c), director $(lab_mac d), rs1 $(lab_mac rs1)"

	say "2. Real servers: the VIP on lo, silent for ARP (uvs-rs up $VIP)."
	lab_start_all_rs || fail "the real servers did not start"

	say "3. The director: uvsd -i eth0 -v; service $VIP:80 rr over rs1-rs3 (rs1 first in rr's order)."
	lab_start_uvsd || fail "uvsd did not start"
	lesson_service rr || fail "the service did not come up"

	say "4. One curl http://$VIP/, captured at once on the client, the director and the real servers (tcpdump -w), drawn hop by hop:"
	lesson_ladder "$LAB_DIR/ladder" >"$LAB_DIR/ladder.out" ||
		fail "no ladder: $(cat "$LAB_DIR/ladder.out")"
	grep -v "^finding:" "$LAB_DIR/ladder.out"

	say "5. What the captures prove:"
	[ -n "$(finding rewrite)" ] ||
		fail "no frame crossed the director with only its MACs changed"
	[ -n "$(finding direct)" ] ||
		fail "no reply went from the real server straight to the client"
	echo "  - frames #$(finding rewrite) and the one after: the client's packet crossed the director byte for byte, only the MACs changed;"
	echo "  - frame #$(finding direct) and the other replies: from the VIP, straight from the real server to the client, never seen by the director."
	echo "  uvsd -v said:"
	grep "new TCP" "$LAB_DIR/uvsd.log" | sed 's/^/    /'

	write_doc
	say "6. Written: docs/how-dr-works.md$([ -f "$DOCS/how-dr-works.png" ] && echo ", docs/how-dr-works.png")."
	echo "  Next: make lesson BREAK=NAME, NAME one of: $BREAK_NAMES"
}

if [ "$(id -u)" != 0 ]; then
	echo "make lesson needs root (it builds network namespaces)" >&2
	exit 1
fi
lesson_deps
trap 'lab_down; echo "lab removed."' EXIT
trap 'exit 130' INT TERM
if [ -z "$BREAK" ]; then
	lesson_how
else
	break_run "$BREAK"
fi
