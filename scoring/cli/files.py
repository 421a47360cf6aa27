"""`scoring validate` and `scoring ingest-report`: one file in, checked or read, nothing compared.

May import: errors, ingest, datasets (the reader of user files), publish.tables, cli.progress.
"""

from __future__ import annotations

import json

import click

from .common import (EXIT_HELP, FORMATS, DataFailure, emit, fail_from, index_option,
                     output_format, same_path, say, table_width, tables, wide_option)
from .progress import terminal_progress


@click.command(epilog=EXIT_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@index_option
@click.option("--edition", type=int, help="Edition of the file when it has no edition column "
              "(or: read only this edition).")
@click.option("--orientation", type=click.Choice(["higher-is-freer", "lower-is-freer"]),
              help="Scale of the file; by default taken from a label in it, its orientation "
                   "column or status consistency.")
@click.option("--sheet", help="xlsx: the sheet to read (default: the one with a score header).")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Format of the failure table (written even when empty). Default: from the "
                   "--output suffix, else table.")
@click.option("--output", type=click.Path(dir_okay=False),
              help="Write the failure table here (atomically; never over the input).")
@wide_option
def validate(file, index, edition, orientation, sheet, fmt, output, wide):
    """Check a score file against the index's rules; list every failure at once.

    Reads what --data reads: a score table (CSV, xlsx, JSON; the tidy CSV that ingest-report
    writes), a FOTN country report's text or a FOTN booklet (PDF). Exit 0 when the file is
    clean, 1 with the failure table (file, row as you see it in the file, country, edition,
    column, rule, value found, value expected) otherwise.

    \b
    Examples:
      scoring validate datasets/raw/FOTN_2023_Country_Score_Data.csv
      scoring validate datasets/raw/freedom_house_2015.json --edition 2015
      scoring validate scores.xlsx --index fiw --format csv
      scoring validate my.csv --output failures.xlsx
    """
    from ..datasets.load import read_user_file
    from ..errors import ReadError, ScoringError

    fmt = output_format(fmt, output)
    if output and same_path(output, file):
        raise click.UsageError(f"--output {output} is the input file; choose another path")
    asked = click.get_current_context().get_parameter_source("index").name != "DEFAULT"
    try:
        try:
            with terminal_progress() as progress:
                frame, notes = read_user_file(file, index, edition=edition,
                                              orientation=orientation, sheet=sheet,
                                              on_error="flag", progress=progress)
        except ReadError as exc:
            if asked or exc.other_index is None:
                raise
            # Not told the index, and the columns are another index's: read it as that one.
            index = exc.other_index
            frame, notes = read_user_file(file, index, edition=edition,
                                          orientation=orientation, sheet=sheet, on_error="flag")
            notes.insert(0, f"{file}: read as --index {index}: its score columns are that "
                            "index's")
    except (ScoringError, ValueError) as exc:
        raise fail_from(exc) from None
    failures = frame.attrs["failures"]
    for note in frame.attrs.get("notes", []) + notes:
        say(f"note: {note}")
    eds = ", ".join(str(e) for e in sorted(frame["edition"].dropna().unique()))
    said = (f"{file}: {len(frame)} rows, edition {eds}: " + (
        "no validation failures" if failures.empty else
        f"{len(failures)} validation failure{'s' if len(failures) != 1 else ''} on "
        f"{failures['row'].nunique()} of {len(frame)} rows"))
    if fmt == "table" and failures.empty:
        emit("\n".join(tables.prose([said], table_width(wide, output))) + "\n", output, fmt)
        return
    emit(_failure_table(failures, fmt, frame.attrs.get("row_kind", "row"), said,
                        table_width(wide, output)), output, fmt)
    if not failures.empty:
        raise DataFailure(said)


def _failure_table(failures, fmt: str, row_kind: str, said: str, width: int | None):
    """The failure table (possibly empty) in the format asked for; as text, fitted to
    ``width`` (the rule and the values found and expected may be cut first)."""
    if fmt == "json":
        return json.dumps({"summary": said, "row_kind": row_kind,
                           "failures": tables.records(failures)}, indent=2,
                          ensure_ascii=False) + "\n"
    if fmt == "csv":
        return tables.to_csv(failures)
    if fmt == "xlsx":
        return tables.to_xlsx({"failures": failures}, [said])
    shown = failures.drop(columns=["source"]).rename(columns={"row": row_kind}).astype(
        object).fillna("").astype(str).replace("None", "")
    return tables.text_table(shown, numeric=[row_kind, "edition"], width=width,
                             priority=[row_kind, "country", "iso3", "edition", "column", "rule",
                                       "found", "expected"],
                             shorten=["expected", "found", "rule", "country"]) + "\n"


@click.command("ingest-report", epilog=EXIT_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              help="csv gives the rows in the tidy form every reader returns, ready for "
                   "--data. Default: from the --output suffix, else table.")
@click.option("--output", type=click.Path(dir_okay=False),
              help="Write here instead of the terminal (atomically).")
@click.option("--keep-flagged", is_flag=True,
              help="Keep rows that break a rule (flagged) instead of stopping.")
@wide_option
def ingest_report(file, fmt, output, keep_flagged, wide):
    """Scores from a Freedom on the Net country report's text or an annual booklet (PDF).

    A country report (text, OCR damage included): the country, the edition and both years of
    its score table (categories, total, status), the scale note that fixes the orientation and
    the header facts. A damaged label or number is repaired only when the table's own
    constraints (category order and maxima, totals = sum of categories, status within its
    band, the header years) leave one answer, and every repair is listed; otherwise the
    command stops and names what is missing.

    A booklet (the PDFs of 2011, 2012, 2013, 2014, 2016): every country of its score table,
    with the previous edition's total where the table prints it (2014, 2016); every inference
    (a status from the band of the total, an unmapped glyph read) is listed with its page and
    line. The rows can be added to any comparison with --data.

    \b
    Examples:
      scoring ingest-report datasets/raw/FOTN2015_Kazakhstan.txt
      scoring ingest-report datasets/raw/internetfreedom_2014.pdf
      scoring ingest-report report.txt --format csv --output kaz.csv
      scoring compare --from 2014 --to 2015 --data datasets/raw/FOTN2015_Kazakhstan.txt
    """
    from ..errors import ScoringError
    from ..ingest.reports import read_report

    fmt = output_format(fmt, output, ("table", "csv", "json"))
    if output and same_path(output, file):
        raise click.UsageError(f"--output {output} is the input file; choose another path")
    try:
        with terminal_progress() as progress:
            frame = read_report(file, on_error="flag" if keep_flagged else "raise",
                                progress=progress)
    except (ScoringError, ValueError) as exc:
        raise fail_from(exc) from None
    width = table_width(wide, output)
    if "booklet_edition" in frame.attrs:
        emit(_booklet_text(file, frame, fmt, width), output, fmt)
        return
    repairs = frame.attrs.get("repairs", [])
    facts = frame.attrs.get("facts", {})
    notes = frame.attrs.get("notes", [])
    rows = frame.drop(columns=[c for c in frame.columns if frame[c].isna().all()])
    if fmt == "json":
        text = json.dumps({"rows": tables.records(rows), "repairs": tables.plain(repairs),
                           "facts": tables.plain(facts), "notes": notes,
                           "provenance": tables.plain(frame.attrs.get("provenance", {}))},
                          indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        text = tables.to_csv(rows)
    else:
        text = _report_text(file, frame.attrs.get("report_edition"), rows, facts, repairs,
                            notes, width)
    emit(text, output, fmt)


def _report_text(file, edition, rows, facts: dict, repairs: list, notes: list,
                 width: int | None) -> str:
    """A country report's rows, facts, repairs and notes as text, fitted to ``width``."""
    lines = tables.prose([f"{file}: Freedom on the Net {edition} report, "
                          f"{rows['country'].iloc[0]} ({rows['iso3'].iloc[0]}); scores as "
                          f"published ({rows['orientation'].iloc[0]})"], width) + [""]
    lines.append(tables.text_table(rows[[c for c in ("edition", "status", "access", "content",
                                                      "rights", "total", "source_row", "flags")
                                          if c in rows]],
                                   numeric=["edition", "access", "content", "rights", "total",
                                            "source_row"], width=width, shorten=["flags"]))
    said = []
    if facts:
        said += ["", "facts: " + "; ".join(f"{k} {v}" for k, v in facts.items())]
    said += ["", f"repairs ({len(repairs)}):"]
    said += [f"  line {r.get('line')}: {r.get('field')}"
             f"{' ' + str(r['year']) if r.get('year') else ''}: read {r.get('read')!r} -> "
             f"{r.get('inferred')} ({r.get('why')})" for r in repairs] or ["  none"]
    said += [f"note: {n}" for n in notes]
    return "\n".join(lines + tables.prose(said, width)) + "\n"


def _booklet_text(file, frame, fmt, width: int | None) -> str:
    """A booklet's rows, inferences and notes in the format asked for (text: fitted to
    ``width``)."""
    import pandas as pd

    from ..ingest.reports.booklet_read import ROW_KIND

    repairs, notes = frame.attrs["repairs"], frame.attrs["notes"]
    if fmt == "json":
        return json.dumps({"rows": tables.records(frame), "repairs": tables.plain(repairs),
                           "trajectories": tables.plain(frame.attrs["trajectories"]),
                           "notes": notes, "row_kind": ROW_KIND}, indent=2,
                          ensure_ascii=False) + "\n"
    if fmt == "csv":
        return tables.to_csv(frame)
    shown = frame.copy()
    shown.attrs = {}  # attrs holding frames cannot go through pandas' operations
    shown = shown.assign(page=shown["source_row"] // 1000, line=shown["source_row"] % 1000)
    shown = shown.sort_values(["edition", "source_row"], kind="stable")
    shown = pd.DataFrame({c: ["" if pd.isna(v) else f"{v:g}" if isinstance(v, float) else str(v)
                              for v in shown[c]]
                          for c in ("edition", "iso3", "country", "status", "access",
                                    "content", "rights", "total", "page", "line", "flags")})
    counts = ", ".join(f"{e}: {n} countries"
                       for e, n in frame.groupby("edition").size().items())
    head = (f"{file}: Freedom on the Net {frame.attrs['booklet_edition']} booklet, score "
            f"table on pages {', '.join(map(str, frame.attrs['pages']))} ({counts}); scores as "
            f"published ({frame['orientation'].iloc[0]}, {frame.attrs['orientation_from']})")
    table = tables.text_table(shown, numeric=["edition", "access", "content", "rights",
                                              "total", "page", "line"],
                              width=width, shorten=["country", "flags"])
    said = ["", f"inferences ({len(repairs)}):"]
    said += [f"  page {r['page']}, line {r['line']} ({r['country']}): {r['field']} "
             f"{r['year']}: read {r['read']!r} -> {r['inferred']} ({r['why']})"
             for r in repairs] or ["  none"]
    said += [f"note: {n}" for n in notes]
    return "\n".join(tables.prose([head], width) + ["", table] + tables.prose(said, width)) + "\n"
