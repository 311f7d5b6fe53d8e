"""The language helpers speak to a learner: English, or French in the French edition (notebooks/fr/).

Every sentence a lesson's output shows is written in English in the code, as ``_("... {name} ...", name=...)``;
in French, ``_`` looks the English sentence up in helpers/french.py and fills in the French one. The language is
``GITHUB_MODELS_LANG`` (``en`` or ``fr``) when it is set, else the notebook's: Jupyter starts a kernel in its
notebook's folder, so a kernel started in a ``notebooks/fr/`` folder speaks French.
"""

from __future__ import annotations

import os
from pathlib import Path

from helpers.french import FRENCH

LANGUAGES = ("en", "fr")
FRENCH_UNITS = {"GB": "Go", "MB": "Mo"}


def chosen_language() -> str:
    """GITHUB_MODELS_LANG as set, lower-cased ("" when unset); settings() refuses a language not in LANGUAGES."""
    return os.environ.get("GITHUB_MODELS_LANG", "").strip().lower()


def language() -> str:
    """``en`` or ``fr``: GITHUB_MODELS_LANG if it names one, else the notebook folder's language."""
    chosen = chosen_language()
    if chosen in LANGUAGES:
        return chosen
    folder = Path.cwd()
    return "fr" if (folder.parent.name, folder.name) == ("notebooks", "fr") else "en"


def _(english: str, **values) -> str:
    """`english` in the learner's language, with its {placeholders} filled in from `values`."""
    template = FRENCH.get(english, english) if language() == "fr" else english
    return template.format(**values)


def quantity(english: str) -> str:
    """A number or a size written in English ("11.5", "2.2 GB") as the learner's language writes it ("2,2 Go")."""
    if language() != "fr":
        return english
    number, _space, unit = english.partition(" ")
    return " ".join(part for part in (number.replace(".", ","), FRENCH_UNITS.get(unit, unit)) if part)


def in_every_language(english: str) -> set[str]:
    """A sentence without placeholders as each language says it."""
    return {english, FRENCH.get(english, english)}
