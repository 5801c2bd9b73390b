"""ecomops as a library: the department's use cases, typed, in the domain's words.

The command line is one caller of the services; a script, a notebook or another program is
another. :class:`Department` opens (or creates) a department's database and runs each use case
in a transaction of its own, with the same rules, permissions and audit trail as the
commands::

    from ecomops.api import Department

    with Department.create("dept.db", since="2026-01-01") as dept:
        dept.add_person("王芳", "manager")
        dept.add_person("李雷", "copywriter", manager="王芳")
        dept.open_cycle("2026-11")
        dept.rate("李雷", {"execution": 85, "expertise": "B", ...}, cycle="2026-11", rater="王芳")
        print(dept.quota("2026-11").ok)

Scores are ``int``, ``float``, ``Decimal`` or ``str`` (a number, or a grade letter standing for
its points); names may be typed in traditional or simplified characters, as on the command
line. Errors are :class:`ecomops.errors.EcomopsError` (``str(err)`` is the message a user
reads). ``actor``: who acts (the command line's ``--as``); ``None`` is the database's keeper,
or the person the connecting login is bound to.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ecomops.errors import EcomopsError, InvalidInput, NotAllowed, NotFound

if TYPE_CHECKING:
    from ecomops.core.calendar import Month
    from ecomops.db.session import Database, Session
    from ecomops.views import CycleOut, QuotaOut, RatedOut, ReportOut, StaffOut

__all__ = [
    "Department",
    "EcomopsError",
    "InvalidInput",
    "NotAllowed",
    "NotFound",
    "Score",
]

#: a criterion's rating as a caller may give it: a number 0–100, or a grade letter
Score = int | float | Decimal | str


def _rating(criterion: str, value: Score) -> Decimal | str:
    """``value`` as the services take it: a Decimal score, or a grade letter."""
    from ecomops.core.scoring import check_score

    where = f"{criterion}: "
    if isinstance(value, bool):  # True is an int, and no score
        raise InvalidInput(f"{where}{value!r} is not a score", "give 0–100 or a grade letter")
    if isinstance(value, Decimal):
        return check_score(value, where)
    if isinstance(value, int):
        return check_score(Decimal(value), where)
    if isinstance(value, float):
        return check_score(Decimal(repr(value)), where)  # 85.5, not 85.5000000000000…
    if isinstance(value, str):
        text = value.strip()
        try:
            return check_score(Decimal(text), where)
        except InvalidOperation:
            return text.upper()  # a grade letter: the rubric says which are valid
    raise InvalidInput(f"{where}{value!r} is not a score", "give 0–100 or a grade letter")


def _day(value: date | str | None) -> date | None:
    from ecomops.core.calendar import parse_date

    if value is None or isinstance(value, date):
        return value
    return parse_date(value, "date")


class Department:
    """One department's database, opened. Use it as a context manager (or call
    :meth:`close`); every method is one transaction."""

    def __init__(self, database: Database, *, lang: str = "zh-hans") -> None:
        self._database = database
        #: the language of names in the results (``en``, ``zh``, ``zh-hans``)
        self.lang = lang

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        url: str | None = None,
        manual: str | os.PathLike[str] | None = None,
        since: date | str | None = None,
        simulated_clock: bool = False,
        lang: str = "zh-hans",
    ) -> Department:
        """Create the department's database (a SQLite file at ``path``, or the PostgreSQL
        database at ``url``) from the handbook (``manual``: a YAML file; default: the shipped
        one), as ``ecomops init`` does; ``since``: the department's start day."""
        from ecomops.services.database import init_database

        init_database(
            os.fspath(path) if path is not None else None,
            url,
            manual_file=os.fspath(manual) if manual is not None else None,
            since=_day(since),
            simulated=simulated_clock,
        )
        return cls.open(path, url=url, lang=lang)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        url: str | None = None,
        lang: str = "zh-hans",
    ) -> Department:
        """Open an existing department's database (upgraded as needed; never created)."""
        from ecomops.services.database import open_database

        return cls(open_database(os.fspath(path) if path is not None else None, url), lang=lang)

    def close(self) -> None:
        self._database.dispose()

    def __enter__(self) -> Department:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _transaction(
        self, command: str | None, params: Mapping[str, Any] | None = None
    ) -> Iterator[Session]:
        """One transaction (:func:`ecomops.services.unit.transaction`, as the command line
        runs it); a write (``command``: the command it is, for the audit trail) records its
        audit entry in it."""
        from ecomops.services.unit import AuditEntry, transaction

        entry = None
        if command is not None:
            entry = AuditEntry(command, dict(params or {}), (params or {}).get("as_"))
        with transaction(self._database, write=command is not None, entry=entry) as s:
            yield s

    @staticmethod
    def _now(s: Session) -> datetime:
        from ecomops.services.unit import now

        return now(s)

    def now(self) -> datetime:
        """Now, by the department's clock (``ECOMOPS_NOW`` on a simulated-clock database)."""
        with self._transaction(None) as s:
            return self._now(s)

    # --- the roster -------------------------------------------------------------------------

    def add_person(
        self,
        name: str,
        position: str,
        *,
        email: str | None = None,
        manager: str | None = None,
        login: str | None = None,
        joined: date | str | None = None,
        actor: str | None = None,
    ) -> StaffOut:
        """Add ``name`` to the roster in ``position`` (its id or any of its names)."""
        from ecomops.services.identity import acting
        from ecomops.services.staff import staff_add

        params = dict(name=name, position=position, manager=manager, login=login, as_=actor)
        with self._transaction("staff add", {**params, "joined": joined}) as s:
            return staff_add(
                s,
                name=name,
                position=position,
                email=email,
                manager=manager,
                login=login,
                joined=_day(joined),
                now=self._now(s),
                lang=self.lang,
                actor=acting(s, actor),
            )

    # --- appraisals -------------------------------------------------------------------------

    def open_cycle(
        self, cycle: str, *, year_end: bool = False, actor: str | None = None
    ) -> CycleOut:
        """Open appraisal cycle ``cycle`` (``2026-11``; a year with ``year_end``)."""
        from ecomops.services.appraisal import cycle_open
        from ecomops.services.identity import acting

        with self._transaction("cycle open", dict(cycle=cycle, year_end=year_end, as_=actor)) as s:
            return cycle_open(
                s, cycle, actor=acting(s, actor), year_end=year_end, now=self._now(s)
            )

    def rate(
        self,
        employee: str,
        scores: Mapping[str, Score],
        *,
        cycle: str,
        rater: str | None = None,
        note: str | None = None,
    ) -> RatedOut:
        """``rater`` (default: whoever connects) rates ``employee`` in the open cycle ``cycle``:
        a score or grade letter for every criterion of the rubric, by criterion id or name."""
        from ecomops.services.appraisal import rate
        from ecomops.services.identity import acting

        ratings = {str(c): _rating(str(c), v) for c, v in scores.items()}
        params = dict(employee=employee, cycle=cycle, as_=rater)
        with self._transaction("appraise", params) as s:
            return rate(
                s,
                cycle=cycle,
                employee=employee,
                rater=acting(s, rater).as_person(),
                ratings=ratings,
                note=note,
                now=self._now(s),
                lang=self.lang,
            )

    def quota(
        self, cycle: str, *, by: str = "department", viewer: str | None = None
    ) -> QuotaOut:
        """Cycle ``cycle``'s grades against the forced distribution (45/30/20/5), grouped
        ``by`` department or position, as ``viewer`` may see them."""
        from ecomops.services.appraisal import quota_check
        from ecomops.services.identity import acting

        with self._transaction(None) as s:
            return quota_check(s, cycle=cycle, by=by, strict=None, viewer=acting(s, viewer))

    # --- the month-end report ---------------------------------------------------------------

    def report(self, month: str | Month | None = None, *, viewer: str | None = None) -> ReportOut:
        """The month-end report of ``month`` (``2026-11``, ``2026年11月``; default: this
        month), as ``viewer`` may see it. Render it with ``ecomops.render``, or read its
        fields; ``.model_dump(mode="json")`` is the ``--json`` document."""
        from ecomops.core.calendar import parse_month
        from ecomops.services.identity import acting
        from ecomops.services.report import build_report

        with self._transaction(None) as s:
            now = self._now(s)
            chosen = parse_month(month, today=now.date()) if isinstance(month, str) else month
            return build_report(
                s, month=chosen, now=now, lang=self.lang, viewer=acting(s, viewer)
            )

