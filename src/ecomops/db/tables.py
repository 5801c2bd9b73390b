"""The tables. Handbook tables are rewritten by ``ecomops init``; operational tables never are.

The schema is versioned by the migrations in ``migrations/versions``; a test checks that these
models and the migrated schema agree.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, Numeric, String
from sqlmodel import Field, SQLModel

from ecomops.db.types import UTCDateTime

# --- handbook content (replaced in place by `ecomops init`) -----------------------------------


class ManualVersion(SQLModel, table=True):
    """Every handbook ever loaded; the newest is in force. ``document`` is the validated manual."""

    __tablename__ = "manual_version"
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64)
    source: str = Field(max_length=1000)
    year: int
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    loaded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class Rubric(SQLModel, table=True):
    __tablename__ = "rubric"
    id: str = Field(primary_key=True, max_length=64)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


class Criterion(SQLModel, table=True):
    __tablename__ = "criterion"
    rubric_id: str = Field(sa_column=Column(String(64), ForeignKey("rubric.id"), primary_key=True))
    id: str = Field(primary_key=True, max_length=64)
    seq: int
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    weight: Decimal = Field(sa_column=Column(Numeric(6, 2), nullable=False))


class Grade(SQLModel, table=True):
    __tablename__ = "grade"
    id: str = Field(primary_key=True, max_length=8)
    seq: int
    min_score: Decimal = Field(sa_column=Column(Numeric(6, 2), nullable=False))
    max_score: Decimal = Field(sa_column=Column(Numeric(6, 2), nullable=False))
    share: Decimal = Field(sa_column=Column(Numeric(6, 2), nullable=False))
    points: Decimal = Field(sa_column=Column(Numeric(6, 2), nullable=False))


class CycleKind(SQLModel, table=True):
    __tablename__ = "cycle_kind"
    id: str = Field(primary_key=True, max_length=64)
    forced_distribution: bool


class Position(SQLModel, table=True):
    __tablename__ = "position"
    id: str = Field(primary_key=True, max_length=64)
    seq: int
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    in_department: bool
    rubric_id: str | None = Field(
        default=None, sa_column=Column(String(64), ForeignKey("rubric.id"), nullable=True)
    )


class Goal(SQLModel, table=True):
    __tablename__ = "goal"
    id: str = Field(primary_key=True, max_length=64)
    month: str = Field(max_length=7, index=True)
    seq: int
    text_zh: str = Field(max_length=2000)
    text_en: str = Field(max_length=2000)


class Setting(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=2000)


# --- operational records (never deleted by a handbook reload) --------------------------------


class Staff(SQLModel, table=True):
    __tablename__ = "staff"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    name: str = Field(max_length=100)
    name_key: str = Field(max_length=100, unique=True)
    position_id: str = Field(
        sa_column=Column(String(64), ForeignKey("position.id"), nullable=False, index=True)
    )
    email: str | None = Field(default=None, max_length=254)
    manager_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    active: bool = True
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    deactivated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


HANDBOOK_TABLES = ("rubric", "criterion", "grade", "cycle_kind", "position", "goal")
