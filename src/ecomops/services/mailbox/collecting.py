"""Recording the mailbox's messages as plans (``plan collect``): each new message from a member's
roster address becomes their Monday plan or month-end summary, submitted at the server's
received time; a message the tool cannot use is listed with the reason and left as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ecomops.clock import zone
from ecomops.core import mailplan
from ecomops.core.calendar import week_id
from ecomops.core.roster import mail_allowed
from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import EcomopsError
from ecomops.i18n import N_
from ecomops.services.handbook import current
from ecomops.services.identity import Actor
from ecomops.services.mailbox.imap import CHUNK, HEADER_MAX, Envelope, Mailbox
from ecomops.services.people import Person, person_of
from ecomops.services.permissions import require_department_job
from ecomops.services.plans import store
from ecomops.services.staff import company_mail_setting
from ecomops.views import AttachmentOut, CollectedOut, CollectOut, LookMailOut, SkippedMailOut

PL = schema.plan
ST = schema.staff


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


class _Bodies:
    """The messages' bodies, fetched a batch at a time as they are first asked for (one FETCH
    of the next ones in ``order``, as many as :data:`CHUNK` and their sizes together within
    ``budget`` bytes) instead of one round trip a message; a message not in ``order``, or one
    the batch's answer lacks, is fetched alone (:meth:`Mailbox.body`)."""

    def __init__(self, mailbox: Mailbox, order: list[Envelope], budget: int) -> None:
        self.mailbox = mailbox
        self.order = order
        self.at = {e.uid: i for i, e in enumerate(order)}
        self.budget = budget
        self.got: dict[int, bytes] = {}

    def get(self, uid: int) -> bytes:
        if uid in self.got:
            return self.got.pop(uid)
        i = self.at.get(uid)
        if i is None:
            return self.mailbox.body(uid)
        batch: list[int] = []
        total = 0
        for e in self.order[i:]:
            if batch and (len(batch) >= CHUNK or total + e.size > self.budget):
                break
            batch.append(e.uid)
            total += e.size
        self.got = self.mailbox.bodies(batch) if len(batch) > 1 else {}
        return self.got.pop(uid) if uid in self.got else self.mailbox.body(uid)


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
    # the bodies likely to be read (a member's message of a size read at all), fetched in
    # batches: a round trip a message was most of the time of 1,000 mails (issue 26)
    bodies = _Bodies(
        mailbox,
        [
            e
            for e in envelopes
            if len(e.header) < HEADER_MAX
            and e.size <= max_bytes
            and heads[e.uid][0] in members
            and not (given[e.uid] is not None and given[e.uid] in recorded_before)
        ],
        max(max_bytes // 2, 1),
    )
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

            def on_record(owner: int | None, e=e, person=person) -> bool:
                """Whether the message's Message-ID is recorded already, for the plan of
                ``owner``: the sender's (counted, and moved with the others) or another
                member's (skipped)."""
                nonlocal already
                if owner is None:
                    return False
                if person is not None and owner == person.id:
                    already += 1
                    uids.append(e.uid)
                else:
                    skip(_TAKEN)
                return True

            if known is not None and on_record(recorded_before.get(known, seen.get(known))):
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
            raw = bodies.get(e.uid)
            if len(raw) > max_bytes:  # the server gave a smaller size than it has
                skip(
                    f"too big: more than {max_bytes} bytes ([imap] max_bytes), though the server "
                    f"gave its size as {e.size}"
                )
                continue
            letter = mailplan.read_message(raw)
            mid = letter.message_id
            if known is None and on_record(
                seen[mid] if mid in seen else _recorded_ids(session, [mid]).get(mid)
            ):
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
