from pathlib import Path

import pytest

from staffcast.errors import ScenarioError
from staffcast.scenario import load_scenario, parse_scenario

SAMPLE_TEXT = (Path(__file__).resolve().parents[2] / "data" / "sample" / "scenario.toml").read_text("utf-8")


def test_sample_scenario_loads(sample_dir):
    scenario, text = load_scenario(sample_dir / "scenario.toml")
    assert text == SAMPLE_TEXT
    assert set(scenario.channels) == {"phone", "chat", "email", "social"}
    assert scenario.history.is_absolute() and scenario.history.parent == sample_dir.resolve()
    assert scenario.days[0].isoformat() == "2026-11-30" and len(scenario.days) == 7
    assert scenario.channels["email"].mode == "deferred"
    assert scenario.channels["phone"].open_minutes == (8 * 60, 22 * 60)
    assert scenario.shrinkage.shrinkage_frac == pytest.approx(0.13)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('timezone = "Asia/Shanghai"', 'timezone = "Asia/Nowhere"', "timezone"),
        ("interval_min = 15", "interval_min = 20", "interval_min"),
        ('kind = "voice"', 'kind = "fax"', "channels.phone.kind"),
        ("service_level = 0.80\nanswer_s = 20", "service_level = 1.5\nanswer_s = 20", "channels.phone.service_level"),
        ('open = "08:00-22:00"', 'open = "22:00-08:00"', "channels.phone.open"),
        ("concurrency_aht_factor = [1.0, 1.25, 1.6]", "concurrency_aht_factor = [1.0, 1.25]", "channels.chat"),
        ("min_hours_week = 12", "min_hours_week = 30", "contracts.part_time"),
        ("absence_frac = 0.08", "absence_frac = -0.1", "shrinkage.absence_frac"),
        ('week_start = "2026-11-30"', 'week_start = "next monday"', "week_start"),
        ("hourly_wage = 26.0", "hourly_wag = 26.0", "contracts.part_time.hourly_wag"),
    ],
)
def test_bad_field_is_named(old, new, field):
    assert old in SAMPLE_TEXT
    with pytest.raises(ScenarioError) as info:
        parse_scenario(SAMPLE_TEXT.replace(old, new, 1), source="bad.toml")
    assert field in str(info.value)
    assert "bad.toml" in str(info.value)


def test_missing_required_field_is_named():
    with pytest.raises(ScenarioError, match="timezone: required field is missing"):
        parse_scenario(SAMPLE_TEXT.replace('timezone = "Asia/Shanghai"\n', ""))


def test_not_toml():
    with pytest.raises(ScenarioError, match="not valid TOML"):
        parse_scenario("name = ", source="x.toml")


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="does not exist"):
        load_scenario(tmp_path / "nope.toml")


def test_missing_history_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SAMPLE_TEXT, encoding="utf-8")
    with pytest.raises(ScenarioError, match="history file .* does not exist"):
        load_scenario(path)


def test_override_channel_must_exist():
    text = SAMPLE_TEXT + '\n[[overrides]]\ndate = "2026-12-01"\nchannel = "fax"\nfactor = 2.0\n'
    with pytest.raises(ScenarioError, match=r"overrides\[0\]\.channel"):
        parse_scenario(text)


def test_derived_channel_needs_a_source_with_history():
    text = SAMPLE_TEXT + '\n[channels.video]\nkind = "chat"\nservice_level = 0.8\nanswer_s = 60\nderive_from = "phone"\nderive_share = 0.2\naht_s = 300\n'
    scenario = parse_scenario(text)
    assert "video" in scenario.channels and "video" not in scenario.history_channels
    with pytest.raises(ScenarioError, match="channels.video.derive_from must name a channel with history"):
        parse_scenario(text.replace('derive_from = "phone"', 'derive_from = "fax"'))
    with pytest.raises(ScenarioError, match="needs derive_share"):
        parse_scenario(text.replace("derive_share = 0.2\n", ""))


def test_contract_rules_reach_the_roster_contracts():
    import pandas as pd

    from staffcast.pipeline import roster_problem

    text = SAMPLE_TEXT.replace(
        "hourly_wage = 26.0",
        'hourly_wage = 26.0\nmax_consecutive_days = 4\nmin_consecutive_days_off = 2\nmax_late_shifts_week = 2\n'
        'start_times = ["08:00", "12:00", "18:00"]', 1).replace("breaks_per_4h = 1", 'breaks_per_4h = 1\nlate_end_after = "20:30"')
    scenario = parse_scenario(text)
    agents = pd.DataFrame(columns=["agent_id"])
    problem = roster_problem(scenario, pd.DataFrame(columns=["channel", "ds", "scheduled_required"]), agents)
    part_time = problem.contracts["part_time"]
    assert (part_time.max_consecutive_days, part_time.min_consecutive_days_off, part_time.max_late_shifts_week) == (4, 2, 2)
    assert [t.strftime("%H:%M") for t in part_time.start_times] == ["08:00", "12:00", "18:00"]
    assert problem.contracts["full_time"].start_times == () and problem.rules.late_end_after.hour == 20


@pytest.mark.parametrize(
    ("addition", "field"),
    [
        ('start_times = ["8 am"]', "contracts.part_time.start_times"),
        ("max_late_shifts_week = -1", "contracts.part_time.max_late_shifts_week"),
        ("min_consecutive_days_off = 0", "contracts.part_time.min_consecutive_days_off"),
    ],
)
def test_bad_contract_rule_is_named(addition, field):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(SAMPLE_TEXT.replace("hourly_wage = 26.0", f"hourly_wage = 26.0\n{addition}", 1), source="bad.toml")
    assert field in str(info.value)


def test_every_roster_weight_can_be_set_in_the_scenario():
    from dataclasses import fields

    import scheduling
    from staffcast.scenario import WeightSpec

    assert {f.name for f in fields(scheduling.RosterWeights)} == set(WeightSpec.model_fields)
    scenario = parse_scenario(SAMPLE_TEXT.replace("under_coverage_growth = 2", "under_coverage_growth = 3"))
    assert scenario.weights.under_coverage_growth == 3


def test_every_contract_and_shift_rule_can_be_set_in_the_scenario():
    from dataclasses import fields

    import scheduling
    from staffcast.scenario import ContractSpec, CostSpec, ShiftSpec

    assert {f.name for f in fields(scheduling.Contract)} - {"name"} == set(ContractSpec.model_fields)
    assert {f.name for f in fields(scheduling.ShiftRules)} == set(ShiftSpec.model_fields)
    assert {f.name for f in fields(scheduling.CostRates)} == set(CostSpec.model_fields)
