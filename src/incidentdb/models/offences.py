"""Offences: the controlled list of charge categories."""

from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb.models.base import Base, Evidence, Slug
from incidentdb.models.declaration import ID, Declaration, Field


class Offence(Evidence, Base):
    """A charge category: the controlled list that charges point to."""

    __tablename__ = "offences"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)


DECLARATION = Declaration(
    Offence, "offence",
    fields={"id": ID, "name": Field("name", required=True), "description": Field("text")},
    used_by=("charges.offence_id",), unlinked="is used by no charge",
)
