"""``ecomops calendar load`` and ``calendar --year``: next year's official schedule brought in
from the State Council's notice (or an .ics feed, or a plain list), stored in the database,
winning over the holiday package; and the warnings from 1 December while it is missing.

Every test pins "now" (``ECOMOPS_NOW`` on the simulated-clock test database): the 2027
schedule is unknown to chinese-calendar 1.11 whatever the machine's date."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_remind import _mail_settings, _text, serve

NOTICES = Path(__file__).resolve().parents[1] / "fixtures" / "notices"
SAMPLE_2027 = NOTICES / "2027-sample.txt"


@pytest.fixture
def december(db, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-02T10:00")
    return db


def _deadlines(cli, month: str) -> dict[str, str]:
    out = cli("calendar", "--month", month, "--json").json()
    return {d["period"]: d["due_at"] for d in out["deadlines"]}


def test_the_2027_notice_moves_the_monday_plan_and_the_month_end_friday(december, cli):
    # before: weekends only, and said so
    before = cli("calendar", "--month", "2027-02", "--json").json()
    assert before["known"] is False
    assert _deadlines(cli, "2027-02")["2027-W06"] == "2027-02-08T23:59:59+08:00"
    assert _deadlines(cli, "2027-04")["2027-04"] == "2027-04-30T23:59:59+08:00"

    r = cli("calendar", "load", str(SAMPLE_2027), "--json")
    assert r.exit_code == 0, r.stderr
    (year,) = r.json()["years"]
    assert (year["year"], year["kind"], year["days_off"], year["working_days"]) == (
        2027, "notice", 29, 6)
    assert year["package_knows"] is False and year["replaced"] is False

    after = cli("calendar", "--month", "2027-02", "--json").json()
    assert after["known"] is True and after["next_year_missing"] is None
    days = {d["date"]: d for d in after["days"]}
    # the Spring Festival runs Friday 5 to Saturday 13 February: week 6 has no working day,
    # so its Monday plan is due on the next working day, Monday 15 February
    assert days["2027-02-08"]["working"] is False
    assert days["2027-02-08"]["holiday"] == "Spring Festival"
    assert days["2027-02-20"]["working"] is True  # an adjusted working Saturday (调休上班)
    assert _deadlines(cli, "2027-02")["2027-W06"] == "2027-02-15T23:59:59+08:00"
    # Friday 30 April is a Labour Day holiday: April's summary is due Thursday the 29th
    assert _deadlines(cli, "2027-04")["2027-04"] == "2027-04-29T23:59:59+08:00"
    # the plan status reads the same deadline
    status = cli("plan", "status", "--week", "2027-W06", "--json").json()
    assert status["due_at"] == "2027-02-15T23:59:59+08:00"


def test_the_2026_notice_reproduces_the_package_and_a_changed_one_lists_the_differences(
    december, cli, tmp_path
):
    r = cli("calendar", "load", str(NOTICES / "2026.txt"), "--json")
    assert r.exit_code == 0, r.stderr
    (year,) = r.json()["years"]
    assert year["package_knows"] is True and year["differences"] == []
    shown = cli("calendar", "--year", "2026", "--json").json()
    assert shown["source"] == "official" and shown["kind"] == "notice"
    assert shown["file"].endswith("2026.txt") and shown["differences"] == []
    sources = {d["source"] for d in shown["days"]}
    assert sources == {"official"}
    by_day = {d["date"]: d for d in shown["days"]}
    assert by_day["2026-10-05"]["kind"] == "off" and by_day["2026-10-05"]["name"] == "国庆节"

    # the same notice with National Day's working Saturday 10 October dropped
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    assert "9月20日（周日）、10月10日（周六）上班" in text
    changed = tmp_path / "2026-changed.txt"
    changed.write_text(
        text.replace("9月20日（周日）、10月10日（周六）上班", "9月20日（周日）上班"),
        encoding="utf-8",
    )
    r = cli("calendar", "load", str(changed), "--json")
    (year,) = r.json()["years"]
    assert year["replaced"] is True
    assert year["differences"] == [{"date": "2026-10-10", "loaded": "normal", "package": "work"}]
    month = cli("calendar", "--month", "2026-10", "--json").json()
    assert {d["date"]: d["working"] for d in month["days"]}["2026-10-10"] is False
    plain = cli("calendar", "load", str(changed))
    assert "2026-10-10" in plain.stdout and "Where the loaded schedule differs" in plain.stdout


def test_a_notice_pasted_in_traditional_characters_on_standard_input(december, cli):
    from ecomops.text import converter

    text = converter("s2t").convert(SAMPLE_2027.read_text(encoding="utf-8"))
    assert "節" in text
    r = cli("calendar", "load", "-", "--json", input=text)
    assert r.exit_code == 0, r.stderr
    assert r.json()["years"][0]["year"] == 2027
    assert _deadlines(cli, "2027-04")["2027-04"] == "2027-04-29T23:59:59+08:00"


def test_an_ics_feed_and_a_csv_list(december, cli, tmp_path):
    ics = tmp_path / "holidays.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//holidays//CN\r\n"
        "BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;VALUE=DATE:20270101\r\n"
        "DTEND;VALUE=DATE:20270104\r\nSUMMARY:元旦 休\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b@test\r\nDTSTART;VALUE=DATE:20270206\r\n"
        "DTEND;VALUE=DATE:20270207\r\nSUMMARY:春节调休 班\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n",
        encoding="utf-8",
    )
    r = cli("calendar", "load", str(ics), "--json")
    assert r.exit_code == 0, r.stderr
    (year,) = r.json()["years"]
    assert (year["kind"], year["days_off"], year["working_days"]) == ("ics", 3, 1)
    days = {d["date"]: d["working"] for d in cli("calendar", "--month", "2027-02", "--json")
            .json()["days"]}
    assert days["2027-02-06"] is True  # a Saturday made a working day

    csv = tmp_path / "2028.csv"
    csv.write_text("date,kind,name\n2028-01-03,off,元旦\n2028-01-08,work,元旦\n",
                   encoding="utf-8")
    r = cli("calendar", "load", str(csv), "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["years"][0]["kind"] == "csv"
    shown = cli("calendar", "--year", "2028", "--json").json()
    assert [(d["date"], d["kind"]) for d in shown["days"]] == [
        ("2028-01-03", "off"), ("2028-01-08", "work")]


def test_bad_files_are_one_line_and_write_nothing(december, cli, tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_text("这不是通知。\n", encoding="utf-8")
    r = cli("calendar", "load", str(junk))
    assert r.exit_code != 0
    assert len(r.stderr.strip().splitlines()) <= 2 and "Traceback" not in r.stderr
    missing = cli("calendar", "load", str(tmp_path / "nowhere.txt"))
    assert missing.exit_code != 0 and "no file at" in missing.stderr
    assert cli("calendar", "--year", "2027", "--json").json()["source"] == "weekends"


def test_loading_is_audited(december, cli):
    assert cli("calendar", "load", str(SAMPLE_2027)).exit_code == 0
    entries = cli("audit", "--json").json()
    mine = [e for e in entries if e["command"] == "calendar load"]
    assert len(mine) == 1 and mine[0]["details"]["file"].endswith("2027-sample.txt")


# --- told in time -------------------------------------------------------------------------------


def test_from_1_december_calendar_and_the_heads_today_say_next_year_is_missing(
    db, cli, monkeypatch
):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-30T10:00")
    assert cli("calendar", "--json").json()["next_year_missing"] is None
    assert cli("today", "--json").json()["next_year_missing"] is None

    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T10:00")
    assert cli("calendar", "--json").json()["next_year_missing"] == 2027
    assert cli("today", "--json").json()["next_year_missing"] == 2027
    zh = cli("calendar", "--lang", "zh-hans")
    assert "明年（2027年）的节假日安排尚未载入" in zh.stderr
    assert "ecomops calendar load" in zh.stderr
    en = cli("today")
    assert "next year's official schedule (2027) is not loaded" in en.stdout

    assert cli("calendar", "load", str(SAMPLE_2027)).exit_code == 0
    assert cli("calendar", "--json").json()["next_year_missing"] is None
    assert cli("today", "--json").json()["next_year_missing"] is None


def test_a_member_is_not_told_of_next_years_calendar(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-01T10:00")
    assert cli("staff", "add", "张伟", "-p", "manager").exit_code == 0
    assert cli("staff", "add", "李娜", "-p", "copywriter").exit_code == 0
    assert cli("today", "--as", "李娜", "--json").json()["next_year_missing"] is None
    assert cli("today", "--as", "张伟", "--json").json()["next_year_missing"] == 2027


def test_deadlines_in_a_year_nobody_loaded_say_weekends_only(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2027-01-05T10:00")
    out = cli("today", "--json").json()
    assert out["unknown_years"] == [2027]
    zh = cli("today", "--lang", "zh-hans")
    assert "仅按周末计算：2027年的安排尚未载入" in zh.stdout
    assert cli("calendar", "load", str(SAMPLE_2027)).exit_code == 0
    assert cli("today", "--json").json()["unknown_years"] == []


def test_remind_tells_the_head_once(db, cli, monkeypatch, tmp_path):
    monkeypatch.setenv("ECOMOPS_CONFIG", "/nonexistent/config.toml")
    monkeypatch.setenv("ECOMOPS_NOW", "2026-12-02T10:00")
    for name, pos in (("张伟", "manager"), ("李娜", "copywriter")):
        mail = f"{'zw' if name == '张伟' else 'ln'}@huhao.example"
        assert cli("staff", "add", name, "-p", pos, "--email", mail).exit_code == 0
    with serve(tmp_path) as (inbox, port, cafile):
        _mail_settings(monkeypatch, port, cafile)
        first = cli("remind", "--json")
        assert first.exit_code == 0, first.stderr
        told = [x for x in first.json()["reminders"] if x["kind"] == "calendar"]
        assert [(x["recipient"], x["item"], x["status"]) for x in told] == [
            ("张伟", "2027", "sent")]
        mails = [m for rcpt, m in inbox.messages if rcpt == ["zw@huhao.example"]]
        assert any("schedule (2027) is not loaded" in _text(m) for m in mails)
        monkeypatch.setenv("ECOMOPS_NOW", "2026-12-03T10:00")
        again = cli("remind", "--json").json()
        assert [x for x in again["reminders"] if x["kind"] == "calendar"] == []
        assert all("2027" not in _text(m) for rcpt, m in inbox.messages
                   if rcpt == ["ln@huhao.example"])


@pytest.mark.postgres
def test_on_postgresql_the_general_manager_loads_it_and_a_member_cannot(december, cli, backend):
    if backend.kind != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    for name, pos in (("总经理", "general_manager"), ("张伟", "manager"), ("李娜", "copywriter")):
        assert cli("staff", "add", name, "-p", pos).exit_code == 0
    suffix = uuid.uuid4().hex[:8]
    urls = {}
    for name in ("总经理", "李娜"):
        role = f"cal_{suffix}_{'gm' if name == '总经理' else 'lina'}"
        r = cli("db", "grant", name, "--login", role, "--password-stdin", input="pw-" + suffix)
        assert r.exit_code == 0, r.stderr
        urls[name] = make_url(backend.url).set(username=role, password="pw-" + suffix)
    as_lina = urls["李娜"].render_as_string(hide_password=False)
    refused = cli("calendar", "load", str(SAMPLE_2027), "--database-url", as_lina)
    assert refused.exit_code != 0 and "may not load the official calendar" in refused.stderr
    as_gm = urls["总经理"].render_as_string(hide_password=False)
    r = cli("calendar", "load", str(SAMPLE_2027), "--database-url", as_gm, "--json")
    assert r.exit_code == 0, r.stderr
    assert cli("calendar", "--year", "2027", "--json").json()["loaded_by"] == "总经理"

    # the member's own SQL: reads it, changes nothing
    eng = create_engine(urls["李娜"].set(drivername="postgresql+psycopg2"))
    try:
        with eng.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM calendar_day")).scalar_one() == 35
            assert conn.execute(text("DELETE FROM calendar_day")).rowcount == 0
        with eng.connect() as conn, pytest.raises(Exception, match="permission denied"):
            conn.execute(text("UPDATE calendar_day SET kind = 'work'"))
        with eng.connect() as conn:
            with pytest.raises(Exception, match="row-level security"):
                conn.execute(text(
                    "INSERT INTO calendar_year VALUES (2028, 'csv', 'x', 'x', now(), 'x')"))
    finally:
        eng.dispose()


def test_plan_status_in_an_unknown_year_says_so_in_the_chosen_language(db, cli, monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2027-01-05T10:00")
    assert cli("staff", "add", "张伟", "-p", "manager").exit_code == 0
    out = cli("plan", "status", "--json").json()
    assert out["calendar_known"] is False and out["due_at"] == "2027-01-04T23:59:59+08:00"
    zh = cli("plan", "status", "--lang", "zh-hans")
    assert "警告：节假日日历尚不知道2027年的安排：仅按周末计算" in zh.stderr
    assert "does not know" not in zh.stderr
    assert cli("calendar", "load", str(SAMPLE_2027)).exit_code == 0
    assert cli("plan", "status", "--json").json()["calendar_known"] is True
    assert "warning" not in cli("plan", "status").stderr


def test_days_a_notice_sets_in_the_year_before_join_that_year_when_it_is_loaded(december, cli):
    # the 2019 notice makes Saturday 29 December 2018 a working day and 30-31 December days off
    assert cli("calendar", "load", str(NOTICES / "2018.txt")).exit_code == 0
    assert cli("calendar", "load", str(NOTICES / "2019.txt")).exit_code == 0
    days = {d["date"]: d for d in cli("calendar", "--year", "2018", "--json").json()["days"]}
    assert days["2018-12-29"]["kind"] == "work" and days["2018-12-31"]["kind"] == "off"
    month = cli("calendar", "--month", "2018-12", "--json").json()
    working = {d["date"]: d["working"] for d in month["days"]}
    assert working["2018-12-29"] is True and working["2018-12-31"] is False
    assert cli("calendar", "--year", "2018", "--json").json()["differences"] == []
