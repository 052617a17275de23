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

from sqlalchemy import Select, String, and_, bindparam, case, cast, func, not_, or_, select
from sqlalchemy.orm import Session

from incidentdb.chronology import order_by
from incidentdb.dates import bounds_label, month_bounds, single_month
from incidentdb.evidence import source_counts, supported_by_at_least
from incidentdb.models import (
    DECLARATIONS,
    Base,
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
    Sentence,
    Source,
)
from incidentdb.models.chronology import UNDATED
from incidentdb.shapes import Row
from incidentdb.spans import DAWN, DOOM, overlapping

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


# --- shared by the listings ----------------------------------------------------------------


def sourced(model: Any, min_sources: int | None) -> list[Any]:
    """The condition of `--min-sources N` on a table's records (none when N <= 1: every
    record has its own source)."""
    if not min_sources or min_sources <= 1:
        return []
    return [supported_by_at_least(model.__table__, min_sources)]


def listed(session: Session, values: list[str]) -> Select:
    """A one-column query of these values (column `value`), sent as one bound parameter
    (a JSON array), however many there are: for a set found once and asked about by
    several statements of a listing."""
    from sqlalchemy.dialects.postgresql import JSONB  # a dialect's module: when it is asked

    array = bindparam(None, json.dumps(values), type_=String)
    if session.get_bind().dialect.name == "postgresql":
        elements = func.jsonb_array_elements_text(cast(array, JSONB))
    else:
        elements = func.json_each(array)
    return select(elements.table_valued("value").c.value)


COUNT_CAP = 100_000  # a caption counts the rows a listing left out up to this many


def count_up_to(session: Session, query: Select, cap: int = COUNT_CAP) -> int:
    """How many rows the query returns, counted up to cap + 1 (more than cap: cap + 1),
    so that a caption's count costs at most cap index entries however large the table."""
    return session.execute(select(func.count()).select_from(
        query.order_by(None).limit(cap + 1).subquery())).scalar_one()


def grouped(session: Session, query: Select) -> dict[str, list[str]]:
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
    unknown or only the publication), or "" (bounded at both ends). `spans.undated()` is
    the same test in SQL."""
    by_source = (latest_from or "").startswith("source:")
    if earliest is None and (latest is None or by_source):
        return "undated"
    if earliest is None or latest is None or by_source:
        return "open-ended"
    return ""


def _in_date_order(table: Any) -> bool:
    """Whether an index reads the table in the date order (`chronology.order_by`)."""
    return any(index.name == f"ix_{table.name}_chronological" for index in table.indexes)


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
                    c.sort_earliest <= (self.end or DOOM),
                    # implied too: where no index reads the table in date order (events
                    # have one), it lets the span index find them (incidentdb.spans)
                    *(() if _in_date_order(table) else (self.overlaps(table),)))

    def overlaps(self, table: Any) -> Any:
        return overlapping(table, self.start, self.end)

    def wanted(self, table: Any, include_uncertain: bool, include_undated: bool) -> Any:
        """A condition: the record lies inside the window; with include_uncertain, or its
        bounds overlap it; with include_undated, or it is undated (and so may be in it)."""
        wanted = [self.inside(table)]
        if include_uncertain:
            wanted.append(and_(self.overlaps(table), table.c.span_class != UNDATED))
        if include_undated:
            wanted.append(and_(self.overlaps(table), table.c.span_class == UNDATED))
        return or_(*wanted)

    def left_out(self, session: Session, table: Any, conditions: list[Any], *,
                 include_uncertain: bool, include_undated: bool) -> dict[str, int]:
        """How many records meeting the conditions may lie in the window but are not
        listed: {"uncertain": n, "undated": n}, each counted only when its option is off."""
        asked = [name for name, included in (("uncertain", include_uncertain),
                                             ("undated", include_undated)) if not included]
        if not asked:
            return {}
        # one pass over the overlapping records counts both (each count is a scan)
        is_undated = table.c.span_class == UNDATED
        counted = {"uncertain": func.count(case((not_(is_undated), 1))),
                   "undated": func.count(case((is_undated, 1)))}
        found = session.execute(select(*(counted[name] for name in asked)).select_from(table)
                                .where(self.overlaps(table), not_(self.inside(table)),
                                       *conditions)).one()
        return dict(zip(asked, found, strict=True))

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
    sources = source_counts(session, [e.id for e in events])
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
