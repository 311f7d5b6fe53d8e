"""client(), check() and ChatBox() call settings() when given no cfg, which prints the setup line and, in replay
mode, starts the kernel's replay server: their docstrings say so, and given a cfg they print nothing."""

import inspect

import pytest

import helpers
from helpers import ChatBox, check, client

SAYS = (
    "Without `cfg` it calls settings(), which prints the setup line and, in replay mode, starts the kernel's"
)


def close(made) -> None:
    if made is not None:
        made.close()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("make", [client, check, ChatBox], ids=["client", "check", "ChatBox"])
def test_without_cfg_settings_runs_and_the_docstring_says_so(make, replay_env, capsys):
    assert SAYS in " ".join(inspect.getdoc(make).split())
    close(make())
    assert [line for line in capsys.readouterr().out.splitlines() if line.startswith("Mode: ")] == [
        "Mode: replay (synthetic answers) · Phi-3-small-8k-instruct"
    ]
    cfg = helpers.settings()
    capsys.readouterr()
    close(make(cfg))
    assert not [line for line in capsys.readouterr().out.splitlines() if line.startswith("Mode: ")]
