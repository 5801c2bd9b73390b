"""``remind`` against SMTP servers and group robots that misbehave (issue 21, item 4): a server
that drips costs ``[network] timeout`` and no more, a robot's redirect is a failure and never
followed, nothing a robot says back shows its key or the signing secret (not in stdout, stderr,
``--json`` or the ledger), its answer is read up to 64 KB, and a connection limit is told apart
from a wrong password. Nothing is recorded as sent by a send that gave up.

The fake servers (tests/badservers.py) run in threads on 127.0.0.1 and stop by themselves."""

from __future__ import annotations

import json
import time

import pytest

from tests.badservers import DRIP_EVERY, FakeRobot, FakeSmtp, json_response, serve
from tests.test_remind import KEY, SECRET, _ledger, dept  # noqa: F401 (dept: a fixture)

#: the department of tests/test_remind.py: 李娜 and 王强 owe W48's Monday plan
pytestmark = pytest.mark.usefixtures("dept")

TIMEOUT = 2.0
#: what a give-up may take beyond the timeout: starting the command, a shared CPU
MARGIN = 2.0
PASSWORD = "fake-smtp-pw"
GROUP = "missing:2026-W48:before:group:webhook"


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setenv("ECOMOPS_NETWORK_TIMEOUT", str(TIMEOUT))


@pytest.fixture
def running():
    """Start fake servers for the test; all stopped at its end."""
    started: list = []

    def start(handler):
        server = serve(handler)
        started.append(server)
        return server.__enter__()

    yield start
    for server in started:
        server.__exit__(None, None, None)


def remind(cli) -> tuple:
    began = time.monotonic()
    r = cli("remind", "--json")
    return r, time.monotonic() - began


def nothing_sent(r, backend, channel: str) -> list[dict]:
    """The run failed, and the ledger has its reminders of ``channel`` failed, none sent."""
    assert r.exit_code == 1, r.stderr
    assert "message(s) could not be sent" in r.stderr
    rows = [x for x in _ledger(backend) if x["channel"] == channel]
    assert rows and {x["status"] for x in rows} == {"failed"}, rows
    assert all(x["sent_at"] is None for x in rows)
    return rows


# --- SMTP --------------------------------------------------------------------------------------


@pytest.fixture
def smtp(monkeypatch, running):
    """Point ``remind`` at a fake SMTP server (plain text, a login allowed over it)."""

    def start(server: FakeSmtp):
        up = running(server)
        for k, v in {
            "ECOMOPS_SMTP_HOST": "127.0.0.1",
            "ECOMOPS_SMTP_PORT": str(up.port),
            "ECOMOPS_SMTP_USER": "plans@huhao.example",
            "ECOMOPS_SMTP_PASSWORD": PASSWORD,
            "ECOMOPS_SMTP_STARTTLS": "0",
            "ECOMOPS_SMTP_INSECURE": "1",
        }.items():
            monkeypatch.setenv(k, v)
        return up

    return start


@pytest.mark.parametrize("step", ["greeting", "ehlo"])
def test_a_dripping_smtp_server_costs_the_timeout(cli, smtp, backend, step):
    """The first e-mail gives up 2 s after the reply began to trickle in; the run's other
    e-mails are not sent to a server it could not connect to (each would wait 2 s more), and
    fail at once with the same error, for the next run to try."""
    server = FakeSmtp(drip=step)
    up = smtp(server)
    r, took = remind(cli)
    rows = nothing_sent(r, backend, "email")
    assert r.json()["messages_failed"] >= 3  # 李娜, 王强, the head: all mails, none gone
    assert len({x["error"] for x in rows}) == 1
    assert all(f"gave no whole reply within {TIMEOUT:g} s" in x["error"] for x in rows)
    assert all(f"127.0.0.1:{up.port}" in x["error"] for x in rows)
    assert up.connections == 1
    # one timeout, not one per mail; a second for connecting on a busy machine (a drip that
    # was not given up would take far longer)
    assert TIMEOUT - DRIP_EVERY <= took < TIMEOUT + 1 + MARGIN, took
    assert server.messages == 0 and PASSWORD not in r.stdout + r.stderr


def test_the_smtp_send_alone_gives_up_in_time(smtp):
    from ecomops.config import load
    from ecomops.services.mail import MailError, send

    up = smtp(FakeSmtp(drip="greeting"))
    settings = load().smtp
    assert settings is not None and settings.timeout == TIMEOUT
    began = time.monotonic()
    with pytest.raises(MailError) as err:
        send(settings, to="lina@huhao.example", to_name="李娜", subject="s", body="b")
    took = time.monotonic() - began
    assert str(err.value).startswith(
        f"the SMTP server 127.0.0.1:{up.port} gave no whole reply within 2 s"
    )
    assert TIMEOUT - DRIP_EVERY <= took < TIMEOUT + 1.0, took


@pytest.mark.parametrize(
    ("server", "said"),
    [
        (
            FakeSmtp(greeting=b"421 4.7.0 Too many connections from your host\r\n"),
            "refused more connections (try again later): 421 4.7.0 Too many connections",
        ),
        (
            FakeSmtp(auth=b"454 4.7.0 Too many concurrent SMTP connections\r\n"),
            "refused more connections (try again later): 454",
        ),
        (
            FakeSmtp(auth=b"535 5.7.8 Authentication failed for fake-smtp-pw\r\n"),
            "refused the login for plans@huhao.example (check user and password): 535 5.7.8 "
            "Authentication failed for ***",
        ),
    ],
    ids=["greeting-421", "auth-454", "auth-535"],
)
def test_a_connection_limit_is_told_apart_from_a_wrong_password(
    cli, smtp, backend, server, said
):
    up = smtp(server)
    r, _took = remind(cli)
    rows = nothing_sent(r, backend, "email")
    assert all(said in x["error"] and f"127.0.0.1:{up.port}" in x["error"] for x in rows), rows
    assert PASSWORD not in r.stdout + r.stderr + json.dumps(rows, default=str)


# --- the group robot ---------------------------------------------------------------------------


@pytest.fixture
def robot(monkeypatch, running):
    """Point ``remind`` at a fake robot: ``kind``, its key in the URL, a signing secret."""

    def start(server: FakeRobot, kind: str = "wecom"):
        up = running(server)
        paths = {
            "wecom": f"/cgi-bin/webhook/send?key={KEY}",
            "dingtalk": f"/robot/send?access_token={KEY}",
            "feishu": f"/open-apis/bot/v2/hook/{KEY}",
        }
        monkeypatch.setenv("ECOMOPS_WEBHOOK_URL", f"http://127.0.0.1:{up.port}{paths[kind]}")
        monkeypatch.setenv("ECOMOPS_WEBHOOK_KIND", kind)
        monkeypatch.setenv("ECOMOPS_WEBHOOK_SECRET", SECRET)  # WeCom's unused, still masked
        return up

    return start


def no_key_anywhere(r, backend) -> None:
    shown = r.stdout + r.stderr + json.dumps(_ledger(backend), default=str)
    for secret in (KEY, SECRET, KEY.replace("-", "%2D")):
        assert secret not in shown, secret


def test_a_dripping_robot_costs_the_timeout(cli, robot, backend):
    robot(FakeRobot(drip=True))
    r, took = remind(cli)
    [row] = nothing_sent(r, backend, "webhook")
    assert f"gave no whole reply within {TIMEOUT:g} s" in row["error"]
    assert TIMEOUT - DRIP_EVERY <= took < TIMEOUT + MARGIN, took
    no_key_anywhere(r, backend)


def test_a_robot_that_never_stops_talking_is_read_up_to_64_kb(cli, robot, backend):
    """A 200 with no length and an answer that goes on: given up at 64 KB, well before the
    timeout."""
    endless = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + b"{" * 100
    server = FakeRobot(response=endless, endless=50_000_000)
    robot(server)
    r, took = remind(cli)
    [row] = nothing_sent(r, backend, "webhook")
    assert "gave an answer of more than 64 KB" in row["error"]
    assert took < TIMEOUT + MARGIN


def test_a_redirect_is_a_failure_and_never_followed(cli, robot, running, backend):
    """The robot answers 302 to another host (with the key): not followed, nothing posted
    there, the message failed and tried again on the next run."""
    elsewhere = FakeRobot()
    there = running(elsewhere)
    location = f"Location: http://127.0.0.1:{there.port}/cgi-bin/webhook/send?key={KEY}"
    robot(FakeRobot(response=json_response("302 Found", b"{}", location)))
    r, _took = remind(cli)
    [row] = nothing_sent(r, backend, "webhook")
    assert "answered HTTP 302, a redirect: not followed" in row["error"]
    assert elsewhere.posts == 0 and there.connections == 0
    assert str(there.port) not in r.stdout + r.stderr
    no_key_anywhere(r, backend)


def _echo(kind: str, port: int) -> bytes:
    """What a careless robot says back: the key, the secret, the URL with both."""
    url = f"http://127.0.0.1:{port}/robot/send?access_token={KEY}&timestamp=1&sign=x"
    said = f"invalid key {KEY} (secret {SECRET}), url {url}, quoted {KEY.replace('-', '%2D')}"
    field = "msg" if kind == "feishu" else "errmsg"
    return json.dumps({"code" if kind == "feishu" else "errcode": 40001, field: said}).encode()


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_a_robot_that_echoes_the_key_and_secret_is_quoted_masked(cli, robot, backend, kind):
    server = FakeRobot()
    up = robot(server, kind)
    server.response = json_response("200 OK", _echo(kind, up.port))
    r, _took = remind(cli)
    [row] = nothing_sent(r, backend, "webhook")
    assert "refused the message: 40001 invalid key *** (secret ***)" in row["error"], row
    [shown] = [x for x in r.json()["reminders"] if x["key"] == GROUP]
    assert shown["error"] == row["error"]
    no_key_anywhere(r, backend)


def test_an_http_error_that_echoes_the_key_is_quoted_masked(cli, robot, backend):
    server = FakeRobot()
    robot(server, "dingtalk")
    server.response = json_response(f"403 Forbidden for {KEY} {SECRET}", b"{}")
    r, _took = remind(cli)
    [row] = nothing_sent(r, backend, "webhook")
    assert "answered HTTP 403 Forbidden for *** ***" in row["error"], row
    no_key_anywhere(r, backend)


def test_a_robot_that_sends_nothing_back_is_a_failure_and_tried_again(cli, robot, backend):
    server = FakeRobot(response=b"")
    robot(server)
    r, took = remind(cli)
    [row] = nothing_sent(r, backend, "webhook")
    assert "cannot reach the robot" in row["error"] and took < TIMEOUT + MARGIN
    server.response = json_response("200 OK", b'{"errcode": 0, "errmsg": "ok"}')
    again = cli("remind", "--json")
    assert again.exit_code == 0, again.stderr
    assert [(x["status"], x["attempts"]) for x in again.json()["reminders"]] == [("sent", 2)]


@pytest.mark.parametrize("drip", [False, True], ids=["answers", "drips"])
def test_over_https(cli, running, monkeypatch, tmp_path, backend, drip):
    """The same over TLS (the robot's certificate checked against the system's authorities,
    here a throwaway one named by SSL_CERT_FILE): a robot that answers takes the message, one
    that drips costs the timeout."""
    import ssl

    from tests.mailserver import certificate

    context, cafile = certificate(tmp_path)
    server = FakeRobot(drip=drip)
    serving = serve(server, tls=context)
    up = serving.__enter__()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cafile))
        url = f"https://127.0.0.1:{up.port}/cgi-bin/webhook/send?key={KEY}"
        monkeypatch.setenv("ECOMOPS_WEBHOOK_URL", url)
        monkeypatch.setenv("ECOMOPS_WEBHOOK_KIND", "wecom")
        assert ssl.get_default_verify_paths().openssl_cafile_env == "SSL_CERT_FILE"
        r, took = remind(cli)
    finally:
        serving.__exit__(None, None, None)
    assert server.posts == 1
    if drip:
        [row] = nothing_sent(r, backend, "webhook")
        assert f"gave no whole reply within {TIMEOUT:g} s" in row["error"]
        assert TIMEOUT - DRIP_EVERY <= took < TIMEOUT + MARGIN, took
    else:
        assert r.exit_code == 0, r.stderr
        assert [x["status"] for x in r.json()["reminders"]] == ["sent"]
    no_key_anywhere(r, backend)


def test_sigterm_in_mid_send_stops_at_once_and_hands_back_what_was_not_begun(
    cli, smtp, robot, backend, monkeypatch
):
    """Stuck on a dripping SMTP server (timeout 30 s), a run stops within a moment of SIGTERM,
    with 143: the message in flight stays ``sending`` (it may have gone: sent again once its
    lease is over), the ones not begun are ``failed`` and go with the next run."""
    import os
    import signal
    import subprocess
    import sys

    mail = FakeSmtp(drip="greeting")
    up = smtp(mail)
    group = FakeRobot()
    robot(group)
    monkeypatch.setenv("ECOMOPS_NETWORK_TIMEOUT", "30")
    run = subprocess.Popen(
        [sys.executable, "-m", "ecomops", "remind"],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        ends = time.monotonic() + 30
        while time.monotonic() < ends and run.poll() is None and not up.connections:
            time.sleep(0.05)  # the interpreter starting
        time.sleep(1.0)  # stuck on the greeting
        assert run.poll() is None, run.communicate()
        sent = time.monotonic()
        run.send_signal(signal.SIGTERM)
        _out, err = run.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == 128 + signal.SIGTERM, err
    # at once against the timeout: interpreter shutdown alone takes ~0.5 s on a busy machine
    assert took < 5.0, took
    assert b"Traceback" not in err
    rows = _ledger(backend)
    in_flight = [x for x in rows if x["status"] == "sending"]
    handed_back = [x for x in rows if x["status"] == "failed"]
    assert in_flight and {x["channel"] for x in in_flight} == {"email"}
    assert len({x["address"] for x in in_flight}) == 1  # one message: one recipient
    assert {x["error"] for x in handed_back} == {"the run was stopped before sending it"}
    # the group's message went first (it never waits behind the e-mails), and is recorded
    sent = [x for x in rows if x["status"] == "sent"]
    assert [x["key"] for x in sent] == [GROUP] and group.posts == 1
    assert len(in_flight) + len(handed_back) + 1 == len(rows)

    mail.drip = None  # the server is well again: the next run sends what was handed back
    monkeypatch.setenv("ECOMOPS_NETWORK_TIMEOUT", str(TIMEOUT))
    again = cli("remind", "--json")
    assert again.exit_code == 0, again.stderr
    statuses = {x["key"]: x["status"] for x in again.json()["reminders"]}
    assert {statuses[x["key"]] for x in handed_back} == {"sent"}
    assert {statuses[x["key"]] for x in in_flight} == {"busy"}  # its lease is not over
    assert group.posts == 1  # not twice
