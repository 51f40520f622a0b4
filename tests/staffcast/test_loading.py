from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from staffcast.errors import DataError
from staffcast.loading import agent_skills_frame, read_agents, read_history
from staffcast.scenario import ChannelSpec, ContractSpec

TZ = ZoneInfo("Asia/Shanghai")
CHANNELS = {
    "phone": ChannelSpec(kind="voice", service_level=0.8, answer_s=20),
    "chat": ChannelSpec(kind="chat", service_level=0.8, answer_s=40),
}
CONTRACTS = {"full_time": ContractSpec(shift_lengths_h=(9,), hourly_wage=30)}

GOOD_HISTORY = """channel,ds,volume,aht_s,abandoned
phone,2026-11-01T08:00:00+08:00,10,300,1
phone,2026-11-01T08:15:00+08:00,12,310,0
chat,2026-11-01T08:00:00+08:00,5,400,0
chat,2026-11-01T08:15:00+08:00,,,
"""

GOOD_AGENTS = """agent_id,name,contract,skills,available_days,earliest_start,latest_end,time_off,preferred_start
A1,王芳 Wang Fang,full_time,phone:1;chat:2,Mon;Tue;Wed;Thu;Fri,08:00,22:00,2026-12-01,09:00
A2,李娜 Li Na,full_time,chat:1,,,,,
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_history(tmp_path):
    history = read_history(write(tmp_path, "h.csv", GOOD_HISTORY), TZ, CHANNELS)
    frame = history.frame
    assert list(frame.columns) == ["channel", "ds", "volume", "aht_s", "abandoned"]
    assert str(frame["ds"].dt.tz) == "Asia/Shanghai"
    assert frame["ds"].iloc[0].hour == 8
    assert frame["volume"].isna().sum() == 1  # empty stays missing, never zero
    assert any("missing" in note for note in history.notes)


def test_extra_channel_is_reported_not_silently_dropped(tmp_path):
    text = GOOD_HISTORY + "fax,2026-11-01T08:00:00+08:00,1,100,0\n"
    history = read_history(write(tmp_path, "h.csv", text), TZ, CHANNELS)
    assert "fax" not in set(history.frame["channel"])
    assert any("fax (1 rows)" in note for note in history.notes)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.replace("channel,ds,volume", "channel,time,volume"), r"missing column\(s\) \['ds'\]"),
        (lambda s: s.replace(",10,300", ",-3,300"), r"h.csv line 2: volume must be >= 0, got -3"),
        (lambda s: s.replace(",12,310", ",many,310"), r"h.csv line 3: volume must be a number, got 'many'"),
        (lambda s: s.replace("08:15:00+08:00,12", "08:00:00+08:00,12"), r"line 3: duplicated timestamp"),
        (lambda s: s.replace("2026-11-01T08:15:00+08:00,12", "2026-11-01T07:45:00+08:00,12"), r"line 3: timestamps must increase"),
        (lambda s: s.replace("2026-11-01T08:00:00+08:00,10", "2026-11-01 08:00,10"), r"line 2: ds must be an ISO 8601 timestamp with a UTC offset"),
        (lambda s: s.replace("2026-11-01T08:00:00+08:00,10", "2026-13-01T08:00:00+08:00,10"), r"line 2: ds is not a valid timestamp"),
        (lambda s: s.replace("chat,", "fax,"), r"no history rows for channel\(s\) \['chat'\]"),
        (lambda s: s.replace(",10,300,1", ",10,300,11"), r"line 2: abandoned must be <= volume"),
    ],
)
def test_bad_history(tmp_path, change, message):
    with pytest.raises(DataError, match=message):
        read_history(write(tmp_path, "h.csv", change(GOOD_HISTORY)), TZ, CHANNELS)


def test_history_file_missing(tmp_path):
    with pytest.raises(DataError, match="history file does not exist"):
        read_history(tmp_path / "none.csv", TZ, CHANNELS)


def test_good_agents(tmp_path):
    agents = read_agents(write(tmp_path, "a.csv", GOOD_AGENTS), CHANNELS, CONTRACTS)
    first = agents.iloc[0]
    assert first["skills"] == (("phone", 1), ("chat", 2))
    assert first["available_weekdays"] == (0, 1, 2, 3, 4)
    assert first["earliest_start_min"] == 480 and first["latest_end_min"] == 22 * 60
    assert first["preferred_start_min"] == 540
    assert str(first["time_off"][0]) == "2026-12-01"
    second = agents.iloc[1]
    assert second["available_weekdays"] == tuple(range(7)) and pd.isna(second["preferred_start_min"])
    assert first["off_requests"] == () and first["shift_requests"] == ()
    skills = agent_skills_frame(agents)
    assert len(skills) == 3 and set(skills.columns) == {"agent_id", "channel", "priority"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.replace("full_time,chat:1", "zero_hours,chat:1"), r"a.csv line 3: contract must be one of \['full_time'\], got 'zero_hours'"),
        (lambda s: s.replace("phone:1;chat:2", "phone:1;fax:2"), r"a.csv line 2: skills names unknown channel 'fax'"),
        (lambda s: s.replace("phone:1;chat:2", "chat:1"), r"no agent can serve channel 'phone'"),
        (lambda s: s.replace("A2,", "A1,"), r"a.csv line 3: agent_id 'A1' appears twice"),
        (lambda s: s.replace("Mon;Tue", "Monday;Tue"), r"line 2: available_days must use"),
        (lambda s: s.replace(",2026-12-01,", ",1/12/2026,"), r"line 2: time_off must list dates as YYYY-MM-DD"),
        (lambda s: s.replace(",08:00,22:00,", ",8am,22:00,"), r"line 2: earliest_start must be a clock time"),
        (lambda s: s.replace("phone:1;chat:2", "phone:first"), r"line 2: skills priority must be a whole number"),
        (lambda s: s.replace("agent_id,name", "id,name"), r"missing column\(s\) \['agent_id'\]"),
    ],
)
def test_bad_agents(tmp_path, change, message):
    with pytest.raises(DataError, match=message):
        read_agents(write(tmp_path, "a.csv", change(GOOD_AGENTS)), CHANNELS, CONTRACTS)


REQUESTS = GOOD_AGENTS.replace("preferred_start\n", "preferred_start,off_requests,shift_requests\n").replace(
    ",09:00\n", ",09:00,2026-12-02,2026-12-03@10:30;2026-12-04\n"
).replace(",,,,\n", ",,,,,,\n")


def test_agent_requests(tmp_path):
    agents = read_agents(write(tmp_path, "a.csv", REQUESTS), CHANNELS, CONTRACTS)
    first, second = agents.iloc[0], agents.iloc[1]
    assert [str(d) for d in first["off_requests"]] == ["2026-12-02"]
    assert [(str(d), m) for d, m in first["shift_requests"]] == [("2026-12-03", 630), ("2026-12-04", None)]
    assert second["off_requests"] == () and second["shift_requests"] == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.replace("2026-12-03@10:30", "2026-12-03 10:30"), r"a.csv line 2: shift_requests must list YYYY-MM-DD"),
        (lambda s: s.replace("2026-12-03@10:30", "2026-12-03@25:00"), r"a.csv line 2: shift_requests must list"),
        (lambda s: s.replace(",2026-12-02,", ",Dec 2,"), r"a.csv line 2: off_requests must list dates as YYYY-MM-DD"),
        (lambda s: s.replace(",2026-12-02,", ",2026-12-04,"), r"line 2: shift_requests asks to work on 2026-12-04"),
    ],
)
def test_bad_agent_requests(tmp_path, change, message):
    with pytest.raises(DataError, match=message):
        read_agents(write(tmp_path, "a.csv", change(REQUESTS)), CHANNELS, CONTRACTS)


COMMITMENTS = """agent_id,name,contract,skills,available_days,earliest_start,latest_end,time_off,off_requests,commitments
A1,王芳 Wang Fang,full_time,phone:1,Mon;Tue;Wed;Thu;Fri,08:00,22:00,2026-12-01,2026-12-02,2026-12-04@14:00-16:00;2026-12-03@09:00-10:30
A2,李娜 Li Na,full_time,chat:1,,,,,,
"""


def test_agent_commitments(tmp_path):
    agents = read_agents(write(tmp_path, "a.csv", COMMITMENTS), CHANNELS, CONTRACTS)
    first, second = agents.iloc[0], agents.iloc[1]
    assert [(str(d), s, e) for d, s, e in first["commitments"]] == [("2026-12-03", 540, 630),
                                                                    ("2026-12-04", 840, 960)]
    assert second["commitments"] == ()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("2026-12-04@14:00-16:00", "2026-12-04 14:00-16:00", "line 2: commitments must list YYYY-MM-DD@HH:MM-HH:MM"),
        ("2026-12-04@14:00-16:00", "2026-12-04@16:00-14:00", "line 2: commitments must end after they start"),
        ("2026-12-04@14:00-16:00", "2026-12-03@10:00-11:00", "line 2: commitments overlap on 2026-12-03"),
        ("2026-12-04@14:00-16:00", "2026-12-01@14:00-16:00", "line 2: commitments has a session on 2026-12-01, "
         "which is also in time_off or off_requests"),
        ("2026-12-04@14:00-16:00", "2026-12-05@14:00-16:00", "line 2: commitments has a session on 2026-12-05 "
         "14:00-16:00 outside the agent's available_days"),
        ("2026-12-04@14:00-16:00", "2026-12-04@21:00-23:00", "outside the agent's available_days or earliest_start"),
    ],
)
def test_bad_agent_commitments(tmp_path, old, new, message):
    with pytest.raises(DataError) as caught:
        read_agents(write(tmp_path, "a.csv", COMMITMENTS.replace(old, new)), CHANNELS, CONTRACTS)
    assert message in str(caught.value) and "a.csv" in str(caught.value)
