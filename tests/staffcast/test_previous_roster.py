"""Last week's roster as an input: read and validated, then carried into the roster problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from staffcast.errors import DataError
from staffcast.loading import read_previous_roster
from staffcast.pipeline import previous_week, roster_problem

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 11, 30)
GOOD = """agent_id,date,shift_start,shift_end,paid_hours
A1,2026-11-26,2026-11-26 09:00:00+08:00,2026-11-26 18:00:00+08:00,8
A1,2026-11-27,2026-11-27 09:00:00+08:00,2026-11-27 18:00:00+08:00,8
A1,2026-11-28,2026-11-28 12:00:00+08:00,2026-11-28 21:00:00+08:00,8
A1,2026-11-29,2026-11-29 14:00:00+08:00,2026-11-29 23:00:00+08:00,8
A2,2026-11-27,2026-11-27 10:00:00+08:00,2026-11-27 19:00:00+08:00,8
A2,2026-11-20,2026-11-20 10:00:00+08:00,2026-11-20 19:00:00+08:00,8
X9,2026-11-27,2026-11-27 10:00:00+08:00,2026-11-27 19:00:00+08:00,8
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "previous.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_previous_roster_keeps_known_agents_and_names_the_others(tmp_path):
    previous = read_previous_roster(write(tmp_path, GOOD), TZ, MONDAY, ["A1", "A2", "A3"])
    assert list(previous.shifts.columns) == ["agent_id", "shift_start", "shift_end"]
    assert len(previous.shifts) == 6 and set(previous.shifts["agent_id"]) == {"A1", "A2"}
    assert str(previous.shifts["shift_start"].dt.tz) == "Asia/Shanghai"
    assert previous.notes == ("previous roster: 1 shift(s) of 1 agent(s) not in the agents file "
                              "are not used (X9)",)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("shift_end,paid_hours", "end,paid_hours", "missing column(s) ['shift_end']"),
        ("2026-11-26 09:00:00+08:00", "2026-11-26 09:00:00", "line 2: shift_start must be an ISO 8601"),
        ("2026-11-27 19:00:00+08:00,8\nA2", "2026-11-27 09:00:00+08:00,8\nA2",
         "line 6: shift_end must be after shift_start"),
        ("2026-11-29 14:00:00+08:00,2026-11-29 23", "2026-11-30 14:00:00+08:00,2026-11-30 23", "line 5: the previous roster must end "
         "before the plan week; shift_start 2026-11-30T14:00:00+08:00 is on or after 2026-11-30"),
        ("2026-11-28 12:00:00+08:00,2026-11-28", "2026-11-27 12:00:00+08:00,2026-11-27",
         "line 4: shifts of agent 'A1' overlap"),
        ("A2,2026-11-20", ",2026-11-20", "line 7: agent_id is empty"),
    ],
)
def test_bad_previous_roster_names_the_line(tmp_path, old, new, message):
    assert old in GOOD
    with pytest.raises(DataError, match=None) as caught:
        read_previous_roster(write(tmp_path, GOOD.replace(old, new)), TZ, MONDAY, ["A1", "A2"])
    assert message in str(caught.value) and "previous.csv" in str(caught.value)


def test_previous_week_gives_rest_streak_and_last_weeks_starts(tmp_path):
    previous = read_previous_roster(write(tmp_path, GOOD), TZ, MONDAY, ["A1", "A2", "A3"])
    agents = pd.DataFrame({"agent_id": ["A1", "A2", "A3"]})
    week = previous_week(agents, previous.shifts, MONDAY).set_index("agent_id")
    assert week.loc["A1", "previous_shift_end"] == dt.datetime(2026, 11, 29, 23, 0)
    assert week.loc["A1", "previous_consecutive_days"] == 4  # Thursday to Sunday
    assert week.loc["A2", "previous_consecutive_days"] == 0  # off on Sunday
    assert pd.isna(week.loc["A3", "previous_shift_end"]) and week.loc["A3", "last_week_starts"] == ()
    # the shift two weeks back counts for nothing but the streak search
    assert [ts.day for ts in week.loc["A2", "last_week_starts"]] == [27]


def test_roster_problem_carries_last_week(tmp_path):
    from tests.staffcast.small_center import write_small_center
    from staffcast.pipeline import load_inputs, run_staffing, run_forecast
    from staffcast.scenario import load_scenario

    path = write_small_center(tmp_path / "center")
    scenario, _ = load_scenario(path)
    history, agents = load_inputs(scenario)
    first = agents["agent_id"].iloc[0]
    sunday = scenario.week_start - dt.timedelta(days=1)
    (tmp_path / "center" / "last.csv").write_text(
        "agent_id,shift_start,shift_end\n"
        f"{first},{sunday} 13:00:00+08:00,{sunday} 22:00:00+08:00\n", encoding="utf-8")
    scenario = scenario.model_copy(update={"previous_roster": tmp_path / "center" / "last.csv"})
    history, agents = load_inputs(scenario)
    requirements = pd.DataFrame({"channel": ["phone"], "ds": [pd.Timestamp(f"{scenario.week_start} 09:00", tz=TZ)],
                                 "scheduled_required": [1]})
    problem = roster_problem(scenario, requirements, agents)
    agent = next(a for a in problem.agents if a.agent_id == first)
    assert agent.previous_shift_end == dt.datetime.combine(sunday, dt.time(22, 0))
    assert agent.previous_consecutive_days == 1
    assert problem.hint["agent_id"].tolist() == [first]
    assert all(a.previous_shift_end is None for a in problem.agents if a.agent_id != first)


def test_cli_plans_after_last_weeks_roster(tmp_path, capsys):
    from staffcast.cli import main
    from tests.staffcast.small_center import write_small_center

    path = write_small_center(tmp_path / "center")
    db = f"sqlite:///{tmp_path / 'plans.db'}"
    first = ["--db", db, "--lang", "en", "plan", str(path), "--time-limit", "5", "--quiet"]
    assert main([*first, "--out", str(tmp_path / "week1")]) == 0
    # last week's roster: this plan's, one week earlier
    roster = pd.read_csv(tmp_path / "week1" / "roster.csv")
    for column in ("shift_start", "shift_end"):
        roster[column] = (pd.to_datetime(roster[column]) - pd.Timedelta(days=7)).map(pd.Timestamp.isoformat)
    roster.to_csv(tmp_path / "last.csv", index=False)
    capsys.readouterr()
    assert main([*first, "--out", str(tmp_path / "week2"), "--previous-roster", str(tmp_path / "last.csv")]) == 0
    second = pd.read_csv(tmp_path / "week2" / "roster.csv")
    moved = pd.read_csv(tmp_path / "week2" / "violations.csv")
    moved = moved[moved["description"].str.startswith("start moved from last week", na=False)]
    # the same requirements a week later: nearly every shift keeps last week's start
    assert len(moved) <= len(second) // 4
    assert main([*first, "--out", str(tmp_path / "w3"), "--previous-roster", str(tmp_path / "none.csv")]) == 2
    assert "none.csv: previous roster file does not exist" in capsys.readouterr().err


def test_cli_validate_checks_every_input_file(tmp_path, capsys):
    from staffcast.cli import main
    from tests.staffcast.small_center import write_small_center

    path = write_small_center(tmp_path / "center")
    # a channel without history (forecast as a share of phone) must not be asked for history rows
    text = path.read_text(encoding="utf-8").replace(
        "[shifts]", '[channels.social]\nkind = "social"\nservice_level = 0.8\nanswer_s = 300\n'
        'derive_from = "phone"\nderive_share = 0.1\naht_s = 200\nopen = "09:00-18:00"\n\n[shifts]')
    agents = (tmp_path / "center" / "agents.csv").read_text(encoding="utf-8")
    (tmp_path / "center" / "agents.csv").write_text(agents.replace("phone:1,", "phone:1;social:2,", 1),
                                                    encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert main(["--lang", "en", "validate", str(path)]) == 0
    assert "12 agents" in capsys.readouterr().out
    (tmp_path / "center" / "last.csv").write_text(
        "agent_id,shift_start,shift_end\nS01,2026-03-01 09:00:00,2026-03-01 18:00:00+08:00\n", encoding="utf-8")
    path.write_text(text.replace('agents = "agents.csv"', 'agents = "agents.csv"\nprevious_roster = "last.csv"'),
                    encoding="utf-8")
    assert main(["--lang", "en", "validate", str(path)]) == 2
    assert "last.csv line 2: shift_start must be an ISO 8601 timestamp" in capsys.readouterr().err
