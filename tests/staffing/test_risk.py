"""Risk under forecast uncertainty: gamma-Poisson averages checked by Monte Carlo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from staffing import ChannelTarget, cv_from_interval, erlang_a, erlang_c, \
    expected_service_level, rate_quantile, required_agents, staffing_requirements, \
    staffing_risk


@pytest.mark.parametrize("patience", [None, 300.0])
def test_expected_service_level_matches_monte_carlo(patience):
    rate, aht, n, t, cv = 100 / 1800, 180.0, 14, 20.0, 0.2
    res = expected_service_level(rate, aht, n, t, cv, target=0.8, patience_s=patience)
    rng = np.random.default_rng(11)
    lam = rng.gamma(1 / cv**2, rate * cv**2, 200_000)
    if patience is None:
        sl = erlang_c(lam, aht, n, t)["service_level"]
    else:
        sl = erlang_a(lam, aht, patience, n, t)["service_level"]
    # contact-weighted mean; Monte Carlo standard error ~ 7e-4
    assert res["expected_service_level"][0] == pytest.approx(np.average(sl, weights=lam),
                                                             abs=3e-3)
    assert res["p_miss"][0] == pytest.approx((sl < 0.8).mean(), abs=5e-3)
    assert res["expected_service_level"][0] < res["service_level_at_mean"][0]


def test_no_uncertainty_reduces_to_the_point_model():
    res = expected_service_level([0.05, 0.1], 180.0, [14, 25], 20.0, 0.0, target=0.8)
    point = erlang_c([0.05, 0.1], 180.0, [14, 25], 20.0)["service_level"]
    assert np.allclose(res["expected_service_level"], point)
    assert np.array_equal(res["p_miss"], (point < 0.8).astype(float))


def test_more_agents_lower_the_chance_of_missing():
    p = expected_service_level(0.05, 180.0, np.arange(11, 25), 20.0, 0.15, target=0.8)["p_miss"]
    assert np.all(np.diff(p) <= 1e-12) and p[0] > 0.5 and p[-1] < 0.01


def test_quantiles_and_cv():
    assert rate_quantile(100.0, 0.0, 0.9) == 100.0
    q = rate_quantile(100.0, 0.1, np.array(0.5))
    assert 99.0 < q < 100.0  # gamma median sits just below the mean
    assert rate_quantile(100.0, 0.1, 0.9) > rate_quantile(100.0, 0.1, 0.8) > 100.0
    # interval equal to pure Poisson noise -> no extra uncertainty
    z = 1.2815515655446004
    assert cv_from_interval(100.0, 100 - z * 10, 100 + z * 10) == pytest.approx(0.0, abs=1e-6)
    assert cv_from_interval(100.0, 70.0, 130.0) > 0.1
    with pytest.raises(ValueError, match="quantile"):
        rate_quantile(1.0, 0.1, 1.0)
    with pytest.raises(ValueError, match="level"):
        cv_from_interval(1.0, 0.5, 2.0, level=100)


def test_staffing_risk_frame():
    ds = pd.date_range("2026-11-30 08:00", periods=16, freq="15min", tz="Asia/Shanghai")
    vol = np.linspace(20, 60, 16)
    fc = pd.DataFrame({"channel": "phone", "ds": ds, "volume": vol, "aht_s": 300.0,
                       "volume_lo_80": vol * 0.8, "volume_hi_80": vol * 1.2})
    target = ChannelTarget("phone", "voice", "realtime", 0.8, 20, patience_s=120,
                           max_occupancy=0.88)
    req = staffing_requirements(fc, [target], 15)
    risk = staffing_risk(req, fc, [target], 15, quantile=0.9)
    assert list(risk.columns) == ["channel", "ds", "cv_frac", "expected_service_level",
                                  "p_miss_target", "required_agents_q"]
    assert (risk["required_agents_q"] >= req["required_agents"]).all()
    assert (risk["p_miss_target"].between(0, 1)).all()
    rate_q = rate_quantile(vol / 900, risk["cv_frac"].to_numpy(), 0.9)
    expected_q = required_agents(rate_q, 300.0, 20, 0.8, patience_s=120, max_occupancy=0.88)
    assert (risk["required_agents_q"].to_numpy() == expected_q).all()
