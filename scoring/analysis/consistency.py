"""Did a country's questions move one way? An exact sign test on question-level change.

A second look at a comparison, beside re-scoring robustness: where both editions publish
every question, how many questions fell and how many rose, and how one-sided that is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..inference.multitest import bh_qvalues
from ..inference.sign import binomial_two_sided_p
from .robustness import selected_comparison

__all__ = ["question_consistency"]


def question_consistency(
    data=None,
    *,
    index=None,
    from_edition: int | None = None,
    to_edition: int | None = None,
    countries: list[str] | None = None,
    include_territories: bool = False,
) -> pd.DataFrame:
    """Did a country's questions move one way? An exact sign test on question-level change.

    Parameters
    ----------
    data, index, from_edition, to_edition, countries, include_territories
        As for :func:`scoring.rescoring_robustness`: a :class:`scoring.Comparison`, or what
        :func:`scoring.compare` takes.

    Returns
    -------
    DataFrame
        One row per country in both editions (selection and order of :func:`compare`):
        ``iso3``, ``country``, ``delta`` (change of the published total, canonical),
        ``n_questions`` (questions scored in both editions), ``down``, ``up``, ``unchanged``
        (questions whose canonical score fell, rose, stayed), ``p`` (exact two-sided binomial
        test of ``down`` against ``up`` under H0: each changed question is equally likely to
        fall or rise), ``q`` (Benjamini-Hochberg over the countries of this result with a
        ``p``) and ``note``. Countries without every question in both editions keep their row
        with NaN and a note; so do countries whose questions did not change at all.

    Notes
    -----
    With ``k = down`` and ``n = down + up`` (unchanged questions excluded), the two-sided
    p-value sums the Binomial(n, 1/2) probabilities no larger than that of ``k``:

    .. math:: p = \\sum_{x:\\, f(x) \\le f(k)(1 + 10^{-7})} f(x), \\quad
              f(x) = \\binom{n}{x} 2^{-n},

    the rule of :func:`scipy.stats.binomtest` (two-sided). Questions of one country are not
    independent evidence (one event moves several), so ``p`` measures how one-sided the
    movement was, not the probability that the country "really" changed.

    Examples
    --------
    >>> qc = question_consistency(index="fotn", from_edition=2023, to_edition=2024)
    >>> row = qc.set_index("iso3").loc["KGZ"]
    >>> int(row["down"]), int(row["up"]), round(float(row["p"]), 4)
    (4, 0, 0.125)
    """
    m, rows, comparison, canon = selected_comparison(data, index, from_edition, to_edition, countries,
                                            include_territories)
    compare_notes = comparison.notes
    a, b = comparison.editions
    n = len(rows)
    out = rows.copy()
    iso = out["iso3"].to_numpy()
    q_keys = {ed: [c.key for c in m.questions if c.applies_to(ed)] for ed in (a, b)}
    keys = [k for k in q_keys[a] if k in q_keys[b]]
    values = {}
    for ed in (a, b):
        side = canon[canon["edition"] == ed].set_index("iso3").reindex(iso)
        values[ed] = np.column_stack([side[k].to_numpy(dtype=float) if k in side.columns
                                      else np.full(n, np.nan) for k in keys]) \
            if keys else np.empty((n, 0))
    complete = {ed: ~np.isnan(values[ed]).any(axis=1) & (values[ed].shape[1] > 0)
                for ed in (a, b)}
    both = complete[a] & complete[b]
    diff = values[b] - values[a]
    down = np.where(both, (diff < 0).sum(axis=1), -1)
    up = np.where(both, (diff > 0).sum(axis=1), -1)
    same = np.where(both, (diff == 0).sum(axis=1), -1)
    pvals = np.full(n, np.nan)
    notes = [""] * n
    for i in range(n):
        if not both[i]:
            missing = [str(ed) for ed in (a, b) if not complete[ed][i]]
            notes[i] = (f"no question scores in {' and '.join(missing)}: nothing to test")
        elif down[i] + up[i] == 0:
            notes[i] = "no question changed: nothing to test"
        else:
            pvals[i] = binomial_two_sided_p(int(down[i]), int(down[i] + up[i]))
    n_q = np.full(n, len(keys))
    for name, v in (("n_questions", n_q), ("down", down), ("up", up), ("unchanged", same)):
        out[name] = pd.array([int(x) if ok else pd.NA for x, ok in zip(v, both)], dtype="Int64")
    out["p"] = pvals
    out["q"] = bh_qvalues(pvals)
    out["note"] = notes
    out.attrs["notes"] = list(compare_notes)
    out.attrs["index"], out.attrs["from"], out.attrs["to"] = m.key, a, b
    return out
