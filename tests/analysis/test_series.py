"""Long series and per-country trends on the bundled data."""

import numpy as np
import pytest
from scipy.stats import theilslopes

from scoring import load_dataset
from scoring.analysis.series import country_trends, long_series


def test_long_series_is_canonical_and_complete():
    long = long_series(index="fotn", series="categories", countries=["KAZ"])
    kaz15 = long[long["edition"] == 2015].set_index("series")["value"]
    assert kaz15.to_dict() == {"access": 11, "content": 12, "rights": 16}  # 14/23/24 published
    # Categories in every edition but 2017 (bundled as DA2I's totals only): the booklets
    # 2011-2014 and 2016, the country report (2014), the 2015 file, the sheets 2018-2024.
    assert set(long["edition"]) == set(range(2011, 2025)) - {2017}
    fiw = long_series(index="fiw")
    terr = load_dataset("fiw").query("ct == 't'")
    keys = set(zip(terr["iso3"], terr["edition"]))
    assert not any(k in keys for k in zip(fiw["iso3"], fiw["edition"]))
    with pytest.raises(ValueError, match="series must be one of"):
        long_series(index="fotn", series="nope")


def test_country_trend_against_theilslopes():
    out = country_trends(index="fotn", countries=["KAZ"]).iloc[0]
    long = long_series(index="fotn", countries=["KAZ"])
    ts = theilslopes(long["value"], long["edition"])  # reference, real (gapped) years
    np.testing.assert_allclose([out["sen_slope"], out["sen_lo"], out["sen_hi"]],
                               [ts.slope, ts.low_slope, ts.high_slope], atol=1e-12)
    assert out["country"] == "Kazakhstan" and out["n"] == 14  # every edition 2011-2024
