#!/usr/bin/env python3
"""Send UDP datagrams of given sizes to the VIP and check each echo is whole.

For the uvs test lab (stdlib only). The real servers' udp_echo.py answers
"<name> <payload>"; a datagram larger than the client's MTU leaves in
fragments, and the echo only comes back if every fragment reached the same
real server. Each payload is distinct (size, round and a seeded pattern),
so an echo proves the exact bytes arrived.

  udp_sizes.py --vip 198.18.0.10 --port 9000 --sizes 1232,3000,9000 \
      --rounds 5

Prints one line per datagram: "ok SIZE NAME" or "lost SIZE REASON", then
"whole N of M".
"""

import argparse
import socket
import sys


def payload(size, rnd):
    head = b"%d:%d:" % (size, rnd)
    body = bytes((i * 7 + rnd) & 0xff for i in range(size - len(head)))
    return head + body


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vip", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--sizes", required=True, help="comma-separated bytes")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--timeout", type=float, default=2.0)
    a = p.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]
    whole = total = 0
    for rnd in range(a.rounds):
        for size in sizes:
            total += 1
            data = payload(size, rnd)
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(a.timeout)
            s.connect((a.vip, a.port))
            try:
                s.send(data)
                reply = s.recv(65535)
            except OSError as e:
                print("lost %d %s" % (size, e))
                continue
            finally:
                s.close()
            name, _, echoed = reply.partition(b" ")
            if echoed == data:
                whole += 1
                print("ok %d %s" % (size, name.decode()))
            else:
                print("lost %d echo-differs(%d bytes)" % (size, len(echoed)))
    print("whole %d of %d" % (whole, total))
    return 0 if whole == total else 1


if __name__ == "__main__":
    sys.exit(main())
