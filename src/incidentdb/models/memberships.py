"""Memberships: a person's role in an organization, and when."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb import vocabulary as v
from incidentdb.models.base import Base, Dated, Evidence, Slug, ref
from incidentdb.models.chronology import FIELDS as CHRONOLOGY
from incidentdb.models.chronology import Bounded, span_index
from incidentdb.models.declaration import DATE, ID, Declaration, Document, Field, reference


class Membership(Dated, Bounded, Evidence, Base):
    __tablename__ = "memberships"
    __table_args__ = (span_index("memberships"),)

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    person_id: Mapped[str] = ref("people.id")
    organization_id: Mapped[str] = ref("organizations.id")
    role: Mapped[str] = mapped_column(String(60))


DECLARATION = Declaration(
    Membership, "membership",
    fields={
        "id": ID,
        "person": reference("people", required=True),
        "organization": reference("organizations", required=True),
        "role": Field("choice", required=True, choices=v.MEMBERSHIP_ROLES),
        "date": DATE,
        **CHRONOLOGY,
    },
    document=Document("role"),
    ftm="Membership",
)
