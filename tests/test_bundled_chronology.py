"""The vague dates of the bundled report, reasoned over: each case issue 12 found.

Each test is a question a researcher asked of the bundled data, answered by the
commands; before relative chronology each answer was wrong or silent.
"""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import text

from incidentdb.db import make_engine

from .conftest import DATA


def rows(result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def query(url: str, sql: str) -> list[tuple]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


UNDATED = ("SELECT id FROM events WHERE earliest IS NULL "
           "AND coalesce(latest_from, '') LIKE 'source:%' ORDER BY id")


def test_every_event_has_a_bound_and_those_with_only_the_publication_say_why(loaded_db):
    """29 of 91 events had no date. Now every event has a bound; of the 113 events (the
    report's general statements added), ten have none but the report's publication: six
    the text dates by nothing else, three said in the present tense of the time of
    writing, one following an undated one. The record of each says why in a comment."""
    assert query(loaded_db.url, "SELECT count(*) FROM events WHERE latest IS NULL") == [(0,)]
    undated = [row[0] for row in query(loaded_db.url, UNDATED)]
    assert undated == [
        "detainees-denied-family-lawyers-medical-care", "mine-ban-treaty-not-ratified",
        "pace-legal-affairs-committee-disappointment", "police-custody-ill-treatment",
        "prosecutor-office-hotline-encouragement", "safarov-allegations-not-investigated",
        "safarov-codefendants-sentencing", "safarov-defendants-beaten",
        "safarov-defendants-testimony", "tatar-arrests"]
    texts = {path: path.read_text(encoding="utf-8") for path in DATA.glob("*.yaml")}
    for event_id in undated:
        found = (re.search(rf"(?m)^  - id: {event_id}\n(?:    .*\n|\n)*", text)
                 for text in texts.values())
        record = next(match[0] for match in found if match)
        assert "# No bound but the report's publication:" in record, event_id


def test_a_conviction_comes_before_the_appeal_that_upheld_it(loaded_db, run):
    timeline = [(row["id"], row["date"]) for row in rows(
        run(loaded_db.url, "events", "--person", "Polad Aslanov", "--format", "csv"))]
    ids = [event_id for event_id, _ in timeline]
    assert ids.index("aslanov-conviction") < ids.index("aslanov-appeal-upheld")
    conviction = rows(run(loaded_db.url, "events", "--person", "Polad Aslanov", "--format",
                          "csv"))[ids.index("aslanov-conviction")]
    assert (conviction["latest"], conviction["latest_basis"], conviction["latest_from"]) == (
        "2021-02-28", "derived", "event:aslanov-appeal-upheld")
    table = run(loaded_db.url, "person", "Polad Aslanov").stdout
    assert table.index("aslanov-conviction") < table.index("aslanov-appeal-upheld")
    assert "not after 2021-02" in table


def test_a_hunger_strike_and_house_arrest_lie_between_conviction_and_replacement(loaded_db,
                                                                                run):
    listed = rows(run(loaded_db.url, "events", "--person", "Tofig Yagublu", "--format", "csv"))
    ids = [row["id"] for row in listed]
    assert ids.index("yagublu-conviction") < ids.index("yagublu-hunger-strike") < ids.index(
        "yagublu-house-arrest") < ids.index("yagublu-house-arrest-replaced")
    strike = listed[ids.index("yagublu-hunger-strike")]
    assert (strike["earliest"], strike["latest"], strike["bounds"]) == (
        "2020-01-01", "2021-07-31", "not before 2020; not after 2021-07")
    table = run(loaded_db.url, "person", "Tofig Yagublu").stdout
    assert table.index("yagublu-hunger-strike") < table.index("yagublu-house-arrest-replaced")


def test_coerced_statements_follow_the_arrest(loaded_db, run):
    listed = {row["id"]: row for row in rows(
        run(loaded_db.url, "events", "--person", "Lachin Valiyev", "--format", "csv"))}
    for event_id in ("valiyev-coerced-statements", "valiyev-confession"):
        assert listed[event_id]["earliest"] == "2021-03-01", event_id
        assert listed[event_id]["earliest_basis"] == "derived"


def test_a_war_sorts_before_the_truce_that_ended_it(loaded_db, run):
    ids = [row["id"] for row in rows(run(loaded_db.url, "events", "--limit", "0", "--format",
                                         "csv"))]
    assert ids.index("armenia-azerbaijan-2020-war") < ids.index("armenia-azerbaijan-2020-truce")


def test_a_year_lists_what_certainly_lies_in_it_and_counts_the_rest(loaded_db, run):
    result = run(loaded_db.url, "events", "--year", "2020", "--format", "csv")
    certain = [row["id"] for row in rows(result)]
    assert "armenia-azerbaijan-2020-truce" in certain
    notes = result.stderr.splitlines()
    counted = int(notes[0].split()[0])
    assert notes[0] == (f"{counted} event(s) may fall in this period but are not certainly "
                        "in it; --include-uncertain lists them")
    uncertain = rows(run(loaded_db.url, "events", "--year", "2020", "--include-uncertain",
                         "--format", "csv"))
    assert len(uncertain) == len(certain) + counted
    assert {row["why"] for row in uncertain if row["uncertain"] == "true"} <= {
        "vaguer than the window", "open-ended", "derived bounds"}
    assert all(row["why"] == "" for row in uncertain if row["id"] in certain)


def test_the_arrest_reported_in_december_is_known_only_to_precede_the_reports(loaded_db,
                                                                            run):
    arrest = next(row for row in rows(run(loaded_db.url, "events", "--kind", "arrest",
                                          "--format", "csv"))
                  if row["id"] == "servicemen-arrested-desecration")
    # no later than the reports; after the war (whose years bound it from below)
    assert (arrest["date"], arrest["latest"], arrest["latest_basis"]) == (
        "", "2020-12-31", "stated")
    assert (arrest["earliest_basis"], arrest["earliest_from"]) == (
        "derived", "event:armenia-azerbaijan-2020-war")
    assert arrest["bounds"] == "not before 2019; not after 2020"
    reported = query(loaded_db.url, "SELECT relation, date_edtf, date_text FROM "
                     "event_chronology WHERE record_id = 'servicemen-arrested-desecration' "
                     "AND relation = 'reported'")
    assert reported == [("reported", "2020-12", "In December 2020")]


def test_exported_listings_do_not_put_a_years_date_into_january(loaded_db, run):
    listed = rows(run(loaded_db.url, "events", "--limit", "0", "--format", "csv"))
    yearly = [row for row in listed if row["date_precision"] == "year"]
    assert yearly and all(row["month"] == "" for row in yearly)
    monthly = [row for row in listed if row["date_precision"] == "month"]
    assert monthly and all(row["month"] == row["date"] for row in monthly)
    assert {"date_start", "date_end", "earliest_basis", "latest_basis"} <= set(listed[0])
