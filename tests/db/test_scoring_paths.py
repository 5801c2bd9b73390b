"""The quota and the report sum rater totals in the database; the sheets view sums them in
Python. Both must give the same scores and grades to the last decimal."""

from __future__ import annotations

import random

from ecomops.db.session import Database
from ecomops.services.appraisal import load_cycle
from ecomops.services.handbook import current
from tests.conftest import selected_target

COPY = ["analysis", "execution", "expertise", "communication", "collaboration"]


def test_sql_and_python_totals_agree(db, cli, tmp_path):
    rng = random.Random(7)
    cli("staff", "add", "经理", "-p", "manager")
    cli("staff", "add", "总经理", "-p", "general_manager")
    rows = ["employee,rater," + ",".join(COPY)]
    people = [f"文案{i:02d}" for i in range(40)]
    f = tmp_path / "roster.csv"
    f.write_text("name,position\n" + "".join(f"{p},copywriter\n" for p in people),
                 encoding="utf-8")
    assert cli("staff", "import", str(f)).exit_code == 0
    for i, p in enumerate(people):
        for rater in ("经理", "总经理"):
            if i < 4:  # edge cases: means of exactly x.x5
                values = ["89.9", "90", "90", "90", "89.85"] if rater == "经理" else ["90"] * 5
            else:
                values = [str(rng.choice([rng.randint(50, 100), rng.randint(5000, 10000) / 100]))
                          for _ in COPY]
            rows.append(f"{p},{rater}," + ",".join(values))
    sheets = tmp_path / "sheets.csv"
    sheets.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert cli("cycle", "open", "2026-11").exit_code == 0
    r = cli("appraise", "-c", "2026-11", "--from", str(sheets))
    assert r.exit_code == 0, r.stderr
    database = Database(selected_target())
    try:
        with database.session(write=False) as s:
            m = current(s).manual
            python = load_cycle(s, m, "2026-11", detail=True)
            sql = load_cycle(s, m, "2026-11", detail=False)
    finally:
        database.dispose()
    assert {k: (a.score, a.grade) for k, a in python.items()} == {
        k: (a.score, a.grade) for k, a in sql.items()}
    edge = [a for a in python.values() if a.name == "文案00"][0]
    assert (str(edge.score), edge.grade) == ("90.0", "A")  # (89.95 + 90) / 2 = 89.975 → 90.0
