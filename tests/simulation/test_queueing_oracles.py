"""Stationary validation: simulated M/M/n and M/M/n+M against Erlang C and Erlang A.

The oracles are written here (stages do not import each other):

* Erlang C (Erlang 1917; Gans, Koole & Mandelbaum 2003, eq. 2):
  ``P(wait) = C(n, a)``, ``SL(T) = 1 - C exp(-(n mu - lam) T)``, ``ASA = C / (n mu - lam)``.
* Erlang A (Palm 1943; Garnett, Mandelbaum & Reiman 2002): the birth-death chain with
  birth ``lam`` and death ``min(k, n) mu + max(k - n, 0) theta``; an arrival sees the
  stationary state (PASTA) and, if it must wait behind ``m`` others, climbs to the head at
  rate ``n mu + m theta`` and abandons at rate ``theta``. Service level and ASA follow from
  that absorbing chain (matrix exponential and expected occupation times).

The simulated figures pool a long stationary day per replication (warm-up and the closing
interval dropped); the oracle must lie in the 99% t confidence interval of the mean.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import linalg, stats

from simulation import CenterConfig, ChannelSim, simulate_staffing

from .helpers import demand, staffing

N_INT = 96          # one day of 15-minute intervals
WARMUP = 4          # intervals dropped at the start (the queue starts empty)
REPS = 20


def erlang_c(n: int, lam: float, mu: float, answer_s: float) -> dict[str, float]:
    """Erlang C probability of wait, service level and ASA (stable form via Erlang B)."""
    a = lam / mu
    b = 1.0
    for k in range(1, n + 1):  # Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1))
        b = a * b / (k + a * b)
    c = n * b / (n - a * (1 - b))
    return {"service_level": 1 - c * np.exp(-(n * mu - lam) * answer_s),
            "asa_s": c / (n * mu - lam), "abandon_frac": 0.0}


def erlang_a(n: int, lam: float, mu: float, theta: float, answer_s: float,
             k_max: int = 400) -> dict[str, float]:
    """Erlang A service level, ASA of answered contacts and abandonment probability."""
    k = np.arange(k_max + 1)
    death = np.minimum(k, n) * mu + np.maximum(k - n, 0) * theta
    logp = np.concatenate(([0.0], np.cumsum(np.log(lam) - np.log(death[1:]))))
    p = np.exp(logp - logp.max())
    p /= p.sum()
    p_abandon = theta * np.sum(np.maximum(k - n, 0) * p) / lam
    # a waiting arrival with m ahead: transient states m = 0..M, absorbing served/abandoned
    m_max = k_max - n
    m = np.arange(m_max + 1)
    move = n * mu + m * theta              # rate of moving one place up (m -> m-1 or served)
    q = np.diag(-(move + theta))
    q[m[1:], m[1:] - 1] = move[1:]
    to_served = np.zeros(m_max + 1)
    to_served[0] = n * mu
    start = p[n:]                           # arrival sees k >= n: m = k - n ahead
    gen = np.zeros((m_max + 2, m_max + 2))
    gen[:-1, :-1] = q
    gen[:-1, -1] = to_served
    served_by_t = start @ linalg.expm(gen * answer_s)[:-1, -1]
    occupation = np.linalg.solve(-q.T, start)          # expected time in each m
    u = np.cumprod(move / (move + theta))              # P(eventually served | m ahead)
    p_served = np.sum(p[:n]) + start @ u
    wait_served = np.sum(occupation * u)  # E[W 1{served}] = sum_m time in m x P(served|m)
    return {"service_level": np.sum(p[:n]) + served_by_t,
            "asa_s": wait_served / p_served, "abandon_frac": p_abandon}


def simulated(n: int, lam_per_s: float, aht_s: float, patience_s: float | None,
              answer_s: float, seed: int, concurrency: int = 1) -> dict[str, np.ndarray]:
    """Per-replication pooled service level, ASA and abandonment over a stationary day."""
    ch = ChannelSim("phone", answer_s=answer_s, patience_s=patience_s,
                    concurrency=concurrency)
    res = simulate_staffing(demand("phone", lam_per_s * 900, aht_s, N_INT),
                            staffing("phone", n, N_INT), CenterConfig(channels=(ch,)),
                            replications=REPS, seed=seed)
    f = res.intervals
    steady = f[f["ds"].isin(f["ds"].unique()[WARMUP:-1])]
    g = steady.groupby("replication")[["offered", "answered_within", "abandoned",
                                       "answered"]].sum()
    wait = (steady["asa_s"].fillna(0) * steady["answered"]).groupby(
        steady["replication"]).sum()
    return {"service_level": (g["answered_within"] / g["offered"]).to_numpy(),
            "asa_s": (wait / g["answered"]).to_numpy(),
            "abandon_frac": (g["abandoned"] / g["offered"]).to_numpy()}


def assert_in_ci99(values: np.ndarray, expected: float, name: str) -> None:
    mean = values.mean()
    half = stats.t.ppf(0.995, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    assert abs(mean - expected) <= half, (
        f"{name}: sim {mean:.4f} +/- {half:.4f}, oracle {expected:.4f}")


def test_oracles_agree_with_each_other():
    """Erlang A with a vanishing abandonment rate reduces to Erlang C."""
    c = erlang_c(12, 0.04, 1 / 270, 20)
    a = erlang_a(12, 0.04, 1 / 270, 1e-9, 20)
    for key in ("service_level", "asa_s"):
        assert a[key] == pytest.approx(c[key], rel=1e-4)


@pytest.mark.parametrize("n, aht_s, answer_s", [(12, 270.0, 20.0), (30, 180.0, 15.0)])
def test_mmn_matches_erlang_c(n, aht_s, answer_s):
    lam = 0.88 * n / aht_s
    sim = simulated(n, lam, aht_s, None, answer_s, seed=11)
    oracle = erlang_c(n, lam, 1 / aht_s, answer_s)
    for key in ("service_level", "asa_s"):
        assert_in_ci99(sim[key], oracle[key], key)
    assert np.all(sim["abandon_frac"] == 0)


@pytest.mark.parametrize("n, load_frac, aht_s, patience_s", [(10, 1.05, 240.0, 180.0),
                                                             (25, 0.92, 300.0, 120.0)])
def test_mmn_plus_m_matches_erlang_a(n, load_frac, aht_s, patience_s):
    lam = load_frac * n / aht_s
    sim = simulated(n, lam, aht_s, patience_s, 20.0, seed=5)
    oracle = erlang_a(n, lam, 1 / aht_s, 1 / patience_s, 20.0)
    for key in ("service_level", "asa_s", "abandon_frac"):
        assert_in_ci99(sim[key], oracle[key], key)


def test_chat_slots_without_stretch_are_servers():
    """k chats per agent with no handle-time stretch: n agents are n*k Erlang A servers."""
    n, k, aht_s, patience_s = 4, 3, 400.0, 240.0
    lam = 0.95 * n * k / aht_s
    sim = simulated(n, lam, aht_s, patience_s, 40.0, seed=17, concurrency=k)
    oracle = erlang_a(n * k, lam, 1 / aht_s, 1 / patience_s, 40.0)
    for key in ("service_level", "asa_s", "abandon_frac"):
        assert_in_ci99(sim[key], oracle[key], key)
