"""Freedom on the Net country reports (text) to the tidy score frame, repairing only the certain.

A FOTN country report opens with a small score table: the two editions' statuses, the three
category scores with their maxima ("Obstacles to Access (0-25)"), the total, and a note giving
the scale ("* 0=most free, 100=least free"). Text extracted from the PDF by OCR damages that
table: letters turn into look-alike digits and back ("6l" for 61), a label is mangled into an
OCR ghost of itself ("Vieletiene of Lleer Dishte (0, 40)"), lines are duplicated, split or lost.

The reader treats every damaged piece as a set of possible readings and keeps only the readings
that satisfy what OCR cannot damage all at once: the order of the rows (access, content, rights,
total), their maxima (25/35/40/100), totals equal to the sum of the categories, statuses in the
band of the total on the report's own scale, and header years that are consecutive editions.
It returns an answer only when every reading that survives gives the same numbers, and records
each repair with the constraint that made it unique; otherwise it raises :class:`ReportError`.
A wrong number is the one outcome it is built to avoid.

Where a change goes, in the order a report flows through them:

``tokens``
    A line to cells: label, row name, the maximum in "(0-NN)", the run of number-like tokens
    and every integer each can be read as (OCR look-alikes), status words. Knows no layout.
    Imports nothing of the package.
``fotn_country``
    The FOTN country report's layout: title, country, the table's region, the header years and
    edition, the scale note, and which lines are observations (and of which rows). A second
    layout (say the score tables of Freedom House's annual booklets) is another module with the
    same ``ROWS``, ``read_lines``, ``read_header`` and ``observations``, over the same
    tokenizer and solver. Imports ``tokens``, ``solver``, ``record``.
``solver``
    Observations and constraints to one answer: admissible assignments of lines to rows,
    readings that satisfy the sum, maxima and status bands, and the unique answer or the
    reason there is none. Knows no layout and no file. Imports ``tokens`` (the cell type).
``record``
    What a reading has established (the :class:`~.record.Header`) and its trail: repairs,
    notes, provenance, and the :class:`ReportError` that stops it. Imports ``tokens``.
``facts``
    The header facts beside the table (population, penetration, blocked, press freedom).
    Imports ``tokens``, ``record``.
``frame``
    The chosen answer to the score frame: a repair for every decision, provenance, facts,
    validation. Imports ``tokens``, ``solver``, ``record``, ``facts``.
``read``
    ``read_report`` / ``parse_report``: the layout, then the solver, then the frame; when
    nothing fits, the numbers as published. Imports the modules above.
``merge``
    ``merge_report``: a report's rows checked against and added to a score frame. Imports
    ``fotn_country`` (the row names).

Freedom House's annual booklets (PDF) print one score table per edition; they flow through:

``pdf_words``
    A PDF's pages to positioned words (box, font, fill colour), lines and filled boxes, within
    resource ceilings; pdfplumber is imported only here, and only when a PDF is read.
``fotn_booklet``
    The layout of each booklet (2011, 2012, 2013, 2014, 2016): pages, columns, the cells of a
    row; a page's words to the rows as printed. Imports ``pdf_words``, ``tokens``.
``booklet_solve``
    A row's readings (unmapped glyphs ``(cid:N)`` included) under the table's rules, and the
    glyph map learned where the rules fix it. Imports ``fotn_booklet``, ``solver``, ``tokens``.
``booklet_read``
    ``read_booklet`` / ``parse_booklet``: layout, rows, solver, the frame. Imports the above
    and ``read`` (the solver's constraints).

Beyond the package, modules here may import only :mod:`scoring.ingest` (countries,
orientation, validation), :mod:`scoring.methodology` and the base modules.
"""

from ...errors import ReportError
from .fotn_country import ROWS as REPORT_ROWS
from .booklet_read import parse_booklet, read_booklet
from .merge import merge_report
from .read import parse_report, read_report

__all__ = ["ReportError", "read_report", "parse_report", "merge_report", "read_booklet",
           "parse_booklet", "REPORT_ROWS"]
