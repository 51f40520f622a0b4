"""Simulation speed: Staffcast's engine against SimPy and Ciw, and the sample week.

(a) One M/M/n+M queue: 50 agents, 90% load, exponential handle time (300 s) and patience
    (180 s), 1,000,000 arrivals. Staffcast runs them through ``simulate_staffing``; SimPy and
    Ciw run the same model written here (``--baseline-arrivals`` contacts each, default
    200,000, since they are 50-100x slower; contacts per second does not depend on it).
    Staffcast's time is the best of 3 runs, the baselines' of one. Each prints service
    level (answered within 20 s / offered) and abandonment, next to exact Erlang A.
(b) The sample center's plan week (4 channels, 120 multi-skilled agents, shifts with
    breaks and lunch, 8% absence, chat/social concurrency, 10% day-level forecast error):
    30 replications, wall time.
    Demand is the mean of the last four weeks of ``data/sample/history.csv.gz`` by weekday
    and time of day; the roster is built here by a greedy square-root-staffing heuristic.

The last line is one JSON object. Run: ``python benchmarks/simulation_speed.py``
(``--baseline-arrivals 1000000`` for full-size baselines, ``--skip-baselines`` to omit them).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tomllib
from pathlib import Path

import numba
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulation import (CenterConfig, ChannelSim, LogNormal,  # noqa: E402
                        simulate_roster, simulate_staffing)

SAMPLE = ROOT / "data" / "sample"
N_AGENTS, LOAD_FRAC, AHT_S, PATIENCE_S, ANSWER_S = 50, 0.9, 300.0, 180.0, 20.0
LAM = LOAD_FRAC * N_AGENTS / AHT_S  # arrivals per second


def erlang_a_reference(k_max: int = 600) -> dict[str, float]:
    """Exact M/M/n+M (Erlang A) service level and abandonment of model (a), for reference.

    Birth-death chain with birth ``lam`` and death ``min(k, n) mu + max(k - n, 0) theta``
    (Palm 1943); an arrival that waits behind m others climbs at rate ``n mu + m theta``
    and abandons at rate ``theta``; P(answered within T) from the matrix exponential.
    """
    from scipy import linalg

    n, lam, mu, theta = N_AGENTS, LAM, 1 / AHT_S, 1 / PATIENCE_S
    k = np.arange(k_max + 1)
    death = np.minimum(k, n) * mu + np.maximum(k - n, 0) * theta
    logp = np.concatenate(([0.0], np.cumsum(np.log(lam) - np.log(death[1:]))))
    p = np.exp(logp - logp.max())
    p /= p.sum()
    m = np.arange(k_max - n + 1)
    move = n * mu + m * theta
    gen = np.zeros((m.size + 1, m.size + 1))
    gen[m, m] = -(move + theta)
    gen[m[1:], m[1:] - 1] = move[1:]
    gen[0, -1] = n * mu
    within = p[:n].sum() + p[n:] @ linalg.expm(gen * ANSWER_S)[:-1, -1]
    return {"service_level": float(within),
            "abandon_frac": float(theta * np.sum(np.maximum(k - n, 0) * p) / lam)}


def staffcast_queue(n_arrivals: int, seed: int = 1, repeats: int = 3) -> dict[str, float]:
    """Single queue through the public API, best of ``repeats`` runs (the first also pays
    the one-off numba cache load and the first touch of its memory)."""
    cfg = CenterConfig(channels=(ChannelSim("phone", answer_s=ANSWER_S,
                                            patience_s=PATIENCE_S),))
    per_int = LAM * 900.0
    n_int = int(np.ceil(n_arrivals / per_int))
    ds = pd.date_range("2026-11-30", periods=n_int, freq="15min", tz="Asia/Shanghai")
    demand = pd.DataFrame({"channel": "phone", "ds": ds, "volume": per_int, "aht_s": AHT_S})
    staff = pd.DataFrame({"channel": "phone", "ds": ds, "agents": N_AGENTS})
    simulate_staffing(demand.head(8), staff.head(8), cfg, replications=1, seed=0)  # warm-up
    wall = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = simulate_staffing(demand, staff, cfg, replications=1, seed=seed)
        wall = min(wall, time.perf_counter() - t0)
    f = res.intervals
    offered = f["offered"].sum()
    return {"contacts": int(offered), "seconds": wall, "contacts_per_s": offered / wall,
            "service_level": f["answered_within"].sum() / offered,
            "abandon_frac": f["abandoned"].sum() / offered}


def simpy_queue(n_arrivals: int, seed: int = 1) -> dict[str, float]:
    """The same M/M/50+M queue in SimPy: a Resource, reneging via ``req | timeout``."""
    import simpy

    rng = random.Random(seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=N_AGENTS)
    counts = {"within": 0, "answered": 0, "abandoned": 0}

    def customer(env):
        arrived = env.now
        with agents.request() as req:
            got = yield req | env.timeout(rng.expovariate(1 / PATIENCE_S))
            if req not in got:
                counts["abandoned"] += 1
                return
            counts["answered"] += 1
            counts["within"] += env.now - arrived <= ANSWER_S
            yield env.timeout(rng.expovariate(1 / AHT_S))

    def source(env):
        for _ in range(n_arrivals):
            yield env.timeout(rng.expovariate(LAM))
            env.process(customer(env))

    env.process(source(env))
    t0 = time.perf_counter()
    env.run()
    wall = time.perf_counter() - t0
    return {"contacts": n_arrivals, "seconds": wall, "contacts_per_s": n_arrivals / wall,
            "service_level": counts["within"] / n_arrivals,
            "abandon_frac": counts["abandoned"] / n_arrivals}


def ciw_queue(n_arrivals: int, seed: int = 1) -> dict[str, float]:
    """The same queue in Ciw, run for the time in which ``n_arrivals`` are expected."""
    import ciw

    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAM)],
        service_distributions=[ciw.dists.Exponential(rate=1 / AHT_S)],
        number_of_servers=[N_AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1 / PATIENCE_S)])
    ciw.seed(seed)
    sim = ciw.Simulation(net)
    t0 = time.perf_counter()
    sim.simulate_until_max_time(n_arrivals / LAM)
    wall = time.perf_counter() - t0
    recs = sim.get_all_records()
    served = [r for r in recs if r.record_type == "service"]
    reneged = sum(r.record_type == "renege" for r in recs)
    offered = len(served) + reneged
    within = sum(r.waiting_time <= ANSWER_S for r in served)
    return {"contacts": offered, "seconds": wall, "contacts_per_s": offered / wall,
            "service_level": within / offered, "abandon_frac": reneged / offered}


def week_demand(scenario: dict) -> pd.DataFrame:
    """Mean of the last four weeks by weekday and time of day, moved to the plan week."""
    hist = pd.read_csv(SAMPLE / scenario["history"])
    hist["ds"] = pd.to_datetime(hist["ds"]).dt.tz_convert(scenario["timezone"])
    start = pd.Timestamp(scenario["week_start"], tz=scenario["timezone"])
    last4 = hist[hist["ds"] >= start - pd.Timedelta(days=28)].copy()
    last4["slot"] = ((last4["ds"] - start) % pd.Timedelta(days=7)) // pd.Timedelta(minutes=15)
    last4["work"] = last4["volume"] * last4["aht_s"].fillna(0)
    g = last4.groupby(["channel", "slot"])[["volume", "work"]].mean().reset_index()
    g["aht_s"] = np.where(g["volume"] > 0, g["work"] / g["volume"].where(g["volume"] > 0), 0)
    g["ds"] = start + pd.to_timedelta(g["slot"] * 15, unit="min")
    return g[["channel", "ds", "volume", "aht_s"]]


def center_config(scenario: dict) -> CenterConfig:
    chans = []
    for name, c in scenario["channels"].items():
        chans.append(ChannelSim(
            name, kind=c["kind"], mode=c["mode"], answer_s=float(c["answer_s"]),
            service_level=float(c["service_level"]),
            patience_s=float(c["patience_s"]) if "patience_s" in c else None,
            handle_time=LogNormal(cv=0.8), concurrency=int(c.get("concurrency", 1)),
            concurrency_aht_factor=tuple(c["concurrency_aht_factor"])
            if "concurrency_aht_factor" in c else None, volume_cv=0.1, volume_cv_per="day"))
    return CenterConfig(channels=tuple(chans), interval_min=15,
                        absence_prob=scenario["shrinkage"]["absence_frac"])


def need_per_interval(demand: pd.DataFrame, cfg: CenterConfig) -> dict[str, np.ndarray]:
    """Square-root staffing ``load + sqrt(load)`` per interval (only to shape the roster)."""
    out = {}
    for ch in cfg.channels:
        d = demand[demand["channel"] == ch.channel].sort_values("ds")
        cap = ch.concurrency / ch.concurrency_aht_factor[-1]
        load = d["volume"].to_numpy() * d["aht_s"].to_numpy() / (900.0 * cap)
        out[ch.channel] = np.where(load > 0, np.ceil(load + np.sqrt(load)), 0)
    return out


def greedy_roster(demand: pd.DataFrame, cfg: CenterConfig, scenario: dict):
    """Each agent works 5 (full time, 9 h with lunch and two breaks) or 6 (part time, 4 h
    with one break) days on the primary skill, starting where the remaining need is largest."""
    agents = pd.read_csv(SAMPLE / scenario["agents"])
    skills = agents.assign(skill=agents["skills"].str.split(";")).explode("skill")
    skills[["channel", "priority"]] = skills["skill"].str.split(":", expand=True)
    skills = skills.assign(priority=skills["priority"].astype(int))[
        ["agent_id", "channel", "priority"]]
    need = need_per_interval(demand, cfg)
    ds = np.sort(demand["ds"].unique())
    rows = []
    for k, ag in enumerate(agents.itertuples()):
        primary = skills[(skills["agent_id"] == ag.agent_id) & (skills["priority"] == 1)]
        ch = primary["channel"].iloc[0]
        full = ag.contract == "full_time"
        days = [d for d in range(7) if (d - k) % 7 < (5 if full else 6)]
        length, off = (36, {8, 16, 17, 18, 19, 28}) if full else (16, {8})
        for day in days:
            base = day * 96 + 32                          # 08:00
            starts = range(base, base + 96 - 32 - 4 - length + 1, 2)  # end by 23:00
            best = max(starts, key=lambda s: need[ch][s:s + length].sum())
            for i in range(best, best + length):
                if i - best not in off:
                    rows.append((ag.agent_id, ds[i], ch))
            need[ch][best:best + length] -= 1
    roster = pd.DataFrame(rows, columns=["agent_id", "ds", "channel"])
    roster["ds"] = pd.to_datetime(roster["ds"]).dt.tz_convert(scenario["timezone"])
    return roster, skills


def week(replications: int) -> dict[str, float]:
    """Time 30 replications of the week with one numba thread, then with all (2) cores."""
    scenario = tomllib.loads((SAMPLE / "scenario.toml").read_text())
    cfg = center_config(scenario)
    demand = week_demand(scenario)
    roster, skills = greedy_roster(demand, cfg, scenario)
    simulate_roster(demand.head(50), roster.head(50), skills, cfg, replications=2, seed=0)
    threads = numba.get_num_threads()
    for n_threads in sorted({1, threads}):
        numba.set_num_threads(n_threads)
        t0 = time.perf_counter()
        res = simulate_roster(demand, roster, skills, cfg, replications=replications, seed=7)
        wall = time.perf_counter() - t0
        print(f"(b) sample week, {n_threads} numba thread(s): {wall:.3f} s")
    numba.set_num_threads(threads)
    f = res.intervals.groupby("channel")[["offered", "answered_within", "abandoned"]].sum()
    for ch, r in f.iterrows():
        print(f"  week {ch:>6}: offered/rep {r['offered'] / replications:8.0f}  "
              f"SL {r['answered_within'] / r['offered']:.3f}  "
              f"abandon {r['abandoned'] / r['offered']:.3f}")
    return {"seconds": wall, "contacts": int(f["offered"].sum()),
            "agents": int(roster["agent_id"].nunique()), "intervals": int(len(demand) / 4)}


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arrivals", type=int, default=1_000_000)
    ap.add_argument("--baseline-arrivals", type=int, default=200_000)
    ap.add_argument("--replications", type=int, default=30)
    ap.add_argument("--skip-baselines", action="store_true")
    args = ap.parse_args(argv)
    out: dict[str, float] = {}
    runs = [("staffcast", staffcast_queue, args.arrivals)]
    if not args.skip_baselines:
        runs += [("simpy", simpy_queue, args.baseline_arrivals),
                 ("ciw", ciw_queue, args.baseline_arrivals)]
    for name, fn, n in runs:
        r = fn(n)
        print(f"(a) {name:>9}: {r['contacts']:>9d} contacts in {r['seconds']:7.3f} s = "
              f"{r['contacts_per_s'] / 1e6:7.3f} M/s  SL {r['service_level']:.4f}  "
              f"abandon {r['abandon_frac']:.4f}")
        key = "contacts_per_s" if name == "staffcast" else f"{name}_contacts_per_s"
        out[key] = round(r["contacts_per_s"])
    ref = erlang_a_reference()
    print(f"(a)  Erlang A: exact                                      SL "
          f"{ref['service_level']:.4f}  abandon {ref['abandon_frac']:.4f}")
    if "simpy_contacts_per_s" in out:
        out["speedup_vs_simpy"] = round(out["contacts_per_s"] / out["simpy_contacts_per_s"], 1)
    w = week(args.replications)
    print(f"(b) sample week: {w['agents']} agents, {w['intervals']} intervals, "
          f"{args.replications} replications, {w['contacts']} contacts in {w['seconds']:.3f} s")
    out["week_30_replications_s" if args.replications == 30 else "week_replications_s"] = \
        round(w["seconds"], 3)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
