"""A built wheel carries the datasets: installed into a fresh venv, it runs from anywhere.

Nothing is downloaded. The wheel is built from a copy of the source tree (so the clone gains
no build/ folder) with the running interpreter's setuptools, installed with ``--no-deps``
into a new venv, and the dependencies are borrowed from the running interpreter through a
``.pth`` file. Such a path line puts the running site-packages on ``sys.path`` without
running its own ``.pth`` files, so the project's editable install stays out of the picture.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import site
import subprocess
import sys
import tempfile
import venv
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

# What a build neither reads nor should see: VCS, environments, earlier build output, caches.
_NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "*.whl",
                                     "__pycache__", ".pytest_cache", ".hypothesis", "figures")


def _run(args, cwd, env=None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def _version(distribution: str) -> tuple[int, ...] | None:
    try:
        version = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
    return tuple(int(p) for p in version.split(".")[:2] if p.isdigit())


def _build_wheel(src: Path, out: Path) -> Path:
    """The project's wheel, by pip when setuptools can make wheels, else from its parts."""
    setuptools = _version("setuptools")
    if setuptools is None:
        pytest.skip("building a wheel offline needs setuptools in the running environment")
    if setuptools >= (70, 1) or _version("wheel") is not None:
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
              "--no-index", "-q", "-w", out, src], cwd=out)
        return next(out.glob("scoring-*.whl"))
    return _wheel_from_setuptools(src, out)


def _wheel_from_setuptools(src: Path, out: Path) -> Path:
    # Older setuptools makes wheels only with the `wheel` package, which is not a test
    # dependency. build_py makes the same tree bdist_wheel zips, and egg_info the metadata.
    stage = out / "stage"
    _run([sys.executable, "setup.py", "-q", "egg_info", "--egg-base", out,
          "build_py", "--build-lib", stage], cwd=src)
    egg = next(out.glob("*.egg-info"))
    pkg_info = Parser().parsestr((egg / "PKG-INFO").read_text())
    stem = f"{pkg_info['Name']}-{pkg_info['Version']}"
    info = stage / f"{stem}.dist-info"
    info.mkdir()
    shutil.copy(egg / "PKG-INFO", info / "METADATA")
    for name in ("entry_points.txt", "top_level.txt"):
        shutil.copy(egg / name, info / name)
    (info / "WHEEL").write_text("Wheel-Version: 1.0\nGenerator: test_packaging\n"
                                "Root-Is-Purelib: true\nTag: py3-none-any\n")
    files = sorted(p for p in stage.rglob("*") if p.is_file())
    record = [f"{p.relative_to(stage).as_posix()},sha256={_digest(p)},{p.stat().st_size}"
              for p in files]
    (info / "RECORD").write_text("\n".join(record + [f"{stem}.dist-info/RECORD,,"]) + "\n")
    wheel = out / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in files + [info / "RECORD"]:
            zf.write(path, path.relative_to(stage).as_posix())
    return wheel


def _digest(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _install(wheel: Path, prefix: Path, env: dict) -> tuple[Path, Path]:
    """Install ``wheel`` alone into a new venv at ``prefix``; its python and scripts folder."""
    venv.EnvBuilder(with_pip=False).create(prefix)
    python = prefix / ("Scripts" if os.name == "nt" else "bin") / "python"
    paths = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib')); "
                  "print(sysconfig.get_path('scripts'))"], cwd=prefix, env=env)
    purelib, scripts = map(Path, paths.stdout.split("\n")[:2])
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
          "--no-index", "-q", wheel], cwd=prefix, env=env)
    # Only after installing: seeing the running environment's scoring, pip would offer to
    # replace it.
    (purelib / "borrowed_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return python, scripts


def _wheel_holds_the_package_and_its_data(names: set[str]) -> None:
    bundled = {"scoring/_bundled/" + p.relative_to(REPO / "datasets").as_posix()
               for p in (REPO / "datasets").rglob("*") if p.is_file()}
    assert {"scoring/_bundled/registry.toml", "scoring/_bundled/sources.toml",
            "scoring/_bundled/fotn.csv", "scoring/_bundled/fiw.csv",
            "scoring/_bundled/findings.csv"} <= bundled
    assert any(n.startswith("scoring/_bundled/raw/") for n in bundled)
    assert bundled <= names, sorted(bundled - names)
    tomls = {f"scoring/methodology/{p.name}"
             for p in (REPO / "scoring" / "methodology").glob("*.toml")}
    assert tomls and tomls <= names, sorted(tomls - names)
    assert "scoring/__init__.py" in names and "scoring/cli/__init__.py" in names
    strays = [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))
              or n.startswith("tests/") or "/test_" in n or n.startswith("test_")]
    assert not strays, strays


def test_a_wheel_installs_and_runs_the_main_job_from_anywhere():
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "SCORING_DATASETS")}
    with tempfile.TemporaryDirectory(prefix="scoring-packaging-") as tmp:
        tmp = Path(tmp)
        src, out, elsewhere = tmp / "src", tmp / "out", tmp / "elsewhere"
        shutil.copytree(REPO, src, ignore=_NOT_SOURCE)
        out.mkdir()
        elsewhere.mkdir()
        wheel = _build_wheel(src, out)
        with zipfile.ZipFile(wheel) as zf:
            _wheel_holds_the_package_and_its_data(set(zf.namelist()))
        assert not (src / "scoring" / "_bundled").exists()  # the copy is made in build/ only

        python, scripts = _install(wheel, tmp / "venv", env)
        where = _run([python, "-c", "import scoring, scoring.datasets.registry as r; "
                      "print(scoring.__file__); print(r.datasets_dir())"], elsewhere, env)
        module, datasets = map(Path, where.stdout.split("\n")[:2])
        assert module.resolve().is_relative_to((tmp / "venv").resolve()), module
        assert datasets.resolve() == (module.parent / "_bundled").resolve()

        compare = _run([scripts / "scoring", "compare", "--index", "fotn", "--from", "2023",
                        "--to", "2024"], elsewhere, env)
        assert "27 declined, 18 improved" in compare.stdout

        # A build must not rewrite the installed package; with --out it may write elsewhere.
        refused = subprocess.run([scripts / "scoring", "datasets", "build"], cwd=elsewhere,
                                 env=env, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2, refused.stderr
        assert "copy inside the installed package" in refused.stderr
        assert "--out" in refused.stderr


def test_citation_file_names_this_version_and_the_data():
    # CITATION.cff: the software's citation, with the data citations every command prints.
    import configparser

    root = Path(__file__).resolve().parents[1]
    text = (root / "CITATION.cff").read_text(encoding="utf-8")
    cfg = configparser.ConfigParser()
    cfg.read(root / "setup.cfg")
    assert text.startswith("cff-version: 1.2.0\n")
    assert f"\nversion: {cfg['metadata']['version']}\n" in text
    for title in ("Freedom on the Net", "Freedom in the World", "(DA2I)"):
        assert title in text
