"""The figure set: files, manifest, alt texts, byte-identical regeneration, committed set."""

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.cli import main
from scoring.publish.figures import FIGURE_NAMES, _versions, build_figures

REPO = Path(__file__).resolve().parents[2]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_twice_gives_identical_pdf_and_svg(tmp_path, small_data):
    kw = dict(index="fotn", from_edition=2023, to_edition=2024, data=small_data,
              formats=("pdf", "svg"))
    a = build_figures(tmp_path / "a", **kw)
    b = build_figures(tmp_path / "b", **kw)
    for fa, fb in zip(a["figures"], b["figures"]):
        for x, y in zip(fa["files"], fb["files"]):
            assert x["sha256"] == y["sha256"], f"{x['path']} differs between two runs"
    assert [f["name"] for f in a["figures"]] == list(FIGURE_NAMES)
    # What the manifest says is what is on disk.
    for f in a["figures"]:
        for file in f["files"]:
            assert _sha(tmp_path / "a" / file["path"]) == file["sha256"]
        assert _sha(tmp_path / "a" / f["data"]["path"]) == f["data"]["sha256"]
        assert (tmp_path / "a" / f"{f['name']}.txt").read_text().strip() == f["alt_text"]
        assert len(f["alt_text"]) > 80
    pdf = (tmp_path / "a" / "change_bars.pdf").read_bytes()
    assert b"/FontFile2" in pdf  # TrueType embedded
    assert b"CreationDate" not in pdf
    assert [p.name for p in tmp_path.iterdir()] == ["a", "b"] or sorted(
        p.name for p in tmp_path.iterdir()) == ["a", "b"]  # no temporary folders left


def test_failed_run_leaves_the_previous_set(tmp_path, small_data):
    out = tmp_path / "set"
    build_figures(out, index="fotn", from_edition=2023, to_edition=2024, data=small_data,
                  formats=("svg",))
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(ValueError, match="from_edition must be an edition in the data"):
        build_figures(out, index="fotn", from_edition=2010, to_edition=2024, data=small_data,
                      formats=("svg",))
    assert sorted(p.name for p in out.iterdir()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set"]
    with pytest.raises(ValueError, match="formats must be among pdf, svg, png"):
        build_figures(out, index="fotn", from_edition=2023, to_edition=2024, formats=("gif",))


@pytest.mark.slow
@pytest.mark.parametrize("name,a,b", [("fotn_2023_2024", 2023, 2024),
                                      ("fotn_2011_2024", 2011, 2024)])
def test_committed_figures_regenerate_identically(tmp_path, name, a, b):
    committed = json.loads((REPO / "figures" / name / "manifest.json").read_text())
    now = _versions()
    pinned = {k: committed["versions"].get(k) for k in ("matplotlib", "freetype", "numpy",
                                                        "adjustText")}
    if any(now.get(k) != v for k, v in pinned.items()):
        pytest.skip(f"figures/{name} was made with {pinned}; installed "
                    f"{ {k: now.get(k) for k in pinned} }: regenerate it with "
                    f"`{committed['command']}` and commit the result")
    fresh = build_figures(tmp_path / name, index="fotn", from_edition=a, to_edition=b,
                          formats=tuple(committed["formats"]), dpi=committed["dpi"])
    old = {f["path"]: f["sha256"] for fig in committed["figures"] for f in fig["files"]}
    new = {f["path"]: f["sha256"] for fig in fresh["figures"] for f in fig["files"]}
    assert new == old, f"figures/{name} is stale: run `{committed['command']}`"
    for fig_old, fig_new in zip(committed["figures"], fresh["figures"]):
        assert fig_old["data"]["sha256"] == fig_new["data"]["sha256"]
        assert fig_old["alt_text"] == fig_new["alt_text"]
    # And the files in the repository are the ones the manifest names.
    for path, sha in old.items():
        assert _sha(REPO / "figures" / name / path) == sha


def test_cli(tmp_path, small_data, monkeypatch):
    out = tmp_path / "cli"
    result = CliRunner().invoke(main, ["figures", "--from", "2023", "--to", "2024", "--out",
                                       str(out), "--formats", "svg", "--dpi", "100"])
    assert result.exit_code == 0, result.output
    assert "wrote 8 figures (8 files) and manifest.json" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"].startswith("scoring figures --index fotn --from 2023 --to 2024")
    assert manifest["versions"]["matplotlib"]
    bad = CliRunner().invoke(main, ["figures", "--from", "2023", "--to", "2024", "--out",
                                    str(out), "--formats", "bmp"])
    assert bad.exit_code == 2 and "formats must be among" in bad.output
