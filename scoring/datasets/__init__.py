"""Datasets: the bundled tidy tables, how they are rebuilt from their raw sources, and the
loaded panel every analysis takes.

``registry`` (where the data are, no pandas), ``build`` (raw sources to tidy tables),
``load`` (a tidy table as a frame, a user's files added), ``regions`` (FIW's regions by ISO3,
region names as people type them), ``panel`` (:class:`~scoring.datasets.panel.Panel`: a
validated, canonical table with its methodology, built once), ``coverage`` (who a panel
covers, in which editions).

May import: the base modules, :mod:`scoring.methodology`, :mod:`scoring.ingest`.
"""
