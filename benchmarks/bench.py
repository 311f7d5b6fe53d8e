"""``make bench``: the replay server and the nbval run, each beside a floor measured in the same run.

- Round trip: the same http.client loop (one kept-alive connection) posts the lesson's single call to
  ``python -m helpers.replay --speed 0`` and to a bare loopback http.server (benchmarks/floor_server.py).
- Time to first chunk: the same for the streamed lesson call, until the first SSE bytes arrive.
- nbval: every lesson notebook, beside as many one-cell notebooks that only import the SDK, and the French
  edition's lessons.
- Local mode's forwarding: lesson 01's single call (and lesson 03's stream, to its first chunk) through the
  kernel's server in local mode to a loopback fake of Ollama (tests/fake_ollama.py) in a process of its own,
  beside the same request sent straight to the fake, and through the least a Python proxy can do
  (benchmarks/floor_proxy.py).
- The site (``make site``): scripts/build_site.py over both editions (two Sphinx builds), beside a floor: Sphinx
  with the site's own configuration building one empty page (its start-up, theme and extensions).
- Concurrency: lesson 08's eight questions at recorded pacing (speed 1), one after another, then with
  azure.ai.inference.aio and asyncio.gather, at most five at a time.
- The in-browser edition (``--in-browser-only`` runs only it): its build (scripts/build_lite.py), its size as
  built and gzipped, and lesson 01's time to first answer in Chromium (open the page, Run All as soon as the
  kernel is ready) beside a desktop kernel's (nbclient, from kernel start), both at the recorded pace.
- Cold installs (about three minutes; ``--no-installs`` skips them, ``--installs-only`` runs only them): the
  Makefile's own install steps in a fresh copy of the project with empty pip, uv, npm and matplotlib caches:
  ``make lab``'s (the runtime), ``make test``'s (runtime + dev), ``make lab INSTALLER=pip``'s (pip alone, as
  README's plain commands) and the old ``make lab``'s (runtime and dev with pip, as before issue 12), beside
  a floor: a fresh venv and a cold pip install of one small package. Each gives seconds, the venv's size and
  its package count; issue 12's figure for the old ``make lab`` is printed beside them.
- The suite (``--suite-only`` runs only it, about three minutes): make test's pytest, on every core as make test
  runs it, its wall time and its ten slowest tests, beside a floor: the same pytest starting its workers and
  collecting everything, then running nothing.
Figures go to stdout and bench-results/latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import http.client
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import nbformat
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.aio import ChatCompletionsClient as AsyncChatCompletionsClient
from azure.core.credentials import AzureKeyCredential
from floor_proxy import FloorProxy  # benchmarks/floor_proxy.py (this script's folder is on sys.path)

from helpers.cassette import Library
from helpers.local import OllamaForwarder
from helpers.replay import start_in_thread

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "helpers" / "cassettes"
ROUNDS = 2000
STREAM_ROUNDS = 300
LOCAL_ROUNDS = 500
FAKE_OLLAMA = (  # tests/fake_ollama.py's stand-in for Ollama, serving until terminated
    "import sys, threading; sys.path.insert(0, 'tests'); from fake_ollama import FakeOllama; "
    "print(FakeOllama().url, flush=True); threading.Event().wait()"
)
ENV = {**os.environ, "GITHUB_MODELS_MODE": "replay", "GITHUB_MODELS_REPLAY_SPEED": "0"}
# What the Makefile's install steps read (git-tracked files only).
INSTALL_INPUTS = ("Makefile", "pyproject.toml", "README.md", "LICENSE", "helpers", "js")
# Issue 12, "First install": the old make lab on this machine, when it installed runtime and dev with pip.
BEFORE_ISSUE_12 = {"seconds": 68.0, "venv_mb": 772, "packages": 141}
# The old make lab's install step, as it was before the runtime and the dev extra were split.
OLD_MAKE_LAB = (
    "python3 -m venv .venv && .venv/bin/python -m pip install --quiet --upgrade pip"
    " && .venv/bin/python -m pip install --quiet -e '.[dev]' && .venv/bin/python -c 'import matplotlib.pyplot'"
    " && if command -v npm >/dev/null; then npm ci --prefix js --no-audit --no-fund; fi"
)
INSTALL_RUNS = {  # name: (label, command run in a fresh copy of the project)
    "floor": (
        "floor: venv + one small package (pip)",
        "python3 -m venv .venv && .venv/bin/python -m pip install -q packaging",
    ),
    "make_lab": ("make lab: runtime (uv)", "make .venv/.installed"),
    "make_test": ("make test: runtime + dev (uv)", "make .venv/.installed-dev"),
    "make_lab_pip": ("make lab INSTALLER=pip: runtime (pip)", "make .venv/.installed INSTALLER=pip"),
    "old_make_lab": ("old make lab: runtime + dev (pip)", OLD_MAKE_LAB),
}


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


def local_mode_figures() -> dict:
    """Round trips through local mode's forwarder, in this process as in a kernel, to a fake Ollama in a
    process of its own, as Ollama is; beside the same requests sent straight to the fake."""
    ollama, ollama_url = start("-c", FAKE_OLLAMA)
    forwarder, floor = start_in_thread(None, 0, OllamaForwarder(ollama_url)), FloorProxy(ollama_url)
    single, stream = (
        json.loads(request_body(name)) for name in ("single-call.json", "streaming-exercise.json")
    )
    figures = {}
    try:
        for label, url, model in (
            ("local", forwarder.url, "Phi-3-mini-4k-instruct"),
            ("ollama", ollama_url, "phi3:mini"),
            ("floor_proxy", floor.url, "phi3:mini"),
        ):
            body, streamed = (
                json.dumps({**request, "model": model}).encode() for request in (single, stream)
            )
            path = "/v1/chat/completions"
            timed_posts(url, path, body, 100, False)  # warm up
            figures[f"{label}_round_trip"] = percentiles(timed_posts(url, path, body, LOCAL_ROUNDS, False))
            figures[f"{label}_first_chunk"] = percentiles(
                timed_posts(url, path, streamed, LOCAL_ROUNDS, True)
            )
        return figures
    finally:
        for server in (forwarder, floor):
            server.shutdown()
            server.server_close()
        ollama.terminate()
        ollama.wait()


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
    french = sorted((ROOT / "notebooks" / "fr").glob("[0-9][0-9]-*.ipynb"))
    return {
        "notebooks": len(lessons),
        "nbval_s": nbval_seconds(lessons),
        "nbval_fr_s": nbval_seconds(french),
        "nbval_floor_s": floor,
    }


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


def site_figures() -> dict:
    """Seconds for make site's build (no install), and for the same Sphinx on one empty page."""
    with tempfile.TemporaryDirectory() as folder:
        start_time = time.perf_counter()
        command = [sys.executable, "scripts/build_site.py", "--out", f"{folder}/site"]
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        site = time.perf_counter() - start_time
        (Path(folder) / "floor").mkdir()
        (Path(folder) / "floor" / "index.md").write_text("# Floor\n")
        start_time = time.perf_counter()
        floor = [
            sys.executable,
            "-m",
            "sphinx",
            "-q",
            "-b",
            "html",
            "-c",
            "site",
            f"{folder}/floor",
            f"{folder}/out",
        ]
        subprocess.run(floor, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        return {"site_s": site, "site_floor_s": time.perf_counter() - start_time}


def first_answer_cell(lesson: Path) -> int:
    """The index, among a lesson's code cells, of the first that asks the model."""
    cells = [c for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code"]
    return next(index for index, cell in enumerate(cells) if ".complete(" in cell.source)


def desktop_first_answer(lesson: Path) -> float:
    """Seconds from starting a desktop kernel (nbclient, as nbval) to lesson 01's first answer, running its cells
    in order at the recorded pace."""
    import nbclient

    notebook = nbformat.read(lesson, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    notebook.cells = code[: first_answer_cell(lesson) + 1]
    start_time = time.perf_counter()
    nbclient.NotebookClient(notebook, resources={"metadata": {"path": str(lesson.parent)}}).execute()
    return time.perf_counter() - start_time


def browser_first_answer(site: Path, lesson: str) -> float:
    """Seconds from opening lesson 01 in the in-browser edition (a fresh browser profile, offline, on loopback)
    and pressing Run All as soon as its kernel is ready, to its first answer, at the recorded pace."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import CODE_CELLS, RUN_ALL, Lite, launched_chromium, served

    index = first_answer_cell(ROOT / lesson)
    answered = f"() => ({CODE_CELLS})()[{index}].count !== null && ({CODE_CELLS})()[{index}].text !== ''"
    with served(site) as base, launched_chromium() as browser:
        tab = Lite(browser, base, {"GITHUB_MODELS_REPLAY_SPEED": "1"})
        start_time = time.perf_counter()
        tab.open(lesson)
        tab.page.evaluate(RUN_ALL.replace("() =>", "() => void"))
        tab.page.wait_for_function(answered, polling=50)
        seconds = time.perf_counter() - start_time
        tab.close()
    return seconds


def in_browser_figures() -> dict:
    """The in-browser edition (make site's lite/): build time, size (as built, and gzipped as a web server sends
    it), and lesson 01's time to first answer in Chromium beside a desktop kernel's."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_lite  # scripts/build_lite.py

    lesson = "notebooks/01-single-call.ipynb"
    with tempfile.TemporaryDirectory() as folder:
        start_time = time.perf_counter()
        build_lite.build(Path(folder) / "lite")
        build = time.perf_counter() - start_time
        files = [path for path in (Path(folder) / "lite").rglob("*") if path.is_file()]
        size = sum(path.stat().st_size for path in files)
        gzipped = sum(len(gzip.compress(path.read_bytes(), 6)) for path in files)
        browser = browser_first_answer(Path(folder), lesson)
    figures = {
        "build_s": build,
        "size_mb": size / 1e6,
        "gzipped_mb": gzipped / 1e6,
        "browser_first_answer_s": browser,
        "desktop_first_answer_s": desktop_first_answer(ROOT / lesson),
    }
    print(
        f"in browser   build {figures['build_s']:.1f} s | {figures['size_mb']:.1f} MB "
        f"({figures['gzipped_mb']:.1f} MB gzipped) | lesson 01's first answer after "
        f"{figures['browser_first_answer_s']:.1f} s in Chromium, {figures['desktop_first_answer_s']:.1f} s on a "
        f"desktop kernel (ratio {browser / figures['desktop_first_answer_s']:.1f}x)"
    )
    return figures


def suite_figures() -> dict:
    """make test's pytest run (every core, as make test runs it): its wall time and its ten slowest tests, beside a
    floor: the same pytest starting its workers and collecting the whole suite, then running none of it."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "suite.xml"
        start_time = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        suite = time.perf_counter() - start_time
        if done.returncode:
            raise SystemExit(f"the suite failed, so its time means nothing:\n{done.stdout[-3000:]}")
        cases = ElementTree.parse(report).getroot().iter("testcase")
        timed = sorted(
            (float(case.get("time")), f"{case.get('classname')}::{case.get('name')}") for case in cases
        )
        start_time = time.perf_counter()
        floor = [sys.executable, "-m", "pytest", "-q", "-k", "no test has this name"]
        subprocess.run(floor, cwd=ROOT, capture_output=True)  # exit 5: everything deselected
        return {
            "suite_s": suite,
            "suite_floor_s": time.perf_counter() - start_time,
            "suite_tests": len(timed),
            "slowest": [{"test": name, "seconds": seconds} for seconds, name in timed[::-1][:10]],
        }


def report_suite(figures: dict) -> None:
    figures["ratios"]["suite"] = figures["suite_s"] / figures["suite_floor_s"]
    print(
        f"suite        make test's pytest, {figures['suite_tests']} tests {figures['suite_s']:.1f} s"
        f" | floor (workers start and collect, nothing runs) {figures['suite_floor_s']:.1f} s"
        f" | ratio {figures['ratios']['suite']:.1f}x; the ten slowest:"
    )
    for slow in figures["slowest"]:
        print(f"  {slow['seconds']:6.2f} s  {slow['test']}")


def venv_figures(venv: Path) -> dict:
    """Size on disk (MiB, as du counts it, hard links once) and installed distributions, pip and uv included."""
    seen, size = set(), 0
    for path in venv.rglob("*"):
        status = path.lstat()
        if (status.st_dev, status.st_ino) not in seen:
            seen.add((status.st_dev, status.st_ino))
            size += status.st_blocks * 512
    packages = len(list(venv.glob("lib/python*/*/*.dist-info")))
    return {"venv_mb": round(size / 2**20), "packages": packages}


def cold_install(folder: Path, command: list[str]) -> dict:
    """Seconds for `command` run in a fresh copy of the project with every download cache empty."""
    project, caches = folder / "project", folder / "caches"
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--", *INSTALL_INPUTS], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, project / name)
    # Nothing from the outer make (MAKEFLAGS would pass INSTALLER=... on), the bench's venv or uv settings.
    outer = ("MAKE", "MFLAGS", "VIRTUAL_ENV", "UV_")
    env = {key: value for key, value in os.environ.items() if not key.startswith(outer)}
    env.update(
        PIP_CACHE_DIR=str(caches / "pip"),
        UV_CACHE_DIR=str(caches / "uv"),
        npm_config_cache=str(caches / "npm"),
        MPLCONFIGDIR=str(caches / "matplotlib"),
    )
    start_time = time.perf_counter()
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start_time
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return {"seconds": seconds, **venv_figures(project / ".venv")}


def install_figures() -> dict:
    figures = {}
    for name, (_, command) in INSTALL_RUNS.items():
        with tempfile.TemporaryDirectory() as folder:
            figures[name] = cold_install(Path(folder), ["sh", "-c", command])
    return figures


def report_installs(figures: dict) -> None:
    installs = figures["installs"]
    floor = installs["floor"]["seconds"]
    figures["ratios"]["install_lab_vs_floor"] = installs["make_lab"]["seconds"] / floor
    figures["ratios"]["install_lab_vs_old"] = (
        installs["make_lab"]["seconds"] / installs["old_make_lab"]["seconds"]
    )
    print("cold install, empty caches (venv size, installed distributions with pip and uv)")
    rows = [
        (label, installs[name], f"{installs[name]['seconds'] / floor:4.1f}x floor")
        for name, (label, _) in INSTALL_RUNS.items()
    ]
    rows.append(("old make lab, issue 12's figure", BEFORE_ISSUE_12, "measured then"))
    for label, row, note in rows:
        print(
            f"  {label:38} {row['seconds']:5.1f} s {row['venv_mb']:4d} MB {row['packages']:3d} packages | {note}"
        )
    installs["before_issue_12"] = BEFORE_ISSUE_12


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-installs", action="store_true", help="skip the cold installs (about three minutes)"
    )
    parser.add_argument("--installs-only", action="store_true", help="run only the cold installs")
    parser.add_argument(
        "--suite-only", action="store_true", help="run only make test's pytest (about 3 minutes)"
    )
    parser.add_argument(
        "--in-browser-only", action="store_true", help="run only the in-browser edition's figures (a minute)"
    )
    args = parser.parse_args()
    figures = {"ratios": {}}
    if args.in_browser_only:
        figures["in_browser"] = in_browser_figures()
    else:
        if not args.installs_only and not args.suite_only:
            figures.update(timing_figures())
            figures["in_browser"] = in_browser_figures()
        if not args.installs_only:
            figures.update(suite_figures())
            report_suite(figures)
        if not args.no_installs and not args.suite_only:
            figures["installs"] = install_figures()
            report_installs(figures)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(figures, indent=2) + "\n")


def timing_figures() -> dict:
    figures = {
        **server_figures(),
        **local_mode_figures(),
        **nbval_figures(),
        **site_figures(),
        "concurrency": concurrency_figures(),
    }
    round_trip = figures["replay_round_trip"]["p50_ms"] / figures["floor_round_trip"]["p50_ms"]
    first_chunk = figures["replay_first_chunk"]["p50_ms"] / figures["floor_first_chunk"]["p50_ms"]
    nbval = figures["nbval_s"] / figures["nbval_floor_s"]
    site = figures["site_s"] / figures["site_floor_s"]
    figures["ratios"] = {
        "round_trip_p50": round_trip,
        "first_chunk_p50": first_chunk,
        "nbval": nbval,
        "site": site,
    }
    for kind in ("round_trip", "first_chunk"):
        replay, floor = figures[f"replay_{kind}"], figures[f"floor_{kind}"]
        print(
            f"{kind.replace('_', ' '):12} replay p50 {replay['p50_ms']:.3f} ms p99 {replay['p99_ms']:.3f} ms"
            f" | floor p50 {floor['p50_ms']:.3f} ms p99 {floor['p99_ms']:.3f} ms"
            f" | ratio {figures['ratios'][kind + '_p50']:.2f}x"
        )
    for kind in ("round_trip", "first_chunk"):
        local, ollama, floor = (figures[f"{label}_{kind}"] for label in ("local", "ollama", "floor_proxy"))
        figures["ratios"][f"local_{kind}_p50"] = local["p50_ms"] / ollama["p50_ms"]
        figures["ratios"][f"floor_proxy_{kind}_p50"] = floor["p50_ms"] / ollama["p50_ms"]
        print(
            f"local mode   {kind.replace('_', ' ')}: through the kernel's server p50 {local['p50_ms']:.3f} ms"
            f" | straight to (fake) Ollama p50 {ollama['p50_ms']:.3f} ms"
            f" | ratio {figures['ratios'][f'local_{kind}_p50']:.2f}x"
            f" (a bare Python proxy: {figures['ratios'][f'floor_proxy_{kind}_p50']:.2f}x)"
        )
    print(
        f"nbval        {figures['notebooks']} notebooks {figures['nbval_s']:.1f} s"
        f" | floor {figures['nbval_floor_s']:.1f} s | ratio {nbval:.2f}x"
        f" | the French edition {figures['nbval_fr_s']:.1f} s"
    )
    print(
        f"site         make site {figures['site_s']:.1f} s | floor (Sphinx, one empty page) "
        f"{figures['site_floor_s']:.1f} s | ratio {site:.2f}x"
    )
    together = figures["concurrency"]
    figures["ratios"]["async_speedup"] = together["sequential_s"] / together["concurrent_s"]
    print(
        f"concurrency  {together['questions']} questions at speed 1: one after another {together['sequential_s']:.2f} s"
        f" | five at a time {together['concurrent_s']:.2f} s | speed-up {figures['ratios']['async_speedup']:.2f}x"
    )
    return figures


if __name__ == "__main__":
    main()
