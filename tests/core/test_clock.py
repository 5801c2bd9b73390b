from datetime import datetime, timedelta

import pytest

from ecomops import clock
from ecomops.errors import InvalidInput


def test_now_follows_ecomops_now_in_the_handbook_time_zone(monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-30T09:15")
    now = clock.now()
    assert (now.year, now.month, now.day, now.hour, now.minute) == (2026, 11, 30, 9, 15)
    assert now.utcoffset() == timedelta(hours=8)


def test_a_utc_instant_is_shown_in_shanghai(monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2026-11-30T20:00:00Z")
    now = clock.now()
    assert now.date().isoformat() == "2026-12-01" and now.hour == 4


def test_a_date_alone_is_the_start_of_that_day(monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "2027-02-01")
    assert clock.now().isoformat() == "2027-02-01T00:00:00+08:00"
    assert clock.today().isoformat() == "2027-02-01"


def test_without_override_now_is_the_system_clock_in_shanghai():
    before = datetime.now().astimezone()
    now = clock.now()
    assert now.utcoffset() == timedelta(hours=8)
    assert abs((now - before).total_seconds()) < 5


def test_bad_ecomops_now_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("ECOMOPS_NOW", "next tuesday")
    with pytest.raises(InvalidInput, match="ECOMOPS_NOW 'next tuesday' is not an ISO 8601"):
        clock.now()
