"""The writer's ownership and removal logic, case by case: what mutation testing found unchecked.

A load adds and updates; it removes only with prune, and only records of the sources
it loads; an id held by another source's record is refused, never taken over; the
search documents follow the records. Expected values are worked out by hand from the
small invented data set in tests/malformed/_base (one source, 12 records).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from incidentdb import writer
from incidentdb.loader import LoadError, load_paths
from incidentdb.models import Base
from incidentdb.reading import Problem
from incidentdb.writer import RecordList, TableChange

from .test_loader import digest

BASE = Path(__file__).resolve().parent / "malformed" / "_base"
SOURCE = "examplestan-2021"
OTHER = "examplestan-2021-addendum"
# a second source over the same invented report
OTHER_SOURCE = f"""\
sources:
  - id: {OTHER}
    title: "Examplestan: an addendum"
    publisher: incidentdb tests
    published: 2022-02-01
    events_year: 2021
    text: report.txt
    sha256: a7a736d1baccc8e9cc60e80ce2bf2601721f78bf2379a29addadf775bf245ad2
"""
OFFENCE_LINE = ('{"table": "offences", "source": "examplestan-2021", "id": "offence-%04d", '
                '"name": "Hooliganism", "excerpt": "hooliganism"}\n')


@pytest.fixture
def other_source(tmp_path: Path) -> Path:
    """A folder holding only the second source's record (and its text)."""
    target = tmp_path / "other"
    target.mkdir()
    shutil.copy2(BASE / "sources" / "report.txt", target / "report.txt")
    (target / "source.yaml").write_text(OTHER_SOURCE, encoding="utf-8")
    return target


def rows(engine, query: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(query)).all()]


def documents(engine, kind: str) -> list[tuple]:
    return rows(engine, "SELECT record_id, title, body FROM search_entries "
                f"WHERE kind = '{kind}' ORDER BY record_id")


def problems_of(engine, paths: list[Path], **options: bool) -> list[Problem]:
    with pytest.raises(LoadError) as caught:
        load_paths(engine, paths, **options)
    return caught.value.problems


def changes(report) -> dict[str, tuple[int, int, int]]:
    """The tables a load changed: table -> (added, changed, removed)."""
    return {table: (c.added, c.changed, c.removed) for table, c in report.tables.items()
            if c.added or c.changed or c.removed}


# --- the report's parts --------------------------------------------------------------------


def test_a_table_change_reads_added_changed_removed_in_that_order() -> None:
    assert str(TableChange(1, 2, 3)) == "1 added, 2 changed, 3 removed"
    assert str(TableChange()) == "0 added, 0 changed, 0 removed"
    assert (RecordList().count, RecordList().records) == (0, [])


def test_a_first_load_adds_every_row(engine) -> None:
    report = load_paths(engine, [BASE])
    assert changes(report) == {
        "sources": (1, 0, 0), "offences": (1, 0, 0), "people": (2, 0, 0),
        "person_names": (3, 0, 0), "person_occupations": (2, 0, 0),
        "organizations": (2, 0, 0), "organization_names": (2, 0, 0),
        "memberships": (1, 0, 0), "cases": (1, 0, 0),
        "case_defendants": (1, 0, 0), "charges": (1, 0, 0), "sentences": (1, 0, 0),
        "events": (2, 0, 0), "event_participants": (3, 0, 0), "event_counts": (1, 0, 0)}
    # dates as ISO text and booleans as 0/1 on SQLite, as SQLAlchemy's own types store them
    assert rows(engine, "SELECT id, date_start, date_end FROM events ORDER BY id") == [
        ("hasanov-detention", *_dates(engine, "2021-01-01", "2021-06-30")),
        ("sampleton-protest-detentions", *_dates(engine, "2021-01-01", "2021-01-31"))]
    assert rows(engine, "SELECT count(*) FROM events WHERE date_throughout = "
                + ("0" if engine.dialect.name == "sqlite" else "false")) == [(2,)]
    assert rows(engine, "SELECT published FROM sources") == [_dates(engine, "2022-01-10")]


def test_a_record_without_a_date_is_not_throughout(engine) -> None:
    """`throughout` is set only by the word "throughout" in a date's phrase
    (docs/data-format.md): the undated membership of _base holds false, never NULL."""
    load_paths(engine, [BASE])
    assert rows(engine, "SELECT id, date_text, date_throughout FROM memberships") == [
        ("mammadova-edp", None, False)]
    assert rows(engine, "SELECT count(*) FROM memberships WHERE date_throughout IS NULL") == [
        (0,)]


def _dates(engine, *values: str) -> tuple:
    """Dates as the database driver returns them: text on SQLite, date objects elsewhere."""
    from datetime import date

    if engine.dialect.name == "sqlite":
        return values
    return tuple(date.fromisoformat(v) for v in values)


# --- updates ---------------------------------------------------------------------------


def test_an_edited_record_is_changed_and_its_search_document_replaced(engine,
                                                                       base_copy) -> None:
    load_paths(engine, [base_copy])
    people = base_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "name: Tofiq Hasanov", "name: Tofiq Hasanli"), encoding="utf-8")
    report = load_paths(engine, [base_copy])
    # the person changes; her names are parts of the record: one added, one removed
    assert changes(report) == {"people": (0, 1, 0), "person_names": (1, 0, 1)}
    assert rows(engine, "SELECT name FROM people WHERE id = 'tofiq-hasanov'") == [
        ("Tofiq Hasanli",)]
    assert documents(engine, "person") == [
        ("aynur-mammadova", "Aynur Mammadova", "EDP deputy chairman Aynur Mammadova"),
        ("tofiq-hasanov", "Tofiq Hasanli", "Journalist Tofiq Hasanov")]
    assert load_paths(engine, [base_copy]).unchanged


def test_an_edited_date_is_changed_and_stored_as_a_date(engine, base_copy) -> None:
    load_paths(engine, [base_copy])
    events = base_copy / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace(
        "date: in early 2021", "date: in 2021"), encoding="utf-8")
    report = load_paths(engine, [base_copy])
    assert changes(report) == {"events": (0, 1, 0)}
    assert rows(engine, "SELECT date_text, date_start, date_end FROM events "
                "WHERE id = 'hasanov-detention'") == [
        ("in 2021", *_dates(engine, "2021-01-01", "2021-12-31"))]
    assert load_paths(engine, [base_copy]).unchanged


def test_an_alias_that_becomes_the_name_changes_both_name_rows(engine, base_copy) -> None:
    """A person's names are keyed by (person, name): swapping the name and an alias keeps
    both keys and changes the kind of each, in place."""
    load_paths(engine, [base_copy])
    people = base_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "name: Aynur Mammadova\n    aliases: [Mammadova]",
        "name: Mammadova\n    aliases: [Aynur Mammadova]"), encoding="utf-8")
    report = load_paths(engine, [base_copy])
    assert changes(report) == {"people": (0, 1, 0), "person_names": (0, 2, 0)}
    assert rows(engine, "SELECT name, kind, folded FROM person_names "
                "WHERE person_id = 'aynur-mammadova' ORDER BY name") == [
        ("Aynur Mammadova", "alias", "aynur mammadova"), ("Mammadova", "name", "mammadova")]
    assert load_paths(engine, [base_copy]).unchanged


class _CopyingCursor:
    """A stand-in for psycopg's cursor: what COPY is given, statement and rows."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.written: list[tuple] = []

    def cursor(self) -> _CopyingCursor:
        return self

    def copy(self, statement: str) -> _CopyingCursor:
        self.statements.append(statement)
        return self

    def __enter__(self) -> _CopyingCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write_row(self, row: tuple) -> None:
        self.written.append(row)

    def close(self) -> None:
        pass


def test_postgresql_copies_each_value_into_the_column_it_names() -> None:
    """On PostgreSQL new rows go in by COPY: the statement names the columns, and each
    row written must give its values in that order (a value in the wrong column would
    be stored without a word)."""
    cursor = _CopyingCursor()
    load = writer.LoadWriter.__new__(writer.LoadWriter)  # no connection: only _insert runs
    load.dialect, load.raw = "postgresql", cursor
    for name, row in [
            ("offences", {"id": "o", "name": "Fraud", "excerpt": "x", "excerpt_start": 3,
                          "excerpt_end": 4, "source_id": "s"}),
            ("person_names", {"person_id": "p", "name": "Ab", "kind": "alias",
                              "folded": "ab"})]:
        table = writer._Table(Base.metadata.tables[name], "%s")
        full: dict[str, Any] = table.complete(row)
        load._insert(table, [full, dict(full, **{table.key[-1]: "z"})])
        statement = cursor.statements.pop()
        named = re.fullmatch(rf"COPY {name} \((.+)\) FROM STDIN", statement)
        assert named is not None, statement
        columns = named[1].split(", ")
        assert sorted(columns) == sorted(c.key for c in Base.metadata.tables[name].columns)
        assert [dict(zip(columns, values, strict=True)) for values in cursor.written] == [
            full, dict(full, **{table.key[-1]: "z"})]
        cursor.written.clear()


def test_rows_of_many_batches_are_written_once_each(engine, base_copy, monkeypatch) -> None:
    """The batch size only bounds memory: with batches of one row the load is the same."""
    monkeypatch.setattr(writer, "BATCH", 1)
    first = load_paths(engine, [base_copy])
    assert first.tables["person_names"].added == 3 and first.tables["events"].added == 2
    assert load_paths(engine, [base_copy]).unchanged


def test_an_id_repeated_in_another_batch_is_reported_not_written(engine, base_copy,
                                                                  monkeypatch) -> None:
    """With batches of one row, the second Tofiq Hasanov meets the first in the database."""
    monkeypatch.setattr(writer, "BATCH", 1)
    (base_copy / "extra.yaml").write_text(
        f"source: {SOURCE}\npeople:\n  - id: tofiq-hasanov\n    name: Tofiq Hasanov\n"
        "    excerpt: Journalist Tofiq Hasanov\n", encoding="utf-8")
    extra = os.path.relpath(base_copy / "extra.yaml")
    assert problems_of(engine, [base_copy]) == [Problem(
        os.path.relpath(base_copy / "people.yaml"), 9,
        f"duplicate id (first defined at {extra}:3)", "people", "tofiq-hasanov")]
    assert rows(engine, "SELECT count(*) FROM people") == [(0,)]


def test_a_repeated_source_is_reported_once(engine, base_copy) -> None:
    shutil.copy2(base_copy / "sources" / "report.yaml", base_copy / "sources" / "again.yaml")
    again = os.path.relpath(base_copy / "sources" / "again.yaml")
    assert problems_of(engine, [base_copy]) == [Problem(
        os.path.relpath(base_copy / "sources" / "report.yaml"), 3,
        f"duplicate id (first defined at {again}:3)", "sources", SOURCE)]


# --- ownership: an id belongs to one source --------------------------------------------


def test_an_id_of_another_sources_record_is_refused_not_taken_over(engine, migrated_db,
                                                                   other_source) -> None:
    load_paths(engine, [BASE])
    before = digest(migrated_db.url)
    (other_source / "people.yaml").write_text(
        f"source: {OTHER}\npeople:\n  - id: aynur-mammadova\n    name: Aynur Mammadova\n"
        "    excerpt: EDP deputy chairman Aynur Mammadova\n"
        "  - id: rauf-aliyev\n    name: Rauf Aliyev\n"
        "    excerpt: Journalist Tofiq Hasanov\n", encoding="utf-8")
    (other_source / "events.yaml").write_text(
        f"source: {OTHER}\nevents:\n  - id: hasanov-detention\n    kind: detention\n"
        "    title: Tofiq Hasanov detained\n    excerpt: held for several days\n"
        "    participants:\n      - person: tofiq-hasanov\n        role: victim\n",
        encoding="utf-8")
    shown = Path(os.path.relpath(other_source))  # files are named as from the current folder
    found = problems_of(engine, [other_source])
    # the participant's row is taken too: said of the event that holds it, at its line
    participant = found.pop(1)
    assert (participant.path, participant.line, participant.message, participant.section) == (
        str(shown / "events.yaml"), 8, f"id already used by a record of source {SOURCE!r}",
        "events")
    assert found == [
        Problem(str(shown / "events.yaml"), 3,
                f"id already used by a record of source {SOURCE!r}", "events",
                "hasanov-detention"),
        Problem(str(shown / "people.yaml"), 3,
                f"id already used by a record of source {SOURCE!r}", "people",
                "aynur-mammadova")]
    assert digest(migrated_db.url) == before
    assert rows(engine, "SELECT source_id FROM people WHERE id = 'aynur-mammadova'") == [
        (SOURCE,)]


def test_a_source_may_update_its_own_record_while_another_source_is_loaded(
        engine, base_copy, other_source) -> None:
    load_paths(engine, [base_copy, other_source])
    people = base_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "occupations: [journalist]", "occupations: [journalist, activist]"), encoding="utf-8")
    report = load_paths(engine, [base_copy, other_source])
    assert changes(report) == {"person_occupations": (1, 0, 0)}


# --- repeated ids --------------------------------------------------------------------------


def test_every_repeat_of_an_id_names_the_first_definition(engine, base_copy) -> None:
    person = ("  - id: tofiq-hasanov\n    name: Tofiq Hasanov\n"
              "    excerpt: Journalist Tofiq Hasanov\n")
    (base_copy / "extra.yaml").write_text(
        f"source: {SOURCE}\npeople:\n{person}{person}", encoding="utf-8")
    found = problems_of(engine, [base_copy])
    extra = os.path.relpath(base_copy / "extra.yaml")
    assert [(p.path, p.line, p.message, p.section, p.record_id) for p in found] == [
        (extra, 6, f"duplicate id (first defined at {extra}:3)", "people", "tofiq-hasanov"),
        (os.path.relpath(base_copy / "people.yaml"), 9,
         f"duplicate id (first defined at {extra}:3)", "people", "tofiq-hasanov")]


# --- what the files no longer hold: kept, or removed with prune ---------------------------

# cases.yaml and events.yaml hold these records, listed in the order of the tables
# (an offence before a case, a case before its charges...), each table's ids sorted
GONE = [("offences", "hooliganism"), ("cases", "mammadova-case"),
        ("charges", "mammadova-hooliganism"), ("sentences", "mammadova-sentence"),
        ("events", "hasanov-detention"), ("events", "sampleton-protest-detentions")]


def test_records_no_longer_in_the_files_are_kept_and_listed_in_table_order(
        engine, migrated_db, base_copy) -> None:
    load_paths(engine, [base_copy])
    before = digest(migrated_db.url)
    (base_copy / "cases.yaml").unlink()
    (base_copy / "events.yaml").unlink()
    report = load_paths(engine, [base_copy])
    assert report.removed == {} and report.unchanged
    assert list(report.kept) == [SOURCE]
    assert (report.kept[SOURCE].count, report.kept[SOURCE].records) == (6, GONE)
    assert digest(migrated_db.url) == before


def test_prune_removes_records_their_parts_and_their_search_documents(engine,
                                                                      base_copy) -> None:
    load_paths(engine, [base_copy])
    (base_copy / "cases.yaml").unlink()
    (base_copy / "events.yaml").unlink()
    report = load_paths(engine, [base_copy], prune=True)
    assert report.kept == {}
    assert (report.removed[SOURCE].count, report.removed[SOURCE].records) == (6, GONE)
    assert changes(report) == {
        "offences": (0, 0, 1), "cases": (0, 0, 1), "case_defendants": (0, 0, 1),
        "charges": (0, 0, 1), "sentences": (0, 0, 1), "events": (0, 0, 2),
        "event_participants": (0, 0, 3), "event_counts": (0, 0, 1)}
    for table in ("offences", "cases", "case_defendants", "charges", "sentences", "events",
                  "event_participants", "event_counts"):
        assert rows(engine, f"SELECT count(*) FROM {table}") == [(0,)], table
    assert rows(engine, "SELECT kind, record_id FROM search_entries ORDER BY kind, record_id") == [
        ("membership", "mammadova-edp"), ("organization", "example-democratic-party"),
        ("organization", "sampleton-district-court"), ("person", "aynur-mammadova"),
        ("person", "tofiq-hasanov")]
    assert load_paths(engine, [base_copy], prune=True).unchanged


def test_a_kept_count_is_exact_and_the_list_stops_at_1000(engine, base_copy, tmp_path) -> None:
    bulk = tmp_path / "bulk"
    bulk.mkdir()
    (bulk / "offences.jsonl").write_text("".join(OFFENCE_LINE % n for n in range(1001)),
                                         encoding="utf-8")
    load_paths(engine, [base_copy, bulk])
    report = load_paths(engine, [base_copy])
    assert report.kept[SOURCE].count == 1001
    assert report.kept[SOURCE].records == [("offences", f"offence-{n:04d}")
                                           for n in range(1000)]


# --- planner statistics after a large load ---------------------------------------------------

BASE_ROWS = 24  # rows of every table that _base's 12 records make (see test_a_first_load...)


@pytest.mark.parametrize("offences", [writer.STATISTICS_AFTER - BASE_ROWS - 1,
                                      writer.STATISTICS_AFTER - BASE_ROWS])
def test_statistics_are_renewed_on_postgresql_from_10000_changed_rows(engine, base_copy,
                                                                      offences: int) -> None:
    """PostgreSQL plans a freshly loaded table as tiny until ANALYZE; SQLite plans from its
    indexes alone, so it is never analysed (no sqlite_stat1 table)."""
    (base_copy / "bulk.jsonl").write_text(
        "".join(OFFENCE_LINE % n for n in range(offences)),
        encoding="utf-8")
    report = load_paths(engine, [base_copy])
    assert sum(c.added for c in report.tables.values()) == BASE_ROWS + offences
    if engine.dialect.name == "sqlite":
        assert rows(engine, "SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'") == []
    else:
        analysed = rows(engine, "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables "
                        "WHERE relname = 'offences' AND schemaname = current_schema()")
        assert analysed == [(BASE_ROWS + offences >= 10_000,)]


def test_a_large_load_analyses_only_its_own_tables(engine, base_copy) -> None:
    """PostgreSQL: the statistics renewed are those of the tables the load wrote, not of
    every table on the server (another schema's, here, with autovacuum off so that only
    an ANALYZE could give it statistics)."""
    import uuid

    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite is never analysed")
    other = f"other_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {other}")
        conn.exec_driver_sql(f"CREATE TABLE {other}.t (n int) WITH (autovacuum_enabled = false)")
        conn.exec_driver_sql(f"INSERT INTO {other}.t SELECT generate_series(1, 1000)")
    try:
        (base_copy / "bulk.jsonl").write_text(
            "".join(OFFENCE_LINE % n for n in range(writer.STATISTICS_AFTER)), encoding="utf-8")
        load_paths(engine, [base_copy])
        analysed = rows(engine, "SELECT relname, last_analyze IS NOT NULL FROM "
                        "pg_stat_user_tables WHERE schemaname IN (current_schema(), "
                        f"'{other}') AND relname IN ('offences', 't') ORDER BY relname")
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {other} CASCADE")
    assert analysed == [("offences", True), ("t", False)]


def test_changed_and_removed_rows_count_towards_renewing_statistics(engine, base_copy) -> None:
    """10,000 rows changed, then 10,000 removed: each load is large enough on its own."""
    bulk = base_copy / "bulk.jsonl"
    bulk.write_text("".join(OFFENCE_LINE % n for n in range(10_000)), encoding="utf-8")
    analyses: list[int] = []

    def load(**options: bool) -> dict[str, tuple[int, int, int]]:
        report = load_paths(engine, [base_copy], **options)
        if engine.dialect.name == "sqlite":
            assert rows(engine, "SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'"
                        ) == []
        else:
            analyses.extend(n for n, in rows(
                engine, "SELECT analyze_count FROM pg_stat_user_tables "
                "WHERE relname = 'offences' AND schemaname = current_schema()"))
        return changes(report)

    load()
    bulk.write_text(bulk.read_text(encoding="utf-8").replace('"name": "Hooliganism"',
                                                            '"name": "Petty hooliganism"'),
                    encoding="utf-8")
    assert load() == {"offences": (0, 10_000, 0)}
    bulk.unlink()
    assert load(prune=True) == {"offences": (0, 0, 10_000)}
    # PostgreSQL: analysed after every load (SQLite: never, checked after each load above)
    assert analyses == ([] if engine.dialect.name == "sqlite" else [1, 2, 3])


# --- VACUUM after a large load on PostgreSQL ------------------------------------------------

def _all_visible(engine, table: str) -> tuple[bool, bool]:
    """(has pages, every page marked all-visible): what VACUUM leaves, and what lets a
    count be answered from an index alone."""
    found = rows(engine, "SELECT pg_relation_size(oid) > 0, relallvisible = "
                 "pg_relation_size(oid) / current_setting('block_size')::int FROM pg_class "
                 f"WHERE relname = '{table}' AND relnamespace = current_schema()::regnamespace")
    return found[0]


@pytest.mark.parametrize("offences", [writer.STATISTICS_AFTER - BASE_ROWS - 1,
                                      writer.STATISTICS_AFTER - BASE_ROWS])
def test_a_large_load_on_postgresql_is_vacuumed_after_its_commit(engine, base_copy,
                                                                 offences: int) -> None:
    """From 10,000 changed rows: the tables written, the dated ones and the search
    documents have every page all-visible (no dead row left by the derived dates); a
    smaller load leaves that to autovacuum. SQLite has no VACUUM to do."""
    (base_copy / "bulk.jsonl").write_text("".join(OFFENCE_LINE % n for n in range(offences)),
                                          encoding="utf-8")
    report = load_paths(engine, [base_copy])
    assert report.notes == []
    if engine.dialect.name == "sqlite":
        return
    large = BASE_ROWS + offences >= writer.STATISTICS_AFTER
    for table in ("offences", "events", "search_entries"):
        assert _all_visible(engine, table) == (True, large), table


@pytest.mark.parametrize(("failure", "said"), [
    ("ctrl-c", "the load is committed; the VACUUM after it was interrupted"),
    ("error", 'the load is committed; the VACUUM after it failed: relation "no_such_table" '
              "does not exist"),
])
def test_a_vacuum_interrupted_or_failing_leaves_the_load_committed_and_says_so(
        engine, migrated_db, base_copy, monkeypatch, run, failure: str, said: str) -> None:
    """Ctrl-C during the VACUUM, or a VACUUM the server refuses (here: of a table that
    does not exist): the load stands, exit 0, and stderr says what was not done."""
    from sqlalchemy.engine import Connection

    if engine.dialect.name == "sqlite":
        pytest.skip("only PostgreSQL is vacuumed after a load")
    (base_copy / "bulk.jsonl").write_text(
        "".join(OFFENCE_LINE % n for n in range(writer.STATISTICS_AFTER)), encoding="utf-8")
    execute = Connection.exec_driver_sql

    def failing_vacuum(self, statement, *args, **kwargs):
        if statement.startswith("VACUUM"):
            if failure == "ctrl-c":
                raise KeyboardInterrupt
            statement = "VACUUM no_such_table"
        return execute(self, statement, *args, **kwargs)

    monkeypatch.setattr(Connection, "exec_driver_sql", failing_vacuum)
    result = run(migrated_db.url, "load", str(base_copy))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == said
    assert rows(engine, "SELECT count(*) FROM offences") == [(writer.STATISTICS_AFTER + 1,)]
