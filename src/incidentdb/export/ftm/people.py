"""People as FtM `Person`: other spellings as aliases, occupations as professions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import select

from incidentdb.export.ftm.entity import (
    Entity,
    Provenance,
    country,
    entity,
    entity_id,
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


def people(conn: Connection, provenance: Provenance,
           progress: Progress | None) -> Iterator[Entity]:
    """Each person: name; other spellings as `alias`, a single word (a surname) as
    `weakAlias`; description, gender, nationality; occupations as `profession`."""
    t = Base.metadata.tables
    table, names, jobs = t["people"], t["person_names"], t["person_occupations"]
    query = select(
        table,
        joined(names.c.name, names.c.person_id == table.c.id,
               names.c.kind == "alias").label("aliases"),
        joined(jobs.c.occupation, jobs.c.person_id == table.c.id).label("occupations"),
    ).order_by(table.c.id)
    schema = schema_of(table)
    for row in rows(conn, query, table, progress):
        aliases = [a for a in split(row.aliases) if a != row.name]
        yield entity(
            schema, entity_id("person", row.id), name=[row.name],
            # a surname alone ("Yagublu") is too broad to match a person on
            alias=[a for a in aliases if " " in a.strip()],
            weakAlias=[a for a in aliases if " " not in a.strip()],
            description=values(row.description), gender=values(row.gender),
            nationality=country(row.nationality), profession=split(row.occupations),
            notes=[row.excerpt], **provenance(row.source_id, "people", row.id))
