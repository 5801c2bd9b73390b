"""Counting complete appraisals in the database (``cycle list``, the dashboard, the bulk import
summary) must say what loading every sheet says; a closed cycle keeps the counts it closed
with."""

from __future__ import annotations

from ecomops.db import schema
from ecomops.db.session import Database
from ecomops.services.appraisal import load_cycle, progress
from ecomops.services.handbook import current
from tests.conftest import selected_target

COPY = ["analysis", "execution", "expertise", "communication", "collaboration"]
SUPERVISOR = ["organizing_planning", "leadership", "expertise", "problem_solving", "coordination"]


def _roster(cli, tmp_path) -> None:
    cli("staff", "add", "经理", "-p", "manager")
    cli("staff", "add", "总经理", "-p", "general_manager")
    f = tmp_path / "roster.csv"
    f.write_text("name,position\n" + "".join(f"文案{i},copywriter\n" for i in range(6))
                 + "主管甲,supervisor\n主管乙,supervisor\n", encoding="utf-8")
    assert cli("staff", "import", str(f)).exit_code == 0


def _counts(cycle: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(members, complete) by the SQL count and by loading every sheet."""
    database = Database(selected_target())
    try:
        with database.session(write=False) as s:
            m = current(s).manual
            counted = progress(s, m, [cycle])[cycle]
            state = load_cycle(s, m, cycle)
    finally:
        database.dispose()
    loaded = (len(state), sum(1 for a in state.values() if a.complete))
    return (counted.members, counted.complete), loaded


def test_the_count_agrees_with_loading_the_sheets(db, cli, tmp_path):
    _roster(cli, tmp_path)
    assert cli("cycle", "open", "2026-11").exit_code == 0
    # members: the manager, 6 copywriters, 2 supervisors (the general manager has no rubric)
    assert _counts("2026-11") == ((9, 0), (9, 0))
    rows = ["employee,rater," + ",".join(COPY)]
    rows += [f"文案{i},经理," + ",".join(["80"] * 5) for i in range(4)]  # manager's half
    rows += [f"文案{i},总经理," + ",".join(["B"] * 5) for i in (0, 1, 5)]  # GM: 0, 1 complete
    sheets = tmp_path / "s.csv"
    sheets.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = cli("appraise", "-c", "2026-11", "--from", str(sheets), "--json")
    assert r.exit_code == 0, r.stderr
    assert (r.json()["complete"], r.json()["pending"]) == (2, 3)  # of the 5 people touched
    sup = ["employee,rater," + ",".join(SUPERVISOR), "主管甲,总经理," + ",".join(["90"] * 5)]
    sheets.write_text("\n".join(sup) + "\n", encoding="utf-8")
    assert cli("appraise", "-c", "2026-11", "--from", str(sheets)).exit_code == 0
    # complete: 文案0, 文案1 (both raters), 主管甲 (the GM alone rates supervisors)
    assert _counts("2026-11") == ((9, 3), (9, 3))
    listed = cli("cycle", "list", "--json").json()[0]
    assert (listed["members"], listed["complete"], listed["pending"]) == (9, 3, 6)
    # the dashboard counts from the rows it reads the ratings owed from: the same
    shown = cli("today", "--json").json()["cycle"]
    assert (shown["members"], shown["complete"], shown["pending"]) == (9, 3, 6)


def test_people_read_in_bulk_are_the_people_read_one_by_one(db, cli, tmp_path):
    from sqlalchemy import select

    from ecomops.services.people import people_where, person_of

    _roster(cli, tmp_path)
    assert cli("staff", "deactivate", "文案5").exit_code == 0
    database = Database(selected_target())
    try:
        with database.session(write=False) as s:
            bulk = people_where(s)
            one = {r.id: person_of(r) for r in s.connection().execute(select(schema.staff))}
    finally:
        database.dispose()
    assert bulk == one and len(bulk) == 10
    assert any(p.deactivated_at is not None and not p.active for p in bulk.values())


def test_a_closed_cycle_keeps_its_counts(db, cli, tmp_path):
    _roster(cli, tmp_path)
    assert cli("cycle", "open", "2026-11").exit_code == 0
    sup = ["employee,rater," + ",".join(SUPERVISOR), "主管甲,总经理," + ",".join(["90"] * 5)]
    sheets = tmp_path / "s.csv"
    sheets.write_text("\n".join(sup) + "\n", encoding="utf-8")
    assert cli("appraise", "-c", "2026-11", "--from", str(sheets)).exit_code == 0
    closed = cli("cycle", "close", "2026-11", "--as", "总经理", "--override", "试行", "--json")
    assert closed.exit_code == 0, closed.stderr
    assert (closed.json()["members"], closed.json()["complete"]) == (9, 1)
    database = Database(selected_target())
    try:
        with database.session(write=False) as s:
            cy = schema.cycle
            stored = s.connection().execute(
                cy.select().with_only_columns(cy.c.closed_members, cy.c.closed_complete)
            ).one()
    finally:
        database.dispose()
    assert tuple(stored) == (9, 1)
    listed = cli("cycle", "list", "--json").json()[0]
    assert (listed["status"], listed["members"], listed["complete"]) == ("closed", 9, 1)
