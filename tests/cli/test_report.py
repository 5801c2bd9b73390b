"""The month-end report: JSON field by field, HTML in a real headless browser, XLSX read back,
files written whole or not at all; the dashboard; the demo department."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest


@pytest.fixture
def demo(cli, tmp_path, monkeypatch, db_templates):
    """The demo department (a copy of one ``demo`` made for the process)."""
    path = tmp_path / "demo.db"

    def make(to):
        r = cli("demo", "--db", str(to))
        assert r.exit_code == 0, r.stderr

    db_templates.file("demo", make, path)
    monkeypatch.setenv("ECOMOPS_DB", str(path))
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T09:00")
    return path


def test_demo_prints_the_report_and_how_to_explore(cli, tmp_path, isolated):
    r = cli("demo")
    assert r.exit_code == 0, r.stderr
    assert (isolated / "ecomops" / "demo.db").exists()
    assert not (isolated / "ecomops" / "ecomops.db").exists()  # never the real database
    assert "Month-end report 2026-11" in r.stdout
    assert "ecomops tasks list --overdue" in r.stderr
    again = cli("demo")  # rebuilt, not doubled
    assert again.exit_code == 0
    assert again.stdout.count("赵海") == r.stdout.count("赵海")


def test_report_json_field_by_field(demo, cli):
    r = cli("report", "--month", "2026-11", "--format", "json", "--as", "赵海")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["month"], out["next_month"], out["as_of"]) == (
        "2026-11", "2026-12", "2026-12-01T00:00:00+08:00")
    goals = {g["id"]: (g["done"], g["total"], g["status"]) for g in out["goals"]}
    assert goals == {"nov.1": (0, 3, "overdue"), "nov.2": (1, 2, "overdue"),
                     "nov.3": (0, 1, "overdue"), "nov.4": (1, 3, "overdue"),
                     "nov.5": (1, 1, "done"), "nov.6": (1, 1, "done")}
    assert [g["id"] for g in out["next_goals"]] == [f"dec.{i}" for i in range(1, 9)]
    assert sorted(t["title"] for t in out["tasks_done"])[0] == "Collect peers' e-commerce operating data and analyse it quantitatively."
    assert len(out["tasks_done"]) == 5 and len(out["tasks_overdue"]) == 8
    overdue = {t["title"]: t["days_overdue"] for t in out["tasks_overdue"]}
    assert overdue["整理双龙项目招商资料"] == 4
    assert {o["owner"]: (o["done"], o["overdue"]) for o in out["by_owner"]} == {
        # the head handed goal nov.6 to 王强 and phase item preparation.1 to 刘洋, who did them
        "张伟": (2, 6), "刘洋": (1, 0), "李娜": (1, 0), "王强": (1, 1), "陈静": (0, 1)}
    plans = out["plans"]
    assert plans["weeks"] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49"]
    members = {m["name"]: m for m in plans["members"]}
    assert members["刘洋"]["weeks"]["2026-W48"] == "missing"
    assert members["李娜"]["weeks"]["2026-W48"] == "on_time"  # at 23:59:59
    assert members["王强"]["month_end"] == "late" and members["陈静"]["weeks"]["2026-W45"] == "late"
    assert plans["totals"] == {"late": 4, "missing": 1, "on_time": 25, "open": 0,
                               "on_leave": 0, "not_expected": 0}
    # the head's weekly summary of the department: the demo's head sends one each Monday
    assert [(d["name"], d["on_time"], d["missing"]) for d in plans["department"]] == [
        ("张伟", 5, 0)]
    a = out["appraisal"]
    assert (a["cycle"], a["kind"], a["exempt"], a["ok"], a["complete"], a["pending"]) == (
        "2026-11", "monthly", False, True, 5, 0)
    people = {p["employee"]: (p["score"], p["grade"], p["final_grade"]) for p in a["people"]}
    assert people == {"张伟": (90.8, "A", "A"), "刘洋": (84.2, "B", "B"),
                      "王强": (76.2, "C", "B"), "李娜": (91, "A", "A"), "陈静": (68.8, "C", "C")}
    assert [(d["grade"], d["count"], d["share"], d["quota_share"]) for d in a["distribution"]] == [
        ("A", 2, 40, 45), ("B", 2, 40, 30), ("C", 1, 20, 20), ("D", 0, 0, 5)]
    assert a["limits"] == {"A": 3, "A+B": 4, "A+B+C": 5}
    assert [(c["employee"], c["before"], c["after"]) for c in a["calibrations"]] == [("王强", "C", "B")]
    assert [(x["name"], x["start"]) for x in out["leave"]] == [("李娜", "2026-11-18")]
    assert [(h["name"], h["cover"]) for h in out["handovers"]] == [("王强", "刘洋")]
    assert [(v["name"], v["left_at"]) for v in out["visitors"]] == [
        ("周女士(供应商)", "2026-11-20T15:30:00+08:00")]


def test_report_scores_follow_confidentiality(demo, cli):
    out = cli("report", "--month", "2026-11", "--json", "--as", "张伟").json()
    people = {p["employee"]: p for p in out["appraisal"]["people"]}
    assert people["李娜"]["score"] == 91 and people["王强"]["score"] is None
    assert people["王强"]["visible"] is False
    assert out["appraisal"]["calibrations"] == []  # 王强's calibration is not the manager's to see
    member = cli("report", "--month", "2026-11", "--json", "--as", "李娜").json()["appraisal"]
    assert [p["employee"] for p in member["people"] if p["visible"]] == ["李娜"]
    assert all(p["score"] is None for p in member["people"] if p["employee"] != "李娜")
    # the grade counts of a cycle are its raters' to read (a small cycle's counts name grades)
    assert (member["distribution"], member["limits"], member["violations"]) == ([], {}, [])
    # single-keeper mode (no login bound): whoever keeps the file sees everything
    keeper = cli("report", "--month", "2026-11", "--json").json()["appraisal"]
    assert all(p["score"] is not None for p in keeper["people"])
    assert keeper["distribution"][0]["count"] == 2


def test_report_in_chinese(demo, cli):
    md = cli("report", "--month", "2026-11", "--format", "markdown", "--lang", "zh-hans")
    assert md.stdout.startswith("# 电商部 — 月度总结报告 2026年11月")
    assert "## 本月目标（2026年11月）" in md.stdout
    # a goal by its number (the ids are English words: only --json and English show them)
    assert "| 1. 完善电商平台策划案及实行筹划 | 2026年11月30日 |" in md.stdout
    assert "nov.1" not in md.stdout
    zh = cli("report", "--month", "2026-11", "--format", "markdown", "--lang", "zh")
    assert zh.stdout.startswith("# 電商部 — 月度總結報告 2026年11月")


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_html_renders_in_a_headless_browser(demo, cli, tmp_path):
    target = tmp_path / "report.html"
    r = cli("report", "--month", "2026-11", "--format", "html", "-o", str(target), "--as", "赵海")
    assert r.exit_code == 0 and target.exists()
    html = target.read_text(encoding="utf-8")
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "<script" not in html
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium (Debian's chromium package)")
        pytest.skip("no Chromium on this machine")
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={tmp_path / 'chromium'}"]
    dom = subprocess.run([*flags, "--dump-dom", target.as_uri()], capture_output=True,
                         text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for section in ("goals", "next_goals", "tasks", "plans", "appraisal", "leave", "handovers",
                    "visitors"):
        assert f'<section id="{section}" aria-labelledby="h-{section}">' in dom.stdout
    assert '<svg role="img"' in dom.stdout and 'id="grade-chart"' in dom.stdout
    assert dom.stdout.count('class="bar"') >= 8 + 5
    shot = tmp_path / "report.png"
    png = subprocess.run([*flags, "--window-size=1000,2400", f"--screenshot={shot}",
                          target.as_uri()], capture_output=True, text=True, timeout=120)
    assert png.returncode == 0 and shot.stat().st_size > 20_000


def test_xlsx_has_a_sheet_per_section(demo, cli, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "report.xlsx"
    r = cli("report", "--month", "2026-11", "--format", "xlsx", "-o", str(target), "--as", "赵海")
    assert r.exit_code == 0, r.stderr
    wb = load_workbook(target)
    assert wb.sheetnames == ["Goals", "Next month's goals", "Tasks", "Plans", "Appraisal",
                             "Leave", "Handovers", "Visitors"]
    rows = list(wb["Appraisal"].iter_rows(values_only=True))
    scores = {row[0]: row[3] for row in rows if row and row[0] in ("李娜", "王强")
              and row[2] == "complete"}
    assert scores == {"李娜": 91, "王强": 76.2}
    goals = [row for row in wb["Goals"].iter_rows(values_only=True) if row and row[0]
             and str(row[0]).startswith("nov.")]
    assert len(goals) == 6


def test_xlsx_needs_a_file_and_bad_formats(demo, cli):
    r = cli("report", "--format", "xlsx")
    assert r.exit_code == 1 and "an XLSX report needs a file" in r.stderr
    r = cli("report", "--format", "pdf")
    assert r.exit_code == 1 and "unknown format 'pdf'" in r.stderr


def test_an_unwritable_path_leaves_nothing_behind(demo, cli, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    r = cli("report", "--format", "html", "-o", str(folder / "missing" / "r.html"))
    assert r.exit_code == 1 and "does not exist" in r.stderr
    existing = folder / "r.html"
    existing.write_text("the previous report")
    folder.chmod(0o500)
    try:
        r = cli("report", "--format", "html", "-o", str(existing))
    finally:
        folder.chmod(0o700)
    if os.geteuid() != 0:  # root writes anywhere; the check is for real users
        assert r.exit_code == 1 and "cannot write" in r.stderr
        assert existing.read_text() == "the previous report"
    assert [p.name for p in folder.iterdir()] == ["r.html"]


def test_report_on_the_configured_database(db, cli, monkeypatch):
    """The report runs on PostgreSQL too (the db fixture follows ECOMOPS_TEST_DATABASE_URL)."""
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-23T09:00")
    cli("staff", "add", "张伟", "-p", "manager")
    cli("plan", "submit", "--as", "张伟", "--summary", "s", "--plan", "p")
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-02T09:00")
    out = cli("report", "--month", "2026-11", "--json").json()
    weeks = out["plans"]["members"][0]["weeks"]
    # 张伟 joined on 11-23: W47's plan (due 11-16) was not his to hand in; W49's (11-30) was
    assert weeks["2026-W48"] == "on_time" and weeks["2026-W47"] == "not_expected"
    assert weeks["2026-W49"] == "missing"
    assert out["appraisal"] is None and out["leave"] == []
    assert len(out["tasks_overdue"]) == 10


def test_dashboard(demo, cli):
    r = cli("today", "--as", "陈静", "--json")
    assert r.exit_code == 0, r.stderr
    d = r.json()
    assert d["person"] == "陈静" and d["week"] == "2026-W49"
    assert [t["title"] for t in d["overdue"]] == ["整理双龙项目招商资料"]
    assert d["monday_plan_status"] == "late"
    assert d["cycle"]["id"] == "2026-11" and d["to_rate"] == []
    head = cli("today", "--as", "张伟", "--json").json()  # the head sees the team's
    assert len(head["overdue"]) == 8
    assert {g["name"]: len(g["tasks"]) for g in head["overdue_by_person"]} == {
        "张伟": 6, "王强": 1, "陈静": 1}
    plain = cli()
    assert plain.exit_code == 0 and "Today 2026-12-01 09:00" in plain.stdout


def test_dashboard_in_chinese_shows_who_is_still_to_rate(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-28T09:00")
    cli("staff", "add", "张伟", "-p", "manager")
    cli("staff", "add", "李娜", "-p", "copywriter")
    cli("cycle", "open", "2026-12")
    d = cli("today", "--as", "张伟", "--json").json()
    # past the deadline (the 25th), still December: the summaries not in still show
    assert d["to_rate"] == ["李娜"] and d["month_end_near"] is True
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-17T09:00")
    assert cli("today", "--as", "张伟", "--json").json()["month_end_near"] is False
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-22T09:00")
    near = cli("today", "--as", "张伟", "--lang", "zh-hans")
    # both joined on the 28th: neither summary was theirs to send
    assert "尚未提交月末总结 2026年12月 (截止 12月25日 周五 23:59): — (全部已提交)" in near.stdout
    assert "尚待评分: 李娜" in near.stdout


@pytest.mark.parametrize("lang", ["zh-hans", "zh"])
def test_report_formats_write_dates_and_scores_as_chinese_does(demo, cli, tmp_path, lang):
    """Markdown, HTML and the terminal show 2026年11月30日 and 91.0分 under Chinese; the
    workbook keeps real dates and numbers with Chinese number formats; --json keeps ISO."""
    import openpyxl

    md = cli("report", "--month", "2026-11", "--format", "markdown", "--lang", lang, "--as", "赵海")
    assert "| 2026年11月30日 |" in md.stdout and "2026-11-30" not in md.stdout
    assert "| 91.0分 |" in md.stdout  # 李娜's score
    assert "2026年11月19日 13:00" in md.stdout  # a handover's start
    assert "2026年12月1日 00:00" in md.stdout.splitlines()[2]  # "as of"
    page = tmp_path / "r.html"
    cli("report", "--month", "2026-11", "--format", "html", "-o", str(page), "--lang", lang,
        "--as", "赵海")
    html = page.read_text(encoding="utf-8")
    assert '<td class="n">91.0分</td>' in html and '<span class="nw">2026年11月30日</span>' in html
    assert "<h1>" in html and "2026年11月</h1>" in html
    plain = cli("report", "--month", "2026-11", "--lang", lang, "--as", "赵海").stdout
    assert "2026年11月30日" in plain and "91.0分" in plain and "2026-11-30" not in plain
    book = tmp_path / "r.xlsx"
    cli("report", "--month", "2026-11", "--format", "xlsx", "-o", str(book), "--lang", lang,
        "--as", "赵海")
    wb = openpyxl.load_workbook(book)
    goals = wb.worksheets[0]
    due = goals["B5"]
    assert due.is_date and due.value.date().isoformat() == "2026-11-30"  # still a date: it sorts
    assert due.number_format == 'yyyy"年"m"月"d"日"'
    appraisal = next(ws for ws in wb.worksheets if ws["A1"].value.endswith("2026年11月")
                     and ws.max_column >= 6)
    scores = {row[0].value: row[3] for row in appraisal.iter_rows(min_row=5) if row[3].value}
    assert scores["李娜"].value == 91 and scores["李娜"].number_format == '0.0"分"'
    assert "2026年11月" in goals["A1"].value  # the heading in the language
    # English keeps ISO and plain numbers; --json keeps ISO whatever the language
    en = cli("report", "--month", "2026-11", "--format", "markdown", "--lang", "en", "--as", "赵海")
    assert "| 2026-11-30 |" in en.stdout and "| 91 |" in en.stdout
    js = cli("report", "--month", "2026-11", "--json", "--lang", lang, "--as", "赵海").json()
    assert js["month"] == "2026-11" and js["goals"][0]["due"] == "2026-11-30"


@pytest.mark.parametrize("lang", ["zh-hans", "zh"])
def test_calendar_and_dashboard_deadlines_in_chinese(demo, cli, lang):
    cal = cli("calendar", "--month", "2026-12", "--lang", lang).stdout
    assert cal.startswith("2026年12月：23 个工作日" if lang == "zh-hans" else "2026年12月：23 個工作日")
    assert re.search(r"2026年12月7日\s+周一.*2026年第50周", cal), cal
    assert "2026-12" not in cal and "W50" not in cal
    year = cli("calendar", "--year", "2026", "--lang", lang).stdout
    assert year.startswith("2026年：") and "2026年1月1日" in year
    today = cli("today", "--as", "张伟", "--lang", lang).stdout
    assert "2026年第49周" in today and "(截止 11月30日 周一 23:59)" in today
    assert "11月19日 周四 13:00 – 11月19日 周四 18:00" in today  # the handover to acknowledge
    assert "2026-11" not in today and "2026-W" not in today
    en = cli("today", "--as", "张伟", "--lang", "en").stdout
    assert "2026-W49" in en and "(Due 2026-11-30 23:59)" in en
