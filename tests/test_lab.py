"""`make lab` serves JupyterLab with the first lesson, as the README promises."""

import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


@pytest.mark.timeout(120)
def test_make_lab_serves_the_first_lesson():
    port, token = free_port(), secrets.token_hex(16)
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token}"
    if os.geteuid() == 0:
        args += " --allow-root"
    lab = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            assert lab.poll() is None, lab.stderr.read()
            try:
                status, _ = get(f"{base}/api/status?token={token}")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200
        status, page = get(f"{base}/lab/tree/notebooks/01-single-call.ipynb?token={token}")
        assert status == 200 and re.search(r"JupyterLab", page)
        status, contents = get(f"{base}/api/contents/notebooks/01-single-call.ipynb?token={token}")
        assert status == 200 and "A single call" in contents
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(timeout=30)
