import pandas as pd
import pytest

from staffcast.errors import StorageError
from staffcast.storage import PlanStore, write_frames


def frames():
    ds = pd.date_range("2026-11-30 08:00", periods=4, freq="15min", tz="Asia/Shanghai")
    return {
        "forecast": pd.DataFrame({"channel": ["phone"] * 4, "ds": ds, "volume": [1.5, 2.0, 0.0, 3.25]}),
        "kpis": pd.DataFrame({"channel": ["phone"], "simulated_service_level": [0.83]}),
    }


def test_round_trip_keeps_values_and_time_zone(tmp_path):
    store = PlanStore(f"sqlite:///{tmp_path / 'plans.db'}")
    plan_id = store.save("p", "name = 'x'", "f" * 64, {"total_cost": 12.5, "roster": {"status": "OPTIMAL"}}, frames())
    loaded = store.load(plan_id)
    assert loaded.scenario_text == "name = 'x'" and loaded.summary["total_cost"] == 12.5
    pd.testing.assert_frame_equal(loaded.frames["forecast"], frames()["forecast"])
    assert str(loaded.frames["forecast"]["ds"].dt.tz) == "Asia/Shanghai"
    assert store.latest_id() == plan_id


def test_plans_are_append_only_and_listed_newest_first(tmp_path):
    store = PlanStore(f"sqlite:///{tmp_path / 'plans.db'}")
    first = store.save("a", "", "a" * 64, {"total_cost": 1.0}, frames())
    second = PlanStore(store.url).save("b", "", "b" * 64, {"total_cost": 2.0}, frames())  # a second planner
    listed = store.list_plans()
    assert list(listed["id"]) == [second, first]
    assert list(listed["total_cost"]) == [2.0, 1.0]
    assert store.load(first).name == "a"


def test_failed_save_leaves_no_half_written_plan(tmp_path, monkeypatch):
    store = PlanStore(f"sqlite:///{tmp_path / 'plans.db'}")
    store.save("kept", "", "k" * 64, {}, frames())
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    original = Session.add_all

    def crash(self, rows):
        original(self, rows)
        self.flush()  # the frames reach the database inside the transaction...
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))  # ...then the write dies

    monkeypatch.setattr(Session, "add_all", crash)
    with pytest.raises(StorageError, match="nothing was saved"):
        store.save("broken", "", "x" * 64, {}, frames())
    monkeypatch.undo()
    assert list(store.list_plans()["name"]) == ["kept"]
    import sqlite3

    with sqlite3.connect(tmp_path / "plans.db") as connection:
        assert connection.execute("select count(*) from plan_frames").fetchone()[0] == len(frames())


def test_unknown_plan(tmp_path):
    store = PlanStore(f"sqlite:///{tmp_path / 'plans.db'}")
    with pytest.raises(StorageError, match="no plan with id 42"):
        store.load(42)


def test_write_frames_atomic_files(tmp_path):
    written = write_frames(frames(), tmp_path / "out")
    assert sorted(p.name for p in written) == ["forecast.csv", "kpis.csv"]
    assert not list((tmp_path / "out").glob(".*tmp"))
    assert pd.read_csv(tmp_path / "out" / "forecast.csv")["volume"].tolist() == [1.5, 2.0, 0.0, 3.25]
