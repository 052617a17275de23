"""Cases: prosecutions and proceedings, and their named defendants."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb import vocabulary as v
from incidentdb.models.base import Base, Evidence, Slug, fk
from incidentdb.models.declaration import ID, Declaration, Document, Field, Owner


class Case(Evidence, Base):
    """One prosecution or proceeding."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(40), index=True)
    defendant_count: Mapped[int | None] = mapped_column(Integer)
    defendant_count_qualifier: Mapped[str | None] = mapped_column(String(20))


class CaseDefendant(Base):
    """The named defendants of a case."""

    __tablename__ = "case_defendants"

    case_id: Mapped[str] = mapped_column(
        Slug, fk("cases.id", cascade=True), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(
        Slug, fk("people.id", cascade=True), primary_key=True, index=True
    )


DECLARATION = Declaration(
    Case, "case",
    fields={
        "id": ID,
        "title": Field("text", required=True),
        "summary": Field("text"),
        "status": Field("choice", required=True, choices=v.CASE_STATUSES),
        "defendants": Field("refs", ref="people"),
        "defendant_count": Field("qualified-count"),
    },
    document=Document("title", ("summary",)),
    ftm="CourtCase",
    used_by=("charges.case_id", "events.case_id", "sentences.case_id"),
    unlinked="has no charges, sentences or events",
)


DEFENDANTS = Declaration(CaseDefendant, "defendant", owner=Owner("cases", "case_id"),
                         ftm="CourtCaseParty")
