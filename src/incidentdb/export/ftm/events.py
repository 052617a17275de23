"""Events as FtM `Event`: named participants as `involved`, unnamed groups in notes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import select

from incidentdb.export.ftm.entity import (
    Entity,
    Provenance,
    entity,
    entity_id,
    ftm_dates,
    joined,
    schema_of,
    split,
    values,
)
from incidentdb.export.tables import rows
from incidentdb.models import Base

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from incidentdb.shapes import Progress


def events(conn: Connection, provenance: Provenance,
           progress: Progress | None) -> Iterator[Entity]:
    """Each event: title as name, summary, place as `location`, kind as `keywords`,
    named participants as `involved`, unnamed groups in `notes`, dates."""
    t = Base.metadata.tables
    table, participants = t["events"], t["event_participants"]
    involved = participants.c.event_id == table.c.id
    query = select(
        table,
        joined(participants.c.person_id, involved).label("people"),
        joined(participants.c.organization_id, involved).label("organizations"),
        joined(participants.c.group_description, involved).label("groups"),
    ).order_by(table.c.id)
    schema = schema_of(table)
    for row in rows(conn, query, table, progress):
        groups = [f"Also involved (unnamed): {group}" for group in split(row.groups)]
        yield entity(
            schema, entity_id("event", row.id), name=[row.title], summary=values(row.summary),
            location=values(row.place), keywords=[row.kind],
            involved=[entity_id("person", p) for p in split(row.people)]
            + [entity_id("org", o) for o in split(row.organizations)],
            notes=[row.excerpt, *groups],
            **ftm_dates(row.date_edtf, row.date_start, row.date_end),
            **provenance(row.source_id, "events", row.id))
