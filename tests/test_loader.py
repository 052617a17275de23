"""The loader: validates everything first, writes in one transaction, idempotent."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from incidentdb.db import make_engine
from incidentdb.loader import LoadError, load_paths
from incidentdb.models import Base

from .conftest import DATA


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


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


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


def test_dry_run_writes_nothing(engine, migrated_db, run):
    before = digest(migrated_db.url)
    result = run(migrated_db.url, "load", "--dry-run", str(DATA))
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output
    assert "people: 26 added" in result.output or "people: " in result.output
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
    assert result.exit_code == 1
    assert "people.yaml:" in result.stderr
    assert "YAML syntax error" in result.stderr
    assert "Traceback" not in result.output
    assert digest(migrated_db.url) == before


def test_broken_reference_names_file_line_and_record(engine, migrated_db, data_copy, run):
    load_paths(engine, [DATA])
    before = digest(migrated_db.url)
    charges = data_copy / "political-opposition.yaml"
    replace_in(charges, "person: niyameddin-ahmedov", "person: niyameddin-ahmedv")
    result = run(migrated_db.url, "load", str(data_copy))
    assert result.exit_code == 1
    lines = [ln for ln in result.stderr.splitlines() if "niyameddin-ahmedv" in ln]
    assert lines, result.stderr
    assert lines[0].startswith(str(Path(charges).relative_to(Path.cwd()))
                               if Path(charges).is_relative_to(Path.cwd()) else "")
    assert "political-opposition.yaml:" in lines[0]
    assert "person 'niyameddin-ahmedv' does not exist" in lines[0]
    assert digest(migrated_db.url) == before


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
