"""Full-text search over events, cases, people and every evidence excerpt.

`search_entries` holds one document per record; the loader refreshes the
documents of the records it changed. The index over them is SQLite FTS5 or a
PostgreSQL GIN index (migration 0002). A user's text is always taken literally:
it is split into words and each word is quoted, so quotes, parentheses and
operators in it never reach the query language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select, text

from incidentdb.models import Base, SearchEntry

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

# table -> (title column, body columns); the excerpt is always part of the body
DOCUMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "events": ("title", ("summary", "place")),
    "cases": ("title", ("summary",)),
    "charges": ("wording", ()),
    "sentences": ("kind", ("group_description",)),
    "people": ("name", ("description",)),
    "organizations": ("name", ("short_name", "description")),
    "memberships": ("role", ()),
    "event_counts": ("subject", ("measure",)),
}
SINGULAR = {"events": "event", "cases": "case", "charges": "charge", "sentences": "sentence",
            "people": "person", "organizations": "organization", "memberships": "membership",
            "event_counts": "count"}


@dataclass(frozen=True)
class Hit:
    kind: str
    record_id: str
    title: str
    passage: str
    rank: float


def refresh_documents(conn: Connection, changed: dict[str, set[str]]) -> None:
    """Rewrite the search documents of the changed (added, edited, removed) records."""
    entries = SearchEntry.__table__
    for table_name, ids in changed.items():
        if table_name not in DOCUMENTS or not ids:
            continue
        kind = SINGULAR[table_name]
        table = Base.metadata.tables[table_name]
        title_column, body_columns = DOCUMENTS[table_name]
        columns = [table.c.id, table.c[title_column], table.c.excerpt,
                   *(table.c[c] for c in body_columns)]
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start:start + 500]
            conn.execute(delete(entries).where(entries.c.kind == kind,
                                               entries.c.record_id.in_(chunk)))
            rows = conn.execute(select(*columns).where(table.c.id.in_(chunk))).all()
            documents = [{
                "kind": kind,
                "record_id": row[0],
                "title": str(row[1]),
                "body": " ".join(str(x) for x in (*row[3:], row[2]) if x),
            } for row in rows]
            if documents:
                conn.execute(insert(entries), documents)


def literal_words(user_text: str) -> list[str]:
    """The words of the user's text, with every operator character dropped."""
    return re.findall(r"[^\W_]+", user_text)


def search(session: Session, user_text: str, limit: int = 20) -> list[Hit]:
    words = literal_words(user_text)
    if not words:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _search_postgres(session, " ".join(words), limit)
    return _search_sqlite(session, words, limit)


def _search_sqlite(session: Session, words: list[str], limit: int) -> list[Hit]:
    match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
    rows = session.execute(text(
        "SELECT e.kind, e.record_id, e.title, "
        "snippet(search_fts, 1, '[', ']', '…', 16) AS passage, bm25(search_fts) AS rank "
        "FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid "
        "WHERE search_fts MATCH :match ORDER BY rank, e.kind, e.record_id LIMIT :limit"),
        {"match": match, "limit": limit})
    return [Hit(r.kind, r.record_id, r.title, r.passage, -r.rank) for r in rows]


def _search_postgres(session: Session, words: str, limit: int) -> list[Hit]:
    rows = session.execute(text(
        "SELECT kind, record_id, title, "
        "ts_headline('english', body, query, "
        "'StartSel=[,StopSel=],MaxWords=24,MinWords=8') AS passage, "
        "ts_rank(to_tsvector('english', title || ' ' || body), query) AS rank "
        "FROM search_entries, plainto_tsquery('english', :words) AS query "
        "WHERE to_tsvector('english', title || ' ' || body) @@ query "
        "ORDER BY rank DESC, kind, record_id LIMIT :limit"),
        {"words": words, "limit": limit})
    return [Hit(r.kind, r.record_id, r.title, r.passage, float(r.rank)) for r in rows]
