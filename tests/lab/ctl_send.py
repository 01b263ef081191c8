#!/usr/bin/env python3
"""One raw request line to uvsd's control socket, its reply to stdout.

For a test that needs a request uvsadm does not make yet (an IPv6
service before uvsadm parses one). Exit 0 when the reply does not start
with "error", 1 when it does, 2 on a socket error.

  ctl_send.py SOCKET 'add-service proto=tcp vip=2001:db8::10 vport=80 sched=rr'
"""

import socket
import sys


def main():
    if len(sys.argv) != 3 or "\n" in sys.argv[2]:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(sys.argv[1])
        s.sendall(sys.argv[2].encode() + b"\n")
        reply = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
    except OSError as e:
        print("ctl_send: %s" % e, file=sys.stderr)
        return 2
    finally:
        s.close()
    text = reply.decode(errors="replace")
    sys.stdout.write(text)
    return 1 if text.startswith("error") else 0


if __name__ == "__main__":
    sys.exit(main())
