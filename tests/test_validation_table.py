"""The README's table of how each statistic is checked names tests that exist."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_test_the_validation_table_names_exists():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the statistics are checked", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) > 20
    files = set(re.findall(r"`(tests/[\w/]+\.py)", section))
    for f in files:
        assert (REPO / f).exists(), f
    text = "".join((REPO / f).read_text(encoding="utf-8") for f in files if f.endswith(".py"))
    for name in re.findall(r"`(?:tests/[\w/]+\.py::)?(test_\w+?)(?:\.\.\.|`|,)", section):
        assert re.search(rf"def {name}\w*\(", text), name
