"""Grades over time (§6.1: the appraisal is a basis for hiring, rewards, training and changes of
post), as pure rules: the order of cycles in time, the cycles of a year, and who was given the
same grade more than once.

Cycle ids are ``YYYY-MM`` (monthly), ``YYYY-Qn`` (quarterly) and ``YYYY`` (year-end). In time a
cycle stands at the end of its period: 2026-10, 2026-11, 2026-12, 2026-Q4, 2026; a month comes
before the quarter that ends with it, and the year-end after both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ecomops.core.cycles import parse_cycle_id

_KIND_RANK = {"monthly": 0, "quarterly": 1, "year_end": 2}


def cycle_key(cycle_id: str) -> tuple[int, int, int]:
    """A sort key putting cycles in time order: (year, last month of the period, kind)."""
    cid, kind = parse_cycle_id(cycle_id)
    year = int(cid[:4])
    if kind == "monthly":
        month = int(cid[5:7])
    elif kind == "quarterly":
        month = 3 * int(cid[-1])
    else:
        month = 12
    return year, month, _KIND_RANK[kind]


def cycle_year(cycle_id: str) -> int:
    """The year a cycle belongs to."""
    return cycle_key(cycle_id)[0]


def in_time_order(cycle_ids: Iterable[str]) -> list[str]:
    """``cycle_ids`` ordered in time (see :func:`cycle_key`)."""
    return sorted(cycle_ids, key=cycle_key)


@dataclass(frozen=True)
class Repeat:
    """A person given ``grade`` in ``cycles`` (more than once)."""

    name: str
    grade: str
    cycles: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.cycles)


def repeated(
    graded: Iterable[tuple[str, str, str]], grades: Sequence[str], *, more_than: int = 1
) -> list[Repeat]:
    """From (name, cycle id, final grade) triples: each person given one of ``grades`` in more
    than ``more_than`` cycles, by grade (in the order of ``grades``), then name; each with
    its cycles in time order."""
    found: dict[tuple[str, str], list[str]] = {}
    for name, cycle, grade in graded:
        if grade in grades:
            found.setdefault((name, grade), []).append(cycle)
    rank = {g: i for i, g in enumerate(grades)}
    return [
        Repeat(name, grade, tuple(in_time_order(cycles)))
        for (name, grade), cycles in sorted(
            found.items(), key=lambda kv: (rank[kv[0][1]], kv[0][0])
        )
        if len(cycles) > more_than
    ]
