import datetime as dt

import pandas as pd
import pytest

from staffcast.cost import cost_by_agent_day, cost_by_channel, interval_cost
from staffcast.scenario import CostSpec

COSTS = CostSpec(night_premium_frac=0.2, night_start="22:00", night_end="06:00",
                 weekend_premium_frac=0.5, holiday_premium_frac=2.0)


def timeline(day: str, start: str, periods: int, agent="A1", channel="phone", breaks=()):
    ds = pd.date_range(f"{day} {start}", periods=periods, freq="15min", tz="Asia/Shanghai")
    state = ["break" if i in breaks else "work" for i in range(periods)]
    return pd.DataFrame({"agent_id": agent, "ds": ds, "state": state,
                         "channel": [None if s == "break" else channel for s in state]})


def price(frame, holidays=()):
    return interval_cost(frame, {"A1": "ft", "A2": "pt"}, {"ft": 40.0, "pt": 20.0}, COSTS, holidays, 15)


def test_plain_weekday_cost_is_hours_times_wage():
    priced = price(timeline("2026-12-01", "09:00", 32))  # Tuesday, 8 h
    daily = cost_by_agent_day(priced)
    assert daily["paid_hours"].item() == 8 and daily["total_cost"].item() == pytest.approx(320.0)


def test_night_weekend_and_holiday_premiums():
    night = price(timeline("2026-12-01", "21:00", 8))  # 21:00-23:00, one hour at night
    assert night["total_cost"].sum() == pytest.approx(2 * 40 + 1 * 40 * 0.2)
    weekend = price(timeline("2026-12-05", "09:00", 4))  # Saturday
    assert weekend["total_cost"].sum() == pytest.approx(40 * 1.5)
    holiday = price(timeline("2026-10-01", "09:00", 4), holidays={dt.date(2026, 10, 1)})
    assert holiday["total_cost"].sum() == pytest.approx(40 * 3.0)  # statutory 300 %


def test_break_cost_shared_by_channels_worked():
    frame = pd.concat([
        timeline("2026-12-01", "09:00", 4, channel="phone", breaks=(3,)),
        timeline("2026-12-01", "10:00", 4, channel="chat"),
    ])
    by_channel = cost_by_channel(price(frame)).set_index("channel")
    assert by_channel["total_cost"].sum() == pytest.approx(2 * 40)
    assert by_channel.loc["phone", "paid_hours"] == pytest.approx(0.75 + 0.25 * 3 / 7)
    assert by_channel.loc["chat", "paid_hours"] == pytest.approx(1 + 0.25 * 4 / 7)


def test_unknown_agent_contract():
    with pytest.raises(ValueError, match="agent_id 'ZZ'"):
        price(timeline("2026-12-01", "09:00", 2, agent="ZZ"))
