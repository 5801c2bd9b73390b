"""Output models: the ``--json`` contract of every command (see docs/json.md).

Handbook text fields hold the text in the language chosen with ``--lang``. Keys are sorted on
output; dates and times are ISO 8601 (times with the handbook's UTC offset); lists are ``[]``
when empty; decimals are JSON numbers.
"""

from __future__ import annotations

import functools
import os
import typing
from datetime import date, datetime
from decimal import Decimal
from types import GenericAlias
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

_M = TypeVar("_M", bound=BaseModel)
#: set by the test suite: every trusted() construction is validated in full instead
STRICT = os.environ.get("ECOMOPS_STRICT_OUTPUT") == "1"


@functools.cache
def _field_names(model: type[BaseModel]) -> set[str]:
    """The names of ``model``'s fields: one set per model, shared by every object that
    :func:`trusted` makes (each has every field set; a set each was 40 % of a 100,000-person
    report's memory). Pydantic only ever adds a field's name to it, which it holds already."""
    return set(model.model_fields)


def trusted(model: type[_M], fields: dict) -> _M:
    """``model`` from ``fields`` that our own code computed from typed columns, not
    re-validated: five times faster than validation, for the listings and the report that
    build tens of thousands of rows. ``fields`` must hold every field, in its type; the test
    suite runs with ECOMOPS_STRICT_OUTPUT=1, which validates each one in full instead."""
    if STRICT:
        return model(**fields)
    obj = model.__new__(model)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(obj, "__pydantic_fields_set__", _field_names(model))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


@functools.cache
def _list_adapter(model: type[BaseModel]) -> TypeAdapter:
    return TypeAdapter(cast(Any, GenericAlias(list, (model,))))


@functools.cache
def _flat(model: type[BaseModel]) -> bool:
    """Whether ``model``'s dump is just its fields: no aliases, nested models or serializers."""

    def simple(tp) -> bool:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return False
        return all(simple(a) for a in typing.get_args(tp))

    decorators = model.__pydantic_decorators__
    return (
        not model.model_computed_fields
        and not decorators.field_serializers
        and not decorators.model_serializers
        and all(f.alias is None and simple(f.annotation) for f in model.model_fields.values())
    )


def dump_list(items: list[BaseModel]) -> list[dict] | None:
    """Items of one model as plain data in one call; None when they are not all one model."""
    model = type(items[0]) if items else None
    if model is None or not isinstance(items[0], BaseModel):
        return None
    if any(type(i) is not model for i in items):
        return None
    if _flat(model):  # the fields as they are (orjson writes dates and times itself)
        return [i.__dict__ for i in items]
    return _list_adapter(model).dump_python(items, mode="python", by_alias=True)


class Out(BaseModel):
    # defer_build: a command builds the validators of the few models it uses, not of all ~90
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Named(Out):
    id: str
    name: str


class PositionOut(Out):
    id: str
    name: str
    in_department: bool
    head: bool
    reports_to: str | None
    rubric: str | None
    raters: list[str]
    staff: int
    defaults: list[str]


class PositionDetailOut(PositionOut):
    aliases: list[str]
    card: bool
    card_reports_to: str | None
    summary: str | None
    duties: list[str]
    reports: list[str]


class LevelOut(Out):
    grade: str
    points: Decimal
    text: str


class CriterionOut(Out):
    id: str
    name: str
    weight: Decimal
    levels: list[LevelOut]


class RubricOut(Out):
    position: Named
    rubric: Named
    raters: list[Named]
    total: str
    total_weight: Decimal
    criteria: list[CriterionOut]
    defaults: list[str]


class GoalProgressOut(Out):
    done: int
    total: int
    share: Decimal


class GoalOut(Out):
    id: str
    month: str
    number: int
    text: str
    due: date
    progress: GoalProgressOut | None = None


class RuleOut(Out):
    id: str
    section: str
    number: int
    key: str | None
    text: str


class ItemOut(Out):
    id: str
    number: str
    text: str


class SectionOut(Out):
    id: str
    number: str
    title: str
    text: str | None
    items: list[ItemOut]
    sections: list[SectionOut]


class FindingOut(Out):
    id: str
    section: str
    message: str


class PermissionOut(Out):
    action: str
    description: str
    who: list[str]
    who_text: list[str]
    default: bool


class CheckOut(Out):
    file: str
    valid: bool
    errors: list[str]
    warnings: list[FindingOut]


class InitOut(Out):
    database: str
    created: bool
    #: ``real``, or ``simulated`` (ECOMOPS_NOW is honoured; ``init --simulated-clock``)
    clock: str
    manual: str
    sha256: str
    year: int
    #: the department's start day: handbook tasks due before it are created cancelled (None:
    #: none recorded, a database made before start days were kept)
    since: date | None
    changed: bool
    added: dict[str, int]
    updated: dict[str, int]
    removed: dict[str, int]


class StaffOut(Out):
    id: int
    name: str
    position: str
    position_name: str
    email: str | None
    manager: str | None
    active: bool
    since: datetime
    until: datetime | None
    login: str | None = None
    #: no manager on the roster (and not at the top): raters fall back to the position rule
    no_manager: bool = False
    #: the day they joined the department, and the day they left (None while active)
    joined: date | None = None
    left: date | None = None


class StaffChangeOut(Out):
    """One change to a person's record: ``position`` (ids), ``manager`` (names), ``email``,
    ``login``, ``joined`` (dates) or ``active`` (``true``/``false``: left, came back)."""

    id: int
    name: str
    field: str
    old: str | None
    new: str | None
    effective: date
    recorded_at: datetime
    by: str | None


class ImportOut(Out):
    file: str
    added: int
    #: with --update: people whose record changed, people the file leaves as they were, and
    #: people deactivated because the file leaves them out (--deactivate-missing)
    changed: int = 0
    unchanged: int = 0
    deactivated: int = 0
    #: the people added, changed or deactivated, as they are now
    staff: list[StaffOut]
    #: every change recorded (a row of a person's history)
    changes: list[StaffChangeOut] = []


# --- appraisals ------------------------------------------------------------------------------


class CycleOut(Out):
    id: str
    kind: str
    forced_distribution: bool
    status: str
    opened_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    close_override: str | None
    members: int
    complete: int
    pending: int


class ScoreOut(Out):
    criterion: str
    name: str
    weight: Decimal
    score: Decimal
    given_as: str | None
    level: str
    descriptor: str


class SheetOut(Out):
    rater: str
    rater_position: str
    version: int
    current: bool
    at: datetime
    note: str | None
    entered_by: str | None
    total: Decimal
    scores: list[ScoreOut]


class AppraisalOut(Out):
    employee: str
    position: str
    status: str
    visible: bool
    score: Decimal | None
    grade: str | None
    final_grade: str | None
    raters_done: list[str]
    raters_missing: list[str]
    criteria: dict[str, Decimal]


class CalibrationOut(Out):
    employee: str
    cycle: str
    by: str
    at: datetime
    computed_grade: str
    before: str
    after: str
    reason: str


class AppraisalDetailOut(AppraisalOut):
    cycle: str
    sheets: list[SheetOut]
    calibrations: list[CalibrationOut]


class RatedOut(Out):
    """What ``ecomops appraise`` wrote: the new sheet and where the appraisal now stands."""

    sheet: SheetOut
    appraisal: AppraisalOut


class BulkRatedOut(Out):
    cycle: str
    file: str
    sheets: int
    employees: int
    complete: int
    pending: int


class MoveOut(Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    employee: str
    score: Decimal | None
    from_: str = Field(alias="from")  # "from" is a Python keyword
    to: str


class ViolationOut(Out):
    grades: str
    count: int
    limit: int


class QuotaGroupOut(Out):
    group: str
    size: int
    pending: int
    advisory: bool
    counts: dict[str, int]
    limits: dict[str, int]
    ok: bool
    violations: list[ViolationOut]
    moves: list[MoveOut]


class QuotaOut(Out):
    cycle: str
    exempt: bool
    strict: bool
    by: str
    ok: bool
    rule: str
    groups: list[QuotaGroupOut]


# --- plans, calendar, leave, handovers, visitors ----------------------------------------------


class MailOut(Out):
    to: str | None
    sent_at: datetime | None
    error: str | None


class AttachmentOut(Out):
    """A file a plan was read from: its name, size and SHA-256, kept with the plan."""

    name: str
    #: bytes
    size: int
    #: hex
    sha256: str


class PlanOut(Out):
    name: str
    kind: str
    period: str
    version: int
    versions: int
    due_at: datetime
    first_submitted_at: datetime
    submitted_at: datetime
    status: str
    expected: bool
    summary: str
    plan: str
    mail: MailOut | None
    #: the attached file the latest version was read from (plan collect); None: typed or mailed
    attachment: AttachmentOut | None = None


class PlanStatusRowOut(Out):
    name: str
    position: str
    due_at: datetime
    submitted_at: datetime | None
    status: str
    versions: int


class PlanStatusOut(Out):
    kind: str
    period: str
    due_at: datetime
    warnings: list[str]
    calendar_known: bool = True
    counts: dict[str, int]
    members: list[PlanStatusRowOut]
    department: list[PlanStatusRowOut]


class DayOut(Out):
    date: date
    weekday: str
    working: bool
    holiday: str | None
    adjusted_workday: str | None
    deadlines: list[str]


class DeadlineOut(Out):
    kind: str
    period: str
    due_at: datetime


class CalendarOut(Out):
    month: str
    known: bool
    warnings: list[str]
    working_days: int
    deadlines: list[DeadlineOut]
    days: list[DayOut]
    next_year_missing: int | None = None


class CalendarDiffOut(Out):
    date: date
    loaded: str
    package: str


class CalendarSpecialDayOut(Out):
    date: date
    kind: str
    name: str
    source: str


class CalendarYearOut(Out):
    year: int
    source: str
    kind: str | None
    file: str | None
    loaded_at: datetime | None
    loaded_by: str | None
    known: bool
    next_year_missing: int | None
    warnings: list[str]
    days: list[CalendarSpecialDayOut]
    differences: list[CalendarDiffOut]


class CalendarLoadYearOut(Out):
    year: int
    kind: str
    days_off: int
    working_days: int
    replaced: bool
    package_knows: bool
    differences: list[CalendarDiffOut]


class CalendarLoadOut(Out):
    source: str
    sha256: str
    years: list[CalendarLoadYearOut]


class LeaveOut(Out):
    id: int
    name: str
    kind: str
    start: date
    end: date
    reason: str
    special: bool
    protected_days: list[date]
    created_at: datetime
    #: pending (a special request on a protected day, until the head decides), approved or
    #: declined; who decided, when, and why (a decline's reason)
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None


class HandoverOut(Out):
    id: int
    name: str
    cover: str
    start_at: datetime
    end_at: datetime
    place: str
    matter: str
    duties: str | None
    active: bool
    #: when the department head recorded that the form was handed in, and who
    acked_at: datetime | None
    acked_by: str | None


class VisitorOut(Out):
    id: int
    name: str
    approved_by: str
    escort: str
    purpose: str | None
    arrived_at: datetime
    left_at: datetime | None


# --- tasks ----------------------------------------------------------------------------------


class TaskOut(Out):
    id: int
    title: str
    source: str
    ref: str | None
    goal: str | None
    owner: str | None
    owner_position: str | None
    due: date
    target: date | None
    #: open, doing, done or cancelled (dropped: never overdue)
    status: str
    overdue: bool
    days_overdue: int
    done_at: datetime | None
    note: str | None


class TaskEventOut(Out):
    at: datetime
    actor: str | None
    #: created, assigned, started, done, reopened, rescheduled or cancelled
    action: str
    detail: str | None


class TaskDetailOut(TaskOut):
    #: why it was dropped, while it is cancelled (None otherwise)
    cancel_reason: str | None
    history: list[TaskEventOut]


class CancelledTaskOut(TaskOut):
    """A cancelled task in the month report: when it was dropped, and why."""

    cancel_reason: str
    cancelled_at: datetime


# --- the month-end report -----------------------------------------------------------------------


class ReportGoalOut(Out):
    id: str
    text: str
    due: date
    done: int
    total: int
    status: str  # done, open, overdue


class OwnerTasksOut(Out):
    owner: str
    done: int
    overdue: int


class MemberPlansOut(Out):
    name: str
    position: str
    weeks: dict[str, str]
    month_end: str
    on_time: int
    late: int
    missing: int
    open: int
    not_expected: int
    #: a Monday plan not in whose deadline's day was on approved leave (§3.2 rule 7)
    on_leave: int = 0


class DepartmentPlansOut(Out):
    """The department head's weekly summary of the department, week by week (§3.2 rules
    6–7): one row per head of the month."""

    name: str
    position: str
    weeks: dict[str, str]
    on_time: int
    late: int
    missing: int
    open: int
    not_expected: int
    #: a Monday plan not in whose deadline's day was on approved leave (§3.2 rule 7)
    on_leave: int = 0


class PlansReportOut(Out):
    weeks: list[str]
    month_end_due: datetime
    members: list[MemberPlansOut]
    totals: dict[str, int]
    department: list[DepartmentPlansOut]


class ReportPersonOut(Out):
    employee: str
    position: str
    status: str
    visible: bool
    score: Decimal | None
    grade: str | None
    final_grade: str | None


class GradeShareOut(Out):
    grade: str
    count: int
    share: Decimal
    quota_share: Decimal
    #: the group of grades the quota caps at this grade: the grade and those above it ("A+B",
    #: the cumulative rule) or the grade alone (strict rule); how many complete appraisals hold
    #: a grade of it; its share of the quota (75 for A+B); and the quota's count for it
    #: (ceil(75 % of the complete appraisals); strict: the exact count), None for the last
    #: grade of the cumulative rule, which nothing caps
    group: str
    group_count: int
    group_share: Decimal
    limit: int | None


class AppraisalReportOut(Out):
    cycle: str
    kind: str
    status: str
    exempt: bool
    #: the quota's strict mode (exact counts) and whether the group is too small to be held to it
    strict: bool
    advisory: bool
    complete: int
    pending: int
    people: list[ReportPersonOut]
    distribution: list[GradeShareOut]
    limits: dict[str, int]
    ok: bool
    violations: list[ViolationOut]
    calibrations: list[CalibrationOut]


class ReportOut(Out):
    month: str
    lang: str
    company: str
    department: str
    position_names: dict[str, str]
    generated_at: datetime
    as_of: datetime
    goals: list[ReportGoalOut]
    next_month: str
    next_goals: list[ReportGoalOut]
    tasks_done: list[TaskOut]
    tasks_overdue: list[TaskOut]
    #: the tasks cancelled in the month (and still cancelled)
    tasks_cancelled: list[CancelledTaskOut]
    by_owner: list[OwnerTasksOut]
    plans: PlansReportOut
    appraisal: AppraisalReportOut | None
    leave: list[LeaveOut]
    handovers: list[HandoverOut]
    visitors: list[VisitorOut]


class DashboardPersonOut(Out):
    """Someone the dashboard names (a member whose plan is not in): name and position."""

    name: str
    position: str
    position_name: str


class DashboardOwnerOut(Out):
    """One owner's overdue tasks on the team dashboard (``name`` None: the tasks with no
    active owner, by owning position)."""

    name: str | None
    position: str | None
    position_name: str | None
    tasks: list[TaskOut]


class DashboardRaterOut(Out):
    """A rater who still owes ratings in the open cycle, and whom they still have to rate."""

    name: str
    position: str
    position_name: str
    to_rate: list[str]


class DashboardOut(Out):
    now: datetime
    person: str | None
    view: str
    overdue: list[TaskOut]
    overdue_by_person: list[DashboardOwnerOut]
    due_soon: list[TaskOut]
    due_soon_until: date
    week: str
    monday_plan_due: datetime
    monday_plan_status: str | None
    monday_plan_counts: dict[str, int]
    plans_missing: list[DashboardPersonOut]
    department_summary_status: str | None
    month: str
    month_end_due: datetime
    month_end_near: bool
    month_end_status: str | None
    summaries_missing: list[DashboardPersonOut]
    cycle: CycleOut | None
    to_rate: list[str]
    ratings_owed: list[DashboardRaterOut]
    unknown_years: list[int] = []
    next_year_missing: int | None = None
    #: for whoever decides them (the department head; the general manager for the head's
    #: own): leave exceptions waiting for approval, oldest first, and handover forms not
    #: acknowledged yet (§3.2 rules 5 and 7)
    leave_pending: list[LeaveOut] = []
    handovers_unacked: list[HandoverOut] = []
    #: for the team view of someone other than the head (the general manager): department
    #: heads whose weekly department summary is past due and not in
    department_summaries_missing: list[DashboardPersonOut] = []


class AuditOut(Out):
    id: int
    at: datetime
    actor: str
    acted_for: str | None = None
    command: str
    details: dict


# --- grades over time (§6.1), the year's appraisals, the phases (§8.1) ------------------------


class HistoryCycleOut(Out):
    """One cycle of a person's appraisal history."""

    cycle: str
    kind: str
    forced_distribution: bool
    cycle_status: str
    position: str
    status: str
    score: Decimal | None
    grade: str | None
    final_grade: str | None
    calibrations: list[CalibrationOut]


class AppraisalHistoryOut(Out):
    employee: str
    position: str
    active: bool
    cycles: list[HistoryCycleOut]
    hidden: int
    final_grades: dict[str, int]


class YearCycleOut(Out):
    id: str
    kind: str
    status: str


class YearPersonOut(Out):
    employee: str
    position: str
    visible: bool
    grades: dict[str, str | None]


class RepeatedGradeOut(Out):
    employee: str
    grade: str
    count: int
    cycles: list[str]


class YearAppraisalOut(Out):
    year: int
    cycles: list[YearCycleOut]
    people: list[YearPersonOut]
    repeated: list[RepeatedGradeOut]


class YearReportOut(ReportOut):
    """``ecomops report --year YYYY``: the month's report and the year's appraisals."""

    year_appraisal: YearAppraisalOut


class PhaseOut(Out):
    id: str
    number: str
    name: str
    months_min: int
    months_max: int
    start: date
    latest_start: date
    target: date
    due: date
    done: int
    total: int
    overdue: int
    current: bool
    status: str


class PhasesOut(Out):
    effective: date
    as_of: datetime
    stage: str
    current: str | None
    phases: list[PhaseOut]
    overdue: list[TaskOut]


# --- the roster over time (issue 13) -----------------------------------------------------------


class StaffDetailOut(StaffOut):
    """``staff show``: the person and every change to their record, oldest first."""

    changes: list[StaffChangeOut]


class StaffEditOut(Out):
    """``staff edit``: the person as they are now and the changes this edit recorded."""

    staff: StaffOut
    changes: list[StaffChangeOut]


class CompanyMailOut(Out):
    """``staff company-mail``: the company's mail domain (§3.2 rule 3) and from when only
    addresses there are accepted."""

    domain: str | None
    applies_from: date | None
    in_force: bool
    rule: str
    #: active people whose address is outside the domain
    outside: list[str]


# --- reminders (issue 14) -----------------------------------------------------------------------


class ReminderOut(Out):
    """One reminder ``ecomops remind`` sent, failed to send, or (``--dry-run``) would send."""

    #: the ledger's key: kind:item:occasion:recipient:channel
    key: str
    #: plan, summary, missing (who has not handed one in), task, rate, dept (the head's weekly
    #: department summary), dept_missing (to the general manager), exception (leave waiting for
    #: approval), handover (a form to acknowledge) or address (not company mail, to the head)
    kind: str
    #: a week (2026-W48), a month (2026-11), a task (47@2026-12-01: id and due date), a cycle
    item: str
    #: before (the deadline), after, due_tomorrow, overdue, owed
    occasion: str
    #: email or webhook; none: no channel is configured (a --dry-run preview)
    channel: str
    #: the person reminded; None for the group (the robot webhook)
    recipient: str | None
    #: their e-mail address, or the robot as scheme://host (kind): never its key
    address: str | None
    #: sent, failed, would_send (--dry-run), busy (another run is sending it now), skipped (no
    #: e-mail address on the roster: recorded once, sent once the roster gives one)
    status: str
    #: sends tried, this one included
    attempts: int
    error: str | None
    #: the message's line for this item, in --lang
    text: str


class RemindOut(Out):
    """``ecomops remind``: what was due at ``now`` and what became of it."""

    now: datetime
    dry_run: bool
    #: the channels configured: email (SMTP), webhook (the group robot)
    channels: list[str]
    #: the reminders due now and not sent before, in the order the messages went out
    reminders: list[ReminderOut]
    #: how many were due now but sent by an earlier run (not sent again)
    already_sent: int
    #: messages sent and failed (one message carries all of a recipient's reminders)
    messages_sent: int
    messages_failed: int


# --- plans by e-mail (issue 15) -------------------------------------------------------------------


class CollectedOut(Out):
    """A message ``ecomops plan collect`` recorded (or, ``--dry-run``, would record) as a
    member's plan."""

    #: the message's UID in the folder read
    uid: int
    #: the From address, and the roster member it belongs to
    sender: str
    person: str
    subject: str
    #: week (a Monday plan) or month (a month-end summary), and its period (2026-W48, 2026-11)
    kind: str
    period: str
    #: the plan's version this message became (2 and on: a resubmission)
    version: int
    #: the mail server's received time (IMAP INTERNALDATE), and the period's deadline
    submitted_at: datetime
    due_at: datetime
    #: the period's status, as plan status shows it: on_time or late (fixed by the first version)
    status: str
    #: whether the period's plan is expected of the member (a member on the deadline's day)
    expected: bool
    #: the normalised Message-ID (<sha256:…@ecomops> for a message without one)
    message_id: str
    #: the attached file the plan was read from (None: the message's text)
    attachment: AttachmentOut | None = None
    #: how the period was told when not from the subject alone (a reply on an earlier
    #: week's thread: the week received); None otherwise
    note: str | None = None


class LookMailOut(Out):
    """A message ``plan collect`` did not file because its subject's week is more than a week
    from the week it was received in: for the head to look at (left in the mailbox)."""

    uid: int
    sender: str
    #: the roster member it is from
    person: str
    subject: str
    received_at: datetime
    #: the week the subject names, and the week the message was received in
    period: str
    received_week: str
    reason: str


class SkippedMailOut(Out):
    """A message ``plan collect`` could not use: left in the mailbox as it was."""

    uid: int
    sender: str
    subject: str
    #: the mail server's received time
    received_at: datetime
    #: why, in words: not on the roster, no summary or plan section, no such period, too big …
    reason: str


class CollectOut(Out):
    """``ecomops plan collect``: what the mailbox held and what became of it."""

    #: the mailbox read, as user@host:port/folder (never the password)
    mailbox: str
    dry_run: bool
    #: --since: only messages received on or after this day were read (None: all)
    since: date | None
    recorded: list[CollectedOut]
    skipped: list[SkippedMailOut]
    #: messages whose subject names a week more than a week from the one received: not filed
    needs_a_look: list[LookMailOut] = []
    #: messages already recorded by an earlier run (or a second copy of one): not again
    already: int
    #: --move-to: the folder the recorded messages were moved to, and how many (None, 0: none)
    moved_to: str | None
    moved: int


# --- settings (issue 22) ---------------------------------------------------------------------


class SettingOut(Out):
    """One setting in force, as ``ecomops config show`` lists it."""

    #: section.key, as config.toml writes it under [section]
    key: str
    #: the value (a secret masked: ***; a URL without its password, key or token); None: unset
    value: str | int | bool | None
    #: default, file, environment or option
    source: str
    #: the file, the environment variable or the option that set it (a default: None, or how
    #: it was worked out)
    origin: str | None
    #: the environment variables that set it, the first set one winning
    environment: list[str]
    #: the command-line option that sets it, if any
    option: str | None
    #: whether the value is masked
    secret: bool


class ConfigOut(Out):
    """``ecomops config show``: the settings file, the database in force and every setting."""

    #: the settings file (ECOMOPS_CONFIG, else config.toml in the config directory)
    file: str
    #: whether it is there
    found: bool
    #: the database every command works on, as the settings choose it (a URL masked)
    database: str
    settings: list[SettingOut]
    #: unknown sections and keys of the file, unknown ECOMOPS_ variables: one line each
    warnings: list[str]


class ServerCheckOut(Out):
    """One server ``ecomops config check`` tried."""

    #: database, smtp, imap or webhook
    server: str
    #: ok, failed or not_configured
    status: str
    #: the server tried (a database URL masked, a robot by its host); None: not configured
    target: str | None
    #: what was done (ok), or why it failed; None: not configured
    detail: str | None


class ConfigCheckOut(Out):
    """``ecomops config check``: each configured server tried, within ``timeout`` seconds."""

    #: every configured server answered
    ok: bool
    timeout: int
    checks: list[ServerCheckOut]
