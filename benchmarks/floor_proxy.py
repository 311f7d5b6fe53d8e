"""A floor for local mode's forwarding in ``make bench``: the least a Python proxy on http.server can do.

It passes each POST to one kept-alive upstream connection and the answer back, with nothing else (no
matching, no renaming beyond the model, no error handling), so local mode's cost above it is its own.
"""

from __future__ import annotations

import json
import socket
import threading
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class FloorProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        upstream = self.server.connection()
        upstream.request("POST", self.path, json.dumps({**body, "model": "phi3:mini"}).encode())
        answer = upstream.getresponse()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.getheader("Content-Type", ""))
        if answer.chunked:  # a stream: pass each line on as it arrives
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for line in answer:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
            self.wfile.write(b"0\r\n\r\n")
        else:
            data = answer.read()
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)


class FloorProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str):
        self.upstream, self.local = urlsplit(upstream).netloc, threading.local()
        super().__init__(("127.0.0.1", 0), FloorProxyHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def connection(self) -> HTTPConnection:
        """This handler thread's kept-alive connection to the upstream."""
        if not hasattr(self.local, "connection"):
            self.local.connection = HTTPConnection(self.upstream)
            self.local.connection.connect()
            self.local.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.local.connection

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"
