"""People, every spelling of their names, and their occupations."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb import vocabulary as v
from incidentdb.models.base import Base, Evidence, Slug, fk
from incidentdb.models.declaration import ID, Declaration, Document, Field, Owner


class Person(Evidence, Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)  # listings are in name order
    description: Mapped[str | None] = mapped_column(Text)
    gender: Mapped[str | None] = mapped_column(String(20))
    nationality: Mapped[str | None] = mapped_column(Text)


class PersonName(Base):
    """Every spelling of a person's name, with its folded form for lookup."""

    __tablename__ = "person_names"

    person_id: Mapped[str] = mapped_column(
        Slug, fk("people.id", cascade=True), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(400), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "name" or "alias"
    folded: Mapped[str] = mapped_column(String(400), index=True)


class PersonOccupation(Base):
    __tablename__ = "person_occupations"

    person_id: Mapped[str] = mapped_column(
        Slug, fk("people.id", cascade=True), primary_key=True
    )
    occupation: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


DECLARATION = Declaration(
    Person, "person",
    fields={
        "id": ID,
        "name": Field("name", required=True),
        "aliases": Field("names"),
        "description": Field("text"),
        "occupations": Field("choices", choices=v.OCCUPATIONS),
        "gender": Field("choice", choices=v.GENDERS),
        "nationality": Field("text"),
    },
    document=Document("name", ("description",)),
    ftm="Person",
    used_by=("memberships.person_id", "case_defendants.person_id", "charges.person_id",
             "sentences.person_id", "event_participants.person_id"),
    unlinked="is linked to nothing",
)


NAMES = Declaration(PersonName, "name", owner=Owner("people", "person_id"))


OCCUPATIONS = Declaration(PersonOccupation, "occupation", owner=Owner("people", "person_id"))
