"""A group-sized organisation for scale tests and benchmarks (``ecomops demo --people N``).

Deterministic for a given seed; written with SQLAlchemy Core bulk inserts in batches, in one
transaction. The handbook names the positions but sets no department size, nor how many
people hold each post: departments of 20 (a manager, a planning supervisor, two supervisors,
twelve copywriters and four clerks) and one general manager per ten departments are this
generator's own choice. The general manager rates the supervisors, the managers, and (with the
manager) the copywriters and clerks, as the handbook's rubrics (and the tool's defaults) say.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from ecomops.core import calendar as cal
from ecomops.core.tasks import month_end
from ecomops.db import schema
from ecomops.db.engine import resolve
from ecomops.db.session import Database, Session
from ecomops.handbook.model import Manual
from ecomops.services.appraisal.state import progress as cycle_progress
from ecomops.services.database import init_database
from ecomops.services.handbook import current
from ecomops.services.workcal import china_calendar
from ecomops.text import key

TZ = ZoneInfo("Asia/Shanghai")
LAST_MONTH = (2026, 11)
BATCH = 10_000
DEPARTMENT = (
    ["manager", "planning_supervisor"] + ["supervisor"] * 2 + ["copywriter"] * 12 + ["clerk"] * 4
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉玲建国文斌宇浩凯鑫晨"
    "欣悦婷雪琳佳怡子涵梓轩思雨博"
)
assert len(set(SURNAMES)) == len(SURNAMES) and len(set(GIVEN)) == len(GIVEN), "no repeats"

Progress = Callable[[str, int], None]


def _names(rng: random.Random, n: int) -> list[str]:
    combos = len(SURNAMES) * len(GIVEN) * len(GIVEN)
    picks = rng.sample(range(combos), n)
    out = []
    for p in picks:
        s, rest = divmod(p, len(GIVEN) * len(GIVEN))
        a, b = divmod(rest, len(GIVEN))
        out.append(SURNAMES[s] + GIVEN[a] + GIVEN[b])
    return out


def _months(count: int) -> list[tuple[int, int]]:
    y, m = LAST_MONTH
    out = []
    for _ in range(count):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(out))


def _batched(conn: Connection, table, rows: Iterator[dict], progress: Progress) -> int:
    n = 0
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(insert(table), batch)
            n += len(batch)
            progress(table.name, len(batch))
            batch = []
    if batch:
        conn.execute(insert(table), batch)
        n += len(batch)
        progress(table.name, len(batch))
    return n


def generate(
    path: str | None,
    url: str | None,
    *,
    people: int,
    months: int,
    seed: int,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Build the organisation in a new SQLite file (or an empty PostgreSQL database)."""
    progress = progress or (lambda _t, _n: None)
    from ecomops.services.demo import claim

    rng = random.Random(seed)
    file = claim(path, url)  # a new path, an earlier demo's file, or an empty database
    # the department has been at work since its first generated month (whatever ECOMOPS_NOW
    # says): none of the handbook's tasks was overdue before it started
    first_y, first_m = _months(months)[0] if months > 0 else LAST_MONTH
    init_database(
        str(file) if file else None,
        url,
        year=LAST_MONTH[0],
        simulated=True,
        since=min(date(first_y, first_m, 1), date(LAST_MONTH[0], 1, 1)),
    )
    database = Database(resolve(str(file), None) if file else resolve(None, url))
    counts: dict[str, int] = {}
    try:
        with database.session(write=True) as s:
            m = current(s).manual
            conn = s.connection()
            conn.execute(schema.database_option.insert().values(key="demo", value="1"))
            counts.update(_fill(conn, m, rng, people, _months(months), progress))
            _store_closed_counts(s, m)
        with database.connect(write=True) as conn:  # planner statistics for the bulk-loaded data
            conn.exec_driver_sql("ANALYZE")
    finally:
        database.dispose()
    return counts


def _store_closed_counts(s: Session, m: Manual) -> None:
    """What ``cycle close`` stores: each closed cycle's members and complete appraisals."""
    cy = schema.cycle
    conn = s.connection()
    closed = conn.execute(select(cy.c.id).where(cy.c.status == "closed")).scalars().all()
    counted = cycle_progress(s, m, closed)
    if counted:
        conn.execute(
            update(cy)
            .where(cy.c.id == bindparam("cid"))
            .values(closed_members=bindparam("n"), closed_complete=bindparam("k")),
            [{"cid": c, "n": p.members, "k": p.complete} for c, p in counted.items()],
        )


def _fill(conn, m, rng, people: int, months, progress) -> dict[str, int]:
    st = schema.staff
    joined = datetime(2024, 1, 2, 9, tzinfo=TZ)
    departments = max(1, people // len(DEPARTMENT))
    gms = max(1, departments // 10)
    positions = ["general_manager"] * gms
    dept_of = [-1] * gms
    for d in range(departments):
        for pos in DEPARTMENT:
            if len(positions) >= people:
                break
            positions.append(pos)
            dept_of.append(d)
    while len(positions) < people:
        positions.append("copywriter")
        dept_of.append(departments - 1)
    names = _names(rng, len(positions))
    counts = {
        "staff": _batched(
            conn,
            st,
            (
                dict(
                    name=n,
                    name_key=key(n),
                    position_id=p,
                    email=f"u{i:06d}@group.example",
                    manager_id=None,
                    active=True,
                    created_at=joined,
                )
                for i, (n, p) in enumerate(zip(names, positions, strict=True))
            ),
            progress,
        )
    }
    ids = dict(conn.execute(select(st.c.name_key, st.c.id)).all())
    staff_ids = [ids[key(n)] for n in names]
    managers = {dept_of[i]: staff_ids[i] for i, p in enumerate(positions) if p == "manager"}
    gm_of = {d: staff_ids[(d // 10) % gms] for d in range(departments)}
    # reporting lines as the handbook draws them: to the department's manager, or to the
    # general manager over the department
    lines = []
    for i, p in enumerate(positions):
        above = m.position(p).reports_to
        boss = (
            managers.get(dept_of[i])
            if above == "manager"
            else gm_of.get(dept_of[i])
            if above == "general_manager"
            else None
        )
        if boss is not None and boss != staff_ids[i]:
            lines.append({"sid": staff_ids[i], "mid": boss})
    if lines:
        conn.execute(
            update(st).where(st.c.id == bindparam("sid")).values(manager_id=bindparam("mid")),
            lines,
        )

    # Monday plans and month-end summaries
    years = {y for y, _ in months} | {y + 1 for y, _ in months} | {y - 1 for y, _ in months}
    work, _ = china_calendar(years, m)
    members = [i for i, p in enumerate(positions) if p != "general_manager"]

    def plan_rows():
        for y, mo in months:
            first, last = date(y, mo, 1), month_end(y, mo)
            weeks = sorted({d.isocalendar()[:2] for d in cal.days(first, last)})
            periods = [
                (f"{wy}-W{ww:02d}", cal.monday_plan_day(wy, ww, work), "week")
                for wy, ww in weeks
                if first <= cal.monday_plan_day(wy, ww, work) <= last
            ]
            periods.append((f"{y:04d}-{mo:02d}", cal.month_end_day(y, mo, work), "month"))
            for period, day, kind in periods:
                due = cal.end_of(day, TZ)
                for i in members:
                    roll = rng.random()
                    if roll < 0.05:
                        continue  # missing
                    late = roll < 0.15
                    at = (
                        due + timedelta(hours=rng.randint(1, 30))
                        if late
                        else due - timedelta(hours=rng.randint(1, 14), minutes=rng.randint(0, 59))
                    )
                    yield dict(
                        staff_id=staff_ids[i],
                        kind=kind,
                        period=period,
                        version=1,
                        is_current=True,
                        summary="上周完成事项。",
                        plan="本周计划事项。",
                        submitted_at=at,
                        due_at=due,
                    )

    counts["plan"] = _batched(conn, schema.plan, plan_rows(), progress)

    # monthly appraisal cycles: members, sheets and scores
    rubrics = {r.id: [c.id for c in r.criteria] for r in m.appraisal.rubrics}
    rubric_of = {p.id: p.rubric for p in m.positions}
    raters_of = {p.id: m.raters_of(p) for p in m.positions}
    cy = schema.cycle
    opened = []
    for n, (y, mo) in enumerate(months):
        cid = f"{y:04d}-{mo:02d}"
        last = n == len(months) - 1
        conn.execute(
            insert(cy).values(
                id=cid,
                kind_id="monthly",
                status="open" if last else "closed",
                opened_at=datetime(y, mo, 20, 9, tzinfo=TZ),
                closed_at=None if last else cal.end_of(month_end(y, mo), TZ),
            )
        )
        opened.append(cid)
    appraised = [i for i, p in enumerate(positions) if rubric_of.get(p)]
    counts["cycle_member"] = _batched(
        conn,
        schema.cycle_member,
        (
            dict(cycle_id=cid, staff_id=staff_ids[i], position_id=positions[i])
            for cid in opened
            for i in appraised
        ),
        progress,
    )
    sheet_plan = []
    for cid in opened:
        y, mo = int(cid[:4]), int(cid[5:])
        at = datetime(y, mo, 25, 10, tzinfo=TZ)
        for i in appraised:
            for rater_pos in raters_of[positions[i]]:
                rater = (
                    managers.get(dept_of[i])
                    if rater_pos == "manager"
                    else gm_of.get(dept_of[i], staff_ids[0])
                )
                if rater is None or rater == staff_ids[i]:
                    continue
                sheet_plan.append(
                    (cid, staff_ids[i], rater, rater_pos, at, rubric_of[positions[i]])
                )
    sh = schema.sheet
    sheet_ids: list[int] = []
    for start in range(0, len(sheet_plan), BATCH):
        chunk = sheet_plan[start : start + BATCH]
        sheet_ids += (
            conn.execute(
                insert(sh).returning(sh.c.id, sort_by_parameter_order=True),
                [
                    dict(
                        cycle_id=c,
                        employee_id=e,
                        rater_id=r,
                        rater_position_id=rp,
                        version=1,
                        is_current=True,
                        note=None,
                        created_at=at,
                    )
                    for c, e, r, rp, at, _rub in chunk
                ],
            )
            .scalars()
            .all()
        )
        progress("sheet", len(chunk))
    counts["sheet"] = len(sheet_ids)

    def score_rows():
        for sid, (_c, employee, _r, _rp, _at, rub) in zip(sheet_ids, sheet_plan, strict=True):
            base = 62 + (employee * 7919) % 33
            for crit in rubrics[rub]:
                yield dict(
                    sheet_id=sid,
                    criterion_id=crit,
                    rubric_id=rub,
                    score=Decimal(min(100, max(0, base + rng.randint(-6, 6)))),
                    level=None,
                )

    counts["sheet_score"] = _batched(conn, schema.sheet_score, score_rows(), progress)

    # tasks by hand: a few per department per month, some done, some overdue
    def task_rows():
        for y, mo in months:
            for d in range(departments):
                owner = managers.get(d)
                if owner is None:
                    continue
                for k in range(3):
                    due = date(y, mo, 10 + 6 * k)
                    done = rng.random() < 0.7
                    yield dict(
                        ref=None,
                        source="manual",
                        title_zh=f"部门{d}任务{y}{mo:02d}-{k}",
                        title_en=f"Department {d} task {y}-{mo:02d}/{k}",
                        goal_id=None,
                        owner_position_id="manager",
                        owner_id=owner,
                        due=due,
                        target=None,
                        status="done" if done else "open",
                        done_at=cal.end_of(due, TZ) - timedelta(days=1) if done else None,
                        note=None,
                        owner_by_hand=True,
                        due_by_hand=True,
                        created_at=datetime(y, mo, 1, 9, tzinfo=TZ),
                    )

    counts["task"] = _batched(conn, schema.task, task_rows(), progress)

    def leave_rows():
        for y, mo in months:
            for i in members:
                if rng.random() < 0.1:
                    day = date(y, mo, rng.randint(2, 26))
                    if day.weekday() in (0, 4) or not work.is_working(day):
                        continue
                    yield dict(
                        staff_id=staff_ids[i],
                        kind="leave",
                        start=day,
                        end=day,
                        reason="事假",
                        special=False,
                        created_at=datetime(y, mo, 1, 9, tzinfo=TZ),
                    )

    counts["leave"] = _batched(conn, schema.leave, leave_rows(), progress)
    return counts
