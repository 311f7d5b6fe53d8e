"""scripts/run_notebooks.py's command line: argparse, so a wrong call is a usage error, never a traceback.

Only the argument parsing runs here: no notebook is executed.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import run_notebooks  # scripts/ is on the path (the root conftest.py)

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "run_notebooks.py"
USAGE = "usage: python scripts/run_notebooks.py [-h]"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--record"], "argument --record: expected one argument"),
        (["notebooks/00-setup.ipynb", "--record"], "argument --record: expected one argument"),
        (["--recrod", "new"], "unrecognized arguments: --recrod"),
        (["no-such-lesson.ipynb"], "no such notebook: no-such-lesson.ipynb"),
        (["--record", "a", "--record-local", "b"], "not allowed with argument --record"),
    ],
)
def test_a_wrong_call_is_a_usage_error(args, message):
    result = subprocess.run(
        [sys.executable, "scripts/run_notebooks.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(USAGE) and message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_notebooks_and_record_may_come_in_any_order():
    first, second = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))[:2]
    args = run_notebooks.parse_args([str(first), "--record", "new", str(second)])
    assert args.notebooks == [first, second] and args.record == Path("new")
    args = run_notebooks.parse_args([])
    assert args.notebooks == [] and args.record is None


def test_record_local_says_what_is_missing_before_running_a_lesson(closed_port_url, tmp_path):
    result = subprocess.run(
        [sys.executable, "scripts/run_notebooks.py", "--record-local", str(tmp_path / "new")],
        cwd=ROOT,
        env={**os.environ, "OLLAMA_HOST": closed_port_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Ollama does not answer" in result.stderr and "ollama serve" in result.stderr
    assert not (tmp_path / "new").exists()
