"""Plans by e-mail (issue 15): the department head's IMAP mailbox, read without marking a
message read, and each member's message recorded as their Monday plan or month-end summary.

The mail server's received time (IMAP ``INTERNALDATE``) is the submission time, so on time or
late follows the deadlines of ``plan submit``; each message is recorded once, by its
Message-ID. A message the tool cannot use is listed with the reason and left as it was.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ecomops.clock import zone
from ecomops.config import Imap
from ecomops.core import mailplan
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import EcomopsError
from ecomops.identity import Actor
from ecomops.services.handbook import current
from ecomops.services.people import Person, person_of
from ecomops.services.permissions import require_department_job
from ecomops.services.plans import store
from ecomops.views import CollectedOut, CollectOut, SkippedMailOut

PL = schema.plan
ST = schema.staff
TIMEOUT_S = 30
#: UIDs per FETCH command
CHUNK = 200
#: what is read of every message: who, what, which (never its body, nor its other headers)
#: (and what the receiving server says of the sender: Authentication-Results)
FIELDS = (
    "(UID INTERNALDATE RFC822.SIZE "
    "BODY.PEEK[HEADER.FIELDS (FROM SUBJECT MESSAGE-ID AUTHENTICATION-RESULTS)])"
)


class MailboxError(EcomopsError):
    """The mailbox could not be reached, logged into or read."""


# --- the IMAP connection ----------------------------------------------------------------------


def quote_folder(name: str) -> str:
    """A folder name as an IMAP quoted string, non-ASCII in modified UTF-7 (RFC 3501 5.1.3)."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            b64 = "".join(run).encode("utf-16-be")
            import base64

            out.append("&" + base64.b64encode(b64).decode().rstrip("=").replace("/", ",") + "-")
            run.clear()

    for ch in name:
        if " " <= ch <= "~":
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    text = "".join(out).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


@dataclass(frozen=True)
class Envelope:
    """A message's UID, the server's received time, its size and its header."""

    uid: int
    received: datetime
    size: int
    header: bytes


_UID = re.compile(rb"UID (\d+)")
_DATE = re.compile(rb'INTERNALDATE "([^"]+)"')
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


def _responses(data: list) -> list[tuple[bytes, bytes | None]]:
    """imaplib's FETCH data as (the response's items, its literal) per message."""
    out: list[list] = []
    for item in data:
        if isinstance(item, tuple):
            out.append([item[0], item[1]])
        elif isinstance(item, bytes) and item:
            if re.match(rb"\d+ \(", item) or not out:
                out.append([item, None])
            else:  # the rest of the previous response, after its literal
                out[-1][0] += item
    return [(meta, literal) for meta, literal in out]


@dataclass
class Mailbox:
    """An open connection to the configured folder (read-only until :meth:`move`)."""

    settings: Imap
    conn: imaplib.IMAP4
    capabilities: frozenset[str] = field(default_factory=frozenset)
    #: the messages in the folder when it was opened (None: the server did not say)
    messages: int | None = None

    @property
    def name(self) -> str:
        s = self.settings
        return f"{s.user or ''}@{s.host}:{s.port}/{s.folder}"

    def _ok(self, typ: str, data: list, doing: str) -> list:
        if typ != "OK":
            detail = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
            raise MailboxError(
                f"the IMAP server {self.settings.describe()} refused to {doing}: {detail}"
            )
        return data

    def uids(self, since: date | None) -> list[int]:
        """The UIDs of the folder's messages (received on or after ``since``)."""
        args = ("SINCE", mailplan.imap_date(since)) if since else ("ALL",)
        with _errors(self.settings):
            data = self._ok(*self.conn.uid("SEARCH", *args), "search the mailbox")
        return sorted(int(u) for u in (data[0] or b"").split())

    def envelopes(self, since: date | None) -> list[Envelope]:
        """Every message's UID, received time, size, and its From, Subject and Message-ID
        headers (never its body)."""
        uids = self.uids(since)
        out: list[Envelope] = []
        for i in range(0, len(uids), CHUNK):
            ids = ",".join(str(u) for u in uids[i : i + CHUNK])
            with _errors(self.settings):
                data = self._ok(
                    *self.conn.uid("FETCH", ids, FIELDS),
                    "read the messages",
                )
            for meta, literal in _responses(data):
                uid, when, size = _UID.search(meta), _DATE.search(meta), _SIZE.search(meta)
                if not (uid and when and size):
                    continue
                out.append(
                    Envelope(
                        int(uid.group(1)),
                        mailplan.parse_internaldate(when.group(1).decode()),
                        int(size.group(1)),
                        literal or b"",
                    )
                )
        return sorted(out, key=lambda e: (e.received, e.uid))

    def body(self, uid: int) -> bytes:
        """The whole message ``uid`` (BODY.PEEK: it stays unread)."""
        with _errors(self.settings):
            data = self._ok(*self.conn.uid("FETCH", str(uid), "(BODY.PEEK[])"), "read a message")
        for _meta, literal in _responses(data):
            if literal is not None:
                return literal
        raise MailboxError(f"the IMAP server {self.settings.describe()} sent no message {uid}")

    def move(self, uids: list[int], folder: str, *, use_move: bool | None = None) -> None:
        """Move the messages ``uids`` to ``folder`` (created when missing): UID MOVE when the
        server has it, else COPY, \\Deleted and UID EXPUNGE of those messages only (a server
        without UIDPLUS: copied and marked deleted, never expunged with anyone else's)."""
        if not uids:
            return
        ids = ",".join(str(u) for u in uids)
        target = quote_folder(folder)
        moving = "MOVE" in self.capabilities if use_move is None else use_move
        with _errors(self.settings):
            self._ok(*self.conn.select(quote_folder(self.settings.folder)), "open the folder")
            self.conn.create(target)  # NO when it exists: fine
            if moving:
                self._ok(*self.conn.uid("MOVE", ids, target), f"move messages to {folder!r}")
                return
            self._ok(*self.conn.uid("COPY", ids, target), f"copy messages to {folder!r}")
            self._ok(
                *self.conn.uid("STORE", ids, "+FLAGS.SILENT", r"(\Deleted)"),
                "mark the moved messages deleted",
            )
            if "UIDPLUS" in self.capabilities:
                self._ok(*self.conn.uid("EXPUNGE", ids), "expunge the moved messages")


@contextmanager
def _errors(settings: Imap) -> Iterator[None]:
    """A network or protocol failure as one line."""
    where = settings.describe()
    try:
        yield
    except MailboxError:
        raise
    except imaplib.IMAP4.abort as exc:
        raise MailboxError(f"the IMAP server {where} closed the connection: {exc}") from None
    except imaplib.IMAP4.error as exc:
        raise MailboxError(f"the IMAP server {where} refused: {exc}") from None
    except ssl.SSLError as exc:
        detail = (
            f"certificate verify failed: {exc.verify_message}"
            if isinstance(exc, ssl.SSLCertVerificationError)
            else exc.reason or str(exc)
        )
        raise MailboxError(
            f"no secure connection to the IMAP server {where}: {detail}",
            "check [imap] cafile (a company's certificate authority) or tls "
            "(ECOMOPS_IMAP_CAFILE, _TLS)",
        ) from None
    except (TimeoutError, OSError) as exc:
        raise MailboxError(
            f"cannot reach the IMAP server {where}: {exc.strerror or exc}",
            "check [imap] host and port (ECOMOPS_IMAP_HOST, _PORT)",
        ) from None


def _count(data: list) -> int | None:
    """The number of messages a SELECT (EXAMINE) answered."""
    try:
        return int(data[0])
    except (IndexError, TypeError, ValueError):
        return None


def check(settings: Imap, *, timeout: float) -> str:
    """Connect, log in, open the folder read-only and log out: what :func:`open_mailbox`
    does, and nothing else. Returns what was done; raises :class:`MailboxError`."""
    how = "implicit TLS" if settings.tls else "STARTTLS" if settings.starttls else "no TLS"
    with open_mailbox(settings, timeout=timeout) as box:
        held = "" if box.messages is None else f", {box.messages} message(s)"
    return (
        f"connected to {settings.describe()} ({how}), logged in as {settings.user}, opened "
        f"{settings.folder} read-only{held}; logged out"
    )


@contextmanager
def open_mailbox(settings: Imap, *, timeout: float = TIMEOUT_S) -> Iterator[Mailbox]:
    """Log into the mailbox ``settings`` name and open its folder read-only (EXAMINE: no
    message is marked read); logged out when the block ends. The password goes only over an
    encrypted connection, unless ``settings.insecure``. ``timeout``: seconds each network
    operation may take."""
    where = settings.describe()
    if not settings.user or not settings.password:
        raise MailboxError(
            f"no login for the IMAP server {where}",
            "set user and password under [imap] (or ECOMOPS_IMAP_USER and _PASSWORD)",
        )
    if not settings.encrypted and not settings.insecure:
        raise MailboxError(
            f"refusing to send the IMAP password to {where} over an unencrypted connection",
            "use STARTTLS (the default) or implicit TLS ([imap] tls = true, port 993); "
            "insecure = true allows it (ECOMOPS_IMAP_TLS, _INSECURE)",
        )
    context: ssl.SSLContext | None = None
    if settings.encrypted:
        from ecomops.services.mail import tls_context

        context = tls_context(settings.cafile, "[imap] cafile (ECOMOPS_IMAP_CAFILE)", MailboxError)
    with _errors(settings):
        conn: imaplib.IMAP4
        if settings.tls:
            conn = imaplib.IMAP4_SSL(
                settings.host, settings.port, ssl_context=context, timeout=timeout
            )
        else:
            conn = imaplib.IMAP4(settings.host, settings.port, timeout=timeout)
    try:
        with _errors(settings):
            if settings.starttls:
                if "STARTTLS" not in conn.capabilities:
                    raise MailboxError(
                        f"the IMAP server {where} offers no STARTTLS",
                        "use implicit TLS ([imap] tls = true, port 993; ECOMOPS_IMAP_TLS=1)",
                    )
                conn.starttls(ssl_context=context)
            try:
                conn.login(settings.user, settings.password)
            except imaplib.IMAP4.error:
                raise MailboxError(
                    f"the IMAP server {where} refused the login for {settings.user}",
                    "check [imap] user and password (ECOMOPS_IMAP_USER, _PASSWORD)",
                ) from None
            typ, caps = conn.capability()
            capabilities = frozenset(
                (caps[0] or b"").decode(errors="replace").upper().split() if typ == "OK" else ()
            )
            typ, data = conn.select(quote_folder(settings.folder), readonly=True)
            if typ != "OK":
                raise MailboxError(
                    f"the mailbox {settings.user} has no folder {settings.folder!r}",
                    "check [imap] folder (ECOMOPS_IMAP_FOLDER; default INBOX)",
                )
        yield Mailbox(settings, conn, capabilities, messages=_count(data))
    finally:
        try:
            conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


# --- recording the plans ---------------------------------------------------------------------


@dataclass
class Collection:
    """What :func:`collect` did, and the UIDs of the messages recorded (now or before), which
    ``--move-to`` moves."""

    out: CollectOut
    uids: list[int]


_TAKEN = (
    "its Message-ID is already recorded for another member's plan: nothing recorded; ask the "
    "sender to send it again as a new message"
)


def _members_by_address(session: Session) -> dict[str, Person]:
    rows = session.connection().execute(select(ST).where(ST.c.active, ST.c.email.is_not(None)))
    return {r.email.strip().lower(): person_of(r) for r in rows}


def _recorded_ids(session: Session, ids: list[str]) -> dict[str, int]:
    """The Message-IDs of ``ids`` already recorded, with whose plan each is."""
    found: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        rows = session.connection().execute(
            select(PL.c.message_id, PL.c.staff_id).where(PL.c.message_id.in_(ids[i : i + 500]))
        )
        found.update((mid, staff_id) for mid, staff_id in rows)
    return found


def collect(
    session: Session,
    *,
    mailbox: Mailbox,
    since: date | None,
    now: datetime,
    actor: Actor,
    dry_run: bool = False,
) -> Collection:
    """Record each new message in ``mailbox`` from a member's roster address as their
    Monday plan or month-end summary (the period its subject names, else the week or month it
    was received in), submitted at the server's received time and entered by ``actor``, who
    may act for others (the plans are the senders'). Each message is recorded once, by its
    Message-ID; a message that cannot be used is listed with the reason and recorded not at
    all. ``dry_run``: nothing is written. The caller's own messages are not taken: their
    received time is theirs to set."""
    require_department_job(session, actor, "collect the department's plans from the mailbox")
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    max_bytes = mailbox.settings.max_bytes
    members = _members_by_address(session)
    head = m.head()
    envelopes = mailbox.envelopes(since)
    heads = {e.uid: mailplan.read_headers(e.header) for e in envelopes}
    given = {uid: h[2] for uid, h in heads.items()}
    recorded_before = _recorded_ids(session, sorted({i for i in given.values() if i}))
    recorded: list[CollectedOut] = []
    skipped: list[SkippedMailOut] = []
    uids: list[int] = []
    seen: dict[str, int] = {}  # Message-ID -> whose plan, in this run
    already = 0
    conn = session.connection()
    trial = conn.begin_nested() if dry_run else None
    try:
        for e in envelopes:
            sender, subject, _ = heads[e.uid]
            received = e.received.astimezone(tz)

            def skip(reason: str, e=e, sender=sender, subject=subject, received=received) -> None:
                skipped.append(
                    SkippedMailOut(
                        uid=e.uid,
                        sender=sender,
                        subject=subject,
                        received_at=received,
                        reason=reason,
                    )
                )

            known = given[e.uid]
            person = members.get(sender)
            owner = None if known is None else recorded_before.get(known, seen.get(known))
            if owner is not None and person is not None and owner == person.id:
                already += 1
                uids.append(e.uid)
                continue
            if owner is not None:
                skip(_TAKEN)
                continue
            if person is None:
                skip("the sender is not on the roster (no active member has this address)")
                continue
            doubt = mailplan.sender_doubt(e.header)
            if doubt is not None:
                skip(doubt)
                continue
            if head is not None and person.position_id == head.id:
                skip(
                    "the department head's own message: the head's plans and the department "
                    "summary are handed in with ecomops plan submit"
                )
                continue
            if e.size > max_bytes:
                skip(f"too big: {e.size} bytes, more than {max_bytes} ([imap] max_bytes)")
                continue
            letter = mailplan.read_message(mailbox.body(e.uid))
            mid = letter.message_id
            if known is None:
                owner = seen[mid] if mid in seen else _recorded_ids(session, [mid]).get(mid)
                if owner == person.id:
                    already += 1
                    uids.append(e.uid)
                    continue
                if owner is not None:
                    skip(_TAKEN)
                    continue
            if actor.caller is not None and actor.caller.id == person.id:
                skip("the mailbox owner's own message: hand it in with ecomops plan submit")
                continue
            if received > now:
                skip(f"received at {received:%Y-%m-%d %H:%M}, later than now")
                continue
            try:
                kind, period = mailplan.period_of(letter.subject, received.date())
                summary, plan = mailplan.sections(letter.text)
                with conn.begin_nested():  # a refused plan leaves no trace
                    out = store(
                        session,
                        who=person,
                        kind=kind,
                        period=period,
                        summary=summary,
                        plan=plan,
                        now=now,
                        received_at=received,
                        actor=actor,
                        message_id=mid,
                    )
            except EcomopsError as exc:
                skip(exc.message)
                continue
            seen[mid] = person.id
            uids.append(e.uid)
            recorded.append(
                CollectedOut(
                    uid=e.uid,
                    sender=sender,
                    person=person.name,
                    subject=subject,
                    kind=kind,
                    period=period,
                    version=out.version,
                    submitted_at=out.submitted_at,
                    due_at=out.due_at,
                    status=out.status,
                    expected=out.expected,
                    message_id=mid,
                )
            )
    finally:
        if trial is not None:
            trial.rollback()
    return Collection(
        CollectOut(
            mailbox=mailbox.name,
            dry_run=dry_run,
            since=since,
            recorded=recorded,
            skipped=skipped,
            already=already,
            moved_to=None,
            moved=0,
        ),
        uids,
    )
