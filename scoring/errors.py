"""The exceptions the library raises; the CLI turns them into messages and exit codes."""

from __future__ import annotations

__all__ = [
    "ScoringError",
    "MethodologyError",
    "ReadError",
    "ReportError",
    "OrientationError",
    "ValidationError",
    "DatasetError",
]


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is (by the console script's signal handler) so that
    it unwinds as a Ctrl-C does: clean-up runs and no partial output is left."""


def stop_reason(exc: KeyboardInterrupt) -> tuple[int, str]:
    """The exit code and the word said on stderr for a Ctrl-C (130, "interrupted") or a
    SIGTERM (143, "terminated"): 128 plus the signal's number, as shells report them."""
    return (143, "terminated") if isinstance(exc, Terminated) else (130, "interrupted")


class ScoringError(Exception):
    """Base class of every error the engine raises on purpose."""


class MethodologyError(ScoringError):
    """A methodology file is malformed or contradicts itself."""


class ReadError(ScoringError):
    """A score file cannot be read as a table of scores (format, header, columns).

    ``other_index`` names the index the file's columns belong to when that is the reason
    (None otherwise), so a caller that was not told the index can read it as that one.
    """

    other_index: str | None = None


class ReportError(ReadError):
    """A report's score table cannot be read unambiguously: what is missing or ambiguous."""


class OrientationError(ScoringError):
    """The scale direction of a file cannot be decided, or the evidence contradicts the user."""


class DatasetError(ScoringError):
    """A bundled dataset is missing, unknown, or its raw sources do not match their checksums."""


class ValidationError(ScoringError):
    """One or more rows break the methodology's rules.

    Attributes
    ----------
    failures : pandas.DataFrame
        Every failure found, one row each, with the columns of
        :data:`scoring.validation.FAILURE_COLUMNS`.
    """

    def __init__(self, failures, source: str = "", row_kind: str = "row"):
        self.failures = failures
        self.source = source
        n = len(failures)
        rows = failures["row"].nunique() if n else 0
        where = f" in {source}" if source else ""
        shown = [f"{row_kind} {_text(f.row)} ({_text(f.country)}, {_text(f.edition)}): {f.column}: "
                 f"{f.rule}: found {_text(f.found)}, expected {f.expected}"
                 for f in failures.head(self.SHOWN).itertuples()] if n else []
        more = f"\n  ... and {n - self.SHOWN} more" if n > self.SHOWN else ""
        hint = (f"\n`scoring validate {source}` lists every failure; --keep-flagged uses the "
                "rows as published, flagged" if source else "")
        super().__init__(f"{n} validation failure{'s' if n != 1 else ''} on {rows} "
                         f"row{'s' if rows != 1 else ''}{where}:"
                         + "".join(f"\n  {line}" for line in shown) + more + hint)

    #: How many failures the message shows.
    SHOWN = 5


def _text(v) -> str:
    """A cell of a failure as the message shows it: blank for missing, whole numbers whole."""
    if v is None or v != v:
        return "blank"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
