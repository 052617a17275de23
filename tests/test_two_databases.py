"""SQLite and PostgreSQL give the same answers: every query command, on the bundled data.

The bundled data is loaded into a SQLite file and into a PostgreSQL schema, and every
query command (with each of its filters, over every value the data holds) is run on
both, as JSON. Exit code, stdout and stderr must be equal. The one legitimate
difference is full-text search: FTS5's bm25 and PostgreSQL's ts_rank score
differently and highlight different passages, so for `search` the set of records found
is compared, not ranks, order or passages, including for the searches that differed
before migration 0005 (ONCE_DIFFERENT).

Runs only when INCIDENTDB_TEST_POSTGRES_URL is set: there is nothing to compare with
otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from incidentdb import migrate
from incidentdb.cli import app
from incidentdb.db import make_engine
from incidentdb.loader import load_paths
from incidentdb.models import Base

from .conftest import DATA, POSTGRES_URL, Database

if not POSTGRES_URL:
    pytest.skip("INCIDENTDB_TEST_POSTGRES_URL is not set: no PostgreSQL to compare SQLite "
                "with", allow_module_level=True)

# Searches: a phrase, words that need stemming, names, an organization, stop words inside.
SEARCHES = ("hunger strike", "sentenced", "journalists", "detained", "Musavat", "Yagublu",
            "pardon", "torture", "Popular Front", "prisoners of war", "women", "mine")


# Searches that found different records before migration 0005 made both databases index
# words as written (numbers after a hyphen, stop words, names a stemmer would cut).
ONCE_DIFFERENT = ("COVID-19", "2021", "the", "Musavat's", "Mammadli", "of")


class Both:
    """The bundled data in a SQLite file and in a PostgreSQL schema; one CLI call on each."""

    def __init__(self, tmp: Path) -> None:
        self.sqlite_url = f"sqlite:///{tmp / 'compare.db'}"
        self.postgres = Database(tmp)  # a schema of its own, as POSTGRES_URL is set
        for url in (self.sqlite_url, self.postgres.url):
            migrate.upgrade(url)
            engine = make_engine(url)
            load_paths(engine, [DATA])
            engine.dispose()
        self.runner = CliRunner()

    def answers(self, *args: str) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
        out = []
        for url in (self.sqlite_url, self.postgres.url):
            result = self.runner.invoke(app, ["--db", url, *args])
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                f"{args}: {result.exception!r}")
            out.append((result.exit_code, result.stdout, result.stderr))
        return out[0], out[1]

    def column(self, sql: str) -> list[str]:
        engine = make_engine(self.sqlite_url)
        with engine.connect() as conn:
            values = [row[0] for row in conn.execute(text(sql))]
        engine.dispose()
        return sorted({str(v) for v in values if v is not None})


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Both]:
    databases = Both(tmp_path_factory.mktemp("two-databases"))
    yield databases
    databases.postgres.drop()


def _calls(both: Both) -> list[tuple[str, ...]]:
    """Every query command, with every filter over the values the bundled data holds."""
    people = both.column("SELECT name FROM people")
    orgs = both.column("SELECT id FROM organizations")
    org_kinds = both.column("SELECT kind FROM organizations")
    offences = both.column("SELECT id FROM offences")
    occupations = both.column("SELECT occupation FROM person_occupations")
    roles = both.column("SELECT role FROM memberships")
    statuses = both.column("SELECT status FROM cases")
    event_kinds = both.column("SELECT kind FROM events")
    defendants = both.column("SELECT p.name FROM case_defendants d "
                             "JOIN people p ON p.id = d.person_id")
    months = [f"{y}-{m:02d}" for y in (2020, 2021) for m in range(1, 13)]
    years = ["2017", "2019", "2020", "2021", "2022"]
    calls: list[tuple[str, ...]] = [("charges",), ("stats",), ("orgs",), ("people",),
                                     ("cases",), ("events",), ("events", "--include-uncertain"),
                                     ("timeline",)]
    calls += [("person", name) for name in people]
    calls += [("person", typed) for typed in ("Tofiq Yaqublu", "yagublu", "Ibrahim", "Nobody")]
    calls += [("people", "--charge", c) for c in (*offences, "covid", "drug", "bogus")]
    calls += [("people", "--org", o) for o in orgs]
    calls += [("people", "--kind", k) for k in (*occupations, *roles)]
    calls += [("cases", "--person", p) for p in defendants]
    calls += [("cases", "--charge", c) for c in (*offences, "covid")]
    calls += [("cases", "--status", s) for s in statuses]
    for offence in offences:
        calls += [("people", "--offence", offence), ("cases", "--offence", offence)]
    for word in both.column("SELECT characterisation FROM charges"):
        calls += [("people", "--characterisation", word), ("cases", "--characterisation", word)]
    for month in months:
        calls += [("events", "--month", month), ("events", "--month", month,
                                                 "--include-uncertain")]
        calls += [("events", "--month", month, "--include-uncertain", "--include-undated")]
    for year in years:
        calls += [("events", "--year", year), ("events", "--year", year,
                                               "--include-uncertain"),
                  ("events", "--year", year, "--include-undated"),
                  ("timeline", "--year", year)]
    calls += [("events", "--from", "2021-03", "--to", "2021-08"),
              ("events", "--from", "2021-06-15", "--include-uncertain"),
              ("events", "--to", "2020")]
    calls += [("events", "--kind", k) for k in event_kinds]
    calls += [("events", "--person", p) for p in people]
    calls += [("events", "--org", o) for o in orgs]
    calls += [("events", "--instrument", i) for i in both.column(
        "SELECT name FROM instrument_names")]
    calls += [("events", "--year", "2021", "--kind", "arrest", "--include-uncertain")]
    calls += _sentence_calls(both, people, years)
    calls += [("orgs", "--kind", k) for k in org_kinds]
    calls += [("org", o) for o in (*orgs, "APFP")]
    calls += [("cite", record_id) for record_id in (*_cite_sample(both), "no-such-id")]
    calls += [("excerpt", "hrw-wr2022-azerbaijan", text) for text in (
        "hunger strike", "Yagublu", "30-month conditonal sentence")]
    return calls


def _sentence_calls(both: Both, people: list[str], years: list[str]) -> list[tuple[str, ...]]:
    """`sentences` with each of its filters, over the values the bundled data holds."""
    calls: list[tuple[str, ...]] = [("sentences",), ("sentences", "--month", "2021-06"),
                                    ("sentences", "--from", "2021-07", "--to", "2021-08"),
                                    ("sentences", "--to", "2020", "--include-uncertain")]
    for year in years:
        calls += [("sentences", "--year", year, *extra) for extra in (
            (), ("--include-uncertain",), ("--include-undated",),
            ("--include-uncertain", "--include-undated"))]
    for option, sql in (("--kind", "SELECT kind FROM sentences"),
                        ("--status", "SELECT status FROM sentences"),
                        ("--change", "SELECT change FROM sentences"),
                        ("--case", "SELECT case_id FROM sentences")):
        calls += [("sentences", option, value) for value in both.column(sql)]
    calls += [("sentences", "--person", p) for p in people]
    for months in ("0", "12", "24", "180", "12000"):
        calls += [("sentences", "--min-months", months), ("sentences", "--max-months", months),
                  ("sentences", "--year", "2021", "--min-months", months)]
    return calls


def _record_ids(both: Both) -> dict[str, list[str]]:
    """The ids of every table with evidence."""
    return {table.name: both.column(str(select(table.c.id)))
            for table in Base.metadata.sorted_tables if "excerpt" in table.c and "id" in table.c}


def _cite_sample(both: Both) -> list[str]:
    """The first and last id of every table, and the ids that several tables use.

    `cite` reads records by primary key; every id is compared through the library in
    test_cite_of_every_record_is_the_same, which is much faster than the CLI.
    """
    ids = _record_ids(both)
    sample = {record_id for values in ids.values() if values
              for record_id in (values[0], values[-1])}
    seen: set[str] = set()
    for values in ids.values():
        sample |= seen & set(values)
        seen |= set(values)
    return sorted(sample)


def _difference(call: tuple[str, ...], sqlite: tuple, postgres: tuple) -> str:
    return (f"incidentdb {' '.join(call)} --format json differs:\n"
            f"  SQLite:     exit {sqlite[0]}\n{sqlite[1]}{sqlite[2]}\n"
            f"  PostgreSQL: exit {postgres[0]}\n{postgres[1]}{postgres[2]}")


# Commands that write, or whose output is not an answer to compare (exports are compared
# by tests/test_export.py on each database).
NOT_QUERIES = {"load", "check", "export", "db", "vocab",  # vocab reads no database
               "source",  # source add writes a file
               "serve"}  # serves a SQLite file only: its pages are the queries' (test_web.py)


def test_every_query_command_is_compared(both: Both) -> None:
    """A new query command must join the comparison: its name in `_calls`."""
    import typer.main

    group = typer.main.get_command(app)
    commands = set(group.commands) - NOT_QUERIES  # type: ignore[attr-defined]
    compared = {call[0] for call in _calls(both)} | {"search"}  # search: compared below
    assert commands <= compared, f"not compared: {sorted(commands - compared)}"


def test_every_query_command_answers_the_same(both: Both) -> None:
    calls = _calls(both)
    assert len(calls) > 300  # every person, organization and filter value; sample ids
    differences = []
    answered = 0
    for call in calls:
        sqlite, postgres = both.answers(*call, "--format", "json")
        if sqlite != postgres:
            differences.append(_difference(call, sqlite, postgres))
        answered += sqlite[0] == 0
    assert not differences, f"{len(differences)} of {len(calls)} calls differ:\n" + (
        "\n".join(differences))
    assert answered > len(calls) - 5  # the comparison is of answers, not of errors


def test_derived_bounds_and_the_date_order_are_the_same(both: Both) -> None:
    """Every dated record's derived bounds, and the order of each dated table."""
    from incidentdb.chronology import BOUNDS, order_by
    from incidentdb.models import dated

    answers = []
    for url in (both.sqlite_url, both.postgres.url):
        engine = make_engine(url)
        with engine.connect() as conn:
            answers.append({d.name: [tuple(row) for row in conn.execute(
                select(d.table.c.id, *(d.table.c[b] for b in BOUNDS))
                .order_by(*order_by(d.table)))] for d in dated()})
        engine.dispose()
    for name, rows in answers[0].items():
        assert rows == answers[1][name], name
        assert len(rows) > 10


def test_cite_of_every_record_is_the_same(both: Both) -> None:
    from sqlalchemy.orm import Session

    from incidentdb.queries import cite

    ids = sorted({record_id for values in _record_ids(both).values() for record_id in values})
    answers = []
    for url in (both.sqlite_url, both.postgres.url):
        engine = make_engine(url)
        with Session(engine) as session:
            answers.append({record_id: cite(session, record_id) for record_id in ids})
        engine.dispose()
    differences = [f"cite {record_id}:\n  SQLite:     {answers[0][record_id]}\n"
                   f"  PostgreSQL: {answers[1][record_id]}"
                   for record_id in ids if answers[0][record_id] != answers[1][record_id]]
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("words", [*SEARCHES, *ONCE_DIFFERENT])
def test_search_finds_the_same_records(both: Both, words: str) -> None:
    """Ranks and highlighted passages differ by design; what is found must not."""
    sqlite, postgres = both.answers("search", words, "--limit", "1000", "--format", "json")
    assert sqlite[0] == postgres[0] == 0, (sqlite, postgres)
    found = [{(hit["kind"], hit["record_id"], hit["title"]) for hit in json.loads(out[1])}
             for out in (sqlite, postgres)]
    assert found[0] == found[1], (
        f"search {words!r}: only on SQLite: {sorted(found[0] - found[1])}; "
        f"only on PostgreSQL: {sorted(found[1] - found[0])}")
    assert found[0] or words not in SEARCHES, f"{words!r} finds nothing: choose other words"
