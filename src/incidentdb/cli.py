"""The `incidentdb` command: parses arguments, calls the library, renders the answer.

No SQL here. Heavy imports (SQLAlchemy, Alembic, YAML) happen inside the commands
that need them, so `incidentdb --help` answers at once.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="incidentdb",
    help="A database of human-rights incidents: people, cases, charges, sentences, events.\n\n"
    "Example: incidentdb person \"Tofig Yagublu\"",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rendering it with Rich would double start-up time
)
db_app = typer.Typer(help="Create, upgrade and inspect the database schema.\n\n"
                     "Example: incidentdb db upgrade", no_args_is_help=True,
                     rich_markup_mode=None)
app.add_typer(db_app, name="db")


class UserError(Exception):
    """A mistake the user can fix: said in one line on stderr, exit code 1."""


QUOTED_INPUT_MAX = 200  # characters of user input an error message quotes
MESSAGE_MAX = 1000  # characters of any one message line
_QUOTED = re.compile(r"""'(?:[^'\\]|\\.)*+'|"(?:[^"\\]|\\.)*+\"""")


def clip(text: str, limit: int = QUOTED_INPUT_MAX) -> str:
    """The text, cut to `limit` characters and marked with '…', so that a
    10,000-character input does not become a 10,000-character error line."""
    return text if len(text) <= limit else f"{text[:limit]}…"


def clip_quoted(message: str) -> str:
    """The message with every quoted value longer than QUOTED_INPUT_MAX cut.

    Errors quote what the user typed (`no person matches '…'`), and some of them are
    written below the CLI (lookup, validation), so the cut is made where they are
    printed. A line still too long is cut as a whole.
    """
    def cut(match: re.Match[str]) -> str:
        quoted = match.group(0)
        return f"{quoted[0]}{clip(quoted[1:-1])}{quoted[0]}"

    return clip(_QUOTED.sub(cut, message), MESSAGE_MAX)


def err(message: str) -> None:
    """One line on stderr; values quoted in it are cut to about 200 characters."""
    typer.echo(clip_quoted(message), err=True)


def user_errors(function: F) -> F:
    """Turn the library's user-facing errors into one line on stderr and exit code 1.

    The command's output is flushed here, inside the error path, so that a full disk
    or a closed stdout is seen now, not as a traceback at interpreter shutdown.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from incidentdb.dates import DateError
        from incidentdb.db import DatabaseError

        try:
            result = function(*args, **kwargs)
            sys.stdout.flush()
            return result
        except (UserError, DatabaseError, DateError) as exc:
            err(f"Error: {exc}")
            raise typer.Exit(1) from None
        except BrokenPipeError:
            _quiet_broken_pipe()
        except Exception as exc:  # a database that went away, a full disk...
            if _is_output_error(exc):
                _output_failed(exc)  # type: ignore[arg-type]
            if _is_database_error(exc):
                err(f"Error: database: {_first_line(exc)}")
                raise typer.Exit(1) from None
            raise

    return wrapper  # type: ignore[return-value]


def _is_database_error(exc: Exception) -> bool:
    return type(exc).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3"))


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _quiet_broken_pipe() -> None:
    """A reader that went away (`| head`) is not an error: end quietly."""
    _discard_output()
    raise typer.Exit(0)


def _is_output_error(exc: BaseException) -> bool:
    """A write to stdout failed (a full disk, an I/O error).

    Files the commands open report their name in the error; writes to an open stream
    (stdout, and the files an export writes, whose errors it reports itself) do not.
    """
    return isinstance(exc, OSError) and exc.filename is None and exc.errno is not None


def _say_output_failed(exc: OSError) -> None:
    """One line on stderr; what stdout still holds is dropped, so that Python does not
    fail again, with a traceback, when it flushes stdout at exit."""
    err(f"Error: cannot write the output: {exc.strerror or exc}")
    _discard_output()


def _output_failed(exc: OSError) -> None:
    """The output could not be written: one line on stderr and exit code 1."""
    _say_output_failed(exc)
    raise typer.Exit(1)


def _discard_output() -> None:
    """Point stdout at the null device, so that what it still buffers goes nowhere."""
    import os

    try:
        fileno = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):  # in-process (CliRunner): nothing to drop
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", metavar="URL", help="Database URL, or the path of a SQLite file. Default: "
        "$INCIDENTDB_DATABASE_URL, else sqlite:///incidents.db in the current folder.")] = None,
    read_only: Annotated[bool, typer.Option(
        "--read-only", help="Open the database read-only (SQLite mode=ro; a read-only "
        "PostgreSQL session): queries and exports work, load and db upgrade are refused. "
        "mode=ro in a SQLite URL does the same.")] = False,
) -> None:
    if db is not None and not db.strip():
        err("Error: --db is empty: give a database URL or the path of a SQLite file")
        raise typer.Exit(2)
    ctx.obj = {"db": db, "read_only": read_only}


def _db_url(ctx: typer.Context) -> str | None:
    return (ctx.find_root().obj or {}).get("db")


def _read_only(ctx: typer.Context) -> bool:
    """--read-only, or a URL that asks for it (mode=ro)."""
    from incidentdb.db import is_read_only_url

    return bool((ctx.find_root().obj or {}).get("read_only")) or is_read_only_url(_db_url(ctx))


def _refuse_read_only(ctx: typer.Context, command: str) -> None:
    """A command that writes, on a database opened read-only: a usage error (exit 2)."""
    if _read_only(ctx):
        err(f"Error: {command} writes to the database, which is opened read-only "
            "(--read-only, or mode=ro in the URL)")
        raise typer.Exit(2)


def open_engine(ctx: typer.Context, *, require_schema: bool = True) -> Engine:
    """The read-only engine of the chosen database, its schema checked.

    Read-only, whatever the options: the commands that use it only read, and so
    cannot change a byte of a database they read or refuse. The embedded default
    database is created, migrated and loaded with the bundled data on first use
    (not with --read-only); a database the user named is never loaded implicitly.
    """
    from incidentdb.db import check_revision, database_state, is_default_url, make_engine

    url = _db_url(ctx)
    engine = make_engine(url, read_only=True)
    if not require_schema:
        return engine
    revision, has_data = database_state(engine)
    if revision is None and is_default_url(url) and not _read_only(ctx):
        _first_use(url)
        revision, has_data = database_state(engine)
    check_revision(revision)
    if not has_data:
        raise UserError("the database holds no data yet: run `incidentdb load`")
    return engine


def _first_use(url: str | None) -> None:
    from incidentdb import migrate
    from incidentdb.db import make_engine, refuse_foreign_tables
    from incidentdb.loader import load_paths

    engine = make_engine(url)
    try:
        refuse_foreign_tables(engine, force=False)  # an incidents.db of another application
        err("Note: creating the database incidents.db here and loading the bundled data "
            "(first use).")
        migrate.upgrade(url)
        load_paths(engine)
    finally:
        engine.dispose()


# --- db ---------------------------------------------------------------------------------


@db_app.command("upgrade")
@user_errors
def db_upgrade(ctx: typer.Context, revision: Annotated[str, typer.Argument(
        help="Target revision.")] = "head",
        force: Annotated[bool, typer.Option(
            "--force", help="Add incidentdb's tables to a database that holds another "
            "application's tables.")] = False) -> None:
    """Upgrade the schema to the newest revision (or REVISION).

    A database holding another application's tables is refused unless --force.

    Example: incidentdb --db sqlite:///incidents.db db upgrade
    """
    from incidentdb import migrate

    _refuse_read_only(ctx, "db upgrade")
    migrate.upgrade(_db_url(ctx), revision, force=force)
    err(f"Schema at revision {migrate.current(_db_url(ctx))}.")


@db_app.command("downgrade")
@user_errors
def db_downgrade(ctx: typer.Context, revision: Annotated[str, typer.Argument(
        help="Target revision; 'base' removes every table.")] = "base") -> None:
    """Downgrade the schema to REVISION (default: base, an empty database).

    Example: incidentdb db downgrade base
    """
    from incidentdb import migrate

    _refuse_read_only(ctx, "db downgrade")
    migrate.downgrade(_db_url(ctx), revision)
    err(f"Schema at revision {migrate.current(_db_url(ctx)) or 'base'}.")


@db_app.command("current")
@user_errors
def db_current(ctx: typer.Context) -> None:
    """Print the schema revision of the database, and the newest one this version knows.

    Example: incidentdb db current
    """
    from incidentdb import migrate
    from incidentdb.db import foreign_tables, make_engine, where

    current = migrate.current(_db_url(ctx))  # a newer database's revision is an error
    head = migrate.head()
    if current is None:
        engine = make_engine(_db_url(ctx), read_only=True)
        try:
            foreign = foreign_tables(engine)
            if foreign:
                raise UserError(f"{where(engine)} holds tables that are not incidentdb's "
                                f"({', '.join(foreign[:10])}) and no incidentdb schema")
        finally:
            engine.dispose()
    state = "up to date" if current == head else "behind: run `incidentdb db upgrade`"
    typer.echo(f"{current or 'base (no schema)'} (head {head}, {state})")


@db_app.command("check")
@user_errors
def db_check(ctx: typer.Context) -> None:
    """Check that the database schema matches the models (no drift).

    Example: incidentdb db check
    """
    from incidentdb import migrate

    drift = migrate.check(_db_url(ctx))
    if drift:
        raise UserError(f"schema drift: {drift}")
    typer.echo("No drift: the database schema matches the models.")


# --- load and check ----------------------------------------------------------------------


@app.command("load")
@user_errors
def load(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Data files or folders (YAML, JSON Lines). Default: the bundled data.")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Validate and report what would change; write nothing.")] = False,
    prune: Annotated[bool, typer.Option(
        "--prune", help="Remove the records of the loaded sources that the files do not "
        "hold (without it they are kept and counted).")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Add incidentdb's tables to a database that holds another "
        "application's tables.")] = False,
) -> None:
    """Validate data files and load them into the database, in one transaction.

    Every problem is reported (file:line: record: what) and nothing is written if
    there is any. A load adds and updates; records of a loaded source that the files
    do not hold are kept unless --prune. Loading the same files twice changes nothing.

    Example: incidentdb load data/ --dry-run
    """
    import tempfile

    from incidentdb import migrate
    from incidentdb.db import (
        check_revision,
        claim_for_writing,
        make_engine,
        refuse_foreign_tables,
        schema_revision,
    )
    from incidentdb.loader import LoadError, load_paths
    from incidentdb.output import progress_reporter

    _refuse_read_only(ctx, "load")
    engine = make_engine(_db_url(ctx))
    with tempfile.TemporaryDirectory() as scratch:
        if dry_run:  # another application's database: refused before anything is read
            refuse_foreign_tables(engine, force=force)
        else:
            claim_for_writing(engine, force=force)
        revision = schema_revision(engine)
        if revision is None:
            if dry_run:  # nothing may be written, not even a schema: compare with an empty one
                err("Note: the database has no schema yet; comparing with an empty database.")
                engine = make_engine(f"sqlite:///{Path(scratch) / 'dry-run.db'}")
            migrate.upgrade(engine.url.render_as_string(hide_password=False), force=force)
            revision = schema_revision(engine)
        check_revision(revision)
        try:
            with progress_reporter() as progress:
                report = load_paths(engine, paths or None, dry_run=dry_run, prune=prune,
                                    progress=progress)
        except LoadError as exc:
            for shown, why in exc.unread:
                err(f"Warning: {shown} is {why} and was not read")
            for problem in exc.problems:
                err(str(problem))
            err(f"{len(exc.problems)} problem(s); nothing was loaded.")
            raise typer.Exit(1) from None
        finally:
            engine.dispose()
    from incidentdb.sections import singular

    for shown, why in report.unread:
        err(f"Warning: {shown} is {why} and was not read")
    verb = "would change" if dry_run else "loaded"
    typer.echo(f"{report.files} file(s), {report.records} record(s) {verb}:")
    for table, change in report.tables.items():
        typer.echo(f"  {table}: {change}")
    removing = "would remove" if dry_run else "removed"
    for source, records in report.removed.items():
        for table, record_id in records.records:
            typer.echo(f"{removing} {singular(table)} {record_id!r} (source {source!r})")
        if records.count > len(records.records):
            typer.echo(f"{removing} {records.count - len(records.records)} more record(s) of "
                       f"source {source!r}, not listed")
    for source, records in report.kept.items():
        one = records.count == 1
        kept = ("would be" if dry_run else "was" if one else "were") + " kept"
        err(f"{records.count} record{'' if one else 's'} of source {source!r} "
            f"{'is' if one else 'are'} not in these files and {kept}; --prune removes "
            f"{'it' if one else 'them'}")
    if dry_run:
        typer.echo("Dry run: nothing was written.")


@app.command("check")
@user_errors
def check(ctx: typer.Context) -> None:
    """Report the data's health: missing evidence, dates out of order, orphans, counts.

    Example: incidentdb check
    """
    from incidentdb.db import session_scope
    from incidentdb.health import data_health

    engine = open_engine(ctx)
    with session_scope(engine) as session:
        health = data_health(session)
    for table, count in health.counts.items():
        typer.echo(f"{table:20} {count:>8}")
    for finding in health.findings:
        typer.echo(f"problem: {finding}")
    if health.findings:
        err(f"{len(health.findings)} problem(s) found.")
        raise typer.Exit(1)
    typer.echo("No problems found.")


from incidentdb import cli_query  # noqa: E402, F401 - registers the query commands
from incidentdb.cli_export import export_command  # noqa: E402

app.command("export")(export_command)


EXIT_TERMINATED = 128 + 15  # what a shell reports for a process ended by SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C raises KeyboardInterrupt, so that both clean up alike."""


_terminated: list[int] = []  # the SIGTERMs received


def _terminate(signum: int, frame: Any) -> None:
    import signal

    _terminated.append(signum)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the clean-up
    raise Terminated


def _undecodable_argument(arguments: list[str]) -> int | None:
    """The position (from 1) of the first argument that is not valid UTF-8, or None.

    Python passes such bytes on as lone surrogates, which no database accepts."""
    for position, argument in enumerate(arguments, 1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            return position
    return None


def _usage_error(exc: Exception) -> bool:
    """A usage error of typer's parser (unknown option, bad value): it can show itself."""
    return callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None),
                                                                 int)


def _quiet_library_logs() -> None:
    """Keep the libraries' log records off stderr.

    Errors reach the user as exceptions, said in one line by the CLI. But SQLAlchemy
    also logs some of them: after Ctrl-C or SIGTERM during a read it closes the
    connection, then fails to close the cursor and logs "Error closing cursor" with a
    traceback, which Python prints on stderr when no handler is set.
    """
    import logging

    logging.getLogger("sqlalchemy").addHandler(logging.NullHandler())


def main() -> None:
    """The console script.

    Around the app: arguments must be UTF-8; SIGTERM takes Ctrl-C's path (temporary
    files removed) and exits 143; usage errors quote at most about 200 characters of
    input; and stdout is flushed here, so that an unwritable output is one error line,
    not a traceback at interpreter shutdown.
    """
    import signal

    position = _undecodable_argument(sys.argv[1:])
    if position is not None:
        err(f"Error: argument {position} is not valid UTF-8")
        sys.exit(2)
    signal.signal(signal.SIGTERM, _terminate)
    _quiet_library_logs()
    try:
        code = app(prog_name="incidentdb", standalone_mode=False)
    except Terminated:
        code = EXIT_TERMINATED
    except typer.Abort:
        err("Aborted!")
        code = 1
    except OSError as exc:  # help or a usage message that could not be written
        if not _is_output_error(exc):
            raise
        _say_output_failed(exc)
        code = 1
    except Exception as exc:
        if not _usage_error(exc):
            raise
        if isinstance(getattr(exc, "message", None), str):
            exc.message = clip_quoted(exc.message)  # type: ignore[attr-defined]
        exc.show()  # type: ignore[attr-defined]
        code = exc.exit_code  # type: ignore[attr-defined]
    if _terminated:
        code = EXIT_TERMINATED  # typer turned the SIGTERM's KeyboardInterrupt into exit 130
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_output()
    except OSError as exc:
        _say_output_failed(exc)
        code = code or 1
    sys.exit(code if isinstance(code, int) else 0)
