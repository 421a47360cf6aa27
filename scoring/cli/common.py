"""What every command shares: exit codes, the error mapping, the data options, loading, output.

May import: errors, _output, methodology, datasets, publish.tables (lazily: pandas must not be
loaded for ``--help``), cli.progress.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import sys
from pathlib import Path

import click

from .._output import terminal_text

EXIT_DATA = 1
EXIT_IO = 3

EXIT_HELP = ("Exit codes: 0 success, 1 data failed validation or could not be read, "
             "2 usage error, 3 file could not be written, 130 interrupted (Ctrl-C), "
             "143 terminated (SIGTERM).")


class DataFailure(click.ClickException):
    exit_code = EXIT_DATA


class IOFailure(click.ClickException):
    exit_code = EXIT_IO


class Stopped(click.ClickException):
    """Ctrl-C or SIGTERM: one line on stderr ("scoring: interrupted"), exit 130 or 143."""

    def __init__(self, exc: KeyboardInterrupt):
        from ..errors import stop_reason

        self.exit_code, word = stop_reason(exc)
        super().__init__(word)

    def show(self, file=None) -> None:
        click.echo(f"scoring: {self.message}", err=True)


@contextlib.contextmanager
def _guarded():
    """Interrupts as :class:`Stopped`; user text quoted in any error message made safe for
    the terminal (a country name holding ESC [2J would erase the screen it is shown on)."""
    try:
        yield
    except KeyboardInterrupt as exc:
        raise Stopped(exc) from None
    except click.ClickException as exc:
        exc.message = terminal_text(exc.message)
        raise


class MainGroup(click.Group):
    """The ``scoring`` group: every command's parsing and running guarded once (``_guarded``),
    so no command can end in a traceback on Ctrl-C or print control characters in an error."""

    def make_context(self, *args, **kwargs):
        with _guarded():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _guarded():
            return super().invoke(ctx)


def fail_from(exc: Exception) -> click.ClickException:
    """A library exception as the click error a user should see."""
    from ..errors import ScoringError

    if isinstance(exc, ScoringError):
        return DataFailure(str(exc))
    if isinstance(exc, ValueError):
        return click.UsageError(str(exc))
    if isinstance(exc, OSError):
        return IOFailure(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    raise exc


def index_option(func):
    """``--index``: every methodology file is an index the CLI accepts (a new index needs only
    its TOML)."""
    from ..methodology import available_methodologies

    return click.option("--index", "index", type=click.Choice(available_methodologies()),
                        default="fotn", show_default=True,
                        help="Which index (a file in scoring/methodology).")(func)


def input_options(func):
    """``--index`` and the options that choose the data: the bundled dataset, the user's
    files added to it, countries, territories."""
    for option in reversed(_input_options()):
        func = option(func)
    return index_option(func)


FORMATS = ("table", "csv", "json", "xlsx")
#: Suffixes that name a data format: a file so named never receives a text table.
_DATA_SUFFIXES = ("csv", "json", "xlsx", "xls", "parquet", "dta", "tsv", "ods", "sav")


def output_format(fmt, output, formats=FORMATS, default: str = "table") -> str:
    """The format asked for, else the one the ``--output`` suffix names, else ``default``; a
    suffix that names another format is a usage error (a CSV file holding a text table is
    data lost without a word)."""
    if output:
        _writable(output)
    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    if suffix in _DATA_SUFFIXES and suffix not in formats:
        raise click.UsageError(f"--output {output} names a .{suffix} file, which this command "
                               f"does not write (it writes {', '.join(formats)}); choose "
                               "another suffix")
    if fmt is None:
        return suffix if suffix in formats and suffix != "table" else default
    if suffix in formats and suffix != fmt:
        raise click.UsageError(f"--format {fmt} but --output {output} ends in .{suffix}; "
                               "give one or make them agree")
    return fmt


def _writable(output) -> None:
    """Refuse an ``--output`` that is not a new path or a writable regular file, before any
    work is done (the write checks again)."""
    from .._output import OutputRefused, check_output

    try:
        check_output(output)
    except OutputRefused as exc:
        raise IOFailure(str(exc)) from None
    if any(same_path(output, f) for f in _bundled_files()):
        raise click.UsageError(f"--output {output} is a file of the bundled datasets, which "
                               "every command reads; choose another path")


def _format_from_output(func):
    """Resolve ``fmt`` from ``--format`` and ``--output``, and ``--wide`` into the ``width``
    text tables must fit, before the command runs."""
    @functools.wraps(func)
    def run(*args, fmt=None, output=None, wide=False, **kwargs):
        return func(*args, fmt=output_format(fmt, output), output=output,
                    width=table_width(wide, output), **kwargs)
    return run


def table_width(wide: bool, output) -> int | None:
    """The width a text table must fit; None: no limit, every column.

    On a terminal, its width (``shutil.get_terminal_size``: ``COLUMNS`` when set, else what
    the terminal says). No limit with ``--wide``, with ``--output`` (a file holds the full
    table) or when stdout is not a terminal, ``COLUMNS`` or not: a pipe gets the table it
    always got, so scripts and diffs do not change. ``COLUMNS`` alone does not count,
    because it leaks into pipes: a Python process that loaded readline (pytest, pdb, a
    REPL) exports it to every command it runs.
    """
    if wide or output or not stdout_is_terminal():
        return None
    columns = shutil.get_terminal_size().columns
    return columns if columns > 0 else None


def stdout_is_terminal() -> bool:
    """Whether what the command prints goes to a terminal (not a pipe or a file)."""
    return sys.stdout.isatty()


WIDE_HELP = ("Show every column of text tables, however wide. On a terminal a table "
             "otherwise fits its width (COLUMNS, else the terminal's), leaving out its least "
             "important columns and saying which. Accepted, and changing nothing, with "
             "--output, a pipe or another --format: those always hold every column, so a "
             "script or alias may always pass it.")


def wide_option(func):
    """``--wide``: text tables keep every column whatever the terminal's width."""
    return click.option("--wide", is_flag=True, help=WIDE_HELP)(func)


def data_options(func):
    """Options of every command that analyses the bundled data (plus the user's files), with
    the result formats of an analysis."""
    func = _format_from_output(func)
    for option in reversed(_output_options()):
        func = option(func)
    return input_options(func)


def _input_options():
    return [
        click.option("--country", "countries", multiple=True, metavar="NAME|ISO3",
                     callback=_country_codes,
                     help="Restrict to these countries: ISO3 codes or names, as the data or "
                          "common use spell them (Kazakhstan, T\u00fcrkiye, 'South Korea', "
                          "UK), any case; repeatable, or several in one value, separated by "
                          "commas or spaces ('KAZ,RUS', 'KAZ RUS'). With --region: these "
                          "countries as well as the region's."),
        region_option,
        click.option("--data", "extra", multiple=True,
                     type=click.Path(exists=True, dir_okay=False),
                     help="Add your own score file to the bundled data for this run "
                          "(repeatable); it is validated like any input, and its rows replace "
                          "bundled rows of the same country and edition."),
        click.option("--data-edition", type=int,
                     help="Edition of the --data files when they have no edition column."),
        click.option("--data-orientation",
                     type=click.Choice(["higher-is-freer", "lower-is-freer"]),
                     help="Scale of the --data files when they carry no label or statuses."),
        click.option("--keep-flagged", is_flag=True,
                     help="Keep rows of --data files that fail validation (used as "
                          "published, named in the flags column and the notes) instead of "
                          "stopping."),
        click.option("--include-territories", is_flag=True,
                     help="FIW: count territories too (default: countries only, as Freedom "
                          "House)."),
    ]


def region_option(func):
    """``--region``: FIW's regions, read as people type them (``_region_names``)."""
    return click.option(
        "--region", "regions", multiple=True, metavar="REGION", callback=_region_names,
        help="Restrict to the countries of these FIW regions (Africa, Americas, Asia "
             "(Asia-Pacific), Eurasia, Europe, Middle East; each country's latest; FOTN "
             "countries take FIW's by ISO3): repeatable, any case, or a short form that fits "
             "one region (ME, Afr).")(func)


def _output_options():
    return [
        click.option("--format", "fmt", type=click.Choice(FORMATS),
                     help="Default: from the --output suffix (.csv, .json, .xlsx), else table. "
                          "xlsx needs --output. CSV and xlsx neutralise text a spreadsheet "
                          "would run as a formula."),
        click.option("--output", type=click.Path(dir_okay=False),
                     help="Write here instead of the terminal (atomically: all or nothing)."),
        wide_option,
    ]


def given(*names: str) -> list[str]:
    """The options among ``names`` (parameter names) the user typed, as ``--option``."""
    ctx = click.get_current_context()
    out = []
    for name in names:
        source = ctx.get_parameter_source(name)
        if source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT"):
            out.append("--" + name.replace("_", "-"))
    return out


def refuse_without(flag: str, present, *names: str) -> None:
    """A usage error when options that only mean something with ``flag`` are given without it
    (an option silently ignored is an option not honoured)."""
    typed = given(*names)
    if typed and not present:
        raise click.UsageError(f"{', '.join(typed)} {'goes' if len(typed) == 1 else 'go'} with "
                               f"{flag}")


def load_data(index, extra, data_edition, data_orientation, keep_flagged, output):
    """The panel every analysis of one command takes: the bundled dataset plus the user's
    files, loaded and checked once. Its ``notes`` say what the files changed."""
    refuse_without("--data", extra, "data_edition", "data_orientation", "keep_flagged")
    from ..datasets.panel import load_panel
    from .progress import terminal_progress

    if output and any(same_path(output, f) for f in extra):
        raise click.UsageError(f"--output {output} is one of the input files; "
                               "choose another path")
    with terminal_progress() as progress:  # a --data booklet's pages
        return load_panel(index, files=extra, edition=data_edition,
                          orientation=data_orientation,
                          on_error="flag" if keep_flagged else "raise", progress=progress)


def _bundled_files() -> list:
    """Every file of the bundled datasets (tables, raw sources, provenance): inputs of every
    run, never to be written over."""
    from ..datasets.registry import datasets_dir
    from ..errors import DatasetError

    try:
        return [f for f in datasets_dir().rglob("*") if f.is_file()]
    except DatasetError:  # loading the panel reports a missing dataset
        return []


def emit(text, output, fmt: str | None = None) -> None:
    """Print ``text``, or write it to ``output`` atomically (all or nothing).

    What goes to the terminal, and a text table (``fmt="table"``) wherever it goes, has its
    control characters shown as escapes (``\\x1b``); a CSV or JSON file holds the data as
    it is (its writer has neutralised what a spreadsheet would run).
    """
    if isinstance(text, bytes) and not output:
        raise click.UsageError("--format xlsx writes a workbook: give --output FILE.xlsx")
    if isinstance(text, str) and (not output or fmt == "table"):
        text = terminal_text(text)
    if output:
        from .._output import write_atomic

        try:
            write_atomic(output, text)
        except OSError as exc:
            raise fail_from(exc) from None
        say(f"wrote {output}")
    else:
        click.echo(text, nl=False)


def say(text: str) -> None:
    """One line on stderr (a note, what was written), control characters shown as escapes."""
    click.echo(terminal_text(text), err=True)


def at_most(maximum: int, why):
    """A click callback refusing a value above ``maximum`` with the reason, ``why(value)``:
    an option whose value implies absurd work is a usage error before any work starts."""
    def check(ctx, param, value):
        if value is not None and value > maximum:
            raise click.BadParameter(f"{value} is more than the maximum, {maximum}: "
                                     f"{why(value)}", ctx=ctx, param=param)
        return value
    return check


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def same_path(a, b) -> bool:
    from .._output import same_file

    return same_file(a, b)


def _country_codes(ctx, param, values) -> tuple[str, ...]:
    """``--country`` values as ISO3 codes, read once, as the command line is parsed."""
    if not values:
        return ()
    from ..ingest.countries import resolve_countries

    try:
        return tuple(resolve_countries(values))
    except ValueError as exc:
        raise click.BadParameter(f"{exc} ('scoring countries' lists who each index covers)",
                                 ctx=ctx, param=param) from None


def _region_names(ctx, param, values) -> tuple[str, ...]:
    """``--region`` values as FIW writes the regions, read as the command line is parsed."""
    if not values:
        return ()
    from ..datasets.regions import resolve_regions
    from ..errors import ScoringError

    try:
        return tuple(resolve_regions(values))
    except ScoringError as exc:  # no bundled FIW table to read the regions from
        raise fail_from(exc) from None
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def selected(countries, regions=(), panel=None, include_territories=True) -> list[str] | None:
    """The ISO3 codes an analysis takes (None: every country): the ``--country`` codes, and
    the panel's entities of the ``--region`` regions (countries only unless
    ``include_territories``). A region with none of them in the data is a usage error, not
    every country."""
    chosen = list(countries)
    if regions:
        members = panel.region_members(regions, include_territories=include_territories)
        if not members:
            raise click.UsageError(f"--region {', '.join(regions)}: no "
                                   f"{panel.methodology.entity} of the region in the data")
        chosen += [c for c in members if c not in chosen]
    return chosen or None


class _LazyTables:
    """``publish.tables`` imported on first use: it needs pandas, which --help must not load."""

    def __getattr__(self, name):
        from ..publish import tables as module

        return getattr(module, name)


tables = _LazyTables()
