"""The loader: validates everything first, writes in one transaction, idempotent."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from incidentdb.db import make_engine
from incidentdb.loader import LoadError, load_paths
from incidentdb.models import Base

from .conftest import DATA

BASE = Path(__file__).resolve().parent / "malformed" / "_base"  # another source's data


def digest(url: str) -> str:
    """One hash of every row of every table: equal digests mean an unchanged database."""
    engine = make_engine(url)
    h = hashlib.sha256()
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            for row in conn.execute(select(table).order_by(*order)):
                h.update(repr(tuple(row)).encode())
    engine.dispose()
    return h.hexdigest()


def replace_in(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert old in content, f"{old!r} not in {path}"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def test_second_load_changes_nothing(engine, migrated_db):
    first = load_paths(engine, [DATA])
    assert first.tables["people"].added >= 26
    before = digest(migrated_db.url)
    second = load_paths(engine, [DATA])
    assert second.unchanged
    assert all(str(c) == "0 added, 0 changed, 0 removed" for c in second.tables.values())
    assert digest(migrated_db.url) == before


def test_cli_reports_zero_changes_on_reload(migrated_db, run):
    assert run(migrated_db.url, "load", str(DATA)).exit_code == 0
    result = run(migrated_db.url, "load", str(DATA))
    assert result.exit_code == 0
    assert "people: 0 added, 0 changed, 0 removed" in result.output
    assert "added" in result.output and " 1 added" not in result.output


# The report's counts (README): people, organizations, cases, charges, sentences, events,
# counts of unnamed people; and the one source.
# The order a load reports its tables in, and the tables of nested rows (a person's
# names, an event's participants), which are not records of their own.
TABLE_ORDER = (
    "sources", "offences", "people", "person_names", "person_occupations",
    "person_relations", "organizations", "organization_names", "memberships",
    "membership_chronology", "instruments", "instrument_names", "cases", "case_defendants",
    "charges", "charge_chronology", "sentences", "sentence_chronology", "events",
    "event_participants", "event_counts", "event_chronology", "event_instruments", "omissions",
    "evidence",
)
OWNER = {"person_names", "person_occupations", "person_relations", "organization_names",
         "case_defendants", "event_participants", "event_counts", "membership_chronology",
         "charge_chronology", "sentence_chronology", "event_chronology",
         "instrument_names", "event_instruments"}
REPORT_COUNTS = {"sources": 1, "people": 26, "organizations": 33, "cases": 18, "charges": 37,
                 "sentences": 24, "events": 113, "event_counts": 27}


def test_dry_run_writes_nothing(engine, migrated_db, loaded_engine, run):
    before = digest(migrated_db.url)
    result = run(migrated_db.url, "load", "--dry-run", str(DATA))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0, result.output
    # every table would be added whole: as many rows as the same files loaded elsewhere hold
    with loaded_engine.connect() as conn:
        rows = {table: conn.execute(select(func.count()).select_from(Base.metadata.tables[
            table])).scalar_one() for table in TABLE_ORDER}
    assert REPORT_COUNTS.items() <= rows.items()
    files = [path for path in DATA.rglob("*.yaml")]
    records = sum(rows[table] for table in TABLE_ORDER if table not in OWNER)
    assert result.stdout.splitlines() == [
        f"{len(files)} file(s), {records} record(s) would change:",
        *(f"  {table}: {rows[table]} added, 0 changed, 0 removed" for table in TABLE_ORDER),
        "Dry run: nothing was written.",
    ]
    assert "  people: 26 added, 0 changed, 0 removed" in result.stdout.splitlines()
    assert result.stderr == ""
    assert digest(migrated_db.url) == before


def test_edit_and_pruned_removal_reach_the_database(engine, data_copy):
    load_paths(engine, [data_copy])
    people = data_copy / "people.yaml"
    replace_in(people, "name: Tofig Yagublu", "name: Tofig Yagublu Edited")
    report = load_paths(engine, [data_copy])
    assert report.tables["people"].changed == 1
    with engine.connect() as conn:
        name = conn.execute(text("SELECT name FROM people WHERE id = 'tofig-yagublu'")).scalar()
    assert name == "Tofig Yagublu Edited"
    # remove the whole gender-based-violence file: its events go, nothing else does
    import yaml

    gbv = data_copy / "gender-based-violence.yaml"
    gone = {e["id"] for e in yaml.safe_load(gbv.read_text(encoding="utf-8"))["events"]}
    with engine.connect() as conn:
        before = set(conn.execute(text("SELECT id FROM events")).scalars())
    gbv.unlink()
    # without --prune the file's events are kept, and reported as kept
    report = load_paths(engine, [data_copy])
    assert report.tables["events"].removed == 0
    assert report.kept["hrw-wr2022-azerbaijan"].count == len(gone) > 0
    assert set(report.kept["hrw-wr2022-azerbaijan"].records) == {("events", e) for e in gone}
    with engine.connect() as conn:
        assert set(conn.execute(text("SELECT id FROM events")).scalars()) == before
    # with it, they go, and nothing else does
    report = load_paths(engine, [data_copy], prune=True)
    assert report.tables["events"].removed == len(gone) > 0
    assert report.tables["people"].removed == 0
    assert report.kept == {}
    assert set(report.removed["hrw-wr2022-azerbaijan"].records) == {("events", e) for e in gone}
    with engine.connect() as conn:
        after = set(conn.execute(text("SELECT id FROM events")).scalars())
    assert after == before - gone


def test_yaml_syntax_error_is_refused_and_database_unchanged(engine, migrated_db, data_copy,
                                                             run):
    load_paths(engine, [DATA])
    before = digest(migrated_db.url)
    bad = data_copy / "people.yaml"
    bad.write_text(bad.read_text(encoding="utf-8") + "\n  - id: [unclosed\n", encoding="utf-8")
    result = run(migrated_db.url, "load", str(data_copy))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    # the unclosed list is found at the end of the file, the line after its last
    end = len(bad.read_text(encoding="utf-8").splitlines()) + 1
    assert result.stderr == (f"{os.path.relpath(bad)}:{end}: YAML syntax error: did not find "
                             "expected ',' or ']'\n1 problem(s); nothing was loaded.\n")
    assert result.stdout == ""
    assert digest(migrated_db.url) == before


def test_broken_reference_names_file_line_and_record(engine, migrated_db, data_copy, run):
    load_paths(engine, [DATA])
    before = digest(migrated_db.url)
    charges = data_copy / "political-opposition.yaml"
    replace_in(charges, "person: niyameddin-ahmedov", "person: niyameddin-ahmedv")
    # the record holding the broken reference: its line and id, read from the file
    lines = charges.read_text(encoding="utf-8").splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.strip() == "person: niyameddin-ahmedv")
    start = max(i for i in range(at) if lines[i].startswith("  - id: "))
    record = lines[start].removeprefix("  - id: ")
    result = run(migrated_db.url, "load", str(data_copy))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    # shown as a path from the current folder (the copy is outside it: ../ and all)
    shown = os.path.relpath(charges)
    assert result.stderr == (f"{shown}:{start + 1}: charge {record!r}: person "
                             "'niyameddin-ahmedv' does not exist; did you mean "
                             "'niyameddin-ahmedov'?\n"
                             "1 problem(s); nothing was loaded.\n")
    assert digest(migrated_db.url) == before


def test_an_id_of_another_sources_record_is_refused(engine, migrated_db, run):
    """A record may not take over an id of another source's record: the record would
    silently move to the new source (and leave the old one's data)."""
    load_paths(engine, [DATA])
    before = digest(migrated_db.url)
    cases = BASE / "cases.yaml"
    line = cases.read_text(encoding="utf-8").splitlines().index("  - id: hooliganism") + 1
    result = run(migrated_db.url, "load", str(BASE))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert result.stderr == (f"{os.path.relpath(cases)}:{line}: offence 'hooliganism': id "
                             "already used by a record of source 'hrw-wr2022-azerbaijan'\n"
                             "1 problem(s); nothing was loaded.\n")
    assert digest(migrated_db.url) == before
    with engine.connect() as conn:
        owner = conn.execute(text("SELECT source_id FROM offences WHERE id = 'hooliganism'"))
        assert owner.scalar_one() == "hrw-wr2022-azerbaijan"
        assert conn.execute(text("SELECT count(*) FROM sources")).scalar_one() == 1


def test_all_problems_are_reported_at_once(engine, data_copy):
    replace_in(data_copy / "people.yaml", "name: Tofig Yagublu", "name: ")
    replace_in(data_copy / "organizations.yaml", "kind: political-party", "kind: club")
    with pytest.raises(LoadError) as caught:
        load_paths(engine, [data_copy])
    messages = [str(p) for p in caught.value.problems]
    assert any("people.yaml" in m and "missing required field 'name'" in m for m in messages)
    assert any("organizations.yaml" in m and "'club' is not one of" in m for m in messages)


def test_excerpt_not_in_source_is_refused(engine, data_copy):
    replace_in(data_copy / "people.yaml", "excerpt:", "excerpt: Not in the report at all #")
    with pytest.raises(LoadError) as caught:
        load_paths(engine, [data_copy])
    assert any("excerpt not found in source" in str(p) for p in caught.value.problems)


def test_changed_source_text_is_refused(engine, data_copy):
    source_text = data_copy / "sources" / "hrw-wr2022-azerbaijan.txt"
    source_text.write_bytes(source_text.read_bytes() + b" ")
    with pytest.raises(LoadError) as caught:
        load_paths(engine, [data_copy])
    assert any("does not match its sha256" in str(p) for p in caught.value.problems)


def test_every_excerpt_stands_verbatim_at_its_offsets(loaded_engine):
    source = (DATA / "sources" / "hrw-wr2022-azerbaijan.txt").read_text(encoding="utf-8")
    checked = 0
    with loaded_engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if "excerpt" not in table.c:
                continue
            query = select(table.c.excerpt, table.c.excerpt_start, table.c.excerpt_end)
            for excerpt, start, end in conn.execute(query):
                assert " ".join(source[start:end].split()) == " ".join(excerpt.split())
                checked += 1
    assert checked > 200


def test_check_command_reports_a_healthy_database(loaded_db, run):
    result = run(loaded_db.url, "check")
    assert result.exit_code == 0, result.output
    assert "No problems found." in result.output
    assert "people" in result.output


def test_check_finds_a_sentence_dated_before_its_charge(engine, migrated_db, run):
    load_paths(engine, [DATA])
    with engine.begin() as conn:
        conn.execute(text(
            "UPDATE sentences SET date_start = '2019-01-01', date_end = '2019-01-31' "
            "WHERE id IN (SELECT s.id FROM sentences s JOIN charges c ON c.case_id = s.case_id "
            "WHERE c.date_start IS NOT NULL)"))
    result = run(migrated_db.url, "check")
    assert result.exit_code == 1
    assert "dated before its charge" in result.output


# --- check reads the source texts the database holds ---------------------------------------

CHECKED_HEALTHY = "No problems found.\n"


@pytest.mark.parametrize("data", [DATA, BASE], ids=["bundled", "another-source"])
def test_check_of_data_loaded_from_another_folder(engine, migrated_db, run, tmp_path,
                                                  monkeypatch, data):
    """`check` verifies each excerpt against its source's text: the text the load stored,
    wherever the data came from (not the bundled data folder's)."""
    elsewhere = tmp_path / "elsewhere" / "data"
    shutil.copytree(data, elsewhere)
    load_paths(engine, [elsewhere])
    shutil.rmtree(elsewhere)  # the files are gone: the database is all there is
    somewhere_else = tmp_path / "somewhere-else"
    somewhere_else.mkdir()
    monkeypatch.chdir(somewhere_else)
    result = run(migrated_db.url, "check")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(CHECKED_HEALTHY)
    assert not [ln for ln in result.stdout.splitlines() if ln.startswith("problem")]
    assert result.stderr == ""


def base_beside_the_bundled_data(tmp_path: Path) -> Path:
    """The other source's data, with its one offence left to the bundled data's (the same
    id: loaded together, the base would take it over)."""
    base = tmp_path / "base"
    shutil.copytree(BASE, base)
    replace_in(base / "cases.yaml", "offences:\n  - id: hooliganism\n    name: Hooliganism\n"
               "    excerpt: hooliganism\n", "")
    return base


def test_the_load_stores_each_source_text(engine, migrated_db, tmp_path):
    base = base_beside_the_bundled_data(tmp_path)
    load_paths(engine, [DATA, base])
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT id, content FROM sources")).all())
    assert stored == {
        "hrw-wr2022-azerbaijan": (DATA / "sources" / "hrw-wr2022-azerbaijan.txt").read_text(
            encoding="utf-8"),
        "examplestan-2021": (BASE / "sources" / "report.txt").read_text(encoding="utf-8"),
    }
    assert load_paths(engine, [DATA, base]).unchanged


def _tamper(engine, statement: str) -> None:
    with engine.begin() as conn:
        assert conn.execute(text(statement)).rowcount == 1


@pytest.mark.parametrize(("statement", "finding"), [
    ("UPDATE people SET excerpt_start = excerpt_start + 1 WHERE id = 'tofig-yagublu'",
     "people 'tofig-yagublu': excerpt not found at its offsets in 'hrw-wr2022-azerbaijan'"),
    ("UPDATE charges SET excerpt_end = excerpt_end - 3 WHERE id = 'yagublu-hooliganism'",
     "charges 'yagublu-hooliganism': excerpt not found at its offsets in "
     "'hrw-wr2022-azerbaijan'"),
    ("UPDATE sources SET content = content || ' ' WHERE id = 'hrw-wr2022-azerbaijan'",
     "source 'hrw-wr2022-azerbaijan': the text stored in the database does not match its "
     "sha256"),
])
def test_check_finds_tampered_offsets_and_texts(engine, migrated_db, run, tmp_path,
                                                monkeypatch, statement, finding):
    load_paths(engine, [DATA])
    _tamper(engine, statement)
    monkeypatch.chdir(tmp_path)
    result = run(migrated_db.url, "check")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert [ln for ln in result.stdout.splitlines() if ln.startswith("problem: ")] == [
        f"problem: {finding}"]
    assert result.stderr == "1 problem(s) found.\n"


def test_check_of_a_database_loaded_before_texts_were_stored(engine, migrated_db, run,
                                                             tmp_path, monkeypatch):
    """A database loaded before migration 0008 holds no text: the bundled file stands in
    for it when it matches the stored sha256, and is refused (said so) when it does not."""
    base = base_beside_the_bundled_data(tmp_path)
    load_paths(engine, [DATA, base])
    _tamper(engine, "UPDATE sources SET content = NULL WHERE id = 'hrw-wr2022-azerbaijan'")
    _tamper(engine, "UPDATE sources SET content = NULL WHERE id = 'examplestan-2021'")
    monkeypatch.chdir(tmp_path)
    result = run(migrated_db.url, "check")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    bundled = DATA / "sources" / "report.txt"  # the base source's text is not bundled
    assert [ln for ln in result.stdout.splitlines() if ln.startswith("problem: ")] == [
        "problem: source 'examplestan-2021': the database does not hold its text (loaded "
        "before incidentdb stored source texts: load its data again), and "
        f"{bundled} cannot be read"]
    # the bundled source's excerpts were checked against the bundled file: one moved is found
    _tamper(engine, "UPDATE people SET excerpt_start = excerpt_start + 1 "
                    "WHERE id = 'tofig-yagublu'")
    result = run(migrated_db.url, "check")
    assert "problem: people 'tofig-yagublu': excerpt not found at its offsets in " \
           "'hrw-wr2022-azerbaijan'" in result.stdout.splitlines()
    # loading again stores the texts
    load_paths(engine, [DATA, base])
    assert run(migrated_db.url, "check").stdout.endswith(CHECKED_HEALTHY)
