"""span classes: dated records overlapping a window, read from index ranges

Each dated table (events, charges, sentences, memberships) gets `span_class`, how far
apart a record's derived bounds are, as a class (incidentdb.spans), and an index on
(span_class, sort_earliest, sort_latest): "which records may lie in this month" then
reads one index range per class instead of every record that began before the month.
Upgrade classifies the records already in the database; downgrade drops both.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 09:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DATED = ("events", "charges", "sentences", "memberships")
WIDE = 17  # the class of a record not classified yet: always looked at
COMMENT = ("How far apart `earliest` and `latest` are, as a class: 0-16, fewer than "
           "2^class days; 17, further or open at the start; 18, undated. For window queries")


def upgrade() -> None:
    for table in DATED:  # plain ADD COLUMN: a batch copy would drop referred tables
        op.add_column(table, sa.Column("span_class", sa.SmallInteger(), nullable=False,
                                       server_default=str(WIDE), comment=COMMENT))
        op.create_index(f"ix_{table}_span", table,
                        ["span_class", "sort_earliest", "sort_latest"], unique=False)
    from incidentdb.spans import classify

    classify(op.get_bind())


def downgrade() -> None:
    for table in DATED:
        op.drop_index(f"ix_{table}_span", table_name=table)
        op.drop_column(table, "span_class")
