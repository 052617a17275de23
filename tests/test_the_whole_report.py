"""The rest of the report: what it says of parts of groups, one record per id, and how
much of it the records capture."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from incidentdb.coverage import coverage
from incidentdb.db import make_engine


def test_a_group_the_report_calls_most_is_never_widened_to_all(loaded_db, run):
    result = run(loaded_db.url, "events", "--limit", "0", "--format", "json")
    event = next(row for row in json.loads(result.stdout)
                 if row["id"] == "women-killed-first-half-2021")
    assert "husbands, partners, or family members (most)" in event["who"]
    assert "husbands, partners, or family members" not in event["who"]


def test_cite_names_one_record_for_an_id(loaded_db, run):
    rows = json.loads(run(loaded_db.url, "cite", "yagublu-house-arrest", "--format",
                          "json").stdout)
    assert [(row["table"], row["id"]) for row in rows] == [("events", "yagublu-house-arrest")]
    rows = json.loads(run(loaded_db.url, "cite", "yagublu-house-arrest-sentence", "--format",
                          "json").stdout)
    assert [row["table"] for row in rows] == ["sentences"]


def test_at_least_95_percent_of_the_report_is_captured_and_the_rest_is_marked(loaded_db,
                                                                               run):
    engine = make_engine(loaded_db.url)
    with Session(engine) as session:
        [report] = coverage(session)
    engine.dispose()
    assert report.share >= 0.95, [s.text for s in report.uncovered]
    assert report.uncovered == []
    assert all(reasons for _, reasons in report.omitted)
    result = run(loaded_db.url, "check", "--coverage")
    assert result.exit_code == 0, result.output


def test_every_name_the_report_gives_a_body_finds_it(loaded_db, run):
    for typed, org_id in (("the Assembly", "pace"), ("PACE", "pace"),
                          ("Azerbaijani authorities", "azerbaijan-government"),
                          ("European Court", "ecthr"),
                          ("Prosecutor General's Office", "azerbaijan-prosecutor-general"),
                          ("General Prosecutor’s Office", "azerbaijan-prosecutor-general"),
                          ("armenian/nagorno-karabakh forces", "armenian-forces")):
        result = run(loaded_db.url, "org", typed, "--format", "json")
        assert result.exit_code == 0, (typed, result.output)
        assert json.loads(result.stdout)["id"] == org_id, typed
    by_alias = run(loaded_db.url, "events", "--org", "the Assembly", "--format", "json")
    by_name = run(loaded_db.url, "events", "--org", "PACE", "--format", "json")
    assert json.loads(by_alias.stdout) == json.loads(by_name.stdout) != []
    wrong = run(loaded_db.url, "org", "Asembly")
    assert wrong.exit_code == 1
    assert wrong.stderr == "Error: no organization matches 'Asembly'; did you mean the Assembly?\n"
    assert "the Assembly" in json.loads(run(loaded_db.url, "org", "pace", "--format",
                                            "json").stdout)["names"]


def test_statuses_assumed_by_convention_are_marked_and_listed(loaded_db, run):
    check = run(loaded_db.url, "check").stdout.splitlines()
    inferred = [line for line in check if line.startswith("inferred: ")]
    assert ("inferred: sentence 'ahmedov-sentenced-13-years' status: by convention "
            "(docs/data-format.md): imposed in 2021, no later change reported") in inferred
    assert any(line.startswith("inferred: sentence 'yagublu-house-arrest-sentence' replaces: ")
               for line in inferred)
    # what the report states is not marked: Aslanov "continues to serve"
    assert not any("'aslanov-sentenced-16-years'" in line for line in inferred)
    case_file = json.loads(run(loaded_db.url, "person", "Niyameddin Ahmedov", "--format",
                               "json").stdout)
    [sentence] = [s for case in case_file["cases"] for s in case["sentences"]]
    assert sentence["status"] == "serving" and "status" in sentence["inferred"]
    assert "serving (inferred)" in run(loaded_db.url, "person", "Niyameddin Ahmedov").stdout


def test_a_relation_to_a_person_the_report_does_not_name_is_in_the_case_file(loaded_db, run):
    case_file = json.loads(run(loaded_db.url, "person", "Mehdi Ibrahimov", "--format",
                               "json").stdout)
    assert case_file["relations"] == [{
        "person": "Mehdi Ibrahimov", "relation": "child-of",
        "other": "the APFP deputy chairman", "other_id": "",
        "evidence": "mehdi-ibrahimov/child-of/the-apfp-deputy-chairman"}]
    [cited] = json.loads(run(loaded_db.url, "cite",
                             "mehdi-ibrahimov/child-of/the-apfp-deputy-chairman",
                             "--format", "json").stdout)
    assert cited["excerpt"] == "Mehdi Ibrahimov, son of the APFP deputy chairman"
    assert "the APFP deputy chairman" in run(loaded_db.url, "person", "Mehdi Ibrahimov").stdout


def test_every_name_of_an_instrument_reaches_every_event_that_names_it(loaded_db, run):
    def events(name: str) -> list[str]:
        result = run(loaded_db.url, "events", "--instrument", name, "--format", "json")
        assert result.exit_code == 0, result.output
        return [row["id"] for row in json.loads(result.stdout)]

    both = ["womens-day-march-activists-detained", "british-embassy-killings-of-women"]
    assert events("Istanbul Convention") == both
    assert events("Convention on the Prevention of Violence against Women") == both
    assert events("Safe Schools Declaration") == ["safe-schools-declaration-not-endorsed"]
    assert events("treaty prohibiting anti-personnel landmines") == [
        "mine-ban-treaty-not-ratified"]
    assert events("January 2020 resolution") == [
        "pace-resolution-january-2020-political-prisoners",
        "pace-rapporteur-political-prisoners-june"]
    wrong = run(loaded_db.url, "events", "--instrument", "Istambul Convention")
    assert wrong.exit_code == 1
    assert wrong.stderr == ("Error: no instrument matches 'Istambul Convention'; did you "
                            "mean Istanbul Convention?\n")
    found = run(loaded_db.url, "search", "Safe Schools", "--format", "csv").stdout
    assert "instrument,safe-schools-declaration,Safe Schools Declaration," in found
