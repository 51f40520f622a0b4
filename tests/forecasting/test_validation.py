"""Every bad input gives a HistoryError naming the file, row and column."""

import numpy as np
import pandas as pd
import pytest

from forecasting import HistoryError, find_gaps, validate_history

from .conftest import make_history


@pytest.fixture()
def small():
    return make_history(days=2, interval_min=60)


def test_valid_history_is_sorted_and_typed(small):
    shuffled = small.sample(frac=1.0, random_state=1)
    with pytest.raises(HistoryError, match="increasing"):
        validate_history(shuffled)
    out = validate_history(small)
    assert list(out["channel"].unique()) == ["phone"]
    assert out["volume"].dtype == float
    assert out.attrs["gaps"].empty


def test_missing_column(small):
    with pytest.raises(HistoryError, match=r"data.csv: missing required column\(s\) \['aht_s'\]"):
        validate_history(small.drop(columns="aht_s"), source="data.csv")


def test_non_numeric_value(small):
    bad = small.astype({"volume": object})
    bad.loc[5, "volume"] = "twelve"
    with pytest.raises(HistoryError, match="history.csv row 7: volume must be numeric, got 'twelve'"):
        validate_history(bad)


def test_negative_value(small):
    bad = small.copy()
    bad.loc[3, "aht_s"] = -3.0
    with pytest.raises(HistoryError, match="row 5: aht_s must be >= 0, got -3.0"):
        validate_history(bad)


def test_duplicate_timestamp(small):
    bad = pd.concat([small.iloc[:4], small.iloc[3:4], small.iloc[4:]], ignore_index=True)
    with pytest.raises(HistoryError, match="row 6: duplicate ds"):
        validate_history(bad)


def test_unordered_timestamps(small):
    bad = small.copy()
    bad.iloc[[2, 3]] = bad.iloc[[3, 2]].to_numpy()
    with pytest.raises(HistoryError, match="row 5: ds must be increasing"):
        validate_history(bad)


def test_tz_naive_timestamps(small):
    bad = small.assign(ds=small["ds"].dt.tz_localize(None))
    with pytest.raises(HistoryError, match="ds: timestamps must be tz-aware"):
        validate_history(bad)
    text = small.assign(ds=small["ds"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    with pytest.raises(HistoryError, match="row 2: ds must carry a UTC offset"):
        validate_history(text)


def test_iso_strings_with_offset_are_parsed(small):
    text = small.assign(ds=small["ds"].dt.strftime("%Y-%m-%dT%H:%M:%S%z"))
    out = validate_history(text)
    assert out["ds"].dt.tz is not None
    assert out["ds"].iloc[0] == small["ds"].iloc[0]


def test_unparsable_timestamp(small):
    bad = small.astype({"ds": object})
    bad.loc[0, "ds"] = "yesterday"
    with pytest.raises(HistoryError, match="row 2: ds must be an ISO 8601 timestamp"):
        validate_history(bad)


def test_gaps_are_reported_not_filled(small):
    holed = small.drop(index=[10, 11, 12]).reset_index(drop=True)
    out = validate_history(holed)
    assert len(out) == len(holed)
    gaps = out.attrs["gaps"]
    assert len(gaps) == 1
    assert gaps["missing_intervals"].iloc[0] == 3
    assert gaps["gap_start"].iloc[0] == small["ds"].iloc[10]
    pd.testing.assert_frame_equal(gaps, find_gaps(out))


def test_empty_and_wrong_type():
    with pytest.raises(HistoryError, match="at least one row"):
        validate_history(pd.DataFrame(columns=["channel", "ds", "volume", "aht_s"]))
    with pytest.raises(HistoryError, match="DataFrame"):
        validate_history(np.zeros(3))
