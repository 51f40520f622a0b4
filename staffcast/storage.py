"""Plan storage through SQLAlchemy: an embedded SQLite file by default, any URL accepted.

A plan is one row in ``plans`` (scenario text, input fingerprint, creation time, summary;
the summary keeps the data notes as catalog keys and values, see :attr:`StoredPlan.notes`)
plus its frames in ``plan_frames`` (Parquet bytes, which keep dtypes and time zones). It is
written in **one transaction**: a failure or a kill during a save leaves no plan at all,
never half of one. Plans are append-only, so two planners sharing a store never overwrite
each other's work: each save gets a new id.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from staffcast.errors import StorageError
from staffcast.i18n import from_json

DEFAULT_DB_PATH = Path(".staffcast") / "staffcast.db"


class _Base(DeclarativeBase):
    pass


class PlanRow(_Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    scenario_text: Mapped[str] = mapped_column(Text)
    summary_json: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PlanFrameRow(_Base):
    __tablename__ = "plan_frames"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[bytes] = mapped_column(LargeBinary)


@dataclass(frozen=True)
class StoredPlan:
    """A plan as saved: its metadata, the scenario text and its frames by name."""

    id: int
    name: str
    created_at: dt.datetime
    fingerprint: str
    scenario_text: str
    summary: dict
    frames: Mapping[str, pd.DataFrame] = field(repr=False)
    parent_id: int | None = None

    @property
    def notes(self) -> tuple[str, ...]:
        """The data notes saved in the summary: :class:`staffcast.i18n.Note` values (render
        them with :func:`staffcast.i18n.render`), or plain English strings for a plan saved
        with notes as text; none for a plan saved before notes were kept."""
        return tuple(from_json(note) for note in self.summary.get("notes", ()))


def default_url() -> str:
    """``$STAFFCAST_DB`` if set, else a SQLite file ``.staffcast/staffcast.db`` here."""
    return os.environ.get("STAFFCAST_DB") or f"sqlite:///{DEFAULT_DB_PATH}"


def _to_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.reset_index(drop=True).to_parquet(buffer, index=False)
    return buffer.getvalue()


def _from_bytes(payload: bytes) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(payload))


class PlanStore:
    """Saves, lists, loads and exports plans in a SQLAlchemy database."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        if self.url.startswith("sqlite:///") and not self.url.startswith("sqlite:///:memory:"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(self.url)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            _Base.metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise StorageError(f"cannot open plan store {self.url!r}: {exc}") from None

    def save(
        self,
        name: str,
        scenario_text: str,
        fingerprint: str,
        summary: Mapping,
        frames: Mapping[str, pd.DataFrame],
        parent_id: int | None = None,
    ) -> int:
        """Save a plan in one transaction and return its id."""
        payloads = {key: _to_bytes(frame) for key, frame in frames.items()}  # before the transaction
        try:
            with Session(self.engine) as session, session.begin():
                row = PlanRow(
                    name=name,
                    created_at=dt.datetime.now(dt.timezone.utc),
                    fingerprint=fingerprint,
                    scenario_text=scenario_text,
                    summary_json=json.dumps(summary, ensure_ascii=False, default=str),
                    parent_id=parent_id,
                )
                session.add(row)
                session.flush()
                session.add_all(
                    PlanFrameRow(plan_id=row.id, name=key, payload=payload)
                    for key, payload in payloads.items()
                )
                return row.id
        except SQLAlchemyError as exc:
            raise StorageError(f"saving plan {name!r} to {self.url!r} failed; nothing was saved: {exc}") from None

    def list_plans(self) -> pd.DataFrame:
        """One row per plan, newest first: ``id, name, created_at, fingerprint`` and summary keys."""
        with Session(self.engine) as session:
            rows = session.execute(select(PlanRow).order_by(PlanRow.id.desc())).scalars().all()
            records = [
                {
                    "id": r.id,
                    "name": r.name,
                    "created_at": r.created_at,
                    "fingerprint": r.fingerprint[:12],
                    **{k: v for k, v in json.loads(r.summary_json).items() if not isinstance(v, (dict, list))},
                }
                for r in rows
            ]
        return pd.DataFrame.from_records(records, columns=None if records else ["id", "name", "created_at"])

    def latest_id(self) -> int | None:
        with Session(self.engine) as session:
            return session.execute(select(PlanRow.id).order_by(PlanRow.id.desc()).limit(1)).scalar()

    def load(self, plan_id: int) -> StoredPlan:
        with Session(self.engine) as session:
            row = session.get(PlanRow, plan_id)
            if row is None:
                raise StorageError(f"no plan with id {plan_id} in {self.url!r} (see 'staffcast plans list')")
            frames = session.execute(
                select(PlanFrameRow.name, PlanFrameRow.payload).where(PlanFrameRow.plan_id == plan_id)
            ).all()
            return StoredPlan(
                id=row.id,
                name=row.name,
                created_at=row.created_at,
                fingerprint=row.fingerprint,
                scenario_text=row.scenario_text,
                summary=json.loads(row.summary_json),
                frames={name: _from_bytes(payload) for name, payload in frames},
                parent_id=row.parent_id,
            )


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")  # two planners saving at once wait, not fail
    cursor.close()


def write_frames(frames: Mapping[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Write each frame as ``NAME.csv`` in ``out_dir``, each file atomically (temp + rename)."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create output folder {str(out_dir)!r}: {exc}") from None
    written = []
    for name, frame in frames.items():
        target = out_dir / f"{name}.csv"
        handle, temp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                frame.to_csv(stream, index=False)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        written.append(target)
    return written
