"""Pooled requirements of cross-trained groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from staffing import ChannelTarget, pooled_requirements, required_agents, staffing_requirements

PHONE = ChannelTarget("phone", "voice", "realtime", 0.8, 20, max_occupancy=0.9)
PHONE2 = ChannelTarget("phone2", "voice", "realtime", 0.8, 20, max_occupancy=0.9)
CHAT = ChannelTarget("chat", "chat", "realtime", 0.8, 40, patience_s=300, concurrency=3,
                     concurrency_aht_factor=(1.0, 1.25, 1.6), max_occupancy=0.9)
EMAIL = ChannelTarget("email", "email", "deferred", 0.9, 14400, max_occupancy=0.95)


@pytest.fixture(scope="module")
def forecast() -> pd.DataFrame:
    ds = pd.date_range("2026-11-30", periods=96, freq="15min", tz="Asia/Shanghai")
    rng = np.random.default_rng(5)
    open_ = (ds.hour >= 8) & (ds.hour < 22)
    frames = [pd.DataFrame({"channel": c, "ds": ds, "volume": rng.poisson(v, 96) * open_,
                            "aht_s": a, "is_open": open_})
              for c, v, a in (("phone", 40, 240.0), ("phone2", 25, 240.0),
                              ("chat", 30, 430.0), ("email", 4, 480.0))]
    return pd.concat(frames, ignore_index=True)


def test_single_channel_group_equals_its_requirement(forecast):
    targets = [PHONE, PHONE2, CHAT, EMAIL]
    pooled = pooled_requirements(forecast, targets, {"p": ["phone"]}, 15)
    req = staffing_requirements(forecast, targets, 15)
    single = req[req["channel"] == "phone"]["required_agents"].to_numpy()
    assert (pooled["pooled_required"].to_numpy() == single).all()
    assert (pooled["saving"] == 0).all()


def test_identical_voice_channels_pool_exactly(forecast):
    """Same AHT and targets: the pool is exactly one Erlang C queue on the summed rate."""
    pooled = pooled_requirements(forecast, [PHONE, PHONE2], {"voice": ["phone", "phone2"]}, 15)
    wide = forecast[forecast["channel"].isin(["phone", "phone2"])]
    total = wide.groupby("ds")["volume"].sum().to_numpy() / 900.0
    expected = required_agents(total, 240.0, 20, 0.8, max_occupancy=0.9)
    assert (pooled["pooled_required"].to_numpy() == expected).all()
    assert pooled["saving"].sum() > 0  # economies of scale


def test_pooling_never_needs_more_than_separate(forecast):
    targets = [PHONE, PHONE2, CHAT, EMAIL]
    pooled = pooled_requirements(forecast, targets,
                                 {"blend": ["phone", "chat"], "all": ["phone", "phone2",
                                                                     "chat", "email"]}, 15)
    assert (pooled["pooled_required"] <= pooled["separate_required"]).all()
    assert set(pooled["group"]) == {"blend", "all"}
    with pytest.raises(ValueError, match="groups"):
        pooled_requirements(forecast, targets, {"x": ["fax"]}, 15)
