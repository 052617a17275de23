"""What the web view's own pages show: the library's answers, as the CLI gives them.

Each function takes a session and returns a plain dict for a template: the case file
of a person found by any spelling (`lookup.find_person`, `casefile.person_file`) with
the evidence excerpt of each of its records; people by charge or offence
(`queries.list_people`); the events of a month, those that may only overlap it marked
(`queries.list_events`). A name or an offence that finds nothing raises the library's
`LookupFailed`, a malformed month `DateError`: the plugin shows their message.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from incidentdb.casefile import person_file
from incidentdb.dates import month_bounds
from incidentdb.lookup import LookupFailed, find_offence, find_person
from incidentdb.models import Base, Person
from incidentdb.prosecutions import list_people
from incidentdb.queries import events_left_out, list_events, offence_summary
from incidentdb.shapes import Row

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def person_page(session: Session, *, name: str = "", person_id: str = "") -> Row:
    """A person's case file (by id, else by any spelling of the name), with `excerpts`:
    the evidence excerpt of every record in it, by record id."""
    if person_id:
        if session.get(Person, person_id) is None:
            raise LookupFailed(f"no person with id {person_id!r}")
    else:
        person_id = find_person(session, name).id
    data = person_file(session, person_id)
    cases = data["cases"]
    records = {
        "people": [person_id],
        "memberships": [m["id"] for m in data["memberships"]],
        "person_relations": [r["evidence"] for r in data["relations"]],
        "cases": [c["id"] for c in cases],
        "charges": [ch["id"] for c in cases for ch in c["charges"] + c["group_charges"]],
        "sentences": [s["id"] for c in cases for s in c["sentences"] + c["group_sentences"]],
        "events": [e["id"] for e in data["timeline"]],
    }
    return {"file": data, "excerpts": excerpts(session, records)}


def excerpts(session: Session, records: dict[str, list[str]]) -> dict[str, str]:
    """The evidence excerpt of each record, by id: one SELECT per table."""
    out: dict[str, str] = {}
    for name, ids in records.items():
        table = Base.metadata.tables[name]
        if ids:
            out.update((record_id, excerpt) for record_id, excerpt in session.execute(
                select(table.c.id, table.c.excerpt).where(table.c.id.in_(ids))))
    return out


def month_page(session: Session, month: str) -> Row:
    """The events of a month: those certainly in it, then (marked `uncertain`, with
    `why`) those whose dates only overlap it, in the one date order; the undated events
    that may fall in it are counted."""
    start, end = month_bounds(month)
    events = list_events(session, start=start, end=end, include_uncertain=True)
    left_out = events_left_out(session, start=start, end=end, include_uncertain=True)
    return {
        "month": month, "start": start, "end": end, "events": events,
        "certain": sum(not e["uncertain"] for e in events),
        "undated": left_out.get("undated", 0),
        "previous": _month_of(start - timedelta(days=1)),
        "next": _month_of(end + timedelta(days=1)),
    }


def _month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def people_page(session: Session, *, charge: str = "", offence: str = "") -> Row:
    """People charged with what `charge` names (its words, or an offence it names) and of
    the offence category `offence` (exactly), as `incidentdb people --charge --offence`;
    with neither, everyone. The offences, for the form."""
    offence_id = find_offence(session, offence) if offence else None
    people = list_people(session, charge=charge or None, offence=offence_id)
    return {"charge": charge, "offence": offence_id or "", "people": people,
            "offences": offence_summary(session)}


def person_choices(error: LookupFailed) -> list[dict[str, Any]]:
    """The people an ambiguous name matches, to link to."""
    return [{"id": person_id, "name": name} for person_id, name in error.candidates]
