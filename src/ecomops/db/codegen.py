"""Writes ``schema.py``, the SQLAlchemy Core mirror of the SQLModel tables in ``tables.py``.

The SQLModel classes are the one declaration of the schema (migrations are checked against
them). Building them maps 21 ORM classes and costs ~170 ms at start-up, more than a read
command's whole budget, so the commands run on Core ``Table`` objects that this module renders
from those classes. After changing ``tables.py``:

    python -m ecomops.db.codegen        # rewrites src/ecomops/db/schema.py

``tests/db/test_schema_mirror.py`` fails while the file is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from ecomops.db.types import UTCDateTime

TARGET = Path(__file__).with_name("schema.py")

HEADER = '''"""The tables as SQLAlchemy Core objects: what the commands read and write through.

GENERATED from the SQLModel classes in ``tables.py`` by ``python -m ecomops.db.codegen``;
do not edit (a test fails while it is stale). ``schema.task`` builds the table on first use;
``schema.metadata`` builds them all. Importing ``tables`` instead maps every ORM class (~170 ms).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    text,
)

from ecomops.db.types import UTCDateTime

_metadata = MetaData(naming_convention={naming})
'''


def _q(value) -> str:
    """A Python literal in the project's style (double quotes)."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_q(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_q(k)}: {_q(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _call(name: str, args: list[str], indent: str = "        ") -> str:
    """``name(args),`` on one line when it fits in 100 columns, else one argument a line."""
    line = f"{indent}{name}({', '.join(args)}),"
    if len(line) <= 100:
        return line
    return "\n".join([f"{indent}{name}(", *(f"{indent}    {a}," for a in args), f"{indent}),"])


def _type(column: Column[Any]) -> str:
    t = column.type
    # order matters: Text is a String, UTCDateTime wraps a DateTime
    if isinstance(t, UTCDateTime):
        return "UTCDateTime()"
    if isinstance(t, Text):
        return "Text()"
    if isinstance(t, String) or type(t).__name__ == "AutoString":
        # sqlmodel's AutoString is VARCHAR(n) on both backends, as String(n) is
        length = getattr(t, "length", None)
        return f"String({length})" if length else "String()"
    if isinstance(t, Boolean):
        return "Boolean()"
    if isinstance(t, Integer):
        return "Integer()"
    if isinstance(t, Date):
        return "Date()"
    if isinstance(t, Numeric):
        return f"Numeric({t.precision}, {t.scale})"
    if isinstance(t, JSON):
        return "JSON()"
    raise TypeError(f"{column.table.name}.{column.name}: no rendering for {t!r}")


def _column(column: Column[Any]) -> str:
    args = [_q(column.name), _type(column)]
    simple_fks = [
        fk for fk in column.foreign_keys if fk.constraint and len(fk.constraint.elements) == 1
    ]
    args += [f"ForeignKey({_q(fk.target_fullname)})" for fk in simple_fks]
    if column.primary_key:
        args.append("primary_key=True")
        if column.autoincrement is False:
            args.append("autoincrement=False")
    args.append(f"nullable={column.nullable}")
    if column.index:
        args.append("index=True")
    if column.unique:
        args.append("unique=True")
    if column.default is not None:
        if not isinstance(column.default, ScalarElementColumnDefault):
            raise TypeError(f"{column.table.name}.{column.name}: only scalar defaults render")
        args.append(f"default={_q(column.default.arg)}")
    if column.server_default is not None or column.onupdate is not None:
        raise TypeError(f"{column.table.name}.{column.name}: server defaults do not render")
    return _call("Column", args)


def _table(table: Table) -> str:
    lines = [
        f"def _build_{table.name}() -> Table:",
        "    return Table(",
        f"        {_q(table.name)},",
        "        _metadata,",
    ]
    lines += [_column(c) for c in table.columns]
    for con in sorted(table.constraints, key=lambda c: [e.name for e in c.columns]):  # type: ignore[attr-defined]
        if isinstance(con, ForeignKeyConstraint) and len(con.elements) > 1:
            cols = [e.parent.name for e in con.elements]
            refs = [e.target_fullname for e in con.elements]
            lines.append(_call("ForeignKeyConstraint", [_q(cols), _q(refs)]))
    for ix in sorted(table.indexes, key=lambda i: str(i.name)):
        if len(ix.columns) == 1 and next(iter(ix.columns)).index:
            continue  # rendered as index=True on the column
        args = [_q(ix.name), *(_q(c.name) for c in ix.columns)]
        args += ["unique=True"] if ix.unique else []
        for dialect in ("sqlite", "postgresql"):  # a partial index's condition
            where = ix.dialect_options[dialect]["where"]
            if where is not None:
                args.append(f"{dialect}_where=text({_q(str(where))})")
        lines.append(_call("Index", args))
    lines.append("    )")
    return "\n".join(lines)


FOOTER = '''_BUILDERS = {
{builders}
}

if TYPE_CHECKING:  # what __getattr__ builds, typed for the type checker
    metadata: MetaData
{declarations}


def __getattr__(name: str) -> Any:
    """A table is built on first use (a command builds the few it touches, not all of them);
    ``metadata`` builds them all."""
    if name == "metadata":
        for each in _BUILDERS:
            __getattr__(each)
        globals()["metadata"] = _metadata
        return _metadata
    build = _BUILDERS.get(name)
    if build is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    table = _metadata.tables.get(name)
    if table is None:
        table = build()
    globals()[name] = table
    return table
'''


def render(metadata: MetaData) -> str:
    """The source of ``schema.py`` for ``metadata``."""
    naming = dict(metadata.naming_convention)
    parts = [HEADER.replace("{naming}", _q(naming))]
    parts += [_table(t) for t in metadata.tables.values()]
    builders = "\n".join(f"    {_q(n)}: _build_{n}," for n in metadata.tables)
    declarations = "\n".join(f"    {n}: Table" for n in metadata.tables)
    parts.append(FOOTER.replace("{builders}", builders).replace("{declarations}", declarations))
    return "\n\n\n".join(p.strip("\n") for p in parts) + "\n"


def sqlmodel_metadata() -> MetaData:
    """The SQLModel classes' metadata (maps every ORM class)."""
    from sqlmodel import SQLModel

    import ecomops.db.tables  # noqa: F401  (registers the classes)

    return SQLModel.metadata


def main() -> None:
    TARGET.write_text(render(sqlmodel_metadata()), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
