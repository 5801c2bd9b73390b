"""Fuzzing the edges where users type or hand us files: every input ends in a result or a
clear EcomopsError — never another exception, never a partial write."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomops.clock import parse_instant
from ecomops.core.calendar import parse_date, parse_month, parse_week
from ecomops.core.cycles import parse_cycle_id
from ecomops.core.plans import parse_markdown
from ecomops.core.scoring import parse_score
from ecomops.errors import EcomopsError
from ecomops.handbook.loader import parse_manual_text
from ecomops.services.staff import read_staff_csv
from ecomops.text import key, parse_lang
from tests.conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
TZ = ZoneInfo("Asia/Shanghai")
TODAYS = [date(2026, 12, 31), date(2027, 1, 2), date(1900, 1, 1), date(2999, 12, 31)]
PARSERS = [
    parse_cycle_id, parse_week, parse_month, parse_date, parse_score, parse_lang,
    lambda t: parse_instant(t, TZ), lambda t: parse_cycle_id(t, year_end=True),
    lambda t: parse_markdown(t, "x.md"),
    # without the year: the nearest to a today, at the turn of a year and at the calendar's edges
    *(lambda t, d=d: parse_week(t, today=d) for d in TODAYS),
    *(lambda t, d=d: parse_month(t, today=d) for d in TODAYS),
    *(lambda t, d=d: parse_date(t, today=d) for d in TODAYS),
]
texty = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\A-?\d{1,5}(-[QqWw]?\d{1,3}){0,2}(T\d{1,2}:\d{1,2}(:\d{1,2})?)?Z?\Z"),
    st.sampled_from(["2026-11", "2026-Q4", "2026", "2026-W48", "2026-11-30", "NaN", "1e400",
                     "-0", "100.00", "２０２６-１１", "2026-02-30", "9999-W53", "W53", "第1周",
                     "1月", "12月份", "2月29日", "1/8", "2026年第53周"]),
)


@pytest.mark.parametrize("parse", PARSERS)
@given(text=texty)
@settings(max_examples=150, deadline=None)
def test_parsers_answer_or_refuse_clearly(parse, text):
    try:
        parse(text)
    except EcomopsError as exc:
        assert str(exc) and "\n" not in exc.message


@given(st.text(max_size=60))
def test_name_keys_never_fail(text):
    assert isinstance(key(text), str)


@st.composite
def mutated_seed(draw):
    """The seed handbook with a few random cuts, insertions and swaps."""
    text = SEED_TEXT
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text) - 1))
        j = min(len(text), i + draw(st.integers(0, 40)))
        text = text[:i] + draw(st.sampled_from(["", ":", "- ", "\n", "  ", "{", "]", "x",
                                                "null", "'", "&a", "*a", "!!int"])) + text[j:]
    return text


@given(mutated_seed())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_damaged_handbook_is_valid_or_reported(text):
    try:
        parse_manual_text(text, "hb.yaml")
    except EcomopsError as exc:
        assert exc.problems or exc.message.startswith("hb.yaml")


@given(st.text(max_size=200))
@settings(max_examples=100, deadline=None)
def test_any_yaml_text(text):
    try:
        parse_manual_text(text, "hb.yaml")
    except EcomopsError:
        pass


csv_cell = st.one_of(st.text(max_size=8), st.sampled_from(["文案", "manager", "x@y.z", "李娜",
                                                           '"', '","', "\r\n"]))


@given(st.lists(st.lists(csv_cell, min_size=0, max_size=5), max_size=6))
@settings(max_examples=100, deadline=None)
def test_staff_csv_text(rows):
    text = "name,position,email,manager\n" + "\n".join(",".join(r) for r in rows)
    try:
        read_staff_csv(text, "x.csv")
    except EcomopsError:
        pass


@given(rows=st.lists(st.tuples(st.sampled_from(["王芳", "李娜", "", "  ", "张伟", "ab\x00c"]),
                                st.sampled_from(["文案", "clerk", "ceo", "", "經理"]),
                                st.sampled_from(["", "w@x.cn", "bad", "a@b"]),
                                st.sampled_from(["", "张伟", "nobody"])), max_size=6))
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_staff_import_is_all_or_nothing(db, cli, tmp_path, rows):
    before = cli("staff", "list", "--all", "--json").json()
    f = tmp_path / "fuzz.csv"
    f.write_text("name,position,email,manager\n" + "".join(",".join(r) + "\n" for r in rows),
                 encoding="utf-8")
    r = cli("staff", "import", str(f), "--json")
    after = cli("staff", "list", "--all", "--json").json()
    if r.exit_code == 0:
        assert len(after) == len(before) + r.json()["added"]
    else:
        assert r.exit_code == 1 and r.stderr.startswith("error: ")
        assert "Traceback" not in r.stderr and after == before
