"""Test files are named by their subject, so no two names differ by a letter or two (test_client.py and
test_clients.py once tested unrelated things)."""

from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_two_test_files_differ_by_a_letter_or_two():
    names = sorted(path.stem.removeprefix("test_") for path in TESTS.glob("test_*.py"))
    close = [
        (a, b)
        for a, b in combinations(names, 2)
        if len(a)
        + len(b)
        - 2 * sum(block.size for block in SequenceMatcher(None, a, b).get_matching_blocks())
        <= 2
    ]
    assert close == []
