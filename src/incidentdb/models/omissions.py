"""Omissions: passages of a source deliberately not captured as records, and why.

`incidentdb check --coverage` reports the sentences of a source that no record's
excerpt touches; a curator who leaves a sentence out on purpose (a heading's wording,
a cross-reference to another chapter) says so here, with the reason, and the sentence
is then listed apart from the uncovered ones.
"""

from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb.models.base import Base, Evidence, Slug
from incidentdb.models.declaration import ID, Declaration, Field


class Omission(Evidence, Base):
    __tablename__ = "omissions"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    reason: Mapped[str] = mapped_column(Text, comment=(
        "Why the passage (the excerpt) is not captured as a record"))


DECLARATION = Declaration(Omission, "omission", fields={
    "id": ID,
    "reason": Field("text", required=True),
})
