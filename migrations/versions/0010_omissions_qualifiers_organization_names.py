"""omissions, participant qualifiers, organization names, inferred values, person relations,
instruments

`incidentdb check --coverage` lists the sentences of a source that no record's
excerpt touches; an `omissions` record marks one as left out on purpose. A
participant group may be only part of the group the report names ("most were
killed by their husbands"): `event_participants.qualifier` keeps that part. An
organization's names (its own, and the aliases the report uses for it) are folded
for lookup in `organization_names`, filled on upgrade with each organization's name.
Every table with evidence gets `inferred`: the fields a curator inferred rather than
read, with the reason (JSON). `person_relations`: how a person stands to another, named
or described ("son of the APFP deputy chairman"). `instruments` (treaties, conventions,
declarations, resolutions), their names, and the events that name them
(`event_instruments`, with a role).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INFERRED = ("The fields of the record a curator inferred rather than read in the source, as "
            "a JSON object: field name -> the basis and reason")
# the tables with evidence before this revision (omissions is created with the column)
EVIDENCED = ("offences", "people", "organizations", "memberships", "membership_chronology",
             "cases", "charges", "charge_chronology", "sentences", "sentence_chronology",
             "events", "event_participants", "event_counts", "event_chronology")
QUALIFIER = ("How much of the group took part, where the report says only part of it (most, "
             "many, some, several, few); empty: as the report names it")


def upgrade() -> None:
    op.create_table(
        "omissions",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False,
                  comment="Why the passage (the excerpt) is not captured as a record"),
        *_evidence(), _source_key("omissions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_omissions")),
    )
    op.create_index(op.f("ix_omissions_source_id"), "omissions", ["source_id"], unique=False)
    op.add_column("event_participants", sa.Column(
        "qualifier", sa.String(20), nullable=True, comment=QUALIFIER))
    _names_table("organization_names", "organization_id", "organizations")
    for table in EVIDENCED:
        op.add_column(table, sa.Column("inferred", sa.Text(), nullable=True, comment=INFERRED))
    op.create_table(
        "person_relations",
        sa.Column("id", sa.String(400), nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("relation", sa.String(40), nullable=False),
        sa.Column("other_person_id", sa.String(200), nullable=True),
        sa.Column("other_description", sa.Text(), nullable=True, comment=(
            "The other person as the report describes them, when it does not name them")),
        *_evidence(),
        sa.CheckConstraint("(other_person_id IS NULL) <> (other_description IS NULL)",
                           name=op.f("ck_person_relations_one_other")),
        sa.ForeignKeyConstraint(["other_person_id"], ["people.id"],
                                name=op.f("fk_person_relations_other_person_id_people"),
                                initially="IMMEDIATE", deferrable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_person_relations_person_id_people"),
                                ondelete="CASCADE", initially="IMMEDIATE", deferrable=True),
        _source_key("person_relations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_relations")),
    )
    for column in ("other_person_id", "person_id", "source_id"):
        op.create_index(op.f(f"ix_person_relations_{column}"), "person_relations", [column],
                        unique=False)
    _instruments()
    from incidentdb.names import fold

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, name FROM organizations")).all()
    if rows:
        bind.execute(sa.text("INSERT INTO organization_names (organization_id, name, kind, "
                             "folded) VALUES (:id, :name, 'name', :folded)"),
                     [{"id": oid, "name": name, "folded": fold(name)} for oid, name in rows])


def _evidence() -> list[sa.Column]:
    return [sa.Column("excerpt", sa.Text(), nullable=False),
            sa.Column("excerpt_start", sa.Integer(), nullable=False),
            sa.Column("excerpt_end", sa.Integer(), nullable=False),
            sa.Column("inferred", sa.Text(), nullable=True, comment=INFERRED),
            sa.Column("source_id", sa.String(200), nullable=False)]


def _source_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                   name=op.f(f"fk_{table}_source_id_sources"),
                                   initially="IMMEDIATE", deferrable=True)


def _names_table(name: str, owner: str, owner_table: str) -> None:
    """A table of the folded names of a kind of record (its own name and aliases)."""
    op.create_table(
        name,
        sa.Column(owner, sa.String(200), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("folded", sa.String(400), nullable=False),
        sa.ForeignKeyConstraint([owner], [f"{owner_table}.id"],
                                name=op.f(f"fk_{name}_{owner}_{owner_table}"),
                                ondelete="CASCADE", initially="IMMEDIATE", deferrable=True),
        sa.PrimaryKeyConstraint(owner, "name", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_folded"), name, ["folded"], unique=False)


def _instruments() -> None:
    op.create_table(
        "instruments",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        *_evidence(), _source_key("instruments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instruments")),
    )
    op.create_index(op.f("ix_instruments_kind"), "instruments", ["kind"], unique=False)
    op.create_index(op.f("ix_instruments_source_id"), "instruments", ["source_id"],
                    unique=False)
    _names_table("instrument_names", "instrument_id", "instruments")
    op.create_table(
        "event_instruments",
        sa.Column("id", sa.String(400), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("instrument_id", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        *_evidence(), _source_key("event_instruments"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_event_instruments_event_id_events"),
                                ondelete="CASCADE", initially="IMMEDIATE", deferrable=True),
        sa.ForeignKeyConstraint(["instrument_id"], ["instruments.id"],
                                name=op.f("fk_event_instruments_instrument_id_instruments"),
                                initially="IMMEDIATE", deferrable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_instruments")),
    )
    for column in ("event_id", "instrument_id", "source_id"):
        op.create_index(op.f(f"ix_event_instruments_{column}"), "event_instruments", [column],
                        unique=False)


def downgrade() -> None:
    # the instruments' search documents go with them (a later upgrade and load adds them)
    op.execute("DELETE FROM search_entries WHERE kind = 'instrument'")
    for column in ("event_id", "instrument_id", "source_id"):
        op.drop_index(op.f(f"ix_event_instruments_{column}"), table_name="event_instruments")
    op.drop_table("event_instruments")
    op.drop_index(op.f("ix_instrument_names_folded"), table_name="instrument_names")
    op.drop_table("instrument_names")
    op.drop_index(op.f("ix_instruments_source_id"), table_name="instruments")
    op.drop_index(op.f("ix_instruments_kind"), table_name="instruments")
    op.drop_table("instruments")
    for column in ("other_person_id", "person_id", "source_id"):
        op.drop_index(op.f(f"ix_person_relations_{column}"), table_name="person_relations")
    op.drop_table("person_relations")
    for table in reversed(EVIDENCED):
        op.drop_column(table, "inferred")
    op.drop_index(op.f("ix_organization_names_folded"), table_name="organization_names")
    op.drop_table("organization_names")
    op.drop_column("event_participants", "qualifier")
    op.drop_index(op.f("ix_omissions_source_id"), table_name="omissions")
    op.drop_table("omissions")
