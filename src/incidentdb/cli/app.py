"""The `incidentdb` app: its options, the database it opens, and its one error path.

Commands register onto `app` from their own modules (`db`, `load`, `query`,
`export`), which import this one; this one imports none of them. Every error meant
for the user is an `IncidentdbError` (`incidentdb.errors`): `App.invoke` turns it into
its lines on stderr and its exit code, for every command, in one place. No SQL here;
heavy imports (SQLAlchemy, Alembic, YAML) happen inside the commands that need them,
so `incidentdb --help` answers at once.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from incidentdb.errors import IncidentdbError, UsageError, UserError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

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


# --- the one error path ---------------------------------------------------------------


class App(TyperGroup):
    """incidentdb's command group: every command runs inside `invoke`, its one error path.

    An `IncidentdbError` becomes its lines on stderr and its exit code; a database
    driver's error one line ("Error: database: ..."); a reader that went away (`| head`)
    a quiet end; an unwritable output one line and exit code 1. The command's output is
    flushed here, inside the error path, so that a full disk or a closed stdout is seen
    now, not as a traceback at interpreter shutdown. Anything else is a bug: it goes on.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """The arguments, with the app's own options moved before the command wherever the
        user put them: `incidentdb person X --db FILE` is `incidentdb --db FILE person X`."""
        if ctx.parent is None:
            args = hoist_options(args, self.params)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:  # ctx: the parser's Context, which typer.Context is
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()
            return result
        except IncidentdbError as exc:
            for line in exc.lines():
                err(line)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            _quiet_broken_pipe()
        except Exception as exc:  # a database that went away, a full disk...
            if is_output_error(exc):
                output_failed(exc)  # type: ignore[arg-type]
            if _is_database_error(exc):
                err(f"Error: database: {_first_line(exc)}")
                raise typer.Exit(1) from None
            raise


def hoist_options(args: list[str], params: list[Any]) -> list[str]:
    """`args` with the options of `params` (the app's: --db, --read-only, ...) that come
    after the command moved in front of it, values and all.

    Options before the command stay where they are; nothing after `--` moves. A
    command's own option of the same name would be shadowed, so no command has one
    (tests/test_cli_conventions.py checks).
    """
    takes_value = {name: not getattr(param, "is_flag", False)
                   for param in params for name in param.opts if name.startswith("--")}
    front: list[str] = []
    rest: list[str] = []
    position = 0
    while position < len(args) and args[position].startswith("-") and args[position] != "--":
        name = args[position].split("=", 1)[0]
        step = 2 if takes_value.get(name) and "=" not in args[position] else 1
        front += args[position:position + step]
        position += step
    while position < len(args):
        arg = args[position]
        if arg == "--":
            rest += args[position:]
            break
        name = arg.split("=", 1)[0]
        if name in takes_value:
            step = 2 if takes_value[name] and "=" not in arg else 1
            front += args[position:position + step]
            position += step
            continue
        rest.append(arg)
        position += 1
    return front + rest


def _is_database_error(exc: Exception) -> bool:
    """An error of the database or its driver (a server that went away, a locked file)."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(exc, SQLAlchemyError | sqlite3.Error):
        return True
    psycopg = sys.modules.get("psycopg")  # loaded if a PostgreSQL database was opened
    return psycopg is not None and isinstance(exc, psycopg.Error)


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _quiet_broken_pipe() -> NoReturn:
    """A reader that went away (`| head`) is not an error: end quietly."""
    discard_output()
    raise typer.Exit(0)


def is_output_error(exc: BaseException) -> bool:
    """A write to stdout failed (a full disk, an I/O error).

    Files the commands open report their name in the error; writes to an open stream
    (stdout, and the files an export writes, whose errors it reports itself) do not.
    """
    return isinstance(exc, OSError) and exc.filename is None and exc.errno is not None


def say_output_failed(exc: OSError) -> None:
    """One line on stderr; what stdout still holds is dropped, so that Python does not
    fail again, with a traceback, when it flushes stdout at exit."""
    err(f"Error: cannot write the output: {exc.strerror or exc}")
    discard_output()


def output_failed(exc: OSError) -> NoReturn:
    """The output could not be written: one line on stderr and exit code 1."""
    say_output_failed(exc)
    raise typer.Exit(1)


def discard_output() -> None:
    """Point stdout at the null device, so that what it still buffers goes nowhere."""
    import os

    try:
        fileno = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):  # in-process (CliRunner): nothing to drop
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


# --- the app and its options --------------------------------------------------------------

app = typer.Typer(
    name="incidentdb",
    cls=App,
    help="A database of human-rights incidents: people, cases, charges, sentences, events.\n\n"
    "Example: incidentdb person \"Tofig Yagublu\"",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rendering it with Rich would double start-up time
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    """--version: the installed version, and nothing else."""
    if value:
        from incidentdb import __version__

        typer.echo(f"incidentdb {__version__}")
        raise typer.Exit()


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
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", envvar="INCIDENTDB_NO_PAGER", help="Never send a table through a "
        "pager. By default a table taller than the terminal goes through $PAGER (empty or "
        "cat: none), else less -FRX; never in a pipe, nor csv/json/ndjson.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Print the version and exit.")] = False,
) -> None:
    if db is not None and not db.strip():
        err("Error: --db is empty: give a database URL or the path of a SQLite file")
        raise typer.Exit(2)
    ctx.obj = {"db": db, "read_only": read_only}
    from incidentdb.output import set_paging

    set_paging(not no_pager)  # set on every run: in-process runs share the module


def db_url(ctx: typer.Context) -> str | None:
    return (ctx.find_root().obj or {}).get("db")


def _read_only(ctx: typer.Context) -> bool:
    """--read-only, or a URL that asks for it (mode=ro)."""
    from incidentdb.db import is_read_only_url

    return bool((ctx.find_root().obj or {}).get("read_only")) or is_read_only_url(db_url(ctx))


def refuse_read_only(ctx: typer.Context, command: str) -> None:
    """A command that writes, on a database opened read-only: a usage error (exit 2)."""
    if _read_only(ctx):
        raise UsageError(f"{command} writes to the database, which is opened read-only "
                         "(--read-only, or mode=ro in the URL)")


def open_engine(ctx: typer.Context, *, require_schema: bool = True) -> Engine:
    """The read-only engine of the chosen database, its schema checked.

    Read-only, whatever the options: the commands that use it only read, and so
    cannot change a byte of a database they read or refuse. The embedded default
    database is created, migrated and loaded with the bundled data on first use
    (not with --read-only); a database the user named is never loaded implicitly.
    """
    from incidentdb.db import check_revision, database_state, is_default_url, make_engine

    url = db_url(ctx)
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


@contextmanager
def reading(ctx: typer.Context) -> Iterator[Session]:
    """A read-only session on the chosen database (see `open_engine`)."""
    from incidentdb.db import session_scope

    engine = open_engine(ctx)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()
