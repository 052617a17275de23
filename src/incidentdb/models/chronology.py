"""How dated records stand in time to each other: stated relations, and derived bounds.

A report often dates a fact only relative to another ("the appeal court upheld his
conviction", "went on a hunger strike, which led to his house arrest"), or gives the
date of reports about it rather than of the fact ("In December 2020, media outlets
reported that authorities arrested..."). Each dated table has a child table of such
statements, `<singular>_chronology`: `after`, `before` and `during` name another dated
record; `reported` holds a date by which the record had happened. Each row carries
its evidence, like any other fact.

From the stated dates, these relations and each source's publication date, the
loader derives the tightest bounds a record's date has (`Bounded`), kept apart from
the stated `date_*` columns, which they never overwrite (incidentdb.chronology).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import CheckConstraint, Date, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from incidentdb.models.base import Base, Dated, Evidence, fk
from incidentdb.models.declaration import DATE, OCCURRENCE, Declaration, Field, Owner

RELATIONS = ("after", "before", "during")  # to another dated record
REPORTED = "reported"  # a date: the record had happened by the end of it
BASES = ("stated", "derived", "none")
# The kinds of dated record a target may name (`kind:id`), and a target's form.
DATED_KINDS = ("event", "charge", "sentence", "membership")
TARGET = re.compile(r"(?:(?:" + "|".join(DATED_KINDS) + r"):)?[a-z0-9]+(?:-[a-z0-9]+)*")


# Span classes (incidentdb.spans): 0 … SPAN_CLASSES - 1 by the days between a record's
# bounds (class k: fewer than 2**k), then WIDE (further apart, or open at the start),
# then UNDATED (no bound but the source's publication).
SPAN_CLASSES = 17
WIDE, UNDATED = SPAN_CLASSES, SPAN_CLASSES + 1


def span_index(table: str) -> Index:
    """The index that finds a dated table's records overlapping a window (incidentdb.spans)."""
    return Index(f"ix_{table}_span", "span_class", "sort_earliest", "sort_latest")


def _derived(type_: Any, comment: str, ordering: bool = False, **kw: Any) -> Mapped:
    """A column the loader derives (incidentdb.chronology): not in the data files, not
    compared by the writer; `ordering`: there only to order by, not exported."""
    return mapped_column(type_, info={"derived": True, "ordering": ordering}, comment=comment,
                         **kw)


class Bounded:
    """Derived bounds of a dated record: the earliest and latest day it may have happened,
    what each rests on, and its place in chains of stated relations."""

    earliest: Mapped[date | None] = _derived(
        Date, "Earliest day the record may have happened (stated or derived)")
    earliest_basis: Mapped[str | None] = _derived(
        String(10), "What `earliest` rests on: stated, derived or none")
    earliest_from: Mapped[str | None] = _derived(
        String(220), "The record (kind:id) or source (source:id) whose date gives a derived "
                     "`earliest`")
    latest: Mapped[date | None] = _derived(
        Date, "Latest day the record may have happened (stated or derived; never after its "
              "source's publication)")
    latest_basis: Mapped[str | None] = _derived(
        String(10), "What `latest` rests on: stated, derived or none")
    latest_from: Mapped[str | None] = _derived(
        String(220), "The record (kind:id) or source (source:id) whose date gives a derived "
                     "`latest`")
    # earliest and latest with the ends of the calendar for "unknown": never NULL, so
    # that one index and one comparison serve the date order and every window query
    sort_earliest: Mapped[date] = _derived(
        Date, "`earliest`, or 0001-01-01 when unknown: for ordering", ordering=True,
        server_default=text("'0001-01-01'"))
    sort_latest: Mapped[date] = _derived(
        Date, "`latest`, or 9999-12-31 when unknown: for ordering", ordering=True,
        server_default=text("'9999-12-31'"))
    span_class: Mapped[int] = _derived(
        SmallInteger, "How far apart `earliest` and `latest` are, as a class: 0-16, fewer "
                      "than 2^class days; 17, further or open at the start; 18, undated. "
                      "For window queries", ordering=True, default=WIDE,
        server_default=str(WIDE))
    chain_depth: Mapped[int] = _derived(
        Integer, "Records that come before this one in the longest chain of stated "
                 "relations: breaks ties in date order", default=0, server_default="0")


class Chronology(Dated, Evidence):
    """One statement about when a record happened: a relation to another dated record
    (`target`), or the date of reports about it (`reported`: the `date_*` columns)."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (CheckConstraint("(target IS NULL) = (relation = 'reported')",
                                name="target_or_date"),)

    id: Mapped[str] = mapped_column(String(460), primary_key=True)
    relation: Mapped[str] = mapped_column(String(20))
    # the other record as the data names it: `id`, or `kind:id` where an id names
    # records of several kinds (resolved by incidentdb.chronology)
    target: Mapped[str | None] = mapped_column(String(220), index=True)


def record(owner: str) -> Mapped[str]:
    """The column naming the record a chronology row belongs to."""
    return mapped_column(String(200), fk(f"{owner}.id", cascade=True), index=True)


def declaration_of(model: type[Base], owner: str, singular: str) -> Declaration:
    """The declaration of the chronology table of a dated table (`owner`)."""
    return Declaration(model, f"{singular} chronology", fields={
        "id": Field("name"),  # the other record, as written
        "date": DATE,  # of `reported`
        "excerpt": Field("text"),
        "occurrence": OCCURRENCE,
    }, owner=Owner(owner, "record_id"))


class EventChronology(Chronology, Base):
    __tablename__ = "event_chronology"
    record_id: Mapped[str] = record("events")


class ChargeChronology(Chronology, Base):
    __tablename__ = "charge_chronology"
    record_id: Mapped[str] = record("charges")


class SentenceChronology(Chronology, Base):
    __tablename__ = "sentence_chronology"
    record_id: Mapped[str] = record("sentences")


class MembershipChronology(Chronology, Base):
    __tablename__ = "membership_chronology"
    record_id: Mapped[str] = record("memberships")


EVENTS = declaration_of(EventChronology, "events", "event")
CHARGES = declaration_of(ChargeChronology, "charges", "charge")
SENTENCES = declaration_of(SentenceChronology, "sentences", "sentence")
MEMBERSHIPS = declaration_of(MembershipChronology, "memberships", "membership")


# The fields a dated record's section has for its chronology (Validator._chronology).
FIELDS = {name: Field("chronology") for name in (*RELATIONS, REPORTED)}
