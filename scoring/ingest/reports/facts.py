"""The header facts beside a report's score table, as numbers, booleans and status codes.

To the right of the table a FOTN report lists "Label:" / value pairs: "Population:" "17.3
million", "Internet Penetration 2014:" "55 percent", "Social Media/ICT Apps Blocked:" "Yes",
"Press Freedom 2015 Status:" "Not Free". A label is matched to its key by edit distance; a
value that cannot be read is kept as text, an unlabelled value (an OCR ghost) is recorded and
not used.
"""

from __future__ import annotations

import re

from .record import Header, Record
from .tokens import edit_distance, read_status, words

__all__ = ["read_facts", "FACT_KEYS"]

#: Fact labels (lowercase words) to their keys.
FACT_KEYS = {"population": "population", "internet penetration": "internet_penetration",
             "social media ict apps blocked": "social_media_ict_apps_blocked",
             "political social content blocked": "political_social_content_blocked",
             "bloggers ict users arrested": "bloggers_ict_users_arrested",
             "press freedom status": "press_freedom_status"}
_FLAGS = ("social_media_ict_apps_blocked", "political_social_content_blocked",
          "bloggers_ict_users_arrested")
_SCALES = {"million": 1e6, "billion": 1e9, "thousand": 1e3}


def _tokens(header: Header) -> list[tuple[int, str]]:
    """(line, piece) for every label ("...:") and value right of the table, in order."""
    tokens = []
    for ln in header.region:
        if ln.no == header.header_line:
            rest = ln.cells[1 + header.columns:] if "\t" in ln.text else []
        else:
            rest = ln.rest
        for cell in rest:
            for part in re.split(r"(?<=:)\s+", cell.strip()):
                if part:
                    tokens.append((ln.no, part))
    return tokens


def _key(label: str, no: int) -> str:
    name = words(label)
    best = min(FACT_KEYS, key=lambda k: edit_distance(name, k))
    if edit_distance(name, best) <= 0.3 * len(best):
        return FACT_KEYS[best]
    return name.replace(" ", "_") or f"line_{no}"


def read_facts(header: Header, record: Record) -> dict:
    """The facts by key (see :func:`scoring.read_report`); their lines go to the provenance."""
    tokens = _tokens(header)
    # Each label's value, by the label's line, to show beside an unlabelled value.
    labelled = {no: tokens[i + 1][1] for i, (no, tok) in enumerate(tokens[:-1])
                if tok.endswith(":") and not tokens[i + 1][1].endswith(":")}
    facts, prov = {}, {}
    last = None  # [key, line, value taken] of the last label
    for no, tok in tokens:
        if tok.endswith(":"):
            key = _key(tok, no)
            year = re.search(r"\b(\d{4})\b", tok)
            if year:
                facts[f"{key.removesuffix('_status')}_year"] = int(year.group(1))
            last = [key, no, False]
            continue
        if last is not None and not last[2]:
            key = last[0]
            facts[key] = _value(key, tok, no, record)
            prov[key] = sorted({last[1], no})
            last[2] = True
            continue
        flag = _yes_no(tok)
        around = [f"line {n} {(t + ' ' + labelled.get(n, '')).strip()!r}"
                  for n, t in tokens if abs(n - no) <= 1 and t.endswith(":")]
        record.repair("facts", None, no, tok,
                      f"{'Yes' if flag else 'No'} (OCR ghost: not used)" if flag is not None
                      else "not used",
                      "an unlabelled value" + (f" one edit from {'Yes' if flag else 'No'}"
                                               if flag is not None else "")
                      + "; the flags around it (" + ", ".join(around)
                      + ") each have their own value, so it adds nothing")
    record.provenance["facts"] = prov
    return facts


def _yes_no(tok: str) -> bool | None:
    """True for yes, False for no (within one edit of one and not the other), else None."""
    w = words(tok)
    d = {True: edit_distance(w, "yes"), False: edit_distance(w, "no")}
    best = min(d.values())
    hits = [k for k, v in d.items() if v == best]
    return hits[0] if best <= 1 and len(hits) == 1 else None


def _value(key: str, tok: str, no: int, record: Record):
    """A fact's value: a flag, a status code or a number (persons, percent); else the text."""
    if key in _FLAGS:
        flag = _yes_no(tok)
        if flag is None:
            record.note(f"line {no}: {key} {tok!r} is neither yes nor no; kept as text")
            return tok
        if words(tok) not in ("yes", "no"):
            record.repair(f"facts.{key}", None, no, tok, "Yes" if flag else "No",
                          "one edit from it and farther from the other answer")
        return flag
    if key == "press_freedom_status":
        read = read_status(tok)
        return next(iter(read[0])) if read and len(read[0]) == 1 else tok
    number = re.match(r"\s*([\d.,]+)\s*(percent|%|million|billion|thousand)?", tok)
    if number:
        try:
            x = float(number.group(1).replace(",", ""))
        except ValueError:
            return tok
        return x * _SCALES.get(number.group(2), 1)
    return tok
