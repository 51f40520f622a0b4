"""What-if variants of a plan: change demand, targets, shrinkage and staff, then re-plan.

A :class:`WhatIf` describes the changes. :func:`what_if_scenario` applies those that live
in the scenario (targets, shrinkage, surge buffer, added agents) and
:func:`what_if_forecast` those that live in the forecast (volume, handle time, bot
deflection), so a variant re-plans from the base plan's cached forecast without fitting
again. :func:`compare_plans` lines up plans' KPIs side by side and
:func:`service_cost_curve` prices a range of service-level targets.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from staffcast.errors import DataError, StaffcastError
from staffcast.i18n import Listing, Text
from staffcast.scenario import ChannelSpec, EventSpec, OverrideSpec, Scenario, parse_scenario

VOLUME_COLUMNS = ("volume", "volume_lo_80", "volume_hi_80", "volume_lo_95", "volume_hi_95")


# What-if fields as errors name them: the field itself in English, with its form label in Chinese
# (literal keys, so the catalog test finds them)
_FIELDS = {
    "volume_change_frac": "err.what_if.field.volume_change_frac",
    "aht_change_frac": "err.what_if.field.aht_change_frac",
    "bot_deflection_frac": "err.what_if.field.bot_deflection_frac",
    "absence_frac": "err.what_if.field.absence_frac",
    "meetings_frac": "err.what_if.field.meetings_frac",
    "surge_buffer_frac": "err.what_if.field.surge_buffer_frac",
}


def _field(name: str) -> Text:
    return Text(_FIELDS[name])


@dataclasses.dataclass(frozen=True)
class TargetChange:
    """New service-level target of one channel: ``service_level`` of contacts within ``answer_s``."""

    channel: str
    service_level: float
    answer_s: float

    def __post_init__(self) -> None:
        if not 0 < self.service_level <= 1:
            raise StaffcastError.of("err.what_if.target_service_level", channel=self.channel, value=self.service_level)
        if not self.answer_s > 0:
            raise StaffcastError.of("err.what_if.target_answer", channel=self.channel, value=self.answer_s)


@dataclasses.dataclass(frozen=True)
class NewChannel:
    """A channel the center does not run yet, forecast as a share of an existing one.

    ``share`` of ``derive_from``'s volume (with its intraday shape) at ``aht_s`` seconds of
    handle time; ``trained_from``: agents with that skill are cross-trained to serve the
    new channel as their lowest-priority skill.
    """

    name: str
    kind: str
    derive_from: str
    share: float
    aht_s: float
    service_level: float
    answer_s: float
    patience_s: float | None = None
    concurrency: int = 1
    open: str = "08:00-22:00"
    trained_from: str | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_\-]+", self.name or ""):
            raise StaffcastError.of("err.what_if.channel_name", value=self.name)
        if not self.share > 0:
            raise StaffcastError.of("err.what_if.channel_share", value=self.share)

    def spec(self) -> ChannelSpec:
        """The scenario's channel entry (validated like one read from a scenario file)."""
        try:
            return ChannelSpec(
                kind=self.kind, mode="deferred" if self.kind == "email" else "realtime",
                service_level=self.service_level, answer_s=self.answer_s, patience_s=self.patience_s,
                concurrency=self.concurrency, open=self.open, derive_from=self.derive_from,
                derive_share=self.share, aht_s=self.aht_s,
            )
        except ValidationError as exc:  # one line per field; our validators' problems stay translatable
            problems = tuple(
                Text("err.scenario.field_problem", {
                    "field": ".".join(str(part) for part in error["loc"]) or Text("err.scenario.top_level"),
                    "problem": error.get("ctx", {}).get("error", error["msg"])})
                for error in exc.errors())
            raise StaffcastError.of("err.what_if.channel_invalid", channel=self.name,
                                    problems=Listing(problems, "; ")) from None


@dataclasses.dataclass(frozen=True)
class WhatIf:
    """Changes that turn a base plan into a scenario variant.

    Parameters
    ----------
    name : label of the variant.
    volume_change_frac : relative change of contact volume, e.g. ``0.3`` = +30 %; > -1.
    aht_change_frac : relative change of average handle time; > -1.
    bot_deflection_frac : share in [0, 1) of contacts a bot resolves before they reach an
        agent, on ``deflect_channels`` (all channels when empty).
    deflect_channels : channels the bot serves.
    targets : new service-level targets per channel.
    absence_frac, meetings_frac, surge_buffer_frac : new shrinkage values (None = keep).
    added_agents : number of agents hired, each a copy of ``added_contract`` serving
        ``added_skills`` (``"phone:1;chat:2"``) with full availability.
    new_channels : channels opened in this variant (see :class:`NewChannel`).
    """

    name: str
    volume_change_frac: float = 0.0
    aht_change_frac: float = 0.0
    bot_deflection_frac: float = 0.0
    deflect_channels: tuple[str, ...] = ()
    targets: tuple[TargetChange, ...] = ()
    absence_frac: float | None = None
    meetings_frac: float | None = None
    surge_buffer_frac: float | None = None
    added_agents: int = 0
    added_contract: str | None = None
    added_skills: str | None = None
    new_channels: tuple[NewChannel, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise StaffcastError.of("err.what_if.name_empty")
        for field_name in ("volume_change_frac", "aht_change_frac"):
            value = getattr(self, field_name)
            if not value > -1:
                raise StaffcastError.of("err.what_if.change_range", field=_field(field_name), value=value)
        if not 0 <= self.bot_deflection_frac < 1:
            raise StaffcastError.of("err.what_if.fraction_range", field=_field("bot_deflection_frac"),
                                    value=self.bot_deflection_frac)
        for field_name in ("absence_frac", "meetings_frac", "surge_buffer_frac"):
            value = getattr(self, field_name)
            if value is not None and not 0 <= value < 1:
                raise StaffcastError.of("err.what_if.fraction_range", field=_field(field_name), value=value)
        if self.added_agents < 0:
            raise StaffcastError.of("err.what_if.added_agents_negative", value=self.added_agents)
        if self.added_agents and not (self.added_contract and self.added_skills):
            raise StaffcastError.of("err.what_if.added_needs_contract")

    def describe(self) -> dict:
        """The changes as a JSON-able dict (stored in the variant plan's summary)."""
        return json.loads(json.dumps(dataclasses.asdict(self)))

    @classmethod
    def from_dict(cls, described: Mapping) -> WhatIf:
        """Inverse of :meth:`describe`."""
        values = dict(described)
        values["targets"] = tuple(TargetChange(**t) for t in values.get("targets", ()))
        values["deflect_channels"] = tuple(values.get("deflect_channels", ()))
        values["new_channels"] = tuple(NewChannel(**c) for c in values.get("new_channels", ()))
        return cls(**values)


def what_if_forecast(forecast: pd.DataFrame, what_if: WhatIf) -> pd.DataFrame:
    """The forecast with volume, deflection and handle-time changes applied.

    Volume (and its prediction bands) scales by ``(1 + volume_change_frac)`` everywhere
    and by ``(1 - bot_deflection_frac)`` on deflected channels; AHT by ``(1 + aht_change_frac)``.
    """
    deflected = list(what_if.deflect_channels) or list(forecast["channel"].unique())
    factor = (1 + what_if.volume_change_frac) * np.where(
        forecast["channel"].isin(deflected), 1 - what_if.bot_deflection_frac, 1.0
    )
    changed = forecast.copy()
    for column in VOLUME_COLUMNS:
        if column in changed:
            changed[column] = changed[column] * factor
    changed["aht_s"] = changed["aht_s"] * (1 + what_if.aht_change_frac)
    return changed


def _agents_file(scenario: Scenario, what_if: WhatIf, folder: Path) -> Path:
    """The agents file with cross-training for new channels and the added hires."""
    raw = pd.read_csv(scenario.agents, dtype=str, keep_default_na=False)
    for channel in what_if.new_channels:
        if channel.trained_from:
            raw["skills"] = [_with_skill(skills, channel.trained_from, channel.name) for skills in raw["skills"]]
    taken = set(raw["agent_id"])
    rows, number = [], 1
    while len(rows) < what_if.added_agents:
        agent_id = f"NEW{number:03d}"
        number += 1
        if agent_id in taken:
            continue
        rows.append({column: "" for column in raw.columns} | {
            "agent_id": agent_id, "name": agent_id, "contract": what_if.added_contract,
            "skills": what_if.added_skills,
        })
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "agents.csv"
    pd.concat([raw, pd.DataFrame(rows, columns=raw.columns)], ignore_index=True).to_csv(path, index=False)
    return path


def _with_skill(skills: str, trained_from: str, channel: str) -> str:
    """``skills`` plus ``channel`` at the lowest priority, for agents who have ``trained_from``."""
    pairs = [part.strip().partition(":") for part in skills.split(";") if part.strip()]
    if trained_from not in {name for name, _, _ in pairs} or channel in {name for name, _, _ in pairs}:
        return skills
    lowest = max(int(priority or 1) for _, _, priority in pairs)
    return f"{skills};{channel}:{lowest + 1}"


def what_if_scenario(scenario: Scenario, what_if: WhatIf, work_dir: Path) -> Scenario:
    """The scenario with the variant's targets, shrinkage and added agents.

    Added agents are written with the existing ones to ``work_dir/agents.csv``. Manual
    forecast overrides are dropped because the cached forecast already contains them.
    """
    unknown = [c.channel for c in what_if.targets if c.channel not in scenario.channels]
    if unknown:
        raise StaffcastError.of("err.what_if.targets_unknown", unknown=unknown, expected=sorted(scenario.channels))
    if what_if.added_agents and what_if.added_contract not in scenario.contracts:
        raise StaffcastError.of("err.what_if.contract_unknown", expected=sorted(scenario.contracts),
                                value=what_if.added_contract)
    channels = dict(scenario.channels)
    for channel in what_if.new_channels:
        if channel.name in channels:
            raise StaffcastError.of("err.what_if.channel_exists", channel=channel.name)
        if channel.derive_from not in scenario.history_channels:
            raise StaffcastError.of("err.what_if.derive_from", channel=channel.name,
                                    expected=sorted(scenario.history_channels), value=channel.derive_from)
        channels[channel.name] = channel.spec()
    for change in what_if.targets:
        channels[change.channel] = channels[change.channel].model_copy(
            update={"service_level": change.service_level, "answer_s": change.answer_s}
        )
    shrinkage = scenario.shrinkage.model_copy(update={
        name: value for name in ("absence_frac", "meetings_frac", "surge_buffer_frac")
        if (value := getattr(what_if, name)) is not None
    })
    if shrinkage.shrinkage_frac >= 0.9:
        raise StaffcastError.of("err.scenario.shrinkage_total", value=f"{shrinkage.shrinkage_frac:.2f}")
    update = {"name": f"{scenario.name} · {what_if.name}", "channels": channels, "shrinkage": shrinkage, "overrides": ()}
    if what_if.added_agents or what_if.new_channels:
        update["agents"] = _agents_file(scenario, what_if, work_dir)
    return scenario.model_copy(update=update)


def stored_scenario(scenario_text: str, summary: Mapping, inputs_dir: Path, work_dir: Path) -> Scenario:
    """The scenario a stored plan was built from, to re-plan it.

    The text is parsed with its input files looked up in ``summary["inputs_dir"]`` (set
    by the app) or else ``inputs_dir``; the plan's chain of what-if changes
    (``summary["what_if"]``) is applied again.
    """
    folder = Path(summary.get("inputs_dir") or inputs_dir)
    scenario = parse_scenario(scenario_text, source=f"plan scenario ({folder})", base_dir=folder)
    for path in (scenario.history, scenario.agents):
        if not Path(path).is_file():
            raise DataError.of("err.what_if.input_gone", file=str(path))
    for described in summary.get("what_if", ()):
        scenario = what_if_scenario(scenario, WhatIf.from_dict(described), work_dir)
    return scenario


def cached_forecast(frames: Mapping[str, pd.DataFrame], selected: Mapping[str, str]):
    """A stored plan's forecast and backtest as a ``forecasting.ForecastResult`` for re-planning."""
    import forecasting  # the stage packages load in seconds: only when re-planning

    forecast = frames["forecast"].drop(columns=["is_open"], errors="ignore")
    return forecasting.ForecastResult(forecast=forecast, backtest=frames.get("backtest", pd.DataFrame()),
                                      selected=dict(selected))


def variant_text(base_text: str, what_if: WhatIf) -> str:
    """The scenario text stored with a variant: the base text and the changes as a comment."""
    return f"# what-if variant: {json.dumps(what_if.describe(), ensure_ascii=False)}\n{base_text}"


COMPARE_ROWS = (
    "forecast_contacts", "paid_hours", "agents_rostered", "scheduled_agent_hours", "service_level",
    "abandon_rate", "total_cost", "cost_per_contact",
)


def plan_kpis(summary: Mapping, kpis: pd.DataFrame) -> dict[str, float]:
    """Whole-center KPIs of one plan: totals, and contact-weighted service level and abandonment."""
    contacts = float(kpis["forecast_contacts"].sum())
    weights = kpis["forecast_contacts"].to_numpy(dtype=float)

    def weighted(column: str) -> float:
        values = kpis[column].to_numpy(dtype=float)
        ok = np.isfinite(values) & (weights > 0)
        return float(np.average(values[ok], weights=weights[ok])) if ok.any() else float("nan")

    total_cost = float(summary.get("total_cost", kpis["labor_cost"].sum()))
    return {
        "forecast_contacts": contacts,
        "paid_hours": float(summary.get("paid_hours", float("nan"))),
        "agents_rostered": float(summary.get("roster", {}).get("agents_rostered", float("nan"))),
        "scheduled_agent_hours": float(kpis["scheduled_agent_hours"].sum()),
        "service_level": weighted("simulated_service_level"),
        "abandon_rate": weighted("abandon_rate"),
        "total_cost": total_cost,
        "cost_per_contact": total_cost / contacts if contacts else float("nan"),
    }


def compare_plans(plans: Mapping[str, tuple[Mapping, pd.DataFrame]]) -> pd.DataFrame:
    """KPIs of several plans side by side: one row per KPI (:data:`COMPARE_ROWS`), one column per plan.

    ``plans`` maps a label to ``(summary, kpis frame)``; see :func:`relative_change`
    for differences to the first plan.
    """
    if len(plans) < 2:
        raise ValueError(f"plans must hold at least 2 plans to compare, got {len(plans)}")
    table = pd.DataFrame({label: plan_kpis(summary, kpis) for label, (summary, kpis) in plans.items()})
    return table.reindex(list(COMPARE_ROWS))


def relative_change(table: pd.DataFrame) -> pd.DataFrame:
    """Each plan's KPIs relative to the first column: ``value / first - 1``."""
    first = table.iloc[:, 0]
    return table.iloc[:, 1:].div(first.where(first != 0), axis=0) - 1


def service_cost_curve(
    scenario: Scenario, forecast: pd.DataFrame, levels: Sequence[float], cost_per_paid_hour: float
) -> pd.DataFrame:
    """Agent-hours and estimated weekly cost needed for each service-level target.

    Every realtime channel's ``service_level`` is set to each value in ``levels`` (answer
    times, shrinkage and the rest unchanged) and the staffing stage recomputes the head
    count to schedule. Cost = scheduled agent-hours × ``cost_per_paid_hour`` (the base
    plan's paid cost per paid hour) — an estimate before rostering, which adds the
    rounding of shifts to it.

    Returns
    -------
    ``service_level, required_hours, scheduled_hours, estimated_cost``.
    """
    from staffcast.pipeline import run_staffing  # imports every stage: only when the curve is drawn

    if not cost_per_paid_hour > 0:
        raise ValueError(f"cost_per_paid_hour must be > 0, got {cost_per_paid_hour!r}")
    hours = scenario.interval_min / 60
    rows = []
    for level in levels:
        if not 0 < level <= 1:
            raise ValueError(f"levels must be in (0, 1], got {level!r}")
        channels = {
            name: spec if spec.mode == "deferred" else spec.model_copy(update={"service_level": float(level)})
            for name, spec in scenario.channels.items()
        }
        requirements = run_staffing(scenario.model_copy(update={"channels": channels}), forecast)
        scheduled_hours = float(requirements["scheduled_required"].sum() * hours)
        rows.append({
            "service_level": float(level),
            "required_hours": float(requirements["required_agents"].sum() * hours),
            "scheduled_hours": scheduled_hours,
            "estimated_cost": scheduled_hours * cost_per_paid_hour,
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- calendar edits

_CALENDAR_HEADER = re.compile(r"^\s*\[\[\s*(events|overrides)\s*\]\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, dt.date):
        return json.dumps(value.isoformat())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def _block(header: str, values: Mapping[str, object]) -> str:
    lines = [f"[[{header}]]"] + [f"{key} = {_toml_value(v)}" for key, v in values.items() if v is not None]
    return "\n".join(lines)


def with_calendar(text: str, events: Sequence[EventSpec], overrides: Sequence[OverrideSpec]) -> str:
    """Scenario TOML ``text`` with its ``[[events]]`` and ``[[overrides]]`` replaced.

    Every other line (comments included) is kept; the new blocks go at the end.
    """
    kept, skipping = [], False
    for line in text.splitlines():
        if _CALENDAR_HEADER.match(line):
            skipping = True
            continue
        if skipping and _ANY_HEADER.match(line):
            skipping = False
        if not skipping:
            kept.append(line)
    blocks = [_block("events", e.model_dump()) for e in events]
    blocks += [_block("overrides", o.model_dump()) for o in overrides]
    return "\n".join(kept).rstrip() + "\n\n" + "\n\n".join(blocks) + ("\n" if blocks else "")


def _cell(value: object) -> object:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) or value == "" or pd.isna(value) else value


def calendar_from_tables(events: pd.DataFrame, overrides: pd.DataFrame) -> tuple[list[EventSpec], list[OverrideSpec]]:
    """Events (``name, dates, pre_days, post_days``; dates ``;``-separated) and overrides
    (``date, channel, factor, start, end``) as edited in the app, validated.

    Raises :class:`StaffcastError` naming the table, row (1-based) and problem (the problem
    itself in English: it comes from the date parser or pydantic).
    """
    parsed_events, parsed_overrides = [], []
    for number, row in enumerate(events.to_dict("records"), start=1):
        if _cell(row.get("name")) is None:
            continue
        try:
            dates = [dt.date.fromisoformat(d.strip()) for d in str(row.get("dates") or "").split(";") if d.strip()]
            parsed_events.append(EventSpec(
                name=str(row["name"]), dates=tuple(dates), pre_days=int(_cell(row.get("pre_days")) or 0),
                post_days=int(_cell(row.get("post_days")) or 0),
            ))
        except (ValueError, TypeError) as error:
            raise StaffcastError.of("err.calendar.events_row", row=number, problem=_first_line(error)) from None
    for number, row in enumerate(overrides.to_dict("records"), start=1):
        if _cell(row.get("date")) is None:
            continue
        try:
            day = row["date"] if isinstance(row["date"], dt.date) else dt.date.fromisoformat(str(row["date"]))
            parsed_overrides.append(OverrideSpec(
                date=day, channel=_cell(row.get("channel")), factor=float(row.get("factor")),
                start=_cell(row.get("start")), end=_cell(row.get("end")),
            ))
        except (ValueError, TypeError) as error:
            raise StaffcastError.of("err.calendar.overrides_row", row=number, problem=_first_line(error)) from None
    return parsed_events, parsed_overrides


def _first_line(error: Exception) -> str:
    return " ".join(str(error).split("\n")[:3])
