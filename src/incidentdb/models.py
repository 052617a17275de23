"""The schema: SQLAlchemy 2 typed declarative models.

Every curated record has a human-readable slug as its primary key, so data files
can refer to it and reloads are idempotent. Every curated record carries its
evidence (`Evidence`): the source it belongs to and a verbatim excerpt with its
character offsets. Dated records share the `date_*` columns of `Dated`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
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


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _fk(target: str, *, cascade: bool = False) -> ForeignKey:
    """A foreign key the loader can defer to commit (records arrive in any order)."""
    return ForeignKey(target, ondelete="CASCADE" if cascade else None, deferrable=True,
                      initially="IMMEDIATE")


def _ref(target: str, *, nullable: bool = False, cascade: bool = False) -> Mapped:
    """A foreign key to a slug, indexed, because every reference is a lookup path."""
    return mapped_column(
        Slug,
        _fk(target, cascade=cascade),
        nullable=nullable,
        index=True,
    )


class Evidence:
    """The source a record belongs to and the excerpt that supports it."""

    @declared_attr
    def source_id(cls) -> Mapped[str]:
        return mapped_column(Slug, _fk("sources.id"), index=True)

    excerpt: Mapped[str] = mapped_column(Text)
    excerpt_start: Mapped[int] = mapped_column(Integer)
    excerpt_end: Mapped[int] = mapped_column(Integer)


class Dated:
    """One partial date (see `incidentdb.dates`): phrase, EDTF, precision, bounds."""

    date_text: Mapped[str | None] = mapped_column(Text)
    date_edtf: Mapped[str | None] = mapped_column(String(40))
    date_precision: Mapped[str | None] = mapped_column(String(20))
    date_start: Mapped[date | None] = mapped_column(Date, index=True)
    date_end: Mapped[date | None] = mapped_column(Date, index=True)
    date_throughout: Mapped[bool] = mapped_column(Boolean, default=False)


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


class Offence(Evidence, Base):
    """A charge category: the controlled list that charges point to."""

    __tablename__ = "offences"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)


class Person(Evidence, Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)  # listings are in name order
    description: Mapped[str | None] = mapped_column(Text)
    gender: Mapped[str | None] = mapped_column(String(20))
    nationality: Mapped[str | None] = mapped_column(Text)


class PersonName(Base):
    """Every spelling of a person's name, with its folded form for lookup."""

    __tablename__ = "person_names"

    person_id: Mapped[str] = mapped_column(
        Slug, _fk("people.id", cascade=True), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(400), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "name" or "alias"
    folded: Mapped[str] = mapped_column(String(400), index=True)


class PersonOccupation(Base):
    __tablename__ = "person_occupations"

    person_id: Mapped[str] = mapped_column(
        Slug, _fk("people.id", cascade=True), primary_key=True
    )
    occupation: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class Organization(Evidence, Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(60), index=True)
    parent_id: Mapped[str | None] = _ref("organizations.id", nullable=True)
    country: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)


class Membership(Dated, Evidence, Base):
    __tablename__ = "memberships"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    person_id: Mapped[str] = _ref("people.id")
    organization_id: Mapped[str] = _ref("organizations.id")
    role: Mapped[str] = mapped_column(String(60))


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
        Slug, _fk("cases.id", cascade=True), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(
        Slug, _fk("people.id", cascade=True), primary_key=True, index=True
    )


class Charge(Dated, Evidence, Base):
    __tablename__ = "charges"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    case_id: Mapped[str] = _ref("cases.id")
    person_id: Mapped[str | None] = _ref("people.id", nullable=True)
    offence_id: Mapped[str] = _ref("offences.id")
    wording: Mapped[str] = mapped_column(Text)
    characterisation: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str | None] = mapped_column(String(40))


class Sentence(Dated, Evidence, Base):
    __tablename__ = "sentences"
    __table_args__ = (
        CheckConstraint(
            "term_min_months IS NULL OR term_max_months IS NULL "
            "OR term_min_months <= term_max_months",
            name="term_order",
        ),
    )

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    case_id: Mapped[str] = _ref("cases.id")
    person_id: Mapped[str | None] = _ref("people.id", nullable=True)
    group_description: Mapped[str | None] = mapped_column(Text)
    group_count: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    term_min_months: Mapped[int | None] = mapped_column(Integer)
    term_max_months: Mapped[int | None] = mapped_column(Integer)
    court_id: Mapped[str | None] = _ref("organizations.id", nullable=True)
    replaces_id: Mapped[str | None] = _ref("sentences.id", nullable=True)
    change: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str | None] = mapped_column(String(40))


class Event(Dated, Evidence, Base):
    __tablename__ = "events"
    # Events come in date order: this index answers "a month's events, first page" by
    # reading the page in order, without sorting the month.
    __table_args__ = (Index("ix_events_date_order", "date_start", "date_end", "id"),)

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[str | None] = _ref("cases.id", nullable=True)


class EventParticipant(Evidence, Base):
    """Who took part in an event, and how: a person, an organization or an unnamed group."""

    __tablename__ = "event_participants"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN person_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN organization_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN group_description IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_participant",
        ),
    )

    id: Mapped[str] = mapped_column(String(400), primary_key=True)
    event_id: Mapped[str] = _ref("events.id", cascade=True)
    role: Mapped[str] = mapped_column(String(40), index=True)
    person_id: Mapped[str | None] = _ref("people.id", nullable=True)
    organization_id: Mapped[str | None] = _ref("organizations.id", nullable=True)
    group_description: Mapped[str | None] = mapped_column(Text)


class EventCount(Evidence, Base):
    """A number of unnamed people or things ("at least 78 were detained")."""

    __tablename__ = "event_counts"
    __table_args__ = (
        CheckConstraint(
            "minimum IS NULL OR maximum IS NULL OR minimum <= maximum", name="bounds_order"
        ),
    )

    id: Mapped[str] = mapped_column(String(400), primary_key=True)
    event_id: Mapped[str] = _ref("events.id", cascade=True)
    measure: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(Text)
    value: Mapped[int | None] = mapped_column(Integer)
    minimum: Mapped[int | None] = mapped_column(Integer)
    maximum: Mapped[int | None] = mapped_column(Integer)
    qualifier: Mapped[str] = mapped_column(String(20))


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
