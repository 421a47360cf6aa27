"""Each figure of the set, laid out from :class:`~scoring.publish.results.FigureResults`.

One function per figure: it calls the :mod:`scoring.plotting` function on its table, adds the
title and source line, and writes the alt text from the same table. Nothing here computes a
result; what a caption says is read off the tables it describes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .._progress import Progress, report
from .results import FigureResults
from .sources import credit_sentence, source_line

__all__ = ["Figure", "draw_figures", "FIGURE_NAMES"]

#: The figures of the pair compared; the others show the history up to its later edition.
_PAIR_FIGURES = ("change_bars", "dumbbell", "forest", "transitions")
FIGURE_NAMES = ("change_bars", "dumbbell", "forest", "transitions", "volcano",
                "trajectories", "change_heatmap", "global_counts")


@dataclass
class Figure:
    """One drawn figure: its file name, the matplotlib figure, the table drawn, alt text and
    title."""

    name: str
    fig: object
    data: pd.DataFrame
    alt: str
    title: str


def _count(n, word: str) -> str:
    n = int(n)
    return f"{n} {word}{'' if n == 1 else 's'}"


class _Context:
    """What every caption of one set shares: names, spans, the source lines, the model."""

    def __init__(self, r: FigureResults):
        self.r = r
        self.m = r.methodology
        a, b = r.from_edition, r.to_edition
        self.a, self.b, self.first = a, b, r.first_edition
        pair = f"{self.m.name} {a}\u2013{b}" if a < b else f"{self.m.name} {b}\u2013{a}"
        # Rows that are not Freedom House's own are credited in the source line and alt text.
        self.pair_credits = [dict(x, editions=[e for e in x["editions"] if e in (a, b)])
                             for x in r.credits if set(x["editions"]) & {a, b}]
        self.hist_credits = list(r.credits)
        self.source = source_line(f"Freedom House, {pair}", self.pair_credits)
        self.hist_source = source_line(f"Freedom House, {self.m.name} {self.first}\u2013{b}",
                                       self.hist_credits)
        self.bands = ([(str(x.value), x.low, x.high) for x in self.m.status.bands]
                      if self.m.status.rule == "bands" else None)
        model = r.error_model
        self.model = (f"a change is robust when a re-scoring reverses its direction with "
                      f"probability at most {model['alpha']:g}, each question score being one "
                      f"point off with probability {model['p']:g}")
        self.flags = r.robustness.set_index("iso3")["robust"]
        self.n_robust = int(r.robustness["robust"].sum())
        rows = r.rows
        self.summary = {"n": len(rows), "declined": int((rows["delta"] < 0).sum()),
                        "improved": int((rows["delta"] > 0).sum()),
                        "status_changes": int((rows["status_change"] != "").sum())}

    def finish(self, ax, title, src, pad=None):
        from ..plotting.style import add_source

        ax.set_title(title, loc="left", pad=pad)
        add_source(ax.figure, src)
        return ax.figure


def _change_bars(c: _Context) -> Figure:
    from ..plotting import change_bars

    r, s, m, a, b = c.r, c.summary, c.m, c.a, c.b
    rows = r.rows
    ax = change_bars(rows, robust=c.flags)
    changed = rows[rows["delta"] != 0]
    worst, best = rows.iloc[0], rows.iloc[-1]
    title = f"Change in score, {a} to {b}"
    alt = (f"Horizontal bar chart of the change in {m.name} total score from {a} to {b} for "
           f"the {len(changed)} of {s['n']} countries whose score changed, stacked by "
           f"category. {s['declined']} declined and {s['improved']} improved; the largest "
           f"decline was {worst['country']} ({worst['delta']:+.0f}) and the largest "
           f"improvement {best['country']} ({best['delta']:+.0f}). "
           f"{_count(c.n_robust, 'change')} {'is' if c.n_robust == 1 else 'are'} robust to "
           f"re-scoring ({c.model}).")
    data = rows.merge(r.robustness[["iso3", "robust"]], on="iso3")
    return Figure("change_bars", c.finish(ax, title, c.source), data, alt, title)


def _dumbbell(c: _Context) -> Figure:
    from ..plotting import dumbbell

    s, a, b = c.summary, c.a, c.b
    ax = dumbbell(c.r.rows, bands=c.bands, highlight=c.flags, from_label=str(a),
                  to_label=str(b))
    title = f"Scores in {a} and {b}"
    alt = (f"Dot plot of each of {s['n']} countries' {c.m.name} total score in {a} (open dot) "
           f"and {b} (filled dot), sorted by the {b} score, over the status bands. Changes "
           f"robust to re-scoring are drawn in colour ({c.n_robust}); "
           f"{s['status_changes']} countries changed status.")
    return Figure("dumbbell", c.finish(ax, title, c.source), c.r.rows, alt, title)


def _forest(c: _Context) -> Figure:
    from ..plotting import forest

    robust, a, b = c.r.robustness, c.a, c.b
    ax = forest(robust)
    title = f"Would the changes survive re-scoring? {a} to {b}"
    alt = (f"Forest plot of the observed change in {c.m.name} total score from {a} to {b} for "
           f"the {int((robust['delta'] != 0).sum())} countries whose score changed, each with "
           f"the central {c.r.error_model['interval']:.0%} interval of the change under "
           f"re-scoring ({c.model}); an interval leaves {c.r.error_model['alpha']:g} in each "
           f"tail, so a robust change's interval does not cross zero. Filled points: robust "
           f"changes ({c.n_robust}).")
    return Figure("forest", c.finish(ax, title, c.source, pad=16), robust, alt, title)


def _transitions(c: _Context) -> Figure:
    import matplotlib.pyplot as plt

    from ..plotting import transition_heatmap
    from ..plotting.style import ONE_COLUMN

    s, a, b = c.summary, c.a, c.b
    fig, ax = plt.subplots(figsize=(ONE_COLUMN, ONE_COLUMN * 0.85))
    transition_heatmap(c.r.transitions, ax=ax, from_label=str(a), to_label=str(b))
    title = f"Status, {a} to {b}"
    alt = (f"Table-like heat map of {s['n']} countries by status in {a} (rows) and {b} "
           f"(columns); {s['status_changes']} changed status.")
    return Figure("transitions", c.finish(ax, title, c.source),
                  c.r.transitions.reset_index(), alt, title)


def _volcano(c: _Context) -> Figure:
    import matplotlib.pyplot as plt

    from ..plotting import volcano
    from ..plotting.style import TWO_COLUMNS

    trends = c.r.trends
    fig, ax = plt.subplots(figsize=(TWO_COLUMNS, 4.2))
    volcano(trends, ax=ax)
    tested = trends["q"].notna()
    sig = tested & (trends["q"] <= 0.05)
    title = f"Which trends are more than noise? {c.first}\u2013{c.b}"
    alt = (f"Scatter plot of each country's trend in {c.m.name} total score "
           f"{c.first}\u2013{c.b}: Sen's slope in points per year against -log10 of the "
           f"Benjamini-Hochberg q-value of the Mann-Kendall test. {int(sig.sum())} of "
           f"{int(tested.sum())} tested trends are significant at q <= 0.05 "
           f"({int((sig & (trends['sen_slope'] < 0)).sum())} declining, "
           f"{int((sig & (trends['sen_slope'] > 0)).sum())} improving).")
    return Figure("volcano", c.finish(ax, title, c.hist_source), trends, alt, title)


def _trajectories(c: _Context) -> Figure:
    from ..plotting import trajectories
    from ..plotting.style import add_source

    long, first, b = c.r.series, c.first, c.b
    inversion = 2018.5 if c.m.key == "fotn" and first <= 2018 < b else None
    axes = trajectories(long, c.r.trends, bands=c.bands, inversion=inversion)
    fig = axes[0, 0].figure
    title = f"Scores by country, {first}\u2013{b}"
    fig.suptitle(title, x=0.0, ha="left", fontweight="bold", fontsize=8.5)
    add_source(fig, c.hist_source)
    alt = (f"Small multiples of {long['iso3'].nunique()} countries' {c.m.name} total scores "
           f"{first}\u2013{b} on a 0-100 scale (higher = freer), with status bands and each "
           f"country's Sen trend line, coloured where significant (q <= 0.05)."
           + (" A dotted line marks the 2019 inversion of the published scale; earlier "
              "editions are shown converted." if inversion else ""))
    return Figure("trajectories", fig, long, alt, title)


def _change_heatmap(c: _Context) -> Figure:
    from ..plotting import change_heatmap

    changes = c.r.changes
    ax = change_heatmap(changes)
    title = f"Change by edition, {c.first}\u2013{c.b}"
    alt = (f"Heat map of {changes['iso3'].nunique()} countries (rows) by edition (columns) "
           f"showing each country's change in {c.m.name} total score from the previous "
           f"edition in the data, red for declines and blue for improvements; dots mark "
           f"changes robust to re-scoring ({c.model}).")
    return Figure("change_heatmap", c.finish(ax, title, c.hist_source, pad=14), changes, alt,
                  title)


def _global_counts(c: _Context) -> Figure:
    from ..plotting import global_counts

    counts, run = c.r.counts, c.r.run
    ax = global_counts(counts, run=run)
    title = f"Countries that declined and improved, {c.first}\u2013{c.b}"
    alt = (f"Bar chart of the number of countries whose {c.m.name} total declined (below the "
           f"axis) and improved (above) between successive editions {c.first}\u2013{c.b}. "
           f"Declines outnumbered improvements in each of the last "
           f"{_count(run['run'], 'pair')} of editions"
           + (f": {run['stopped_by']}." if run["at_least"] else
              f"; before them, {run['stopped_by'].replace(' -> ', ' to ')}."))
    return Figure("global_counts", c.finish(ax, title, c.hist_source), counts, alt, title)


_LAYOUTS = (_change_bars, _dumbbell, _forest, _transitions, _volcano, _trajectories,
            _change_heatmap, _global_counts)


def draw_figures(results: FigureResults, progress: Progress | None = None) -> list[Figure]:
    """Every figure of the set, in :data:`FIGURE_NAMES` order, drawn from ``results`` (call
    inside :func:`scoring.plotting.publication_style` for the publication look).
    ``progress(done, total, label)``, when given, counts the figures drawn."""
    context = _Context(results)
    figures = []
    for i, (name, layout) in enumerate(zip(FIGURE_NAMES, _LAYOUTS, strict=True)):
        report(progress, i, len(_LAYOUTS), f"drawing {name}")
        figures.append(layout(context))
    report(progress, len(_LAYOUTS), len(_LAYOUTS), f"drew {len(figures)} figures")
    for f in figures:
        credits = context.pair_credits if f.name in _PAIR_FIGURES else context.hist_credits
        f.alt += credit_sentence(credits)
    return figures
