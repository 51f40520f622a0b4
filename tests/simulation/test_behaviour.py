"""Behaviour of the center model: Little's law, idle agents, breaks, routing, email, chat."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation import CenterConfig, ChannelSim, LogNormal, simulate_roster, simulate_staffing

from .helpers import assignments, demand, grid, staffing

PHONE = ChannelSim("phone", answer_s=20.0, patience_s=120.0)


def skills(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["agent_id", "channel", "priority"])


def test_littles_law_for_busy_agents():
    """Mean busy agents L equals throughput x mean handle time (L = lambda W)."""
    n, aht_s, n_int = 20, 200.0, 64
    cfg = CenterConfig(channels=(PHONE,))
    res = simulate_staffing(demand("phone", 0.9 * n * 900 / aht_s, aht_s, n_int),
                            staffing("phone", n, n_int), cfg, replications=8, seed=3)
    f = res.intervals[res.intervals["ds"] < grid(n_int)[-1]]
    busy_agents = (f["occupancy"] * f["agents"]).mean()       # L, time average
    throughput = f["answered"].sum() / (f["ds"].nunique() * 8 * 900.0)  # lambda_eff per s
    assert busy_agents == pytest.approx(throughput * aht_s, rel=0.02)


def test_zero_arrivals_leave_agents_idle():
    cfg = CenterConfig(channels=(PHONE,))
    res = simulate_staffing(demand("phone", 0.0, 300.0, 8), staffing("phone", 5, 8), cfg,
                            replications=3, seed=1)
    f = res.intervals
    assert (f[["offered", "answered", "abandoned"]].to_numpy() == 0).all()
    assert (f["occupancy"] == 0).all() and (f["agents"] == 5).all()
    assert f["service_level"].isna().all()
    assert res.daily["p_meet_target"].isna().all()


def test_agent_on_break_serves_nobody():
    """One agent on break in interval 1: its callers wait until the break ends."""
    n_int = 3
    cfg = CenterConfig(channels=(ChannelSim("phone", answer_s=1.0),))
    dem = demand("phone", [0.0, 6.0, 0.0], 10.0, n_int)
    roster = assignments("A1", "phone", [0, 2], n_int)
    res = simulate_roster(dem, roster, skills([("A1", "phone", 1)]), cfg, replications=5,
                          seed=2)
    brk = res.intervals[res.intervals["ds"] == grid(n_int)[1]]
    assert brk["offered"].sum() > 0
    assert (brk["agents"] == 0).all() and brk["occupancy"].isna().all()
    assert (brk["answered"] == brk["offered"]).all()       # served after the break
    assert (brk["answered_within"] == 0).all()
    assert (brk["asa_s"] > 0).all()


def test_agent_finishes_contact_after_shift_end():
    """No preemption: a long call started before the shift ends is still answered."""
    n_int = 2
    cfg = CenterConfig(channels=(ChannelSim("phone", answer_s=60.0),))
    dem = demand("phone", [3.0, 0.0], 3000.0, n_int)
    res = simulate_roster(dem, assignments("A1", "phone", [0], n_int),
                          skills([("A1", "phone", 1)]), cfg, replications=20, seed=4)
    first = res.intervals[res.intervals["ds"] == grid(n_int)[0]]
    served = first[first["offered"] > 0]
    assert (served["answered"] >= 1).all()                  # the first caller is served
    assert (served["answered"] < served["offered"]).any()   # nobody after the shift


@pytest.mark.parametrize("routing, favoured", [("planned", "chat"), ("skills", "phone")])
def test_routing_planned_versus_skills(routing, favoured):
    """An agent planned on chat but with phone as primary skill, both queues overloaded."""
    n_int = 8
    cfg = CenterConfig(channels=(ChannelSim("phone", answer_s=20.0),
                                 ChannelSim("chat", kind="chat", answer_s=40.0)),
                       routing=routing)
    dem = pd.concat([demand("phone", 20.0, 120.0, n_int), demand("chat", 20.0, 120.0, n_int)])
    roster = assignments("A1", "chat", range(n_int), n_int)
    res = simulate_roster(dem, roster, skills([("A1", "phone", 1), ("A1", "chat", 2)]), cfg,
                          replications=3, seed=9)
    answered = res.intervals.groupby("channel")["answered"].sum()
    other = "phone" if favoured == "chat" else "chat"
    assert answered[favoured] > 10 * max(answered[other], 1)


def test_email_never_abandons_and_waits_for_realtime():
    """Email is worked only when no phone call waits; it never abandons."""
    n_int = 16
    cfg = CenterConfig(channels=(PHONE, ChannelSim("email", kind="email", mode="deferred",
                                                   answer_s=14400.0)), routing="skills")
    heavy = demand("phone", [60.0] * 8 + [0.0] * 8, 300.0, n_int)   # 20 erlangs on 4 agents
    dem = pd.concat([heavy, demand("email", 5.0, 300.0, n_int)])
    roster = pd.concat([assignments(f"A{i}", "phone", range(n_int), n_int) for i in range(4)])
    sk = skills([(f"A{i}", c, p) for i in range(4) for c, p in (("phone", 1), ("email", 2))])
    res = simulate_roster(dem, roster, sk, cfg, replications=4, seed=6)
    email = res.intervals[res.intervals["channel"] == "email"]
    assert (email["abandoned"] == 0).all()
    # the phone queue is never empty after the first minutes until calls stop at interval
    # 8, so an email arriving in interval i (1..5) waits at least until then
    pos = np.searchsorted(grid(n_int), email["ds"])
    busy = (pos >= 1) & (pos <= 5) & (email["answered"] > 0).to_numpy()
    assert busy.sum() > 0
    assert (email["asa_s"].to_numpy()[busy] >= (7 - pos[busy]) * 900.0).all()
    assert email["answered"].sum() == email["offered"].sum()   # all done in the quiet half


def test_chat_concurrency_raises_throughput():
    n_int = 16
    dem = demand("chat", 30.0, 300.0, n_int)
    out = {}
    for k in (1, 3):
        ch = ChannelSim("chat", kind="chat", answer_s=40.0, patience_s=60.0, concurrency=k,
                        concurrency_aht_factor=(1.0,) * k)
        res = simulate_staffing(dem, staffing("chat", 2, n_int), CenterConfig(channels=(ch,)),
                                replications=4, seed=8)
        out[k] = res.intervals["answered"].sum()
    assert out[3] > 1.8 * out[1]


def test_absence_removes_agent_days():
    n_int = 96 * 2
    cfg = CenterConfig(channels=(PHONE,), absence_prob=0.5)
    res = simulate_staffing(demand("phone", 10.0, 200.0, n_int), staffing("phone", 40, n_int),
                            cfg, replications=10, seed=12)
    mean_agents = res.intervals["agents"].mean()
    assert 15 < mean_agents < 25
    per_day = res.intervals.assign(date=res.intervals["ds"].dt.date).groupby(
        ["replication", "date"])["agents"].nunique()
    assert (per_day == 1).all()          # absence is per agent-day, constant within a day


def test_overdispersion_widens_volume_spread():
    n_int = 4
    spread = {}
    for cv in (0.0, 0.4):
        ch = ChannelSim("phone", volume_cv=cv, handle_time=LogNormal(cv=0.5))
        res = simulate_staffing(demand("phone", 200.0, 100.0, n_int),
                                staffing("phone", 30, n_int), CenterConfig(channels=(ch,)),
                                replications=60, seed=13)
        spread[cv] = res.intervals["offered"].var() / res.intervals["offered"].mean()
    assert spread[0.0] == pytest.approx(1.0, abs=0.4)      # Poisson: variance = mean
    assert spread[0.4] > 10


def test_same_seed_same_result_different_seed_differs():
    cfg = CenterConfig(channels=(PHONE,), absence_prob=0.1)
    args = (demand("phone", 50.0, 200.0, 20), staffing("phone", 12, 20), cfg)
    a = simulate_staffing(*args, replications=3, seed=21)
    b = simulate_staffing(*args, replications=3, seed=21)
    c = simulate_staffing(*args, replications=3, seed=22)
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    assert not a.intervals["offered"].equals(c.intervals["offered"])


def test_day_level_overdispersion_moves_whole_days():
    """With one gamma multiplier per day, a day's intervals run high or low together, so
    daily totals vary far more than under per-interval multipliers of the same cv."""
    n_int = 96 * 2
    spread = {}
    for per in ("interval", "day"):
        ch = ChannelSim("phone", volume_cv=0.3, volume_cv_per=per)
        res = simulate_staffing(demand("phone", 20.0, 100.0, n_int),
                                staffing("phone", 5, n_int), CenterConfig(channels=(ch,)),
                                replications=40, seed=14)
        daily = res.intervals.assign(date=res.intervals["ds"].dt.date).groupby(
            ["replication", "date"])["offered"].sum()
        by_date = daily.groupby(level="date")
        spread[per] = (by_date.std() / by_date.mean()).mean()   # cv across replications
    assert spread["day"] == pytest.approx(0.3, abs=0.08)
    assert spread["interval"] < 0.1


def test_concurrent_calls_from_threads_match_sequential():
    """Streamlit runs sessions in threads: simultaneous simulations give the same frames."""
    from concurrent.futures import ThreadPoolExecutor

    cfg = CenterConfig(channels=(PHONE,))
    args = (demand("phone", 30.0, 200.0, 16), staffing("phone", 8, 16), cfg)
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(simulate_staffing, *args, replications=3, seed=s) for s in (1, 2)]
        results = [f.result() for f in futures]
    for s, res in zip((1, 2), results):
        pd.testing.assert_frame_equal(res.intervals,
                                      simulate_staffing(*args, replications=3, seed=s).intervals)


def test_result_does_not_depend_on_thread_count():
    import numba

    cfg = CenterConfig(channels=(PHONE,), absence_prob=0.1)
    args = (demand("phone", 30.0, 200.0, 16), staffing("phone", 8, 16), cfg)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = simulate_staffing(*args, replications=4, seed=5)
    finally:
        numba.set_num_threads(threads)
    pd.testing.assert_frame_equal(one.summary,
                                  simulate_staffing(*args, replications=4, seed=5).summary)
