"""Organizations: parties, courts, ministries, media, and how they nest."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from incidentdb import vocabulary as v
from incidentdb.models.base import Base, Evidence, FoldedNames, Slug, names_of, ref
from incidentdb.models.declaration import ID, Declaration, Document, Field, Owner, reference


class Organization(Evidence, Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(Slug, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(60), index=True)
    parent_id: Mapped[str | None] = ref("organizations.id", nullable=True)
    country: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)


class OrganizationName(FoldedNames, Base):
    """Every name the report gives a body, its own and its aliases ("the Assembly",
    "Azerbaijani authorities"), with the folded form for lookup."""

    __tablename__ = "organization_names"

    organization_id: Mapped[str] = names_of("organizations")


DECLARATION = Declaration(
    Organization, "organization",
    fields={
        "id": ID,
        "name": Field("name", required=True),
        "short_name": Field("name"),
        "aliases": Field("names"),
        "kind": Field("choice", required=True, choices=v.ORGANIZATION_KINDS),
        "parent": reference("organizations"),
        "country": Field("text"),
        "description": Field("text"),
    },
    document=Document("name", ("short_name", "description")),
    ftm="Organization",
    used_by=("memberships.organization_id", "event_participants.organization_id",
             "sentences.court_id", "organizations.parent_id"),
    unlinked="is linked to nothing",
)


NAMES = Declaration(OrganizationName, "organization name",
                    owner=Owner("organizations", "organization_id"))
