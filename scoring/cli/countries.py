"""`scoring countries`: who an index covers, in which editions, under which name and region.

May import: errors, datasets (the panel and its coverage), publish.tables.
"""

from __future__ import annotations

import click

from .common import (EXIT_HELP, emit, fail_from, index_option, output_format, region_option,
                     table_width, tables, wide_option)

FORMATS = ("table", "csv", "json")


@click.command("countries", epilog=EXIT_HELP)
@index_option
@click.option("--edition", type=int,
              help="Only those covered in this edition (their other editions still listed).")
@region_option
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Default: from the --output suffix (.csv, .json), else table.")
@click.option("--output", type=click.Path(dir_okay=False),
              help="Write here instead of the terminal (atomically: all or nothing).")
@wide_option
def countries(index, edition, regions, fmt, output, wide):
    """The countries (FIW: and territories) an index covers, one row each.

    Each row: the ISO3 code, the name in the latest edition, the FIW region (the country's
    latest; FOTN countries take FIW's by ISO3), FIW's c (country) or t (territory), the
    first and last edition, how many editions and which, as runs of consecutive editions
    (2011-2016, 2018-2024). Sorted by ISO3. The codes and names are what --country takes.

    \b
    Examples:
      scoring countries --index fotn
      scoring countries --index fiw --edition 2025 --format json
      scoring countries --index fiw --region Eurasia --region Europe
      scoring countries --edition 2024 --output fotn_2024.csv
    """
    from ..datasets.coverage import country_coverage
    from ..datasets.panel import load_panel
    from ..errors import ScoringError

    fmt = output_format(fmt, output, FORMATS)
    try:
        table = country_coverage(load_panel(index), edition=edition, regions=regions)
    except (ScoringError, ValueError) as exc:
        raise fail_from(exc) from None
    s = table.attrs["summary"]
    who = _count(s["countries"], "country", "countries")
    if s["territories"]:
        who += f" and {_count(s['territories'], 'territory', 'territories')}"
    when = edition if edition is not None else f"{s['editions'][0]}-{s['editions'][1]}"
    where = f" in {', '.join(regions)}" if regions else ""
    notes = ["Names are each entity's in its latest edition; regions are Freedom in the "
             "World's, each entity's latest" + (", by ISO3." if index != "fiw" else ".")]
    emit(tables.format_result(
        table, fmt, title=[f"{s['name']} {when}: {who}{where}"], summary=s, notes=notes,
        numeric=["first_edition", "last_edition", "n_editions"],
        width=table_width(wide, output), shorten=["country"],
        priority=["iso3", "country", "editions", "region", "ct"]), output, fmt)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
