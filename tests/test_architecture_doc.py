"""docs/architecture.md names real files and real tests, so it cannot drift from the tree."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
PATH = re.compile(r"`((?:[\w.-]+/)+[\w.-]*)(?::\s*\w+.*?)?`")


def named_paths(text: str) -> set[str]:
    """Every `dir/` or `dir/file.ext` in backticks whose first folder is one of the repository's
    (`admin/` alone means "an app's admin")."""
    paths = set()
    for match in PATH.finditer(text):
        path = match[1]
        if "<" not in path and (ROOT / path.split("/")[0]).is_dir() and "/" in path.rstrip("/"):
            paths.add(path)
    return paths


def named_tests(text: str) -> set[tuple[str, str]]:
    """Every `file::test_name`, and every `::test_name` after it meaning the same file."""
    tests, current = set(), None
    for match in re.finditer(r"`(tests/[\w/]+\.py)::(test_\w+)`|`::(test_\w+)`", text):
        if match[1]:
            current = match[1]
            tests.add((current, match[2]))
        else:
            tests.add((current, match[3]))
    return tests


def test_every_path_in_the_architecture_page_exists():
    missing = sorted(p for p in named_paths(DOC.read_text()) if not (ROOT / p).exists())
    assert missing == []


def test_every_test_the_architecture_page_names_exists():
    missing = []
    for file, name in sorted(named_tests(DOC.read_text())):
        tree = ast.parse((ROOT / file).read_text()) if (ROOT / file).exists() else ast.Module()
        functions = {
            node.name for node in getattr(tree, "body", []) if isinstance(node, ast.FunctionDef)
        }
        if name not in functions:
            missing.append(f"{file}::{name}")
    assert missing == []
