"""French typography in the French edition: ``python scripts/french_typography.py [--fix]``.

French puts a narrow no-break space (U+202F) before ; ? ! and between groups of digits ("8 000"), and a no-break
space (U+00A0) before : and inside « ». A plain space there lets a line break before the colon. This script lists
every place the French lessons' prose, README.fr.md and the French sentences helpers print get it wrong, and with
``--fix`` rewrites them. Code (fenced or in backticks), URLs, link targets, the text of links to other sites (often
a title in English), HTML tags and {placeholders} are left as they are. tests/test_french_typography.py runs it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NARROW, NBSP = "\u202f", "\u00a0"
KEPT = re.compile(
    r"```.*?```"  # a fenced block
    r"|``[^\n]*?``"  # code in a sentence that holds a backtick
    r"|`[^`\n]*`"  # code in a sentence
    r"|\[[^\]\n]*\](?=\(https?://)"  # the text of a link to another site: often its title, in its own language
    r"|\]\([^)\s]*\)"  # a link's target
    r"|<[^>\n]*>"  # an HTML tag
    r"|https?://[^\s)>\]]+"  # a bare URL
    r"|\{[a-z_!]+\}",  # a placeholder of helpers' sentences
    re.DOTALL,
)
RULES = [  # (what is wrong, the pattern, its replacement)
    (
        "a space before ; ? ! that is not narrow and no-break",
        re.compile(r"(?<=[^\s;?!(\[])[ \u00a0]?(?=[;?!](?!\[))"),
        NARROW,
    ),
    ("a space before : that is not no-break", re.compile(r"(?<=\S)[ \u202f]?(?=:(?:\s|$))"), NBSP),
    ("a space after « that is not no-break", re.compile(r"(?<=«)[ \u202f]?(?=\S)"), NBSP),
    ("a space before » that is not no-break", re.compile(r"(?<=\S)[ \u202f]?(?=»)"), NBSP),
    (
        "digits grouped by a space that is not narrow and no-break",
        re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))"),
        NARROW,
    ),
]


def _masked(text: str) -> tuple[str, list[str]]:
    """The text with what must not change replaced by \\x00 markers, and the pieces it replaced."""
    kept: list[str] = []

    def mark(match: re.Match) -> str:
        kept.append(match.group())
        return "\x00"

    return KEPT.sub(mark, text), kept


def _unmasked(text: str, kept: list[str]) -> str:
    pieces = iter(kept)
    return re.sub("\x00", lambda _: next(pieces), text)


def problems(text: str) -> list[str]:
    """What is wrong with the text's typography: one line per place, with what surrounds it."""
    masked, _ = _masked(text)
    found = []
    for what, pattern, space in RULES:
        for match in pattern.finditer(masked):
            if match.group() != space:
                around = (
                    masked[max(0, match.start() - 25) : match.end() + 5]
                    .replace("\x00", "…")
                    .replace("\n", " ")
                )
                found.append(f"{what}: «{around}»")
    return found


def fixed(text: str) -> str:
    """The text with French typography."""
    masked, kept = _masked(text)
    for _, pattern, space in RULES:
        masked = pattern.sub(space, masked)
    return _unmasked(masked, kept)


def french_texts() -> dict[str, list[str]]:
    """Where the French edition's prose is: each file and its texts (a lesson's markdown cells, the README, the
    French sentences of helpers)."""
    import nbformat

    from helpers.french import FRENCH

    texts = {"README.fr.md": [(ROOT / "README.fr.md").read_text(encoding="utf-8")]}
    for path in sorted((ROOT / "notebooks" / "fr").glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        texts[path.relative_to(ROOT).as_posix()] = [
            cell.source for cell in cells if cell.cell_type == "markdown"
        ]
    texts["helpers/french.py"] = list(FRENCH.values())
    return texts


def fixed_catalog(source: str) -> str:
    """helpers/french.py's source with French typography in the French sentences (the dict's values), each string
    piece fixed on its own; the English keys are left as they are."""
    import io
    import tokenize

    pieces, depth, in_value = [], 0, False  # (start, end, fixed text) of each string piece that changes
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        text = token.string
        if token.type == tokenize.OP:
            depth += text in "([{"
            depth -= text in ")]}"
            if depth == 1 and text in ":,":
                in_value = text == ":"
        elif token.type == tokenize.STRING and in_value and fixed(text) != text:
            pieces.append((token.start, token.end, fixed(text)))
    lines = source.splitlines(keepends=True)
    for (row, col), (end_row, end_col), text in reversed(pieces):  # from the end, so positions stay right
        lines[row - 1] = lines[row - 1][:col] + text + lines[end_row - 1][end_col:]
        del lines[row:end_row]
    return "".join(lines)


def fix_files() -> int:
    """Rewrite the French lessons, README.fr.md and helpers/french.py with French typography; returns how many
    files changed."""
    import nbformat

    changed = 0
    for path, rewrite in ((ROOT / "README.fr.md", fixed), (ROOT / "helpers" / "french.py", fixed_catalog)):
        text = path.read_text(encoding="utf-8")
        if rewrite(text) != text:
            path.write_text(rewrite(text), encoding="utf-8")
            changed += 1
    for path in sorted((ROOT / "notebooks" / "fr").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        before = [cell.source for cell in notebook.cells]
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                cell.source = fixed(cell.source)
        if [cell.source for cell in notebook.cells] != before:
            nbformat.write(notebook, path)
            changed += 1
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fix", action="store_true", help="rewrite the French lessons, README.fr.md and helpers/french.py"
    )
    fix = parser.parse_args(argv).fix
    if fix:
        print(f"{fix_files()} files rewritten")
    wrong = [
        (name, problem)
        for name, texts in french_texts().items()
        for text in texts
        for problem in problems(text)
    ]
    for name, problem in wrong:
        print(f"{name}: {problem}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
