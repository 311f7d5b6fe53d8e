"""The floor for ``make bench``: a bare loopback http.server that answers every POST with fixed bytes.

It reads the request body and sends back the same payloads the replay server would (a JSON body, or the
SSE events in HTTP chunks), but without matching or pacing, so the difference is the replay's own cost.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from helpers.cassette import load_cassette
from helpers.replay import DEFAULT_CASSETTES, sse_line

SINGLE = load_cassette(DEFAULT_CASSETTES / "single-call.json")
STREAM = load_cassette(DEFAULT_CASSETTES / "streaming-exercise.json")
JSON_BODY = json.dumps(SINGLE.response["body"], ensure_ascii=False).encode()
EVENTS = [sse_line(event["data"]) for event in STREAM.response["events"]]


class FloorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        if self.path.startswith("/stream"):
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for event in EVENTS:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            return
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(JSON_BODY)))
        self.end_headers()
        self.wfile.write(JSON_BODY)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), FloorHandler)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
