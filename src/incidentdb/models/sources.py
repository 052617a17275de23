"""A source: a report the records are taken from, with its text."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb.models.base import Base, Slug
from incidentdb.models.declaration import ID, Declaration, Field


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    events_year: Mapped[int] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)
    text_path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    licence: Mapped[str | None] = mapped_column(Text)
    # The text the excerpts' offsets count in, stored so that `check` needs no data folder
    # (NULL in a database loaded before migration 0008 whose bundled text was not the
    # one loaded, until its next load).
    content: Mapped[str | None] = mapped_column(Text, comment=(
        "The source's text as loaded, verified against sha256: excerpt offsets count "
        "characters in it"))


DECLARATION = Declaration(Source, "source", fields={
    "id": ID,
    "title": Field("text", required=True),
    "publisher": Field("text", required=True),
    "published": Field("iso-date"),
    "events_year": Field("int", required=True),
    "url": Field("text"),
    "text": Field("text", required=True, column="text_path"),
    "sha256": Field("sha256", required=True),
    "licence": Field("text"),
})
