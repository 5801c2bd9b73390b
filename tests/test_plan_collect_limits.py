"""``plan collect`` against IMAP servers that misbehave (issue 21, item 4): a server that drips
its replies costs ``[network] timeout`` and no more, a message is never read past ``[imap]
max_bytes`` whatever size the server announced, a malformed reply is one line and exit 1, a
connection limit is told apart from a wrong password, and SIGTERM stops the command at once.
Nothing is recorded by a run that gave up.

The fake servers (tests/badservers.py) run in threads on 127.0.0.1 and stop by themselves; the
connection limit is Dovecot's own (tests/imapserver.py)."""

from __future__ import annotations

import time

import pytest

from tests.badservers import DRIP_EVERY, FakeImap, Server, fetch_reply, serve
from tests.test_plan_collect import PLAN_UTF8, dept, message  # noqa: F401 (dept: a fixture)

#: the department of tests/test_plan_collect.py, with roster addresses
pytestmark = pytest.mark.usefixtures("dept")

TIMEOUT = 2.0
#: what a give-up may take beyond the timeout: starting the command, a shared CPU
MARGIN = 2.0
PASSWORD = "fake-imap-pw"

LINA = message("lina@huhao.example", "W48", PLAN_UTF8, mid="<lina-1@x>")
CHEN = message("chenjing@huhao.example", "W48", PLAN_UTF8, mid="<chen-1@x>")


@pytest.fixture
def fake(monkeypatch, tmp_path):
    """Run a :class:`FakeImap` and point ``plan collect`` at it, with a 2 s timeout."""

    def start(server: FakeImap) -> Server:
        running = serve(server)
        up = running.__enter__()
        started.append(running)
        port = up.port
        for k, v in {
            "ECOMOPS_IMAP_HOST": "127.0.0.1",
            "ECOMOPS_IMAP_PORT": str(port),
            "ECOMOPS_IMAP_USER": "head@huhao.example",
            "ECOMOPS_IMAP_PASSWORD": PASSWORD,
            "ECOMOPS_IMAP_INSECURE": "1",
            "ECOMOPS_NETWORK_TIMEOUT": str(TIMEOUT),
            "ECOMOPS_CONFIG": str(tmp_path / "none.toml"),
        }.items():
            monkeypatch.setenv(k, v)
        return up

    started: list = []
    yield start
    for running in started:
        running.__exit__(None, None, None)


def collect(cli) -> tuple:
    began = time.monotonic()
    r = cli("plan", "collect")
    return r, time.monotonic() - began


def nothing_recorded(cli) -> None:
    for name in ("李娜", "陈静"):
        assert cli("plan", "show", name, "--week", "2026-W48").exit_code == 1
    assert [a for a in cli("audit", "--json").json() if a["command"] == "plan collect"] == []


def one_line(r, port: int, text: str) -> None:
    assert r.exit_code == 1, (r.exit_code, r.stderr)
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("error: "), r.stderr
    assert f"127.0.0.1:{port}" in r.stderr and text in r.stderr, r.stderr
    assert PASSWORD not in r.stdout + r.stderr


# --- slow servers ------------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["greeting", "search"])
def test_a_server_that_drips_costs_the_timeout(cli, fake, step):
    """One byte every half second: each read would wait well under a socket timeout, and the
    reply would take minutes; the command gives up when the whole reply is 2 s late."""
    port = fake(FakeImap(messages={1: LINA}, drip=step)).port
    r, took = collect(cli)
    one_line(r, port, f"gave no whole reply within {TIMEOUT:g} s")
    assert TIMEOUT - DRIP_EVERY <= took < TIMEOUT + MARGIN, took
    nothing_recorded(cli)


# --- sizes -------------------------------------------------------------------------------------


def test_a_message_far_larger_than_announced_is_never_read(cli, fake, monkeypatch):
    """The server says 10 bytes, then answers the FETCH with a 300 MB literal: refused at its
    announcement, before a byte of it is held."""
    import tracemalloc

    monkeypatch.setenv("ECOMOPS_IMAP_MAX_BYTES", "3000")
    server = FakeImap(messages={1: LINA}, sizes={1: 10}, body_literal=300_000_000)
    port = fake(server).port
    tracemalloc.start()
    try:
        r, took = collect(cli)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    one_line(r, port, "sent 300,000,000 bytes in one piece where at most 3,001 were asked for")
    assert took < TIMEOUT + MARGIN
    assert peak < 20_000_000, peak  # the whole run, the database and the CLI included
    nothing_recorded(cli)


def test_a_message_larger_than_its_announced_size_is_listed_and_the_rest_recorded(cli, fake, monkeypatch):
    """A server that keeps to the range asked (at most max_bytes + 1 bytes) but gave a smaller
    size: the message is too big, listed, and the run goes on."""
    monkeypatch.setenv("ECOMOPS_IMAP_MAX_BYTES", "3000")
    big = message("chenjing@huhao.example", "W48", PLAN_UTF8 + "很长 " * 2000, mid="<big@x>")
    fake(FakeImap(messages={1: LINA, 2: big}, sizes={2: 10}))
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    assert [x["person"] for x in r.json()["recorded"]] == ["李娜"]
    [skipped] = r.json()["skipped"]
    assert skipped["reason"] == (
        "too big: more than 3000 bytes ([imap] max_bytes), though the server gave its size as 10"
    )


def test_a_header_cut_at_the_limit_is_not_used(cli, fake):
    """The header fields are read up to 16 KB: one cut there might have lost what says who
    sent it (a DMARC failure), so the message is listed, not recorded."""
    forged = LINA.replace(b"Subject: W48", b"Subject: W48 " + b"x" * 20_000, 1)
    fake(FakeImap(messages={1: forged, 2: CHEN}))
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    assert [x["person"] for x in r.json()["recorded"]] == ["陈静"]
    [skipped] = r.json()["skipped"]
    assert skipped["uid"] == 1 and "header is more than 16,384 bytes" in skipped["reason"]


# --- malformed replies ------------------------------------------------------------------------

HEADER = LINA.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
GARBAGE = {
    "search-junk": (
        {"search": b"* SEARCH 1 2 x\xff\r\n{tag} OK done\r\n"},
        "sent a SEARCH reply that is not a list of message numbers: '1 2 x\ufffd'",
    ),
    "internaldate-junk": (
        {
            "envelopes": fetch_reply(1, HEADER, size=len(LINA), date="31-Feb-2026 25:61:00 +0800")
            + b"{tag} OK done\r\n"
        },
        "sent a received time (INTERNALDATE) that is not a date for message 1",
    ),
    "internaldate-not-a-date-at-all": (
        {"envelopes": fetch_reply(1, HEADER, size=9, date="yesterday\xff") + b"{tag} OK done\r\n"},
        "sent a received time (INTERNALDATE) that is not a date for message 1",
    ),
    "fetch-without-its-parts": (
        {"envelopes": b"* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n{tag} OK done\r\n"},
        "sent a FETCH reply without the received time or size of message 1",
    ),
    "junk-status-line": (
        {"examine": b"\xff\xfe\x00 junk \x1b[31m\r\n"},
        "sent a reply this tool cannot read",
    ),
    "junk-greeting": ({"greeting": b"\xff\xfe junk\r\n"}, "sent a reply this tool cannot read"),
    "capability-not-ascii": (
        {"capability": b"* CAPABILITY IMAP4rev1 \xe4\xbd\xa0\r\n{tag} OK done\r\n"},
        "sent a reply this tool cannot read",
    ),
}


@pytest.mark.parametrize("case", GARBAGE, ids=list(GARBAGE))
def test_a_malformed_reply_is_one_line_and_exit_1(cli, fake, case):
    replies, said = GARBAGE[case]
    port = fake(FakeImap(messages={1: LINA}, **replies)).port
    r, took = collect(cli)
    one_line(r, port, said)
    assert "\x1b" not in r.stderr and took < TIMEOUT + MARGIN
    nothing_recorded(cli)


def test_a_message_gone_since_the_search_is_left_out(cli, fake):
    """Another client expunged message 2 between SEARCH and FETCH: no reply for it, not an
    error; an unsolicited flag change for message 1 is not one either."""
    envelopes = (
        b"* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n"
        + fetch_reply(1, HEADER, size=len(LINA))
        + b"{tag} OK done\r\n"
    )
    fake(FakeImap(messages={1: LINA, 2: CHEN}, envelopes=envelopes))
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    assert [x["person"] for x in r.json()["recorded"]] == ["李娜"]


def test_the_messages_are_read_in_one_round_trip_not_one_each(cli, fake):
    """Three members' plans: their bodies come in one FETCH (a round trip a message was most
    of the time of 1,000 mails, issue 26), and each is recorded as its sender's."""
    wang = message("wangqiang@huhao.example", "W48", PLAN_UTF8, mid="<wang-1@x>")
    server = FakeImap(messages={1: LINA, 2: CHEN, 3: wang})
    fake(server)
    r = cli("plan", "collect", "--json")
    assert r.exit_code == 0, r.stderr
    assert sorted(x["person"] for x in r.json()["recorded"]) == ["李娜", "王强", "陈静"]
    assert server.body_fetches == 1


# --- too many connections, or the wrong password ----------------------------------------------


@pytest.mark.parametrize(
    ("replies", "said"),
    [
        (
            {"login": b"{tag} NO [LIMIT] Maximum number of connections from user+IP exceeded\r\n"},
            "refused more connections (try again later): [LIMIT] Maximum number",
        ),
        ({"greeting": b"* BYE Too many connections, try later\r\n"}, "refused more connections"),
        (
            {"login": b"{tag} NO [UNAVAILABLE] Temporary failure\r\n"},
            "refused more connections (try again later)",
        ),
        (
            {"login": b"{tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"},
            "refused the login for head@huhao.example (check user and password)",
        ),
    ],
    ids=["login-limit", "greeting-bye", "unavailable", "wrong-password"],
)
def test_a_connection_limit_is_told_apart_from_a_wrong_password(cli, fake, replies, said):
    port = fake(FakeImap(messages={1: LINA}, **replies)).port
    r, _took = collect(cli)
    one_line(r, port, said)


def test_dovecots_connection_limit(cli, tmp_path, monkeypatch):
    """Dovecot's own words when one user from one address has too many connections open."""
    from tests.imapserver import serve as dovecot

    with dovecot(tmp_path, userip_connections=1) as server:
        for k, v in server.env().items():
            monkeypatch.setenv(k, v)
        monkeypatch.setenv("ECOMOPS_CONFIG", str(tmp_path / "none.toml"))
        with server.client():  # the one connection allowed
            r = cli("plan", "collect")
        assert r.exit_code == 1 and r.stderr.count("\n") == 1, r.stderr
        assert "refused more connections (try again later)" in r.stderr
        assert "check user and password" not in r.stderr
        r = cli("plan", "collect")  # the connection closed: in again
        assert r.exit_code == 0, r.stderr


# --- SIGTERM -----------------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["greeting", "search"])
def test_sigterm_stops_a_run_at_once(cli, fake, monkeypatch, step):
    """A run stuck on a dripping server (timeout 30 s) stops within a moment of SIGTERM, with
    143, the transaction rolled back and no LOGOUT awaited."""
    import os
    import signal
    import subprocess
    import sys

    server = fake(FakeImap(messages={1: LINA}, drip=step))
    monkeypatch.setenv("ECOMOPS_NETWORK_TIMEOUT", "30")
    run = subprocess.Popen(
        [sys.executable, "-m", "ecomops", "plan", "collect"],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        waiting = b"UID SEARCH" if step == "search" else None
        ends = time.monotonic() + 30
        while time.monotonic() < ends and run.poll() is None:  # the interpreter starting
            if server.connections and (waiting is None or waiting in b"".join(server.received)):
                break
            time.sleep(0.05)
        time.sleep(1.0)  # stuck on the dripping reply
        assert run.poll() is None, run.communicate()
        sent = time.monotonic()
        run.send_signal(signal.SIGTERM)
        out, err = run.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == 128 + signal.SIGTERM, err
    # at once against the 30 s timeout: interpreter shutdown alone takes ~0.5 s on a busy machine
    assert took < 5.0, took
    assert b"Traceback" not in err
    nothing_recorded(cli)
