"""The loader's own logic, function by function: what mutation testing found unchecked.

Each test states behaviour the module docstrings, README or docs/data-format.md
promise (what a load reads and in which order, how problems are named and sorted,
what the report says), with expected values worked out from the small invented data
set in tests/malformed/_base (one source, 12 records) rather than copied from a run.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from incidentdb.loader import LoadError, LoadReport, load_paths, validate_paths
from incidentdb.reading import Problem
from incidentdb.writer import TableChange

from .conftest import DATA

BASE = Path(__file__).resolve().parent / "malformed" / "_base"
SOURCE = "examplestan-2021"
# what _base holds, counted by hand from its five files
BASE_ROWS = {
    "sources": 1, "offences": 1, "people": 2, "person_names": 3, "person_occupations": 2,
    "organizations": 2, "organization_names": 2,
    "memberships": 1, "cases": 1, "case_defendants": 1, "charges": 1,
    "sentences": 1, "events": 2, "event_participants": 3, "event_counts": 1,
}
BASE_RECORDS = 12  # the source, an offence, 2 people, 2 organizations, a membership, a case,
# a charge, a sentence, 2 events


def problems_of(engine, paths: list[Path], **options: bool) -> list[Problem]:
    with pytest.raises(LoadError) as caught:
        load_paths(engine, paths, **options)
    return caught.value.problems


# --- what a load reads, and what it reports --------------------------------------------


def test_load_error_says_how_many_problems() -> None:
    problem = Problem("a.yaml", 1, "bad")
    assert str(LoadError([problem, problem])) == "2 problem(s)"
    assert LoadError([problem]).problems == [problem]


@pytest.mark.parametrize("change", [TableChange(1, 0, 0), TableChange(0, 1, 0),
                                    TableChange(0, 0, 1)])
def test_any_added_changed_or_removed_row_is_a_change(change: TableChange) -> None:
    still = {"people": TableChange(), "events": TableChange()}
    assert LoadReport(1, 1, still).unchanged
    assert not LoadReport(1, 1, {**still, "events": change}).unchanged


def test_validate_paths_gives_every_row_of_every_record() -> None:
    found = validate_paths([BASE])
    assert found.problems == []
    assert (found.files, found.records) == (5, BASE_RECORDS)
    assert {table: len(rows) for table, rows in found.rows.items()} == BASE_ROWS
    assert sorted(row["id"] for row in found.rows["people"]) == [
        "aynur-mammadova", "tofiq-hasanov"]
    assert sorted(row["name"] for row in found.rows["person_names"]) == [
        "Aynur Mammadova", "Mammadova", "Tofiq Hasanov"]


def test_without_paths_a_load_reads_the_bundled_data(engine) -> None:
    bundled = load_paths(engine, dry_run=True)
    named = load_paths(engine, [DATA], dry_run=True)
    assert bundled.files == 12 and bundled.records == named.records > 200
    assert bundled == named


OFFENCE_LINE = ('{"table": "offences", "source": "examplestan-2021", "id": "offence-%05d", '
                '"name": "Hooliganism", "excerpt": "hooliganism"}\n')


def test_progress_is_told_every_5000_records_in_bytes_then_each_phase(engine, base_copy) -> None:
    """The bar counts bytes: every YAML file is read before the first JSON Lines record,
    and a JSON Lines file read to its end counts whole."""
    (base_copy / "bulk-1.jsonl").write_text("".join(OFFENCE_LINE % n for n in range(3000)),
                                            encoding="utf-8")
    (base_copy / "bulk-2.jsonl").write_text(
        "".join(OFFENCE_LINE % n for n in range(3000, 5000)), encoding="utf-8")
    yaml_bytes = sum(p.stat().st_size for p in base_copy.rglob("*.yaml"))
    width = len(OFFENCE_LINE % 0)
    told: list[tuple[str, int, int]] = []
    report = load_paths(engine, [base_copy], dry_run=True,
                        progress=lambda *step: told.append(step))
    assert report.records == BASE_RECORDS + 5000
    # record 5000 is bulk-2's line 1988: the 12 YAML records and bulk-1's 3000 come first
    total = yaml_bytes + 5000 * width
    assert told == [("reading", yaml_bytes + (3000 + 1988) * width, total, "5,000 records"),
                    ("reading", total, total, f"{BASE_RECORDS + 5000:,} records"),
                    # then the phases that cannot be measured, each named (a dry run
                    # does not update the statistics: no "indexing")
                    ("checking", 0, 0, "ids and references"),
                    ("dating", 0, 0, "bounds from dates and relations")]
    assert validate_paths([base_copy]).records == BASE_RECORDS + 5000  # and no progress: fine


def test_sources_of_json_lines_files_are_known_before_any_yaml_record(engine, base_copy,
                                                                     tmp_path) -> None:
    """A YAML file may cite a source that only a JSON Lines file declares, and the other
    way round: every source is read before any other record."""
    source = {
        "table": "sources", "id": "second-report", "title": "A second report",
        "publisher": "incidentdb tests", "published": "2022-01-10", "events_year": 2021,
        "text": "sources/report.txt",
        "sha256": "a7a736d1baccc8e9cc60e80ce2bf2601721f78bf2379a29addadf775bf245ad2"}
    (base_copy / "a-second.jsonl").write_text(json.dumps(source) + "\n" + json.dumps({
        "table": "offences", "source": SOURCE, "id": "unrest", "name": "Unrest",
        "excerpt": "hooliganism"}) + "\n", encoding="utf-8")
    (base_copy / "a-first.yaml").write_text(
        "source: second-report\noffences:\n  - id: vandalism\n    name: Vandalism\n"
        "    excerpt: hooliganism\n", encoding="utf-8")
    report = load_paths(engine, [base_copy])
    assert (report.files, report.records) == (7, BASE_RECORDS + 3)
    assert report.tables["sources"].added == 2
    assert report.tables["offences"].added == 3
    with engine.connect() as conn:
        from sqlalchemy import text

        owners = dict(conn.execute(text("SELECT id, source_id FROM offences")).all())
    assert owners == {"hooliganism": SOURCE, "unrest": SOURCE, "vandalism": "second-report"}


def test_a_folder_without_data_files_is_one_problem(engine, tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    expected = [Problem("(no path)", None, "no data files found")]
    assert validate_paths([tmp_path / "empty"]).problems == expected
    assert problems_of(engine, [tmp_path / "empty"]) == expected


def test_a_missing_path_is_its_only_problem(engine, tmp_path) -> None:
    missing = tmp_path / "nowhere"
    assert problems_of(engine, [missing]) == [
        Problem(str(missing), None, "no such file or folder")]


def test_problems_name_files_relative_to_the_current_folder(engine, base_copy, tmp_path,
                                                             monkeypatch) -> None:
    (base_copy / "extra.yaml").write_text(
        "source: examplestan-2021\npeople:\n  - id: tofiq-hasanov\n    name: Tofiq Hasanov\n"
        "    excerpt: Journalist Tofiq Hasanov\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert problems_of(engine, [base_copy]) == [Problem(
        os.path.join("data", "people.yaml"), 9,
        f"duplicate id (first defined at {os.path.join('data', 'extra.yaml')}:3)",
        "people", "tofiq-hasanov")]


def test_the_report_says_whether_it_was_a_dry_run_and_a_prune(engine) -> None:
    report = load_paths(engine, [BASE], dry_run=True, prune=True)
    assert (report.files, report.records, report.dry_run, report.prune) == (
        5, BASE_RECORDS, True, True)
    assert (report.kept, report.removed, report.unread) == ({}, {}, [])
    report = load_paths(engine, [BASE])
    assert (report.dry_run, report.prune) == (False, False)


def test_a_refused_record_is_not_reported_again_but_later_references_are(engine,
                                                                         base_copy) -> None:
    people = base_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "occupations: [party-member]", "occupations: [deputy-chairman]"), encoding="utf-8")
    (base_copy / "extra.yaml").write_text(
        f"source: {SOURCE}\nevents:\n  - id: hasanov-held\n    kind: detention\n"
        "    title: Tofiq Hasanov held\n    excerpt: held for several days\n"
        "    participants:\n      - person: rauf-aliyev\n        role: victim\n",
        encoding="utf-8")
    found = problems_of(engine, [base_copy])
    assert [(p.path, p.line, p.section, p.record_id) for p in found] == [
        (os.path.relpath(base_copy / "extra.yaml"), 8, "events", "hasanov-held"),
        (os.path.relpath(people), 3, "people", "aynur-mammadova")]
    assert found[0].message == "person 'rauf-aliyev' does not exist"
    assert found[1].message.startswith("occupations item 'deputy-chairman' is not one of: ")


def test_an_unreadable_file_hides_the_references_it_may_hold(engine, base_copy) -> None:
    """People.yaml cannot be read: the records naming its people are not reported."""
    people = base_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "aliases: [Mammadova]", "aliases: [Mammadova"), encoding="utf-8")
    found = problems_of(engine, [base_copy])
    # line 6: where the parser finds the list unclosed
    assert [(p.path, p.line) for p in found] == [(os.path.relpath(people), 6)]
    assert found[0].message.startswith("YAML syntax error: ")


def test_pruning_a_record_another_source_names_is_refused_at_commit(engine, migrated_db,
                                                                    base_copy, tmp_path) -> None:
    """The other source is not loaded, so only the database's foreign keys can see it."""
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy2(BASE / "sources" / "report.txt", other / "report.txt")
    (other / "source.yaml").write_text(
        "sources:\n  - id: addendum\n    title: An addendum\n    publisher: incidentdb tests\n"
        "    published: 2022-02-01\n    events_year: 2021\n    text: report.txt\n"
        "    sha256: a7a736d1baccc8e9cc60e80ce2bf2601721f78bf2379a29addadf775bf245ad2\n",
        encoding="utf-8")
    (other / "events.yaml").write_text(
        "source: addendum\n"
        "events:\n  - id: hasanov-held\n    kind: detention\n    title: Tofiq Hasanov held\n"
        "    excerpt: held for several days\n    participants:\n"
        "      - person: tofiq-hasanov\n        role: victim\n", encoding="utf-8")
    load_paths(engine, [base_copy, other])
    from .test_loader import digest

    before = digest(migrated_db.url)
    (base_copy / "events.yaml").unlink()
    people = base_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").split("\n  - id: tofiq-hasanov")[0]
                      + "\n", encoding="utf-8")
    found = problems_of(engine, [base_copy], prune=True)
    assert [(p.path, p.line, p.section, p.record_id) for p in found] == [
        ("(database)", None, None, None)]
    assert found[0].message.startswith(
        "a removed record is still referred to by another source: ")
    assert digest(migrated_db.url) == before


def test_a_load_begins_as_a_writer_and_gives_up_after_the_lock_bound(
        engine, migrated_db, monkeypatch) -> None:
    """Another writer holds the lock: the load waits, then says so, and writes nothing."""
    from incidentdb.db import WRITER, DatabaseError, locked_message, make_engine

    monkeypatch.setenv("INCIDENTDB_LOCK_TIMEOUT", "0.3")
    waiting = make_engine(migrated_db.url)  # reads the bound when made
    holder = engine.connect().execution_options(**{WRITER: True})
    holder.begin()
    try:
        with pytest.raises(DatabaseError) as caught:
            load_paths(waiting, [BASE])
    finally:
        holder.rollback()
        holder.close()
        waiting.dispose()
    assert str(caught.value) == locked_message(0.3)
    with engine.connect() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SELECT count(*) FROM sources")).scalar_one() == 0
