"""Validation report of a scenario and its input files, one row per problem, for the Data page.

The loaders of :mod:`staffcast.scenario` and :mod:`staffcast.loading` raise one error per
file naming file, line and field; this module runs them all (a bad agents file does not
hide a bad history file), turns every error into ``file, row, field, problem`` rows (from
the error's catalog values, the problem in the requested language; an error without a
key has its English message split) and adds the notes and the gaps in the history as
warnings, in the same language.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pandas as pd

from staffcast.errors import StaffcastError
from staffcast.i18n import error_problem, render, t
from staffcast.loading import read_agents, read_history, read_previous_roster
from staffcast.scenario import load_scenario

REPORT_COLUMNS = ["severity", "file", "row", "field", "problem"]
_LINE = re.compile(r"^(?P<file>.+?)(?: (?:lines?) (?P<rows>[\d, ]+(?: and \d+ more)?))?: (?P<problem>.*)$", re.S)
_FIELD = re.compile(r"^(?P<field>[A-Za-z_][\w.\[\]]*)(?::| must| is | appears| names| priority)")
_SCENARIO_LINE = re.compile(r"^\s*(?P<field>[^:]+): (?P<problem>.*)$")


def _row(severity: str, file: str, row: str, field: str, problem: str) -> dict:
    return {"severity": severity, "file": file, "row": row, "field": field, "problem": problem}


def split_message(message: str, severity: str = "error") -> list[dict]:
    """One report row per problem in an English error message of the scenario or data
    loaders (for errors raised without a catalog key; see :func:`error_rows`)."""
    first, *rest = message.split("\n")
    if rest and "invalid scenario" in first:  # scenario errors: one indented line per field
        file = first.split(":")[0]
        rows = []
        for line in rest:
            match = _SCENARIO_LINE.match(line)
            if match:
                rows.append(_row(severity, file, "", match["field"].strip(), match["problem"].strip()))
        return rows
    match = _LINE.match(message)
    if not match:
        return [_row(severity, "", "", "", message)]
    problem = match["problem"]
    field = _FIELD.match(problem)
    return [_row(severity, Path(match["file"]).name, match["rows"] or "", field["field"] if field else "", problem)]


def error_rows(error: StaffcastError, lang: str = "en", severity: str = "error") -> list[dict]:
    """One report row per problem of a loader error, the problem in ``lang``."""
    if error.key is None:
        return split_message(str(error), severity)
    values = error.values
    if error.key == "err.scenario.invalid":  # one row per field; the file as the scenario was named
        return [_row(severity, str(values["path"]), "", render(item.values["field"], lang),
                     render(item.values["problem"], lang)) for item in values["problems"].items]
    file = Path(values["path"]).name if "path" in values else ""
    row = values["lines"].numbers(lang) if "lines" in values else ""
    return [_row(severity, file, row, str(values.get("field", "")), error_problem(error, lang))]


def validate_inputs(scenario_path: Path, lang: str = "en") -> tuple[pd.DataFrame, pd.DataFrame | None,
                                                                   pd.DataFrame | None]:
    """Check a scenario and its files; returns the report and the history and agents read.

    Problems are in ``lang``. History or agents is None when it could not be read (its
    problem is in the report).
    """
    import forecasting  # the stage packages load in seconds: only when the Data page validates

    rows: list[dict] = []
    try:
        scenario, _ = load_scenario(scenario_path)
    except StaffcastError as error:
        return pd.DataFrame(error_rows(error, lang), columns=REPORT_COLUMNS), None, None
    history = agents = None
    try:
        loaded = read_history(scenario.history, scenario.tz, scenario.history_channels)
        history = loaded.frame
        rows += [_row("warning", Path(scenario.history).name, "", "", render(note, lang)) for note in loaded.notes]
        for gap in forecasting.find_gaps(history).itertuples():
            rows.append(_row("warning", Path(scenario.history).name, "", "ds",
                             t("note.gap", lang, channel=gap.channel, count=gap.missing_intervals,
                               start=gap.gap_start, end=gap.gap_end)))
    except StaffcastError as error:
        rows += error_rows(error, lang)
    try:
        agents = read_agents(scenario.agents, scenario.channels, scenario.contracts)
    except StaffcastError as error:
        rows += error_rows(error, lang)
    if scenario.previous_roster is not None and agents is not None:
        try:
            previous = read_previous_roster(scenario.previous_roster, scenario.tz, scenario.week_start,
                                            agents["agent_id"])
            rows += [_row("warning", Path(scenario.previous_roster).name, "", "agent_id", render(note, lang))
                     for note in previous.notes]
        except StaffcastError as error:
            rows += error_rows(error, lang)
    return pd.DataFrame(rows, columns=REPORT_COLUMNS), history, agents


def with_inputs(scenario_text: str, history_name: str, agents_name: str,
                previous_name: str | None = None) -> str:
    """Scenario text whose top-level ``history`` and ``agents`` (and ``previous_roster``,
    when given: replaced or added) name the given files."""
    names = {"history": history_name, "agents": agents_name}
    if previous_name is not None:
        names["previous_roster"] = previous_name
    lines, in_table, seen = [], False, set()
    for line in scenario_text.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and not in_table:
            in_table = True
            lines += [f'{key} = "{name}"' for key, name in names.items() if key not in seen]
            seen |= set(names)
        key = stripped.split("=")[0].strip() if "=" in stripped and not stripped.startswith("#") else None
        if not in_table and key in names:
            line = f'{key} = "{names[key]}"'
            seen.add(key)
        lines.append(line)
    lines += [f'{key} = "{name}"' for key, name in names.items() if key not in seen]
    return "\n".join(lines) + "\n"


def stage_inputs(folder: Path, scenario_text: str, history: tuple[str, bytes] | None,
                 agents: tuple[str, bytes] | None, fallback_dir: Path,
                 previous: tuple[str, bytes] | None = None) -> Path:
    """Write uploaded files (``(name, bytes)``; None = keep the fallback's) and a scenario to ``folder``.

    Returns the scenario path. Files not uploaded are copied from ``fallback_dir`` so that
    the folder holds a complete, self-contained set of inputs; ``previous`` is last week's
    roster (optional: without it, one the scenario names is copied when it exists).
    """
    folder.mkdir(parents=True, exist_ok=True)
    raw = tomllib.loads(scenario_text)
    names = {}
    for key, upload in (("history", history), ("agents", agents), ("previous_roster", previous)):
        if upload is not None:
            name, payload = Path(upload[0]).name, upload[1]
            (folder / name).write_bytes(payload)
        elif key not in raw:
            continue
        else:
            name = Path(raw[key]).name
            if (fallback_dir / raw[key]).is_file():  # a missing one is reported by validation
                shutil.copyfile(fallback_dir / raw[key], folder / name)
        names[key] = name
    path = folder / "scenario.toml"
    path.write_text(with_inputs(scenario_text, names["history"], names["agents"], names.get("previous_roster")),
                    encoding="utf-8")
    return path
