"""Who is acting: the one place that decides it.

The caller is the login that runs the command: the connected role on PostgreSQL
(``current_user``), the operating-system user on SQLite. A roster entry may carry a login.

- **A SQLite file has one keeper.** Whoever can write the file can be anyone (``sqlite3`` edits
  the roster as easily as ecomops does), so on SQLite the caller is always the keeper, whatever
  is bound: the keeper naming nobody may do everything; with ``--as NAME`` an action is checked
  against NAME's permissions (so nobody rates as the wrong person by accident). Only the login
  of the file's owner may be bound (:func:`require_bindable`), and binding it only says whom the
  keeper is where a command needs a person (a rater, a viewer, whose plan): the ``caller``. No
  sequence of commands locks the keeper out.
- **Bound logins (PostgreSQL).** Once any roster entry carries a login, the caller must be one
  of them, or the role that owns the tables (the keeper): that person acts. ``--as NAME`` then
  names the person acted for, accepted only when it is the caller, or when the caller may act
  for others (the permission table's ``act_for_others``) and NAME is under them.
- **Single-keeper mode (PostgreSQL).** While no login is bound, the database is kept by whoever
  can write it, as a SQLite file is.

Services receive the result as an :class:`Actor` and never read the environment.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ecomops.errors import InvalidInput, Suggest

if TYPE_CHECKING:
    from ecomops.db.session import Session
    from ecomops.services.people import Person


def os_user() -> str:
    """The operating-system user running the command: the process's own user id (not
    LOGNAME or USER, which anyone can set)."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, OSError):  # pragma: no cover - no user database
        return getpass.getuser()


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the ``login`` that ran the command; the ``caller``, the person that login is
    bound to (None in single-keeper mode); the ``person`` acting (the caller, or the person
    acted for; None when the keeper named nobody); ``keeper``: single-keeper mode."""

    login: str
    caller: Person | None = None
    person: Person | None = None
    keeper: bool = False
    #: a name typed for the record that is not on the roster (lenient commands only)
    claimed: str | None = None

    @property
    def name(self) -> str:
        """The name recorded for the action: the caller's, else the login (the keeper)."""
        if self.caller is not None:
            return self.caller.name
        if self.keeper and self.person is None and self.claimed:
            return self.claimed
        return self.login if self.keeper or self.person is None else self.person.name

    @property
    def acted_for(self) -> Person | None:
        """The person acted for, when that is not the caller."""
        if self.person is None:
            return None
        if self.caller is not None and self.caller.id == self.person.id:
            return None
        return self.person

    @property
    def label(self) -> str:
        """Who did it, as a history line shows it: the person acting (the caller's name
        follows when acting for them), else the name typed, the keeper's own person (their
        bound login) or login."""
        if self.person is None:
            return self.claimed or (self.caller.name if self.caller else self.login)
        if self.caller is not None and self.caller.id != self.person.id:
            return f"{self.person.name} (by {self.caller.name})"
        return self.person.name

    @classmethod
    def of(cls, person: Person) -> Actor:
        """``person`` as the one acting, whoever runs the command: for asking what *they* may
        do (the rater of a row, the one entering a record on another's behalf)."""
        return cls("", person=person)

    def required(self) -> Person:
        """The person acting (the keeper naming nobody: the person their login is bound to);
        refused when there is none."""
        if self.person is not None:
            return self.person
        if self.keeper and self.caller is not None:
            return self.caller
        raise InvalidInput("say who you are", "name yourself", param="as_")

    def as_person(self) -> Actor:
        """This actor where a command needs a person (a rater, a viewer, whose plan): the
        keeper naming nobody acts as the person their login is bound to, with that person's
        permissions; unchanged otherwise."""
        if self.person is None and self.keeper and self.caller is not None:
            return replace(self, person=self.caller)
        return self


def claimed_name(value: str | None) -> str | None:
    """A typed name, trimmed; ``None`` when blank. One holding a control or invisible
    character is refused (it would go into the history and the audit trail as typed)."""
    if not value or not value.strip():
        return None
    from ecomops.text import check_name

    name = check_name(value.strip(), "name given with {param:as_}", param="as_")
    if len(name) > 100:
        raise InvalidInput(
            f"the name given with {{param:as_}} is {len(name)} characters long; the most is 100",
            "give a name on the roster",
            param="as_",
        )
    return name


def session_facts(session: Session) -> tuple[str, bool, str]:
    """(the caller's login, whether any login is bound, the database's clock), read with one
    query when a command's transaction starts (cached for it)."""
    cached = session.info.get("ecomops.facts")
    if cached is not None:
        return cached
    from sqlalchemy import text

    conn = session.connection()
    facts = (
        "(SELECT value FROM database_option WHERE key = 'clock'), "
        "EXISTS (SELECT 1 FROM staff WHERE login IS NOT NULL)"
    )
    if conn.dialect.name == "postgresql":
        login, clock, bound = conn.execute(text(f"SELECT current_user, {facts}")).one()
    else:
        clock, bound = conn.execute(text(f"SELECT {facts}")).one()
        login = os_user()
    found = (str(login), bool(bound), str(clock or "real"))
    session.info["ecomops.facts"] = found
    return found


def acting(session: Session | None, name: str | None, *, strict: bool = True) -> Actor:
    """Who acts in this command (cached for the transaction): see the module's rules. ``name``
    is ``--as``. A name not on the roster is refused, unless not ``strict`` and no login is
    bound (it is then only recorded as typed)."""
    claimed = claimed_name(name)
    if session is None:
        return Actor(os_user(), keeper=True, claimed=claimed)
    # once per transaction: the audit entry then names who acted even after the command bound
    # the first login (which ends single-keeper mode within this very transaction)
    cache = session.info.setdefault("ecomops.actors", {})
    if claimed not in cache:
        cache[claimed] = _resolve(session, claimed, strict)
    return cache[claimed]


def owner_of_file(path: str | os.PathLike[str] | None) -> str:
    """The operating-system user owning the file ``path`` (the caller when there is no file)."""
    if path:
        try:
            import pwd

            return pwd.getpwuid(os.stat(path).st_uid).pw_name
        except (ImportError, KeyError, OSError):  # pragma: no cover - no user database
            pass
    return os_user()


def file_owner(session: Session) -> str | None:
    """The operating-system user owning the SQLite file of ``session``: its keeper (the caller
    for a database with no file); None on PostgreSQL."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return None
    cached = session.info.get("ecomops.file_owner")
    if cached is None:
        from sqlalchemy import text

        rows = conn.execute(text("PRAGMA database_list")).all()
        path = next((r[2] for r in rows if r[1] == "main"), None)
        cached = session.info["ecomops.file_owner"] = owner_of_file(path)
    return cached


def require_bindable(session: Session, login: str) -> None:
    """On SQLite only the file owner's login may be bound to someone: whoever can write the
    file can be anyone, so a login of another user would promise what the file cannot keep."""
    owner = file_owner(session)
    if owner is None or login == owner:
        return
    raise InvalidInput(
        f"on a SQLite file only its owner's login ({owner}) may be bound, not {login!r}: "
        "whoever can write the file can be anyone",
        "for several people on their own logins, use PostgreSQL ({command}, then {command:1} "
        "for each)",
        param="login",
        suggest=(Suggest("db.copy"), Suggest("db.grant", ("NAME",), {"login": "LOGIN"})),
    )


def owns_the_database(session: Session) -> bool:
    """Whether the connected PostgreSQL role owns the tables (or is a member of the role that
    does): the keeper of a shared database."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return False
    from sqlalchemy import text

    return bool(
        conn.execute(
            text(
                "SELECT pg_has_role(current_user, c.relowner, 'MEMBER') FROM pg_class c "
                "WHERE c.oid = 'staff'::regclass"
            )
        ).scalar()
    )


def _named(session: Session, claimed: str | None, strict: bool) -> Person | None:
    from ecomops.errors import NotFound
    from ecomops.services.people import find_person

    if claimed is None:
        return None
    try:
        return find_person(session, claimed, active=False)
    except NotFound:
        if strict:
            raise
        return None


def _resolve(session: Session, claimed: str | None, strict: bool) -> Actor:
    from sqlalchemy import select

    from ecomops.db import schema
    from ecomops.errors import NotAllowed
    from ecomops.services.people import find_person, person_of
    from ecomops.text import key

    st = schema.staff
    conn = session.connection()
    login, bound, _clock = session_facts(session)
    if conn.dialect.name == "sqlite":  # the keeper, whatever is bound (the module's rules)
        row = conn.execute(select(st).where(st.c.login == login)).first() if bound else None
        mine = person_of(row) if row is not None else None
        person = _named(session, claimed, strict)
        return Actor(
            login,
            caller=mine if mine is not None and mine.active else None,
            person=person,
            keeper=True,
            claimed=None if person else claimed,
        )
    if not bound:  # single-keeper mode
        person = _named(session, claimed, strict)
        return Actor(login, person=person, keeper=True, claimed=None if person else claimed)
    row = conn.execute(select(st).where(st.c.login == login)).first()
    if row is None and owns_the_database(session):
        # PostgreSQL: the role that owns the tables (it made the database, runs `db grant`)
        # is the keeper; the server lets it do anything anyway
        return Actor(login, person=_named(session, claimed, strict), keeper=True)
    if row is None:
        raise NotAllowed(
            f"your login {login!r} is not on the roster",
            "ask the manager to run: {command}",
            suggest=Suggest("staff.link", ("NAME",), {"login": login}),
        )
    me = person_of(row)
    if not me.active:
        raise NotAllowed(
            f"your login {login!r} belongs to {me.name}, who is no longer active",
            "ask the manager to bind it to someone on the roster, or to nobody",
        )
    if claimed is None or key(claimed) == me.name_key:
        return Actor(login, caller=me, person=me)
    other = find_person(session, claimed, active=False)
    require_act_for(session, me, other)
    return Actor(login, caller=me, person=other)


def require_act_for(session: Session, me: Person, other: Person) -> None:
    """Refuse ``me`` acting for ``other``: naming them with ``--as``, or as the rater of a
    row ``me`` imports. Allowed only when ``me`` may act for others (the permission table's
    ``act_for_others``) and ``other`` is under ``me`` (a manager never acts as the general
    manager)."""
    from ecomops.services.permissions import require, require_below

    require(session, Actor.of(me), "act_for_others", what=f"({other.name})")
    require_below(session, me, other)
