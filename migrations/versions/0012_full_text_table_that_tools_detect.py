"""a full-text table that Datasette and sqlite-utils detect

0002 and 0005 declared the FTS5 table with `content='search_entries'`. SQLite takes
the single quotes, but Datasette and sqlite-utils look for the table a full-text
index belongs to by `content="TABLE"` or `content=[TABLE]` in its declaration, so
neither saw it: `?_search=` returned every row and `sqlite-utils search` failed. The
table is declared again with double quotes, the same columns and tokenizer (so
`incidentdb search` finds the same records), and rebuilt from its content table.
The triggers of 0002 name the table, not its declaration: they keep working.

PostgreSQL has no FTS5 table (a GIN index, unchanged): nothing to do there.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_TABLE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content={quote}search_entries"
    "{quote}, content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
)


def _declare(quote: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE search_fts")
    op.execute(FTS_TABLE.format(quote=quote))
    op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


def upgrade() -> None:
    _declare('"')


def downgrade() -> None:
    _declare("'")
