"""Reading the project's own source, for tests that keep one definition of a thing in one place."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Not the project's application code: tools, tests (which may spell things out to check
# them), and migrations (which must keep the words of their day).
SKIPPED = {".venv", "node_modules", ".git", "tests", "migrations", "static", "var", "docs", "locale"}


def app_sources() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        if not SKIPPED & set(path.relative_to(ROOT).parts):
            yield path


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def fstrings_starting(tree: ast.AST, pattern: re.Pattern) -> list[int]:
    """Lines of the f-strings whose literal start matches `pattern`."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and pattern.match(first.value):
                lines.append(node.lineno)
    return lines


def keyword_uses(tree: ast.AST, pattern: re.Pattern) -> list[int]:
    """Lines of the calls passing a keyword argument whose name matches `pattern`
    (`filter(groups__name=...)`, `filter(verified_at__isnull=False)`)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg and pattern.fullmatch(keyword.arg):
                    lines.append(node.lineno)
    return lines


def sources_of_tests() -> Iterator[Path]:
    yield from sorted((ROOT / "tests").rglob("*.py"))
