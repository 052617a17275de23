"""The sections of the data files, as the loader sees them: read from the declarations.

Each table declares its fields beside its model (`incidentdb.models`); this module
gathers those of the tables that are sections of their own, and the fields of the
items nested in an event (participants, counts). To add a field, declare it in its
table's declaration and give the model its column.
"""

from __future__ import annotations

from dataclasses import dataclass

from incidentdb.models import DECLARATIONS, EVIDENCE_FIELDS, Field, declaration, declared

__all__ = ["COUNT_FIELDS", "EVIDENCE_FIELDS", "PARTICIPANT_FIELDS", "SECTIONS", "Field",
           "Section", "singular"]


@dataclass(frozen=True)
class Section:
    name: str  # also the table name
    singular: str
    fields: dict[str, Field]
    evidence: bool = True  # has `source` and `excerpt`


SECTIONS: dict[str, Section] = {
    d.name: Section(d.name, d.singular, d.fields, d.evidence) for d in DECLARATIONS if d.section
}
PARTICIPANT_FIELDS: dict[str, Field] = declaration("event_participants").fields
COUNT_FIELDS: dict[str, Field] = declaration("event_counts").fields


def singular(section: str | None) -> str:
    """How messages name one record of a table ("person"); "record" when none is given."""
    if not section:
        return "record"
    found = declared().get(section)
    return found.singular if found else section
