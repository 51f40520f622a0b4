"""What-if transformations, plan comparison and the cost-versus-service-level curve."""

from __future__ import annotations

import dataclasses
import tomllib

import numpy as np
import pandas as pd
import pytest

from staffcast.errors import StaffcastError
from staffcast.i18n import error_text
from staffcast.loading import read_agents
from staffcast.scenario import load_scenario, parse_scenario
from staffcast.ui.scenarios import (
    NewChannel,
    TargetChange,
    WhatIf,
    calendar_from_tables,
    cached_forecast,
    compare_plans,
    plan_kpis,
    relative_change,
    service_cost_curve,
    stored_scenario,
    variant_text,
    what_if_forecast,
    what_if_scenario,
    with_calendar,
)
from tests.ui.synthetic_plan import synthetic_frames


@pytest.fixture(scope="module")
def frames():
    return synthetic_frames()


@pytest.fixture
def scenario(center):
    return load_scenario(center)[0]


def test_volume_deflection_and_handle_time(frames):
    forecast = frames["forecast"]
    what_if = WhatIf("peak", volume_change_frac=0.3, aht_change_frac=-0.1, bot_deflection_frac=0.2,
                     deflect_channels=("email",))
    changed = what_if_forecast(forecast, what_if)
    phone, email = forecast["channel"] == "phone", forecast["channel"] == "email"
    for column in ("volume", "volume_lo_80", "volume_hi_95"):
        np.testing.assert_allclose(changed.loc[phone, column], forecast.loc[phone, column] * 1.3)
        np.testing.assert_allclose(changed.loc[email, column], forecast.loc[email, column] * 1.3 * 0.8)
    np.testing.assert_allclose(changed["aht_s"], forecast["aht_s"] * 0.9)
    assert forecast["volume"].equals(frames["forecast"]["volume"])  # input untouched


def test_deflection_applies_to_every_channel_when_none_is_named(frames):
    changed = what_if_forecast(frames["forecast"], WhatIf("bot", bot_deflection_frac=0.5))
    np.testing.assert_allclose(changed["volume"], frames["forecast"]["volume"] * 0.5)


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"volume_change_frac": -1.0}, "volume_change_frac"), ({"bot_deflection_frac": 1.0}, "bot_deflection_frac"),
     ({"absence_frac": 1.2}, "absence_frac"), ({"added_agents": -1}, "added_agents"),
     ({"added_agents": 2}, "added_contract")],
)
def test_bad_changes_name_the_field(changes, field):
    with pytest.raises(ValueError, match=field):
        WhatIf("bad", **changes)


def test_target_change_validates():
    with pytest.raises(ValueError, match="service_level of phone"):
        TargetChange("phone", 1.5, 20)


def test_scenario_changes_targets_shrinkage_and_adds_agents(scenario, tmp_path):
    what_if = WhatIf("hire", targets=(TargetChange("phone", 0.9, 15),), absence_frac=0.1, surge_buffer_frac=0.2,
                     added_agents=3, added_contract="part_time", added_skills="phone:1;email:2")
    changed = what_if_scenario(scenario, what_if, tmp_path / "work")
    assert changed.channels["phone"].service_level == 0.9 and changed.channels["phone"].answer_s == 15
    assert changed.channels["email"] == scenario.channels["email"]
    assert changed.shrinkage.absence_frac == 0.1 and changed.shrinkage.surge_buffer_frac == 0.2
    assert changed.shrinkage.meetings_frac == scenario.shrinkage.meetings_frac
    agents = read_agents(changed.agents, changed.channels, changed.contracts)
    original = read_agents(scenario.agents, scenario.channels, scenario.contracts)
    assert len(agents) == len(original) + 3
    added = agents[~agents["agent_id"].isin(original["agent_id"])]
    assert set(added["contract"]) == {"part_time"}
    assert all(skills == (("phone", 1), ("email", 2)) for skills in added["skills"])
    assert "hire" in changed.name


VIDEO = NewChannel(name="video", kind="chat", derive_from="phone", share=0.25, aht_s=360, service_level=0.8,
                   answer_s=60, patience_s=300, concurrency=1, open="10:00-16:00", trained_from="email")


def test_new_channel_is_derived_and_staffed_by_cross_trained_agents(scenario, frames, tmp_path):
    from staffcast.pipeline import apply_scenario_overrides, run_staffing

    changed = what_if_scenario(scenario, WhatIf("video", new_channels=(VIDEO,)), tmp_path / "work")
    assert changed.channels["video"].derive_from == "phone" and "video" not in changed.history_channels
    agents = read_agents(changed.agents, changed.channels, changed.contracts)
    trained = agents[[any(c == "email" for c, _ in skills) for skills in agents["skills"]]]
    assert all(skills[-1][0] == "video" for skills in trained["skills"])  # lowest priority
    base = frames["forecast"].drop(columns=["is_open"], errors="ignore")
    forecast = apply_scenario_overrides(changed, base)
    video = forecast[forecast["channel"] == "video"].reset_index(drop=True)
    phone = forecast[forecast["channel"] == "phone"].reset_index(drop=True)
    hours = video["ds"].dt.hour
    inside = (hours >= 10) & (hours < 16)
    np.testing.assert_allclose(video.loc[inside, "volume"], 0.25 * phone.loc[inside, "volume"])
    assert (video.loc[~inside, "volume"] == 0).all() and (video["aht_s"] == 360).all()
    requirements = run_staffing(changed, forecast)
    assert requirements.loc[requirements["channel"] == "video", "required_agents"].sum() > 0


def test_new_channel_errors_name_the_problem(scenario, tmp_path):
    with pytest.raises(ValueError, match="already exists"):
        what_if_scenario(scenario, WhatIf("x", new_channels=(NewChannel(
            name="phone", kind="voice", derive_from="email", share=0.1, aht_s=100, service_level=0.8, answer_s=20),)),
            tmp_path)
    with pytest.raises(ValueError, match="derive_from"):
        what_if_scenario(scenario, WhatIf("x", new_channels=(NewChannel(
            name="fax", kind="email", derive_from="telex", share=0.1, aht_s=100, service_level=0.8, answer_s=3600),)),
            tmp_path)
    with pytest.raises(ValueError, match="name"):
        NewChannel(name="new channel!", kind="chat", derive_from="phone", share=0.1, aht_s=1, service_level=0.8,
                   answer_s=1)


def test_what_if_with_new_channel_round_trips():
    what_if = WhatIf("video", new_channels=(VIDEO,))
    assert WhatIf.from_dict(what_if.describe()) == what_if


def test_scenario_rejects_unknown_channels_and_contracts(scenario, tmp_path):
    with pytest.raises(ValueError, match="chat"):
        what_if_scenario(scenario, WhatIf("x", targets=(TargetChange("chat", 0.8, 20),)), tmp_path)
    with pytest.raises(ValueError, match="added_contract"):
        what_if_scenario(scenario, WhatIf("x", added_agents=1, added_contract="temp", added_skills="phone:1"), tmp_path)


def test_stored_scenario_replays_the_what_if_chain(scenario, center, tmp_path):
    text = center.read_text()
    first = WhatIf("a", absence_frac=0.2)
    second = WhatIf("b", added_agents=1, added_contract="full_time", added_skills="email:1")
    summary = {"inputs_dir": str(center.parent), "what_if": [first.describe(), second.describe()]}
    replayed = stored_scenario(variant_text(variant_text(text, first), second), summary, tmp_path, tmp_path / "w")
    assert replayed.shrinkage.absence_frac == 0.2
    assert len(pd.read_csv(replayed.agents)) == len(pd.read_csv(scenario.agents)) + 1
    assert WhatIf.from_dict(second.describe()) == second


def test_stored_scenario_without_inputs_names_the_missing_file(center, tmp_path):
    with pytest.raises(ValueError, match="history.csv"):
        stored_scenario(center.read_text(), {}, tmp_path, tmp_path)


def test_cached_forecast_keeps_forecast_and_backtest(frames):
    cached = cached_forecast(frames, {"phone": "slot_average"})
    assert "is_open" not in cached.forecast and len(cached.forecast) == len(frames["forecast"])
    assert cached.selected == {"phone": "slot_average"}


def test_comparison_weights_service_level_by_contacts():
    kpis = pd.DataFrame({"forecast_contacts": [300.0, 100.0], "simulated_service_level": [0.9, 0.5],
                         "abandon_rate": [0.02, 0.1], "scheduled_agent_hours": [100.0, 50.0], "labor_cost": [3000.0, 1000.0]})
    summary = {"total_cost": 4000.0, "paid_hours": 160.0, "roster": {"agents_rostered": 20}}
    values = plan_kpis(summary, kpis)
    assert values["service_level"] == pytest.approx(0.8)
    assert values["abandon_rate"] == pytest.approx(0.04)
    assert values["cost_per_contact"] == pytest.approx(10.0)
    doubled = {**summary, "total_cost": 8000.0}
    table = compare_plans({"base": (summary, kpis), "peak": (doubled, kpis)})
    assert list(table.columns) == ["base", "peak"]
    assert relative_change(table).loc["total_cost", "peak"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at least 2"):
        compare_plans({"base": (summary, kpis)})


def test_cost_curve_never_falls_as_the_target_rises(scenario, frames):
    curve = service_cost_curve(scenario, frames["forecast"], [0.6, 0.7, 0.8, 0.9, 0.95], cost_per_paid_hour=30.0)
    assert list(curve.columns) == ["service_level", "required_hours", "scheduled_hours", "estimated_cost"]
    assert curve["required_hours"].is_monotonic_increasing
    assert curve["estimated_cost"].iloc[-1] > curve["estimated_cost"].iloc[0]
    np.testing.assert_allclose(curve["estimated_cost"], curve["scheduled_hours"] * 30.0)
    with pytest.raises(ValueError, match="cost_per_paid_hour"):
        service_cost_curve(scenario, frames["forecast"], [0.8], 0.0)


def test_calendar_edits_round_trip_through_the_scenario_text(center):
    text = center.read_text()
    events = pd.DataFrame([{"name": "sale 大促", "dates": "2026-03-04; 2025-03-04", "pre_days": 2, "post_days": None},
                           {"name": None, "dates": "", "pre_days": None, "post_days": None}])
    overrides = pd.DataFrame([{"date": "2026-03-04", "channel": "phone", "factor": 1.5, "start": "10:00", "end": "12:00"}])
    new_events, new_overrides = calendar_from_tables(events, overrides)
    edited = with_calendar(text, new_events, new_overrides)
    parsed = parse_scenario(edited)
    assert [e.name for e in parsed.events] == ["sale 大促"] and parsed.events[0].pre_days == 2
    assert parsed.overrides[0].factor == 1.5 and parsed.overrides[0].start == "10:00"
    assert tomllib.loads(edited)["solver"] == tomllib.loads(text)["solver"]
    assert parse_scenario(with_calendar(edited, [], [])).events == ()


def test_calendar_errors_name_table_and_row():
    events = pd.DataFrame([{"name": "ok", "dates": "2026-03-04"}, {"name": "bad", "dates": "04/03/2026"}])
    with pytest.raises(ValueError, match="events row 2") as caught:
        calendar_from_tables(events, pd.DataFrame(columns=["date"]))
    assert error_text(caught.value, "zh").startswith("事件表第 2 行：")
    overrides = pd.DataFrame([{"date": "2026-03-04", "channel": None, "factor": -1.0}])
    with pytest.raises(ValueError, match="overrides row 1"):
        calendar_from_tables(pd.DataFrame(columns=["name"]), overrides)


@pytest.mark.parametrize(
    ("make", "english", "chinese"),
    [
        (lambda: WhatIf(" "), "name must not be empty", "假设场景名称不能为空"),
        (lambda: WhatIf("x", volume_change_frac=-2.0), "volume_change_frac must be > -1 (−100 %), got -2.0",
         "话务量变化（volume_change_frac）必须大于 -1（即 −100%），实际为 -2.0"),
        (lambda: WhatIf("x", absence_frac=1.5), "absence_frac must be in [0, 1), got 1.5",
         "缺勤比例（absence_frac）必须在 [0, 1) 之间，实际为 1.5"),
        (lambda: TargetChange("phone", 0.8, 0), "answer_s of phone must be > 0, got 0",
         "渠道 phone 的应答时限 answer_s 必须大于 0，实际为 0"),
        (lambda: dataclasses.replace(VIDEO, share=0.0), "share of the new channel must be > 0, got 0.0",
         "新渠道占来源渠道话务量的比例必须大于 0，实际为 0.0"),
    ],
)
def test_what_if_errors_render_in_chinese(make, english, chinese):
    with pytest.raises(StaffcastError) as caught:
        make()
    assert str(caught.value) == english and error_text(caught.value, "en") == english
    assert error_text(caught.value, "zh") == chinese


def test_a_bad_new_channel_setting_is_a_translated_error(scenario, tmp_path):
    bad = dataclasses.replace(VIDEO, open="10-16")
    with pytest.raises(StaffcastError, match="new channel 'video' is not valid: open: open must be a clock time HH:MM, got '10'") as caught:
        what_if_scenario(scenario, WhatIf("x", new_channels=(bad,)), tmp_path)
    assert "新渠道 'video' 的设置无效：open：open 必须是 HH:MM 格式的时刻，实际为 '10'" in error_text(caught.value, "zh")


def test_missing_inputs_of_a_stored_plan_in_chinese(center, tmp_path):
    with pytest.raises(StaffcastError) as caught:
        stored_scenario(center.read_text(), {}, tmp_path, tmp_path)
    assert "已不可用" in error_text(caught.value, "zh") and "history.csv" in error_text(caught.value, "zh")
