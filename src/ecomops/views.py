"""Output models: the ``--json`` contract of every command (see docs/json.md).

Handbook text fields hold the text in the language chosen with ``--lang``. Keys are sorted on
output; dates and times are ISO 8601 (times with the handbook's UTC offset); lists are ``[]``
when empty; decimals are JSON numbers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class GoalOut(Out):
    id: str
    month: str
    number: int
    text: str
    due: date


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


class CheckOut(Out):
    file: str
    valid: bool
    errors: list[str]
    warnings: list[FindingOut]


class InitOut(Out):
    database: str
    created: bool
    manual: str
    sha256: str
    year: int
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


class ImportOut(Out):
    file: str
    added: int
    staff: list[StaffOut]
