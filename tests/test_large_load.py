"""A large load: read in a second process, indexes built in bulk, the same result.

A load whose files hold LARGE_LOAD_BYTES or more reads and validates them in a child
process (incidentdb.readahead) and drops the secondary indexes (and SQLite's full-text
triggers) of the tables that were empty when it began, building them once its rows
are in (incidentdb.bulk). These tests make every load large (the threshold set to 0)
and compare it with the one-process load of the same files: the same rows, the same
indexes, the same search results, the same problems when it is refused.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from incidentdb import loader, readahead
from incidentdb.db import make_engine, session_scope
from incidentdb.errors import IncidentdbError
from incidentdb.loader import LoadError, load_paths
from incidentdb.search import search
from tests.conftest import DATA, Database, loaded_database
from tests.test_loader import digest


def index_definitions(url: str) -> list[str]:
    """Every index and trigger as the database defines it (without the schema's name)."""
    engine = make_engine(url)
    query = ("SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS "
             "NOT NULL" if url.startswith("sqlite") else
             "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()")
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()" if url.startswith("postgresql")
                                   else "SELECT 'main'")).scalar()
        found = sorted(d.replace(f"{schema}.", "") for d in conn.execute(text(query)).scalars())
    engine.dispose()
    return found


def loaded(tmp: Path, *folders: Path, large: bool, monkeypatch: pytest.MonkeyPatch,
           ) -> tuple[Database, list[str]]:
    """A fresh database with the folders loaded one after the other; the phases named."""
    monkeypatch.setattr(loader, "LARGE_LOAD_BYTES", 0 if large else 10**15)
    tmp.mkdir()
    phases: list[str] = []
    database = loaded_database(tmp, *folders, progress=lambda stage, *_: phases.append(stage))
    return database, phases


@pytest.fixture
def children(monkeypatch):
    """The number of loads that read in a child process."""
    runs: list[int] = []
    original = readahead.run

    def counted(reading, sink):
        runs.append(1)
        original(reading, sink)

    monkeypatch.setattr(readahead, "run", counted)
    monkeypatch.setattr(readahead, "worth_it", lambda: True)
    return runs


def test_a_large_load_writes_what_a_small_one_does(tmp_path, monkeypatch, children,
                                                   data_copy):
    # then the same files with a title changed, into tables the first load filled (the
    # tables still empty are the only ones built in bulk)
    path = data_copy / "torture.yaml"
    content = path.read_text(encoding="utf-8")
    path.write_text(content.replace("    title: ", "    title: Revised, ", 1), encoding="utf-8")
    small, small_phases = loaded(tmp_path / "small", DATA, data_copy, large=False,
                                 monkeypatch=monkeypatch)
    large, large_phases = loaded(tmp_path / "large", DATA, data_copy, large=True,
                                 monkeypatch=monkeypatch)
    try:
        assert len(children) == 2
        assert "indexing" in large_phases and "indexing" not in small_phases
        assert digest(large.url) == digest(small.url)
        assert index_definitions(large.url) == index_definitions(small.url)
        for url in (small.url, large.url):  # the full-text index holds every document
            engine = make_engine(url)
            with session_scope(engine) as session:
                found = [(h.kind, h.record_id) for h in search(session, "hunger", None)]
            engine.dispose()
            assert len(found) >= 4
            if url == small.url:
                expected = found
        assert found == expected
    finally:
        small.drop()
        large.drop()


def test_a_refused_large_load_says_what_a_small_one_says_and_keeps_the_indexes(
        tmp_path, monkeypatch, children, base_copy):
    bad = base_copy / "bad.jsonl"
    bad.write_text('{"table": "people", "id": "p-x", "name": "X", "source": "nowhere", '
                   '"excerpt": "x"}\n', encoding="utf-8")
    said = []
    for large in (False, True):
        database, _ = loaded(tmp_path / str(large), large=large, monkeypatch=monkeypatch)
        before = index_definitions(database.url), digest(database.url)
        engine = make_engine(database.url)
        with pytest.raises(LoadError) as refused:
            load_paths(engine, [base_copy])
        engine.dispose()
        said.append(refused.value.lines())
        assert (index_definitions(database.url), digest(database.url)) == before
        database.drop()
    assert len(children) == 1
    assert said[0] == said[1]
    assert any("p-x" in line and "bad.jsonl:1" in line for line in said[1]), said[1]


def test_a_reading_process_that_dies_is_an_error_and_nothing_is_loaded(
        tmp_path, monkeypatch, children, engine, migrated_db):
    monkeypatch.setattr(loader, "LARGE_LOAD_BYTES", 0)
    monkeypatch.setattr(readahead, "CHILD", (
        "-c", "import sys; sys.stderr.write('out of memory\\n'); sys.exit(3)"))
    before = digest(migrated_db.url), index_definitions(migrated_db.url)
    with pytest.raises(IncidentdbError, match=r"^the process reading the files stopped "
                       r"\(exit code 3: out of memory\); nothing was loaded$"):
        load_paths(engine, [DATA])
    assert (digest(migrated_db.url), index_definitions(migrated_db.url)) == before


def test_a_bug_in_the_reading_process_reaches_this_one_with_its_traceback(
        monkeypatch, children, engine):
    monkeypatch.setattr(loader, "LARGE_LOAD_BYTES", 0)
    monkeypatch.setattr(readahead, "CHILD", ("-c", (
        "import pickle, sys; pickle.dump(('failed', 'Traceback: KeyError'), sys.stdout.buffer)"
    )))
    with pytest.raises(RuntimeError, match="reading the files failed:\nTraceback: KeyError"):
        load_paths(engine, [DATA])
    assert sys.exc_info() == (None, None, None)
