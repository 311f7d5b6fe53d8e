"""The French edition's typography: narrow no-break spaces before ; ? ! and in numbers, no-break spaces before : and
inside « » (scripts/french_typography.py)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from french_typography import fixed, fixed_catalog, french_texts, problems  # noqa: E402

NARROW, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("wrong", "right"),
    [
        ("Pourquoi ?", f"Pourquoi{NARROW}?"),
        ("Attention !", f"Attention{NARROW}!"),
        ("un ; deux", f"un{NARROW}; deux"),
        ("Vraiment?!", f"Vraiment{NARROW}?!"),
        ("Mode : replay", f"Mode{NBSP}: replay"),
        ("Étape 1: le client", f"Étape 1{NBSP}: le client"),
        ("a répondu « OK »", f"a répondu «{NBSP}OK{NBSP}»"),
        ("a répondu «OK»", f"a répondu «{NBSP}OK{NBSP}»"),
        ("8 000 jetons, 131 072 au plus", f"8{NARROW}000 jetons, 131{NARROW}072 au plus"),
        ("le modèle `cfg.model` ?", f"le modèle `cfg.model`{NARROW}?"),
    ],
)
def test_each_rule_is_found_and_fixed(wrong, right):
    assert problems(wrong)
    assert fixed(wrong) == right
    assert not problems(right)
    assert fixed(right) == right


@pytest.mark.parametrize(
    "kept",
    [
        "Lancez `%env GITHUB_MODELS_MODE=local ; echo ok`.",
        "l'erreur ``ValueError: Unsupported `response_format` {...}``",
        "```python\nprint('a : b ?')\n```",
        "Voir [la doc](https://example.org/a?b=c:d) et https://example.org/x?y=1.",
        "{answers} à {time} heures",
        "à 10:30, en 2026, sur le port 11434",
        "![le graphique](chart.png)",
        "une requête (?…) ou un fragment (#…)",
        "l'article [What are tokens and how to count them?](https://help.openai.com/x) d'OpenAI",
    ],
)
def test_code_urls_placeholders_times_and_years_are_left_alone(kept):
    assert not problems(kept)
    assert fixed(kept) == kept


def test_the_catalog_is_fixed_in_its_french_sentences_only():
    source = (
        'FRENCH = {\n    "Mode: {model}?": (\n        "Mode : {model} ?"\n    ),\n'
        '    "Ready: go": "Prêt : " "on y va !",  # a comment: kept\n}\n'
    )
    assert fixed_catalog(source) == (
        f'FRENCH = {{\n    "Mode: {{model}}?": (\n        "Mode{NBSP}: {{model}}{NARROW}?"\n    ),\n'
        f'    "Ready: go": "Prêt{NBSP}: " "on y va{NARROW}!",  # a comment: kept\n}}\n'
    )


def test_the_french_lessons_readme_and_catalog_follow_french_typography():
    wrong = [
        f"{name}: {problem}"
        for name, texts in french_texts().items()
        for text in texts
        for problem in problems(text)
    ]
    assert not wrong, f"{len(wrong)} places (python scripts/french_typography.py --fix):\n" + "\n".join(
        wrong[:30]
    )
