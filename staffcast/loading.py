"""Reading and validating the history, agents and previous-roster files named by a scenario.

Every problem becomes one :class:`DataError` naming the file, the CSV line (header is
line 1) or column, what was expected and what was found; its catalog key (``err.data.*``)
and values let :func:`staffcast.i18n.error_text` show it in the planner's language.
Nothing is dropped silently: rows the plan does not use (channels the scenario does not
plan) are reported in :attr:`History.notes`, as :class:`staffcast.i18n.Note` values
(``note.*`` keys; ``str()`` is the English text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from staffcast.errors import DataError
from staffcast.i18n import LineNumbers, Listing, Note, Text
from staffcast.scenario import ChannelSpec, ContractSpec, format_clock, parse_clock

HISTORY_COLUMNS = ("channel", "ds", "volume", "aht_s")
AGENT_COLUMNS = ("agent_id", "name", "contract", "skills")
PREVIOUS_ROSTER_COLUMNS = ("agent_id", "shift_start", "shift_end")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MAX_LISTED = 5
# what a file holds, named in its errors ("history file does not exist" / "话务历史文件不存在")
HISTORY, AGENTS = Text("err.what.history"), Text("err.what.agents")
PREVIOUS_ROSTER = Text("err.what.previous_roster")


@dataclass(frozen=True)
class History:
    """Validated contact history (``channel, ds, volume, aht_s[, abandoned]``) and notes."""

    frame: pd.DataFrame
    notes: tuple[str, ...]


def _read_csv(path: Path, what: Text) -> pd.DataFrame:
    if not path.is_file():
        raise DataError.of("err.data.file_missing", path=path, what=what)
    try:
        if path.suffix.lower() in (".xlsx", ".xls"):
            return pd.read_excel(path, dtype=str)
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise DataError.of("err.data.unreadable", path=path, what=what, reason=str(exc)) from None


def _lines(mask: np.ndarray | pd.Series) -> LineNumbers:
    """CSV line numbers (header = line 1) of the first offending rows."""
    return LineNumbers.of(np.flatnonzero(np.asarray(mask)) + 2, _MAX_LISTED)


def _line(line: int) -> LineNumbers:
    return LineNumbers((line,))


def _require_columns(frame: pd.DataFrame, required: tuple[str, ...], path: Path) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError.of("err.data.missing_columns", path=path, missing=missing, expected=list(required),
                           found=list(frame.columns))


def _numeric(frame: pd.DataFrame, column: str, path: Path, *, allow_missing: bool) -> pd.Series:
    text = frame[column]
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & text.notna()
    if bad.any():
        first = text[bad].iloc[0]
        raise DataError.of("err.data.not_a_number", path=path, lines=_lines(bad), field=column, value=first)
    if not allow_missing and values.isna().any():
        raise DataError.of("err.data.empty_number", path=path, lines=_lines(values.isna()), field=column)
    negative = values < 0
    if negative.any():
        raise DataError.of("err.data.negative", path=path, lines=_lines(negative), field=column,
                           value=f"{values[negative].iloc[0]:g}")
    return values.astype(float)


def _timestamps(text: pd.Series, path: Path, tz: ZoneInfo, column: str = "ds") -> pd.Series:
    has_offset = text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True, na=False)
    if not has_offset.all():
        raise DataError.of("err.data.timestamp_offset", path=path, lines=_lines(~has_offset), field=column,
                           value=text[~has_offset].iloc[0])
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    if parsed.isna().any():
        bad = parsed.isna()
        raise DataError.of("err.data.timestamp_invalid", path=path, lines=_lines(bad), field=column,
                           value=text[bad].iloc[0])
    return parsed.dt.tz_convert(tz)


def read_history(path: Path, tz: ZoneInfo, channels: Mapping[str, ChannelSpec]) -> History:
    """Read and validate a history CSV (plain or ``.gz``) for the scenario's channels."""
    raw = _read_csv(path, HISTORY)
    _require_columns(raw, HISTORY_COLUMNS, path)
    if raw.empty:
        raise DataError.of("err.data.no_rows", path=path, what=HISTORY)
    frame = pd.DataFrame({"channel": raw["channel"].fillna("").str.strip()})
    frame["ds"] = _timestamps(raw["ds"].fillna("").str.strip(), path, tz)
    frame["volume"] = _numeric(raw, "volume", path, allow_missing=True)
    frame["aht_s"] = _numeric(raw, "aht_s", path, allow_missing=True)
    if "abandoned" in raw.columns:
        frame["abandoned"] = _numeric(raw, "abandoned", path, allow_missing=True)
        over = frame["abandoned"] > frame["volume"]
        if over.any():
            raise DataError.of("err.data.abandoned_over_volume", path=path, lines=_lines(over), field="abandoned")

    duplicated = frame.duplicated(["channel", "ds"], keep="first")
    if duplicated.any():
        row = frame[duplicated].iloc[0]
        raise DataError.of("err.data.duplicated_timestamp", path=path, lines=_lines(duplicated), field="ds",
                           ds=row["ds"].isoformat(), channel=row["channel"])
    step_back = frame.groupby("channel", sort=False)["ds"].diff() <= pd.Timedelta(0)
    if step_back.any():
        raise DataError.of("err.data.timestamps_not_increasing", path=path, lines=_lines(step_back), field="ds")

    notes: list[Note] = []
    present = set(frame["channel"].unique())
    absent = [c for c in channels if c not in present]
    if absent:
        raise DataError.of("err.data.channels_without_history", path=path, field="channel", absent=absent,
                           present=sorted(present))
    extra = sorted(present - set(channels))
    if extra:
        counts = frame["channel"].value_counts()
        rows = tuple(Text("note.channel_rows", {"channel": c, "rows": int(counts[c])}) for c in extra)
        notes.append(Note.of("note.channels_not_planned", channels=Listing(rows, Text("err.separator"))))
        frame = frame[frame["channel"].isin(list(channels))]
    missing_volume = int(frame["volume"].isna().sum())
    if missing_volume:
        notes.append(Note.of("note.empty_volume", count=missing_volume))
    return History(frame=frame.reset_index(drop=True), notes=tuple(notes))


def _split(value: object) -> list[str]:
    if pd.isna(value):  # None and NaN: an empty cell
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _parse_skills(text: object, line: int, path: Path, channels: Mapping[str, ChannelSpec]) -> tuple:
    skills = []
    for part in _split(text):
        channel, _, priority = part.partition(":")
        channel = channel.strip()
        if channel not in channels:
            raise DataError.of("err.data.skills_unknown_channel", path=path, lines=_line(line), field="skills",
                               channel=channel, expected=sorted(channels))
        try:
            level = int(priority) if priority.strip() else 1
        except ValueError:
            raise DataError.of("err.data.skills_priority_not_integer", path=path, lines=_line(line),
                               field="skills", value=part) from None
        if level < 1:
            raise DataError.of("err.data.skills_priority_below_one", path=path, lines=_line(line), field="skills",
                               value=part)
        skills.append((channel, level))
    if not skills:
        raise DataError.of("err.data.skills_empty", path=path, lines=_line(line), field="skills")
    return tuple(sorted(skills, key=lambda s: s[1]))


def _parse_agent(row: Mapping, line: int, path: Path, channels, contracts) -> dict:
    def clock(column: str, default: str) -> int:
        text = row.get(column)
        text = default if text is None or pd.isna(text) or not str(text).strip() else str(text)
        try:
            return parse_clock(text, column)
        except ValueError as exc:  # an InvalidValue naming the column
            raise DataError.of("err.data.cell", path=path, lines=_line(line), field=column, problem=exc) from None

    contract = str(row["contract"]).strip() if not pd.isna(row["contract"]) else ""
    if contract not in contracts:
        raise DataError.of("err.data.contract_unknown", path=path, lines=_line(line), field="contract",
                           expected=sorted(contracts), value=contract)
    days = _split(row.get("available_days")) or list(WEEKDAYS)
    unknown = [d for d in days if d not in WEEKDAYS]
    if unknown:
        raise DataError.of("err.data.available_days_unknown", path=path, lines=_line(line), field="available_days",
                           expected=list(WEEKDAYS), value=unknown)
    time_off = _dates(row.get("time_off"), "time_off", line, path)
    off_requests = _dates(row.get("off_requests"), "off_requests", line, path)
    shift_requests = _shift_requests(row.get("shift_requests"), line, path)
    for day, _ in shift_requests:
        if day in time_off or day in off_requests:
            raise DataError.of("err.data.shift_request_on_day_off", path=path, lines=_line(line),
                               field="shift_requests", day=day)
    commitments = _commitments(row.get("commitments"), line, path)
    for day, _, _ in commitments:
        if day in time_off or day in off_requests:
            raise DataError.of("err.data.commitment_on_day_off", path=path, lines=_line(line),
                               field="commitments", day=day)
    preferred = row.get("preferred_start")
    has_preferred = preferred is not None and not pd.isna(preferred) and str(preferred).strip()
    earliest, latest = clock("earliest_start", "00:00"), clock("latest_end", "24:00")
    if earliest >= latest:
        raise DataError.of("err.data.window_empty", path=path, lines=_line(line), field="latest_end")
    for day, start, end in commitments:
        if WEEKDAYS[day.weekday()] not in days or start < earliest or end > latest:
            raise DataError.of("err.data.commitment_outside_window", path=path, lines=_line(line),
                               field="commitments", day=day, start=format_clock(start), end=format_clock(end))
    return {
        "agent_id": str(row["agent_id"]).strip(),
        "name": str(row["name"]).strip() if not pd.isna(row["name"]) else "",
        "contract": contract,
        "skills": _parse_skills(row["skills"], line, path, channels),
        "available_weekdays": tuple(WEEKDAYS.index(d) for d in days),
        "earliest_start_min": earliest,
        "latest_end_min": latest,
        "time_off": time_off,
        "preferred_start_min": clock("preferred_start", "00:00") if has_preferred else None,
        "off_requests": off_requests,
        "shift_requests": shift_requests,
        "commitments": commitments,
    }


def _dates(value: object, column: str, line: int, path: Path) -> tuple[dt.date, ...]:
    """``;``-separated ISO dates of one cell."""
    out = []
    for text in _split(value):
        try:
            out.append(dt.date.fromisoformat(text))
        except ValueError:
            raise DataError.of("err.data.dates_format", path=path, lines=_line(line), field=column,
                               value=text) from None
    return tuple(out)


def _commitments(value: object, line: int, path: Path) -> tuple[tuple[dt.date, int, int], ...]:
    """Fixed sessions (training, meetings) as ``YYYY-MM-DD@HH:MM-HH:MM``, ``;``-separated:
    ``(date, start minute, end minute)``, sorted, none overlapping."""
    out = []
    for text in _split(value):
        day_text, _, span = text.partition("@")
        start_text, _, end_text = span.partition("-")
        try:
            day = dt.date.fromisoformat(day_text.strip())
            start, end = parse_clock(start_text, "commitments"), parse_clock(end_text, "commitments")
        except ValueError:
            raise DataError.of("err.data.commitments_format", path=path, lines=_line(line), field="commitments",
                               value=text) from None
        if end <= start:
            raise DataError.of("err.data.commitment_ends_before_start", path=path, lines=_line(line),
                               field="commitments", value=text)
        out.append((day, start, end))
    out.sort()
    for (day, _, end), (next_day, next_start, _) in zip(out, out[1:]):
        if day == next_day and next_start < end:
            raise DataError.of("err.data.commitments_overlap", path=path, lines=_line(line), field="commitments",
                               day=day)
    return tuple(out)


def _shift_requests(value: object, line: int, path: Path) -> tuple[tuple[dt.date, int | None], ...]:
    """``YYYY-MM-DD`` (work that day) or ``YYYY-MM-DD@HH:MM`` (a shift starting then), ``;``-separated."""
    out = []
    for text in _split(value):
        day_text, _, start_text = text.partition("@")
        try:
            day = dt.date.fromisoformat(day_text.strip())
            start = parse_clock(start_text, "shift_requests") if start_text.strip() else None
        except ValueError:
            raise DataError.of("err.data.shift_requests_format", path=path, lines=_line(line),
                               field="shift_requests", value=text) from None
        out.append((day, start))
    return tuple(out)


def _read_agent_rows(path: Path, what: Text, columns: tuple[str, ...]) -> pd.DataFrame:
    """A CSV of rows keyed by ``agent_id``: the columns present, some rows, no empty id."""
    raw = _read_csv(path, what)
    _require_columns(raw, columns, path)
    if raw.empty:
        raise DataError.of("err.data.no_rows", path=path, what=what)
    empty_id = raw["agent_id"].isna()
    if empty_id.any():
        raise DataError.of("err.data.agent_id_empty", path=path, lines=_lines(empty_id), field="agent_id")
    return raw


def read_agents(
    path: Path, channels: Mapping[str, ChannelSpec], contracts: Mapping[str, ContractSpec]
) -> pd.DataFrame:
    """Read and validate an agents CSV; one row per agent with parsed, typed fields."""
    raw = _read_agent_rows(path, AGENTS, AGENT_COLUMNS)
    duplicated = raw["agent_id"].str.strip().duplicated()
    if duplicated.any():
        raise DataError.of("err.data.agent_id_twice", path=path, lines=_lines(duplicated), field="agent_id",
                           value=raw["agent_id"][duplicated].iloc[0])
    records = [
        _parse_agent(row, line, path, channels, contracts)
        for line, row in zip(range(2, len(raw) + 2), raw.to_dict("records"))
    ]
    agents = pd.DataFrame.from_records(records)
    agents["preferred_start_min"] = agents["preferred_start_min"].astype("Int64")  # missing = <NA>
    served = {channel for skills in agents["skills"] for channel, _ in skills}
    for channel in channels:
        if channel not in served:
            raise DataError.of("err.data.channel_not_served", path=path, field="skills", channel=channel)
    return agents


def agent_skills_frame(agents: pd.DataFrame) -> pd.DataFrame:
    """Long frame ``agent_id, channel, priority`` from the parsed agents table."""
    rows = [
        (agent_id, channel, priority)
        for agent_id, skills in zip(agents["agent_id"], agents["skills"])
        for channel, priority in skills
    ]
    return pd.DataFrame(rows, columns=["agent_id", "channel", "priority"])


@dataclass(frozen=True)
class PreviousRoster:
    """Last week's shifts (``agent_id, shift_start, shift_end``, local time) and notes."""

    shifts: pd.DataFrame
    notes: tuple[str, ...]


def read_previous_roster(
    path: Path, tz: ZoneInfo, week_start: dt.date, agent_ids: Sequence[str]
) -> PreviousRoster:
    """Read the roster that precedes the plan week (e.g. the ``roster.csv`` of last week's
    plan): columns ``agent_id, shift_start, shift_end`` with UTC offsets; other columns are
    ignored. Every shift must end after it starts, within 24 hours, and start before the
    plan week; one agent's shifts may not overlap. Shifts of agents who are not in the
    agents file are left out and named in :attr:`PreviousRoster.notes`.
    """
    raw = _read_agent_rows(path, PREVIOUS_ROSTER, PREVIOUS_ROSTER_COLUMNS)
    shifts = pd.DataFrame({"agent_id": raw["agent_id"].str.strip()})
    for column in ("shift_start", "shift_end"):
        shifts[column] = _timestamps(raw[column].fillna("").str.strip(), path, tz, column)
    length = shifts["shift_end"] - shifts["shift_start"]
    bad = (length <= pd.Timedelta(0)) | (length > pd.Timedelta(hours=24))
    if bad.any():
        row = shifts[bad].iloc[0]
        raise DataError.of("err.data.shift_length", path=path, lines=_lines(bad), field="shift_end",
                           start=row["shift_start"].isoformat(), end=row["shift_end"].isoformat())
    first_day = pd.Timestamp(week_start).tz_localize(tz)
    late = shifts["shift_start"] >= first_day
    if late.any():
        raise DataError.of("err.data.previous_roster_too_late", path=path, lines=_lines(late), field="shift_start",
                           start=shifts["shift_start"][late].iloc[0].isoformat(), week_start=week_start.isoformat())
    order = shifts.sort_values(["agent_id", "shift_start"])
    overlap = (order["agent_id"] == order["agent_id"].shift()) & (
        order["shift_start"] < order["shift_end"].shift())
    if overlap.any():
        lines = overlap.reindex(shifts.index)
        raise DataError.of("err.data.shifts_overlap", path=path, lines=_lines(lines), field="shift_start",
                           agent=order["agent_id"][overlap].iloc[0])
    known = shifts["agent_id"].isin(list(agent_ids))
    notes = ()
    if not known.all():
        gone = sorted(set(shifts["agent_id"][~known]))
        shown = Listing(tuple(gone[:_MAX_LISTED]), Text("err.separator"))
        if len(gone) > _MAX_LISTED:
            shown = Text("note.more_agents", {"agents": shown})
        notes = (Note.of("note.unknown_agents", shifts=int((~known).sum()), agents=len(gone), shown=shown),)
    return PreviousRoster(shifts[known].reset_index(drop=True), notes)
