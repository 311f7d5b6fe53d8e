"""No tokens, key-like strings or machine paths in any tracked file (recordings and outputs included)."""

import random
import re
import string
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Patterns are written so that this file does not match itself.
FINDINGS = {
    "GitHub token": re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})"),
    "bearer credential": re.compile(r"Bearer\s+(?!\$)[A-Za-z0-9._~+/=-]{16,}"),
    "OpenAI-style key": re.compile(r"\bsk-[A-Za-z0-9_-]{20,}"),
    "home folder": re.compile(r"(/home/|/Users/|[A-Za-z]:\\Users\\)[\w.-]+"),
    "root's home": re.compile(r"(?<![\w.])/root/[\w.-]"),
    "temp folder": re.compile(r"(?<![\w.])(/tmp|/var/folders|/private/var)/[\w.-]"),
    "installed package path": re.compile("(site|dist)" + r"-packages"),
    # a port a server picked at run time; 11434 is Ollama's own, fixed and documented
    "loopback port in a notebook": re.compile(r"(127\.0\.0\.1|localhost):(?!11434\b)\d{2,5}"),
}
NOTEBOOK_ONLY = {"loopback port in a notebook"}


def scan(name: str, text: str) -> list[str]:
    """What in one file looks like a secret or a machine path."""
    found = []
    for label, pattern in FINDINGS.items():
        if label in NOTEBOOK_ONLY and not name.endswith(".ipynb"):
            continue
        found += [f"{name}: {label}: {match.group(0)[:40]}" for match in pattern.finditer(text)]
    return found


def tracked_files() -> list[str]:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [name for name in listing.stdout.decode().split("\0") if name]


def test_no_secrets_or_machine_paths_in_tracked_files():
    files = tracked_files()
    assert "README.md" in files and any(name.startswith("helpers/cassettes/") for name in files)
    findings = []
    for name in files:
        path = ROOT / name
        if path.is_file():
            findings += scan(name, path.read_text(encoding="utf-8", errors="replace"))
    assert findings == []


@pytest.mark.parametrize(
    "planted",
    [
        lambda token: f'GITHUB_TOKEN="{token}"',
        lambda token: f"Authorization: Bearer {token[4:]}",
        lambda token: '"text": "see /' + "home/learner/notebooks/01.ipynb" + '"',
        lambda token: "File /work/.venv/lib/python3.11/site" + "-packages/azure/core/x.py",
        lambda token: "/" + "tmp/pytest-of-root/cassette.json",
    ],
)
def test_scan_catches_a_planted_secret_or_path(planted):
    alphabet = string.ascii_letters + string.digits
    token = "ghp_" + "".join(random.choice(alphabet) for _ in range(36))
    assert scan("planted.txt", planted(token))


def test_scan_catches_a_loopback_port_in_notebook_outputs_only():
    line = '"text": "http://127.0.0.1:' + str(random.randint(1024, 65535)) + '"'
    assert scan("notebooks/x.ipynb", line)
    assert not scan("README.md", line)
