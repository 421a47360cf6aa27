"""Inference: the statistics, on arrays and tidy frames.

One module per test or estimator family; each module's docstring gives its formula, how it
treats ties and zeros, and its corrections:

- ``sign``: the exact sign test (:func:`~.sign.sign_test`) and the exact two-sided binomial
  p-value it rests on (:func:`~.sign.binomial_two_sided_p`, scipy's ``binomtest`` rule).
- ``wilcoxon``: the Wilcoxon signed-rank test, exact under ties or normal with tie-corrected
  variance.
- ``bootstrap``: BCa and percentile bootstrap intervals for the mean or median.
- ``direction``: :func:`~.direction.direction_tests`, the three above for all units and per
  group, with q-values across the groups.
- ``significance``: the four functions above under the name the ``significance`` command
  knows (re-exported, nothing defined there).
- ``trends``: :func:`~.trends.trend_tests`, the engine that tests many series at once;
  ``trend_stats``: its row-wise arithmetic (Mann-Kendall S with tie-corrected variance,
  Kendall's tau-b, Sen's slope and interval, OLS); ``trend_persistence``: autocorrelation,
  the Hamed-Rao and Yue-Wang variance corrections and (trend-free) pre-whitening;
  ``mann_kendall_exact``: the exact permutation distribution of S for short series with
  ties; ``trend_input``: the checks of its input table and arguments, and its series of
  valid points; ``trend_table``: the notes and the q-values per family of its result.
- ``multitest``: Benjamini-Hochberg q-values.
- ``checks``: the argument checks the modules share (and the analyses that call them).
- ``rescoring``: the re-scoring error model on arrays: the distribution of a perturbed change.

Every function takes numbers or a frame with named columns and returns numbers or a frame;
none knows a panel, an index's methodology, a file or a figure.

May import: the base modules only (:mod:`scoring.errors`, :mod:`scoring._json`), plus numpy,
pandas and scipy.
"""
