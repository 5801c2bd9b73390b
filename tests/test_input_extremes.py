"""Nothing lost, nothing corrupted: bad input ends in one clear line and exit 1, never in exit 70
("internal error") or a traceback.

Every date-, week-, month-, cycle- and number-taking option of every command (found by walking
the Typer app) is driven with extreme and malformed values; then one test per input that used
to end in exit 70, echo a password, hang or read a file garbled.

The database is made once for the module (Hypothesis runs many examples per test, and pytest's
function-scoped fixtures would not be reset between them); commands select it through the
environment given to each run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.conftest import PG_ADMIN_URL, _pg_database

# --- the database, once for the module --------------------------------------------------------

NOW = "2026-11-23T09:30"


@dataclass
class Dept:
    env: dict[str, str]
    home: Path


@pytest.fixture(scope="module")
def dept(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dept]:
    """A simulated-clock database: a general manager, a manager (who acts) and a copywriter,
    the handbook's tasks and a visit."""
    home = tmp_path_factory.mktemp("extremes")
    env = {"XDG_DATA_HOME": str(home / "xdg"), "ECOMOPS_LANG": "en", "COLUMNS": "200",
           "ECOMOPS_NOW": NOW}
    pg = _pg_database() if PG_ADMIN_URL else None
    if pg is not None:
        env["ECOMOPS_DATABASE_URL"] = next(pg)
    else:
        env["ECOMOPS_DB"] = str(home / "ecomops.db")
    d = Dept(env, home)
    for args in (["init", "--year", "2026", "--simulated-clock"],
                 ["staff", "add", "总经理甲", "-p", "general_manager"],
                 ["staff", "add", "张伟", "-p", "manager", "--manager", "总经理甲"],
                 ["staff", "add", "李娜", "-p", "copywriter", "--manager", "张伟"]):
        r = invoke(d, args)
        assert r.exit_code == 0, (args, r.output)
    d.env["ECOMOPS_AS"] = "张伟"  # from here on, the manager acts
    r = invoke(d, ["visitor", "add", "--name", "访客", "--approved-by", "张伟", "--escort", "李娜"])
    assert r.exit_code == 0, r.output
    yield d
    if pg is not None:
        for _ in pg:  # drop the database
            pass


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    crash: BaseException | None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def invoke(d: Dept, args: list[str], env: dict[str, str | None] | None = None) -> Run:
    from ecomops.cli import app

    # the environment of this run only (CliRunner puts the old values back)
    r = CliRunner().invoke(app, args, env={**d.env, **(env or {})})
    crash = r.exception if r.exception and not isinstance(r.exception, SystemExit) else None
    return Run(r.exit_code, r.stdout, r.stderr, crash)


def assert_clear(r: Run, what: object) -> None:
    """Exit 0, or exit 1 with one ``error:`` line; no traceback, no internal error."""
    assert r.crash is None, f"{what}: {type(r.crash).__name__}: {r.crash}"
    assert r.exit_code in (0, 1), f"{what}: exit {r.exit_code}: {r.output[-400:]}"
    assert "Traceback" not in r.output and "internal error" not in r.output, (what, r.output)
    if r.exit_code == 1:
        errors = [line for line in r.stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) <= 1, (what, r.stderr)


# --- which options take dates, periods and numbers: from the app itself ------------------------

#: the parameters (by name) that take a date, an instant, a week, a month or a cycle id
DATED = {"month", "week", "cycle", "from_", "due", "start", "end", "at", "date", "since",
         "received_at"}
#: ... and those whose name says nothing: (command, parameter)
ALSO_DATED = {("leave request", "to")}
#: builds its own database (and with --people, thousands of rows): tested on its own below
NOT_SWEPT = {"demo"}
#: values for the other required parameters
FILL = {"cycle": "2026-11", "from_": "2026-12-02", "reason": "r", "grade": "B",
        "employee": "李娜", "name": "李娜", "to": "李娜", "start": "2026-12-02T09:00",
        "end": "2026-12-02T18:00", "place": "p", "matter": "m", "approved_by": "张伟",
        "escort": "李娜", "owner": "李娜", "due": "2026-12-20", "title": "t",
        "position": "manager", "login": "someone", "file": "no-such-file", "section": "2"}
#: options that let the command reach the value under test
EXTRA = {"plan submit": ["--summary", "s", "--plan", "p"]}


@dataclass(frozen=True)
class Target:
    command: tuple[str, ...]
    param: str
    flag: str | None  # None: a positional argument
    number: bool
    #: every parameter given, in the command's order: (name, flag or None, value)
    slots: tuple[tuple[str, str | None, str], ...]

    def __str__(self) -> str:
        return " ".join(self.command) + " " + (self.flag or f"<{self.param}>")

    def args(self, value: str) -> list[str]:
        options: list[str] = [*EXTRA.get(" ".join(self.command), [])]
        positional: list[str] = []
        for name, flag, v in self.slots:
            v = value if name == self.param else v
            if flag is None:
                positional.append(v)
            else:
                options += [flag, v]
        # "--": a value such as "-1" is an argument, not an option
        return [*self.command, *options, *(["--", *positional] if positional else [])]


def _walk(cmd, path):
    if hasattr(cmd, "commands"):
        if getattr(cmd, "invoke_without_command", False):  # `calendar --month` runs on its own
            yield path, cmd
        for name, sub in cmd.commands.items():
            yield from _walk(sub, [*path, name])
    else:
        yield path, cmd


def _is_int(p) -> bool:
    return p.bare_type() in (int, "int")


def targets() -> list[Target]:
    from ecomops.cli import LAZY, load

    out = []
    for name in LAZY:
        if name in NOT_SWEPT:
            continue
        for path, cmd in _walk(load(name), [name]):
            params = [p for p in cmd.params if not getattr(p, "is_flag", False)]
            for p in params:
                dated = p.name in DATED or (" ".join(path), p.name) in ALSO_DATED
                if not (_is_int(p) or (dated and p.bare_type() in (str, "str"))):
                    continue  # (appraise --from is a file)
                slots = tuple(
                    (q.name, max(q.opts, key=len) if q.param_type_name == "option" else None,
                     "1" if _is_int(q) else FILL.get(q.name, "x"))
                    for q in params if q is p or q.required
                )
                flag = max(p.opts, key=len) if p.param_type_name == "option" else None
                out.append(Target(tuple(path), p.name, flag, _is_int(p), slots))
    return out


TARGETS = targets()
DATE_TARGETS = [t for t in TARGETS if not t.number]
NUMBER_TARGETS = [t for t in TARGETS if t.number]


def test_the_sweep_covers_the_options_the_issue_names():
    names = {str(t) for t in TARGETS}
    for must in ["tasks list --due-within", "plan status --week", "plan status --month",
                 "report --month", "calendar --month", "plan submit --week",
                 "cycle open <cycle>", "leave request --from", "leave request --to",
                 "init --year", "audit --last", "audit --since", "tasks show <task>",
                 "visitor leave <visit>", "tasks add --due", "handover add --start",
                 "visitor add --at", "goals list --month", "leave list --month"]:
        assert must in names, must


# --- the sweep ---------------------------------------------------------------------------------

EXTREME_TEXT = ["0000-01", "9999-12", "0000-W01", "9999-W52", "2026-W53", "2026-W54", "2026-13",
                "2026-00", "0000-01-01", "9999-12-31", "9999-12-31T23:59", "0000-01-01T00:00",
                "0001-01-01T00:00+14:00", "9999-12-31T23:59-14:00", "2999-12-31T23:59-14:00",
                "1900-01-01T00:00+14:00", "2999-12", "2999-W52", "3000-W01", "1900-01",
                "1900-W01", "", " ", "１２", "２０２６-１１", "\x00", "2026-11\x00", "x" * 10_000,
                "2026-11-30T25:00", "-1", "2026", "2026-Q9", "99999-01", "2026-11-31",
                "2026-W00", "+2026-11", "2_026-11", "NaN", "1e400"]
EXTREME_NUMBERS = [0, -1, 1, 2**31, 2**63 - 1, 2**63, -(2**63), 999_999_999, -999_999_999,
                   10**30, -(10**30), 10**4000]


@pytest.mark.parametrize("target", DATE_TARGETS, ids=str)
def test_extreme_dates_and_periods(dept, target):
    for value in EXTREME_TEXT:
        assert_clear(invoke(dept, target.args(value)), (str(target), value[:30]))


@pytest.mark.parametrize("target", NUMBER_TARGETS, ids=str)
def test_extreme_numbers(dept, target):
    for value in EXTREME_NUMBERS:
        assert_clear(invoke(dept, target.args(str(value))), (str(target), str(value)[:30]))


dates = st.one_of(
    st.sampled_from(EXTREME_TEXT),
    st.from_regex(r"\A[+-]?\d{1,6}(-[WwQq]?\d{1,3}){0,2}(T\d{1,2}:\d{1,2}(:\d{1,2})?)?"
                  r"([Zz]|[+-]\d{1,2}:\d{2})?\Z"),
    st.text(max_size=30),
)
numbers = st.one_of(st.integers(), st.integers(-(10**40), 10**40), st.sampled_from(EXTREME_NUMBERS))


@given(target=st.sampled_from(DATE_TARGETS), value=dates)
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_date_or_period_is_answered_or_refused_clearly(dept, target, value):
    assert_clear(invoke(dept, target.args(value)), (str(target), value))


@given(target=st.sampled_from(NUMBER_TARGETS), value=numbers)
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_number_is_answered_or_refused_clearly(dept, target, value):
    assert_clear(invoke(dept, target.args(str(value))), (str(target), value))


@given(value=dates.filter(lambda v: "\x00" not in v))
@example("9999-12-31T23:00")
@example("0000-01-01")
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_ecomops_now(dept, value):
    for args in (["today"], ["tasks", "list", "--due-within", "7"]):
        assert_clear(invoke(dept, args, env={"ECOMOPS_NOW": value}), (args, value))


def test_text_for_a_number_option_is_typers_usage_error_never_a_crash(dept):
    """A number option given text ("abc", "１２", 5,000 digits) fails Typer's own conversion:
    a usage error (exit 2) before any ecomops code runs; never a traceback."""
    for target in NUMBER_TARGETS:
        for value in ["abc", "", "１２", "9" * 5000, "1.5", "\x00"]:
            r = invoke(dept, target.args(value))
            assert r.crash is None and "Traceback" not in r.output, (str(target), value)
            assert r.exit_code == 2 and "Invalid value" in r.output, (str(target), value)


# --- A: the inputs that used to end in exit 70 -------------------------------------------------


def error_line(r: Run) -> str:
    assert r.crash is None and r.exit_code == 1, (r.exit_code, r.output)
    lines = r.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, r.stderr
    return errors[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--month", "0000-11"],
         "month '0000-11' is out of range; give a year from 1900 to 2999 (--month)"),
        (["report", "--month", "9999-12"], "month '9999-12' is out of range"),
        (["calendar", "--month", "9999-12"], "give a year from 1900 to 2999 (--month)"),
        (["plan", "status", "--week", "9999-W52"],
         "week '9999-W52' is out of range; give a year from 1900 to 2999 (--week)"),
        (["plan", "status", "--week", "2026-W54"], "'2026-W54' is not an ISO week (2026 has weeks 1 to 53)"),
        (["plan", "status", "--month", "2026-13"], "with a month from 01 to 12"),
        (["leave", "request", "--from", "9999-12-31", "--reason", "r"],
         "--from '9999-12-31' is out of range; give a year from 1900 to 2999"),
        (["leave", "request", "--from", "0000-01-01", "--reason", "r"],
         "--from '0000-01-01' is out of range"),
        (["tasks", "add", "t", "--owner", "李娜", "--due", "9999-12-31"], "--due '9999-12-31' is out of range"),
        (["init", "--year", "9999"], "year 9999 is out of range; give a year from 1900 to 2999 (--year)"),
        (["init", "--year", "0"], "year 0 is out of range"),
        (["audit", "--last", "0"], "--last must be 1 or more"),
        (["tasks", "show", str(10**30)], "no task with id that large"),
        (["tasks", "show", "--", "-1"], "no task with id -1"),
        (["visitor", "leave", str(2**63)], "no visit with id that large"),
        (["demo", "--people", "0"], "--people must be from 20 to 200000"),
        (["demo", "--people", str(10**30)], "--people must be from 20 to 200000"),
        (["demo", "--people", "20", "--months", "0"], "--months must be from 1 to 60"),
    ],
)
def test_out_of_range_is_one_line(dept, args, message):
    assert message in error_line(invoke(dept, args))


def test_a_long_value_is_not_echoed_in_full(dept):
    line = error_line(invoke(dept, ["report", "--month", "2026-11" + "x" * 10_000]))
    assert "is not a month" in line and len(line) < 300


def test_due_within_past_the_end_of_the_calendar_lists_every_task_not_done(dept):
    r = invoke(dept, ["tasks", "list", "--due-within", "999999999", "--json"])
    assert r.exit_code == 0, r.stderr
    listed = json.loads(r.stdout)
    assert listed and all(t["status"] != "done" for t in listed)


@pytest.mark.parametrize(
    ("now", "message"),
    [
        ("9999-12-31T23:00", "ECOMOPS_NOW '9999-12-31T23:00' is out of range; give a year from 1900 to 2999"),
        ("0000-01-01", "ECOMOPS_NOW '0000-01-01' is out of range; give a year from 1900 to 2999"),
        ("2999-12-31T23:59-14:00", "(it is 3000-01-01 21:59 in Asia/Shanghai)"),
        ("next tuesday", "ECOMOPS_NOW 'next tuesday' is not an ISO 8601 date"),
    ],
)
def test_ecomops_now_out_of_range(dept, now, message):
    assert message in error_line(invoke(dept, ["today"], env={"ECOMOPS_NOW": now}))


def test_the_last_days_of_the_calendar_still_work(dept):
    for args in (["today"], ["report", "--month", "2999-12"], ["plan", "status"],
                 ["calendar", "--month", "2999-12"]):
        r = invoke(dept, args, env={"ECOMOPS_NOW": "2999-12-31T23:59"})
        assert r.exit_code == 0, (args, r.stderr)


# --- B: passwords never echoed -----------------------------------------------------------------

SECRET = "Sup3rS3cret"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"postgresql://u:{SECRET}@h:abc/db",
         "'postgresql://u:***@h:abc/db' is not a database URL: its port is not a number"),
        # refused as typed (--database-url), or read without the space (the environment)
        (f" postgresql://u:{SECRET}@h/db", "//u:***@h/db"),
        (f"postgresql://u:{SECRET}@h:99999/db", "its port 99999 is out of range"),
        (f"postgresql://u:p@ss{SECRET}@h:abc/db", "'postgresql://u:***@h:abc/db'"),
        (f"postgresql://u:{SECRET}", "'postgresql://u:***' is not a database URL"),
        (f"postgresql://h:x/db?password={SECRET}", "password=***"),
    ],
)
def test_a_bad_database_url_never_shows_its_password(dept, url, message):
    for how in (["--database-url", url], []):
        env = {"ECOMOPS_DATABASE_URL": url, "ECOMOPS_DB": None} if not how else None
        r = invoke(dept, ["staff", "list", *how], env=env)
        line = error_line(r)
        assert SECRET not in r.output and message in line, line


def test_db_copy_to_a_bad_url_never_shows_its_password(dept):
    r = invoke(dept, ["db", "copy", "--to", f"postgresql://u:{SECRET}@h:abc/db"])
    assert SECRET not in r.output and "is not a database URL" in error_line(r)


# --- C: bounded handbook parsing ---------------------------------------------------------------


def laughs() -> str:
    """The "billion laughs": nine levels of nine aliases, 9**9 "lol"s from some 450 bytes."""
    text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        text += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    return text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (laughs(), "bomb.yaml:2: an alias (*a) is not allowed in a handbook"),
        ("schema_version: " + "9" * 5000 + "\n",
         "bomb.yaml:1: a number of 5000 characters is too long"),
        ("schema_version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n",
         "bomb.yaml:2: lists and mappings are nested more than 64 levels deep"),
        ("schema_version: 1\nx: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n",
         "bomb.yaml:2: lists and mappings are nested more than 64 levels deep"),
        ("schema_version: 1\nx: 0000-01-01\n", "bomb.yaml:2: cannot read the value '0000-01-01'"),
        ("schema_version: " + ":".join(["1"] * 100_000) + "\n", "a number of 199999 characters"),
    ],
    ids=["billion-laughs", "5000-digits", "5000-deep-list", "5000-deep-map", "year-0", "base-60"],
)
def test_a_hostile_handbook_is_refused_at_once(dept, text, message):
    file = dept.home / "bomb.yaml"
    file.write_text(text, encoding="utf-8")
    assert len(laughs().encode()) < 500
    for args in (["manual", "check", str(file)], ["init", "--manual", str(file)]):
        start = time.perf_counter()
        r = invoke(dept, args)
        took = time.perf_counter() - start
        # a whole command, start-up included, on a machine busy with the other test process;
        # a bomb that was not refused at once would take minutes and gigabytes
        assert took < 3.0, (args, took)
        assert message in error_line(r), r.stderr


def test_a_handbook_larger_than_2_mb_is_refused_unread(dept):
    file = dept.home / "big.yaml"
    file.write_text("# " + "x" * (2 * 2**20) + "\n", encoding="utf-8")
    assert "the file is larger than 2 MB" in error_line(invoke(dept, ["manual", "check", str(file)]))


def test_the_seed_still_loads_and_has_no_aliases():
    from ecomops.handbook.loader import MAX_BYTES, bundled_manual_path, load_manual

    path = bundled_manual_path()
    assert path.stat().st_size < MAX_BYTES
    load_manual(path)


# --- D: encodings ------------------------------------------------------------------------------

LATIN1_ROSTER = "name,position\nJosé,copywriter\nRenée,clerk\n".encode("latin-1")


def test_a_latin1_csv_is_refused_with_a_hint_not_read_as_gb18030(dept):
    f = dept.home / "latin1.csv"
    f.write_bytes(LATIN1_ROSTER)
    assert LATIN1_ROSTER.replace(b"Jos\xe9,", b"").decode("gb18030")  # it does decode …
    line = error_line(invoke(dept, ["staff", "import", str(f)]))
    assert "not UTF-8 text (byte 0xE9 on line 2)" in line and "--encoding latin-1" in line
    r = invoke(dept, ["staff", "list", "--all", "--json"])
    assert "Jos" not in r.stdout and "Ren" not in r.stdout  # … and nothing was imported


def test_a_latin1_csv_with_encoding_latin1(dept):
    f = dept.home / "latin1.csv"
    f.write_bytes(LATIN1_ROSTER)
    r = invoke(dept, ["staff", "import", str(f), "--encoding", "latin-1", "--json"])
    assert r.exit_code == 0, r.stderr
    assert {s["name"] for s in json.loads(r.stdout)["staff"]} == {"José", "Renée"}


def test_a_chinese_gb18030_csv_is_still_read_without_encoding(dept):
    f = dept.home / "gb.csv"
    f.write_bytes("姓名,岗位,上级\n陈静,文員,张伟\n王强,策划主管,A级经理\n".encode("gb18030"))
    r = invoke(dept, ["staff", "import", str(f)])  # 'A级经理' is nobody …
    assert "1 problem" in error_line(r)
    assert "gb.csv:3:" in r.stderr and "A级经理" in r.stderr  # … but the text was read right


@pytest.mark.parametrize(
    ("encoding", "message"),
    [("klingon", "unknown encoding 'klingon'; use one such as utf-8, gb18030, big5 or latin-1 "
                 "(--encoding)"),
     ("rot13", "unknown encoding 'rot13'"),
     ("", "unknown encoding ''"),
     ("utf-8", "not utf-8 text (byte 0xE9 on line 2)")],
)
def test_bad_encodings_are_one_line(dept, encoding, message):
    f = dept.home / "latin1.csv"
    f.write_bytes(LATIN1_ROSTER)
    assert message in error_line(invoke(dept, ["staff", "import", str(f), "--encoding", encoding]))


def test_big5_with_its_encoding(dept):
    f = dept.home / "big5.csv"
    f.write_bytes("name,position,manager\n黃蓉,文員,張偉\n".encode("big5"))
    assert "--encoding" in error_line(invoke(dept, ["staff", "import", str(f)]))
    r = invoke(dept, ["staff", "import", str(f), "--encoding", "big5", "--json"])
    assert r.exit_code == 0, r.stderr
    assert "黃蓉" in r.stdout


def test_appraise_from_and_plan_file_take_encoding(dept):
    sheets = dept.home / "sheets.csv"
    sheets.write_bytes("employee,rater,note\nJosé,Zoë,très bien\n".encode("latin-1"))
    # José is on the roster (the Latin-1 import above puts him there, when it ran in this
    # process: the module's tests may be shared among workers)
    invoke(dept, ["staff", "add", "José", "--position", "copywriter"])
    invoke(dept, ["cycle", "open", "2026-11"])  # open it, or again: the sweep may have closed it
    invoke(dept, ["cycle", "reopen", "2026-11", "--reason", "the encoding test"])
    line = error_line(invoke(dept, ["appraise", "-c", "2026-11", "--from", str(sheets)]))
    assert "--encoding" in line
    r = invoke(dept, ["appraise", "-c", "2026-11", "--from", str(sheets), "--encoding", "latin-1"])
    assert "1 problem" in error_line(r)  # read as Latin-1, its rows are judged: no Zoë here
    assert "sheets.csv:2: no active rater named 'Zoë'" in r.stderr
    plan = dept.home / "plan.md"
    plan.write_bytes("## Summary\nRésumé du mois\n## Plan\nCafé\n".encode("latin-1"))
    line = error_line(invoke(dept, ["plan", "submit", "--as", "李娜", "--file", str(plan)]))
    assert "--encoding" in line
    r = invoke(dept, ["plan", "submit", "--as", "李娜", "--file", str(plan), "--encoding",
                      "latin-1", "--json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["summary"] == "Résumé du mois"


def test_a_valid_url_with_its_password_in_the_query_never_shows_it(dept):
    url = f"postgresql://u@127.0.0.1:1/db?password={SECRET}&connect_timeout=2"
    r = invoke(dept, ["staff", "list", "--database-url", url])
    assert r.exit_code == 1
    assert SECRET not in r.output and "password=***" in error_line(r)


@pytest.mark.parametrize("encoding", [None, "gb18030"])
def test_a_gb18030_file_with_a_byte_order_mark_reads_without_it(tmp_path, encoding):
    from ecomops.services.files import read_text

    f = tmp_path / "roster.csv"
    f.write_bytes("\ufeff姓名,职位\n王芳,文案\n".encode("gb18030"))
    assert read_text(f, encoding).splitlines()[0] == "姓名,职位"
