"""One suite, two databases.

Without INCIDENTDB_TEST_POSTGRES_URL every test runs on SQLite files. With it, the
same tests run on PostgreSQL, each database fixture in a schema of its own (so
tests never see each other's rows). If the variable is set and PostgreSQL cannot
be reached, the run fails: PostgreSQL tests are never skipped silently.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidentdb import migrate
from incidentdb.cli import app
from incidentdb.db import make_engine
from incidentdb.loader import load_paths
from incidentdb.shapes import Progress

# pytest-xdist's workers are given COLUMNS=80 and LINES=24; the CLI takes a terminal's
# width from COLUMNS, so tests would see a narrower table than a plain run shows. A test
# that wants a width sets it itself.
for _size in ("COLUMNS", "LINES"):
    os.environ.pop(_size, None)

POSTGRES_URL = os.environ.get("INCIDENTDB_TEST_POSTGRES_URL")
BACKEND = "postgresql" if POSTGRES_URL else "sqlite"
REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
# A second, invented source's data set (the Examplestan report), which the malformed data
# sets are edits of
BASE = REPO / "tests" / "malformed" / "_base"


def pytest_report_header(config: pytest.Config) -> str:
    return f"incidentdb test database: {BACKEND}"


def pytest_terminal_summary(terminalreporter) -> None:
    # again at the end, where `pytest -q` (which hides the header) shows it too: CI greps it
    terminalreporter.write_line(f"incidentdb test database: {BACKEND}")


def pytest_sessionstart(session: pytest.Session) -> None:
    if POSTGRES_URL:
        import sqlalchemy

        engine = sqlalchemy.create_engine(POSTGRES_URL)
        try:
            with engine.connect() as conn:
                conn.execute(sqlalchemy.text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - any failure to connect ends the run
            raise pytest.UsageError(
                f"INCIDENTDB_TEST_POSTGRES_URL is set but PostgreSQL is unreachable: {exc}"
            ) from None
        finally:
            engine.dispose()


class Database:
    """A fresh, empty database (a SQLite file, or a PostgreSQL schema of its own)."""

    def __init__(self, tmp: Path) -> None:
        self.schema: str | None = None
        if POSTGRES_URL:
            import sqlalchemy

            self.schema = f"t_{uuid.uuid4().hex[:12]}"
            admin = sqlalchemy.create_engine(POSTGRES_URL)
            with admin.begin() as conn:
                conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{self.schema}"'))
            admin.dispose()
            sep = "&" if "?" in POSTGRES_URL else "?"
            self.url = f"{POSTGRES_URL}{sep}options=-csearch_path%3D{self.schema}"
        else:
            self.path = tmp / "test.db"
            self.url = f"sqlite:///{self.path}"

    def drop(self) -> None:
        if self.schema:
            import sqlalchemy

            admin = sqlalchemy.create_engine(POSTGRES_URL)
            with admin.begin() as conn:
                conn.execute(sqlalchemy.text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            admin.dispose()


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path)
    yield database
    database.drop()


@pytest.fixture
def migrated_db(empty_db: Database) -> Database:
    migrate.upgrade(empty_db.url)
    return empty_db


@pytest.fixture
def engine(migrated_db: Database):
    engine = make_engine(migrated_db.url)
    yield engine
    engine.dispose()


def loaded_database(tmp: Path, *data: Path, progress: Progress | None = None) -> Database:
    """A fresh database, migrated, with the data files under each of `data` loaded, one
    load after the other."""
    database = Database(tmp)
    migrate.upgrade(database.url)
    engine = make_engine(database.url)
    for folder in data:
        load_paths(engine, [folder], progress=progress)
    engine.dispose()
    return database


# What a downgrade below 0009 drops, which the next load of the data brings back: the
# stated relations (0009); participant qualifiers, organization aliases, person relations
# and the marks of inferred values (0010: the bundled data marks sentences and events).
RETURNING = {"charge_chronology", "sentence_chronology", "event_chronology",
             "event_participants", "organization_names", "person_relations", "sentences",
             "events", "instruments", "instrument_names", "event_instruments"}


def assert_only_relations_return(report) -> None:
    """A reload after a downgrade below 0009: what the downgrade dropped comes back (the
    relations at least), and nothing else changes."""
    changed = {table for table, change in report.tables.items()
               if change.added or change.changed or change.removed}
    assert {"charge_chronology", "event_chronology"} <= changed <= RETURNING, report.tables


@pytest.fixture(scope="session")
def loaded_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The bundled data, loaded once per run; tests that use it must not write."""
    database = loaded_database(tmp_path_factory.mktemp("loaded"), DATA)
    yield database
    database.drop()


# Two people of the bundled data renamed to their Azerbaijani spelling (the bundled names
# are all in English spelling, so output of them cannot show how non-ASCII text goes out).
ACCENTED_NAMES = {"Shahla Humbatova": "Şahla Hümbətova", "Elchin Hasanzade": "Elçin Həsənzadə"}


def accented_copy(target: Path) -> Path:
    """A copy of the bundled data with the people of ACCENTED_NAMES renamed."""
    shutil.copytree(DATA, target)
    people = target / "people.yaml"
    content = people.read_text(encoding="utf-8")
    for english, azerbaijani in ACCENTED_NAMES.items():
        assert f"    name: {english}\n" in content, english
        content = content.replace(f"    name: {english}\n", f"    name: {azerbaijani}\n")
    people.write_text(content, encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def accented_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The bundled data with two names in Azerbaijani spelling, loaded once per run;
    tests that use it must not write."""
    tmp = tmp_path_factory.mktemp("accented")
    database = loaded_database(tmp, accented_copy(tmp / "data"))
    yield database
    database.drop()


@pytest.fixture(scope="session")
def loaded_engine(loaded_db: Database):
    engine = make_engine(loaded_db.url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(loaded_engine):
    from sqlalchemy.orm import Session

    with Session(loaded_engine) as session:
        yield session
        session.rollback()


@pytest.fixture
def run():
    """Invoke the CLI in-process: run(url, "person", "Yagublu") -> Result."""
    runner = CliRunner()

    def invoke(url: str, *args: str, input: str | None = None):  # noqa: A002
        return runner.invoke(app, ["--db", url, *args], input=input)

    return invoke


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the bundled data, for a test that edits it."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def base_copy(tmp_path: Path) -> Path:
    """A copy of the Examplestan data set (BASE), for a test that edits it."""
    target = tmp_path / "data"
    shutil.copytree(BASE, target)
    return target
