"""Cases as FtM `CourtCase`: the offences of their charges, the courts that sentenced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from incidentdb.export.ftm.entity import (
    SEPARATOR,
    Entity,
    Provenance,
    entity,
    entity_id,
    schema_of,
    split,
    values,
)
from incidentdb.export.tables import rows
from incidentdb.models import Base

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from incidentdb.shapes import Progress


def cases(conn: Connection, provenance: Provenance,
          progress: Progress | None) -> Iterator[Entity]:
    """Each case: title as name, summary, status, the offences of its charges as
    `category`, the sentencing courts as `court`."""
    t = Base.metadata.tables
    table, charges, offences = t["cases"], t["charges"], t["offences"]
    sentences, orgs = t["sentences"], t["organizations"]
    offence_names = (select(func.aggregate_strings(offences.c.name, SEPARATOR))
                     .select_from(charges.join(offences, charges.c.offence_id == offences.c.id))
                     .where(charges.c.case_id == table.c.id).scalar_subquery())
    courts = (select(func.aggregate_strings(orgs.c.name, SEPARATOR))
              .select_from(sentences.join(orgs, sentences.c.court_id == orgs.c.id))
              .where(sentences.c.case_id == table.c.id).scalar_subquery())
    query = select(table, offence_names.label("offences"),
                   courts.label("courts")).order_by(table.c.id)
    schema = schema_of(table)
    for row in rows(conn, query, table, progress):
        yield entity(
            schema, entity_id("case", row.id), name=[row.title],
            summary=values(row.summary), status=[row.status], category=split(row.offences),
            court=split(row.courts), notes=[row.excerpt],
            **provenance(row.source_id, "cases", row.id))
