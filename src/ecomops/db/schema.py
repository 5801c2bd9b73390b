"""The tables as SQLAlchemy Core objects: what the commands read and write through.

GENERATED from the SQLModel classes in ``tables.py`` by ``python -m ecomops.db.codegen``;
do not edit (a test fails while it is stale). ``schema.task`` builds the table on first use;
``schema.metadata`` builds them all. Importing ``tables`` instead maps every ORM class (~170 ms).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    text,
)

from ecomops.db.types import UTCDateTime

_metadata = MetaData(naming_convention={"ix": "ix_%(column_0_label)s"})


def _build_manual_version() -> Table:
    return Table(
        "manual_version",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("source", String(1000), nullable=False),
        Column("year", Integer(), nullable=False),
        Column("document", JSON(), nullable=False),
        Column("loaded_at", UTCDateTime(), nullable=False),
    )


def _build_rubric() -> Table:
    return Table(
        "rubric",
        _metadata,
        Column("id", String(64), primary_key=True, nullable=False),
        Column("name_zh", String(200), nullable=False),
        Column("name_en", String(200), nullable=False),
    )


def _build_criterion() -> Table:
    return Table(
        "criterion",
        _metadata,
        Column("rubric_id", String(64), ForeignKey("rubric.id"), primary_key=True, nullable=False),
        Column("id", String(64), primary_key=True, nullable=False),
        Column("seq", Integer(), nullable=False),
        Column("name_zh", String(200), nullable=False),
        Column("name_en", String(200), nullable=False),
        Column("weight", Numeric(6, 2), nullable=False),
    )


def _build_grade() -> Table:
    return Table(
        "grade",
        _metadata,
        Column("id", String(8), primary_key=True, nullable=False),
        Column("seq", Integer(), nullable=False),
        Column("min_score", Numeric(6, 2), nullable=False),
        Column("max_score", Numeric(6, 2), nullable=False),
        Column("share", Numeric(6, 2), nullable=False),
        Column("points", Numeric(6, 2), nullable=False),
    )


def _build_cycle_kind() -> Table:
    return Table(
        "cycle_kind",
        _metadata,
        Column("id", String(64), primary_key=True, nullable=False),
        Column("forced_distribution", Boolean(), nullable=False),
    )


def _build_position() -> Table:
    return Table(
        "position",
        _metadata,
        Column("id", String(64), primary_key=True, nullable=False),
        Column("seq", Integer(), nullable=False),
        Column("name_zh", String(200), nullable=False),
        Column("name_en", String(200), nullable=False),
        Column("in_department", Boolean(), nullable=False),
        Column("rubric_id", String(64), ForeignKey("rubric.id"), nullable=True),
    )


def _build_goal() -> Table:
    return Table(
        "goal",
        _metadata,
        Column("id", String(64), primary_key=True, nullable=False),
        Column("month", String(7), nullable=False, index=True),
        Column("seq", Integer(), nullable=False),
        Column("text_zh", String(2000), nullable=False),
        Column("text_en", String(2000), nullable=False),
    )


def _build_database_option() -> Table:
    return Table(
        "database_option",
        _metadata,
        Column("key", String(64), primary_key=True, nullable=False),
        Column("value", String(200), nullable=False),
    )


def _build_setting() -> Table:
    return Table(
        "setting",
        _metadata,
        Column("key", String(64), primary_key=True, nullable=False),
        Column("value", String(2000), nullable=False),
    )


def _build_staff() -> Table:
    return Table(
        "staff",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("name", String(100), nullable=False),
        Column("name_key", String(100), nullable=False, unique=True),
        Column("position_id", String(64), ForeignKey("position.id"), nullable=False, index=True),
        Column("email", String(254), nullable=True),
        Column("manager_id", Integer(), ForeignKey("staff.id"), nullable=True),
        Column("active", Boolean(), nullable=False, default=True),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("deactivated_at", UTCDateTime(), nullable=True),
        Column("login", String(100), nullable=True),
        Column("joined_on", Date(), nullable=True),
        Column("left_on", Date(), nullable=True),
        Index("ix_staff_manager_id", "manager_id"),
        Index("uq_staff_login", "login", unique=True),
    )


def _build_staff_change() -> Table:
    return Table(
        "staff_change",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("staff_id", Integer(), ForeignKey("staff.id"), nullable=False),
        Column("field", String(16), nullable=False),
        Column("old_value", String(254), nullable=True),
        Column("new_value", String(254), nullable=True),
        Column("effective", Date(), nullable=False),
        Column("recorded_at", UTCDateTime(), nullable=False),
        Column("by_id", Integer(), ForeignKey("staff.id"), nullable=True),
        Index("ix_staff_change_staff", "staff_id", "effective"),
    )


def _build_cycle() -> Table:
    return Table(
        "cycle",
        _metadata,
        Column("id", String(8), primary_key=True, nullable=False),
        Column("kind_id", String(64), ForeignKey("cycle_kind.id"), nullable=False),
        Column("status", String(8), nullable=False),
        Column("opened_at", UTCDateTime(), nullable=False),
        Column("closed_at", UTCDateTime(), nullable=True),
        Column("closed_by_id", Integer(), ForeignKey("staff.id"), nullable=True),
        Column("close_override", String(2000), nullable=True),
        Column("closed_members", Integer(), nullable=True),
        Column("closed_complete", Integer(), nullable=True),
        Column("reopened_at", UTCDateTime(), nullable=True),
        Column("reopened_by_id", Integer(), ForeignKey("staff.id"), nullable=True),
        Column("reopen_reason", String(2000), nullable=True),
    )


def _build_cycle_member() -> Table:
    return Table(
        "cycle_member",
        _metadata,
        Column("cycle_id", String(8), ForeignKey("cycle.id"), primary_key=True, nullable=False),
        Column("staff_id", Integer(), ForeignKey("staff.id"), primary_key=True, nullable=False),
        Column("position_id", String(64), ForeignKey("position.id"), nullable=False),
    )


def _build_sheet() -> Table:
    return Table(
        "sheet",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("cycle_id", String(8), ForeignKey("cycle.id"), nullable=False),
        Column("employee_id", Integer(), ForeignKey("staff.id"), nullable=False),
        Column("rater_id", Integer(), ForeignKey("staff.id"), nullable=False),
        Column("rater_position_id", String(64), ForeignKey("position.id"), nullable=False),
        Column("version", Integer(), nullable=False),
        Column("is_current", Boolean(), nullable=False),
        Column("note", String(2000), nullable=True),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("entered_by_id", Integer(), ForeignKey("staff.id"), nullable=True),
        Index(
            "ix_sheet_cycle_cover",
            "cycle_id",
            "employee_id",
            "is_current",
            "rater_id",
            "rater_position_id",
        ),
        Index(
            "uq_sheet_current",
            "cycle_id",
            "employee_id",
            "rater_id",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
        Index("uq_sheet_version", "cycle_id", "employee_id", "rater_id", "version", unique=True),
    )


def _build_sheet_score() -> Table:
    return Table(
        "sheet_score",
        _metadata,
        Column("sheet_id", Integer(), ForeignKey("sheet.id"), primary_key=True, nullable=False),
        Column("criterion_id", String(64), primary_key=True, nullable=False),
        Column("rubric_id", String(64), nullable=False),
        Column("score", Numeric(5, 2), nullable=False),
        Column("level", String(8), nullable=True),
        ForeignKeyConstraint(
            ["rubric_id", "criterion_id"],
            ["criterion.rubric_id", "criterion.id"],
        ),
        Index("ix_sheet_score_cover", "sheet_id", "criterion_id", "rubric_id", "score"),
    )


def _build_calibration() -> Table:
    return Table(
        "calibration",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("cycle_id", String(8), ForeignKey("cycle.id"), nullable=False),
        Column("employee_id", Integer(), ForeignKey("staff.id"), nullable=False),
        Column("computed_grade", String(8), nullable=False),
        Column("grade_before", String(8), nullable=False),
        Column("grade_after", String(8), ForeignKey("grade.id"), nullable=False),
        Column("reason", String(2000), nullable=False),
        Column("by_id", Integer(), ForeignKey("staff.id"), nullable=False),
        Column("at", UTCDateTime(), nullable=False),
        Index("ix_calibration_cycle_employee", "cycle_id", "employee_id"),
    )


def _build_plan() -> Table:
    return Table(
        "plan",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("staff_id", Integer(), ForeignKey("staff.id"), nullable=False),
        Column("kind", String(8), nullable=False),
        Column("period", String(10), nullable=False),
        Column("version", Integer(), nullable=False),
        Column("is_current", Boolean(), nullable=False),
        Column("summary", Text(), nullable=False),
        Column("plan", Text(), nullable=False),
        Column("submitted_at", UTCDateTime(), nullable=False),
        Column("due_at", UTCDateTime(), nullable=False),
        Column("sent_at", UTCDateTime(), nullable=True),
        Column("sent_to", String(254), nullable=True),
        Column("send_error", String(2000), nullable=True),
        Column("recorded_at", UTCDateTime(), nullable=True),
        Column("entered_by_id", Integer(), ForeignKey("staff.id"), nullable=True),
        Column("message_id", String(998), nullable=True),
        Column("attachment_name", String(255), nullable=True),
        Column("attachment_size", Integer(), nullable=True),
        Column("attachment_sha256", String(64), nullable=True),
        Index("ix_plan_period_cover", "kind", "period", "staff_id", "is_current", "submitted_at"),
        Index(
            "uq_plan_current",
            "staff_id",
            "kind",
            "period",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
        Index("uq_plan_message", "message_id", unique=True),
        Index("uq_plan_version", "staff_id", "kind", "period", "version", unique=True),
    )


def _build_leave() -> Table:
    return Table(
        "leave",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("staff_id", Integer(), ForeignKey("staff.id"), nullable=False),
        Column("kind", String(8), nullable=False),
        Column("start", Date(), nullable=False, index=True),
        Column("end", Date(), nullable=False),
        Column("reason", String(2000), nullable=False),
        Column("special", Boolean(), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("status", String(10), nullable=False, default="approved"),
        Column("decided_by_id", Integer(), ForeignKey("staff.id"), nullable=True),
        Column("decided_at", UTCDateTime(), nullable=True),
        Column("decision_reason", String(2000), nullable=True),
    )


def _build_handover() -> Table:
    return Table(
        "handover",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("staff_id", Integer(), ForeignKey("staff.id"), nullable=False),
        Column("cover_id", Integer(), ForeignKey("staff.id"), nullable=False),
        Column("start_at", UTCDateTime(), nullable=False, index=True),
        Column("end_at", UTCDateTime(), nullable=False),
        Column("place", String(500), nullable=False),
        Column("matter", String(2000), nullable=False),
        Column("duties", String(2000), nullable=True),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("acked_at", UTCDateTime(), nullable=True),
        Column("acked_by_id", Integer(), ForeignKey("staff.id"), nullable=True),
    )


def _build_visitor() -> Table:
    return Table(
        "visitor",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("name", String(200), nullable=False),
        Column("approved_by_id", Integer(), ForeignKey("staff.id"), nullable=False),
        Column("escort_id", Integer(), ForeignKey("staff.id"), nullable=False),
        Column("purpose", String(2000), nullable=True),
        Column("arrived_at", UTCDateTime(), nullable=False, index=True),
        Column("left_at", UTCDateTime(), nullable=True),
    )


def _build_task() -> Table:
    return Table(
        "task",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("ref", String(100), nullable=True, unique=True),
        Column("source", String(10), nullable=False),
        Column("title_zh", String(2000), nullable=False),
        Column("title_en", String(2000), nullable=False),
        Column("goal_id", String(64), nullable=True, index=True),
        Column("owner_position_id", String(64), ForeignKey("position.id"), nullable=True),
        Column("owner_id", Integer(), ForeignKey("staff.id"), nullable=True, index=True),
        Column("due", Date(), nullable=False),
        Column("target", Date(), nullable=True),
        Column("status", String(16), nullable=False),
        Column("done_at", UTCDateTime(), nullable=True),
        Column("note", String(2000), nullable=True),
        Column("cancel_reason", String(2000), nullable=True),
        Column("owner_by_hand", Boolean(), nullable=False, default=False),
        Column("due_by_hand", Boolean(), nullable=False, default=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Index("ix_task_due", "status", "due"),
    )


def _build_task_event() -> Table:
    return Table(
        "task_event",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("task_id", Integer(), ForeignKey("task.id"), nullable=False, index=True),
        Column("at", UTCDateTime(), nullable=False),
        Column("actor", String(210), nullable=True),
        Column("action", String(16), nullable=False),
        Column("detail", String(2000), nullable=True),
    )


def _build_calendar_year() -> Table:
    return Table(
        "calendar_year",
        _metadata,
        Column("year", Integer(), primary_key=True, autoincrement=False, nullable=False),
        Column("kind", String(8), nullable=False),
        Column("source", String(1000), nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("loaded_at", UTCDateTime(), nullable=False),
        Column("loaded_by", String(100), nullable=False),
    )


def _build_calendar_day() -> Table:
    return Table(
        "calendar_day",
        _metadata,
        Column("day", Date(), primary_key=True, nullable=False),
        Column("year", Integer(), ForeignKey("calendar_year.year"), nullable=False, index=True),
        Column("kind", String(4), nullable=False),
        Column("name", String(200), nullable=False),
    )


def _build_reminder() -> Table:
    return Table(
        "reminder",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("key", String(300), nullable=False),
        Column("kind", String(16), nullable=False),
        Column("item", String(100), nullable=False),
        Column("occasion", String(32), nullable=False),
        Column("channel", String(8), nullable=False),
        Column("staff_id", Integer(), ForeignKey("staff.id"), nullable=True),
        Column("address", String(254), nullable=True),
        Column("status", String(8), nullable=False),
        Column("attempts", Integer(), nullable=False),
        Column("first_at", UTCDateTime(), nullable=False),
        Column("last_at", UTCDateTime(), nullable=False),
        Column("sent_at", UTCDateTime(), nullable=True),
        Column("error", String(2000), nullable=True),
        Index("ix_reminder_status", "status"),
        Index("uq_reminder_key", "key", unique=True),
    )


def _build_audit() -> Table:
    return Table(
        "audit",
        _metadata,
        Column("id", Integer(), primary_key=True, nullable=False),
        Column("at", UTCDateTime(), nullable=False, index=True),
        Column("actor", String(100), nullable=False),
        Column("acted_for", String(100), nullable=True),
        Column("command", String(100), nullable=False),
        Column("details", JSON(), nullable=False),
    )


_BUILDERS = {
    "manual_version": _build_manual_version,
    "rubric": _build_rubric,
    "criterion": _build_criterion,
    "grade": _build_grade,
    "cycle_kind": _build_cycle_kind,
    "position": _build_position,
    "goal": _build_goal,
    "database_option": _build_database_option,
    "setting": _build_setting,
    "staff": _build_staff,
    "staff_change": _build_staff_change,
    "cycle": _build_cycle,
    "cycle_member": _build_cycle_member,
    "sheet": _build_sheet,
    "sheet_score": _build_sheet_score,
    "calibration": _build_calibration,
    "plan": _build_plan,
    "leave": _build_leave,
    "handover": _build_handover,
    "visitor": _build_visitor,
    "task": _build_task,
    "task_event": _build_task_event,
    "calendar_year": _build_calendar_year,
    "calendar_day": _build_calendar_day,
    "reminder": _build_reminder,
    "audit": _build_audit,
}

if TYPE_CHECKING:  # what __getattr__ builds, typed for the type checker
    metadata: MetaData
    manual_version: Table
    rubric: Table
    criterion: Table
    grade: Table
    cycle_kind: Table
    position: Table
    goal: Table
    database_option: Table
    setting: Table
    staff: Table
    staff_change: Table
    cycle: Table
    cycle_member: Table
    sheet: Table
    sheet_score: Table
    calibration: Table
    plan: Table
    leave: Table
    handover: Table
    visitor: Table
    task: Table
    task_event: Table
    calendar_year: Table
    calendar_day: Table
    reminder: Table
    audit: Table


def __getattr__(name: str) -> Any:
    """A table is built on first use (a command builds the few it touches, not all of them);
    ``metadata`` builds them all."""
    if name == "metadata":
        for each in _BUILDERS:
            __getattr__(each)
        globals()["metadata"] = _metadata
        return _metadata
    build = _BUILDERS.get(name)
    if build is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    table = _metadata.tables.get(name)
    if table is None:
        table = build()
    globals()[name] = table
    return table
