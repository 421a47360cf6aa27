"""`scoring compare` and `scoring significance`: two editions of one panel, their change and how much of it holds.

May import: errors, datasets, analysis, inference, publish.tables, cli.progress.
"""

from __future__ import annotations

import click

from .common import (EXIT_HELP, at_most, data_options, emit, fail_from, load_data, plural,
                     refuse_without, selected, tables)
from .progress import terminal_progress

#: Ceilings of the options whose value sets the work. The bootstrap holds resamples x
#: countries indices and values in memory (16 bytes each): 100,000 resamples of FIW's 210
#: countries and territories, grouped by region, peak near 0.7 GB; ten times the default is
#: far more than an interval of one-point score changes needs.
MAX_RESAMPLES = 100_000
#: The re-scoring Monte Carlo keeps only a histogram (memory does not grow with the draws) but
#: takes time: a million draws is a standard error below 0.0005 on every probability.
MAX_DRAWS = 1_000_000
#: Seconds of computing per million draws of FOTN's 70 countries (measured; FIW's take
#: three times as long).
DRAW_SECONDS = 15


def _size(n_bytes: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if n_bytes < 1000 or unit == "PB":
            return f"{n_bytes:.3g} {unit}"
        n_bytes /= 1000


def _duration(seconds: float) -> str:
    for unit, length in (("years", 365 * 86400), ("days", 86400), ("hours", 3600),
                         ("minutes", 60)):
        if seconds >= length:
            return f"{seconds / length:.3g} {unit}"
    return f"{seconds:.3g} s"


@click.command(epilog=EXIT_HELP)
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
                   "confidence intervals of the mean and median change (with --format csv, "
                   "the CSV is the tests' table; json and xlsx hold both).")
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
              callback=at_most(MAX_RESAMPLES, lambda n: (
                  "the bootstrap holds every resample of every country in memory, 16 bytes "
                  f"each (about {_size(16 * 100 * n)} for 100 countries)")),
              help=f"Bootstrap resamples (at most {MAX_RESAMPLES}).")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True, help="Confidence level of the intervals.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the bootstrap: the same seed gives the same intervals.")
@data_options
def compare(index, from_edition, to_edition, window, top, questions, stats, by, zero_method,
            ci_method, resamples, confidence, seed, countries, regions, extra, data_edition,
            data_orientation, keep_flagged, include_territories, fmt, output, width):
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
      scoring compare --from 2023 --to 2024 --country "Kazakhstan, Russia, South Korea"
      scoring compare --from 2023 --to 2024 --region Eurasia --country Turkey
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
    refuse_without("--stats", stats, "zero_method", "ci_method", "resamples", "confidence",
                   "seed")
    if window is not None and (questions or stats):
        raise click.UsageError("--window lists the largest changes of the totals; --questions "
                               "and --stats apply to a --from/--to comparison")
    refuse_without("--window", window is not None, "top")
    if stats and questions and fmt == "csv":
        raise click.UsageError("--stats with --questions --format csv: a CSV holds one "
                               "table; use --format json or xlsx for both, or leave one out")
    try:
        panel = load_data(index, extra, data_edition, data_orientation, keep_flagged, output)
        chosen = selected(countries, regions, panel, include_territories)
        if window is not None:
            emit(_largest_changes(panel, to_edition, window, top, include_territories, fmt,
                                  chosen, width), output, fmt)
            return
        result = run(panel, from_edition, to_edition, countries=chosen,
                     include_territories=include_territories)
        tests = None
        if stats:
            from ..inference.direction import direction_tests

            tests = direction_tests(result.rows, by=by, zero_method=zero_method,
                                    n_resamples=resamples, ci_method=ci_method,
                                    confidence=confidence, seed=seed)
    except (ScoringError, ValueError) as exc:
        raise fail_from(exc) from None
    result.notes[:0] = panel.notes
    emit(tables.format_comparison(result, fmt, stats=tests, questions=questions, width=width),
         output, fmt)


def _largest_changes(panel, to_edition, window, top, include_territories, fmt, countries,
                     width):
    """``compare --window``: Freedom House's table of the largest changes, formatted."""
    from ..analysis.windows import largest_changes

    table = largest_changes(panel, edition=to_edition, years=window, n=top,
                            include_territories=include_territories, countries=countries)
    s = table.attrs["summary"]
    rows = panel.scores
    used = rows[rows["edition"].isin([s["from"], s["to"]])]
    if countries:
        used = used[used["iso3"].isin(countries)]
    return tables.format_result(
        table, fmt, summary={**s, "window": window, "top": top},
        notes=list(panel.notes) + table.attrs["notes"],
        title=[f"{s['name']}: largest {window}-year changes, {s['from']} -> {s['to']} "
               f"(top {top} each way; ties included; higher = freer)"],
        numeric=["position", "from_edition", "to_edition", "total_from", "total_to", "delta"],
        sources=tables.sources_block(panel.methodology, used), width=width,
        priority=["direction", "position", "iso3", "country", "delta", "total_from",
                  "total_to", "status_from", "status_to"])


@click.command(epilog=EXIT_HELP)
@click.option("--from", "from_edition", type=int, required=True, help="Earlier edition.")
@click.option("--to", "to_edition", type=int, required=True, help="Later edition.")
@click.option("--error-p", type=click.FloatRange(0, 1), default=0.1, show_default=True,
              help="Probability that a question score is off by one point (half up, half "
                   "down).")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.05, show_default=True,
              help="A change is robust when a re-scoring reverses its direction with "
                   "probability <= alpha (p_reversal).")
@click.option("--draws", type=click.IntRange(min=1), default=20000, show_default=True,
              callback=at_most(MAX_DRAWS, lambda n: (
                  f"the draws take time, about {DRAW_SECONDS:g} s per million for FOTN's 70 "
                  f"countries and three times that for FIW (this many: at least "
                  f"{_duration(n * DRAW_SECONDS / 1e6)}); a million puts every probability "
                  "within 0.001, and --method exact needs no draws")),
              help=f"Monte Carlo draws (at most {MAX_DRAWS}).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Monte Carlo seed.")
@click.option("--interval", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True,
              help="Central interval of the re-scored change.")
@click.option("--method", type=click.Choice(["monte-carlo", "exact"]), default="monte-carlo",
              show_default=True,
              help="monte-carlo draws; exact convolves the per-item error distributions.")
@data_options
def significance(index, from_edition, to_edition, error_p, alpha, draws, seed, interval,
                 method, countries, regions, extra, data_edition, data_orientation, keep_flagged,
                 include_territories, fmt, output, width):
    """Would each country's change survive a re-scoring? An explicit error model.

    Freedom House publishes no standard errors, so this is a sensitivity analysis under a
    model you can see and change: each question score (category score where an edition has
    no questions; the total where it has only totals) in each edition independently moves one
    point down with probability p/2 and one point up with probability p/2, and is clipped to
    its range. Per country: the probability that the re-scored change is negative, positive or
    zero, its central interval, p_reversal (the opposite sign) and p_zero (no change), and
    "robust" when p_reversal <= alpha (Benjamini-Hochberg q-values across countries too; p_flip
    = p_reversal + p_zero, the chance the observed sign does not hold).
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
    from ..analysis.comparison import compare
    from ..analysis.consistency import question_consistency
    from ..analysis.robustness import rescoring_robustness
    from ..errors import ScoringError

    try:
        panel = load_data(index, extra, data_edition, data_orientation, keep_flagged, output)
        # One comparison, modelled twice: the re-scoring model and the question signs.
        comparison = compare(panel, from_edition, to_edition,
                             countries=selected(countries, regions, panel, include_territories),
                             include_territories=include_territories)
        with terminal_progress() as progress:
            robust = rescoring_robustness(comparison, p=error_p, alpha=alpha, draws=draws,
                                          seed=seed, interval=interval, method=method,
                                          progress=progress)
        consistency = question_consistency(comparison)
    except (ScoringError, ValueError) as exc:
        raise fail_from(exc) from None
    model = robust.attrs.get("model", {})
    qc = consistency.set_index("iso3")[["down", "up", "unchanged", "p", "q"]].add_prefix(
        "questions_")
    table = robust.join(qc, on="iso3")
    if "source_from" in comparison.rows.columns:
        table = table.join(comparison.rows.set_index("iso3")[["source_from", "source_to"]],
                           on="iso3")
    summary = {"index": index, "from": from_edition, "to": to_edition, "n": len(table),
               "robust": int(table["robust"].sum()),
               "robust_declines": int((table["robust"] & (table["delta"] < 0)).sum()),
               "robust_improvements": int((table["robust"] & (table["delta"] > 0)).sum()),
               "model": model}
    shown = table if fmt != "table" else table[
        ["iso3", "country", "delta", "p_decline", "p_improve", "p_unchanged", "change_low",
         "change_high", "p_reversal", "p_zero", "q_reversal", "robust", "questions_down",
         "questions_up", "questions_p"]]
    how = (f"monte-carlo ({draws} draws, seed {seed})" if method == "monte-carlo"
           else "exact")
    title = [
        f"Re-scoring robustness, {index.upper()} {from_edition} -> {to_edition}: "
        f"{summary['robust']} of {summary['n']} changes robust "
        f"({plural(summary['robust_declines'], 'decline')}, "
        f"{plural(summary['robust_improvements'], 'improvement')}) at alpha = {alpha:g}, "
        f"error p = {error_p:g}, {how}",
        f"model: {model.get('statement', '')}",
    ]
    emit(tables.format_result(
        shown, fmt, title=title, summary=summary, notes=list(panel.notes), numeric=[
            "delta", "p_decline", "p_improve", "p_unchanged", "change_low", "change_high",
            "p_flip", "q_flip", "p_reversal", "p_zero", "q_reversal", "questions_down",
            "questions_up", "questions_p"],
        digits={"p_decline": 3, "p_improve": 3, "p_unchanged": 3, "p_flip": 3, "q_flip": 3,
                "p_reversal": 3, "p_zero": 3, "q_reversal": 3, "questions_p": 3},
        sources=tables.sources_block(panel.methodology, comparison.scores), width=width,
        priority=["iso3", "country", "delta", "robust", "p_reversal", "p_zero", "q_reversal",
                  "p_decline", "p_improve", ("change_low", "change_high"), "p_unchanged"]),
        output, fmt)
