"""End to end on a small center: every stage runs for real and the plan obeys its invariants."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from staffcast.cli import main
from staffcast.i18n import to_json
from staffcast.pipeline import build_plan
from staffcast.scenario import load_scenario
from tests.staffcast.small_center import write_small_center


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = write_small_center(tmp_path_factory.mktemp("center"))
    scenario, text = load_scenario(path)
    plan = build_plan(scenario, text, time_limit_s=10)
    return scenario, plan


def test_every_stage_produces_its_frame(small):
    scenario, plan = small
    for name in ("forecast", "requirements", "roster", "coverage", "kpis", "cost", "assignments", "simulation"):
        assert not plan.frames[name].empty, name
    forecast = plan.frames["forecast"]
    assert set(forecast["channel"]) == {"phone", "email"}
    assert len(forecast) == 2 * 7 * 48
    assert (forecast["volume_lo_80"] <= forecast["volume"]).all()
    assert (forecast["volume"] <= forecast["volume_hi_80"]).all()
    closed = forecast[~forecast["is_open"] & (forecast["channel"] == "phone")]
    assert (closed["volume"] == 0).all()
    assert set(plan.summary["timings_s"]) == {"load", "forecast", "staffing", "roster", "simulation", "cost"}
    assert plan.summary["notes"] == [to_json(note) for note in plan.notes]  # kept with the saved plan


def test_requirements_cover_the_load(small):
    _, plan = small
    req = plan.frames["requirements"]
    phone = req[(req["channel"] == "phone") & (req["volume"] > 0)]
    assert (phone["required_agents"] >= phone["load_erlangs"]).all()
    assert (phone["scheduled_required"] >= phone["required_agents"]).all()


def test_roster_obeys_contracts_and_rest(small):
    scenario, plan = small
    roster = plan.frames["roster"]
    agents = pd.read_csv(scenario.agents)
    contract_of = dict(zip(agents["agent_id"], agents["contract"]))
    for agent_id, shifts in roster.groupby("agent_id"):
        contract = scenario.contracts[contract_of[agent_id]]
        assert shifts["paid_hours"].sum() <= contract.max_hours_week + 1e-9
        assert shifts["paid_hours"].sum() >= contract.min_hours_week - 1e-9
        assert len(shifts) <= contract.max_days_week
        starts = pd.to_datetime(shifts["shift_start"]).sort_values().tolist()
        ends = pd.to_datetime(shifts["shift_end"]).sort_values().tolist()
        for previous_end, next_start in zip(ends, starts[1:]):
            assert next_start - previous_end >= pd.Timedelta(hours=scenario.shifts.min_rest_h)
    # part-timers' availability windows and approved time off
    s12 = pd.to_datetime(roster.loc[roster["agent_id"] == "S12", "shift_end"])
    assert (s12.dt.hour * 60 + s12.dt.minute <= 14 * 60).all()
    s03_days = set(pd.to_datetime(roster.loc[roster["agent_id"] == "S03", "shift_start"]).dt.date)
    assert dt.date(2026, 3, 4) not in s03_days


def test_coverage_is_the_count_of_assigned_agents(small):
    _, plan = small
    counted = plan.frames["assignments"].groupby(["channel", "ds"]).size()
    coverage = plan.frames["coverage"].set_index(["channel", "ds"])["scheduled"]
    joined = coverage.to_frame().join(counted.rename("counted")).fillna(0)
    assert (joined["scheduled"] == joined["counted"]).all()
    assert plan.frames["assignments"].duplicated(["agent_id", "ds"]).sum() == 0  # nobody counted twice


def test_cost_is_hours_times_rates(small):
    scenario, plan = small
    agents = pd.read_csv(scenario.agents)
    wage = agents.set_index("agent_id")["contract"].map(
        {name: c.hourly_wage for name, c in scenario.contracts.items()}
    )
    roster = plan.frames["roster"]
    weekend = pd.to_datetime(roster["date"]).dt.day_of_week >= 5
    expected = (roster["paid_hours"] * roster["agent_id"].map(wage) * (1 + 0.5 * weekend)).sum()
    assert plan.summary["total_cost"] == pytest.approx(expected)
    assert plan.frames["cost"]["total_cost"].sum() == pytest.approx(expected)
    assert plan.frames["kpis"]["labor_cost"].sum() == pytest.approx(expected)


def test_simulated_service_level_is_reported_with_bands(small):
    _, plan = small
    kpis = plan.frames["kpis"].set_index("channel")
    for channel in ("phone", "email"):
        row = kpis.loc[channel]
        assert 0 <= row["service_level_lo"] <= row["simulated_service_level"] <= row["service_level_hi"] <= 1
    assert kpis.loc["phone", "forecast_contacts"] > 0


def test_cli_plan_store_and_export(tmp_path, capsys):
    path = write_small_center(tmp_path / "center")
    db = f"sqlite:///{tmp_path / 'plans.db'}"
    out = tmp_path / "out"
    assert main(["--db", db, "--lang", "en", "plan", str(path), "--out", str(out), "--time-limit", "5", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "Total labor cost: ¥" in printed and "phone" in printed
    for name in ("forecast", "requirements", "roster", "coverage", "kpis", "cost"):
        assert (out / f"{name}.csv").stat().st_size > 0
    assert main(["--db", db, "plans", "list"]) == 0
    assert "small test center" in capsys.readouterr().out
    assert main(["--db", db, "--lang", "en", "plans", "show", "1"]) == 0
    assert "Total labor cost" in capsys.readouterr().out
    assert main(["--db", db, "plans", "export", "1", "--out", str(tmp_path / "again")]) == 0
    exported = pd.read_csv(tmp_path / "again" / "roster.csv")
    assert exported.equals(pd.read_csv(out / "roster.csv"))


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("history.csv", "channel,ds,volume", "channel,ds,calls", "history.csv: missing column(s) ['volume']"),
        ("scenario.toml", 'kind = "voice"', 'kind = "fax"', "channels.phone.kind"),
        ("scenario.toml", "Asia/Shanghai", "Asia/Atlantis", "timezone must be an IANA time zone"),
        ("agents.csv", "email:1,,13:00", "phone:1,,13:00", "no agent can serve channel 'email'"),
    ],
)
def test_cli_bad_input_is_one_clear_message(tmp_path, capsys, file, old, new, message):
    path = write_small_center(tmp_path / "center")
    target = path.parent / file
    text = target.read_text(encoding="utf-8")
    if file == "agents.csv":
        text = text.replace("email:2", "phone:3").replace("email:1;phone:2", "phone:1")
    target.write_text(text.replace(old, new), encoding="utf-8")
    code = main(["--db", f"sqlite:///{tmp_path / 'p.db'}", "plan", str(path), "--out", str(tmp_path / "o")])
    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert "Traceback" not in captured.err


def test_cli_roster_infeasibility_is_explained(tmp_path, capsys):
    path = write_small_center(tmp_path / "center")
    agents = path.parent / "agents.csv"
    week = ";".join(f"2026-03-0{d}" for d in range(2, 7))
    agents.write_text(agents.read_text(encoding="utf-8").replace("2026-03-04", week), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'p.db'}"
    code = main(["--db", db, "--lang", "en", "plan", str(path), "--out", str(tmp_path / "o"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "No roster satisfies the hard rules" in err and "agent S03" in err and "24-40 paid hours" in err
    assert "works only on Mon, Tue, Wed, Thu, Fri, Sat, Sun" in err
    assert not (tmp_path / "o").exists()  # nothing half-written
    assert main(["--db", db, "--lang", "zh", "plan", str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "没有满足全部硬性规则的排班" in err and "坐席 S03：合同 full_time 要求每周 24-40 个带薪小时" in err
    assert "周一、周二" in err and "最多只能排到 16 小时" in err


def test_cli_missing_scenario(tmp_path, capsys):
    # no scenario to take the language from: --lang, else the default (Chinese)
    assert main(["plan", str(tmp_path / "none.toml"), "--out", str(tmp_path)]) == 2
    assert "none.toml：场景文件不存在" in capsys.readouterr().err
    assert main(["--lang", "en", "plan", str(tmp_path / "none.toml"), "--out", str(tmp_path)]) == 2
    assert "none.toml: scenario file does not exist" in capsys.readouterr().err


def test_lock_and_resolve_with_the_cached_forecast(small):
    from forecasting import ForecastResult

    scenario, plan = small
    roster = plan.frames["roster"]
    locks = roster.groupby("agent_id").head(1).head(3)[["agent_id", "date", "shift_start", "shift_end"]]
    cached = ForecastResult(plan.frames["forecast"].drop(columns="is_open"), plan.frames["backtest"], {})
    again = build_plan(scenario, plan.scenario_text, time_limit_s=5, forecast_result=cached, roster_locks=locks)
    assert "forecast" not in again.timings_s
    kept = again.frames["roster"].merge(locks, on=["agent_id", "date", "shift_start", "shift_end"])
    assert len(kept) == len(locks)
    pd.testing.assert_frame_equal(again.frames["roster_locks"], locks)
