"""`scoring panel`: the canonical scores as a file for R, Stata or pandas.

May import: errors, datasets, publish (panel_export, panel_formats; lazily: pandas must not be
loaded for ``--help``).
"""

from __future__ import annotations

from pathlib import Path

import click

from .common import (EXIT_HELP, emit, fail_from, input_options, load_data, output_format, say,
                     selected)

#: Kept here, not imported, so that ``--help`` loads no pandas; a test checks they match
#: ``scoring.publish.panel_formats.FORMATS`` and ``panel_export.LEVELS``.
FORMATS = ("csv", "xlsx", "json", "parquet", "dta")
BINARY_FORMATS = ("xlsx", "parquet", "dta")
LEVELS = ("total", "categories", "questions")


@click.command("panel", epilog=EXIT_HELP)
@click.option("--level", type=click.Choice(LEVELS), default="total", show_default=True,
              help="total; categories (with the total; FIW also subcategories, adjustments "
                   "and ratings); questions (with both).")
@click.option("--wide", is_flag=True,
              help="One row per country, one column per component and edition (total_2023, "
                   "status_2023, source_2023, ...), instead of one row per country-edition.")
@click.option("--from", "from_edition", type=int, help="First edition (default: all).")
@click.option("--to", "to_edition", type=int, help="Last edition (default: all).")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Default: from the --output suffix, else csv. xlsx, parquet and dta need "
                   "--output; parquet needs the extra scoring[parquet].")
@click.option("--output", type=click.Path(dir_okay=False),
              help="Write here instead of the terminal (atomically: all or nothing; never "
                   "over an input file).")
@input_options
def panel(level, wide, from_edition, to_edition, fmt, output, index, countries, regions, extra,
          data_edition, data_orientation, keep_flagged, include_territories):
    """The canonical scores (higher = freer), one row per country and edition, as a file.

    Every edition is on one scale (editions published 0 = most free are converted per
    component), with the status, the source file and row, and the validation flags of each
    row. A score the source did not publish is missing, never 0. --wide gives one row per
    country with status_<edition>, <component>_<edition>, source_<edition> and
    flags_<edition> columns (a column no country has a value in is left out).

    \b
    Formats:
      csv      UTF-8; text a spreadsheet would run as a formula gets a leading ' (named
               on stderr); numbers are never changed
      xlsx     sheets panel, variables (name, label) and metadata
      json     {"metadata": ..., "variables": [...], "records": [...]}
      parquet  column labels in the field metadata, the metadata block in the schema
      dta      Stata 118: variable labels, a dataset label, status labelled 1 Free,
               2 Partly Free, 3 Not Free

    \b
    Examples:
      scoring panel --index fotn --level categories --output fotn.csv
      scoring panel --index fiw --level questions --wide --output fiw.dta
      scoring panel --index fiw --include-territories --from 2013 --format json
      scoring panel --index fotn --country KAZ --country RUS --output kaz_rus.xlsx
      scoring panel --data fotn2025.csv --level questions --output fotn.parquet
    """
    from ..errors import ScoringError
    from ..publish.panel_export import panel_table
    from ..publish.panel_formats import export_panel, formula_cells

    fmt = _format(fmt, output)
    if fmt in BINARY_FORMATS and not output:
        raise click.UsageError(f"--format {fmt} writes a binary file: give --output "
                               f"FILE.{fmt}")
    try:
        data = load_data(index, extra, data_edition, data_orientation, keep_flagged, output)
        table = panel_table(data, level=level, wide=wide,
                            countries=selected(countries, regions, data, include_territories),
                            include_territories=include_territories,
                            from_edition=from_edition, to_edition=to_edition)
    except (ScoringError, ValueError) as exc:
        raise fail_from(exc) from None
    try:
        payload = export_panel(table, fmt)
    except ImportError as exc:  # an optional writer's package: the message names the extra
        raise click.UsageError(f"--format {fmt}: {exc}") from None
    except ValueError as exc:
        raise fail_from(exc) from None
    for note in table.attrs["metadata"]["notes"]:
        say(f"note: {note}")
    if fmt == "csv":
        _say_neutralised(formula_cells(table))
    emit(payload, output)


def _format(fmt, output) -> str:
    """The format asked for, else the one the output's suffix names, else csv."""
    return output_format(fmt, output, FORMATS, default="csv")


def _say_neutralised(cells) -> None:
    """A CSV cell written with a leading quote is not the value in the data: say which."""
    if not cells:
        return
    shown = ", ".join(f"line {c['line']} {c['column']} {c['value']!r}" for c in cells[:5])
    more = f" and {len(cells) - 5} more" if len(cells) > 5 else ""
    say(f"note: {len(cells)} text cell{'s' if len(cells) != 1 else ''} start with "
        f"= + - @ (or a tab or carriage return) and were written with a leading ' so "
        f"that a spreadsheet does not run them: {shown}{more}; --format json, parquet, "
        f"dta or xlsx keeps the text exact")
