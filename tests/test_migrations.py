"""Migrations: upgrade, no drift, downgrade to base, upgrade again, on the suite's database."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import inspect, text

from incidentdb import migrate
from incidentdb.db import KNOWN_REVISIONS, SCHEMA_REVISION, make_engine
from incidentdb.loader import load_paths
from incidentdb.models import Base

from .conftest import DATA, assert_only_relations_return

CORE_TABLES = {"sources", "people", "organizations", "memberships", "events", "cases",
               "charges", "sentences"}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_check_downgrade_upgrade(empty_db):
    migrate.upgrade(empty_db.url)
    assert CORE_TABLES <= _tables(empty_db.url)
    assert set(Base.metadata.tables) <= _tables(empty_db.url)
    assert migrate.check(empty_db.url) is None
    assert migrate.current(empty_db.url) == migrate.head()
    migrate.downgrade(empty_db.url, "base")
    assert _tables(empty_db.url) <= {"alembic_version"}
    assert migrate.current(empty_db.url) is None
    migrate.upgrade(empty_db.url)
    assert migrate.check(empty_db.url) is None


def test_drift_is_reported(migrated_db):
    engine = make_engine(migrated_db.url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE INDEX ix_extra ON people (name)")
    engine.dispose()
    assert migrate.check(migrated_db.url) is not None


def test_schema_revision_constant_is_alembic_head():
    assert SCHEMA_REVISION == migrate.head()


def test_alembic_command_line_uses_the_environment_url(empty_db, tmp_path):
    """The developer's path: `alembic upgrade head`, `check`, `downgrade base` from the top."""
    import os
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    env = dict(os.environ, INCIDENTDB_DATABASE_URL=empty_db.url)
    for args in (["upgrade", "head"], ["check"], ["downgrade", "base"], ["upgrade", "head"]):
        done = subprocess.run([sys.executable, "-m", "alembic", *args], cwd=repo, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert CORE_TABLES <= _tables(empty_db.url)


def test_known_revisions_are_alembic_revisions():
    assert list(KNOWN_REVISIONS) == migrate.revisions()


def test_command_on_old_schema_says_how_to_upgrade(migrated_db, run):
    # an older revision this code knows (an unknown one, such as '0000', is a newer
    # incidentdb's: see tests/test_database_access.py)
    older = KNOWN_REVISIONS[-2]
    engine = make_engine(migrated_db.url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{older}'")
    engine.dispose()
    result = run(migrated_db.url, "check")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: the database schema is at revision {older}, this "
                             f"incidentdb needs {SCHEMA_REVISION}: run `incidentdb db upgrade`\n")


def test_unreachable_database_is_one_error_line(run):
    result = run("postgresql+psycopg://postgres@127.0.0.1:1/nowhere", "people")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith('Error: cannot open the database: connection failed: connection '
                           'to server at "127.0.0.1", port 1 failed: '), line


def _source_texts(url: str) -> dict[str, str | None] | None:
    """Each source's stored text, or None when the sources table has no content column."""
    engine = make_engine(url)
    try:
        if "content" not in {c["name"] for c in inspect(engine).get_columns("sources")}:
            return None
        with engine.connect() as conn:
            return dict(conn.execute(text("SELECT id, content FROM sources")).all())
    finally:
        engine.dispose()


def test_migration_0008_stores_the_source_texts(empty_db, tmp_path):
    """Downgrading drops the texts; upgrading fills in each text the bundled data folder
    still holds unchanged (same sha256), and leaves the others to the next load."""
    bundled = (DATA / "sources" / "hrw-wr2022-azerbaijan.txt").read_text(encoding="utf-8")
    migrate.upgrade(empty_db.url)
    engine = make_engine(empty_db.url)
    try:
        load_paths(engine, [DATA])
        assert _source_texts(empty_db.url) == {"hrw-wr2022-azerbaijan": bundled}
        migrate.downgrade(empty_db.url, "0007")
        assert _source_texts(empty_db.url) is None
        with engine.begin() as conn:  # a source the bundled folder holds in another version
            conn.execute(text("INSERT INTO sources (id, title, publisher, events_year, "
                              "text_path, sha256) VALUES ('other', 'Other', 'Tests', 2021, "
                              "'sources/hrw-wr2022-azerbaijan.txt', :sha)"), {"sha": "0" * 64})
        migrate.upgrade(empty_db.url)
        assert _source_texts(empty_db.url) == {"hrw-wr2022-azerbaijan": bundled, "other": None}
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM sources WHERE id = 'other'"))
        # the downgrade to 0007 dropped the stated relations (migration 0009): back, and
        # nothing else changes
        assert_only_relations_return(load_paths(engine, [DATA]))
        assert load_paths(engine, [DATA]).unchanged
    finally:
        engine.dispose()


def _bounds(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            # as text: raw SQL gives SQLite's dates as written, PostgreSQL's as dates
            return {table: [tuple(v if v is None or isinstance(v, int | str) else str(v)
                                  for v in row) for row in conn.execute(text(
                f"SELECT id, earliest, earliest_basis, latest, latest_basis, latest_from, "
                f"chain_depth FROM {table} ORDER BY id"))]
                for table in ("events", "charges", "sentences", "memberships")}
    finally:
        engine.dispose()


def test_migration_0009_derives_the_bounds_of_the_records_already_there(empty_db):
    """Downgrading drops the bounds and the stated relations; upgrading derives each
    record's bounds from its stated date, its source's publication and the sentences it
    replaced: the same bounds as the load gave every record that no relation touches."""
    migrate.upgrade(empty_db.url)
    engine = make_engine(empty_db.url)
    try:
        load_paths(engine, [DATA])
        loaded = _bounds(empty_db.url)
        with engine.connect() as conn:
            related = {value for kind in ("event", "charge", "sentence", "membership")
                       for row in conn.execute(text(
                           f"SELECT record_id, target FROM {kind}_chronology"))
                       for value in row if value}
        related = {value.rpartition(":")[2] for value in related}
        migrate.downgrade(empty_db.url, "0008")
        assert "earliest" not in {c["name"] for c in inspect(engine).get_columns("events")}
        assert "event_chronology" not in inspect(engine).get_table_names()
        migrate.upgrade(empty_db.url)
        upgraded = _bounds(empty_db.url)
        for table, rows in loaded.items():  # the depths follow chains through related ones
            kept = [row[:6] for row in rows if row[0] not in related]
            assert kept == [row[:6] for row in upgraded[table] if row[0] not in related], table
            assert kept, table
        replacing = [row for row in upgraded["sentences"]
                     if row[0] == "bakuvi-suspended-sentence"]
        assert replacing == [("bakuvi-suspended-sentence", "2021-06-01", "stated",
                              "2021-06-30", "stated", None, 1)]
        undated = [row for row in upgraded["events"] if row[1] is None and row[4] == "derived"]
        assert undated and all(row[3] == "2022-01-13" for row in undated)
    finally:
        engine.dispose()
