"""derived date bounds and relative chronology

Dated records (events, charges, sentences, memberships) get the bounds the loader
derives from their stated dates, their relations and their source's publication
(`earliest`, `latest`, each with its basis and origin, and `chain_depth`), and each
dated table a chronology table for the relations the data states (`after`, `before`,
`during`) and the dates of reports about a record (`reported`). Events are indexed
in the new date order instead of the stated one.

Upgrade derives the bounds of the records already in the database (they have no
stated relations yet; a sentence that replaces another comes after it).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DATED = {"events": "event", "charges": "charge", "sentences": "sentence",
         "memberships": "membership"}
ORIGIN = "The record (kind:id) or source (source:id) whose date gives a derived `{}`"
BASIS = "What `{}` rests on: stated, derived or none"


def _bounds() -> list[sa.Column]:
    return [
        sa.Column("earliest", sa.Date(), nullable=True,
                  comment="Earliest day the record may have happened (stated or derived)"),
        sa.Column("earliest_basis", sa.String(10), nullable=True,
                  comment=BASIS.format("earliest")),
        sa.Column("earliest_from", sa.String(220), nullable=True,
                  comment=ORIGIN.format("earliest")),
        sa.Column("latest", sa.Date(), nullable=True,
                  comment="Latest day the record may have happened (stated or derived; "
                          "never after its source's publication)"),
        sa.Column("latest_basis", sa.String(10), nullable=True, comment=BASIS.format("latest")),
        sa.Column("latest_from", sa.String(220), nullable=True, comment=ORIGIN.format("latest")),
        sa.Column("sort_earliest", sa.Date(), server_default=sa.text("'0001-01-01'"),
                  nullable=False, comment="`earliest`, or 0001-01-01 when unknown: for ordering"),
        sa.Column("sort_latest", sa.Date(), server_default=sa.text("'9999-12-31'"),
                  nullable=False, comment="`latest`, or 9999-12-31 when unknown: for ordering"),
        sa.Column("chain_depth", sa.Integer(), server_default="0", nullable=False,
                  comment="Records that come before this one in the longest chain of stated "
                          "relations: breaks ties in date order"),
    ]


def _chronology(owner: str, singular: str) -> None:
    name = f"{singular}_chronology"
    op.create_table(
        name,
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("id", sa.String(460), nullable=False),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("target", sa.String(220), nullable=True),
        sa.Column("date_text", sa.Text(), nullable=True),
        sa.Column("date_edtf", sa.String(40), nullable=True),
        sa.Column("date_precision", sa.String(20), nullable=True),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column("date_throughout", sa.Boolean(), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("excerpt_start", sa.Integer(), nullable=False),
        sa.Column("excerpt_end", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.CheckConstraint("(target IS NULL) = (relation = 'reported')",
                           name=op.f(f"ck_{name}_target_or_date")),
        sa.ForeignKeyConstraint(["record_id"], [f"{owner}.id"],
                                name=op.f(f"fk_{name}_record_id_{owner}"), ondelete="CASCADE",
                                initially="IMMEDIATE", deferrable=True),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f(f"fk_{name}_source_id_sources"),
                                initially="IMMEDIATE", deferrable=True),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    for column in ("date_end", "date_start", "record_id", "source_id", "target"):
        op.create_index(op.f(f"ix_{name}_{column}"), name, [column], unique=False)


def upgrade() -> None:
    for owner, singular in DATED.items():
        _chronology(owner, singular)
        for column in _bounds():  # plain ADD COLUMN: a batch copy would drop referred tables
            op.add_column(owner, column)
    op.drop_index("ix_events_date_order", table_name="events")
    op.create_index("ix_events_chronological", "events",
                    ["sort_earliest", "sort_latest", "chain_depth", "id"], unique=False)
    _comment_dates()
    from incidentdb.chronology import derive

    derive(op.get_bind(), upgrading_0009=True)  # problems are the next load's to report


def _comment_dates(comments: bool = True) -> None:
    """The stated date columns' descriptions (PostgreSQL keeps comments; SQLite has none)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    from incidentdb.models.base import DATE_COMMENTS

    for table in [*DATED, *(f"{singular}_chronology" for singular in DATED.values())]:
        for column, comment in DATE_COMMENTS.items():
            text = "'" + comment.replace("'", "''") + "'" if comments else "NULL"
            op.execute(f"COMMENT ON COLUMN {table}.{column} IS {text}")


def downgrade() -> None:
    _comment_dates(False)
    op.drop_index("ix_events_chronological", table_name="events")
    op.create_index("ix_events_date_order", "events", ["date_start", "date_end", "id"],
                    unique=False)
    for owner, singular in DATED.items():
        for column in reversed(_bounds()):
            op.drop_column(owner, column.name)
        op.drop_table(f"{singular}_chronology")
