"""CSV/Excel exports, the roster workbook and the finance tables."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from staffcast.ui import exports, finance
from tests.ui.synthetic_plan import synthetic_frames

LABELS = {"agent": "Agent", "name": "Name", "paid_hours": "Paid hours", "week": "Week of", "off": "off"}


@pytest.fixture(scope="module")
def frames():
    return synthetic_frames()


def test_excel_has_one_sheet_per_frame_with_local_times(frames):
    payload = exports.excel_bytes({"forecast": frames["forecast"], "a_very_long_sheet_name_beyond_31_chars": frames["kpis"]})
    book = openpyxl.load_workbook(io.BytesIO(payload))
    assert book.sheetnames == ["forecast", "a_very_long_sheet_name_beyond_3"]
    back = pd.read_excel(io.BytesIO(payload), sheet_name="forecast")
    assert len(back) == len(frames["forecast"])
    assert back["ds"].iloc[0] == frames["forecast"]["ds"].iloc[0].tz_localize(None)  # wall-clock time kept


def test_csv_opens_in_excel_with_chinese_names():
    payload = exports.csv_bytes(pd.DataFrame({"name": ["王芳 Wang Fang"]}))
    assert payload.startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(io.BytesIO(payload), encoding="utf-8-sig")["name"].iloc[0] == "王芳 Wang Fang"


def test_roster_grid_has_a_row_per_agent_and_a_column_per_day(frames):
    roster = frames["roster"]
    grids = exports.roster_grids(roster, {"S01": "张伟 Zhang Wei"}, LABELS)
    assert list(grids) == ["Week of 2026-03-02"]
    grid = grids["Week of 2026-03-02"]
    assert len(grid) == roster["agent_id"].nunique()
    assert list(grid.columns[:2]) == ["Agent", "Name"] and len(grid.columns) == 2 + 7 + 1
    s01 = grid.set_index("Agent").loc["S01"]
    assert s01["Name"] == "张伟 Zhang Wei"
    assert s01["Paid hours"] == roster.loc[roster["agent_id"] == "S01", "paid_hours"].sum()
    day_cells = s01.iloc[1:8]
    assert (day_cells == "off").sum() == 7 - (roster["agent_id"] == "S01").sum()
    assert any(cell.startswith("09:00–18:00") and "lunch" in cell for cell in day_cells)


def test_roster_workbook_splits_weeks(frames):
    roster = frames["roster"]
    later = roster.assign(date=pd.to_datetime(roster["date"]) + pd.Timedelta(days=7),
                          shift_start=roster["shift_start"] + pd.Timedelta(days=7),
                          shift_end=roster["shift_end"] + pd.Timedelta(days=7))
    book = openpyxl.load_workbook(io.BytesIO(exports.roster_workbook(pd.concat([roster, later]), {}, LABELS)))
    assert book.sheetnames == ["Week of 2026-03-02", "Week of 2026-03-09"]


def test_cost_by_period_keeps_the_totals(frames):
    cost = frames["cost"]
    for period in finance.PERIODS:
        table = finance.cost_by_period(cost, period)
        assert table["total_cost"].sum() == pytest.approx(cost["total_cost"].sum())
    weekly = finance.cost_by_period(cost, "week")
    assert set(weekly["period"].astype(str)) == {"2026-03-02"}
    monthly = finance.cost_by_period(cost, "month")
    assert set(monthly["period"].astype(str)) == {"2026-03-01"}
    with pytest.raises(ValueError, match="period"):
        finance.cost_by_period(cost, "year")


def test_cost_per_contact_divides_cost_by_contacts(frames):
    table = finance.cost_per_contact(frames["cost_by_channel"], frames["kpis"]).set_index("channel")
    expected = frames["cost_by_channel"].groupby("channel")["total_cost"].sum() / frames["kpis"].set_index("channel")["forecast_contacts"]
    pd.testing.assert_series_equal(table["cost_per_contact"], expected, check_names=False)


def test_overtime_is_hours_beyond_the_standard_week():
    cost = pd.DataFrame({"agent_id": ["A"] * 6 + ["B"], "contract": "full_time",
                         "date": pd.date_range("2026-03-02", periods=6).date.tolist() + [pd.Timestamp("2026-03-02").date()],
                         "paid_hours": [8.0] * 6 + [8.0]})
    extra = finance.overtime(cost, 40)
    assert list(extra["agent_id"]) == ["A"] and extra["overtime_hours"].iloc[0] == pytest.approx(8.0)
    assert finance.overtime(cost, 48).empty
    with pytest.raises(ValueError, match="standard_week_h"):
        finance.overtime(cost, 0)
