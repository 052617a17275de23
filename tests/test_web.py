"""The web view (`incidentdb serve`): Datasette over a SQLite copy of the bundled data.

The served file is made by `incidentdb export --format sqlite` from the suite's
database, so on the PostgreSQL run it is PostgreSQL's data, copied: the export is
what makes a PostgreSQL database servable. Every page and canned query is asked
through Datasette's own test client and answers with the records the bundled data
holds; the full-text table is one Datasette and sqlite-utils detect, and finds what
`incidentdb search` finds; no URL changes a byte of the served file.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from incidentdb import migrate
from incidentdb.cli import app
from incidentdb.db import DatabaseError, make_engine
from incidentdb.loader import load_paths
from incidentdb.models import DECLARATIONS, Base
from incidentdb.queries import cite, list_events
from incidentdb.search import search
from incidentdb.web import datasette_for, served_file
from incidentdb.web.metadata import HIDDEN

from .conftest import DATA, POSTGRES_URL

NAME = "incidents"  # the served file's stem: Datasette's name for the database


@pytest.fixture(scope="session")
def served(loaded_db, tmp_path_factory) -> Path:
    """The bundled data, exported as a SQLite file (from PostgreSQL on that run)."""
    path = tmp_path_factory.mktemp("web") / f"{NAME}.db"
    result = CliRunner().invoke(app, ["--db", loaded_db.url, "export", "--format", "sqlite",
                                      "--out", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Exported the whole database, ")
    return path


def fetch(path: Path, *requests: tuple[str, str]) -> list:
    """Each (method, url) asked of a Datasette serving the file, in one event loop."""
    async def ask() -> list:
        datasette = datasette_for(path)
        await datasette.invoke_startup()
        out = []
        for method, url in requests:
            out.append(await getattr(datasette.client, method.lower())(url))
        return out

    return asyncio.run(ask())


def get(path: Path, url: str):
    return fetch(path, ("GET", url))[0]


def rows(path: Path, url: str) -> list[dict]:
    response = get(path, url + ("&" if "?" in url else "?") + "_shape=array")
    assert response.status_code == 200, response.text
    return response.json()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the export that makes a servable file -------------------------------------------------


def test_the_sqlite_export_holds_every_row_of_every_table(served, loaded_db):
    engine = make_engine(loaded_db.url, read_only=True)
    copy = sqlite3.connect(served)
    try:
        with engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                original = conn.execute(text(f"SELECT count(*) FROM {table.name}")).scalar()
                assert copy.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0] \
                    == original, table.name
        assert copy.execute("SELECT count(*) FROM people").fetchone()[0] == 26
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    finally:
        copy.close()
        engine.dispose()
    assert not Path(f"{served}-wal").exists()


def test_every_command_accepts_the_copy(served):
    runner = CliRunner()
    checked = runner.invoke(app, ["--db", str(served), "db", "check"])
    assert checked.exit_code == 0 and "No drift" in checked.stdout
    person = runner.invoke(app, ["--db", str(served), "person", "Tofiq Yaqublu",
                                 "--format", "json"])
    assert json.loads(person.stdout)["id"] == "tofig-yagublu"


def test_the_sqlite_export_refuses_what_it_cannot_write(loaded_db, tmp_path):
    runner = CliRunner()
    for args, message in (
            (["--out", "-"], "sqlite writes a database file: give its path"),
            (["people", "--out", str(tmp_path / "x.db")], "name no table")):
        result = runner.invoke(app, ["--db", loaded_db.url, "export", "--format", "sqlite",
                                     *args])
        assert result.exit_code == 2 and message in result.stderr, result.stderr
    folder = runner.invoke(app, ["--db", loaded_db.url, "export", "--format", "sqlite",
                                 "--out", str(tmp_path)])
    assert folder.exit_code == 1
    assert folder.stderr == f"Error: {tmp_path} is a folder: the sqlite format writes one " \
        "file; give its path\n"
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


# --- full-text search that the tools detect --------------------------------------------------

HUNGER = {"yagublu-hunger-strike", "yagublu-house-arrest", "yagublu-house-arrest-sentence",
          "yagublu-case"}


def test_datasette_and_sqlite_utils_detect_the_full_text_table(served):
    import sqlite_utils

    table = sqlite_utils.Database(served)["search_entries"]
    assert table.detect_fts() == "search_fts"
    assert {row["record_id"] for row in table.search("hunger")} == HUNGER
    found = subprocess.run([sys.executable, "-m", "sqlite_utils", "search", str(served),
                            "search_entries", "hunger"], capture_output=True, text=True,
                           check=True)
    assert {row["record_id"] for row in json.loads(found.stdout)} == HUNGER
    assert {r["record_id"] for r in rows(served, f"/{NAME}/search_entries.json?_search=hunger")} \
        == HUNGER  # not the 302 documents


def test_the_search_finds_what_incidentdb_search_finds(served):
    """On the served file, as `incidentdb --db FILE search` ranks them (PostgreSQL ranks
    its own way: the order is each database's)."""
    engine = make_engine(str(served), read_only=True)
    session = Session(engine)
    for words in ("hunger", "hunger strike", "Covid-19", "drug", "NGOs", "Humbatova"):
        expected = [hit.record_id for hit in search(session, words, limit=None)]
        assert expected, words
        if words not in ("drug", "Covid-19"):  # `_search` matches whole words, not prefixes
            table = {r["record_id"] for r in rows(
                served, f"/{NAME}/search_entries.json?_search={words}&_size=max")}
            assert table == set(expected), words
        canned = [r["record_id"] for r in rows(served, f"/{NAME}/search.json?q={words}")]
        assert canned == expected[:20], words
    assert rows(served, f"/{NAME}/search.json?q=%22%28%29") == []  # no words: nothing, no error
    session.close()
    engine.dispose()


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the FTS5 table is SQLite's (0012 is a no-op "
                    "on PostgreSQL, whose upgrade and downgrade tests/test_migrations.py runs)")
def test_migration_0012_redeclares_the_table_and_downgrade_restores_it(empty_db):
    migrate.upgrade(empty_db.url)
    engine = make_engine(empty_db.url)
    try:
        load_paths(engine, [DATA])

        def declared() -> str:
            with engine.connect() as conn:
                return conn.execute(text("SELECT sql FROM sqlite_master "
                                         "WHERE name = 'search_fts'")).scalar_one()

        def found() -> list[str]:
            with Session(engine) as session:
                return [hit.record_id for hit in search(session, "hunger strike", limit=None)]

        assert 'content="search_entries"' in declared()
        ours = found()
        assert set(ours[:2]) == {"yagublu-hunger-strike", "yagublu-house-arrest"}
        migrate.downgrade(empty_db.url, "0011")
        assert "content='search_entries'" in declared()
        assert found() == ours
        migrate.upgrade(empty_db.url)
        assert 'content="search_entries"' in declared()
        assert found() == ours
    finally:
        engine.dispose()


# --- metadata made from the models -----------------------------------------------------------


def test_metadata_describes_every_table_and_column_and_hides_the_internals(served):
    meta = get(served, "/-/metadata.json").json()
    assert meta["title"] == "incidentdb: World Report 2022: Azerbaijan"
    assert meta["source"] == "Human Rights Watch, World Report 2022: Azerbaijan"
    assert meta["source_url"] == "https://www.hrw.org/world-report/2022/country-chapters/azerbaijan"
    assert meta["license"].startswith("© 2022 Human Rights Watch.")
    tables = meta["databases"][NAME]["tables"]
    for table in Base.metadata.sorted_tables:
        described = tables[table.name]
        assert len(described["description"]) > 20, table.name
        for column in table.columns:
            words = described["columns"][column.name]
            assert words and words != column.name.replace("_", " "), (table.name, column.name)
    assert tables["events"]["sort"] == "earliest"
    assert tables["events"]["facets"] == ["kind", "date_precision"]
    assert "status" in tables["cases"]["facets"]
    assert "offence_id" in tables["charges"]["facets"]
    assert "kind" in tables["sentences"]["facets"]
    assert tables["people"]["label_column"] == "name"
    assert tables["search_entries"]["fts_table"] == "search_fts"
    listed = {t["name"]: t["hidden"] for t in get(served, f"/{NAME}.json").json()["tables"]}
    assert {name for name, hidden in listed.items() if hidden} >= {
        "alembic_version", "search_fts", "search_fts_data"}
    assert set(HIDDEN) & {name for name, hidden in listed.items() if not hidden} == set()
    assert not listed["events"] and not listed["search_entries"]


def test_the_table_pages_show_descriptions_facets_and_labels(served):
    events = get(served, f"/{NAME}/events")
    assert events.status_code == 200
    assert "what happened in an event" in events.text  # the kind column, from the vocabulary
    assert 'data-column="kind"' in events.text and "facet-info" in events.text
    charges = rows(served, f"/{NAME}/charges.json?_labels=on&id=yagublu-hooliganism-charge")
    assert charges == [] or charges[0]["person_id"]["label"] == "Tofig Yagublu"
    person = get(served, f"/{NAME}/people/tofig-yagublu")
    assert '<a href="/-/person?id=tofig-yagublu">Tofig Yagublu</a>' in person.text


# --- the pages -------------------------------------------------------------------------------


def test_the_case_file_by_azerbaijani_spelling(served):
    page = get(served, "/-/person?name=Tofiq%20Yaqublu")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Tofig Yagublu</h1>" in html
    assert f'href="/{NAME}/organizations/musavat">Musavat party</a>' in html
    assert f'href="/{NAME}/cases/yagublu-case">Prosecution of Tofig Yagublu</a>' in html
    # the sentences and their changes, each with its evidence excerpt and citation
    for sentence in ("yagublu-sentenced-51-months", "yagublu-house-arrest-sentence",
                     "yagublu-conditional-30-months"):
        assert f'href="/{NAME}/sentences/{sentence}"' in html, sentence
    assert ("In July, an appeals court replaced the house arrest of Tofig Yagublu, a leading "
            "politician of the opposition Musavat party, with a 30-month conditional sentence"
            in html)
    assert f'href="/{NAME}/citation?id=yagublu-conditional-30-months"' in html
    assert f'href="/{NAME}/events/yagublu-hunger-strike"' in html  # the timeline
    assert 'href="/-/month?month=2021-07"' in html
    assert 'href="/-/people?charge=Hooliganism"' in html
    assert "Data license:" in html and "© 2022 Human Rights Watch." in html  # the footer
    assert 'href="https://www.hrw.org/world-report/2022/country-chapters/azerbaijan"' in html


def test_the_case_file_by_any_spelling_and_by_id(served):
    for asked in ("Şahla%20Hümbətova", "Shahla%20Humbatova", "Sahla%20Humbatova",
                  "humbatova", "id=shahla-humbatova"):
        url = f"/-/person?{asked}" if asked.startswith("id=") else f"/-/person?name={asked}"
        page = get(served, url)
        assert page.status_code == 200, asked
        assert "<h1>Shahla Humbatova</h1>" in page.text, asked


def test_a_name_that_finds_nobody_or_several(served):
    nobody = get(served, "/-/person?name=Tofig%20Yagubluu")
    assert nobody.status_code == 404
    assert "no person matches &#39;Tofig Yagubluu&#39;; did you mean Tofig Yagublu?" \
        in nobody.text
    several = get(served, "/-/person?name=ibrahim")
    assert several.status_code == 404 and "matches 3 people" in several.text
    for person_id in ("ibrahim-salamov", "mammad-ibrahim", "mehdi-ibrahimov"):
        assert f'href="/-/person?id={person_id}"' in several.text
    assert get(served, "/-/person?id=nobody").status_code == 404
    form = get(served, "/-/person")
    assert form.status_code == 200 and 'name="name"' in form.text


def test_people_by_charge_or_offence(served):
    def names(url: str) -> list[str]:
        page = get(served, url)
        assert page.status_code == 200, page.text
        return re.findall(r'<td><a href="/-/person\?id=[^"]+">([^<]+)</a></td>', page.text)

    # as `incidentdb people --charge hooliganism` (README)
    assert names("/-/people?charge=hooliganism") == ["Said Mamedzade Bakuvi", "Tofig Yagublu"]
    assert names("/-/people?offence=hooliganism") == ["Said Mamedzade Bakuvi", "Tofig Yagublu"]
    assert len(names("/-/people")) == 26
    wrong = get(served, "/-/people?offence=hooliganizm")
    assert wrong.status_code == 404 and "did you mean hooliganism?" in wrong.text


def test_events_of_a_month_with_the_uncertain_ones_marked(served, session):
    from datetime import date

    expected = list_events(session, start=date(2021, 6, 1), end=date(2021, 6, 30),
                           include_uncertain=True)
    page = get(served, "/-/month?month=2021-06")
    assert page.status_code == 200
    certain, uncertain = page.text.split("May fall in 2021-06 (uncertain)")
    linked = re.compile(rf'href="/{NAME}/events/([^"]+)"')
    assert linked.findall(certain) == [  # as `incidentdb events --month 2021-06` (README)
        "apfp-members-sentencing", "bakuvi-release", "bakuvi-sentence-substituted",
        "pace-rapporteur-political-prisoners-june",
        "journalists-and-official-killed-by-mine-june-4"]
    assert linked.findall(uncertain) == [e["id"] for e in expected if e["uncertain"]]
    assert len(linked.findall(uncertain)) == 47
    assert uncertain.count("<strong>uncertain</strong>") == 47
    assert "10 event(s) without a date may too" in page.text
    assert 'href="/-/month?month=2021-05"' in page.text
    assert 'href="/-/month?month=2021-07"' in page.text
    bad = get(served, "/-/month?month=2021-13")
    assert bad.status_code == 400 and "month 13 out of range" in bad.text


def test_the_citation_query_answers_as_cite(served, session):
    """For records of every table that carries evidence."""
    asked = 0
    for declared in DECLARATIONS:
        if not declared.evidence:
            continue
        for record_id in session.scalars(select(declared.table.c.id)
                                         .order_by(declared.table.c.id).limit(3)):
            got = rows(served, f"/{NAME}/citation.json?id={record_id}")
            assert got == cite(session, record_id), record_id
            asked += 1
    assert asked > 30
    [yagublu] = rows(served, f"/{NAME}/citation.json?id=yagublu-conditional-30-months")
    assert (yagublu["table"], yagublu["start"], yagublu["end"]) == ("sentences", 6210, 6370)
    assert rows(served, f"/{NAME}/citation.json?id=nothing-of-that-id") == []
    html = get(served, f"/{NAME}/citation?id=yagublu-conditional-30-months").text
    assert f'<a href="/{NAME}/sentences/yagublu-conditional-30-months">' in html
    assert f'<a href="/{NAME}/sources/hrw-wr2022-azerbaijan">' in html
    found = get(served, f"/{NAME}/search?q=hunger").text
    assert f'<a href="/{NAME}/citation?id=yagublu-hunger-strike">' in found


def test_every_page_links_to_the_others(served):
    for url in ("/-/person?name=yagublu", "/-/people", "/-/month?month=2021-06", f"/{NAME}"):
        html = get(served, url).text
        for link in ('href="/-/person"', 'href="/-/people"', 'href="/-/month"',
                     f'href="/{NAME}/citation"', f'href="/{NAME}/search"'):
            assert link in html, (url, link)


# --- read-only -------------------------------------------------------------------------------


def test_no_url_can_change_the_served_database(served):
    before = sha256(served)
    sql = "DELETE FROM people"
    answers = fetch(
        served,
        ("POST", f"/{NAME}/people/-/insert"), ("POST", f"/{NAME}/-/create"),
        ("POST", f"/{NAME}/people/tofig-yagublu/-/delete"),
        ("POST", f"/{NAME}/people/tofig-yagublu/-/update"),
        ("POST", f"/{NAME}/citation?id=x"), ("POST", f"/{NAME}/search?q=x"),
        ("POST", f"/{NAME}?sql={sql}"), ("GET", f"/{NAME}.json?sql={sql}"),
        ("GET", f"/{NAME}.json?sql=UPDATE people SET name = 'x'"),
        ("GET", f"/{NAME}.json?sql=DROP TABLE people"),
        ("GET", f"/{NAME}.json?sql=PRAGMA journal_mode=WAL"),
        ("GET", f"/{NAME}.json?sql=ATTACH DATABASE 'x.db' AS x"),
        ("POST", "/-/person?name=yagublu"), ("POST", "/-/month?month=2021-06"))
    for response in answers:
        assert response.status_code in (400, 405), (response.request.url, response.text[:200])
    assert sha256(served) == before
    with sqlite3.connect(served) as conn:
        assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == 26
    assert get(served, "/-/databases.json").json()[0]["is_mutable"] is False


# --- the command -----------------------------------------------------------------------------


def test_serve_get_prints_a_page(served):
    result = CliRunner().invoke(app, ["--db", str(served), "serve", "--get",
                                      "/-/person?name=Tofiq Yaqublu"])
    assert result.exit_code == 0, result.output
    assert "<h1>Tofig Yagublu</h1>" in result.stdout
    missing = CliRunner().invoke(app, ["--db", str(served), "serve", "--get", "/-/nothing"])
    assert missing.exit_code == 1 and missing.stderr == "Error: /-/nothing answered 404\n"


def test_serve_says_how_to_serve_a_postgresql_database(tmp_path):
    result = CliRunner().invoke(app, ["--db", "postgresql://someone@127.0.0.1:1/db", "serve"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the web view serves a SQLite file: make a copy of this database with "
        "`incidentdb export --format sqlite --out FILE`, then serve it with "
        "`incidentdb --db FILE serve`\n")


def test_serve_refuses_a_file_without_the_schema_or_behind(tmp_path, served):
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    result = CliRunner().invoke(app, ["--db", str(empty), "serve"])
    assert result.exit_code == 1
    assert result.stderr == ("Error: the database has no incidentdb schema: run `incidentdb "
                             "db upgrade`, then `incidentdb load`\n")
    behind = tmp_path / "behind.db"
    behind.write_bytes(served.read_bytes())
    with sqlite3.connect(behind) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0011'")
    result = CliRunner().invoke(app, ["--db", str(behind), "serve"])
    assert result.exit_code == 1 and "run `incidentdb db upgrade`" in result.stderr


def test_serve_refuses_a_file_with_changes_in_its_write_ahead_log(tmp_path, served):
    """Changes only in the log would not be seen by an immutable reader: refused until a
    checkpoint has copied them into the file; a log left without its index, refused."""
    copy = tmp_path / "copy.db"
    copy.write_bytes(served.read_bytes())
    writer = sqlite3.connect(copy, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("UPDATE people SET description = description || '.'")
        with pytest.raises(DatabaseError, match="changes in its write-ahead log"):
            served_file(str(copy))
        writer.execute("PRAGMA wal_checkpoint(PASSIVE)")
        assert Path(f"{copy}-wal").stat().st_size > 0  # the log is still there, all copied
        assert served_file(str(copy)) == copy.resolve()
    finally:
        writer.close()
    left = tmp_path / "left.db"
    left.write_bytes(served.read_bytes())
    Path(f"{left}-wal").write_bytes(b"x" * 100)
    with pytest.raises(DatabaseError, match="changes in its write-ahead log"):
        served_file(str(left))


def test_serve_refuses_a_port_in_use(served):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["--db", str(served), "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    bad = CliRunner().invoke(app, ["--db", str(served), "serve", "--port", "0"])
    assert bad.exit_code == 2


def test_the_command_line_does_not_import_datasette_at_start_up():
    code = ("import sys, incidentdb.cli; "
            "assert not {'datasette', 'uvicorn'} & set(sys.modules), 'imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
