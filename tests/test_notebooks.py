"""The tutorial notebooks in ``notebooks/``: they run top to bottom in a fresh kernel, are
stored without outputs, are linked from the README, and use only the public API.

Execution works on an in-memory copy; nothing is ever written back to the notebook files.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))

#: The tutorials the README documents; each must exist.
EXPECTED = (
    "01_fotn_2024_what_changed.ipynb",
    "02_fotn_2011_2024_scale_inversion.ipynb",
    "03_fiw_2006_2025.ipynb",
    "04_publication_figures.ipynb",
)

#: Modules below ``scoring`` a notebook may import from: the plotting package and its style
#: module, and ``scoring.publish.figures`` (``build_figures``, the function behind ``scoring figures``).
PUBLIC_MODULES = {"scoring", "scoring.plotting", "scoring.plotting.style", "scoring.publish.figures"}

nbformat = pytest.importorskip("nbformat")


def _ids(paths):
    return [p.name for p in paths]


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _code(path: Path) -> list[str]:
    return [c.source for c in _read(path).cells if c.cell_type == "code"]


def test_the_tutorials_exist():
    assert NOTEBOOKS_DIR.is_dir(), f"missing folder {NOTEBOOKS_DIR}"
    missing = [n for n in EXPECTED if not (NOTEBOOKS_DIR / n).exists()]
    assert not missing, f"notebooks missing from {NOTEBOOKS_DIR}: {', '.join(missing)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_valid_and_structured(path):
    nb = _read(path)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), \
        f"{path.name}: the first cell must be a markdown title ('# ...')"
    headings = [line for c in nb.cells if c.cell_type == "markdown"
                for line in c.source.splitlines() if line.startswith("## ")]
    assert any("what you will learn" in h.lower() for h in headings), \
        f"{path.name}: no '## What you will learn' section"
    assert headings and "caveats" in headings[-1].lower(), \
        f"{path.name}: the last section must be '## Caveats' (sections: {headings})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_stored_without_outputs(path):
    dirty = [i for i, c in enumerate(_read(path).cells) if c.cell_type == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, (f"{path.name}: code cells {dirty} carry outputs or an execution count; "
                       "clear them before committing (e.g. `jupyter nbconvert --clear-output "
                       "--inplace`)")


def test_readme_links_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    unlinked = [p.name for p in NOTEBOOKS if f"(notebooks/{p.name})" not in readme]
    assert not unlinked, ("README.md does not link these notebooks as "
                          f"[title](notebooks/<file>): {', '.join(unlinked)}")


_IMPORT = re.compile(r"^\s*(?:from\s+(scoring(?:\.\w+)*)\s+import\s+(.+)|import\s+(scoring(?:\.\w+)*))",
                     re.MULTILINE)
_ATTRIBUTE = re.compile(r"\bscoring((?:\.\w+)+)")


def _public_names() -> dict[str, set[str]]:
    import scoring
    import scoring.plotting
    import scoring.plotting.style

    return {
        "scoring": set(scoring.__all__) | {"plotting", "figures"},
        "scoring.plotting": set(scoring.plotting.__all__) | {"style"},
        "scoring.plotting.style": set(scoring.plotting.style.__all__),
        "scoring.publish.figures": {"build_figures"},
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_uses_only_the_public_api(path):
    public = _public_names()
    problems = []
    for src in _code(path):
        if "../shared" in src or "..\\shared" in src:
            problems.append("refers to ../shared")
        if re.search(r"datasets[/\\]", src):
            problems.append("reads a bundled file by path (use scoring.load_dataset)")
        for m in _IMPORT.finditer(src):
            module = m.group(1) or m.group(3)
            if module not in PUBLIC_MODULES:
                problems.append(f"imports private module {module}")
                continue
            if m.group(2):
                names = [n.split(" as ")[0].strip(" ()") for n in m.group(2).split(",")]
                problems += [f"imports {module}.{n}" for n in names
                             if n and n not in public[module]]
        for m in _ATTRIBUTE.finditer(src):
            parts = m.group(1).lstrip(".").split(".")
            module = "scoring"
            for part in parts:
                if module not in public:
                    break  # an attribute of a public object (e.g. a DataFrame method)
                if part not in public[module]:
                    problems.append(f"uses scoring{m.group(1)} ({part!r} is not public)")
                    break
                module = f"{module}.{part}"
    assert not problems, f"{path.name}: " + "; ".join(sorted(set(problems)))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_executes(path):
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = copy.deepcopy(_read(path))  # executed in memory only; the file is never written
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS_DIR)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
    # A warning raised from the package's own code is a bug (as in setup.cfg's filterwarnings).
    warned = [o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "stream" and o.name == "stderr"
              and re.search(r"scoring[/\\]\S+\.py:\d+: \w*Warning", o.text)]
    assert not warned, f"{path.name}: the package warned:\n" + "\n".join(warned)
