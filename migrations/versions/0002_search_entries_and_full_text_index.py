"""search entries and full-text index

The documents are a plain table on both databases. The index over them differs:
SQLite gets an FTS5 table with external content, kept in step by triggers;
PostgreSQL gets a GIN index on the documents' tsvector. Neither index can be
declared in the models, so migrations/env.py hides them from autogenerate.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 11:36:18.169146
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_entries', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
POSTGRES_INDEX = (
    "CREATE INDEX search_fts_gin ON search_entries "
    "USING gin (to_tsvector('english', title || ' ' || body))"
)


def upgrade() -> None:
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=400), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("kind", "record_id", name=op.f("uq_search_entries_kind")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(POSTGRES_INDEX)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS search_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS search_fts_gin")
    op.drop_table("search_entries")
