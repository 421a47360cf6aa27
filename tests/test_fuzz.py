"""Fuzzing the readers (hypothesis): whatever bytes arrive, ``read_scores`` returns a frame or
raises a :class:`scoring.ScoringError`, never another exception, and within a time bound.

Three sources of input: random bytes under every suffix; random CSV and JSON structures
(random headers, cells that are numbers, text, huge integers, ``inf``, nested values); and
real xlsx workbooks with one member mutated (bytes flipped, truncated, replaced). A finding
of any of these is a bug in the reader that let an exception through, not a test to relax.
"""

import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import read_scores
from scoring.errors import ScoringError

REPO = Path(__file__).resolve().parents[1]
XLSX = REPO / "datasets" / "raw" / "FOTN24_Country_Score_Data.xlsx"
SECONDS = 20  # per input: generous for 2 shared cores, far below "unbounded"
FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _read(tmp_path: Path, name: str, data: bytes, index: str = "fotn") -> None:
    path = tmp_path / name
    path.write_bytes(data)
    start = time.monotonic()
    try:
        read_scores(path, index)
    except ScoringError:
        pass
    assert time.monotonic() - start < SECONDS, f"{name}: {len(data)} bytes took too long"


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx", ".txt"])
@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(tmp_path, suffix, data):
    _read(tmp_path, f"random{suffix}", data)


HEADERS = ["Country", "Edition", "Status", "Total", "A", "B", "C", "A1", "PR", "CL",
           "Obstacles to Access", "Limits on Content", "Year", "", "country", "Total Score"]
CELLS = st.one_of(
    st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "inf", "-inf", "nan", "1e400", "9" * 401, "NF", "PF", "F", "Kenya",
                     "=1+1", "\x1b[2J", "Côte d'Ivoire", "2024", "62,5", "\r", "\n", '"']),
    st.text(max_size=12))


@FUZZ
@given(header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=9),
       rows=st.lists(st.lists(CELLS, max_size=10), max_size=12),
       delimiter=st.sampled_from([",", ";", "\t", "|"]),
       newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_random_csv_structures(tmp_path, header, rows, delimiter, newline):
    lines = [delimiter.join(header)] + [delimiter.join(str(c) for c in r) for r in rows]
    _read(tmp_path, "random.csv", newline.join(lines).encode("utf-8", "surrogatepass"))


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(HEADERS), children, max_size=5)),
    max_leaves=30)


@FUZZ
@given(records=st.one_of(
    st.lists(st.dictionaries(st.sampled_from(HEADERS), CELLS, max_size=8), max_size=10),
    JSON_VALUES))
def test_random_json_structures(tmp_path, records):
    text = json.dumps(records, allow_nan=True)
    _read(tmp_path, "random.json", text.encode())


def _members() -> dict[str, bytes]:
    with zipfile.ZipFile(XLSX) as z:
        return {n: z.read(n) for n in z.namelist()}


MEMBERS = _members() if XLSX.exists() else {}


@pytest.mark.skipif(not MEMBERS, reason="bundled xlsx missing")
@FUZZ
@given(member=st.sampled_from(sorted(MEMBERS)), how=st.sampled_from(["flip", "cut", "swap"]),
       at=st.floats(0, 1), noise=st.binary(min_size=1, max_size=64))
def test_mutated_real_xlsx_members(tmp_path, member, how, at, noise):
    body = MEMBERS[member]
    i = int(at * max(len(body) - 1, 0))
    if how == "flip":
        body = body[:i] + noise + body[i + len(noise):]
    elif how == "cut":
        body = body[:i]
    else:
        body = noise
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in MEMBERS.items():
            z.writestr(name, body if name == member else data)
    _read(tmp_path, "mutated.xlsx", buf.getvalue())
