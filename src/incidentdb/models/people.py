"""People, every spelling of their names, their occupations, and their relations."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb import vocabulary as v
from incidentdb.models.base import Base, Evidence, FoldedNames, Slug, fk, names_of, ref
from incidentdb.models.declaration import (
    ID,
    OCCURRENCE,
    Declaration,
    Document,
    Field,
    Owner,
    reference,
)


class Person(Evidence, Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)  # listings are in name order
    description: Mapped[str | None] = mapped_column(Text)
    gender: Mapped[str | None] = mapped_column(String(20))
    nationality: Mapped[str | None] = mapped_column(Text)


class PersonName(FoldedNames, Base):
    """Every spelling of a person's name, with its folded form for lookup."""

    __tablename__ = "person_names"

    person_id: Mapped[str] = names_of("people")


class PersonOccupation(Base):
    __tablename__ = "person_occupations"

    person_id: Mapped[str] = mapped_column(
        Slug, fk("people.id", cascade=True), primary_key=True
    )
    occupation: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class PersonRelation(Evidence, Base):
    """How a person stands to another: a person of the data, or one the report does not
    name ("the APFP deputy chairman"), in the report's words."""

    __tablename__ = "person_relations"
    __table_args__ = (
        CheckConstraint("(other_person_id IS NULL) <> (other_description IS NULL)",
                        name="one_other"),
    )

    id: Mapped[str] = mapped_column(String(400), primary_key=True)
    person_id: Mapped[str] = ref("people.id", cascade=True)
    relation: Mapped[str] = mapped_column(String(40))
    other_person_id: Mapped[str | None] = ref("people.id", nullable=True)
    other_description: Mapped[str | None] = mapped_column(Text, comment=(
        "The other person as the report describes them, when it does not name them"))


DECLARATION = Declaration(
    Person, "person",
    fields={
        "id": ID,
        "name": Field("name", required=True),
        "aliases": Field("names"),
        "description": Field("text"),
        "occupations": Field("choices", choices=v.OCCUPATIONS),
        "relations": Field("relations"),
        "gender": Field("choice", choices=v.GENDERS),
        "nationality": Field("text"),
    },
    document=Document("name", ("description",)),
    ftm="Person",
    used_by=("memberships.person_id", "case_defendants.person_id", "charges.person_id",
             "sentences.person_id", "event_participants.person_id",
             "person_relations.person_id", "person_relations.other_person_id"),
    unlinked="is linked to nothing",
)


NAMES = Declaration(PersonName, "name", owner=Owner("people", "person_id"))


OCCUPATIONS = Declaration(PersonOccupation, "occupation", owner=Owner("people", "person_id"))


RELATIONS = Declaration(PersonRelation, "relation", fields={
    "relation": Field("choice", required=True, choices=v.PERSON_RELATIONS),
    "person": reference("people", column="other_person_id"),
    "description": Field("text", column="other_description"),
    "excerpt": Field("text"),
    "occurrence": OCCURRENCE,
}, owner=Owner("people", "person_id"))
