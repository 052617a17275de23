"""People, cases and charges as listings: who was charged with what, where, and what
followed; filtered by a charge's words, its offence category or the report's word for
it (one charge must match every filter given), with the matched charges apart from
the others.

`incidentdb people`, `cases` and `charges` ask these; `queries` holds what every
listing shares (the date fields, counts up to a cap, `--min-sources`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, true
from sqlalchemy.orm import Session

from incidentdb.chronology import order_by
from incidentdb.evidence import source_counts
from incidentdb.models import (
    Case,
    CaseDefendant,
    Charge,
    Membership,
    Offence,
    Organization,
    Person,
    PersonOccupation,
    Sentence,
)
from incidentdb.queries import (
    cases_of_person,
    count_label,
    date_fields,
    grouped,
    inferred_of,
    listed,
    sourced,
    term_label,
)
from incidentdb.search import titles_matching
from incidentdb.shapes import Row

# --- charges asked for ------------------------------------------------------------------


@dataclass(frozen=True)
class ChargeMatch:
    """The charges a user's text names: their offence category mentions the text, or
    their wording has words starting with its words ("drug" finds "drugs-related").

    The charges are found once, as `charge_ids` (the wording from the full-text index,
    the categories from the charges' index on them, a UNION so that each side is
    answered from its index); the statements of a listing (its page, its count, its
    column of matched charges) then ask about that set, `ids`, instead of each finding
    it again. `condition` tests one charge row.
    """

    offences: tuple[str, ...]
    charge_ids: tuple[str, ...]
    ids: Any  # a one-column query of charge_ids (queries.listed)

    @property
    def condition(self) -> Any:
        return Charge.id.in_(self.ids)


def charge_matches(session: Session, text: str) -> ChargeMatch:
    """The offences whose id or name holds the text (any case, taken literally), and the
    charges whose wording has its words or whose offence is one of those.

    Offences are a controlled list (tens of rows), matched in Python: SQLite's lower()
    and LIKE fold only ASCII letters, so "émeute" would miss an offence named "Émeute"
    there and find it on PostgreSQL. The answer is kept for the session (`info`): a
    listing asks it for its filter, its count and its matched-charges column.
    """
    known: dict[str, ChargeMatch] = session.info.setdefault("charge_matches", {})
    if text in known:
        return known[text]
    wanted = text.lower()
    offences = tuple(offence_id for offence_id, name in session.execute(
        select(Offence.id, Offence.name).order_by(Offence.id))
        if wanted.replace(" ", "-") in offence_id.lower() or wanted in name.lower())
    worded = titles_matching(session, "charge", text).subquery()
    found_ids = tuple(session.scalars(
        select(Charge.id).where(Charge.offence_id.in_(offences))
        .union(select(worded.c.record_id))))
    known[text] = found = ChargeMatch(offences, found_ids, listed(session, list(found_ids)))
    return found


def _people_charged(session: Session, text: str, limit: int | None) -> Any:
    """A condition on Person: charged with what the text names.

    Two plans, chosen by how many charges match. Few: collect their people and look
    them up. Many: walk people in name order (an index) and stop at the page, testing
    each for a matching charge; that costs about limit x people / matches look-ups,
    against one per match, so it wins once matches pass sqrt(limit x people).
    """
    match = charge_matches(session, text)
    if limit is None or len(match.charge_ids) < PLAN_SWITCH:
        return Person.id.in_(select(Charge.person_id).where(match.condition))
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
            out.append(charge_matches(session, self.text).condition)
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
    occupations = grouped(session, select(PersonOccupation.person_id,
                                           PersonOccupation.occupation)
                           .where(PersonOccupation.person_id.in_(ids))
                           .order_by(PersonOccupation.occupation))
    orgs = grouped(session, select(Membership.person_id,
                                    func.coalesce(Organization.short_name, Organization.name))
                    .join(Organization, Membership.organization_id == Organization.id)
                    .where(Membership.person_id.in_(ids)).order_by(Organization.name))
    matched, others = offences_of(session, Charge.person_id, ids,
                                  asked.condition(session) if asked else None)
    sources = source_counts(session, ids)
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
    defendants = grouped(session, select(CaseDefendant.case_id, Person.name)
                          .join(Person, CaseDefendant.person_id == Person.id)
                          .where(CaseDefendant.case_id.in_(ids)).order_by(Person.name))
    asked = ChargeFilter(charge, offence, characterisation)
    offences = offences_of(session, Charge.case_id, ids,
                           asked.condition(session) if asked else None)
    latest = _latest_sentences(session, ids)
    sources = source_counts(session, ids)
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
    sources = source_counts(session, [c.id for c in charges])
    offences: dict[str, str] = {oid: name for oid, name in session.execute(
        select(Offence.id, Offence.name).where(Offence.id.in_({c.offence_id for c in charges})))}
    return [{**date_fields(c), "id": c.id, "case": c.case_id,
             "who": names[c.person_id] if c.person_id else "(the case's unnamed defendants)",
             "person_id": c.person_id or "", "offence_id": c.offence_id,
             "offence": offences[c.offence_id], "wording": c.wording,
             "characterisation": c.characterisation or "", "outcome": c.outcome or "",
             "sources": sources[c.id], "inferred": inferred_of(c)} for c in charges]
