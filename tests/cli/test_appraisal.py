"""Appraisals at review time: cycles, rating, scoring, the quota, calibration, confidentiality."""

from __future__ import annotations

from decimal import Decimal

import pytest

COPY = ["analysis", "execution", "expertise", "communication", "collaboration"]
SUP = ["organizing_planning", "leadership", "expertise", "problem_solving", "coordination"]


@pytest.fixture
def team(db, cli, monkeypatch, prepared):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T10:00")

    def build():
        for name, pos in [("总经理甲", "general_manager"), ("张伟", "manager"),
                          ("李娜", "copywriter"), ("王强", "supervisor"), ("陈静", "clerk")]:
            assert cli("staff", "add", name, "-p", pos).exit_code == 0
        assert cli("cycle", "open", "2026-11").exit_code == 0

    prepared(build)
    return db


def scores(*values):
    return [a for crit, v in zip(COPY, values, strict=True) for a in ("-s", f"{crit}={v}")]


def test_open_list_and_members(team, cli):
    cycles = cli("cycle", "list", "--json").json()
    assert [(c["id"], c["kind"], c["forced_distribution"], c["status"], c["members"])
            for c in cycles] == [("2026-11", "monthly", True, "open", 4)]
    assert cycles[0]["opened_at"] == "2026-11-27T10:00:00+08:00"
    q = cli("cycle", "open", "2026-q4", "--json").json()
    assert (q["id"], q["kind"]) == ("2026-Q4", "quarterly")
    y = cli("cycle", "open", "--year-end", "--json").json()
    assert (y["id"], y["kind"], y["forced_distribution"]) == ("2026", "year_end", False)
    again = cli("cycle", "open", "2026-11")
    assert again.exit_code == 1 and "cycle 2026-11 already exists (open)" in again.stderr


@pytest.mark.parametrize("bad", ["2026-13", "26-11", "2026-Q5", "November", "2026-11-01"])
def test_bad_cycle_ids(db, cli, bad):
    r = cli("cycle", "open", bad)
    assert r.exit_code == 1 and "is not a cycle id" in r.stderr


def test_a_copywriter_needs_both_raters_and_the_score_is_the_mean(team, cli):
    r = cli("appraise", "李娜", "-c", "2026-11", "--as", "张伟", "-l", "analysis=B",
            "-l", "execution=A", "-s", "expertise=80", "-s", "communication=88",
            "-s", "collaboration=90", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert out["sheet"]["total"] == 87.6  # (85 + 95 + 80 + 88 + 90) / 5
    assert [(s["criterion"], s["score"], s["given_as"], s["level"]) for s in out["sheet"]["scores"]] == [
        ("analysis", 85, "B", "B"), ("execution", 95, "A", "A"), ("expertise", 80, None, "B"),
        ("communication", 88, None, "B"), ("collaboration", 90, None, "A")]
    assert out["appraisal"]["status"] == "pending"
    assert out["appraisal"]["grade"] is None and out["appraisal"]["raters_missing"] == ["general_manager"]
    r = cli("appraise", "李娜", "-c", "2026-11", "--as", "总经理甲", *scores(90, 91, 85, 80, 90),
            "--json")
    a = r.json()["appraisal"]
    assert (a["status"], a["score"], a["grade"], a["final_grade"]) == ("complete", 87.4, "B", "B")
    assert a["criteria"] == {"analysis": 87.5, "execution": 93, "expertise": 82.5,
                             "communication": 84, "collaboration": 90}


def test_half_up_rounding_decides_the_grade(team, cli):
    # 89.9 and 90 → mean 89.95 → 90.0 → A
    cli("appraise", "李娜", "-c", "2026-11", "--as", "张伟", *scores(90, 90, 90, 90, "89.5"))
    out = cli("appraise", "李娜", "-c", "2026-11", "--as", "总经理甲", *scores(90, 90, 90, 90, 90),
              "--json").json()
    assert out["appraisal"]["score"] == 90 and out["appraisal"]["grade"] == "A"


def test_supervisors_are_rated_by_the_general_manager_alone(team, cli):
    args = [a for c in SUP for a in ("-s", f"{c}=75")]
    wrong = cli("appraise", "王强", "-c", "2026-11", "--as", "张伟", *args)
    assert wrong.exit_code == 1
    assert "张伟 (manager) does not rate supervisors; the handbook names: general_manager" in wrong.stderr
    ok = cli("appraise", "王强", "-c", "2026-11", "--as", "总经理甲", *args, "--json").json()
    assert ok["appraisal"]["status"] == "complete" and ok["appraisal"]["grade"] == "C"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["李娜", "--as", "李娜", *scores(1, 2, 3, 4, 5)], "nobody rates themselves"),
        (["李娜", "--as", "陈静", *scores(1, 2, 3, 4, 5)], "陈静 (clerk) does not rate copywriters"),
        (["李娜", "--as", "nobody", *scores(1, 2, 3, 4, 5)], "no staff member named 'nobody'"),
        (["nobody", "--as", "张伟", *scores(1, 2, 3, 4, 5)], "no staff member named 'nobody'"),
        (["李娜", "--as", "张伟", *scores(1, 2, 3, 4, 5)[:-2]], "no score for collaboration"),
        (["李娜", "--as", "张伟", *scores(1, 2, 3, 4, 5), "-s", "charm=9"], "unknown criterion 'charm'"),
        (["李娜", "--as", "张伟", *scores(1, 2, 3, 4, 101)], "collaboration: score 101 is outside 0–100"),
        (["李娜", "--as", "张伟", *scores(1, 2, 3, 4, -1)], "score -1 is outside 0–100"),
        (["李娜", "--as", "张伟", *scores(1, 2, 3, 4, "lots")], "score 'lots' is not a number"),
        (["李娜", "--as", "张伟", *scores(1, 2, 3, 4, "NaN")], "score 'NaN' is not a number"),
        (["李娜", "--as", "张伟", *scores(1, 2, 3, 4, "8.125")], "more than two decimals"),
        (["李娜", "--as", "张伟", *scores(1, 2, 3, 4, 5)[:-2], "-l", "collaboration=E"],
         "collaboration: level 'E' is not one of A, B, C, D"),
        (["李娜", "--as", "张伟", *scores(1, 2, 3, 4, 5), "-s", "分析能力=9"],
         "criterion analysis is given twice"),
        (["李娜", "--as", "张伟", "-s", "analysis"], "is not CRITERION=VALUE"),
        (["李娜", "--as", "张伟"], "no scores given"),
        (["李娜", *scores(1, 2, 3, 4, 5)], "say who you are with --as NAME"),
    ],
)
def test_bad_ratings_are_refused_and_write_nothing(team, cli, args, message):
    r = cli("appraise", "-c", "2026-11", *args)
    assert r.exit_code == 1
    assert message in r.stderr, r.stderr
    shown = cli("appraisals", "show", "李娜", "-c", "2026-11", "--as", "张伟", "--json").json()
    assert shown["sheets"] == []


def test_criteria_by_chinese_name_in_either_script(team, cli):
    args = ["-s", "分析能力=80", "-s", "執行能力=80", "-s", "专业知识和技能=80", "-s", "溝通能力=80",
            "-s", "协作能力=80"]
    r = cli("appraise", "李娜", "-c", "2026-11", "--as", "张伟", *args, "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["sheet"]["total"] == 80


def test_a_revision_keeps_every_earlier_version(team, cli, monkeypatch):
    cli("appraise", "李娜", "-c", "2026-11", "--as", "张伟", *scores(70, 70, 70, 70, 70))
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-28T09:00")
    cli("appraise", "李娜", "-c", "2026-11", "--as", "张伟", *scores(80, 80, 80, 80, 80),
        "--note", "revised after review")
    out = cli("appraisals", "show", "李娜", "-c", "2026-11", "--as", "张伟", "--json").json()
    assert [(s["version"], s["current"], s["total"], s["note"]) for s in out["sheets"]] == [
        (2, True, 80, "revised after review"), (1, False, 70, None)]
    assert out["sheets"][1]["at"] == "2026-11-27T10:00:00+08:00"
    assert out["sheets"][0]["scores"][0]["descriptor"].startswith("Tells priorities apart")


def test_a_closed_cycle_is_read_only(team, cli):
    pending = cli("cycle", "close", "2026-11", "--as", "总经理甲")
    assert pending.exit_code == 1 and "has 4 appraisals pending" in pending.stderr
    assert cli("cycle", "close", "2026-11", "--as", "总经理甲", "--override", "缺席").exit_code == 0
    r = cli("appraise", "李娜", "-c", "2026-11", "--as", "张伟", *scores(1, 2, 3, 4, 5))
    assert r.exit_code == 1 and "cycle 2026-11 is closed; a closed cycle is read-only" in r.stderr
    r = cli("calibrate", "李娜", "-c", "2026-11", "-g", "A", "--as", "张伟", "--reason", "x")
    assert r.exit_code == 1 and "is closed" in r.stderr
    assert cli("cycle", "close", "2026-11", "--as", "总经理甲").exit_code == 1


def test_unknown_cycle(team, cli):
    r = cli("appraise", "李娜", "-c", "2026-10", "--as", "张伟", *scores(1, 2, 3, 4, 5))
    assert r.exit_code == 1
    assert "no appraisal cycle 2026-10; open it with: ecomops cycle open 2026-10" in r.stderr


def test_confidentiality(team, cli):
    cli("appraise", "李娜", "-c", "2026-11", "--as", "张伟", *scores(80, 80, 80, 80, 80))
    cli("appraise", "王强", "-c", "2026-11", "--as", "总经理甲",
        *[a for c in SUP for a in ("-s", f"{c}=91")])
    r = cli("appraisals", "list", "-c", "2026-11", "--as", "李娜")
    assert r.exit_code == 1 and "李娜 is not a rater in cycle 2026-11" in r.stderr
    own = cli("appraisals", "show", "李娜", "-c", "2026-11", "--as", "李娜", "--json")
    assert own.exit_code == 0 and own.json()["sheets"][0]["total"] == 80
    other = cli("appraisals", "show", "王强", "-c", "2026-11", "--as", "李娜")
    assert other.exit_code == 1 and "may not see 王强's appraisal" in other.stderr
    listed = {a["employee"]: a for a in cli("appraisals", "list", "-c", "2026-11", "--as", "张伟",
                                            "--json").json()}
    assert listed["王强"]["visible"] is False and listed["王强"]["score"] is None
    assert listed["王强"]["status"] == "complete"
    assert listed["李娜"]["visible"] is True and listed["李娜"]["criteria"]["analysis"] == 80
    gm = {a["employee"]: a for a in cli("appraisals", "list", "-c", "2026-11", "--as", "总经理甲",
                                        "--json").json()}
    assert gm["王强"]["score"] == 91 and gm["王强"]["grade"] == "A"


def _big_team(cli, tmp_path, kind_args=("2026-12",)):
    """Twenty copywriters rated by both raters: ten A (99…90), five B, four C, one D."""
    cli("staff", "add", "总经理乙", "-p", "general_manager")
    cli("staff", "add", "经理乙", "-p", "manager")
    names = [f"员工{i:02d}" for i in range(20)]
    for n in names:
        assert cli("staff", "add", n, "-p", "copywriter").exit_code == 0
    finals = [99 - i for i in range(10)] + [85, 84, 83, 82, 81] + [75, 70, 65, 61] + [40]
    rows = ["employee,rater," + ",".join(COPY)]
    for n, v in zip(names, finals, strict=True):
        for rater in ("经理乙", "总经理乙"):
            rows.append(f"{n},{rater}," + ",".join([str(v)] * 5))
    f = tmp_path / "sheets.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return names, finals, f


def test_twenty_people_ten_a_quota_names_the_lowest_a(db, cli, tmp_path):
    names, finals, f = _big_team(cli, tmp_path)
    assert cli("cycle", "open", "2026-12").exit_code == 0
    r = cli("appraise", "-c", "2026-12", "--from", str(f), "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json() == {"complete": 20, "cycle": "2026-12", "employees": 20, "file": str(f),
                        "pending": 0, "sheets": 40}
    q = cli("quota", "check", "-c", "2026-12", "--as", "总经理乙", "--json")
    assert q.exit_code == 1
    out = q.json()
    assert (out["cycle"], out["exempt"], out["ok"]) == ("2026-12", False, False)
    (g,) = out["groups"]
    # the manager is appraised too (by the general manager) and has not been rated yet
    assert (g["group"], g["size"], g["pending"]) == ("department", 20, 1)
    assert g["counts"] == {"A": 10, "B": 5, "C": 4, "D": 1}
    assert g["limits"] == {"A": 9, "A+B": 15, "A+B+C": 19}
    assert g["violations"] == [{"count": 10, "grades": "A", "limit": 9}]
    assert g["moves"] == [{"employee": "员工09", "from": "A", "score": 90, "to": "B"}]
    # calibrate that person to B: the quota is then met, and the cycle may close
    assert cli("cycle", "close", "2026-12", "--as", "总经理乙").exit_code == 1
    c = cli("calibrate", "员工09", "-c", "2026-12", "-g", "B", "--as", "总经理乙", "--reason",
            "forced distribution", "--json")
    assert c.exit_code == 0, c.stderr
    assert {k: c.json()[k] for k in ("before", "after", "computed_grade", "by")} == {
        "before": "A", "after": "B", "computed_grade": "A", "by": "总经理乙"}
    q2 = cli("quota", "check", "-c", "2026-12", "--as", "总经理乙", "--json")
    assert q2.exit_code == 0 and q2.json()["groups"][0]["counts"]["A"] == 9
    shown = cli("appraisals", "show", "员工09", "-c", "2026-12", "--as", "经理乙", "--json").json()
    assert (shown["grade"], shown["final_grade"]) == ("A", "B")
    assert shown["calibrations"][0]["reason"] == "forced distribution"
    # the manager's own appraisal is still pending: closing needs the general manager's word
    closed = cli("cycle", "close", "2026-12", "--as", "总经理乙", "--override", "经理另行考核",
                 "--json").json()
    assert closed["status"] == "closed" and closed["close_override"] == "经理另行考核"


def test_the_same_people_in_a_year_end_cycle_pass(db, cli, tmp_path):
    names, finals, f = _big_team(cli, tmp_path)
    assert cli("cycle", "open", "2026", "--year-end").exit_code == 0
    assert cli("appraise", "-c", "2026", "--from", str(f)).exit_code == 0
    q = cli("quota", "check", "-c", "2026", "--as", "总经理乙", "--json")
    assert q.exit_code == 0
    out = q.json()
    assert out["exempt"] is True and out["ok"] is True
    assert out["groups"][0]["counts"]["A"] == 10 and out["groups"][0]["moves"] == []


def test_close_with_override_is_logged(db, cli, tmp_path):
    _, _, f = _big_team(cli, tmp_path)
    cli("cycle", "open", "2026-12")
    cli("appraise", "-c", "2026-12", "--from", str(f))
    r = cli("cycle", "close", "2026-12", "--as", "总经理乙")
    assert r.exit_code == 1
    assert "breaks the forced distribution (department: A 10 > 9)" in r.stderr
    ok = cli("cycle", "close", "2026-12", "--as", "总经理乙", "--override", "board decision",
             "--json").json()
    assert (ok["status"], ok["close_override"], ok["closed_by"]) == ("closed", "board decision", "总经理乙")


def test_strict_mode_and_grouping_by_position(db, cli, tmp_path):
    _, _, f = _big_team(cli, tmp_path)
    cli("cycle", "open", "2026-12")
    cli("appraise", "-c", "2026-12", "--from", str(f))
    out = cli("quota", "check", "-c", "2026-12", "--as", "总经理乙", "--strict", "--by",
              "position", "--json").json()
    assert out["strict"] is True and out["by"] == "position"
    groups = {g["group"]: g for g in out["groups"]}
    assert sorted(groups) == ["copywriter", "manager"]
    assert groups["manager"]["size"] == 0 and groups["manager"]["pending"] == 1
    g = groups["copywriter"]
    assert g["limits"] == {"A": 9, "B": 6, "C": 4, "D": 1}
    assert [(v["grades"], v["count"], v["limit"]) for v in g["violations"]] == [
        ("A", 10, 9), ("B", 5, 6)]
    assert [(m["employee"], m["from"], m["to"]) for m in g["moves"]] == [("员工09", "A", "B")]
    explained = cli("quota", "check", "-c", "2026-12", "--as", "总经理乙", "--explain")
    assert "ceil(45%·N) A" in explained.stdout and "ceil(75%·N) A+B" in explained.stdout


def test_bulk_import_is_all_or_nothing(team, cli, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(
        "employee,rater," + ",".join(COPY) + "\n"
        "李娜,张伟,80,80,80,80,80\n"          # 2: fine
        "李娜,李娜,80,80,80,80,80\n"          # 3: self-rating
        "李娜,张伟,80,80,80,80,80\n"          # 4: twice
        "陈静,总经理甲,80,80,80,80,101\n"     # 5: out of range
        "王强,总经理甲,80,80,80,80,80\n"      # 6: supervisor rubric has other criteria
        "nobody,张伟,80,80,80,80,80\n",       # 7: unknown
        encoding="utf-8",
    )
    r = cli("appraise", "-c", "2026-11", "--from", str(f))
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith(f"error: {f}: 5 problems; nothing was imported")
    assert [int(x.split(":")[1]) for x in lines[1:]] == [3, 4, 5, 6, 7]
    assert "nobody rates themselves" in lines[1]
    assert "张伟 rates 李娜 also on line 2" in lines[2]
    assert "score 101 is outside 0–100" in lines[3]
    assert "analysis, collaboration, communication, execution not in the supervisor rubric" in lines[4]
    listed = cli("appraisals", "list", "-c", "2026-11", "--as", "总经理甲", "--json").json()
    assert all(a["raters_done"] == [] for a in listed)


def test_calibration_rules(team, cli):
    gm = ("--as", "总经理甲")
    r = cli("calibrate", "李娜", "-c", "2026-11", "-g", "A", *gm, "--reason", "x")
    assert r.exit_code == 1 and "李娜's appraisal is pending" in r.stderr
    cli("appraise", "李娜", "-c", "2026-11", "--as", "张伟", *scores(80, 80, 80, 80, 80))
    cli("appraise", "李娜", "-c", "2026-11", *gm, *scores(80, 80, 80, 80, 80))
    assert cli("calibrate", "李娜", "-c", "2026-11", "-g", "B", *gm, "--reason",
               "x").exit_code == 1  # already B
    bad = cli("calibrate", "李娜", "-c", "2026-11", "-g", "E", *gm, "--reason", "x")
    assert bad.exit_code == 1 and "'E' is not a grade" in bad.stderr
    # the handbook's defaults: only the general manager calibrates
    for who, position in (("张伟", "manager"), ("陈静", "clerk")):
        no = cli("calibrate", "李娜", "-c", "2026-11", "-g", "A", "--as", who, "--reason", "x")
        assert no.exit_code == 1
        assert f"{who} ({position}) may not calibrate a final grade" in no.stderr
        assert "who may: General Manager" in no.stderr
    empty = cli("calibrate", "李娜", "-c", "2026-11", "-g", "A", *gm, "--reason", " ")
    assert empty.exit_code == 1 and "needs a reason" in empty.stderr
    assert cli("calibrate", "李娜", "-c", "2026-11", "-g", "A", *gm, "--reason",
               "project win").exit_code == 0
    assert cli("calibrate", "李娜", "-c", "2026-11", "-g", "C", *gm, "--reason",
               "complaint").exit_code == 0
    shown = cli("appraisals", "show", "李娜", "-c", "2026-11", "--as", "李娜", "--json").json()
    assert [(c["before"], c["after"], c["by"]) for c in shown["calibrations"]] == [
        ("B", "A", "总经理甲"), ("A", "C", "总经理甲")]
    assert (shown["grade"], shown["final_grade"]) == ("B", "C")


def test_interactive_rating_walks_through_each_criterion(team, cli, monkeypatch):
    import ecomops.cli.appraisal as mod

    monkeypatch.setattr(mod, "stdin_is_terminal", lambda: True)
    r = cli("appraise", "李娜", "-c", "2026-11", "--as", "张伟",
            input="B\n150\n90\nA\nc\n77\n")
    assert r.exit_code == 0, r.stderr
    assert "score 150 is outside 0–100" in r.stderr
    assert "Tells priorities apart, seizes the core problem" in r.stdout  # the A descriptor
    out = cli("appraisals", "show", "李娜", "-c", "2026-11", "--as", "张伟", "--json").json()
    got = [(s["criterion"], s["score"], s["given_as"]) for s in out["sheets"][0]["scores"]]
    assert got == [("analysis", 85, "B"), ("execution", 90, None), ("expertise", 95, "A"),
                   ("communication", 70, "C"), ("collaboration", 77, None)]
    assert Decimal(str(out["sheets"][0]["total"])) == Decimal("83.4")


# --- one rule for one sheet and for a file of them --------------------------------------------


@pytest.mark.parametrize("bound", [False, True], ids=["as", "login"])
def test_a_file_cannot_replace_a_superiors_sheet(team, cli, tmp_path, caller, bound, backend):
    """A row naming another rater needs the right to act for that rater, as ``--as`` does: the
    manager's file does not replace the general manager's sheet, and refuses whole."""
    if bound and backend.kind == "sqlite":
        pytest.skip("on SQLite the file's owner is the keeper whatever login is bound")
    gm = cli("appraise", "李娜", "-c", "2026-11", "--as", "总经理甲", *scores(75, 75, 75, 75, 76))
    assert gm.exit_code == 0, gm.stderr
    if bound:  # the manager's own login
        assert cli("staff", "link", "张伟", "--login", caller).exit_code == 0
        who: tuple[str, ...] = ()
    else:  # single-keeper mode, the keeper acting as the manager
        who = ("--as", "张伟")
    f = tmp_path / "s.csv"
    f.write_text(
        "employee,rater," + ",".join(COPY) + "\n"
        "李娜,张伟,80,80,80,80,80\n"          # 2: his own sheet: fine
        "李娜,总经理甲,93,93,93,93,94\n"      # 3: his superior's
        "陈静,总经理甲,90,90,90,90,90\n",     # 4: again
        encoding="utf-8",
    )
    r = cli("appraise", "-c", "2026-11", "--from", str(f), *who)
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith(f"error: {f}: 2 problems; nothing was imported")
    for line, n in zip(lines[1:], (3, 4), strict=True):
        assert line.startswith(f"  {f}:{n}: 张伟 (manager) may act only for people under them, "
                               "not for 总经理甲 (general_manager)")
    if bound:  # the one-sheet command says the same
        one = cli("appraise", "李娜", "-c", "2026-11", "--as", "总经理甲", *scores(93, 93, 93, 93, 94))
        assert one.exit_code == 1 and "may act only for people under them" in one.stderr
    shown = cli("appraisals", "show", "李娜", "-c", "2026-11", *who, "--json").json()
    assert [(s["rater"], s["version"], s["total"], s["entered_by"]) for s in shown["sheets"]] == [
        ("总经理甲", 1, 75.2, None)]  # nothing written, not even line 2


def test_a_sheet_entered_on_the_raters_behalf_says_who_entered_it(team, cli, tmp_path, caller):
    assert cli("staff", "link", "总经理甲", "--login", caller).exit_code == 0
    f = tmp_path / "s.csv"
    f.write_text(
        "employee,rater," + ",".join(COPY) + "\n李娜,张伟,80,80,80,80,80\n"
        "李娜,总经理甲,90,90,90,90,90\n",
        encoding="utf-8",
    )
    r = cli("appraise", "-c", "2026-11", "--from", str(f), "--json")
    assert r.exit_code == 0, r.stderr and r.json()["sheets"] == 2
    one = cli("appraise", "陈静", "-c", "2026-11", "--as", "张伟", *scores(70, 70, 70, 70, 70),
              "--json")
    assert one.exit_code == 0, one.stderr
    assert (one.json()["sheet"]["rater"], one.json()["sheet"]["entered_by"]) == ("张伟", "总经理甲")
    shown = cli("appraisals", "show", "李娜", "-c", "2026-11", "--json").json()
    assert sorted((s["rater"], s["entered_by"]) for s in shown["sheets"]) == [
        ("张伟", "总经理甲"), ("总经理甲", None)]
    titles = [line.strip() for line in
              cli("appraisals", "show", "李娜", "-c", "2026-11").stdout.splitlines()]
    assert "张伟 (manager), version 1, 2026-11-27 10:00, entered by 总经理甲" in titles
    assert "总经理甲 (general_manager), version 1, 2026-11-27 10:00" in titles  # by the rater
    zh = cli("appraisals", "show", "李娜", "-c", "2026-11", "--lang", "zh-hans").stdout
    assert "录入人 总经理甲" in zh
