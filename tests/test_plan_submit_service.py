"""``plan submit`` is one use case in services (services.plans.submit_plan): the plan and its
audit entry in one transaction, then the mail when asked; the command line only parses,
calls and renders."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ecomops.db.session import Database
from ecomops.errors import EcomopsError, Suggest
from ecomops.services.plans import submit_plan
from tests.conftest import selected_target

NOW = datetime(2026, 10, 8, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def database(db, cli):
    for args in (["张伟", "-p", "manager", "--email", "zw@huhao.cn"],
                 ["李娜", "-p", "copywriter", "--manager", "张伟"]):
        r = cli("staff", "add", *args)
        assert r.exit_code == 0, r.stderr
    opened = Database(selected_target())
    yield opened
    opened.dispose()


def _submit(database, **given):
    args = dict(who="李娜", kind="week", period="2026-W41", summary="s", plan="p",
                now_fn=lambda: NOW, send=False, smtp=None)
    return submit_plan(database, **{**args, **given})


def test_the_plan_and_its_audit_entry_are_one_transaction(database):
    def broken_audit(session):
        raise RuntimeError("the audit trail is full")

    with pytest.raises(RuntimeError):
        _submit(database, audit=broken_audit)
    done = _submit(database, audit=lambda s: None)  # nothing of the first one was kept
    assert (done.stored.version, done.mailed) == (1, False)
    assert done.plan == done.stored


def test_a_failed_mail_leaves_the_plan_stored_and_suggests_sending_again(database):
    with pytest.raises(EcomopsError) as caught:
        _submit(database, send=True)  # no mail server is configured
    exc = caught.value
    assert exc.stored.version == 1
    assert exc.suggest == (Suggest("plan.send", ("李娜",), {"week": "2026-W41"}),)
    assert "retry with: plan.send(李娜, week=2026-W41)" in exc.plain()
    assert _submit(database).stored.version == 2  # a resubmission keeps the first


def test_a_paper_plan_received_at_a_typed_time(database):
    done = _submit(database, received_at="2026-10-05 10:00")
    assert done.stored.submitted_at.isoformat().startswith("2026-10-05T10:00")
