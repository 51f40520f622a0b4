"""Broken soft goals on the Roster page: translated goals and descriptions, summary by kind."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import streamlit as st

from staffcast.ui.app_pages.roster import violation_summary, violation_table

DAY = dt.date(2026, 12, 2)
VIOLATIONS = pd.DataFrame({
    "goal": ["preference", "stability", "fairness", "under_coverage"],
    "agent_id": ["A1", "A1", "A2", None],
    "channel": [None, None, None, "phone"],
    "date": [DAY, DAY, None, DAY],
    "ds": [None, None, None, pd.Timestamp("2026-12-02 21:45", tz="Asia/Shanghai")],
    "amount": [2.0, 1.0, 3.0, 1.0],
    "unit": ["h", "h", "late shifts", "agents"],
    "penalty": [100.0, 10.0, 300.0, 1000.0],
    "kind": ["start away from preferred start", "start moved from last week",
             "late shifts beyond the first", "under-coverage"],
    "description": ["start away from preferred start: A1 2026-12-02 (2 h)", "start moved from last week: A1 2026-12-02 (1 h)",
                    "late shifts beyond the first: A2 (3 late shifts)", "under-coverage: phone 2026-12-02 21:45:00+08:00 (1 agents)"],
})


@pytest.fixture
def language():
    def use(lang: str) -> None:
        st.session_state["lang"] = lang
    yield use
    st.session_state.pop("lang", None)


def test_descriptions_are_in_chinese(language):
    language("zh")
    table = violation_table(VIOLATIONS)
    assert table["description"].tolist() == [
        "上班时间偏离偏好时间：A1 2026-12-02（2 小时）", "上班时间与上周不同：A1 2026-12-02（1 小时）",
        "晚班超过一个：A2（3 个晚班）", "人手不足：phone 2026-12-02 21:45:00+08:00（1 人）"]
    assert table["goal"].tolist() == ["个人偏好", "稳定", "公平", "人手不足"]


def test_english_matches_the_scheduler_and_old_plans_still_read(language):
    language("en")
    assert violation_table(VIOLATIONS)["goal"].tolist() == ["Preferences", "Stability", "Fairness", "Under-coverage"]
    old = violation_table(VIOLATIONS.drop(columns="kind"))  # plans saved before the kind column
    assert old["kind"].tolist() == ["start away from the preferred start", "start moved from last week",
                                    "late shifts beyond the first", "short of agents"]
    unknown = violation_table(VIOLATIONS.assign(kind="a goal added later"))
    assert unknown["description"].iloc[0].startswith("a goal added later: A1")


def test_summary_puts_the_largest_penalty_first(language):
    language("en")
    summary = violation_summary(violation_table(pd.concat([VIOLATIONS, VIOLATIONS.iloc[[2]]])))
    assert summary[["kind", "count", "penalty"]].values.tolist()[:2] == [
        ["short of agents", 1, 1000.0], ["late shifts beyond the first", 2, 600.0]]
