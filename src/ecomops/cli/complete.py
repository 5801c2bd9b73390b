"""Shell completion of people, positions, task ids and cycles.

This runs on every <TAB>, so it stays cheap: the standard library's sqlite3 (or psycopg2 for a
PostgreSQL URL) and a few short queries, never SQLAlchemy or the handbook loader. Any failure
completes nothing.
"""

from __future__ import annotations

from pathlib import Path


def _typed(ctx) -> dict:
    """The ``--db``/``--database-url`` typed: after the command (its own), else before it
    (the root's: ``ecomops --db x.db staff show 李<TAB>``)."""
    while ctx is not None:
        params = getattr(ctx, "params", None) or {}
        if params.get("db") or params.get("database_url"):
            return params
        ctx = getattr(ctx, "parent", None)
    return {}


def _target(ctx) -> tuple[str, str] | None:
    """The database to complete from: the options typed, else the settings' (environment,
    config.toml, the default file)."""
    from ecomops.config import load

    params = _typed(ctx)
    url, db = params.get("database_url") or None, params.get("db") or None
    choice = load().with_options(db=None if url else db, database_url=url).database
    url = choice.url
    if url:
        return ("postgresql", url) if url.startswith(("postgresql", "postgres")) else None
    return ("sqlite", str(Path(choice.file or "").expanduser()))


def _query(ctx, sql: str) -> list[tuple]:
    try:
        target = _target(ctx)
    except Exception:  # a settings file that cannot be read: nothing to complete
        return []
    if target is None:
        return []
    kind, where = target
    try:
        if kind == "sqlite":
            if not Path(where).exists():
                return []
            import sqlite3

            with sqlite3.connect(f"file:{where}?mode=ro", uri=True, timeout=1) as conn:
                return conn.execute(sql).fetchall()
        import psycopg2

        dsn = where.replace("postgresql+psycopg2://", "postgresql://", 1)
        pg = psycopg2.connect(dsn, connect_timeout=2)
        try:
            cur = pg.cursor()
            cur.execute(sql)
            return cur.fetchall()
        finally:
            pg.close()
    except Exception:  # completion must never break the shell
        return []


def _match(values, incomplete: str) -> list[str]:
    seen: list[str] = []
    for v in values:
        if v and str(v).startswith(incomplete) and str(v) not in seen:
            seen.append(str(v))
    return seen


def people(ctx, incomplete: str) -> list[str]:
    return _match(
        (r[0] for r in _query(ctx, "SELECT name FROM staff WHERE active ORDER BY name")), incomplete
    )


def positions(ctx, incomplete: str) -> list[str]:
    rows = _query(ctx, "SELECT id, name_zh FROM position ORDER BY seq")
    return _match([r[0] for r in rows] + [r[1] for r in rows], incomplete)


def task_ids(ctx, incomplete: str) -> list[tuple[str, str]]:
    rows = _query(  # the tasks still owed
        ctx,
        "SELECT id, title_zh FROM task WHERE status NOT IN ('done', 'cancelled') "
        "ORDER BY due, id",
    )
    return [(str(i), title[:40]) for i, title in rows if str(i).startswith(incomplete)]


def cycles(ctx, incomplete: str) -> list[str]:
    return _match((r[0] for r in _query(ctx, "SELECT id FROM cycle ORDER BY id DESC")), incomplete)
