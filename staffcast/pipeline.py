"""The planning pipeline: scenario → forecast → requirements → roster → simulation → cost.

Each step is a function of the scenario and the previous step's frames, so the app can
cache and re-run any of them; :func:`build_plan` runs them all and returns a
:class:`Plan`. This module is the only place that maps the scenario file onto the
stages' own config dataclasses.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import holidays as holidays_lib
import numpy as np
import pandas as pd

import forecasting
import scheduling
import simulation
import staffing
from staffcast.errors import RosterConflictError, StaffcastError
from staffcast.i18n import to_json
from staffcast.cost import cost_by_agent_day, cost_by_channel, interval_cost
from staffcast.loading import History, agent_skills_frame, read_agents, read_history, read_previous_roster
from staffcast.scenario import Scenario, format_clock, input_fingerprint

Progress = Callable[[str, float], None]
EXPORTED_FRAMES = ("forecast", "requirements", "roster", "coverage", "kpis", "cost")
_Z80 = 1.2815515655446004  # standard normal quantile of 0.9


@dataclass(frozen=True)
class Plan:
    """A built plan: its frames by name, a JSON-able summary and how long each stage took;
    ``notes`` (:class:`staffcast.i18n.Note`) warn about the inputs and are kept in
    ``summary["notes"]`` for the plan store."""

    name: str
    scenario: Scenario
    scenario_text: str
    fingerprint: str
    frames: Mapping[str, pd.DataFrame] = field(repr=False)
    summary: Mapping
    timings_s: Mapping[str, float]
    notes: tuple[str, ...] = ()


def plan_frames_for_export(frames: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The CSV files of a plan export: the six main frames plus the detail frames."""
    order = [*EXPORTED_FRAMES, *(name for name in frames if name not in EXPORTED_FRAMES)]
    return {name: frames[name] for name in order if name in frames}


# --------------------------------------------------------------------------- inputs


def load_inputs(scenario: Scenario) -> tuple[History, pd.DataFrame]:
    """Validated history and agents of a scenario.

    With a ``previous_roster`` the agents frame gains what the roster needs from last
    week (:func:`previous_week`), and the history's notes carry the previous roster's.
    """
    history = read_history(scenario.history, scenario.tz, scenario.history_channels)
    agents = read_agents(scenario.agents, scenario.channels, scenario.contracts)
    if scenario.previous_roster is not None:
        previous = read_previous_roster(scenario.previous_roster, scenario.tz, scenario.week_start, agents["agent_id"])
        agents = previous_week(agents, previous.shifts, scenario.week_start)
        history = History(history.frame, history.notes + previous.notes)
    return history, agents


def previous_week(agents: pd.DataFrame, shifts: pd.DataFrame, week_start: dt.date) -> pd.DataFrame:
    """Agents with last week's columns: ``previous_shift_end`` (local end of the last shift,
    for the rest rule), ``previous_consecutive_days`` (days worked in a row up to the day
    before ``week_start``, for the streak rule) and ``last_week_starts`` (shift starts of
    the seven days before ``week_start``, for stability)."""
    by_agent = {agent_id: group for agent_id, group in shifts.groupby("agent_id")}
    week_before = pd.Timestamp(week_start - dt.timedelta(days=7))
    ends, streaks, starts = [], [], []
    for agent_id in agents["agent_id"]:
        group = by_agent.get(agent_id)
        if group is None:
            ends.append(None)
            streaks.append(0)
            starts.append(())
            continue
        ends.append(group["shift_end"].max().tz_localize(None))
        worked = set(group["shift_start"].dt.date)
        streak = 0
        while week_start - dt.timedelta(days=streak + 1) in worked:
            streak += 1
        streaks.append(streak)
        recent = group["shift_start"][group["shift_start"].dt.tz_localize(None) >= week_before]
        starts.append(tuple(recent.sort_values()))
    return agents.assign(previous_shift_end=ends, previous_consecutive_days=streaks, last_week_starts=starts)


def plan_window(scenario: Scenario) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start (inclusive) and end (exclusive) of the planned week, local time."""
    start = pd.Timestamp(scenario.week_start).tz_localize(scenario.tz)
    return start, start + pd.Timedelta(days=7)


def public_holidays(scenario: Scenario) -> tuple[dt.date, ...]:
    """Public holidays of the planned week (``holidays`` package, scenario's country)."""
    country = scenario.forecast.holidays_country
    days = scenario.days
    calendar = holidays_lib.country_holidays(country, years=sorted({d.year for d in days}))
    return tuple(d for d in days if d in calendar)


# --------------------------------------------------------------------------- forecast


def forecast_config(scenario: Scenario) -> forecasting.ForecastConfig:
    events = tuple(
        forecasting.CalendarEvent(name=e.name, dates=e.dates, pre_days=e.pre_days, post_days=e.post_days)
        for e in scenario.events
    )
    return forecasting.ForecastConfig(
        interval_min=scenario.interval_min,
        holidays_country=scenario.forecast.holidays_country,
        events=events,
        backtest_origins=scenario.forecast.backtest_origins,
    )


def run_forecast(scenario: Scenario, history: History | None = None) -> forecasting.ForecastResult:
    """Interval forecast of the planned week for every channel, with the backtest."""
    if history is None:
        history = read_history(scenario.history, scenario.tz, scenario.history_channels)
    start, end = plan_window(scenario)
    return forecasting.forecast_channels(history.frame, start, end, forecast_config(scenario))


def derive_channels(scenario: Scenario, forecast: pd.DataFrame) -> pd.DataFrame:
    """Add the forecast of channels without history as a share of their source channel.

    The new channel keeps its source's intraday and weekly shape and prediction bands
    (scaled), with the handle time the scenario gives. Channels already in ``forecast``
    are left alone.
    """
    derived = []
    for name, spec in scenario.channels.items():
        if spec.derive_from is None or name in set(forecast["channel"]):
            continue
        source = forecast[forecast["channel"] == spec.derive_from].copy()
        for column in ("volume", "volume_lo_80", "volume_hi_80", "volume_lo_95", "volume_hi_95"):
            source[column] = source[column] * spec.derive_share
        derived.append(source.assign(
            channel=name, aht_s=spec.aht_s, model=f"{spec.derive_share:g} × {spec.derive_from}"
        ))
    return pd.concat([forecast, *derived], ignore_index=True) if derived else forecast


def apply_scenario_overrides(scenario: Scenario, forecast: pd.DataFrame) -> pd.DataFrame:
    """Derive new channels, apply the manual what-if factors and mark opening hours (``is_open``)."""
    forecast = derive_channels(scenario, forecast)
    if scenario.overrides:
        forecast = forecasting.apply_overrides(
            forecast, [o.model_dump() for o in scenario.overrides]
        )
    minutes = forecast["ds"].dt.hour * 60 + forecast["ds"].dt.minute
    opens = forecast["channel"].map({c: s.open_minutes[0] for c, s in scenario.channels.items()})
    closes = forecast["channel"].map({c: s.open_minutes[1] for c, s in scenario.channels.items()})
    forecast = forecast.assign(is_open=(minutes >= opens) & (minutes < closes))
    # a derived real-time channel gets no contacts while closed (its source may open longer)
    closed_derived = ~forecast["is_open"] & forecast["channel"].isin(
        [c for c, s in scenario.channels.items() if s.derive_from and s.mode == "realtime"]
    )
    volume_columns = [c for c in forecast.columns if c.startswith("volume")]
    forecast.loc[closed_derived, volume_columns] = 0.0
    return forecast


# --------------------------------------------------------------------------- staffing


def channel_targets(scenario: Scenario) -> list[staffing.ChannelTarget]:
    shrinkage = scenario.shrinkage
    return [
        staffing.ChannelTarget(
            channel=name,
            kind=spec.kind,
            mode=spec.mode,
            service_level=spec.service_level,
            answer_s=spec.answer_s,
            patience_s=spec.patience_s,
            concurrency=spec.concurrency,
            concurrency_aht_factor=_factors(spec.concurrency_aht_factor, spec.concurrency),
            max_occupancy=spec.max_occupancy,
            max_abandon_frac=spec.max_abandon_frac,
            max_asa_s=spec.max_asa_s,
            shrinkage_frac=shrinkage.shrinkage_frac,
            surge_buffer_frac=shrinkage.surge_buffer_frac,
        )
        for name, spec in scenario.channels.items()
    ]


def _factors(values: tuple[float, ...], concurrency: int) -> tuple[float, ...]:
    return values if len(values) == concurrency else tuple(values[0] for _ in range(concurrency))


def run_staffing(scenario: Scenario, forecast: pd.DataFrame) -> pd.DataFrame:
    """Required agents per channel and interval (productive and to be scheduled)."""
    return staffing.staffing_requirements(forecast, channel_targets(scenario), scenario.interval_min)


# --------------------------------------------------------------------------- roster


def roster_problem(
    scenario: Scenario, requirements: pd.DataFrame, agents: pd.DataFrame, locks: pd.DataFrame | None = None
) -> scheduling.RosterProblem:
    """The scheduling stage's problem for the scenario's week.

    ``locks`` (``agent_id, date, shift_start, shift_end``) are shifts the planner fixed;
    the solver keeps them and re-optimizes everything else.
    """
    contracts = {name: scheduling.Contract(name=name, **c.model_dump()) for name, c in scenario.contracts.items()}
    plan_days = set(scenario.days)
    roster_agents = tuple(
        scheduling.RosterAgent(
            agent_id=row.agent_id,
            contract=row.contract,
            skills=row.skills,
            available_weekdays=row.available_weekdays,
            earliest_start=format_clock(row.earliest_start_min),
            latest_end=format_clock(row.latest_end_min),
            time_off=tuple(d for d in row.time_off if d in plan_days),
            preferred_start=None if pd.isna(row.preferred_start_min) else format_clock(int(row.preferred_start_min)),
            off_requests=tuple(d for d in row.off_requests if d in plan_days),
            shift_requests=tuple(
                (d, None if start is None else format_clock(start)) for d, start in row.shift_requests if d in plan_days
            ),
            commitments=tuple(
                (_at(d, start), _at(d, end)) for d, start, end in row.commitments if d in plan_days
            ),
            previous_shift_end=_datetime_or_none(getattr(row, "previous_shift_end", None)),
            previous_consecutive_days=getattr(row, "previous_consecutive_days", 0),
        )
        for row in agents.itertuples()
    )
    last_week = [
        (agent_id, start) for agent_id, starts in zip(agents["agent_id"], agents.get("last_week_starts", ())) for start in starts
    ]
    return scheduling.RosterProblem(
        requirements=requirements.rename(columns={"scheduled_required": "required"})[["channel", "ds", "required"]],
        agents=roster_agents,
        contracts=contracts,
        rules=scheduling.ShiftRules(**scenario.shifts.model_dump()),
        weights=scheduling.RosterWeights(**scenario.weights.model_dump()),
        days=scenario.days,
        interval_min=scenario.interval_min,
        costs=scheduling.CostRates(**scenario.costs.model_dump()),
        holidays=public_holidays(scenario),
        locked=None if locks is None or locks.empty else locks[["agent_id", "date", "shift_start", "shift_end"]],
        hint=pd.DataFrame(last_week, columns=["agent_id", "shift_start"]) if last_week else None,
    )


def _at(day: dt.date, minute: int) -> dt.datetime:
    """Local datetime ``minute`` minutes after midnight of ``day`` (1440 = the next midnight)."""
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)


def _datetime_or_none(value) -> dt.datetime | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def run_roster(
    scenario: Scenario,
    requirements: pd.DataFrame,
    agents: pd.DataFrame,
    time_limit_s: float | None = None,
    progress: Callable | None = None,
    locks: pd.DataFrame | None = None,
) -> scheduling.RosterResult:
    """Solve the week's roster with CP-SAT, keeping any locked shifts."""
    solver = scenario.solver
    return scheduling.build_and_solve(
        roster_problem(scenario, requirements, agents, locks),
        time_limit_s=time_limit_s or solver.time_limit_s,
        workers=solver.workers,
        seed=solver.seed,
        progress=progress,
    )


# --------------------------------------------------------------------------- simulation


def _volume_cv(forecast: pd.DataFrame) -> float:
    """Forecast-error CV beyond Poisson noise, from the 80 % interval of open intervals.

    The interval half-width over z_0.9 estimates the total standard deviation; removing
    the Poisson variance (= mean) leaves the gamma-Poisson mixing variance.
    """
    busy = forecast[forecast["volume"] > 1]
    if busy.empty:
        return 0.0
    sd = (busy["volume_hi_80"] - busy["volume_lo_80"]) / (2 * _Z80)
    extra = np.clip(sd**2 - busy["volume"], 0, None)
    return float(np.median(np.sqrt(extra) / busy["volume"]))


def center_config(scenario: Scenario, forecast: pd.DataFrame) -> simulation.CenterConfig:
    channels = []
    for name, spec in scenario.channels.items():
        cv = _volume_cv(forecast[forecast["channel"] == name])
        channels.append(
            simulation.ChannelSim(
                channel=name,
                kind=spec.kind,
                mode=spec.mode,
                answer_s=spec.answer_s,
                service_level=spec.service_level,
                patience_s=None if spec.mode == "deferred" else spec.patience_s,
                concurrency=1 if spec.mode == "deferred" else spec.concurrency,
                concurrency_aht_factor=None if spec.mode == "deferred" else _factors(spec.concurrency_aht_factor, spec.concurrency),
                volume_cv=cv,
            )
        )
    return simulation.CenterConfig(
        channels=tuple(channels),
        interval_min=scenario.interval_min,
        absence_prob=scenario.shrinkage.absence_frac,
    )


def run_simulation(
    scenario: Scenario,
    forecast: pd.DataFrame,
    assignments: pd.DataFrame,
    agents: pd.DataFrame,
    replications: int | None = None,
):
    """Simulate the roster against the forecast; per-interval KPIs with confidence bands."""
    sim = scenario.simulation
    return simulation.simulate_roster(
        demand=forecast[["channel", "ds", "volume", "aht_s"]],
        assignments=assignments,
        agent_skills=agent_skills_frame(agents),
        config=center_config(scenario, forecast),
        replications=replications or sim.replications,
        seed=sim.seed,
    )


# --------------------------------------------------------------------------- cost and KPIs


def paid_timeline(assignments: pd.DataFrame, breaks: pd.DataFrame, interval_min: int) -> pd.DataFrame:
    """One row per paid agent-interval: worked intervals and paid breaks (lunch is unpaid)."""
    work = assignments[["agent_id", "ds", "channel"]].assign(state="work")
    paid = breaks[breaks["paid"]]
    step = pd.Timedelta(minutes=interval_min)
    counts = ((paid["end"] - paid["start"]) / step).round().astype(int).to_numpy()
    offsets = np.concatenate([np.arange(n) for n in counts]) if len(counts) else np.zeros(0, int)
    paid_breaks = pd.DataFrame(
        {
            "agent_id": paid["agent_id"].repeat(counts).to_numpy(),
            "ds": paid["start"].repeat(counts).reset_index(drop=True) + offsets * step,
            "state": "break",
            "channel": None,
        }
    )
    timeline = pd.concat([work, paid_breaks], ignore_index=True)
    return timeline.sort_values(["agent_id", "ds"], ignore_index=True)


def run_cost(scenario: Scenario, timeline: pd.DataFrame, agents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Labor cost per agent-day and per channel × contract."""
    priced = interval_cost(
        timeline,
        dict(zip(agents["agent_id"], agents["contract"])),
        {name: spec.hourly_wage for name, spec in scenario.contracts.items()},
        scenario.costs,
        public_holidays(scenario),
        scenario.interval_min,
    )
    return cost_by_agent_day(priced), cost_by_channel(priced)


def channel_kpis(
    scenario: Scenario,
    requirements: pd.DataFrame,
    coverage: pd.DataFrame,
    simulated: pd.DataFrame,
    cost_channel: pd.DataFrame,
) -> pd.DataFrame:
    """One row per channel: contacts, agent-hours required and scheduled, simulated KPIs, cost."""
    hours = scenario.interval_min / 60
    rows = []
    for name, spec in scenario.channels.items():
        req = requirements[requirements["channel"] == name]
        cov = coverage[coverage["channel"] == name]
        sim = simulated[simulated["channel"] == name]
        offered = sim["offered"].sum()
        cost = cost_channel.loc[cost_channel["channel"] == name, "total_cost"].sum()
        contacts = float(req["volume"].sum())
        rows.append(
            {
                "channel": name,
                "forecast_contacts": contacts,
                "required_agent_hours": float(req["required_agents"].sum() * hours),
                "required_scheduled_hours": float(req["scheduled_required"].sum() * hours),
                "scheduled_agent_hours": float(cov["scheduled"].sum() * hours),
                "shortfall_agent_hours": float(cov["shortfall"].sum() * hours),
                "service_level_target": spec.service_level,
                "target_label": _target_label(spec.answer_s),
                "simulated_service_level": _weighted(sim, "service_level", offered),
                "service_level_lo": _weighted(sim, "service_level_lo", offered),
                "service_level_hi": _weighted(sim, "service_level_hi", offered),
                "abandon_rate": float(sim["abandoned"].sum() / offered) if offered else 0.0,
                "asa_s": _weighted(sim, "asa_s", sim["answered"].sum(), weight="answered"),
                "occupancy": _weighted(sim, "occupancy", len(sim), weight=None),
                "labor_cost": float(cost),
                "cost_per_contact": float(cost / contacts) if contacts else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def _weighted(frame: pd.DataFrame, column: str, total: float, weight: str | None = "offered") -> float:
    values = frame[column].to_numpy(dtype=float)
    weights = np.ones(len(frame)) if weight is None else frame[weight].to_numpy(dtype=float)
    ok = np.isfinite(values) & (weights > 0)
    return float(np.average(values[ok], weights=weights[ok])) if ok.any() and total else float("nan")


def _target_label(answer_s: float) -> str:
    if answer_s >= 3600:
        return f"{answer_s / 3600:g} h"
    if answer_s >= 120:
        return f"{answer_s / 60:g} min"
    return f"{answer_s:g} s"


# --------------------------------------------------------------------------- whole plan


def build_plan(
    scenario: Scenario,
    scenario_text: str,
    *,
    time_limit_s: float | None = None,
    replications: int | None = None,
    progress: Progress | None = None,
    solver_progress: Callable | None = None,
    forecast_result: forecasting.ForecastResult | None = None,
    roster_locks: pd.DataFrame | None = None,
) -> Plan:
    """Run every stage for the scenario's week.

    Pass ``forecast_result`` to reuse a forecast, ``roster_locks`` (``agent_id, date,
    shift_start, shift_end``) to keep shifts the planner locked and re-solve the rest.
    """
    timings: dict[str, float] = {}

    def timed(stage: str, work: Callable):
        started = time.perf_counter()
        try:
            result = work()
        except StaffcastError:
            raise
        except scheduling.RosterInfeasibleError as error:
            raise RosterConflictError.of("err.stage", error.conflicts, stage=stage, error=error) from error
        except ValueError as error:  # stages report bad input as ValueError naming the field
            raise StaffcastError.of("err.stage", stage=stage, error=error) from error
        timings[stage] = time.perf_counter() - started
        if progress is not None:
            progress(stage, timings[stage])
        return result

    history, agents = timed("load", lambda: load_inputs(scenario))
    if forecast_result is None:
        forecast_result = timed("forecast", lambda: run_forecast(scenario, history))
    forecast = apply_scenario_overrides(scenario, forecast_result.forecast)
    requirements = timed("staffing", lambda: run_staffing(scenario, forecast))
    roster = timed(
        "roster", lambda: run_roster(scenario, requirements, agents, time_limit_s, solver_progress, roster_locks)
    )
    simulated = timed(
        "simulation", lambda: run_simulation(scenario, forecast, roster.assignments, agents, replications)
    )
    cost_agent, cost_channel = timed(
        "cost", lambda: run_cost(scenario, paid_timeline(roster.assignments, roster.breaks, scenario.interval_min), agents)
    )
    kpis = channel_kpis(scenario, requirements, roster.coverage, simulated.summary, cost_channel)
    frames = {
        "forecast": forecast,
        "requirements": requirements,
        "roster": roster.roster,
        "coverage": roster.coverage,
        "kpis": kpis,
        "cost": cost_agent,
        "cost_by_channel": cost_channel,
        "backtest": forecast_result.backtest,
        "assignments": roster.assignments,
        "breaks": roster.breaks,
        "violations": roster.violations,
        "simulation": simulated.summary,
        "simulation_daily": simulated.daily,
        "solver_progress": roster.progress,
    }
    if roster_locks is not None and not roster_locks.empty:
        frames["roster_locks"] = roster_locks
    summary = {
        "scenario": scenario.name,
        "week_start": scenario.week_start.isoformat(),
        "currency": scenario.currency,
        "total_cost": float(cost_agent["total_cost"].sum()),
        "paid_hours": float(cost_agent["paid_hours"].sum()),
        "forecast_contacts": float(kpis["forecast_contacts"].sum()),
        "selected_models": dict(forecast_result.selected),
        "roster": {
            "status": roster.status,
            "objective": float(roster.objective),
            "best_bound": float(roster.best_bound),
            "gap": float(roster.gap),
            "agents_rostered": int(roster.roster["agent_id"].nunique()),
            "shifts": int(len(roster.roster)),
        },
        "timings_s": {k: round(v, 2) for k, v in timings.items()},
        "notes": [to_json(note) for note in history.notes],  # key and values: shown in any language
    }
    inputs = [scenario.history, scenario.agents, *([scenario.previous_roster] if scenario.previous_roster else [])]
    fingerprint = input_fingerprint(scenario_text, *inputs)
    name = f"{scenario.name} · {scenario.week_start.isoformat()}"
    return Plan(name, scenario, scenario_text, fingerprint, frames, summary, timings, history.notes)
