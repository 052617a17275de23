"""Read-only questions the CLI asks: plain functions that take a session and return rows.

Rows are plain dicts, ready for a table, CSV or JSON. Every function loads what
it needs in a constant number of statements (no query per row), and every value
from the user reaches SQL as a bound parameter.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, not_, or_, select, true
from sqlalchemy.orm import Session

from incidentdb.chronology import DAWN, DOOM, order_by
from incidentdb.dates import bounds_label, month_bounds, single_month
from incidentdb.evidence import source_counts, supported_by_at_least
from incidentdb.models import (
    DECLARATIONS,
    Base,
    Case,
    CaseDefendant,
    Charge,
    Event,
    EventCount,
    EventInstrument,
    EventParticipant,
    FurtherEvidence,
    Membership,
    Offence,
    Organization,
    Person,
    PersonName,
    PersonOccupation,
    Sentence,
    Source,
)
from incidentdb.search import titles_matching
from incidentdb.shapes import Row

# --- formatting shared by all answers ------------------------------------------------------


def term_label(kind: str, low: int | None, high: int | None) -> str:
    """'13 years', '3 years 6 months', '2 to 4 years', 'life'; '' when the report gives none."""
    if kind == "life-imprisonment":
        return "life"
    if low is None:
        return ""

    def months(n: int) -> str:
        years, rest = divmod(n, 12)
        parts = [f"{years} year{'s' * (years != 1)}"] if years else []
        parts += [f"{rest} month{'s' * (rest != 1)}"] if rest else []
        return " ".join(parts)

    if high is None or high == low:
        return months(low)
    if low % 12 == 0 and high % 12 == 0:
        return f"{low // 12} to {high // 12} years"
    return f"{months(low)} to {months(high)}"


def count_label(value: int | None, qualifier: str | None) -> str:
    """'at least 6', 'nearly 40', '12', 'dozens'; '' when there is no count."""
    if qualifier is None and value is None:
        return ""
    if value is None:
        return qualifier or ""
    words = {"exact": "", "at-least": "at least ", "more-than": "more than ",
             "nearly": "nearly ", "about": "about "}
    return f"{words.get(qualifier or 'exact', '')}{value}"


# --- people -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChargeMatch:
    """The charges a user's text names: their offence category mentions the text, or
    their wording has words starting with its words ("drug" finds "drugs-related").

    The wording is matched in the full-text index, not by scanning every charge.
    `condition` tests one charge row; `ids` lists the matching charges, as a UNION
    that each side answers from an index (an OR of the two would scan every charge).
    """

    offences: tuple[str, ...]
    worded: Any  # a subquery of charge ids, from the full-text index

    @property
    def condition(self) -> Any:
        return or_(Charge.offence_id.in_(self.offences), Charge.id.in_(self.worded))

    @property
    def ids(self) -> Any:
        by_offence = select(Charge.id).where(Charge.offence_id.in_(self.offences))
        return by_offence.union(select(self.worded.subquery().c.record_id))


def charge_matches(session: Session, text: str) -> ChargeMatch:
    """The offences whose id or name holds the text (any case, taken literally), and the
    charges whose wording has its words.

    Offences are a controlled list (tens of rows), matched in Python: SQLite's lower()
    and LIKE fold only ASCII letters, so "émeute" would miss an offence named "Émeute"
    there and find it on PostgreSQL.
    """
    wanted = text.lower()
    offences = tuple(offence_id for offence_id, name in session.execute(
        select(Offence.id, Offence.name).order_by(Offence.id))
        if wanted.replace(" ", "-") in offence_id.lower() or wanted in name.lower())
    return ChargeMatch(offences, titles_matching(session, "charge", text))


def _people_charged(session: Session, text: str, limit: int | None) -> Any:
    """A condition on Person: charged with what the text names.

    Two plans, chosen by how many charges match. Few: collect their people and look
    them up. Many: walk people in name order (an index) and stop at the page, testing
    each for a matching charge; that costs about limit x people / matches look-ups,
    against one per match, so it wins once matches pass sqrt(limit x people).
    """
    match = charge_matches(session, text)
    by_offence = select(Charge.id).where(Charge.offence_id.in_(match.offences))
    many = session.execute(select(func.count()).select_from(  # the index answers this
        by_offence.limit(PLAN_SWITCH).subquery())).scalar_one()
    if many < PLAN_SWITCH:  # few by category: count the wording's matches too
        many = session.execute(select(func.count()).select_from(
            match.ids.limit(PLAN_SWITCH).subquery())).scalar_one()
    if limit is None or many < PLAN_SWITCH:
        return Person.id.in_(select(Charge.person_id).where(Charge.id.in_(match.ids)))
    return select(Charge.id).where(Charge.person_id == Person.id, match.condition).exists()


PLAN_SWITCH = 4000  # about sqrt(100 rows x 100,000 people): see _people_charged


@dataclass(frozen=True)
class ChargeFilter:
    """Which charges a listing asks for: their text (`charge_matches`), offence category
    (exact) and characterisation (exact); a charge must match every one given."""

    text: str | None = None
    offence: str | None = None
    characterisation: str | None = None

    def __bool__(self) -> bool:
        return bool(self.text or self.offence or self.characterisation)

    @property
    def exact(self) -> bool:
        return bool(self.offence or self.characterisation)

    def condition(self, session: Session) -> Any:
        """A condition on Charge: every filter given (true when none is)."""
        out: list[Any] = []
        if self.text:
            out.append(Charge.id.in_(charge_matches(session, self.text).ids))
        if self.offence:
            out.append(Charge.offence_id == self.offence)
        if self.characterisation:
            out.append(Charge.characterisation == self.characterisation)
        return and_(true(), *out)


def offences_of(session: Session, key: Any, ids: list[str], matched: Any = None,
                ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per record (key: Charge.person_id or Charge.case_id), the offences of its charges
    that match (`matched`, a condition on Charge; None: all match) and of the others."""
    query = (select(key, Offence.name, matched if matched is not None else true())
             .join(Offence, Charge.offence_id == Offence.id)
             .where(key.in_(ids)).order_by(Offence.name))
    found: dict[str, list[str]] = defaultdict(list)
    others: dict[str, list[str]] = defaultdict(list)
    for record_id, offence, hit in session.execute(query):
        into = found if hit else others
        if offence not in into[record_id]:
            into[record_id].append(offence)
    return found, others


def list_people(session: Session, *, charge: str | None = None, org_id: str | None = None,
                kind: str | None = None, offence: str | None = None,
                characterisation: str | None = None, min_sources: int | None = None,
                limit: int | None = None) -> list[Row]:
    """People in name order, filtered by charge text, organization, occupation or role,
    offence category, characterisation or sources (all that are given)."""
    query = people_query(session, charge=charge, org_id=org_id, kind=kind, offence=offence,
                         characterisation=characterisation, min_sources=min_sources,
                         limit=limit)
    people = session.execute(query.order_by(Person.name, Person.id).limit(limit)).all()
    asked = ChargeFilter(charge, offence, characterisation)
    ids = [p.id for p in people]
    occupations = _grouped(session, select(PersonOccupation.person_id,
                                           PersonOccupation.occupation)
                           .where(PersonOccupation.person_id.in_(ids))
                           .order_by(PersonOccupation.occupation))
    orgs = _grouped(session, select(Membership.person_id,
                                    func.coalesce(Organization.short_name, Organization.name))
                    .join(Organization, Membership.organization_id == Organization.id)
                    .where(Membership.person_id.in_(ids)).order_by(Organization.name))
    matched, others = offences_of(session, Charge.person_id, ids,
                                  asked.condition(session) if asked else None)
    sources = source_counts(session, "people", ids)
    return [{"id": p.id, "name": p.name, "occupations": occupations.get(p.id, []),
             "organizations": orgs.get(p.id, []), "charges": matched.get(p.id, []),
             "other_charges": others.get(p.id, []), "sources": sources[p.id],
             "description": p.description or ""} for p in people]


def people_query(session: Session, *, charge: str | None = None, org_id: str | None = None,
                 kind: str | None = None, offence: str | None = None,
                 characterisation: str | None = None, min_sources: int | None = None,
                 limit: int | None = None) -> Select:
    """The people of `list_people`, unordered (`limit` chooses the plan of a charge text)."""
    query: Select = select(Person.id, Person.name, Person.description).where(
        *sourced(Person, min_sources))
    asked = ChargeFilter(charge, offence, characterisation)
    if asked.exact:  # one charge must match all: the text's plan alone cannot say so
        query = query.where(Person.id.in_(
            select(Charge.person_id).where(asked.condition(session))))
    elif charge:
        query = query.where(_people_charged(session, charge, limit))
    if org_id:
        query = query.where(Person.id.in_(
            select(Membership.person_id).where(Membership.organization_id == org_id)))
    if kind:
        query = query.where(or_(
            Person.id.in_(select(PersonOccupation.person_id)
                          .where(PersonOccupation.occupation == kind.lower())),
            Person.id.in_(select(Membership.person_id).where(Membership.role == kind.lower()))))
    return query


def sourced(model: Any, min_sources: int | None) -> list[Any]:
    """The condition of `--min-sources N` on a table's records (none when N <= 1: every
    record has its own source)."""
    if not min_sources or min_sources <= 1:
        return []
    return [supported_by_at_least(model.__table__, min_sources)]


COUNT_CAP = 100_000  # a caption counts the rows a listing left out up to this many


def count_up_to(session: Session, query: Select, cap: int = COUNT_CAP) -> int:
    """How many rows the query returns, counted up to cap + 1 (more than cap: cap + 1),
    so that a caption's count costs at most cap index entries however large the table."""
    return session.execute(select(func.count()).select_from(
        query.order_by(None).limit(cap + 1).subquery())).scalar_one()


def _grouped(session: Session, query: Select) -> dict[str, list[str]]:
    """{key: [values...]} from a two-column query, values de-duplicated in order."""
    out: dict[str, list[str]] = defaultdict(list)
    for key, value in session.execute(query):
        if value not in out[key]:
            out[key].append(value)
    return out


# --- cases and charges --------------------------------------------------------------------


def cases_of_person(person_id: str) -> Any:
    """The ids of the cases a person is a defendant in, charged in, or sentenced in."""
    return (select(CaseDefendant.case_id).where(CaseDefendant.person_id == person_id)
            .union(select(Charge.case_id).where(Charge.person_id == person_id),
                   select(Sentence.case_id).where(Sentence.person_id == person_id)))


def events_of_person(person_id: str, case_ids: Any = None) -> Any:
    """The ids of the events a person took part in, or that belong to their cases.

    A UNION of two indexed lookups: an OR of the two conditions on events would make
    PostgreSQL read every event.
    """
    cases = cases_of_person(person_id) if case_ids is None else case_ids
    return (select(EventParticipant.event_id).where(EventParticipant.person_id == person_id)
            .union(select(Event.id).where(Event.case_id.in_(cases))))


def list_cases(session: Session, *, person_id: str | None = None, charge: str | None = None,
               status: str | None = None, offence: str | None = None,
               characterisation: str | None = None, min_sources: int | None = None,
               limit: int | None = None) -> list[Row]:
    """Cases in id order, with defendants, offences and latest sentence, filtered by
    defendant, charge text, status, offence category, characterisation or sources."""
    query = cases_query(session, person_id=person_id, charge=charge, status=status,
                        offence=offence, characterisation=characterisation,
                        min_sources=min_sources)
    cases = list(session.scalars(query.order_by(Case.id).limit(limit)))
    ids = [c.id for c in cases]
    defendants = _grouped(session, select(CaseDefendant.case_id, Person.name)
                          .join(Person, CaseDefendant.person_id == Person.id)
                          .where(CaseDefendant.case_id.in_(ids)).order_by(Person.name))
    asked = ChargeFilter(charge, offence, characterisation)
    offences = offences_of(session, Charge.case_id, ids,
                           asked.condition(session) if asked else None)
    latest = _latest_sentences(session, ids)
    sources = source_counts(session, "cases", ids)
    return [{**_case_row(case, defendants, offences, latest.get(case.id)),
             "sources": sources[case.id]} for case in cases]


def cases_query(session: Session, *, person_id: str | None = None, charge: str | None = None,
                status: str | None = None, offence: str | None = None,
                characterisation: str | None = None, min_sources: int | None = None) -> Select:
    """The cases of `list_cases`, unordered."""
    query: Select = select(Case).where(*sourced(Case, min_sources))
    asked = ChargeFilter(charge, offence, characterisation)
    if asked:
        query = query.where(Case.id.in_(select(Charge.case_id).where(asked.condition(session))))
    if person_id:
        query = query.where(Case.id.in_(cases_of_person(person_id)))
    if status:
        query = query.where(Case.status == status.lower())
    return query


def _case_row(case: Case, defendants: dict[str, list[str]],
              offences: tuple[dict[str, list[str]], dict[str, list[str]]],
              sentence: Sentence | None) -> Row:
    count = case.defendant_count
    return {
        "id": case.id, "title": case.title, "status": case.status,
        "inferred": inferred_of(case),
        "defendants": defendants.get(case.id, []),
        "defendant_count": count,
        "defendant_count_qualifier": case.defendant_count_qualifier,
        "defendants_counted": count_label(count, case.defendant_count_qualifier),
        "charges": offences[0].get(case.id, []),
        "other_charges": offences[1].get(case.id, []),
        "latest_sentence": _sentence_label(sentence) if sentence else "",
        "sentence_date": sentence.date_edtf or "" if sentence else "",
    }


def _latest_sentences(session: Session, case_ids: list[str]) -> dict[str, Sentence]:
    """Per case, the newest sentence that no other sentence replaced."""
    replaced = select(Sentence.replaces_id).where(Sentence.replaces_id.is_not(None))
    query = (select(Sentence).where(Sentence.case_id.in_(case_ids),
                                    Sentence.id.not_in(replaced))
             .order_by(Sentence.case_id, Sentence.date_end.desc().nulls_last(), Sentence.id))
    latest: dict[str, Sentence] = {}
    for sentence in session.scalars(query):
        latest.setdefault(sentence.case_id, sentence)
    return latest


def _sentence_label(sentence: Sentence) -> str:
    term = term_label(sentence.kind, sentence.term_min_months, sentence.term_max_months)
    return f"{sentence.kind} {term}".strip()


def offence_summary(session: Session) -> list[Row]:
    """Each offence category with the number of cases and of named people charged."""
    query = (select(Offence.id, Offence.name,
                    func.count(func.distinct(Charge.case_id)).label("cases"),
                    func.count(func.distinct(Charge.person_id)).label("people"),
                    func.count(Charge.id).label("charges"))
             .join(Charge, Charge.offence_id == Offence.id, isouter=True)
             .group_by(Offence.id, Offence.name)
             .order_by(func.count(func.distinct(Charge.case_id)).desc(), Offence.id))
    return [dict(row._mapping) for row in session.execute(query)]


def charges_query(session: Session, asked: ChargeFilter, person_id: str | None = None,
                  min_sources: int | None = None) -> Select:
    """The charges of `list_charges`, unordered."""
    query: Select = select(Charge).where(asked.condition(session),
                                         *sourced(Charge, min_sources))
    if person_id:
        query = query.where(Charge.person_id == person_id)
    return query


def list_charges(session: Session, asked: ChargeFilter, person_id: str | None = None,
                 min_sources: int | None = None, limit: int | None = None) -> list[Row]:
    """Charges one by one, in date order: who (a person, or the case's unnamed
    defendants), the offence, the report's wording and characterisation, the outcome."""
    charges = list(session.scalars(charges_query(session, asked, person_id, min_sources)
                                   .order_by(*order_by(Charge.__table__)).limit(limit)))
    names: dict[str, str] = {pid: name for pid, name in session.execute(
        select(Person.id, Person.name).where(
            Person.id.in_({c.person_id for c in charges if c.person_id})))}
    sources = source_counts(session, "charges", [c.id for c in charges])
    offences: dict[str, str] = {oid: name for oid, name in session.execute(
        select(Offence.id, Offence.name).where(Offence.id.in_({c.offence_id for c in charges})))}
    return [{**date_fields(c), "id": c.id, "case": c.case_id,
             "who": names[c.person_id] if c.person_id else "(the case's unnamed defendants)",
             "person_id": c.person_id or "", "offence_id": c.offence_id,
             "offence": offences[c.offence_id], "wording": c.wording,
             "characterisation": c.characterisation or "", "outcome": c.outcome or "",
             "sources": sources[c.id], "inferred": inferred_of(c)} for c in charges]


# --- events ------------------------------------------------------------------------------------


def event_window(*, month: str | None = None, year: int | None = None,
                 start: date | None = None, end: date | None = None,
                 ) -> tuple[date | None, date | None]:
    if month:
        return month_bounds(month)
    if year:
        return date(year, 1, 1), date(year, 12, 31)
    return start, end


def inferred_of(record: Any) -> dict[str, str]:
    """The fields of a record a curator inferred rather than read, with the reasons."""
    return json.loads(record.inferred) if record.inferred else {}


def date_fields(record: Any) -> Row:
    """A dated record's date as stated, its derived bounds, and what they rest on."""
    return {
        "date": record.date_edtf or "", "date_text": record.date_text or "",
        "bounds": bounds_label(record.earliest, record.latest, record.earliest_basis,
                               record.latest_basis, record.date_edtf is not None,
                               record.earliest_from, record.latest_from),
        "date_start": record.date_start, "date_end": record.date_end,
        "date_precision": record.date_precision or "",
        "earliest": record.earliest, "earliest_basis": record.earliest_basis or "none",
        "earliest_from": record.earliest_from or "",
        "latest": record.latest, "latest_basis": record.latest_basis or "none",
        "latest_from": record.latest_from or "",
        "month": single_month(record.earliest, record.latest),
    }


def unbounded(earliest: date | None, latest: date | None, latest_from: str | None) -> str:
    """"undated" (no bound but the source's publication), "open-ended" (one bound
    unknown or only the publication), or "" (bounded at both ends). `undated()` is the
    same test in SQL."""
    by_source = (latest_from or "").startswith("source:")
    if earliest is None and (latest is None or by_source):
        return "undated"
    if earliest is None or latest is None or by_source:
        return "open-ended"
    return ""


def undated(table: Any) -> Any:
    """A condition: the record has no bound but its source's publication date (as
    `unbounded` says "undated")."""
    c = table.c
    # coalesce: NOT of a NULL comparison would be NULL, and drop the stated ones too
    return and_(c.earliest.is_(None),
                or_(c.latest.is_(None), func.coalesce(c.latest_from, "").like("source:%")))


@dataclass(frozen=True)
class Window:
    """A date window, open at either end; its conditions on a dated table's bounds.

    A record is in the window when its bounds lie inside it (certain), and may be in
    it when its bounds overlap it. Unknown bounds are the ends of the calendar in the
    sort columns, so the conditions need no NULL tests.
    """

    start: date | None = None
    end: date | None = None

    def __bool__(self) -> bool:
        return self.start is not None or self.end is not None

    def inside(self, table: Any) -> Any:
        c = table.c
        return and_(c.sort_earliest >= (self.start or DAWN), c.sort_latest <= (self.end or DOOM),
                    # implied, but it bounds the index range on sort_earliest
                    c.sort_earliest <= (self.end or DOOM))

    def overlaps(self, table: Any) -> Any:
        c = table.c
        return and_(c.sort_earliest <= (self.end or DOOM), c.sort_latest >= (self.start or DAWN))

    def wanted(self, table: Any, include_uncertain: bool, include_undated: bool) -> Any:
        """A condition: the record lies inside the window; with include_uncertain, or its
        bounds overlap it; with include_undated, or it is undated (and so may be in it)."""
        wanted = [self.inside(table)]
        if include_uncertain:
            wanted.append(and_(self.overlaps(table), not_(undated(table))))
        if include_undated:
            wanted.append(and_(self.overlaps(table), undated(table)))
        return or_(*wanted)

    def left_out(self, session: Session, table: Any, conditions: list[Any], *,
                 include_uncertain: bool, include_undated: bool) -> dict[str, int]:
        """How many records meeting the conditions may lie in the window but are not
        listed: {"uncertain": n, "undated": n}, each counted only when its option is off."""
        base = [self.overlaps(table), not_(self.inside(table)), *conditions]
        out = {}
        for name, included, condition in (("uncertain", include_uncertain, not_(undated(table))),
                                          ("undated", include_undated, undated(table))):
            if not included:
                out[name] = session.execute(select(func.count()).select_from(table)
                                            .where(*base, condition)).scalar_one()
        return out

    def why(self, record: Any) -> str:
        """Why a record that overlaps the window may lie outside it ("" if it cannot)."""
        low, high = record.earliest, record.latest
        if (self.start is None or (low and low >= self.start)) and (
                self.end is None or (high and high <= self.end)):
            return ""
        part = unbounded(low, high, record.latest_from)
        if part:
            return part
        if "derived" in (record.earliest_basis, record.latest_basis):
            return "derived bounds"
        return "vaguer than the window"


@dataclass(frozen=True)
class EventFilter:
    """Which events a listing asks for, besides their dates."""

    kind: str | None = None
    person_id: str | None = None
    org_id: str | None = None
    instrument_id: str | None = None
    min_sources: int | None = None

    def conditions(self) -> list[Any]:
        out: list[Any] = sourced(Event, self.min_sources)
        if self.kind:
            out.append(Event.kind == self.kind.lower())
        if self.person_id:
            out.append(Event.id.in_(events_of_person(self.person_id)))
        if self.org_id:
            out.append(Event.id.in_(select(EventParticipant.event_id)
                                    .where(EventParticipant.organization_id == self.org_id)))
        if self.instrument_id:
            out.append(Event.id.in_(select(EventInstrument.event_id)
                                    .where(EventInstrument.instrument_id == self.instrument_id)))
        return out


def list_events(session: Session, *, start: date | None = None, end: date | None = None,
                include_uncertain: bool = False, include_undated: bool = False,
                kind: str | None = None, person_id: str | None = None,
                org_id: str | None = None, instrument_id: str | None = None,
                min_sources: int | None = None, limit: int | None = None) -> list[Row]:
    """Events in date order (incidentdb.chronology). In a window: those whose bounds,
    stated or derived, lie inside it; with include_uncertain, also those whose bounds
    only overlap it, and with include_undated those without any bound but their
    source's publication; each such row says why (`why`)."""
    window = Window(start, end)
    query = events_query(start=start, end=end, include_uncertain=include_uncertain,
                         include_undated=include_undated, kind=kind, person_id=person_id,
                         org_id=org_id, instrument_id=instrument_id, min_sources=min_sources)
    events = list(session.scalars(query.order_by(*order_by(Event.__table__)).limit(limit)))
    who = participant_names(session, [e.id for e in events])
    counts = event_counts(session, [e.id for e in events])
    sources = source_counts(session, "events", [e.id for e in events])
    rows = []
    for event in events:
        why = window.why(event) if window else ""
        rows.append({**date_fields(event),
                     "id": event.id, "kind": event.kind, "title": event.title,
                     "who": who.get(event.id, []), "case": event.case_id or "",
                     "uncertain": bool(why), "why": why, "inferred": inferred_of(event),
                     "counts": counts.get(event.id, []), "sources": sources[event.id],
                     "counted": "; ".join(c["text"] for c in counts.get(event.id, []))})
    return rows


def events_query(*, start: date | None = None, end: date | None = None,
                 include_uncertain: bool = False, include_undated: bool = False,
                 kind: str | None = None, person_id: str | None = None,
                 org_id: str | None = None, instrument_id: str | None = None,
                 min_sources: int | None = None) -> Select:
    """The events of `list_events`, unordered."""
    window = Window(start, end)
    table = Event.__table__
    query: Select = select(Event).where(
        *EventFilter(kind, person_id, org_id, instrument_id, min_sources).conditions())
    if window:
        query = query.where(window.wanted(table, include_uncertain, include_undated))
    return query


def events_left_out(session: Session, *, start: date | None = None, end: date | None = None,
                    include_uncertain: bool = False, include_undated: bool = False,
                    kind: str | None = None, person_id: str | None = None,
                    org_id: str | None = None, instrument_id: str | None = None,
                    min_sources: int | None = None) -> dict[str, int]:
    """How many events may lie in the window but are not listed: {"uncertain": n,
    "undated": n}, each counted only when its option is off."""
    window = Window(start, end)
    if not window:
        return {}
    return window.left_out(session, Event.__table__,
                           EventFilter(kind, person_id, org_id, instrument_id,
                                       min_sources).conditions(),
                           include_uncertain=include_uncertain, include_undated=include_undated)


def event_counts(session: Session, event_ids: list[str]) -> dict[str, list[Row]]:
    """Per event, its counts as the report gives them: measure, subject, value, qualifier,
    the bounds they imply, and as text ("at least 78 detained: members of ...")."""
    out: dict[str, list[Row]] = defaultdict(list)
    for c in session.scalars(select(EventCount).where(EventCount.event_id.in_(event_ids))
                             .order_by(EventCount.event_id, EventCount.id)):
        label = count_label(c.value, c.qualifier)
        out[c.event_id].append({
            "measure": c.measure, "subject": c.subject, "value": c.value,
            "qualifier": c.qualifier, "minimum": c.minimum, "maximum": c.maximum,
            "text": f"{label} {c.measure}: {c.subject}"})
    return out


def participant_names(session: Session, event_ids: list[str]) -> dict[str, list[str]]:
    """Per event, the names of those who took part: people, organizations (by short
    name), unnamed groups (by their description, with the part of it the report says
    took part: "family members (most)"), in the order they were recorded."""
    name = func.coalesce(Person.name, Organization.short_name, Organization.name,
                         EventParticipant.group_description)
    query = (select(EventParticipant.event_id, name, EventParticipant.qualifier)
             .join(Person, EventParticipant.person_id == Person.id, isouter=True)
             .join(Organization, EventParticipant.organization_id == Organization.id,
                   isouter=True)
             .where(EventParticipant.event_id.in_(event_ids))
             .order_by(EventParticipant.event_id, EventParticipant.id))
    out: dict[str, list[str]] = defaultdict(list)
    for event_id, who, qualifier in session.execute(query):
        shown = f"{who} ({qualifier})" if qualifier else who
        if shown not in out[event_id]:
            out[event_id].append(shown)
    return out


TIMELINE_PARTS = ("vaguer than a month", "open-ended", "undated")


def timeline(session: Session, year: int | None = None) -> tuple[list[Row], dict[str, int]]:
    """Events per month, by their bounds (stated or derived), and the events that no
    one month holds, counted apart: {"vaguer than a month": n, "open-ended": n,
    "undated": n}. With a year: the events that may fall in it. The months' counts and
    the parts add up to the events counted."""
    table = Event.__table__
    query = select(Event.earliest, Event.latest, Event.latest_from)
    if year:
        query = query.where(Window(date(year, 1, 1), date(year, 12, 31)).overlaps(table))
    per_month: Counter[str] = Counter()
    parts: Counter[str] = Counter(dict.fromkeys(TIMELINE_PARTS, 0))
    for low, high, high_from in session.execute(query):
        month = single_month(low, high)
        part = unbounded(low, high, high_from) or ("" if month else "vaguer than a month")
        if part:
            parts[part] += 1
        else:
            per_month[month] += 1
    months = sorted(per_month)
    if year:
        months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    return [{"month": m, "events": per_month.get(m, 0)} for m in months], dict(parts)


# --- organizations -------------------------------------------------------------------------


def list_organizations(session: Session, kind: str | None = None) -> list[Row]:
    members = (select(Membership.organization_id, func.count().label("n"))
               .group_by(Membership.organization_id).subquery())
    events = (select(EventParticipant.organization_id,
                     func.count(func.distinct(EventParticipant.event_id)).label("n"))
              .group_by(EventParticipant.organization_id).subquery())
    parent = Organization.__table__.alias("parent")
    query = (select(Organization.id, Organization.name, Organization.short_name,
                    Organization.kind, parent.c.name.label("parent"),
                    func.coalesce(members.c.n, 0).label("members"),
                    func.coalesce(events.c.n, 0).label("events"))
             .join(parent, Organization.parent_id == parent.c.id, isouter=True)
             .join(members, members.c.organization_id == Organization.id, isouter=True)
             .join(events, events.c.organization_id == Organization.id, isouter=True)
             .order_by(Organization.name))
    if kind:
        query = query.where(Organization.kind == kind.lower())
    return [{**row._mapping, "short_name": row.short_name or "", "parent": row.parent or ""}
            for row in session.execute(query)]


# --- statistics and evidence -----------------------------------------------------------------


def stats(session: Session) -> dict[str, list[Row]]:
    tables = [{"table": t.name, "rows": session.execute(
        select(func.count()).select_from(t)).scalar_one()} for t in Base.metadata.sorted_tables]
    kinds = [{"kind": k, "events": n} for k, n in session.execute(
        select(Event.kind, func.count()).group_by(Event.kind)
        .order_by(func.count().desc(), Event.kind))]
    offences = [{"offence": r["name"], "cases": r["cases"], "people": r["people"]}
                for r in offence_summary(session)]
    months, parts = timeline(session)
    months.append({"month": "no single month", "events": sum(parts.values())})
    return {"tables": tables, "event kinds": kinds, "offences": offences, "months": months}


def cite(session: Session, record_id: str, context: int | None = None) -> list[Row]:
    """The evidence of the record with this id: its own source and excerpt first, then
    what further sources say of it (`evidence`: supports, dates, disputes), each with its
    source, excerpt and offsets; with `context`, the excerpt inside that many characters
    of its source's text on either side, marked [[like this]]."""
    out = []
    for declared in sorted(DECLARATIONS, key=lambda d: d.name):
        if not declared.evidence:
            continue
        record: Any = session.get(declared.model, record_id)
        if record is not None:
            out.append(_cited(session, record, declared.name, record_id, "own", "", context))
    further = session.scalars(select(FurtherEvidence).where(
        FurtherEvidence.record_id == record_id).order_by(FurtherEvidence.id))
    for item in further:
        said = {"dates": f"dates it {item.date_edtf}" + (
                    f" ({item.date_text})" if item.date_text else ""),
                "disputes": f"disputes {item.disputed_field}: {item.claim}"}.get(item.stance, "")
        out.append(_cited(session, item, "evidence", item.id, item.stance, said, context))
    return out


def _cited(session: Session, record: Any, table: str, record_id: str, stance: str,
           said: str, context: int | None) -> Row:
    source = session.get_one(Source, record.source_id)
    row = {"table": table, "id": record_id, "stance": stance, "says": said,
           "source": source.title, "source_id": source.id, "publisher": source.publisher,
           "url": source.url or "", "excerpt": record.excerpt,
           "start": record.excerpt_start, "end": record.excerpt_end}
    if context is not None:
        row["context"] = _in_context(source.content, record.excerpt_start, record.excerpt_end,
                                     context)
    return row


def _in_context(text: str | None, start: int, end: int, around: int) -> str:
    """The excerpt at [start, end) of the text, marked [[...]], with `around` characters
    either side ("…" where the text goes on); "" when the text is not stored."""
    if text is None:
        return ""
    before, after = max(0, start - around), min(len(text), end + around)
    return ("…" * (before > 0) + text[before:start] + "[[" + text[start:end] + "]]"
            + text[end:after] + "…" * (after < len(text)))


def person_names(session: Session, person_id: str) -> list[str]:
    return list(session.scalars(select(PersonName.name).where(PersonName.person_id == person_id)
                                .order_by(PersonName.kind.desc(), PersonName.name)))
