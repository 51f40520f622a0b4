"""A stored plan with every frame in its documented layout, made without running the solver.

App tests render pages from it in well under a second. The numbers are random but
consistent (coverage counts the assignments, cost is hours × wage), so pages that sum or
pivot them behave as with a real plan; the real pipeline is exercised by the build tests.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from staffcast.storage import PlanStore
from tests.staffcast.small_center import AGENTS, SCENARIO

TZ = "Asia/Shanghai"
WEEK = dt.date(2026, 3, 2)
CHANNELS = {"phone": (30.0, 240.0), "email": (8.0, 420.0)}
STEP_MIN = 30


def _grid() -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(WEEK).tz_localize(TZ), periods=7 * 48, freq=f"{STEP_MIN}min")


def _forecast(rng: np.random.Generator) -> pd.DataFrame:
    ds = _grid()
    hour = ds.hour + ds.minute / 60
    open_ = (hour >= 9) & (hour < 18)
    parts = []
    for channel, (scale, aht) in CHANNELS.items():
        volume = np.where(open_, scale * (1 + 0.5 * np.sin((hour - 9) / 9 * np.pi)), 0.0)
        parts.append(pd.DataFrame({
            "channel": channel, "ds": ds, "volume": volume,
            "volume_lo_80": volume * 0.85, "volume_hi_80": volume * 1.15,
            "volume_lo_95": volume * 0.75, "volume_hi_95": volume * 1.25,
            "aht_s": np.where(open_, aht + rng.normal(0, 5, len(ds)), aht), "model": "slot_average",
            "is_open": open_,
        }))
    return pd.concat(parts, ignore_index=True)


def _requirements(forecast: pd.DataFrame) -> pd.DataFrame:
    load = forecast["volume"] * forecast["aht_s"] / (STEP_MIN * 60)
    required = np.ceil(load / 0.85).where(forecast["is_open"], 0)
    return forecast[["channel", "ds", "volume", "aht_s", "is_open"]].assign(
        load_erlangs=load, required_agents=required, scheduled_required=np.ceil(required / 0.9),
        service_level=np.where(forecast["is_open"], 0.82, 1.0), asa_s=12.0, p_abandon=0.03, occupancy=0.8,
    )


def _roster(agents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows, breaks, work = [], [], []
    for i, agent in enumerate(agents.itertuples()):
        part_time = agent.contract == "part_time"
        for d in range(7):
            if (i + d) % 7 in (5, 6):
                continue
            day = WEEK + dt.timedelta(days=d)
            start = pd.Timestamp(day).tz_localize(TZ) + pd.Timedelta(hours=9)
            end = start + pd.Timedelta(hours=4 if part_time else 9)
            lunch = None if part_time else (start + pd.Timedelta(hours=4), start + pd.Timedelta(hours=5))
            if lunch:
                breaks.append((agent.agent_id, day, "lunch", lunch[0], lunch[1], False))
            rows.append((agent.agent_id, day, start, end, 4.0 if part_time else 8.0,
                         "" if lunch is None else f"{lunch[0]:%H:%M}-{lunch[1]:%H:%M} lunch", agent.contract))
            channel = agent.skills.split(";")[0].split(":")[0]
            for ds in pd.date_range(start, end, freq=f"{STEP_MIN}min", inclusive="left"):
                if lunch is None or not lunch[0] <= ds < lunch[1]:
                    work.append((agent.agent_id, ds, channel))
    roster = pd.DataFrame(rows, columns=["agent_id", "date", "shift_start", "shift_end", "paid_hours", "breaks", "contract"])
    breaks_frame = pd.DataFrame(breaks, columns=["agent_id", "date", "kind", "start", "end", "paid"])
    assignments = pd.DataFrame(work, columns=["agent_id", "ds", "channel"])
    return roster, breaks_frame, assignments


def synthetic_frames(seed: int = 0) -> dict[str, pd.DataFrame]:
    """Every frame of a plan of the small test center (``tests/staffcast/small_center.py``)."""
    rng = np.random.default_rng(seed)
    agents = pd.read_csv(pd.io.common.StringIO(AGENTS), dtype=str)
    forecast = _forecast(rng)
    requirements = _requirements(forecast)
    roster, breaks, assignments = _roster(agents)
    counted = assignments.groupby(["channel", "ds"]).size().rename("scheduled")
    coverage = requirements[["channel", "ds", "scheduled_required"]].rename(columns={"scheduled_required": "required"})
    coverage = coverage.join(counted, on=["channel", "ds"]).fillna({"scheduled": 0})
    coverage["scheduled"] = coverage["scheduled"].astype(int)
    coverage["shortfall"] = (coverage["required"] - coverage["scheduled"]).clip(lower=0)
    coverage["surplus"] = (coverage["scheduled"] - coverage["required"]).clip(lower=0)
    wage = {"full_time": 30.0, "part_time": 25.0}
    cost = roster[["agent_id", "contract", "date", "paid_hours"]].assign(
        base_cost=lambda f: f["paid_hours"] * f["contract"].map(wage), night_premium=0.0,
        day_premium=0.0)
    cost["total_cost"] = cost["base_cost"]
    served = assignments.assign(contract=assignments["agent_id"].map(dict(zip(agents["agent_id"], agents["contract"]))))
    cost_by_channel = served.groupby(["channel", "contract"], as_index=False).size().rename(columns={"size": "n"})
    cost_by_channel["paid_hours"] = cost_by_channel["n"] * STEP_MIN / 60
    cost_by_channel["base_cost"] = cost_by_channel["paid_hours"] * cost_by_channel["contract"].map(wage)
    cost_by_channel = cost_by_channel.drop(columns="n").assign(night_premium=0.0, day_premium=0.0)
    cost_by_channel["total_cost"] = cost_by_channel["base_cost"]
    sim = forecast[["channel", "ds", "volume"]].rename(columns={"volume": "offered"})
    sim = sim.assign(answered=sim["offered"] * 0.97, abandoned=sim["offered"] * 0.03, service_level=0.84,
                     service_level_lo=0.8, service_level_hi=0.88, asa_s=11.0, occupancy=0.78)
    kpis = pd.DataFrame([{
        "channel": channel, "forecast_contacts": float(requirements.loc[requirements["channel"] == channel, "volume"].sum()),
        "required_agent_hours": 100.0, "required_scheduled_hours": 110.0, "scheduled_agent_hours": 120.0,
        "shortfall_agent_hours": 2.0, "service_level_target": 0.8, "target_label": "20 s",
        "simulated_service_level": 0.84, "service_level_lo": 0.8, "service_level_hi": 0.88, "abandon_rate": 0.03,
        "asa_s": 11.0, "occupancy": 0.78,
        "labor_cost": float(cost_by_channel.loc[cost_by_channel["channel"] == channel, "total_cost"].sum()),
        "cost_per_contact": 2.5,
    } for channel in CHANNELS])
    return {
        "forecast": forecast, "requirements": requirements, "roster": roster, "coverage": coverage,
        "kpis": kpis, "cost": cost, "cost_by_channel": cost_by_channel,
        "backtest": pd.DataFrame({"channel": ["phone", "phone", "email"], "model": ["slot_average", "seasonal_naive", "slot_average"],
                                  "wape": [0.12, 0.18, 0.25], "mase": [0.8, 1.0, 0.9], "bias": [0.01, -0.02, 0.03],
                                  "coverage_80": [0.79, 0.7, 0.82]}),
        "assignments": assignments, "breaks": breaks,
        "violations": pd.DataFrame({"goal": ["under_coverage"], "agent_id": [None], "channel": ["phone"],
                                    "date": [WEEK], "ds": [pd.Timestamp(WEEK).tz_localize(TZ) + pd.Timedelta(hours=12)],
                                    "amount": [1.0], "unit": ["agents"], "penalty": [1000.0],
                                    "description": ["short of agents: phone 2026-03-02 12:00 (1 agents)"]}),
        "simulation": sim,
        "simulation_daily": pd.DataFrame({"channel": "phone", "date": [WEEK + dt.timedelta(days=d) for d in range(7)],
                                          "service_level": 0.84, "p_meet_target": 0.9}),
        "solver_progress": pd.DataFrame({"wall_s": [0.5, 1.2, 3.0], "objective": [9000.0, 7000.0, 6500.0],
                                         "best_bound": [5000.0, 6000.0, 6300.0]}),
    }


def save_synthetic_plan(url: str, name: str = "small test center · 2026-03-02", inputs_dir: str | None = None) -> int:
    """Save the synthetic plan in the store at ``url``; returns its id.

    ``inputs_dir`` is the folder of the small center's files (``write_small_center``),
    recorded as the app does so that the plan can be re-planned.
    """
    frames = synthetic_frames()
    summary = {
        "scenario": "small test center", "week_start": WEEK.isoformat(), "currency": "CNY",
        "total_cost": float(frames["cost"]["total_cost"].sum()), "paid_hours": float(frames["cost"]["paid_hours"].sum()),
        "forecast_contacts": float(frames["kpis"]["forecast_contacts"].sum()),
        "roster": {"status": "FEASIBLE", "objective": 6500.0, "best_bound": 6300.0, "gap": 0.03,
                   "agents_rostered": int(frames["roster"]["agent_id"].nunique()), "shifts": len(frames["roster"])},
        "selected_models": {"phone": "slot_average", "email": "slot_average"},
    }
    if inputs_dir is not None:
        summary["inputs_dir"] = str(inputs_dir)
    return PlanStore(url).save(name, SCENARIO, "0" * 64, summary, frames)
