"""Search documents: one per searchable record, derived by the loader."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb.models.base import Base
from incidentdb.models.declaration import Declaration


class SearchEntry(Base):
    """One searchable document per record (event, case, charge, person...).

    The loader keeps these in step with the records. The full-text index over
    them is database-specific and made by migration 0002: an FTS5 table kept in
    step by triggers on SQLite, a GIN index on a tsvector on PostgreSQL.
    """

    __tablename__ = "search_entries"
    __table_args__ = (UniqueConstraint("kind", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(400))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)


DECLARATION = Declaration(SearchEntry, "search entry", derived=True)
