#!/usr/bin/env python3
"""Servers that keepalived's checkers talk to, for the uvs test lab (stdlib).

  check_servers.py https --port 443 --cert C --key K --name rs1 --log FILE
      HTTPS (TLS with the given self-signed certificate), HTTP/1.0:
      GET / -> 200 "<name>\\n", GET /health -> 200 "ok\\n", else 404.
      Every request appends "<Host header> <path>" to --log.
  check_servers.py smtp --port 25 --name rs1 --log FILE
      A tiny SMTP responder: "220 <name> ESMTP" on connect, 250 to
      HELO/EHLO, 221 to QUIT, 502 to anything else. Every command line
      is appended to --log.

Both bind 0.0.0.0, serve each connection in a thread and stop on SIGTERM.
"""

import argparse
import signal
import socketserver
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG_LOCK = threading.Lock()


def log_line(path, line):
    if not path:
        return
    with LOG_LOCK, open(path, "a") as f:
        f.write(line + "\n")


def https(args):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            log_line(args.log, "%s %s" % (self.headers.get("Host", "-"),
                                          self.path))
            if self.path == "/":
                body = ("%s\n" % args.name).encode()
            elif self.path == "/health":
                body = b"ok\n"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("0.0.0.0", args.port), Handler)
    srv.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    return srv


def smtp(args):
    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            self.wfile.write(("220 %s ESMTP\r\n" % args.name).encode())
            for raw in self.rfile:
                line = raw.decode(errors="replace").strip()
                log_line(args.log, line)
                verb = line.split(" ")[0].upper()
                if verb in ("HELO", "EHLO"):
                    self.wfile.write(("250 %s\r\n" % args.name).encode())
                elif verb == "QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                else:
                    self.wfile.write(b"502 not implemented\r\n")

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    srv = socketserver.ThreadingTCPServer(("0.0.0.0", args.port), Handler)
    srv.daemon_threads = True
    return srv


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["https", "smtp"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--name", default="rs")
    ap.add_argument("--log")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    args = ap.parse_args()
    srv = https(args) if args.kind == "https" else smtp(args)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    srv.serve_forever()


if __name__ == "__main__":
    main()
