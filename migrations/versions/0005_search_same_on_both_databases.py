"""full-text search that behaves the same on SQLite and PostgreSQL

0002 indexed with each database's English stemmer (FTS5 porter, PostgreSQL
'english'): they stem differently and PostgreSQL drops stop words, so the same
words found different records. Both now index words as written, lower-cased,
without stemming, stop words or accent removal ('simple' on PostgreSQL, plain
unicode61 on SQLite); queries match each word as a prefix on both.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 12:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_TABLE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_entries', "
    "content_rowid='id', tokenize='{tokenizer}')"
)
POSTGRES_INDEX = (
    "CREATE INDEX search_fts_gin ON search_entries "
    "USING gin (to_tsvector('{config}', title || ' ' || body))"
)


def _rebuild(tokenizer: str, config: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # the triggers of 0002 name the table, not its tokenizer: they keep working
        op.execute("DROP TABLE search_fts")
        op.execute(FTS_TABLE.format(tokenizer=tokenizer))
        op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute("DROP INDEX search_fts_gin")
        op.execute(POSTGRES_INDEX.format(config=config))


def upgrade() -> None:
    _rebuild("unicode61 remove_diacritics 0", "simple")


def downgrade() -> None:
    _rebuild("porter unicode61 remove_diacritics 2", "english")
