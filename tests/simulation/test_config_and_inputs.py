"""Configs validate on construction and inputs are checked on entry, naming the field."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation import (CenterConfig, ChannelSim, Empirical, Exponential, LogNormal,
                        simulate_roster, simulate_staffing)

from .helpers import assignments, demand, staffing

PHONE = ChannelSim("phone", patience_s=100.0)


@pytest.mark.parametrize("kwargs, field", [
    ({"kind": "fax"}, "kind"), ({"mode": "later"}, "mode"), ({"answer_s": 0}, "answer_s"),
    ({"service_level": 1.5}, "service_level"), ({"patience_s": -1.0}, "patience_s"),
    ({"concurrency": 0}, "concurrency"), ({"volume_cv": -0.1}, "volume_cv"),
    ({"concurrency": 2, "concurrency_aht_factor": (1.0,)}, "concurrency_aht_factor"),
    ({"mode": "deferred", "concurrency": 2}, "concurrency"), ({"handle_time": 3.0}, "handle_time"),
])
def test_channel_sim_names_bad_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        ChannelSim("phone", **kwargs)


@pytest.mark.parametrize("kwargs, field", [
    ({"absence_prob": 1.0}, "absence_prob"), ({"interval_min": 0}, "interval_min"),
    ({"routing": "random"}, "routing"), ({"channels": ()}, "channels"),
    ({"channels": (PHONE, PHONE)}, "channels"),
])
def test_center_config_names_bad_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        CenterConfig(**{"channels": (PHONE,), **kwargs})


@pytest.mark.parametrize("dist, field", [(lambda: Exponential(0.0), "mean"),
                                         (lambda: LogNormal(cv=-1.0), "cv"),
                                         (lambda: Empirical(()), "values")])
def test_distributions_validate(dist, field):
    with pytest.raises(ValueError, match=field):
        dist()


@pytest.mark.parametrize("dist", [Exponential(2.0), LogNormal(cv=0.8, mean=2.0),
                                  Empirical((1.0, 2.0, 3.0))])
def test_distribution_sample_mean(dist):
    x = dist.sample(np.random.default_rng(0), 200_000)
    assert x.shape == (200_000,) and (x >= 0).all()
    assert x.mean() == pytest.approx(dist.mean, rel=0.02)


def test_lognormal_has_requested_cv():
    x = LogNormal(cv=0.6, mean=300.0).sample(np.random.default_rng(1), 400_000)
    assert x.std() / x.mean() == pytest.approx(0.6, rel=0.03)


def test_default_factor_is_no_stretch():
    assert ChannelSim("chat", kind="chat", concurrency=3).concurrency_aht_factor == (1.0,) * 3


def test_missing_columns_are_named():
    cfg = CenterConfig(channels=(PHONE,))
    dem = demand("phone", 5.0, 100.0, 4).drop(columns="aht_s")
    with pytest.raises(ValueError, match="aht_s"):
        simulate_staffing(dem, staffing("phone", 2, 4), cfg, replications=1, seed=0)
    skills = pd.DataFrame({"agent_id": ["A"], "channel": ["phone"]})
    with pytest.raises(ValueError, match="priority"):
        simulate_roster(demand("phone", 5.0, 100.0, 4), assignments("A", "phone", [0], 4),
                        skills, cfg, replications=1, seed=0)


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d.assign(volume=-1.0), "volume"),
    (lambda d: d.assign(aht_s=0.0), "aht_s"),
    (lambda d: d.assign(channel="fax"), "channel"),
    (lambda d: d.assign(ds=d["ds"].dt.tz_localize(None)), "tz-aware"),
    (lambda d: d.assign(ds=d["ds"] + pd.Timedelta(minutes=7) * np.arange(len(d))), "grid"),
])
def test_bad_demand_values_are_named(mutate, field):
    cfg = CenterConfig(channels=(PHONE,))
    with pytest.raises(ValueError, match=field):
        simulate_staffing(mutate(demand("phone", 5.0, 100.0, 4)), staffing("phone", 2, 4), cfg,
                          replications=1, seed=0)


def test_bad_roster_inputs_are_named():
    cfg = CenterConfig(channels=(PHONE,))
    dem = demand("phone", 5.0, 100.0, 4)
    ok_skills = pd.DataFrame({"agent_id": ["A"], "channel": ["phone"], "priority": [1]})
    dup = pd.concat([assignments("A", "phone", [0], 4)] * 2)
    with pytest.raises(ValueError, match="duplicate"):
        simulate_roster(dem, dup, ok_skills, cfg, replications=1, seed=0)
    with pytest.raises(ValueError, match="priority"):
        simulate_roster(dem, assignments("A", "phone", [0], 4), ok_skills.assign(priority=0),
                        cfg, replications=1, seed=0)
    with pytest.raises(ValueError, match="replications"):
        simulate_roster(dem, assignments("A", "phone", [0], 4), ok_skills, cfg,
                        replications=0, seed=0)
    with pytest.raises(ValueError, match="agents"):
        simulate_staffing(dem, staffing("phone", 1.5, 4), cfg, replications=1, seed=0)
