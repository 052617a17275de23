"""How incidentdb opens a database: read-only use, foreign databases, locks, URLs, revisions.

A command that only reads must not change a byte of the database it reads (nor of
one it refuses); incidentdb's tables are not added beside another application's
unless asked; a second writer waits for the first up to a bound; URLs are taken as
a user means them, and their errors are one line with the password hidden.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from incidentdb import migrate
from incidentdb.db import SCHEMA_REVISION, DatabaseError, make_engine
from tests.conftest import BACKEND, DATA, REPO, loaded_database

sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="a SQLite file's bytes")

# Every command that only reads, with arguments that answer on the bundled data.
QUERY_COMMANDS = [
    ("person", "Tofig Yagublu"), ("people",), ("cases",), ("charges",), ("events",),
    ("timeline",), ("orgs",), ("org", "APFP"), ("search", "hunger strike"), ("stats",),
    ("cite", "yagublu-conditional-30-months"), ("check",),
    ("export", "people", "--format", "csv", "--out", "-"), ("db", "current"), ("db", "check"),
    ("sentences", "--year", "2021"), ("charges", "--offence", "hooliganism"), ("vocab",),
    ("excerpt", "hrw-wr2022-azerbaijan", "hunger strike"),
    ("serve", "--get", "/-/month?month=2021-06"),
]
# ("source", "add") writes a file, not the database: it opens none
WRITING_COMMANDS = {("load",), ("db", "upgrade"), ("db", "downgrade"), ("source", "add")}


def test_every_command_is_tried_here():
    """A new command is added to QUERY_COMMANDS (or is one that writes)."""
    import typer

    from incidentdb.cli import app

    def paths(command, path=()):
        for name, sub in getattr(command, "commands", {}).items():
            yield from (paths(sub, (*path, name)) if getattr(sub, "commands", None)
                        else [(*path, name)])

    tried = {tuple(args[:2]) if args[0] == "db" else (args[0],) for args in QUERY_COMMANDS}
    assert set(paths(typer.main.get_command(app))) == tried | WRITING_COMMANDS
# The read-only commands of issue 10 item 5; {out} is a fresh folder.
READ_COMMANDS = [
    ("stats",), ("people",), ("person", "X"), ("search", "x"), ("events",), ("check",),
    ("db", "current"), ("db", "check"), ("export", "--out", "{out}"),
]
# The same, with arguments that find something in the bundled data.
READ_COMMANDS_THAT_ANSWER = [
    ("stats",), ("people",), ("person", "Tofig Yagublu"), ("search", "hunger"), ("events",),
    ("check",), ("db", "current"), ("db", "check"), ("export", "--out", "{out}"),
]
FOREIGN = "holds tables that are not incidentdb's (customers, orders)"


def _ids(commands: list[tuple[str, ...]]) -> list[str]:
    return [" ".join(command[:2]) for command in commands]


def _fill(command: tuple[str, ...], tmp: Path) -> list[str]:
    return [part.format(out=tmp / "out") for part in command]


def _one_error_line(result) -> str:
    """The single line on stderr of a command that failed as a user error should."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), result.stderr
    return lines[0]


def _foreign_sqlite(path: Path) -> None:
    """A SQLite file of another application: its own tables, rollback journal."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total TEXT)")
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO orders VALUES (1, '9.50')")
    conn.commit()
    conn.close()


def _journal_mode(path: Path) -> str:
    """The journal mode the file's header records: "wal" or "rollback" (byte 18: 2 or 1).

    Opening the file to ask would create -wal and -shm files beside a WAL database."""
    header = path.read_bytes()[:20]
    assert header[:16] == b"SQLite format 3\x00"
    return {1: "rollback", 2: "wal"}[header[18]]


def _state(path: Path) -> tuple[str, str, list[str]]:
    """The file's bytes (sha256), its journal mode, and its -wal/-shm/-journal companions."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    companions = sorted(p.name for p in path.parent.iterdir()
                        if p.name.startswith(path.name) and p != path)
    return digest, _journal_mode(path), companions


# --- item 5: a command that only reads writes nothing ---------------------------------


@sqlite_only
@pytest.mark.parametrize("command", READ_COMMANDS, ids=_ids(READ_COMMANDS))
def test_reading_a_foreign_sqlite_file_leaves_it_unchanged(tmp_path, run, command):
    path = tmp_path / "other-app.db"
    _foreign_sqlite(path)
    before = _state(path)
    assert before[1] == "rollback"
    result = run(f"sqlite:///{path}", *_fill(command, tmp_path))
    _one_error_line(result)
    assert result.exit_code == 1
    assert _state(path) == before  # same bytes, rollback journal, no -wal or -shm file


@sqlite_only
@pytest.mark.parametrize("command", READ_COMMANDS_THAT_ANSWER,
                         ids=_ids(READ_COMMANDS_THAT_ANSWER))
def test_reading_incidentdb_database_in_rollback_mode_keeps_its_mode(tmp_path, run, command):
    database = loaded_database(tmp_path, DATA)
    conn = sqlite3.connect(database.path)
    assert conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    conn.close()
    before = _state(database.path)
    result = run(database.url, *_fill(command, tmp_path))
    assert result.exception is None, result.output
    assert result.exit_code == 0, result.output
    assert _state(database.path) == before


def test_read_only_engine_refuses_writes(migrated_db):
    from sqlalchemy.exc import DBAPIError

    engine = make_engine(migrated_db.url, read_only=True)
    try:
        with pytest.raises(DBAPIError, match="(?i)read.?only"):
            with engine.begin() as conn:
                conn.exec_driver_sql("CREATE TABLE scribble (x INTEGER)")
    finally:
        engine.dispose()


# --- item 6: another application's tables ---------------------------------------------


def _add_foreign_tables(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE orders (id INTEGER PRIMARY KEY, total TEXT)")
        conn.exec_driver_sql("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.exec_driver_sql("INSERT INTO orders VALUES (1, '9.50')")
    engine.dispose()


def _table_names(url: str) -> set[str]:
    from sqlalchemy import inspect

    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", [("load",), ("load", "--dry-run"), ("db", "upgrade")],
                         ids=["load", "load --dry-run", "db upgrade"])
def test_foreign_tables_are_refused_without_force(empty_db, run, command):
    _add_foreign_tables(empty_db.url)
    before = _table_names(empty_db.url)
    args = [*command, str(DATA)] if command[0] == "load" else list(command)
    line = _one_error_line(run(empty_db.url, *args))
    assert line.endswith(f"{FOREIGN}: use --force to add incidentdb's tables beside them")
    if BACKEND == "sqlite":
        assert line == (f"Error: {empty_db.path} {FOREIGN}: use --force to add "
                        "incidentdb's tables beside them")
    else:
        assert line.startswith(f"Error: schema {empty_db.schema} of postgresql+psycopg://")
    assert _table_names(empty_db.url) == before


def test_force_adds_incidentdb_tables_beside_the_foreign_ones(empty_db, run):
    _add_foreign_tables(empty_db.url)
    result = run(empty_db.url, "load", "--force", str(DATA))
    assert result.exception is None, result.output
    assert result.exit_code == 0, result.output
    assert {"orders", "customers", "people", "alembic_version"} <= _table_names(empty_db.url)
    engine = make_engine(empty_db.url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT id, total FROM orders").all() == [(1, "9.50")]
    engine.dispose()
    if BACKEND == "sqlite":  # a shared file's journal mode is its owner's choice
        assert _journal_mode(empty_db.path) == "rollback"
    # once incidentdb's tables are there, later loads do not ask again
    again = run(empty_db.url, "load", str(DATA))
    assert again.exit_code == 0, again.output


def test_db_upgrade_force_adds_the_schema(empty_db, run):
    _add_foreign_tables(empty_db.url)
    result = run(empty_db.url, "db", "upgrade", "--force")
    assert result.exit_code == 0, result.output
    assert migrate.current(empty_db.url) == SCHEMA_REVISION


@sqlite_only
def test_own_database_is_created_in_wal_mode(tmp_path, run):
    path = tmp_path / "new.db"
    result = run(str(path), "load", str(DATA))
    assert result.exit_code == 0, result.output
    assert _journal_mode(path) == "wal"


# --- read-only use --------------------------------------------------------------------


def _read_only_forms(database) -> list[tuple[str, list[str]]]:
    forms = [(database.url, ["--read-only"])]
    if BACKEND == "sqlite":
        forms.append((f"sqlite:///file:{database.path}?mode=ro&uri=true", []))
    return forms


@pytest.mark.parametrize("command", QUERY_COMMANDS, ids=_ids(QUERY_COMMANDS))
def test_every_query_command_works_read_only(loaded_db, command):
    from typer.testing import CliRunner

    from incidentdb.cli import app

    if command[0] == "serve" and BACKEND != "sqlite":
        pytest.skip("serve serves a SQLite file; on PostgreSQL it says how to make one "
                    "(tests/test_web.py)")
    for url, options in _read_only_forms(loaded_db):
        result = CliRunner().invoke(app, [*options, "--db", url, *command])
        assert result.exception is None, (url, result.output)
        assert result.exit_code == 0, (url, result.output)
        assert result.stdout.strip(), (url, command)


def test_export_to_a_folder_works_read_only(loaded_db, tmp_path):
    from typer.testing import CliRunner

    from incidentdb.cli import app

    for number, (url, options) in enumerate(_read_only_forms(loaded_db)):
        out = tmp_path / f"out{number}"
        result = CliRunner().invoke(app, [*options, "--db", url, "export", "--out", str(out)])
        assert result.exit_code == 0, (url, result.output)
        assert (out / "people.csv").is_file()


@pytest.mark.parametrize("command", [("load",), ("load", "--dry-run"), ("db", "upgrade"),
                                     ("db", "downgrade")],
                         ids=["load", "load --dry-run", "db upgrade", "db downgrade"])
def test_writing_commands_are_usage_errors_read_only(migrated_db, command):
    from typer.testing import CliRunner

    from incidentdb.cli import app

    name = " ".join(command[:2]) if command[0] == "db" else "load"
    for url, options in _read_only_forms(migrated_db):
        result = CliRunner().invoke(app, [*options, "--db", url, *command])
        assert isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code == 2, result.output
        assert result.stderr == (f"Error: {name} writes to the database, which is opened "
                                 "read-only (--read-only, or mode=ro in the URL)\n")
    assert migrate.current(migrated_db.url) == SCHEMA_REVISION


def _python_for(user: str) -> list[str] | None:
    """A Python that `user` may run, with this checkout and its dependencies importable."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return None
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    python = shutil.which(version, path="/usr/local/bin:/usr/bin:/bin")
    if python is None:
        return None
    import pwd

    try:
        account = pwd.getpwnam(user)
    except KeyError:
        return None
    paths = os.pathsep.join([str(REPO / "src"), sysconfig.get_paths()["purelib"]])
    command = ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}",
               "--clear-groups", "env", "-i",
               f"PYTHONPATH={paths}", "HOME=/nonexistent", "LC_ALL=C.UTF-8", python]
    probe = subprocess.run([*command, "-c", "import incidentdb.cli, sqlalchemy, yaml"],
                           capture_output=True, cwd="/")
    return command if probe.returncode == 0 else None


@pytest.fixture
def read_only_folder():
    """A folder that the unprivileged user `nobody` may read but not write."""
    if BACKEND != "sqlite":
        pytest.skip("a SQLite file's folder")
    command = _python_for("nobody")
    if command is None:
        pytest.skip("needs root, setpriv and a system Python the user nobody may run")
    folder = Path(tempfile.mkdtemp(prefix="incidentdb-ro-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder, command
    folder.chmod(0o755)
    shutil.rmtree(folder)


def test_wal_database_in_a_read_only_folder_is_read_by_another_user(read_only_folder):
    """Run as the user nobody, who cannot create the -shm file: SQLite can read the WAL
    database only as immutable, which incidentdb chooses since no -wal file is there."""
    folder, python = read_only_folder
    database = loaded_database(folder, DATA)
    assert _journal_mode(database.path) == "wal"
    database.path.chmod(0o644)
    folder.chmod(0o555)
    before = _state(database.path)
    assert before[2] == []
    for options in ([], ["--read-only"]):
        for command in (("stats",), ("person", "Tofig Yagublu"),
                        ("export", "people", "--out", "-")):
            done = subprocess.run([*python, "-m", "incidentdb", *options, "--db",
                                   str(database.path), *command],
                                  capture_output=True, text=True, cwd="/")
            assert done.returncode == 0, (command, done.stderr)
            assert "Tofig Yagublu" in done.stdout or "rows" in done.stdout, done.stdout
    assert _state(database.path) == before


def test_unapplied_wal_in_a_read_only_folder_is_one_error_line(read_only_folder, tmp_path):
    """A -wal file with changes and no -shm: reading immutable would miss the changes."""
    folder, python = read_only_folder
    database = loaded_database(tmp_path, DATA)
    writer = sqlite3.connect(database.path)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE people SET name = name")
    writer.commit()
    shutil.copy(database.path, folder / "test.db")
    shutil.copy(f"{database.path}-wal", folder / "test.db-wal")
    writer.close()
    for path in folder.iterdir():
        path.chmod(0o644)
    folder.chmod(0o555)
    done = subprocess.run([*python, "-m", "incidentdb", "--db", str(folder / "test.db"),
                           "stats"], capture_output=True, text=True, cwd="/")
    assert done.returncode == 1
    assert done.stderr == (f"Error: {folder / 'test.db'} has changes in its write-ahead log "
                           f"{folder / 'test.db-wal'} that only a connection allowed to write "
                           "in its folder can read: open it once where the folder is "
                           "writable, or copy the folder\n")


# --- two writers ----------------------------------------------------------------------


class Writer(threading.Thread):
    """Another incidentdb writer: holds the write lock from `ready` until `release`."""

    def __init__(self, url: str, hold: float | None) -> None:
        super().__init__(daemon=True)
        self.url, self.hold = url, hold
        self.ready, self.release = threading.Event(), threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        engine = make_engine(self.url)
        try:
            with engine.connect() as conn:
                conn.execution_options(incidentdb_writer=True)  # as a load's connection
                with conn.begin():
                    conn.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
                    self.ready.set()
                    self.release.wait(self.hold)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
            self.ready.set()
        finally:
            engine.dispose()


def test_second_load_waits_for_the_first_writer(migrated_db, run, monkeypatch):
    monkeypatch.setenv("INCIDENTDB_LOCK_TIMEOUT", "10")
    holder = Writer(migrated_db.url, hold=1.0)
    holder.start()
    assert holder.ready.wait(10) and holder.error is None, holder.error
    result = run(migrated_db.url, "load", str(DATA))
    holder.join(10)
    assert holder.error is None, holder.error
    assert result.exception is None, result.output
    assert result.exit_code == 0, result.output


def _counts(url: str) -> dict[str, int]:
    from sqlalchemy import inspect

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            return {name: conn.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one()
                    for name in names}
    finally:
        engine.dispose()


def test_load_gives_up_after_the_lock_bound(migrated_db, run, monkeypatch):
    before = _counts(migrated_db.url)
    monkeypatch.setenv("INCIDENTDB_LOCK_TIMEOUT", "1")
    holder = Writer(migrated_db.url, hold=None)
    holder.start()
    try:
        assert holder.ready.wait(10) and holder.error is None, holder.error
        result = run(migrated_db.url, "load", str(DATA))
    finally:
        holder.release.set()
        holder.join(10)
    assert result.exit_code == 1, result.output
    assert result.stderr == "Error: the database is locked by another writer; waited 1 s\n"
    assert _counts(migrated_db.url) == before
    assert before["sources"] == 0


def test_lock_bound_must_be_seconds(migrated_db, run, monkeypatch):
    monkeypatch.setenv("INCIDENTDB_LOCK_TIMEOUT", "soon")
    line = _one_error_line(run(migrated_db.url, "load", str(DATA)))
    assert line == ("Error: INCIDENTDB_LOCK_TIMEOUT must be a number of seconds (e.g. 30), "
                    "not 'soon'")


# --- URLs -----------------------------------------------------------------------------


def test_empty_db_option_is_a_usage_error(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)  # were it taken as the default, incidents.db would appear
    result = run("", "stats")
    assert isinstance(result.exception, SystemExit)
    assert result.exit_code == 2
    assert result.stderr == ("Error: --db is empty: give a database URL or the path of a "
                             "SQLite file\n")
    assert list(tmp_path.iterdir()) == []


@sqlite_only
def test_plain_path_is_a_sqlite_file(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    loaded = run("./data/x.sqlite", "load", str(DATA))
    assert loaded.exit_code == 0, loaded.output
    assert (tmp_path / "data" / "x.sqlite").is_file()
    for path in ("./data/x.sqlite", "data/x.sqlite", str(tmp_path / "data" / "x.sqlite")):
        result = run(path, "person", "Tofig Yagublu")
        assert result.exit_code == 0, (path, result.output)
        assert "Tofig Yagublu" in result.stdout


def test_unknown_scheme_stays_an_error_and_hides_the_password(run):
    line = _one_error_line(run("nosuchdb://reader:s3cr3t-w0rd@example.org/x", "stats"))
    assert line.startswith("Error: cannot use database URL 'nosuchdb://reader:***@example.org/x'")
    assert "s3cr3t" not in line


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_postgres_url_without_driver_uses_psycopg(run, scheme):
    result = run(f"{scheme}://reader:s3cr3t-w0rd@127.0.0.1:1/nowhere", "people")
    line = _one_error_line(result)
    assert result.exit_code == 1
    assert line.startswith("Error: cannot open the database")
    assert "s3cr3t" not in line


def test_url_normalisation():
    from incidentdb.db import normalise_url

    if __import__("importlib").util.find_spec("psycopg2") is None:
        assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
        assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("my.db") == "sqlite:///my.db"
    assert normalise_url("/srv/x.sqlite") == "sqlite:////srv/x.sqlite"
    assert normalise_url("sqlite:///a.db?mode=ro") == "sqlite:///a.db?mode=ro"


@pytest.mark.skipif(BACKEND != "postgresql", reason="needs the PostgreSQL test database")
def test_postgresql_url_without_driver_reads_the_database(loaded_db, run):
    url = loaded_db.url.replace("postgresql+psycopg://", "postgresql://", 1)
    result = run(url, "stats")
    assert result.exit_code == 0, result.output


@pytest.mark.skipif(BACKEND != "postgresql", reason="psycopg's prepared statements")
@pytest.mark.parametrize("read_only", [False, True])
def test_a_statement_run_many_times_is_never_prepared(loaded_db, read_only):
    """psycopg prepares a statement it has run five times, and PostgreSQL may then plan it
    for any value (the search count read every row, 100 times slower): a long-lived
    caller would get slower with use. No statement is ever prepared."""
    from incidentdb.db import session_scope
    from incidentdb.search import count_matches

    engine = make_engine(loaded_db.url, read_only=read_only)
    with session_scope(engine) as session:
        counts = {count_matches(session, word, 100) for word in ["hunger"] * 12}
        prepared = session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
    engine.dispose()
    assert counts == {4}
    assert prepared == 0


def test_password_is_hidden_in_any_form_a_message_echoes_it():
    from incidentdb.db import hide_password, shown_url

    url = "postgresql+psycopg://reader:p%40ss-w0rd@db.example.org/x"
    message = f"could not connect to {url} as reader with p@ss-w0rd"
    assert "p@ss-w0rd" not in hide_password(message, url)
    assert "p%40ss-w0rd" not in hide_password(message, url)
    assert shown_url(url) == "postgresql+psycopg://reader:***@db.example.org/x"


def test_a_rollback_database_locked_by_a_writer_is_one_line(tmp_path, run, monkeypatch):
    """Switching a rollback-journal database to WAL needs the lock a writer holds."""
    if BACKEND != "sqlite":
        pytest.skip("SQLite journal modes")
    path = tmp_path / "own.db"
    assert run(f"sqlite:///{path}", "db", "upgrade").exit_code == 0
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.isolation_level = None
    conn.execute("BEGIN IMMEDIATE")  # another writer, in the middle of its transaction
    conn.execute("UPDATE alembic_version SET version_num = version_num")
    monkeypatch.setenv("INCIDENTDB_LOCK_TIMEOUT", "0.2")
    try:
        result = run(f"sqlite:///{path}", "load", str(DATA))
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    assert result.exit_code == 1, result.output
    assert result.stderr == "Error: the database is locked by another writer; waited 0.2 s\n"


def test_bad_port_error_hides_the_password(run):
    line = _one_error_line(run("postgresql+psycopg://reader:s3cr3t-w0rd@127.0.0.1:port/x",
                               "stats"))
    assert "s3cr3t" not in line
    assert "***" in line


# --- revisions ------------------------------------------------------------------------


def test_unknown_target_revision_is_one_line(migrated_db, run):
    line = _one_error_line(run(migrated_db.url, "db", "upgrade", "zzz"))
    assert line == (f"Error: unknown revision 'zzz': this incidentdb knows "
                    f"0001 to {SCHEMA_REVISION} (head), and base")


@pytest.mark.parametrize("command", [("db", "current"), ("db", "upgrade"), ("db", "downgrade"),
                                     ("db", "check"), ("stats",), ("people",), ("load",)],
                         ids=["db current", "db upgrade", "db downgrade", "db check", "stats",
                              "people", "load"])
def test_database_of_a_newer_incidentdb_is_named_so(migrated_db, run, command):
    database = migrated_db
    engine = make_engine(database.url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    args = [*command, str(DATA)] if command == ("load",) else list(command)
    result = run(database.url, *args)
    line = _one_error_line(result)
    assert result.exit_code == 1
    assert line == ("Error: the database was made by a newer incidentdb (revision 9999); this "
                    f"incidentdb knows revisions up to {SCHEMA_REVISION}: upgrade incidentdb")
    assert "behind" not in result.output


def test_library_current_refuses_a_newer_revision(migrated_db):
    engine = make_engine(migrated_db.url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(DatabaseError, match=r"newer incidentdb \(revision 9999\)"):
        migrate.current(migrated_db.url)
