"""restoring_env: an exercise tries other settings with %env, and the lesson's own come back."""

import os

import pytest

from helpers import restoring_env


def test_changed_added_and_removed_variables_come_back(monkeypatch):
    monkeypatch.setenv("GITHUB_MODELS_MODE", "replay")
    monkeypatch.setenv("GITHUB_TOKEN", "lesson-key")
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    with restoring_env():
        os.environ["GITHUB_MODELS_MODE"] = "live"
        del os.environ["GITHUB_TOKEN"]
        os.environ["OLLAMA_HOST"] = "127.0.0.1:9"
    assert os.environ["GITHUB_MODELS_MODE"] == "replay"
    assert os.environ["GITHUB_TOKEN"] == "lesson-key"
    assert "OLLAMA_HOST" not in os.environ


def test_the_environment_comes_back_after_an_error(monkeypatch):
    monkeypatch.setenv("GITHUB_MODELS_MODEL", "Phi-3-small-8k-instruct")
    with pytest.raises(ValueError), restoring_env():
        os.environ["GITHUB_MODELS_MODEL"] = "Phi-4-mini-instruct"
        raise ValueError("a setting that cannot work")
    assert os.environ["GITHUB_MODELS_MODEL"] == "Phi-3-small-8k-instruct"


def test_percent_env_inside_the_block_is_undone():
    """The way the lessons use it: IPython's %env magic inside the with block."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    before = os.environ.get("GITHUB_MODELS_MODE")
    shell.run_cell(
        "from helpers import restoring_env\n"
        "with restoring_env():\n"
        "    %env GITHUB_MODELS_MODE=local\n"
        "    inside = __import__('os').environ['GITHUB_MODELS_MODE']\n",
        store_history=False,
    )
    assert shell.user_ns["inside"] == "local"
    assert os.environ.get("GITHUB_MODELS_MODE") == before
