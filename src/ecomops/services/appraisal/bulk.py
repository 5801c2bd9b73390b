"""Importing a cycle's sheets from a CSV file: every row or none."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select

from ecomops.core.scoring import parse_rating, rating_points
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotAllowed, Note, NotFound
from ecomops.services.appraisal.rating import SheetItem, check_rater, write_sheets
from ecomops.services.appraisal.state import CM, ST, find_cycle, progress
from ecomops.services.files import read_text
from ecomops.services.handbook import current
from ecomops.services.identity import Actor, require_act_for
from ecomops.services.people import person_of
from ecomops.services.permissions import may
from ecomops.text import key
from ecomops.views import BulkRatedOut


def rate_from_csv(
    session: Session,
    *,
    cycle: str,
    path: Path,
    actor: Actor,
    now: datetime,
    encoding: str | None = None,
) -> BulkRatedOut:
    """All sheets of a CSV file or none: columns employee, rater, one per criterion id (a
    score 0–100 or a grade letter), and an optional note. Each row is checked as ``rate``
    checks one sheet: its rater is the person ``actor`` acts as, or someone they may act for
    as ``--as`` would name them (they may act for others, and the rater is under them; the
    keeper naming nobody enters anyone's): such rows are recorded as entered on the raters'
    behalf. Each rater must be one the handbook lets rate that person. One row refused
    refuses the file. ``encoding``: the file's, when it is not UTF-8 or Chinese GB18030 (see
    files.read_text)."""
    m = current(session).manual
    entering = actor.caller or actor.person  # who types the rows in (None: the keeper)
    for_others = entering is None or may(session, Actor.of(entering), "act_for_others")
    row = find_cycle(session, cycle, open_only=True, lock=True)
    file = str(path)
    text = read_text(path, encoding)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInput(f"{file} is empty", "the first line names the columns") from None
    except csv.Error as exc:
        raise InvalidInput(f"{file}:1: {exc}") from None
    problems: list[str] = []
    criteria_ids = {c.id for r in m.appraisal.rubrics for c in r.criteria}
    for need in ("employee", "rater"):
        if need not in header:
            problems.append(f"{file}:1: the column {need!r} is missing")
    for h in header:
        if h not in criteria_ids | {"employee", "rater", "note"}:
            problems.append(
                f"{file}:1: unknown column {h!r} (employee, rater, note, or a criterion id)"
            )
    if problems:
        raise InvalidInput(f"{file}: the header is wrong; nothing was imported", problems=problems)
    conn = session.connection()
    staff = {r.name_key: person_of(r) for r in conn.execute(select(ST))}
    members = dict(
        conn.execute(select(CM.c.staff_id, CM.c.position_id).where(CM.c.cycle_id == row.id)).all()
    )
    points = {g.id: g.points for g in m.appraisal.grades}
    parsed: dict[str, tuple[Decimal, str | None]] = {}
    in_header = criteria_ids & set(header)
    items: list[SheetItem] = []
    seen: dict[tuple[int, int], int] = {}
    new_members: dict[int, str] = {}
    acting_for: dict[int, NotAllowed | None] = {}  # each rater named: refused, or not
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(f"{file}:{line}: {len(record)} fields, expected {len(header)}")
                continue
            values = dict(zip(header, (c.strip() for c in record), strict=True))
            try:
                emp = staff.get(key(values["employee"]))
                who = staff.get(key(values["rater"]))
                if emp is None or not emp.active:
                    raise InvalidInput(f"no active staff member named {values['employee']!r}")
                if who is None or not who.active:
                    raise InvalidInput(f"no active rater named {values['rater']!r}")
                position = members.get(emp.id) or new_members.get(emp.id) or emp.position_id
                pos = m.position(position)
                if pos.rubric is None:
                    raise InvalidInput(f"{emp.name} ({pos.id}) is not appraised")
                if entering is not None and who.id != entering.id:
                    if not for_others:
                        raise NotAllowed(
                            f"the rater is {who.name}, not {entering.name}",
                            f"{entering.name} may enter only their own ratings (the handbook's "
                            "permissions.act_for_others)",
                        )
                    if who.id not in acting_for:  # as `appraise --as RATER` would check it
                        try:
                            require_act_for(session, entering, who)
                            acting_for[who.id] = None
                        except NotAllowed as exc:
                            acting_for[who.id] = exc
                    refused = acting_for[who.id]
                    if refused is not None:
                        raise refused
                if entering is not None and entering.id == emp.id:
                    raise InvalidInput("nobody rates themselves, not even on another's behalf")
                check_rater(session, m, position, emp, who)
                if (emp.id, who.id) in seen:
                    raise InvalidInput(
                        f"{who.name} rates {emp.name} also on line {seen[(emp.id, who.id)]}"
                    )
                rubric = m.rubric(pos.rubric)
                mine = {c.id for c in rubric.criteria}
                stray = [c for c in in_header if c not in mine and values[c]]
                if stray:
                    raise InvalidInput(f"{', '.join(sorted(stray))} not in the {rubric.id} rubric")
                scores: dict[str, Decimal] = {}
                given: dict[str, str | None] = {}
                for c in rubric.criteria:
                    v = values.get(c.id, "")
                    if not v:
                        raise InvalidInput(f"no score for {c.id}")
                    if v not in parsed:  # a file repeats a few dozen distinct ratings
                        rating = parse_rating(v, points, f"{c.id}: ")
                        parsed[v] = rating_points(rating, points, f"{c.id}: ")
                    scores[c.id], given[c.id] = parsed[v]
            except (InvalidInput, NotFound, NotAllowed) as exc:
                said = exc.said()  # (its fields kept: the command line renders them)
                problems.append(Note(f"{file}:{line}: {said}", exc.suggest))
                continue
            seen[(emp.id, who.id)] = line
            if emp.id not in members:
                new_members[emp.id] = position
            items.append(
                (
                    emp.id,
                    who.id,
                    who.position_id,
                    rubric.id,
                    scores,
                    given,
                    values.get("note") or None,
                    entering.id if entering is not None and entering.id != who.id else None,
                )
            )
    except csv.Error as exc:
        problems.append(f"{file}:{reader.line_num}: {exc}")
    if problems:
        n = len(problems)
        raise InvalidInput(
            f"{file}: {n} problem{'s' if n > 1 else ''}; nothing was imported",
            "fix the lines below and run the import again",
            problems=problems,
        )
    if new_members:
        conn.execute(
            insert(CM),
            [dict(cycle_id=row.id, staff_id=s, position_id=p) for s, p in new_members.items()],
        )
    count = write_sheets(session, row.id, items, now) if items else 0
    touched = {e for e, *_ in items}
    complete = progress(session, m, [row.id], employees=touched)[row.id].complete
    return BulkRatedOut(
        cycle=row.id,
        file=file,
        sheets=count,
        employees=len(touched),
        complete=complete,
        pending=len(touched) - complete,
    )
