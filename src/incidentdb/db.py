"""Engine, sessions and the schema's version: the one place that knows the database URL.

The URL comes from `--db`, else `INCIDENTDB_DATABASE_URL`, else the SQLite file
`incidents.db` in the current folder. A plain file path is a SQLite file.

What a command may do to the database is decided here, not by each command:
- A command that only reads opens the database read-only (SQLite `mode=ro`, a
  PostgreSQL session whose transactions are READ ONLY), so it cannot change a byte
  of a database it reads, or of one it refuses (another application's file).
- Only creating or migrating incidentdb's own database switches a SQLite file to
  WAL (`use_wal`); a file that holds another application's tables is left as it is.
- A writer begins its transaction as a writer (`BEGIN IMMEDIATE`, a PostgreSQL
  advisory lock), so two loads queue for the lock, up to a bound, instead of the
  second failing when it first writes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from incidentdb.errors import IncidentdbError

if TYPE_CHECKING:  # SQLAlchemy is imported lazily: `--help` must not pay for it
    from sqlalchemy.engine import URL, Connection, Engine
    from sqlalchemy.orm import Session

ENV_VAR = "INCIDENTDB_DATABASE_URL"
DEFAULT_URL = "sqlite:///incidents.db"
# The newest migration, and every migration this code knows. A test keeps them equal
# to Alembic's, so the query path can check the schema without importing Alembic.
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009",
                   "0010", "0011", "0012", "0013", "0014")
SCHEMA_REVISION = KNOWN_REVISIONS[-1]

LOCK_TIMEOUT_VAR = "INCIDENTDB_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 30.0
# Execution option of a connection that will write: its transactions begin as a writer.
WRITER = "incidentdb_writer"


class DatabaseError(IncidentdbError):
    """A problem with the database a user can fix: wrong URL, old schema, empty."""


def resolve_url(url: str | None = None) -> str:
    """The URL to use, with a plain path taken as a SQLite file and the driver filled in."""
    if url == "":
        raise DatabaseError("the database URL is empty: give a URL or a SQLite file path")
    return normalise_url(url or os.environ.get(ENV_VAR) or DEFAULT_URL)


def is_default_url(url: str | None) -> bool:
    """True when the user named no database: the embedded default is in use."""
    return not url and not os.environ.get(ENV_VAR)


def normalise_url(text: str) -> str:
    """`my.db` -> a SQLite URL; `postgres://`, `postgresql://` -> the installed driver.

    Anything else with a scheme is left for SQLAlchemy to accept or refuse.
    """
    if "://" not in text:
        path = os.path.expanduser(text)
        if "?" in path or "#" in path:  # would be read as a query: name the file by URI
            return f"sqlite:///file:{quote(os.path.abspath(path))}?uri=true"
        return f"sqlite:///{path}"
    scheme, rest = text.split("://", 1)
    backend, _, driver = scheme.partition("+")
    if backend.lower() in ("postgres", "postgresql"):
        if not driver and not _installed("psycopg2"):
            driver = "psycopg"  # the driver incidentdb depends on (psycopg 3)
        return f"postgresql{'+' + driver if driver else ''}://{rest}"
    return text


def _installed(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module) is not None


def hide_password(text: str, url: str | URL) -> str:
    """`text` with the URL's password (as written or URL-quoted) replaced by ***."""
    password = _password(url)
    if not password:
        return text
    for form in {password, quote(password, safe=""), quote(password)}:
        text = text.replace(form, "***")
    return text


def _password(url: str | URL) -> str | None:
    if not isinstance(url, str):
        return url.password
    match = re.match(r"[^:/]+://[^:@/]*:([^@/]*)@", url)
    return unquote(match.group(1)) if match else None


def shown_url(url: str | URL) -> str:
    """The URL as errors show it: its password hidden."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return hide_password(str(url), url)


def lock_timeout() -> float:
    """Seconds a writer waits for another writer's lock: $INCIDENTDB_LOCK_TIMEOUT, else 30."""
    value = os.environ.get(LOCK_TIMEOUT_VAR, "").strip()
    if not value:
        return DEFAULT_LOCK_TIMEOUT
    if not re.fullmatch(r"[0-9]{1,6}(\.[0-9]{1,3})?", value, re.ASCII):
        raise DatabaseError(f"{LOCK_TIMEOUT_VAR} must be a number of seconds (e.g. 30), "
                            f"not {value[:40]!r}")
    return float(value)


def _seconds(value: float) -> str:
    return f"{value:g}"


def locked_message(seconds: float) -> str:
    return f"the database is locked by another writer; waited {_seconds(seconds)} s"


def sqlite_file(url: URL) -> str | None:
    """The file a SQLite URL names, also in URI form (`file:x.db?mode=ro&uri=true`).

    None for an in-memory database.
    """
    database = url.database or ""
    if _query_flag(url, "uri") and database.startswith("file:"):
        database = unquote(database[len("file:"):])
        if database.startswith("//"):  # file://host/path: only the local host exists
            database = "/" + database[2:].split("/", 1)[-1]
    if not database or database == ":memory:" or _query_value(url, "mode") == "memory":
        return None
    return database


def _query_value(url: URL, key: str) -> str | None:
    value = url.query.get(key)
    if isinstance(value, tuple):
        value = value[-1]
    return value


def _query_flag(url: URL, key: str) -> bool:
    return (_query_value(url, key) or "").lower() in ("1", "true", "yes", "on")


def url_is_read_only(url: URL) -> bool:
    """A URL that itself asks for read-only use (SQLite `mode=ro` or `immutable=1`)."""
    return url.get_backend_name() == "sqlite" and (
        _query_value(url, "mode") == "ro" or _query_flag(url, "immutable"))


def is_read_only_url(url: str | None) -> bool:
    """True when the chosen database URL asks for read-only use (`mode=ro`)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return url_is_read_only(make_url(resolve_url(url)))
    except ArgumentError:
        return False


def _sqlite_read_only(url: URL) -> URL:
    """The same file opened with `mode=ro`, and `immutable=1` where only that can read it.

    A WAL database needs its -shm file to be read; in a folder nobody may write, and
    with no -shm file, only `immutable=1` opens it. That is safe only when no writer
    can exist (none can write a WAL database without creating its -wal file there)
    and when the -wal file is missing or empty: immutable ignores it, and reading
    past unapplied changes would be reading old data without knowing.
    """
    path = sqlite_file(url)
    if path is None:
        return url
    query = {key: value for key, value in url.query.items() if key not in ("uri", "mode")}
    query["mode"] = "ro"
    if "immutable" not in query and _needs_immutable(path):
        query["immutable"] = "1"
    query["uri"] = "true"
    named = os.path.abspath(path) if path.startswith("//") else path  # not a URI authority
    return url.set(database=f"file:{quote(named)}", query=query)


def _needs_immutable(path: str) -> bool:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isfile(path) or os.access(folder, os.W_OK) or os.path.exists(
            f"{path}-shm") or not _is_wal_file(path):
        return False
    wal = f"{path}-wal"
    if os.path.exists(wal) and os.path.getsize(wal) > 0:
        raise DatabaseError(
            f"{path} has changes in its write-ahead log {wal} that only a connection "
            "allowed to write in its folder can read: open it once where the folder is "
            "writable, or copy the folder")
    return True


def _is_wal_file(path: str) -> bool:
    """Bytes 18 and 19 of a SQLite header are 2 for a WAL database."""
    try:
        with open(path, "rb") as stream:
            header = stream.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[:16] == b"SQLite format 3\x00" and header[18] == 2


def make_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """The engine of the chosen database.

    `read_only` (or `mode=ro` in a SQLite URL): nothing can be written through it.
    A connection with the execution option WRITER begins its transactions as a writer.
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    resolved = resolve_url(url)
    try:
        parsed = make_url(resolved)
        read_only = read_only or url_is_read_only(parsed)
        if read_only and parsed.get_backend_name() == "sqlite":
            parsed = _sqlite_read_only(parsed)
        engine = create_engine(parsed)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        message = hide_password(" ".join(str(exc).split()), resolved)
        raise DatabaseError(f"cannot use database URL {shown_url(resolved)!r}: "
                            f"{message}") from None
    timeout = lock_timeout()
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect(timeout))
        event.listen(engine, "begin", _sqlite_begin(timeout))
    elif engine.dialect.name == "postgresql":
        if read_only:
            event.listen(engine, "connect", _postgresql_read_only)
        if engine.dialect.driver == "psycopg":
            event.listen(engine, "connect", _never_prepare)
        event.listen(engine, "begin", _postgresql_begin(timeout))
    return engine


def _never_prepare(dbapi_connection: Any, _record: Any) -> None:
    """psycopg prepares a statement run five times on one connection, and PostgreSQL may
    then plan it for any value (a generic plan): the search count then read every row
    (0.4 s at 10,000 events, against 4 ms). A command runs each statement once or twice;
    a long-lived caller (a notebook, a service) must not get slower with use."""
    dbapi_connection.prepare_threshold = None


def _sqlite_connect(timeout: float) -> Callable[..., None]:  # a connect listener
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, say when a transaction begins (see
        # _sqlite_begin): then DDL and PRAGMAs inside a transaction are part of it.
        # Only per-connection settings here: nothing that is written to the file.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def _sqlite_begin(timeout: float) -> Callable[..., None]:  # a begin listener
    def on_begin(conn: Connection) -> None:
        from sqlalchemy.exc import OperationalError

        if not conn.get_execution_options().get(WRITER):
            conn.exec_driver_sql("BEGIN")
            return
        # A deferred transaction that reads and then writes gets SQLITE_BUSY at once
        # when another writer holds the lock (waiting could deadlock); IMMEDIATE takes
        # the write lock first and waits for it up to the busy timeout.
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as exc:
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                raise DatabaseError(locked_message(timeout)) from None
            raise

    return on_begin


def _postgresql_read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    cursor.close()
    dbapi_connection.commit()


def _postgresql_begin(timeout: float) -> Callable[..., None]:  # a begin listener
    def on_begin(conn: Connection) -> None:
        from sqlalchemy.exc import OperationalError

        if not conn.get_execution_options().get(WRITER):
            return
        # One writer per schema at a time, as BEGIN IMMEDIATE gives on SQLite; the
        # lock is the transaction's and ends with it.
        previous = conn.exec_driver_sql("SELECT current_setting('lock_timeout')").scalar()
        conn.exec_driver_sql("SELECT set_config('lock_timeout', %(ms)s, true)",
                             {"ms": f"{int(timeout * 1000)}ms"})
        try:
            conn.exec_driver_sql(
                "SELECT pg_advisory_xact_lock(hashtext('incidentdb:' || current_schema()))")
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
                raise DatabaseError(locked_message(timeout)) from None
            raise
        conn.exec_driver_sql("SELECT set_config('lock_timeout', %(value)s, true)",
                             {"value": previous})

    return on_begin


def use_wal(engine: Engine) -> None:
    """Switch a SQLite database to WAL, so that readers never wait for a load.

    Persistent (written in the file's header): only for incidentdb's own database,
    when it is created, migrated or loaded.
    """
    if engine.dialect.name != "sqlite" or sqlite_file(engine.url) is None:
        return
    import sqlite3

    with engine.connect() as conn:
        # On the driver's connection: the mode cannot change inside a transaction.
        try:
            conn.connection.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseError(locked_message(lock_timeout())) from None
            raise


def own_table(name: str) -> bool:
    """incidentdb's tables: the models', Alembic's, full-text internals, SQLite's."""
    from incidentdb.models import Base

    return (name in Base.metadata.tables or name in ("alembic_version", "case_summary")
            or name.startswith(("search_fts", "sqlite_")))


def foreign_tables(engine: Engine) -> list[str]:
    """Tables and views of another application in the database (PostgreSQL: current schema)."""
    from sqlalchemy import inspect

    if sqlite_missing(engine):
        return []
    with engine.connect() as conn:
        inspector = inspect(conn)
        names = [*inspector.get_table_names(), *inspector.get_view_names()]
    return sorted(name for name in set(names) if not own_table(name))


def where(engine: Engine) -> str:
    """The database as a user named it: the file, or the schema and URL (password hidden)."""
    if engine.dialect.name == "sqlite":
        return sqlite_file(engine.url) or "the in-memory database"
    from sqlalchemy import inspect

    with engine.connect() as conn:
        schema = inspect(conn).default_schema_name
    return f"schema {schema} of {shown_url(engine.url)}"


def refuse_foreign_tables(engine: Engine, *, force: bool) -> list[str]:
    """Refuse to add incidentdb's tables beside another application's, unless forced.

    Only a database without incidentdb's schema is refused: once its tables are there,
    the user has agreed to share. Returns the foreign tables found.
    """
    foreign = foreign_tables(engine)
    if foreign and not force and schema_revision(engine) is None:
        raise DatabaseError(
            f"{where(engine)} holds tables that are not incidentdb's ({_names(foreign)}): "
            "use --force to add incidentdb's tables beside them")
    return foreign


def _names(names: list[str], most: int = 10) -> str:
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most} more"


def claim_for_writing(engine: Engine, *, force: bool) -> None:
    """Before incidentdb writes its schema or data: refuse a foreign database (unless
    forced), and switch a database that is incidentdb's alone to WAL (a shared file's
    journal mode is its owner's choice)."""
    if not refuse_foreign_tables(engine, force=force):
        use_wal(engine)


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


def sqlite_missing(engine: Engine) -> bool:
    """A SQLite file that does not exist: connecting would create it, empty."""
    if engine.dialect.name != "sqlite":
        return False
    path = sqlite_file(engine.url)
    return path is not None and not os.path.exists(path)


def database_state(engine: Engine) -> tuple[str | None, bool]:
    """The schema revision the database is at (None: no schema yet), and whether it holds data.

    One connection and at most two small SELECTs, no reflection: this runs before
    every query command.
    """
    from sqlalchemy.exc import OperationalError, ProgrammingError

    if sqlite_missing(engine):
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
        one_line = hide_password(" ".join(message.split()), engine.url)
        raise DatabaseError(f"cannot open the database: {one_line}") from None
    return revision, has_data


def schema_revision(engine: Engine) -> str | None:
    return database_state(engine)[0]


def newer_message(revision: str) -> str:
    return (f"the database was made by a newer incidentdb (revision {revision}); this "
            f"incidentdb knows revisions up to {SCHEMA_REVISION}: upgrade incidentdb")


def check_revision(revision: str | None) -> None:
    """Refuse a database whose schema is missing, behind or newer, saying how to fix it."""
    if revision is None:
        raise DatabaseError(
            "the database has no incidentdb schema: run `incidentdb db upgrade`, "
            "then `incidentdb load`"
        )
    if revision not in KNOWN_REVISIONS:
        raise DatabaseError(newer_message(revision))
    if revision != SCHEMA_REVISION:
        raise DatabaseError(
            f"the database schema is at revision {revision}, this incidentdb needs "
            f"{SCHEMA_REVISION}: run `incidentdb db upgrade`"
        )
