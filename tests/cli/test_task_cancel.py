"""A task can be dropped (issue 20, item 5): ``tasks cancel ID --reason WHY`` by whoever may
assign it, kept with its history, never overdue, due soon nor reminded, shown as cancelled;
``tasks reopen`` brings it back. Handbook tasks already overdue on the department's start day
(``init --since``) are created cancelled. Every test pins ECOMOPS_NOW."""

from __future__ import annotations

import json

import pytest

REASON = "双龙项目暂停"
BEFORE_START = "due before the department started"


@pytest.fixture
def team(db, cli, monkeypatch):
    """The head 张伟 (may assign tasks) and 李娜 (may not), on 2 December 2026: the November
    goals are overdue."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-16T09:00")
    for args in (["张伟", "-p", "manager"], ["李娜", "-p", "copywriter", "--manager", "张伟"]):
        assert cli("staff", "add", *args).exit_code == 0
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-02T10:00")
    return db


def refs(cli, *args: str) -> dict[str, dict]:
    return {t["ref"]: t for t in cli("tasks", "list", *args, "--json").json()}


def test_the_head_cancels_a_task_with_its_reason(team, cli):
    nov1 = refs(cli)["goal:nov.1"]
    assert nov1["overdue"] and nov1["days_overdue"] == 2
    r = cli("tasks", "cancel", str(nov1["id"]), "--reason", f"  {REASON} ", "--as", "张伟",
            "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["status"], out["cancel_reason"], out["overdue"], out["days_overdue"]) == (
        "cancelled", REASON, False, 0)
    assert [(h["actor"], h["action"], h["detail"]) for h in out["history"]] == [
        ("handbook", "created", "goal:nov.1"), ("张伟", "cancelled", REASON)]
    # kept: listed (as done ones are), with its status; gone from every "still owed" view
    listed = refs(cli)["goal:nov.1"]
    assert (listed["status"], listed["overdue"]) == ("cancelled", False)
    assert "goal:nov.1" not in refs(cli, "--overdue")
    assert "goal:nov.1" not in refs(cli, "--due-within", "3650")
    assert list(refs(cli, "--status", "cancelled")) == ["goal:nov.1"]
    assert "goal:nov.1" not in refs(cli, "--status", "open")
    table = cli("tasks", "list", "--status", "cancelled").stdout
    assert "cancelled" in table and "2d" not in table
    shown = cli("tasks", "show", str(nov1["id"])).stdout
    assert "cancelled; owner 张伟; due 2026-11-30\n" in shown
    assert f"cancelled: {REASON}" in shown and f"张伟: cancelled — {REASON}" in shown
    zh = cli("tasks", "show", str(nov1["id"]), "--lang", "zh-hans").stdout
    assert "已取消; 负责人 张伟; 截止 2026-11-30\n" in zh
    assert f"取消原因: {REASON}" in zh and f"张伟: 取消 — {REASON}" in zh
    # a goal's progress counts the tasks still in it
    goals = {g["id"]: g for g in cli("goals", "list", "--json").json()}
    assert goals["nov.1"]["progress"]["total"] == 2


def test_the_dashboard_no_longer_counts_it(team, cli):
    nov1 = refs(cli)["goal:nov.1"]["id"]
    before = cli("today", "--as", "张伟", "--json").json()
    assert nov1 in [t["id"] for t in before["overdue"]]
    assert cli("tasks", "cancel", str(nov1), "--reason", REASON, "--as", "张伟").exit_code == 0
    after = cli("today", "--as", "张伟", "--json").json()
    assert nov1 not in [t["id"] for t in after["overdue"]]
    assert len(after["overdue"]) == len(before["overdue"]) - 1
    def of(view, name):
        return [t["id"] for o in view["overdue_by_person"] if o["name"] == name
                for t in o["tasks"]]

    assert of(after, "张伟") == [i for i in of(before, "张伟") if i != nov1]


def test_a_member_who_may_not_assign_is_refused_and_nothing_changes(team, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-20T10:00")
    mine = cli("tasks", "add", "写文案", "--owner", "李娜", "--due", "2026-12-10", "--as", "李娜",
               "--json").json()
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-02T10:00")
    tid = str(mine["id"])
    r = cli("tasks", "cancel", tid, "--reason", "不想写", "--as", "李娜")
    assert r.exit_code == 1 and r.stdout == ""
    assert "李娜 (copywriter) may not" in r.stderr and "permissions.assign_task" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    shown = cli("tasks", "show", tid, "--json").json()
    assert shown["status"] == "open" and len(shown["history"]) == 1
    # her own task, cancelled by the head: she may not bring it back either (it was dropped)
    assert cli("tasks", "cancel", tid, "--reason", REASON, "--as", "张伟").exit_code == 0
    back = cli("tasks", "reopen", tid, "--as", "李娜")
    assert back.exit_code == 1 and "permissions.assign_task" in back.stderr
    # … while reopening her own done task is hers (work_task), as before
    other = cli("tasks", "add", "海报", "--owner", "李娜", "--due", "2026-12-10", "--as", "李娜",
                "--json").json()
    assert cli("tasks", "done", str(other["id"]), "--as", "李娜").exit_code == 0
    assert cli("tasks", "reopen", str(other["id"]), "--as", "李娜").exit_code == 0


@pytest.mark.parametrize(
    ("before", "args", "message"),
    [
        ("done", ["--reason", REASON], "task {id} is done; it cannot be cancelled"),
        ("cancelled", ["--reason", REASON], "task {id} is already cancelled"),
        (None, ["--reason", "  "], "the reason is empty; say why the task is dropped (--reason)"),
        (None, ["--reason", "x" * 2001],
         "the task cancel reason is 2,001 characters long; the most is 2,000"),
    ],
)
def test_refusals_are_one_line_and_write_nothing(team, cli, before, args, message):
    tid = str(refs(cli)["goal:nov.2"]["id"])
    if before == "done":
        assert cli("tasks", "done", tid, "--as", "张伟").exit_code == 0
    elif before == "cancelled":
        assert cli("tasks", "cancel", tid, "--reason", "x", "--as", "张伟").exit_code == 0
    shown = cli("tasks", "show", tid, "--json").json()
    r = cli("tasks", "cancel", tid, *args, "--as", "张伟")
    assert r.exit_code == 1 and r.stdout == ""
    assert message.format(id=tid) in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert cli("tasks", "show", tid, "--json").json() == shown


def test_a_cancelled_task_is_not_worked_on_and_the_reason_is_required(team, cli):
    tid = str(refs(cli)["goal:nov.2"]["id"])
    missing = cli("tasks", "cancel", tid, "--as", "张伟")
    assert missing.exit_code == 2 and "--reason" in missing.stderr  # a usage error
    assert cli("tasks", "cancel", tid, "--reason", REASON, "--as", "张伟").exit_code == 0
    for verb in ("start", "done"):
        r = cli("tasks", verb, tid, "--as", "张伟")
        assert r.exit_code == 1
        assert f"task {tid} is cancelled; it cannot be marked" in r.stderr
        assert "reopen it first" in r.stderr


def test_reopen_brings_it_back_as_it_was(team, cli, monkeypatch):
    tid = str(refs(cli)["goal:nov.3"]["id"])
    assert cli("tasks", "cancel", tid, "--reason", REASON, "--as", "张伟").exit_code == 0
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-03T09:00")
    r = cli("tasks", "reopen", tid, "--as", "张伟", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["status"], out["cancel_reason"], out["overdue"], out["days_overdue"]) == (
        "open", None, True, 3)
    assert [h["action"] for h in out["history"]] == ["created", "cancelled", "reopened"]
    assert "goal:nov.3" in refs(cli, "--overdue")
    assert "cancelled:" not in cli("tasks", "show", tid).stdout
    entries = [e for e in cli("audit", "--json").json() if e["command"].startswith("tasks")]
    assert [(e["command"], e["details"]) for e in entries] == [
        ("tasks cancel", {"task": int(tid)}), ("tasks reopen", {"task": int(tid)})]
    assert REASON not in json.dumps(entries, ensure_ascii=False)  # never a reason


def test_the_month_report_shows_it_cancelled_not_overdue(team, cli, tmp_path):
    tid = refs(cli)["goal:nov.4"]["id"]
    before = cli("report", "--month", "2026-12", "--json").json()
    assert tid in [t["id"] for t in before["tasks_overdue"]] and before["tasks_cancelled"] == []
    assert cli("tasks", "cancel", str(tid), "--reason", REASON, "--as", "张伟").exit_code == 0
    out = cli("report", "--month", "2026-12", "--json").json()
    assert tid not in [t["id"] for t in out["tasks_overdue"]]
    assert [(t["id"], t["status"], t["overdue"], t["cancel_reason"], t["cancelled_at"])
            for t in out["tasks_cancelled"]] == [
        (tid, "cancelled", False, REASON, "2026-12-02T10:00:00+08:00")]
    assert sum(o["overdue"] for o in out["by_owner"]) == len(out["tasks_overdue"])
    # cancelled in December: not November's
    assert cli("report", "--month", "2026-11", "--json").json()["tasks_cancelled"] == []
    md = cli("report", "--month", "2026-12", "--format", "markdown").stdout
    assert "Tasks cancelled in the month: 1" in md and REASON in md
    zh = cli("report", "--month", "2026-12", "--format", "markdown", "--lang", "zh-hans").stdout
    assert "本月取消的任务" in zh and "取消日期" in zh
    terminal = cli("report", "--month", "2026-12").stdout
    assert "Tasks cancelled in the month" in terminal
    html_file = tmp_path / "r.html"
    assert cli("report", "--month", "2026-12", "--format", "html", "-o", str(html_file)
               ).exit_code == 0
    html = html_file.read_text(encoding="utf-8")
    assert "Tasks cancelled in the month" in html and REASON in html
    xlsx_file = tmp_path / "r.xlsx"
    assert cli("report", "--month", "2026-12", "--format", "xlsx", "-o", str(xlsx_file)
               ).exit_code == 0
    from openpyxl import load_workbook

    cells = [c for ws in load_workbook(xlsx_file).worksheets for row in ws.iter_rows(
        values_only=True) for c in row]
    assert REASON in cells and "Tasks cancelled in the month" in cells


# --- the department's start day (init --since) --------------------------------------------------

DROPPED = sorted([f"goal:nov.{i}" for i in range(1, 7)]
                 + [f"assigned:manager.{i}" for i in range(1, 5)])


def _init(cli, *args: str):
    r = cli("init", "--year", "2026", "--simulated-clock", *args, "--json")
    assert r.exit_code == 0, r.stderr
    return r.json()


def test_handbook_tasks_overdue_on_the_day_the_database_is_made_are_created_cancelled(
    backend, cli, monkeypatch
):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-04T09:00")
    assert _init(cli)["since"] == "2026-12-04"
    tasks = refs(cli)
    dropped = sorted(r for r, t in tasks.items() if t["status"] == "cancelled")
    assert dropped == DROPPED
    assert {t["status"] for r, t in tasks.items() if r not in DROPPED} == {"open"}
    assert refs(cli, "--overdue") == {}
    shown = cli("tasks", "show", str(tasks["goal:nov.1"]["id"]), "--json").json()
    assert shown["cancel_reason"] == BEFORE_START
    assert [(h["actor"], h["action"], h["detail"]) for h in shown["history"]] == [
        ("handbook", "created", "goal:nov.1"), ("handbook", "cancelled", BEFORE_START)]
    text = cli("tasks", "show", str(tasks["goal:nov.1"]["id"])).stdout
    assert f"cancelled: {BEFORE_START}" in text
    for lang, words in (("zh-hans", "部门开始运作前已到期"), ("zh", "部門開始運作前已到期")):
        zh = cli("tasks", "show", str(tasks["goal:nov.1"]["id"]), "--lang", lang).stdout
        assert words in zh and BEFORE_START not in zh
    # on the dashboard and in the report: not owed, not overdue
    assert cli("today", "--json").json()["overdue"] == []
    report = cli("report", "--month", "2026-12", "--json").json()
    assert report["tasks_overdue"] == []
    assert sorted(t["ref"] for t in report["tasks_cancelled"]) == DROPPED


def test_since_names_another_start_day(backend, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-04T09:00")
    assert _init(cli, "--since", "2026-01-01")["since"] == "2026-01-01"
    assert {t["status"] for t in refs(cli).values()} == {"open"}
    assert sorted(refs(cli, "--overdue")) == DROPPED
    entry = cli("audit", "--json").json()[0]
    assert entry["command"] == "init" and entry["details"]["since"] == "2026-01-01"


def test_a_simulated_database_made_without_a_day_replays_its_year_from_january(
    backend, cli
):
    # no ECOMOPS_NOW when it is made (the test suite's `db`): whatever the machine's date
    assert _init(cli)["since"] == "2026-01-01"
    assert {t["status"] for t in refs(cli).values()} == {"open"}


def test_a_reload_keeps_every_status_and_drops_only_new_tasks_due_before_the_start(
    backend, cli, monkeypatch, tmp_path
):
    from tests.conftest import SEED

    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-04T09:00")
    _init(cli)
    assert cli("staff", "add", "张伟", "-p", "manager").exit_code == 0
    tasks = refs(cli)
    dec3 = str(tasks["goal:dec.3"]["id"])
    assert cli("tasks", "cancel", dec3, "--reason", REASON, "--as", "张伟").exit_code == 0
    nov2 = str(tasks["goal:nov.2"]["id"])
    assert cli("tasks", "reopen", nov2, "--as", "张伟").exit_code == 0
    edited = SEED.read_text(encoding="utf-8").replace(
        "        - {zh: 電商中心論壇建設, en: Build the centre's forum., serves: dec.3}\n",
        "        - {zh: 電商中心論壇建設, en: Build the centre's forum., serves: dec.3}\n"
        "        - {zh: 電商中心網站備案, en: File the centre's website., serves: nov.2}\n"
        "        - {zh: 元旦活動總結, en: Sum up the New Year campaign., serves: dec.3}\n")
    assert edited != SEED.read_text(encoding="utf-8")
    f = tmp_path / "edited.yaml"
    f.write_text(edited, encoding="utf-8")
    # a later start day given on the reload cancels no task already there
    out = _init(cli, "--manual", str(f), "--since", "2026-12-20")
    assert out["since"] == "2026-12-20" and out["added"]["task"] == 2
    after = refs(cli)
    assert after["goal:dec.3"]["status"] == "cancelled"  # a person's cancellation stays
    assert after["goal:nov.2"]["status"] == "open"  # reopened by hand: stays open
    assert after["goal:nov.1"]["status"] == "cancelled"  # the handbook's stays too
    assert after["assigned:manager.5"]["status"] == "open"  # due 12-31, existing
    # new ones due before the start day (12-20) are created cancelled, others open
    assert after["assigned:manager.6"]["status"] == "cancelled"  # due 11-30
    assert after["assigned:manager.7"]["status"] == "open"  # due 12-31
    shown = cli("tasks", "show", str(after["goal:dec.3"]["id"]), "--json").json()
    assert shown["cancel_reason"] == REASON
    # the start day is kept: a reload without --since uses it
    assert _init(cli, "--manual", str(f))["since"] == "2026-12-20"


def test_another_year_reopens_what_the_handbook_itself_dropped(backend, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-04T09:00")
    _init(cli)
    assert cli("staff", "add", "张伟", "-p", "manager").exit_code == 0
    nov3 = str(refs(cli)["goal:nov.3"]["id"])
    assert cli("tasks", "cancel", str(refs(cli)["goal:dec.1"]["id"]), "--reason", REASON,
               "--as", "张伟").exit_code == 0
    r = cli("init", "--year", "2027", "--json")
    assert r.exit_code == 0, r.stderr
    after = refs(cli)
    assert after["goal:nov.3"]["due"] == "2027-11-30"
    assert after["goal:nov.3"]["status"] == "open"  # no longer due before the start day
    assert after["goal:dec.1"]["status"] == "cancelled"  # a person's stays
    history = cli("tasks", "show", nov3, "--json").json()["history"]
    assert [(h["actor"], h["action"]) for h in history] == [
        ("handbook", "created"), ("handbook", "cancelled"), ("handbook", "reopened")]
