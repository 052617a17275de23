"""Read-only questions the CLI asks: plain functions that take a session and return rows.

Rows are plain dicts, ready for a table, CSV or JSON. Every function loads what
it needs in a constant number of statements (no query per row), and every value
from the user reaches SQL as a bound parameter.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from incidentdb.dates import month_bounds
from incidentdb.models import (
    DECLARATIONS,
    Base,
    Case,
    CaseDefendant,
    Charge,
    Event,
    EventParticipant,
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


def list_people(session: Session, *, charge: str | None = None, org_id: str | None = None,
                kind: str | None = None, limit: int | None = None) -> list[Row]:
    query: Select = (select(Person.id, Person.name, Person.description)
                     .order_by(Person.name, Person.id))
    if charge:
        query = query.where(_people_charged(session, charge, limit))
    if org_id:
        query = query.where(Person.id.in_(
            select(Membership.person_id).where(Membership.organization_id == org_id)))
    if kind:
        query = query.where(or_(
            Person.id.in_(select(PersonOccupation.person_id)
                          .where(PersonOccupation.occupation == kind.lower())),
            Person.id.in_(select(Membership.person_id).where(Membership.role == kind.lower()))))
    people = session.execute(query.limit(limit)).all()
    ids = [p.id for p in people]
    occupations = _grouped(session, select(PersonOccupation.person_id,
                                           PersonOccupation.occupation)
                           .where(PersonOccupation.person_id.in_(ids))
                           .order_by(PersonOccupation.occupation))
    orgs = _grouped(session, select(Membership.person_id,
                                    func.coalesce(Organization.short_name, Organization.name))
                    .join(Organization, Membership.organization_id == Organization.id)
                    .where(Membership.person_id.in_(ids)).order_by(Organization.name))
    offences = _grouped(session, select(Charge.person_id, Offence.name)
                        .join(Offence, Charge.offence_id == Offence.id)
                        .where(Charge.person_id.in_(ids)).order_by(Offence.name))
    return [{"id": p.id, "name": p.name, "occupations": occupations.get(p.id, []),
             "organizations": orgs.get(p.id, []), "charges": offences.get(p.id, []),
             "description": p.description or ""} for p in people]


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
               status: str | None = None, limit: int | None = None) -> list[Row]:
    query: Select = select(Case).order_by(Case.id)
    if person_id:
        query = query.where(Case.id.in_(cases_of_person(person_id)))
    if charge:
        query = query.where(Case.id.in_(select(Charge.case_id).where(
            Charge.id.in_(charge_matches(session, charge).ids))))
    if status:
        query = query.where(Case.status == status.lower())
    cases = list(session.scalars(query.limit(limit)))
    ids = [c.id for c in cases]
    defendants = _grouped(session, select(CaseDefendant.case_id, Person.name)
                          .join(Person, CaseDefendant.person_id == Person.id)
                          .where(CaseDefendant.case_id.in_(ids)).order_by(Person.name))
    offences = _grouped(session, select(Charge.case_id, Offence.name)
                        .join(Offence, Charge.offence_id == Offence.id)
                        .where(Charge.case_id.in_(ids)).order_by(Offence.name))
    latest = _latest_sentences(session, ids)
    rows = []
    for case in cases:
        sentence = latest.get(case.id)
        count = case.defendant_count
        rows.append({
            "id": case.id, "title": case.title, "status": case.status,
            "defendants": defendants.get(case.id, []),
            "defendant_count": count,
            "defendant_count_qualifier": case.defendant_count_qualifier,
            "charges": offences.get(case.id, []),
            "latest_sentence": _sentence_label(sentence) if sentence else "",
            "sentence_date": sentence.date_edtf or "" if sentence else "",
        })
    return rows


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


# --- events ------------------------------------------------------------------------------------


def event_window(*, month: str | None = None, year: int | None = None,
                 start: date | None = None, end: date | None = None,
                 ) -> tuple[date | None, date | None]:
    if month:
        return month_bounds(month)
    if year:
        return date(year, 1, 1), date(year, 12, 31)
    return start, end


def list_events(session: Session, *, start: date | None = None, end: date | None = None,
                include_uncertain: bool = False, kind: str | None = None,
                person_id: str | None = None, org_id: str | None = None,
                limit: int | None = None) -> list[Row]:
    """Events in date order. Inside the window: both date bounds lie within it.

    With include_uncertain, events whose span only overlaps the window (a year-only
    date, "in early 2021") are listed too, marked uncertain.
    """
    conditions: list[Any] = []
    if include_uncertain and (start or end):
        if start:
            conditions.append(or_(Event.date_end.is_(None), Event.date_end >= start))
        if end:
            conditions.append(or_(Event.date_start.is_(None), Event.date_start <= end))
        conditions.append(or_(Event.date_start.is_not(None), Event.date_end.is_not(None)))
    elif start or end:
        conditions += [Event.date_start.is_not(None), Event.date_end.is_not(None)]
        if start:
            conditions.append(Event.date_start >= start)
        if end:
            # implied by date_end <= end, but it bounds the index range on date_start
            conditions += [Event.date_end <= end, Event.date_start <= end]
    query: Select = select(Event).where(*conditions)
    if kind:
        query = query.where(Event.kind == kind.lower())
    if person_id:
        query = query.where(Event.id.in_(events_of_person(person_id)))
    if org_id:
        query = query.where(Event.id.in_(
            select(EventParticipant.event_id).where(EventParticipant.organization_id == org_id)))
    if (start or end) and not include_uncertain:
        # both bounds are known inside a window: the index's order is the answer
        query = query.order_by(Event.date_start, Event.date_end, Event.id)
    else:
        query = query.order_by(Event.date_start.nulls_last(), Event.date_end.nulls_last(),
                               Event.id)
    events = list(session.scalars(query.limit(limit)))
    who = participant_names(session, [e.id for e in events])
    rows = []
    for event in events:
        certain = bool(event.date_start and event.date_end
                       and (not start or event.date_start >= start)
                       and (not end or event.date_end <= end))
        rows.append({
            "date": event.date_edtf or "", "date_text": event.date_text or "",
            "id": event.id, "kind": event.kind, "title": event.title,
            "who": who.get(event.id, []), "case": event.case_id or "",
            "uncertain": not certain if (start or end) else False,
        })
    return rows


def participant_names(session: Session, event_ids: list[str]) -> dict[str, list[str]]:
    """Per event, the names of those who took part: people, organizations (by short
    name), unnamed groups (by their description), in the order they were recorded."""
    name = func.coalesce(Person.name, Organization.short_name, Organization.name,
                         EventParticipant.group_description)
    query = (select(EventParticipant.event_id, name)
             .join(Person, EventParticipant.person_id == Person.id, isouter=True)
             .join(Organization, EventParticipant.organization_id == Organization.id,
                   isouter=True)
             .where(EventParticipant.event_id.in_(event_ids))
             .order_by(EventParticipant.event_id, EventParticipant.id))
    return _grouped(session, query)


def timeline(session: Session, year: int | None = None) -> tuple[list[Row], int, int]:
    """Events per month; returns (months, events too vague for a month, undated events)."""
    query = select(Event.date_start, Event.date_end)
    if year:
        query = query.where(Event.date_start <= date(year, 12, 31),
                            Event.date_end >= date(year, 1, 1))
    per_month: Counter[str] = Counter()
    vague = undated = 0
    for start, end in session.execute(query):
        if start is None or end is None:
            undated += 1
        elif (start.year, start.month) == (end.year, end.month):
            per_month[f"{start.year:04d}-{start.month:02d}"] += 1
        else:
            vague += 1
    months = sorted(per_month)
    if year:
        months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    return [{"month": m, "events": per_month.get(m, 0)} for m in months], vague, undated


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
    months, vague, undated = timeline(session)
    months.append({"month": "no single month", "events": vague + undated})
    return {"tables": tables, "event kinds": kinds, "offences": offences, "months": months}


def cite(session: Session, record_id: str) -> list[Row]:
    """The evidence of every record with this id (ids are unique per table, not overall)."""
    out = []
    for declared in sorted(DECLARATIONS, key=lambda d: d.name):
        if not declared.evidence:
            continue
        record: Any = session.get(declared.model, record_id)
        if record is None:
            continue
        source = session.get_one(Source, record.source_id)
        out.append({"table": declared.name, "id": record_id,
                    "source": source.title, "publisher": source.publisher,
                    "url": source.url or "", "excerpt": record.excerpt,
                    "start": record.excerpt_start, "end": record.excerpt_end})
    return out


def person_names(session: Session, person_id: str) -> list[str]:
    return list(session.scalars(select(PersonName.name).where(PersonName.person_id == person_id)
                                .order_by(PersonName.kind.desc(), PersonName.name)))
