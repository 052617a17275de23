"""queries.py and prosecutions.py function by function: the filters, orders and labels
of every answer.

The library functions are called directly with a session. Most cases use a small
invented data set (Ruritania, 2020), written below and loaded by the real loader, so
that every expected value can be worked out by hand from the records: two people of
one name, a sentence replaced by an undated one, events on the edges of a month and
of a year, dates open at one end, an organization taking part twice in one event,
an id shared by an event and a sentence. A few cases check the bundled data (the
`session` fixture), whose records are in data/*.yaml.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from incidentdb import prosecutions
from incidentdb.dates import DateError
from incidentdb.db import make_engine
from incidentdb.prosecutions import charge_matches, list_cases, list_people
from incidentdb.queries import (
    cite,
    count_up_to,
    event_window,
    events_left_out,
    events_of_person,
    list_events,
    list_organizations,
    offence_summary,
    person_names,
    stats,
    term_label,
    timeline,
)
from incidentdb.search import count_matches, search

from .conftest import Database, loaded_database

# --- the invented data set ---------------------------------------------------------------

SOURCE = "ruritania-2020"
TITLE = "Ruritania: Events of 2020"
PUBLISHER = "incidentdb query tests"

# Every excerpt below is one line of this text, and no line holds another.
REPORT = """\
Ruritania: Events of 2020

An invented report, written for the incidentdb query tests. Every name in it is made up.

Anna Berg writes a column on the courts and keeps a blog.
Carl Dahl works as a lawyer in the capital.
The activist Eva Falk speaks for the harbour workers.
Her aunt, who is also called Eva Falk, keeps a bakery by the river.
Gus Holm, a politician, leads his party.
Ida Jung is an official of the ministry.
The Unity Party (UP) sits in opposition.
The Capital Court hears most political cases.
The Ministry of Justice runs the prisons and appoints the judges.
The Harbour Gazette reports on all of it.
Berg joined the UP as a member last year.
Holm has led the UP since its founding.
Holm also advises the ministry as an official.
Jung has served the ministry for ten years.
Critics are often accused of petty theft.
Others face claims of tax evasion.
Some are said to have insulted the monarch.
Strikers are charged with unlawful assembly.
Loitering is also an offence in Ruritania.
Loitering after dark is another.
Lèse-majesté is the old name for it.
Berg was charged with shoplifting a loaf of bread.
Berg was also charged with mocking the king in a column.
Dahl was charged with hiding income from his clients.
Falk was charged with unpaid levies on her boat.
Falk was later charged with unpaid harbour dues as well.
Holm was charged with receiving stolen goods.
Seven harbour workers were charged with gathering without a permit.
Berg was prosecuted for her writing.
Dahl and Falk were tried together with at least three others.
Seven harbour workers were prosecuted after the strike.
Holm was prosecuted over a gift he received.
Jung was fined for a late filing.
An inquiry into the harbour fire was opened.
In March Berg was sentenced to two and a half years in prison.
An appeal court later changed this to eighteen months of house arrest.
In June Dahl was sentenced to between two and four years in prison.
In July Falk was given a one-year suspended sentence.
Dahl was also fined, on a date the report does not give.
In August the harbour workers were sentenced to one to two years in prison.
The same month each of them was also fined.
Holm was sentenced to life in prison.
On April 2 Jung paid a fine.
On March 3 police arrested Berg outside the Capital Court.
In March Berg stood trial at the Capital Court.
In June and July Falk led dozens of students in marches.
On June 5 Falk was detained.
Throughout 2020 the UP backed a harbour strike against the Ministry of Justice.
Jung made a statement on an unknown date.
The previous November Dahl was released from an earlier detention.
In previous years many exiled writers were forced out.
From May onwards Berg was watched by the police.
On May 31 the court heard Dahl and Falk.
On June 1 the ministry issued a statement.
On June 30 the ministry issued a notice.
On June 30 the ministry issued a bulletin.
On June 30 the court gave its ruling.
On July 1 Dahl and Falk appealed.
From December 2019 to December 2020 talks were held.
On January 1 the ministry made a statement.
On December 31 the ministry made a further statement.
On May 1 the workers marched.
In October Holm was charged.
"""

SOURCES_YAML = """\
sources:
  - id: ruritania-2020
    title: "Ruritania: Events of 2020"
    publisher: incidentdb query tests
    published: 2021-01-15
    events_year: 2020
    text: report.txt
    sha256: {sha256}
"""

RECORDS_YAML = """\
source: ruritania-2020
offences:
  - id: theft
    name: Petty theft
    excerpt: Critics are often accused of petty theft.
  - id: tax-evasion
    name: Evasion of taxes
    excerpt: Others face claims of tax evasion.
  - id: insulting-the-monarch
    name: Insulting the monarch
    excerpt: Some are said to have insulted the monarch.
  - id: unlawful-assembly
    name: Unlawful assembly
    excerpt: Strikers are charged with unlawful assembly.
  - id: loitering
    name: Loitering
    excerpt: Loitering is also an offence in Ruritania.
  # a second category of the same name (names are not unique): counted apart
  - id: loitering-at-night
    name: Loitering
    excerpt: Loitering after dark is another.
  # lower-case letters that are not ASCII, for matching in lower case
  - id: lese-majeste
    name: Lèse-majesté
    excerpt: Lèse-majesté is the old name for it.

people:
  - id: anna-berg
    name: Anna Berg
    aliases: [Berg, A. Berg]
    description: A columnist on the courts.
    occupations: [journalist, blogger]
    excerpt: Anna Berg writes a column on the courts and keeps a blog.
  - id: lawyer-dahl
    name: Carl Dahl
    occupations: [lawyer]
    excerpt: Carl Dahl works as a lawyer in the capital.
  # written before her aunt, whose id comes first: only the id orders the two
  - id: eva-falk
    name: Eva Falk
    occupations: [activist]
    excerpt: The activist Eva Falk speaks for the harbour workers.
  - id: elder-eva-falk
    name: Eva Falk
    description: A baker, aunt of the activist.
    excerpt: Her aunt, who is also called Eva Falk, keeps a bakery by the river.
  - id: gus-holm
    name: Gus Holm
    occupations: [politician, party-leader]
    excerpt: Gus Holm, a politician, leads his party.
  - id: ida-jung
    name: Ida Jung
    occupations: [official]
    excerpt: Ida Jung is an official of the ministry.

organizations:
  - id: unity-party
    name: Unity Party
    short_name: UP
    kind: political-party
    excerpt: The Unity Party (UP) sits in opposition.
  - id: capital-court
    name: Capital Court
    kind: court
    parent: justice-ministry
    excerpt: The Capital Court hears most political cases.
  - id: justice-ministry
    name: Ministry of Justice
    kind: government
    excerpt: The Ministry of Justice runs the prisons and appoints the judges.
  # no members, no events
  - id: harbour-gazette
    name: Harbour Gazette
    kind: media
    excerpt: The Harbour Gazette reports on all of it.

memberships:
  - id: berg-up
    person: anna-berg
    organization: unity-party
    role: member
    excerpt: Berg joined the UP as a member last year.
  # the party first: Holm's organizations come in name order all the same
  - id: holm-up
    person: gus-holm
    organization: unity-party
    role: leader
    excerpt: Holm has led the UP since its founding.
  - id: holm-ministry
    person: gus-holm
    organization: justice-ministry
    role: official
    excerpt: Holm also advises the ministry as an official.
  - id: jung-ministry
    person: ida-jung
    organization: justice-ministry
    role: official
    excerpt: Jung has served the ministry for ten years.

cases:
  # written first: only the id puts it last; the aunt is a defendant, neither charged nor
  # sentenced
  - id: quiet-case
    title: Inquiry into the harbour fire
    status: investigation
    defendants: [elder-eva-falk]
    excerpt: An inquiry into the harbour fire was opened.
  - id: berg-case
    title: Prosecution of Anna Berg
    status: sentenced
    defendants: [anna-berg]
    excerpt: Berg was prosecuted for her writing.
  - id: dahl-falk-case
    title: Trial of Carl Dahl and Eva Falk
    status: trial
    defendants: [eva-falk, lawyer-dahl]
    defendant_count: {value: 5, qualifier: at-least}
    excerpt: Dahl and Falk were tried together with at least three others.
  - id: group-case
    title: Case of the harbour workers
    status: pardoned
    defendants: []
    defendant_count: 7
    excerpt: Seven harbour workers were prosecuted after the strike.
  # Holm is charged here, not listed as a defendant
  - id: holm-case
    title: Prosecution of Gus Holm
    status: convicted
    defendants: []
    excerpt: Holm was prosecuted over a gift he received.
  # Jung is only sentenced here
  - id: jung-fine-case
    title: Fine imposed on Ida Jung
    status: closed
    defendants: []
    excerpt: Jung was fined for a late filing.

charges:
  - id: berg-theft
    case: berg-case
    person: anna-berg
    offence: theft
    wording: shoplifting a loaf
    excerpt: Berg was charged with shoplifting a loaf of bread.
  - id: berg-mocking
    case: berg-case
    person: anna-berg
    offence: insulting-the-monarch
    wording: mocking the king
    excerpt: Berg was also charged with mocking the king in a column.
  - id: dahl-income
    case: dahl-falk-case
    person: lawyer-dahl
    offence: tax-evasion
    wording: hiding income
    excerpt: Dahl was charged with hiding income from his clients.
  - id: falk-levies
    case: dahl-falk-case
    person: eva-falk
    offence: tax-evasion
    wording: unpaid levies
    excerpt: Falk was charged with unpaid levies on her boat.
  - id: falk-dues
    case: dahl-falk-case
    person: eva-falk
    offence: tax-evasion
    wording: unpaid harbour dues
    excerpt: Falk was later charged with unpaid harbour dues as well.
  - id: holm-goods
    case: holm-case
    person: gus-holm
    offence: theft
    wording: receiving stolen goods
    excerpt: Holm was charged with receiving stolen goods.
  - id: harbour-assembly
    case: group-case
    offence: unlawful-assembly
    wording: gathering without a permit
    excerpt: Seven harbour workers were charged with gathering without a permit.

sentences:
  - id: berg-prison
    case: berg-case
    person: anna-berg
    kind: imprisonment
    term_months: 30
    date: In March
    excerpt: In March Berg was sentenced to two and a half years in prison.
  # undated: the replaced sentence (dated) would come first if it were not left out
  - id: berg-house
    case: berg-case
    person: anna-berg
    kind: house-arrest
    term_months: 18
    replaces: berg-prison
    change: appeal
    excerpt: An appeal court later changed this to eighteen months of house arrest.
  - id: dahl-prison
    case: dahl-falk-case
    person: lawyer-dahl
    kind: imprisonment
    term_months: {min: 24, max: 48}
    date: In June
    excerpt: In June Dahl was sentenced to between two and four years in prison.
  - id: falk-suspended
    case: dahl-falk-case
    person: eva-falk
    kind: suspended
    term_months: 12
    date: In July
    excerpt: In July Falk was given a one-year suspended sentence.
  - id: dahl-fine
    case: dahl-falk-case
    person: lawyer-dahl
    kind: fine
    excerpt: Dahl was also fined, on a date the report does not give.
  # both in August: the smaller id is the latest; written second on purpose
  - id: harbour-b
    case: group-case
    group: the harbour workers
    kind: fine
    date: In August
    excerpt: The same month each of them was also fined.
  - id: harbour-a
    case: group-case
    group: the harbour workers
    kind: imprisonment
    term_months: {min: 12, max: 24}
    date: In August
    excerpt: In August the harbour workers were sentenced to one to two years in prison.
  # the sentence names no one: Holm is only charged in his case
  - id: holm-life
    case: holm-case
    kind: life-imprisonment
    excerpt: Holm was sentenced to life in prison.
  - id: jung-fine
    case: jung-fine-case
    person: ida-jung
    kind: fine
    date: On April 2
    excerpt: On April 2 Jung paid a fine.
"""

EVENTS_YAML = """\
source: ruritania-2020
events:
  - id: berg-arrest
    kind: arrest
    title: Berg arrested
    case: berg-case
    date: On March 3
    excerpt: On March 3 police arrested Berg outside the Capital Court.
    participants:
      - person: anna-berg
        role: victim
      - organization: capital-court
        role: court
  - id: berg-trial
    kind: trial
    title: Berg on trial
    case: berg-case
    date: In March
    excerpt: In March Berg stood trial at the Capital Court.
    participants:
      - organization: capital-court
        role: court
      - organization: capital-court
        role: authority
  - id: falk-protest
    kind: protest
    title: Student marches
    date: In June and July
    excerpt: In June and July Falk led dozens of students in marches.
    participants:
      - person: eva-falk
        role: subject
      - group: dozens of students
        role: subject
  - id: falk-detention
    kind: detention
    title: Falk detained
    case: dahl-falk-case
    date: On June 5
    excerpt: On June 5 Falk was detained.
    participants:
      - person: eva-falk
        role: victim
  - id: harbour-strike
    kind: protest
    title: Harbour strike
    date: Throughout 2020
    excerpt: Throughout 2020 the UP backed a harbour strike against the Ministry of Justice.
    participants:
      - organization: unity-party
        role: subject
      - organization: justice-ministry
        role: target
  - id: jung-statement
    kind: statement
    title: Jung speaks
    excerpt: Jung made a statement on an unknown date.
    participants:
      - person: ida-jung
        role: speaker
  - id: dahl-release
    kind: release
    title: Dahl released
    date: {text: The previous November, edtf: "2019-11"}
    excerpt: The previous November Dahl was released from an earlier detention.
    participants:
      - person: lawyer-dahl
        role: subject
  - id: exile-before
    kind: removal
    title: Writers forced out
    date: {text: In previous years, edtf: "../2019"}
    excerpt: In previous years many exiled writers were forced out.
    participants:
      - group: exiled writers
        role: victim
  - id: monitoring-since
    kind: surveillance
    title: Berg watched
    date: {text: From May onwards, edtf: "2020-05/.."}
    excerpt: From May onwards Berg was watched by the police.
    participants:
      - person: anna-berg
        role: target
  - id: may-hearing
    kind: trial
    title: Hearing of Dahl and Falk
    case: dahl-falk-case
    date: On May 31
    excerpt: On May 31 the court heard Dahl and Falk.
  - id: june-first
    kind: statement
    title: Ministry statement
    date: On June 1
    excerpt: On June 1 the ministry issued a statement.
  # written before june-notice, whose id comes first: only the id orders the two
  - id: june-ruling
    kind: sentencing
    title: Ruling on Dahl and Falk
    case: dahl-falk-case
    date: On June 30
    excerpt: On June 30 the court gave its ruling.
  - id: june-notice
    kind: statement
    title: Ministry notice
    date: On June 30
    excerpt: On June 30 the ministry issued a notice.
  # written after june-notice, whose id comes after its own: only the id orders the two
  - id: june-bulletin
    kind: statement
    title: Ministry bulletin
    date: On June 30
    excerpt: On June 30 the ministry issued a bulletin.
  - id: july-appeal
    kind: appeal
    title: Dahl and Falk appeal
    case: dahl-falk-case
    date: On July 1
    excerpt: On July 1 Dahl and Falk appealed.
  - id: cross-year-talks
    kind: dialogue
    title: Talks
    date: {text: From December 2019 to December 2020, edtf: "2019-12/2020-12"}
    excerpt: From December 2019 to December 2020 talks were held.
  - id: new-year-day
    kind: statement
    title: New year statement
    date: On January 1
    excerpt: On January 1 the ministry made a statement.
  - id: new-year-eve
    kind: statement
    title: Year end statement
    date: On December 31
    excerpt: On December 31 the ministry made a further statement.
  - id: may-day-march
    kind: protest
    title: May Day march
    date: On May 1
    excerpt: On May 1 the workers marched.
  - id: holm-charged
    kind: charge
    title: Holm charged
    case: holm-case
    date: In October
    excerpt: In October Holm was charged.
  # (ids are unique across tables: not the id of Jung's sentence)
  - id: jung-fined
    kind: sentencing
    title: Jung fined
    case: jung-fine-case
    date: On April 2
    excerpt: On April 2 Jung paid a fine.
"""


def write_ruritania(folder: Path) -> None:
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "report.txt").write_text(REPORT, encoding="utf-8", newline="")
    sha256 = hashlib.sha256(REPORT.encode("utf-8")).hexdigest()
    (folder / "sources" / "report.yaml").write_text(SOURCES_YAML.format(sha256=sha256),
                                                    encoding="utf-8")
    (folder / "records.yaml").write_text(RECORDS_YAML, encoding="utf-8")
    (folder / "events.yaml").write_text(EVENTS_YAML, encoding="utf-8")


@pytest.fixture(scope="module")
def ruritania(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tmp = tmp_path_factory.mktemp("ruritania")
    write_ruritania(tmp / "data")
    database: Database = loaded_database(tmp, tmp / "data")
    engine = make_engine(database.url)
    with Session(engine) as session:
        yield session
        session.rollback()
    engine.dispose()
    database.drop()


def ids(rows: list[dict]) -> list[str]:
    return [row["id"] for row in rows]


def names(rows: list[dict]) -> list[str]:
    return [row["name"] for row in rows]


# --- term_label ----------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "low", "high", "label"), [
    ("life-imprisonment", None, None, "life"),
    ("life-imprisonment", 24, 24, "life"),  # life whatever the term columns hold
    ("fine", None, None, ""),
    ("imprisonment", None, 24, ""),  # no lower bound: the report gives no term
    ("imprisonment", 1, None, "1 month"),
    ("imprisonment", 2, None, "2 months"),
    ("imprisonment", 11, 11, "11 months"),
    ("imprisonment", 12, None, "1 year"),
    ("imprisonment", 13, None, "1 year 1 month"),
    ("imprisonment", 24, 24, "2 years"),
    ("imprisonment", 30, None, "2 years 6 months"),
    ("imprisonment", 156, 156, "13 years"),
    ("suspended", 25, None, "2 years 1 month"),
    ("suspended", 24, 48, "2 to 4 years"),
    ("suspended", 12, 24, "1 to 2 years"),
    ("imprisonment", 18, 36, "1 year 6 months to 3 years"),
    ("imprisonment", 24, 30, "2 years to 2 years 6 months"),
    ("imprisonment", 6, 12, "6 months to 1 year"),
    ("imprisonment", 13, 25, "1 year 1 month to 2 years 1 month"),
])
def test_term_label_says_the_term_in_years_and_months(kind: str, low: int | None,
                                                      high: int | None, label: str) -> None:
    assert term_label(kind, low, high) == label


# --- event_window --------------------------------------------------------------------------


def test_event_window_is_a_month_a_year_or_the_bounds_given() -> None:
    assert event_window(month="2020-02") == (date(2020, 2, 1), date(2020, 2, 29))
    assert event_window(month="2021-02", year=2019) == (date(2021, 2, 1), date(2021, 2, 28))
    assert event_window(year=2020) == (date(2020, 1, 1), date(2020, 12, 31))
    assert event_window(year=2020, start=date(2020, 5, 1)) == (date(2020, 1, 1),
                                                               date(2020, 12, 31))
    assert event_window(start=date(2020, 5, 1), end=date(2020, 6, 1)) == (
        date(2020, 5, 1), date(2020, 6, 1))
    assert event_window(start=date(2020, 5, 1)) == (date(2020, 5, 1), None)
    assert event_window() == (None, None)


def test_event_window_refuses_what_is_not_a_month() -> None:
    with pytest.raises(DateError):
        event_window(month="2020-13")


# --- people ----------------------------------------------------------------------------------


def test_people_come_in_name_order_with_their_details(ruritania: Session) -> None:
    rows = list_people(ruritania)
    # by name, not id (lawyer-dahl is Carl Dahl); two people named Eva Falk: the id decides
    # (the activist was loaded first)
    assert ids(rows) == ["anna-berg", "lawyer-dahl", "elder-eva-falk", "eva-falk", "gus-holm",
                         "ida-jung"]
    by_id = {row["id"]: row for row in rows}
    assert by_id["anna-berg"] == {
        "id": "anna-berg", "name": "Anna Berg", "occupations": ["blogger", "journalist"],
        "organizations": ["UP"], "charges": ["Insulting the monarch", "Petty theft"],
        "other_charges": [], "sources": 1, "description": "A columnist on the courts."}
    # no description: an empty text, not None
    assert by_id["lawyer-dahl"] == {
        "id": "lawyer-dahl", "name": "Carl Dahl", "occupations": ["lawyer"],
        "organizations": [], "charges": ["Evasion of taxes"], "other_charges": [],
        "sources": 1, "description": ""}
    assert by_id["elder-eva-falk"] == {
        "id": "elder-eva-falk", "name": "Eva Falk", "occupations": [], "organizations": [],
        "charges": [], "other_charges": [], "sources": 1,
        "description": "A baker, aunt of the activist."}
    # two charges of one offence: the offence once
    assert by_id["eva-falk"]["charges"] == ["Evasion of taxes"]
    # organizations in name order, by short name where there is one
    assert by_id["gus-holm"]["organizations"] == ["Ministry of Justice", "UP"]
    assert by_id["gus-holm"]["occupations"] == ["party-leader", "politician"]
    assert by_id["gus-holm"]["charges"] == ["Petty theft"]
    assert by_id["ida-jung"]["organizations"] == ["Ministry of Justice"]


def test_people_limit_gives_the_first_in_name_order(ruritania: Session) -> None:
    assert ids(list_people(ruritania, limit=2)) == ["anna-berg", "lawyer-dahl"]
    assert ids(list_people(ruritania, limit=0)) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("theft", ["anna-berg", "gus-holm"]),  # the offence's id and name
    ("THEFT", ["anna-berg", "gus-holm"]),
    ("petty", ["anna-berg", "gus-holm"]),  # the offence's name only
    ("tax evasion", ["lawyer-dahl", "eva-falk"]),  # the id, spaces taken as hyphens
    ("TAX-EVASION", ["lawyer-dahl", "eva-falk"]),
    ("evasion of", ["lawyer-dahl", "eva-falk"]),  # the name only
    ("EVASION OF T", ["lawyer-dahl", "eva-falk"]),
    ("insulting-the", ["anna-berg"]),  # the id only (the name has spaces)
    ("stolen", ["gus-holm"]),  # a word of the charge's wording only
    ("receiv", ["gus-holm"]),  # words starting so
    ("harbour dues", ["eva-falk"]),
    ("unlawful", []),  # that charge names no person
    ("loitering", []),  # an offence no one is charged with
    ("tax_evasion", []),  # `_` is itself, not any character
    ("t%x", []),
    ("%", []),
    ("_", []),
    ("arson", []),
])
def test_people_by_charge(ruritania: Session, text: str, expected: list[str]) -> None:
    assert ids(list_people(ruritania, charge=text)) == expected
    assert ids(list_people(ruritania, charge=text, limit=10)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("theft", ["anna-berg", "gus-holm"]),
    ("tax evasion", ["lawyer-dahl", "eva-falk"]),
    ("stolen", ["gus-holm"]),
    ("levies", ["eva-falk"]),
    ("loitering", []),
])
@pytest.mark.parametrize("switch", [0, 1, 2])
def test_people_by_charge_give_the_same_on_either_plan(
        ruritania: Session, monkeypatch: pytest.MonkeyPatch, switch: int, text: str,
        expected: list[str]) -> None:
    """With a page limit and more matching charges than PLAN_SWITCH, people are walked in
    name order and each is tested for a matching charge: the same people, in the same
    order, as collecting the charged people. A small switch takes that plan here."""
    monkeypatch.setattr(prosecutions, "PLAN_SWITCH", switch)
    assert ids(list_people(ruritania, charge=text, limit=10)) == expected
    assert ids(list_people(ruritania, charge=text, limit=1)) == expected[:1]
    assert ids(list_people(ruritania, charge=text)) == expected


@contextmanager
def _full_text_statements(target: Any) -> Iterator[list[tuple[str, Any]]]:
    """The (statement, parameters) that reach the full-text tables through `target` (an
    engine or a connection) while the block runs."""
    from sqlalchemy import event

    statements: list[tuple[str, Any]] = []

    def note(conn, cursor, statement, parameters, *args) -> None:
        if "search_" in statement:
            statements.append((statement, parameters))

    event.listen(target, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(target, "before_cursor_execute", note)


@pytest.mark.parametrize("switch", [0, 4000])
def test_a_charge_text_is_looked_up_once_per_listing(ruritania: Session,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     switch: int) -> None:
    """The page, its count and its column of matched charges ask about the charges the
    text matches; the full-text index is read for them once, on either plan."""
    monkeypatch.setattr(prosecutions, "PLAN_SWITCH", switch)
    engine = ruritania.get_bind()
    with _full_text_statements(engine) as statements, Session(engine) as fresh:
        # a session of its own: none of the other tests' answers kept in it
        page = list_people(fresh, charge="tax evasion", limit=1)
        count = count_up_to(fresh, prosecutions.people_query(fresh, charge="tax evasion",
                                                             limit=1))
    assert ids(page) == ["lawyer-dahl"] and count == 2
    assert len(statements) == 1, statements


def _postgresql_plans(session: Session, ask: Any) -> str:
    """PostgreSQL: the plans of the full-text statements `ask(session)` runs, with 20,000
    more documents (ten thousand charges, ten thousand events; rolled back) and
    sequential scans priced out, so that the planner reads an index where one fits."""
    from sqlalchemy import text

    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite's FTS5 table holds each document's words; no plan to check")
    with session.get_bind().connect() as conn:
        conn.execute(text("INSERT INTO search_entries (kind, record_id, title, body) "
                          "SELECT CASE WHEN n % 2 = 0 THEN 'charge' ELSE 'event' END, "
                          "'more-' || n, 'Filler ' || n, 'more filler text' "
                          "FROM generate_series(1, 20000) AS n"))
        conn.execute(text("ANALYZE search_entries"))
        conn.execute(text("SET LOCAL enable_seqscan = off"))  # a few prefix matches
        with _full_text_statements(conn) as statements, Session(bind=conn) as bound:
            ask(bound)
        return "\n".join(line for statement, parameters in statements
                         for line in conn.exec_driver_sql(f"EXPLAIN {statement}",
                                                          parameters).scalars())


def test_a_charge_texts_wording_is_read_from_the_charge_titles_index(ruritania: Session
                                                                     ) -> None:
    """PostgreSQL: the charges whose titles have the words come from the partial index on
    charge titles (migration 0014), not from every document that has the words; the plan
    names that index, or the query's condition no longer fits it."""
    plan = _postgresql_plans(ruritania, lambda session: charge_matches(session, "levies"))
    assert "search_fts_charge_titles" in plan, plan
    assert charge_matches(ruritania, "levies").charge_ids


def test_search_ranks_the_stored_document_vectors(ruritania: Session) -> None:
    """PostgreSQL: search and its count read each document's stored tsvector (migration
    0014) through the index on it, never computing one again per match."""
    plan = _postgresql_plans(ruritania, lambda session: (search(session, "levies"),
                                                         count_matches(session, "levies", 20)))
    assert plan.count("search_fts_gin") == 2, plan
    assert "to_tsvector" not in plan, plan
    assert [hit.record_id for hit in search(ruritania, "levies")]


@pytest.mark.parametrize(("text", "offences"), [
    ("lèse", ("lese-majeste",)),
    ("LÈSE-MAJ", ("lese-majeste",)),  # lowered as the stored name is
    ("Lèse-majesté", ("lese-majeste",)),
    ("lese-maj", ("lese-majeste",)),  # the id
    ("loitering", ("loitering", "loitering-at-night")),
    ("tax evasion", ("tax-evasion",)),
])
def test_charge_text_finds_offences_by_id_or_name(ruritania: Session, text: str,
                                                  offences: tuple[str, ...]) -> None:
    assert tuple(sorted(charge_matches(ruritania, text).offences)) == offences


def test_people_by_organization_and_kind(ruritania: Session) -> None:
    assert ids(list_people(ruritania, org_id="unity-party")) == ["anna-berg", "gus-holm"]
    assert ids(list_people(ruritania, org_id="justice-ministry")) == ["gus-holm", "ida-jung"]
    assert ids(list_people(ruritania, org_id="capital-court")) == []
    # a kind is an occupation or a role in an organization, in any case
    assert ids(list_people(ruritania, kind="journalist")) == ["anna-berg"]
    assert ids(list_people(ruritania, kind="Journalist")) == ["anna-berg"]
    assert ids(list_people(ruritania, kind="LEADER")) == ["gus-holm"]
    assert ids(list_people(ruritania, kind="Party-Leader")) == ["gus-holm"]
    assert ids(list_people(ruritania, kind="official")) == ["gus-holm", "ida-jung"]
    assert ids(list_people(ruritania, kind="judge")) == []


def test_people_filters_combine(ruritania: Session) -> None:
    assert ids(list_people(ruritania, charge="theft", org_id="unity-party")) == [
        "anna-berg", "gus-holm"]
    assert ids(list_people(ruritania, charge="theft", kind="official")) == ["gus-holm"]
    assert ids(list_people(ruritania, charge="tax", org_id="unity-party")) == []
    assert ids(list_people(ruritania, org_id="justice-ministry", kind="leader")) == ["gus-holm"]
    assert ids(list_people(ruritania, charge="theft", limit=1)) == ["anna-berg"]


def test_person_names_give_the_name_then_aliases_in_order(ruritania: Session) -> None:
    assert person_names(ruritania, "anna-berg") == ["Anna Berg", "A. Berg", "Berg"]
    assert person_names(ruritania, "lawyer-dahl") == ["Carl Dahl"]
    assert person_names(ruritania, "nobody") == []


# --- cases -----------------------------------------------------------------------------------


def test_cases_in_id_order_with_defendants_charges_and_latest_sentence(
        ruritania: Session) -> None:
    rows = list_cases(ruritania)
    # in id order (quiet-case was loaded first)
    assert ids(rows) == ["berg-case", "dahl-falk-case", "group-case", "holm-case",
                         "jung-fine-case", "quiet-case"]
    by_id = {row["id"]: row for row in rows}
    # the house arrest replaced the prison term: it is the latest, though undated
    assert by_id["berg-case"].pop("inferred") == {}
    by_id["berg-case"].pop("defendants_counted")
    assert by_id["berg-case"] == {
        "id": "berg-case", "title": "Prosecution of Anna Berg", "status": "sentenced",
        "defendants": ["Anna Berg"], "defendant_count": None,
        "defendant_count_qualifier": None,
        "charges": ["Insulting the monarch", "Petty theft"], "other_charges": [],
        "latest_sentence": "house-arrest 1 year 6 months", "sentence_date": "", "sources": 1}
    # defendants in name order (their ids and the file give the other order); the offence
    # once; the newest date wins, undated last
    assert by_id["dahl-falk-case"].pop("inferred") == {}
    by_id["dahl-falk-case"].pop("defendants_counted")
    assert by_id["dahl-falk-case"] == {
        "id": "dahl-falk-case", "title": "Trial of Carl Dahl and Eva Falk", "status": "trial",
        "defendants": ["Carl Dahl", "Eva Falk"], "defendant_count": 5,
        "defendant_count_qualifier": "at-least", "charges": ["Evasion of taxes"],
        "other_charges": [], "latest_sentence": "suspended 1 year", "sentence_date": "2020-07",
        "sources": 1}
    # two sentences of one month: the smaller id
    assert by_id["group-case"].pop("inferred") == {}
    by_id["group-case"].pop("defendants_counted")
    assert by_id["group-case"] == {
        "id": "group-case", "title": "Case of the harbour workers", "status": "pardoned",
        "defendants": [], "defendant_count": 7, "defendant_count_qualifier": "exact",
        "charges": ["Unlawful assembly"], "other_charges": [],
        "latest_sentence": "imprisonment 1 to 2 years", "sentence_date": "2020-08", "sources": 1}
    assert (by_id["holm-case"]["latest_sentence"], by_id["holm-case"]["sentence_date"]) == (
        "life-imprisonment life", "")
    assert by_id["holm-case"]["defendants"] == []
    assert by_id["holm-case"]["charges"] == ["Petty theft"]
    # a fine has no term: the kind alone, without a trailing space
    assert (by_id["jung-fine-case"]["latest_sentence"],
            by_id["jung-fine-case"]["sentence_date"]) == ("fine", "2020-04-02")
    assert by_id["quiet-case"].pop("inferred") == {}
    by_id["quiet-case"].pop("defendants_counted")
    assert by_id["quiet-case"] == {
        "id": "quiet-case", "title": "Inquiry into the harbour fire", "status": "investigation",
        "defendants": ["Eva Falk"], "defendant_count": None, "defendant_count_qualifier": None,
        "charges": [], "other_charges": [], "latest_sentence": "", "sentence_date": "",
        "sources": 1}


def test_cases_of_a_person_as_defendant_charged_or_sentenced(ruritania: Session) -> None:
    assert ids(list_cases(ruritania, person_id="anna-berg")) == ["berg-case"]  # all three
    assert ids(list_cases(ruritania, person_id="eva-falk")) == ["dahl-falk-case"]
    assert ids(list_cases(ruritania, person_id="elder-eva-falk")) == ["quiet-case"]  # defendant
    assert ids(list_cases(ruritania, person_id="gus-holm")) == ["holm-case"]  # charged
    assert ids(list_cases(ruritania, person_id="ida-jung")) == ["jung-fine-case"]  # sentenced
    assert ids(list_cases(ruritania, person_id="nobody")) == []


def test_cases_by_charge_status_and_limit(ruritania: Session) -> None:
    assert ids(list_cases(ruritania, charge="theft")) == ["berg-case", "holm-case"]
    assert ids(list_cases(ruritania, charge="Tax Evasion")) == ["dahl-falk-case"]
    assert ids(list_cases(ruritania, charge="stolen")) == ["holm-case"]
    assert ids(list_cases(ruritania, charge="unlawful")) == ["group-case"]
    assert ids(list_cases(ruritania, charge="tax_evasion")) == []
    assert ids(list_cases(ruritania, charge="%")) == []
    assert ids(list_cases(ruritania, charge="loitering")) == []
    assert ids(list_cases(ruritania, status="SENTENCED")) == ["berg-case"]
    assert ids(list_cases(ruritania, status="closed")) == ["jung-fine-case"]
    assert ids(list_cases(ruritania, limit=2)) == ["berg-case", "dahl-falk-case"]
    assert ids(list_cases(ruritania, charge="theft", person_id="gus-holm")) == ["holm-case"]
    assert ids(list_cases(ruritania, charge="theft", status="convicted")) == ["holm-case"]
    assert ids(list_cases(ruritania, person_id="anna-berg", status="trial")) == []


def test_offence_summary_counts_cases_people_and_charges(ruritania: Session) -> None:
    """Most cases first, then by id; an offence with no charge is listed with noughts, two
    offences of one name apart, and a charge without a named person counts no person."""
    assert offence_summary(ruritania) == [
        {"id": "theft", "name": "Petty theft", "cases": 2, "people": 2, "charges": 2},
        {"id": "insulting-the-monarch", "name": "Insulting the monarch", "cases": 1,
         "people": 1, "charges": 1},
        {"id": "tax-evasion", "name": "Evasion of taxes", "cases": 1, "people": 2,
         "charges": 3},
        {"id": "unlawful-assembly", "name": "Unlawful assembly", "cases": 1, "people": 0,
         "charges": 1},
        {"id": "lese-majeste", "name": "Lèse-majesté", "cases": 0, "people": 0,
         "charges": 0},
        {"id": "loitering", "name": "Loitering", "cases": 0, "people": 0, "charges": 0},
        {"id": "loitering-at-night", "name": "Loitering", "cases": 0, "people": 0,
         "charges": 0},
    ]


# --- events ----------------------------------------------------------------------------------

# every event, in date order: earliest day (unknown first), then latest day, then id
# (the source was published on 2021-01-15: nothing it reports is later)
ALL_EVENTS = [
    "exile-before",  # ../2019: no first day, the last 2019-12-31
    "jung-statement",  # undated: no first day, the last 2021-01-15 (publication)
    "dahl-release",  # 2019-11
    "cross-year-talks",  # 2019-12/2020-12
    "new-year-day",  # 2020-01-01
    "harbour-strike",  # 2020
    "berg-trial",  # 2020-03
    "berg-arrest",  # 2020-03-03
    "jung-fined",  # 2020-04-02
    "may-day-march",  # 2020-05-01
    "monitoring-since",  # 2020-05/..: the last day 2021-01-15 (publication)
    "may-hearing",  # 2020-05-31
    "june-first",  # 2020-06-01
    "falk-protest",  # 2020-06/2020-07
    "falk-detention",  # 2020-06-05
    "june-bulletin",  # 2020-06-30
    "june-notice",  # 2020-06-30
    "june-ruling",  # 2020-06-30
    "july-appeal",  # 2020-07-01
    "holm-charged",  # 2020-10
    "new-year-eve",  # 2020-12-31
]


def test_events_without_a_window_are_all_in_date_order(ruritania: Session) -> None:
    rows = list_events(ruritania)
    assert ids(rows) == ALL_EVENTS
    assert not any(row["uncertain"] for row in rows)
    assert ids(list_events(ruritania, include_uncertain=True)) == ALL_EVENTS
    assert ids(list_events(ruritania, limit=3)) == ALL_EVENTS[:3]


def test_an_event_row_says_date_kind_title_who_and_case(ruritania: Session) -> None:
    by_id = {row["id"]: row for row in list_events(ruritania)}
    assert by_id["berg-arrest"] == {
        "date": "2020-03-03", "date_text": "On March 3", "id": "berg-arrest", "kind": "arrest",
        "title": "Berg arrested", "who": ["Capital Court", "Anna Berg"], "case": "berg-case",
        "uncertain": False, "why": "", "bounds": "", "inferred": {}, "counts": [],
        "counted": "", "sources": 1, "date_start": date(2020, 3, 3),
        "date_end": date(2020, 3, 3),
        "date_precision": "day",
        "earliest": date(2020, 3, 3), "earliest_basis": "stated", "earliest_from": "",
        "latest": date(2020, 3, 3), "latest_basis": "stated", "latest_from": "",
        "month": "2020-03"}
    assert by_id["jung-statement"] == {
        "date": "", "date_text": "", "id": "jung-statement", "kind": "statement",
        "title": "Jung speaks", "who": ["Ida Jung"], "case": "", "uncertain": False, "why": "",
        "inferred": {}, "counts": [], "counted": "", "sources": 1,
        "bounds": "not after 2021-01-15", "date_start": None, "date_end": None,
        "date_precision": "", "earliest": None, "earliest_basis": "none", "earliest_from": "",
        "latest": date(2021, 1, 15), "latest_basis": "derived",
        "latest_from": "source:ruritania-2020", "month": ""}
    # a year is no one month; an open start is said as an open start
    assert (by_id["harbour-strike"]["month"], by_id["harbour-strike"]["bounds"]) == ("", "")
    assert (by_id["exile-before"]["earliest_basis"], by_id["exile-before"]["latest"]) == (
        "none", date(2019, 12, 31))
    assert by_id["monitoring-since"]["bounds"] == "not after 2021-01-15"
    assert (by_id["dahl-release"]["date"], by_id["dahl-release"]["date_text"]) == (
        "2019-11", "The previous November")
    # who: participants in the order of their ids (event/role/who), each name once;
    # an organization by its short name, else its name; a group as the report says it
    assert by_id["berg-trial"]["who"] == ["Capital Court"]
    assert by_id["harbour-strike"]["who"] == ["UP", "Ministry of Justice"]
    assert by_id["falk-protest"]["who"] == ["dozens of students", "Eva Falk"]
    assert by_id["exile-before"]["who"] == ["exiled writers"]
    assert by_id["june-first"]["who"] == []


def test_a_months_events_lie_wholly_within_it(ruritania: Session) -> None:
    start, end = event_window(month="2020-06")
    rows = list_events(ruritania, start=start, end=end)
    # not May 31 nor July 1; not the June-and-July marches, the year, the open-ended
    assert ids(rows) == ["june-first", "falk-detention", "june-bulletin", "june-notice",
                         "june-ruling"]
    assert not any(row["uncertain"] for row in rows)


def test_a_window_orders_by_first_day_then_last_day_then_id(ruritania: Session) -> None:
    rows = list_events(ruritania, start=date(2020, 6, 1), end=date(2020, 7, 31))
    assert ids(rows) == ["june-first", "falk-protest", "falk-detention", "june-bulletin",
                         "june-notice", "june-ruling", "july-appeal"]
    assert ids(list_events(ruritania, start=date(2020, 6, 1), end=date(2020, 7, 31),
                           limit=2)) == ["june-first", "falk-protest"]


def test_a_window_open_at_one_end(ruritania: Session) -> None:
    # from a day on: both bounds known, the first day in the window
    assert ids(list_events(ruritania, start=date(2020, 10, 1))) == ["holm-charged",
                                                                   "new-year-eve"]
    assert ids(list_events(ruritania, start=date(2020, 10, 2))) == ["new-year-eve"]
    # up to a day: the last day in the window, whether the first is known or not
    assert ids(list_events(ruritania, end=date(2020, 1, 1))) == ["exile-before", "dahl-release",
                                                                "new-year-day"]
    assert ids(list_events(ruritania, end=date(2019, 12, 31))) == ["exile-before",
                                                                  "dahl-release"]
    assert ids(list_events(ruritania, end=date(2019, 12, 30))) == ["dahl-release"]
    assert ids(list_events(ruritania, end=date(2019, 11, 29))) == []
    # the undated event lies before its source's publication, so before any later day
    assert ids(list_events(ruritania, end=date(2021, 1, 15)))[:2] == ["exile-before",
                                                                     "jung-statement"]
    assert "jung-statement" not in ids(list_events(ruritania, end=date(2021, 1, 14)))


def test_uncertain_events_overlap_the_window_and_are_marked(ruritania: Session) -> None:
    start, end = event_window(month="2020-06")
    rows = list_events(ruritania, start=start, end=end, include_uncertain=True)
    assert [(row["id"], row["uncertain"]) for row in rows] == [
        ("cross-year-talks", True), ("harbour-strike", True),
        ("monitoring-since", True),  # no last day: it may have ended before June
        ("june-first", False), ("falk-protest", True), ("falk-detention", False),
        ("june-bulletin", False), ("june-notice", False), ("june-ruling", False)]


def test_uncertain_events_with_no_first_day_come_first(ruritania: Session) -> None:
    rows = list_events(ruritania, start=date(2019, 6, 1), end=date(2019, 12, 31),
                       include_uncertain=True)
    assert [(row["id"], row["why"]) for row in rows] == [
        ("exile-before", "open-ended"), ("dahl-release", ""),
        ("cross-year-talks", "vaguer than the window")]
    # the undated statement may fall in the window too: only asked for, and counted
    rows = list_events(ruritania, start=date(2019, 6, 1), end=date(2019, 12, 31),
                       include_uncertain=True, include_undated=True)
    assert [(row["id"], row["why"]) for row in rows][:2] == [
        ("exile-before", "open-ended"), ("jung-statement", "undated")]
    assert events_left_out(ruritania, start=date(2019, 6, 1), end=date(2019, 12, 31)) == {
        "uncertain": 2, "undated": 1}
    assert events_left_out(ruritania, start=date(2019, 6, 1), end=date(2019, 12, 31),
                           include_uncertain=True, include_undated=True) == {}
    # before the window's start, nothing the source reports is undated in it
    assert events_left_out(ruritania, start=date(2021, 2, 1)) == {"uncertain": 0,
                                                                  "undated": 0}


def test_uncertain_events_in_a_window_open_at_one_end(ruritania: Session) -> None:
    rows = list_events(ruritania, start=date(2020, 7, 1), include_uncertain=True)
    assert [(row["id"], row["uncertain"]) for row in rows] == [
        ("cross-year-talks", True), ("harbour-strike", True), ("monitoring-since", True),
        ("falk-protest", True), ("july-appeal", False), ("holm-charged", False),
        ("new-year-eve", False)]
    # certain means the bounds lie inside: an unknown first day is before any last day
    rows = list_events(ruritania, end=date(2019, 12, 31), include_uncertain=True)
    assert [(row["id"], row["uncertain"]) for row in rows] == [
        ("exile-before", False), ("dahl-release", False), ("cross-year-talks", True)]


def test_events_by_kind_person_and_organization(ruritania: Session) -> None:
    assert ids(list_events(ruritania, kind="Protest")) == ["harbour-strike", "may-day-march",
                                                          "falk-protest"]
    # a participant, or an event of one of the person's cases
    assert ids(list_events(ruritania, person_id="anna-berg")) == [
        "berg-trial", "berg-arrest", "monitoring-since"]
    assert ids(list_events(ruritania, person_id="eva-falk")) == [
        "may-hearing", "falk-protest", "falk-detention", "june-ruling", "july-appeal"]
    assert ids(list_events(ruritania, person_id="gus-holm")) == ["holm-charged"]
    assert ids(list_events(ruritania, person_id="ida-jung")) == ["jung-statement",
                                                                "jung-fined"]
    assert ids(list_events(ruritania, person_id="elder-eva-falk")) == []
    # an organization taking part twice in one event lists it once
    assert ids(list_events(ruritania, org_id="capital-court")) == ["berg-trial", "berg-arrest"]
    assert ids(list_events(ruritania, org_id="justice-ministry")) == ["harbour-strike"]
    assert ids(list_events(ruritania, org_id="unity-party", kind="trial")) == []
    start, end = event_window(month="2020-06")
    # found by kind, then put in date order: the id orders the two of June 30
    assert ids(list_events(ruritania, start=start, end=end, kind="statement")) == [
        "june-first", "june-bulletin", "june-notice"]
    assert ids(list_events(ruritania, start=start, end=end, person_id="eva-falk")) == [
        "falk-detention", "june-ruling"]


def test_events_of_a_person_with_the_case_ids_given(ruritania: Session) -> None:
    """The case file passes the person's cases it already has: they are used as given, not
    looked up again (here none, or another case)."""
    def found(query: object) -> set[str]:
        return set(ruritania.scalars(query))

    assert found(events_of_person("ida-jung")) == {"jung-statement", "jung-fined"}
    assert found(events_of_person("ida-jung", [])) == {"jung-statement"}
    assert found(events_of_person("ida-jung", ["berg-case"])) == {
        "jung-statement", "berg-arrest", "berg-trial"}


# --- timeline --------------------------------------------------------------------------------


def test_timeline_counts_events_of_one_month(ruritania: Session) -> None:
    months, parts = timeline(ruritania)
    assert months == [{"month": m, "events": n} for m, n in [
        ("2019-11", 1), ("2020-01", 1), ("2020-03", 2), ("2020-04", 1), ("2020-05", 2),
        ("2020-06", 5), ("2020-07", 1), ("2020-10", 1), ("2020-12", 1)]]
    # June and July, the whole year, December to December: no single month; no first
    # day, and no last day but the publication: open-ended; no date: undated
    assert parts == {"vaguer than a month": 3, "open-ended": 2, "undated": 1}
    assert sum(m["events"] for m in months) + sum(parts.values()) == len(ALL_EVENTS)


def test_a_years_timeline_lists_its_twelve_months(ruritania: Session) -> None:
    months, parts = timeline(ruritania, 2020)
    assert months == [{"month": f"2020-{m:02d}", "events": n} for m, n in enumerate(
        [1, 0, 2, 1, 2, 5, 1, 0, 0, 1, 0, 1], start=1)]
    # the events that may lie partly in the year: the monitoring from May 2020 on, the
    # statement without a date (both before the report's publication)
    assert parts == {"vaguer than a month": 3, "open-ended": 1, "undated": 1}
    months, parts = timeline(ruritania, 2019)
    assert [row["events"] for row in months] == [0] * 10 + [1, 0]
    assert months[0]["month"] == "2019-01"
    # the talks from December 2019; the exile before 2020; the statement
    assert parts == {"vaguer than a month": 1, "open-ended": 1, "undated": 1}
    months, parts = timeline(ruritania, 2021)
    assert [row["month"] for row in months][-1] == "2021-12"
    # the report was published in January 2021: only the undated and open-ended may be
    assert sum(row["events"] for row in months) == parts["vaguer than a month"] == 0
    assert parts == {"vaguer than a month": 0, "open-ended": 1, "undated": 1}
    _, parts = timeline(ruritania, 2022)
    assert sum(parts.values()) == 0


def test_a_timeline_of_a_year_before_1000_keeps_four_digits(ruritania: Session) -> None:
    months, _ = timeline(ruritania, 999)
    assert months[0] == {"month": "0999-01", "events": 0}


# --- organizations ---------------------------------------------------------------------------


def test_organizations_with_parent_members_and_events(ruritania: Session) -> None:
    assert list_organizations(ruritania) == [
        {"id": "capital-court", "name": "Capital Court", "short_name": "", "kind": "court",
         "parent": "Ministry of Justice", "members": 0, "events": 2},
        {"id": "harbour-gazette", "name": "Harbour Gazette", "short_name": "", "kind": "media",
         "parent": "", "members": 0, "events": 0},
        {"id": "justice-ministry", "name": "Ministry of Justice", "short_name": "",
         "kind": "government", "parent": "", "members": 2, "events": 1},
        {"id": "unity-party", "name": "Unity Party", "short_name": "UP",
         "kind": "political-party", "parent": "", "members": 2, "events": 1},
    ]
    assert ids(list_organizations(ruritania, kind="COURT")) == ["capital-court"]
    assert ids(list_organizations(ruritania, kind="Media")) == ["harbour-gazette"]
    assert ids(list_organizations(ruritania, kind="ngo")) == []


# --- statistics and evidence -------------------------------------------------------------------


def test_stats_count_rows_kinds_offences_and_months(ruritania: Session) -> None:
    result = stats(ruritania)
    assert list(result) == ["tables", "event kinds", "offences", "months"]
    tables = {row["table"]: row["rows"] for row in result["tables"]}
    assert {name: tables[name] for name in (
        "sources", "offences", "people", "person_names", "organizations", "memberships",
        "cases", "case_defendants", "charges", "sentences", "events")} == {
        "sources": 1, "offences": 7, "people": 6, "person_names": 8, "organizations": 4,
        "memberships": 4, "cases": 6, "case_defendants": 4, "charges": 7, "sentences": 9,
        "events": 21}
    assert result["event kinds"] == [{"kind": k, "events": n} for k, n in [
        ("statement", 6), ("protest", 3), ("sentencing", 2), ("trial", 2), ("appeal", 1),
        ("arrest", 1), ("charge", 1), ("detention", 1), ("dialogue", 1), ("release", 1),
        ("removal", 1), ("surveillance", 1)]]
    assert result["offences"][:2] == [
        {"offence": "Petty theft", "cases": 2, "people": 2},
        {"offence": "Insulting the monarch", "cases": 1, "people": 1}]
    assert [row["offence"] for row in result["offences"]] == [
        "Petty theft", "Insulting the monarch", "Evasion of taxes", "Unlawful assembly",
        "Lèse-majesté", "Loitering", "Loitering"]
    assert result["months"][0] == {"month": "2019-11", "events": 1}
    assert result["months"][-1] == {"month": "no single month", "events": 6}
    assert len(result["months"]) == 10


def test_cite_gives_the_evidence_of_every_record_with_the_id(ruritania: Session) -> None:
    def evidence(table: str, record_id: str, excerpt: str) -> dict:
        start = REPORT.index(excerpt)
        return {"table": table, "id": record_id, "stance": "own", "says": "", "source": TITLE,
                "source_id": "ruritania-2020", "publisher": PUBLISHER, "url": "",
                "excerpt": excerpt, "start": start, "end": start + len(excerpt)}

    # an event and a sentence with the same excerpt: each by its own id
    assert cite(ruritania, "jung-fined") == [
        evidence("events", "jung-fined", "On April 2 Jung paid a fine.")]
    assert cite(ruritania, "jung-fine") == [
        evidence("sentences", "jung-fine", "On April 2 Jung paid a fine.")]
    assert cite(ruritania, "holm-goods") == [
        evidence("charges", "holm-goods", "Holm was charged with receiving stolen goods.")]
    assert cite(ruritania, "unity-party") == [evidence(
        "organizations", "unity-party", "The Unity Party (UP) sits in opposition.")]
    assert cite(ruritania, "no-such-record") == []


def test_cite_gives_a_sources_address(session: Session) -> None:
    """The bundled source has an address (data/sources/hrw-wr2022-azerbaijan.yaml)."""
    (row,) = cite(session, "yagublu-case")
    assert (row["table"], row["source"], row["publisher"], row["url"]) == (
        "cases", "World Report 2022: Azerbaijan", "Human Rights Watch",
        "https://www.hrw.org/world-report/2022/country-chapters/azerbaijan")


# --- the bundled data ---------------------------------------------------------------------------


def test_bundled_people_by_charge_on_either_plan(session: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """data/political-opposition.yaml: Bakuvi's and Yagublu's hooliganism charges."""
    expected = ["said-mamedzade-bakuvi", "tofig-yagublu"]
    assert ids(list_people(session, charge="hooliganism")) == expected
    monkeypatch.setattr(prosecutions, "PLAN_SWITCH", 1)
    assert ids(list_people(session, charge="hooliganism", limit=5)) == expected
