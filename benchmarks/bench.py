"""``make bench``: the replay server and the nbval run, each beside a floor measured in the same run.

- Round trip: the same http.client loop (one kept-alive connection) posts the lesson's single call to
  ``python -m helpers.replay --speed 0`` and to a bare loopback http.server (benchmarks/floor_server.py).
- Time to first chunk: the same for the streamed lesson call, until the first SSE bytes arrive.
- nbval: every lesson notebook, beside as many one-cell notebooks that only import the SDK.
- Concurrency: lesson 08's eight questions at recorded pacing (speed 1), one after another, then with
  azure.ai.inference.aio and asyncio.gather, at most five at a time.
Figures go to stdout and bench-results/latest.json.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.aio import ChatCompletionsClient as AsyncChatCompletionsClient
from azure.core.credentials import AzureKeyCredential

from helpers.cassette import Library
from helpers.replay import start_in_thread

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "helpers" / "cassettes"
ROUNDS = 2000
STREAM_ROUNDS = 300
ENV = {**os.environ, "GITHUB_MODELS_MODE": "replay", "GITHUB_MODELS_REPLAY_SPEED": "0"}


def start(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    return process, process.stdout.readline().strip()


def request_body(name: str) -> bytes:
    return json.dumps(json.loads((CASSETTES / name).read_text())["request"]["body"]).encode()


def timed_posts(url: str, path: str, body: bytes, rounds: int, first_bytes: bool) -> list[float]:
    """Seconds per request on one kept-alive connection: whole response, or until its first bytes."""
    connection = http.client.HTTPConnection(urlsplit(url).netloc)
    headers = {"Content-Type": "application/json"}
    times = []
    for _ in range(rounds):
        start_time = time.perf_counter()
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        if first_bytes:
            response.read1(1)
            times.append(time.perf_counter() - start_time)
            response.read()
        else:
            response.read()
            times.append(time.perf_counter() - start_time)
        assert response.status == 200, response.status
    connection.close()
    return times


def percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"p50_ms": statistics.median(ordered) * 1000, "p99_ms": ordered[int(len(ordered) * 0.99)] * 1000}


def server_figures() -> dict:
    replay, replay_url = start("-m", "helpers.replay", "--speed", "0")
    floor, floor_url = start("benchmarks/floor_server.py")
    single, stream = request_body("single-call.json"), request_body("streaming-exercise.json")
    try:
        figures = {}
        for label, url, paths in (
            ("replay", replay_url, ("/chat/completions?api-version=2024-05-01-preview",) * 2),
            ("floor", floor_url, ("/single", "/stream")),
        ):
            timed_posts(url, paths[0], single, 200, False)  # warm up
            figures[f"{label}_round_trip"] = percentiles(timed_posts(url, paths[0], single, ROUNDS, False))
            figures[f"{label}_first_chunk"] = percentiles(
                timed_posts(url, paths[1], stream, STREAM_ROUNDS, True)
            )
        return figures
    finally:
        for process in (replay, floor):
            process.terminate()
            process.wait()


def nbval_seconds(paths: list[Path]) -> float:
    start_time = time.perf_counter()
    command = [sys.executable, "-m", "pytest", "-c", "pyproject.toml", "-q", *map(str, paths)]
    subprocess.run(command, cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start_time


def nbval_figures() -> dict:
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    with tempfile.TemporaryDirectory() as folder:
        floors = []
        for index in range(len(lessons)):
            notebook = nbformat.v4.new_notebook(
                cells=[nbformat.v4.new_code_cell("import azure.ai.inference")]
            )
            notebook.metadata["kernelspec"] = {
                "name": "python3",
                "display_name": "Python 3",
                "language": "python",
            }
            floors.append(Path(folder) / f"floor-{index}.ipynb")
            nbformat.write(notebook, floors[-1])
        floor = nbval_seconds(floors)
    return {"notebooks": len(lessons), "nbval_s": nbval_seconds(lessons), "nbval_floor_s": floor}


def concurrency_figures() -> dict:
    server = start_in_thread(Library.load(CASSETTES), speed=1.0)
    bodies = [c.request["body"] for c in server.library.by_key.values() if c.name.startswith("city-")]
    key = AzureKeyCredential("bench")
    start_time = time.perf_counter()
    with ChatCompletionsClient(endpoint=server.url, credential=key) as client:
        for body in bodies:
            client.complete(body=body)
    sequential = time.perf_counter() - start_time

    async def together() -> None:
        limit = asyncio.Semaphore(5)

        async def ask(client, body):
            async with limit:
                await client.complete(body=body)

        async with AsyncChatCompletionsClient(endpoint=server.url, credential=key) as client:
            await asyncio.gather(*(ask(client, body) for body in bodies))

    start_time = time.perf_counter()
    asyncio.run(together())
    concurrent = time.perf_counter() - start_time
    server.shutdown()
    return {"questions": len(bodies), "sequential_s": sequential, "concurrent_s": concurrent}


def main() -> None:
    figures = {**server_figures(), **nbval_figures(), "concurrency": concurrency_figures()}
    round_trip = figures["replay_round_trip"]["p50_ms"] / figures["floor_round_trip"]["p50_ms"]
    first_chunk = figures["replay_first_chunk"]["p50_ms"] / figures["floor_first_chunk"]["p50_ms"]
    nbval = figures["nbval_s"] / figures["nbval_floor_s"]
    figures["ratios"] = {"round_trip_p50": round_trip, "first_chunk_p50": first_chunk, "nbval": nbval}
    for kind in ("round_trip", "first_chunk"):
        replay, floor = figures[f"replay_{kind}"], figures[f"floor_{kind}"]
        print(
            f"{kind.replace('_', ' '):12} replay p50 {replay['p50_ms']:.3f} ms p99 {replay['p99_ms']:.3f} ms"
            f" | floor p50 {floor['p50_ms']:.3f} ms p99 {floor['p99_ms']:.3f} ms"
            f" | ratio {figures['ratios'][kind + '_p50']:.2f}x"
        )
    print(
        f"nbval        {figures['notebooks']} notebooks {figures['nbval_s']:.1f} s"
        f" | floor {figures['nbval_floor_s']:.1f} s | ratio {nbval:.2f}x"
    )
    together = figures["concurrency"]
    figures["ratios"]["async_speedup"] = together["sequential_s"] / together["concurrent_s"]
    print(
        f"concurrency  {together['questions']} questions at speed 1: one after another {together['sequential_s']:.2f} s"
        f" | five at a time {together['concurrent_s']:.2f} s | speed-up {figures['ratios']['async_speedup']:.2f}x"
    )
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
