"""Results as text for the terminal, CSV or JSON: the CLI's presentation layer.

Only formatting lives here: no statistics, no file reading. Text output fits the width it is
given (``width``; None: every column, as files and pipes get it): tables leave out their least
important columns and say so, prose wraps (:mod:`scoring.publish.text_fit`).
"""

from __future__ import annotations

import json

import pandas as pd

from .._json import plain, records
from .._output import neutralise_cell, xlsx_cell
from .sources import sources_block, with_sources
from .text_fit import cut, fit_columns, wrap

__all__ = ["text_table", "to_csv", "to_xlsx", "plain", "records", "format_comparison",
           "format_result", "prose", "sources_block", "with_sources", "wrap"]


def to_csv(frame: pd.DataFrame) -> str:
    """CSV with formula-like text neutralised (a spreadsheet would run it)."""
    return frame.map(neutralise_cell).to_csv(index=False, lineterminator="\n")


def to_xlsx(sheets: dict[str, pd.DataFrame], notes: list[str] | None = None) -> bytes:
    """A workbook with one sheet per table (and one of notes): numbers stay numbers, text a
    spreadsheet would run as a formula is neutralised, control characters a cell cannot hold
    are shown as escapes (:func:`scoring._output.xlsx_cell`), NaN cells are empty."""
    import io

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    for name, frame in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append([xlsx_cell(str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False):
            ws.append([xlsx_cell(_cell(v)) for v in row])
    if notes:
        ws = wb.create_sheet(title="notes")
        for n in notes:
            ws.append([xlsx_cell(n)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(v):
    v = plain(v)
    if isinstance(v, (list, dict)):
        return json.dumps(v)
    return v


def text_table(frame: pd.DataFrame, numeric=(), digits: dict | None = None, *,
               width: int | None = None, priority=(), shorten=()) -> str:
    """Plain text table: text left-aligned, numbers right-aligned, two spaces apart.

    ``digits`` maps a column to the decimals to show; other float columns show as whole
    numbers when whole. ``width`` (None: no limit) is the width the table must fit: the
    columns least important by ``priority`` (most important first, a tuple of names going
    together; unnamed columns after the named ones, in display order) are left out, a text
    column in ``shorten`` cut with an ellipsis instead when that is enough, and a note under
    the table names them (:func:`scoring.publish.text_fit.fit_columns`).
    """
    digits = digits or {}
    shown = frame.copy()
    for c in shown.columns:
        if shown[c].dtype.kind == "f":
            d = digits.get(c)
            shown[c] = shown[c].map(lambda v, d=d: "" if v != v else  # (+ 0.0: no "-0")
                                    (f"{v + 0.0:.{d}f}" if d is not None else
                                     (f"{v + 0.0:.0f}" if float(v).is_integer() else f"{v:.3g}")))
    cols = [str(c) for c in shown.columns]
    cells = [cols] + [["" if v is None or v is pd.NA else str(v) for v in row]
                      for row in shown.itertuples(index=False)]
    kept, widths, note = fit_columns(cols, cells, width, priority, shorten)
    out = []
    for r in cells:
        parts = [cut(r[j], w).rjust(w) if cols[j] in numeric else cut(r[j], w).ljust(w)
                 for j, w in zip(kept, widths)]
        out.append("  ".join(parts).rstrip())
    if note:
        out += wrap(note, width)
    return "\n".join(out)


def prose(lines, width: int | None) -> list[str]:
    """Lines of text (titles, notes, the source) wrapped at ``width`` at word boundaries."""
    return [part for line in lines for part in wrap(line, width)]


def _signed(frame: pd.DataFrame, cols) -> pd.DataFrame:
    out = frame.copy()
    for c in cols:
        out[c] = out[c].map(lambda v: "" if pd.isna(v) else (f"{v:+.0f}" if v else "0"))
    return out


def _entities(s: dict) -> str:
    if s["n"] != 1:
        return s["entities"]
    return {"countries": "country", "countries and territories": "country or territory"}.get(
        s["entities"], s["entities"])


def format_comparison(result, fmt: str, *, stats: pd.DataFrame | None = None,
                      questions: bool = False, width: int | None = None) -> str:
    """A :class:`scoring.comparison.Comparison` (and optional cross-country tests) as text.

    ``width``: what the text table must fit (None: every column; see :func:`text_table`).
    """
    s = dict(result.summary)
    if stats is not None:
        s.update(stats_summary(stats))
    rows = result.questions if questions else result.rows
    sources = sources_block(result.methodology, result.scores)
    if fmt == "json":
        doc = {"summary": plain(s), "notes": result.notes, "sources": plain(sources),
               "rows": records(rows)}
        if not questions:
            doc["transitions"] = {str(k): {str(c): int(v) for c, v in r.items()}
                                  for k, r in result.transitions.iterrows()}
        if stats is not None:
            doc["tests"] = records(stats)
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":  # one table per CSV: the tests when they were asked for
        return to_csv(stats if stats is not None else rows)
    if fmt == "xlsx":
        sheets = {"rows": rows, "summary": pd.DataFrame(
            [{"key": k, "value": _cell(v)} for k, v in plain(s).items()])}
        if not questions:
            sheets["transitions"] = result.transitions.reset_index()
        if stats is not None:
            sheets["tests"] = stats
        sheets["sources"] = pd.DataFrame(sources["files"])
        return to_xlsx(sheets, result.notes)
    lines = prose(_comparison_head(s, result.notes), width) + [""]
    if questions:
        lines.append(text_table(_signed(rows, ["delta"]), width=width,
                                numeric=["score_from", "score_to", "delta"]))
    else:
        lines += _comparison_rows(rows, s, width)
        lines.append("")
        lines.append(f"Status transitions ({s['from']} by row, {s['to']} by column):")
        t = result.transitions.reset_index()
        t.columns = [str(c) for c in t.columns]
        lines.append(text_table(t, numeric=list(t.columns[1:]), width=width))
    if stats is not None:
        lines.append("")
        lines.append(format_stats(stats, width=width))
    lines.append("")
    lines += wrap(sources["line"], width)
    return "\n".join(lines) + "\n"


def _comparison_head(s: dict, notes: list[str]) -> list[str]:
    """The lines above a comparison's table: what was compared, the counts, the notes."""
    lines = [
        f"{s['name']}: {s['from']} -> {s['to']} (scores on one scale: higher = freer)",
        f"{s['n']} {_entities(s)} in both editions: {s['declined']} declined, "
        f"{s['improved']} improved, {s['unchanged']} unchanged"
        + (f", {len(s['unclassified'])} without a change of the total"
           if s.get("unclassified") else "") + "; "
        f"{s['status_changes']} status changes",
    ]
    for key, ed in (("only_in_from", s["from"]), ("only_in_to", s["to"])):
        if s[key]:
            names = ", ".join(f"{x['country']} ({x['iso3']})" for x in s[key])
            lines.append(f"only in {ed} (not compared): {names}")
    return lines + [f"note: {n}" for n in notes]


def _comparison_rows(rows: pd.DataFrame, s: dict, width: int | None) -> list[str]:
    """The per-country table of a comparison. Its columns are in the order they are kept
    when the width is short: who, statuses, totals and change, then the category changes,
    ranks, the status change and the flags (cut with an ellipsis before anything goes)."""
    cats = [c[len("delta_"):] for c in rows.columns
            if c.startswith("delta_") and c != "delta_questions"]
    shown = rows[["iso3", "country", "status_from", "status_to", "total_from", "total_to",
                  "delta"] + [f"delta_{c}" for c in cats]
                 + ["rank_to", "rank_change", "status_change", "flags"]].copy()
    shown = _signed(shown, ["delta", "rank_change"] + [f"delta_{c}" for c in cats])
    shown.columns = (["iso3", "country", f"status {s['from']}", f"status {s['to']}",
                      f"total {s['from']}", f"total {s['to']}", "change"]
                     + [f"d {c}" for c in cats]
                     + [f"rank {s['to']}", "rank change", "status change", "flags"])
    return [text_table(shown, numeric=[c for c in shown.columns if c.startswith(
        ("total", "change", "d ", "rank"))], width=width, shorten=["flags"])]


def stats_summary(stats: pd.DataFrame) -> dict:
    """The overall row of :func:`scoring.direction_tests` as summary keys."""
    row = stats[stats["group_by"] == "all"].iloc[0]
    return {
        "sign_test_p": plain(row["sign_test_p"]),
        "sign_test_rule": row["sign_test_rule"],
        "wilcoxon_p": plain(row["wilcoxon_p"]),
        "wilcoxon_rule": row["wilcoxon_rule"],
        "mean_delta": plain(row["mean_delta"]),
        "mean_delta_ci": [plain(row["mean_delta_low"]), plain(row["mean_delta_high"])],
        "median_delta": plain(row["median_delta"]),
        "median_delta_ci": [plain(row["median_delta_low"]), plain(row["median_delta_high"])],
        "ci_method": row["ci_method"],
        "confidence": plain(row["confidence"]),
        "n_resamples": plain(row["n_resamples"]),
        "seed": plain(row["seed"]),
    }


def format_stats(stats: pd.DataFrame, width: int | None = None) -> str:
    """Cross-country tests as a text block: one line per group, rules spelled out once;
    lines wrapped and the group table fitted to ``width`` (None: as they are)."""
    s = stats_summary(stats)
    pct = f"{float(s['confidence']) * 100:g}%"
    lines = prose(["Is the overall direction more than noise?",
                   f"  sign test: p = {s['sign_test_p']:.4g} ({s['sign_test_rule']})",
                   f"  Wilcoxon signed-rank: p = {s['wilcoxon_p']:.4g} ({s['wilcoxon_rule']})",
                   f"  mean change {s['mean_delta']:+.2f}, {pct} CI "
                   f"[{s['mean_delta_ci'][0]:+.2f}, {s['mean_delta_ci'][1]:+.2f}]; median "
                   f"{s['median_delta']:+.1f}, {pct} CI [{s['median_delta_ci'][0]:+.1f}, "
                   f"{s['median_delta_ci'][1]:+.1f}] ({s['ci_method']} bootstrap, "
                   f"{s['n_resamples']} resamples, seed {s['seed']})"], width)
    groups = stats[stats["group_by"] != "all"]
    if len(groups):
        lines.append("")
        lines.append(f"By {groups['group_by'].iloc[0]}:")
        cols = ["group", "n", "declined", "improved", "unchanged", "sign_test_p", "q",
                "wilcoxon_p", "mean_delta", "mean_delta_low", "mean_delta_high"]
        lines.append(text_table(groups[cols], numeric=cols[1:], width=width,
                                priority=cols[:5] + cols[8:9] + cols[5:8]
                                + [tuple(cols[9:])],
                                digits={"sign_test_p": 3, "q": 3, "wilcoxon_p": 3,
                                        "mean_delta": 2, "mean_delta_low": 2,
                                        "mean_delta_high": 2}))
    return "\n".join(lines)


def format_result(frame: pd.DataFrame, fmt: str, *, title: list[str], summary: dict,
                  notes: list[str], numeric=(), digits=None, sources: dict | None = None,
                  width: int | None = None, priority=(), shorten=()) -> str:
    """Any result table with a title, summary and notes, as table, CSV, JSON or xlsx.

    ``sources`` (:func:`scoring.publish.sources.sources_block`) is the JSON ``sources`` block,
    the xlsx sheet of source files and the table's closing source line. The text table fits
    ``width`` (None: every column) by leaving out the columns least important by
    ``priority`` and cutting the text columns in ``shorten`` (see :func:`text_table`); the
    title, notes and source line wrap at it."""
    if fmt == "json":
        doc = {"summary": plain(summary), "notes": notes}
        if sources is not None:
            doc["sources"] = plain(sources)
        doc["rows"] = records(frame)
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return to_csv(frame)
    if fmt == "xlsx":
        sheets = {"rows": frame, "summary": pd.DataFrame(
            [{"key": k, "value": _cell(v)} for k, v in plain(summary).items()])}
        if sources is not None:
            sheets["sources"] = pd.DataFrame(sources["files"])
        return to_xlsx(sheets, notes)
    lines = prose(list(title) + [f"note: {n}" for n in notes], width) + [""]
    lines.append(text_table(frame, numeric=numeric, digits=digits, width=width,
                            priority=priority, shorten=shorten))
    if sources is not None:
        lines += [""] + wrap(sources["line"], width)
    return "\n".join(lines) + "\n"
