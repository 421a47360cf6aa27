"""Figures of change over many editions. Same contract as :mod:`scoring.plotting.change`:
a result table in, an Axes (or an array of Axes) out, no statistics, no saving."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .style import (DECLINE, IMPROVE, NEUTRAL, ONE_COLUMN, STATUS_COLORS, TWO_COLUMNS,
                    short_name, status_label)

__all__ = ["volcano", "trajectories", "change_heatmap", "global_counts"]


def _label_points(ax, xs, ys, texts) -> None:
    """Place labels next to points without overlaps (adjustText, deterministic settings)."""
    if not texts:
        return
    from adjustText import adjust_text

    labels = [ax.text(x, y, t, fontsize=6, ha="center", va="bottom")
              for x, y, t in zip(xs, ys, texts)]
    # No time limit: the layout must depend only on the data, so that files are reproducible.
    adjust_text(labels, x=list(xs), y=list(ys), ax=ax, time_lim=None, iter_lim=1000,
                expand=(1.3, 1.6), force_text=(0.3, 0.6),
                arrowprops=dict(arrowstyle="-", color="#777777", lw=0.4))


def volcano(trends: pd.DataFrame, ax=None, *, fdr: float = 0.05, label: str = "country",
            max_labels: int = 14):
    """Trend slope against -log10 q, with the false-discovery line and labelled trends.

    Parameters
    ----------
    trends : DataFrame
        :func:`scoring.trend_tests` / :func:`scoring.country_trends` output (``sen_slope``,
        ``q``); untested series (q NaN) are left out and counted in a note.
    fdr : float
        The false discovery rate whose line is drawn; series with ``q <= fdr`` are coloured
        and the ``max_labels`` with the steepest slopes among them are labelled.

    Returns
    -------
    matplotlib.axes.Axes
        One point per tested series.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(TWO_COLUMNS, 4.2))
    data = trends[trends["q"].notna()]
    untested = len(trends) - len(data)
    x = data["sen_slope"].to_numpy(dtype=float)
    q = data["q"].to_numpy(dtype=float)
    floor = np.nanmin(q[q > 0]) / 10 if (q > 0).any() else 1e-12
    y = -np.log10(np.maximum(q, floor))
    sig = q <= fdr
    colors = np.where(~sig, NEUTRAL, np.where(x < 0, DECLINE, IMPROVE))
    ax.scatter(x, y, s=14, c=colors, linewidths=0.3, edgecolors="#333333", zorder=3)
    ax.axhline(-math.log10(fdr), color="black", linewidth=0.6, linestyle="--")
    ax.text(ax.get_xlim()[1] if len(x) else 1, -math.log10(fdr), f" q = {fdr:g}",
            va="bottom", ha="right", fontsize=6.5)
    ax.axvline(0, color="#999999", linewidth=0.5)
    names = (data[label] if label in data else data["iso3"]).astype(str).to_numpy()
    # Label the significant trends with the steepest slopes, the ones a reader looks for,
    # sharing the labels between declines and improvements so that neither goes unnamed.
    order = np.lexsort((names, -np.abs(x)))
    down = [i for i in order if sig[i] and x[i] < 0]
    up = [i for i in order if sig[i] and x[i] > 0]
    n_up = min(len(up), max(max_labels // 3, max_labels - len(down)))
    chosen = down[:max_labels - n_up] + up[:n_up]
    _label_points(ax, x[chosen], y[chosen], [names[i] for i in chosen])
    ax.set_xlabel("Sen's slope (points per year; higher = freer)")
    ax.set_ylabel("-log10 q (Benjamini-Hochberg)")
    handles = [Line2D([], [], marker="o", linestyle="", color=DECLINE, markersize=4,
                      label=f"declining trend, q <= {fdr:g}"),
               Line2D([], [], marker="o", linestyle="", color=IMPROVE, markersize=4,
                      label=f"improving trend, q <= {fdr:g}"),
               Line2D([], [], marker="o", linestyle="", color=NEUTRAL, markersize=4,
                      label="not significant")]
    ax.legend(handles=handles, loc="lower right", fontsize=6.5)
    if untested:
        ax.annotate(f"{untested} series too short or constant to test, not shown",
                    xy=(0, 0), xycoords="axes fraction", xytext=(0, -26),
                    textcoords="offset points", fontsize=6.5, color="#444444", va="top")
    return ax


def trajectories(series: pd.DataFrame, trends: pd.DataFrame | None = None, *, bands=None,
                 inversion: float | None = None, ncols: int = 8, fig=None,
                 label: str = "country", ylim=(0, 100)):
    """Small multiples: each country's score over the editions.

    Parameters
    ----------
    series : DataFrame
        :func:`scoring.series.long_series` output (``iso3``, ``country``, ``edition``,
        ``value``), one series per country.
    trends : DataFrame, optional
        :func:`scoring.country_trends` for the same series: the Sen line
        (``sen_intercept + sen_slope * t``) is drawn, solid when ``q <= 0.05``, dotted
        otherwise.
    bands : list of (status, low, high), optional
        Status bands shaded behind each series.
    inversion : float, optional
        Where to mark the change of the published scale (FOTN: 2018.5).

    Returns
    -------
    numpy.ndarray of Axes
        One Axes per country (alphabetical by name), unused cells hidden.
    """
    names = series.drop_duplicates("iso3", keep="last").set_index("iso3")[label].map(
        short_name) if label in series else None
    isos = sorted(series["iso3"].unique(), key=lambda i: (names[i] if names is not None
                                                          else i))
    nrows = max(1, math.ceil(len(isos) / ncols))
    if fig is None:
        fig = plt.figure(figsize=(TWO_COLUMNS, 0.82 * nrows + 0.4))
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    eds = series["edition"]
    x0, x1 = eds.min() - 0.5, eds.max() + 0.5
    trend_of = trends.set_index("iso3") if trends is not None else None
    for k, ax in enumerate(axes.ravel()):
        if k >= len(isos):
            ax.set_visible(False)
            continue
        iso = isos[k]
        s = series[series["iso3"] == iso].sort_values("edition")
        if bands:
            for status, low, high in bands:
                ax.axhspan(low - 0.5, high + 0.5, color=STATUS_COLORS.get(status, NEUTRAL),
                           alpha=0.25, linewidth=0)
        if inversion is not None:
            ax.axvline(inversion, color="#555555", linewidth=0.5, linestyle=":")
        ax.plot(s["edition"], s["value"], color="black", linewidth=0.8, marker="o",
                markersize=1.6)
        if trend_of is not None and iso in trend_of.index:
            t = trend_of.loc[iso]
            if pd.notna(t["sen_slope"]) and pd.notna(t.get("sen_intercept", np.nan)):
                xs = np.array([s["edition"].min(), s["edition"].max()], dtype=float)
                sig = pd.notna(t["q"]) and t["q"] <= 0.05
                color = (DECLINE if t["sen_slope"] < 0 else IMPROVE) if sig else "#777777"
                ax.plot(xs, t["sen_intercept"] + t["sen_slope"] * xs, color=color,
                        linewidth=1.1 if sig else 0.7, linestyle="-" if sig else (0, (1, 1)))
        ax.set_title(names[iso] if names is not None else iso, fontsize=6, loc="left",
                     fontweight="normal", pad=1.5)
        ax.set_xlim(x0, x1)
        ax.set_ylim(*ylim)
        ax.tick_params(labelsize=5, length=1.5, pad=1)
    for ax in axes[-1]:
        ax.set_xticks([t for t in (2012, 2018, 2024) if x0 <= t <= x1])
    key = ["Black: total score (higher = freer), one point per edition.",
           "Coloured line: Sen trend with q <= 0.05 (orange declining, blue improving);",
           "grey dotted: trend not significant."]
    if inversion is not None:
        key.append("Dotted vertical line: the published scale was inverted in 2019;")
        key.append("earlier editions are shown converted (100 = most free).")
    if bands:
        key.append("Shading: " + ", ".join(f"{status_label(st)} {lo:g}-{hi:g}"
                                           for st, lo, hi in bands) + ".")
    spare = [a for a in axes.ravel() if not a.get_visible()]
    if spare:
        spare[0].set_visible(True)
        spare[0].axis("off")
        spare[0].text(0, 1, "\n".join(key), fontsize=5.5, va="top", ha="left",
                      transform=spare[0].transAxes, wrap=False, in_layout=False)
    else:
        fig.text(0, 0, "  ".join(key), fontsize=5.5, va="top")
    return axes


def change_heatmap(changes: pd.DataFrame, ax=None, *, label: str = "country",
                   max_abs: float | None = None):
    """Countries x edition pairs: year-over-year change, with robust changes marked.

    Parameters
    ----------
    changes : DataFrame
        :func:`scoring.yearly.country_changes` output (``iso3``, ``country``,
        ``to_edition``, ``consecutive``, ``delta``, ``robust``).
    max_abs : float, optional
        Limit of the colour scale in points (default 8); larger changes take the end colours.

    Returns
    -------
    matplotlib.axes.Axes
        One cell per country and pair (blank where a country is not in both editions); a dot
        on every change robust to re-scoring; pairs that skip published editions labelled
        with both years.
    """
    names = changes.sort_values("to_edition").drop_duplicates("iso3", keep="last").set_index(
        "iso3")[label]
    pairs = (changes[["from_edition", "to_edition", "consecutive"]].drop_duplicates()
             .sort_values("to_edition"))
    isos = sorted(changes["iso3"].unique(), key=lambda i: names[i])
    grid = changes.pivot(index="iso3", columns="to_edition", values="delta").reindex(
        index=isos, columns=pairs["to_edition"])
    robust = changes.pivot(index="iso3", columns="to_edition", values="robust").reindex(
        index=isos, columns=pairs["to_edition"])
    if ax is None:
        _, ax = plt.subplots(figsize=(ONE_COLUMN, 0.105 * len(isos) + 1.2))
    top = max_abs or 8
    steps = np.arange(-math.ceil(top), math.ceil(top) + 2) - 0.5
    cmap = plt.get_cmap("RdBu")
    colors = cmap(np.linspace(0.08, 0.92, len(steps) - 1))
    colors[len(colors) // 2] = (0.97, 0.97, 0.97, 1)
    norm = BoundaryNorm(steps, len(colors))
    # Changes beyond +-top share the end colours (the colour bar's arrows say so).
    shown = np.clip(grid.to_numpy(dtype=float), -top, top)
    img = ax.imshow(shown, aspect="auto", cmap=ListedColormap(colors), norm=norm,
                    interpolation="nearest")
    # Cells of countries not in both editions stay transparent over a hatched background.
    ax.add_patch(plt.Rectangle((-0.5, -0.5), grid.shape[1], grid.shape[0], facecolor="white",
                               hatch="/////", edgecolor="#CCCCCC", linewidth=0, zorder=-1))
    rr, cc = np.nonzero(robust.fillna(False).to_numpy(dtype=bool))
    ax.scatter(cc, rr, s=4, color="black", edgecolors="white", linewidths=0.3)
    ax.set_yticks(range(len(isos)), [names[i] for i in isos], fontsize=5)
    ticks = [f"{int(a)}\u2013{int(b)}" if not c else f"{int(b)}"
             for a, b, c in pairs[["from_edition", "to_edition", "consecutive"]].itertuples(
                 index=False)]
    ax.set_xticks(range(len(ticks)), ticks, rotation=90, fontsize=5.5)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    cb = ax.figure.colorbar(img, ax=ax, fraction=0.04, pad=0.02, extend="both",
                            ticks=np.arange(-math.ceil(top), math.ceil(top) + 1, 2))
    cb.ax.tick_params(labelsize=5.5)
    cb.set_label("Change from the previous edition (points)", fontsize=6)
    ax.set_xlabel("Edition (change from the previous edition in the data)", fontsize=6)
    ax.legend(handles=[Line2D([], [], marker="o", linestyle="", color="black", markersize=2.5,
                              label="robust to re-scoring"),
                       Patch(facecolor="white", hatch="/////", edgecolor="#CCCCCC",
                             label="not in both editions")],
              loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, fontsize=5.5,
              borderaxespad=0, handlelength=1.2)
    return ax


def global_counts(counts: pd.DataFrame, ax=None, *, run: dict | None = None):
    """Declines and improvements per pair of editions, with the current run annotated.

    Parameters
    ----------
    counts : DataFrame
        :func:`scoring.yearly_counts` output.
    run : dict, optional
        :func:`scoring.decline_run` output, written above the latest bars.

    Returns
    -------
    matplotlib.axes.Axes
        Two bars per pair (declined below zero, improved above); pairs that skip published
        editions hatched and labelled with both years.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(TWO_COLUMNS, 2.6))
    c = counts.sort_values("to_edition").reset_index(drop=True)
    x = np.arange(len(c))
    dec = c["declined"].to_numpy(dtype=float)
    imp = c["improved"].to_numpy(dtype=float)
    gap = ~c["consecutive"].to_numpy(dtype=bool)
    ax.bar(x, -dec, color=DECLINE, width=0.7, linewidth=0, label="declined")
    ax.bar(x, imp, color=IMPROVE, width=0.7, linewidth=0, label="improved")
    if gap.any():
        ax.bar(x[gap], -dec[gap], width=0.7, fill=False, hatch="////", edgecolor="white",
               linewidth=0)
        ax.bar(x[gap], imp[gap], width=0.7, fill=False, hatch="////", edgecolor="white",
               linewidth=0)
    for xi, d, i in zip(x, dec, imp):
        ax.text(xi, -d - 0.5, f"{int(d)}", ha="center", va="top", fontsize=6)
        ax.text(xi, i + 0.5, f"{int(i)}", ha="center", va="bottom", fontsize=6)
    ax.axhline(0, color="black", linewidth=0.6)
    labels = [f"{a}\u2013{b}" if g else f"{b}"
              for a, b, g in zip(c["from_edition"], c["to_edition"], gap)]
    ax.set_xticks(x, labels)
    lim = max(dec.max(), imp.max()) * 1.3 + 2
    ax.set_ylim(-lim, lim)
    ax.set_yticks(ax.get_yticks(), [f"{abs(int(t))}" for t in ax.get_yticks()])
    ax.set_ylim(-lim, lim)
    ax.set_ylabel("Countries")
    handles = [Patch(color=DECLINE, label="declined"), Patch(color=IMPROVE, label="improved")]
    if gap.any():
        handles.append(Patch(facecolor="#999999", hatch="////", edgecolor="white",
                             label="spans editions missing from the data"))
    ax.legend(handles=handles, loc="lower left", ncol=3, fontsize=6.5)
    if run is not None and run.get("run"):
        k = int(run["run"])
        ax.annotate("", xy=(x[-1] + 0.4, lim * 0.86), xytext=(x[-k] - 0.4, lim * 0.86),
                    arrowprops=dict(arrowstyle="-", color="black", lw=0.8))
        more = "at least " if run.get("at_least") else ""
        ax.text(x[-1] + 0.4, lim * 0.9,
                f"declines outnumbered improvements: {more}{k} in a row",
                ha="right", va="bottom", fontsize=6.5)
    return ax
