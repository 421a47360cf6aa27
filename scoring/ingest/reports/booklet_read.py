"""``read_booklet`` and ``parse_booklet``: a FOTN booklet's score table to the tidy score frame.

The PDF's pages (``pdf_words``) are matched to a booklet layout (``fotn_booklet``), the table's
rows read from their words, each row's numbers decided by the table's rules
(``booklet_solve``), and the result validated and returned in the form of every reader, with
every inference listed.

May import: errors, methodology, ingest (countries, orientation, validation), the modules of
this package.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..._progress import Progress, report
from ...errors import OrientationError, ReportError
from ...methodology import HIGHER_IS_FREER, LOWER_IS_FREER, STATUS_LABELS, load_methodology
from ..countries import suggest, to_iso3
from ..orientation import label_orientation
from ..validation import FAILURE_COLUMNS, failure, validate
from .booklet_solve import ROWS, Answer, CidMap, learn_cids, solve_row
from .fotn_booklet import LAYOUTS, Layout, RawRow, legend_colours, normalise, table_rows
from .pdf_words import Page, PdfFile
from .solver import Constraints

__all__ = ["read_booklet", "parse_booklet", "identify", "ROW_KIND"]

#: How ``source_row`` encodes a booklet row's place: page * 1000 + line (26014: page 26,
#: line 14, lines counted from the top of the page).
ROW_KIND = "page*1000+line"
_COLUMNS = ["index", "edition", "iso3", "country", "status", "orientation", "total", "access",
            "content", "rights", "source", "source_row"]
# The booklets' own words for their scale, beside the labels every reader knows.
_NOTES = [
    (LOWER_IS_FREER, r"0 \(the most free\) to 100 \(the least free\)"),
    (LOWER_IS_FREER, r"score increase represents a negative trajectory"),
    (HIGHER_IS_FREER, r"score increase represents a positive trajectory"),
]


def read_booklet(path: str | Path, *, on_error: str = "raise",
                 progress: Progress | None = None) -> pd.DataFrame:
    """Read the score table of a Freedom on the Net booklet (PDF) into a validated score frame.

    Parameters
    ----------
    path : str or Path
        One of Freedom House's FOTN booklets as published: 2011, 2012, 2013, 2014 or 2016.
    on_error : {"raise", "flag"}
        ``"raise"``: a :class:`ReportError` naming the page, line and rule when the numbers as
        printed break one of the table's rules; ``"flag"``: keep such rows as printed and name
        the rules in ``flags`` (and in ``attrs["failures"]``).
    progress : callable, optional
        ``progress(done, total, label)`` (:mod:`scoring._progress`): one unit per table page
        read, and one for solving the table. None: silent.

    Returns
    -------
    pandas.DataFrame
        One row per country and edition read, in the form of :func:`scoring.read_scores`:
        ``index`` ("fotn"), ``edition``, ``iso3``, ``country`` (as printed), ``status``
        (F/PF/NF; blank for a previous edition's total, which prints none), ``orientation``,
        ``total``, ``access``, ``content``, ``rights`` (floats as published; blank for a
        previous edition), ``source`` (file name), ``source_row`` (page * 1000 + line of the
        row's numbers) and ``flags``. The 2014 and 2016 tables give two editions: the current
        one with categories and the previous edition's total. ``attrs``:

        - ``booklet_edition``, ``pages`` (the table's pages), ``orientation_from``;
        - ``repairs``: every inference, ``{field, year, page, line, country, read, inferred,
          why}`` (a status taken from the band of the total, a glyph read through the learned
          map);
        - ``trajectories``: every arrow, ``{edition, iso3, column, trajectory, page, line}``;
        - ``new_countries``: ISO3 codes marked new (no previous total);
        - ``notes``, ``failures``, ``row_kind`` (``"page*1000+line"``).

    Raises
    ------
    ReportError
        Not a PDF, damaged, locked or beyond the size ceilings; not one of the booklets; a row
        that does not fit its layout, a country name that maps to no country, a glyph with no
        unique reading, or (``on_error="raise"``) numbers that break the table's rules. The
        message names the file, the page and line, and the rule.
    OrientationError
        The booklet's scale notes disagree.

    Examples
    --------
    >>> frame = read_booklet("datasets/raw/internetfreedom_2014.pdf")
    >>> {int(e): n for e, n in frame.groupby("edition").size().items()}
    {2013: 60, 2014: 65}
    """
    if on_error not in ("raise", "flag"):
        raise ValueError(f"on_error must be 'raise' or 'flag'; got {on_error!r}")
    name = Path(path).name
    with PdfFile(path) as pdf:
        layout = identify(pdf)
        total = len(layout.pages) + 1
        pages = []
        for i, n in enumerate(layout.pages):
            report(progress, i, total, f"{name}: reading page {n}")
            pages.append(pdf.page(n))
        notes = list(pdf.notes)
    report(progress, total - 1, total, f"{name}: solving the score table")
    frame = parse_booklet(pages, layout, source=name, on_error=on_error, notes=notes)
    report(progress, total, total, f"{name}: read {len(pages)} pages")
    return frame


def identify(pdf: PdfFile) -> Layout:
    """The booklet layout whose first table page this PDF has (title and table header)."""
    tried = []
    # A booklet as published is tried first; every layout is tried, whatever its length.
    for layout in sorted(LAYOUTS.values(), key=lambda lay: lay.page_count != pdf.page_count):
        first = layout.pages[0]
        if pdf.page_count < max(layout.pages):
            tried.append(f"FOTN {layout.edition}: no page {max(layout.pages)}")
            continue
        text = normalise(pdf.page(first).text)
        if layout.title in text and re.search(layout.header_end, text):
            return layout
        tried.append(f"FOTN {layout.edition}: page {first} has no score table")
    raise ReportError(f"{pdf.name}: no Freedom on the Net score table found; this reader knows "
                      "the booklets of 2011, 2012, 2013, 2014 and 2016 (" + "; ".join(tried)
                      + ")")


def _orientation(pages: list[Page], layout: Layout, source: str, notes: list[str]):
    """The scale from the booklet's own notes on the table pages, and where it was read."""
    m = load_methodology("fotn")
    found = []
    for page in pages:
        text = normalise(page.text)
        o, label = label_orientation([text])
        hits = [(o, label)] if o else []
        hits += [(orient, re.search(p, text).group(0)) for orient, p in _NOTES
                 if re.search(p, text)]
        found += [(page.no, o, label) for o, label in hits]
    if len({o for _, o, _ in found}) > 1:
        raise OrientationError(f"{source}: the scale notes disagree: " + "; ".join(
            f"page {p} {label!r} ({o})" for p, o, label in found))
    if found:
        page, o, label = found[0]
        return o, f"the booklet's note {label!r} (page {page})"
    published = m.published_orientation(layout.edition)
    notes.append(f"{source}: no scale note on the table pages; read on the scale FOTN "
                 f"{layout.edition} was published on ({published.note})")
    return published.orientation, f"no scale note: the published scale ({published.note})"


def _header_years(pages: list[Page], layout: Layout, source: str) -> None:
    """The 2014/2016 tables name the previous and current editions in their header."""
    if layout.previous is None:
        return
    for page in pages:
        head = []
        for ln in page.lines():
            head.append(normalise(ln.text))
            if re.search(layout.header_end, head[-1]):
                break
        years = set(re.findall(r"\b(20\d\d)\b", " ".join(head)))
        if not {str(layout.previous), str(layout.edition)} <= years:
            raise ReportError(f"{source}: page {page.no}: the table's header does not name "
                              f"FOTN {layout.previous} and {layout.edition} (found "
                              f"{sorted(years) or 'no years'})")


def _iso3(rows: list[RawRow], source: str) -> dict:
    """Every printed name's ISO3; ReportError listing every name that maps to none."""
    codes, bad = {}, []
    for r in rows:
        code = to_iso3(r.name)
        if code is None:
            hint = suggest(r.name)
            bad.append(f"page {r.page}, line {r.line}: {r.name!r}"
                       + (f" (close: {', '.join(hint)})" if hint else ""))
        codes[(r.page, r.line)] = code
    if bad:
        raise ReportError(f"{source}: country names that map to no ISO 3166 code or alias: "
                          + "; ".join(bad))
    return codes


def _dot_status(answer: Answer, legend: dict, band: str, source: str, edition: int,
                orientation: str) -> dict:
    """The status of a row that prints only a coloured dot: the band of its total, checked
    against the dot's colour in the legend; the inference it rests on."""
    row, total = answer.row, answer.values["total"]
    dot = row.cells["dot"].colour
    said = legend.get(dot)
    answer.status = band
    if said != band:
        answer.failures.append(("status", "status dot", f"colour {dot} = "
                                f"{STATUS_LABELS.get(said, 'no legend swatch')}",
                                f"{STATUS_LABELS[band]} (band of total {total})"))
    return dict(field="status", year=edition, page=row.page, line=row.line, country=row.name,
                read=f"dot of colour {dot}", inferred=band,
                why=f"status printed only as a coloured dot: the band of total {total} on the "
                    f"{orientation} scale is {STATUS_LABELS[band]}" + (
                        f"; the dot's colour is the legend's {STATUS_LABELS[band].upper()} "
                        "swatch" if said == band else "; the dot's colour disagrees"))


def _glyph_inferences(answer: Answer, cids: CidMap, edition: int, previous) -> list[dict]:
    out = []
    for r in ROWS + ("prev",):
        cell = answer.row.cells.get(r)
        if cell is None or cell.kind != "num" or all(g.isdigit() for g in cell.glyphs):
            continue
        parts = []
        for g in cell.glyphs:
            if g.isdigit():
                continue
            key = (cell.font, g)
            at = cids.learned_at.get(key)
            parts.append(f"{g} is {cids.digits[key]} in font {cell.font}, learned from "
                         f"page {at.page}, line {at.line} ({at.name}), where the table's "
                         "rules fix it" if key in cids.digits else
                         f"{g} is fixed by this row's rules")
        out.append(dict(field="total" if r == "prev" else r,
                        year=previous if r == "prev" else edition, page=answer.row.page,
                        line=answer.row.line, country=answer.row.name, read=cell.raw,
                        inferred=answer.values[r],
                        why="; ".join(parts) + "; the reading passes A + B + C = total, the "
                        "ranges, the status band and the trajectory arrow"))
    return out


def parse_booklet(pages: list[Page], layout: Layout, *, source: str = "<pdf>",
                  on_error: str = "raise", notes: list[str] | None = None) -> pd.DataFrame:
    """The frame of :func:`read_booklet` from a booklet's table pages (their words).

    ``pages`` are the pages of ``layout.pages`` as :class:`~.pdf_words.Page` s (tests perturb
    their words to check what damage is refused).
    """
    notes = list(notes or [])
    m = load_methodology("fotn")
    orientation, said = _orientation(pages, layout, source, notes)
    _header_years(pages, layout, source)
    rows = [r for page in pages for r in table_rows(page, layout, source, notes)]
    if len(rows) != layout.countries:
        raise ReportError(f"{source}: read {len(rows)} rows on pages "
                          f"{', '.join(map(str, layout.pages))}; FOTN {layout.edition} assessed "
                          f"{layout.countries} countries: a row is lost or extra")
    codes = _iso3(rows, source)
    cons = Constraints.of(m, ROWS, (layout.edition,), orientation)

    def solve(row, cids):
        return solve_row(row, layout, cons, orientation, cids, source)

    cids = learn_cids(rows, solve)
    notes += [f"{source}: {n}" for n in cids.notes]
    legend = {}
    for page in pages:
        legend.update(legend_colours(page))
    answers = [solve(r, cids) for r in rows]
    repairs = []
    for a in answers:
        repairs += _glyph_inferences(a, cids, layout.edition, layout.previous)
        if layout.dot:
            repairs.append(_dot_status(a, legend, m.status_for(a.values["total"], orientation),
                                       source, layout.edition, orientation))
    frame, extra = _frame(answers, codes, layout, orientation, source)
    return _finish(frame, extra, answers, codes, layout, m, on_error, dict(
        booklet_edition=layout.edition, pages=list(layout.pages), orientation_from=said,
        repairs=repairs, notes=notes + [f"{source}: FOTN {layout.edition} booklet, score "
                                        f"table on pages {', '.join(map(str, layout.pages))}, "
                                        f"read as {orientation} ({said})"]))


def _frame(answers: list[Answer], codes: dict, layout: Layout, orientation: str,
           source: str):
    """The rows of the frame (current edition, then the previous edition's totals) and the
    failures the reading found (arrows, dots)."""
    records, extra = [], []
    for a in answers:
        r = a.row
        iso3, at = codes[(r.page, r.line)], r.page * 1000 + r.line
        base = dict(index="fotn", iso3=iso3, country=r.name, orientation=orientation,
                    source=source, source_row=at)
        records.append(dict(base, edition=layout.edition, status=a.status,
                            **{k: float(a.values[k]) for k in ROWS}))
        if layout.previous is not None and a.values.get("prev") is not None:
            records.append(dict(base, edition=layout.previous, status=None,
                                total=float(a.values["prev"])))
        for column, rule, found, expected in a.failures:
            extra.append(failure(source, at, r.name, iso3, layout.edition, column, rule,
                                 found, expected))
    frame = pd.DataFrame(records, columns=_COLUMNS)
    frame["edition"] = frame["edition"].astype("Int64")
    for c in ("iso3", "country", "status", "orientation", "source"):
        frame[c] = pd.array([None if pd.isna(v) else v for v in frame[c]], dtype="str")
    for c in ROWS:
        frame[c] = frame[c].astype(float)
    return frame, extra


def _finish(frame, extra, answers, codes, layout, m, on_error, attrs) -> pd.DataFrame:
    """Validation, flags and attrs; ReportError when ``on_error="raise"`` and a rule breaks."""
    current = frame["edition"] == layout.edition
    # A previous edition's row has a total only: its categories are not missing, unprinted.
    checked = [validate(frame[current], m),
               validate(frame[~current].drop(columns=["access", "content", "rights"]), m)]
    parts = [f for f in checked + [pd.DataFrame(extra, columns=FAILURE_COLUMNS)] if len(f)]
    failures = (pd.concat(parts, ignore_index=True) if parts
                else pd.DataFrame(columns=FAILURE_COLUMNS))
    if len(failures) and on_error == "raise":
        shown = [f"page {int(f.row) // 1000}, line {int(f.row) % 1000} ({f.country}, "
                 f"{f.edition}): {f.column}: {f.rule}: found {f.found}, expected {f.expected}"
                 for f in failures.itertuples()]
        raise ReportError(f"{frame['source'].iloc[0]}: the table as printed breaks its rules ({len(shown)}): "
                          + "; ".join(shown) + " (on_error='flag' / --keep-flagged keeps the "
                          "rows as printed, flagged)")
    flags = [";".join(dict.fromkeys(failures.loc[(failures["row"] == row)
                                                 & (failures["edition"] == ed), "rule"]))
             for row, ed in zip(frame["source_row"], frame["edition"])]
    frame["flags"] = pd.array(flags, dtype="str")
    trajectories = [dict(edition=layout.edition, iso3=codes[(a.row.page, a.row.line)],
                         column=k, trajectory=v or "no change", page=a.row.page,
                         line=a.row.line) for a in answers for k, v in a.trends.items()
                    if a.values.get("prev") is not None or k != "total"]
    new = [codes[(a.row.page, a.row.line)] for a in answers
           if "prev" in a.row.cells and a.values.get("prev") is None]
    if new:
        attrs["notes"].append(f"{frame['source'].iloc[0]}: new in FOTN {layout.edition} "
                              f"('*' for the {layout.previous} total): {', '.join(new)}")
    frame.attrs.update(attrs, trajectories=trajectories, new_countries=new, failures=failures,
                       row_kind=ROW_KIND, columns={c: c for c in ROWS})
    return frame
