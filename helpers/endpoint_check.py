"""A check that the configured endpoint answers, with what to do when it does not."""

from __future__ import annotations

from azure.ai.inference.models import UserMessage

from helpers.clients import client
from helpers.config import Settings, settings
from helpers.explain import EXPLAINED, explain
from helpers.language import _

CHECK_QUESTION = "Reply with the single word OK."


def check(cfg: Settings | None = None) -> None:
    """Ask the configured endpoint for a one-word answer and say whether it works; notebook 00 introduces it.

    Without `cfg` it calls settings(), which prints the setup line and, in replay mode, starts the kernel's
    replay server.
    """
    if cfg is None:
        cfg = settings()
    try:
        with client(cfg) as chat:
            response = chat.complete(
                messages=[UserMessage(content=CHECK_QUESTION)], model=cfg.model, max_tokens=5
            )
    except EXPLAINED as error:
        print(f"✗ {explain(error, cfg) or error}")
        return
    answer = " ".join((response.choices[0].message.content or "").split())  # on one line
    print(
        _(
            '✓ The endpoint answers: {model} said "{answer}".',
            model=response.model or cfg.model,
            answer=answer,
        )
    )
