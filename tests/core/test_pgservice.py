"""The member's connection kit in libpq's conventions (pure): the service entry, the password
line's escapes, and TLS by default for a server on another machine."""

from __future__ import annotations

import pytest

from ecomops.core.pgservice import Service, default_sslmode, is_local, pgpass_escape
from ecomops.errors import InvalidInput


@pytest.mark.parametrize(
    ("host", "local"),
    [(None, True), ("/var/run/postgresql", True), ("localhost", True), ("127.0.0.1", True),
     ("::1", True), ("[::1]", True), ("127.8.0.1", True), ("db.example.cn", False),
     ("10.0.0.5", False), ("localhost.example.cn", False)],
)
def test_this_machine_or_another(host, local):
    assert is_local(host) is local
    assert default_sslmode(host, None) == ("prefer" if local else "verify-full")
    assert default_sslmode(host, "/etc/ssl/ca.pem") == "verify-full"  # a CA: always checked


def test_the_entry_and_its_url():
    s = Service("db.example.cn", 5432, "ecomops", "lina", "verify-full", "/etc/ssl/ca.pem")
    assert s.entry == (
        "[ecomops]\nhost=db.example.cn\nport=5432\ndbname=ecomops\nuser=lina\n"
        "sslmode=verify-full\nsslrootcert=/etc/ssl/ca.pem\n"
    )
    assert s.url == "postgresql:///?service=ecomops"
    assert Service(None, None, "d", "u", "prefer").entry == "[ecomops]\ndbname=d\nuser=u\nsslmode=prefer\n"


def test_the_password_line_escapes_colons_and_backslashes():
    assert pgpass_escape(r"a:b\c") == r"a\:b\\c"
    s = Service("db.example.cn", 5433, "eco:ops", "lina", "verify-full")
    assert s.pgpass(r"p:w\d") == r"db.example.cn:5433:eco\:ops:lina:p\:w\\d"
    # a socket folder is the host as written; no host at all: localhost, libpq's port
    assert Service("/run/pg", None, "d", "u", "prefer").pgpass("x") == "/run/pg:5432:d:u:x"
    assert Service(None, None, "d", "u", "prefer").pgpass("x") == "localhost:5432:d:u:x"
    with pytest.raises(InvalidInput):
        pgpass_escape("two\nlines")


def test_what_a_service_file_cannot_hold_is_refused():
    with pytest.raises(InvalidInput, match="is not an sslmode"):
        Service("h", 1, "d", "u", "verify")
    with pytest.raises(InvalidInput, match="cannot be written in a service file"):
        Service("h\nuser=postgres", 1, "d", "u", "prefer")
