"""PostgreSQL full text answered from the index: stored document vectors, charge titles

Two costs grew with the number of matches on PostgreSQL, none on SQLite (whose FTS5
table holds each document's words and searches a column by itself):

- `search` ranked every match by `ts_rank(to_tsvector(title || ' ' || body))`: the
  GIN index (0005) was on that expression, so each matching document was turned into
  a tsvector again to be ranked. The vector is now a stored generated column,
  `search_fts_document`, computed once when a document is written; the GIN index is
  on it, and ranking reads it.
- `people --charge` and `cases --charge` found the charges whose titles have the
  words through the index of whole documents (every kind, title and body), then
  turned each candidate's title into a tsvector: a word common in events' texts
  made thousands of candidates. A partial GIN index on the charges' titles,
  `search_fts_charge_titles`, answers that alone.

The names start with `search_fts`, as the FTS5 table's do: the models do not declare
them (migrations/env.py leaves such names out of the drift check).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 12:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOCUMENT = "to_tsvector('simple', title || ' ' || body)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_entries ADD COLUMN search_fts_document tsvector "
               f"GENERATED ALWAYS AS ({DOCUMENT}) STORED")
    op.execute("DROP INDEX search_fts_gin")
    op.execute("CREATE INDEX search_fts_gin ON search_entries USING gin (search_fts_document)")
    op.execute("CREATE INDEX search_fts_charge_titles ON search_entries "
               "USING gin (to_tsvector('simple', title)) WHERE kind = 'charge'")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX search_fts_charge_titles")
    op.execute("DROP INDEX search_fts_gin")
    op.execute("ALTER TABLE search_entries DROP COLUMN search_fts_document")
    op.execute(f"CREATE INDEX search_fts_gin ON search_entries USING gin ({DOCUMENT})")
