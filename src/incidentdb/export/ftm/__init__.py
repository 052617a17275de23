"""The FollowTheMoney format: every record as FtM entities (Aleph, OpenSanctions tooling).

One module per schema, each a mapper from one table's records to entities;
`MAPPERS` lists them by the table each maps, in the order they are written. What
every mapper shares (ids, dates, provenance) is in `entity`. See docs/export.md for
the mapping.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from incidentdb.export.ftm.cases import cases
from incidentdb.export.ftm.entity import Entity, Mapper, entity_id, ftm_dates, provenance
from incidentdb.export.ftm.events import events
from incidentdb.export.ftm.memberships import memberships
from incidentdb.export.ftm.organizations import organizations
from incidentdb.export.ftm.parties import parties, sentence_phrase
from incidentdb.export.ftm.people import people

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection

    from incidentdb.shapes import Progress

# Each table with an FtM schema (its declaration's `ftm`), and its mapper, in the order
# the entities are written.
MAPPERS: dict[str, Mapper] = {
    "organizations": organizations,
    "people": people,
    "memberships": memberships,
    "cases": cases,
    "case_defendants": parties,
    "events": events,
}


def entities(conn: Connection, progress: Progress | None = None) -> Iterator[Entity]:
    """Every record as FtM entities: organizations, people, memberships, cases, parties, events."""
    sources = provenance(conn)
    for mapper in MAPPERS.values():
        yield from mapper(conn, sources, progress)


def write_entities(conn: Connection, table: Table | None, stream: IO[str], *,
                   neutralised: bool, progress: Progress | None) -> int:
    """Write every entity (of every table: `table` is not used) as one JSON object per
    line; return how many."""
    count = 0
    for entity in entities(conn, progress):
        stream.write(json.dumps(entity, ensure_ascii=False) + "\n")
        count += 1
    return count


__all__ = ["MAPPERS", "entities", "entity_id", "ftm_dates", "sentence_phrase",
           "write_entities"]
