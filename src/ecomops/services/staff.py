"""The staff roster: add, list, import (all or nothing), deactivate."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import bindparam, select

from ecomops.clock import zone
from ecomops.db import schema
from ecomops.db.bulk import inserted_id
from ecomops.db.session import Session
from ecomops.errors import InvalidInput, NotAllowed, NotFound
from ecomops.handbook.model import Manual
from ecomops.identity import Actor
from ecomops.services.files import read_text
from ecomops.services.handbook import current, find_position
from ecomops.services.people import person_by_id
from ecomops.services.permissions import require, require_below, tops
from ecomops.text import check_name, key, localize
from ecomops.views import ImportOut, StaffOut

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 100
ST = schema.staff


def clean_name(raw: str) -> str:
    """A typed name, trimmed; refused when empty, too long or holding a control, zero-width or
    bidirectional-override character (text.check_name: "赵\\u200b海" is not "赵海")."""
    name = " ".join(check_name(raw.strip()).split())
    if not name:
        raise InvalidInput("a name is empty", "give the person's name")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"name {name[:20]!r}… is longer than {MAX_NAME} characters")
    return name


LOGIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.@-]{0,99}")


def clean_login(raw: str | None) -> str | None:
    """A login (a PostgreSQL role or an operating-system user name), trimmed; None when blank."""
    if raw is None or not raw.strip():
        return None
    login = check_name(raw.strip(), "login", param="login")
    if not LOGIN.fullmatch(login):
        raise InvalidInput(
            f"{login!r} is not a login name",
            "letters, digits and _ . @ -, starting with a letter or _, at most 100",
            param="login",
        )
    return login


def clean_email(raw: str | None) -> str | None:
    """A typed e-mail address, trimmed (None when blank); refused when it is not one."""
    if raw is None or not raw.strip():
        return None
    email = raw.strip()
    if not EMAIL.match(email) or len(email) > 254:
        raise InvalidInput(f"{email!r} is not an e-mail address", "write it like name@example.com")
    return email


def _row_by_name(session: Session, name: str, *, active_only: bool = False):
    q = select(ST).where(ST.c.name_key == key(name))
    row = session.connection().execute(q).mappings().first()
    if row is None or (active_only and not row["active"]):
        state = "active " if active_only and row is not None else ""
        raise NotFound(
            f"no {state}staff member named {name!r}", "see the roster with: ecomops staff list"
        )
    return row


def _out(rows, m: Manual, lang: str) -> list[StaffOut]:
    tz = zone(m.calendar.timezone)
    rows = list(rows)
    names = {r["id"]: r["name"] for r in rows}
    positions = {p.id: p for p in m.positions}
    top = tops(m)
    out = []
    for r in rows:
        p = positions.get(r["position_id"])
        out.append(
            StaffOut(
                id=r["id"],
                name=r["name"],
                position=r["position_id"],
                position_name=localize(p.name.zh, p.name.en, lang) if p else r["position_id"],
                email=r["email"],
                manager=names.get(r["manager_id"]),
                active=r["active"],
                since=r["created_at"].astimezone(tz),
                until=r["deactivated_at"].astimezone(tz) if r["deactivated_at"] else None,
                login=r["login"],
                no_manager=r["manager_id"] is None and r["position_id"] not in top,
            )
        )
    return out


def _all_rows(session: Session):
    return session.connection().execute(select(ST).order_by(ST.c.id)).mappings().all()


def staff_list(session: Session, *, include_inactive: bool, lang: str) -> list[StaffOut]:
    """The active staff (everyone who ever was, with ``include_inactive``)."""
    m = current(session).manual
    everyone = _out(_all_rows(session), m, lang)  # managers resolve against everyone
    return [s for s in everyone if include_inactive or s.active]


def _get(session: Session, staff_id: int, lang: str) -> StaffOut:
    m = current(session).manual
    return next(s for s in _out(_all_rows(session), m, lang) if s.id == staff_id)


@dataclass
class _NewStaff:
    line: int
    name: str
    position: str
    email: str | None
    manager: str | None


def staff_add(
    session: Session,
    *,
    name: str,
    position: str,
    email: str | None,
    manager: str | None,
    now: datetime,
    lang: str,
    actor: Actor,
    login: str | None = None,
    force: bool = False,
) -> StaffOut:
    """Add ``name`` to the roster in ``position`` (any of its names), with an e-mail address,
    a manager (an active person) and a login when given."""
    require(session, actor, "manage_staff")
    m = current(session).manual
    account = clean_login(login)
    if account is not None:
        _first_login_guard(session, actor, account, force)
    clean = clean_name(name)
    pos = find_position(m, position)
    mail = clean_email(email)
    manager_id = _row_by_name(session, manager, active_only=True)["id"] if manager else None
    exists = (
        session.connection().execute(select(ST.c.id).where(ST.c.name_key == key(clean))).first()
    )
    if exists:
        raise InvalidInput(
            f"a staff member named {clean!r} already exists",
            "names must be unique; add a distinguishing mark, e.g. 王芳(二)",
        )
    if account is not None:
        holder = (
            session.connection().execute(select(ST.c.name).where(ST.c.login == account)).first()
        )
        if holder is not None:
            raise InvalidInput(
                f"the login {account!r} is already {holder.name}'s",
                f"move it with: ecomops staff link {clean} --login {account}",
                param="login",
            )
    new_id = inserted_id(
        session.connection()
        .execute(
            ST.insert().values(
                name=clean,
                name_key=key(clean),
                position_id=pos.id,
                email=mail,
                manager_id=manager_id,
                active=True,
                created_at=now,
                login=account,
            )
        )
    )
    return _get(session, new_id, lang)


def staff_deactivate(
    session: Session, name: str, *, actor: Actor, now: datetime, lang: str
) -> StaffOut:
    """Mark ``name`` as no longer active from ``now``; their history stays."""
    require(session, actor, "manage_staff")
    row = _row_by_name(session, name)
    if not row["active"]:
        raise InvalidInput(f"{row['name']} is already inactive")
    session.connection().execute(
        ST.update().where(ST.c.id == row["id"]).values(active=False, deactivated_at=now)
    )
    return _get(session, row["id"], lang)


# --- CSV import ---------------------------------------------------------------------------

HEADERS = {
    "name": "name",
    "姓名": "name",
    "position": "position",
    "岗位": "position",
    "职位": "position",
    "email": "email",
    "e-mail": "email",
    "邮箱": "email",
    "manager": "manager",
    "上级": "manager",
    "直接上级": "manager",
}


def read_staff_csv(text: str, file: str) -> tuple[list[_NewStaff], list[str]]:
    """Parse the CSV; return the rows and every problem found in the file itself."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(
            f"{file} is empty", "the first line names the columns: name,position,email,manager"
        ) from None
    except csv.Error as exc:
        raise InvalidInput(f"{file}:1: {exc}") from None
    cols = []
    problems = []
    for h in header:
        col = HEADERS.get(key(h))
        if col is None:
            problems.append(
                f"{file}:1: unknown column {h!r} (columns: name, position, email, manager)"
            )
        cols.append(col)
    for need in ("name", "position"):
        if need not in cols:
            problems.append(f"{file}:1: the column {need!r} is missing")
    if problems:
        return [], problems
    rows = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(cols):
                problems.append(f"{file}:{line}: {len(record)} fields, expected {len(cols)}")
                continue
            values = dict(zip(cols, record, strict=True))
            rows.append(
                _NewStaff(
                    line=line,
                    name=values["name"],
                    position=values["position"],
                    email=values.get("email") or None,
                    manager=(values.get("manager") or "").strip() or None,
                )
            )
    except csv.Error as exc:
        problems.append(f"{file}:{reader.line_num}: {exc}")
    return rows, problems


def staff_import(
    session: Session,
    path: Path,
    *,
    actor: Actor,
    now: datetime,
    lang: str,
    encoding: str | None = None,
) -> ImportOut:
    """Import the staff of a CSV file (name, position, email, manager; or Chinese headers): every
    row or none, with the line of each problem. ``encoding``: the file's, when it is not UTF-8
    or Chinese GB18030 (see files.read_text)."""
    require(session, actor, "manage_staff")
    file = str(path)
    rows, problems = read_staff_csv(read_text(path, encoding), file)
    m = current(session).manual
    conn = session.connection()
    existing = {r["name_key"]: r for r in conn.execute(select(ST)).mappings()}
    in_file: dict[str, int] = {}
    records = []
    for r in rows:
        try:
            name = clean_name(r.name)
            k = key(name)
            if k in existing:
                raise InvalidInput(f"{name!r} is already on the roster")
            if k in in_file:
                raise InvalidInput(f"{name!r} is also on line {in_file[k]}")
            in_file[k] = r.line
            pos = find_position(m, r.position)
            email = clean_email(r.email)
        except (InvalidInput, NotFound) as exc:
            problems.append(f"{file}:{r.line}: {exc.message}")
            continue
        records.append((r, name, k, pos.id, email))
    for r, _name, _k, _pos, _email in records:
        if r.manager is None:
            continue
        mk = key(r.manager)
        if mk in in_file:
            continue
        if mk not in existing:
            problems.append(
                f"{file}:{r.line}: manager {r.manager!r} is neither on the roster nor in the file"
            )
        elif not existing[mk]["active"]:
            problems.append(f"{file}:{r.line}: manager {r.manager!r} is inactive")
    if problems:
        count = len(problems)
        raise InvalidInput(
            f"{file}: {count} problem{'s' if count > 1 else ''}; nothing was imported",
            "fix the lines below and run the import again",
            problems=sorted(problems, key=_line_number),
        )
    if not records:
        return ImportOut(file=file, added=0, staff=[])
    conn.execute(
        ST.insert(),
        [
            dict(
                name=name,
                name_key=k,
                position_id=pos,
                email=email,
                manager_id=None,
                active=True,
                created_at=now,
            )
            for _r, name, k, pos, email in records
        ],
    )
    ids = {r["name_key"]: r["id"] for r in conn.execute(select(ST.c.id, ST.c.name_key)).mappings()}
    links = [
        {"sid": ids[k], "mid": ids[key(r.manager)]}
        for r, _n, k, _p, _e in records
        if r.manager is not None
    ]
    if links:
        conn.execute(
            ST.update().where(ST.c.id == bindparam("sid")).values(manager_id=bindparam("mid")),
            links,
        )
    added = {ids[k] for _r, _n, k, _p, _e in records}
    everyone = _out(_all_rows(session), m, lang)
    return ImportOut(file=file, added=len(added), staff=[s for s in everyone if s.id in added])


def _line_number(problem: str) -> int:
    parts = problem.split(":")
    for p in parts[1:]:
        if p.isdigit():
            return int(p)
    return 0


def _first_login_guard(session: Session, actor: Actor, account: str, force: bool) -> None:
    """Binding the first login to someone else would lock the keeper of a SQLite file out:
    refused unless ``force``."""
    if force or not actor.keeper or actor.caller is not None or account == actor.login:
        return
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return  # on PostgreSQL the owner role stays the keeper
    bound = conn.execute(select(ST.c.id).where(ST.c.login.is_not(None)).limit(1)).first()
    if bound is None:
        raise InvalidInput(
            f"binding the first login ({account}) ends single-keeper mode, and yours "
            f"({actor.login}) is bound to nobody: you would be locked out",
            f"bind your own first: ecomops staff link YOUR-NAME --login {actor.login} "
            "(or give --force)",
        )


def staff_link(
    session: Session, name: str, *, login: str, actor: Actor, lang: str, force: bool = False
) -> StaffOut:
    """Bind ``login`` to ``name`` (moved from whoever held it): that login then acts as them.
    Binding the first login ends single-keeper mode (refused, unless ``force``, when it would
    lock the keeper out)."""
    require(session, actor, "manage_staff")
    account = clean_login(login)
    if account is None:
        raise InvalidInput("the login is empty", "give the login name", param="login")
    _first_login_guard(session, actor, account, force)
    row = _row_by_name(session, name, active_only=True)
    if actor.caller is not None and not actor.keeper:  # never to someone above oneself
        require_below(session, actor.caller, person_by_id(session, row["id"]))
    conn = session.connection()
    conn.execute(ST.update().where(ST.c.login == account).values(login=None))
    done = conn.execute(ST.update().where(ST.c.id == row["id"]).values(login=account))
    if done.rowcount != 1:  # PostgreSQL's row-level security filtered it out
        raise NotAllowed(f"the login could not be bound to {row['name']}", "nothing was changed")
    return _get(session, row["id"], lang)
