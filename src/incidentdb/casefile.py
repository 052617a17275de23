"""Case files: everything about one person, or one organization, in one object.

A case file is what a lawyer or journalist asks for first: who this is, under
which names, in which organizations, every case with its charges, sentences and
changes to them, and a dated timeline, each line with the id of its evidence
(`incidentdb cite ID`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from incidentdb.chronology import order_by
from incidentdb.evidence import sources_and_disputes
from incidentdb.models import (
    Case,
    Charge,
    Event,
    EventParticipant,
    Membership,
    Offence,
    Organization,
    OrganizationName,
    Person,
    PersonOccupation,
    PersonRelation,
    Sentence,
)
from incidentdb.queries import (
    cases_of_person,
    date_fields,
    events_of_person,
    inferred_of,
    participant_names,
    person_names,
    term_label,
)
from incidentdb.shapes import Row


def person_file(session: Session, person_id: str) -> Row:
    """Everything about one person: names, memberships, cases (charges, sentences), and
    the events they took part in or that belong to their cases, in date order."""
    person = session.get_one(Person, person_id)
    occupations = list(session.scalars(select(PersonOccupation.occupation)
                                       .where(PersonOccupation.person_id == person_id)
                                       .order_by(PersonOccupation.occupation)))
    memberships = [{
        "id": m.id, "organization_id": org.id, "organization": org.name,
        "short_name": org.short_name or "", "role": m.role, **date_fields(m),
        "inferred": inferred_of(m),
    } for m, org in session.execute(
        select(Membership, Organization)
        .join(Organization, Membership.organization_id == Organization.id)
        .where(Membership.person_id == person_id).order_by(Organization.name))]
    case_ids = list(session.scalars(cases_of_person(person_id)))
    data = {
        "id": person.id, "name": person.name, "names": person_names(session, person_id),
        "description": person.description or "", "occupations": occupations,
        "gender": person.gender or "", "nationality": person.nationality or "",
        "evidence": person.id,
        "memberships": memberships,
        "relations": _relations(session, person_id),
        "cases": _cases(session, person_id, case_ids),
        "timeline": _timeline(session, person_id, case_ids),
    }
    data["disagreements"] = _sources(session, data)
    return data


def _sources(session: Session, data: Row) -> list[Row]:
    """Each fact of a case file gets `sources` (how many sources support it) and
    `disputes` (what other sources say instead); the disagreements, listed together."""
    facts: dict[str, list[Row]] = {
        "people": [data], "memberships": data["memberships"], "events": data["timeline"],
        "cases": data["cases"],
        "charges": [c for case in data["cases"]
                    for c in case["charges"] + case["group_charges"]],
        "sentences": [s for case in data["cases"]
                      for s in case["sentences"] + case["group_sentences"]]}
    every = [row for rows in facts.values() for row in rows]
    counts, disputed = sources_and_disputes(session, [row["id"] for row in every])
    disagreements = []
    for row in every:
        row["sources"] = counts[row["id"]]
        row["disputes"] = disputed.get(row["id"], [])
        disagreements += [{"record": row["id"], **d} for d in row["disputes"]]
    return disagreements


def _relations(session: Session, person_id: str) -> list[Row]:
    """How the person stands to others, either way round: "child-of the APFP deputy
    chairman" (a person the report does not name is shown as it describes them)."""
    other = aliased(Person)
    rows = session.execute(
        select(PersonRelation, Person.name, other.name)
        .join(Person, PersonRelation.person_id == Person.id)
        .join(other, PersonRelation.other_person_id == other.id, isouter=True)
        .where(or_(PersonRelation.person_id == person_id,
                   PersonRelation.other_person_id == person_id))
        .order_by(PersonRelation.id)).all()
    return [{"person": name, "relation": r.relation,
             "other": other_name or r.other_description or "",
             "other_id": r.other_person_id or "", "evidence": r.id}
            for r, name, other_name in rows]


def _cases(session: Session, person_id: str, case_ids: list[str]) -> list[Row]:
    """The person's cases, earliest first, each with the person's own charges and
    sentences (changes after what they changed), and apart from them those of the case's
    unnamed defendants (`group_charges`, `group_sentences`), which are not the person's."""
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(case_ids)))}
    charges = session.execute(
        select(Charge, Offence.name).join(Offence, Charge.offence_id == Offence.id)
        .where(Charge.case_id.in_(case_ids),
               or_(Charge.person_id == person_id, Charge.person_id.is_(None)))
        .order_by(*order_by(Charge.__table__))).all()
    # a sentence that replaces another comes after it (incidentdb.chronology)
    sentences = list(session.scalars(
        select(Sentence).where(Sentence.case_id.in_(case_ids),
                               or_(Sentence.person_id == person_id,
                                   Sentence.person_id.is_(None)))
        .order_by(*order_by(Sentence.__table__))))
    court_ids = {s.court_id for s in sentences if s.court_id}
    courts = {org_id: name for org_id, name in session.execute(
        select(Organization.id, Organization.name).where(Organization.id.in_(court_ids)))}

    def charge_rows(case_id: str, own: bool) -> list[Row]:
        return [{
            "id": ch.id, "offence": offence, "wording": ch.wording,
            "characterisation": ch.characterisation or "", "outcome": ch.outcome or "",
            **date_fields(ch), "inferred": inferred_of(ch),
        } for ch, offence in charges if ch.case_id == case_id and (ch.person_id is not None) == own]

    def sentence_rows(case_id: str, own: bool) -> list[Row]:
        return [{
            "id": s.id, "kind": s.kind,
            "term": term_label(s.kind, s.term_min_months, s.term_max_months),
            "term_min_months": s.term_min_months, "term_max_months": s.term_max_months,
            "court": courts.get(s.court_id, "") if s.court_id else "",
            "replaces": s.replaces_id or "", "change": s.change or "",
            "status": s.status or "", **date_fields(s), "inferred": inferred_of(s),
            **({} if own else {"group": s.group_description or "",
                               "group_count": s.group_count}),
        } for s in sentences if s.case_id == case_id and (s.person_id is not None) == own]

    return [{
        "id": case.id, "title": case.title, "status": case.status,
        "inferred": inferred_of(case),
        "charges": charge_rows(case.id, own=True),
        "sentences": sentence_rows(case.id, own=True),
        "group_charges": charge_rows(case.id, own=False),
        "group_sentences": sentence_rows(case.id, own=False),
    } for case in (cases[case_id] for case_id in sorted(
        cases, key=lambda c: _first_date(c, charges, sentences)))]


def _timeline(session: Session, person_id: str, case_ids: list[str]) -> list[Row]:
    """The events the person took part in or that belong to their cases, in date order,
    with the person's role in each."""
    events = list(session.scalars(
        select(Event).where(Event.id.in_(events_of_person(person_id, case_ids)))
        .order_by(*order_by(Event.__table__))))
    roles: dict[str, str] = {}
    for event_id, role in session.execute(
            select(EventParticipant.event_id, EventParticipant.role)
            .where(EventParticipant.person_id == person_id)):
        roles.setdefault(event_id, role)
    return [{**date_fields(e), "id": e.id, "kind": e.kind, "title": e.title,
             "role": roles.get(e.id, ""), "evidence": e.id, "inferred": inferred_of(e)}
            for e in events]


def _first_date(case_id: str, charges: Sequence[Any], sentences: list[Sentence]) -> str:
    dates = [str(s.earliest) for s in sentences if s.case_id == case_id and s.earliest]
    dates += [str(c.earliest) for c, _ in charges if c.case_id == case_id and c.earliest]
    return min(dates, default="9999") + case_id


def organization_file(session: Session, org_id: str) -> Row:
    org = session.get_one(Organization, org_id)
    parent = session.get(Organization, org.parent_id) if org.parent_id else None
    children = session.scalars(select(Organization.name).where(Organization.parent_id == org_id)
                               .order_by(Organization.name))
    members = [{"person_id": p.id, "name": p.name, "role": m.role, **date_fields(m)}
               for m, p in session.execute(
                   select(Membership, Person).join(Person, Membership.person_id == Person.id)
                   .where(Membership.organization_id == org_id).order_by(Person.name))]
    events = session.execute(
        select(Event, EventParticipant.role)
        .join(EventParticipant, EventParticipant.event_id == Event.id)
        .where(EventParticipant.organization_id == org_id)
        .order_by(*order_by(Event.__table__))).all()
    who = participant_names(session, [e.id for e, _ in events])
    names = list(session.scalars(select(OrganizationName.name)
                                 .where(OrganizationName.organization_id == org_id)
                                 .order_by(OrganizationName.kind.desc(), OrganizationName.name)))
    return {
        "id": org.id, "name": org.name, "names": names, "short_name": org.short_name or "",
        "kind": org.kind,
        "parent": parent.name if parent else "", "parts": list(children),
        "country": org.country or "", "description": org.description or "",
        "evidence": org.id, "members": members,
        "events": [{**date_fields(e), "id": e.id, "kind": e.kind, "title": e.title, "role": role,
                    "with": [w for w in who.get(e.id, []) if w not in (org.name, org.short_name)]}
                   for e, role in events],
    }
