"""The tables. Handbook tables are rewritten by ``ecomops init``; operational tables never are.

The schema is versioned by the migrations in ``migrations/versions``; a test checks that these
models and the migrated schema agree.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    text,
)
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


class DatabaseOption(SQLModel, table=True):
    """How this database was made: ``clock`` is ``real`` or ``simulated`` (``ECOMOPS_NOW``
    is honoured only by a simulated-clock database)."""

    __tablename__ = "database_option"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)


class Setting(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=2000)


# --- operational records (never deleted by a handbook reload) --------------------------------


class Staff(SQLModel, table=True):
    __tablename__ = "staff"
    __table_args__ = (
        Index("uq_staff_login", "login", unique=True),
        # revision 0016: row-level security walks the reporting line down from a manager
        Index("ix_staff_manager_id", "manager_id"),
    )
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
    #: the login (PostgreSQL role, or operating-system user on SQLite) that acts as this person
    login: str | None = Field(default=None, max_length=100)
    #: revision 0012: the day the person joined the department, and the day they left
    joined_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    left_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))


class StaffChange(SQLModel, table=True):
    """A change to a person's record (revision 0012): position, manager, e-mail, login, joined,
    active; from the day it takes effect, with who recorded it and when."""

    __tablename__ = "staff_change"
    __table_args__ = (Index("ix_staff_change_staff", "staff_id", "effective"),)
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    field: str = Field(max_length=16)
    old_value: str | None = Field(default=None, max_length=254)
    new_value: str | None = Field(default=None, max_length=254)
    effective: date = Field(sa_column=Column(Date, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )


# --- appraisals (revision 0003) ---------------------------------------------------------------


class Cycle(SQLModel, table=True):
    """An appraisal cycle: a month, a quarter, or a year-end."""

    __tablename__ = "cycle"
    id: str = Field(primary_key=True, max_length=8)
    kind_id: str = Field(sa_column=Column(String(64), ForeignKey("cycle_kind.id"), nullable=False))
    status: str = Field(max_length=8)
    opened_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    closed_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    close_override: str | None = Field(default=None, max_length=2000)
    # a closed cycle is read-only: its members and complete appraisals, counted when it closed
    closed_members: int | None = Field(default=None)
    closed_complete: int | None = Field(default=None)
    reopened_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    reopened_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    reopen_reason: str | None = Field(default=None, max_length=2000)


class CycleMember(SQLModel, table=True):
    """Who is appraised in a cycle, with the position they held when it opened."""

    __tablename__ = "cycle_member"
    cycle_id: str = Field(sa_column=Column(String(8), ForeignKey("cycle.id"), primary_key=True))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), primary_key=True))
    position_id: str = Field(
        sa_column=Column(String(64), ForeignKey("position.id"), nullable=False)
    )


class Sheet(SQLModel, table=True):
    """One rater's scores for one person in one cycle; a revision adds a new version."""

    __tablename__ = "sheet"
    # covering (revision 0007): a cycle's current sheets are read from the index alone
    __table_args__ = (
        Index(
            "ix_sheet_cycle_cover",
            "cycle_id",
            "employee_id",
            "is_current",
            "rater_id",
            "rater_position_id",
        ),
        # revision 0011: versions cannot fork, even with writers racing on PostgreSQL
        Index("uq_sheet_version", "cycle_id", "employee_id", "rater_id", "version", unique=True),
        Index(
            "uq_sheet_current",
            "cycle_id",
            "employee_id",
            "rater_id",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    cycle_id: str = Field(sa_column=Column(String(8), ForeignKey("cycle.id"), nullable=False))
    employee_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    rater_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    rater_position_id: str = Field(
        sa_column=Column(String(64), ForeignKey("position.id"), nullable=False)
    )
    version: int
    is_current: bool
    note: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    #: who entered it on the rater's behalf (a bulk import by someone who may act for others)
    entered_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )


class SheetScore(SQLModel, table=True):
    __tablename__ = "sheet_score"
    __table_args__ = (
        ForeignKeyConstraint(
            ["rubric_id", "criterion_id"], ["criterion.rubric_id", "criterion.id"]
        ),
        # covering (revision 0007): the quota sums a cycle's scores without reading the table
        Index("ix_sheet_score_cover", "sheet_id", "criterion_id", "rubric_id", "score"),
    )
    sheet_id: int = Field(sa_column=Column(Integer, ForeignKey("sheet.id"), primary_key=True))
    criterion_id: str = Field(sa_column=Column(String(64), primary_key=True))
    rubric_id: str = Field(max_length=64)
    score: Decimal = Field(sa_column=Column(Numeric(5, 2), nullable=False))
    level: str | None = Field(default=None, max_length=8)


class Calibration(SQLModel, table=True):
    """A final grade set apart from the computed one: who, when, before, after, why."""

    __tablename__ = "calibration"
    __table_args__ = (Index("ix_calibration_cycle_employee", "cycle_id", "employee_id"),)
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    cycle_id: str = Field(sa_column=Column(String(8), ForeignKey("cycle.id"), nullable=False))
    employee_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    computed_grade: str = Field(max_length=8)
    grade_before: str = Field(max_length=8)
    grade_after: str = Field(sa_column=Column(String(8), ForeignKey("grade.id"), nullable=False))
    reason: str = Field(max_length=2000)
    by_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


# --- plans, leave, handovers, visitors (revision 0004) ----------------------------------------


class Plan(SQLModel, table=True):
    """A Monday plan (kind ``week``, period ``2026-W48``) or a month-end summary (kind
    ``month``, period ``2026-11``). A resubmission adds a version; the first fixes on-time."""

    __tablename__ = "plan"
    # covering (revision 0007): a month's plan statuses come from the index alone
    __table_args__ = (
        Index("ix_plan_period_cover", "kind", "period", "staff_id", "is_current", "submitted_at"),
        # revision 0011: one version number and one current version per person and period
        Index("uq_plan_version", "staff_id", "kind", "period", "version", unique=True),
        Index(
            "uq_plan_current",
            "staff_id",
            "kind",
            "period",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
        # revision 0013: an e-mail is recorded once
        Index("uq_plan_message", "message_id", unique=True),
    )
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    kind: str = Field(max_length=8)
    period: str = Field(max_length=10)
    version: int
    is_current: bool
    summary: str = Field(sa_column=Column(Text, nullable=False))
    plan: str = Field(sa_column=Column(Text, nullable=False))
    submitted_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    sent_to: str | None = Field(default=None, max_length=254)
    send_error: str | None = Field(default=None, max_length=2000)
    #: when the row was written (the real clock); ``submitted_at`` is when the plan was
    #: received, which a head entering a plan handed in on paper gives
    recorded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    entered_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    #: revision 0013: the Message-ID of the e-mail it was collected from (``plan collect``)
    message_id: str | None = Field(
        default=None, sa_column=Column(String(998), nullable=True)
    )
    #: revision 0017: the attached file a collected plan was read from (name, bytes, SHA-256)
    attachment_name: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    attachment_size: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    attachment_sha256: str | None = Field(
        default=None, sa_column=Column(String(64), nullable=True)
    )


class Leave(SQLModel, table=True):
    __tablename__ = "leave"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    kind: str = Field(max_length=8)
    start: date = Field(sa_column=Column(Date, nullable=False, index=True))
    end: date = Field(sa_column=Column(Date, nullable=False))
    reason: str = Field(max_length=2000)
    special: bool
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    #: revision 0012: pending, approved or declined; who decided, when, and a decline's reason
    status: str = Field(
        default="approved", sa_column=Column(String(10), nullable=False, default="approved")
    )
    decided_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    decision_reason: str | None = Field(default=None, max_length=2000)


class Handover(SQLModel, table=True):
    """The temporary work handover form (暫時工作交接表, §3.2 rule 5)."""

    __tablename__ = "handover"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    cover_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    start_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    end_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    place: str = Field(max_length=500)
    matter: str = Field(max_length=2000)
    duties: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    #: revision 0012: when the department head recorded that the form was handed in, and who
    acked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    acked_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )


class Visitor(SQLModel, table=True):
    """The visitor log (§3.1 rule 10)."""

    __tablename__ = "visitor"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    name: str = Field(max_length=200)
    approved_by_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    escort_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    purpose: str | None = Field(default=None, max_length=2000)
    arrived_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    left_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


# --- tasks (revision 0005) -----------------------------------------------------------------------


class Task(SQLModel, table=True):
    """Work to do: from the handbook (a goal, a phase item, a §8.2 assignment) or added by hand.

    ``ref`` identifies a handbook task (``goal:nov.1``, ``phase:preparation.3``,
    ``assigned:manager.2``) so that a reload updates it in place; ``*_by_hand`` mark what a
    person changed, which a reload then leaves alone."""

    __tablename__ = "task"
    __table_args__ = (Index("ix_task_due", "status", "due"),)
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    ref: str | None = Field(default=None, max_length=100, unique=True)
    source: str = Field(max_length=10)
    title_zh: str = Field(max_length=2000)
    title_en: str = Field(max_length=2000)
    goal_id: str | None = Field(default=None, max_length=64, index=True)
    owner_position_id: str | None = Field(
        default=None, sa_column=Column(String(64), ForeignKey("position.id"), nullable=True)
    )
    owner_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True, index=True)
    )
    due: date = Field(sa_column=Column(Date, nullable=False))
    target: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    #: open, doing, done or cancelled (revision 0014: dropped, kept with its history)
    status: str = Field(max_length=16)
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    note: str | None = Field(default=None, max_length=2000)
    #: why it was cancelled (revision 0014); cleared when it is reopened
    cancel_reason: str | None = Field(default=None, max_length=2000)
    owner_by_hand: bool = False
    due_by_hand: bool = False
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class TaskEvent(SQLModel, table=True):
    """A task's history: who did what, when."""

    __tablename__ = "task_event"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    task_id: int = Field(
        sa_column=Column(Integer, ForeignKey("task.id"), nullable=False, index=True)
    )
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    #: who did it: a name, or "PERSON (by CALLER)" (revision 0012: two names' length)
    actor: str | None = Field(default=None, max_length=210)
    action: str = Field(max_length=16)
    detail: str | None = Field(default=None, max_length=2000)


# --- the official calendar (revision 0014) ---------------------------------------------------


class CalendarYear(SQLModel, table=True):
    """A year's official schedule loaded by ``ecomops calendar load``: it wins over the holiday
    package for that year. ``kind`` is notice, ics, csv or yaml; ``source`` the file named."""

    __tablename__ = "calendar_year"
    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    kind: str = Field(max_length=8)
    source: str = Field(max_length=1000)
    sha256: str = Field(max_length=64)
    loaded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    loaded_by: str = Field(max_length=100)


class CalendarDay(SQLModel, table=True):
    """A day of a loaded year that is not as its weekday says: ``off`` (a holiday or a day off
    of 调休) or ``work`` (an adjusted working day), with the holiday's name."""

    __tablename__ = "calendar_day"
    day: date = Field(sa_column=Column(Date, primary_key=True))
    year: int = Field(
        sa_column=Column(Integer, ForeignKey("calendar_year.year"), nullable=False, index=True)
    )
    kind: str = Field(max_length=4)
    name: str = Field(max_length=200)


# --- reminders (revision 0013) ------------------------------------------------------------------


class Reminder(SQLModel, table=True):
    """A reminder sent (or tried) by ``ecomops remind``: one row per ``key`` (what, to whom, on
    which occasion, by which channel), so that nothing is sent twice; a failed send keeps its
    row with ``status`` ``failed`` and is tried again on the next run."""

    __tablename__ = "reminder"
    __table_args__ = (
        Index("uq_reminder_key", "key", unique=True),
        Index("ix_reminder_status", "status"),
    )
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    key: str = Field(max_length=300)
    #: plan, summary, task, rate or missing (the head's list of who has not sent a plan)
    kind: str = Field(max_length=16)
    #: the item: a period (2026-W48, 2026-11), a task id, a cycle id
    item: str = Field(max_length=100)
    #: when in the item's life: before (the deadline), after, due_tomorrow, overdue, owed
    occasion: str = Field(max_length=32)
    #: email or webhook
    channel: str = Field(max_length=8)
    staff_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    address: str | None = Field(default=None, max_length=254)
    #: sending (claimed by a run), sent, failed (tried again next run) or skipped (no e-mail
    #: address on the roster; claimed again once there is one)
    status: str = Field(max_length=8)
    attempts: int
    first_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    error: str | None = Field(default=None, max_length=2000)


# --- audit trail (revision 0006) ---------------------------------------------------------------


class AuditEntry(SQLModel, table=True):
    """Every write: who (``--as``, else the operating-system user), when, which command, what."""

    __tablename__ = "audit"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    actor: str = Field(max_length=100)
    #: the person acted for (``--as`` someone else), when not the actor
    acted_for: str | None = Field(default=None, max_length=100)
    command: str = Field(max_length=100)
    details: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
