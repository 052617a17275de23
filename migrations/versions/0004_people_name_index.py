"""index people by name

Listings of people are in name order and stop at a page: with this index the
database walks people in that order and stops early, instead of sorting them all.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_people_name"), "people", ["name"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_people_name"), table_name="people")
