"""Instruments: the treaties, conventions, declarations and resolutions the report names.

An instrument has every name the report gives it (the Council of Europe's convention on
violence against women is also "the Istanbul Convention"), and the events that name
it link to it with a role (adopted, called to ratify, not ratified...), so that any of
its names reaches every such event.
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb import vocabulary as v
from incidentdb.models.base import Base, Evidence, FoldedNames, Slug, names_of, ref
from incidentdb.models.declaration import (
    ID,
    OCCURRENCE,
    Declaration,
    Document,
    Field,
    Owner,
    reference,
)


class Instrument(Evidence, Base):
    __tablename__ = "instruments"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    description: Mapped[str | None] = mapped_column(Text)


class InstrumentName(FoldedNames, Base):
    """Every name the report gives an instrument, folded for lookup."""

    __tablename__ = "instrument_names"

    instrument_id: Mapped[str] = names_of("instruments")


class EventInstrument(Evidence, Base):
    """An event that names an instrument, and in what role (adopted, called to ratify...)."""

    __tablename__ = "event_instruments"

    id: Mapped[str] = mapped_column(String(400), primary_key=True)
    event_id: Mapped[str] = ref("events.id", cascade=True)
    instrument_id: Mapped[str] = ref("instruments.id")
    role: Mapped[str] = mapped_column(String(40))


DECLARATION = Declaration(
    Instrument, "instrument",
    fields={
        "id": ID,
        "name": Field("name", required=True),
        "aliases": Field("names"),
        "kind": Field("choice", required=True, choices=v.INSTRUMENT_KINDS),
        "description": Field("text"),
    },
    document=Document("name", ("description",)),
    used_by=("event_instruments.instrument_id",),
    unlinked="is named by no event",
)

NAMES = Declaration(InstrumentName, "instrument name", owner=Owner("instruments", "instrument_id"))

EVENT_LINKS = Declaration(EventInstrument, "instrument of an event", fields={
    "instrument": reference("instruments", required=True),
    "role": Field("choice", required=True, choices=v.INSTRUMENT_ROLES),
    "excerpt": Field("text"),
    "occurrence": OCCURRENCE,
}, owner=Owner("events", "event_id"))
