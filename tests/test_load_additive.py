"""A load adds and updates; it removes only when asked (--prune), and only within its sources.

Also: which files a load reads (extensions in any case, each file once, a warning for
every file of a folder it does not read) and which YAML scalars it takes as numbers
(plain decimals only: YAML 1.1's octal, hex, base 60 and yes/no stay the text written).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from incidentdb import reading
from incidentdb.db import make_engine
from incidentdb.loader import LoadError, load_paths
from incidentdb.models import Base, curated
from incidentdb.reading import find_data_files

from .conftest import DATA
from .test_loader import digest

BASE = Path(__file__).resolve().parent / "malformed" / "_base"
HRW = "hrw-wr2022-azerbaijan"
BASE_SOURCE = "examplestan-2021"
# the tables whose rows are records (the others hold parts of a record: names, participants)
RECORD_TABLES = ("offences", "people", "organizations", "memberships", "instruments", "cases",
                 "charges", "sentences", "events", "omissions")
ADDED_EVENT = """\
source: examplestan-2021
events:
  - id: hasanov-trial-reported
    kind: statement
    title: Hasanov reports on the trial
    excerpt: who reported on the trial
    participants:
      - person: tofiq-hasanov
        role: speaker
"""


def records_of(url: str, source: str) -> int:
    """How many records (not parts of records) of a source the database holds."""
    engine = make_engine(url)
    with engine.connect() as conn:
        total = sum(conn.execute(select(func.count()).select_from(Base.metadata.tables[t])
                                 .where(Base.metadata.tables[t].c.source_id == source)
                                 ).scalar_one() for t in RECORD_TABLES)
    engine.dispose()
    return total


def ids(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = set(conn.execute(text(f"SELECT id FROM {table}")).scalars())
    engine.dispose()
    return found


def assert_clean_exit(result, code: int = 0) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    assert result.exit_code == code, result.output


# --- 1. a load adds and updates; it never deletes unless asked ---------------------------


def test_one_file_and_the_sources_folder_keep_the_rest_of_the_source(migrated_db, run):
    """`incidentdb load my/extra.yaml my/sources/` removed the source's other records."""
    assert_clean_exit(run(migrated_db.url, "load", str(DATA)))
    before = digest(migrated_db.url)
    total = records_of(migrated_db.url, HRW)
    people = len(ids(migrated_db.url, "people"))
    result = run(migrated_db.url, "load", str(DATA / "people.yaml"), str(DATA / "sources"))
    assert_clean_exit(result)
    assert "people: 0 added, 0 changed, 0 removed" in result.stdout
    assert "events: 0 added, 0 changed, 0 removed" in result.stdout
    assert result.stderr.splitlines() == [
        f"{total - people} records of source '{HRW}' are not in these files and were kept; "
        "--prune removes them"]
    assert digest(migrated_db.url) == before


def test_the_sources_folder_alone_removes_nothing(migrated_db, run):
    """`incidentdb load data/sources` removed every record of the report."""
    assert_clean_exit(run(migrated_db.url, "load", str(DATA)))
    before = digest(migrated_db.url)
    total = records_of(migrated_db.url, HRW)
    result = run(migrated_db.url, "load", str(DATA / "sources"))
    assert_clean_exit(result)
    assert f"{total} records of source '{HRW}' are not in these files and were kept" in (
        result.stderr)
    assert digest(migrated_db.url) == before


def test_reloading_the_bundled_data_changes_nothing_and_keeps_nothing(engine, migrated_db, run):
    load_paths(engine, [DATA])
    result = run(migrated_db.url, "load", str(DATA))
    assert_clean_exit(result)
    tables = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(tables) == len(curated()) and all(line.endswith(": 0 added, 0 changed, 0 removed")
                                     for line in tables), result.stdout
    assert result.stderr == ""  # no "kept" line, no warning about an unread file
    report = load_paths(engine, [DATA], prune=True)
    assert report.unchanged and report.kept == {} and report.removed == {}


def test_a_removed_file_is_kept_and_reported_then_pruned_on_request(engine, migrated_db,
                                                                   base_copy, run):
    load_paths(engine, [base_copy])
    (base_copy / "events.yaml").unlink()
    gone = {"sampleton-protest-detentions", "hasanov-detention"}
    before = digest(migrated_db.url)

    report = load_paths(engine, [base_copy])
    assert report.tables["events"].removed == 0 and report.removed == {}
    assert report.kept[BASE_SOURCE].count == 2
    assert report.kept[BASE_SOURCE].records == [("events", e) for e in sorted(gone)]
    assert digest(migrated_db.url) == before

    dry = run(migrated_db.url, "load", "--dry-run", "--prune", str(base_copy))
    assert_clean_exit(dry)
    assert [line for line in dry.stdout.splitlines() if line.startswith("would")] == [
        f"would remove event {e!r} (source '{BASE_SOURCE}')" for e in sorted(gone)]
    assert "events: 0 added, 0 changed, 2 removed" in dry.stdout
    assert "kept" not in dry.stderr
    assert digest(migrated_db.url) == before

    pruned = run(migrated_db.url, "load", "--prune", str(base_copy))
    assert_clean_exit(pruned)
    assert [line for line in pruned.stdout.splitlines() if line.startswith("removed")] == [
        f"removed event {e!r} (source '{BASE_SOURCE}')" for e in sorted(gone)]
    assert ids(migrated_db.url, "events") == set()
    assert ids(migrated_db.url, "event_participants") == set()
    assert ids(migrated_db.url, "people") == {"aynur-mammadova", "tofiq-hasanov"}


def test_a_dry_run_without_prune_says_what_would_be_kept(engine, migrated_db, base_copy, run):
    load_paths(engine, [base_copy])
    (base_copy / "events.yaml").unlink()
    result = run(migrated_db.url, "load", "--dry-run", str(base_copy))
    assert_clean_exit(result)
    assert result.stderr.splitlines() == [
        f"2 records of source '{BASE_SOURCE}' are not in these files and would be kept; "
        "--prune removes them"]


def test_one_kept_record_is_said_in_the_singular(engine, migrated_db, base_copy, run):
    load_paths(engine, [base_copy])
    (base_copy / "events.yaml").write_text(
        (BASE / "events.yaml").read_text(encoding="utf-8").split("\n  - id: hasanov-detention")[0]
        + "\n", encoding="utf-8")
    result = run(migrated_db.url, "load", str(base_copy))
    assert_clean_exit(result)
    assert result.stderr.splitlines() == [
        f"1 record of source '{BASE_SOURCE}' is not in these files and was kept; "
        "--prune removes it"]


def test_the_parts_of_a_record_in_the_files_follow_the_files(engine, migrated_db, base_copy):
    """Without --prune, a dropped alias still goes: the person's record is in the files."""
    load_paths(engine, [base_copy])
    people = base_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "    aliases: [Mammadova]\n", ""), encoding="utf-8")
    report = load_paths(engine, [base_copy])
    assert report.tables["person_names"].removed == 1
    assert report.kept == {}
    engine2 = make_engine(migrated_db.url)
    with engine2.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM person_names WHERE person_id = "
                                      "'aynur-mammadova'")).scalars())
    engine2.dispose()
    assert names == {"Aynur Mammadova"}


def test_a_load_never_removes_another_sources_records_even_with_prune(engine, migrated_db,
                                                                     base_copy):
    # the base data's offence id is the report's too: its charge names the report's instead
    cases = base_copy / "cases.yaml"
    offence = "offences:\n  - id: hooliganism\n    name: Hooliganism\n    excerpt: hooliganism\n"
    cases.write_text(cases.read_text(encoding="utf-8").replace(offence, ""), encoding="utf-8")
    load_paths(engine, [DATA])
    load_paths(engine, [base_copy])
    hrw, base = records_of(migrated_db.url, HRW), records_of(migrated_db.url, BASE_SOURCE)
    assert hrw > 200 and base == 10
    before = digest(migrated_db.url)
    for data in (base_copy, DATA):
        report = load_paths(engine, [data], prune=True)
        assert report.unchanged and report.removed == {}
    assert (records_of(migrated_db.url, HRW), records_of(migrated_db.url, BASE_SOURCE)) == (
        hrw, base)
    assert digest(migrated_db.url) == before


def test_a_reference_to_a_kept_record_is_valid_unless_pruned(engine, migrated_db, tmp_path,
                                                             run):
    load_paths(engine, [BASE])
    extra = tmp_path / "extra"
    shutil.copytree(BASE / "sources", extra / "sources")
    (extra / "statement.yaml").write_text(ADDED_EVENT, encoding="utf-8")

    with pytest.raises(LoadError) as caught:
        load_paths(engine, [extra], prune=True)
    assert [p.message for p in caught.value.problems] == ["person 'tofiq-hasanov' does not exist"]

    result = run(migrated_db.url, "load", str(extra))
    assert_clean_exit(result)
    assert "events: 1 added, 0 changed, 0 removed" in result.stdout
    assert ids(migrated_db.url, "people") == {"aynur-mammadova", "tofiq-hasanov"}


# --- 2. which files a load reads --------------------------------------------------------


def test_data_files_are_found_by_extension_in_any_case(engine, migrated_db, base_copy, run):
    """A file renamed `events.YAML` was skipped in a folder and its records deleted."""
    load_paths(engine, [base_copy])
    before = digest(migrated_db.url)
    (base_copy / "events.yaml").rename(base_copy / "events.YAML")
    (base_copy / "people.yaml").rename(base_copy / "people.Yml")
    result = run(migrated_db.url, "load", str(base_copy))
    assert_clean_exit(result)
    assert "events: 0 added, 0 changed, 0 removed" in result.stdout
    assert result.stderr == ""  # both read: nothing kept, nothing unread
    assert digest(migrated_db.url) == before


def test_json_lines_are_read_as_such_whatever_the_case_of_the_extension(engine, migrated_db,
                                                                       base_copy, tmp_path):
    load_paths(engine, [base_copy])
    bulk = tmp_path / "bulk"
    bulk.mkdir()
    line = ('{"table": "offences", "source": "examplestan-2021", "id": "vandalism", '
            '"name": "Vandalism", "excerpt": "hooliganism"}\n')
    (bulk / "offences.JSONL").write_text(line, encoding="utf-8")
    (bulk / "more.NDJSON").write_text(line.replace("vandalism", "arson"), encoding="utf-8")
    report = load_paths(engine, [base_copy / "sources", bulk / "offences.JSONL", bulk])
    assert report.files == 3 and report.tables["offences"].added == 2
    assert {"vandalism", "arson"} <= ids(migrated_db.url, "offences")


def test_a_folder_names_every_file_it_does_not_read(engine, migrated_db, base_copy, run):
    load_paths(engine, [base_copy])
    (base_copy / "notes.txt").write_text("curators' notes\n", encoding="utf-8")
    (base_copy / ".hidden.yaml").write_text("source: nowhere\n", encoding="utf-8")
    (base_copy / ".git").mkdir()
    (base_copy / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    result = run(migrated_db.url, "load", str(base_copy))
    assert_clean_exit(result)
    shown = os.path.relpath(base_copy)
    assert result.stderr.splitlines() == [
        f"Warning: {shown}/.git is a hidden folder and was not read",
        f"Warning: {shown}/.hidden.yaml is a hidden file and was not read",
        f"Warning: {shown}/notes.txt is not a data file and was not read",
    ]  # and not sources/report.txt: the source record reads it


def test_the_bundled_data_folder_gives_no_warning():
    found = find_data_files([DATA])
    texts = {p.name for p, _ in found.others}
    assert texts == {f"{HRW}.txt"}  # read through its source record, so not warned about
    assert len(found.files) == len({p.resolve() for p in found.files}) == 12


def test_a_file_named_directly_must_be_a_data_file(migrated_db, base_copy, run):
    notes = base_copy / "notes.txt"
    notes.write_text("source: examplestan-2021\n", encoding="utf-8")
    result = run(migrated_db.url, "load", str(base_copy), str(notes))
    assert_clean_exit(result, 1)
    assert result.stderr.splitlines() == [
        f"{notes}: not a data file (a data file's name ends in .yaml, .yml, .jsonl or .ndjson)",
        "1 problem(s); nothing was loaded."]
    assert ids(migrated_db.url, "people") == set()


def test_the_same_file_given_twice_is_read_once(engine, migrated_db, base_copy, run):
    people = base_copy / "people.yaml"
    result = run(migrated_db.url, "load", str(people), str(base_copy), str(people),
                 str(base_copy / "." / "people.yaml"))
    assert_clean_exit(result)
    assert result.stdout.startswith("5 file(s), 12 record(s) loaded:")
    assert ids(migrated_db.url, "people") == {"aynur-mammadova", "tofiq-hasanov"}


# --- 3. YAML 1.1 number and boolean forms keep their text --------------------------------

VERBATIM = ["1:30", "0x18", "yes", "012", "No", "on", "1_000", "0o17", "1.5", "+12", ".inf", "="]


def test_yaml_1_1_forms_in_a_text_field_are_stored_as_written(engine, migrated_db, base_copy):
    people = ["source: examplestan-2021", "people:"]
    for number, value in enumerate(VERBATIM):
        people += [f"  - id: verbatim-{number}", f"    name: Person {number}",
                   f"    description: {value}", "    excerpt: Journalist Tofiq Hasanov"]
    (base_copy / "verbatim.yaml").write_text("\n".join(people) + "\n", encoding="utf-8")
    load_paths(engine, [base_copy])
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT id, description FROM people "
                                        "WHERE id LIKE 'verbatim-%'")).all())
    assert stored == {f"verbatim-{n}": value for n, value in enumerate(VERBATIM)}


def test_plain_decimals_true_false_and_dates_are_still_read(base_copy):
    from incidentdb.reading import read_yaml

    path = base_copy / "forms.yaml"
    path.write_text("things:\n  - {a: 12, b: -3, c: 0, d: true, e: False, f: ~, g: null,\n"
                    "     h: 2021-03-08, i: '012'}\n", encoding="utf-8")
    records, problems = read_yaml(path, "forms.yaml")
    assert problems == []
    from datetime import date

    assert records[0].data == {"a": 12, "b": -3, "c": 0, "d": True, "e": False, "f": None,
                               "g": None, "h": date(2021, 3, 8), "i": "012"}


# --- 5. the YAML size cap ----------------------------------------------------------------


def test_the_yaml_cap_is_documented():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"YAML up to {reading.MAX_YAML_BYTES // (1024 * 1024)} MiB" in readme


def test_a_failed_load_still_names_the_files_it_did_not_read(engine, migrated_db, base_copy,
                                                            run):
    # the records that seem to be missing may be in the file that was skipped
    (base_copy / ".cases.yaml").write_text("source: examplestan-2021\n", encoding="utf-8")
    (base_copy / "broken.yaml").write_text("people: [unclosed\n", encoding="utf-8")
    result = run(migrated_db.url, "load", str(base_copy))
    assert_clean_exit(result, 1)
    shown = os.path.relpath(base_copy)
    lines = result.stderr.splitlines()
    assert lines[0] == f"Warning: {shown}/.cases.yaml is a hidden file and was not read"
    assert lines[1].startswith(f"{shown}/broken.yaml:")
    assert lines[-1] == "1 problem(s); nothing was loaded."
