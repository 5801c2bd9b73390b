"""The handbook in force (a leaf: every service asks it, it asks none of them) and lookups of
its positions and criteria by any of their names."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING

from sqlalchemy import Text, cast, select

from ecomops.db import schema
from ecomops.db.session import Session
from ecomops.errors import DatabaseError, NotFound, Suggest
from ecomops.text import key, localize

if TYPE_CHECKING:
    from ecomops.handbook.model import Criterion, Manual, Position, Rubric


class Current:
    """The handbook in force: validated into :class:`Manual` on first use of ``manual``;
    ``timezone`` is read from the stored document without it. ``document`` is shared by
    every transaction that reads the same stored text: read it, never change it."""

    def __init__(self, text: str, year: int, sha256: str) -> None:
        self.text, self.year, self.sha256 = text, year, sha256
        self.document: dict = _parsed(text)

    @property
    def manual(self) -> Manual:
        return _validated(self.text)

    @property
    def timezone(self) -> str:
        stored = self.document.get("calendar", {}).get("timezone")
        return stored if stored else self.manual.calendar.timezone


# The stored handbook as read and as validated, once per process for each text (a command
# reads it in each of its transactions; a process that runs many commands, on one database or
# several, parses and validates each handbook once). The text is the key: nothing but the
# same text gives the same handbook.
@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> dict:
    return json.loads(text)


@functools.lru_cache(maxsize=8)
def _validated(text: str) -> Manual:
    from ecomops.handbook.model import Manual  # the schema: only when a command needs it

    return Manual.model_validate(_parsed(text))


def current(session: Session) -> Current:
    """The handbook in force, read once per transaction (every service asks)."""
    cached = session.info.get("ecomops.current")
    if cached is not None:
        return cached
    mv = schema.manual_version
    row = (
        session.connection()
        .execute(
            select(cast(mv.c.document, Text).label("text"), mv.c.year, mv.c.sha256)
            .order_by(mv.c.id.desc())
            .limit(1)
        )
        .first()
    )
    if row is None:
        raise DatabaseError(
            "the database holds no handbook", "load one with: {command}", suggest=Suggest("init")
        )
    found = Current(row.text, row.year, row.sha256)
    session.info["ecomops.current"] = found
    return found


# --- lookups -----------------------------------------------------------------------------------


def _names(*labels: str) -> set[str]:
    return {key(label) for label in labels}


def known_positions(m: Manual, lang: str = "zh") -> str:
    """The positions one may type, for an error's hint: each id with its Chinese name in the
    script of ``lang`` (simplified for zh-hans, the manual's own otherwise)."""
    return ", ".join(
        f"{p.id} ({localize(p.name.zh, p.name.zh, lang)})"
        for p in m.positions
    )


def position_names(session: Session, lang: str) -> dict[str, str]:
    """Each position's id → its name in ``lang``, for tables and labels in Chinese; under
    English each id maps to itself (the English tables name positions by id)."""
    m = current(session).manual
    if lang == "en":
        return {p.id: p.id for p in m.positions}
    return {p.id: localize(p.name.zh, p.name.en, lang) for p in m.positions}


def rubric_names(session: Session, lang: str) -> dict[str, str]:
    """Each rubric's id → its name in ``lang`` (under English, its id, as the tables show)."""
    m = current(session).manual
    rubrics = m.appraisal.rubrics
    if lang == "en":
        return {r.id: r.id for r in rubrics}
    return {r.id: localize(r.name.zh, r.name.en, lang) for r in rubrics}


def find_position(m: Manual, name: str, lang: str = "zh") -> Position:
    """The position ``name`` names: its id, its Chinese or English name, or an alias (an
    error lists the positions in the script of ``lang``)."""
    k = key(name)
    for p in m.positions:
        if k in _names(p.id, p.name.zh, p.name.en, *p.aliases):
            return p
    raise NotFound(f"unknown position {name!r}", f"known positions: {known_positions(m, lang)}")


def find_criterion(rubric: Rubric, name: str, lang: str = "zh") -> Criterion:
    """The criterion of ``rubric`` that ``name`` names: its id, either name, or an alias (an
    error lists the criteria in the script of ``lang``: simplified for zh-hans)."""
    k = key(name)
    for c in rubric.criteria:
        if k in _names(c.id, c.name.zh, c.name.en, *c.aliases):
            return c
    known = ", ".join(f"{c.id} ({localize(c.name.zh, c.name.zh, lang)})" for c in rubric.criteria)
    raise NotFound(f"unknown criterion {name!r} in rubric {rubric.id}", f"known: {known}")
