"""A report a manager forwards as it is (issue 14, items 3 and 4): the quota's limit as a count
next to each grade's share, a plan chart by week that reads without colour, the leave kind by
name, 80 columns on the terminal, a workbook of typed cells with sheets in the report's
language, an HTML page that validates, has no axe-core violation and does not overflow at 390
or 1280 pixels (in headless Chromium), and Chinese all through in every format."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.cli.test_appraisal import COPY

JS = Path(__file__).resolve().parents[1] / "js"
LANGS = ("en", "zh-hans", "zh")


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


# --- the quota's limit next to each share ---------------------------------------------------


def _seven(cli, tmp_path, finals):
    """Seven copywriters rated by the manager and the general manager (the manager's own
    appraisal stays pending, as in a real month)."""
    cli("staff", "add", "总经理乙", "-p", "general_manager")
    cli("staff", "add", "经理乙", "-p", "manager")
    names = [f"员工{i}" for i in range(1, len(finals) + 1)]
    for n in names:
        assert cli("staff", "add", n, "-p", "copywriter").exit_code == 0
    rows = ["employee,rater," + ",".join(COPY)]
    for n, v in zip(names, finals, strict=True):
        rows += [f"{n},{rater}," + ",".join([str(v)] * 5) for rater in ("经理乙", "总经理乙")]
    f = tmp_path / "sheets.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert cli("cycle", "open", "2026-11").exit_code == 0
    r = cli("appraise", "-c", "2026-11", "--from", str(f))
    assert r.exit_code == 0, r.stderr
    return names


def test_a_at_57_percent_is_within_its_limit_of_4_of_7(db, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")
    names = _seven(cli, tmp_path, [95, 94, 93, 92, 85, 75, 65])
    out = cli("report", "--month", "2026-11", "--json", "--as", "总经理乙").json()["appraisal"]
    assert (out["complete"], out["pending"], out["ok"], out["strict"], out["advisory"]) == (
        7, 1, True, False, False)
    assert [(d["grade"], d["count"], d["share"], d["group"], d["group_count"], d["group_share"],
             d["limit"]) for d in out["distribution"]] == [
        ("A", 4, 57.1, "A", 4, 45, 4),  # ⌈45 % × 7⌉ = ⌈3.15⌉
        ("B", 1, 14.3, "A+B", 5, 75, 6),
        ("C", 2, 28.6, "A+B+C", 7, 95, 7),
        ("D", 0, 0, "A+B+C+D", 7, 100, None)]
    # the limits are the quota check's own
    quota = cli("quota", "check", "-c", "2026-11", "--as", "总经理乙", "--json").json()
    assert quota["groups"][0]["limits"] == {"A": 4, "A+B": 6, "A+B+C": 7} == out["limits"]
    md = cli("report", "--month", "2026-11", "--format", "markdown", "--as", "总经理乙").stdout
    assert "complete 7, pending 1; within the quota" in md
    assert "| A | 4 | 57.1% | 45% | A 4 of 7 · limit 4 = ⌈45 % × 7⌉ |" in md
    assert "| D | 0 | 0% | 5% | A+B+C+D 7 of 7 · no limit |" in md
    html = cli("report", "--month", "2026-11", "--format", "html", "--as", "总经理乙").stdout
    chart = html[html.index('<svg role="img" aria-labelledby="grade-chart-title'):]
    chart = chart[: chart.index("</svg>")]
    assert "A · 4/7" in chart and "A ≤ 4" in chart and "A+B ≤ 6" in chart
    assert "A: 4 of 7 (57.1 %), quota 45 % · A 4 of 7 · limit 4 = ⌈45 % × 7⌉" in chart

    # one more A breaks it: the page says so, with the same numbers
    r = cli("calibrate", names[4], "-c", "2026-11", "-g", "A", "--as", "总经理乙", "--reason",
            "test")
    assert r.exit_code == 0, r.stderr
    md = cli("report", "--month", "2026-11", "--format", "markdown", "--as", "总经理乙").stdout
    assert "complete 7, pending 1; quota violated" in md
    assert "| A | 5 | 71.4% | 45% | A 5 of 7 · limit 4 = ⌈45 % × 7⌉ |" in md
    assert "| A | 5 | 4 |" in md  # the violations table
    zh = cli("report", "--month", "2026-11", "--format", "markdown", "--as", "总经理乙",
             "--lang", "zh-hans").stdout
    assert "已完成 7, 待评 1; 超出强制分布" in zh
    assert "| A | 5 | 71.4% | 45% | A:7 人中 5 人 · 上限 4 = ⌈45% × 7⌉ |" in zh


def test_limit_text_follows_the_rule():
    from types import SimpleNamespace as NS

    from ecomops.render.document import limit_text, report_labels

    L = report_labels("en")
    cases = [
        (NS(group="A", group_count=4, group_share=45, limit=4), False, "A 4 of 7 · limit 4 = ⌈45 % × 7⌉"),
        (NS(group="A+B", group_count=5, group_share=75, limit=6), False, "A+B 5 of 7 · limit 6 = ⌈75 % × 7⌉"),
        (NS(group="B", group_count=2, group_share=30, limit=2), True, "B 2 of 7 · exactly 2"),
        (NS(group="A+B+C+D", group_count=7, group_share=100, limit=None), False,
         "A+B+C+D 7 of 7 · no limit"),
    ]
    for d, strict, expected in cases:
        assert limit_text(d, 7, strict, L) == expected


# --- the plan chart, the leave kind ---------------------------------------------------------


def test_plan_chart_by_week_reads_without_colour(demo, cli):
    html = cli("report", "--month", "2026-11", "--format", "html", "--as", "赵海").stdout
    chart = html[html.index('id="plan-chart"'):]
    chart = chart[: chart.index("</svg>")]
    for week in ("W45", "W46", "W47", "W48", "W49"):
        assert f">{week}</text>" in chart
    signs = re.findall(r'font-weight="bold">([^<])</text>', chart)
    # 5 members × 6 periods, and the legend's 6 signs (on leave among them): 刘洋 missed W48,
    # four plans were late
    assert len(signs) == 30 + 6
    assert signs[:30].count("✗") == 1 and signs[:30].count("!") == 4
    assert signs[:30].count("✓") == 25
    assert '<desc id="plan-chart-desc">' in chart and "刘洋: W45 on time" in chart
    # the table says it in words too, the sign beside the word
    assert '<span aria-hidden="true">✗</span> <span class="mw">missing</span>' in html
    md = cli("report", "--month", "2026-11", "--format", "markdown").stdout
    assert "| 刘洋 | Planning Supervisor | ✓ on time | ✓ on time | ✓ on time | ✗ missing |" in md
    assert "| Member | Position | W45 | W46 | W47 | W48 | W49 | Month-end summary |" in md


def test_leave_kind_is_the_kinds_own_name(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-09T10:00")
    cli("staff", "add", "张伟", "-p", "manager")
    cli("staff", "add", "李娜", "-p", "copywriter")
    for day, kind in (("2026-11-11", "leave"), ("2026-11-12", "swap")):
        r = cli("leave", "request", "--as", "李娜", "--from", day, "--kind", kind, "--reason",
                "体检")
        assert r.exit_code == 0, r.stderr
    for lang, leave, swap in (("en", "leave", "shift swap"), ("zh-hans", "请假", "调休"),
                              ("zh", "請假", "調休")):
        md = cli("report", "--month", "2026-11", "--format", "markdown", "--lang", lang).stdout
        rows = [line for line in md.splitlines()
                if line.startswith("| 李娜 |") and "| 体检 |" in line]
        assert [row.split(" | ")[1] for row in rows] == [leave, swap]


# --- the terminal at 80 columns -------------------------------------------------------------


def _terminal(cli, monkeypatch, width: int, *args: str) -> str:
    from ecomops.cli.output import reset_console

    monkeypatch.setenv("COLUMNS", str(width))
    reset_console()
    r = cli("report", "--month", "2026-11", "--as", "赵海", *args)
    assert r.exit_code == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("lang", LANGS)
def test_the_terminal_report_fits_80_columns(demo, cli, monkeypatch, lang):
    from rich.cells import cell_len

    out = _terminal(cli, monkeypatch, 80, "--lang", lang)
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    lines = out.splitlines()
    # the manager's short name; a name, a date, a number never broken over two lines
    manager = {"en": "Manager", "zh-hans": "经理", "zh": "經理"}[lang]
    assert any(re.search(rf"│ 张伟 +│ {manager} +│", line) for line in lines)
    assert "E-commerce Department Manager" not in out
    start, end = {"en": ("2026-11-19 13:00", "2026-11-19 18:00")}.get(
        lang, ("2026年11月19日 13:00", "2026年11月19日 18:00")
    )
    assert sum(f"│ {start} │ {end} │" in line for line in lines) == 1
    assert any(re.search(r"│ 周女士\(供应商\) +│", line) for line in lines)
    legend = {"en": "✓ on time  ! late  ✗ missing  ~ open  L on leave  - not expected",
              "zh-hans": "✓ 按时  ! 迟交  ✗ 未交  ~ 未到期  L 休假  - 无需提交",
              "zh": "✓ 按時  ! 遲交  ✗ 未交  ~ 未到期  L 休假  - 無需提交"}[lang]
    assert legend in out
    limit = {"en": "A 2 of 5 · limit 3 = ⌈45 % × 5⌉", "zh-hans": "A:5 人中 2 人 · 上限 3 = ⌈45% × 5⌉",
             "zh": "A:5 人中 2 人 · 上限 3 = ⌈45% × 5⌉"}[lang]
    assert limit in out


# --- Chinese all through ----------------------------------------------------------------------


class _Text(HTMLParser):
    """The text an HTML page shows (and says: titles and descriptions of its charts)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag == "style"

    def handle_endtag(self, tag):
        self._skip -= tag == "style"

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _latin_words(text: str) -> set[str]:
    """English words and ids (a lowercase letter in them: manager, on_time, nov.1, Week): a
    Chinese report may hold only grade letters (A, A+B) and the manual's own APP."""
    return set(re.findall(r"[A-Za-z]*[a-z][A-Za-z]*", text))


@pytest.mark.parametrize("lang", ("zh-hans", "zh"))
def test_chinese_in_every_format(demo, cli, monkeypatch, tmp_path, lang):
    from openpyxl import load_workbook

    terminal = _terminal(cli, monkeypatch, 100, "--lang", lang)
    md = cli("report", "--month", "2026-11", "--as", "赵海", "--format", "markdown",
             "--lang", lang).stdout
    page = _Text()
    page.feed(cli("report", "--month", "2026-11", "--as", "赵海", "--format", "html",
                  "--lang", lang).stdout)
    html_text = "".join(page.parts)
    target = tmp_path / "r.xlsx"
    assert cli("report", "--month", "2026-11", "--as", "赵海", "--format", "xlsx", "-o",
               str(target), "--lang", lang).exit_code == 0
    wb = load_workbook(target)
    cells = " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True)
                     for c in row if isinstance(c, str))
    for shown in (terminal, md, html_text, cells, " ".join(wb.sheetnames)):
        # no English word nor id (manager, on_time, nov.1, W45): names, dates, grades only
        assert _latin_words(shown) == set(), _latin_words(shown)
        assert "W45" not in shown
    for shown in (terminal, md, html_text, cells):
        assert "第45周" in shown  # the weeks, in Chinese
    simplified = lang == "zh-hans"
    assert ("绩效考核 2026年11月" if simplified else "績效考核 2026年11月") in md
    assert ("| 刘洋 | 策划主管 |" if simplified else "| 刘洋 | 策劃主管 |") in md
    assert wb.sheetnames == (
        ["本月目标", "下月目标", "任务", "周一计划与月末总结", "绩效考核", "请假与调休",
         "暂时工作交接", "来访登记"] if simplified else
        ["本月目標", "下月目標", "任務", "周一計劃與月末總結", "績效考核", "請假與調休",
         "暫時工作交接", "來訪登記"])
    # the JSON keeps the ids
    out = cli("report", "--month", "2026-11", "--json", "--lang", lang).json()
    assert out["plans"]["members"][0]["position"] == "clerk"
    assert out["goals"][0]["id"] == "nov.1"


# --- the workbook -------------------------------------------------------------------------------


def test_xlsx_typed_cells_named_sheets_fitted_columns(demo, cli, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "report.xlsx"
    r = cli("report", "--month", "2026-11", "--format", "xlsx", "-o", str(target), "--as", "赵海")
    assert r.exit_code == 0, r.stderr
    wb = load_workbook(target)
    goals = wb["Goals"]
    due = [row[1] for row in goals.iter_rows() if isinstance(row[0].value, str)
           and row[0].value.startswith("nov.")]
    assert len(due) == 6
    assert all(c.value == datetime(2026, 11, 30) and c.number_format == "yyyy-mm-dd" for c in due)
    shares = {row[0].value: (row[2].value, row[2].number_format, row[3].value)
              for row in wb["Appraisal"].iter_rows() if row[0].value in ("A", "B", "C", "D")
              and len(row) > 3 and isinstance(row[1].value, int)}
    assert shares == {"A": (0.4, "0%", 0.45), "B": (0.4, "0%", 0.3), "C": (0.2, "0%", 0.2),
                      "D": (0, "0%", 0.05)}
    handover = next(row for row in wb["Handovers"].iter_rows() if row[0].value == "王强")
    assert handover[2].value == datetime(2026, 11, 19, 13, 0)
    assert handover[2].number_format == "yyyy-mm-dd hh:mm"
    tasks = wb["Tasks"]
    done = next(row for row in tasks.iter_rows() if row[0].value == 47)
    assert (done[1].value, done[3].value) == ("元旦活动海报文案", datetime(2026, 11, 24))
    # column A is as wide as what is in it: ids and names, not the sheet's title
    width = {ws.title: ws.column_dimensions["A"].width for ws in wb}
    assert width["Tasks"] <= 10 and width["Plans"] <= 10 and width["Leave"] <= 10
    assert width["Goals"] == 60  # the goals' long text: at most 60, and wrapped
    assert next(r for r in goals.iter_rows() if str(r[0].value).startswith("nov.1 "))[
        0].alignment.wrap_text
    # a Chinese name counts double: 周女士(供应商) is 14 columns wide
    assert wb["Visitors"].column_dimensions["A"].width == 16


def test_sheet_names_and_widths():
    from ecomops.render.xlsx import display_width, sheet_name

    assert sheet_name("Goals [2026/11]: A*B?", set()) == "Goals 2026 11 A B"
    assert sheet_name("'quoted'", set()) == "quoted"
    long = "Monday plans and month-end summary of the department"
    assert len(sheet_name(long, set())) == 31
    assert sheet_name("Plans", {"plans"}) == "Plans (2)"
    assert len(sheet_name(long, {long[:31].strip()})) <= 31
    assert sheet_name("", set()) == "Sheet"
    assert (display_width("abc"), display_width("周女士"), display_width("A周")) == (3, 6, 3)


def test_short_position_names():
    from ecomops.render.document import short_position

    assert short_position("E-commerce Department Manager", "E-commerce Department") == "Manager"
    assert short_position("电商部经理", "电商部") == "经理"
    assert short_position("Copywriter", "E-commerce Department") == "Copywriter"
    assert short_position("电商部", "电商部") == "电商部"  # never empty


# --- the HTML in headless Chromium: html-validate, axe-core, 390 and 1280 pixels -------------


def _checker() -> tuple[str, str]:
    node = shutil.which("node")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    ready = (JS / "node_modules" / "html-validate").is_dir()
    if node is None or browser is None or not ready:
        missing = ", ".join(n for n, ok in (("node", node), ("chromium", browser),
                                             ("tests/js/node_modules (npm ci)", ready)) if not ok)
        if os.environ.get("CI"):
            pytest.fail(f"CI must have {missing}")
        pytest.skip(f"no {missing} on this machine")
    return node, browser


@pytest.mark.parametrize("lang", ("en", "zh-hans"))
def test_html_validates_is_accessible_and_fits_390_and_1280(demo, cli, tmp_path, lang):
    node, browser = _checker()
    target = tmp_path / "report.html"
    r = cli("report", "--month", "2026-11", "--format", "html", "-o", str(target), "--as", "赵海",
            "--lang", lang)
    assert r.exit_code == 0, r.stderr
    run = subprocess.run([node, str(JS / "check_html.mjs"), str(target), browser],
                         capture_output=True, text=True, timeout=300, cwd=JS)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout)
    assert out["validate"] == []
    assert set(out["widths"]) == {"390", "1280"}
    for width, seen in out["widths"].items():
        assert seen["innerWidth"] == int(width)
        assert seen["scrollWidth"] <= seen["innerWidth"], (width, seen["scrollWidth"])
        assert seen["axe"] == [], seen["axe"]
        assert "main" in seen["landmarks"] and seen["requests"] == []
    html = target.read_text(encoding="utf-8")
    for chart in ("grade-chart", "plan-chart"):
        assert f'aria-labelledby="{chart}-title {chart}-desc" id="{chart}"' in html
        assert f'<title id="{chart}-title">' in html and f'<desc id="{chart}-desc">' in html
    desc = {"en": "A: 2 of 5 (40 %), quota 45 %", "zh-hans": "A:5 人中 2 人(40%),规定比例 45%"}
    assert desc[lang] in html


def test_the_checker_finds_what_is_wrong(tmp_path):
    """The check can fail: a page with no main landmark, an image without text and a table
    wider than a phone is caught by all three."""
    node, browser = _checker()
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                   '<meta name="viewport" content="width=device-width, initial-scale=1">'
                   "<title>x</title></head><body><div><svg role=\"img\"></svg>"
                   '<table style="width:900px"><tr><td>x</td></tr></table>'
                   "<center>old</center></div></body></html>\n", encoding="utf-8")
    run = subprocess.run([node, str(JS / "check_html.mjs"), str(bad), browser],
                         capture_output=True, text=True, timeout=300, cwd=JS)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout)
    assert "deprecated" in {m["rule"] for m in out["validate"]}
    narrow = out["widths"]["390"]
    assert narrow["scrollWidth"] > 390
    assert {"landmark-one-main", "svg-img-alt"} <= {v["id"] for v in narrow["axe"]}
