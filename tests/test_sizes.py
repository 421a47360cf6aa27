"""Rooms a reader can hold in mind: no module over 400 lines, no function over 80 lines of code.

Lines of code are the lines of a function that are not blank, not a comment and not a
docstring. A module or function may be larger when its docstring says why, in a paragraph that
starts with ``Size:``; the reason is then part of the code a reviewer reads.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "scoring"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def _says_why(node) -> bool:
    doc = ast.get_docstring(node) or ""
    return any(line.strip().startswith("Size:") for line in doc.splitlines())


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_modules_are_at_most_400_lines_or_say_why():
    too_long = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        n = len(text.splitlines())
        if n > MAX_MODULE_LINES and not _says_why(ast.parse(text)):
            too_long.append(f"{path.relative_to(PACKAGE.parent)}: {n} lines")
    assert not too_long, "modules over 400 lines without a 'Size:' reason:\n" + "\n".join(
        too_long)


def test_functions_are_at_most_80_lines_of_code_or_say_why():
    too_long = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        docs = _docstring_lines(tree)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            code = sum(1 for i in range(node.lineno, node.end_lineno + 1)
                       if i not in docs and lines[i - 1].strip()
                       and not lines[i - 1].strip().startswith("#"))
            if code > MAX_FUNCTION_LINES and not _says_why(node):
                too_long.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} "
                                f"{node.name}: {code} lines of code")
    assert not too_long, "functions over 80 lines of code without a 'Size:' reason:\n" + \
        "\n".join(too_long)
