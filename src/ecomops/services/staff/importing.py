"""``staff import``: a CSV file written to the roster, every row or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path

from ecomops.core.calendar import parse_date
from ecomops.core.roster import (
    clean_name,
    depths,
    may_place,
    reporting_cycles,
)
from ecomops.db.bulk import insert_rows
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, Note, Suggest
from ecomops.handbook.model import Manual
from ecomops.services.files import read_text
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.permissions import below, require, tops
from ecomops.services.staff.bulk import (
    _changed_or_refused,
    _forget_managers,
    _new_ids,
    _record,
    _update_rows,
)
from ecomops.services.staff.csvfile import (
    Problems,
    _read,
)
from ecomops.services.staff.reading import (
    FORCE,
    ST,
    _by,
    _left_message,
    _mail_setting,
    _person,
    _Rec,
    _records,
    _Shown,
    _today,
    clean_email,
)
from ecomops.services.staff.rules import (
    _acting_person,
    _fit,
    _mail_problem,
    _misfits,
    _Positions,
    _second_holders,
)
from ecomops.text import key
from ecomops.views import (
    ImportOut,
    trusted,
)

#: the columns of a new person, and how many are written at a time
_NEW = (
    "id",
    "name",
    "name_key",
    "position_id",
    "email",
    "manager_id",
    "active",
    "created_at",
    "joined_on",
)

#: the values of those columns in a roster record
_NEW_VALUES = attrgetter(*_NEW)

CHUNK = 10_000


@dataclass(slots=True)
class _Entry:
    """A line of the file, checked on its own."""

    line: int
    name: str
    key: str
    position: str
    email: str | None
    manager: str | None  # the manager's name key
    joined: date | None
    old: _Rec | None
    diffs: list[tuple[str, str | None, str | None]]
    typed_manager: str | None  # as the file has it (None: the column is not there)


def _added(e: _Entry, ids: dict[str, int], now: datetime, today: date) -> _Rec:
    """The roster record of a line that adds someone: active from ``now``, joined on the day
    the file gives (default ``today``)."""
    return _Rec(
        ids[e.key],
        e.name,
        e.key,
        e.position,
        e.email,
        ids[e.manager] if e.manager else None,
        True,
        now,
        None,
        None,
        e.joined or today,
        None,
    )


def staff_import(
    session: Session,
    path: Path,
    *,
    actor: Actor,
    now: datetime,
    lang: str,
    encoding: str | None = None,
    update: bool = False,
    deactivate_missing: bool = False,
    force: bool = False,
    show: int | None = None,
) -> ImportOut:
    """Import the staff of a CSV file (name, position, email, manager, joined; or Chinese
    headers): every row or none, with the line of each problem. ``encoding``: the file's, when
    it is not UTF-8 or Chinese GB18030 (see files.read_text).

    With ``update`` the file is the roster: people not on it are added, people whose position,
    e-mail, manager or join date differs are changed (each change kept in their history; a
    column the file lacks is left as it is, a blank e-mail or manager cell removes it), the
    rest are counted as unchanged; with ``deactivate_missing`` too, the active people of the
    department's positions whom the file leaves out are deactivated. ``force``: a second
    department head or a manager the handbook's "reports to" does not name, all the same.
    ``show``: the most people and changes to list in the answer (None: all of them; the
    counts are always whole), so that a terminal showing a few never builds 100,000."""
    require(session, actor, "manage_staff")
    if deactivate_missing and not update:
        raise InvalidInput(
            "{param:deactivate_missing} works with {param:update}",
            "give both: {command}",
            suggest=Suggest("staff.import", ("FILE",), flags=("update", "deactivate_missing")),
        )
    file = str(path)
    m = current(session).manual
    today = _today(m, now)
    roster = _records(session)
    plan = _checked(
        session,
        m,
        actor,
        file,
        read_text(path, encoding),
        roster,
        today=today,
        lang=lang,
        update=update,
        deactivate_missing=deactivate_missing,
        force=force,
    )
    leaving, final_boss = plan.leaving, plan.final_boss

    # the writes: new people (managers first), changes, departures, the history (what only
    # the checks needed went with them: a 100,000-line file, some 50 MB)
    unchanged = plan.unchanged
    added = [e for e in plan.written if e.old is None]
    changes_of = [e for e in plan.written if e.old is not None]
    del plan
    ids = dict(zip((e.key for e in added), _new_ids(session, ST, len(added)), strict=True))
    ids.update((r.name_key, r.id) for r in roster if r.name_key in final_boss)
    order = depths(final_boss, {e.key for e in added})
    del final_boss
    added.sort(key=lambda e: order[e.key])
    conn = session.connection()
    for start in range(0, len(added), CHUNK):  # in chunks: the driver's copy of each is small
        insert_rows(
            conn,
            ST,
            _NEW,
            [_NEW_VALUES(_added(e, ids, now, today)) for e in added[start : start + CHUNK]],
        )
    updated = [
        e.old._replace(
            position_id=e.position,
            email=e.email,
            manager_id=ids[e.manager] if e.manager else None,
            joined_on=e.joined or e.old.joined_on,
        )
        for e in changes_of
        if e.old is not None
    ]
    done = _update_rows(
        session,
        ST,
        ("id", "position_id", "email", "manager_id", "joined_on"),
        [(r.id, r.position_id, r.email, r.manager_id, r.joined_on) for r in updated],
    )
    _changed_or_refused(done, len(updated), "the roster")
    left = [r._replace(active=False, deactivated_at=now, left_on=today) for r in leaving]
    done = _update_rows(
        session,
        ST,
        ("id", "active", "deactivated_at", "left_on"),
        [(r.id, False, now, today) for r in left],
    )
    _changed_or_refused(done, len(left), "the roster")
    _forget_managers(session)
    history = [(ids[e.key], f, a, b, today) for e in changes_of for f, a, b in e.diffs]
    history += [(r.id, "active", "true", "false", today) for r in left]
    recorded = _record(session, history, now=now, by=_by(actor))[:show]

    # the answer: the people touched (as many as asked for), as they are now
    listed_ids = sorted(
        [*(ids[e.key] for e in added), *(r.id for r in updated), *(r.id for r in left)]
    )
    wanted = set(listed_ids[:show])
    people = [r for r in (*updated, *left) if r.id in wanted]
    people += [_added(e, ids, now, today) for e in added if ids[e.key] in wanted]
    people.sort()
    named = {r.manager_id for r in people} | {c.staff_id for c in recorded} | {_by(actor)}
    names = {r.id: r.name for r in roster if r.id in named}
    names.update((ids[e.key], e.name) for e in added if ids[e.key] in named)
    out = _Shown(m, lang, names)
    return trusted(
        ImportOut,
        {
            "file": file,
            "added": len(added),
            "changed": len(updated),
            "unchanged": unchanged,
            "deactivated": len(left),
            "staff": [out.staff(r) for r in people],
            "changes": [out.change(c) for c in recorded],
        },
    )


@dataclass(slots=True)
class _Plan:
    """What a checked file writes: the lines that add or change someone, how many lines change
    nothing, who leaves (``deactivate_missing``) and everyone's manager as the file leaves it."""

    written: list[_Entry]
    unchanged: int
    leaving: list[_Rec]
    final_boss: dict[str, str | None]


def _checked(
    session: Session,
    m: Manual,
    actor: Actor,
    file: str,
    text: str,
    roster: list[_Rec],
    *,
    today: date,
    lang: str,
    update: bool,
    deactivate_missing: bool,
    force: bool,
) -> _Plan:
    """``file`` (its ``text``) checked against the roster and the rules, every line on its own
    and then the roster as the file would leave it; every problem at once, raised with its
    line. What only the checks need is freed when this returns."""
    rows, problems, cols = _read(text, file)
    del text  # the rows hold what the checks need
    by_key = {r.name_key: r for r in roster}
    by_id = {r.id: r for r in roster}
    has_email, has_manager = "email" in cols, "manager" in cols
    positions = _Positions(m, lang)
    days: dict[str, date] = {}  # each join date typed, read once

    def bad(line: int, message: str) -> None:
        # (a Note keeps the use case the message suggests)
        problems.append(Note(f"{file}:{line}: {message}", getattr(message, "suggest", ())), line)

    # each line on its own
    entries: list[_Entry] = []
    line_of: dict[str, int] = {}
    for r in rows:
        try:
            name = clean_name(r.name)
        except InvalidInput as exc:
            bad(r.line, exc.message)
            continue
        k = key(name)
        if k in line_of:
            bad(r.line, f"{name!r} is also on line {line_of[k]}")
            continue
        line_of[k] = r.line
        old = by_key.get(k)
        if old is not None and not old.active:
            message, hint, back = _left_message(old)
            bad(r.line, Note(f"{message}; {hint}", back))
            continue
        if old is not None and not update:
            bad(
                r.line,
                f"{name!r} is already on the roster (import with {{param:update}} to change it)",
            )
            continue
        pos, problem = positions.get(r.position)
        if problem is not None or pos is None:
            bad(r.line, problem or "no position")
            continue
        try:
            email = clean_email(r.email) if has_email else (old.email if old else None)
            joined = None
            if r.joined:
                joined = days.get(r.joined)
                if joined is None:
                    joined = days[r.joined] = parse_date(r.joined, "joined", today=today)
        except InvalidInput as exc:
            bad(r.line, exc.message)
            continue
        if has_manager or old is None:
            boss = key(r.manager) if r.manager else None
        else:  # the file says nothing about their manager: they keep theirs
            boss = by_id[old.manager_id].name_key if old.manager_id else None
        if boss == k:
            bad(r.line, f"{name} cannot be their own manager")
            continue
        typed = r.manager if has_manager else None
        entries.append(_Entry(r.line, name, k, pos, email, boss, joined, old, [], typed))

    del rows  # the lines are entries now (a 100,000-line file: ~15 MB)

    # the roster as the file would leave it
    in_file = {e.key: e for e in entries}
    leaving: list[_Rec] = []
    if deactivate_missing:
        outside = {p.id for p in m.positions if not p.in_department}
        leaving = [
            r
            for r in roster
            if r.active and r.name_key not in line_of and r.position_id not in outside
        ]
        me = actor.caller
        if me is not None and any(r.id == me.id for r in leaving):
            problems.append(
                f"{file}: you ({me.name}) are not in the file: {{param:deactivate_missing}} "
                "would deactivate you"
            )
    gone = {r.name_key for r in leaving}
    final_pos: dict[str, str] = {}
    final_boss: dict[str, str | None] = {}
    for p in roster:
        if p.active and p.name_key not in gone:
            final_pos[p.name_key] = p.position_id
            final_boss[p.name_key] = by_id[p.manager_id].name_key if p.manager_id else None
    names_by_key = {p.name_key: p.name for p in roster}
    for e in entries:
        final_pos[e.key] = e.position
        names_by_key[e.key] = e.name
        final_boss[e.key] = e.manager

    written: list[_Entry] = []
    for e in entries:
        old = e.old
        was = by_id[old.manager_id].name_key if old and old.manager_id else None
        if e.manager is not None and e.manager not in in_file and (old is None or e.manager != was):
            boss_rec = by_key.get(e.manager)
            if boss_rec is None:
                bad(e.line, f"manager {e.typed_manager!r} is neither on the roster nor in the file")
                continue
            if not boss_rec.active:
                bad(e.line, f"manager {e.typed_manager!r} is inactive")
                continue
        if e.manager is not None and e.manager in gone:
            bad(
                e.line,
                f"manager {names_by_key[e.manager]} is not in the file, and "
                "{param:deactivate_missing} would deactivate them",
            )
            continue
        if old is None:
            written.append(e)
            continue
        if e.position != old.position_id:
            e.diffs.append(("position", old.position_id, e.position))
        if has_manager:
            if e.manager != was:
                e.diffs.append(
                    (
                        "manager",
                        names_by_key[was] if was else None,
                        names_by_key[e.manager] if e.manager else None,
                    )
                )
        if has_email and e.email != old.email:
            e.diffs.append(("email", old.email, e.email))
        if e.joined is not None and e.joined != old.joined_on:
            e.diffs.append(
                (
                    "joined",
                    old.joined_on.isoformat() if old.joined_on else None,
                    e.joined.isoformat(),
                )
            )
        if e.diffs:
            written.append(e)

    # the rules, on what the file writes
    _check_reach(session, m, actor, file, written, leaving, bad, problems)
    mail = _mail_setting(session)
    holders: dict[str, list[str]] = {}
    for p in roster:
        if p.active and p.email and p.name_key not in gone and p.name_key not in in_file:
            holders.setdefault(p.email.casefold(), []).append(p.name_key)
    for e in entries:
        if e.email:
            holders.setdefault(e.email.casefold(), []).append(e.key)
    new_mail = {  # the people the file gives an address they did not have
        e.key
        for e in written
        if e.email is not None and (e.old is None or any(f == "email" for f, _, _ in e.diffs))
    }
    head = m.head()
    top = tops(m)
    holding: dict[str, list[str]] = {}  # who holds the head's position and those at the top
    for holder, held_pos in final_pos.items():
        if held_pos in top or (head is not None and held_pos == head.id):
            holding.setdefault(held_pos, []).append(holder)
    acting = _acting_person(actor)
    acting_position = acting.position_id if acting is not None else None
    position_moved = set()
    for e in written:
        fields = {f for f, _, _ in e.diffs}
        new = e.old is None
        if e.key in new_mail:
            assert e.email is not None
            problem = _mail_problem(m, lang, e.email, mail, today)
            if problem:
                bad(e.line, problem)
            others = [k for k in holders[e.email.casefold()] if k != e.key]
            held = [k for k in others if k not in new_mail]  # theirs already
            earlier = [
                in_file[k].line for k in others if k in new_mail and in_file[k].line < e.line
            ]
            if held:  # an address the file gives twice is said at the later line
                bad(e.line, f"the e-mail address {e.email!r} is already {names_by_key[held[0]]}'s")
            elif earlier:
                bad(e.line, f"the e-mail address {e.email!r} is also on line {min(earlier)}")
        if new or "position" in fields:
            if not force and e.position in holding:  # (the head's or one at the top)
                mates = [names_by_key[k] for k in holding.get(e.position, ()) if k != e.key]
                # (a manager putting someone at the top is refused for that reason alone)
                for refused in _second_holders(
                    m,
                    e.name,
                    e.position,
                    lambda _position, mates=mates: mates,  # type: ignore[misc]
                    top=may_place(acting_position, e.position, top),
                ):
                    bad(e.line, f"{refused.message}; {FORCE}")
            if not new:
                position_moved.add(e.key)
        boss = final_boss.get(e.key)
        if boss is not None and not force and (new or fields & {"position", "manager"}):
            boss_pos = final_pos.get(boss)
            if boss_pos is not None:
                problem = _fit(m, e.name, e.position, names_by_key[boss], boss_pos)
                if problem:
                    bad(e.line, f"{problem}; {FORCE}")
    if position_moved and not force:  # those who report to someone whose position changed
        checked = {e.key for e in written}
        reports_of: dict[str, list[str]] = {}
        for k, boss in final_boss.items():
            if boss in position_moved and k not in checked:
                reports_of.setdefault(boss, []).append(k)
        for boss, reports in reports_of.items():
            for k in _misfits(m, final_pos[boss], reports, final_pos.__getitem__):
                problem = _fit(
                    m, names_by_key[k], final_pos[k], names_by_key[boss], final_pos[boss]
                )
                bad(in_file[boss].line, f"{problem}; {FORCE}")
    rewired = {
        e.key for e in written if e.old is None or any(f == "manager" for f, _, _ in e.diffs)
    }
    if rewired:
        for loop in reporting_cycles(final_boss):
            for k in loop:
                if k in rewired:
                    at = loop.index(k)
                    round_ = [names_by_key[x] for x in loop[at:] + loop[:at]]
                    bad(
                        in_file[k].line,
                        f"a reporting cycle: {' → '.join([*round_, round_[0]])}",
                    )
    if problems:
        count = len(problems)
        raise InvalidInput(
            f"{file}: {count} problem{'s' if count > 1 else ''}; nothing was imported",
            "fix the lines below and run the import again",
            problems=problems.by_line(),
        )


    return _Plan(written, len(entries) - len(written), leaving, final_boss)


def _check_reach(
    session: Session,
    m: Manual,
    actor: Actor,
    file: str,
    written: Sequence[_Entry],
    leaving: Sequence[_Rec],
    bad,
    problems: Problems,
) -> None:
    """A caller bound to someone (not the keeper) changes only the records of people under
    them, as ``staff edit`` does, and puts nobody at the top (PostgreSQL's row-level security
    says the same)."""
    me = _acting_person(actor)
    if me is None:
        return
    top = tops(m)

    def under(r: _Rec) -> bool:
        return below(session, m, me, _person(r))

    for e in written:
        if e.old is not None and not under(e.old):
            bad(e.line, f"{e.name} is not under you ({me.name}): ask someone above them")
        moved = e.old is None or any(f == "position" for f, _, _ in e.diffs)
        if moved and not may_place(me.position_id, e.position, top):
            bad(
                e.line, f"{me.name} ({me.position_id}) may not put anyone at the top ({e.position})"
            )
    for r in leaving:
        if r.id != me.id and not under(r):
            problems.append(
                f"{file}: {{param:deactivate_missing}} would deactivate {r.name}, who is not under "
                f"you "
                f"({me.name})"
            )
