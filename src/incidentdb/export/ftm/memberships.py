"""Memberships as FtM `Membership`: a person, an organization, a role, dates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from incidentdb.export.ftm.entity import (
    Entity,
    Provenance,
    entity,
    entity_id,
    ftm_dates,
    schema_of,
)
from incidentdb.export.tables import ordered, rows
from incidentdb.models import Base

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from incidentdb.shapes import Progress


def memberships(conn: Connection, provenance: Provenance,
                progress: Progress | None) -> Iterator[Entity]:
    """Each membership: member, organization, role, dates; the excerpt as description."""
    table = Base.metadata.tables["memberships"]
    schema = schema_of(table)
    for row in rows(conn, ordered(table), table, progress):
        yield entity(
            schema, entity_id("membership", row.id),
            member=[entity_id("person", row.person_id)],
            organization=[entity_id("org", row.organization_id)], role=[row.role],
            description=[row.excerpt],
            **ftm_dates(row.date_edtf, row.date_start, row.date_end),
            **provenance(row.source_id, "memberships", row.id))
