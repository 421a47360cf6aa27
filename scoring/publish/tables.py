"""Results as text for the terminal, CSV or JSON: the CLI's presentation layer.

Only formatting lives here: no statistics, no file reading.
"""

from __future__ import annotations

import json

import pandas as pd

from .._json import plain, records
from .._output import neutralise_cell, xlsx_cell
from .sources import sources_block, with_sources

__all__ = ["text_table", "to_csv", "to_xlsx", "plain", "records", "format_comparison",
           "format_result", "sources_block", "with_sources"]


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


def text_table(frame: pd.DataFrame, numeric=(), digits: dict | None = None) -> str:
    """Plain text table: text left-aligned, numbers right-aligned, two spaces apart.

    ``digits`` maps a column to the decimals to show; other float columns show as whole
    numbers when whole.
    """
    digits = digits or {}
    shown = frame.copy()
    for c in shown.columns:
        if shown[c].dtype.kind == "f":
            d = digits.get(c)
            shown[c] = shown[c].map(lambda v, d=d: "" if v != v else
                                    (f"{v:.{d}f}" if d is not None else
                                     (f"{v:.0f}" if float(v).is_integer() else f"{v:.3g}")))
    cols = [str(c) for c in shown.columns]
    cells = [cols] + [["" if v is None or v is pd.NA else str(v) for v in row]
                      for row in shown.itertuples(index=False)]
    widths = [max(len(r[j]) for r in cells) for j in range(len(cols))]
    out = []
    for r in cells:
        parts = [v.rjust(w) if cols[j] in numeric else v.ljust(w)
                 for j, (v, w) in enumerate(zip(r, widths))]
        out.append("  ".join(parts).rstrip())
    return "\n".join(out)


def _signed(frame: pd.DataFrame, cols) -> pd.DataFrame:
    out = frame.copy()
    for c in cols:
        out[c] = out[c].map(lambda v: "" if v != v else (f"{v:+.0f}" if v else "0"))
    return out


def _entities(s: dict) -> str:
    if s["n"] != 1:
        return s["entities"]
    return {"countries": "country", "countries and territories": "country or territory"}.get(
        s["entities"], s["entities"])


def format_comparison(result, fmt: str, *, stats: pd.DataFrame | None = None,
                      questions: bool = False) -> str:
    """A :class:`scoring.comparison.Comparison` (and optional cross-country tests) as text."""
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
    lines = [
        f"{s['name']}: {s['from']} -> {s['to']} (scores on one scale: higher = freer)",
        f"{s['n']} {_entities(s)} in both editions: {s['declined']} declined, "
        f"{s['improved']} improved, {s['unchanged']} unchanged; "
        f"{s['status_changes']} status changes",
    ]
    for key, ed in (("only_in_from", s["from"]), ("only_in_to", s["to"])):
        if s[key]:
            names = ", ".join(f"{x['country']} ({x['iso3']})" for x in s[key])
            lines.append(f"only in {ed} (not compared): {names}")
    lines += [f"note: {n}" for n in result.notes]
    lines.append("")
    if questions:
        lines.append(text_table(_signed(rows, ["delta"]),
                                numeric=["score_from", "score_to", "delta"]))
    else:
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
        lines.append(text_table(shown, numeric=[c for c in shown.columns if c.startswith(
            ("total", "change", "d ", "rank"))]))
        lines.append("")
        lines.append(f"Status transitions ({s['from']} by row, {s['to']} by column):")
        t = result.transitions.reset_index()
        t.columns = [str(c) for c in t.columns]
        lines.append(text_table(t, numeric=list(t.columns[1:])))
    if stats is not None:
        lines.append("")
        lines.append(format_stats(stats))
    lines.append("")
    lines.append(sources["line"])
    return "\n".join(lines) + "\n"


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


def format_stats(stats: pd.DataFrame) -> str:
    """Cross-country tests as a text block: one line per group, rules spelled out once."""
    s = stats_summary(stats)
    pct = f"{float(s['confidence']) * 100:g}%"
    lines = ["Is the overall direction more than noise?",
             f"  sign test: p = {s['sign_test_p']:.4g} ({s['sign_test_rule']})",
             f"  Wilcoxon signed-rank: p = {s['wilcoxon_p']:.4g} ({s['wilcoxon_rule']})",
             f"  mean change {s['mean_delta']:+.2f}, {pct} CI [{s['mean_delta_ci'][0]:+.2f}, "
             f"{s['mean_delta_ci'][1]:+.2f}]; median {s['median_delta']:+.1f}, {pct} CI "
             f"[{s['median_delta_ci'][0]:+.1f}, {s['median_delta_ci'][1]:+.1f}] "
             f"({s['ci_method']} bootstrap, {s['n_resamples']} resamples, seed {s['seed']})"]
    groups = stats[stats["group_by"] != "all"]
    if len(groups):
        lines.append("")
        lines.append(f"By {groups['group_by'].iloc[0]}:")
        cols = ["group", "n", "declined", "improved", "unchanged", "sign_test_p", "q",
                "wilcoxon_p", "mean_delta", "mean_delta_low", "mean_delta_high"]
        lines.append(text_table(groups[cols], numeric=cols[1:],
                                digits={"sign_test_p": 3, "q": 3, "wilcoxon_p": 3,
                                        "mean_delta": 2, "mean_delta_low": 2,
                                        "mean_delta_high": 2}))
    return "\n".join(lines)


def format_result(frame: pd.DataFrame, fmt: str, *, title: list[str], summary: dict,
                  notes: list[str], numeric=(), digits=None, sources: dict | None = None) -> str:
    """Any result table with a title, summary and notes, as table, CSV, JSON or xlsx.

    ``sources`` (:func:`scoring.publish.sources.sources_block`) is the JSON ``sources`` block,
    the xlsx sheet of source files and the table's closing source line."""
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
    lines = list(title) + [f"note: {n}" for n in notes] + [""]
    lines.append(text_table(frame, numeric=numeric, digits=digits))
    if sources is not None:
        lines += ["", sources["line"]]
    return "\n".join(lines) + "\n"
