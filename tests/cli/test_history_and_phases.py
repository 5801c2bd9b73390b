"""Grades over time (`appraisals history`, `report --year`, §6.1) and the build-up phases
(`phases`, §8.1)."""

from __future__ import annotations

import pytest

COPY = ["analysis", "execution", "expertise", "communication", "collaboration"]
SUP = ["organizing_planning", "leadership", "expertise", "problem_solving", "coordination"]


def rate(cli, name, cycle, rater, value, criteria=COPY):
    args = [a for c in criteria for a in ("-s", f"{c}={value}")]
    r = cli("appraise", name, "-c", cycle, "--as", rater, *args)
    assert r.exit_code == 0, r.stderr


@pytest.fixture
def year(db, cli, monkeypatch, prepared):
    """A manager, two copywriters under them and the general manager over three cycles:
    2026-10 and 2026-11 (monthly), 2026-Q4 (quarterly); 李娜's 2026-11 grade calibrated."""

    def build():
        monkeypatch.setenv("ECOMOPS_NOW", "2026-10-28T10:00")
        for args in (["总经理甲", "-p", "general_manager"], ["张伟", "-p", "manager"],
                     ["李娜", "-p", "copywriter", "--manager", "张伟"],
                     ["孙悦", "-p", "copywriter", "--manager", "张伟"]):
            assert cli("staff", "add", *args).exit_code == 0
        for cycle, now, lina, sunyue in (("2026-10", "2026-10-28T10:00", 92, 55),
                                         ("2026-11", "2026-11-27T10:00", 95, 58),
                                         ("2026-Q4", "2026-12-28T10:00", 92, 75)):
            monkeypatch.setenv("ECOMOPS_NOW", now)
            assert cli("cycle", "open", cycle, "--as", "总经理甲").exit_code == 0
            for rater in ("张伟", "总经理甲"):
                rate(cli, "李娜", cycle, rater, lina)
                rate(cli, "孙悦", cycle, rater, sunyue)
            if cycle == "2026-11":
                r = cli("calibrate", "李娜", "-c", cycle, "-g", "B", "--as", "总经理甲",
                        "--reason", "forced distribution")
                assert r.exit_code == 0, r.stderr

    prepared(build)
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-30T09:00")
    return db


# --- appraisals history ------------------------------------------------------------------------


def test_history_lists_every_cycle_in_time_order_with_the_calibration(year, cli):
    r = cli("appraisals", "history", "李娜", "--as", "李娜", "--json")
    assert r.exit_code == 0, r.stderr
    h = r.json()
    assert (h["employee"], h["position"], h["active"], h["hidden"]) == (
        "李娜", "copywriter", True, 0)
    assert [(c["cycle"], c["kind"], c["forced_distribution"], c["cycle_status"], c["status"],
             c["score"], c["grade"], c["final_grade"]) for c in h["cycles"]] == [
        ("2026-10", "monthly", True, "open", "complete", 92, "A", "A"),
        ("2026-11", "monthly", True, "open", "complete", 95, "A", "B"),
        ("2026-Q4", "quarterly", True, "open", "complete", 92, "A", "A"),
    ]
    assert h["final_grades"] == {"A": 2, "B": 1, "C": 0, "D": 0}
    [cal] = h["cycles"][1]["calibrations"]
    assert (cal["before"], cal["after"], cal["computed_grade"], cal["reason"], cal["by"]) == (
        "A", "B", "A", "forced distribution", "总经理甲")
    assert h["cycles"][0]["calibrations"] == [] == h["cycles"][2]["calibrations"]


def test_history_reads_as_appraisals_show_does(year, cli):
    mine = cli("appraisals", "history", "李娜", "--as", "李娜", "--json").json()
    for reader in ("张伟", "总经理甲"):  # her manager (her rater), the general manager
        r = cli("appraisals", "history", "李娜", "--as", reader, "--json")
        assert r.exit_code == 0, r.stderr
        assert r.json() == mine
    # a peer may read neither one appraisal nor the history
    for args in (["appraisals", "history", "李娜"], ["appraisals", "show", "李娜", "-c", "2026-11"]):
        r = cli(*args, "--as", "孙悦", "--json")
        assert r.exit_code == 1 and r.stdout == ""
        assert "孙悦 may not see 李娜's appraisal" in r.stderr
        assert "confidential" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    # nor may a subordinate read their manager's (nobody rated 张伟: pending everywhere)
    r = cli("appraisals", "history", "张伟", "--as", "李娜")
    assert r.exit_code == 1 and "李娜 may not see 张伟's appraisals" in r.stderr
    own = cli("appraisals", "history", "张伟", "--as", "张伟", "--json").json()
    assert [(c["status"], c["score"], c["final_grade"]) for c in own["cycles"]] == [
        ("pending", None, None)] * 3


def test_history_terminal_and_someone_never_appraised(year, cli):
    r = cli("appraisals", "history", "李娜", "--as", "总经理甲")
    assert r.exit_code == 0, r.stderr
    assert "2026-Q4" in r.stdout and "quarterly" in r.stdout
    assert "2026-11: calibrated" in r.stdout and "A → B" in r.stdout
    assert "forced distribution" in r.stdout
    # the general manager is in no rated position: no cycles, and only she or the keeper asks
    gm = cli("appraisals", "history", "总经理甲", "--as", "总经理甲", "--json")
    assert gm.exit_code == 0 and gm.json()["cycles"] == []
    assert cli("appraisals", "history", "总经理甲", "--as", "孙悦").exit_code == 1
    unknown = cli("appraisals", "history", "nobody", "--as", "总经理甲")
    assert unknown.exit_code == 1 and "no staff member named 'nobody'" in unknown.stderr


def test_a_cycle_the_reader_may_not_read_is_left_out(year, cli, backend, monkeypatch):
    """李娜 was appraised as a manager in a later cycle: rated by the general manager alone,
    so 张伟 (her manager, a rater of copywriters) no longer reads that one."""
    from sqlalchemy import create_engine, update

    from ecomops.db import schema

    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-30T09:00")
    assert cli("cycle", "open", "2026", "--year-end", "--as", "总经理甲").exit_code == 0
    engine = create_engine(backend.url.replace("postgresql://", "postgresql+psycopg2://"))
    with engine.begin() as conn:
        cm = schema.cycle_member
        conn.execute(update(cm).where(cm.c.cycle_id == "2026", cm.c.staff_id == (
            conn.execute(schema.staff.select().where(schema.staff.c.name == "李娜")).one().id
        )).values(position_id="manager"))
    engine.dispose()
    rate(cli, "李娜", "2026", "总经理甲", 85, SUP)
    gm = cli("appraisals", "history", "李娜", "--as", "总经理甲", "--json").json()
    assert [(c["cycle"], c["kind"], c["position"], c["final_grade"]) for c in gm["cycles"]][-1] == (
        "2026", "year_end", "manager", "B")
    assert gm["cycles"][-1]["forced_distribution"] is False and gm["hidden"] == 0
    boss = cli("appraisals", "history", "李娜", "--as", "张伟", "--json").json()
    assert [c["cycle"] for c in boss["cycles"]] == ["2026-10", "2026-11", "2026-Q4"]
    assert boss["hidden"] == 1
    shown = cli("appraisals", "history", "李娜", "--as", "张伟")
    assert "1 cycle left out" in shown.stderr


# --- report --year -------------------------------------------------------------------------------


def test_report_year_adds_the_years_grades_and_the_repeated_ones(year, cli):
    r = cli("report", "--year", "2026", "--as", "总经理甲", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert out["month"] == "2026-12"  # the month of now, in that year
    y = out["year_appraisal"]
    assert y["year"] == 2026
    assert [(c["id"], c["kind"], c["status"]) for c in y["cycles"]] == [
        ("2026-10", "monthly", "open"), ("2026-11", "monthly", "open"),
        ("2026-Q4", "quarterly", "open")]
    people = {p["employee"]: p for p in y["people"]}
    assert people["李娜"]["grades"] == {"2026-10": "A", "2026-11": "B", "2026-Q4": "A"}
    assert people["孙悦"]["grades"] == {"2026-10": "D", "2026-11": "D", "2026-Q4": "C"}
    assert people["张伟"]["grades"] == {"2026-10": None, "2026-11": None, "2026-Q4": None}
    assert [(x["employee"], x["grade"], x["count"], x["cycles"]) for x in y["repeated"]] == [
        ("李娜", "A", 2, ["2026-10", "2026-Q4"]),  # calibrated to B in 2026-11: not counted
        ("孙悦", "D", 2, ["2026-10", "2026-11"]),
    ]
    # the report without --year has no such section
    assert "year_appraisal" not in cli("report", "--as", "总经理甲", "--json").json()


def test_report_year_shows_only_what_the_reader_may_read(year, cli):
    y = cli("report", "--year", "2026", "--as", "孙悦", "--json").json()["year_appraisal"]
    people = {p["employee"]: p for p in y["people"]}
    assert people["李娜"]["visible"] is False and people["李娜"]["grades"] == {}
    assert people["孙悦"]["visible"] is True
    assert [x["employee"] for x in y["repeated"]] == ["孙悦"]
    # the keeper of a database with no bound login, naming nobody, reads everything (as the
    # month's appraisal section shows it)
    keeper = cli("report", "--year", "2026", "--json").json()["year_appraisal"]
    gm = cli("report", "--year", "2026", "--as", "总经理甲", "--json").json()["year_appraisal"]
    assert keeper == gm


def test_report_year_month_formats_and_limits(year, cli):
    out = cli("report", "--year", "2026", "--month", "2026-11", "--as", "总经理甲", "--json").json()
    assert out["month"] == "2026-11" and out["year_appraisal"]["year"] == 2026
    past = cli("report", "--year", "2025", "--as", "总经理甲", "--json").json()
    assert past["month"] == "2025-12"  # a year that is over: its December
    assert past["year_appraisal"] == {"year": 2025, "cycles": [], "people": [], "repeated": []}
    md = cli("report", "--year", "2026", "--as", "总经理甲", "--format", "markdown")
    assert md.exit_code == 0, md.stderr
    assert "Appraisals of the year 2026" in md.stdout
    assert "Graded A or D more than once" in md.stdout and "2026-10, 2026-Q4" in md.stdout
    table = cli("report", "--year", "2026", "--as", "孙悦")
    assert table.exit_code == 0 and "Appraisals of the year 2026" in table.stdout
    zh = cli("report", "--year", "2026", "--as", "总经理甲", "--format", "markdown",
             "--lang", "zh")
    assert "年度績效考核 2026" in zh.stdout
    bad = cli("report", "--year", "3000")
    assert bad.exit_code == 1 and "year 3000 is out of range" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


# --- phases --------------------------------------------------------------------------------------


def _phase_tasks(cli):
    return {t["ref"]: t["id"]
            for t in cli("tasks", "list", "--source", "phase", "--json").json()}


def test_phases_windows_counts_and_the_current_phase(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T09:00")
    ids = _phase_tasks(cli)
    assert cli("tasks", "done", str(ids["phase:preparation.1"])).exit_code == 0
    r = cli("phases", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["effective"], out["stage"], out["current"]) == (
        "2026-11-17", "during", "preparation")
    assert out["as_of"] == "2026-12-01T09:00:00+08:00" and out["overdue"] == []
    assert [(p["id"], p["number"], p["months_min"], p["months_max"], p["start"],
             p["latest_start"], p["target"], p["due"]) for p in out["phases"]] == [
        ("preparation", "8.1.1", 1, 3, "2026-11-17", "2026-11-17", "2026-12-17", "2027-02-17"),
        ("practice", "8.1.2", 3, 6, "2026-12-17", "2027-02-17", "2027-03-17", "2027-08-17"),
        ("integration", "8.1.3", 3, 6, "2027-03-17", "2027-08-17", "2027-06-17", "2028-02-17"),
    ]
    assert [(p["done"], p["total"], p["overdue"], p["current"], p["status"])
            for p in out["phases"]] == [
        (1, 8, 0, True, "current"), (0, 10, 0, False, "upcoming"), (0, 9, 0, False, "upcoming")]
    text = cli("phases")
    assert text.exit_code == 0 and "current phase: preparation" in text.stdout
    assert "1/8" in text.stdout
    zh = cli("phases", "--lang", "zh-hans", "--json").json()
    assert zh["phases"][0]["name"] == "筹办阶段"


def test_phases_later_what_is_overdue(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T09:00")
    ids = _phase_tasks(cli)
    assert cli("tasks", "done", str(ids["phase:preparation.1"])).exit_code == 0
    # a due date moved by hand counts as moved: one practice item is due early
    r = cli("tasks", "due", str(ids["phase:practice.1"]), "2027-05-01")
    assert r.exit_code == 0, r.stderr
    monkeypatch.setenv("ECOMOPS_NOW", "2027-06-01T09:00")
    out = cli("phases", "--json").json()
    assert (out["stage"], out["current"]) == ("during", "practice")
    assert [(p["id"], p["done"], p["overdue"], p["current"], p["status"])
            for p in out["phases"]] == [
        ("preparation", 1, 7, False, "overdue"), ("practice", 0, 1, True, "overdue"),
        ("integration", 0, 0, False, "open")]
    assert [(t["ref"], t["days_overdue"]) for t in out["overdue"]] == [
        *((f"phase:preparation.{n}", 104) for n in range(2, 9)), ("phase:practice.1", 31)]
    text = cli("phases")
    assert "current phase: practice" in text.stdout
    assert "Overdue" in text.stdout and "preparation.2" in text.stdout


@pytest.mark.parametrize(
    ("now", "stage", "current"),
    [("2026-11-16T23:00", "before", None), ("2026-11-17T00:00", "during", "preparation"),
     ("2027-02-17T23:59", "during", "preparation"), ("2027-02-18T00:00", "during", "practice"),
     ("2028-02-18T09:00", "after", None)],
)
def test_phases_current_by_the_clock(db, cli, monkeypatch, now, stage, current):
    monkeypatch.setenv("ECOMOPS_NOW", now)
    out = cli("phases", "--json").json()
    assert (out["stage"], out["current"]) == (stage, current)
    assert sum(p["current"] for p in out["phases"]) == (current is not None)
