"""What a table declares beside its model, for the generic code to read.

A `Declaration` says everything about a table that is not a column: the section of
the data files that fills it and that section's fields (`Field`), the record a nested
row belongs to (`Owner`), its search document (`Document`), the FollowTheMoney
schema its records become, and what makes one of its records linked to the rest for
`incidentdb check`. The loader, the writer, search, health, `cite` and the exports
read these declarations; none of them names a table of its own accord.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Table

    from incidentdb.models.base import Base


@dataclass(frozen=True)


class Field:
    """A field of a data-file record: the kind of value, whether it is required, the
    controlled list it draws on, and the table it refers to."""

    kind: str  # slug, text, name, int, iso-date, date, choice, choices, ref, refs, names,
    #            term, qualified-count, participants, counts, sha256, occurrence,
    #            chronology, inferred
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str | None = None  # the section a `ref`/`refs` field points to
    column: str | None = None  # the column it fills, when not the field's own name


@dataclass(frozen=True)


class Owner:
    """The record a nested row belongs to (a person's name, an event's participant):
    problems are reported against it, and the row goes when it goes."""

    table: str
    column: str  # the column holding the owner's id


@dataclass(frozen=True)


class Document:
    """A record's search document: its title column, and the columns of its body (the
    evidence excerpt is always part of the body)."""

    title: str
    body: tuple[str, ...] = ()


@dataclass(frozen=True)


class Declaration:
    """Everything the generic code needs to know about one table, besides its columns."""

    model: type[Base]
    singular: str  # "person": how messages and search results name one record
    # the fields of its records in the data files: a section of its own unless `owner`
    # is set (then they are the fields of a nested item: an event's participants)
    fields: dict[str, Field] = field(default_factory=dict)
    owner: Owner | None = None
    document: Document | None = None  # None: its records are not searched
    ftm: str | None = None  # the FollowTheMoney schema its records become, if any
    # references ("table.column") that link a record to the rest; with `unlinked`, the
    # finding `incidentdb check` reports for a record none of them points to
    used_by: tuple[str, ...] = ()
    unlinked: str = ""
    derived: bool = False  # made by the loader from the other tables (search entries)

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[return-value]

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def evidence(self) -> bool:
        """Whether its records carry a source and a verbatim excerpt."""
        return "excerpt" in self.table.c

    @property
    def dated(self) -> bool:
        """Whether its records have a date with derived bounds (models.chronology)."""
        return "earliest" in self.table.c

    @property
    def reported_as(self) -> str:
        """The section its rows' problems are reported against: its owner's, if nested."""
        return self.owner.table if self.owner else self.name

    @property
    def section(self) -> bool:
        """Whether it is a section of the data files (a record of its own)."""
        return bool(self.fields) and self.owner is None


ID = Field("slug", required=True)
EXCERPT = Field("text", required=True)
# Which occurrence of its excerpt in the source a record means (from 1), when the excerpt
# occurs more than once: the loader refuses an ambiguous excerpt without it.
OCCURRENCE = Field("occurrence")
# What every section with evidence holds besides its own fields.
# `inferred`: {field: reason} for the values a curator inferred rather than read
EVIDENCE_FIELDS: dict[str, Field] = {"excerpt": EXCERPT, "occurrence": OCCURRENCE,
                                     "inferred": Field("inferred")}
DATE = Field("date")


def reference(section: str, required: bool = False, column: str | None = None) -> Field:
    """A field naming a record of `section` by its id."""
    return Field("ref", required=required, ref=section, column=column)
