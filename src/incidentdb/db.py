"""Engine, sessions and the schema's version: the one place that knows the database URL.

The URL comes from `--db`, else `INCIDENTDB_DATABASE_URL`, else the SQLite file
`incidents.db` in the current folder. SQLite connections enforce foreign keys and
use WAL, so a reader never sees half a load.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy is imported lazily: `--help` must not pay for it
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

ENV_VAR = "INCIDENTDB_DATABASE_URL"
DEFAULT_URL = "sqlite:///incidents.db"
# The newest migration. A test keeps it equal to Alembic's head, so the query path
# can check the schema without importing Alembic.
SCHEMA_REVISION = "0007"


class DatabaseError(Exception):
    """A problem with the database a user can fix: wrong URL, old schema, empty."""


def resolve_url(url: str | None = None) -> str:
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def is_default_url(url: str | None) -> bool:
    """True when the user named no database: the embedded default is in use."""
    return not url and not os.environ.get(ENV_VAR)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI types
    # Let SQLAlchemy, not the sqlite3 module, say when a transaction begins (see
    # _sqlite_begin): then DDL and PRAGMAs inside a transaction are part of it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
    conn.exec_driver_sql("BEGIN")


def make_engine(url: str | None = None) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    resolved = resolve_url(url)
    try:
        engine = create_engine(resolved)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseError(f"cannot use database URL {resolved!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed at the end, or rolled back on error."""
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def database_state(engine: Engine) -> tuple[str | None, bool]:
    """The schema revision the database is at (None: no schema yet), and whether it holds data.

    One connection and at most two small SELECTs, no reflection: this runs before
    every query command.
    """
    from sqlalchemy.exc import OperationalError, ProgrammingError

    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:" and not (
            os.path.exists(database)):
        return None, False  # connecting would create an empty file where the user expects none
    try:
        with engine.connect() as conn:
            revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            has_data = revision == SCHEMA_REVISION and conn.exec_driver_sql(
                "SELECT 1 FROM sources LIMIT 1").first() is not None
    except (OperationalError, ProgrammingError) as exc:
        message = str(exc.orig)
        if "alembic_version" in message:
            return None, False
        one_line = " ".join(message.split())
        raise DatabaseError(f"cannot open the database: {one_line}") from None
    return revision, has_data


def schema_revision(engine: Engine) -> str | None:
    return database_state(engine)[0]


def check_revision(revision: str | None) -> None:
    """Refuse a database whose schema is missing or behind, saying how to fix it."""
    if revision is None:
        raise DatabaseError(
            "the database has no incidentdb schema: run `incidentdb db upgrade`, "
            "then `incidentdb load`"
        )
    if revision != SCHEMA_REVISION:
        raise DatabaseError(
            f"the database schema is at revision {revision}, this incidentdb needs "
            f"{SCHEMA_REVISION}: run `incidentdb db upgrade`"
        )

