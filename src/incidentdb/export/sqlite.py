"""The `sqlite` format: a self-contained SQLite copy of any incidentdb database.

The copy is made as incidentdb makes its own databases (the migrations, up to the
current revision: the same tables, indexes, full-text table, triggers and view), then
every table's rows are copied in the order of the foreign keys, in batches; the
search documents go in like any table and the full-text triggers index them. The
copy is one file (journal mode DELETE, no -wal beside it), written under a temporary
name beside its target and renamed only when complete: `incidentdb serve`, and every
other command, open it as they open the database it was copied from.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from incidentdb import migrate
from incidentdb.db import make_engine
from incidentdb.export.tables import ExportError, batches
from incidentdb.models import Base

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from incidentdb.shapes import Progress


def copy_database(engine: Engine, path: Path, progress: Progress | None = None) -> int:
    """Copy every table of the database behind `engine` into a new SQLite file at `path`
    (replacing a file there only once the copy is complete); return the rows copied."""
    if path.is_dir():
        raise ExportError(f"{path} is a folder: the sqlite format writes one file; give "
                          "its path")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        url = f"sqlite:///{temporary}"
        migrate.upgrade(url)
        target = make_engine(url)
        try:
            with engine.connect() as source, target.connect() as copy:
                rows = _copy_rows(source, copy, progress)
                copy.commit()
            with target.connect() as copy:  # outside a transaction: one file, no -wal
                copy.connection.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA journal_mode=DELETE")
        finally:
            target.dispose()
        os.replace(temporary, path)
    finally:
        for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
            leftover.unlink(missing_ok=True)
    return rows


def _copy_rows(source: Connection, copy: Connection, progress: Progress | None) -> int:
    """Every model table's rows, parents first; a table's rows may refer to each other
    (a sentence replaces another), so foreign keys are checked at the commit."""
    if source.dialect.name == "postgresql":  # one snapshot of every table
        source.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    copy.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
    copied = 0
    with source.begin():
        for table in Base.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            for batch in batches(source, query, table, progress):
                copy.execute(table.insert(), [dict(row._mapping) for row in batch])
                copied += len(batch)
    return copied

