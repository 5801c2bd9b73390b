"""Chinese all through (issue 14, item 4): with ``--lang zh-hans`` (or ``zh``) every table
header, label, position name, status word and error list of every command that prints data is
in that script; English ids stay in ``--json`` only.

The commands are taken from the Typer app: a command that is neither run here nor set aside
(with the reason) fails the test, so a new command is covered from the day it is added.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecomops.cli import LAZY, load
from ecomops.render.labels import EN
from ecomops.text import to_simplified
from tests.conftest import PG_ADMIN_URL, SEED, _pg_database, run

NOW = "2026-12-01T09:00"


def _paths() -> set[str]:
    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs:
            if getattr(cmd, "invoke_without_command", False):  # `calendar` shows; `load`s
                yield " ".join(path)
            for name, sub in subs.items():
                yield from walk(sub, (*path, name))
        else:
            yield " ".join(path)

    return {p for name in LAZY for p in walk(load(name), (name,))}


# every command that prints data to stdout, each with the runs on the demo (without --lang)
RUNS: dict[str, list[list[str]]] = {
    "rules": [["rules"]],
    "manual show": [["manual", "show"], ["manual", "show", "6"]],
    "roles list": [["roles", "list"]],
    "roles permissions": [["roles", "permissions"]],
    "roles show": [["roles", "show", "copywriter"], ["roles", "show", "general_manager"]],
    "rubric show": [["rubric", "show", "copywriter"], ["rubric", "show", "manager"]],
    "goals list": [["goals", "list"]],
    "staff list": [["staff", "list"], ["staff", "list", "--all"]],
    "staff show": [["staff", "show", "陈静"], ["staff", "show", "李娜"]],
    "cycle list": [["cycle", "list"]],
    "appraisals list": [
        ["appraisals", "list", "-c", "2026-11", "--as", "赵海"],
        ["appraisals", "list", "-c", "2026-11", "--as", "张伟"],  # (confidential) rows
    ],
    "appraisals show": [
        ["appraisals", "show", "王强", "-c", "2026-11", "--as", "赵海"],
        ["appraisals", "show", "李娜", "-c", "2026-11", "--as", "张伟"],
    ],
    "appraisals history": [["appraisals", "history", "王强", "--as", "赵海"]],
    "quota check": [
        ["quota", "check", "-c", "2026-11", "--as", "赵海", "--explain"],
        ["quota", "check", "-c", "2026-11", "--as", "张伟", "--by", "position", "--explain"],
        ["quota", "check", "-c", "2026-11", "--as", "赵海", "--strict", "--explain"],
    ],
    "plan status": [["plan", "status"], ["plan", "status", "--month", "2026-11"]],
    "plan show": [
        ["plan", "show", "李娜", "--week", "2026-W48", "--as", "张伟"],
        ["plan", "show", "张伟", "--month", "2026-11", "--as", "张伟"],
    ],
    "calendar": [
        ["calendar", "--month", "2026-11"],
        ["calendar", "--month", "2026-02"],
        ["calendar", "--year", "2026"],
    ],
    "leave list": [["leave", "list", "--as", "张伟"]],
    "handover list": [["handover", "list"]],
    "visitor list": [["visitor", "list"]],
    "tasks list": [["tasks", "list"], ["tasks", "list", "--overdue"]],
    "tasks show": [["tasks", "show", "1"], ["tasks", "show", "16"], ["tasks", "show", "48"]],
    "phases": [["phases"]],
    "audit": [["audit", "--as", "赵海"]],
}

# commands this test leaves to others, or whose stdout carries no words (checked below)
SET_ASIDE: dict[str, str] = {
    "report": "the month-end report has its own labels (render/labels.py, helper H3)",
    "today": "the dashboard (helper H1)",
    "calendar load": "reads a file: tests/cli/test_calendar_load.py runs it in each language",
    "demo": "prints the report",
    "init": "messages only (stderr)",
    "manual check": "about the YAML file: its messages name the file's keys and ids",
    "db status": "database tables and settings: the database's own names",
    "db backup": "messages only",
    "db restore": "messages only",
    "db copy": "messages only",
    "config show": "the settings' own names (section.key, environment variables, files), as "
    "config.toml and the environment spell them, like db status",
    "config check": "the servers' names and their one-line answers or errors, which are "
    "English as every error line is",
    "db grant": "the member's connection service and password line: libpq's own syntax",
    "schedule": "a crontab block or systemd units: cron's and systemd's own syntax",
}
# the writes: their one line is a message on stderr, stdout stays empty (a sample is checked
# below); staff import prints the records it wrote (checked below too)
WRITES = {
    "staff add",
    "staff edit",
    "staff link",
    "staff import",
    "staff deactivate",
    "staff reactivate",
    "staff company-mail",
    "cycle open",
    "cycle close",
    "cycle reopen",
    "appraise",
    "calibrate",
    "plan submit",
    "plan send",
    "plan collect",
    "leave request",
    "leave approve",
    "leave decline",
    "handover add",
    "handover ack",
    "visitor add",
    "visitor leave",
    "tasks add",
    "tasks start",
    "tasks done",
    "tasks reopen",
    "tasks cancel",
    "tasks assign",
    "tasks due",
}
# helper H2's reminders print what they send: set aside with the report and the dashboard
SET_ASIDE["remind"] = "the reminders (helper H2)"


def _position_ids() -> list[str]:
    import yaml

    manual = yaml.safe_load(Path(SEED).read_text(encoding="utf-8"))
    return [p["id"] for p in manual["positions"]]


POSITION_IDS = _position_ids()
# every English label and word of the label table (the report's and the other commands')
ENGLISH = sorted(
    {v for v in EN.values() if "{" not in v and re.search("[A-Za-z]", v)}, key=len, reverse=True
)
_WORD = "(?<![A-Za-z_'-]){}(?![A-Za-z_'-])"
ENGLISH_RE = re.compile("|".join(_WORD.format(re.escape(v)) for v in ENGLISH))
ID_RE = re.compile("|".join(_WORD.format(re.escape(i)) for i in POSITION_IDS))
# what is English by nature: e-mail addresses, a command line to type (ecomops manual check),
# the audit trail's command and the options as typed (key=value)
_TYPED = re.compile(
    r"[\w.+-]+@[\w.-]+|ecomops(?: [a-z-]+)+|(?<![\w-])[a-z_]+=\S*|--[a-z-]+|quota\.strict"
)


def _commands_typed(text: str) -> str:
    for path in sorted(_paths(), key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(path)}(?![A-Za-z])", " ", text)
    return text


def _scrubbed(out: str, audit: bool) -> str:
    out = _TYPED.sub(" ", out)
    return _commands_typed(out) if audit else out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo department, with a changed record (a history and an audit entry to show)."""
    work = tmp_path_factory.mktemp("zh")
    r = run("demo", "--db", str(work / "demo.db"))
    assert r.exit_code == 0, r.stderr
    gen = None
    target = ("ECOMOPS_DB", str(work / "demo.db"))
    if PG_ADMIN_URL:  # the same department, copied to PostgreSQL
        gen = _pg_database()
        target = ("ECOMOPS_DATABASE_URL", next(gen))
        r = run("db", "copy", "--db", str(work / "demo.db"), "--to", target[1])
        assert r.exit_code == 0, r.stderr
    yield target
    if gen is not None:
        for _ in gen:
            pass


@pytest.fixture
def on_demo(demo, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(*demo)
    monkeypatch.setenv("ECOMOPS_NOW", NOW)
    return demo


@pytest.fixture(scope="module")
def changed(demo):
    """陈静 moved to copywriter on 12-01 (her history names positions), once per module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(*demo)
        mp.setenv("ECOMOPS_NOW", NOW)
        r = run(
            "staff",
            "edit",
            "陈静",
            "--position",
            "文案",
            "--manager",
            "张伟",
            "--effective",
            "2026-12-01",
            "--as",
            "赵海",
        )
        assert r.exit_code == 0, r.stderr
    return demo


def test_every_command_is_run_or_set_aside():
    paths = _paths()
    missing = paths - set(RUNS) - set(SET_ASIDE) - WRITES
    assert not missing, f"commands neither run in Chinese here nor set aside: {sorted(missing)}"
    gone = (set(RUNS) | set(SET_ASIDE)) - paths
    assert not gone, f"commands listed here that no longer exist: {sorted(gone)}"


def test_the_checks_can_fail():
    """The checks catch what they are for (an English header, an id, a traditional form)."""
    assert ENGLISH_RE.search("┃ reports to ┃") and ENGLISH_RE.search("状态 open")
    assert not ENGLISH_RE.search(_scrubbed("汇报对象 zhangwei@huhao.example", audit=False))
    assert ID_RE.search("│ manager │") and ID_RE.search("general_manager")
    assert not ID_RE.search("电商部经理")
    assert to_simplified("電商部經理") != "電商部經理"


CASES = [(path, args) for path, runs in RUNS.items() for args in runs]


@pytest.mark.parametrize(("path", "args"), CASES, ids=[" ".join(a) for _, a in CASES])
def test_zh_hans_has_no_english_no_ids_no_traditional(changed, on_demo, path, args):
    r = run(*args, "--lang", "zh-hans")
    assert r.exit_code in (0, 1), r.stderr  # quota check exits 1 on a violation
    _assert_simplified_chinese(path, r.stdout, r.stderr)


def _assert_simplified_chinese(path: str, out: str, err: str = "") -> None:
    assert out.strip(), f"{path}: nothing on stdout ({err})"
    text = _scrubbed(out, audit=path == "audit")
    english = sorted(set(ENGLISH_RE.findall(text)))
    assert not english, f"{path}: English words {english} in:\n{out}"
    ids = sorted(set(ID_RE.findall(text)))
    assert not ids, f"{path}: position ids {ids} in:\n{out}"
    traditional = sorted({a for a, b in zip(out, to_simplified(out), strict=True) if a != b})
    assert not traditional, f"{path}: traditional characters {traditional} in:\n{out}"


SAMPLE = [
    "roles list",
    "roles show",
    "staff show",
    "tasks list",
    "tasks show",
    "plan status",
    "calendar",
    "appraisals show",
    "quota check",
    "leave list",
    "cycle list",
    "phases",
]


@pytest.mark.parametrize("path", SAMPLE)
def test_zh_is_the_manuals_characters(changed, on_demo, path):
    args = RUNS[path][0]
    r = run(*args, "--lang", "zh")
    assert r.exit_code in (0, 1), r.stderr
    text = _scrubbed(r.stdout, audit=False)
    assert not ENGLISH_RE.findall(text), r.stdout
    assert not ID_RE.findall(text), r.stdout
    assert to_simplified(r.stdout) != r.stdout, f"{path}: no traditional character:\n{r.stdout}"
    assert "考覈" not in r.stdout and "週" not in r.stdout  # the manual writes 考核 and 周一


def test_headers_and_words_are_translated(changed, on_demo):
    roles = run("roles", "list", "--lang", "zh-hans").stdout
    assert "汇报对象" in roles and "评分人" in roles
    # the copywriter reports to the manager, rated by the manager and the general manager
    assert re.search(r"文案\s+│?\s*电商部经理\s+│?\s*电商部经理, 总经理", roles), roles
    card = run("roles", "show", "copywriter", "--lang", "zh-hans").stdout
    assert "汇报对象: 电商部经理" in card and "考核方案: 电商部文案绩效考核方案" in card
    tasks = run("tasks", "list", "--overdue", "--lang", "zh-hans").stdout
    assert "逾期任务" in tasks and "负责人" in tasks and "4天" in tasks and "待办" in tasks
    history = run("staff", "show", "陈静", "--lang", "zh-hans").stdout
    assert re.search(r"岗位\s+│?\s*文员\s+│?\s*文案", history), history
    feb = run("calendar", "--month", "2026-02", "--lang", "zh-hans").stdout
    assert "春节" in feb and "调休上班(春节)" in feb and "周一" in feb and "月末总结 2026年2月" in feb
    status = run("plan", "status", "--week", "2026-W48", "--lang", "zh-hans").stdout
    assert "周一工作计划 2026年第48周" in status and "电商部经理" in status
    quota = run(
        "quota", "check", "-c", "2026-11", "--as", "赵海", "--explain", "--lang", "zh-hans"
    ).stdout
    assert "部门: 5 份已完成, 0 份待评 — 符合" in quota
    assert "A+B最多⌈75%·N⌉人" in re.sub(r"\s", "", quota)  # (the rule wraps)
    zh = run("roles", "list", "--lang", "zh").stdout
    assert "彙報對象" in zh and "電商部經理" in zh
    card = run("roles", "show", "copywriter", "--lang", "zh").stdout
    assert "考核方案: 電商部文案績效考核方案" in card  # the manual's 考核, not OpenCC's 考覈


def test_english_is_as_it_was(changed, on_demo):
    roles = run("roles", "list", "--lang", "en").stdout
    assert "reports to" in roles and "general_manager" in roles and "copywriter" in roles
    tasks = run("tasks", "list", "--overdue", "--lang", "en").stdout
    assert "Overdue tasks" in tasks and "4d" in tasks and "open" in tasks
    quota = run("quota", "check", "-c", "2026-11", "--as", "赵海", "--lang", "en").stdout
    assert "department: 5 complete, 0 pending — ok" in quota


def test_json_keeps_the_ids(changed, on_demo):
    zh = run("roles", "list", "--lang", "zh-hans", "--json").json()
    copywriter = next(p for p in zh if p["id"] == "copywriter")
    assert copywriter["reports_to"] == "manager"
    assert copywriter["raters"] == ["manager", "general_manager"]
    rows = run(
        "appraisals", "list", "-c", "2026-11", "--as", "赵海", "--lang", "zh-hans", "--json"
    ).json()
    assert {a["position"] for a in rows} <= set(POSITION_IDS)


def test_overdue_phase_items_name_their_phase(on_demo, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2027-03-01T09:00")  # the preparation phase is over
    r = run("phases", "--lang", "zh-hans")
    assert r.exit_code == 0, r.stderr
    assert "逾期事项" in r.stdout and "8.1.1 筹办阶段" in r.stdout
    _assert_simplified_chinese("phases", r.stdout)
    en = run("phases", "--lang", "en").stdout
    assert "preparation.2" in en  # English names the item by its id, as before


def test_staff_import_shows_what_it_wrote_in_chinese(on_demo, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,position,email,manager\n孙悦,文案,sy@huhao.example,张伟\n", encoding="utf-8"
    )
    r = run("staff", "import", str(roster), "--update", "--as", "赵海", "--lang", "zh-hans")
    assert r.exit_code == 0, r.stderr
    assert "导入自" in r.stdout and "孙悦" in r.stdout
    _assert_simplified_chinese("staff import", r.stdout.replace(str(roster), ""))


def test_writes_print_nothing_on_stdout(on_demo):
    r = run("tasks", "start", "48", "--as", "张伟", "--lang", "zh-hans")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "" and "任务 48 已开始" in r.stderr
    r = run("tasks", "reopen", "48", "--as", "张伟", "--lang", "zh-hans")
    assert r.exit_code == 0 and r.stdout == ""


def test_an_error_lists_positions_in_the_script_asked_for(on_demo):
    hans = run("roles", "show", "文書", "--lang", "zh-hans")
    assert hans.exit_code == 1
    assert "copywriter (文案)" in hans.stderr and "clerk (文员)" in hans.stderr
    assert "manager (电商部经理)" in hans.stderr
    hint = hans.stderr.split("已有的岗位：")[1]  # (what was typed is shown as typed)
    assert to_simplified(hint) == hint, hans.stderr
    hant = run("roles", "show", "文书", "--lang", "zh")
    assert "clerk (文員)" in hant.stderr and "manager (電商部經理)" in hant.stderr
    add = run("staff", "add", "孙悦", "--position", "xx", "--as", "赵海", "--lang", "zh-hans")
    assert add.exit_code == 1 and "clerk (文员)" in add.stderr
    assert to_simplified(add.stderr) == add.stderr, add.stderr
    both = run("staff", "add", "孙悦", "--position", "經", "--as", "赵海", "--lang", "zh-hans")
    assert both.exit_code == 1
    assert "general_manager (总经理)" in both.stderr and "manager (经理)" in both.stderr


def test_an_error_lists_criteria_in_the_script_asked_for(on_demo):
    r = run(
        "appraise", "李娜", "-c", "2026-11", "--as", "张伟", "-s", "分析=80", "--lang", "zh-hans"
    )
    assert r.exit_code == 1 and "execution (执行能力)" in r.stderr
    hint = r.stderr.split("已有：")[1]
    assert to_simplified(hint) == hint, r.stderr
    r = run("appraise", "李娜", "-c", "2026-11", "--as", "张伟", "-s", "分析=80", "--lang", "zh")
    assert r.exit_code == 1 and "execution (執行能力)" in r.stderr
