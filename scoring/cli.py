"""The command-line interface: parse, make one library call, format. Nothing else.

Heavy modules (pandas, the readers) are imported inside the commands that use them, so
``scoring --help`` and ``scoring datasets`` start fast.

Exit codes: 0 success; 1 the data failed validation or could not be read as scores;
2 usage error (click's); 3 input/output error (a file that cannot be written).
"""

from __future__ import annotations

import json
import sys

import click

EXIT_DATA = 1
EXIT_IO = 3

_EXIT_HELP = ("Exit codes: 0 success, 1 data failed validation or could not be read, "
              "2 usage error, 3 file could not be written.")


class DataFailure(click.ClickException):
    exit_code = EXIT_DATA


class IOFailure(click.ClickException):
    exit_code = EXIT_IO


def _fail_from(exc: Exception) -> click.ClickException:
    """A library exception as the click error a user should see."""
    from .errors import ScoringError

    if isinstance(exc, ScoringError):
        return DataFailure(str(exc))
    if isinstance(exc, ValueError):
        return click.UsageError(str(exc))
    if isinstance(exc, OSError):
        return IOFailure(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    raise exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             epilog=_EXIT_HELP)
@click.version_option(package_name="scoring")
def main():
    """Compare Freedom House index scores across editions, on one footing.

    \b
    Examples:
      scoring compare --index fotn --from 2023 --to 2024
      scoring validate my_scores.csv --index fotn --edition 2025
      scoring datasets
    """


# -- datasets ---------------------------------------------------------------------------------
@main.group(invoke_without_command=True, epilog=_EXIT_HELP)
@click.pass_context
def datasets(ctx):
    """List the bundled datasets and their raw sources, with provenance.

    \b
    Examples:
      scoring datasets
      scoring datasets build
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_cmd)


@datasets.command("list", epilog=_EXIT_HELP)
def list_cmd():
    """List the tidy tables and every raw source (repository, commit, sha256).

    \b
    Example:
      scoring datasets list
    """
    from .errors import ScoringError
    from .registry import datasets_dir, list_datasets, load_sources

    try:
        root = datasets_dir()
        entries, sources = list_datasets(root), load_sources(root)
    except ScoringError as exc:
        raise _fail_from(exc) from None
    click.echo(f"Datasets in {root}:")
    for e in entries:
        click.echo(f"\n  {e['name']}  ({e['index']}, editions {e['editions']})  -> {e['file']}")
        click.echo(f"    {e['description']}")
        click.echo(f"    cite: {e['citation']}")
        click.echo("    sources:")
        for s in sources:
            if s["index"] == e["index"]:
                click.echo(f"      {s['file']}  [{s['editions']}]")
                click.echo(f"        {s['content']}")
                click.echo(f"        scale: {s['scale']}")
                origin = s["repository"] + (f" @ {s['commit']}" if s.get("commit") else "")
                click.echo(f"        from: {origin} : {s['path']}")
                click.echo(f"        sha256: {s['sha256']}")


@datasets.command("build", epilog=_EXIT_HELP)
def build_cmd():
    """Check the raw sources' sha256 and rebuild the tidy tables from them.

    Writes datasets/<name>.csv, findings.csv (every validation failure of every source) and
    disagreements.csv (cells where sources differ, rows a source lacks).

    \b
    Example:
      scoring datasets build
    """
    from .build import build_datasets

    try:
        report = build_datasets()
    except Exception as exc:
        raise _fail_from(exc) from None
    for path in report.written:
        click.echo(f"wrote {path}")
    for name, n in report.rows.items():
        click.echo(f"{name}: {n} rows")
    click.echo(f"findings: {len(report.findings)} validation failures in the sources "
               f"(findings.csv); disagreements: {len(report.disagreements)} "
               "(disagreements.csv)")


# -- validate ---------------------------------------------------------------------------------
def _index_option(func):
    # Every methodology file is an index the CLI accepts: a new index needs only its TOML.
    from .methodology import available_methodologies

    return click.option("--index", "index", type=click.Choice(available_methodologies()),
                        default="fotn", show_default=True,
                        help="Which index (a file in scoring/methodologies).")(func)


_INDEX = _index_option


@main.command(epilog=_EXIT_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@_INDEX
@click.option("--edition", type=int, help="Edition of the file when it has no edition column "
              "(or: read only this edition).")
@click.option("--orientation", type=click.Choice(["higher-is-freer", "lower-is-freer"]),
              help="Scale of the file; by default taken from a label in it or from status "
                   "consistency.")
@click.option("--sheet", help="xlsx: the sheet to read (default: the one with a score header).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Format of the failure table.")
def validate(file, index, edition, orientation, sheet, fmt):
    """Check a score file against the index's rules; list every failure at once.

    Exit 0 when the file is clean, 1 with the failure table (file, row as you see it in the
    file, country, edition, column, rule, value found, value expected) otherwise.

    \b
    Examples:
      scoring validate datasets/raw/FOTN_2023_Country_Score_Data.csv
      scoring validate datasets/raw/freedom_house_2015.json --edition 2015
      scoring validate scores.xlsx --index fiw --format csv
    """
    from .errors import ScoringError
    from .readers import read_scores

    try:
        frame = read_scores(file, index, edition=edition, orientation=orientation, sheet=sheet,
                            on_error="flag")
    except (ScoringError, ValueError) as exc:
        raise _fail_from(exc) from None
    failures = frame.attrs["failures"]
    for note in frame.attrs["notes"]:
        click.echo(f"note: {note}", err=True)
    if failures.empty:
        eds = ", ".join(str(e) for e in sorted(frame["edition"].dropna().unique()))
        click.echo(f"{file}: {len(frame)} rows, edition {eds}: no validation failures")
        return
    if fmt == "json":
        click.echo(failures.to_json(orient="records", indent=2))
    elif fmt == "csv":
        click.echo(failures.to_csv(index=False), nl=False)
    else:
        shown = failures.drop(columns=["source"]).rename(
            columns={"row": frame.attrs["row_kind"]}).astype(str).replace("None", "")
        click.echo(_text_table(shown, numeric=[frame.attrs["row_kind"], "edition"]))
    rows = failures["row"].nunique()
    raise DataFailure(f"{file}: {len(failures)} validation failure"
                      f"{'s' if len(failures) != 1 else ''} on {rows} of {len(frame)} rows")


# -- compare ----------------------------------------------------------------------------------
@main.command(epilog=_EXIT_HELP)
@_INDEX
@click.option("--from", "from_edition", type=int, required=True, help="Earlier edition.")
@click.option("--to", "to_edition", type=int, required=True, help="Later edition.")
@click.option("--country", "countries", multiple=True, metavar="ISO3",
              help="Restrict to these countries (repeatable).")
@click.option("--data", "extra", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Add your own score file to the bundled data for this run (repeatable); "
                   "it is validated like any input, and its rows replace bundled rows of the "
                   "same country and edition.")
@click.option("--data-edition", type=int, help="Edition of the --data files when they have no "
              "edition column.")
@click.option("--data-orientation", type=click.Choice(["higher-is-freer", "lower-is-freer"]),
              help="Scale of the --data files when they carry no label or statuses.")
@click.option("--keep-flagged", is_flag=True,
              help="Keep rows of --data files that fail validation (used as published, named "
                   "in the flags column and the notes) instead of stopping.")
@click.option("--include-territories", is_flag=True,
              help="FIW: count territories too (default: countries only, as Freedom House).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True),
              help="Write here instead of the terminal (atomically: all or nothing).")
def compare(index, from_edition, to_edition, countries, extra, data_edition, data_orientation,
            keep_flagged, include_territories, fmt, output):
    """Per-country change between two editions, on one scale, with a summary.

    Every edition is put on the higher-is-freer scale first (editions published 0 = most
    free are converted per category), so a negative change is a decline. Only countries in
    both editions are compared; the others are listed.

    \b
    Examples:
      scoring compare --index fotn --from 2023 --to 2024
      scoring compare --index fotn --from 2015 --to 2024 --country KAZ --country RUS
      scoring compare --index fiw --from 2021 --to 2022 --format json --output fiw.json
      scoring compare --from 2024 --to 2025 --data fotn2025.csv
    """
    import pandas as pd

    from .compare import compare as run
    from .datasets import load_dataset
    from .errors import ScoringError
    from .readers import read_scores

    if output and any(_same(output, f) for f in extra):
        raise click.UsageError(f"--output {output} is one of the input files; "
                               "choose another path")
    notes = []
    try:
        data = load_dataset(index)
        for f in extra:
            mine = read_scores(f, index, edition=data_edition, orientation=data_orientation,
                               on_error="flag" if keep_flagged else "raise")
            if len(mine.attrs["failures"]):
                n_bad = len(mine.attrs["failures"])
                notes.append(f"{f}: {n_bad} validation failure{'s' if n_bad != 1 else ''} kept "
                             "(--keep-flagged); run `scoring validate` on it for the table")
            mine.attrs = {}
            key = set(zip(mine["iso3"], mine["edition"]))
            replaced = data[[k in key for k in zip(data["iso3"], data["edition"])]]
            if len(replaced):
                notes.append(f"{f}: {len(replaced)} rows replace bundled rows of the same "
                             "country and edition")
            data = pd.concat([data.drop(index=replaced.index), mine], ignore_index=True)
        result = run(data, index=index, from_edition=from_edition, to_edition=to_edition,
                     countries=list(countries) or None, include_territories=include_territories)
    except (ScoringError, ValueError) as exc:
        raise _fail_from(exc) from None
    result.notes[:0] = notes
    text = _format_comparison(result, fmt)
    if output:
        from ._output import write_atomic

        try:
            write_atomic(output, text)
        except OSError as exc:
            raise _fail_from(exc) from None
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def _text_table(frame, numeric=()) -> str:
    """Plain text table: text left-aligned, numbers right-aligned, two spaces apart."""
    cols = list(frame.columns)
    cells = [[str(c) for c in cols]] + [["" if v is None else str(v) for v in row]
                                        for row in frame.itertuples(index=False)]
    widths = [max(len(r[j]) for r in cells) for j in range(len(cols))]
    out = []
    for r in cells:
        parts = [v.rjust(w) if cols[j] in numeric else v.ljust(w)
                 for j, (v, w) in enumerate(zip(r, widths))]
        out.append("  ".join(parts).rstrip())
    return "\n".join(out)


def _same(a, b) -> bool:
    from ._output import same_file

    return same_file(a, b)


def _format_comparison(result, fmt: str) -> str:
    s = result.summary
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    rows = result.rows
    if fmt == "csv":
        from ._output import neutralise_cell

        safe = rows.map(neutralise_cell)
        return safe.to_csv(index=False, lineterminator="\n")
    cats = [c[len("delta_"):] for c in rows.columns if c.startswith("delta_")]
    shown = rows[["iso3", "country", "status_from", "status_to", "total_from", "total_to",
                  "delta"] + [f"delta_{c}" for c in cats] + ["status_change", "flags"]].copy()
    for c in shown.columns:
        if shown[c].dtype.kind == "f":
            signed = c.startswith("delta")
            shown[c] = shown[c].map(lambda v: "" if v != v else
                                    (f"{v:+.0f}" if signed and v else f"{v:.0f}"))
    shown.columns = ["iso3", "country", f"status {s['from']}", f"status {s['to']}",
                     f"total {s['from']}", f"total {s['to']}", "change"] + \
        [f"d {c}" for c in cats] + ["status change", "flags"]
    lines = [
        f"{s['name']}: {s['from']} -> {s['to']} (scores on one scale: higher = freer)",
        f"{s['n']} {s['entities']} in both editions: {s['declined']} declined, "
        f"{s['improved']} improved, {s['unchanged']} unchanged; "
        f"{s['status_changes']} status changes",
    ]
    for side, key in (("only in", "only_in_from"), ("only in", "only_in_to")):
        ed = s["from"] if key == "only_in_from" else s["to"]
        if s[key]:
            names = ", ".join(f"{x['country']} ({x['iso3']})" for x in s[key])
            lines.append(f"{side} {ed} (not compared): {names}")
    lines += [f"note: {n}" for n in result.notes]
    lines.append("")
    lines.append(_text_table(shown, numeric=[c for c in shown.columns if c.startswith(
        ("total", "change", "d "))]))
    lines.append("")
    lines.append(f"Source: {s['citation']}; analysis: scoring")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    main()
