"""Charges: what a person (or a case) was charged with, in the report's words."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb import vocabulary as v
from incidentdb.models.base import Base, Dated, Evidence, Slug, ref
from incidentdb.models.chronology import FIELDS as CHRONOLOGY
from incidentdb.models.chronology import Bounded, span_index
from incidentdb.models.declaration import DATE, ID, Declaration, Document, Field, reference


class Charge(Dated, Bounded, Evidence, Base):
    __tablename__ = "charges"
    __table_args__ = (span_index("charges"),)

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    case_id: Mapped[str] = ref("cases.id")
    person_id: Mapped[str | None] = ref("people.id", nullable=True)
    offence_id: Mapped[str] = ref("offences.id")
    wording: Mapped[str] = mapped_column(Text)
    characterisation: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str | None] = mapped_column(String(40))


DECLARATION = Declaration(
    Charge, "charge",
    fields={
        "id": ID,
        "case": reference("cases", required=True),
        "person": reference("people"),
        "offence": reference("offences", required=True),
        "wording": Field("text", required=True),
        "characterisation": Field("choice", choices=v.CHARACTERISATIONS),
        "date": DATE,
        **CHRONOLOGY,
        "outcome": Field("choice", choices=v.CHARGE_OUTCOMES),
    },
    document=Document("wording"),
)
