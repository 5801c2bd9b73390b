"""A team on PostgreSQL, as the README's "for a team" steps say: the keeper grants each member
a login role (`ecomops db grant`), hands them the connection service entry and the password
line it prints, and each member runs ecomops as themselves with
``ECOMOPS_DATABASE_URL=postgresql:///?service=ecomops`` over TLS, the server's certificate
checked (``sslmode=verify-full``). Against a server started here (tests/pgserver.py): TLS on,
``hostssl`` lines with SCRAM passwords, plain TCP rejected."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests import pgserver

REASON = pgserver.why_not()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")
NOW = "2026-11-23T09:00"  # W48's Monday, before the plans' deadline


@pytest.fixture(scope="session")
def server():
    with pgserver.tls_server() as s:
        yield s


@pytest.fixture
def keeper(server, cli, monkeypatch):
    """A department in a database of its own on that server, kept by the superuser over TLS;
    the roles it makes are dropped afterwards."""
    name = f"dept_{uuid.uuid4().hex[:10]}"
    server.psql(f'CREATE DATABASE "{name}"')
    url = server.url(name)
    monkeypatch.setenv("ECOMOPS_NOW", NOW)
    r = cli("init", "--database-url", url, "--year", "2026", "--simulated-clock")
    assert r.exit_code == 0, r.stderr
    monkeypatch.setenv("ECOMOPS_DATABASE_URL", url)
    for args in (["总经理", "-p", "general_manager"],
                 ["张伟", "-p", "manager", "--manager", "总经理"],
                 ["李娜", "-p", "copywriter", "--manager", "张伟"],
                 ["陈静", "-p", "clerk", "--manager", "张伟"]):
        assert cli("staff", "add", *args).exit_code == 0
    roles: list[str] = []
    yield url, roles
    server.psql(f'DROP DATABASE "{name}" WITH (FORCE)')
    for role in roles:
        server.psql(f'DROP ROLE IF EXISTS "{role}"')


def kit(stdout: str) -> tuple[str, str | None]:
    """The service entry and the password line, as the member copies them from what
    `db grant` printed."""
    lines = stdout.splitlines()
    start = lines.index("[ecomops]")
    end = lines.index("", start)
    entry = "\n".join(lines[start:end]) + "\n"
    marks = [i for i, line in enumerate(lines) if line.startswith("# the password, in ~/.pgpass")]
    return entry, (lines[marks[0] + 1] if marks else None)


def member_home(tmp_path: Path, who: str, entry: str, pgpass: str | None) -> dict[str, str]:
    """The member's files, as the README says to keep them; the environment that finds them."""
    home = tmp_path / who
    home.mkdir()
    (home / ".pg_service.conf").write_text(entry, encoding="utf-8")
    env = {
        "HOME": str(home),
        "PGSERVICEFILE": str(home / ".pg_service.conf"),
        "PGPASSFILE": str(home / ".pgpass"),
        "ECOMOPS_DATABASE_URL": "postgresql:///?service=ecomops",
    }
    if pgpass is not None:
        (home / ".pgpass").write_text(pgpass + "\n", encoding="utf-8")
        os.chmod(home / ".pgpass", 0o600)
    return env


def as_member(monkeypatch, env: dict[str, str]) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)


def test_two_members_run_ecomops_as_themselves_over_tls(server, keeper, cli, monkeypatch,
                                                       tmp_path):
    url, roles = keeper
    suffix = uuid.uuid4().hex[:6]
    envs = {}
    passwords = {}
    for name, role in (("李娜", f"lina_{suffix}"), ("张伟", f"zhangwei_{suffix}")):
        roles.append(role)
        r = cli("db", "grant", name, "--login", role, "--ca", str(server.ca))
        assert r.exit_code == 0, r.stderr
        entry, line = kit(r.stdout)
        assert entry == (
            f"[ecomops]\nhost=127.0.0.1\nport={server.port}\ndbname={url.split('/')[3][:15]}\n"
            f"user={role}\nsslmode=verify-full\nsslrootcert={server.ca}\n"
        )
        assert line is not None and line.startswith(f"127.0.0.1:{server.port}:dept_")
        passwords[name] = line.rsplit(":", 1)[1]
        assert len(passwords[name]) >= 24
        assert "export ECOMOPS_DATABASE_URL='postgresql:///?service=ecomops'" in r.stdout
        assert "shown this once, stored nowhere" in r.stdout
        envs[name] = member_home(tmp_path, role, entry, line)
    # the password is in no audit entry, and the server holds only its SCRAM verifier; the
    # statement log (log_statement = all) never saw it
    trail = cli("audit", "--json").json()
    assert [e["details"] for e in trail if e["command"] == "db grant"] == [
        {"login": roles[0], "name": "李娜"}, {"login": roles[1], "name": "张伟"}]
    for pw in passwords.values():
        assert pw not in str(trail)
        assert pw not in (server.folder / "server.log").read_text(errors="replace")
    stored = server.psql(f"SELECT rolpassword FROM pg_authid WHERE rolname = '{roles[0]}'")
    assert stored.startswith("SCRAM-SHA-256$4096:")

    # 李娜, on her own login, over TLS
    as_member(monkeypatch, envs["李娜"])
    status = cli("db", "status", "--json")
    assert status.exit_code == 0, status.stderr
    st = status.json()
    assert (st["login"], st["mode"], st["connection"]["ssl"]) == (roles[0], "bound logins", True)
    assert st["connection"]["protocol"].startswith("TLSv1.") and st["connection"]["cipher"]
    assert st["database"] == "postgresql+psycopg2:///?service=ecomops"
    shown = cli("db", "status")
    assert f"connected to 127.0.0.1:{server.port} over TLS (TLSv1." in shown.stderr
    today = cli("today", "--json")
    assert today.exit_code == 0, today.stderr
    assert (today.json()["person"], today.json()["view"]) == ("李娜", "own")
    plan = tmp_path / "plan.md"
    plan.write_text("## 上周总结\n文案\n\n## 本周计划\n海报\n", encoding="utf-8")
    mine = cli("plan", "submit", "--file", str(plan), "--json")
    assert mine.exit_code == 0, mine.stderr
    assert (mine.json()["name"], mine.json()["status"]) == ("李娜", "on_time")
    refused = cli("cycle", "open", "2026-11")
    assert refused.exit_code == 1 and "permissions.open_cycle" in refused.stderr

    # 张伟, on his: the team's day, and he hands in 陈静's paper plan
    as_member(monkeypatch, envs["张伟"])
    day = cli("today", "--json")
    assert day.exit_code == 0, day.stderr
    assert (day.json()["person"], day.json()["view"]) == ("张伟", "team")
    paper = cli("plan", "submit", "--as", "陈静", "--summary", "s", "--plan", "p",
                "--received-at", "2026-11-23T08:30", "--json")
    assert paper.exit_code == 0, paper.stderr
    assert cli("db", "status", "--json").json()["connection"]["ssl"] is True
    entries = [e for e in cli("audit", "--json").json() if e["command"] == "plan submit"]
    assert [(e["actor"], e["acted_for"]) for e in entries] == [("李娜", None), ("张伟", "陈静")]

    # the same member without TLS is turned away by the server
    monkeypatch.setenv("ECOMOPS_DATABASE_URL", "postgresql:///?service=ecomops&sslmode=disable")
    plain = cli("today")
    assert plain.exit_code == 1 and "pg_hba.conf rejects connection" in plain.stderr
    assert "no encryption" in plain.stderr


def test_a_password_given_is_escaped_in_the_password_line(server, keeper, cli, monkeypatch,
                                                          tmp_path):
    _url, roles = keeper
    role = f"chen_{uuid.uuid4().hex[:6]}"
    roles.append(role)
    given = r"a:b\c:d\\"
    r = cli("db", "grant", "陈静", "--login", role, "--ca", str(server.ca), "--password-stdin",
            input=given + "\n")
    assert r.exit_code == 0, r.stderr
    entry, line = kit(r.stdout)
    assert line is not None and line.endswith(r":a\:b\\c\:d\\\\")
    as_member(monkeypatch, member_home(tmp_path, role, entry, line))
    st = cli("db", "status", "--json")
    assert st.exit_code == 0, st.stderr
    assert (st.json()["login"], st.json()["connection"]["ssl"]) == (role, True)


def test_no_password_for_peer_or_certificate_authentication(server, keeper, cli):
    _url, roles = keeper
    role = f"gm_{uuid.uuid4().hex[:6]}"
    roles.append(role)
    r = cli("db", "grant", "总经理", "--login", role, "--no-password", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["password"], out["pgpass"], out["password_generated"]) == (None, None, False)
    # 127.0.0.1 without --ca: libpq's own default on this machine
    assert out["service"] == {"host": "127.0.0.1", "port": str(server.port),
                              "dbname": out["service"]["dbname"], "user": role,
                              "sslmode": "prefer"}
    assert out["database_url"] == "postgresql:///?service=ecomops"
    assert server.psql(f"SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = '{role}'") == "t"


def test_a_server_elsewhere_gets_verify_full_by_default(server, keeper, cli):
    _url, roles = keeper
    role = f"far_{uuid.uuid4().hex[:6]}"
    roles.append(role)
    r = cli("db", "grant", "陈静", "--login", role, "--host", "db.example.cn", "--port", "5432")
    assert r.exit_code == 0, r.stderr
    entry, line = kit(r.stdout)
    assert "host=db.example.cn\nport=5432\n" in entry and "sslmode=verify-full\n" in entry
    assert "sslrootcert" not in entry  # libpq's default: ~/.postgresql/root.crt
    assert line is not None and line.startswith("db.example.cn:5432:")
    assert "~/.postgresql/root.crt" in r.stderr
    r = cli("db", "grant", "陈静", "--login", role, "--host", "db.example.cn", "--sslmode",
            "disable")
    assert r.exit_code == 0 and "in the clear" in r.stderr
    bad = cli("db", "grant", "陈静", "--login", role, "--ca", str(server.folder / "nope.pem"))
    assert bad.exit_code == 1 and "cannot read the CA certificate" in bad.stderr
