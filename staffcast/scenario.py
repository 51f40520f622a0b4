"""Scenario files: one TOML file describes a planning scenario.

The schema is a tree of frozen pydantic models. ``load_scenario(path)`` parses and
validates the file and turns every problem into one :class:`ScenarioError` whose message
names the file, the field (``channels.phone.service_level``) and the bad value. Validators
raise :class:`InvalidValue` with a catalog key (``err.scenario.*``), so the message can be
shown in the planner's language (:func:`staffcast.i18n.error_text`). Paths to
the history, agents and (optional) previous-roster files are resolved relative to the
scenario file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from staffcast.errors import InvalidValue, ScenarioError
from staffcast.i18n import Listing, Text

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveFraction = Annotated[float, Field(gt=0.0, le=1.0)]
ChannelKind = Literal["voice", "chat", "email", "social"]


def parse_clock(text: str, field: str) -> int:
    """Minutes after midnight of an ``HH:MM`` clock time (``24:00`` allowed as end of day)."""
    try:
        hours, minutes = text.strip().split(":")
        value = int(hours) * 60 + int(minutes)
    except (ValueError, AttributeError):
        raise InvalidValue.of("err.value.clock_format", field=field, value=text) from None
    if not 0 <= value <= 24 * 60 or not 0 <= int(minutes) < 60:
        raise InvalidValue.of("err.value.clock_range", field=field, value=text)
    return value


def format_clock(minutes: int) -> str:
    """``HH:MM`` of minutes after midnight (1440 -> ``24:00``); the inverse of :func:`parse_clock`."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ForecastSection(_Model):
    holidays_country: str = "CN"
    backtest_origins: Annotated[int, Field(ge=1, le=52)] = 4


class EventSpec(_Model):
    """A recurring calendar event such as 11.11, with its past and future dates."""

    name: str
    dates: tuple[dt.date, ...] = Field(min_length=1)
    pre_days: Annotated[int, Field(ge=0, le=60)] = 0
    post_days: Annotated[int, Field(ge=0, le=60)] = 0


class OverrideSpec(_Model):
    """A manual what-if factor on the forecast of one channel (or all) for one day."""

    date: dt.date
    channel: str | None = None
    factor: Annotated[float, Field(ge=0.0)]
    start: str | None = None  # optional HH:MM range within the day
    end: str | None = None


class ShrinkageSpec(_Model):
    absence_frac: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    meetings_frac: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    surge_buffer_frac: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0

    @property
    def shrinkage_frac(self) -> float:
        """Total shrinkage outside the roster's breaks: absence plus meetings."""
        return self.absence_frac + self.meetings_frac

    @model_validator(mode="after")
    def _total_below_one(self) -> ShrinkageSpec:
        if self.shrinkage_frac >= 0.9:
            raise InvalidValue.of("err.scenario.shrinkage_total", value=f"{self.shrinkage_frac:.2f}")
        return self


class ChannelSpec(_Model):
    kind: ChannelKind
    mode: Literal["realtime", "deferred"] = "realtime"
    service_level: PositiveFraction
    answer_s: Annotated[float, Field(gt=0)]
    patience_s: Annotated[float, Field(gt=0)] | None = None
    concurrency: Annotated[int, Field(ge=1, le=10)] = 1
    concurrency_aht_factor: tuple[Annotated[float, Field(gt=0)], ...] = (1.0,)
    max_occupancy: PositiveFraction = 0.85
    max_abandon_frac: PositiveFraction | None = None
    max_asa_s: Annotated[float, Field(gt=0)] | None = None
    open: str = "00:00-24:00"
    # A channel without history (e.g. a new one) is forecast as a share of another channel's
    # forecast, with its intraday shape, and the handle time given here.
    derive_from: str | None = None
    derive_share: Annotated[float, Field(gt=0)] | None = None
    aht_s: Annotated[float, Field(gt=0)] | None = None

    @field_validator("open")
    @classmethod
    def _valid_hours(cls, value: str) -> str:
        start, sep, end = value.partition("-")
        if not sep:
            raise InvalidValue.of("err.scenario.open_format", value=value)
        if parse_clock(start, "open") >= parse_clock(end, "open"):
            raise InvalidValue.of("err.scenario.open_order", value=value)
        return value

    @model_validator(mode="after")
    def _factor_per_level(self) -> ChannelSpec:
        if len(self.concurrency_aht_factor) not in (1, self.concurrency):
            raise InvalidValue.of("err.scenario.concurrency_factors", concurrency=self.concurrency,
                                  value=list(self.concurrency_aht_factor))
        return self

    @model_validator(mode="after")
    def _derived_needs_share(self) -> ChannelSpec:
        if self.derive_from is not None and (self.derive_share is None or self.aht_s is None):
            raise InvalidValue.of("err.scenario.derived_needs_share", source=self.derive_from)
        return self

    @property
    def open_minutes(self) -> tuple[int, int]:
        """Opening hours as minutes after midnight ``(start, end)``."""
        start, _, end = self.open.partition("-")
        return parse_clock(start, "open"), parse_clock(end, "open")


class ShiftSpec(_Model):
    earliest_start: str = "08:00"
    latest_end: str = "23:00"
    start_step_min: Annotated[int, Field(gt=0, le=240)] = 30
    min_rest_h: Annotated[float, Field(ge=0, le=24)] = 11
    max_consecutive_days: Annotated[int, Field(ge=1, le=7)] = 6
    lunch_min: Annotated[int, Field(ge=0, le=120)] = 60
    lunch_after_h: Annotated[float, Field(ge=0, le=24)] = 6
    lunch_window_h: tuple[float, float] = (3.0, 5.0)
    break_min: Annotated[int, Field(ge=0, le=60)] = 15
    breaks_per_4h: Annotated[int, Field(ge=0, le=4)] = 1
    break_margin_h: Annotated[float, Field(ge=0, le=4)] = 1.0  # no paid break this close to a shift's ends
    late_end_after: str = "21:00"  # a shift ending later is a late shift (fairness, contract limit)

    @model_validator(mode="after")
    def _window(self) -> ShiftSpec:
        if parse_clock(self.earliest_start, "earliest_start") >= parse_clock(
            self.latest_end, "latest_end"
        ):
            raise InvalidValue.of("err.scenario.shift_window", earliest=self.earliest_start, latest=self.latest_end)
        if self.lunch_window_h[0] > self.lunch_window_h[1]:
            raise InvalidValue.of("err.scenario.lunch_window", value=list(self.lunch_window_h))
        parse_clock(self.late_end_after, "late_end_after")
        return self


class ContractSpec(_Model):
    shift_lengths_h: tuple[Annotated[float, Field(gt=0, le=14)], ...] = Field(min_length=1)
    min_hours_week: Annotated[float, Field(ge=0, le=80)] = 0
    max_hours_week: Annotated[float, Field(gt=0, le=80)] = 40
    max_days_week: Annotated[int, Field(ge=1, le=7)] = 5
    hourly_wage: Annotated[float, Field(gt=0)]
    # Optional contract rules (the center's [shifts] rules apply when absent).
    max_consecutive_days: Annotated[int, Field(ge=1, le=14)] | None = None
    min_consecutive_days_off: Annotated[int, Field(ge=1, le=7)] = 1
    max_late_shifts_week: Annotated[int, Field(ge=0, le=7)] | None = None
    start_times: tuple[str, ...] = ()

    @field_validator("start_times")
    @classmethod
    def _clock_times(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for text in value:
            if parse_clock(text, "start_times") >= 24 * 60:
                raise InvalidValue.of("err.scenario.start_time_late", value=text)
        return value

    @model_validator(mode="after")
    def _hours(self) -> ContractSpec:
        if self.min_hours_week > self.max_hours_week:
            raise InvalidValue.of("err.scenario.contract_hours", low=self.min_hours_week, high=self.max_hours_week)
        return self


class CostSpec(_Model):
    night_premium_frac: Annotated[float, Field(ge=0)] = 0.0
    night_start: str = "22:00"
    night_end: str = "06:00"
    weekend_premium_frac: Annotated[float, Field(ge=0)] = 0.0
    holiday_premium_frac: Annotated[float, Field(ge=0)] = 0.0


class SolverSpec(_Model):
    time_limit_s: Annotated[float, Field(gt=0, le=3600)] = 60
    workers: Annotated[int, Field(ge=1, le=64)] = 2
    seed: int = 0


class WeightSpec(_Model):
    # the k-th missing agent of an interval costs under_coverage * under_coverage_growth ** (k - 1),
    # growing for under_coverage_tiers agents (convex), flat after
    under_coverage: Annotated[float, Field(ge=0)] = 1000
    under_coverage_growth: Annotated[float, Field(ge=1, le=10)] = 2
    under_coverage_tiers: Annotated[int, Field(ge=1, le=10)] = 3
    secondary_skill: Annotated[float, Field(ge=0)] = 1  # per agent-interval on a skill of priority > 1, per rank
    over_coverage: Annotated[float, Field(ge=0)] = 20
    cost: Annotated[float, Field(ge=0)] = 1
    preference: Annotated[float, Field(ge=0)] = 50
    fairness: Annotated[float, Field(ge=0)] = 100
    stability: Annotated[float, Field(ge=0)] = 10


class SimulationSpec(_Model):
    replications: Annotated[int, Field(ge=1, le=1000)] = 30
    seed: int = 0


class Scenario(_Model):
    """A validated planning scenario (see ``data/sample/scenario.toml``)."""

    name: str
    timezone: str
    interval_min: Literal[15, 30, 60]
    week_start: dt.date
    history: Path
    agents: Path
    previous_roster: Path | None = None
    currency: str = "CNY"
    language: Literal["zh", "en"] = "zh"
    forecast: ForecastSection = ForecastSection()
    events: tuple[EventSpec, ...] = ()
    overrides: tuple[OverrideSpec, ...] = ()
    shrinkage: ShrinkageSpec = ShrinkageSpec()
    channels: dict[str, ChannelSpec] = Field(min_length=1)
    shifts: ShiftSpec = ShiftSpec()
    contracts: dict[str, ContractSpec] = Field(min_length=1)
    costs: CostSpec = CostSpec()
    solver: SolverSpec = SolverSpec()
    weights: WeightSpec = WeightSpec()
    simulation: SimulationSpec = SimulationSpec()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidValue.of("err.scenario.timezone", value=value) from None
        return value

    @model_validator(mode="after")
    def _derived_from_real_channels(self) -> Scenario:
        for name, spec in self.channels.items():
            source = self.channels.get(spec.derive_from) if spec.derive_from else None
            if spec.derive_from is not None and (source is None or source.derive_from is not None):
                raise InvalidValue.of("err.scenario.derive_from_source", channel=name,
                                      expected=sorted(self.history_channels), value=spec.derive_from)
        if not self.history_channels:
            raise InvalidValue.of("err.scenario.no_history_channel")
        return self

    @property
    def history_channels(self) -> dict[str, ChannelSpec]:
        """Channels forecast from history (all but those derived from another channel)."""
        return {name: spec for name, spec in self.channels.items() if spec.derive_from is None}

    @model_validator(mode="after")
    def _overrides_name_channels(self) -> Scenario:
        for i, override in enumerate(self.overrides):
            if override.channel is not None and override.channel not in self.channels:
                raise InvalidValue.of("err.scenario.override_channel", index=i, expected=sorted(self.channels),
                                      value=override.channel)
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def days(self) -> tuple[dt.date, ...]:
        """The seven planned dates."""
        return tuple(self.week_start + dt.timedelta(days=i) for i in range(7))


def _field_path(location: tuple) -> str:
    parts: list[str] = []
    for item in location:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def _describe(error: dict) -> Text:
    """One pydantic error as ``field: problem``; pydantic's own wording stays English."""
    field = _field_path(tuple(error["loc"])) or Text("err.scenario.top_level")
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        problem = Text("err.scenario.missing_field")
    elif error["type"] == "extra_forbidden":
        problem = Text("err.scenario.unknown_field")
    elif error["type"] == "value_error":  # our own validators already quote the value
        problem = error.get("ctx", {}).get("error", message)  # the InvalidValue, translated when shown
    else:
        problem = Text("err.scenario.pydantic", {"message": message, "value": error.get("input")})
    return Text("err.scenario.field_problem", {"field": field, "problem": problem})


def parse_scenario(text: str, source: str = "scenario", base_dir: Path | None = None) -> Scenario:
    """Parse and validate scenario TOML ``text``; relative paths resolve against ``base_dir``."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError.of("err.scenario.not_toml", path=source, reason=str(exc)) from None
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        problems = Listing(tuple(_describe(err) for err in exc.errors()), "\n  ")
        raise ScenarioError.of("err.scenario.invalid", path=source, problems=problems) from None
    if base_dir is not None:
        update = {"history": (base_dir / scenario.history).resolve(), "agents": (base_dir / scenario.agents).resolve()}
        if scenario.previous_roster is not None:
            update["previous_roster"] = (base_dir / scenario.previous_roster).resolve()
        scenario = scenario.model_copy(update=update)
    return scenario


def load_scenario(path: str | Path) -> tuple[Scenario, str]:
    """Read a scenario file; returns the validated scenario and its text (stored with plans)."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError.of("err.scenario.file_missing", path=path)
    text = path.read_text(encoding="utf-8")
    scenario = parse_scenario(text, source=str(path), base_dir=path.resolve().parent)
    for field in ("history", "agents", "previous_roster"):
        target = getattr(scenario, field)
        if target is not None and not target.is_file():
            raise ScenarioError.of("err.scenario.input_missing", path=path, field=field, target=str(target))
    return scenario, text


def input_fingerprint(scenario_text: str, *files: Path) -> str:
    """SHA-256 over the scenario text and the bytes of its input files."""
    digest = hashlib.sha256(scenario_text.encode("utf-8"))
    for file in files:
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()
