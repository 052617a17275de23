"""Further evidence: what another source says of a record that is already in the database.

A record belongs to one source, whose excerpt is its first evidence. A second source
(another report, a court document, a statement) may say the same thing, say it with a
tighter date, or disagree with one of its values. Each such statement is a record of
the `evidence` section, belonging to the source that makes it, with its own verified
excerpt:

- `supports`: the source says what the record says;
- `dates`: the source gives a date inside the record's own (`date`), which then bounds
  the record's derived dates as a stated bound, with this evidence as its origin;
- `disputes`: the source gives another value of one of the record's fields
  (`disputes: term_months`, `claim: "three years"`); both claims are kept, each with its
  evidence, and shown side by side: nothing is merged or overwritten.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb.models.base import Base, Dated, Evidence, Slug
from incidentdb.models.declaration import DATE, ID, Declaration, Field

STANCES = ("supports", "dates", "disputes")


def _resolved(type_: Any, comment: str, **kw: Any) -> Mapped:
    """A column the loader fills by resolving `record` (incidentdb.evidence): not in the
    data files, not compared by the writer."""
    return mapped_column(type_, nullable=True, info={"derived": True}, comment=comment, **kw)


class FurtherEvidence(Dated, Evidence, Base):
    __tablename__ = "evidence"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    record: Mapped[str] = mapped_column(String(220), comment=(
        "The record this evidence is about, as the data names it: its id, or kind:id "
        "(sentence:x) where an id names records of several kinds"))
    record_table: Mapped[str | None] = _resolved(
        String(60), "The table of that record (resolved by the loader)")
    record_id: Mapped[str | None] = _resolved(
        Slug, "The id of that record (resolved by the loader)", index=True)
    stance: Mapped[str] = mapped_column(String(20), comment=(
        "supports: the source says what the record says; dates: it gives a tighter date "
        "(the date columns); disputes: it gives another value of one field"))
    disputed_field: Mapped[str | None] = mapped_column(String(60), comment=(
        "The field of the record whose value the source disputes"))
    claim: Mapped[str | None] = mapped_column(Text, comment=(
        "The value the source gives instead, as it gives it"))


DECLARATION = Declaration(FurtherEvidence, "evidence", fields={
    "id": ID,
    "record": Field("name", required=True),
    "stance": Field("choice", required=True, choices=STANCES),
    "date": DATE,
    "disputes": Field("name", column="disputed_field"),
    "claim": Field("text"),
})
