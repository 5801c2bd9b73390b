"""Rows built without re-validation (views.trusted: the 10k-row listings and the report) give
exactly what validated models give, and the test suite validates every one of them."""

from __future__ import annotations

from datetime import date

import pytest

from ecomops import views


def test_the_suite_validates_trusted_rows():
    assert views.STRICT
    with pytest.raises(Exception, match="validation error"):
        views.trusted(views.MemberPlansOut, {"name": "x"})


@pytest.mark.parametrize("strict", [True, False])
def test_trusted_and_validated_rows_are_the_same(strict, monkeypatch):
    monkeypatch.setattr(views, "STRICT", strict)
    fields = {
        "id": 7, "title": "写文案", "source": "manual", "ref": None, "goal": None,
        "owner": "王芳", "owner_position": "copywriter", "due": date(2026, 11, 2),
        "target": None, "status": "open", "overdue": True, "days_overdue": 3,
        "done_at": None, "note": None,
    }
    built = views.trusted(views.TaskOut, dict(fields))
    assert built == views.TaskOut(**fields)
    assert built.model_dump() == views.TaskOut(**fields).model_dump()
    assert built.model_fields_set == set(views.TaskOut.model_fields)


def test_demo_report_is_the_same_trusted_or_validated(cli, monkeypatch, tmp_path):
    from ecomops.cli.output import to_json

    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-27T18:00")
    db = tmp_path / "demo.db"
    assert cli("demo", "--db", str(db)).exit_code == 0
    outs = {}
    for strict in (True, False):
        monkeypatch.setattr(views, "STRICT", strict)
        r = cli("report", "--month", "2026-11", "--format", "json", "--as", "赵海",
                "--db", str(db))
        assert r.exit_code == 0, r.stderr
        listed = cli("tasks", "list", "--json", "--db", str(db))
        outs[strict] = (r.stdout, listed.stdout)
    assert outs[True] == outs[False]
    assert to_json([]) == "[]"


def test_production_output_path_is_tested_too():
    """The golden copies of every demo --json output are taken without the suite's
    validation (tests/golden/test_demo_json.py), as production builds them."""
    from pathlib import Path

    golden = (Path(__file__).parents[1] / "golden" / "test_demo_json.py").read_text("utf-8")
    assert 'monkeypatch.setattr(views, "STRICT", False)' in golden
    assert 'monkeypatch.delenv("ECOMOPS_STRICT_OUTPUT"' in golden
