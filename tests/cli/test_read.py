"""Reading the manual: rubric, roles, goals, rules, sections, and the manual check."""

from __future__ import annotations

import pytest

from ecomops.handbook.loader import load_manual
from tests.conftest import SEED

MANUAL = load_manual(SEED).manual


def test_rubric_show_copywriter_json(db, cli):
    r = cli("rubric", "show", "copywriter", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert out["rubric"] == {"id": "copywriter", "name": "E-commerce Copywriter Appraisal Scheme"}
    assert [q["id"] for q in out["raters"]] == ["manager", "general_manager"]
    assert [c["id"] for c in out["criteria"]] == [
        "analysis", "execution", "expertise", "communication", "collaboration"]
    assert [c["weight"] for c in out["criteria"]] == [20] * 5
    assert out["total_weight"] == 100
    rubric = MANUAL.rubric("copywriter")
    for crit, source in zip(out["criteria"], rubric.criteria, strict=True):
        assert [lv["grade"] for lv in crit["levels"]] == ["A", "B", "C", "D"]
        assert [lv["points"] for lv in crit["levels"]] == [95, 85, 70, 50]
        assert [lv["text"] for lv in crit["levels"]] == [source.levels[g].en for g in "ABCD"]


@pytest.mark.parametrize("name", ["文案", "copywriter", "Copywriter"])
def test_rubric_by_any_name(db, cli, name):
    assert cli("rubric", "show", name, "--json").json()["position"]["id"] == "copywriter"


@pytest.mark.parametrize("name", ["策劃主管", "策划主管", "planning_supervisor"])
def test_positions_by_traditional_or_simplified_name(db, cli, name):
    out = cli("roles", "show", name, "--json").json()
    assert out["id"] == "planning_supervisor"
    assert len(out["duties"]) == 12 and out["card_reports_to"] == "總經理"


def test_rubric_in_chinese_quotes_the_manual(db, cli):
    out = cli("rubric", "show", "电商部经理", "--lang", "zh", "--json").json()
    assert out["position"]["id"] == "manager"
    assert out["defaults"] == ["rubric", "raters"]
    lead = out["criteria"][1]
    assert lead["name"] == "領導能力" and lead["levels"][3]["text"] == "放任自流"
    hans = cli("rubric", "show", "manager", "--lang", "zh-hans", "--json").json()
    assert hans["criteria"][0]["name"] == "组织能力和筹划能力"


def test_position_without_a_rubric(db, cli):
    r = cli("rubric", "show", "總經理")
    assert r.exit_code == 1 and "position general_manager has no appraisal rubric" in r.stderr


def test_roles_list_json(db, cli):
    cli("staff", "add", "张伟", "--position", "manager")
    roles = cli("roles", "list", "--json").json()
    by_id = {p["id"]: p for p in roles}
    assert list(by_id) == ["general_manager", "manager", "planning_supervisor", "supervisor",
                           "copywriter", "clerk"]
    assert by_id["copywriter"]["raters"] == ["manager", "general_manager"]
    assert by_id["supervisor"]["reports_to"] == "general_manager"
    assert by_id["manager"]["staff"] == 1 and by_id["manager"]["head"] is True
    assert by_id["general_manager"]["in_department"] is False
    assert list(roles[0]) == sorted(roles[0])


def test_roles_show_a_position_without_a_card(db, cli):
    out = cli("roles", "show", "文員", "--json").json()
    assert out["id"] == "clerk" and out["card"] is False and out["duties"] == []
    assert out["raters"] == ["manager", "general_manager"]


def test_goals_list_by_month(db, cli):
    nov = cli("goals", "list", "--month", "2026-11", "--json").json()
    assert [g["id"] for g in nov] == [f"nov.{i}" for i in range(1, 7)]
    assert {g["due"] for g in nov} == {"2026-11-30"}
    assert nov[3]["text"] == "Settle the plan for the online/offline New Year's Day campaign."
    assert cli("goals", "list", "--month", "2026-10", "--json").stdout.strip() == "[]"
    assert len(cli("goals", "list", "--json").json()) == 14


def test_goals_empty_month_as_a_table_says_so_on_stderr(db, cli):
    r = cli("goals", "list", "--month", "2026-10")
    assert r.exit_code == 0 and r.stdout == "" and "no goals for 2026-10" in r.stderr


@pytest.mark.parametrize("month", ["2026-13", "11", "2026/13", "twenty"])
def test_bad_month(db, cli, month):
    r = cli("goals", "list", "--month", month)
    assert r.exit_code == 1 and "is not a month; write it as YYYY-MM" in r.stderr


def test_rules(db, cli):
    rules = cli("rules", "--json").json()
    assert len(rules) == 17
    keyed = {r["key"]: r for r in rules if r["key"]}
    assert keyed["protected_days"]["id"] == "daily_rules.7"
    assert keyed["visitors"]["section"] == "3.1" and keyed["visitors"]["number"] == 10
    zh = cli("rules", "--lang", "zh", "--json").json()
    assert zh[0]["text"] == "遵守公司規章制度,維護公司信譽,嚴守公司秘密"


def test_manual_show_whole_and_by_section(db, cli):
    whole = cli("manual", "show", "--json").json()
    assert [s["number"] for s in whole] == ["", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
    functions = cli("manual", "show", "2", "--json").json()[0]
    assert functions["id"] == "functions" and len(functions["items"]) == 13
    phases = cli("manual", "show", "phases", "--json").json()[0]
    assert [len(s["items"]) for s in phases["sections"]] == [8, 10, 9]
    r = cli("manual", "show", "functions", "--lang", "zh")
    assert "部門職能" in r.stdout and "負責互聯網新項目研發工作" in r.stdout


def test_manual_show_unknown_section(db, cli):
    r = cli("manual", "show", "12")
    assert r.exit_code == 1 and "no section '12' in the manual" in r.stderr


def test_manual_check_reports_the_manuals_inconsistencies(cli):
    r = cli("manual", "check", str(SEED), "--json")
    assert r.exit_code == 0
    out = r.json()
    assert out["valid"] is True and out["errors"] == []
    ids = {w["id"] for w in out["warnings"]}
    assert {
        "undefined_grades",                                # 1: A–E named, A–D defined
        "rubric_numbering",                                # 2: no item 2
        "identical_levels.supervisor.coordination",       # 3: same descriptors
        "blank_reports_to.supervisor", "blank_reports_to.copywriter",  # 4
        "no_card.manager", "no_card.clerk", "truncated.8.2.2", "truncated.8.2.3",  # 5
        "truncated.9",
        "no_year",                                         # 6
        "monday_plan_week",                                # 7
    } == {i for i in ids if not i.startswith("assumption.")}
    # the tool's own rules, told apart from the manual's: every permission is an assumption
    # (the others: tests/handbook/test_assumptions.py)
    from ecomops.handbook.model import ACTIONS

    assert {i for i in ids if i.startswith("assumption.permissions.")} == {
        f"assumption.permissions.{a}" for a in ACTIONS}


def test_manual_check_of_a_bad_file_exits_1_listing_errors(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED.read_text(encoding="utf-8").replace("          weight: 20\n",
                                                            "          weight: 30\n", 1),
                   encoding="utf-8")
    r = cli("manual", "check", str(bad), "--json")
    assert r.exit_code == 1
    out = r.json()
    assert out["valid"] is False and len(out["errors"]) == 1
    assert "weights add up to 110, not 100" in out["errors"][0]
    plain = cli("manual", "check", str(bad))
    assert plain.exit_code == 1 and "weights add up to 110" in plain.stderr


def test_computed_warnings_follow_the_data(cli, tmp_path):
    """Give the year and drop grade E from the declared levels: those warnings go away."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("  year: null\n", "  year: 2026\n")
    text = text.replace("declared_levels: [A, B, C, D, E]", "declared_levels: [A, B, C, D]")
    f = tmp_path / "fixed.yaml"
    f.write_text(text, encoding="utf-8")
    ids = {w["id"] for w in cli("manual", "check", str(f), "--json").json()["warnings"]}
    assert "no_year" not in ids and "undefined_grades" not in ids
    assert "identical_levels.supervisor.coordination" in ids


def test_unknown_language(db, cli):
    r = cli("rules", "--lang", "fr")
    assert r.exit_code == 1 and r.stderr.strip() == "error: unknown language 'fr'; use --lang en, zh or zh-hans"
