#!/usr/bin/env python3
"""Ladder diagrams from real captures, for `make lesson`.

Reads pcap files through `tcpdump -r FILE -e -nn -tt -S -xx` (so what is
shown is what tcpdump shows), merges the captures of several hosts into
one list of frames on the wire, and draws each frame as an arrow between
the hosts' columns: text for the terminal and the docs, a gnuplot script
for the image. The same frame seen on two hosts is one arrow; the same IP
packet with other MACs (the director's rewrite) is a new arrow, noted as
such after comparing the bytes behind the Ethernet header.

  ladder.py frames PCAP
      one line per frame: index, time, src MAC, dst MAC, ethertype,
      IP bytes (hex, after the Ethernet header), tcpdump's summary
  ladder.py ladder --host NAME=PCAP=MAC ... [--name NAME=MAC ...]
                   --vip VIP [--text FILE] [--gnuplot FILE --png FILE]
      the ladder, columns in --host order
"""
import argparse
import re
import subprocess
import sys

HDR = re.compile(r"^(\d+\.\d+) ([0-9a-f:]{17}) > ([0-9a-f:]{17}), "
                 r"ethertype (\S+) \(0x([0-9a-f]{4})\), length (\d+): (.*)$")
BCAST = "ff:ff:ff:ff:ff:ff"
COL_W = 24          # characters between two lifelines in the text ladder
SAME_FRAME_S = 1.0  # one frame seen on two hosts: within this time


def read_frames(path):
    """The frames of one pcap file, as tcpdump decodes them."""
    # -S: absolute sequence numbers, the same in every host's capture
    out = subprocess.run(["tcpdump", "-r", path, "-e", "-nn", "-tt", "-S",
                          "-xx"],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit("ladder.py: tcpdump -r %s: %s" % (path, out.stderr.strip()))
    frames, cur = [], None
    for line in out.stdout.splitlines():
        if line.startswith("\t0x") and cur is not None:
            cur["hex"] += "".join(line.split(":", 1)[1].split())
            continue
        m = HDR.match(line)
        if not m:
            cur = None
            continue
        cur = {"ts": float(m.group(1)), "src": m.group(2),
               "dst": m.group(3), "etype": m.group(4),
               "len": int(m.group(6)), "summary": m.group(7), "hex": ""}
        frames.append(cur)
    for f in frames:
        f["payload"] = f["hex"][28:]    # behind the 14-byte Ethernet header
    return frames


def cmd_frames(args):
    for i, f in enumerate(read_frames(args.pcap), 1):
        print("%d\t%.6f\t%s\t%s\t%s\t%s\t%s" % (
            i, f["ts"], f["src"], f["dst"], f["etype"], f["payload"],
            f["summary"]))


def app_data(payload):
    """First line of the TCP data if it reads as HTTP, else ''."""
    try:
        b = bytes.fromhex(payload)
    except ValueError:
        return ""
    if len(b) < 20 or b[0] >> 4 != 4 or b[9] != 6:
        return ""
    ihl = (b[0] & 15) * 4
    if len(b) < ihl + 20:
        return ""
    data = b[ihl + (b[ihl + 12] >> 4) * 4:]
    if data[:4] in (b"GET ", b"HTTP", b"HEAD", b"POST"):
        return data.split(b"\r\n", 1)[0].decode("ascii", "replace")
    return ""


def arp_fields(f):
    """(op, target or sender IP, other IP or MAC) of an ARP frame, or None."""
    m = re.match(r"Request who-has (\S+) tell (\S+),", f["summary"])
    if f["etype"] == "ARP" and m:
        return ("who-has",) + m.groups()
    m = re.match(r"Reply (\S+) is-at (\S+),", f["summary"])
    if f["etype"] == "ARP" and m:
        return ("is-at",) + m.groups()
    return None


def describe(f, names):
    """A short line for the frame's contents."""
    s = f["summary"]
    if f["etype"] == "ARP":
        a = arp_fields(f)
        if a and a[0] == "who-has":
            return "ARP who-has %s? tell %s" % a[1:]
        if a:
            return "ARP %s is-at %s" % (a[1], mac_name(names, a[2]))
        return "ARP " + s
    m = re.match(r"(\d+\.\d+\.\d+\.\d+)\.(\d+) > (\d+\.\d+\.\d+\.\d+)\.(\d+): "
                 r"(?:Flags \[([^\]]*)\])?.*?length (\d+)", s)
    if f["etype"] == "IPv4" and m:
        src, sport, dst, dport, flags, dlen = m.groups()
        text = "IP %s:%s -> %s:%s" % (src, sport, dst, dport)
        if flags is not None:
            text += " TCP [%s]" % flags
        http = app_data(f["payload"])
        if http:
            text += ' "%s"' % http
        elif dlen != "0":
            text += " %s bytes of data" % dlen
        return text
    return "%s %s" % (f["etype"], s)


def ip_src(f):
    m = re.match(r"(\d+\.\d+\.\d+\.\d+)\.\d+ > ", f["summary"])
    return m.group(1) if f["etype"] == "IPv4" and m else None


def merge(hosts):
    """Frames on the wire, each with the hosts that saw it, in time order."""
    obs = []
    for h in hosts:
        for f in read_frames(h["pcap"]):
            obs.append((f["ts"], h["name"], f))
    obs.sort(key=lambda o: o[0])
    groups = []
    for ts, host, f in obs:
        key = (f["src"], f["dst"], f["etype"], f["summary"])
        for g in reversed(groups):
            if ts - g["ts"] > SAME_FRAME_S:
                break
            if g["key"] == key and host not in g["seen"]:
                g["seen"][host] = f
                break
        else:
            groups.append({"ts": ts, "key": key, "frame": f,
                           "seen": {host: f}})
    return groups


def mac_name(names, mac):
    if mac == BCAST:
        return "broadcast (%s)" % mac
    return "%s (%s)" % (names[mac], mac) if mac in names else mac


def annotate(g, rows, names, cols, vip):
    """Why this frame matters for DR, from the bytes. The first frame of a
    kind gets the whole story, later ones a reminder."""
    f = g["frame"]
    notes = []
    told = set(k for r in rows for k in r["g"].get("told", ()))
    g["told"] = set()
    # the same IP packet seen earlier with other MACs: the rewrite
    for r in rows:
        p = r["g"]["frame"]
        if (f["etype"] == "IPv4" and p["payload"] == f["payload"] and
                (p["src"], p["dst"]) != (f["src"], f["dst"])):
            if "rewrite" in told:
                notes.append("same IP packet as #%d: only the MACs "
                             "changed" % r["n"])
            else:
                notes.append(
                    "same IP packet as #%d, all %d bytes identical: only the "
                    "Ethernet header changed, dst MAC %s -> %s, src MAC "
                    "%s -> %s" % (
                        r["n"], len(f["payload"]) // 2,
                        names.get(p["dst"], p["dst"]),
                        names.get(f["dst"], f["dst"]),
                        names.get(p["src"], p["src"]),
                        names.get(f["src"], f["src"])))
                g["told"].add("rewrite")
            g["rewrite_of"] = r["n"]
            break
    director = cols[1] if len(cols) > 1 else None
    sender = names.get(f["src"], f["src"])
    a = arp_fields(f)
    if a and a[0] == "is-at" and a[1] == vip and sender == director:
        notes.append("the director answers ARP for the VIP; the real "
                     "servers hold it too but keep quiet (arp_ignore=1)")
    elif a and a[0] == "is-at" and a[1] == vip:
        notes.append("%s answers ARP for the VIP: clients may now send "
                     "VIP traffic to it, past the director" % sender)
    elif a and a[0] == "who-has" and a[2] == vip and sender != director:
        notes.append("%s asks with the VIP as sender address: every host "
                     "that hears it learns VIP is-at %s" % (sender, sender))
    elif (a and a[0] == "who-has" and sender not in (director, cols[0]) and
          vip):
        notes.append("%s asks with its own address, not the VIP "
                     "(arp_announce=2)" % sender)
    if (ip_src(f) == vip and director and director not in g["seen"] and
            names.get(f["src"]) != director):
        if "direct" in told:
            notes.append("from the VIP, straight to %s" %
                         names.get(f["dst"], f["dst"]))
        else:
            notes.append("source IP is the VIP, sent by %s straight to %s: "
                         "the director never sees it" % (
                             names.get(f["src"], f["src"]),
                             names.get(f["dst"], f["dst"])))
            g["told"].add("direct")
        g["direct_reply"] = True
    return notes


def build_rows(groups, cols, names, vip):
    rows, hidden = [], 0
    for g in groups:
        f = g["frame"]
        src = names.get(f["src"])
        if src not in cols:
            hidden += 1
            continue
        if f["dst"] == BCAST:
            to = [h for h in cols if h in g["seen"] and h != src]
        else:
            to = [names[f["dst"]]] if names.get(f["dst"]) in cols else []
        if not to:
            hidden += 1
            continue
        row = {"n": len(rows) + 1, "g": g, "from": src, "to": to,
               "what": describe(f, names),
               "eth": "eth %s -> %s" % (mac_name(names, f["src"]),
                                        mac_name(names, f["dst"])),
               "seen": [h for h in cols if h in g["seen"]]}
        row["notes"] = annotate(g, rows, names, cols, vip)
        rows.append(row)
    return rows, hidden


def arrow_line(cols, row):
    """One text row of lifelines with the frame's arrow drawn across."""
    x = {h: i * COL_W for i, h in enumerate(cols)}
    width = (len(cols) - 1) * COL_W + 1
    line = [" "] * width
    for h in cols:
        line[x[h]] = "|"
    s = x[row["from"]]
    ends = [x[h] for h in row["to"]]
    lo, hi = min([s] + ends), max([s] + ends)
    for i in range(lo + 1, hi):
        if line[i] == " ":
            line[i] = "-"
    for e in ends:
        if e > s:
            line[e - 1] = ">"
        else:
            line[e + 1] = "<"
    return "".join(line)


def text_ladder(cols, hosts, rows, hidden):
    pad = " " * 5
    out = [pad + "".join(h["name"].ljust(COL_W) for h in hosts),
           pad + "".join(h["ip"].ljust(COL_W) for h in hosts),
           pad + "".join(h["mac"].ljust(COL_W) for h in hosts)]
    blank = arrow_line(cols, {"from": cols[0], "to": []})
    for r in rows:
        out.append("%3d  %s   %s" % (r["n"], arrow_line(cols, r), r["what"]))
        out.append(pad + blank + "     " + r["eth"])
        for n in r["notes"]:
            out.append(pad + blank + "     * " + n)
    if hidden:
        out.append(pad + "(%d frame%s to or from other hosts not shown)" % (
            hidden, "" if hidden == 1 else "s"))
    return "\n".join(out) + "\n"


def gp_quote(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def gnuplot_script(cols, hosts, rows, png):
    """A gnuplot script drawing the ladder into png (pngcairo)."""
    n = len(rows)
    row_h = 0.9
    height = 170 + int(n * 62)
    g = ["set terminal pngcairo size 1500,%d font 'Sans,10'" % height,
         "set output %s" % gp_quote(png),
         "unset border; unset tics; unset key",
         "set termoption noenhanced",   # arp_ignore, not arp subscript i
         "set lmargin 0; set rmargin 0; set tmargin 0; set bmargin 0",
         "set xrange [-0.35:%f]" % (len(cols) - 0.35),
         "set yrange [%f:1.6]" % (-(n + 0.6) * row_h)]
    xs = {h: i for i, h in enumerate(cols)}
    for h in hosts:
        x = xs[h["name"]]
        g.append("set label %s at %d,1.15 center font 'Sans,13'" % (
            gp_quote(h["name"]), x))
        g.append("set label %s at %d,0.8 center" % (
            gp_quote("%s  %s" % (h["ip"], h["mac"])), x))
        g.append("set arrow from %d,0.6 to %d,%f nohead dt 2 lc rgb "
                 "'#999999'" % (x, x, -(n + 0.5) * row_h))
    for r in rows:
        y = -r["n"] * row_h
        s = xs[r["from"]]
        color = "#1f5fbf" if r["from"] == cols[0] else (
            "#2a8f2a" if r["from"] == cols[1] else "#c0392b")
        for h in r["to"]:
            g.append("set arrow from %d,%f to %d,%f head filled size "
                     "screen 0.008,20 lw 2 lc rgb '%s'" % (
                         s, y, xs[h], y, color))
        far = max(r["to"], key=lambda h: abs(xs[h] - s))
        mid = (s + xs[far]) / 2.0
        g.append("set label %s at %f,%f center" % (
            gp_quote("%d  %s" % (r["n"], r["what"])), mid, y + 0.2))
        g.append("set label %s at %f,%f center font 'Sans,8' tc rgb "
                 "'#555555'" % (gp_quote(r["eth"][4:]), mid, y - 0.17))
        for k, note in enumerate(r["notes"][:1]):
            g.append("set label %s at %f,%f center font 'Sans,8' tc rgb "
                     "'%s'" % (gp_quote(note), mid, y - 0.36 - 0.17 * k,
                               color))
    g.append("plot NaN notitle")
    return "\n".join(g) + "\n"


def cmd_ladder(args):
    hosts, names = [], {}
    for spec in args.host:
        name, pcap, mac = spec.split("=", 2)
        ip = ""
        if "@" in name:
            name, ip = name.split("@", 1)
        hosts.append({"name": name, "pcap": pcap, "mac": mac.lower(),
                      "ip": ip})
        names[mac.lower()] = name
    for spec in args.name or []:
        name, mac = spec.split("=", 1)
        names.setdefault(mac.lower(), name)
    cols = [h["name"] for h in hosts]
    rows, hidden = build_rows(merge(hosts), cols, names, args.vip)
    text = text_ladder(cols, hosts, rows, hidden)
    sys.stdout.write(text)
    if args.text:
        with open(args.text, "w") as f:
            f.write(text)
    if args.gnuplot:
        with open(args.gnuplot, "w") as f:
            f.write(gnuplot_script(cols, hosts, rows, args.png))
    # what the lesson asserts, one line each, for scripts to grep
    for r in rows:
        g = r["g"]
        if "rewrite_of" in g:
            print("finding: rewrite #%d -> #%d: the IP packet crossed %s "
                  "unchanged, dst MAC %s" % (
                      g["rewrite_of"], r["n"], r["from"], r["to"][0]))
        if g.get("direct_reply"):
            print("finding: direct #%d: %s -> %s from the VIP, not seen by "
                  "%s" % (r["n"], r["from"], r["to"][0], cols[1]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("frames")
    p.add_argument("pcap")
    p.set_defaults(func=cmd_frames)
    p = sub.add_parser("ladder")
    p.add_argument("--host", action="append", required=True,
                   help="NAME[@IP]=PCAP=MAC, one per column, in order")
    p.add_argument("--name", action="append", help="NAME=MAC, no column")
    p.add_argument("--vip", required=True)
    p.add_argument("--text")
    p.add_argument("--gnuplot")
    p.add_argument("--png", default="ladder.png")
    p.set_defaults(func=cmd_ladder)
    args = ap.parse_args()
    args.func(args)


main()
