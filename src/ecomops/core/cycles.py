"""Appraisal cycle ids: ``YYYY-MM`` (monthly), ``YYYY-Qn`` (quarterly), ``YYYY`` (year-end)."""

from __future__ import annotations

import re

from ecomops.errors import InvalidInput

#: a cycle is open (sheets may be written) or closed (read-only)
OPEN, CLOSED = "open", "closed"
STATUSES = (OPEN, CLOSED)

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_cycle_id(text: str, *, year_end: bool = False) -> tuple[str, str]:
    """Return (canonical id, kind id) for a cycle id; ``year_end`` insists on a year."""
    raw = text.strip()
    if m := _MONTH.match(raw):
        month = int(m.group(2))
        if 1 <= month <= 12 and not year_end:
            return f"{m.group(1)}-{month:02d}", "monthly"
    elif (m := _QUARTER.match(raw)) and not year_end:
        return f"{m.group(1)}-Q{m.group(2)}", "quarterly"
    elif m := _YEAR.match(raw):
        return m.group(1), "year_end"
    if year_end:
        raise InvalidInput(f"{text!r} is not a year", "a year-end cycle is named YYYY, e.g. 2026")
    raise InvalidInput(
        f"{text!r} is not a cycle id",
        "write a month (2026-11), a quarter (2026-Q4) or a year for the year-end (2026)",
    )
