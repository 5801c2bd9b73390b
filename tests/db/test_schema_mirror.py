"""``db/schema.py`` (the Core tables the commands use) mirrors the SQLModel classes exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from ecomops.db import codegen, schema


def test_generated_schema_is_up_to_date():
    expected = codegen.render(codegen.sqlmodel_metadata())
    assert Path(schema.__file__).read_text(encoding="utf-8") == expected, (
        "db/schema.py is stale: run python -m ecomops.db.codegen"
    )


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "pg"])
def test_core_tables_make_the_same_ddl_as_the_models(dialect):
    orm = codegen.sqlmodel_metadata()
    assert sorted(schema.metadata.tables) == sorted(orm.tables)
    for name, table in orm.tables.items():
        core = schema.metadata.tables[name]
        assert str(CreateTable(core).compile(dialect=dialect)) == str(
            CreateTable(table).compile(dialect=dialect)
        ), name
        assert sorted(str(CreateIndex(i).compile(dialect=dialect)) for i in core.indexes) == sorted(
            str(CreateIndex(i).compile(dialect=dialect)) for i in table.indexes
        ), name


def test_core_tables_have_the_models_python_defaults():
    orm = codegen.sqlmodel_metadata()
    for name, table in orm.tables.items():
        for column in table.columns:
            mirror = schema.metadata.tables[name].c[column.name]
            want = column.default.arg if column.default is not None else None
            got = mirror.default.arg if mirror.default is not None else None
            assert got == want, f"{name}.{column.name}"
    # the defaults a Core insert relies on are there at all
    assert schema.staff.c.active.default.arg is True
    assert schema.task.c.owner_by_hand.default.arg is False
