"""Command line of the replay server: ``python -m helpers.replay [--port P] [--cassettes DIR] [--speed S]
[--record --upstream URL]``.

The first line on stdout is the server's URL; it serves until SIGTERM or Ctrl-C and exits 0. With --record it
forwards every request to the upstream with the client's own key and saves each exchange as a cassette.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from helpers.cassette import Library
from helpers.config import validated_endpoint
from helpers.record import Recorder
from helpers.replay import ReplayServer, default_cassettes, default_speed, parse_speed


def port_number(text: str) -> int:
    """A TCP port, 0 to 65535."""
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: use 0 to 65535 (0 picks a free one)")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.replay",
        description="Answer chat-completion requests from recorded cassettes.",
    )
    parser.add_argument(
        "--port", type=port_number, default=0, help="port on 127.0.0.1 (default 0: a free one)"
    )
    parser.add_argument(
        "--cassettes",
        type=Path,
        help="cassette folder (default: GITHUB_MODELS_CASSETTES or the recordings shipped with the lessons)",
    )
    parser.add_argument(
        "--speed", help="pacing factor: 1 as recorded, 0 instant (default: GITHUB_MODELS_REPLAY_SPEED or 1)"
    )
    parser.add_argument("--record", action="store_true", help="forward to --upstream and save every exchange")
    parser.add_argument("--upstream", help="with --record: base URL of the live service")
    args = parser.parse_args(argv)
    if args.record != bool(args.upstream):
        parser.error("--record and --upstream URL go together")
    try:
        speed = parse_speed(args.speed) if args.speed is not None else default_speed()
        upstream = validated_endpoint(args.upstream, "--upstream") if args.record else None
        folder = args.cassettes.resolve() if args.cassettes else default_cassettes()
        if upstream:
            folder.mkdir(parents=True, exist_ok=True)
        library = Library.load(folder)
    except (ValueError, OSError) as error:
        parser.exit(2, f"error: {error}\n")
    try:
        recorder = Recorder(upstream, library) if upstream else None
        server = ReplayServer(library, port=args.port, speed=speed, verbose=True, forwarder=recorder)
    except OSError as error:
        parser.exit(
            2,
            f"error: cannot listen on port {args.port} ({error.strerror}): stop what uses it, or use --port 0\n",
        )
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(server.url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
