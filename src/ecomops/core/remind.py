"""Which reminders are due at a moment, and what they say (pure).

``ecomops remind`` runs every 15 minutes; these rules decide, from what the department owes at
``now`` (plain values: no clock, no session), which reminders apply, each under a key that
names the item, the occasion, the recipient and the channel, so that the ledger sends each
one once:

- **plan** / **summary**: a member whose Monday plan (month-end summary) is not in, on the
  deadline's day from the configured hour until the deadline (``before``), and on the next
  working day after it (``after``);
- **missing**: the department head (by e-mail) and the group (the robot webhook), on the same
  two occasions, told who has not handed it in yet, in one message naming them all;
- **task**: each owner of an open task due by the next working day (``due_tomorrow``), or
  overdue (``overdue``); a new due date is a new item;
- **rate**: a rater who still owes ratings in the open cycle (``owed``), with whom to rate;
- **dept**: the department head whose weekly department summary (§3.2 rule 7) is not in, on
  the Monday plans' two occasions; **dept_missing**: the general manager, on the day after
  (``after``), told that the head's is missing;
- **exception**: whoever decides a leave exception waiting for approval (the head; for the
  head's own, the general manager), with its dates: once when it is seen (``pending``), and
  once more when its first day has come and it is still pending (``started``);
- **handover**: whoever acknowledges a handover form not acknowledged yet (``unacked``);
- **address**: from the day company mail applies (§3.2 rule 3), a person whose roster address
  is not company mail is not mailed; the head is told once whose address needs changing
  (``personal``).

Nothing goes out on a day off, nor before the configured hour. The messages are built per
recipient and channel (:func:`bundle`): one e-mail per person per run, whatever they owe, and
one group message.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ecomops.core.duties import LOOK_AHEAD, working_days_ahead

#: the hour (handbook time zone) from which reminders go out on a working day
DEFAULT_PLAN_HOUR = 10
EMAIL = "email"
WEBHOOK = "webhook"
#: the recipient of a group message (the robot webhook)
GROUP = "group"


@dataclass(frozen=True)
class Who:
    """A person reminded or named: roster id, name, e-mail address (None: none on the roster,
    or one that may not be used: then ``withheld`` holds it)."""

    id: int
    name: str
    email: str | None
    #: the roster's address when it may not be mailed (not company mail, §3.2 rule 3)
    withheld: str | None = None


@dataclass(frozen=True)
class LeaveItem:
    """A leave exception waiting for approval: its id, whose, kind (leave or swap), first and
    last day, reason, its protected days, and who may decide it."""

    id: int
    who: Who
    kind: str
    start: date
    end: date
    reason: str
    protected: tuple[date, ...]
    deciders: tuple[Who, ...]


@dataclass(frozen=True)
class HandoverItem:
    """A handover form not acknowledged yet: its id, who handed over to whom (the cover's
    name), when, the matter, and who may acknowledge it."""

    id: int
    who: Who
    cover: str
    start: datetime
    end: datetime
    matter: str
    ackers: tuple[Who, ...]


@dataclass(frozen=True)
class TaskItem:
    """An open task and the people it is theirs to do."""

    id: int
    title: str
    due: date
    days_overdue: int
    owners: tuple[Who, ...]


@dataclass(frozen=True)
class Deadline:
    """A plan (``kind`` plan) or summary (``summary``) deadline and who has not handed in."""

    kind: str
    period: str
    due: datetime
    missing: tuple[Who, ...]


@dataclass(frozen=True)
class Situation:
    """What the department owes at ``now`` (local time, the handbook's zone)."""

    now: datetime
    head: Who | None
    week: str
    week_due: datetime
    plans_missing: tuple[Who, ...]
    month: str
    month_due: datetime
    summaries_missing: tuple[Who, ...]
    overdue: tuple[TaskItem, ...] = ()
    due_soon: tuple[TaskItem, ...] = ()
    cycle_id: str | None = None
    #: (rater, the people they still have to rate), raters in roster order
    ratings_owed: tuple[tuple[Who, tuple[Who, ...]], ...] = ()
    #: the previous week's and month's deadlines, when today is the working day after them
    #: (a month-end summary due on Friday 29 January is reminded of on Monday 1 February)
    past: tuple[Deadline, ...] = ()
    #: from 1 December: next year, when its official holiday schedule is not loaded yet
    calendar_missing: int | None = None
    #: years whose schedule the calendar does not know: a deadline in one says so
    unknown_years: frozenset[int] = frozenset()
    #: the head's weekly department summary for ``week`` when it is not in (kind ``dept``,
    #: ``missing``: the head), and the general managers, told of it the day after
    dept: Deadline | None = None
    tops: tuple[Who, ...] = ()
    leave_pending: tuple[LeaveItem, ...] = ()
    handovers_unacked: tuple[HandoverItem, ...] = ()
    #: the company's mail domain, when only its addresses may be used (§3.2 rule 3)
    mail_domain: str | None = None


@dataclass(frozen=True)
class Reminder:
    """One reminder due: what (``kind``, ``item``), when in its life (``occasion``), to whom
    (``recipient``; None for the group) by which ``channel``, and its line of the message."""

    kind: str
    item: str
    occasion: str
    channel: str
    recipient: Who | None
    line: str
    #: the message's subject when it goes out alone
    title: str

    @property
    def key(self) -> str:
        return key(self.kind, self.item, self.occasion, self.recipient, self.channel)

    @property
    def to(self) -> str:
        """The recipient as the key names it: a roster id, or ``group``."""
        return GROUP if self.recipient is None else str(self.recipient.id)


@dataclass(frozen=True)
class Message:
    """What goes to one recipient through one channel in one run: the reminders it carries."""

    channel: str
    recipient: Who | None
    subject: str
    body: str
    reminders: tuple[Reminder, ...]


def key(kind: str, item: str, occasion: str, recipient: Who | None, channel: str) -> str:
    """The ledger's key, ``kind:item:occasion:recipient:channel``:
    ``plan:2026-W48:before:12:email``, ``missing:2026-W48:after:group:webhook``."""
    to = GROUP if recipient is None else str(recipient.id)
    return f"{kind}:{item}:{occasion}:{to}:{channel}"


# --- when ------------------------------------------------------------------------------------


def next_working_day(day: date, is_working: Callable[[date], bool]) -> date:
    """The first working day after ``day`` (core.duties looks as far ahead)."""
    found = working_days_ahead(day + timedelta(days=1), is_working, 1)
    return found[0] if found else day + timedelta(days=LOOK_AHEAD + 1)


def sending_hours(now: datetime, plan_hour: int, is_working: Callable[[date], bool]) -> bool:
    """Whether reminders may go out at ``now``: a working day, from ``plan_hour`` on."""
    return is_working(now.date()) and now.hour >= plan_hour


def occasion_of(
    deadline: datetime, now: datetime, plan_hour: int, is_working: Callable[[date], bool]
) -> str | None:
    """``before`` on the deadline's day from ``plan_hour`` until the deadline, ``after`` on the
    next working day after that day (from ``plan_hour``), else None."""
    if not sending_hours(now, plan_hour, is_working):
        return None
    day = deadline.date()
    if now.date() == day and now <= deadline:
        return "before"
    if now.date() == next_working_day(day, is_working):
        return "after"
    return None


# --- what ------------------------------------------------------------------------------------

#: message templates, in English: the catalog (``ecomops/locale``, context ``remind:<key>``)
#: is the only source of their Chinese
_T: dict[str, str] = {
    "plan.before": "Your Monday plan for {period} is not in yet: it is due today, {due}.",
    "plan.after": (
        "Your Monday plan for {period} was due {due} and is not in: please hand it in now."
    ),
    "summary.before": "Your month-end summary for {period} is not in yet: it is due today, {due}.",
    "summary.after": (
        "Your month-end summary for {period} was due {due} and is not in: please hand it in now."
    ),
    "missing.plan.before": "Monday plans for {period} are due today, {due}; not in yet: {names}.",
    "missing.plan.after": "Monday plans for {period} were due {due}; still not in: {names}.",
    "missing.summary.before": (
        "Month-end summaries for {period} are due today, {due}; not in yet: {names}."
    ),
    "missing.summary.after": (
        "Month-end summaries for {period} were due {due}; still not in: {names}."
    ),
    "task.due_tomorrow": "Task #{id} “{title}” is due {due}.",
    "task.overdue": "Task #{id} “{title}” was due {due}: {days} day(s) overdue.",
    "rate.owed": "Appraisal cycle {period} is open and you still have to rate: {names}.",
    "calendar.weekends": " (weekends only: the {year} schedule is not loaded)",
    "calendar.unloaded": (
        "Next year's official holiday schedule ({period}) is not loaded: until it is, deadlines "
        "in {period} count weekends only. Load the State Council's notice when it is published: "
        "ecomops calendar load NOTICE.txt"
    ),
    "title.plan": "Monday plan {period}",
    "title.summary": "Month-end summary {period}",
    "title.missing.plan": "Monday plans {period}: not in yet",
    "title.missing.summary": "Month-end summaries {period}: not in yet",
    "title.task": "Task #{id}",
    "title.calendar": "The {period} holiday schedule is not loaded",
    "title.rate": "Ratings owed {period}",
    "dept.before": (
        "Your weekly department summary for {period} is not in yet: it is due today, {due}."
    ),
    "dept.after": (
        "Your weekly department summary for {period} was due {due} and is not in: please hand it "
        "in now."
    ),
    "dept_missing.after": (
        "The weekly department summary for {period} by the department head {names} was due {due} "
        "and is not in."
    ),
    "exception.pending": (
        "{name} asks for {kind} from {start} to {end} ({days}; reason: {reason}): leave {id} "
        "waits for your decision: ecomops leave approve {id} (or decline {id})."
    ),
    "exception.started": (
        "{name}'s {kind} from {start} to {end} ({days}; reason: {reason}) has begun and leave "
        "{id} is still waiting for your decision: ecomops leave approve {id} (or decline {id})."
    ),
    "handover.unacked": (
        "{name} handed over to {cover} from {start} to {end} ({matter}): handover form {id} is "
        "not acknowledged yet: ecomops handover ack {id}."
    ),
    "address.personal": (
        "{name} was not reminded by e-mail: their address {address} is not company mail "
        "(@{domain}, §3.2 rule 3). Change it: ecomops staff edit {name} --email …"
    ),
    "kind.leave": "leave",
    "kind.swap": "a shift swap",
    "protected": "protected: {days}",
    "title.dept": "Department summary {period}",
    "title.dept_missing": "Department summary {period}: not in",
    "title.exception": "Leave {id} waits for your approval",
    "title.handover": "Handover form {id} to acknowledge",
    "title.address": "Not company mail: {name}",
    "title.many": "{n} reminders",
    "greeting": "{name},",
    "footer": "— sent by ecomops remind",
}
_LANGS = {"en": 0, "zh": 1, "zh-hans": 2}


def say(template: str, lang: str, **values: object) -> str:
    """The template ``template`` in ``lang`` (en, zh or zh-hans) with ``values`` filled in:
    the catalog's translation (``ecomops/locale``, context ``remind:<template>``, which a
    translator edits: the only source); a period as the language writes it (2026年第48周)."""
    english = _T[template]
    if lang == "en":
        return english.format(**values)
    from ecomops.i18n import period_text, pgettext_in

    if "-" in str(values.get("period", "")):  # (a bare year is written 2027年 by the text)
        values["period"] = period_text(str(values["period"]), lang)
    return pgettext_in(lang, f"remind:{template}", english).format(**values)


def names(people: Iterable[Who], lang: str) -> str:
    """Names listed: ``李娜, 王强`` in English, ``李娜、王强`` in Chinese."""
    return ("、" if lang != "en" else ", ").join(p.name for p in people)


def _day(day: date, lang: str = "en") -> str:
    """A day in a reminder: 2026-11-23, 2026年11月23日."""
    from ecomops.i18n import date_text

    return date_text(day, lang)


def _when(at: datetime, lang: str = "en") -> str:
    """A deadline or a time in a reminder: 2026-11-23 23:59, 2026年11月23日 23:59."""
    from ecomops.i18n import datetime_text

    return datetime_text(at, lang)


def _deadline_reminders(
    kind: str,
    period: str,
    deadline: datetime,
    missing: tuple[Who, ...],
    head: Who | None,
    occasion: str,
    channels: Collection[str],
    lang: str,
    unknown_years: Collection[int] = (),
) -> list[Reminder]:
    out: list[Reminder] = []
    if not missing:
        return out
    due = _when(deadline, lang)
    if deadline.year in unknown_years:
        due += say("calendar.weekends", lang, year=deadline.year)
    title = say(f"title.{kind}", lang, period=period)
    if EMAIL in channels:
        for who in missing:
            line = say(f"{kind}.{occasion}", lang, period=period, due=due)
            out.append(Reminder(kind, period, occasion, EMAIL, who, line, title))
    listed = say(
        f"missing.{kind}.{occasion}", lang, period=period, due=due, names=names(missing, lang)
    )
    missing_title = say(f"title.missing.{kind}", lang, period=period)
    if EMAIL in channels and head is not None:
        out.append(Reminder("missing", period, occasion, EMAIL, head, listed, missing_title))
    if WEBHOOK in channels:
        out.append(Reminder("missing", period, occasion, WEBHOOK, None, listed, missing_title))
    return out


def task_item(task: TaskItem) -> str:
    """A task's ledger item: its id and due date (a new due date is a new item)."""
    return f"{task.id}@{task.due.isoformat()}"


def reminders(
    s: Situation,
    *,
    plan_hour: int,
    is_working: Callable[[date], bool],
    channels: Collection[str],
    lang: str,
) -> list[Reminder]:
    """Every reminder that applies at ``s.now`` through ``channels`` (texts in ``lang``).
    Reminders to people go by e-mail; the group (the robot webhook) hears only who has not
    handed in a plan or a summary, never a person's tasks or ratings."""
    now = s.now
    if not sending_hours(now, plan_hour, is_working):
        return []
    out: list[Reminder] = []
    week = occasion_of(s.week_due, now, plan_hour, is_working)
    if week is not None:
        out += _deadline_reminders(
            "plan", s.week, s.week_due, s.plans_missing, s.head, week, channels, lang,
            s.unknown_years,
        )
    month = occasion_of(s.month_due, now, plan_hour, is_working)
    if month is not None:
        out += _deadline_reminders(
            "summary", s.month, s.month_due, s.summaries_missing, s.head, month, channels, lang,
            s.unknown_years,
        )
    current = {("plan", s.week), ("summary", s.month)}
    for d in s.past:
        late = occasion_of(d.due, now, plan_hour, is_working)
        if late is not None and (d.kind, d.period) not in current:
            out += _deadline_reminders(
                d.kind, d.period, d.due, d.missing, s.head, late, channels, lang, s.unknown_years
            )
    if EMAIL not in channels:
        return out
    if s.calendar_missing is not None and s.head is not None:
        year = str(s.calendar_missing)
        line = say("calendar.unloaded", lang, period=year)
        title = say("title.calendar", lang, period=year)
        out.append(Reminder("calendar", year, "unloaded", EMAIL, s.head, line, title))
    today = now.date()
    tomorrow = next_working_day(today, is_working)
    for t in s.due_soon:
        if today < t.due <= tomorrow:
            line = say("task.due_tomorrow", lang, id=t.id, title=t.title, due=_day(t.due, lang))
            title = say("title.task", lang, id=t.id)
            out += [
                Reminder("task", task_item(t), "due_tomorrow", EMAIL, who, line, title)
                for who in t.owners
            ]
    for t in s.overdue:
        line = say(
            "task.overdue", lang, id=t.id, title=t.title, due=_day(t.due, lang), days=t.days_overdue
        )
        title = say("title.task", lang, id=t.id)
        out += [
            Reminder("task", task_item(t), "overdue", EMAIL, who, line, title) for who in t.owners
        ]
    if s.cycle_id is not None:
        for rater, people in s.ratings_owed:
            if not people:
                continue
            line = say("rate.owed", lang, period=s.cycle_id, names=names(people, lang))
            title = say("title.rate", lang, period=s.cycle_id)
            out.append(Reminder("rate", s.cycle_id, "owed", EMAIL, rater, line, title))
    out += waiting_reminders(s, plan_hour=plan_hour, is_working=is_working, lang=lang)
    return out + address_reminders(out, s.head, s.mail_domain, lang)


def waiting_reminders(
    s: Situation, *, plan_hour: int, is_working: Callable[[date], bool], lang: str
) -> list[Reminder]:
    """The e-mail reminders of what waits on someone: the head's department summary (and, the
    day after, the general manager told it is missing), leave exceptions waiting for approval
    (to who decides them, with the dates), handover forms not acknowledged (to who
    acknowledges them)."""
    now = s.now
    out: list[Reminder] = []
    d = s.dept
    occasion = occasion_of(d.due, now, plan_hour, is_working) if d is not None else None
    if d is not None and occasion is not None and d.missing:
        due = _when(d.due, lang)
        if d.due.year in s.unknown_years:
            due += say("calendar.weekends", lang, year=d.due.year)
        title = say("title.dept", lang, period=d.period)
        line = say(f"dept.{occasion}", lang, period=d.period, due=due)
        out += [Reminder("dept", d.period, occasion, EMAIL, h, line, title) for h in d.missing]
        if occasion == "after":
            line = say(
                "dept_missing.after", lang, period=d.period, due=due, names=names(d.missing, lang)
            )
            title = say("title.dept_missing", lang, period=d.period)
            out += [
                Reminder("dept_missing", d.period, "after", EMAIL, top, line, title)
                for top in s.tops
                if all(top.id != h.id for h in d.missing)
            ]
    today = now.date()
    for lv in s.leave_pending:
        occasion = "started" if today >= lv.start else "pending"
        days = say("protected", lang, days=", ".join(str(x) for x in lv.protected))
        line = say(
            f"exception.{occasion}",
            lang,
            name=lv.who.name,
            kind=say(f"kind.{lv.kind}", lang) if f"kind.{lv.kind}" in _T else lv.kind,
            start=_day(lv.start, lang),
            end=_day(lv.end, lang),
            days=days,
            reason=lv.reason,
            id=lv.id,
        )
        title = say("title.exception", lang, id=lv.id)
        out += [
            Reminder("exception", str(lv.id), occasion, EMAIL, who, line, title)
            for who in lv.deciders
        ]
    for h in s.handovers_unacked:
        line = say(
            "handover.unacked",
            lang,
            name=h.who.name,
            cover=h.cover,
            start=_when(h.start, lang),
            end=_when(h.end, lang),
            matter=h.matter,
            id=h.id,
        )
        title = say("title.handover", lang, id=h.id)
        out += [
            Reminder("handover", str(h.id), "unacked", EMAIL, who, line, title) for who in h.ackers
        ]
    return out


def address_reminders(
    due: Iterable[Reminder], head: Who | None, domain: str | None, lang: str
) -> list[Reminder]:
    """For each person an e-mail reminder of ``due`` may not be mailed to (their address is
    not company mail: :attr:`Who.withheld`), one reminder to the ``head`` naming them and the
    address to change (once per person: the ledger keeps it)."""
    if head is None or not domain:
        return []
    out: list[Reminder] = []
    seen: set[int] = set()
    for r in due:
        who = r.recipient
        if r.channel != EMAIL or who is None or who.withheld is None or who.id in seen:
            continue
        seen.add(who.id)
        line = say("address.personal", lang, name=who.name, address=who.withheld, domain=domain)
        title = say("title.address", lang, name=who.name)
        out.append(Reminder("address", str(who.id), "personal", EMAIL, head, line, title))
    return out


def bundle(items: Iterable[Reminder], lang: str) -> list[Message]:
    """The messages that carry ``items``: one per recipient and channel, in the order the
    recipients first appear (the group's last)."""
    groups: dict[tuple[str, str], list[Reminder]] = {}
    for r in items:
        groups.setdefault((r.channel, r.to), []).append(r)
    out: list[Message] = []
    for (channel, _to), carried in sorted(
        groups.items(), key=lambda kv: (kv[0][1] == GROUP, kv[0][0] != EMAIL)
    ):
        first = carried[0]
        subject = first.title if len(carried) == 1 else say("title.many", lang, n=len(carried))
        lines = [f"- {r.line}" if len(carried) > 1 else r.line for r in carried]
        if first.recipient is None:  # the group: the lines alone, after a heading
            body = "\n".join([f"[ecomops] {subject}", *lines])
        else:
            greeting = say("greeting", lang, name=first.recipient.name)
            body = "\n".join([greeting, "", *lines, "", say("footer", lang)]) + "\n"
        out.append(Message(channel, first.recipient, f"[ecomops] {subject}", body, tuple(carried)))
    return out
