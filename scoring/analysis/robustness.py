"""Would a country's change survive re-scoring? A measurement-error model for published scores.

Freedom House publishes no standard errors. :func:`rescoring_robustness` asks, country by
country, how often the sign of the change between two editions would hold if every item score
could be one point off (the model, its formula and its limits:
:mod:`scoring.inference.rescoring` and the ``statement`` and ``limits`` the result carries).
This is a sensitivity analysis under an assumed error model, not a sampling distribution: its
probabilities are not p-values.

The model itself, on arrays, is :mod:`scoring.inference.rescoring`; which items an edition
offers is :mod:`scoring.analysis.items`. This module applies both to the countries of a
comparison.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._progress import Progress
from ..inference.checks import check_choice, check_positive_int, check_probability
from ..inference.multitest import bh_qvalues
from ..inference.rescoring import METHODS, model_description, perturbed_change_distribution
from ..methodology import load_methodology
from .items import edition_arrays

__all__ = ["METHODS", "rescoring_robustness"]


def selected_comparison(data, index, from_edition, to_edition, countries, include_territories):
    """The comparison to model (given, or computed once here), its methodology, its
    ``iso3, country, delta`` rows and the canonical score rows behind it."""
    from .comparison import Comparison, compare

    if isinstance(data, Comparison):
        given = {"from_edition": from_edition, "to_edition": to_edition, "countries": countries}
        extra = [k for k, v in given.items() if v is not None]
        if extra or include_territories:
            raise ValueError(f"{', '.join(extra) or 'include_territories'} must not be given "
                             "with a Comparison: it already fixes the editions and countries")
        comparison = data
    else:
        comparison = compare(data, from_edition, to_edition, index=index, countries=countries,
                             include_territories=include_territories)
    m = comparison.methodology or load_methodology(comparison.summary["index"])
    rows = comparison.rows[["iso3", "country", "delta"]].reset_index(drop=True)
    scores = comparison.scores
    canon = scores[scores["iso3"].isin(set(rows["iso3"]))]
    return m, rows, comparison, canon


# -- the public API -------------------------------------------------------------------------
def rescoring_robustness(
    data=None,
    *,
    index=None,
    from_edition: int | None = None,
    to_edition: int | None = None,
    countries: list[str] | None = None,
    include_territories: bool = False,
    p: float = 0.1,
    alpha: float = 0.05,
    draws: int = 20000,
    seed=0,
    interval: float = 0.95,
    method: str = "monte-carlo",
    coarse: str = "split",
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Would each country's change between two editions survive re-scoring?

    Every item score of both editions is perturbed under an explicit measurement-error model
    (see Notes); the result gives, per country, the probability that the observed direction
    of change holds.

    Parameters
    ----------
    data : Comparison, Panel or DataFrame, optional
        A :class:`scoring.Comparison` (the result of :func:`scoring.compare`: its editions,
        countries and territory rule are used, and nothing is compared again); or a panel or
        score rows, as for :func:`scoring.compare`. Default: the bundled dataset of ``index``.
    index : str or Methodology, optional
        ``"fotn"`` or ``"fiw"``, as for :func:`scoring.compare`.
    from_edition, to_edition : int
        The two editions (either order; change is to - from); not with a Comparison.
    countries : list of str, optional
        ISO3 codes to restrict to.
    include_territories : bool
        FIW only: include territories (by default countries only, as in :func:`compare`).
    p : float
        Probability that an item score moves one point (half down, half up), in [0, 1].
    alpha : float
        A change is ``robust`` when a re-scoring reverses its direction with probability at
        most ``alpha`` (``p_reversal``);
        in (0, 1).
    draws : int
        Monte Carlo draws (an integer >= 1, checked always); unused by the exact method.
    seed : int, numpy.random.Generator or None
        Monte Carlo seed.
    interval : float
        Probability of the central interval ``change_low .. change_high``, in (0, 1).
    method : {"monte-carlo", "exact"}
        Simulate, or compute the distribution exactly by convolution.
    coarse : {"split", "as-published"}
        Where an edition publishes only category scores or only the total: ``"split"``
        (default) perturbs each as the sum of the errors of the questions it aggregates
        (unclipped, since their scores are unknown), so that a totals-only edition is as
        uncertain as a question-level one; ``"as-published"`` perturbs each coarse score as
        one item, which makes totals-only changes look far more robust than they are.
    progress : callable, optional
        ``progress(done, total, label)`` (:mod:`scoring._progress`): Monte Carlo draws done of
        ``draws``, once per chunk (exact method: items convolved). None: silent; the result
        is the same either way.

    Returns
    -------
    DataFrame
        One row per country in both editions (same selection as :func:`scoring.compare`),
        sorted by ``delta`` (largest decline first), then country. Columns:

        - ``iso3``, ``country`` (name in ``to_edition``)
        - ``delta``: observed change of the published total, canonical (higher = freer)
        - ``model_delta``: change of the item sums the model perturbs (differs from ``delta``
          only where a row's items do not add up to its published total; see ``note``)
        - ``items_from``, ``items_to``: what was perturbed in each edition: ``"questions"``,
          ``"categories"`` (FOTN categories; FIW subcategories A-G) or ``"total"``
        - ``n_items_from``, ``n_items_to``: how many items were perturbed
        - ``p_decline``, ``p_improve``, ``p_unchanged``: P(perturbed change < 0, > 0, = 0)
        - ``change_low``, ``change_high``: central ``interval`` interval of the perturbed
          change, the ``(1 - interval)/2`` and ``(1 + interval)/2`` quantiles by the
          inverted-CDF rule (smallest change whose CDF reaches the level; attainable integers)
        - ``p_sign``: probability that the observed sign holds (``p_decline`` for a decline,
          ``p_improve`` for an improvement, ``p_unchanged`` when ``delta`` is 0)
        - ``p_flip``: ``1 - p_sign`` = ``p_reversal + p_zero`` for a change
        - ``q_flip``: Benjamini-Hochberg adjustment of ``p_flip`` over the countries of this
          result whose ``delta`` is not 0 (NaN for unchanged countries)
        - ``p_reversal``: probability that the re-scored change has the opposite sign
          (``p_improve`` for a decline, ``p_decline`` for an improvement; NaN when ``delta`` is
          0); ``q_reversal`` its Benjamini-Hochberg adjustment over the changes
        - ``p_zero``: probability that the re-scored change is exactly 0 (NaN when ``delta``
          is 0): a change that could vanish is not thereby reversed
        - ``robust``: ``delta != 0`` and ``p_reversal <= alpha``: a re-scoring reverses the
          change's direction with probability at most ``alpha`` (an unchanged country is
          never robust: robust means a robust change). Kyrgyzstan 2023-2024 (-4): p_reversal
          0.0144, p_zero 0.0281, p_flip 0.0425.
        - ``items_at_bound``: items (both editions) at a bound of their range;
          ``error_rate``: the mean chance that an item is off, ``p`` inside the range and
          ``p / 2`` at a bound (it can move only inward)
        - ``mc_se``: Monte Carlo standard error of ``p_sign``, the plug-in
          ``sqrt(p_sign (1 - p_sign) / draws)``; 0 for the exact method, and also 0 when every
          draw agreed (then the true ``p_flip`` is below ``3 / draws`` with 95% confidence,
          the rule of three)
        - ``note``: what the numbers carry: totals-only editions, items that do not add up to
          the published total, adjustments not published, a model sign that differs from the
          observed one

        ``attrs["model"]`` holds the parameters (``p``, ``alpha``, ``draws``, ``seed``,
        ``interval``, ``method``), the quantile rule, a plain-words ``statement`` of the model
        and its ``limits``; ``attrs["notes"]`` the comparability notes of :func:`compare`.

    Raises
    ------
    ValueError
        A parameter out of its range (naming it, the allowed values and what was passed), or
        an edition or country not in the data (from :func:`compare`).
    ScoringError
        Item scores that are not whole numbers within the methodology's range (all of them
        listed), or rows that repeat an entity and edition (from :func:`compare`).

    Notes
    -----
    Each item score ``x`` (range ``[lo, hi]``) of each edition is re-scored independently as
    ``clip(x + e, lo, hi)`` with ``P(e = -1) = P(e = +1) = p/2`` and ``P(e = 0) = 1 - p``.
    Items are the question scores where a row has all of them, else the category scores
    (FIW: subcategories), else the total alone on its full range. FIW's adjustments enter at
    their published values: ``PR = A + B + C - AddQ + AddA``. The perturbed change is

    .. math:: \\Delta^* = \\sum_{to} y + f_{to} - \\sum_{from} y - f_{from},

    and ``p_sign = P(sign(Delta*) = sign(delta))``. Clipping makes ``Delta*`` centred near, not
    exactly at, ``model_delta``. Everything is on the canonical scale (:func:`to_canonical`).
    The Monte Carlo estimate of a probability ``P`` has standard error
    ``sqrt(P (1 - P) / draws)``; the exact method is exact up to rounding.

    To make swapping the editions give the mirror image exactly, the model always runs from
    the earlier edition to the later one and the result is mirrored when ``from_edition`` is
    later. The countries enter the simulation sorted by ISO3 code, so the input's row order
    does not change the draws.

    Examples
    --------
    >>> r = rescoring_robustness(index="fotn", from_edition=2023, to_edition=2024,
    ...                          draws=2000, seed=1)
    >>> row = r.set_index("iso3").loc["KGZ"]
    >>> float(row["delta"]), row["items_from"], bool(row["p_decline"] > 0.9)
    (-4.0, 'questions', True)
    """
    p = check_probability("p", p, closed=True)
    alpha = check_probability("alpha", alpha, closed=False)
    interval = check_probability("interval", interval, closed=False)
    method = check_choice("method", method, METHODS)
    coarse = check_choice("coarse", coarse, ("split", "as-published"))
    draws = check_positive_int("draws", draws)
    m, rows, comparison, canon = selected_comparison(data, index, from_edition, to_edition, countries,
                                            include_territories)
    a, b = comparison.editions
    out = rows.copy()
    notes = [[] for _ in range(len(out))]
    # The simulation sees countries sorted by ISO3, earlier edition first.
    order = np.argsort(out["iso3"].to_numpy(dtype=str), kind="stable")
    sides = _sides(canon, m, out["iso3"].to_numpy()[order], (min(a, b), max(a, b)), coarse,
                   order, notes)
    modelled = np.zeros(len(out), dtype=bool)
    modelled[order] = [all(sides[ed][5][j] is not None for ed in sides)
                       for j in range(len(out))]
    dist = _distribution(sides, order, modelled, a > b, p=p, method=method, draws=draws,
                         seed=seed, interval=interval, progress=progress)
    out = _item_columns(out, sides, order, modelled, (a, b), dist)
    out = _sign_columns(out, alpha=alpha, method=method, draws=draws)
    out = _effective_rate(out, sides, order, modelled, p)
    model_delta, delta = out["model_delta"].to_numpy(), out["delta"].to_numpy(dtype=float)
    mismatch = modelled & (np.sign(model_delta) != np.sign(delta)) & ~np.isnan(delta)
    for i in np.flatnonzero(mismatch):
        notes[i].append(f"the item sums change by {model_delta[i]:g}, the published totals by "
                        f"{delta[i]:g}: p_sign is for the published direction")
    out["note"] = ["; ".join(x) for x in notes]
    out.attrs["model"] = model_description(p, alpha, draws, seed, interval, method)
    out.attrs["model"]["coarse"] = coarse
    out.attrs["notes"] = list(comparison.notes)
    out.attrs["index"], out.attrs["from"], out.attrs["to"] = m.key, a, b
    return out


def _sides(canon, m, iso_sorted, editions, coarse, order, notes) -> dict:
    """Per edition (earlier first), the item arrays of :func:`edition_arrays` for the
    countries in ISO3 order, with a note per country where the model departs from the
    published total."""
    sides = {}
    for ed in editions:
        side = canon[canon["edition"] == ed].set_index("iso3").reindex(iso_sorted)
        x, lo, hi, fixed, kind, ed_notes = edition_arrays(side, m, ed, coarse)
        sums = np.nansum(x, axis=1) + fixed
        published = side[m.total.key].to_numpy(dtype=float)
        for j, i in enumerate(order):
            notes[i] += ed_notes[j]
            if kind[j] is None:
                notes[i].append(f"{ed}: no total published; not modelled")
            elif np.isnan(published[j]):
                notes[i].append(f"{ed}: no total published (delta is blank); the model uses "
                                f"the {kind[j]}")
            elif kind[j] != "total" and sums[j] != published[j]:
                notes[i].append(f"{ed}: {kind[j]} sum to {sums[j]:g} but the published "
                                f"total is {published[j]:g}; the model uses the sum")
        sides[ed] = (x, lo, hi, fixed, np.sum(~np.isnan(x), axis=1), kind)
    return sides


_DISTRIBUTION = ("p_decline", "p_improve", "p_unchanged", "change_low", "change_high")


def _distribution(sides, order, modelled, mirrored, *, p, method, draws, seed, interval,
                  progress=None):
    """Probabilities and central interval of the perturbed change, in the rows' order."""
    n = len(modelled)
    res = {c: np.full(n, np.nan) for c in (*_DISTRIBUTION, "model_delta")}
    keep = np.flatnonzero(modelled[order])
    if not keep.size:
        return res
    (xf, lof, hif, ff, _, _), (xt, lot, hit, ft, _, _) = sides.values()
    dist = perturbed_change_distribution(
        xf[keep], xt[keep], min_from=lof[keep], max_from=hif[keep], min_to=lot[keep],
        max_to=hit[keep], fixed_from=ff[keep], fixed_to=ft[keep], p=p, method=method,
        draws=draws, seed=seed, progress=progress)
    lower, upper = dist.p_decline, dist.p_improve
    if mirrored:
        # Mirror: a decline from early to late is an improvement from late to early.
        lower, upper = upper, lower
        dist = dist.reversed()
    at = order[keep]
    res["model_delta"][at] = dist.model_delta
    res["p_decline"][at] = lower
    res["p_improve"][at] = upper
    res["p_unchanged"][at] = dist.p_unchanged
    res["change_low"][at], res["change_high"][at] = dist.central_interval(interval)
    return res


def _item_columns(out, sides, order, modelled, editions, dist) -> pd.DataFrame:
    """``model_delta``, what was perturbed in each edition and how many items, and the
    distribution's columns."""
    n = len(out)
    a, b = editions
    side_kind = {ed: np.empty(n, dtype=object) for ed in editions}
    side_n = {ed: np.zeros(n) for ed in editions}
    for ed in editions:
        side_kind[ed][order] = sides[ed][5]
        side_n[ed][order] = sides[ed][4]
        side_n[ed][~modelled] = np.nan
    out["delta"] = out["delta"].to_numpy(dtype=float)
    out["model_delta"] = dist["model_delta"]
    out["items_from"] = side_kind[a]
    out["items_to"] = side_kind[b]
    out["n_items_from"] = pd.array(side_n[a], dtype="Float64").astype("Int64")
    out["n_items_to"] = pd.array(side_n[b], dtype="Float64").astype("Int64")
    for c in _DISTRIBUTION:
        out[c] = dist[c]
    for c in ("p_decline", "p_improve", "p_unchanged"):
        # Sums of probabilities can overshoot 1 by rounding.
        out[c] = np.clip(out[c], 0.0, 1.0)
    return out


def _sign_columns(out, *, alpha, method, draws) -> pd.DataFrame:
    """``p_sign``, ``p_flip``, ``p_reversal``, ``p_zero``, their q-values, ``robust`` and
    ``mc_se``."""
    delta = out["delta"].to_numpy(dtype=float)
    p_sign = np.select([delta < 0, delta > 0, delta == 0],
                       [out["p_decline"], out["p_improve"], out["p_unchanged"]], np.nan)
    out["p_sign"] = p_sign
    out["p_flip"] = 1.0 - p_sign
    out["q_flip"] = bh_qvalues(np.where(delta != 0, out["p_flip"], np.nan))
    out["p_reversal"] = np.select([delta < 0, delta > 0], [out["p_improve"], out["p_decline"]],
                                  np.nan)
    out["p_zero"] = np.where(delta != 0, out["p_unchanged"], np.nan)
    out["q_reversal"] = bh_qvalues(out["p_reversal"].to_numpy())
    out["robust"] = (delta != 0) & (out["p_reversal"].to_numpy() <= alpha)
    if method == "monte-carlo":
        out["mc_se"] = np.sqrt(p_sign * (1 - p_sign) / draws)
    else:
        out["mc_se"] = np.where(np.isnan(p_sign), np.nan, 0.0)
    return out


def _effective_rate(out, sides, order, modelled, p) -> pd.DataFrame:
    """``items_at_bound`` and ``error_rate``: an item at a bound of its range can move only
    inward, so its chance of being off is p/2, not p; the mean over both editions' items."""
    n_items = np.zeros(len(out))
    at_bound = np.zeros(len(out))
    for x, lo, hi, *_ in sides.values():
        present = ~np.isnan(x)
        n_items[order] += present.sum(axis=1)
        at_bound[order] += (present & ((x <= lo) | (x >= hi))).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = p * (1 - 0.5 * at_bound / n_items)
    out["items_at_bound"] = pd.array(np.where(modelled, at_bound, np.nan),
                                     dtype="Float64").astype("Int64")
    out["error_rate"] = np.where(modelled, rate, np.nan)
    return out
