"""Plans by e-mail (issue 15): the department head's IMAP mailbox, read without marking a
message read, and each member's message recorded as their Monday plan or month-end summary.

The mail server's received time (IMAP ``INTERNALDATE``) is the submission time, so on time or
late follows the deadlines of ``plan submit``; each message is recorded once, by its
Message-ID. A message the tool cannot use is listed with the reason and left as it was.

Issue 23: the plan is the new text of a reply or forward, else an attached document
(:func:`ecomops.core.mailplan.letter_plan`); a message whose subject's week is more than a
week from the week received is listed as needing a look, not filed
(:func:`ecomops.core.mailplan.filing`).
"""

from __future__ import annotations

import imaplib
import io
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ecomops.clock import zone
from ecomops.config import Imap
from ecomops.core import mailplan
from ecomops.core.calendar import week_id
from ecomops.core.roster import mail_allowed
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import EcomopsError
from ecomops.i18n import N_
from ecomops.identity import Actor
from ecomops.net import Exchange, NetworkLimit, TooLarge, TooSlow, reader
from ecomops.services.handbook import current
from ecomops.services.people import Person, person_of
from ecomops.services.permissions import require_department_job
from ecomops.services.plans import store
from ecomops.services.staff import company_mail_setting
from ecomops.views import AttachmentOut, CollectedOut, CollectOut, LookMailOut, SkippedMailOut

PL = schema.plan
ST = schema.staff
#: UIDs per FETCH command
CHUNK = 200
#: the most of a message's header fields that is read (a header cut there is not used)
HEADER_MAX = 16 * 1024
#: what is read of every message: who, what, which (never its body, nor its other headers)
#: (and what the receiving server says of the sender: Authentication-Results)
FIELDS = (
    "(UID INTERNALDATE RFC822.SIZE "
    f"BODY.PEEK[HEADER.FIELDS (FROM SUBJECT MESSAGE-ID AUTHENTICATION-RESULTS)]<0.{HEADER_MAX}>)"
)
#: the longest line of a reply read (imaplib's own limit)
LINE_MAX = 1_000_000


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


class _Client(imaplib.IMAP4):
    """imaplib's client with every reply bounded (:mod:`ecomops.net`): the greeting, and the
    whole reply to each command, arrive within ``exchange.seconds`` and hold at most
    ``exchange.max_bytes``; a literal larger than ``literal_max`` (what the command asked for
    at most) is refused before a byte of it is read, whatever size the server announced for
    the message."""

    def __init__(self, host: str, port: int, *, exchange: Exchange, literal_max: int, **kw):
        self.exchange = exchange
        self.literal_max = literal_max
        self._timed_file: io.BufferedReader | None = None
        self._reading: socket.socket | None = None
        super().__init__(host, port, timeout=exchange.seconds, **kw)

    def open(self, *args: Any, **kw: Any) -> None:
        super().open(*args, **kw)
        self.exchange.start()  # the greeting

    def send(self, data) -> None:
        self.exchange.start()  # each command's reply
        super().send(data)

    def _reader(self) -> io.BufferedReader:
        """The timed file of the connection's socket (a new one after STARTTLS: what the
        server sent before TLS and was not read yet is dropped, as it must be)."""
        if self._timed_file is None or self._reading is not self.sock:
            self._timed_file = reader(self.sock, self.exchange)
            self._reading = self.sock
        return self._timed_file

    def readline(self) -> bytes:
        line = self._reader().readline(LINE_MAX + 1)
        if len(line) > LINE_MAX:
            raise TooLarge(f"sent a line of more than {LINE_MAX:,} bytes")
        return line

    def read(self, size: int) -> bytes:
        if size > self.literal_max:
            raise TooLarge(
                f"sent {size:,} bytes in one piece where at most {self.literal_max:,} were "
                "asked for"
            )
        return self._reader().read(size)

    def close_now(self) -> None:
        """Close the connection without a word to the server (it may be in mid-reply, and a
        stopped command must not wait for it)."""
        try:
            if self._timed_file is not None:
                self._timed_file.close()
            self.shutdown()
        except (OSError, ValueError):
            pass


class _SSLClient(_Client, imaplib.IMAP4_SSL):
    """:class:`_Client` over implicit TLS."""


def _shown(data: object, limit: int = 160) -> str:
    """What a server said, as one short line of text (its bytes decoded, cut at ``limit``)."""
    if isinstance(data, bytes | bytearray):
        text = bytes(data).decode("utf-8", errors="replace")
    elif isinstance(data, list | tuple):
        text = " ".join(_shown(d, limit) for d in data if d is not None)
    else:
        text = str(data)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: a server's way of saying it has too many connections (RFC 5530's codes; Dovecot: "[LIMIT]
#: Maximum number of connections from user+IP exceeded")
_BUSY = re.compile(
    r"\[(LIMIT|UNAVAILABLE|INUSE|SYS/TEMP)\]|maximum number of connections|too many connections",
    re.IGNORECASE,
)


def _refused_more(where: str, said: str) -> MailboxError:
    return MailboxError(
        f"the IMAP server {where} refused more connections (try again later): {said}",
        "it limits the connections of one user from one address; the next run will do",
    )


@dataclass
class Mailbox:
    """An open connection to the configured folder (read-only until :meth:`move`)."""

    settings: Imap
    conn: _Client
    capabilities: frozenset[str] = field(default_factory=frozenset)
    #: the messages in the folder when it was opened (None: the server did not say)
    messages: int | None = None

    @property
    def name(self) -> str:
        s = self.settings
        return f"{s.user or ''}@{s.host}:{s.port}/{s.folder}"

    def _ok(self, typ: str, data: list, doing: str) -> list:
        if typ != "OK":
            raise MailboxError(
                f"the IMAP server {self.settings.describe()} refused to {doing}: {_shown(data)}"
            )
        return data

    def _malformed(self, what: str, data: object = None) -> MailboxError:
        said = "" if data is None else f": {_shown(data)!r}"
        return MailboxError(
            f"the IMAP server {self.settings.describe()} sent {what}{said}",
            "nothing was recorded; the server is not answering as IMAP servers do",
        )

    def uids(self, since: date | None) -> list[int]:
        """The UIDs of the folder's messages (received on or after ``since``)."""
        args = ("SINCE", mailplan.imap_date(since)) if since else ("ALL",)
        with _errors(self.settings):
            data = self._ok(*self.conn.uid("SEARCH", *args), "search the mailbox")
        words = b" ".join(d for d in data if isinstance(d, bytes)).split()
        if not all(w.isdigit() for w in words):
            raise self._malformed("a SEARCH reply that is not a list of message numbers", data)
        return sorted({int(u) for u in words})

    def envelopes(self, since: date | None) -> list[Envelope]:
        """Every message's UID, received time, size, and its From, Subject and Message-ID
        headers (never its body). A message gone since the search is left out; a reply that
        lacks what was asked of a message is :class:`MailboxError`."""
        uids = self.uids(since)
        out: list[Envelope] = []
        for i in range(0, len(uids), CHUNK):
            asked = uids[i : i + CHUNK]
            ids = ",".join(str(u) for u in asked)
            with _errors(self.settings):
                data = self._ok(
                    *self.conn.uid("FETCH", ids, FIELDS),
                    "read the messages",
                )
            wanted = set(asked)
            parts: dict[int, dict[str, bytes]] = {}
            for meta, literal in _responses(data):
                uid = _UID.search(meta)
                if uid is None or int(uid.group(1)) not in wanted:
                    continue  # unsolicited (another client changed a flag): not ours
                found = parts.setdefault(int(uid.group(1)), {})
                when, size = _DATE.search(meta), _SIZE.search(meta)
                if when:
                    found["date"] = when.group(1)
                if size:
                    found["size"] = size.group(1)
                if literal is not None:
                    found["header"] = literal
            for uid_, found in parts.items():  # the same message in more than one response too
                if "date" not in found or "size" not in found:
                    raise self._malformed(
                        f"a FETCH reply without the received time or size of message {uid_}"
                    )
                try:
                    received = mailplan.parse_internaldate(found["date"].decode("ascii"))
                except (ValueError, UnicodeDecodeError):
                    raise self._malformed(
                        f"a received time (INTERNALDATE) that is not a date for message {uid_}",
                        found["date"],
                    ) from None
                out.append(
                    Envelope(uid_, received, int(found["size"]), found.get("header", b""))
                )
        return sorted(out, key=lambda e: (e.received, e.uid))

    def body(self, uid: int) -> bytes:
        """The message ``uid`` (BODY.PEEK: it stays unread), at most ``max_bytes`` + 1 of it
        whatever size the server gave (more than ``max_bytes``: too big)."""
        most = self.settings.max_bytes + 1
        with _errors(self.settings):
            self.conn.literal_max = most
            try:
                data = self._ok(
                    *self.conn.uid("FETCH", str(uid), f"(BODY.PEEK[]<0.{most}>)"), "read a message"
                )
            finally:
                self.conn.literal_max = HEADER_MAX
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

    def said(exc: BaseException) -> str:
        text = _shown(exc.args[0] if len(exc.args) == 1 else str(exc))  # imaplib's are bytes
        return text.replace(settings.password, "***") if settings.password else text

    try:
        yield
    except MailboxError:
        raise
    except TooSlow as exc:
        raise MailboxError(
            f"the IMAP server {where} {exc}",
            "[network] timeout (ECOMOPS_NETWORK_TIMEOUT) sets the time a reply may take",
        ) from None
    except NetworkLimit as exc:
        raise MailboxError(
            f"the IMAP server {where} {exc}",
            "no message larger than [imap] max_bytes (ECOMOPS_IMAP_MAX_BYTES) is read",
        ) from None
    except imaplib.IMAP4.abort as exc:
        if _BUSY.search(said(exc)):
            raise _refused_more(where, said(exc)) from None
        if "unexpected" in str(exc) or "unterminated" in str(exc):
            raise MailboxError(
                f"the IMAP server {where} sent a reply this tool cannot read: {said(exc)}"
            ) from None
        raise MailboxError(f"the IMAP server {where} closed the connection: {said(exc)}") from None
    except imaplib.IMAP4.error as exc:
        if _BUSY.search(said(exc)):
            raise _refused_more(where, said(exc)) from None
        raise MailboxError(f"the IMAP server {where} refused: {said(exc)}") from None
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
    except (ValueError, UnicodeError) as exc:  # imaplib decoding a reply that is not ASCII
        raise MailboxError(
            f"the IMAP server {where} sent a reply this tool cannot read: {said(exc)}"
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
def open_mailbox(settings: Imap, *, timeout: float | None = None) -> Iterator[Mailbox]:
    """Log into the mailbox ``settings`` name and open its folder read-only (EXAMINE: no
    message is marked read); logged out when the block ends, or closed at once when it ends
    in an error (or a stop). The password goes only over an encrypted connection, unless
    ``settings.insecure``. Each reply of the server arrives whole within ``timeout``
    (default ``settings.timeout``) or the connection is given up; nothing it sends is read
    past the limits (:class:`_Client`)."""
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
    # a reply: the largest message, or a FETCH of CHUNK headers, and room for the lines
    most = max(settings.max_bytes + 1, CHUNK * HEADER_MAX) + (1 << 20)
    exchange = Exchange(settings.timeout if timeout is None else timeout, most)
    with _errors(settings):
        conn: _Client
        if settings.tls:
            conn = _SSLClient(
                settings.host,
                settings.port,
                exchange=exchange,
                literal_max=HEADER_MAX,
                ssl_context=context,
            )
        else:
            conn = _Client(settings.host, settings.port, exchange=exchange, literal_max=HEADER_MAX)
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
            except imaplib.IMAP4.error as exc:
                if _BUSY.search(str(exc)) or isinstance(exc, imaplib.IMAP4.abort):
                    raise  # too many connections, or the connection lost: not the password
                raise MailboxError(
                    f"the IMAP server {where} refused the login for {settings.user} (check user "
                    "and password)",
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
    except BaseException:
        conn.close_now()
        raise
    try:
        conn.logout()  # within the timeout, as every reply
    except (imaplib.IMAP4.error, OSError, NetworkLimit):
        pass
    finally:
        conn.close_now()


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
    accept_personal: bool = False,
) -> Collection:
    """Record each new message in ``mailbox`` from a member's roster address as their
    Monday plan or month-end summary (the period its subject names, else the week or month it
    was received in), submitted at the server's received time and entered by ``actor``, who
    may act for others (the plans are the senders'). Each message is recorded once, by its
    Message-ID; a message that cannot be used is listed with the reason and recorded not at
    all. ``dry_run``: nothing is written. The caller's own messages are not taken: their
    received time is theirs to set. From the day company mail applies (§3.2 rule 3, ``staff
    company-mail``), a message from an address outside the company's domain is listed as "not
    company mail" and not recorded, unless ``accept_personal``."""
    require_department_job(
        session, actor, N_("collect the department's plans from the mailbox")
    )
    m = current(session).manual
    tz = zone(m.calendar.timezone)
    max_bytes = mailbox.settings.max_bytes
    members = _members_by_address(session)
    domain, mail_from = company_mail_setting(session)
    head = m.head()
    envelopes = mailbox.envelopes(since)
    heads = {e.uid: mailplan.read_headers(e.header) for e in envelopes}
    given = {uid: h[2] for uid, h in heads.items()}
    recorded_before = _recorded_ids(session, sorted({i for i in given.values() if i}))
    recorded: list[CollectedOut] = []
    skipped: list[SkippedMailOut] = []
    looks: list[LookMailOut] = []
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

            if len(e.header) >= HEADER_MAX:  # cut where it was read: who sent it is unsure
                skip(f"its header is more than {HEADER_MAX:,} bytes long: not read")
                continue
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
            if not accept_personal and not mail_allowed(
                sender, domain, mail_from, received.date()
            ):
                skip(
                    f"not company mail: {sender} is not at @{domain}, the only addresses used "
                    f"for work from {mail_from} (§3.2 rule 3); ask for it from the company "
                    "address, or take it with --accept-personal"
                )
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
            raw = mailbox.body(e.uid)
            if len(raw) > max_bytes:  # the server gave a smaller size than it has
                skip(
                    f"too big: more than {max_bytes} bytes ([imap] max_bytes), though the server "
                    f"gave its size as {e.size}"
                )
                continue
            letter = mailplan.read_message(raw)
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
                summary, plan, attached = mailplan.letter_plan(letter)
                filed = mailplan.filing(letter.subject, received.date())
                kind, period = filed.kind, filed.period
                if filed.look is not None:
                    looks.append(
                        LookMailOut(
                            uid=e.uid,
                            sender=sender,
                            person=person.name,
                            subject=subject,
                            received_at=received,
                            period=period,
                            received_week=week_id(received.date()),
                            reason=filed.look,
                        )
                    )
                    continue
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
                        attachment=(
                            (attached.name, attached.size, attached.sha256) if attached else None
                        ),
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
                    attachment=(
                        None
                        if attached is None
                        else AttachmentOut(
                            name=attached.name, size=attached.size, sha256=attached.sha256
                        )
                    ),
                    note=filed.note,
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
            needs_a_look=looks,
            already=already,
            moved_to=None,
            moved=0,
        ),
        uids,
    )
