"""Organizations as FtM `PublicBody` (courts, police, government...) or `Organization`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from incidentdb.export.ftm.entity import (
    Entity,
    Provenance,
    country,
    entity,
    entity_id,
    schema_of,
    values,
)
from incidentdb.export.tables import ordered, rows
from incidentdb.models import Base

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from incidentdb.shapes import Progress

PUBLIC_BODY_KINDS = frozenset({
    "court", "prosecutor", "police", "government", "parliament", "parliamentary-committee",
    "military", "security-service", "ombudsman", "municipal-authority", "embassy",
})


def organizations(conn: Connection, provenance: Provenance,
                  progress: Progress | None) -> Iterator[Entity]:
    """Each organization: name, abbreviation, kind as classification, country; a
    PublicBody (an Organization in FtM) if its kind is one."""
    orgs = Base.metadata.tables["organizations"]
    schema = schema_of(orgs)
    for row in rows(conn, ordered(orgs), orgs, progress):
        yield entity(
            "PublicBody" if row.kind in PUBLIC_BODY_KINDS else schema,
            entity_id("org", row.id), name=[row.name], abbreviation=values(row.short_name),
            classification=[row.kind], country=country(row.country),
            description=values(row.description), notes=[row.excerpt],
            **provenance(row.source_id, "organizations", row.id))
