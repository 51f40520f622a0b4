"""Configs validate on construction and name the bad field and value."""

from datetime import date, time

import pandas as pd
import pytest

from scheduling import (Contract, CostRates, RosterAgent, RosterProblem, RosterWeights,
                        ShiftRules)
from scheduling.grid import contract_options, option_cost

from .roster_helpers import CONTRACTS, RULES, days, problem


@pytest.mark.parametrize("kwargs, field", [
    ({"start_step_min": 0}, "start_step_min"),
    ({"min_rest_h": -1}, "min_rest_h"),
    ({"max_consecutive_days": 0}, "max_consecutive_days"),
    ({"lunch_window_h": (5, 3)}, "lunch_window_h"),
    ({"latest_end": "07:00"}, "latest_end"),
    ({"earliest_start": "8h"}, "earliest_start"),
    ({"breaks_per_4h": -1}, "breaks_per_4h"),
])
def test_shift_rules_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        ShiftRules(**kwargs)


@pytest.mark.parametrize("kwargs, field", [
    ({"shift_lengths_h": ()}, "shift_lengths_h"),
    ({"min_hours_week": -1}, "min_hours_week"),
    ({"max_hours_week": 1}, "max_hours_week"),
    ({"max_days_week": 8}, "max_days_week"),
    ({"hourly_wage": -2.0}, "hourly_wage"),
])
def test_contract_names_the_field(kwargs, field):
    base = dict(name="ft", shift_lengths_h=(9,), min_hours_week=40, max_hours_week=40,
                max_days_week=5, hourly_wage=32.0)
    with pytest.raises(ValueError, match=field):
        Contract(**{**base, **kwargs})


@pytest.mark.parametrize("kwargs, field", [
    ({"under_coverage": -1}, "under_coverage"),
    ({"under_coverage_growth": 0.5}, "under_coverage_growth"),
    ({"under_coverage_tiers": 0}, "under_coverage_tiers"),
    ({"fairness": -3}, "fairness"),
])
def test_weights_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        RosterWeights(**kwargs)


def test_cost_rates_and_agent_validation():
    with pytest.raises(ValueError, match="night_premium_frac"):
        CostRates(night_premium_frac=-0.1)
    with pytest.raises(ValueError, match="skills"):
        RosterAgent("A", "ft", {"phone": 0})
    with pytest.raises(ValueError, match="available_weekdays"):
        RosterAgent("A", "ft", {"phone": 1}, available_weekdays=("Funday",))
    agent = RosterAgent("A", "ft", {"chat": 2, "phone": 1}, available_weekdays=("Sun", "mon"))
    assert agent.skills == (("phone", 1), ("chat", 2)) and agent.available_weekdays == (0, 6)
    assert agent.earliest_start == time(0, 0)


def test_problem_validation_names_the_problem():
    agents = [RosterAgent("A", "ft", {"phone": 1})]
    req = pd.DataFrame({"channel": ["phone"], "ds": [pd.Timestamp("2026-11-30 09:00")]})
    with pytest.raises(ValueError, match="required"):
        RosterProblem(req, tuple(agents), CONTRACTS, RULES, days=days(1), interval_min=30)
    with pytest.raises(ValueError, match="contract of agent 'B'"):
        problem([RosterAgent("B", "night", {"phone": 1})], days(1), {"phone": []})
    with pytest.raises(ValueError, match="agent_id must be unique"):
        problem(agents * 2, days(1), {"phone": []})
    with pytest.raises(ValueError, match="consecutive"):
        problem(agents, (date(2026, 11, 30), date(2026, 12, 2)), {"phone": []})
    with pytest.raises(ValueError, match="break_min"):
        problem(agents, days(1), {"phone": []}, rules=ShiftRules(break_min=15))


def test_shift_options_follow_the_rules():
    options = contract_options(Contract("ft", (9,), 40, 40, 5, 32.0), ShiftRules(), CostRates(),
                               15)
    assert [o.start_min for o in options] == list(range(480, 14 * 60 + 1, 30))
    first = options[0]
    assert first.paid_min == 480 and first.lunch == (180, 300)
    # two paid breaks: one before the lunch window, one after it, none overlapping it
    (b1_lo, b1_hi), (b2_lo, b2_hi) = first.breaks
    assert b1_lo >= 60 and b1_hi + 15 <= 180 and b2_lo >= 300 + 60 and b2_hi + 15 <= 540 - 60
    late = options[-1]
    assert late.end_min == 23 * 60 and late.late and late.night_min == 60
    ft = Contract("ft", (9,), 40, 40, 5, 32.0)
    rates = CostRates(night_premium_frac=0.2, holiday_premium_frac=2.0)
    monday = date(2026, 11, 30)
    assert option_cost(first, ft, rates, monday, ()) == pytest.approx(32.0 * 8)
    assert option_cost(late, ft, rates, monday, ()) == pytest.approx(32.0 * (8 + 0.2))
    assert option_cost(first, ft, rates, monday, (monday,)) == pytest.approx(32.0 * 8 * 3)


def test_contract_start_times_limit_the_options():
    part_time = Contract("pt", (4,), 0, 24, 6, 26.0, start_times=("12:00", "08:00", "18:00"))
    options = contract_options(part_time, ShiftRules(), CostRates(), 15)
    assert [o.start_min for o in options] == [480, 720, 1080]
    with pytest.raises(ValueError, match="start_times of contract 'pt' must lie on the shift start grid"):
        contract_options(Contract("pt", (4,), 0, 24, 6, 26.0, start_times=("08:10",)), ShiftRules(),
                         CostRates(), 15)
