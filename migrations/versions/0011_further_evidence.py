"""further evidence: what other sources say of a record (supports, dates, disputes)

A record's own source and excerpt stay its first evidence. `evidence` holds what
further sources say of a record already in the database, each with its own verified
excerpt: that they say the same (`supports`), a tighter date inside the record's own
(`dates`, the date columns, which then bound the record's derived dates), or another
value of one of its fields (`disputes`, with the field and the value claimed). The
record is named as the data names it (`record`) and resolved by the loader
(`record_table`, `record_id`).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 06:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from incidentdb.models.base import DATE_COMMENTS

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INFERRED = ("The fields of the record a curator inferred rather than read in the source, as "
            "a JSON object: field name -> the basis and reason")


COMMENTS = {
    "record": "The record this evidence is about, as the data names it: its id, or kind:id "
              "(sentence:x) where an id names records of several kinds",
    "record_table": "The table of that record (resolved by the loader)",
    "record_id": "The id of that record (resolved by the loader)",
    "stance": "supports: the source says what the record says; dates: it gives a tighter "
              "date (the date columns); disputes: it gives another value of one field",
    "disputed_field": "The field of the record whose value the source disputes",
    "claim": "The value the source gives instead, as it gives it",
}


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("record", sa.String(220), nullable=False, comment=COMMENTS["record"]),
        sa.Column("record_table", sa.String(60), nullable=True,
                  comment=COMMENTS["record_table"]),
        sa.Column("record_id", sa.String(200), nullable=True, comment=COMMENTS["record_id"]),
        sa.Column("stance", sa.String(20), nullable=False, comment=COMMENTS["stance"]),
        sa.Column("disputed_field", sa.String(60), nullable=True,
                  comment=COMMENTS["disputed_field"]),
        sa.Column("claim", sa.Text(), nullable=True, comment=COMMENTS["claim"]),
        sa.Column("date_text", sa.Text(), nullable=True, comment=DATE_COMMENTS["date_text"]),
        sa.Column("date_edtf", sa.String(40), nullable=True, comment=DATE_COMMENTS["date_edtf"]),
        sa.Column("date_precision", sa.String(20), nullable=True,
                  comment=DATE_COMMENTS["date_precision"]),
        sa.Column("date_start", sa.Date(), nullable=True, comment=DATE_COMMENTS["date_start"]),
        sa.Column("date_end", sa.Date(), nullable=True, comment=DATE_COMMENTS["date_end"]),
        sa.Column("date_throughout", sa.Boolean(), nullable=False,
                  comment=DATE_COMMENTS["date_throughout"]),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("excerpt_start", sa.Integer(), nullable=False),
        sa.Column("excerpt_end", sa.Integer(), nullable=False),
        sa.Column("inferred", sa.Text(), nullable=True, comment=INFERRED),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_evidence_source_id_sources"),
                                initially="IMMEDIATE", deferrable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    for column in ("date_end", "date_start", "record_id", "source_id"):
        op.create_index(op.f(f"ix_evidence_{column}"), "evidence", [column], unique=False)


def downgrade() -> None:
    for column in ("date_end", "date_start", "record_id", "source_id"):
        op.drop_index(op.f(f"ix_evidence_{column}"), table_name="evidence")
    op.drop_table("evidence")
