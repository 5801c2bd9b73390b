"""The tool's assumptions, told apart from the manual's word: `manual check` lists every value
the file holds under a `defaults:` key, and the rules in the code the manual does not state,
each with the handbook text it interprets."""

from __future__ import annotations

import pytest

from ecomops.handbook.checks import assumptions
from ecomops.handbook.loader import load_manual, parse_manual_text
from ecomops.handbook.model import ACTIONS
from tests.conftest import SEED


@pytest.fixture(scope="module")
def manual():
    return load_manual(SEED).manual


@pytest.fixture(scope="module")
def found(manual):
    return {f.id: f for f in assumptions(manual)}


def _listed(manual) -> set[str]:
    """Every ``defaults:`` entry of the file, as the assumption id that covers it."""
    ids = {f"assumption.calendar.{n}" for n in manual.calendar.defaults}
    ids |= {f"assumption.positions.{p.id}.{n}" for p in manual.positions for n in p.defaults}
    ids |= {f"assumption.appraisal.{n}" for n in manual.appraisal.defaults}
    ids |= {f"assumption.appraisal.quota.{n}" for n in manual.appraisal.quota.defaults}
    ids |= {
        f"assumption.workflow.assignments.{a.position}.{n}"
        for a in manual.workflow.assignments
        for n in a.defaults
    }
    if "permissions" in manual.defaults:
        ids |= {f"assumption.permissions.{a}" for a in manual.permission_table}
    return ids


def test_every_default_in_the_file_is_an_assumption(manual, found):
    assert _listed(manual) <= set(found)
    # the ones this handbook holds, by name (so that an empty walk cannot pass)
    assert {
        "assumption.calendar.year",
        "assumption.calendar.timezone",
        "assumption.positions.manager.reports_to",
        "assumption.positions.manager.rubric",
        "assumption.positions.manager.raters",
        "assumption.positions.planning_supervisor.rubric",
        "assumption.positions.supervisor.reports_to",
        "assumption.positions.copywriter.reports_to",
        "assumption.positions.clerk.raters",
        "assumption.appraisal.grades.points",
        "assumption.appraisal.quota.rule",
        "assumption.appraisal.quota.min_group_size",
        "assumption.appraisal.quota.strict",
        "assumption.workflow.assignments.manager.tasks.serves",
        *(f"assumption.permissions.{a}" for a in ACTIONS),
    } <= set(found)


def test_and_the_rules_in_the_code_the_manual_does_not_state(manual, found):
    built_in = {
        "assumption.appraisal.rater_weights",
        "assumption.appraisal.rounding",
        "assumption.calendar.protected_days",
        "assumption.appraisal.cycle_kinds",
    }
    assert set(found) == _listed(manual) | built_in
    assert len(found) == len(assumptions(manual))  # each once


@pytest.mark.parametrize(
    ("fid", "section", "quote", "assumed"),
    [
        # (id, handbook section, the handbook's words it interprets, the tool's value)
        ("assumption.appraisal.quota.rule", "6.2", "除年末績效外",
         "at most ceil(45%·N) A, at most ceil(75%·N) A+B, at most ceil(95%·N) A+B+C"),
        ("assumption.appraisal.grades.points", "6.2", "D 59分如下", "A 95, B 85, C 70, D 50"),
        ("assumption.appraisal.rater_weights", "6.2", "直接上級", "equal weights"),
        ("assumption.calendar.protected_days", "3.2", "這兩日不受理請假需求和安排調休",
         "the week's first working day"),
        ("assumption.appraisal.cycle_kinds", "6.2", "除年末績效外",
         "monthly and quarterly cycles"),
        ("assumption.appraisal.rounding", "6.2", "59分如下", "89.9 → B, 90 → A"),
        ("assumption.positions.copywriter.reports_to", "5", "報告對象",
         "copywriter reports to manager"),
        ("assumption.positions.clerk.rubric", "6.2", "文員", "the copywriter rubric"),
        ("assumption.workflow.assignments.manager.tasks.serves", "8.2.1", "8.2.1",
         "1 → nov.1, 2 → nov.4, 3 → nov.1, 4 → nov.2, 5 → dec.3"),
        ("assumption.calendar.year", "5", "11.17", "the year the database is initialised"),
        ("assumption.calendar.timezone", "3.2", "time zone", "Asia/Shanghai"),
    ],
)
def test_each_says_what_the_handbook_says_and_what_the_tool_assumes(
    found, fid, section, quote, assumed
):
    f = found[fid]
    assert f.section == section
    assert quote in f.text.en and assumed in f.text.en, f.text.en
    assert f.text.zh != f.text.en and "本工具" in f.text.zh


def test_the_values_come_from_the_file(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("      points: 95\n", "      points: 92\n", 1)
    text = text.replace("    min_group_size: 1\n", "    min_group_size: 5\n", 1)
    text = text.replace("  year: null\n", "  year: 2026\n", 1)
    m = parse_manual_text(text, "edited.yaml")
    found = {f.id: f for f in assumptions(m)}
    assert "A 92, B 85" in found["assumption.appraisal.grades.points"].text.en
    assert "groups of 5 or more" in found["assumption.appraisal.quota.min_group_size"].text.en
    assert "assumes 2026" in found["assumption.calendar.year"].text.en


def test_a_default_the_checks_have_no_words_for_is_listed_with_its_value():
    text = SEED.read_text(encoding="utf-8").replace(
        "  defaults: [year, timezone]\n", "  defaults: [year, timezone, effective_day]\n", 1)
    m = parse_manual_text(text, "edited.yaml")
    f = {f.id: f for f in assumptions(m)}["assumption.calendar.effective_day"]
    assert f.text.en == "The manual does not give calendar.effective_day; ecomops assumes: 17."


def test_a_file_without_defaults_lists_only_the_rules_in_the_code(manual):
    bare = manual.model_copy(
        update={
            "defaults": [],
            "calendar": manual.calendar.model_copy(update={"defaults": []}),
            "positions": [p.model_copy(update={"defaults": []}) for p in manual.positions],
            "appraisal": manual.appraisal.model_copy(
                update={
                    "defaults": [],
                    "quota": manual.appraisal.quota.model_copy(update={"defaults": []}),
                }
            ),
            "workflow": manual.workflow.model_copy(
                update={
                    "assignments": [
                        a.model_copy(update={"defaults": []})
                        for a in manual.workflow.assignments
                    ]
                }
            ),
        }
    )
    assert [f.id for f in assumptions(bare)] == [
        "assumption.appraisal.rater_weights",
        "assumption.appraisal.rounding",
        "assumption.calendar.protected_days",
        "assumption.appraisal.cycle_kinds",
    ]


def test_manual_check_lists_them_in_either_script(cli):
    r = cli("manual", "check", str(SEED), "--json")
    assert r.exit_code == 0
    warnings = {w["id"]: w for w in r.json()["warnings"]}
    assert "assumption.appraisal.quota.rule" in warnings
    hans = cli("manual", "check", str(SEED), "--json", "--lang", "zh-hans").json()["warnings"]
    rule = next(w for w in hans if w["id"] == "assumption.appraisal.quota.rule")
    assert "除年末绩效外" in rule["message"] and "累计上限" in rule["message"]
    plain = cli("manual", "check", str(SEED))
    assert "warning §6.2 assumption.appraisal.quota.rule" in plain.stdout
    assert "warning defaults assumption.permissions.rate" in plain.stdout  # no "§defaults"
