"""A PostgreSQL server that takes the connection and never answers costs ``[network] timeout``
(libpq's ``connect_timeout``), not for ever; a URL's own ``connect_timeout`` stays."""

from __future__ import annotations

import time

from tests.badservers import Conn, serve


def _silent(conn: Conn) -> None:
    """Takes the connection, reads what comes, answers nothing."""
    while conn.recv():
        pass


def _give_up(cli, query: str = "") -> tuple:
    with serve(_silent) as server:
        url = f"postgresql://keeper:pw@127.0.0.1:{server.port}/ecomops?sslmode=disable{query}"
        began = time.monotonic()
        r = cli("staff", "list", "--database-url", url)
        took = time.monotonic() - began
    assert r.exit_code == 1 and r.stderr.count("\n") == 1, r.stderr
    assert "cannot use database" in r.stderr and ":pw@" not in r.stderr, r.stderr
    assert server.connections >= 1
    return r, took


def test_a_server_that_never_answers_costs_the_timeout(cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NETWORK_TIMEOUT", "2")
    _r, took = _give_up(cli)
    assert 1.5 <= took < 5.0, took  # libpq counts whole seconds, at least 2


def test_the_urls_own_connect_timeout_stays(cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NETWORK_TIMEOUT", "60")
    _r, took = _give_up(cli, "&connect_timeout=2")
    assert 1.5 <= took < 5.0, took
