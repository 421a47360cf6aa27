"""What every CLI test shares: running a command as a user would, in-process."""

import pytest
from click.testing import CliRunner

from scoring.cli import main


@pytest.fixture
def run():
    """``run(*args)``: the result of ``scoring ARGS`` (exit code, stdout, stderr)."""
    runner = CliRunner()

    def go(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return go
