"""Publish: results turned into what people read.

The publication figure set with its manifest and alt texts (``figures``), result tables as
text, CSV, JSON and xlsx (``tables``).

May import every stage below it: base, methodology, datasets, analysis, inference, plotting.
"""
