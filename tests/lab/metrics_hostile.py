#!/usr/bin/env python3
"""Hostile clients of uvsd's metrics endpoint, for the uvs lab: opens at
once N connections of each kind, then waits (at most --deadline s) for
each to be answered and closed, and prints one line per connection:
KIND STATUS SECONDS, STATUS being the answer's code ("none" if the
connection closed without one, "hang" if it was still open at the
deadline). Kinds:
  silent   connects and sends nothing (slowloris)
  partial  sends half a request line and stops
  garbage  sends binary junk ending in a newline
  huge     sends a good request line, then endless header bytes
  flood    sends a whole good request (many of them: more than the slots)
Usage: metrics_hostile.py HOST PORT [--silent N] [--partial N]
       [--garbage N] [--huge N] [--flood N] [--deadline S]"""
import argparse
import os
import selectors
import socket
import time

SENDS = {
    "silent": b"",
    "partial": b"GET /metr",
    "garbage": bytes([0x16, 0x03, 0x01, 0x02, 0x01, 0xfc, 0x03]) +
    os.urandom(64).replace(b"\n", b"x").replace(b"\0", b"y") + b"\n",
    "huge": b"GET /metrics HTTP/1.1\r\n" + b"X-Junk: " + b"a" * 8000,
    "flood": b"GET /metrics HTTP/1.1\r\nHost: lab\r\n\r\n",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    for kind in SENDS:
        ap.add_argument("--" + kind, type=int, default=0)
    ap.add_argument("--deadline", type=float, default=10)
    a = ap.parse_args()
    sel = selectors.DefaultSelector()
    conns = []
    t0 = time.monotonic()
    for kind in SENDS:
        for _ in range(getattr(a, kind)):
            s = socket.create_connection((a.host, a.port), timeout=3)
            s.setblocking(False)
            c = {"kind": kind, "s": s, "data": b"", "start": time.monotonic(),
                 "end": None}
            try:
                if SENDS[kind]:
                    s.send(SENDS[kind])
            except OSError:
                pass
            sel.register(s, selectors.EVENT_READ, c)
            conns.append(c)
    open_n = len(conns)
    while open_n and time.monotonic() - t0 < a.deadline:
        for key, _ in sel.select(timeout=0.2):
            c = key.data
            try:
                chunk = c["s"].recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if chunk:
                c["data"] += chunk
                continue
            c["end"] = time.monotonic()
            sel.unregister(c["s"])
            c["s"].close()
            open_n -= 1
    for c in conns:
        if c["end"] is None:
            status, took = "hang", a.deadline
            c["s"].close()
        else:
            parts = c["data"].split(b" ", 2)
            status = parts[1].decode() if len(parts) > 1 and \
                parts[0].startswith(b"HTTP/1.") else "none"
            took = c["end"] - c["start"]
        print("%s %s %.2f" % (c["kind"], status, took))


main()
