"""The command line's plumbing (issue 25, item 3): the global options and the open database
live in one object per command line, which nothing keeps once the command ends; the
settings are read once per command; the library and the commands start and audit their
transactions through one service."""

from __future__ import annotations

import threading

from tests.conftest import NOW


def test_a_settings_warning_is_printed_once_per_command(db, cli, tmp_path, monkeypatch):
    """The settings are loaded once, into the command line's Invocation: a command that
    reads them many times (the database, the language, the clock) warns once."""
    config = tmp_path / "config.toml"
    config.write_text('[display]\nlang = "en"\nbogus = 1\n', encoding="utf-8")
    monkeypatch.setenv("ECOMOPS_CONFIG", str(config))
    for args in (("today",), ("goals", "list"), ("config", "show")):
        r = cli(*args)
        assert r.exit_code == 0, r.stderr
        assert r.stderr.count("unknown key bogus") == 1, (args, r.stderr)


def test_nothing_of_a_command_outlives_it(db, cli):
    from ecomops.cli.state import current

    r = cli("--lang", "zh-hans", "goals", "list", "--json")
    assert r.exit_code == 0, r.stderr
    assert current() is None  # the Invocation went with the command
    r = cli("goals", "list")  # the next command line starts afresh: English, as configured
    assert r.exit_code == 0 and "Goals" in r.stdout


def test_the_options_before_the_command_and_after_it(db, cli, tmp_path):
    """``--db`` typed after the command beats the one typed before it (the pair goes
    together); ``--lang`` after it beats the one before it; ``--json`` goes after it."""
    missing = tmp_path / "nowhere.db"
    r = cli("--db", str(missing), "goals", "list", "--json", *db.args)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.lstrip().startswith("[")
    r = cli(*db.args, "goals", "list", "--db", str(missing))
    assert r.exit_code != 0 and str(missing) in r.stderr
    r = cli("--lang", "en", "goals", "list", "--lang", "zh-hans")
    assert "目标" in r.stdout
    r = cli("--lang", "zh-hans", "goals", "list")
    assert "目标" in r.stdout


def test_a_group_s_options_hold_for_its_sub_command(db, cli):
    r = cli("--lang", "zh-hans", "calendar", "--month", "2026-10", "--json")
    assert r.exit_code == 0, r.stderr
    assert '"days"' in r.stdout


def test_the_language_chosen_in_one_thread_is_its_own():
    """i18n's chosen language is a context variable: a thread choosing Chinese (a library
    caller's department) leaves another's English."""
    from ecomops import i18n

    seen: dict[str, str] = {}
    chosen = threading.Event()
    done = threading.Event()

    def other() -> None:
        i18n.use("zh-hans")
        chosen.set()
        done.wait(10)
        seen["other"] = i18n.gettext("yes")

    i18n.use("en")
    try:
        t = threading.Thread(target=other)
        t.start()
        chosen.wait(10)
        seen["main"] = i18n.gettext("yes")
        done.set()
        t.join(10)
    finally:
        i18n.use(None)
    assert seen == {"main": "yes", "other": "是"}


def test_the_library_and_the_commands_audit_alike(db, cli):
    """``Department`` writes through the same unit of work as the commands: its write is
    in the audit trail as the command's is, and its clock is the database's."""
    from ecomops.api import Department

    where = dict(path=db.path) if db.path is not None else dict(url=db.url)
    with Department.open(**where) as dept:
        assert dept.now().isoformat().startswith(NOW[:16])
        dept.add_person("王芳", "manager")
    r = cli("staff", "add", "李雷", "-p", "copywriter", "--manager", "王芳")
    assert r.exit_code == 0, r.stderr
    r = cli("audit", "--json")
    assert r.exit_code == 0, r.stderr
    import json

    entries = json.loads(r.stdout)
    commands = [e["command"] for e in entries]
    assert commands.count("staff add") >= 2
