"""staffing_requirements: the requirements frame for realtime, chat and deferred channels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from staffing import REQUIREMENT_COLUMNS, ChannelTarget, erlang_a, erlang_c, required_agents, \
    staffing_requirements

INTERVAL_MIN = 15


def _day_frame(channel: str, volumes: np.ndarray, aht_s: float, open_from: int = 8,
               open_to: int = 22, days: int = 1) -> pd.DataFrame:
    ds = pd.date_range("2026-11-30", periods=96 * days, freq="15min", tz="Asia/Shanghai")
    hour = ds.hour
    return pd.DataFrame({"channel": channel, "ds": ds, "volume": volumes,
                         "aht_s": aht_s, "is_open": (hour >= open_from) & (hour < open_to)})


def _profile(peak: float, days: int = 1, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    hours = np.arange(96 * days) % 96 / 4.0
    shape = np.exp(-((hours - 11.0) ** 2) / 18.0) + 0.8 * np.exp(-((hours - 20.0) ** 2) / 8.0)
    return np.round(peak * shape * rng.uniform(0.9, 1.1, hours.size))


PHONE = ChannelTarget("phone", "voice", "realtime", 0.8, 20, patience_s=120,
                      max_occupancy=0.88, shrinkage_frac=0.13, surge_buffer_frac=0.10)
PHONE_C = ChannelTarget("phone_c", "voice", "realtime", 0.8, 20, max_occupancy=0.85)
CHAT = ChannelTarget("chat", "chat", "realtime", 0.8, 40, patience_s=300, concurrency=3,
                     concurrency_aht_factor=(1.0, 1.25, 1.6), max_occupancy=0.9)
EMAIL = ChannelTarget("email", "email", "deferred", 0.9, 14400, max_occupancy=0.95,
                      shrinkage_frac=0.13, surge_buffer_frac=0.10)


@pytest.fixture(scope="module")
def center() -> tuple[pd.DataFrame, pd.DataFrame]:
    fc = pd.concat([
        _day_frame("phone", _profile(80, seed=1), 300.0),
        _day_frame("phone_c", _profile(60, seed=2), 240.0),
        _day_frame("chat", _profile(60, seed=3), 430.0, open_to=23),
        _day_frame("email", _profile(12, days=2, seed=4) + 2, 480.0, days=2),
    ], ignore_index=True).sample(frac=1.0, random_state=0)  # unsorted on purpose
    return fc, staffing_requirements(fc, [PHONE, PHONE_C, CHAT, EMAIL], INTERVAL_MIN)


def test_frame_contract(center):
    fc, req = center
    assert list(req.columns) == REQUIREMENT_COLUMNS
    assert len(req) == len(fc)
    assert req.equals(req.sort_values(["channel", "ds"]).reset_index(drop=True))
    assert req["required_agents"].dtype == np.int64
    assert req["scheduled_required"].dtype == np.int64
    assert req["is_open"].dtype == bool


def test_closed_realtime_intervals_need_nobody(center):
    _, req = center
    closed = req[~req["is_open"]]
    assert (closed["required_agents"] == 0).all() and (closed["scheduled_required"] == 0).all()
    rt = closed[closed["channel"] != "email"]
    assert rt["service_level"].isna().all()


def test_scheduled_required_adds_surge_and_shrinkage(center):
    _, req = center
    phone = req[req["channel"] == "phone"]
    expected = np.ceil(phone["required_agents"] * 1.10 / 0.87 - 1e-9).astype(int)
    assert (phone["scheduled_required"].to_numpy() == expected.to_numpy()).all()
    c = req[req["channel"] == "phone_c"]
    assert (c["scheduled_required"] == c["required_agents"]).all()


def test_realtime_matches_the_pure_functions(center):
    _, req = center
    for target in (PHONE, PHONE_C):
        rows = req[(req["channel"] == target.channel) & req["is_open"] & (req["volume"] > 0)]
        rate = rows["volume"].to_numpy() / (INTERVAL_MIN * 60.0)
        aht = rows["aht_s"].to_numpy()
        n = required_agents(rate, aht, 20, 0.8, patience_s=target.patience_s,
                            max_occupancy=target.max_occupancy)
        assert (rows["required_agents"].to_numpy() == n).all()
        assert (rows["service_level"] >= 0.8 - 1e-12).all()
        assert (rows["occupancy"] <= target.max_occupancy + 1e-12).all()
        assert (rows["required_agents"] > rows["load_erlangs"] * 0.8).all()
    c_rows = req[(req["channel"] == "phone_c") & req["is_open"] & (req["volume"] > 0)]
    assert (c_rows["required_agents"] > c_rows["load_erlangs"]).all()
    assert (c_rows["p_abandon"] == 0).all()


def test_chat_uses_concurrency_slots(center):
    _, req = center
    rows = req[(req["channel"] == "chat") & req["is_open"] & (req["volume"] > 0)]
    rate = rows["volume"].to_numpy() / (INTERVAL_MIN * 60.0)
    aht_full = rows["aht_s"].to_numpy() * 1.6
    slots = required_agents(rate, aht_full, 40, 0.8, patience_s=300, max_occupancy=0.9)
    agents = rows["required_agents"].to_numpy()
    assert (agents == -(-slots // 3)).all()
    m = erlang_a(rate, aht_full, 300, agents * 3, 40)
    assert np.allclose(rows["service_level"], m["service_level"])
    assert (rows["service_level"] >= 0.8 - 1e-12).all()
    # three chats at 1.6x handle time: far fewer agents than one chat at a time
    single = required_agents(rate, rows["aht_s"].to_numpy(), 40, 0.8, patience_s=300,
                             max_occupancy=0.9)
    assert agents.sum() < 0.7 * single.sum()
    assert np.allclose(rows["load_erlangs"], rate * aht_full / 3)


def test_is_open_defaults_to_open():
    fc = _day_frame("phone_c", np.full(96, 10.0), 180.0).drop(columns="is_open")
    req = staffing_requirements(fc, [PHONE_C], INTERVAL_MIN)
    assert req["is_open"].all()
    n = int(required_agents(10 / 900, 180.0, 20, 0.8, max_occupancy=0.85))
    assert (req["required_agents"] == n).all()


def test_zero_volume_open_interval_needs_nobody():
    fc = _day_frame("phone", np.zeros(96), 300.0)
    fc["aht_s"] = np.nan  # no contacts, no handle time
    req = staffing_requirements(fc, [PHONE], INTERVAL_MIN)
    assert (req["required_agents"] == 0).all()
    assert (req.loc[req["is_open"], "service_level"] == 1.0).all()


def test_erlang_c_measures_reported_for_erlang_c_channel(center):
    _, req = center
    rows = req[(req["channel"] == "phone_c") & req["is_open"] & (req["volume"] > 0)]
    rate = rows["volume"].to_numpy() / (INTERVAL_MIN * 60.0)
    m = erlang_c(rate, rows["aht_s"].to_numpy(), rows["required_agents"].to_numpy(), 20)
    assert np.allclose(rows["asa_s"], m["asa_s"])
    assert np.allclose(rows["occupancy"], m["occupancy"])


def test_per_interval_shrinkage_column_overrides_the_target():
    fc = _day_frame("phone", np.full(96, 30.0), 300.0)
    shrink = np.where(np.arange(96) < 48, 0.30, 0.0)
    req = staffing_requirements(fc.assign(shrinkage_frac=shrink), [PHONE], INTERVAL_MIN)
    assert list(req.columns) == REQUIREMENT_COLUMNS
    expected = np.ceil(req["required_agents"] * 1.10 / (1 - shrink) - 1e-9).astype(int)
    assert (req["scheduled_required"].to_numpy() == expected.to_numpy()).all()
    with pytest.raises(ValueError, match="shrinkage_frac"):
        staffing_requirements(fc.assign(shrinkage_frac=1.0), [PHONE], INTERVAL_MIN)
