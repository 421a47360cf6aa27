"""Decomposition of change: exact sums, ranks, status boundaries, transitions, windows."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import compare, load_dataset, load_methodology
from scoring.analysis.decompose import ranks, status_distances, transition_matrix
from scoring.analysis.windows import largest_changes

FOTN = load_methodology("fotn")
FIW = load_methodology("fiw")


@pytest.fixture(scope="module")
def fotn():
    return load_dataset("fotn")


@pytest.fixture(scope="module")
def fiw():
    return load_dataset("fiw")


def test_total_equals_categories_equals_questions_exactly(fotn):
    r = compare(fotn, index="fotn", from_edition=2023, to_edition=2024)
    rows = r.rows.set_index("iso3")
    cats = rows[["delta_access", "delta_content", "delta_rights"]].sum(axis=1)
    assert (rows["delta"] == cats).all() and (rows["residual"] == 0).all()
    assert (rows["delta_questions"] == rows["delta"]).all()
    q = r.questions
    assert len(q) == 70 * 21
    by_cat = q.groupby(["iso3", "category"])["delta"].sum().unstack()
    for cat in ("access", "content", "rights"):
        assert (by_cat[cat] == rows.loc[by_cat.index, f"delta_{cat}"]).all()
    np.testing.assert_allclose(rows["share_content"], rows["delta_content"] / 35, rtol=0,
                               atol=1e-15)


def test_fiw_decomposes_into_pr_and_cl(fiw):
    r = compare(fiw, index="fiw", from_edition=2021, to_edition=2022)
    rows = r.rows
    assert (rows["delta"] == rows["delta_pr"] + rows["delta_cl"]).all()
    # FIW questions are the 25 indicators; PR also moves with the discretionary Add Q, so the
    # indicator sum equals the total change only where Add Q did not change.
    assert rows["delta_questions"].notna().all()


def test_residual_names_the_inconsistent_published_total(fotn):
    r = compare(fotn, index="fotn", from_edition=2015, to_edition=2018)
    rows = r.rows.set_index("iso3")
    assert rows.loc["ZAF", "residual"] == 1  # 2015: total 27 published, categories sum to 26
    assert (rows.drop(index="ZAF")["residual"] == 0).all()
    assert any("do not add up" in n and "ZAF" in n for n in r.notes)


def test_ranks_ties_share_the_lowest():
    assert ranks(pd.Series([90.0, 75.0, 90.0, 20.0])).tolist() == [1, 3, 1, 4]


def test_ranks_against_the_whole_edition(fotn):
    # A country's rank does not depend on which countries were asked for.
    full = compare(fotn, index="fotn", from_edition=2023, to_edition=2024).rows
    one = compare(fotn, index="fotn", from_edition=2023, to_edition=2024,
                  countries=["KAZ"]).rows
    k = full.set_index("iso3").loc["KAZ"]
    assert (one["rank_from"].iloc[0], one["rank_to"].iloc[0]) == (k["rank_from"], k["rank_to"])
    # 2024: Iceland first with 94 (FOTN 2024 score data).
    assert full.set_index("iso3").loc["ISL", "rank_to"] == 1
    assert full["rank_change"].equals(full["rank_from"] - full["rank_to"])


@pytest.mark.parametrize("total,status,up,down", [
    (70, "F", np.nan, 1), (69, "PF", 1, 30), (40, "PF", 30, 1), (39, "NF", 1, np.nan),
    (100, "F", np.nan, 31), (0, "NF", 40, np.nan)])
def test_fotn_status_distances(total, status, up, down):
    frame = pd.DataFrame({"total": [float(total)]})
    d = status_distances(frame, FOTN).iloc[0]
    assert FOTN.status_for(total) == status
    np.testing.assert_equal(d.to_numpy(dtype=float), [up, down])


def test_fiw_status_distances_by_brute_force(fiw):
    # Reference: every (PR, CL) pair within range, the smallest |dPR| + |dCL| moving one way
    # that changes the status from the mean-of-ratings rule.
    rows = fiw[fiw["edition"] == 2024].sample(25, random_state=3)
    d = status_distances(rows, FIW)
    order = {"NF": 0, "PF": 1, "F": 2}

    def status(pr, cl):
        return order[FIW.status_for_ratings(FIW.rating_for("pr_rating", pr),
                                            FIW.rating_for("cl_rating", cl))]

    for (_, row), (_, got) in zip(rows.iterrows(), d.iterrows()):
        pr, cl = int(row["pr"]), int(row["cl"])
        here = status(pr, cl)
        best_up = min((abs(p - pr) + abs(c - cl) for p in range(pr, 41) for c in range(cl, 61)
                       if status(p, c) > here), default=np.nan)
        best_down = min((abs(p - pr) + abs(c - cl) for p in range(-4, pr + 1)
                         for c in range(0, cl + 1) if status(p, c) < here), default=np.nan)
        np.testing.assert_equal([got["points_to_freer_status"],
                                 got["points_to_less_free_status"]], [best_up, best_down])


def test_transition_matrix_adds_up(fiw):
    r = compare(fiw, index="fiw", from_edition=2021, to_edition=2022)
    t = r.transitions
    assert list(t.index) == ["F", "PF", "NF"] and list(t.columns) == ["F", "PF", "NF"]
    assert t.to_numpy().sum() == r.summary["n"]
    off = t.to_numpy().sum() - np.trace(t.to_numpy())
    assert off == r.summary["status_changes"] == 5
    # Tunisia went from Free to Partly Free in FIW 2022.
    assert t.loc["F", "PF"] >= 1


def test_transition_matrix_counts_missing_status():
    t = transition_matrix(pd.Series(["F", None]), pd.Series(["F", "PF"]))
    assert t.loc["(none)", "PF"] == 1 and t.to_numpy().sum() == 2


def test_fotn_regions_come_from_fiw(fotn):
    r = compare(fotn, index="fotn", from_edition=2023, to_edition=2024)
    assert r.rows["region"].notna().all()
    assert r.rows.set_index("iso3").loc["KAZ", "region"] == "Eurasia"
    assert any("Regions are Freedom in the World 2024" in n for n in r.notes)


@st.composite
def panels(draw):
    n = draw(st.integers(2, 12))
    rows = []
    for i in range(n):
        for ed in (2023, 2024):
            a, b, c = (draw(st.integers(0, m)) for m in (25, 35, 40))
            rows.append(dict(index="fotn", edition=ed, iso3=["KEN", "KAZ", "RUS", "CHN", "IND",
                                                             "BRA", "USA", "DEU", "FRA", "JPN",
                                                             "NGA", "ZAF"][i],
                             country=f"c{i}", status=None, orientation="higher-is-freer",
                             total=float(a + b + c), access=float(a), content=float(b),
                             rights=float(c), source="t", source_row=len(rows) + 2, flags=""))
    return pd.DataFrame(rows)


@settings(max_examples=40, deadline=None)
@given(panels(), st.randoms())
def test_properties_swap_order_sums(panel, rnd):
    fwd = compare(panel, index="fotn", from_edition=2023, to_edition=2024).rows.set_index("iso3")
    back = compare(panel, index="fotn", from_edition=2024, to_edition=2023).rows.set_index("iso3")
    back = back.loc[fwd.index]
    # Swapping the two editions negates every change.
    for col in ("delta", "delta_access", "delta_content", "delta_rights", "rank_change"):
        assert (back[col] == -fwd[col]).all()
    # Row order changes nothing.
    shuffled = panel.sample(frac=1, random_state=rnd.randint(0, 2**31 - 1))
    again = compare(shuffled, index="fotn", from_edition=2023, to_edition=2024).rows
    pd.testing.assert_frame_equal(again.set_index("iso3").sort_index(), fwd.sort_index())
    # The decomposition sums exactly.
    assert (fwd[["delta_access", "delta_content", "delta_rights"]].sum(axis=1)
            == fwd["delta"]).all()


def test_largest_changes_five_years(fotn):
    top = largest_changes(fotn, index="fotn", edition=2024, years=5, n=3)
    dec = top[top["direction"] == "decline"]
    # FOTN 2019 -> 2024 totals (DA2I 2019, FOTN 2024 sheet): Myanmar 36 -> 9.
    assert dec.iloc[0]["iso3"] == "MMR" and dec.iloc[0]["delta"] == -27
    assert list(dec["position"]) == [1, 2, 2, 4][:len(dec)]
    assert (top["from_edition"] == 2019).all() and (top["to_edition"] == 2024).all()
    imp = top[top["direction"] == "improvement"]
    assert (imp["delta"] > 0).all() and imp["delta"].is_monotonic_decreasing


def test_largest_changes_ties_are_all_listed(fiw):
    top = largest_changes(fiw, index="fiw", edition=2024, years=1, n=5)
    dec = top[top["direction"] == "decline"]
    cutoff = dec["delta"].iloc[4]
    everyone = compare(fiw, index="fiw", from_edition=2023, to_edition=2024).rows
    assert len(dec) == int((everyone["delta"] <= cutoff).sum())
    assert dec.iloc[0]["iso3"] == "NER"  # Niger, after the 2023 coup: FIW 2024's largest


def test_largest_changes_bad_window(fotn):
    with pytest.raises(ValueError, match="published no 2010 edition"):
        largest_changes(fotn, index="fotn", edition=2011, years=1)
    with pytest.raises(ValueError, match="edition 2022 is not in the data"):
        largest_changes(fotn[fotn["edition"] != 2022], index="fotn", edition=2023, years=1)
    with pytest.raises(ValueError, match="years must be a positive whole number"):
        largest_changes(fotn, index="fotn", edition=2024, years=0)


# -- question-level change 2019-2024, recounted from Freedom House's sheets ------------------
RAW_SHEETS = {2019: "internetfreedom_2019.xlsx", 2020: "internetfreedom_2020.xlsx",
              2021: "internetfreedom_2021.xlsx", 2022: "internetfreedom_2022.xlsx",
              2023: "FOTN_2023_Country_Score_Data.csv", 2024: "FOTN24_Country_Score_Data.xlsx"}
QUESTIONS = [f"A{i}" for i in range(1, 6)] + [f"B{i}" for i in range(1, 9)] + [
    f"C{i}" for i in range(1, 9)]


@pytest.fixture(scope="module")
def raw_questions():
    """Every edition's question scores read straight from its raw file with pandas (header on
    the sheet's second row, on the CSV's first), not through the package's readers."""
    from scoring import to_iso3
    from scoring.datasets.registry import datasets_dir

    out = {}
    for ed, name in RAW_SHEETS.items():
        path = datasets_dir() / "raw" / name
        frame = (pd.read_csv(path) if name.endswith(".csv")
                 else pd.read_excel(path, sheet_name=0, header=1))
        frame = frame[frame["A1"].notna()]
        frame.index = [to_iso3(str(c).strip()) for c in frame["Country"]]
        out[ed] = frame[QUESTIONS].astype(int)
    return out


@pytest.mark.parametrize("a,b", list(zip(range(2019, 2024), range(2020, 2025))) + [(2019, 2024)])
def test_question_changes_recount_from_the_raw_sheets(fotn, raw_questions, a, b):
    q = compare(fotn, index="fotn", from_edition=a, to_edition=b).questions
    before, after = raw_questions[a], raw_questions[b]
    both = before.index.intersection(after.index)
    want = (after.loc[both] - before.loc[both]).stack()
    got = q.set_index(["iso3", "question"])["delta"]
    assert len(got) == len(both) * 21 and set(got.index) == set(want.index)
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index().astype(float),
                                   check_names=False, check_index_type=False)
    # Every question change adds up to the change of its country's total.
    rows = compare(fotn, index="fotn", from_edition=a, to_edition=b).rows.set_index("iso3")
    net = want.groupby(level=0).sum()
    assert (net.to_numpy() == rows.loc[net.index, "delta"].to_numpy()).all()


def test_rank_change_separates_panel_change(fotn):
    # FOTN 2024 added two countries (Chile, Netherlands) above most others: 22 of the 25
    # countries whose score did not change lose rank places in rank_change although nothing
    # about them changed. rank_change_common ranks the 70 countries in both editions only.
    r = compare(fotn, index="fotn", from_edition=2023, to_edition=2024)
    rows = r.rows
    same = rows[rows["delta"] == 0]
    assert len(same) == 25 and (same["rank_change"] < 0).sum() == 22
    note = next(n for n in r.notes if n.startswith("Rank changes include panel change"))
    assert "2 units entered and 0 left" in note
    # By hand: rank among the 70 in both editions, ties sharing the lowest rank.
    both = fotn[fotn["iso3"].isin(rows["iso3"])]
    want = {}
    for ed in (2023, 2024):
        t = both[both["edition"] == ed].set_index("iso3")["total"]
        want[ed] = {i: 1 + int((t > v).sum()) for i, v in t.items()}
    got = dict(zip(rows["iso3"], rows["rank_change_common"]))
    assert got == {i: want[2023][i] - want[2024][i] for i in got}
    # A pair with no panel change has no such note and equal columns.
    same_panel = compare(fotn, index="fotn", from_edition=2022, to_edition=2023)
    assert (same_panel.rows["rank_change"] == same_panel.rows["rank_change_common"]).all()
    assert not any(n.startswith("Rank changes include") for n in same_panel.notes)
