"""`scoring trend` and `scoring episodes`: every edition of one panel, as series.

May import: errors, datasets, analysis, publish.tables.
"""

from __future__ import annotations

import click

from .common import EXIT_HELP, data_options, emit, fail_from, load_data, plural, selected, tables


@click.command(epilog=EXIT_HELP)
@click.option("--series", default="total", show_default=True,
              help="total, categories, questions, or one component (access, pr, A1, ...).")
@click.option("--from", "from_edition", type=int, help="First edition (default: all).")
@click.option("--to", "to_edition", type=int, help="Last edition (default: all).")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True, help="Confidence of Sen's slope interval.")
@click.option("--exact-max-n", type=click.IntRange(0, 50), default=10, show_default=True,
              help="Series of at most this many editions get an exact permutation p-value.")
@click.option("--method", type=click.Choice(["original", "hamed-rao", "yue-wang", "prewhiten",
                                             "trend-free-prewhiten"]),
              default="original", show_default=True,
              help="Trend test: original assumes independent years; the others correct for "
                   "scores that persist from year to year (series of 10+ editions; shorter "
                   "ones keep the original test, with a note).")
@click.option("--fdr-by", type=click.Choice(["all", "series"]), default="all",
              show_default=True,
              help="q-values across every series of the run (all), or within each kind of "
                   "series: the total, each category, all questions (series).")
@data_options
def trend(series, from_edition, to_edition, confidence, exact_max_n, method, fdr_by, index,
          countries, regions, extra, data_edition, data_orientation, keep_flagged,
          include_territories, fmt, output, width):
    """Trend of each country's scores across editions, with FDR control, and the global run.

    Per country (and per series): Mann-Kendall S with tie-corrected variance, a two-sided p
    (exact permutation p for short series, else the continuity-corrected normal
    approximation), Kendall's tau-b, Sen's slope in points per year using the real edition
    years (so gaps count) with its rank-based interval, the OLS slope, and Benjamini-Hochberg
    q-values across every series of the run (--fdr-by all) or per kind of series (--fdr-by
    series: with --series categories, each category is its own family). Scores are put on
    the higher-is-freer scale first.

    Freedom House scores persist from year to year, which makes the original p-values too
    small. acf1 is the lag-1 autocorrelation of the detrended series; a note flags it when
    it lies beyond 1.96/sqrt(n). Then use --method hamed-rao (Var(S) inflated by the
    significant autocorrelations of the detrended ranks: the conservative choice) or
    trend-free-prewhiten (tests the series with its lag-1 persistence removed). yue-wang
    sums the autocorrelations of all lags, as pymannkendall does by default; those of a
    detrended series add up to about -1/2, so it can shrink Var(S) rather than inflate it.
    The corrections need 10+ editions to estimate persistence at all; shorter series keep
    the original test, with a note. With 4-5 editions a note says when no p below the level
    is attainable and when Sen's interval is only the range of the slopes. For the total,
    the summary adds the declines and improvements per pair of editions and the current run
    of net declines ("declined for the Nth consecutive year").

    \b
    Examples:
      scoring trend --index fotn
      scoring trend --index fiw --from 2013 --to 2024 --country Hungary,Poland
      scoring trend --index fotn --series categories --format csv --output trends.csv
      scoring trend --index fiw --method hamed-rao --series categories --fdr-by series
    """
    from ..analysis.series import country_trends
    from ..errors import ScoringError

    try:
        panel = load_data(index, extra, data_edition, data_orientation, keep_flagged, output)
        window = panel.select(from_edition=from_edition, to_edition=to_edition)
        _enough_editions(panel, list(window.editions), from_edition, to_edition)
        table = country_trends(panel, series=series,
                               countries=selected(countries, regions, panel,
                                                  include_territories),
                               from_edition=from_edition, to_edition=to_edition,
                               include_territories=include_territories,
                               confidence=confidence, exact_max_n=exact_max_n,
                               method=method, fdr_by=fdr_by)
        run, counts = None, None
        if series == "total":
            from ..analysis.yearly import decline_run, yearly_counts

            counts = yearly_counts(window, include_territories=include_territories)
            run = decline_run(counts)
    except (ScoringError, ValueError) as exc:
        raise fail_from(exc) from None
    m = panel.methodology
    tested = table["p"].notna()
    sig = tested & (table["q"] <= 1 - confidence)
    down = int((sig & (table["sen_slope"] < 0)).sum())
    up = int((sig & (table["sen_slope"] > 0)).sum())
    eds = list(window.editions)
    summary = {"index": index, "series": series, "editions": eds, "series_tested":
               int(tested.sum()), "significant_declines": down, "significant_improvements": up,
               "fdr_level": round(1 - confidence, 10), "method": method, "fdr_by": fdr_by,
               "q_families": sorted(set(table.loc[tested, "q_family"]))}
    title = [f"{m.name} {eds[0]}-{eds[-1]}, {series}: {int(tested.sum())} of {len(table)} "
             f"series tested ({method} test); {down} significant declining and {up} "
             f"improving trends (q <= {1 - confidence:g}, Benjamini-Hochberg within "
             f"{'each kind of series' if fdr_by == 'series' else 'the run'})"]
    if counts is not None:
        summary["yearly_counts"] = tables.records(counts)
        summary["decline_run"] = run
        title.append(f"all {m.entity.split()[0]} entities in the data: declines outnumbered "
                     f"improvements in the last {run['run']} pair"
                     f"{'s' if run['run'] != 1 else ''} of editions"
                     f"{' (at least)' if run['at_least'] else ''}; stopped by: "
                     f"{run['stopped_by']}")
    used = window.scores[window.scores["iso3"].isin(table["iso3"])]
    shown = tables.with_sources(table, used) if fmt != "table" else table[
        ["iso3", "country", "series", "n", "first", "last", "sen_slope", "sen_lo", "sen_hi",
         "tau_b", "acf1", "p", "p_method", "q", "note"]]
    emit(tables.format_result(
        shown, fmt, title=title, summary=summary, notes=list(panel.notes),
        numeric=["n", "first", "last", "sen_slope", "sen_lo", "sen_hi", "tau_b", "acf1", "p",
                 "q"],
        digits={"sen_slope": 2, "sen_lo": 2, "sen_hi": 2, "tau_b": 2, "acf1": 2, "p": 4,
                "q": 4},
        sources=tables.sources_block(m, used), width=width,
        priority=["iso3", "country", "series", "sen_slope", "q", "p", "n", "first", "last",
                  "note", ("sen_lo", "sen_hi"), "tau_b", "acf1"], shorten=["note"]), output, fmt)


def _enough_editions(panel, eds: list, from_edition, to_edition) -> None:
    """A range with too few editions for any trend test is a usage error that says what the
    range holds, not a table of untested rows (or, when empty, a crash)."""
    from ..inference.trends import MIN_N

    if len(eds) >= MIN_N:
        return
    asked = " ".join(f"--{name} {ed}" for name, ed in (("from", from_edition), ("to", to_edition))
                     if ed is not None) or "the data"
    held = f"{plural(len(eds), 'edition')} ({', '.join(map(str, eds))})" if eds else "no edition"
    have = panel.editions
    raise click.UsageError(
        f"{asked} holds {held} of {panel.methodology.name}; a trend needs at least {MIN_N} "
        f"editions (with 3, no Mann-Kendall p is below 1/3); the data hold "
        f"{have[0]}-{have[-1]}")


@click.command("episodes", epilog=EXIT_HELP)
@click.option("--series", default="total", show_default=True,
              help="total, categories, questions, or one component (access, pr, A1, ...).")
@click.option("--start", type=click.FloatRange(min=0, min_open=True), default=1,
              show_default=True,
              help="Points in one step, in the direction, that open a potential episode and "
                   "count as a move (ERT start_incl 0.01 x 100).")
@click.option("--cumulative", type=click.FloatRange(min=0, min_open=True), default=10,
              show_default=True,
              help="Points between the sequence's highest and lowest scores that make it an "
                   "episode (ERT cum_incl).")
@click.option("--one-step-reversal", type=click.FloatRange(min=0, min_open=True), default=3,
              show_default=True,
              help="A step of more than this many points back ends it: a one-year turn "
                   "(ERT year_turn).")
@click.option("--gradual-reversal", type=click.FloatRange(min=0, min_open=True), default=10,
              show_default=True,
              help="Stasis steps summing to more than this many points back end it: a "
                   "cumulative turn (ERT cum_turn).")
@click.option("--tolerance", type=click.IntRange(min=1), default=5, show_default=True,
              help="Editions of stasis after the last move that end it (ERT: years).")
@data_options
def episodes_cmd(series, start, cumulative, one_step_reversal, gradual_reversal, tolerance,
                 index, countries, regions, extra, data_edition, data_orientation, keep_flagged,
                 include_territories, fmt, output, width):
    """Episodes of sustained decline or improvement, per country: V-Dem's ERT rules in points.

    The rules of V-Dem's Episodes of Regime Transformation, with its thresholds x 100 on the
    0-100 scale: a step of --start points opens a potential episode; a step of more than
    --one-step-reversal points back, stasis changes summing past --gradual-reversal, or
    --tolerance editions of stasis close it, as does a missing edition or the end of the data;
    it is an episode when its scores span --cumulative points. It ends at its last move when
    the editions after that show how it ended (stasis, a one-year or a cumulative turn), else
    it is censored: its outcome is unknown. Scores are put on the higher-is-freer scale first;
    every missing edition is named in a note.

    \b
    Examples:
      scoring episodes --index fotn
      scoring episodes --index fiw --country HUN --country POL
      scoring episodes --index fiw --region Europe
      scoring episodes --index fotn --series categories --cumulative 5 --format csv
    """
    from ..analysis.episodes import TERMINATIONS, EpisodeRules, episodes
    from ..errors import ScoringError

    try:
        rules = EpisodeRules(start=start, cumulative=cumulative,
                             one_step_reversal=one_step_reversal,
                             gradual_reversal=gradual_reversal, tolerance=tolerance)
        panel = load_data(index, extra, data_edition, data_orientation, keep_flagged, output)
        chosen = selected(countries, regions, panel, include_territories)
        found = episodes(panel, series=series, countries=chosen,
                         include_territories=include_territories, rules=rules)
    except (ScoringError, ValueError) as exc:
        raise fail_from(exc) from None
    m = panel.methodology
    eds = list(panel.editions)
    n_dec = int((found["direction"] == "decline").sum())
    n_imp = int((found["direction"] == "improvement").sum())
    censored = int(found["censored"].sum())
    ended = {TERMINATIONS[c]: int((found["termination"] == c).sum()) for c in (1, 2, 3, 0)}
    summary = {"index": index, "series": series, "editions": [eds[0], eds[-1]],
               "episodes": len(found), "declines": n_dec, "improvements": n_imp,
               "censored": censored, "ended_by": ended, "rules": vars(rules)}
    title = [f"{m.name} {eds[0]}-{eds[-1]}, {series}: {plural(len(found), 'episode')} "
             f"({n_dec} of decline, {n_imp} of improvement; {censored} censored, outcome "
             f"unknown)",
             "ended by: " + ", ".join(f"{k} {n}" for k, n in ended.items()),
             f"V-Dem ERT rules in points: start {start:g}, cumulative {cumulative:g}, one-year "
             f"turn > {one_step_reversal:g}, cumulative turn > {gradual_reversal:g} points; "
             f"tolerance {tolerance} editions"]
    used = panel.scores if chosen is None else panel.scores[panel.scores["iso3"].isin(chosen)]
    if not include_territories and panel.has_territories:
        used = used[~panel.territory_mask(used)]
    notes = list(panel.notes) + list(found.attrs.get("notes", []))
    emit(tables.format_result(
        found if fmt == "table" else tables.with_sources(found, used), fmt, title=title,
        summary=summary, notes=notes,
        numeric=["pre_episode_edition", "first_edition", "last_edition", "last_move_edition",
                 "start_value", "end_value", "total_change", "extent", "n_steps",
                 "termination"],
        sources=tables.sources_block(m, used), width=width,
        priority=["iso3", "direction", "first_edition", "last_edition", "total_change",
                  "ended_by", "country", "censored_by", "start_value", "end_value"]),
        output, fmt)
