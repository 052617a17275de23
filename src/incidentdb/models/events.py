"""Events: arrests, trials, releases...; who took part, and how many."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb import vocabulary as v
from incidentdb.models.base import Base, Dated, Evidence, Slug, ref
from incidentdb.models.chronology import FIELDS as CHRONOLOGY
from incidentdb.models.chronology import Bounded, span_index
from incidentdb.models.declaration import (
    DATE,
    EXCERPT,
    ID,
    OCCURRENCE,
    Declaration,
    Document,
    Field,
    Owner,
    reference,
)


class Event(Dated, Bounded, Evidence, Base):
    __tablename__ = "events"
    # Events come in date order (incidentdb.chronology): this index answers "a month's
    # events, first page" by reading the page in order, without sorting the month.
    __table_args__ = (Index("ix_events_chronological", "sort_earliest", "sort_latest",
                            "chain_depth", "id"), span_index("events"))

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[str | None] = ref("cases.id", nullable=True)


class EventParticipant(Evidence, Base):
    """Who took part in an event, and how: a person, an organization or an unnamed group."""

    __tablename__ = "event_participants"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN person_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN organization_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN group_description IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_participant",
        ),
    )

    id: Mapped[str] = mapped_column(String(400), primary_key=True)
    event_id: Mapped[str] = ref("events.id", cascade=True)
    role: Mapped[str] = mapped_column(String(40), index=True)
    person_id: Mapped[str | None] = ref("people.id", nullable=True)
    organization_id: Mapped[str | None] = ref("organizations.id", nullable=True)
    group_description: Mapped[str | None] = mapped_column(Text)
    qualifier: Mapped[str | None] = mapped_column(String(20), comment=(
        "How much of the group took part, where the report says only part of it (most, "
        "many, some, several, few); empty: as the report names it"))


class EventCount(Evidence, Base):
    """A number of unnamed people or things ("at least 78 were detained")."""

    __tablename__ = "event_counts"
    __table_args__ = (
        CheckConstraint(
            "minimum IS NULL OR maximum IS NULL OR minimum <= maximum", name="bounds_order"
        ),
    )

    id: Mapped[str] = mapped_column(String(400), primary_key=True)
    event_id: Mapped[str] = ref("events.id", cascade=True)
    measure: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(Text)
    value: Mapped[int | None] = mapped_column(Integer)
    minimum: Mapped[int | None] = mapped_column(Integer)
    maximum: Mapped[int | None] = mapped_column(Integer)
    qualifier: Mapped[str] = mapped_column(String(20))


DECLARATION = Declaration(
    Event, "event",
    fields={
        "id": ID,
        "kind": Field("choice", required=True, choices=v.EVENT_KINDS),
        "title": Field("text", required=True),
        "summary": Field("text"),
        "place": Field("text"),
        "case": reference("cases"),
        "date": DATE,
        **CHRONOLOGY,
        "participants": Field("participants"),
        "counts": Field("counts"),
        "instruments": Field("instruments"),
    },
    document=Document("title", ("summary", "place")),
    ftm="Event",
)


PARTICIPANTS = Declaration(
    EventParticipant, "participant",
    fields={
        "person": reference("people"),
        "organization": reference("organizations"),
        "group": Field("text", column="group_description"),
        "role": Field("choice", required=True, choices=v.PARTICIPANT_ROLES),
        "qualifier": Field("choice", choices=v.PARTICIPANT_QUALIFIERS),
        "excerpt": Field("text"),
        "occurrence": OCCURRENCE,  # of the participant's own excerpt
    },
    owner=Owner("events", "event_id"),
)


COUNTS = Declaration(
    EventCount, "count",
    fields={
        "id": Field("slug"),
        "measure": Field("choice", required=True, choices=v.COUNT_MEASURES),
        "subject": Field("text", required=True),
        "value": Field("int"),
        "qualifier": Field("choice", required=True, choices=v.COUNT_QUALIFIERS),
        "minimum": Field("int"),
        "maximum": Field("int"),
        "excerpt": EXCERPT,
        "occurrence": OCCURRENCE,
    },
    owner=Owner("events", "event_id"),
    document=Document("subject", ("measure",)),
)
