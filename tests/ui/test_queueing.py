"""Erlang C, Erlang A and simulation side by side (staffing page)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from staffcast.scenario import load_scenario
from staffcast.ui.queueing import COMPARE_COLUMNS, comparable, compare_models
from tests.ui.synthetic_plan import synthetic_frames


def test_patience_never_needs_more_agents_than_erlang_c(center):
    scenario, _ = load_scenario(center)
    forecast = synthetic_frames()["forecast"]
    table = compare_models(scenario, forecast, "phone", dt.date(2026, 3, 3), replications=2, seed=1)
    assert list(table.columns) == COMPARE_COLUMNS
    assert len(table) == 18  # 09:00-18:00 in 30-minute intervals
    assert (table["erlang_a"] <= table["erlang_c"]).all()
    load = table["volume"] * table["aht_s"] / 1800
    assert (table["erlang_c"] > load).all()  # a stable queue needs more agents than Erlangs
    assert np.isfinite(table["simulated"]).all() and (table["simulated"] >= 1).all()


def test_only_live_single_contact_channels_compare(center):
    scenario, _ = load_scenario(center)
    assert comparable(scenario, "phone") and not comparable(scenario, "email")
    with pytest.raises(ValueError, match="email"):
        compare_models(scenario, synthetic_frames()["forecast"], "email", dt.date(2026, 3, 3))
