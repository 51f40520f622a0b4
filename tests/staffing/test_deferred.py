"""Deferred work: backlog carried between open intervals within a deadline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing import ChannelTarget, staffing_requirements
from staffing.deferred import deferred_requirements

INTERVAL_S = 900.0


def _open_mask(days: int, open_from: int = 8, open_to: int = 22) -> np.ndarray:
    hour = (np.arange(96 * days) % 96) // 4
    return (hour >= open_from) & (hour < open_to)


def test_night_work_is_done_after_opening_within_the_deadline():
    is_open = _open_mask(2)
    work = np.zeros(96 * 2)
    work[96 + 12] = 10 * INTERVAL_S  # 10 agent-intervals arriving at 03:00 on day 2
    res = deferred_requirements(work, is_open, 15, answer_s=4 * 3600, service_level=1.0,
                                max_occupancy=1.0)
    req = res["required_agents"]
    assert (req[~is_open] == 0).all()
    first_open = 96 + 32
    assert req[:first_open].sum() == 0  # nothing before the opening after arrival
    d = 16  # 4 h = 16 open intervals
    assert req[first_open:first_open + d].sum() == 10  # exactly the work, rounding carried
    assert req[first_open] > 0 and req[first_open + d:].sum() == 0
    assert res["service_level"][96 + 12] == 1.0
    assert 0 < res["asa_s"][96 + 12] <= 4 * 3600


def test_capacity_covers_the_work_and_meets_the_service_level():
    rng = np.random.default_rng(3)
    is_open = _open_mask(3)
    work = rng.gamma(2.0, 400.0, is_open.size)
    for sl in (0.8, 0.9, 1.0):
        res = deferred_requirements(work, is_open, 15, answer_s=14400, service_level=sl,
                                    max_occupancy=0.95)
        capacity = (res["required_agents"] * INTERVAL_S * 0.95).sum()
        assert capacity >= work.sum() - 1e-6
        has = work > 0
        # SL share of the total work answered within the deadline
        assert np.average(res["service_level"][has], weights=work[has]) >= sl - 1e-9
        assert (res["occupancy"] <= 0.95 + 1e-12).all()


def test_shorter_deadline_needs_a_peakier_profile():
    is_open = _open_mask(1)
    work = np.zeros(96)
    work[40] = 20 * INTERVAL_S
    slow = deferred_requirements(work, is_open, 15, 4 * 3600, 1.0, 1.0)["required_agents"]
    fast = deferred_requirements(work, is_open, 15, 3600, 1.0, 1.0)["required_agents"]
    assert fast.max() > slow.max()
    assert (fast > 0).sum() < (slow > 0).sum()


def test_no_open_interval_with_work_is_an_error():
    with pytest.raises(ValueError, match="is_open"):
        deferred_requirements(np.ones(4), np.zeros(4, dtype=bool), 15, 3600, 0.9, None)


def test_email_channel_in_the_frame():
    ds = pd.date_range("2026-11-30", periods=96 * 2, freq="15min", tz="Asia/Shanghai")
    fc = pd.DataFrame({"channel": "email", "ds": ds, "volume": 3.0, "aht_s": 480.0,
                       "is_open": _open_mask(2)})
    target = ChannelTarget("email", "email", "deferred", 0.9, 14400, max_occupancy=0.95,
                           shrinkage_frac=0.13, surge_buffer_frac=0.10)
    req = staffing_requirements(fc, [target], 15)
    assert (req.loc[~req["is_open"], "required_agents"] == 0).all()
    assert (req["p_abandon"] == 0).all()
    assert (req["service_level"] >= 0.9 - 1e-9).all()
    work = (fc["volume"] * fc["aht_s"]).sum()
    assert (req["required_agents"] * 900 * 0.95).sum() >= work


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), open_from=st.integers(0, 12), hours=st.integers(1, 24),
       deadline_h=st.floats(0.25, 24.0), sl=st.floats(0.5, 1.0), occ=st.floats(0.5, 1.0))
def test_deferred_properties(seed, open_from, hours, deadline_h, sl, occ):
    """Closed intervals need nobody, capacity covers the work, the deadline share holds."""
    rng = np.random.default_rng(seed)
    is_open = _open_mask(2, open_from, min(24, open_from + hours))
    work = rng.gamma(1.5, 500.0, is_open.size) * (rng.random(is_open.size) < 0.7)
    res = deferred_requirements(work, is_open, 15, deadline_h * 3600, sl, occ)
    assert (res["required_agents"][~is_open] == 0).all()
    assert (res["required_agents"] * INTERVAL_S * occ).sum() >= work.sum() * (1 - 1e-9)
    assert ((res["occupancy"] >= 0) & (res["occupancy"] <= occ + 1e-12)).all()
    has = work > 0
    share = np.average(res["service_level"][has], weights=work[has]) if has.any() else 1.0
    assert share >= sl - 1e-9
