"""Tasks from the handbook and by hand; overdue after the end of the due date."""

from __future__ import annotations

import pytest


def test_init_creates_a_task_for_every_goal_phase_item_and_assignment(db, cli):
    tasks = cli("tasks", "list", "--json").json()
    by_source = {}
    for t in tasks:
        by_source.setdefault(t["source"], []).append(t)
    assert {k: len(v) for k, v in by_source.items()} == {"goal": 14, "phase": 27, "assigned": 5}
    assert [t["due"] for t in tasks] == sorted(t["due"] for t in tasks)
    goal = next(t for t in tasks if t["ref"] == "goal:nov.1")
    assert (goal["due"], goal["owner_position"], goal["status"]) == ("2026-11-30", "manager",
                                                                     "open")
    prep = next(t for t in tasks if t["ref"] == "phase:preparation.1")
    assert (prep["target"], prep["due"]) == ("2026-12-17", "2027-02-17")
    integ = next(t for t in tasks if t["ref"] == "phase:integration.9")
    assert (integ["target"], integ["due"]) == ("2027-06-17", "2028-02-17")
    assigned = {t["ref"]: (t["goal"], t["due"]) for t in by_source["assigned"]}
    assert assigned == {
        "assigned:manager.1": ("nov.1", "2026-11-30"), "assigned:manager.2": ("nov.4", "2026-11-30"),
        "assigned:manager.3": ("nov.1", "2026-11-30"), "assigned:manager.4": ("nov.2", "2026-11-30"),
        "assigned:manager.5": ("dec.3", "2026-12-31"),
    }


def test_owner_is_the_position_until_a_person_holds_it(db, cli):
    t = cli("tasks", "show", "1", "--json").json()
    assert t["owner"] == "E-commerce Department Manager"
    cli("staff", "add", "张伟", "-p", "manager")
    assert cli("tasks", "show", "1", "--json").json()["owner"] == "张伟"
    mine = cli("tasks", "list", "--owner", "張偉", "--json").json()
    assert len(mine) == 14 + 27 + 5


def test_overdue_edge_and_days(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-30T23:59:59")
    assert cli("tasks", "list", "--overdue", "--json").json() == []
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T00:00:00")
    overdue = cli("tasks", "list", "--overdue", "--json").json()
    assert sorted(t["ref"] for t in overdue) == sorted(
        [f"goal:nov.{i}" for i in range(1, 7)] + [f"assigned:manager.{i}" for i in range(1, 5)])
    assert {t["days_overdue"] for t in overdue} == {1}
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-10T09:00")
    assert {t["days_overdue"] for t in cli("tasks", "list", "--overdue", "--json").json()} == {10}
    table = cli("tasks", "list", "--overdue")
    assert "10d" in table.stdout


def test_working_a_task_keeps_its_history(db, cli, monkeypatch):
    cli("staff", "add", "李娜", "-p", "copywriter")
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-20T10:00")
    added = cli("tasks", "add", "元旦活动海报", "--owner", "李娜", "--due", "2026-12-20",
                "--goal", "nov.4", "--as", "张伟", "--json").json()
    tid = str(added["id"])
    assert (added["source"], added["owner"], added["goal"], added["status"]) == (
        "manual", "李娜", "nov.4", "open")
    assert cli("tasks", "start", tid, "--as", "李娜").exit_code == 0
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-25T18:00")
    done = cli("tasks", "done", tid, "--note", "已交付", "--as", "李娜", "--json").json()
    assert done["status"] == "done" and done["done_at"] == "2026-11-25T18:00:00+08:00"
    again = cli("tasks", "done", tid)
    assert again.exit_code == 1 and f"task {tid} is done; it cannot be marked done" in again.stderr
    reopened = cli("tasks", "reopen", tid, "--json").json()
    assert reopened["status"] == "open" and reopened["done_at"] is None
    history = cli("tasks", "show", tid, "--json").json()["history"]
    assert [(h["actor"], h["action"]) for h in history][:3] == [
        ("张伟", "created"), ("李娜", "started"), ("李娜", "done")]
    assert history[2]["detail"] == "已交付" and history[3]["action"] == "reopened"


def test_goal_progress_is_the_share_of_its_tasks_done(db, cli):
    goals = {g["id"]: g for g in cli("goals", "list", "--json").json()}
    assert goals["nov.1"]["progress"] == {"done": 0, "share": 0, "total": 3}
    nov1 = [t for t in cli("tasks", "list", "--json").json() if t["goal"] == "nov.1"]
    cli("tasks", "done", str(nov1[0]["id"]))
    goals = {g["id"]: g for g in cli("goals", "list", "--json").json()}
    assert goals["nov.1"]["progress"] == {"done": 1, "share": 0.33, "total": 3}


def test_a_reload_keeps_status_owner_and_dates_changed_by_hand(db, cli, tmp_path):
    from tests.conftest import SEED

    cli("staff", "add", "王强", "-p", "supervisor")
    tasks = {t["ref"]: t["id"] for t in cli("tasks", "list", "--json").json()}
    cli("tasks", "done", str(tasks["goal:nov.6"]))
    cli("tasks", "assign", str(tasks["goal:nov.3"]), "王强")
    cli("tasks", "due", str(tasks["goal:nov.2"]), "2026-12-15")
    edited = SEED.read_text(encoding="utf-8").replace(
        "en: Open the Shuanglong WeChat official account and the official Weibo account.",
        "en: Open the Shuanglong WeChat and Weibo accounts.")
    f = tmp_path / "edited.yaml"
    f.write_text(edited, encoding="utf-8")
    r = cli("init", "--manual", str(f), "--year", "2027", "--json")
    assert r.exit_code == 0, r.stderr
    after = {t["ref"]: t for t in cli("tasks", "list", "--json").json()}
    assert after["goal:nov.6"]["status"] == "done"
    assert after["goal:nov.6"]["title"] == "Open the Shuanglong WeChat and Weibo accounts."
    assert after["goal:nov.6"]["due"] == "2027-11-30"  # the year moved; the date was not by hand
    assert after["goal:nov.3"]["owner"] == "王强"
    assert after["goal:nov.2"]["due"] == "2026-12-15"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tasks", "show", "999"], "no task with id 999"),
        (["tasks", "done", "999"], "no task with id 999"),
        (["tasks", "add", "x", "--owner", "nobody", "--due", "2026-12-01"],
         "no staff member named 'nobody'"),
        (["tasks", "add", "x", "--owner", "李娜", "--due", "soon"], "--due 'soon' is not a date"),
        (["tasks", "add", "x", "--owner", "李娜", "--due", "2026-12-01", "--goal", "jan.1"],
         "unknown goal 'jan.1'"),
        (["tasks", "assign", "1", "nobody"], "no staff member named 'nobody'"),
        (["tasks", "list", "--source", "email"], "unknown source 'email'"),
        (["tasks", "list", "--status", "late"], "unknown status 'late'"),
    ],
)
def test_bad_task_input(db, cli, monkeypatch, args, message):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-20T10:00")  # before the due dates typed
    cli("staff", "add", "李娜", "-p", "copywriter")
    before = cli("tasks", "list", "--json").json()
    r = cli(*args)
    assert r.exit_code == 1 and message in r.stderr
    assert cli("tasks", "list", "--json").json() == before


def test_filters(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-25T10:00")
    within = cli("tasks", "list", "--due-within", "7", "--json").json()
    assert {t["due"] for t in within} <= {"2026-12-31", "2026-11-30"}
    assert any(t["due"] == "2026-12-31" for t in within)
    phases = cli("tasks", "list", "--source", "phase", "--json").json()
    assert len(phases) == 27 and {t["source"] for t in phases} == {"phase"}
    assert cli("tasks", "list", "--status", "done", "--json").json() == []
