"""Figures of change between two editions. Each takes a result table that a statistics
function returns, draws on ``ax`` (a new one if None) and returns the Axes; none computes a
statistic, saves or shows."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .style import (CATEGORY_COLORS, DECLINE, IMPROVE, NEUTRAL, STATUS_COLORS, STATUS_ORDER,
                    TWO_COLUMNS, status_label)

__all__ = ["change_bars", "dumbbell", "forest", "transition_heatmap"]

_CATEGORY_LABELS = {"access": "Obstacles to Access", "content": "Limits on Content",
                    "rights": "Violations of User Rights", "pr": "Political Rights",
                    "cl": "Civil Liberties"}


def _axes(ax, height):
    if ax is None:
        _, ax = plt.subplots(figsize=(TWO_COLUMNS, height))
    return ax


def _labels(rows: pd.DataFrame, label: str) -> list[str]:
    return rows[label].astype(str).tolist() if label in rows else rows["iso3"].tolist()


def change_bars(rows: pd.DataFrame, ax=None, *, categories=None, label: str = "country",
                robust: pd.Series | None = None, show_unchanged: bool = False):
    """Diverging bars of each country's change, stacked by category contribution.

    Parameters
    ----------
    rows : DataFrame
        :attr:`scoring.comparison.Comparison.rows` (``delta``, ``delta_<category>``,
        ``status_change``).
    categories : list of str, optional
        Category keys whose ``delta_<key>`` columns stack (default: every ``delta_*`` column
        other than ``delta_questions``). Where they are blank (totals-only editions), the
        total change is drawn as one grey bar.
    label : str
        Column naming each bar ("country" or "iso3").
    robust : Series of bool, optional
        Indexed by ISO3: changes that survive re-scoring
        (:func:`scoring.rescoring_robustness`), marked with a filled diamond at the bar's end;
        other changes get an open one.
    show_unchanged : bool
        Also draw countries whose total did not change (default: leave them out and say how
        many in the axes' note).

    Returns
    -------
    matplotlib.axes.Axes
        One horizontal bar segment per country and category with a non-zero change, a dot
        at each country's total change; countries sorted from largest decline (top) to largest
        improvement.
    """
    if categories is None:
        categories = [c[6:] for c in rows.columns
                      if c.startswith("delta_") and c != "delta_questions"]
    data = rows if show_unchanged else rows[rows["delta"] != 0]
    data = data.sort_values(["delta", label if label in rows else "iso3"],
                            ascending=[False, True], kind="stable")
    hidden = len(rows) - len(data)
    ax = _axes(ax, max(2.0, 0.16 * len(data) + 1.0))
    y = np.arange(len(data))
    left_pos = np.zeros(len(data))
    left_neg = np.zeros(len(data))
    handles = []
    for key, color in zip(categories, CATEGORY_COLORS):
        vals = data[f"delta_{key}"].to_numpy(dtype=float)
        have = ~np.isnan(vals)
        pos = np.where(have & (vals > 0), vals, 0.0)
        neg = np.where(have & (vals < 0), vals, 0.0)
        ax.barh(y, pos, left=left_pos, color=color, height=0.7, linewidth=0)
        ax.barh(y, neg, left=left_neg, color=color, height=0.7, linewidth=0)
        left_pos += pos
        left_neg += neg
        if have.any():
            handles.append(Patch(color=color, label=_CATEGORY_LABELS.get(key, key)))
    no_cats = data[[f"delta_{k}" for k in categories]].isna().all(axis=1).to_numpy() \
        if categories else np.ones(len(data), bool)
    total = data["delta"].to_numpy(dtype=float)
    if no_cats.any():
        ax.barh(y[no_cats], total[no_cats], color=NEUTRAL, height=0.7, linewidth=0)
        handles.append(Patch(color=NEUTRAL, label="Total (no category scores)"))
    ax.scatter(total, y, s=9, color="black", zorder=3, linewidths=0)
    handles.append(Line2D([], [], marker="o", linestyle="", color="black", markersize=3,
                          label="Change of the total"))
    span = max(1.0, np.nanmax(np.abs(np.r_[left_pos, left_neg, total])))
    if robust is not None:
        rb = robust.reindex(data["iso3"]).fillna(False).to_numpy(dtype=bool)
        ends = np.where(total < 0, np.minimum(left_neg, total), np.maximum(left_pos, total))
        xs = ends + np.sign(total) * 0.06 * span
        ax.scatter(xs[rb], y[rb], marker="D", s=12, color="black", zorder=3, linewidths=0)
        ax.scatter(xs[~rb & (total != 0)], y[~rb & (total != 0)], marker="D", s=12,
                   facecolors="white", edgecolors="black", linewidths=0.6, zorder=3)
        handles += [Line2D([], [], marker="D", linestyle="", color="black", markersize=3.5,
                           label="Robust to re-scoring"),
                    Line2D([], [], marker="D", linestyle="", markerfacecolor="white",
                           markeredgecolor="black", markersize=3.5,
                           label="Not robust to re-scoring")]
    names = _labels(data, label)
    # A saved CSV reads an all-empty column back as NaN floats: anything not text is "".
    changes = ([c if isinstance(c, str) else "" for c in data["status_change"]]
               if "status_change" in data else [])
    arrow = "\u2192"
    ax.set_yticks(y, [f"{n}  ({c.replace(' -> ', arrow)})" if c else n
                      for n, c in zip(names, changes or [""] * len(names))])
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlim(-span * 1.2, span * 1.2)
    ax.set_xlabel("Change in score (points; higher = freer)")
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.4)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    ax.legend(handles=handles, loc="lower right", fontsize=6.5)
    if hidden:
        ax.annotate(f"{hidden} countries with no change not shown", xy=(0, 0),
                    xycoords="axes fraction", xytext=(0, -28), textcoords="offset points",
                    fontsize=6.5, color="#444444", va="top")
    return ax


def dumbbell(rows: pd.DataFrame, ax=None, *, bands=None, highlight: pd.Series | None = None,
             label: str = "country", from_label: str = "", to_label: str = ""):
    """Each country's total in the two editions, joined, over the status bands.

    Parameters
    ----------
    rows : DataFrame
        :attr:`Comparison.rows` (``total_from``, ``total_to``, ``iso3``).
    bands : list of (status, low, high), optional
        Status bands on the canonical scale, shaded behind the points (FOTN:
        ``[(b.value, b.low, b.high) for b in methodology.status.bands]``).
    highlight : Series of bool, optional
        Indexed by ISO3: changes drawn in colour (robust or significant); others grey.
    from_label, to_label : str
        Legend text for the two editions.

    Returns
    -------
    matplotlib.axes.Axes
        Two points per country (earlier open, later filled) and one line between them;
        countries sorted by the later score, freest on top.
    """
    data = rows.sort_values(["total_to", "total_from"], ascending=False, kind="stable")
    ax = _axes(ax, max(2.0, 0.12 * len(data) + 1.0))
    y = np.arange(len(data))
    if bands:
        for status, low, high in bands:
            ax.axvspan(low - 0.5, high + 0.5, color=STATUS_COLORS.get(status, NEUTRAL),
                       alpha=0.22, linewidth=0, zorder=0)
            ax.text((low + high) / 2, -0.9, status_label(status), ha="center", va="bottom",
                    fontsize=6.5, color="#333333")
    a = data["total_from"].to_numpy(dtype=float)
    b = data["total_to"].to_numpy(dtype=float)
    hl = (highlight.reindex(data["iso3"]).fillna(False).to_numpy(dtype=bool)
          if highlight is not None else (a != b))
    colors = np.where(b < a, DECLINE, IMPROVE)
    for i in range(len(data)):
        c = colors[i] if hl[i] else NEUTRAL
        ax.plot([a[i], b[i]], [y[i], y[i]], color=c, linewidth=1.2 if hl[i] else 0.8,
                solid_capstyle="butt", zorder=2)
    ax.scatter(a, y, s=10, facecolors="white", edgecolors="#333333", linewidths=0.6, zorder=3,
               label=from_label or "earlier edition")
    ax.scatter(b, y, s=10, color="#333333", zorder=4, linewidths=0,
               label=to_label or "later edition")
    ax.set_yticks(y, _labels(data, label))
    ax.set_ylim(len(data) - 0.5, -1.6)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Score (0-100, higher = freer)")
    ax.tick_params(axis="y", length=0)
    handles, labels = ax.get_legend_handles_labels()
    handles += [Line2D([], [], color=DECLINE, label="decline"),
                Line2D([], [], color=IMPROVE, label="improvement")]
    if highlight is not None:
        handles.append(Line2D([], [], color=NEUTRAL, label="change not robust"))
    ax.legend(handles=handles, loc="lower right", fontsize=6.5)
    return ax


def forest(robustness: pd.DataFrame, ax=None, *, label: str = "country",
           show_unchanged: bool = False):
    """Observed change with the interval of re-scored changes, per country.

    Parameters
    ----------
    robustness : DataFrame
        :func:`scoring.rescoring_robustness` output (``delta``, ``change_low``,
        ``change_high``, ``robust``); its ``attrs["model"]["interval"]`` names the interval.

    Returns
    -------
    matplotlib.axes.Axes
        One interval line and one point per country, sorted by change; robust changes filled,
        others open.
    """
    data = robustness if show_unchanged else robustness[robustness["delta"] != 0]
    data = data.sort_values(["delta", label if label in data else "iso3"],
                            ascending=[False, True], kind="stable")
    hidden = len(robustness) - len(data)
    ax = _axes(ax, max(2.0, 0.14 * len(data) + 1.0))
    y = np.arange(len(data))
    d = data["delta"].to_numpy(dtype=float)
    lo = data["change_low"].to_numpy(dtype=float)
    hi = data["change_high"].to_numpy(dtype=float)
    rb = data["robust"].to_numpy(dtype=bool)
    colors = np.where(d < 0, DECLINE, np.where(d > 0, IMPROVE, NEUTRAL))
    ax.hlines(y, lo, hi, colors=colors, linewidth=1.0)
    ax.scatter(d[rb], y[rb], s=14, color="black", zorder=3, linewidths=0)
    ax.scatter(d[~rb], y[~rb], s=14, facecolors="white", edgecolors="black", linewidths=0.7,
               zorder=3)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_yticks(y, _labels(data, label))
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    level = robustness.attrs.get("model", {}).get("interval", None)
    p = robustness.attrs.get("model", {}).get("p", None)
    what = f"{level:.0%} interval of re-scored change" if level else "interval"
    ax.set_xlabel("Change in score (points; higher = freer)")
    handles = [Line2D([], [], color="#555555", label=what + (f" (error p = {p:g})"
                                                            if p is not None else "")),
               Line2D([], [], marker="o", linestyle="", color="black", markersize=3.5,
                      label="observed change, robust"),
               Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                      markeredgecolor="black", markersize=3.5,
                      label="observed change, not robust")]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3,
              fontsize=6.5, borderaxespad=0.2)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.4)
    ax.set_axisbelow(True)
    if hidden:
        ax.annotate(f"{hidden} countries with no change not shown", xy=(0, 0),
                    xycoords="axes fraction", xytext=(0, -28), textcoords="offset points",
                    fontsize=6.5, color="#444444", va="top")
    return ax


def transition_heatmap(transitions: pd.DataFrame, ax=None, *, from_label: str = "",
                       to_label: str = ""):
    """Status transition matrix: counts by earlier status (rows) and later status (columns).

    Parameters
    ----------
    transitions : DataFrame
        :attr:`Comparison.transitions`.

    Returns
    -------
    matplotlib.axes.Axes
        One cell per (from, to) pair with its count written in it; the diagonal (no change)
        outlined.
    """
    from .style import ONE_COLUMN

    if ax is None:
        _, ax = plt.subplots(figsize=(ONE_COLUMN, ONE_COLUMN * 0.8))
    counts = transitions.to_numpy(dtype=float)
    top = max(1.0, counts.max()) * 1.6
    ax.imshow(counts, cmap="Greys", vmin=0, vmax=top)
    rows = [status_label(s) for s in transitions.index]
    cols = [status_label(s) for s in transitions.columns]
    ax.set_xticks(range(len(cols)), cols)
    ax.set_yticks(range(len(rows)), rows)
    ax.xaxis.set_ticks_position("top")
    ax.xaxis.set_label_position("top")
    ax.set_xlabel(to_label or "later edition")
    ax.set_ylabel(from_label or "earlier edition")
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            dark = counts[i, j] / top > 0.45
            ax.text(j, i, f"{int(counts[i, j])}", ha="center", va="center", fontsize=8,
                    color="white" if dark else "black",
                    fontweight="bold" if i != j and counts[i, j] else "normal")
            if i == j and i < len(STATUS_ORDER):
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False,
                                           edgecolor=STATUS_COLORS.get(transitions.index[i],
                                                                       "black"),
                                           linewidth=2))
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return ax
