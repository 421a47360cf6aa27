"""Build hook: a built package carries the bundled datasets inside it.

The datasets have one home in the source tree, the top-level ``datasets/`` folder beside the
package, where ``scoring datasets build`` rewrites them. A wheel (and so ``pip install .``)
gets a copy at ``scoring/_bundled/``, made in the build folder only, never in the source tree.
An editable install builds nothing and keeps reading the clone's ``datasets/``. An sdist
carries ``datasets/`` through MANIFEST.in. Metadata and dependencies live in setup.cfg.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SOURCE = Path(__file__).resolve().parent / "datasets"
BUNDLED = ("scoring", "_bundled")  # where scoring.datasets.registry looks in an install


def _dataset_files():
    """Every file of ``datasets/`` to bundle, relative to it; caches and dotfiles stay out."""
    for path in sorted(SOURCE.rglob("*")):
        rel = path.relative_to(SOURCE)
        hidden = any(part.startswith(".") or part == "__pycache__" for part in rel.parts)
        if path.is_file() and not hidden and path.suffix not in (".pyc", ".pyo"):
            yield rel


class build_py_with_datasets(build_py):
    """``build_py`` that also copies ``datasets/`` into the built package."""

    def run(self):
        super().run()
        if self.editable_mode:
            return
        if not (SOURCE / "registry.toml").is_file():
            # A wheel without its data would install and then fail at the first command.
            raise SystemExit(f"error: {SOURCE / 'registry.toml'} not found: the datasets "
                             "folder must sit beside setup.py (an sdist carries it via "
                             "MANIFEST.in)")
        target = Path(self.build_lib, *BUNDLED)
        # A file deleted from datasets/ must not survive from an earlier build in build/.
        if target.exists():
            shutil.rmtree(target)
        for rel in _dataset_files():
            self.mkpath(str((target / rel).parent))
            self.copy_file(str(SOURCE / rel), str(target / rel))

    def get_outputs(self, include_bytecode=1):
        outputs = super().get_outputs(include_bytecode)
        if self.editable_mode:
            return outputs
        target = Path(self.build_lib, *BUNDLED)
        return outputs + [str(target / rel) for rel in _dataset_files()]


setup(cmdclass={"build_py": build_py_with_datasets})
