"""Full-text search over events, cases, people and every evidence excerpt.

`search_entries` holds one document per record; the loader writes the documents
of the records it adds or changes, and removes those of records it removes. The
index over them is SQLite FTS5 (`search_fts`), or on PostgreSQL a GIN index of each
document's tsvector, stored as the generated column `search_fts_document`, with a
second one of the charges' titles (migrations 0002, 0005, 0014).

A user's text is always taken literally: it is split into words and each word is
quoted, so quotes, parentheses and operators never reach the query language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, text

from incidentdb.models import declaration
from incidentdb.names import without_invisible

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

@dataclass(frozen=True)
class Hit:
    kind: str
    record_id: str
    title: str
    passage: str
    rank: float


def document_kind(table_name: str) -> str | None:
    """The `kind` of a table's search documents (its singular name); None for tables
    whose declaration has no search document."""
    declared = declaration(table_name)
    return declared.singular if declared.document else None


def documents(table_name: str, rows: list[dict]) -> list[tuple[str, str, str, str]]:
    """The search documents (kind, record id, title, body) of a table's rows; the
    evidence excerpt is always part of the body."""
    declared = declaration(table_name)
    document = declared.document
    if document is None:
        return []
    return [(declared.singular, row["id"], str(row[document.title]),
             " ".join(str(row[c]) for c in (*document.body, "excerpt") if row.get(c)))
            for row in rows]


def literal_words(user_text: str) -> list[str]:
    """The words of the user's text, with every operator character dropped.

    Invisible characters (a zero-width space pasted from a web page) are removed, not
    taken as word breaks, and the text is composed (NFC) as stored text is, so a word
    typed with a combining accent meets the same word written with a precomposed one.
    """
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFC", without_invisible(user_text)))


def _fts5_match(words: list[str], column: str | None = None) -> str:
    """An FTS5 query: every word quoted (so nothing in it is an operator), as a prefix."""
    terms = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
    return f"{column} : ({terms})" if column else terms


def fts5_query(user_text: str) -> str:
    """The FTS5 query `search` runs for the user's text; for text without words, a query
    that finds nothing (FTS5 refuses an empty one). The web view's canned search uses it."""
    words = literal_words(user_text)
    return _fts5_match(words) if words else '""'


def _tsquery(words: list[str]) -> str:
    """A PostgreSQL tsquery: every word as a prefix. The parser keeps the '-' of a number
    after a hyphen ("Covid-19" gives 'covid', '-19'), so a number matches either form."""
    def term(word: str) -> str:
        word = word.lower()
        return f"({word}:* | '-{word}':*)" if word[0].isdigit() else f"{word}:*"

    return " & ".join(term(w) for w in words)


def search(session: Session, user_text: str, limit: int | None = 20) -> list[Hit]:
    """Records whose title or text has words starting with every word of the user's text,
    best first, at most `limit` of them (None: all). Words are matched as written
    (lower-cased): no stemming, no stop words, so SQLite and PostgreSQL find the same
    records."""
    words = literal_words(user_text)
    if not words:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _search_postgres(session, words, limit)
    return _search_sqlite(session, words, limit)


def count_matches(session: Session, user_text: str, cap: int) -> int:
    """How many records `search` finds for the text, counted up to cap + 1."""
    words = literal_words(user_text)
    if not words:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        query = text("SELECT count(*) FROM (SELECT 1 FROM search_entries WHERE "
                     "search_fts_document @@ to_tsquery('simple', :q) "
                     "LIMIT :cap) AS found").bindparams(q=_tsquery(words), cap=cap + 1)
    else:
        query = text("SELECT count(*) FROM (SELECT rowid FROM search_fts "
                      "WHERE search_fts MATCH :q LIMIT :cap)").bindparams(
                          q=_fts5_match(words), cap=cap + 1)
    return int(session.execute(query).scalar_one())


def _search_sqlite(session: Session, words: list[str], limit: int | None) -> list[Hit]:
    rows = session.execute(text(
        "SELECT e.kind, e.record_id, e.title, "
        "snippet(search_fts, 1, '[', ']', '…', 16) AS passage, bm25(search_fts) AS rank "
        "FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid "
        "WHERE search_fts MATCH :match ORDER BY rank, e.kind, e.record_id LIMIT :limit"),
        {"match": _fts5_match(words), "limit": -1 if limit is None else limit})  # -1: all
    return [Hit(r.kind, r.record_id, r.title, r.passage, -r.rank) for r in rows]


def _search_postgres(session: Session, words: list[str], limit: int | None) -> list[Hit]:
    rows = session.execute(text(
        "SELECT kind, record_id, title, "
        "ts_headline('simple', body, query, "
        "'StartSel=[,StopSel=],MaxWords=24,MinWords=8') AS passage, "
        "ts_rank(search_fts_document, query) AS rank "
        "FROM search_entries, to_tsquery('simple', :query) AS query "
        "WHERE search_fts_document @@ query "
        "ORDER BY rank DESC, kind, record_id LIMIT :limit"),
        {"query": _tsquery(words), "limit": limit})  # LIMIT NULL: all
    return [Hit(r.kind, r.record_id, r.title, r.passage, float(r.rank)) for r in rows]


def titles_matching(session: Session, kind: str, user_text: str) -> Any:
    """A subquery of the ids of `kind` records whose title has words starting with the
    user's words ("drug" finds "drugs-related", "covid" finds "Covid-19"), from the index.

    On PostgreSQL only the charges' titles have an index of their own (migration 0014,
    `search_fts_charge_titles`); another kind's would be read from every document."""
    words = literal_words(user_text)
    if not words:
        return text("SELECT NULL AS record_id WHERE 1 = 0").columns(record_id=String)
    if session.get_bind().dialect.name == "postgresql":
        return text(
            "SELECT record_id FROM search_entries WHERE kind = :kind "
            "AND to_tsvector('simple', title) @@ to_tsquery('simple', :query)"
        ).bindparams(kind=kind, query=_tsquery(words)).columns(record_id=String)
    return text(
        # "+kind": look documents up by the index's matches, not every document of the kind
        "SELECT record_id FROM search_entries WHERE +kind = :kind AND id IN "
        "(SELECT rowid FROM search_fts WHERE search_fts MATCH :match)"
    ).bindparams(kind=kind, match=_fts5_match(words, "title")).columns(record_id=String)
