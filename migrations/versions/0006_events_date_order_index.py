"""index events in date order

Listings of events are ordered by (date_start, date_end, id) and stop at a page:
with this index a month's first page is read in order instead of sorting the month.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 13:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_events_date_order", "events", ["date_start", "date_end", "id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_events_date_order", table_name="events")
