"""Exactness at 2,000 agents and 1,500 Erlangs against an independent birth-death solve."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from staffing import erlang_a, erlang_c, required_agents


def _birth_death(rate: float, aht: float, patience: float | None, n: int) -> dict[str, float]:
    """Stationary M/M/n(+M) distribution in log space, truncated far in the tail."""
    load = rate * aht
    j = np.arange(0, n + 1)
    log_p = j * np.log(load) - special.gammaln(j + 1.0)
    k = np.arange(1, 200_000)
    death = n / aht + (k / patience if patience else np.zeros(k.size))
    log_q = log_p[-1] + np.cumsum(np.log(rate / death))
    log_all = np.concatenate([log_p, log_q])
    p = np.exp(log_all - special.logsumexp(log_all))
    assert p[-1] < 1e-300 or p[-1] < 1e-20 * p.max()  # truncation is harmless
    queue = np.concatenate([np.zeros(n + 1), k.astype(float)])
    busy = np.minimum(np.arange(p.size), n)
    e_q = float(queue @ p)
    return {"p_wait": float(p[n:].sum()), "mean_queue": e_q, "asa_s": e_q / rate,
            "occupancy": float(busy @ p) / n}


@pytest.mark.parametrize("n, load", [(2000, 1500.0), (1560, 1500.0), (1501, 1500.0)])
def test_erlang_c_large(n, load):
    aht = 300.0
    ref = _birth_death(load / aht, aht, None, n)
    got = erlang_c(load / aht, aht, n, 20.0)
    for key in ("p_wait", "asa_s", "occupancy"):
        assert float(got[key]) == pytest.approx(ref[key], rel=1e-8, abs=1e-300), key


@pytest.mark.parametrize("n, load", [(2000, 1500.0), (1500, 1500.0), (1400, 1500.0),
                                     (1560, 1500.0)])
def test_erlang_a_large(n, load):
    aht, patience = 300.0, 120.0
    ref = _birth_death(load / aht, aht, patience, n)
    got = erlang_a(load / aht, aht, patience, n, 20.0)
    for key in ("p_wait", "asa_s", "mean_queue", "occupancy"):
        assert float(got[key]) == pytest.approx(ref[key], rel=1e-8, abs=1e-250), key
    assert float(got["p_abandon"]) == pytest.approx(ref["mean_queue"] / patience / (load / aht),
                                                    rel=1e-8, abs=1e-250)


def test_required_agents_large_loads_are_fast_and_sane():
    load = np.array([1.0, 10.0, 300.0, 1500.0])
    n_c = required_agents(load / 300.0, 300.0, 20.0, 0.8, max_occupancy=0.95)
    n_a = required_agents(load / 300.0, 300.0, 20.0, 0.8, patience_s=120.0)
    assert np.all(n_c > load) and np.all(n_c < load + 5 * np.sqrt(load) + 10)
    assert np.all(n_a <= n_c) and np.all(n_a >= 0.8 * load)


@pytest.mark.parametrize("sl_definition", ["offered", "answered", "offered_excl_short_abandons"])
def test_erlang_a_service_level_definitions_by_monte_carlo(sl_definition):
    """Tagged arrivals drawn from the stationary law (PASTA): offered wait V is a sum of
    exponentials with rates n mu + i theta for the i customers ahead; patience Exp."""
    rate, aht, patience, n, t, t0 = 100 / 1800, 180.0, 300.0, 10, 20.0, 10.0
    load = rate * aht
    rng = np.random.default_rng(3)
    j = np.arange(0, n + 400)
    log_p = np.where(j <= n, j * np.log(load) - special.gammaln(j + 1.0), 0.0)
    ahead = np.maximum(j - n, 0)
    log_q = np.cumsum(np.log(rate / (n / aht + np.arange(1, 400) / patience)))
    log_p[n + 1:] = log_p[n] + log_q
    p = np.exp(log_p - special.logsumexp(log_p))
    states = rng.choice(j, size=400_000, p=p)
    q = ahead[states]
    waits = states >= n
    v = np.zeros(states.size)
    idx = np.repeat(np.flatnonzero(waits), q[waits] + 1)
    pos = np.concatenate([np.arange(k + 1) for k in q[waits]])
    np.add.at(v, idx, rng.exponential(1.0 / (n / aht + pos / patience)))
    tau = rng.exponential(patience, states.size)
    served_in_t = (~waits) | ((v <= t) & (tau > v))
    abandon = waits & (tau < v)
    short = waits & (tau < np.minimum(v, t0))
    mc = {"offered": served_in_t.mean(),
          "answered": served_in_t.mean() / (1 - abandon.mean()),
          "offered_excl_short_abandons": served_in_t.mean() / (1 - short.mean())}
    got = erlang_a(rate, aht, patience, n, t, sl_definition=sl_definition,
                   short_abandon_s=t0)["service_level"]
    assert float(got) == pytest.approx(mc[sl_definition], abs=4e-3)  # MC s.e. ~8e-4
