"""Relative chronology: relations checked by the loader, bounds derived, one date order.

On the invented Examplestan report (tests/malformed/_base): the protest detentions
are "In January", the sentence "On March 8", the source published on 2022-01-10.
Runs on SQLite and, with INCIDENTDB_TEST_POSTGRES_URL, on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from incidentdb.chronology import order_by
from incidentdb.loader import LoadError, load_paths
from incidentdb.models import Charge, Event, Sentence
from incidentdb.queries import list_events

BASE = Path(__file__).resolve().parent / "malformed" / "_base"

# Events of the base report with relations, each supported by the report's words.
RELATED = """\
source: examplestan-2021
events:
  - id: mammadova-arrest
    kind: arrest
    title: Aynur Mammadova arrested
    excerpt: Aynur Mammadova was arrested the same day
    during: sampleton-protest-detentions
  - id: mammadova-trial
    kind: trial
    title: Mammadova tried
    excerpt: who reported on the trial
    after: mammadova-arrest
    before:
      - id: mammadova-sentence
        excerpt: the Sampleton District Court sentenced Mammadova
  - id: hasanov-reporting
    kind: statement
    title: Hasanov reports on the trial
    excerpt: Journalist Tofiq Hasanov, who reported on the trial
    after: [mammadova-trial]
"""


def write(folder: Path, text: str, name: str = "related.yaml") -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(BASE, target)
    return write(target, RELATED)


def bounds(engine, model, record_id: str) -> tuple:
    with Session(engine) as session:
        r = session.get_one(model, record_id)
        return (r.earliest, r.earliest_basis, r.earliest_from, r.latest, r.latest_basis,
                r.latest_from, r.chain_depth)


def held(line: str) -> str:
    """A data file of one event of the Examplestan report, with one more line of its own."""
    return f"""\
source: examplestan-2021
events:
  - id: hasanov-held
    kind: detention
    title: Hasanov held
    excerpt: held for several days
    {line}
"""


def problems(engine, folder: Path) -> list[str]:
    with pytest.raises(LoadError) as caught:
        load_paths(engine, [folder])
    return [str(p) for p in caught.value.problems]


# --- derived bounds ---------------------------------------------------------------------------


def test_bounds_are_derived_through_relations_transitively(engine, data):
    load_paths(engine, [data])
    january = (date(2021, 1, 1), date(2021, 1, 31))
    # within the January detentions: January, from them
    assert bounds(engine, Event, "mammadova-arrest") == (
        january[0], "derived", "event:sampleton-protest-detentions",
        january[1], "derived", "event:sampleton-protest-detentions", 0)
    # after the arrest (whose January comes from the detentions), before the sentence
    assert bounds(engine, Event, "mammadova-trial") == (
        january[0], "derived", "event:sampleton-protest-detentions",
        date(2021, 3, 8), "derived", "sentence:mammadova-sentence", 1)
    # after the trial: no later than the report's publication
    assert bounds(engine, Event, "hasanov-reporting") == (
        january[0], "derived", "event:sampleton-protest-detentions",
        date(2022, 1, 10), "derived", "source:examplestan-2021", 2)
    # the stated dates are untouched, and give the stated bounds
    with Session(engine) as session:
        trial = session.get_one(Event, "mammadova-trial")
        assert (trial.date_edtf, trial.date_start, trial.date_end) == (None, None, None)
    # after the arrest's trial in the longest chain: two records before it
    assert bounds(engine, Sentence, "mammadova-sentence") == (
        date(2021, 3, 8), "stated", None, date(2021, 3, 8), "stated", None, 2)
    assert bounds(engine, Charge, "mammadova-hooliganism")[:2] == (january[0], "stated")


def test_reloading_changes_nothing_and_a_dropped_relation_takes_its_bound_along(engine, data):
    load_paths(engine, [data])
    report = load_paths(engine, [data])
    assert report.unchanged
    assert bounds(engine, Event, "mammadova-trial")[3] == date(2021, 3, 8)
    related = (data / "related.yaml").read_text(encoding="utf-8")
    write(data, related.replace("""    before:
      - id: mammadova-sentence
        excerpt: the Sampleton District Court sentenced Mammadova
""", ""))
    report = load_paths(engine, [data])
    assert report.tables["event_chronology"].changed == 0
    assert report.tables["event_chronology"].removed == 1  # a part of a record in the files
    assert bounds(engine, Event, "mammadova-trial")[3:] == (
        date(2022, 1, 10), "derived", "source:examplestan-2021", 1)


def test_a_report_date_bounds_the_record_it_reports(engine, data):
    write(data, """\
source: examplestan-2021
events:
  - id: hasanov-held
    kind: detention
    title: Hasanov held for several days
    excerpt: held for several days
    reported: {date: in early 2021, excerpt: was detained in early 2021}
""", "reported.yaml")
    load_paths(engine, [data])
    assert bounds(engine, Event, "hasanov-held") == (
        None, "none", None, date(2021, 6, 30), "stated", None, 0)
    with Session(engine) as session:
        row = next(r for r in list_events(session) if r["id"] == "hasanov-held")
    assert (row["date"], row["bounds"]) == ("", "not after 2021-06")


def test_a_replacing_sentence_comes_after_the_one_it_replaces(engine, data):
    write(data, """\
source: examplestan-2021
sentences:
  - id: mammadova-appeal
    case: mammadova-case
    person: aynur-mammadova
    kind: suspended
    replaces: mammadova-sentence
    change: appeal
    excerpt: sentenced Mammadova to between two and four years in prison
""", "appeal.yaml")
    load_paths(engine, [data])
    assert bounds(engine, Sentence, "mammadova-appeal")[:3] == (
        date(2021, 3, 8), "derived", "sentence:mammadova-sentence")


# --- one order -----------------------------------------------------------------------------------


def test_a_stated_relation_orders_records_whose_bounds_tie(engine, data):
    """Two undated events, the first named after the second: their bounds tie (both only
    before the publication); the relation, not the ids, puts them in order."""
    write(data, """\
source: examplestan-2021
events:
  - id: a-later-detention
    kind: detention
    title: Hasanov detained
    excerpt: was detained in early 2021
    after: b-earlier-report
  - id: b-earlier-report
    kind: statement
    title: Hasanov reports on the trial
    excerpt: who reported on the trial
""", "tie.yaml")
    load_paths(engine, [data])
    with Session(engine) as session:
        ordered = list(session.scalars(select(Event.id).where(
            Event.id.in_(["a-later-detention", "b-earlier-report"]))
            .order_by(*order_by(Event.__table__))))
        listed = [r["id"] for r in list_events(session)
                  if r["id"] in ("a-later-detention", "b-earlier-report")]
    assert ordered == listed == ["b-earlier-report", "a-later-detention"]


# --- refused -------------------------------------------------------------------------------------


def test_a_relation_to_nothing_is_refused_where_it_is_written(engine, data):
    write(data, RELATED.replace("after: [mammadova-trial]", "after: [mammadova-trail]"))
    found = problems(engine, data)
    assert len(found) == 1 and found[0].endswith(
        # a relation written as a plain id stands at its record's line
        "related.yaml:16: event 'hasanov-reporting': after 'mammadova-trail': no event, "
        "charge, sentence or membership has the id 'mammadova-trail'; did you mean "
        "'mammadova-trial'?")


def test_an_id_is_one_records_whatever_its_table(engine, data):
    """An event may not take a sentence's id: `cite` and relations must name one record."""
    write(data, "source: examplestan-2021\n")
    write(data, """\
source: examplestan-2021
events:
  - id: mammadova-sentence
    kind: sentencing
    title: Mammadova sentenced
    excerpt: the Sampleton District Court sentenced Mammadova
""", "twice.yaml")
    found = problems(engine, data)
    assert [p.split(": ", 1)[1] for p in found] == [
        "sentence 'mammadova-sentence': id 'mammadova-sentence' is also the id of an event: "
        "ids are unique across all tables",
        "event 'mammadova-sentence': id 'mammadova-sentence' is also the id of a sentence: "
        "ids are unique across all tables"]


def test_an_id_freed_by_a_rename_is_taken_only_with_prune(engine, data):
    """The sentence renamed, an event taking its old id: the kept sentence (a load keeps
    what the files no longer hold) still has it, and the refusal says how to go on."""
    write(data, "source: examplestan-2021\n")
    load_paths(engine, [data])
    cases = data / "cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").replace(
        "  - id: mammadova-sentence\n", "  - id: mammadova-prison-sentence\n"), encoding="utf-8")
    write(data, """\
source: examplestan-2021
events:
  - id: mammadova-sentence
    kind: sentencing
    title: Mammadova sentenced
    excerpt: the Sampleton District Court sentenced Mammadova
""", "twice.yaml")
    found = problems(engine, data)
    assert len(found) == 1 and found[0].endswith(
        "twice.yaml:3: event 'mammadova-sentence': id 'mammadova-sentence' is also the id "
        "of a sentence: ids are unique across all tables; that sentence is no longer in the "
        "files: --prune removes it")
    report = load_paths(engine, [data], prune=True)
    assert report.tables["sentences"].removed == 1 and report.tables["events"].added == 1


def test_a_kind_given_with_an_id_must_be_the_records(engine, data):
    write(data, "source: examplestan-2021\n")
    write(data, held("after: event:mammadova-sentence"), "kind.yaml")
    found = problems(engine, data)
    assert len(found) == 1 and found[0].endswith(
        "kind.yaml:3: event 'hasanov-held': after 'event:mammadova-sentence': event "
        "'mammadova-sentence' does not exist; did you mean 'sentence:mammadova-sentence'?")
    write(data, (data / "kind.yaml").read_text(encoding="utf-8").replace(
        "event:mammadova-sentence", "sentence:mammadova-sentence"), "kind.yaml")
    load_paths(engine, [data])
    assert bounds(engine, Event, "hasanov-held")[:3] == (
        date(2021, 3, 8), "derived", "sentence:mammadova-sentence")


def test_a_cycle_is_refused_naming_its_records(engine, data):
    write(data, RELATED.replace("    during: sampleton-protest-detentions\n",
                                "    after: hasanov-reporting\n"))
    found = problems(engine, data)
    cycle = ("relations form a cycle: no order puts event:hasanov-reporting, "
             "event:mammadova-arrest, event:mammadova-trial in turn")
    assert [p.split(": ", 2)[-1] for p in found] == [cycle] * 3
    assert [p.split(": ", 2)[1] for p in found] == [
        "event 'mammadova-arrest'", "event 'mammadova-trial'", "event 'hasanov-reporting'"]


def test_a_relation_that_contradicts_stated_dates_is_refused_naming_both(engine, data):
    write(data, """\
source: examplestan-2021
events:
  - id: mammadova-arrest
    kind: arrest
    title: Aynur Mammadova arrested
    excerpt: Aynur Mammadova was arrested the same day
    during: sampleton-protest-detentions
    after: mammadova-sentence
""")
    found = problems(engine, data)
    # the arrest and the sentence both say so, each from its side
    assert len(found) == 2 and any(p.endswith(
        "event 'mammadova-arrest': dates contradict the relations: event 'mammadova-arrest' "
        "(dated undated) would be no earlier than 2021-03-08 (from sentence "
        "'mammadova-sentence', dated 2021-03-08) and no later than 2021-01-31 (from event "
        "'sampleton-protest-detentions', dated 2021-01)") for p in found), found


def test_a_record_dated_after_its_source_was_published_is_refused(engine, data):
    write(data, held("date: In March 2022"), "late.yaml")
    found = problems(engine, data)
    assert len(found) == 1 and found[0].endswith(
        "late.yaml:3: event 'hasanov-held': dated 2022-03, after its source was published "
        "(2022-01-10)")


@pytest.mark.parametrize(("written", "message"), [
    ("after: Not An Id", "after must name a record by its id (or kind:id, kind one of event, "
                         "charge, sentence, membership), not 'Not An Id'"),
    ("after: person:aynur-mammadova", "after must name a record by its id (or kind:id, kind "
                                      "one of event, charge, sentence, membership), not "
                                      "'person:aynur-mammadova'"),
    ("before: {id: mammadova-sentence, excerpt: words not in the report}",
     "excerpt not found in source 'examplestan-2021': 'words not in the report'; nearest at "
     "34-55 (score 0.63): 'is an invented report'"),
    ("during: {id: mammadova-sentence, occurrence: 1}",
     "occurrence needs the during's own excerpt"),
    ("reported: {date: sometime, excerpt: held for several days}",
     "date: date phrase 'sometime' is not understood: give its edtf form too"),
    ("after: {excerpt: held for several days}", "after needs an id"),
    ("after: {id: mammadova-sentence, when: 2021}", "unknown field 'when'"),
    # (not chronology, but the same kind of nested item) a group's part must be one the
    # report can say: "all" would widen it
    ("participants: [{group: journalists, role: victim, qualifier: all}]",
     "qualifier 'all' is not one of: most, many, some, several, few"),
])
def test_a_malformed_relation_is_refused_before_anything_is_written(engine, data, written,
                                                                    message):
    write(data, held(written), "bad.yaml")
    found = problems(engine, data)
    assert len(found) == 1 and found[0].endswith(f"event 'hasanov-held': {message}"), found


# --- what listings and exports carry ------------------------------------------------------------


def test_listings_and_exports_carry_the_bounds_in_the_date_order(engine, migrated_db, data,
                                                                   run, tmp_path):
    load_paths(engine, [data])
    listed = list(csv.DictReader(io.StringIO(run(migrated_db.url, "events", "--format",
                                                 "csv").stdout)))
    trial = next(row for row in listed if row["id"] == "mammadova-trial")
    assert {k: trial[k] for k in ("date", "date_start", "earliest", "earliest_basis",
                                  "earliest_from", "latest", "latest_from", "month",
                                  "bounds")} == {
        "date": "", "date_start": "", "earliest": "2021-01-01", "earliest_basis": "derived",
        "earliest_from": "event:sampleton-protest-detentions", "latest": "2021-03-08",
        "latest_from": "sentence:mammadova-sentence", "month": "",
        "bounds": "not before 2021; not after 2021-03-08"}  # 2021-01-01: the year's first day
    arrest = next(row for row in listed if row["id"] == "mammadova-arrest")
    assert arrest["month"] == "2021-01"  # derived, but the whole span lies in January
    result = run(migrated_db.url, "export", "events", "--format", "csv", "--out",
                 str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    exported = list(csv.DictReader((tmp_path / "out" / "events.csv").open(encoding="utf-8")))
    assert "sort_earliest" not in exported[0] and "earliest_basis" in exported[0]
    assert [row["id"] for row in exported] == [row["id"] for row in listed]
    package = json.loads((tmp_path / "out" / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for r in package["resources"] for f in r["schema"]["fields"]}
    assert "2021-40" not in fields["date_edtf"]["description"]
    assert "YYYY-40 and YYYY-41 the first and second half" in fields["date_edtf"]["description"]
    assert "sort_earliest" not in fields


def test_a_window_counts_on_stderr_what_it_leaves_out(engine, migrated_db, data, run):
    load_paths(engine, [data])
    result = run(migrated_db.url, "events", "--month", "2021-01", "--format", "csv")
    ids = [row["id"] for row in csv.DictReader(io.StringIO(result.stdout))]
    # the arrest lies in January by its derived bounds (its bounds tie with the detentions
    # it lies within: `during` orders nothing, the ids do); the trial may (January to March)
    assert ids == ["mammadova-arrest", "sampleton-protest-detentions"]
    assert result.stderr.splitlines() == [
        "3 event(s) may fall in this period but are not certainly in it; "
        "--include-uncertain lists them"]
    result = run(migrated_db.url, "events", "--month", "2021-01", "--include-uncertain",
                 "--format", "csv")
    why = {row["id"]: row["why"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert why == {"sampleton-protest-detentions": "", "mammadova-arrest": "",
                   "hasanov-detention": "vaguer than the window",
                   "mammadova-trial": "derived bounds", "hasanov-reporting": "open-ended"}
    assert result.stderr == ""


# --- values inferred rather than read (issue 13) ------------------------------------------------


def test_an_inferred_value_is_kept_with_its_reason_shown_and_listed(engine, data, migrated_db,
                                                                    run):
    cases = data / "cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").replace(
        "    court: sampleton-district-court\n",
        "    court: sampleton-district-court\n    status: serving\n"
        "    inferred: {status: \"assumed: the report gives no later change\"}\n"),
        encoding="utf-8")
    load_paths(engine, [data])
    table = run(migrated_db.url, "person", "Aynur Mammadova").stdout
    assert "serving (inferred)" in table
    case_file = json.loads(run(migrated_db.url, "person", "Aynur Mammadova", "--format",
                               "json").stdout)
    [sentence] = case_file["cases"][0]["sentences"]
    assert (sentence["status"], sentence["inferred"]) == (
        "serving", {"status": "assumed: the report gives no later change"})
    check = run(migrated_db.url, "check")
    assert ("inferred: sentence 'mammadova-sentence' status: assumed: the report gives no "
            "later change") in check.stdout.splitlines()


@pytest.mark.parametrize(("written", "message"), [
    ("inferred: {status: guessed}", "inferred names 'status', which the record does not give"),
    ("inferred: serving", "inferred must be a mapping of field names to reasons"),
    ("inferred: {kind: ''}", "inferred kind is empty"),
])
def test_an_inferred_mark_must_name_a_value_the_record_gives(engine, data, written, message):
    write(data, held(written), "bad.yaml")
    found = problems(engine, data)
    assert len(found) == 1 and f"event 'hasanov-held': {message}" in found[0], found


@pytest.mark.parametrize(("written", "message"), [
    ("relations: [{relation: child-of, person: tofiq-hasanov, description: his father}]",
     "a relation needs exactly one of person, description"),
    ("relations: [{relation: child-of}]", "a relation needs exactly one of person, description"),
    ("relations: [{relation: cousin-of, description: a cousin}]",
     "relation 'cousin-of' is not one of: child-of, parent-of, sibling-of, spouse-of, "
     "relative-of"),
    ("relations: [{relation: child-of, person: nobody-at-all}]",
     "person 'nobody-at-all' does not exist"),
])
def test_a_malformed_relation_between_people_is_refused(engine, data, written, message):
    people = data / "people.yaml"
    text = people.read_text(encoding="utf-8")
    assert "  - id: aynur-mammadova\n" in text
    people.write_text(text.replace("  - id: aynur-mammadova\n",
                                   f"  - id: aynur-mammadova\n    {written}\n"),
                      encoding="utf-8")
    found = problems(engine, data)
    assert len(found) == 1 and f"person 'aynur-mammadova': {message}" in found[0], found
