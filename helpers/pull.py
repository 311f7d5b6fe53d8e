"""``make local-model``: pull the Ollama build of the lessons' model, the first time local mode is used.

``python -m helpers.pull`` pulls the tag of GITHUB_MODELS_MODEL (default Phi-3-mini-4k-instruct, phi3:mini)
through Ollama's own API at OLLAMA_HOST, so it works wherever Ollama runs, with or without its command line.
"""

from __future__ import annotations

import json
import os
import sys
from http.client import HTTPConnection
from urllib.parse import urlsplit

from helpers.local import START_OLLAMA, download_size, local_tag, ollama_url, ollama_version
from helpers.models import LOCAL_DEFAULT_MODEL

PULL_TIMEOUT = 600  # seconds without a progress line before giving up


def pull(url: str, tag: str, out=sys.stdout) -> None:
    """Pull a model into Ollama through its API (``make local-model``), printing each step once and the
    download every 10 %; OSError when Ollama does not answer, RuntimeError when it refuses."""
    parts = urlsplit(url)
    connection = HTTPConnection(parts.hostname, parts.port, timeout=PULL_TIMEOUT)
    try:
        connection.request("POST", "/api/pull", json.dumps({"model": tag, "stream": True}))
        response, shown = connection.getresponse(), set()
        for line in response:
            event = json.loads(line) if line.strip() else {}
            if "error" in event:
                raise RuntimeError(f"Ollama could not pull {tag}: {event['error']}")
            status, total = event.get("status", ""), event.get("total")
            step = f"{status} {10 * (event.get('completed', 0) * 10 // total)} %" if total else status
            if step and step not in shown:
                shown.add(step)
                print(step, file=out, flush=True)
    finally:
        connection.close()


def main(argv: list[str]) -> int:
    """Pull the local build of GITHUB_MODELS_MODEL; 0 when Ollama has it, 1 with what to do when not."""
    if argv:
        print(
            "usage: python -m helpers.pull   (pulls the Ollama build of GITHUB_MODELS_MODEL)", file=sys.stderr
        )
        return 2
    try:
        url = ollama_url()
        tag = local_tag(os.environ.get("GITHUB_MODELS_MODEL", "").strip() or LOCAL_DEFAULT_MODEL)
        version = ollama_version(url)  # does Ollama answer at all?
        print(f"Pulling {tag} into Ollama {version} at {urlsplit(url).netloc}{download_size(tag)}")
        pull(url, tag)
    except OSError:
        print(f"Ollama does not answer at {urlsplit(url).netloc}: {START_OLLAMA}, then run this again.")
        return 1
    except (ValueError, RuntimeError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{tag} is ready: set GITHUB_MODELS_MODE=local and run the lessons.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
