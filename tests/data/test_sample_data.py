"""Checks of the committed synthetic sample data and of its generator."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
GENERATOR = ROOT / "data" / "generate_sample.py"
CHANNELS = ("chat", "email", "phone", "social")
OPEN_H = {"phone": (8, 22), "chat": (8, 23), "social": (8, 22)}
AGENT_COLUMNS = ["agent_id", "name", "contract", "skills", "available_days",
                 "earliest_start", "latest_end", "time_off", "preferred_start", "off_requests",
                 "shift_requests", "commitments"]
PLAN_WEEK = [dt.date(2026, 11, 30) + dt.timedelta(days=i) for i in range(7)]


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE / "history.csv.gz", dtype={"channel": str})
    frame["ds"] = pd.to_datetime(frame["ds"], format="ISO8601").dt.tz_convert("Asia/Shanghai")
    frame["date"] = frame["ds"].dt.date
    return frame


@pytest.fixture(scope="module")
def daily(history: pd.DataFrame) -> pd.DataFrame:
    return history.pivot_table(index="date", columns="channel", values="volume",
                               aggfunc="sum")


@pytest.fixture(scope="module")
def agents() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "agents.csv", dtype=str, keep_default_na=False)


def _days(first: str, last: str) -> slice:
    return slice(dt.date.fromisoformat(first), dt.date.fromisoformat(last))


def test_history_columns_channels_and_offsets(history: pd.DataFrame) -> None:
    raw = pd.read_csv(SAMPLE / "history.csv.gz", nrows=3)
    assert list(raw.columns) == ["channel", "ds", "volume", "aht_s", "abandoned"]
    assert raw["ds"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+08:00").all()
    assert sorted(history["channel"].unique()) == list(CHANNELS)
    assert (SAMPLE / "history.csv.gz").stat().st_size < 8_000_000


def test_history_is_a_complete_sorted_15_minute_grid(history: pd.DataFrame) -> None:
    first = pd.Timestamp("2024-11-25 00:00", tz="Asia/Shanghai")
    last = pd.Timestamp("2026-11-29 23:45", tz="Asia/Shanghai")
    expected = pd.date_range(first, last, freq="15min")
    for channel, group in history.groupby("channel"):
        assert not group["ds"].duplicated().any(), channel
        assert group["ds"].is_monotonic_increasing, channel
        assert group["ds"].reset_index(drop=True).equals(pd.Series(expected, name="ds")), channel


def test_volume_aht_and_abandonment_are_consistent(history: pd.DataFrame) -> None:
    assert history["volume"].dtype.kind == "i" and (history["volume"] >= 0).all()
    assert (history["abandoned"] >= 0).all()
    assert (history["abandoned"] <= history["volume"]).all()
    assert (history.loc[history["channel"] == "email", "abandoned"] == 0).all()
    assert (history["aht_s"].isna() == (history["volume"] == 0)).all()
    assert (history["aht_s"].dropna() > 0).all()
    mean_aht = history.groupby("channel").apply(
        lambda g: (g["volume"] * g["aht_s"].fillna(0)).sum() / g["volume"].sum(),
        include_groups=False)
    for channel, target_s in {"phone": 300, "chat": 420, "email": 480, "social": 240}.items():
        assert 0.9 * target_s < mean_aht[channel] < 1.15 * target_s, channel


def test_closed_hours_have_no_arrivals_and_email_runs_all_night(history) -> None:
    hour = history["ds"].dt.hour
    for channel, (open_h, close_h) in OPEN_H.items():
        closed = (history["channel"] == channel) & ((hour < open_h) | (hour >= close_h))
        assert closed.any() and (history.loc[closed, "volume"] == 0).all(), channel
        opened = (history["channel"] == channel) & ~closed
        assert history.loc[opened, "volume"].mean() > 5, channel
    night_email = (history["channel"] == "email") & (hour < 6)
    assert history.loc[night_email, "volume"].sum() > 1000


def test_double_eleven_far_above_a_normal_day(daily: pd.DataFrame) -> None:
    normal = daily.loc[_days("2026-09-07", "2026-09-27")].sum(axis=1).median()
    for year in (2025, 2026):
        peak = daily.loc[dt.date(year, 11, 11)].sum()
        assert peak > 2.5 * normal, year
        tail = daily.loc[_days(f"{year}-11-12", f"{year}-11-16")].sum(axis=1).mean()
        assert normal < tail < peak, year


def test_618_build_up_and_peak(daily: pd.DataFrame) -> None:
    normal = daily.loc[_days("2026-05-11", "2026-05-24")].sum(axis=1).median()
    assert daily.loc[dt.date(2026, 6, 18)].sum() > 2.0 * normal
    early, late = (daily.loc[_days(a, b)].sum(axis=1).mean()
                   for a, b in (("2026-06-01", "2026-06-07"), ("2026-06-11", "2026-06-17")))
    assert normal < early < late


def test_spring_festival_dip_and_pre_festival_build_up(daily: pd.DataFrame) -> None:
    after = daily.loc[_days("2026-03-09", "2026-03-22")].sum(axis=1).mean()
    festival = daily.loc[_days("2026-02-15", "2026-02-23")].sum(axis=1)
    assert (festival < 0.65 * after).all()
    assert festival.mean() > 0.25 * after
    build_up = daily.loc[_days("2026-02-02", "2026-02-07")].sum(axis=1).mean()
    assert build_up > 1.1 * after


def test_weekly_pattern_and_make_up_working_days(daily: pd.DataFrame) -> None:
    dates = pd.Series(daily.index, index=daily.index)
    weekday = pd.to_datetime(dates).dt.day_of_week
    spring = daily.loc[_days("2026-03-02", "2026-05-24")]
    wd = weekday.loc[spring.index]
    assert spring["phone"][wd == 0].mean() > 1.15 * spring["phone"][wd == 5].mean()
    assert spring["chat"][wd == 6].mean() > 1.1 * spring["chat"][wd == 2].mean()
    cal = holidays.China(years=(2024, 2025, 2026))
    makeup = [d for d in cal.weekend_workdays if d in daily.index]
    assert len(makeup) >= 8
    ratios = []
    for day in makeup:
        week = dt.timedelta(days=7)
        near = daily.loc[_days(str(day - week), str(day + week))]
        near_workdays = [d for d in near.index if d.weekday() < 5 and cal.is_working_day(d)]
        ratios.append(daily.loc[day, "phone"] / daily.loc[near_workdays, "phone"].mean())
    assert np.median(ratios) > 0.85


def test_public_holidays_lower_and_trend_upward(daily: pd.DataFrame) -> None:
    national_day = daily.loc[_days("2026-10-01", "2026-10-07"), "phone"].mean()
    september = daily.loc[_days("2026-09-07", "2026-09-27"), "phone"].mean()
    assert national_day < 0.7 * september
    growth = (daily.loc[_days("2026-08-03", "2026-09-27")].sum().sum()
              / daily.loc[_days("2025-08-04", "2025-09-28")].sum().sum())
    assert 1.03 < growth < 1.2


def test_weekly_workload_is_calibrated_to_the_roster(history: pd.DataFrame) -> None:
    work_h = history["volume"] * history["aht_s"].fillna(0) / 3600
    work_h = work_h.where(history["channel"] != "chat", work_h / 2)
    ds = history["ds"]
    week = lambda first, last: work_h[(ds.dt.date >= first) & (ds.dt.date <= last)].sum()  # noqa: E731
    normal = week(dt.date(2026, 9, 14), dt.date(2026, 9, 20))
    peak = week(dt.date(2026, 11, 9), dt.date(2026, 11, 15))
    assert 1800 < normal < 2300
    assert peak > 1.6 * normal


def test_agents_file(agents: pd.DataFrame) -> None:
    assert list(agents.columns) == AGENT_COLUMNS
    assert len(agents) == 120 and agents["agent_id"].is_unique
    assert agents["name"].is_unique
    assert agents["name"].str.fullmatch(r"[\u4e00-\u9fff]{2,3} [A-Z][a-z]+ [A-Z][a-z]+").all()
    assert agents["contract"].value_counts().to_dict() == {"full_time": 84, "part_time": 36}
    skills = agents["skills"].str.split(";").map(lambda s: dict(x.split(":") for x in s))
    for channel in CHANNELS:
        skilled = skills.map(lambda s, c=channel: c in s).sum()
        primary = skills.map(lambda s, c=channel: s.get(c) == "1").sum()
        assert skilled >= 30 and primary >= 10, channel
    assert skills.map(lambda s: set(s.values()) <= {"1", "2", "3"} and "1" in s.values()).all()


def test_agents_availability_time_off_and_preferences(agents: pd.DataFrame) -> None:
    need = {"full_time": 5, "part_time": 3}
    shift_h = {"full_time": 9, "part_time": 4}
    with_off = agents[agents["time_off"] != ""]
    assert len(with_off) == 8
    for row in agents.itertuples():
        days = row.available_days.split(";")
        assert set(days) <= {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
        off = [dt.date.fromisoformat(d) for d in row.time_off.split(";") if d]
        assert all(d in PLAN_WEEK for d in off), row.agent_id
        left = [d for d in days if d not in {o.strftime("%a") for o in off}]
        assert len(left) >= need[row.contract], row.agent_id
        window_h = int(row.latest_end[:2]) - int(row.earliest_start[:2])
        assert window_h >= shift_h[row.contract], row.agent_id
        if row.preferred_start:
            start_h = int(row.preferred_start[:2]) + int(row.preferred_start[3:]) / 60
            assert int(row.earliest_start[:2]) <= start_h
            assert start_h + shift_h[row.contract] <= int(row.latest_end[:2]), row.agent_id
    assert 0.25 <= (agents["preferred_start"] != "").mean() <= 0.35


def test_agents_requests_fall_on_available_days(agents: pd.DataFrame) -> None:
    with_off, with_shift = agents[agents["off_requests"] != ""], agents[agents["shift_requests"] != ""]
    assert len(with_off) == 8 and len(with_shift) == 8
    assert not set(with_off["agent_id"]) & set(with_shift["agent_id"])
    assert (agents.loc[agents["off_requests"].ne("") | agents["shift_requests"].ne(""), "time_off"] == "").all()
    for row in agents.itertuples():
        for text in filter(None, (row.off_requests + ";" + row.shift_requests).split(";")):
            day = dt.date.fromisoformat(text.split("@")[0])
            assert day in PLAN_WEEK and day.strftime("%a") in row.available_days, row.agent_id


def test_agents_training_sessions_fit_the_agent(agents: pd.DataFrame) -> None:
    sessions = agents[agents["commitments"] != ""]
    assert len(sessions) == 6
    for row in sessions.itertuples():
        day_text, _, span = row.commitments.partition("@")
        day, (start, end) = dt.date.fromisoformat(day_text), span.split("-")
        assert day in PLAN_WEEK and day.strftime("%a") in row.available_days.split(";")
        assert day.strftime("%a") in ("Tue", "Wed", "Thu") and row.time_off == "" and row.off_requests == ""
        assert row.earliest_start <= start < end <= row.latest_end


def _generate(out: Path, seed: int) -> None:
    subprocess.run([sys.executable, str(GENERATOR), "--seed", str(seed), "--start",
                    "2026-10-05", "--end", "2026-10-25", "--out", str(out), "--quiet"],
                   check=True, cwd=ROOT)


def test_generator_is_reproducible_for_a_seed(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        _generate(tmp_path / name, seed)
    for file in ("history.csv.gz", "agents.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    assert ((tmp_path / "a" / "history.csv.gz").read_bytes()
            != (tmp_path / "c" / "history.csv.gz").read_bytes())
    short = pd.read_csv(tmp_path / "a" / "history.csv.gz")
    assert len(short) == 4 * 21 * 96
    assert short["ds"].iloc[0] == "2026-10-05T00:00:00+08:00"


@pytest.mark.slow
def test_committed_files_match_the_generator(tmp_path: Path) -> None:
    """Regenerating with the defaults reproduces the committed files byte for byte."""
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path), "--quiet"],
                   check=True, cwd=ROOT)
    for file in ("history.csv.gz", "agents.csv"):
        assert (tmp_path / file).read_bytes() == (SAMPLE / file).read_bytes(), file


def test_calendar_kinds_follow_the_official_arrangement(monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "data"))
    from samplegen import CHANNELS as PROFILES
    from samplegen import build_calendar

    cal = build_calendar(dt.date(2026, 9, 28), dt.date(2026, 10, 12), PROFILES)
    kind = dict(zip(cal.dates, cal.kind))
    assert kind[dt.date(2026, 10, 1)] == "holiday"
    assert kind[dt.date(2026, 10, 4)] == "holiday"  # a Sunday inside the National Day break
    assert kind[dt.date(2026, 10, 10)] == "makeup_workday"  # Saturday worked (调休)
    assert kind[dt.date(2026, 10, 11)] == "weekend"
    assert kind[dt.date(2026, 9, 29)] == "workday"
    phone = [p.name for p in PROFILES].index("phone")
    by_day = dict(zip(cal.dates, cal.volume_factor[:, phone]))
    assert by_day[dt.date(2026, 10, 10)] > 1.15 * by_day[dt.date(2026, 10, 11)]
    assert by_day[dt.date(2026, 10, 2)] < 0.7 * by_day[dt.date(2026, 9, 30)]
    assert cal.weekend_shape.tolist() == [k != "workday" and k != "makeup_workday"
                                          for k in cal.kind]


def test_generator_rejects_a_reversed_date_range(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, str(GENERATOR), "--start", "2026-10-05", "--end",
                          "2026-10-01", "--out", str(tmp_path), "--quiet"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode != 0
    assert "end must be >= start" in run.stderr and "Traceback" not in run.stderr
