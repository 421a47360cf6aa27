"""The methodology files: what they encode, and that malformed ones are refused by name."""

from __future__ import annotations

import re

import pytest

from scoring.errors import MethodologyError
from scoring.methodology import (
    HIGHER_IS_FREER,
    LOWER_IS_FREER,
    Methodology,
    available_methodologies,
    load_methodology,
)


@pytest.fixture(scope="module")
def fotn() -> Methodology:
    return load_methodology("fotn")


@pytest.fixture(scope="module")
def fiw() -> Methodology:
    return load_methodology("fiw")


# -- loading -------------------------------------------------------------------------------------
def test_both_methodologies_ship_and_load():
    assert set(available_methodologies()) >= {"fotn", "fiw"}
    for key in ("fotn", "fiw"):
        m = load_methodology(key)
        assert m.key == key
        assert m.path.name == f"{key}.toml"
        assert m.total.level == "total"


def test_unknown_index_is_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"fiw.*fotn|fotn.*fiw"):
        load_methodology("rsf")


def test_missing_toml_file_is_a_methodology_error(tmp_path):
    with pytest.raises(MethodologyError, match="cannot read"):
        load_methodology(tmp_path / "absent.toml")


# -- FOTN ----------------------------------------------------------------------------------------
def test_fotn_categories_and_total(fotn):
    cats = {c.code: (c.key, c.min, c.max) for c in fotn.categories}
    assert cats == {"A": ("access", 0, 25), "B": ("content", 0, 35), "C": ("rights", 0, 40)}
    assert (fotn.total.min, fotn.total.max) == (0, 100)
    assert sorted(t for _, t in fotn.total.terms) == ["access", "content", "rights"]
    assert all(sign == 1 for sign, _ in fotn.total.terms)


FOTN_QUESTION_MAXIMA = {
    "A1": 6, "A2": 3, "A3": 6, "A4": 6, "A5": 4,
    "B1": 6, "B2": 4, "B3": 4, "B4": 4, "B5": 4, "B6": 3, "B7": 4, "B8": 6,
    "C1": 6, "C2": 4, "C3": 6, "C4": 4, "C5": 6, "C6": 6, "C7": 5, "C8": 3,
}


def test_fotn_21_questions_with_their_maxima(fotn):
    qs = fotn.questions
    assert len(qs) == 21
    assert {q.key: q.max for q in qs} == FOTN_QUESTION_MAXIMA
    assert all(q.min == 0 for q in qs)


def test_fotn_question_maxima_sum_to_their_category(fotn):
    for cat in fotn.categories:
        children = [q for q in fotn.questions if q.parent == cat.key]
        assert {t for _, t in cat.terms} == {q.key for q in children}
        assert sum(q.max for q in children) == cat.max, cat.key
    assert sum(c.max for c in fotn.categories) == fotn.total.max


def test_fotn_unconfirmed_facts_are_marked_recalled(fotn):
    assert fotn.component("A1").certainty == "pub"  # A1 = 6 is published
    assert fotn.component("A2").certainty == "recalled"
    recalled = {q.key for q in fotn.questions if q.certainty == "recalled"}
    assert recalled == set(FOTN_QUESTION_MAXIMA) - {"A1"}
    assert fotn.component("access").certainty == "pub"


def test_fotn_scale_changed_in_2019(fotn):
    for ed in (2009, 2011, 2015, 2018):
        assert fotn.published_orientation(ed).orientation == LOWER_IS_FREER
    for ed in (2019, 2023, 2024):
        assert fotn.published_orientation(ed).orientation == HIGHER_IS_FREER
    assert fotn.single_orientation is None
    assert 2010 not in fotn.editions  # there was no 2010 edition


def _expected_canonical(x: int) -> str:
    return "F" if x >= 70 else "PF" if x >= 40 else "NF"


def _expected_old(x: int) -> str:
    return "F" if x <= 30 else "PF" if x <= 60 else "NF"


@pytest.mark.parametrize("x", range(101))
def test_fotn_status_bands_every_integer(fotn, x):
    assert fotn.status_for(x) == _expected_canonical(x)
    assert fotn.status_for(x, HIGHER_IS_FREER) == _expected_canonical(x)
    assert fotn.status_for(x, LOWER_IS_FREER) == _expected_old(x)
    # The bands mirror each other: converting a score never changes its status.
    assert fotn.status_for(x, LOWER_IS_FREER) == fotn.status_for(100 - x, HIGHER_IS_FREER)


def test_fotn_status_band_edges(fotn):
    assert [fotn.status_for(x) for x in (39, 40, 69, 70)] == ["NF", "PF", "PF", "F"]
    assert [fotn.status_for(x, LOWER_IS_FREER) for x in (30, 31, 60, 61)] == [
        "F", "PF", "PF", "NF"]
    assert fotn.status_for(101) is None
    assert fotn.status_for(-1) is None


def test_china_2017_converts_per_category(fotn):
    published = {"access": 17, "content": 30, "rights": 40, "total": 87}
    canonical = {k: fotn.component(k).to_canonical(v, LOWER_IS_FREER)
                 for k, v in published.items()}
    assert canonical == {"access": 8, "content": 5, "rights": 0, "total": 13}
    assert sum(canonical[k] for k in ("access", "content", "rights")) == canonical["total"]
    assert fotn.status_for(87, LOWER_IS_FREER) == fotn.status_for(13) == "NF"


def test_to_canonical_leaves_higher_is_freer_values_alone(fotn):
    assert fotn.component("access").to_canonical(17, HIGHER_IS_FREER) == 17
    assert fotn.component("A2").to_canonical(1, LOWER_IS_FREER) == 2  # 0 + 3 - 1


# -- FIW -----------------------------------------------------------------------------------------
def test_fiw_25_indicators_each_0_to_4(fiw):
    qs = fiw.questions
    assert len(qs) == 25
    assert all((q.min, q.max) == (0, 4) for q in qs)
    expected = {f"{s}{i}" for s, n in zip("ABCDEFG", (3, 4, 3, 4, 3, 4, 4))
                for i in range(1, n + 1)}
    assert {q.key for q in qs} == expected


def test_fiw_subcategory_maxima(fiw):
    subs = {c.key: c.max for c in fiw.level("subcategory")}
    assert subs == {"A": 12, "B": 16, "C": 12, "D": 16, "E": 12, "F": 16, "G": 16}
    for sub in fiw.level("subcategory"):
        children = [q for q in fiw.questions if q.parent == sub.key]
        assert sum(q.max for q in children) == sub.max


def test_fiw_pr_cl_structure(fiw):
    pr, cl = fiw.component("pr"), fiw.component("cl")
    assert dict((t, s) for s, t in pr.terms) == {"A": 1, "B": 1, "C": 1, "addq": -1, "adda": 1}
    assert (pr.min, pr.max) == (-4, 40)
    assert (cl.min, cl.max) == (0, 60)
    assert fiw.component("adda").applies_to(2017)
    assert not fiw.component("adda").applies_to(2018)
    assert fiw.single_orientation == HIGHER_IS_FREER


@pytest.mark.parametrize("score, rating", [
    (40, 1), (36, 1), (35, 2), (30, 2), (29, 3), (24, 3), (23, 4), (18, 4), (17, 5), (12, 5),
    (11, 6), (6, 6), (5, 7), (0, 7), (-3, 7), (-4, 7),
])
def test_fiw_pr_rating_table(fiw, score, rating):
    assert fiw.rating_for("pr_rating", score) == rating


@pytest.mark.parametrize("score, rating", [
    (60, 1), (53, 1), (52, 2), (44, 2), (43, 3), (35, 3), (34, 4), (26, 4), (25, 5), (17, 5),
    (16, 6), (8, 6), (7, 7), (0, 7),
])
def test_fiw_cl_rating_table(fiw, score, rating):
    assert fiw.rating_for("cl_rating", score) == rating


def test_fiw_rating_outside_range_and_unknown_table(fiw):
    assert fiw.rating_for("pr_rating", 41) is None
    with pytest.raises(KeyError):
        fiw.rating_for("total", 50)


@pytest.mark.parametrize("ratings, status", [
    ((1, 1), "F"), ((2, 3), "F"), ((3, 3), "PF"), ((4, 6), "PF"), ((5, 5), "PF"),
    ((5, 6), "NF"), ((7, 7), "NF"),
])
def test_fiw_status_from_mean_rating(fiw, ratings, status):
    assert fiw.status_for_ratings(*ratings) == status


def test_fiw_status_is_not_a_band_on_the_total(fiw):
    with pytest.raises(MethodologyError, match="status_for_ratings"):
        fiw.status_for(80)


def test_ratings_are_never_converted(fiw):
    assert fiw.component("pr_rating").to_canonical(2, LOWER_IS_FREER) == 2


# -- malformed methodology files -----------------------------------------------------------------
VALID = """
[index]
key = "toy"
name = "Toy Index"
publisher = "Nobody"
citation = "Toy {editions}"
editions = [2020, 2021]

[[scale]]
first = 2020
orientation = "higher-is-freer"

[[component]]
key = "total"
level = "total"
max = 10
terms = ["+part1", "+part2"]

[[component]]
key = "part1"
level = "category"
max = 4

[[component]]
key = "part2"
level = "category"
max = 6

[status]
rule = "bands"
component = "total"

[[status.band]]
status = "F"
low = 7
high = 10
[[status.band]]
status = "PF"
low = 4
high = 6
[[status.band]]
status = "NF"
low = 0
high = 3
"""


def _write(tmp_path, name, text):
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_toy_methodology_loads(tmp_path):
    m = load_methodology(_write(tmp_path, "toy", VALID))
    assert m.key == "toy"
    assert [m.status_for(x) for x in range(11)] == ["NF"] * 4 + ["PF"] * 3 + ["F"] * 4
    assert m.cite([2021, 2020]) == "Toy 2020\u20132021"


def _replace(old, new):
    assert old in VALID
    return VALID.replace(old, new, 1)


MALFORMED = {
    "band_gap": (_replace("low = 4\nhigh = 6", "low = 4\nhigh = 5"),
                 r"status\.band: 6 falls in no band"),
    "band_overlap": (_replace("low = 4\nhigh = 6", "low = 4\nhigh = 7"),
                     r"status\.band: 7 falls in 2 bands"),
    "band_outside": (_replace("low = 7\nhigh = 10", "low = 7\nhigh = 11"),
                     r"status\.band: band 7-11 reaches outside 0\.\.10"),
    "maxima": (_replace('key = "part2"\nlevel = "category"\nmax = 6',
                        'key = "part2"\nlevel = "category"\nmax = 7'),
               r"component total: max is 10 but its terms add up to 11"),
    "unknown_term": (_replace('"+part2"]', '"+part3"]'),
                     r"component total: term 'part3' is not a component"),
    "bad_term_sign": (_replace('"+part2"]', '"part2"]'),
                      r"component\[0\]\.terms: each term is '\+key' or '-key'"),
    "bad_level": (_replace('key = "part1"\nlevel = "category"',
                           'key = "part1"\nlevel = "chapter"'),
                  r"component\[1\]\.level: must be one of .*got 'chapter'"),
    "missing_max": (_replace('key = "part1"\nlevel = "category"\nmax = 4\n',
                             'key = "part1"\nlevel = "category"\n'),
                    r"component\[1\]\.max: missing"),
    "missing_index_name": (_replace('name = "Toy Index"\n', ""), r"index\.name: missing"),
    "wrong_type": (_replace("max = 4", 'max = "four"'),
                   r"component\[1\]\.max: expected int, got 'four'"),
    "bad_orientation": (_replace('orientation = "higher-is-freer"', 'orientation = "upwards"'),
                        r"scale\[0\]\.orientation: must be one of"),
    "bad_status": (_replace('status = "PF"', 'status = "Mostly Free"'),
                   r"status\.band\[1\]\.status: must be one of F, PF, NF"),
    "edition_without_scale": (_replace("first = 2020\n", "first = 2021\n"),
                              r"edition 2020 has no \[\[scale\]\]"),
    "duplicate_key": (_replace('key = "part2"', 'key = "part1"'),
                      r"component keys repeated: part1"),
    "toml_syntax": (VALID + "\n[[component]\nkey = \n", r"not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_methodology_names_the_key(tmp_path, case):
    text, pattern = MALFORMED[case]
    path = _write(tmp_path, f"toy_{case}", text)
    with pytest.raises(MethodologyError) as info:
        load_methodology(path)
    message = str(info.value)
    assert re.search(pattern, message), message
    assert message.startswith(path.name) or message.startswith(str(path)), message


def test_rating_band_gap_is_refused(tmp_path):
    text = (VALID.replace('rule = "bands"\ncomponent = "total"', 'rule = "ratings"')
            + """
[[component]]
key = "rating"
level = "rating"
min = 1
max = 3

[[status.rating]]
component = "rating"
score = "total"
bands = [[7, 10, 1], [4, 5, 2], [0, 3, 3]]
""").replace("low = 7\nhigh = 10", "low = 1\nhigh = 1").replace(
        "low = 4\nhigh = 6", "low = 1.5\nhigh = 2").replace("low = 0\nhigh = 3",
                                                            "low = 2.5\nhigh = 3")
    with pytest.raises(MethodologyError, match=r"status\.rating rating: 6 falls in no band"):
        load_methodology(_write(tmp_path, "toy_rating_gap", text))
    for bad in ('["4", 6, 2]', "[4, 6]"):
        with pytest.raises(MethodologyError,
                           match=r"status\.rating\[0\]\.bands: each band is \[low, high, rating\]"):
            load_methodology(_write(tmp_path, f"toy_rating_bad{len(bad)}",
                                    text.replace("[4, 5, 2]", bad)))
    fixed = text.replace("[4, 5, 2]", "[4, 6, 2]")
    m = load_methodology(_write(tmp_path, "toy_rating_ok", fixed))
    assert [m.rating_for("rating", x) for x in (0, 3, 4, 6, 7, 10)] == [3, 3, 2, 2, 1, 1]
    assert m.status_for_ratings(1) == "F" and m.status_for_ratings(3) == "NF"
