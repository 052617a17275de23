"""What every model shares: the declarative base, slugs, references, evidence, dates.

Every curated record has a human-readable slug as its primary key, so data files
can refer to it and reloads are idempotent. Every curated record carries its
evidence (`Evidence`): the source it belongs to and a verbatim excerpt with its
character offsets. Dated records share the `date_*` columns of `Dated`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Slug = String(200)

INFERRED_COMMENT = ("The fields of the record a curator inferred rather than read in the "
                    "source, as a JSON object: field name -> the basis and reason")

# What the stated date columns hold (migration 0009 sets them as column comments too).
DATE_COMMENTS = {
    "date_text": "The date as the source words it (\"In early 2021\"), when it gives one",
    "date_edtf": "The stated date in EDTF (ISO 8601-2): YYYY, YYYY-MM, YYYY-MM-DD; "
                 "YYYY-21..24 the seasons (spring to winter), YYYY-33..36 the quarters, "
                 "YYYY-40 and YYYY-41 the first and second half of the year; A/B an "
                 "interval, with .. for an open end",
    "date_precision": "Precision of the stated date: day, month, part-of-year, year or "
                      "interval",
    "date_start": "First day the stated date may mean (empty when it is open at the start "
                  "or not stated)",
    "date_end": "Last day the stated date may mean (empty when it is open at the end or "
                "not stated)",
    "date_throughout": "Whether the fact holds over the whole period (\"throughout 2021\")",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def fk(target: str, *, cascade: bool = False) -> ForeignKey:
    """A foreign key the loader can defer to commit (records arrive in any order)."""
    return ForeignKey(target, ondelete="CASCADE" if cascade else None, deferrable=True,
                      initially="IMMEDIATE")


def ref(target: str, *, nullable: bool = False, cascade: bool = False) -> Mapped:
    """A foreign key to a slug, indexed, because every reference is a lookup path."""
    return mapped_column(
        Slug,
        fk(target, cascade=cascade),
        nullable=nullable,
        index=True,
    )


class Evidence:
    """The source a record belongs to and the excerpt that supports it."""

    @declared_attr
    def source_id(cls) -> Mapped[str]:
        return mapped_column(Slug, fk("sources.id"), index=True)

    excerpt: Mapped[str] = mapped_column(Text)
    excerpt_start: Mapped[int] = mapped_column(Integer)
    excerpt_end: Mapped[int] = mapped_column(Integer)
    # What the curator inferred rather than read, field by field, with the reason
    inferred: Mapped[str | None] = mapped_column(Text, comment=INFERRED_COMMENT)


class Dated:
    """One partial date (see `incidentdb.dates`): phrase, EDTF, precision, bounds."""

    date_text: Mapped[str | None] = mapped_column(Text, comment=DATE_COMMENTS["date_text"])
    date_edtf: Mapped[str | None] = mapped_column(String(40), comment=DATE_COMMENTS["date_edtf"])
    date_precision: Mapped[str | None] = mapped_column(
        String(20), comment=DATE_COMMENTS["date_precision"])
    date_start: Mapped[date | None] = mapped_column(Date, index=True,
                                                    comment=DATE_COMMENTS["date_start"])
    date_end: Mapped[date | None] = mapped_column(Date, index=True,
                                                  comment=DATE_COMMENTS["date_end"])
    date_throughout: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  comment=DATE_COMMENTS["date_throughout"])


class FoldedNames:
    """A table of the names of one kind of record (its own and its aliases), each with its
    folded form for lookup (`names.fold`). The subclass adds the owner's id column, as
    `names_of(...)`, which comes first in the table and in its key."""

    name: Mapped[str] = mapped_column(String(400), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "name" or "alias"
    folded: Mapped[str] = mapped_column(String(400), index=True)


def names_of(owner: str) -> Mapped[str]:
    """The column of a names table naming its record: first, and part of the key."""
    return mapped_column(Slug, fk(f"{owner}.id", cascade=True), primary_key=True,
                         sort_order=-1)
