#!/usr/bin/env python3
"""HTTP server for a real server in the uvs test lab (stdlib only).

Binds 0.0.0.0 so it accepts connections addressed to the VIP the real server
holds on lo; with --v6, [::] for both families (a v4 client is still logged
as a.b.c.d, not ::ffff:a.b.c.d). HTTP/1.1 with Content-Length on every reply, so keep-alive works.

  GET /              200 "<name>\\n": shows which real server answered
  GET /blob?size=N   200, N bytes of blob_chunks(N); compare with --gen-blob N
  POST /upload       reads Content-Length bytes, 200 "<sha256 hex> <length>\\n"

Every request appends "<client ip> <method> <path>" to --log and flushes, so
a test can prove the real server saw the client's own address (DR keeps it).

  rs_httpd.py --name rs1 --port 80 --log FILE
  rs_httpd.py --gen-blob N > file     the same N bytes /blob?size=N sends
"""

import argparse
import hashlib
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CHUNK = 64 * 1024
# Bound on /blob and /upload sizes: the lab moves tens of MB, not more.
MAX_SIZE = 1 << 30


def blob_base():
    """64 KiB from a sha256 chain: no byte repeats with a short period."""
    out = bytearray()
    digest = b"uvs-lab-blob"
    while len(out) < CHUNK:
        digest = hashlib.sha256(digest).digest()
        out += digest
    return bytes(out[:CHUNK])


def blob_chunks(size):
    """Yield the deterministic blob of `size` bytes in 64 KiB chunks.

    Chunk k is the base block with its first 32 bytes replaced by
    sha256(k): a lost, repeated or reordered chunk changes the checksum.
    """
    base = blob_base()
    k = 0
    while size > 0:
        head = hashlib.sha256(k.to_bytes(8, "big")).digest()
        chunk = head + base[len(head):]
        yield chunk[:size]
        size -= len(chunk)
        k += 1


class LabHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "uvs-lab-rs"

    def parse_request(self):
        ok = super().parse_request()
        if ok:
            self.server.log_request_line(self.client_address[0],
                                         self.command, self.path)
        return ok

    def log_message(self, format, *args):
        pass

    def send_body(self, code, body, ctype="text/plain"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/":
            self.send_body(200, (self.server.rs_name + "\n").encode())
        elif url.path == "/blob":
            self.get_blob(parse_qs(url.query))
        else:
            self.send_body(404, b"not found\n")

    def get_blob(self, query):
        try:
            size = int(query.get("size", ["0"])[0])
        except ValueError:
            size = -1
        if size < 0 or size > MAX_SIZE:
            self.send_body(400, b"size must be 0..%d\n" % MAX_SIZE)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        for chunk in blob_chunks(size):
            self.wfile.write(chunk)

    def do_POST(self):
        if urlsplit(self.path).path != "/upload":
            self.discard_body()
            self.send_body(404, b"not found\n")
            return
        length = self.body_length()
        if length is None:
            self.close_connection = True
            self.send_body(411, b"Content-Length 0..%d required\n" % MAX_SIZE)
            return
        digest, got = self.hash_body(length)
        if got != length:
            self.close_connection = True
            return
        self.send_body(200, ("%s %d\n" % (digest, got)).encode())

    def body_length(self):
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return None
        if length < 0 or length > MAX_SIZE:
            return None
        return length

    def hash_body(self, length):
        """Read exactly `length` bytes in chunks; return (sha256 hex, read)."""
        h = hashlib.sha256()
        got = 0
        while got < length:
            data = self.rfile.read(min(CHUNK, length - got))
            if not data:
                break
            h.update(data)
            got += len(data)
        return h.hexdigest(), got

    def discard_body(self):
        length = self.body_length()
        if length is None:
            self.close_connection = True
            return
        self.hash_body(length)


class LabServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver listens with a backlog of 5: a test's burst of clients
    # would lose SYNs to a full accept queue and wait out a retransmit
    request_queue_size = 128

    def __init__(self, addr, name, log):
        super().__init__(addr, LabHandler)
        self.rs_name = name
        self.log = log
        self.log_lock = threading.Lock()

    def log_request_line(self, client, method, path):
        if client.startswith("::ffff:") and "." in client:
            client = client[len("::ffff:"):]
        with self.log_lock:
            self.log.write("%s %s %s\n" % (client, method, path))
            self.log.flush()


class LabServer6(LabServer):
    address_family = socket.AF_INET6

    def server_bind(self):
        # one socket for both families, whatever bindv6only says
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def gen_blob(size):
    out = sys.stdout.buffer
    for chunk in blob_chunks(size):
        out.write(chunk)
    out.flush()


def on_sigterm(signum, frame):
    raise SystemExit(0)


def parse_args():
    p = argparse.ArgumentParser(description="uvs lab real-server HTTP")
    p.add_argument("--name", help="answer of GET /, e.g. rs1")
    p.add_argument("--port", type=int, default=80)
    p.add_argument("--log", help="request log, one line per request")
    p.add_argument("--v6", action="store_true",
                   help="listen on [::] (IPv6 and IPv4), not 0.0.0.0")
    p.add_argument("--gen-blob", type=int, metavar="N",
                   help="write the N bytes /blob?size=N sends, then exit")
    args = p.parse_args()
    if args.gen_blob is not None:
        if args.gen_blob < 0 or args.gen_blob > MAX_SIZE:
            p.error("--gen-blob: N must be 0..%d" % MAX_SIZE)
    elif not args.name or not args.log:
        p.error("--name and --log are required")
    return args


def main():
    args = parse_args()
    if args.gen_blob is not None:
        gen_blob(args.gen_blob)
        return 0
    signal.signal(signal.SIGTERM, on_sigterm)
    with open(args.log, "a") as log:
        if args.v6:
            server = LabServer6(("::", args.port), args.name, log)
        else:
            server = LabServer(("0.0.0.0", args.port), args.name, log)
        try:
            server.serve_forever()
        except (SystemExit, KeyboardInterrupt):
            pass
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
