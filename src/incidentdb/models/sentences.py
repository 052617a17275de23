"""Sentences: what a court imposed, and what replaced it (appeal, pardon...)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb import vocabulary as v
from incidentdb.models.base import Base, Dated, Evidence, Slug, ref
from incidentdb.models.chronology import FIELDS as CHRONOLOGY
from incidentdb.models.chronology import Bounded, span_index
from incidentdb.models.declaration import DATE, ID, Declaration, Document, Field, reference


class Sentence(Dated, Bounded, Evidence, Base):
    __tablename__ = "sentences"
    __table_args__ = (
        span_index("sentences"),
        CheckConstraint(
            "term_min_months IS NULL OR term_max_months IS NULL "
            "OR term_min_months <= term_max_months",
            name="term_order",
        ),
    )

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    case_id: Mapped[str] = ref("cases.id")
    person_id: Mapped[str | None] = ref("people.id", nullable=True)
    group_description: Mapped[str | None] = mapped_column(Text)
    group_count: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    term_min_months: Mapped[int | None] = mapped_column(Integer)
    term_max_months: Mapped[int | None] = mapped_column(Integer)
    court_id: Mapped[str | None] = ref("organizations.id", nullable=True)
    replaces_id: Mapped[str | None] = ref("sentences.id", nullable=True)
    change: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str | None] = mapped_column(String(40))


DECLARATION = Declaration(
    Sentence, "sentence",
    fields={
        "id": ID,
        "case": reference("cases", required=True),
        "person": reference("people"),
        "group": Field("text", column="group_description"),
        "group_count": Field("int"),
        "kind": Field("choice", required=True, choices=v.SENTENCE_KINDS),
        "term_months": Field("term"),
        "date": DATE,
        **CHRONOLOGY,
        "court": reference("organizations"),
        "replaces": reference("sentences"),
        "change": Field("choice", choices=v.SENTENCE_CHANGES),
        "status": Field("choice", choices=v.SENTENCE_STATUSES),
    },
    document=Document("kind", ("group_description",)),
)
