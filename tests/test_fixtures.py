"""The suite's own machinery (tests/conftest.py): a fixture's department built once per
process and copied after."""

from __future__ import annotations

import uuid


def test_prepared_builds_once_and_copies_what_the_build_left(db, cli, db_templates):
    runs = []

    def build():
        runs.append(1)
        assert cli("staff", "add", "李娜", "-p", "copywriter").exit_code == 0
        return {"value": 1}

    name = f"test-{uuid.uuid4().hex}"
    assert db_templates.prepared(name, build, db) == {"value": 1}
    built = cli("staff", "list", "--json").json()
    assert [p["name"] for p in built] == ["李娜"]
    # the test changes its database; the next one gets what the build left, not that
    assert cli("staff", "add", "王强", "-p", "supervisor").exit_code == 0
    assert db_templates.prepared(name, build, db) == {"value": 1}
    assert runs == [1]
    assert cli("staff", "list", "--json").json() == built


def test_prepared_builds_again_when_a_mail_server_is_set(db, cli, db_templates, monkeypatch):
    """A build's commands may send (plan submit mails the plan): with a server set, it runs."""
    runs = []

    def build():
        runs.append(1)

    name = f"test-{uuid.uuid4().hex}"
    db_templates.prepared(name, build, db)
    monkeypatch.setenv("ECOMOPS_SMTP_HOST", "127.0.0.1")
    db_templates.prepared(name, build, db)
    assert runs == [1, 1]
