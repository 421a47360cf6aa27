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


@pytest.fixture
def printed_codes():
    """``printed_codes(output)``: the iso3 of each row of the first text table printed, in
    the order printed."""
    def codes(output: str) -> list[str]:
        lines = output.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("iso3  "))
        rows = []
        for line in lines[start + 1:]:
            if not line.strip():
                break
            rows.append(line.split()[0])
        return rows

    return codes
