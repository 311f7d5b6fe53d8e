"""The six model names live in one tuple, helpers.models.MODELS: the chat box's menu and the synthetic cassettes
of lesson 07 take them from there, and no other module spells them all out again."""

from pathlib import Path

from test_synthetic_cassettes import SYNTHESIZE

from helpers import chat
from helpers.models import MODELS

ROOT = Path(__file__).resolve().parent.parent
# The oracle, written out here on purpose: GitHub Models' six Phi-3 instruct models, smallest first.
PHI3 = (
    "Phi-3-mini-4k-instruct",
    "Phi-3-mini-128k-instruct",
    "Phi-3-small-8k-instruct",
    "Phi-3-small-128k-instruct",
    "Phi-3-medium-4k-instruct",
    "Phi-3-medium-128k-instruct",
)


def test_the_tuple_holds_the_six_phi3_models_smallest_first():
    assert MODELS == PHI3


def test_the_chat_box_and_the_cassette_script_use_the_tuple():
    assert chat.MODELS is MODELS and SYNTHESIZE.MODELS is MODELS
    assert tuple(SYNTHESIZE.MODEL_PACE) == tuple(SYNTHESIZE.COMPARE_ANSWERS) == PHI3
    compared = {
        entry["body"]["model"] for entry in SYNTHESIZE.EXCHANGES if entry["name"].startswith("compare-")
    }
    assert compared == set(PHI3)


def test_no_other_module_spells_out_all_six_names():
    modules = [*(ROOT / "helpers").rglob("*.py"), *(ROOT / "scripts").glob("*.py")]
    spelt = [
        path.relative_to(ROOT).as_posix()
        for path in modules
        if all(f'"{name}"' in path.read_text("utf-8") for name in PHI3)
    ]
    assert spelt == ["helpers/models.py"]
