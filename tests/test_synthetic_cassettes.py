"""scripts/synthesize.py writes the shipped cassettes byte for byte."""

import importlib.util
from pathlib import Path

import pytest

from helpers.replay import DEFAULT_CASSETTES


def load_script():
    spec = importlib.util.spec_from_file_location(
        "synthesize", Path(__file__).resolve().parent.parent / "scripts" / "synthesize.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SYNTHESIZE = load_script()
EXCHANGES = {exchange["name"]: exchange for exchange in SYNTHESIZE.EXCHANGES}


@pytest.mark.parametrize("name", sorted(EXCHANGES))
def test_each_exchange_renders_exactly_the_shipped_file(name):
    shipped = (DEFAULT_CASSETTES / f"{name}.json").read_text(encoding="utf-8")
    assert SYNTHESIZE.render(EXCHANGES[name]) == shipped


def test_every_shipped_cassette_comes_from_the_script():
    assert {path.stem for path in DEFAULT_CASSETTES.glob("*.json")} == set(EXCHANGES)
