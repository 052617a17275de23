"""Unit tests of finding a person or an organization from typed text (lookup.py).

The rules (lookup.py's docstring and `find_person`): a folded name that equals a stored
folded name wins; otherwise every typed word must begin a word of one name; several
people so found are narrowed to those with every typed word whole; a person found
by two names counts once; nothing found gives up to three close names as a hint;
several found give the candidates, sorted by id, with their names. Organizations
match by id, name or short name, exactly, then by a part of one.

Most cases use the bundled data (session fixture); the rules that need names the
report does not have (two people sharing an alias, a surname that is both a word and
a prefix) use a small data set of invented names, loaded by the real loader.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from incidentdb.db import make_engine
from incidentdb.lookup import Found, LookupFailed, find_organization, find_person

from .conftest import Database, loaded_database

# --- a small data set of invented names ----------------------------------------------------

PEOPLE = [
    ("rauf-kerim", "Rauf Kerim", []),
    ("raufa-kerimova", "Raufa Kerimova", []),
    ("arzu-kerimova", "Arzu Kerimova", []),
    ("vusal-mammadli", "Vusal Mammadli", ["Mammadli"]),
    ("orkhan-mammadli", "Orkhan Mammadli", ["Mammadli"]),
    ("zaur-qocayev", "Zaur Qocayev", ["Z. Qocayev"]),
    ("nigar-sultan", "Nigar Sultan", []),
    ("nigar-sultan-aliyeva", "Nigar Sultan Aliyeva", []),
    ("tural-dashdemirov", "Tural Dashdemirov", []),
    ("tural-dashdemirli", "Tural Dashdemirli", []),
    ("tural-dashdemirzade", "Tural Dashdemirzade", []),
    ("tural-dashdemirbeyli", "Tural Dashdemirbeyli", []),
]
ORGANIZATIONS = [
    ("north-river-council", "North River Council", "NRC"),
    ("north-river-court", "North River Court", None),
    ("south-bank-guild", "South Bank Guild", "SBG"),
]


def write_people(folder: Path) -> None:
    source = "lookup-test"
    lines = [f"{name} was named in the lookup test text." for _, name, _ in PEOPLE]
    lines += [f"{name} was named as an organization here." for _, name, _ in ORGANIZATIONS]
    report = "Invented for the incidentdb lookup tests.\n\n" + "\n".join(lines) + "\n"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "report.txt").write_text(report, encoding="utf-8", newline="")
    files = {
        "sources/report.yaml": {"sources": [{
            "id": source, "title": "Lookup test report", "publisher": "incidentdb tests",
            "published": "2022-01-10", "events_year": 2021, "text": "report.txt",
            "sha256": hashlib.sha256(report.encode("utf-8")).hexdigest()}]},
        "people.yaml": {"source": source, "people": [
            {"id": pid, "name": name, "aliases": aliases,
             "excerpt": f"{name} was named in the lookup test text."}
            for pid, name, aliases in PEOPLE]},
        "organizations.yaml": {"source": source, "organizations": [
            {"id": oid, "name": name, "kind": "court", "excerpt":
             f"{name} was named as an organization here.",
             **({"short_name": short} if short else {})}
            for oid, name, short in ORGANIZATIONS]},
    }
    for path, content in files.items():
        (folder / path).write_text(json.dumps(content, indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def invented(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tmp = tmp_path_factory.mktemp("lookup")
    write_people(tmp / "data")
    database: Database = loaded_database(tmp, tmp / "data")
    engine = make_engine(database.url)
    with Session(engine) as session:
        yield session
    engine.dispose()
    database.drop()


def refusal(session: Session, text: str, organization: bool = False) -> LookupFailed:
    with pytest.raises(LookupFailed) as failed:
        (find_organization if organization else find_person)(session, text)
    return failed.value


# --- people --------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "person_id", "name"), [
    ("Tofiq Yaqublu", "tofig-yagublu", "Tofig Yagublu"),  # the folded full name
    ("Yagublu", "tofig-yagublu", "Tofig Yagublu"),  # an alias: the person's name comes back
    ("Tofig Yag", "tofig-yagublu", "Tofig Yagublu"),  # each word begins a word
    ("Yagub", "tofig-yagublu", "Tofig Yagublu"),
    ("Maharramov", "agil-maharramov", "Agil Maharramov"),
    ("Mahammad", "mahammad-imanli", "Mahammad Imanli"),
])
def test_a_person_is_found_by_name_alias_or_word_beginnings(
        session: Session, typed: str, person_id: str, name: str) -> None:
    assert find_person(session, typed) == Found(person_id, name)


@pytest.mark.parametrize(("typed", "person_id"), [
    ("Arz", "arzu-kerimova"),  # the beginning of a first word, one person
    ("Kerimova Ar", "arzu-kerimova"),
    ("Kerim", "rauf-kerim"),  # begins three surnames, is the whole of one
    ("Kerim Rauf", "rauf-kerim"),  # every word whole, in another order
    ("Mammadli Vusal", "vusal-mammadli"),
    ("Qocayev", "zaur-qocayev"),  # found by two of its names: one person
    ("Z Qocayev", "zaur-qocayev"),  # the alias, folded
    # a whole name, also the beginning of a longer one: the exact name wins
    ("Nigar Sultan", "nigar-sultan"),
    ("Nigar Sultan Aliyeva", "nigar-sultan-aliyeva"),
])
def test_a_person_is_found_by_words_when_one_person_fits(
        invented: Session, typed: str, person_id: str) -> None:
    assert find_person(invented, typed).id == person_id


@pytest.mark.parametrize(("typed", "candidates"), [
    # an alias two people share: the exact match is ambiguous
    ("Mammadli", [("orkhan-mammadli", "Orkhan Mammadli"), ("vusal-mammadli", "Vusal Mammadli")]),
    # a whole word of two people, and the beginning of none other
    ("Kerimova", [("arzu-kerimova", "Arzu Kerimova"), ("raufa-kerimova", "Raufa Kerimova")]),
    # the beginning of two surnames, the whole of none
    ("Raufa Ker", [("raufa-kerimova", "Raufa Kerimova")]),
    ("Tural Dashdemir", [("tural-dashdemirbeyli", "Tural Dashdemirbeyli"),
                         ("tural-dashdemirli", "Tural Dashdemirli"),
                         ("tural-dashdemirov", "Tural Dashdemirov"),
                         ("tural-dashdemirzade", "Tural Dashdemirzade")]),
])
def test_several_people_are_listed_by_id_with_their_names(
        invented: Session, typed: str, candidates: list[tuple[str, str]]) -> None:
    if len(candidates) == 1:
        assert find_person(invented, typed).id == candidates[0][0]
        return
    failed = refusal(invented, typed)
    assert str(failed) == f"{typed!r} matches {len(candidates)} people; be more precise"
    assert failed.candidates == candidates


def test_ibrahim_matches_three_people_of_the_report(session: Session) -> None:
    failed = refusal(session, "Ibrahim")
    assert str(failed) == "'Ibrahim' matches 3 people; be more precise"
    assert failed.candidates == [("ibrahim-salamov", "Ibrahim Salamov"),
                                 ("mammad-ibrahim", "Mammad Ibrahim"),
                                 ("mehdi-ibrahimov", "Mehdi Ibrahimov")]


@pytest.mark.parametrize(("typed", "message"), [
    ("", "no person matches '': type a name"),
    ("-- %", "no person matches '-- %': type a name"),
    ("Qqqqzzzz", "no person matches 'Qqqqzzzz'"),
    ("Tofig Zzzz", "no person matches 'Tofig Zzzz'; did you mean Tofig Yagublu?"),
    ("Yagubli", "no person matches 'Yagubli'; did you mean Tofig Yagublu?"),
])
def test_no_person_found_says_so_with_close_names(session: Session, typed: str,
                                                  message: str) -> None:
    failed = refusal(session, typed)
    assert str(failed) == message
    assert failed.candidates == []


def test_at_most_three_close_names_are_suggested(invented: Session) -> None:
    # "Dashdemirx" begins no word; four surnames are close to it, the three closest shown
    message = str(refusal(invented, "Dashdemirx"))
    prefix = "no person matches 'Dashdemirx'; did you mean "
    assert message.startswith(prefix) and message.endswith("?")
    shown = message[len(prefix):-1].split(", ")
    assert len(shown) == 3
    # closest first (difflib's ratio: -ov and -li 0.86, -zade 0.78, -beyli 0.75)
    assert set(shown[:2]) == {"Tural Dashdemirov", "Tural Dashdemirli"}
    assert shown[2] == "Tural Dashdemirzade"


def test_a_name_close_to_a_whole_name_is_suggested(invented: Session) -> None:
    assert str(refusal(invented, "Rauf Kerimx")) == (
        "no person matches 'Rauf Kerimx'; did you mean Rauf Kerim, Raufa Kerimova, Arzu Kerimova?")


# --- organizations -------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "org_id", "name"), [
    ("APFP", "apfp", "Popular Front Party of Azerbaijan"),  # short name
    ("apfp", "apfp", "Popular Front Party of Azerbaijan"),
    ("Popular Front Party of Azerbaijan", "apfp", "Popular Front Party of Azerbaijan"),
    ("baku-police", "baku-police", "Baku police"),  # id, dashes as spaces
    ("Baku police", "baku-police", "Baku police"),
    ("azerbaijan police", "azerbaijan-police", "police"),  # by id only
    ("police", "azerbaijan-police", "police"),  # exact name beats "Baku police"
    ("Council of Europe", "council-of-europe", "Council of Europe"),  # exact beats parts
    ("Secretary of State", "us-secretary-of-state", "US Secretary of State"),  # a part
    ("ECtHR", "ecthr", "European Court of Human Rights"),
    ("Mingechevir", "mingechevir-housing-department",
     "Mingechevir city’s housing and maintenance department"),
])
def test_an_organization_is_found_by_id_name_short_name_or_a_part(
        session: Session, typed: str, org_id: str, name: str) -> None:
    assert find_organization(session, typed) == Found(org_id, name)


@pytest.mark.parametrize(("typed", "org_id"), [
    ("NRC", "north-river-council"),
    ("north river court", "north-river-court"),
    ("SBG", "south-bank-guild"),
    ("Bank", "south-bank-guild"),
    ("Guild", "south-bank-guild"),
])
def test_an_invented_organization_is_found(invented: Session, typed: str, org_id: str) -> None:
    assert find_organization(invented, typed).id == org_id


def test_at_most_three_close_organizations_are_suggested_closest_first(
        session: Session) -> None:
    # folded names and aliases within difflib's cutoff (0.6) of "azarbaijani forjaskh":
    # the three closest (difflib.get_close_matches, which measures from the name) are shown,
    # the report's other names for a body ("Azerbaijani authorities") among them
    assert str(refusal(session, "Azerbaijani forcesx", organization=True)) == (
        "no organization matches 'Azerbaijani forcesx'; did you mean Azerbaijani forces, "
        "Azerbaijani authorities, Azerbaijani courts?")


def test_several_organizations_are_listed_by_id_with_their_names(invented: Session) -> None:
    failed = refusal(invented, "North River", organization=True)
    assert str(failed) == "'North River' matches 2 organizations; be more precise"
    assert failed.candidates == [("north-river-council", "North River Council"),
                                 ("north-river-court", "North River Court")]


@pytest.mark.parametrize(("typed", "message"), [
    ("", "no organization matches '': type a name"),
    ("%", "no organization matches '%': type a name"),
    ("Qqqqzzzz", "no organization matches 'Qqqqzzzz'"),
    ("North Rivr Court", "no organization matches 'North Rivr Court'; "
                         "did you mean North River Court, North River Council?"),
    # an empty short name is no key: it would be part of every text
    ("XXXX", "no organization matches 'XXXX'"),
])
def test_no_organization_found_says_so_with_close_names(invented: Session, typed: str,
                                                        message: str) -> None:
    failed = refusal(invented, typed, organization=True)
    assert str(failed) == message
    assert failed.candidates == []
