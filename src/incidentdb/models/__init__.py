"""The schema: SQLAlchemy 2 typed models, and the declaration of each table beside it.

Each module holds the models of one kind of record and, for each table, its
`Declaration` (see `declaration`): the fields of its section of the data files, the
record a nested row belongs to, its search document, its FollowTheMoney schema and
what `check` asks of it. `DECLARATIONS` lists them all, in the order a load reports
them; the order rows are written in follows the foreign keys (`write_order`).

To add a table: its model and its declaration in a module here, the declaration in
DECLARATIONS, and a migration (docs/architecture.md).
"""

from __future__ import annotations

from functools import cache

from incidentdb.models import (
    cases,
    charges,
    chronology,
    events,
    evidence,
    instruments,
    memberships,
    offences,
    omissions,
    organizations,
    people,
    search_entries,
    sentences,
    sources,
)
from incidentdb.models.base import NAMING_CONVENTION, Base, Dated, Evidence, Slug
from incidentdb.models.cases import Case, CaseDefendant
from incidentdb.models.charges import Charge
from incidentdb.models.declaration import (
    EVIDENCE_FIELDS,
    Declaration,
    Document,
    Field,
    Owner,
)
from incidentdb.models.events import Event, EventCount, EventParticipant
from incidentdb.models.evidence import FurtherEvidence
from incidentdb.models.instruments import EventInstrument, Instrument, InstrumentName
from incidentdb.models.memberships import Membership
from incidentdb.models.offences import Offence
from incidentdb.models.omissions import Omission
from incidentdb.models.organizations import Organization, OrganizationName
from incidentdb.models.people import (
    Person,
    PersonName,
    PersonOccupation,
    PersonRelation,
)
from incidentdb.models.search_entries import SearchEntry
from incidentdb.models.sentences import Sentence
from incidentdb.models.sources import Source

# Every table's declaration, in the order a load reports its tables.
DECLARATIONS: tuple[Declaration, ...] = (
    sources.DECLARATION,
    offences.DECLARATION,
    people.DECLARATION,
    people.NAMES,
    people.OCCUPATIONS,
    people.RELATIONS,
    organizations.DECLARATION,
    organizations.NAMES,
    memberships.DECLARATION,
    chronology.MEMBERSHIPS,
    instruments.DECLARATION,
    instruments.NAMES,
    cases.DECLARATION,
    cases.DEFENDANTS,
    charges.DECLARATION,
    chronology.CHARGES,
    sentences.DECLARATION,
    chronology.SENTENCES,
    events.DECLARATION,
    events.PARTICIPANTS,
    events.COUNTS,
    chronology.EVENTS,
    instruments.EVENT_LINKS,
    omissions.DECLARATION,
    evidence.DECLARATION,
    search_entries.DECLARATION,
)


@cache
def declared() -> dict[str, Declaration]:
    """Each table's declaration, by table name."""
    return {d.name: d for d in DECLARATIONS}


def declaration(table: str) -> Declaration:
    """The declaration of a table; KeyError names a table that has none."""
    return declared()[table]


def curated() -> list[Declaration]:
    """The tables a load writes from the data files (every table but derived ones), in
    the order a load reports them."""
    return [d for d in DECLARATIONS if not d.derived]


def dated() -> list[Declaration]:
    """The tables of dated records (with derived bounds and a chronology table)."""
    return [d for d in DECLARATIONS if d.dated]


def chronology_of(table: str) -> Declaration:
    """The declaration of a dated table's chronology table."""
    return next(d for d in DECLARATIONS if d.owner and d.owner.table == table
                and d.name.endswith("_chronology"))


def write_order() -> list[Declaration]:
    """The curated tables parents first: every table refers only to those before it
    (from the foreign keys, so a new table needs no place in a hand-kept list)."""
    order = {table.name: i for i, table in enumerate(Base.metadata.sorted_tables)}
    return sorted(curated(), key=lambda d: order[d.name])


__all__ = [
    "DECLARATIONS", "EVIDENCE_FIELDS", "NAMING_CONVENTION", "Base", "Case", "CaseDefendant",
    "Charge", "Dated", "Declaration", "Document", "Event", "EventCount", "EventParticipant",
    "EventInstrument", "Evidence", "Field", "FurtherEvidence", "Instrument", "InstrumentName",
    "Membership", "Offence", "Omission", "Organization", "OrganizationName", "Owner", "Person",
    "PersonName", "PersonOccupation", "PersonRelation", "SearchEntry", "Sentence", "Slug", "Source",
    "chronology_of", "curated", "dated", "declaration", "declared", "write_order",
]
