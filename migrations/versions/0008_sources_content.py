"""store each source's text in the database

`incidentdb check` verifies every excerpt against its source's text. It read the
text from the bundled data folder, so a database loaded from any other folder
could not be checked (and one loaded from an edited copy was checked against the
wrong text). The loader now stores the text it verified against the source's
SHA-256 in `sources.content`; `check` reads it from there.

For a database loaded before this revision, upgrade fills in the text of each
source whose file in the bundled data folder still matches the stored SHA-256 (the
text the load verified); any other source keeps NULL until its next load, and
`check` says so.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:00:00
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from incidentdb.bundle import bundled_path

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMENT = ("The source's text as loaded, verified against sha256: excerpt offsets count "
           "characters in it")
SOURCES = sa.table("sources", sa.column("id", sa.String), sa.column("text_path", sa.Text),
                   sa.column("sha256", sa.String), sa.column("content", sa.Text))


def _bundled_text(text_path: str, sha256: str) -> str | None:
    """The bundled file's text, if it is the one the source was loaded with."""
    try:
        raw = (bundled_path("data") / text_path).read_bytes()
        text = raw.decode("utf-8")
    except (OSError, ValueError):
        return None
    return text if hashlib.sha256(raw).hexdigest() == sha256 and "\x00" not in text else None


def upgrade() -> None:
    op.add_column("sources", sa.Column("content", sa.Text(), nullable=True, comment=COMMENT))
    bind = op.get_bind()
    rows = bind.execute(sa.select(SOURCES.c.id, SOURCES.c.text_path, SOURCES.c.sha256)).all()
    for source_id, text_path, sha256 in rows:
        text = _bundled_text(text_path, sha256)
        if text is not None:
            bind.execute(SOURCES.update().where(SOURCES.c.id == source_id).values(content=text))


def downgrade() -> None:
    # a plain DROP COLUMN (SQLite 3.35 and later): a batch copy of `sources` would drop
    # the table every other table refers to
    op.drop_column("sources", "content")
