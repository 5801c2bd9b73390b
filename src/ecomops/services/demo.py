"""``ecomops demo``: a fictional five-person department in its own database, November 2026.

Everything goes through the same service functions the commands use, with the demo's own
clock, so the demo is the same whenever it is run.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from ecomops.core.calendar import Month
from ecomops.core.scoring import Rating
from ecomops.db import schema
from ecomops.db.engine import resolve
from ecomops.db.session import Database, Session
from ecomops.errors import InvalidInput, Suggest
from ecomops.services import appraisal, office, plans, staff, tasks
from ecomops.services.database import init_database, remove_sqlite
from ecomops.services.identity import Actor, acting
from ecomops.services.report import build_report
from ecomops.views import ReportOut

TZ = ZoneInfo("Asia/Shanghai")
MONTH = "2026-11"
CLOCK = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)

PEOPLE: list[tuple[str, str, str, str | None]] = [
    # name, position, e-mail, manager
    ("赵海", "general_manager", "zhaohai@huhao.example", None),
    ("张伟", "manager", "zhangwei@huhao.example", "赵海"),
    ("刘洋", "planning_supervisor", "liuyang@huhao.example", "赵海"),
    ("王强", "supervisor", "wangqiang@huhao.example", "赵海"),
    ("李娜", "copywriter", "lina@huhao.example", "张伟"),
    ("陈静", "clerk", "chenjing@huhao.example", "张伟"),
]

# When each member sent each Monday plan (None: not sent). Due: 23:59:59 on the Monday.
MONDAYS: dict[str, dict[str, str | None]] = {
    "2026-W45": {
        "张伟": "11-02 09:10",
        "刘洋": "11-02 10:30",
        "王强": "11-02 17:45",
        "李娜": "11-02 09:05",
        "陈静": "11-03 09:20",
    },
    "2026-W46": {
        "张伟": "11-09 08:55",
        "刘洋": "11-09 11:00",
        "王强": "11-10 08:40",
        "李娜": "11-09 09:15",
        "陈静": "11-09 16:00",
    },
    "2026-W47": {
        "张伟": "11-16 09:00",
        "刘洋": "11-16 09:30",
        "王强": "11-16 14:20",
        "李娜": "11-16 09:10",
        "陈静": "11-16 10:05",
    },
    "2026-W48": {
        "张伟": "11-23 09:02",
        "刘洋": None,
        "王强": "11-23 18:30",
        "李娜": "11-23 23:59:59",
        "陈静": "11-23 10:40",
    },
    "2026-W49": {
        "张伟": "11-30 09:00",
        "刘洋": "11-30 09:40",
        "王强": "11-30 11:15",
        "李娜": "11-30 09:20",
        "陈静": "12-01 08:50",
    },
}
MONTH_END = {
    "张伟": "11-27 16:00",
    "刘洋": "11-27 17:30",
    "王强": "11-28 10:00",
    "李娜": "11-27 15:00",
    "陈静": "11-27 17:55",
}

SUMMARIES = {
    "张伟": ("完成电商平台策划案初稿,组织部门周会。", "修订平台实行筹划,安排元旦活动分工。"),
    "刘洋": ("完成网站功能结构梳理。", "输出电商平台 PC 端版本规划。"),
    "王强": ("微博运营周报,新品上架推广。", "搜索引擎合作洽谈,线下活动筹备。"),
    "李娜": ("完成双龙微信公众号文案 5 篇。", "撰写元旦活动宣传文案。"),
    "陈静": ("整理产品资料,校对产品信息。", "更新公司网站内容,协助活动筹备。"),
}

RATINGS = [
    # employee, rater, scores (the rubric's order)
    ("张伟", "赵海", [92, 90, 88, 91, 93]),
    ("刘洋", "赵海", [85, 82, 90, 80, 84]),
    ("王强", "赵海", [78, 80, 75, 72, 76]),
    ("李娜", "张伟", [90, 92, 88, 95, 94]),
    ("李娜", "赵海", [88, 90, 90, 92, 91]),
    ("陈静", "张伟", [70, 75, 68, 72, 74]),
    ("陈静", "赵海", [65, 70, 66, 60, 68]),
]


def _at(text: str) -> datetime:
    when = text if len(text) > 11 else text + ":00"
    return datetime.fromisoformat(f"2026-{when}").replace(tzinfo=TZ)


def default_demo_path() -> Path:
    """Where ``ecomops demo`` builds by default: demo.db in the data directory."""
    from platformdirs import user_data_path

    return user_data_path("ecomops", appauthor=False) / "demo.db"


def is_demo(file: Path) -> bool:
    """Whether ``file`` is a database ``ecomops demo`` made (read-only look, no change)."""
    import sqlite3

    from ecomops.db.engine import probe_uri
    from ecomops.services.database import sqlite_kind

    if not file.is_file() or sqlite_kind(file)[0] != "ecomops":
        return False
    try:
        conn = sqlite3.connect(probe_uri(file), uri=True)
        try:
            row = conn.execute(
                "SELECT value FROM database_option WHERE key = 'demo'"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == "1"


def claim(path: str | Path | None, url: str | None = None) -> Path | None:
    """Make room for a demo: a path that does not exist, or a database an earlier demo made
    (removed here); anything else is refused and left untouched. A database URL must name an
    empty database. Returns the file to build (None for a URL)."""
    if url:
        _require_empty(url)
        return None
    if path is not None and not str(path).strip():
        raise InvalidInput(
            "{param:db} is empty: no file name", "give the demo's file, or leave {param:db} out"
        )
    file = Path(path) if path else default_demo_path()
    if file.is_symlink() or (file.exists() and not is_demo(file)):
        raise InvalidInput(
            f"{file} exists and is not a demo database; the demo replaces only its own",
            "give a new path: {command}",
            suggest=Suggest("demo", options={"db": "demo.db"}),
        )
    file.parent.mkdir(parents=True, exist_ok=True)
    remove_sqlite(file)
    return file


def _require_empty(url: str) -> None:
    from sqlalchemy import inspect

    target = resolve(database_url=url)
    database = Database(target)
    try:
        with database.connect(write=False) as conn:
            tables = inspect(conn).get_table_names()
    finally:
        database.dispose()
    if tables:
        raise InvalidInput(
            f"database {target.display()} is not empty ({len(tables)} tables); "
            "the demo builds only into an empty database",
            "create one for it: createdb ecomops_demo",
        )


def build_demo(path: str | Path | None, *, lang: str) -> tuple[str, ReportOut]:
    """Build the demo department in ``path`` (replacing an earlier demo there, and nothing
    else: a file that is not a demo database is refused, untouched)."""
    file = claim(path)
    assert file is not None, "a demo department is built in a file"
    init_database(str(file), None, year=2026, now=_at("10-08 09:00"), simulated=True)
    database = Database(resolve(db=str(file)))
    try:
        with database.session(write=True) as s:
            opt = schema.database_option
            s.connection().execute(opt.insert().values(key="demo", value="1"))
            _fill(s, lang)
        with database.session(write=False) as s:
            gm = _as(s, "赵海")
            report = build_report(s, month=Month(2026, 11), now=CLOCK, lang=lang, viewer=gm)
    finally:
        database.dispose()
    return str(file), report


def _as(s: Session, name: str | None) -> Actor:
    return acting(s, name)


def _fill(s: Session, lang: str) -> None:
    joined = _at("10-08 09:00")
    for name, position, email, manager in PEOPLE:
        staff.staff_add(
            s,
            name=name,
            position=position,
            email=email,
            manager=manager,
            now=joined,
            lang=lang,
            actor=_as(s, None),
        )
    for week, sent in MONDAYS.items():
        for name, when in sent.items():
            if when is None:
                continue
            summary, plan = SUMMARIES[name]
            plans.store(
                s, who=name, kind="week", period=week, summary=summary, plan=plan, now=_at(when)
            )
    for week, sent in MONDAYS.items():  # the head's weekly summary of the department
        when = sent.get("张伟")
        if when is not None:
            plans.store(
                s,
                who="张伟",
                kind="dept",
                period=week,
                summary="部门:各岗位按计划推进,见各人周报。",
                plan="部门:跟进逾期任务,准备月末总结。",
                now=_at(when) + timedelta(minutes=5),
            )
    for name, when in MONTH_END.items():
        summary, plan = SUMMARIES[name]
        plans.store(
            s,
            who=name,
            kind="month",
            period=MONTH,
            summary="十一月:" + summary,
            plan="十二月:" + plan,
            now=_at(when),
        )
    # tasks: some done in November, one in progress, the rest overdue by 1 December
    by_ref = {t.ref: t.id for t in tasks.tasks_list(s, now=CLOCK, lang="en")}
    head = _as(s, "张伟")  # the department head hands out the work
    for ref, who, when in [
        ("goal:nov.6", "王强", "11-02 10:00"),
        ("phase:preparation.1", "刘洋", "11-02 10:05"),
    ]:
        tasks.task_assign(s, by_ref[ref], who, actor=head, now=_at(when), lang=lang)
    for ref, when, who in [
        ("goal:nov.6", "11-12 15:00", "王强"),
        ("goal:nov.5", "11-20 17:00", "张伟"),
        ("assigned:manager.4", "11-25 11:00", "张伟"),
        ("phase:preparation.1", "11-26 16:30", "刘洋"),
    ]:
        tasks.task_set_status(
            s, by_ref[ref], "done", actor=_as(s, who), now=_at(when), lang=lang, note="已完成"
        )
    tasks.task_set_status(
        s, by_ref["goal:nov.1"], "doing", actor=head, now=_at("11-18 09:00"), lang=lang
    )
    tasks.task_assign(
        s, by_ref["goal:nov.3"], "王强", actor=head, now=_at("11-10 10:00"), lang=lang
    )
    added = tasks.task_add(
        s,
        title="元旦活动海报文案",
        owner="李娜",
        due=date(2026, 11, 25),
        goal="nov.4",
        actor=head,
        now=_at("11-16 10:00"),
        lang=lang,
    )
    tasks.task_set_status(
        s, added.id, "done", actor=_as(s, "李娜"), now=_at("11-24 18:00"), lang=lang
    )
    tasks.task_add(
        s,
        title="整理双龙项目招商资料",
        owner="陈静",
        due=date(2026, 11, 27),
        goal=None,
        actor=head,
        now=_at("11-16 10:05"),
        lang=lang,
    )
    # the appraisal cycle of November, rated at month end, with one calibration
    appraisal.cycle_open(s, MONTH, actor=_as(s, "张伟"), year_end=False, now=_at("11-25 09:00"))
    for employee, rater, values in RATINGS:
        rubric, _ = appraisal.rubric_of(s, employee)
        ratings: dict[str, Rating] = {
            c.id: Decimal(v) for c, v in zip(rubric.criteria, values, strict=True)
        }
        appraisal.rate(
            s,
            cycle=MONTH,
            employee=employee,
            rater=_as(s, rater),
            ratings=ratings,
            note=None,
            now=_at("11-27 10:00"),
            lang=lang,
        )
    appraisal.calibrate(
        s,
        cycle=MONTH,
        employee="王强",
        grade="B",
        actor=_as(s, "赵海"),
        reason="双十一活动超额完成,上调一级",
        now=_at("11-28 15:00"),
    )
    office.leave_request(
        s,
        who="李娜",
        start=date(2026, 11, 18),
        end=date(2026, 11, 18),
        kind="leave",
        reason="体检",
        special=False,
        now=_at("11-12 09:00"),
        lang=lang,
    )
    office.handover_add(
        s,
        who="王强",
        cover="刘洋",
        start=_at("11-19 13:00"),
        end=_at("11-19 18:00"),
        place="双龙项目现场",
        matter="线下活动踩点",
        duties="微博日常运营",
        now=_at("11-19 12:00"),
    )
    office.visitor_add(
        s,
        name="周女士(供应商)",
        approved_by="张伟",
        escort="李娜",
        purpose="微信推广合作洽谈",
        at=_at("11-20 14:00"),
        now=_at("11-20 14:00"),
        lang=lang,
    )
    last = office.visitor_list(s, day=date(2026, 11, 20))[-1]
    office.visitor_leave(s, visit_id=last.id, at=_at("11-20 15:30"), now=_at("11-20 15:30"))
