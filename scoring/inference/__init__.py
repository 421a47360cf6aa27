"""Inference: the statistics, on arrays and tidy frames.

Sign test, Wilcoxon signed-rank and bootstrap intervals (``significance``), Mann-Kendall /
Sen / OLS trends for many series at once (``trends``), Benjamini-Hochberg q-values
(``multitest``). Every function takes numbers or a frame with named columns and returns
numbers or a frame; none knows a panel, an index's methodology, a file or a figure.

May import: the base modules only (:mod:`scoring.errors`, :mod:`scoring._json`), plus numpy,
pandas and scipy.
"""
