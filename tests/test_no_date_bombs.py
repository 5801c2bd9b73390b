"""No test may depend on the day it runs (the developers' guide). The ``db`` fixture's simulated
clock reads a fixed "now" from ``init`` on, so whatever a test does before it sets
``ECOMOPS_NOW`` itself happens on that day, not on the machine's. What this cannot see (a test
that makes a database of its own, or expects the machine's year) the far-date lane finds:
``.ci/run`` runs the whole suite again with the machine's clock years ahead
(``faketime '2029-07-16 10:00:00' pytest``)."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import NOW


def test_the_db_fixture_keeps_a_fixed_now_from_init_on(db, cli):
    pinned = datetime.fromisoformat(NOW + "+08:00")
    status = cli("db", "status", "--json").json()
    assert status["clock"] == "simulated"
    assert datetime.fromisoformat(status["handbook"]["loaded_at"]) == pinned
    assert cli("staff", "add", "王芳", "-p", "copywriter").exit_code == 0
    shown = cli("staff", "show", "王芳", "--json").json()
    assert datetime.fromisoformat(shown["since"]) == pinned
    assert shown["joined"] == pinned.date().isoformat()


def test_a_test_moves_the_clock_with_ecomops_now(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T18:00")
    assert cli("staff", "add", "王芳", "-p", "copywriter").exit_code == 0
    assert cli("staff", "show", "王芳", "--json").json()["joined"] == "2026-12-01"
