"""The package tree follows the stages, and imports only point down them.

Every import in ``scoring/`` (at module level or inside a function) is read with :mod:`ast`,
resolved to the module it names, and checked against the stage table below, which is the same
table the stage packages' docstrings state in words. A new module inherits the rules of the
folder it is put in; a new top-level module must be added here on purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scoring"

#: The modules every stage may import: no pandas at import time, no knowledge of any stage.
BASE = ("errors", "_output", "_json", "_progress")

#: Stage -> the stages it may import (besides itself and the base modules). Read down the
#: table: ingest -> datasets -> analysis (with inference) -> plotting -> publish -> cli.
ALLOWED = {
    "base": set(),
    "methodology": set(),
    "ingest": {"methodology"},
    "datasets": {"methodology", "ingest"},
    "inference": set(),
    "analysis": {"methodology", "datasets", "inference"},
    "plotting": set(),
    "publish": {"methodology", "datasets", "inference", "analysis", "plotting"},
    "cli": {"methodology", "ingest", "datasets", "inference", "analysis", "plotting", "publish"},
    "face": {"methodology", "ingest", "datasets", "inference", "analysis", "plotting", "publish",
             "cli"},
}

#: Where a stage may import only some modules of a stage below: analyses get their data as a
#: loaded panel and never read a dataset themselves.
ONLY = {("analysis", "datasets"): {"scoring.datasets.panel"}}

#: Third-party packages a stage must never import.
FORBIDDEN_THIRD_PARTY = {
    "base": {"scipy", "matplotlib", "click"},
    "methodology": {"pandas", "scipy", "matplotlib", "click"},
    "ingest": {"scipy", "matplotlib", "click"},
    "datasets": {"scipy", "matplotlib", "click"},
    "inference": {"matplotlib", "click"},
    "analysis": {"matplotlib", "click"},
    "plotting": {"scipy", "click"},
    "publish": {"click"},
    "cli": set(),
    "face": set(),
}


def stage_of(module: str) -> str:
    """The stage of a module named ``scoring.<...>``."""
    parts = module.split(".")
    if parts == ["scoring"] or parts[1] in ("__init__", "__main__"):
        return "face"
    head = parts[1]
    if head in BASE:
        return "base"
    if head in ALLOWED and head not in ("base", "face"):
        return head
    raise AssertionError(f"{module}: not in any stage; put it in a stage package or add it to "
                         "the stage table of tests/test_architecture.py")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        yield path, ".".join(parts), is_package


def _imports(path: Path, module: str, is_package: bool):
    """(line, absolute module name) of every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if node.module is None or (node.level and not node.module):
                # "from . import x": each name may be a module of its own
                for alias in node.names:
                    yield node.lineno, f"{target}.{alias.name}"
            else:
                yield node.lineno, target


MODULES = list(_modules())


def test_every_module_is_in_a_stage():
    for _, module, _ in MODULES:
        stage_of(module)


@pytest.mark.parametrize("path,module,is_package", MODULES,
                         ids=[m for _, m, _ in MODULES])
def test_imports_point_down_the_stages(path, module, is_package):
    here = stage_of(module)
    allowed = ALLOWED[here] | {here, "base"}
    problems = []
    for line, target in _imports(path, module, is_package):
        top = target.split(".")[0]
        if top == "scoring":
            if target in ("scoring",) and here != "face":
                problems.append(f"line {line}: imports the package face 'scoring' "
                                "(import the module that defines the name)")
                continue
            if target == "scoring":
                continue
            there = stage_of(target)
            if there not in allowed:
                problems.append(f"line {line}: {here} imports {target} ({there})")
            elif (here, there) in ONLY and target not in ONLY[(here, there)]:
                problems.append(f"line {line}: {here} may import only "
                                f"{', '.join(sorted(ONLY[(here, there)]))} of {there}; "
                                f"imports {target}")
        elif top in FORBIDDEN_THIRD_PARTY[here]:
            problems.append(f"line {line}: {here} imports {target}")
    assert not problems, f"{path.relative_to(PACKAGE.parent)}: " + "; ".join(problems)


def test_the_rules_catch_an_upward_import(tmp_path):
    # The checker itself: an ingest module importing analysis must be reported.
    fake = tmp_path / "scoring" / "ingest" / "bad.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("from ..analysis.comparison import compare\nimport matplotlib\n")
    found = list(_imports(fake, "scoring.ingest.bad", False))
    assert found == [(1, "scoring.analysis.comparison"), (2, "matplotlib")]
    assert stage_of(found[0][1]) not in ALLOWED["ingest"]
    assert "matplotlib" in FORBIDDEN_THIRD_PARTY["ingest"]


def test_stage_packages_say_what_they_may_import():
    for path, module, is_package in MODULES:
        if is_package and module.count(".") == 1:
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
            assert doc and "May import" in doc, f"{module}: its docstring must say what it " \
                                                "may import"
