"""Further evidence (`models.evidence`): resolving the record each names, checking what it
says, and the questions asked of it (sources per record, disagreements, citations).

A load resolves every `evidence` record's `record` (an id, or `kind:id`) to the record
it names, inside its transaction, after every row is written and before the date
bounds are derived (a `dates` stance bounds them: incidentdb.chronology). What cannot
be resolved or does not fit is a problem, and the load is refused:

- the record does not exist (or is no longer in the files: --prune), or the id names
  records of several kinds;
- the stance and the fields disagree: `dates` needs a `date` (and a dated record),
  `disputes` a field of the record and a `claim`, `supports` neither;
- a `dates` date outside the record's own stated date: that source gives another
  date, which is a disagreement (`stance: disputes`, `disputes: date`), not a bound.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, func, select, update

from incidentdb.chronology import Issue, tables_holding
from incidentdb.models import DECLARATIONS, Declaration, FurtherEvidence, declared

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from incidentdb.curation import IdHints

__all__ = ["resolve", "source_counts", "supported_by_at_least"]

TABLE = FurtherEvidence.__table__
BATCH = 500
# What a `disputes` may not name: the record's identity and evidence, not its claims.
NOT_DISPUTABLE = {"id", "excerpt", "occurrence", "inferred", "source"}


def about() -> list[Declaration]:
    """The tables whose records further evidence may be about: every section with
    evidence, but the evidence and the omissions themselves."""
    return [d for d in DECLARATIONS
            if d.section and d.evidence and d.name not in ("evidence", "omissions")]


def _resolve_one(written: str, kinds: dict[str, list[str]], hints: IdHints,
                 ) -> tuple[str | None, str]:
    """(table, record id) of the record `written` names; (None, why) when it names none
    or several."""
    kind, _, record_id = written.rpartition(":")
    tables = kinds.get(record_id, [])
    if kind:
        table = next((d.name for d in about() if d.singular == kind), None)
        if table is None:
            kinds_named = ", ".join(sorted(d.singular for d in about()))
            return None, f"record {written!r}: {kind!r} is not a kind of record ({kinds_named})"
        if table in tables:
            return table, record_id
        return None, (f"record {written!r}: {kind} {record_id!r} does not exist"
                      f"{hints.hint([table], record_id)}")
    if len(tables) == 1:
        return tables[0], record_id
    if not tables:
        return None, (f"record {written!r}: no record has the id {record_id!r}"
                      f"{hints.hint([d.name for d in about()], record_id)}")
    named = " or ".join(f"{declared()[t].singular}:{record_id}" for t in sorted(tables))
    return None, f"record {written!r} names records of several kinds: write {named}"


def resolve(conn: Connection) -> list[Issue]:
    """Resolve every evidence record's `record`, write where it points, and check what it
    says against that record; the problems found."""
    rows = conn.execute(select(TABLE)).all()
    kinds = tables_holding(conn, {row.record.rpartition(":")[2] for row in rows}, about())
    from incidentdb.curation import IdHints  # the load's did-you-mean, not a query's

    hints = IdHints(conn)
    issues: list[Issue] = []
    changed = []
    for row in rows:
        table, found = _resolve_one(row.record, kinds, hints)
        if table is None:
            issues.append(Issue("evidence", row.id, found))
        else:
            issues += [Issue("evidence", row.id, m) for m in _stance(conn, row, table, found)]
        resolved = (table, found if table else None)
        if (row.record_table, row.record_id) != resolved:
            changed.append({"e_id": row.id, "record_table": resolved[0],
                            "record_id": resolved[1]})
    for start in range(0, len(changed), BATCH):
        conn.execute(update(FurtherEvidence).where(TABLE.c.id == bindparam("e_id")).values(
            record_table=bindparam("record_table"), record_id=bindparam("record_id")),
            changed[start:start + BATCH])
    return issues


def _stance(conn: Connection, row: Any, table: str, record_id: str) -> list[str]:
    """What is wrong with what the evidence says of its record ([] if nothing)."""
    named = f"{declared()[table].singular} {record_id!r}"
    given = {"date": row.date_edtf is not None, "disputes": row.disputed_field is not None,
             "claim": row.claim is not None}
    wanted = {"supports": set(), "dates": {"date"}, "disputes": {"disputes", "claim"}}[row.stance]
    missing = sorted(wanted - {k for k, v in given.items() if v})
    extra = sorted({k for k, v in given.items() if v} - wanted)
    if missing or extra:
        parts = ([f"needs {', '.join(missing)}"] if missing else []) + (
            [f"takes no {', '.join(extra)}"] if extra else [])
        return [f"stance {row.stance}: {' and '.join(parts)}"]
    if row.stance == "disputes":
        fields = set(declared()[table].fields) - NOT_DISPUTABLE
        if row.disputed_field not in fields:
            return [f"disputes {row.disputed_field!r}, which is not a field of {named} "
                    f"(its fields: {', '.join(sorted(fields))})"]
    if row.stance == "dates":
        return _date_inside(conn, row, table, record_id, named)
    return []


def _date_inside(conn: Connection, row: Any, table: str, record_id: str, named: str,
                 ) -> list[str]:
    """A tighter date lies inside the record's own stated date; anything else is a
    disagreement."""
    t = declared()[table].table
    if "date_start" not in t.c or "earliest" not in t.c:
        return [f"stance dates: {named} has no date"]
    own = conn.execute(select(t.c.date_edtf, t.c.date_start, t.c.date_end)
                       .where(t.c.id == record_id)).one()
    inside = ((own.date_start is None or (row.date_start is not None
                                          and row.date_start >= own.date_start))
              and (own.date_end is None or (row.date_end is not None
                                            and row.date_end <= own.date_end)))
    if inside:
        return []
    return [f"date {row.date_edtf} is not inside the date of {named} ({own.date_edtf}): a "
            "source that gives another date disagrees (stance: disputes, disputes: date, "
            "claim: its words)"]


# --- questions ------------------------------------------------------------------------------


def supporting(table: Any) -> Any:
    """A correlated count: the sources other than its own that support or date a record
    of `table` (its own source makes one more)."""
    return (select(func.count(func.distinct(TABLE.c.source_id)))
            .where(TABLE.c.record_table == table.name, TABLE.c.record_id == table.c.id,
                   TABLE.c.stance != "disputes", TABLE.c.source_id != table.c.source_id)
            .scalar_subquery())


def supported_by_at_least(table: Any, sources: int) -> Any:
    """A condition: at least `sources` sources support the record (its own included)."""
    return and_(supporting(table) + 1 >= sources)


def source_counts(conn_or_session: Any, ids: list[str]) -> dict[str, int]:
    """How many sources support each record (its own and the further ones that support
    or date it): {id: n} for the ids given (1 for a record no further source names)."""
    return sources_and_disputes(conn_or_session, ids)[0]


def sources_and_disputes(conn_or_session: Any, ids: list[str],
                         ) -> tuple[dict[str, int], dict[str, list[dict[str, Any]]]]:
    """For records of any tables (ids are unique across them): how many sources support
    each (`source_counts`), and the disagreements about each (`disputes`). One query when
    no further evidence names them, the usual case."""
    found = []
    for start in range(0, len(ids), BATCH):
        found += conn_or_session.execute(
            select(TABLE.c.record_table, TABLE.c.record_id, TABLE.c.source_id, TABLE.c.stance,
                   TABLE.c.disputed_field, TABLE.c.claim, TABLE.c.id)
            .where(TABLE.c.record_id.in_(ids[start:start + BATCH])).order_by(TABLE.c.id)).all()
    counts = dict.fromkeys(ids, 1)
    argued: dict[str, list[dict[str, Any]]] = defaultdict(list)
    own = _own_sources(conn_or_session, {(row.record_table, row.record_id) for row in found})
    supporting: dict[str, set[str]] = defaultdict(set)
    for row in found:
        if row.stance == "disputes":
            argued[row.record_id].append({"field": row.disputed_field, "claim": row.claim,
                                          "source": row.source_id, "evidence": row.id})
        elif row.source_id != own.get(row.record_id):
            supporting[row.record_id].add(row.source_id)
    for record_id, sources in supporting.items():
        counts[record_id] = 1 + len(sources)
    return counts, dict(argued)


def _own_sources(conn_or_session: Any, records: set[tuple[str, str]]) -> dict[str, str]:
    """{record id: its own source} of the (table, id) pairs given, a query per table."""
    by_table: dict[str, list[str]] = defaultdict(list)
    for table, record_id in records:
        by_table[table].append(record_id)
    out: dict[str, str] = {}
    for table, record_ids in by_table.items():
        t = declared()[table].table
        out.update(conn_or_session.execute(select(t.c.id, t.c.source_id)
                                           .where(t.c.id.in_(record_ids))).tuples().all())
    return out
