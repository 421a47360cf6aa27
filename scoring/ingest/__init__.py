"""Ingest: a user's or Freedom House's file to a validated score frame.

Bytes to raw cells (``table``), the header row and what each column gives (``header``), a
cell to a number, a blank or a failure (``numeric``), cells to tidy score rows (``readers``),
country names to ISO3 (``countries``), which way a file's scale runs (``orientation``), every
rule a row breaks (``validation``), the canonical higher-is-freer scale (``harmonize``), and
the text of country reports (``reports``).

May import: :mod:`scoring.errors`, :mod:`scoring._output`, :mod:`scoring._json`,
:mod:`scoring.methodology`. Nothing here knows the bundled datasets or any analysis.
"""
