#!/usr/bin/env python3
"""Bounded HTTP client for the ECMP lab: many TCP connections to VIP:80,
each from a fixed source port, so that a test can name a flow by its
port and open the same flow (5-tuple) again later.

  ecmp_client.py once VIP N BASE
      N connections one after another, from ports BASE..BASE+N-1: a GET on
      each, then close with an RST (SO_LINGER 0), so that no TIME_WAIT on
      either side keeps the port from being used again at once. Prints
      "conn I PORT SERVER" (SERVER: the real server's name, or the error).

  ecmp_client.py hold VIP N BASE GOFILE [WAIT [ANSWER]]
      N keep-alive connections, a GET on each ("before I PORT SERVER"),
      then "ready"; once GOFILE exists (at most WAIT s, default 60) a
      second GET on each connection, in an order shuffled with BASE as
      seed (clients come back in no order: a scheduler that saw the
      flows start in one order must not meet them again in the same),
      every request sent before any answer is read, all answers read
      within ANSWER s (default 3) ("after I PORT SERVER",
      or timeout, reset, closed, ...).

Every connect and read has a timeout, and every loop is bounded by N.
"""
import os
import random
import socket
import struct
import sys
import time

REQ = b"GET / HTTP/1.1\r\nHost: lab\r\n\r\n"


def answer(s):
    """The body of one HTTP answer (Content-Length bound), stripped."""
    data = b""
    while True:
        if b"\r\n\r\n" in data:
            head, body = data.split(b"\r\n\r\n", 1)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    length = int(v)
            if len(body) >= length:
                return body.decode(errors="replace").strip()
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk


def what(e):
    """One word for an error."""
    if isinstance(e, socket.timeout):
        return "timeout"
    if isinstance(e, ConnectionResetError):
        return "reset"
    if isinstance(e, ConnectionError) and str(e) == "closed":
        return "closed"
    return type(e).__name__


def connect(vip, port, timeout):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.settimeout(timeout)
    s.connect((vip, 80))
    return s


def once(vip, n, base):
    for i in range(n):
        s = None
        try:
            s = connect(vip, base + i, 3)
            s.sendall(REQ)
            got = answer(s)
        except OSError as e:
            got = what(e)
        if s is not None:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
            s.close()
        print("conn", i, base + i, got, flush=True)


def hold(vip, n, base, go, wait, within):
    socks = []
    for i in range(n):
        try:
            s = connect(vip, base + i, 3)
            s.sendall(REQ)
            got = answer(s)
        except OSError as e:
            s, got = None, what(e)
        print("before", i, base + i, got, flush=True)
        socks.append(s)
    print("ready", flush=True)
    end = time.monotonic() + wait
    while not os.path.exists(go) and time.monotonic() < end:
        time.sleep(0.05)
    order = list(range(n))
    random.Random(base).shuffle(order)
    for i in order:
        s = socks[i]
        if s is None:
            continue
        try:
            s.sendall(REQ)
        except OSError:
            pass
    end = time.monotonic() + within
    for i, s in enumerate(socks):
        if s is None:
            got = "unopened"
        else:
            s.settimeout(max(0.05, end - time.monotonic()))
            try:
                got = answer(s)
            except OSError as e:
                got = what(e)
        print("after", i, base + i, got, flush=True)
    for s in socks:
        if s is not None:
            s.close()


def main():
    mode, vip, n, base = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
    if not (0 < n <= 5000 and 1024 <= base and base + n <= 65536):
        sys.exit("ecmp_client.py: N or BASE out of range")
    if mode == "once":
        once(vip, n, base)
    elif mode == "hold":
        wait = float(sys.argv[6]) if len(sys.argv) > 6 else 60
        within = float(sys.argv[7]) if len(sys.argv) > 7 else 3
        if not (0 < wait <= 600 and 0 < within <= 60):
            sys.exit("ecmp_client.py: WAIT or ANSWER out of range")
        hold(vip, n, base, sys.argv[5], wait, within)
    else:
        sys.exit("ecmp_client.py: mode is once or hold")


main()
