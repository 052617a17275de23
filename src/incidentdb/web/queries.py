"""The canned queries of the web view: SQL that Datasette runs, with a form and JSON/CSV.

`citation` is made from the declarations (every table whose records carry evidence,
and the further evidence of the `evidence` table), so it answers as `incidentdb
cite` does for any record. `search` matches as `incidentdb search` does: the user's
words reach FTS5 through the SQL function MATCH_FUNCTION, which the plugin registers
on Datasette's connections (`search.fts5_query`: each word quoted, as a prefix).
Every parameter is bound by Datasette; none is written into the SQL.
"""

from __future__ import annotations

from typing import Any

from incidentdb.models import DECLARATIONS

MATCH_FUNCTION = "incidentdb_match"  # (text) -> the FTS5 query `incidentdb search` makes
SEARCH_LIMIT = 20  # as `incidentdb search` shows by default


def _own_evidence() -> str:
    """One SELECT per table whose records carry evidence: the record with the id, if any."""
    return "\n  union all\n".join(
        f"  select '{d.name}' as \"table\", id, 'own' as stance, '' as says, source_id, "
        f"excerpt, excerpt_start, excerpt_end, 0 as further, '' as further_id "
        f"from {d.name} where id = :id"
        for d in sorted(DECLARATIONS, key=lambda d: d.name) if d.evidence)


CITATION = f"""select c."table", c.id, c.stance, c.says, s.title as source, c.source_id,
  s.publisher, coalesce(s.url, '') as url, c.excerpt, c.excerpt_start as start,
  c.excerpt_end as "end"
from (
{_own_evidence()}
  union all
  select 'evidence', id, stance,
    case stance
      when 'dates' then 'dates it ' || date_edtf
        || coalesce(' (' || nullif(date_text, '') || ')', '')
      when 'disputes' then 'disputes ' || disputed_field || ': ' || claim
      else '' end,
    source_id, excerpt, excerpt_start, excerpt_end, 1, id
  from evidence where record_id = :id
) as c join sources s on s.id = c.source_id
order by c.further, c."table", c.further_id"""

SEARCH = f"""select e.kind, e.record_id, e.title,
  snippet(search_fts, 1, '[', ']', '…', 16) as passage,
  round(-bm25(search_fts), 4) as rank
from search_fts join search_entries e on e.id = search_fts.rowid
where search_fts match {MATCH_FUNCTION}(:q)
order by bm25(search_fts), e.kind, e.record_id
limit {SEARCH_LIMIT}"""


def canned_queries() -> dict[str, dict[str, Any]]:
    return {
        "citation": {
            "title": "A record's citation",
            "description": "The source, verbatim excerpt and offsets of any record, by its "
                           "id (as `incidentdb cite ID`): its own evidence first, then what "
                           "further sources say of it.",
            "sql": CITATION,
        },
        "search": {
            "title": "Full-text search",
            "description": "Records whose title or text has words beginning with every word "
                           "you type, best first (as `incidentdb search`): the first "
                           f"{SEARCH_LIMIT}.",
            "sql": SEARCH,
        },
    }
