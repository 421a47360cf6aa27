"""The command-line interface: parse, make one library call, format. Nothing else.

Heavy modules (pandas, the readers) are imported inside the commands that use them, so
``scoring --help`` and ``scoring datasets`` start fast.

Exit codes: 0 success; 1 the data failed validation or could not be read as scores;
2 usage error (click's); 3 input/output error (a file that cannot be written).

May import every stage: it is the top of the house.
"""

from __future__ import annotations

import json

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
    from ..errors import ScoringError

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
    from ..errors import ScoringError
    from ..datasets.registry import datasets_dir, list_datasets, load_sources

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
@click.option("--out", type=click.Path(file_okay=False),
              help="Write into this folder instead of the datasets folder (required when "
                   "the datasets are the copy inside an installed package).")
def build_cmd(out):
    """Check the raw sources' sha256 and rebuild the tidy tables from them.

    Writes datasets/<name>.csv, findings.csv (every validation failure of every source) and
    disagreements.csv (cells where sources differ, rows a source lacks).

    \b
    Examples:
      scoring datasets build
      scoring datasets build --out rebuilt/
    """
    from ..datasets.build import build_datasets

    try:
        report = build_datasets(out=out)
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
    from ..methodology import available_methodologies

    return click.option("--index", "index", type=click.Choice(available_methodologies()),
                        default="fotn", show_default=True,
                        help="Which index (a file in scoring/methodology).")(func)


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
    from ..errors import ScoringError
    from ..ingest.readers import read_scores

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
        click.echo(_format.text_table(shown, numeric=[frame.attrs["row_kind"], "edition"]))
    rows = failures["row"].nunique()
    raise DataFailure(f"{file}: {len(failures)} validation failure"
                      f"{'s' if len(failures) != 1 else ''} on {rows} of {len(frame)} rows")


# -- ingest-report ----------------------------------------------------------------------------
@main.command("ingest-report", epilog=_EXIT_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="csv gives the rows in the tidy form every reader "
              "returns, ready for --data.")
@click.option("--output", type=click.Path(dir_okay=False),
              help="Write here instead of the terminal (atomically).")
@click.option("--keep-flagged", is_flag=True,
              help="Keep rows that break a rule (flagged) instead of stopping.")
def ingest_report(file, fmt, output, keep_flagged):
    """Scores from a Freedom on the Net country report's text, OCR damage included.

    Reads the country, the edition and both years of the report's score table (categories,
    total, status), the scale note that fixes the orientation and the header facts. A damaged
    label or number is repaired only when the table's own constraints (category order and
    maxima, totals = sum of categories, status within its band, the header years) leave one
    answer, and every repair is listed; otherwise the command stops and names what is missing.
    The rows can be added to any comparison with --data.

    \b
    Examples:
      scoring ingest-report datasets/raw/FOTN2015_Kazakhstan.txt
      scoring ingest-report report.txt --format csv --output kaz.csv
      scoring compare --from 2014 --to 2015 --data datasets/raw/FOTN2015_Kazakhstan.txt
    """
    from ..errors import ScoringError
    from ..ingest.reports import read_report

    if output and _same(output, file):
        raise click.UsageError(f"--output {output} is the input file; choose another path")
    try:
        frame = read_report(file, on_error="flag" if keep_flagged else "raise")
    except (ScoringError, ValueError) as exc:
        raise _fail_from(exc) from None
    repairs = frame.attrs.get("repairs", [])
    facts = frame.attrs.get("facts", {})
    notes = frame.attrs.get("notes", [])
    rows = frame.drop(columns=[c for c in frame.columns if frame[c].isna().all()])
    if fmt == "json":
        text = json.dumps({"rows": _format.records(rows), "repairs": _format.plain(repairs),
                           "facts": _format.plain(facts), "notes": notes,
                           "provenance": _format.plain(frame.attrs.get("provenance", {}))},
                          indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        text = _format.to_csv(rows)
    else:
        edition = frame.attrs.get("report_edition")
        lines = [f"{file}: Freedom on the Net {edition} report, {rows['country'].iloc[0]} "
                 f"({rows['iso3'].iloc[0]}); scores as published ({rows['orientation'].iloc[0]})",
                 ""]
        lines.append(_format.text_table(rows[[c for c in ("edition", "status", "access",
                                                          "content", "rights", "total",
                                                          "source_row", "flags")
                                              if c in rows]],
                                        numeric=["edition", "access", "content", "rights",
                                                 "total", "source_row"]))
        if facts:
            lines += ["", "facts: " + "; ".join(f"{k} {v}" for k, v in facts.items())]
        lines += ["", f"repairs ({len(repairs)}):"]
        lines += [f"  line {r.get('line')}: {r.get('field')}"
                  f"{' ' + str(r['year']) if r.get('year') else ''}: read {r.get('read')!r} -> "
                  f"{r.get('inferred')} ({r.get('why')})" for r in repairs] or ["  none"]
        lines += [f"note: {n}" for n in notes]
        text = "\n".join(lines) + "\n"
    _emit(text, output)


# -- compare and significance: shared options ---------------------------------------------------
def _data_options(func):
    """Options of every command that analyses the bundled data (plus the user's files)."""
    options = [
        click.option("--country", "countries", multiple=True, metavar="ISO3",
                     help="Restrict to these countries (repeatable)."),
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
        click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]),
                     default="table", show_default=True,
                     help="xlsx needs --output. CSV and xlsx neutralise text a spreadsheet "
                          "would run as a formula."),
        click.option("--output", type=click.Path(dir_okay=False),
                     help="Write here instead of the terminal (atomically: all or nothing)."),
    ]
    for option in reversed(options):
        func = option(func)
    return _INDEX(func)


def _load(index, extra, data_edition, data_orientation, keep_flagged, output):
    """The bundled dataset plus the user's files, and notes on what the files changed."""
    from ..datasets.load import add_user_files, load_dataset

    if output and any(_same(output, f) for f in extra):
        raise click.UsageError(f"--output {output} is one of the input files; "
                               "choose another path")
    data = load_dataset(index)
    return add_user_files(data, extra, index=index, edition=data_edition,
                          orientation=data_orientation,
                          on_error="flag" if keep_flagged else "raise")


def _emit(text, output) -> None:
    if isinstance(text, bytes) and not output:
        raise click.UsageError("--format xlsx writes a workbook: give --output FILE.xlsx")
    if output:
        from .._output import write_atomic

        try:
            write_atomic(output, text)
        except OSError as exc:
            raise _fail_from(exc) from None
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


# -- compare ----------------------------------------------------------------------------------
@main.command(epilog=_EXIT_HELP)
@click.option("--from", "from_edition", type=int,
              help="Earlier edition (not needed with --window).")
@click.option("--to", "to_edition", type=int, required=True, help="Later edition.")
@click.option("--window", type=click.IntRange(min=1),
              help="List the largest changes over this many years to --to instead "
                   "(Freedom House's one-year and five-year tables: --window 1, --window 5).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="With --window: how many declines and improvements (ties included).")
@click.option("--questions", is_flag=True,
              help="Rows are question-level changes (where both editions have questions).")
@click.option("--stats", is_flag=True,
              help="Add cross-country tests: sign test, Wilcoxon signed-rank, bootstrap "
                   "confidence intervals of the mean and median change.")
@click.option("--by", type=click.Choice(["region", "status_from"]),
              help="With --stats: also break the tests down by region (FIW's) or by status "
                   "in the earlier edition, with Benjamini-Hochberg q-values across groups.")
@click.option("--zero-method", type=click.Choice(["wilcox", "pratt", "zsplit"]),
              default="wilcox", show_default=True,
              help="Wilcoxon: how unchanged countries count (wilcox drops them, like the "
                   "sign test).")
@click.option("--ci-method", type=click.Choice(["BCa", "percentile"]), default="BCa",
              show_default=True, help="Bootstrap interval method.")
@click.option("--resamples", type=click.IntRange(min=100), default=9999, show_default=True,
              help="Bootstrap resamples.")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True, help="Confidence level of the intervals.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the bootstrap: the same seed gives the same intervals.")
@_data_options
def compare(index, from_edition, to_edition, window, top, questions, stats, by, zero_method,
            ci_method, resamples, confidence, seed, countries, extra, data_edition,
            data_orientation, keep_flagged, include_territories, fmt, output):
    """Per-country change between two editions, on one scale, with a summary.

    Every edition is put on the higher-is-freer scale first (editions published 0 = most
    free are converted per category), so a negative change is a decline. Only countries in
    both editions are compared; the others are listed. Each row also gives the change of each
    category, ranks (1 = freest) and the points to the nearest status boundary; the table
    view ends with the status transition matrix.

    \b
    Examples:
      scoring compare --index fotn --from 2023 --to 2024
      scoring compare --from 2023 --to 2024 --stats --by region
      scoring compare --index fotn --from 2015 --to 2024 --country KAZ --country RUS
      scoring compare --index fotn --to 2024 --window 5 --top 10
      scoring compare --from 2023 --to 2024 --questions --country KGZ
      scoring compare --index fiw --from 2021 --to 2022 --format json --output fiw.json
      scoring compare --from 2024 --to 2025 --data fotn2025.csv
    """
    from ..analysis.comparison import compare as run
    from ..errors import ScoringError

    if window is None and from_edition is None:
        raise click.UsageError("give --from (or --window to list the largest changes)")
    if window is not None and from_edition is not None and from_edition != to_edition - window:
        raise click.UsageError(f"--window {window} to {to_edition} starts at "
                               f"{to_edition - window}, not --from {from_edition}; give one")
    if by and not stats:
        raise click.UsageError("--by goes with --stats")
    try:
        data, notes = _load(index, extra, data_edition, data_orientation, keep_flagged, output)
        if window is not None:
            from ..analysis.windows import largest_changes

            table = largest_changes(data, index=index, edition=to_edition, years=window, n=top,
                                    include_territories=include_territories)
            s = table.attrs["summary"]
            text = _format.format_result(
                table, fmt, summary={**s, "window": window, "top": top},
                notes=notes + table.attrs["notes"],
                title=[f"{s['name']}: largest {window}-year changes, {s['from']} -> {s['to']} "
                       f"(top {top} each way; ties included; higher = freer)"],
                numeric=["position", "from_edition", "to_edition", "total_from", "total_to",
                         "delta"],
                source=f"Source: {s['citation']}; analysis: scoring")
            _emit(text, output)
            return
        result = run(data, index=index, from_edition=from_edition, to_edition=to_edition,
                     countries=list(countries) or None, include_territories=include_territories)
        tests = None
        if stats:
            from ..inference.significance import direction_tests

            tests = direction_tests(result.rows, by=by, zero_method=zero_method,
                                    n_resamples=resamples, ci_method=ci_method,
                                    confidence=confidence, seed=seed)
    except (ScoringError, ValueError) as exc:
        raise _fail_from(exc) from None
    result.notes[:0] = notes
    _emit(_format.format_comparison(result, fmt, stats=tests, questions=questions), output)


# -- significance -----------------------------------------------------------------------------
@main.command(epilog=_EXIT_HELP)
@click.option("--from", "from_edition", type=int, required=True, help="Earlier edition.")
@click.option("--to", "to_edition", type=int, required=True, help="Later edition.")
@click.option("--error-p", type=click.FloatRange(0, 1), default=0.1, show_default=True,
              help="Probability that a question score is off by one point (half up, half "
                   "down).")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.05, show_default=True,
              help="A change is robust when its sign holds with probability >= 1 - alpha.")
@click.option("--draws", type=click.IntRange(min=1), default=20000, show_default=True,
              help="Monte Carlo draws.")
@click.option("--seed", type=int, default=0, show_default=True, help="Monte Carlo seed.")
@click.option("--interval", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True,
              help="Central interval of the re-scored change.")
@click.option("--method", type=click.Choice(["monte-carlo", "exact"]), default="monte-carlo",
              show_default=True,
              help="monte-carlo draws; exact convolves the per-item error distributions.")
@_data_options
def significance(index, from_edition, to_edition, error_p, alpha, draws, seed, interval,
                 method, countries, extra, data_edition, data_orientation, keep_flagged,
                 include_territories, fmt, output):
    """Would each country's change survive a re-scoring? An explicit error model.

    Freedom House publishes no standard errors, so this is a sensitivity analysis under a
    model you can see and change: each question score (category score where an edition has
    no questions; the total where it has only totals) in each edition independently moves one
    point down with probability p/2 and one point up with probability p/2, and is clipped to
    its range. Per country: the probability that the re-scored change is negative, positive or
    zero, its central interval, and "robust" when the observed sign holds with probability
    >= 1 - alpha (Benjamini-Hochberg q-values of the sign flipping across countries too).
    Limits: errors are independent across questions and editions and symmetric; correlated
    rater effects (a whole category re-judged) are not modelled; the probabilities describe
    the model, not a sampling distribution. Question-level consistency (how many questions
    went down or up, exact binomial p) is added where both editions have questions.

    \b
    Examples:
      scoring significance --index fotn --from 2023 --to 2024
      scoring significance --from 2023 --to 2024 --error-p 0.2 --alpha 0.1 --draws 50000
      scoring significance --index fiw --from 2021 --to 2022 --method exact --format csv
    """
    from ..errors import ScoringError
    from ..analysis.consistency import question_consistency
    from ..analysis.robustness import rescoring_robustness

    try:
        data, notes = _load(index, extra, data_edition, data_orientation, keep_flagged, output)
        common = dict(index=index, from_edition=from_edition, to_edition=to_edition,
                      countries=list(countries) or None, include_territories=include_territories)
        robust = rescoring_robustness(data, p=error_p, alpha=alpha, draws=draws, seed=seed,
                                      interval=interval, method=method, **common)
        consistency = question_consistency(data, **common)
    except (ScoringError, ValueError) as exc:
        raise _fail_from(exc) from None
    model = robust.attrs.get("model", {})
    qc = consistency.set_index("iso3")[["down", "up", "unchanged", "p", "q"]].add_prefix(
        "questions_")
    table = robust.join(qc, on="iso3")
    summary = {"index": index, "from": from_edition, "to": to_edition, "n": len(table),
               "robust": int(table["robust"].sum()),
               "robust_declines": int((table["robust"] & (table["delta"] < 0)).sum()),
               "robust_improvements": int((table["robust"] & (table["delta"] > 0)).sum()),
               "model": model}
    shown = table if fmt != "table" else table[
        ["iso3", "country", "delta", "p_decline", "p_improve", "p_unchanged", "change_low",
         "change_high", "p_flip", "q_flip", "robust", "questions_down", "questions_up",
         "questions_p"]]
    how = (f"monte-carlo ({draws} draws, seed {seed})" if method == "monte-carlo"
           else "exact")
    title = [
        f"Re-scoring robustness, {index.upper()} {from_edition} -> {to_edition}: "
        f"{summary['robust']} of {summary['n']} changes robust "
        f"({_plural(summary['robust_declines'], 'decline')}, "
        f"{_plural(summary['robust_improvements'], 'improvement')}) at alpha = {alpha:g}, "
        f"error p = {error_p:g}, {how}",
        f"model: {model.get('statement', '')}",
    ]
    _emit(_format.format_result(
        shown, fmt, title=title, summary=summary, notes=notes, numeric=[
            "delta", "p_decline", "p_improve", "p_unchanged", "change_low", "change_high",
            "p_flip", "q_flip", "questions_down", "questions_up", "questions_p"],
        digits={"p_decline": 3, "p_improve": 3, "p_unchanged": 3, "p_flip": 3, "q_flip": 3,
                "questions_p": 3}), output)


# -- trend ------------------------------------------------------------------------------------
@main.command(epilog=_EXIT_HELP)
@click.option("--series", default="total", show_default=True,
              help="total, categories, questions, or one component (access, pr, A1, ...).")
@click.option("--from", "from_edition", type=int, help="First edition (default: all).")
@click.option("--to", "to_edition", type=int, help="Last edition (default: all).")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True, help="Confidence of Sen's slope interval.")
@click.option("--exact-max-n", type=click.IntRange(0, 50), default=10, show_default=True,
              help="Series of at most this many editions get an exact permutation p-value.")
@_data_options
def trend(series, from_edition, to_edition, confidence, exact_max_n, index, countries, extra,
          data_edition, data_orientation, keep_flagged, include_territories, fmt, output):
    """Trend of each country's scores across editions, with FDR control, and the global run.

    Per country (and per series): Mann-Kendall S with tie-corrected variance, a two-sided p
    (exact permutation p for short series, else the continuity-corrected normal
    approximation), Kendall's tau-b, Sen's slope in points per year using the real edition
    years (so gaps count) with its rank-based interval, the OLS slope, and Benjamini-Hochberg
    q-values across every series of the run. Scores are put on the higher-is-freer scale
    first. For the total, the summary adds the declines and improvements per pair of
    editions and the current run of net declines ("declined for the Nth consecutive year").

    \b
    Examples:
      scoring trend --index fotn
      scoring trend --index fiw --from 2013 --to 2024 --country HUN --country POL
      scoring trend --index fotn --series categories --format csv --output trends.csv
    """
    from ..errors import ScoringError
    from ..analysis.series import country_trends

    try:
        data, notes = _load(index, extra, data_edition, data_orientation, keep_flagged, output)
        table = country_trends(data, index=index, series=series,
                               countries=list(countries) or None, from_edition=from_edition,
                               to_edition=to_edition, include_territories=include_territories,
                               confidence=confidence, exact_max_n=exact_max_n)
        run, counts = None, None
        if series == "total":
            from ..analysis.yearly import decline_run, yearly_counts

            window = data
            if from_edition is not None:
                window = window[window["edition"] >= from_edition]
            if to_edition is not None:
                window = window[window["edition"] <= to_edition]
            counts = yearly_counts(window, index=index,
                                   include_territories=include_territories)
            run = decline_run(counts)
    except (ScoringError, ValueError) as exc:
        raise _fail_from(exc) from None
    from ..methodology import load_methodology

    m = load_methodology(index)
    tested = table["p"].notna()
    sig = tested & (table["q"] <= 1 - confidence)
    down = int((sig & (table["sen_slope"] < 0)).sum())
    up = int((sig & (table["sen_slope"] > 0)).sum())
    eds = sorted(int(e) for e in data["edition"].dropna().unique()
                 if (from_edition is None or e >= from_edition)
                 and (to_edition is None or e <= to_edition))
    summary = {"index": index, "series": series, "editions": eds, "series_tested":
               int(tested.sum()), "significant_declines": down, "significant_improvements": up,
               "fdr_level": round(1 - confidence, 10)}
    title = [f"{m.name} {eds[0]}-{eds[-1]}, {series}: {int(tested.sum())} of {len(table)} "
             f"series tested; {down} significant declining and {up} improving trends "
             f"(q <= {1 - confidence:g}, Benjamini-Hochberg)"]
    if counts is not None:
        summary["yearly_counts"] = _format.records(counts)
        summary["decline_run"] = run
        title.append(f"all {m.entity.split()[0]} entities in the data: declines outnumbered "
                     f"improvements in the last {run['run']} pair"
                     f"{'s' if run['run'] != 1 else ''} of editions"
                     f"{' (at least)' if run['at_least'] else ''}; stopped by: "
                     f"{run['stopped_by']}")
    shown = table if fmt != "table" else table[
        ["iso3", "country", "series", "n", "first", "last", "sen_slope", "sen_lo", "sen_hi",
         "tau_b", "p", "p_method", "q", "note"]]
    _emit(_format.format_result(
        shown, fmt, title=title, summary=summary, notes=notes,
        numeric=["n", "first", "last", "sen_slope", "sen_lo", "sen_hi", "tau_b", "p", "q"],
        digits={"sen_slope": 2, "sen_lo": 2, "sen_hi": 2, "tau_b": 2, "p": 4, "q": 4},
        source=f"Source: {m.cite(eds)}; analysis: scoring"), output)


# -- figures ----------------------------------------------------------------------------------
@main.command(epilog=_EXIT_HELP)
@_INDEX
@click.option("--from", "from_edition", type=int, required=True, help="Earlier edition.")
@click.option("--to", "to_edition", type=int, required=True, help="Later edition.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Folder to write the set to (replaced as a whole when the run succeeds).")
@click.option("--formats", default="pdf,svg,png", show_default=True,
              help="Comma-separated: pdf, svg, png.")
@click.option("--dpi", type=click.IntRange(50, 1200), default=300, show_default=True,
              help="Resolution of PNG files.")
@click.option("--error-p", type=click.FloatRange(0, 1), default=0.1, show_default=True,
              help="Re-scoring error model behind the robustness marks (see significance).")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.05, show_default=True)
def figures(index, from_edition, to_edition, out_dir, formats, dpi, error_p, alpha):
    """Write the publication figure set, with alt texts and a manifest.

    Comparison figures for --from -> --to (change bars stacked by category, dumbbell chart
    over the status bands, forest plot of re-scoring intervals, status transitions) and
    history figures over every edition up to --to (trend volcano plot, small multiples of
    each country's scores, heat map of edition-to-edition change, declines and improvements
    per edition). Each figure: the requested formats, the table it was drawn from
    (data/*.csv), an alt text (*.txt), and an entry in manifest.json with the sha256 of
    every file, the command line and the package versions. PDF and SVG are byte-identical
    when regenerated with the same package versions; fonts are embedded as TrueType.

    \b
    Examples:
      scoring figures --index fotn --from 2023 --to 2024 --out figures/fotn_2023_2024
      scoring figures --from 2011 --to 2024 --out longrun --formats pdf --dpi 600
    """
    from ..errors import ScoringError
    from ..publish.figures import build_figures

    chosen = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    command = " ".join(["scoring", "figures", "--index", index, "--from", str(from_edition),
                        "--to", str(to_edition), "--out", out_dir, "--formats",
                        ",".join(chosen), "--dpi", str(dpi), "--error-p", f"{error_p:g}",
                        "--alpha", f"{alpha:g}"])
    try:
        manifest = build_figures(out_dir, index=index, from_edition=from_edition,
                                 to_edition=to_edition, formats=chosen, dpi=dpi,
                                 error_p=error_p, alpha=alpha, command=command)
    except (ScoringError, ValueError, OSError) as exc:
        raise _fail_from(exc) from None
    n = sum(len(f["files"]) for f in manifest["figures"])
    click.echo(f"wrote {len(manifest['figures'])} figures ({n} files) and manifest.json to "
               f"{out_dir}")


# -- episodes ---------------------------------------------------------------------------------
@main.command("episodes", epilog=_EXIT_HELP)
@click.option("--series", default="total", show_default=True,
              help="total, categories, questions, or one component (access, pr, A1, ...).")
@click.option("--start", type=click.FloatRange(min=0, min_open=True), default=1,
              show_default=True, help="Points in one step that open a candidate episode.")
@click.option("--cumulative", type=click.FloatRange(min=0, min_open=True), default=10,
              show_default=True, help="Points from baseline to extreme that make it count.")
@click.option("--one-step-reversal", type=click.FloatRange(min=0, min_open=True), default=3,
              show_default=True, help="Points back in one step that end it.")
@click.option("--gradual-reversal", type=click.FloatRange(min=0, min_open=True), default=10,
              show_default=True, help="Points recovered from the extreme that end it.")
@click.option("--tolerance", type=click.IntRange(min=1), default=5, show_default=True,
              help="Steps without a further move that end it (stasis).")
@_data_options
def episodes_cmd(series, start, cumulative, one_step_reversal, gradual_reversal, tolerance,
                 index, countries, extra, data_edition, data_orientation, keep_flagged,
                 include_territories, fmt, output):
    """Episodes of sustained decline or improvement, per country, in score points.

    In the spirit of V-Dem's Episodes of Regime Transformation, on the 0-100 scale: a step
    of --start points opens a candidate; it counts when the score moved --cumulative points
    from its baseline; it ends at a one-step reversal, a gradual reversal, or --tolerance steps
    without a further move. Scores are put on the higher-is-freer scale first. Where the data
    skip published editions (FOTN 2020-2022), one step spans several years (spans_gap).

    \b
    Examples:
      scoring episodes --index fotn
      scoring episodes --index fiw --country HUN --country POL
      scoring episodes --index fotn --series categories --cumulative 5 --format csv
    """
    from ..analysis.episodes import EpisodeRules, episodes
    from ..errors import ScoringError

    try:
        rules = EpisodeRules(start=start, cumulative=cumulative,
                             one_step_reversal=one_step_reversal,
                             gradual_reversal=gradual_reversal, tolerance=tolerance)
        data, notes = _load(index, extra, data_edition, data_orientation, keep_flagged, output)
        found = episodes(data, index=index, series=series, countries=list(countries) or None,
                         include_territories=include_territories, rules=rules)
    except (ScoringError, ValueError) as exc:
        raise _fail_from(exc) from None
    from ..methodology import load_methodology

    m = load_methodology(index)
    eds = sorted(int(e) for e in data["edition"].dropna().unique())
    n_dec = int((found["direction"] == "decline").sum())
    n_imp = int((found["direction"] == "improvement").sum())
    ongoing = int(found["ongoing"].sum())
    summary = {"index": index, "series": series, "editions": [eds[0], eds[-1]],
               "episodes": len(found), "declines": n_dec, "improvements": n_imp,
               "ongoing": ongoing, "rules": vars(rules)}
    title = [f"{m.name} {eds[0]}-{eds[-1]}, {series}: {_plural(len(found), 'episode')} "
             f"({n_dec} of decline, {n_imp} of improvement; {ongoing} ongoing)",
             f"rules: start {start:g}, cumulative {cumulative:g}, one-step reversal "
             f"{one_step_reversal:g}, gradual reversal {gradual_reversal:g} points; tolerance "
             f"{tolerance} steps"]
    _emit(_format.format_result(
        found, fmt, title=title, summary=summary, notes=notes,
        numeric=["baseline_edition", "first_edition", "last_edition", "start_value",
                 "end_value", "total_change", "n_steps"],
        source=f"Source: {m.cite(eds)}; analysis: scoring"), output)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _same(a, b) -> bool:
    from .._output import same_file

    return same_file(a, b)


class _LazyFormat:
    """``_format`` imported on first use: it needs pandas, which --help must not load."""

    def __getattr__(self, name):
        from ..publish import tables as module

        return getattr(module, name)


_format = _LazyFormat()


if __name__ == "__main__":  # pragma: no cover
    main()
