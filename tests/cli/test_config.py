"""Settings (issue 22, item 3): one file, config.toml, holding everything the environment can
set; option > environment > file > default, each value with its source (``config show``); a
wrong value one line naming the key and the file, an unknown key a warning; ``config check``
tries each configured server against real ones (aiosmtpd, Dovecot, an HTTP robot, the test
database), sending nothing."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ecomops.config import BY_NAME, KEYS, load, mask_url
from tests.mailserver import PASSWORD, USER, free_port, serve

NOW = "2026-11-23T15:00"


@pytest.fixture
def config(tmp_path, monkeypatch):
    """Write the settings file (ECOMOPS_CONFIG points at it); returns its path."""
    path = tmp_path / "conf" / "config.toml"
    path.parent.mkdir()
    monkeypatch.setenv("ECOMOPS_CONFIG", str(path))

    def write(text: str) -> Path:
        path.write_text(text, encoding="utf-8")
        return path

    return write


def _shown(cli, *args: str) -> dict[str, dict]:
    r = cli("config", "show", "--json", *args)
    assert r.exit_code == 0, r.stderr
    return {s["key"]: s for s in r.json()["settings"]}


# --- the settings object, as a library --------------------------------------------------------


def test_every_key_has_one_environment_name_by_the_rule_and_the_old_names_as_aliases():
    rule = {k.dotted: k.env[0] for k in KEYS}
    assert rule["smtp.host"] == "ECOMOPS_SMTP_HOST"
    assert rule["imap.max_bytes"] == "ECOMOPS_IMAP_MAX_BYTES"
    assert rule["remind.plan_hour"] == "ECOMOPS_REMIND_PLAN_HOUR"
    assert rule["database.url"] == "ECOMOPS_DATABASE_URL"
    assert BY_NAME["database.file"].env == ("ECOMOPS_DATABASE_FILE", "ECOMOPS_DB")
    assert BY_NAME["display.lang"].env == ("ECOMOPS_DISPLAY_LANG", "ECOMOPS_LANG")
    assert BY_NAME["plans.send"].env == ("ECOMOPS_PLANS_SEND", "ECOMOPS_SEND_PLANS")
    names = [n for k in KEYS for n in k.env]
    assert len(names) == len(set(names))


def test_option_beats_environment_beats_file_beats_default(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        '[smtp]\nhost = "file.example.cn"\nport = 2525\n[display]\nlang = "zh-hans"\n'
        '[database]\nfile = "team.db"\n',
        encoding="utf-8",
    )
    env = {"ECOMOPS_CONFIG": str(path), "ECOMOPS_SMTP_HOST": "env.example.cn", "LANG": "C"}
    s = load(env)
    assert (s.value("smtp.host"), s.setting("smtp.host").where()) == (
        "env.example.cn", "environment (ECOMOPS_SMTP_HOST)")
    assert (s.value("smtp.port"), s.setting("smtp.port").where()) == (2525, f"file ({path})")
    assert (s.value("smtp.tls"), s.setting("smtp.tls").source) == (False, "default")
    assert s.lang == "zh-hans"  # the file's, over the locale
    assert load({**env, "ECOMOPS_LANG": "en"}).lang == "en"
    assert load({**env, "ECOMOPS_LANG": "en"}).with_options(lang="zh").lang == "zh"
    # a relative path in the file is beside the file, whoever runs the command from wherever
    assert s.database.file == str(tmp_path / "team.db") and s.database.setting.source == "file"
    assert load({**env, "ECOMOPS_DB": "x.db"}).database.file == "x.db"
    chosen = load({**env, "ECOMOPS_DB": "x.db"}).with_options(db="y.db").database
    assert (chosen.file, chosen.setting.where()) == ("y.db", "option (--db)")


def test_the_database_url_wins_only_at_its_own_level_or_above(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[database]\nurl = "postgresql:///?service=ecomops"\n', encoding="utf-8")
    env = {"ECOMOPS_CONFIG": str(path)}
    assert load(env).database.url == "postgresql:///?service=ecomops"
    # ECOMOPS_DB outranks the file's URL; ECOMOPS_DATABASE_URL outranks ECOMOPS_DB (as before)
    assert load({**env, "ECOMOPS_DB": "a.db"}).database.file == "a.db"
    both = load({**env, "ECOMOPS_DB": "a.db", "ECOMOPS_DATABASE_URL": "postgresql://h/d"})
    assert both.database.url == "postgresql://h/d"
    assert load({**env, "ECOMOPS_DATABASE_URL": "postgresql://h/d"}).with_options(
        db="b.db").database.file == "b.db"


def test_defaults_worked_out_from_other_settings():
    s = load({"ECOMOPS_CONFIG": "/nonexistent/config.toml", "ECOMOPS_SMTP_HOST": "mx",
              "ECOMOPS_SMTP_TLS": "yes", "ECOMOPS_IMAP_HOST": "imap", "ECOMOPS_IMAP_TLS": "1",
              "ECOMOPS_WEBHOOK_URL": "https://oapi.dingtalk.com/robot/send?access_token=t"})
    assert s.smtp is not None and (s.smtp.port, s.smtp.tls, s.smtp.starttls) == (465, True, False)
    assert s.smtp.sender == "ecomops@mx"
    assert s.imap is not None and (s.imap.port, s.imap.folder) == (993, "INBOX")
    assert s.webhook is not None and s.webhook.kind == "dingtalk"
    assert s.setting("webhook.kind").source == "default"
    assert (s.plan_hour, s.send_plans) == (10, False)
    from ecomops.core.remind import DEFAULT_PLAN_HOUR

    assert BY_NAME["remind.plan_hour"].default == DEFAULT_PLAN_HOUR


def test_the_locale_is_the_last_word_on_the_language():
    s = load({"ECOMOPS_CONFIG": "/nonexistent/config.toml", "LANG": "zh_CN.UTF-8"})
    assert s.lang == "zh-hans"
    assert s.setting("display.lang").where() == "default (the locale, LANG=zh_CN.UTF-8)"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123",
         "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"),
        ("https://oapi.dingtalk.com/robot/send?access_token=abc",
         "https://oapi.dingtalk.com/robot/send?access_token=***"),
        ("https://open.feishu.cn/open-apis/bot/v2/hook/abc-123",
         "https://open.feishu.cn/open-apis/bot/v2/hook/***"),
        ("postgresql://ecomops:s3cret@db.example.cn/ecomops",
         "postgresql://ecomops:***@db.example.cn/ecomops"),
        ("postgresql://db.example.cn/ecomops?user=e&password=s3cret&sslmode=require",
         "postgresql://db.example.cn/ecomops?user=e&password=***&sslmode=require"),
        ("postgresql:///?service=ecomops", "postgresql:///?service=ecomops"),
    ],
)
def test_a_url_is_shown_without_its_secrets(url, shown):
    assert mask_url(url) == shown


# --- config show ------------------------------------------------------------------------------


def test_config_show_lists_every_setting_with_its_source(cli, config, monkeypatch, tmp_path):
    path = config(
        '[database]\nfile = "team.db"\n\n[display]\nlang = "zh-hans"\n\n'
        '[smtp]\nhost = "smtp.example.cn"\nport = 587\nuser = "plans@example.cn"\n'
        'password = "smtp-pw-1"\n\n[imap]\nhost = "imap.example.cn"\npassword = "imap-pw-2"\n\n'
        '[webhook]\nurl = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robot-key-3"\n'
        'secret = "SEC-4"\n\n[plans]\nsend = true\n\n[remind]\nplan_hour = 9\n'
    )
    monkeypatch.setenv("ECOMOPS_SMTP_PORT", "465")
    monkeypatch.setenv("ECOMOPS_SMTP_TLS", "true")
    r = cli("config", "show", "--json", "--lang", "en")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["file"], out["found"], out["warnings"]) == (str(path), True, [])
    assert out["database"] == str(path.parent / "team.db")
    rows = {s["key"]: s for s in out["settings"]}
    assert list(rows) == [k.dotted for k in KEYS]
    assert rows["smtp.host"] == {
        "key": "smtp.host", "value": "smtp.example.cn", "source": "file", "origin": str(path),
        "environment": ["ECOMOPS_SMTP_HOST"], "option": None, "secret": False,
    }
    assert (rows["smtp.port"]["value"], rows["smtp.port"]["source"],
            rows["smtp.port"]["origin"]) == (465, "environment", "ECOMOPS_SMTP_PORT")
    assert rows["smtp.tls"]["value"] is True
    assert (rows["display.lang"]["value"], rows["display.lang"]["source"],
            rows["display.lang"]["origin"]) == ("en", "option", "--lang")
    assert rows["smtp.password"]["value"] == "***" and rows["smtp.password"]["secret"]
    assert rows["imap.password"]["value"] == "***"
    assert rows["webhook.secret"]["value"] == "***"
    assert rows["webhook.url"]["value"].endswith("send?key=***")
    assert rows["webhook.kind"] == {**rows["webhook.kind"], "value": "wecom", "source": "default"}
    assert (rows["plans.send"]["value"], rows["remind.plan_hour"]["value"]) == (True, 9)
    assert rows["smtp.cafile"]["value"] is None
    for secret in ("smtp-pw-1", "imap-pw-2", "robot-key-3", "SEC-4"):
        assert secret not in r.stdout + r.stderr

    table = cli("config", "show", "--db", str(tmp_path / "other.db"))
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["setting", "value", "source"]
    assert any(line.split() == ["database.file", str(tmp_path / "other.db"), "option", "(--db)"]
               for line in lines)
    assert any(line.split() == ["smtp.port", "465", "environment", "(ECOMOPS_SMTP_PORT)"]
               for line in lines)
    assert any(line.split()[:2] == ["smtp.password", "***"] for line in lines)
    assert f"ecomops: settings file: {path}\n" in table.stderr
    assert f"ecomops: database: {tmp_path / 'other.db'}\n" in table.stderr
    for secret in ("smtp-pw-1", "imap-pw-2", "robot-key-3", "SEC-4"):
        assert secret not in table.stdout + table.stderr


def test_config_show_without_a_file_and_with_options_before_the_command(cli, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setenv("ECOMOPS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("ECOMOPS_DATABASE_URL", "postgresql://ecomops:pg-pw@db.example.cn/e")
    r = cli("config", "show", "--json")
    out = r.json()
    assert out["found"] is False
    assert out["database"] == "postgresql://ecomops:***@db.example.cn/e"
    assert "pg-pw" not in r.stdout
    before = cli("--db", str(tmp_path / "a.db"), "config", "show", "--json").json()
    assert before["database"] == str(tmp_path / "a.db")
    assert {s["key"]: s["source"] for s in before["settings"]}["database.file"] == "option"
    r = cli("config", "show", "--db", "a.db", "--database-url", "postgresql://h/d")
    assert r.exit_code == 1 and "--db and --database-url both given" in r.stderr


# --- the file, read for every command ---------------------------------------------------------


def test_the_database_and_the_language_of_the_settings_file_serve_every_command(
    cli, config, tmp_path, monkeypatch
):
    monkeypatch.delenv("ECOMOPS_LANG")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("ECOMOPS_NOW", NOW)
    path = config('[database]\nfile = "dept.db"\n\n[display]\nlang = "zh-hans"\n')
    db = path.parent / "dept.db"
    assert cli("init", "--simulated-clock").exit_code == 0
    assert db.exists()
    assert cli("staff", "add", "张伟", "--position", "manager").exit_code == 0
    roles = cli("roles", "list")
    assert roles.exit_code == 0 and "汇报对象" in roles.stdout  # the file's language
    assert "reports to" in cli("roles", "list", "--lang", "en").stdout  # the option's
    monkeypatch.setenv("ECOMOPS_LANG", "en")
    assert "reports to" in cli("roles", "list").stdout  # the environment's
    assert [p["name"] for p in cli("staff", "list", "--json").json()] == ["张伟"]
    # another database for one command: the option; for a shell: the environment
    other = tmp_path / "other.db"
    assert cli("staff", "list", "--db", str(other)).exit_code == 1
    monkeypatch.setenv("ECOMOPS_DB", str(other))
    r = cli("staff", "list")
    assert r.exit_code == 1 and f"no database at {other} (set by ECOMOPS_DB)" in r.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[smtp]\nhost = "h"\nport = "abc"\n',
         '[smtp] port = "abc" in {path} is not a port number; give a number from 1 to 65535'),
        ("[plans]\nsend = \"maybe\"\n",
         '[plans] send = "maybe" in {path} is not true or false; write true or false'),
        ("[remind]\nplan_hour = 24\n",
         "[remind] plan_hour = 24 in {path} is not an hour; give one from 0 to 23"),
        ('[display]\nlang = "fr"\n',
         '[display] lang = "fr" in {path} is not a language; use en, zh, zh-hans'),
        ("[imap]\nmax_bytes = -1\n",
         "[imap] max_bytes = -1 in {path} is not a positive number of bytes; "
         "give a whole number above 0"),
        ('[webhook]\nkind = "slack"\n',
         '[webhook] kind = "slack" in {path} is not a robot this tool knows; '
         "use wecom, dingtalk or feishu"),
        ("[smtp]\nhost = true\n", '[smtp] host = true in {path} is not text; write it in '
         'double quotes: "…"'),
        ("[smtp]\npassword = 12.5\n", "[smtp] password = (hidden) in {path} is not text; "
         'write it in double quotes: "…"'),
        ("smtp = 5\n", "smtp = 5 in {path} is not a section; write it as a [smtp] line with "
         "its keys below"),
        ("[smtp\nhost = 1\n", "the settings file {path} is not valid TOML: "),
    ],
    ids=["port", "bool", "hour", "lang", "count", "robot", "text", "secret", "section", "toml"],
)
def test_a_wrong_value_in_the_file_is_one_line_naming_the_key_and_the_file(
    cli, config, text, message
):
    path = config(text)
    for args in (["staff", "list"], ["config", "show"], ["remind", "--dry-run"]):
        r = cli(*args)
        assert r.exit_code == 1, args
        assert r.stdout == ""
        assert r.stderr.startswith("error: " + message.format(path=path)), r.stderr
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ECOMOPS_SMTP_PORT", "abc", 'ECOMOPS_SMTP_PORT="abc" is not a port number'),
        ("ECOMOPS_SEND_PLANS", "maybe", 'ECOMOPS_SEND_PLANS="maybe" is not true or false'),
        ("ECOMOPS_PLANS_SEND", "maybe", 'ECOMOPS_PLANS_SEND="maybe" is not true or false'),
        ("ECOMOPS_REMIND_PLAN_HOUR", "ten", 'ECOMOPS_REMIND_PLAN_HOUR="ten" is not an hour'),
        ("ECOMOPS_IMAP_PASSWORD", "", None),  # an empty variable is not set
    ],
)
def test_a_wrong_value_in_the_environment_is_one_line_naming_the_variable(
    cli, tmp_path, monkeypatch, name, value, message
):
    monkeypatch.setenv("ECOMOPS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv(name, value)
    r = cli("config", "show")
    if message is None:
        assert r.exit_code == 0
        return
    assert r.exit_code == 1 and r.stderr.startswith(f"error: {message}; ")
    assert r.stderr.count("\n") == 1


def test_an_unknown_section_or_key_is_a_warning_not_silence(cli, config, monkeypatch, tmp_path):
    path = config(
        '[smpt]\nhost = "smtp.example.cn"\n\n[smtp]\nhots = "x"\n\n[imap]\nhost = "i"\n'
        'dry = 1\n\n[database]\nfile = "a.db"\nurl = "postgresql://h/d"\n'
    )
    monkeypatch.setenv("ECOMOPS_SMTP_HOTS", "y")
    r = cli("config", "show", "--json")
    assert r.exit_code == 0
    warnings = [
        f"{path}: unknown section [smpt] (did you mean [smtp]?); ignored",
        f"{path}: unknown key hots in [smtp] (did you mean host?); ignored",
        f"{path}: unknown key dry in [imap]; ignored",
        f"{path}: [database] has both file and url; the url is used",
        "unknown setting ECOMOPS_SMTP_HOTS in the environment (did you mean "
        "ECOMOPS_SMTP_HOST?); ignored",
    ]
    assert r.json()["warnings"] == warnings
    assert r.stderr.splitlines() == [f"ecomops: warning: {w}" for w in warnings]
    assert r.json()["database"] == "postgresql://h/d"
    # every command says it, once
    staff = cli("staff", "list", "--db", str(tmp_path / "none.db"))
    assert staff.stderr.splitlines()[:-1] == [f"ecomops: warning: {w}" for w in warnings]
    assert staff.stderr.splitlines()[-1].startswith("error: no database at ")


# --- config check -----------------------------------------------------------------------------


def _checks(r) -> dict[str, dict]:
    return {c["server"]: c for c in r.json()["checks"]}


def test_check_with_nothing_configured_but_a_database(db, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOMOPS_CONFIG", str(tmp_path / "none.toml"))
    if db.path is not None:
        before = sorted(p.name for p in db.path.parent.iterdir())
        stamp = db.path.stat().st_mtime_ns
    r = cli("config", "check", "--json")
    assert r.exit_code == 0, r.stderr
    out = r.json()
    assert (out["ok"], out["timeout"]) == (True, 5)
    checks = _checks(r)
    assert list(checks) == ["database", "smtp", "imap", "webhook"]
    database = checks["database"]
    assert database["status"] == "ok"
    assert database["detail"].endswith(": an ecomops database, schema 0019 (current)")
    if db.path is not None:
        assert database["target"] == str(db.path)
        assert sorted(p.name for p in db.path.parent.iterdir()) == before
        assert db.path.stat().st_mtime_ns == stamp
    else:
        assert database["detail"].startswith("PostgreSQL ")
    for server in ("smtp", "imap", "webhook"):
        assert checks[server] == {"server": server, "status": "not_configured",
                                  "target": None, "detail": None}
    table = cli("config", "check")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["server", "target", "result"]
    assert lines[1].split()[0] == "database" and " ok: " in lines[1]
    assert lines[2].split() == ["smtp", "—", "not", "configured"]


def test_check_a_missing_database_creates_nothing(cli, isolated, tmp_path, monkeypatch):
    r = cli("config", "check", "--json")
    assert r.exit_code == 1
    database = _checks(r)["database"]
    path = isolated / "ecomops" / "ecomops.db"
    assert database == {"server": "database", "status": "failed", "target": str(path),
                        "detail": f"no database at {path}; create it with: ecomops init"}
    assert r.stderr == "error: database failed the check; see the line of each above\n"
    assert not isolated.exists()


def test_check_an_unreachable_postgresql_server(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOMOPS_DATABASE_URL", f"postgresql://nobody:pw9@127.0.0.1:{free_port()}/x")
    r = cli("config", "check", "--json")
    assert r.exit_code == 1
    database = _checks(r)["database"]
    assert database["status"] == "failed" and database["detail"].startswith("cannot use database")
    assert "pw9" not in r.stdout + r.stderr


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
def test_check_logs_into_the_mail_server_and_sends_nothing(db, cli, tmp_path, config, tls):
    with serve(tmp_path, tls=tls) as (inbox, port, cafile):
        config(
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nuser = "{USER}"\n'
            f'password = "{PASSWORD}"\ncafile = "{cafile}"\ntls = {str(tls == "implicit").lower()}\n'
        )
        r = cli("config", "check", "--json")
        assert r.exit_code == 0, r.stdout + r.stderr
        smtp = _checks(r)["smtp"]
        how = "STARTTLS" if tls == "starttls" else "implicit TLS"
        assert smtp == {
            "server": "smtp", "status": "ok", "target": f"127.0.0.1:{port}",
            "detail": f"connected to 127.0.0.1:{port} ({how}), logged in as {USER}; "
                      "nothing sent",
        }
        assert inbox.logins == [USER] and inbox.messages == []
        config(
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nuser = "{USER}"\n'
            f'password = "wrong-pw"\ncafile = "{cafile}"\ntls = {str(tls == "implicit").lower()}\n'
        )
        r = cli("config", "check", "--json")
        assert r.exit_code == 1
        smtp = _checks(r)["smtp"]
        assert smtp["status"] == "failed"
        assert smtp["detail"].startswith(f"the SMTP server 127.0.0.1:{port} refused the login")
        assert "wrong-pw" not in r.stdout + r.stderr
        assert inbox.messages == []


def test_check_a_closed_port_and_a_server_that_never_answers(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_CONFIG", "/nonexistent/config.toml")
    monkeypatch.setenv("ECOMOPS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ECOMOPS_SMTP_PORT", str(free_port()))
    r = cli("config", "check", "--json")
    assert r.exit_code == 1
    assert _checks(r)["smtp"]["detail"].startswith(
        "cannot reach the SMTP server 127.0.0.1:")
    assert "Connection refused" in _checks(r)["smtp"]["detail"]
    with _silent_server() as port:  # accepts, then says nothing: the deadline ends it
        monkeypatch.setenv("ECOMOPS_SMTP_PORT", str(port))
        start = time.monotonic()
        r = cli("config", "check", "--json", "--timeout", "1")
        elapsed = time.monotonic() - start
    assert r.exit_code == 1 and r.json()["timeout"] == 1
    assert "gave no whole reply within 1 s" in _checks(r)["smtp"]["detail"]
    assert elapsed < 10
    r = cli("config", "check", "--timeout", "0")
    assert r.exit_code == 1 and "out of range" in r.stderr  # one line, as every number


@contextmanager
def _silent_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        sock.close()


def test_check_opens_the_mailbox_read_only(db, cli, tmp_path, config, dovecot):
    from tests.test_plan_collect import at, message

    server = dovecot("starttls")
    server.append(message("lina@huhao.example", "W48", "x", mid="<c@x>"),
                  at("2026-11-23T09:00"))
    config(
        f'[imap]\nhost = "127.0.0.1"\nport = {server.port}\nuser = "{server.user}"\n'
        f'password = "{server.password}"\ncafile = "{server.cafile}"\n'
    )
    r = cli("config", "check", "--json")
    assert r.exit_code == 0, r.stdout + r.stderr
    imap = _checks(r)["imap"]
    assert imap == {
        "server": "imap", "status": "ok",
        "target": f"{server.user}@127.0.0.1:{server.port}/INBOX",
        "detail": f"connected to 127.0.0.1:{server.port} (STARTTLS), logged in as "
                  f"{server.user}, opened INBOX read-only, 1 message(s); logged out",
    }
    [(flags, _raw)] = server.folder()
    assert b"\\Seen" not in flags
    config(
        f'[imap]\nhost = "127.0.0.1"\nport = {server.port}\nuser = "{server.user}"\n'
        f'password = "imap-wrong"\ncafile = "{server.cafile}"\nfolder = "INBOX"\n'
    )
    r = cli("config", "check", "--json")
    assert r.exit_code == 1
    imap = _checks(r)["imap"]
    assert imap["status"] == "failed" and "refused the login" in imap["detail"]
    assert "imap-wrong" not in r.stdout + r.stderr


def test_check_reaches_the_robot_without_posting(db, cli, monkeypatch):
    from tests.test_remind import robot

    monkeypatch.setenv("ECOMOPS_CONFIG", "/nonexistent/config.toml")
    monkeypatch.setenv("ECOMOPS_WEBHOOK_KIND", "wecom")
    with robot("wecom") as r:
        monkeypatch.setenv("ECOMOPS_WEBHOOK_URL", r.url)
        out = cli("config", "check", "--json")
        assert out.exit_code == 0, out.stdout + out.stderr
        hook = _checks(out)["webhook"]
        assert hook == {
            "server": "webhook", "status": "ok", "target": f"http://127.0.0.1:{r.port} (wecom)",
            "detail": f"connected to 127.0.0.1:{r.port} (plain http); no message posted",
        }
        assert r.posts == []
        assert "k3y-0f-the-r0bot" not in out.stdout + out.stderr
    closed = free_port()
    monkeypatch.setenv("ECOMOPS_WEBHOOK_URL", f"http://127.0.0.1:{closed}/send?key=k3y")
    out = cli("config", "check", "--json")
    assert out.exit_code == 1
    hook = _checks(out)["webhook"]
    assert hook["status"] == "failed" and "cannot reach the robot" in hook["detail"]
    monkeypatch.setenv("ECOMOPS_WEBHOOK_URL", "http://robot.example.cn/send?key=k3y")
    hook = _checks(cli("config", "check", "--json"))["webhook"]
    assert hook["status"] == "failed" and "is not https" in hook["detail"]
    assert "k3y" not in str(hook)


def test_check_verifies_the_robots_certificate(db, cli, tmp_path, monkeypatch):
    """Over https the TLS handshake is made and the certificate checked (here one no public
    authority vouches for), still without a request."""
    from tests.mailserver import certificate

    context, _cafile = certificate(tmp_path)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    port = sock.getsockname()[1]

    def serve_once() -> None:
        conn, _ = sock.accept()
        try:
            with context.wrap_socket(conn, server_side=True):
                pass
        except OSError:
            pass

    thread = threading.Thread(target=serve_once, daemon=True)
    thread.start()
    monkeypatch.setenv("ECOMOPS_CONFIG", "/nonexistent/config.toml")
    monkeypatch.setenv("ECOMOPS_WEBHOOK_URL", f"https://127.0.0.1:{port}/hook/k3y")
    monkeypatch.setenv("ECOMOPS_WEBHOOK_KIND", "feishu")
    out = cli("config", "check", "--json")
    thread.join(5)
    sock.close()
    hook = _checks(out)["webhook"]
    assert out.exit_code == 1
    assert hook["status"] == "failed" and "certificate verify failed" in hook["detail"]
    assert hook["target"] == f"https://127.0.0.1:{port} (feishu)"


def test_the_readme_lists_every_setting_and_its_variables():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Settings", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    for key in KEYS:
        [row] = [r for r in rows if f"`{key.dotted}`" in r.split(" | ")[0]]
        for name in key.env:
            assert f"`{name}`" in row, (key.dotted, name)
