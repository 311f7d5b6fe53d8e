"""scripts/synthesize.py writes the shipped cassettes byte for byte, and reads plainly."""

import ast
from pathlib import Path

import pytest
import synthesize  # scripts/ is on the path (the root conftest.py)

from helpers.replay import DEFAULT_CASSETTES

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "synthesize.py"


SYNTHESIZE = synthesize
EXCHANGES = {exchange["name"]: exchange for exchange in SYNTHESIZE.EXCHANGES}


@pytest.mark.parametrize("name", sorted(EXCHANGES))
def test_each_exchange_renders_exactly_the_shipped_file(name):
    shipped = (DEFAULT_CASSETTES / f"{name}.json").read_text(encoding="utf-8")
    assert SYNTHESIZE.render(EXCHANGES[name]) == shipped


def test_every_shipped_cassette_comes_from_the_script():
    assert {path.stem for path in DEFAULT_CASSETTES.glob("*.json")} == set(EXCHANGES)


def test_no_function_of_the_script_is_hidden_by_a_local_name():
    """A parameter or local named like one of the script's functions hides it inside that function."""
    tree = ast.parse(SCRIPT.read_text("utf-8"))
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    hidden = {}
    for function in (node for node in tree.body if isinstance(node, ast.FunctionDef)):
        arguments = function.args.posonlyargs + function.args.args + function.args.kwonlyargs
        names = {argument.arg for argument in arguments} | {
            node.id
            for node in ast.walk(function)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
        }
        if names & functions:
            hidden[function.name] = sorted(names & functions)
    assert hidden == {}
