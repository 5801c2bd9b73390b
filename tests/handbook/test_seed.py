"""The bundled handbook holds every item of the manual, with the manual's own Chinese text."""

from __future__ import annotations

import pytest

from ecomops.handbook.loader import load_manual
from tests.conftest import SEED, ZH_TEXT


@pytest.fixture(scope="module")
def manual():
    return load_manual(SEED).manual


@pytest.fixture(scope="module")
def zh_text() -> str:
    return ZH_TEXT.read_text(encoding="utf-8")


def items(m):
    """Every numbered item of the manual (tests/fixtures/handbook.zh.txt), as (label, Text)."""
    out = []
    out += [(f"functions.{i}", t) for i, t in enumerate(m.functions.items, 1)]
    out += [(f"conduct.{i}", t) for i, t in enumerate(m.conduct.items, 1)]
    out += [(f"daily.{i}", t) for i, t in enumerate(m.daily_rules.items, 1)]
    for p in m.positions:
        if p.card:
            out += [(f"{p.id}.duty.{i}", t) for i, t in enumerate(p.card.duties, 1)]
    out += [(f"grade.{g.id}", g.meaning) for g in m.appraisal.grades]
    for r in m.appraisal.rubrics:
        for c in r.criteria:
            out += [(f"{r.id}.{c.id}.{g}", t) for g, t in c.levels.items()]
    out.append(("central_goal", m.goals.central))
    out += [(gid, t) for gid, _, _, t in m.goal_items()]
    for ph in m.workflow.phases:
        out += [(f"{ph.id}.{i}", t) for i, t in enumerate(ph.items, 1)]
    for a in m.workflow.assignments:
        out += [(f"task.{a.position}.{i}", t) for i, t in enumerate(a.tasks, 1)]
    return out


def test_the_manual_has_151_items_in_the_counts_handbook_md_gives(manual):
    duties = {p.id: len(p.card.duties) for p in manual.positions if p.card}
    criteria = [c for r in manual.appraisal.rubrics for c in r.criteria]
    assert len(manual.functions.items) == 13
    assert len(manual.conduct.items) == 10
    assert len(manual.daily_rules.items) == 7
    assert duties == {"planning_supervisor": 12, "supervisor": 11, "copywriter": 7}
    assert len(manual.appraisal.grades) == 4
    assert len(manual.appraisal.rubrics) == 2
    assert len(criteria) == 10
    assert sum(len(c.levels) for c in criteria) == 40
    assert [len(g.items) for g in manual.goals.months] == [6, 8]
    assert [len(p.items) for p in manual.workflow.phases] == [8, 10, 9]
    assert [len(a.tasks) for a in manual.workflow.assignments] == [5, 0, 0]
    assert len(items(manual)) == 151


def test_every_item_quotes_the_manual_exactly(manual, zh_text):
    missing = [label for label, t in items(manual) if t.zh not in zh_text]
    assert missing == []


def test_every_other_chinese_text_is_the_manuals_too(manual, zh_text):
    texts = [manual.preamble, manual.general.text, manual.organisation.text,
             manual.appraisal.purpose]
    texts += [p.card.summary for p in manual.positions if p.card]
    texts += [r.name for r in manual.appraisal.rubrics]
    texts += [c.name for r in manual.appraisal.rubrics for c in r.criteria]
    texts += [g.name for g in manual.appraisal.grades]
    texts += [ph.name for ph in manual.workflow.phases]
    assert [t.zh for t in texts if t.zh not in zh_text] == []


def test_every_item_has_an_english_rendering(manual):
    bad = [label for label, t in items(manual) if not t.en.strip() or t.en == t.zh]
    assert bad == []


def test_rubrics_are_five_criteria_of_twenty_percent(manual):
    for r in manual.appraisal.rubrics:
        assert [c.weight for c in r.criteria] == [20] * 5
        assert all(sorted(c.levels) == ["A", "B", "C", "D"] for c in r.criteria)
    ids = {r.id: [c.id for c in r.criteria] for r in manual.appraisal.rubrics}
    assert ids == {
        "supervisor": ["organizing_planning", "leadership", "expertise", "problem_solving",
                       "coordination"],
        "copywriter": ["analysis", "execution", "expertise", "communication", "collaboration"],
    }


def test_grade_scale_as_the_manual_gives_it(manual):
    g = {x.id: (x.min, x.max, x.share, x.points) for x in manual.appraisal.grades}
    assert g == {"A": (90, 100, 45, 95), "B": (80, 90, 30, 85), "C": (60, 80, 20, 70),
                 "D": (0, 60, 5, 50)}
    kinds = {k.id: k.forced_distribution for k in manual.appraisal.cycle_kinds}
    assert kinds == {"monthly": True, "quarterly": True, "year_end": False}


def test_the_manuals_silences_are_marked_as_tool_defaults(manual):
    by_id = {p.id: p for p in manual.positions}
    assert manual.raters_of(by_id["manager"]) == ["general_manager"]
    assert manual.raters_of(by_id["planning_supervisor"]) == ["general_manager"]
    assert manual.raters_of(by_id["clerk"]) == ["manager", "general_manager"]
    assert manual.raters_of(by_id["copywriter"]) == ["manager", "general_manager"]
    assert {"rubric", "raters"} <= set(by_id["manager"].defaults)
    assert {"rubric", "raters"} <= set(by_id["clerk"].defaults)
    assert {"rubric", "raters"} <= set(by_id["planning_supervisor"].defaults)
    assert "rubric" not in by_id["copywriter"].defaults
    assert manual.calendar.year is None and "year" in manual.calendar.defaults
    assert manual.calendar.timezone == "Asia/Shanghai"
    assert (manual.calendar.effective_month, manual.calendar.effective_day) == (11, 17)
    assert "grades.points" in manual.appraisal.defaults


def test_manager_tasks_serve_the_goals_issue_5_names(manual):
    tasks = manual.workflow.assignments[0]
    assert tasks.position == "manager"
    assert [t.serves for t in tasks.tasks] == ["nov.1", "nov.4", "nov.1", "nov.2", "dec.3"]
