"""A large load's indexes, built in bulk once its rows are in; its VACUUM on PostgreSQL.

A row written into an indexed table updates every index on it, one entry at a
time, and on SQLite a trigger adds each search document to the full-text index
as it comes. For a large load into empty tables it is faster to write the rows
bare and build each index once, from sorted rows: `suspend` drops the secondary
indexes (and SQLite's full-text triggers) of the tables given, saving their
definitions as the database reports them; `rebuild` creates them again and fills
the full-text index from the search documents in one pass.

Both run inside the load's transaction (DDL is transactional on SQLite and
PostgreSQL): a load that fails leaves the indexes as they were. Keys and unique
constraints are never dropped, so the checks of a load still hold while it writes;
nor is an index on a foreign key's column: SQLite looks for a new parent row's
children through it (the load defers its foreign keys, so a child may come first),
and without it every parent row would scan its child tables.

After a large load has committed, PostgreSQL is left with a dead row version for each
row the load (or the dates derived after it) updated, and with tables whose pages it
has not yet marked all-visible, so that a count reads the table's rows besides its
index entries until autovacuum comes by: `vacuum` does that work at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, text

if TYPE_CHECKING:
    from collections.abc import Collection

    from sqlalchemy.engine import Connection, Engine

SEARCH_TABLE = "search_entries"

# The definitions of the indexes (and SQLite triggers) a load may drop: secondary
# ones only, never an index that carries a key or a unique constraint.
_SQLITE_DEFINITIONS = text(
    "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
    "AND sql IS NOT NULL AND tbl_name IN :tables ORDER BY type, name",
).bindparams(bindparam("tables", expanding=True))
_POSTGRES_DEFINITIONS = text(
    "SELECT 'index', i.indexname, i.indexdef FROM pg_indexes i "
    "WHERE i.schemaname = current_schema() AND i.tablename IN :tables "
    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
    "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) "
    "ORDER BY i.indexname",
).bindparams(bindparam("tables", expanding=True))


@dataclass
class Suspended:
    """What `suspend` dropped: each index's or trigger's definition, to run again."""

    definitions: list[str] = field(default_factory=list)
    search: bool = False  # the full-text index is to be rebuilt from search_entries

    def __bool__(self) -> bool:
        return bool(self.definitions or self.search)


def suspend(conn: Connection, tables: Collection[str]) -> Suspended:
    """Drop the secondary indexes and triggers of these tables; what to rebuild."""
    if not tables:
        return Suspended()
    query = _SQLITE_DEFINITIONS if conn.dialect.name == "sqlite" else _POSTGRES_DEFINITIONS
    kept = _foreign_key_indexes(tables)
    found = [row for row in conn.execute(query, {"tables": sorted(tables)})
             if row[1] not in kept]
    for kind, name, _ in found:
        conn.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    search = conn.dialect.name == "sqlite" and SEARCH_TABLE in tables
    return Suspended([definition for _, _, definition in found], search)


def _foreign_key_indexes(tables: Collection[str]) -> set[str]:
    """The names of the declared indexes that begin with a foreign key's column."""
    from incidentdb.models import Base

    return {str(index.name) for name in tables for index in Base.metadata.tables[name].indexes
            if next(iter(index.columns)).foreign_keys}


def rebuild(conn: Connection, suspended: Suspended) -> None:
    """Create again what `suspend` dropped; refill SQLite's full-text index.

    PostgreSQL will not index a table with foreign-key checks pending (the load defers
    them to commit): they run first, here. The loader has checked every reference by
    then; a failing one raises IntegrityError, as the commit would."""
    if suspended.definitions and conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET CONSTRAINTS ALL IMMEDIATE")
    for definition in suspended.definitions:
        conn.exec_driver_sql(definition)
    if suspended.search:
        conn.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


def vacuum(engine: Engine, tables: Collection[str]) -> str | None:
    """PostgreSQL: VACUUM these tables, once a load that wrote them has committed; None,
    or what to tell the user when it could not be done. The load stands either way: a
    VACUUM that fails or is interrupted (Ctrl-C) only leaves the work to autovacuum."""
    from sqlalchemy.exc import SQLAlchemyError

    if engine.dialect.name != "postgresql" or not tables:
        return None
    quote = engine.dialect.identifier_preparer.quote
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"VACUUM {', '.join(quote(t) for t in sorted(tables))}")
    except KeyboardInterrupt:
        return "the load is committed; the VACUUM after it was interrupted"
    except SQLAlchemyError as exc:
        message = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return f"the load is committed; the VACUUM after it failed: {message}"
    return None
