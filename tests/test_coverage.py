"""Coverage: sentences split as this kind of text needs, and which ones records touch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from incidentdb.coverage import coverage, split_sentences
from incidentdb.errors import UserError
from incidentdb.loader import load_paths

BASE = Path(__file__).resolve().parent / "malformed" / "_base"


def test_sentences_are_split_where_paragraphs_run_together():
    text = ("First claim made here.Second one follows.” Then a quote ends it. "
            "Freedom of SpeechIn May, a court ruled (see U.S. law).Key ActorsThe ECtHR said so.")
    found = [(s.text, s.heading) for s in split_sentences(text)]
    assert found == [
        ("First claim made here.", False), ("Second one follows.”", False),
        ("Then a quote ends it.", False), ("Freedom of Speech", True),
        ("In May, a court ruled (see U.S. law).", False), ("Key Actors", True),
        ("The ECtHR said so.", False)]
    for sentence in split_sentences(text):  # the offsets give the text back
        assert text[sentence.start:sentence.end] == sentence.text


def test_the_bundled_report_splits_into_its_sentences_and_six_headings():
    text = (Path(__file__).resolve().parent.parent / "data" / "sources"
            / "hrw-wr2022-azerbaijan.txt").read_text(encoding="utf-8")
    sentences = split_sentences(text)
    headings = [s.text for s in sentences if s.heading]
    assert headings == ["Nagorno Karabakh: Landmines, Prisoners of War (POWs)",
                        "Prosecuting Political Opposition", "Freedom of Expression",
                        "Gender-Based Violence", "Torture and Ill-Treatment in Detention",
                        "Key International Actors"]
    texts = [s.text for s in sentences]
    assert "Other APFP members serving prison sentences on bogus charges handed down in " \
           "previous years include Alizamin Salayev, Saleh Rustamov, Agil Maharramov, and " \
           "Pasha Umudov." in texts  # "Umudov.In July": cut between the two
    assert any(t.startswith("In July, an appeals court replaced the house arrest") for t in texts)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(BASE, target)
    return target


def test_coverage_counts_covered_omitted_and_uncovered_sentences(engine, data, migrated_db,
                                                                  run):
    load_paths(engine, [data])
    with Session(engine) as session:
        [report] = coverage(session)
    # the report's five sentences: the title line and the invented-report notice are
    # captured by nothing; the rest by the records of the base data
    assert [s.text for s in report.uncovered] == [
        "Examplestan: Events of 2021\n\nThis is an invented report, written for the incidentdb "
        "tests.", "Every name in it is fictional."]
    assert len(report.covered) == 4 and report.share == pytest.approx(4 / 6)
    result = run(migrated_db.url, "check", "--coverage")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "examplestan-2021: 4 of 6 sentences covered (66.7%), 0 marked as not captured, "
        "2 uncovered; 0 headings not counted")
    assert result.stderr == "2 sentence(s) neither captured nor marked as not captured.\n"
    (data / "omitted.yaml").write_text("""\
source: examplestan-2021
omissions:
  - id: fiction-notice
    reason: the report's notice about itself, not an assertion about events
    excerpt: Every name in it is fictional.
  - id: title-and-notice
    reason: title and notice
    excerpt: This is an invented report
""", encoding="utf-8")
    load_paths(engine, [data])
    result = run(migrated_db.url, "check", "--coverage", "examplestan-2021")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "examplestan-2021: 4 of 6 sentences covered (66.7%), 2 marked as not captured, "
        "0 uncovered; 0 headings not counted",
        # one line each, white space folded
        "not captured [0-90] (title and notice): Examplestan: Events of 2021 This is an "
        "invented report, written for the incidentdb tests.",
        "not captured [91-121] (the report's notice about itself, not an assertion about "
        "events): Every name in it is fictional."]


def test_coverage_of_an_unknown_source_is_one_clear_error(engine, data, migrated_db, run):
    load_paths(engine, [data])
    with Session(engine) as session, pytest.raises(UserError, match="no source 'nope'; "
                                                   "sources: examplestan-2021"):
        coverage(session, "nope")
    result = run(migrated_db.url, "check", "--coverage", "nope")
    assert result.exit_code == 1
    assert result.stderr == "Error: no source 'nope'; sources: examplestan-2021\n"
    assert run(migrated_db.url, "check", "examplestan-2021").exit_code == 2
