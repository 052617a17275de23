"""Named defendants as FtM `CourtCaseParty`: their charges and their latest sentence.

Sentences are not `Sanction` entities on purpose (docs/export.md): a Sanction marks
its subject as a sanctioned party in screening.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, exists, select

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
    from sqlalchemy.sql import ColumnElement

    from incidentdb.shapes import Progress


def sentence_phrase(kind: str | None, low: int | None, high: int | None) -> str | None:
    """`imprisonment, 8 months`, `suspended, 24 to 48 months`, or the kind alone."""
    if kind is None:
        return None
    if low is None and high is None:
        return kind
    if low is None:
        return f"{kind}, up to {high} months"
    if high is None or high == low:
        return f"{kind}, {low} months"
    return f"{kind}, {low} to {high} months"


def _latest_sentence_id(case_id: ColumnElement, person_id: ColumnElement) -> Any:
    """The person's latest sentence in the case: the rule of the case_summary view."""
    s = Base.metadata.tables["sentences"].alias("latest")
    later = Base.metadata.tables["sentences"].alias("later")
    undated = s.c.date_start.is_(None)
    return (
        select(s.c.id)
        .where(s.c.case_id == case_id, s.c.person_id == person_id,
               ~exists().where(later.c.replaces_id == s.c.id))
        .order_by(case((s.c.status == "replaced", 1), else_=0), case((undated, 1), else_=0),
                  s.c.date_start.desc(), s.c.id)
        .limit(1)
        .scalar_subquery()
    )


def parties(conn: Connection, provenance: Provenance,
            progress: Progress | None) -> Iterator[Entity]:
    """Each named defendant: case, party, role `defendant`; the wording of their charges
    as `description`; their latest sentence as `summary`, `status` and dates."""
    t = Base.metadata.tables
    defendants, charges = t["case_defendants"], t["charges"]
    sentence = t["sentences"].alias("sentence")
    wording = joined(charges.c.wording, charges.c.case_id == defendants.c.case_id,
                     charges.c.person_id == defendants.c.person_id)
    query = (
        select(defendants.c.case_id, defendants.c.person_id, wording.label("charges"),
               sentence.c.kind, sentence.c.term_min_months, sentence.c.term_max_months,
               sentence.c.status, sentence.c.date_edtf, sentence.c.date_start,
               sentence.c.date_end)
        .select_from(defendants.outerjoin(sentence, sentence.c.id == _latest_sentence_id(
            defendants.c.case_id, defendants.c.person_id)))
        .order_by(defendants.c.case_id, defendants.c.person_id)
    )
    schema = schema_of(defendants)
    for row in rows(conn, query, defendants, progress):
        yield entity(
            schema, entity_id("party", row.case_id, row.person_id),
            case=[entity_id("case", row.case_id)], party=[entity_id("person", row.person_id)],
            role=["defendant"], description=split(row.charges), status=values(row.status),
            summary=values(sentence_phrase(row.kind, row.term_min_months,
                                           row.term_max_months)),
            **ftm_dates(row.date_edtf, row.date_start, row.date_end))
