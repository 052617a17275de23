"""Evidence from several sources (issue 15, item 2): a second source's `evidence` records
say of records of the bundled report that they hold (supports), when (dates), or that
another value holds (disputes); each is verified, resolved, cited, counted and exported,
and a second source changes no answer about the facts it does not touch.

The second source is a short note written for these tests (OBSERVERS), not copied from
anywhere: it names real records of the bundled data so that its evidence has something
to be about.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from incidentdb import migrate
from incidentdb.db import make_engine
from incidentdb.loader import LoadError, load_paths
from incidentdb.models import Event, FurtherEvidence

from .conftest import DATA, Database

OBSERVERS = """\
A note by observers of three trials, written for the incidentdb tests.

Tofig Yagublu began a hunger strike in September 2020 while in detention, and an \
appeals court later turned his house arrest into a conditional sentence of 30 months.
The same court, the observers say, reduced the term of Said Mamedzade Bakuvi to three \
years rather than suspending it.
In March 2021 the police also questioned Yagublu about a speech he gave at a rally.
"""

EVIDENCE = """\
source: observers-note

evidence:
  - id: observers-hunger-strike-date
    record: yagublu-hunger-strike
    stance: dates
    date: in September 2020
    excerpt: "Tofig Yagublu began a hunger strike in September 2020"
  - id: observers-conditional-sentence
    record: sentence:yagublu-conditional-30-months
    stance: supports
    excerpt: >-
      an appeals court later turned his house arrest into a conditional sentence of 30
      months
  - id: observers-bakuvi-term
    record: bakuvi-suspended-sentence
    stance: disputes
    disputes: kind
    claim: "reduced the term to three years rather than suspending it"
    excerpt: "reduced the term of Said Mamedzade Bakuvi to three years rather than suspending it"

events:
  - id: observers-yagublu-questioned
    kind: investigation
    title: Police question Tofig Yagublu about a rally speech
    date: In March 2021
    excerpt: "In March 2021 the police also questioned Yagublu about a speech he gave at a rally"
    participants:
      - person: tofig-yagublu
        role: subject
"""


def write_source(folder: Path, evidence: str = EVIDENCE) -> Path:
    """The observers' note, its source record and its data file, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "note.txt").write_text(OBSERVERS, encoding="utf-8")
    digest = hashlib.sha256(OBSERVERS.encode()).hexdigest()
    (folder / "source.yaml").write_text(
        "sources:\n  - id: observers-note\n    title: Observers' note on three trials\n"
        "    publisher: incidentdb tests\n    published: 2021-12-01\n    events_year: 2021\n"
        f"    text: note.txt\n    sha256: {digest}\n", encoding="utf-8")
    (folder / "note.yaml").write_text(evidence, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def two_sources(tmp_path_factory):
    """The bundled data, then the observers' note: one database, loaded in two loads."""
    tmp = tmp_path_factory.mktemp("two-sources")
    database = Database(tmp)
    migrate.upgrade(database.url)
    engine = make_engine(database.url)
    load_paths(engine, [DATA])
    load_paths(engine, [write_source(tmp / "observers")])
    engine.dispose()
    yield database
    database.drop()


def as_json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def as_csv(result):
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


# --- loading ---------------------------------------------------------------------------------


def test_each_evidence_is_resolved_to_its_record(two_sources):
    engine = make_engine(two_sources.url)
    with engine.connect() as conn:
        rows = {r.id: (r.record_table, r.record_id, r.stance, r.source_id)
                for r in conn.execute(select(FurtherEvidence))}
    engine.dispose()
    assert rows == {
        "observers-hunger-strike-date": ("events", "yagublu-hunger-strike", "dates",
                                         "observers-note"),
        "observers-conditional-sentence": ("sentences", "yagublu-conditional-30-months",
                                           "supports", "observers-note"),
        "observers-bakuvi-term": ("sentences", "bakuvi-suspended-sentence", "disputes",
                                  "observers-note")}


def test_loading_the_second_source_again_changes_nothing(two_sources, tmp_path):
    engine = make_engine(two_sources.url)
    report = load_paths(engine, [write_source(tmp_path / "again")])
    engine.dispose()
    assert {t: (c.added, c.changed, c.removed) for t, c in report.tables.items()
            if c.added or c.changed or c.removed} == {}


# --- a tighter date --------------------------------------------------------------------------


def test_a_tighter_date_is_a_stated_bound_whose_origin_is_the_evidence(two_sources):
    engine = make_engine(two_sources.url)
    with engine.connect() as conn:
        strike = conn.execute(select(Event).where(Event.id == "yagublu-hunger-strike")).one()
        arrest = conn.execute(select(Event).where(Event.id == "yagublu-house-arrest")).one()
    engine.dispose()
    # the record's own date is untouched: the report gives none
    assert (strike.date_edtf, strike.date_start, strike.date_end) == (None, None, None)
    assert (str(strike.earliest), strike.earliest_basis, strike.earliest_from) == (
        "2020-09-01", "stated", "evidence:observers-hunger-strike-date")
    assert (str(strike.latest), strike.latest_basis, strike.latest_from) == (
        "2020-09-30", "stated", "evidence:observers-hunger-strike-date")
    # the house arrest came after the hunger strike: it inherits the earliest day
    assert (str(arrest.earliest), arrest.earliest_basis, arrest.earliest_from) == (
        "2020-09-01", "derived", "event:yagublu-hunger-strike")


def test_listings_show_the_tighter_date(two_sources, run):
    events = {e["id"]: e for e in as_json(run(two_sources.url, "events", "--month", "2020-09",
                                              "--format", "json"))}
    assert events["yagublu-hunger-strike"]["bounds"] == "not before 2020-09; not after 2020-09"
    assert events["yagublu-hunger-strike"]["month"] == "2020-09"


# --- cite -----------------------------------------------------------------------------------


def test_cite_lists_every_evidence_of_a_record(two_sources, run):
    cited = as_json(run(two_sources.url, "cite", "yagublu-conditional-30-months", "-f",
                         "json"))
    assert [(c["stance"], c["source_id"], c["id"]) for c in cited] == [
        ("own", "hrw-wr2022-azerbaijan", "yagublu-conditional-30-months"),
        ("supports", "observers-note", "observers-conditional-sentence")]
    start = OBSERVERS.index("an appeals court later")
    assert (cited[1]["start"], cited[1]["end"]) == (
        start, start + len("an appeals court later turned his house arrest into a "
                           "conditional sentence of 30 months"))
    disputed = as_json(run(two_sources.url, "cite", "bakuvi-suspended-sentence", "-f", "json"))
    assert disputed[1]["says"] == ("disputes kind: reduced the term to three years rather "
                                   "than suspending it")
    dated = as_json(run(two_sources.url, "cite", "yagublu-hunger-strike", "-f", "json"))
    assert dated[1]["says"] == "dates it 2020-09 (in September 2020)"


def test_cite_shows_an_excerpt_in_its_context(two_sources, run):
    [own, further] = as_json(run(two_sources.url, "cite", "yagublu-conditional-30-months",
                                 "--context", "20", "-f", "json"))
    excerpt = further["excerpt"]
    start = OBSERVERS.index(excerpt)
    assert further["context"] == (
        "…" + OBSERVERS[start - 20:start] + "[[" + excerpt + "]]"
        + OBSERVERS[start + len(excerpt):start + len(excerpt) + 20] + "…")
    assert own["context"].count("[[") == 1 and own["excerpt"] in own["context"]


# --- case files and listings -------------------------------------------------------------


def test_a_case_file_counts_the_sources_of_each_fact_and_lists_disagreements(two_sources,
                                                                              run):
    yagublu = as_json(run(two_sources.url, "person", "Tofig Yagublu", "--format", "json"))
    timeline = {e["id"]: e["sources"] for e in yagublu["timeline"]}
    assert timeline["yagublu-hunger-strike"] == 2  # dated by the observers too
    assert timeline["yagublu-conviction"] == 1
    assert timeline["observers-yagublu-questioned"] == 1  # the observers' own record
    sentences = {s["id"]: s["sources"] for case in yagublu["cases"] for s in case["sentences"]}
    assert sentences["yagublu-conditional-30-months"] == 2
    assert yagublu["disagreements"] == []
    bakuvi = as_json(run(two_sources.url, "person", "Bakuvi", "--format", "json"))
    assert bakuvi["disagreements"] == [{
        "record": "bakuvi-suspended-sentence", "field": "kind",
        "claim": "reduced the term to three years rather than suspending it",
        "source": "observers-note", "evidence": "observers-bakuvi-term"}]
    table = run(two_sources.url, "person", "Bakuvi").stdout
    assert "Disagreements: what other sources say instead" in table


@pytest.mark.parametrize(("command", "expected"), [
    ("events", ["yagublu-hunger-strike"]),
    ("sentences", ["yagublu-conditional-30-months"]),  # a dispute is no support
    ("charges", []), ("cases", []), ("people", []),
])
def test_min_sources_keeps_what_several_sources_support(two_sources, run, command, expected):
    found = as_csv(run(two_sources.url, command, "--min-sources", "2", "--format", "csv"))
    assert [row["id"] for row in found] == expected
    assert all(row["sources"] == "2" for row in found)
    every = as_csv(run(two_sources.url, command, "--min-sources", "1", "--format", "csv"))
    assert len(every) > len(found)


# --- exports ---------------------------------------------------------------------------------


def test_exports_hold_the_evidence(two_sources, run, tmp_path):
    assert run(two_sources.url, "export", "--format", "csv", "--out", str(tmp_path)
               ).exit_code == 0
    rows = list(csv.DictReader((tmp_path / "evidence.csv").open(encoding="utf-8")))
    assert {r["id"]: r["stance"] for r in rows} == {
        "observers-hunger-strike-date": "dates", "observers-conditional-sentence": "supports",
        "observers-bakuvi-term": "disputes"}
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    [resource] = [r for r in package["resources"] if r["name"] == "evidence"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert "supports: the source says what the record says" in fields["stance"]["description"]


def test_ftm_entities_name_every_source_that_supports_them(two_sources, run, tmp_path):
    out = tmp_path / "ftm"
    assert run(two_sources.url, "export", "--format", "ftm", "--out", str(out)).exit_code == 0
    entities = [json.loads(line) for f in out.iterdir() if f.suffix in (".json", ".ftm")
                for line in f.read_text(encoding="utf-8").splitlines()]
    [strike] = [e for e in entities if e["id"].endswith("-yagublu-hunger-strike")]
    assert strike["properties"]["publisher"] == ["Human Rights Watch", "incidentdb tests"]
    [conviction] = [e for e in entities if e["id"].endswith("-yagublu-conviction")]
    assert conviction["properties"]["publisher"] == ["Human Rights Watch"]


# --- nothing else changes -----------------------------------------------------------------


def _answers(run, url: str) -> dict[str, str]:
    asked = {
        "people": ["people", "--format", "csv"], "cases": ["cases", "--format", "csv"],
        "charges": ["charges", "--format", "csv"],
        "events": ["events", "--limit", "0", "--format", "csv"],
        "sentences": ["sentences", "--format", "csv"], "timeline": ["timeline", "-f", "csv"],
        "aslanov": ["person", "Polad Aslanov", "--format", "json"],
        "apfp": ["org", "APFP", "--format", "json"],
    }
    return {name: run(url, *args).stdout for name, args in asked.items()}


def test_a_second_source_changes_no_answer_about_what_it_does_not_touch(two_sources, loaded_db,
                                                                         run):
    before, after = _answers(run, loaded_db.url), _answers(run, two_sources.url)
    assert before["aslanov"] == after["aslanov"] and before["apfp"] == after["apfp"]
    assert before["people"] == after["people"] and before["cases"] == after["cases"]
    assert before["charges"] == after["charges"]
    # events: one more (the observers' own), and the dates of the three records the
    # tighter date reaches (the hunger strike, the conviction before it, the house arrest
    # after it); every other row is the same, byte for byte
    touched = {"yagublu-hunger-strike", "yagublu-conviction", "yagublu-house-arrest",
               "observers-yagublu-questioned"}
    old = {r["id"]: r for r in csv.DictReader(io.StringIO(before["events"]))}
    new = {r["id"]: r for r in csv.DictReader(io.StringIO(after["events"]))}
    assert set(new) - set(old) == {"observers-yagublu-questioned"}
    assert {i for i in old if old[i] != new[i]} == touched - {"observers-yagublu-questioned"}
    for i in touched - {"observers-yagublu-questioned"}:
        assert _undated(old[i]) == _undated(new[i]), i  # only their derived dates moved
    # sentences: the supported one's count of sources, and the dates of the house arrest
    # the hunger strike led to
    old_s = {r["id"]: r for r in csv.DictReader(io.StringIO(before["sentences"]))}
    new_s = {r["id"]: r for r in csv.DictReader(io.StringIO(after["sentences"]))}
    assert {i for i in old_s if old_s[i] != new_s[i]} == {"yagublu-conditional-30-months",
                                                          "yagublu-house-arrest-sentence"}
    assert new_s["yagublu-conditional-30-months"] == {**old_s["yagublu-conditional-30-months"],
                                                     "sources": "2"}
    assert _undated(old_s["yagublu-house-arrest-sentence"]) == _undated(
        new_s["yagublu-house-arrest-sentence"])
    assert new_s["yagublu-house-arrest-sentence"]["earliest"] == "2020-09-01"


DERIVED = {"earliest", "earliest_basis", "earliest_from", "latest", "latest_basis",
           "latest_from", "month", "bounds", "sources"}


def _undated(row: dict[str, str]) -> dict[str, str]:
    """A listing's row without its derived dates and count of sources."""
    return {k: v for k, v in row.items() if k not in DERIVED}


# --- what a load refuses -------------------------------------------------------------------


@pytest.mark.parametrize(("change", "message"), [
    (("record: yagublu-hunger-strike", "record: yagublu-hungerstrike"),
     "evidence 'observers-hunger-strike-date': record 'yagublu-hungerstrike': no record has "
     "the id 'yagublu-hungerstrike'"),
    (("record: sentence:yagublu-conditional-30-months", "record: event:yagublu-conditional"),
     "evidence 'observers-conditional-sentence': record 'event:yagublu-conditional': event "
     "'yagublu-conditional' does not exist; did you mean 'yagublu-conviction'?"),
    (("    stance: supports\n", "    stance: dates\n"),
     "evidence 'observers-conditional-sentence': stance dates: needs date"),
    (("    disputes: kind\n", "    disputes: severity\n"),
     "evidence 'observers-bakuvi-term': disputes 'severity', which is not a field of "
     "sentence 'bakuvi-suspended-sentence'"),
    (("    date: in September 2020\n", "    date: in September 2021\n"),
     None),  # inside no stated date, but after the 2021 conditional sentence: a cycle of
    #          dates the relations cannot hold (the chronology says so)
])
def test_a_load_refuses_evidence_that_does_not_fit(tmp_path, change, message):
    said, sources = _refused(tmp_path, EVIDENCE.replace(*change))
    if message is not None:
        assert message in said, said
    else:
        assert "dates contradict the relations" in said, said
    assert "observers-note" not in sources  # nothing was written


def test_a_date_outside_the_records_own_is_a_disagreement_not_a_bound(tmp_path):
    outside = EVIDENCE.replace("    record: yagublu-hunger-strike\n",
                               "    record: yagublu-house-arrest-replaced\n")
    said, _ = _refused(tmp_path, outside)
    assert ("evidence 'observers-hunger-strike-date': date 2020-09 is not inside the date "
            "of event 'yagublu-house-arrest-replaced' (2021-07): a source that gives "
            "another date disagrees (stance: disputes, disputes: date, claim: its words)"
            ) in said


def _refused(tmp_path: Path, evidence: str) -> tuple[str, set[str]]:
    """On a fresh database holding the bundled data, the lines of the error a load of the
    observers' note (with `evidence` as its data file) fails with, and the sources the
    database then holds."""
    database = Database(tmp_path)
    try:
        migrate.upgrade(database.url)
        engine = make_engine(database.url)
        load_paths(engine, [DATA])
        with pytest.raises(LoadError) as caught:
            load_paths(engine, [write_source(tmp_path / "bad", evidence)])
        sources = _sources(engine)
        engine.dispose()
    finally:
        database.drop()
    return "\n".join(caught.value.lines()), sources


def test_pruning_a_record_that_further_evidence_is_about_is_refused(tmp_path):
    database = Database(tmp_path)
    try:
        migrate.upgrade(database.url)
        engine = make_engine(database.url)
        data = tmp_path / "data"
        shutil.copytree(DATA, data)
        load_paths(engine, [data])
        load_paths(engine, [write_source(tmp_path / "observers")])
        opposition = data / "political-opposition.yaml"
        text = opposition.read_text(encoding="utf-8")
        start = text.index("  - id: bakuvi-suspended-sentence\n")
        end = text.index("\n\n", start) + 2
        opposition.write_text(text[:start] + text[end:].replace(
            "    replaces: bakuvi-suspended-sentence\n", ""), encoding="utf-8")
        with pytest.raises(LoadError) as caught:
            load_paths(engine, [data], prune=True)
        said = "\n".join(caught.value.lines())
        assert "record 'bakuvi-suspended-sentence': no record has the id" in said, said
        engine.dispose()
    finally:
        database.drop()


def _sources(engine) -> set[str]:
    from incidentdb.models import Source

    with engine.connect() as conn:
        return set(conn.scalars(select(Source.id)))


# --- a database on its own ----------------------------------------------------------------


def test_a_database_file_alone_checks_and_cites(two_sources, tmp_path, monkeypatch, run):
    """Copied alone into an empty folder (its sources' texts are stored in it), a SQLite
    database passes `check` and cites with context; PostgreSQL holds them the same way."""
    from .conftest import BACKEND

    url = two_sources.url
    if BACKEND == "sqlite":
        alone = tmp_path / "alone"
        alone.mkdir()
        shutil.copy(two_sources.path, alone / "copy.db")
        monkeypatch.chdir(alone)
        url = "copy.db"
    checked = run(url, "check")
    assert checked.exit_code == 0, checked.stderr
    assert checked.stdout.rstrip().endswith("No problems found.")
    cited = as_json(run(url, "cite", "observers-bakuvi-term", "--context", "80", "-f", "json"))
    assert "[[reduced the term of Said Mamedzade Bakuvi" in cited[0]["context"]


def test_the_web_case_file_lists_the_disagreements(two_sources, run, tmp_path):
    from .test_web import get

    path = tmp_path / "incidents.db"
    assert run(two_sources.url, "export", "--format", "sqlite", "--out", str(path)
               ).exit_code == 0
    page = get(path, "/-/person?name=Bakuvi")
    assert page.status_code == 200
    assert "Disagreements: what other sources say instead" in page.text
    assert "reduced the term to three years rather than suspending it" in page.text
    untouched = get(path, "/-/person?name=Polad+Aslanov")
    assert "Disagreements" not in untouched.text
