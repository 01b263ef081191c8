#!/usr/bin/env python3
"""UDP echo for a real server in the uvs test lab (stdlib only).

Binds the given address, normally the VIP on lo, so that replies leave with
the VIP as source address, as DR requires. Each datagram gets one reply:
"<name> <received payload>".

  udp_echo.py --name rs1 --bind 198.18.0.10 --port 9000
  udp_echo.py --name rs1 --bind 2001:db8::10 --port 9000   (IPv6)
"""

import argparse
import signal
import socket
import sys

# Largest UDP payload over IPv4.
MAX_DGRAM = 65507


def on_sigterm(signum, frame):
    raise SystemExit(0)


def parse_args():
    p = argparse.ArgumentParser(description="uvs lab real-server UDP echo")
    p.add_argument("--name", required=True, help="reply prefix, e.g. rs1")
    p.add_argument("--bind", required=True, help="address to bind (the VIP)")
    p.add_argument("--port", type=int, required=True)
    return p.parse_args()


def serve(sock, prefix):
    while True:
        data, peer = sock.recvfrom(MAX_DGRAM)
        try:
            sock.sendto((prefix + data)[:MAX_DGRAM], peer)
        except OSError:
            # a client we have no route to (a flood's made-up source):
            # that reply is lost, the next client is still served
            pass


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, on_sigterm)
    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.bind((args.bind, args.port))
    except OSError as e:
        print("udp_echo: bind %s:%d: %s" % (args.bind, args.port, e.strerror),
              file=sys.stderr)
        return 1
    try:
        serve(sock, args.name.encode() + b" ")
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
