"""Is the overall direction of change more than noise? Three tests, all units and per group.

Three complementary answers for a set of changes (one ``delta`` per country, higher-is-freer,
so negative = decline): the exact sign test (:mod:`.sign`) counts declines against
improvements; the Wilcoxon signed-rank test (:mod:`.wilcoxon`) also weighs how large the
changes are; bootstrap intervals (:mod:`.bootstrap`) give the size of the typical change.
:func:`direction_tests` runs all three for every unit together and, optionally, per group, in
one tidy table, with Benjamini-Hochberg q-values of the sign tests across the groups
(:mod:`.multitest`).

Every result is deterministic given ``seed`` and does not depend on the order of the rows.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pandas as pd

from .checks import check_choice, check_frame, columns_text, plural
from .bootstrap import STATISTICS, bootstrap_ci, check_options
from .multitest import bh_qvalues
from .sign import sign_test
from .wilcoxon import METHODS, ZERO_METHODS, wilcoxon_test

__all__ = ["DIRECTION_COLUMNS", "MISSING_GROUP", "direction_tests"]

#: The columns of :func:`direction_tests`, in order.
DIRECTION_COLUMNS = [
    "group_by", "group", "n", "declined", "improved", "unchanged",
    "sign_test_p", "sign_test_rule",
    "wilcoxon_statistic", "wilcoxon_p", "wilcoxon_method", "wilcoxon_rule",
    "mean_delta", "mean_delta_low", "mean_delta_high",
    "median_delta", "median_delta_low", "median_delta_high",
    "ci_method", "confidence", "n_resamples", "seed", "q", "note",
]
#: The ``group`` label of units whose ``by`` value is missing.
MISSING_GROUP = "(missing)"
_STATUS_ORDER = ["F", "PF", "NF"]


def _group_seed(seed: int, by: str, label: str) -> int:
    # From the group's name, not its position: a group keeps its resamples when other groups
    # come or go (a country subset, a region filtered out), and input order cannot matter.
    key = zlib.crc32(f"{by}\x1f{label}".encode())
    return int(np.random.SeedSequence([int(seed), key]).generate_state(1)[0])


def _row(values: np.ndarray, *, group_by: str, group: str, seed: int, zero_method: str,
         wilcoxon_method: str, n_resamples: int, ci_method: str, confidence: float) -> dict:
    s = sign_test(values)
    w = wilcoxon_test(values, zero_method=zero_method, method=wilcoxon_method)
    ci = {stat: bootstrap_ci(values, statistic=stat, n_resamples=n_resamples,
                             method=ci_method, confidence=confidence, seed=seed)
          for stat in STATISTICS}
    used = {ci[stat]["method_used"] for stat in STATISTICS}
    if len(used) == 1:
        ci_used = used.pop()
    else:
        ci_used = ", ".join(f"{ci[stat]['method_used']} ({stat})" for stat in STATISTICS)
    notes = []
    if s["n_used"] == 0:
        notes.append("no declines or improvements: sign and Wilcoxon tests not computed")
    seen = set()
    for stat in STATISTICS:
        text = ci[stat]["note"]
        if not text or text in seen:
            continue
        seen.add(text)
        notes.append(f"{stat} interval: {text}")
    return {
        "group_by": group_by, "group": group, "n": s["n"], "declined": s["declined"],
        "improved": s["improved"], "unchanged": s["unchanged"],
        "sign_test_p": s["p"], "sign_test_rule": s["rule"],
        "wilcoxon_statistic": w["statistic"], "wilcoxon_p": w["p"],
        "wilcoxon_method": w["method_used"], "wilcoxon_rule": w["rule"],
        "mean_delta": ci["mean"]["estimate"], "mean_delta_low": ci["mean"]["low"],
        "mean_delta_high": ci["mean"]["high"],
        "median_delta": ci["median"]["estimate"], "median_delta_low": ci["median"]["low"],
        "median_delta_high": ci["median"]["high"],
        "ci_method": ci_used, "confidence": float(confidence), "n_resamples": int(n_resamples),
        "seed": int(seed), "q": math.nan, "note": "; ".join(notes),
    }


def _value_column(frame: pd.DataFrame, value: str) -> np.ndarray:
    """The changes as floats; a missing one raises, naming the rows (up to 10)."""
    col = frame[value]
    if not pd.api.types.is_numeric_dtype(col):
        raise ValueError(f"value column {value!r} must be numeric; got dtype {col.dtype}")
    missing = col.isna()
    if missing.any():
        who = frame.loc[missing, "iso3"] if "iso3" in frame.columns else frame.index[missing]
        shown = ", ".join(map(str, list(who)[:10])) + (", ..." if missing.sum() > 10 else "")
        raise ValueError(f"value column {value!r} has "
                         f"{plural(int(missing.sum()), 'missing value')} (NaN): {shown}; "
                         "drop or fill them explicitly first (nothing is dropped silently)")
    return col.to_numpy(dtype=float)


def _groups(keys: pd.Series) -> list[tuple[str, np.ndarray]]:
    """(label, row mask) per group: values sorted (statuses F, PF, NF), missing last."""
    absent = keys.isna().to_numpy()
    present = pd.unique(keys[~absent])
    try:
        present = sorted(present)
    except TypeError:
        present = sorted(present, key=str)
    if set(present) <= set(_STATUS_ORDER):
        # Statuses read best from most to least free, not alphabetically.
        present = sorted(present, key=_STATUS_ORDER.index)
    groups = [(str(k), (keys == k).to_numpy() & ~absent) for k in present]
    if absent.any():
        groups.append((MISSING_GROUP, absent))
    return groups


def direction_tests(frame: pd.DataFrame, *, value: str = "delta", by: str | None = None,
                    zero_method: str = "wilcox", wilcoxon_method: str = "auto",
                    n_resamples: int = 9999, ci_method: str = "BCa",
                    confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Is the overall direction of change more than noise? All units, and per group.

    Parameters
    ----------
    frame : DataFrame
        One row per unit, e.g. ``compare(...).rows``.
    value : str
        Column of changes (default ``"delta"``: change of the total, higher-is-freer, so
        negative = decline). A NaN raises ``ValueError`` naming how many and which rows.
    by : str, optional
        Column to group by (``"region"``, ``"status_from"``...): one row per value, sorted
        (statuses from most to least free: F, PF, NF), after the row for all units. Missing
        values form their own group, ``"(missing)"``, last; they are never dropped.
    zero_method, wilcoxon_method
        Passed to :func:`wilcoxon_test` (``zero_method``, ``method``).
    n_resamples, ci_method, confidence
        Passed to :func:`bootstrap_ci` (``n_resamples``, ``method``, ``confidence``).
    seed : int
        Seed of the bootstrap for the all-units row. Each group's seed is derived from
        ``seed`` and the group's name (see ``seed`` below), so every row is reproducible on
        its own and independent of the input's row order and of which other groups exist.

    Returns
    -------
    DataFrame
        Columns :data:`DIRECTION_COLUMNS`, one row for all units then one per group:

        - ``group_by``: ``"all"``, or the name of the ``by`` column.
        - ``group``: ``"all"``, or the group's value as text (``"(missing)"`` for NaN).
        - ``n``: units in the row; ``declined`` / ``improved`` / ``unchanged``: value < 0,
          > 0, == 0.
        - ``sign_test_p``, ``sign_test_rule``: :func:`sign_test`'s ``p`` and ``rule``.
        - ``wilcoxon_statistic``, ``wilcoxon_p``, ``wilcoxon_method``, ``wilcoxon_rule``:
          :func:`wilcoxon_test`'s ``statistic``, ``p``, ``method_used`` and ``rule``
          (no continuity correction).
        - ``mean_delta``, ``mean_delta_low``, ``mean_delta_high``: mean of the value and its
          bootstrap interval; ``median_delta``, ``median_delta_low``, ``median_delta_high``:
          the same for the median (named after ``delta`` whatever ``value`` is).
        - ``ci_method``: the interval type used, ``"BCa"`` or ``"percentile"``, or
          ``"BCa (mean), percentile (median)"`` when they differ (BCa fell back, see
          ``note``), ``"none"`` with fewer than 2 units; ``confidence``, ``n_resamples``.
        - ``seed``: the seed this row's intervals used: ``bootstrap_ci(values,
          seed=row.seed, ...)`` reproduces them. The all-units row uses ``seed`` itself.
        - ``q``: Benjamini-Hochberg q-value of ``sign_test_p`` across the group rows of this
          call (:func:`scoring.inference.multitest.bh_qvalues`); NaN for the all-units row
          and for groups without a sign test.
        - ``note``: anything that qualifies the row (no direction to test, interval fallback
          or absence); ``""`` otherwise.

    Notes
    -----
    The sign test asks whether declines outnumber improvements more than coin flips would
    (:math:`H_0: P(\\Delta < 0 \\mid \\Delta \\ne 0) = 1/2`); the Wilcoxon test whether the
    changes are symmetric about zero, weighing larger changes more; the intervals say how
    large the typical change is. All three treat units as independent, which neighbouring
    countries with shared events are not quite: read p-values as a screen, not a verdict.
    q controls the false discovery rate across the groups,
    :math:`q_{(i)} = \\min_{j \\ge i} \\min(1, m\\,p_{(j)}/j)`.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"delta": [-3, -1, 0, 2, -2, -1, 1, -4, 0, -1],
    ...                      "status_from": ["PF", "NF", "F", "F", "PF", None, "NF", "PF",
    ...                                      "F", "NF"]})
    >>> out = direction_tests(rows, by="status_from", n_resamples=2000)
    >>> out[["group", "n", "declined", "improved"]].values.tolist()
    [['all', 10, 6, 2], ['F', 3, 0, 1], ['PF', 3, 3, 0], ['NF', 3, 2, 1], ['(missing)', 1, 1, 0]]
    """
    check_frame("frame", frame)
    if value not in frame.columns:
        raise ValueError(f"value must be a column of frame ({columns_text(frame)}); "
                         f"got {value!r}")
    if by is not None and by not in frame.columns:
        raise ValueError(f"by must be None or a column of frame ({columns_text(frame)}); "
                         f"got {by!r}")
    if by is not None and by == value:
        raise ValueError(f"by must differ from value; got {by!r} for both")
    check_choice("zero_method", zero_method, ZERO_METHODS)
    check_choice("wilcoxon_method", wilcoxon_method, METHODS)
    ci_method = check_options(n_resamples=n_resamples, method=ci_method,
                              confidence=confidence, seed=seed, method_name="ci_method")
    values = _value_column(frame, value)
    options = dict(zero_method=zero_method, wilcoxon_method=wilcoxon_method,
                   n_resamples=n_resamples, ci_method=ci_method, confidence=confidence)
    rows = [_row(values, group_by="all", group="all", seed=int(seed), **options)]
    if by is not None:
        for label, mask in _groups(frame[by]):
            rows.append(_row(values[mask], group_by=str(by), group=label,
                             seed=_group_seed(int(seed), str(by), label), **options))
    out = pd.DataFrame(rows, columns=DIRECTION_COLUMNS)
    if len(out) > 1:
        out.loc[1:, "q"] = bh_qvalues(out.loc[1:, "sign_test_p"].to_numpy(dtype=float))
    return out
