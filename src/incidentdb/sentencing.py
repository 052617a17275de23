"""Sentences as a listing: who was sentenced (a person, or an unnamed group with its
count), to what, when, by which court, what each replaced and why, and its status.

`list_sentences` answers `incidentdb sentences`; `sentences_left_out` counts what its
filters leave out without being sure they should (a date window's uncertain and
undated sentences, a term filter's sentences without a term), so that no question
drops a sentence silently. Dates behave as for events (`queries.Window`): a sentence
is in a window when its bounds, stated or derived, lie inside it.

Term filters: `min_months` keeps the sentences whose term can be at least that many
months (the upper end of a range counts), and life imprisonment; `max_months` those
whose term can be at most that many months (the lower end counts), never life
imprisonment. A sentence with no term in months other than life (a suspended sentence
or a house arrest the report gives no length for, a term it does not state) cannot
be placed: a term filter leaves it out and counts it ("without_term").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from incidentdb.chronology import order_by
from incidentdb.evidence import source_counts
from incidentdb.models import Organization, Person, Sentence
from incidentdb.queries import (
    Window,
    count_label,
    date_fields,
    inferred_of,
    sourced,
    term_label,
)
from incidentdb.shapes import Row

LIFE = "life-imprisonment"


@dataclass(frozen=True)
class SentenceFilter:
    """Which sentences a listing asks for, besides their dates."""

    kind: str | None = None
    person_id: str | None = None
    case_id: str | None = None
    status: str | None = None
    change: str | None = None
    min_months: int | None = None
    max_months: int | None = None
    min_sources: int | None = None

    @property
    def by_term(self) -> bool:
        return self.min_months is not None or self.max_months is not None

    def conditions(self) -> list[Any]:
        """Every condition but the term's."""
        out: list[Any] = sourced(Sentence, self.min_sources)
        for column, value in ((Sentence.kind, self.kind), (Sentence.person_id, self.person_id),
                              (Sentence.case_id, self.case_id), (Sentence.status, self.status),
                              (Sentence.change, self.change)):
            if value is not None:
                out.append(column == value)
        return out

    def term(self) -> list[Any]:
        """The term filter's conditions (none without one)."""
        out: list[Any] = []
        if self.min_months is not None:
            longest = func.coalesce(Sentence.term_max_months, Sentence.term_min_months)
            out.append(or_(Sentence.kind == LIFE, longest >= self.min_months))
        if self.max_months is not None:
            out.append(and_(Sentence.kind != LIFE, Sentence.term_min_months <= self.max_months))
        return out


def without_term() -> Any:
    """A condition: the sentence has no term a term filter can compare (life has one)."""
    return and_(Sentence.term_min_months.is_(None), Sentence.kind != LIFE)


def list_sentences(session: Session, *, start: date | None = None, end: date | None = None,
                   include_uncertain: bool = False, include_undated: bool = False,
                   kind: str | None = None, person_id: str | None = None,
                   case_id: str | None = None, status: str | None = None,
                   min_months: int | None = None, max_months: int | None = None,
                   change: str | None = None, min_sources: int | None = None,
                   limit: int | None = None) -> list[Row]:
    """Sentences in date order (incidentdb.chronology), filtered; in a window, those
    certainly inside it, and as asked those that may be (each saying why, `why`)."""
    window = Window(start, end)
    query = sentences_query(start=start, end=end, include_uncertain=include_uncertain,
                            include_undated=include_undated, kind=kind, person_id=person_id,
                            case_id=case_id, status=status, min_months=min_months,
                            max_months=max_months, change=change, min_sources=min_sources)
    sentences = list(session.scalars(
        query.order_by(*order_by(Sentence.__table__)).limit(limit)))
    people = _names(session, Person, {s.person_id for s in sentences})
    courts = _names(session, Organization, {s.court_id for s in sentences})
    sources = source_counts(session, [s.id for s in sentences])
    return [{**_row(s, people, courts, window.why(s) if window else ""),
             "sources": sources[s.id]} for s in sentences]


def sentences_query(*, start: date | None = None, end: date | None = None,
                    include_uncertain: bool = False, include_undated: bool = False,
                    kind: str | None = None, person_id: str | None = None,
                    case_id: str | None = None, status: str | None = None,
                    min_months: int | None = None, max_months: int | None = None,
                    change: str | None = None, min_sources: int | None = None) -> Select:
    """The sentences of `list_sentences`, unordered."""
    window = Window(start, end)
    wanted = SentenceFilter(kind, person_id, case_id, status, change, min_months, max_months,
                            min_sources)
    query: Select = select(Sentence).where(*wanted.conditions(), *wanted.term())
    if window:
        query = query.where(window.wanted(Sentence.__table__, include_uncertain,
                                          include_undated))
    return query


def _row(s: Sentence, people: dict[str, str], courts: dict[str, str], why: str) -> Row:
    """One sentence as a row: who (a person's name, or a group with its count), its term
    in words and months, its court, what it replaced and how, its dates."""
    person = people.get(s.person_id, "") if s.person_id else ""
    group = s.group_description or ""
    if group and s.group_count is not None:
        group = f"{group} ({count_label(s.group_count, None)})"
    return {
        **date_fields(s), "who": person or group, "person": person,
        "person_id": s.person_id or "", "group": s.group_description or "",
        "group_count": s.group_count, "kind": s.kind,
        "term": term_label(s.kind, s.term_min_months, s.term_max_months),
        "term_min_months": s.term_min_months, "term_max_months": s.term_max_months,
        "court": courts.get(s.court_id, "") if s.court_id else "", "court_id": s.court_id or "",
        "replaces": s.replaces_id or "", "change": s.change or "", "status": s.status or "",
        "case": s.case_id, "id": s.id, "uncertain": bool(why), "why": why,
        "inferred": inferred_of(s)}


def _names(session: Session, model: Any, ids: set[str | None]) -> dict[str, str]:
    """{id: name} of the people or organizations with these ids."""
    query = select(model.id, model.name).where(model.id.in_([i for i in ids if i]))
    return {record_id: name for record_id, name in session.execute(query)}


def sentences_left_out(session: Session, *, start: date | None = None,
                       end: date | None = None, include_uncertain: bool = False,
                       include_undated: bool = False, kind: str | None = None,
                       person_id: str | None = None, case_id: str | None = None,
                       status: str | None = None, min_months: int | None = None,
                       max_months: int | None = None, change: str | None = None,
                       min_sources: int | None = None) -> dict[str, int]:
    """How many sentences the other filters keep but the listing leaves out:
    {"uncertain": n, "undated": n} as for events (with a window, each only when its
    option is off), and {"without_term": n} with a term filter: the sentences without a
    term that may lie in the window (all of them, without one)."""
    window = Window(start, end)
    table = Sentence.__table__
    wanted = SentenceFilter(kind, person_id, case_id, status, change, min_months, max_months,
                            min_sources)
    out = {}
    if window:
        out = window.left_out(session, table, [*wanted.conditions(), *wanted.term()],
                              include_uncertain=include_uncertain,
                              include_undated=include_undated)
    if wanted.by_term:
        dated = [window.overlaps(table)] if window else []
        out["without_term"] = session.execute(
            select(func.count()).select_from(Sentence)
            .where(*wanted.conditions(), without_term(), *dated)).scalar_one()
    return out
