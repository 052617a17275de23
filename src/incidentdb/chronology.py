"""Derived date bounds: what the stated dates, the relations and the sources imply.

Every dated record (events, charges, sentences, memberships) gets the earliest and
latest day it may have happened (`models.chronology.Bounded`), computed by a load
inside its transaction, from:

- its stated date (`date_start`, `date_end`);
- its source's publication date: nothing a source reports happened after it was
  published;
- the date of reports about it (`reported`): it had happened by then;
- the tighter dates further sources give (`evidence` with stance `dates`): stated
  bounds, whose origin is that evidence (`evidence:id`);
- its stated relations, transitively: `A after B` means B came first, so A is no
  earlier than B's earliest day and B no later than A's latest day (`before` the
  same, the other way round); `A during B` puts A within B's bounds; a sentence that
  replaces another comes after it.

Each bound records its basis (stated, derived, none) and, when derived, the record
(`kind:id`) or source (`source:id`) whose date gives it. The stated columns are never
touched. A relation to nothing, a cycle, or bounds that cross (a relation that
contradicts the stated dates) is a problem, and the load is refused.

`chain_depth` (the longest chain of relations leading to a record) completes the one
order every listing uses: earliest day (unknown first), latest day, chain depth, id.
Along a relation, the earlier record never sorts after the later one: the bounds
only grow along it, and where they tie the depth breaks the tie.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    case,
    func,
    literal,
    null,
    or_,
    select,
    update,
)

from incidentdb.models import FurtherEvidence, Sentence, Source, chronology_of, dated
from incidentdb.models.chronology import REPORTED
from incidentdb.sections import singular
from incidentdb.spans import DAWN, DOOM, classify

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from incidentdb.curation import IdHints

__all__ = ["Issue", "derive", "order_by"]

BOUNDS = ("earliest", "earliest_basis", "earliest_from", "latest", "latest_basis",
          "latest_from", "chain_depth")
UPDATES = 500  # bound ids per UPDATE of changed records


@dataclass(frozen=True)
class Issue:
    """A problem with the chronology, against the row that states it: a record of
    `table`, or (when `chronology` is set) one of its chronology rows."""

    table: str
    record_id: str
    message: str
    chronology: str | None = None  # the id of the chronology row, if the problem is one


def order_by(table: Any) -> list[Any]:
    """The date order of a dated table's records: the one order of every listing."""
    c = table.c
    return [c.sort_earliest, c.sort_latest, c.chain_depth, c.id]


# --- a record's own bounds ----------------------------------------------------------------


def _published(table: Table) -> Any:
    """The publication date of each record's source, as a correlated subquery."""
    return select(Source.published).where(Source.id == table.c.source_id).scalar_subquery()


def _table_of(kind: str) -> str:
    """The dated table whose records a kind names ("event" -> "events")."""
    return next(d.name for d in dated() if d.singular == kind)


def _own_bounds(conn: Connection, table: Table) -> None:
    """Every record's bounds from its stated date and its source's publication alone,
    written where they differ from what is stored (one statement per table)."""
    c = table.c
    published = _published(table)
    end_stated = and_(c.date_end.is_not(None),
                      or_(published.is_(None), c.date_end <= published))
    values: dict[str, Any] = {
        "earliest": c.date_start,
        "earliest_basis": case((c.date_start.is_(None), "none"), else_="stated"),
        "earliest_from": null(),
        "latest": case((end_stated, c.date_end), else_=published),
        "latest_basis": case((end_stated, "stated"), (published.is_not(None), "derived"),
                             else_="none"),
        "latest_from": case((end_stated, null()), (published.is_not(None),
                                                   literal("source:") + c.source_id),
                            else_=null()),
        "chain_depth": 0,
    }
    values["sort_earliest"] = func.coalesce(values["earliest"], DAWN)
    values["sort_latest"] = func.coalesce(values["latest"], DOOM)
    differs = [c[name].is_distinct_from(value) for name, value in values.items()]
    conn.execute(update(table).where(or_(*differs)).values(values))


# --- the graph of relations ------------------------------------------------------------------


@dataclass
class _Node:
    """A record in some relation: its bounds, being tightened."""

    kind: str  # singular: event, charge...
    table: str
    id: str
    shown: str  # its stated date as written, for messages
    bounds: dict[str, Any]
    stored: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass
class _Graph:
    nodes: dict[str, _Node] = field(default_factory=dict)
    first: list[tuple[str, str]] = field(default_factory=list)  # (earlier, later)
    within: list[tuple[str, str]] = field(default_factory=list)  # (container, inner)
    reported: list[tuple[str, date | None]] = field(default_factory=list)  # (node, by)
    # (node, first day, last day, evidence id): a tighter date from a further source
    dated_by: list[tuple[str, date | None, date | None, str]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def _statements(conn: Connection) -> list[tuple[str, str, str, str, str | None, Any]]:
    """Every chronology row: (owner table, row id, record id, relation, target, date end)."""
    out = []
    for declared in dated():
        t = chronology_of(declared.name).table
        out += [(declared.name, *row) for row in conn.execute(
            select(t.c.id, t.c.record_id, t.c.relation, t.c.target, t.c.date_end)
            .order_by(t.c.id))]
    return out


def tables_holding(conn: Connection, ids: set[str], declarations: Iterable[Any] | None = None,
                   ) -> dict[str, list[str]]:
    """For each id, the tables (of `declarations`; default: the dated ones) that have a
    record with it."""
    found: dict[str, list[str]] = defaultdict(list)
    wanted = sorted(ids)
    for declared in dated() if declarations is None else declarations:
        t = declared.table
        for start in range(0, len(wanted), UPDATES):
            for (record_id,) in conn.execute(select(t.c.id).where(
                    t.c.id.in_(wanted[start:start + UPDATES]))):
                found[record_id].append(declared.name)
    return found


def _resolve(target: str, kinds: dict[str, list[str]], hints: IdHints,
             ) -> tuple[str | None, str | None]:
    """(table, None) for the record a target names; (None, why) when it names none or
    several. An id of no record of its kind gets the nearest id as a hint: the same id
    of another kind (`sentence:x` for `event:x`), or the id of that kind most like it."""
    kind, _, record_id = target.rpartition(":")
    tables = kinds.get(record_id, [])
    if kind:
        if _table_of(kind) in tables:
            return _table_of(kind), None
        hint = (f"; did you mean '{singular(tables[0])}:{record_id}'?" if tables
                else hints.hint([_table_of(kind)], record_id))
        return None, f"{kind} {record_id!r} does not exist{hint}"
    if len(tables) == 1:
        return tables[0], None
    if not tables:
        hint = hints.hint([d.name for d in dated()], record_id)
        return None, f"no event, charge, sentence or membership has the id {record_id!r}{hint}"
    named = " or ".join(f"{singular(t)}:{record_id}" for t in sorted(tables))
    return None, f"{record_id!r} names records of several kinds: write {named}"


def _graph(conn: Connection, evidence: bool = True) -> _Graph:
    graph = _Graph()
    statements = _statements(conn)
    replacing = conn.execute(select(Sentence.id, Sentence.replaces_id)
                             .where(Sentence.replaces_id.is_not(None))).all()
    kinds = tables_holding(conn, {s[4].rpartition(":")[2] for s in statements if s[4]})
    links: list[tuple[str, str, str, str]] = []  # (relation, record table, id, other table:id)
    from incidentdb.curation import IdHints  # the load's did-you-mean, not a query's

    hints = IdHints(conn)
    for table, row_id, record_id, relation, target, by in statements:
        if relation == REPORTED:
            graph.reported.append((f"{table}:{record_id}", by))
            continue
        assert target is not None
        other, why = _resolve(target, kinds, hints)
        if other is None:
            graph.issues.append(Issue(table, record_id, f"{relation} {target!r}: {why}",
                                      row_id))
            continue
        links.append((relation, table, record_id, f"{other}:{target.rpartition(':')[2]}"))
    links += [("after", "sentences", new, f"sentences:{old}") for new, old in replacing]
    for relation, table, record_id, other in links:
        here = f"{table}:{record_id}"
        if relation == "after":
            graph.first.append((other, here))
        elif relation == "before":
            graph.first.append((here, other))
        else:
            graph.within.append((other, here))
    graph.dated_by = _dated_by(conn) if evidence else []
    wanted = {key for pair in graph.first + graph.within for key in pair}
    wanted |= {key for key, _ in graph.reported} | {d[0] for d in graph.dated_by}
    _read_nodes(conn, graph, wanted)
    return graph


def _dated_by(conn: Connection) -> list[tuple[str, date | None, date | None, str]]:
    """The tighter dates further sources give: (node, first day, last day, evidence id)."""
    e = FurtherEvidence
    return [(f"{table}:{record_id}", start, end, evidence_id)
            for table, record_id, start, end, evidence_id in conn.execute(
                select(e.record_table, e.record_id, e.date_start, e.date_end, e.id)
                .where(e.stance == "dates", e.record_id.is_not(None)).order_by(e.id))]


def _read_nodes(conn: Connection, graph: _Graph, keys: set[str]) -> None:
    by_table: dict[str, list[str]] = defaultdict(list)
    for key in sorted(keys):
        table, _, record_id = key.partition(":")
        by_table[table].append(record_id)
    for declared in dated():
        t = declared.table
        ids = by_table.get(declared.name, [])
        for start in range(0, len(ids), UPDATES):
            for row in conn.execute(select(t.c.id, t.c.date_edtf, *(t.c[b] for b in BOUNDS))
                                    .where(t.c.id.in_(ids[start:start + UPDATES]))):
                values = row._asdict()
                bounds = {b: values[b] for b in BOUNDS}
                graph.nodes[f"{declared.name}:{row.id}"] = _Node(
                    declared.singular, declared.name, row.id, row.date_edtf or "undated",
                    dict(bounds), bounds)


# --- tightening -------------------------------------------------------------------------------


def _order(graph: _Graph) -> list[str] | None:
    """The nodes with every relation's earlier end (or container) first; None on a cycle
    (the cycle's records are then reported)."""
    after: dict[str, list[str]] = defaultdict(list)
    waiting: dict[str, int] = dict.fromkeys(graph.nodes, 0)
    for earlier, later in graph.first + graph.within:
        if earlier in graph.nodes and later in graph.nodes:
            after[earlier].append(later)
            waiting[later] += 1
    ready = deque(sorted(k for k, n in waiting.items() if n == 0))
    order = []
    while ready:
        key = ready.popleft()
        order.append(key)
        for later in after[key]:
            waiting[later] -= 1
            if waiting[later] == 0:
                ready.append(later)
    if len(order) == len(graph.nodes):
        return order
    stuck = {k for k, n in waiting.items() if n > 0}
    while leaves := {k for k in stuck if not stuck.intersection(after[k])}:
        stuck -= leaves  # what only follows a cycle is not part of it
    names = ", ".join(sorted(graph.nodes[k].key for k in stuck))
    for key in sorted(stuck):
        node = graph.nodes[key]
        graph.issues.append(Issue(node.table, node.id,
                                  f"relations form a cycle: no order puts {names} in turn"))
    return None


def _tighten(graph: _Graph, order: list[str]) -> None:
    """Tighten every bound until nothing changes (bounds only move inwards, to dates
    already in the graph, so this ends); then the depths, along the order."""
    nodes = graph.nodes
    for key, by in graph.reported:
        if key in nodes and by is not None:
            _lower_latest(nodes[key], by, None)
    for key, start, end, evidence_id in graph.dated_by:
        if key in nodes:
            _evidence_bounds(nodes[key], start, end, f"evidence:{evidence_id}")
    forward = _in_order(graph.first + graph.within, order, 0)
    first = _in_order(graph.first, order, 1, reverse=True)
    within = _in_order(graph.within, order, 0)
    changed = True
    while changed:
        changed = False
        for earlier, later in forward:
            changed |= _raise_earliest(nodes[later], nodes[earlier])
        for earlier, later in first:
            changed |= _lower_latest(nodes[earlier], nodes[later].bounds["latest"], nodes[later])
        for container, inner in within:
            changed |= _lower_latest(nodes[inner], nodes[container].bounds["latest"],
                                     nodes[container])
    for earlier, later in _in_order(graph.first, order, 0):
        depth = nodes[earlier].bounds["chain_depth"] + 1
        nodes[later].bounds["chain_depth"] = max(nodes[later].bounds["chain_depth"], depth)


def _in_order(pairs: Iterable[tuple[str, str]], order: list[str], end: int,
              reverse: bool = False) -> list[tuple[str, str]]:
    """The pairs sorted by the position of their `end` (0: first, 1: second) in order."""
    position = {key: i for i, key in enumerate(order)}
    known = [p for p in pairs if p[0] in position and p[1] in position]
    return sorted(known, key=lambda p: position[p[end]], reverse=reverse)


def _origin(node: _Node, bound: str) -> str:
    """Who gives a node's bound: its own origin when derived, else the node itself."""
    if node.bounds[f"{bound}_basis"] == "derived":
        return str(node.bounds[f"{bound}_from"])
    return node.key


def _raise_earliest(node: _Node, other: _Node) -> bool:
    """Whether the other's earliest day raised the node's."""
    value = other.bounds["earliest"]
    if value is None or (node.bounds["earliest"] is not None
                         and value <= node.bounds["earliest"]):
        return False
    node.bounds.update(earliest=value, earliest_basis="derived",
                       earliest_from=_origin(other, "earliest"))
    return True


def _lower_latest(node: _Node, value: date | None, other: _Node | None) -> bool:
    """Whether the value (the other's latest day, or the node's own report date when
    other is None) lowered the node's latest day."""
    if value is None or (node.bounds["latest"] is not None and value >= node.bounds["latest"]):
        return False
    if other is None:
        node.bounds.update(latest=value, latest_basis="stated", latest_from=None)
    else:
        node.bounds.update(latest=value, latest_basis="derived",
                           latest_from=_origin(other, "latest"))
    return True


def _evidence_bounds(node: _Node, start: date | None, end: date | None, origin: str) -> None:
    """A further source's tighter date: stated bounds, with that evidence as their origin."""
    bounds = node.bounds
    if start is not None and (bounds["earliest"] is None or start > bounds["earliest"]):
        bounds.update(earliest=start, earliest_basis="stated", earliest_from=origin)
    if end is not None and (bounds["latest"] is None or end < bounds["latest"]):
        bounds.update(latest=end, latest_basis="stated", latest_from=origin)


def _crossed(graph: _Graph) -> None:
    """A problem for every node whose bounds crossed: a relation contradicts a date."""
    for node in graph.nodes.values():
        low, high = node.bounds["earliest"], node.bounds["latest"]
        if low is None or high is None or low <= high:
            continue
        graph.issues.append(Issue(node.table, node.id, (
            f"dates contradict the relations: {node.kind} {node.id!r} (dated {node.shown}) "
            f"would be no earlier than {low} ({_why(graph, node, 'earliest')}) and no later "
            f"than {high} ({_why(graph, node, 'latest')})")))


def _why(graph: _Graph, node: _Node, bound: str) -> str:
    origin = node.bounds[f"{bound}_from"]
    if origin and origin.startswith("evidence:"):
        return f"evidence {origin.partition(':')[2]!r}"
    if node.bounds[f"{bound}_basis"] != "derived":
        origin = None
    if origin is None:
        return "its own date" if bound == "earliest" else "its own date or report date"
    kind, _, record_id = origin.partition(":")
    if kind == "source":
        return f"source {record_id!r} was published then"
    table = _table_of(kind)
    other = graph.nodes.get(f"{table}:{record_id}")
    return f"from {kind} {record_id!r}, dated {other.shown if other else '?'}"


# --- the whole derivation ---------------------------------------------------------------------


def derive(conn: Connection, *, upgrading_0009: bool = False) -> list[Issue]:
    """Derive every dated record's bounds; the problems found (nothing is wrong if none).

    Runs inside the load's transaction, after every row is written: a problem means
    the load is refused (and rolled back). Bounds are written in any case, so that an
    upgrade of an older database (migration 0009) derives what it can: its schema has
    neither further evidence (0011) nor span classes (0013) yet.
    """
    for declared in dated():
        _own_bounds(conn, declared.table)
    graph = _graph(conn, evidence=not upgrading_0009)
    order = _order(graph)
    if order is not None:
        _tighten(graph, order)
        _crossed(graph)
    _write(conn, graph)
    if not upgrading_0009:
        classify(conn)
    return graph.issues + _published_before(conn)


def _published_before(conn: Connection) -> list[Issue]:
    """A problem for each record stated to begin after its source was published."""
    issues = []
    for declared in dated():
        t = declared.table
        published = _published(t)
        for record_id, shown, day in conn.execute(
                select(t.c.id, t.c.date_edtf, published)
                .where(t.c.date_start > published).order_by(t.c.id)):
            issues.append(Issue(declared.name, record_id,
                                f"dated {shown}, after its source was published ({day})"))
    return issues


def _write(conn: Connection, graph: _Graph) -> None:
    by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in graph.nodes.values():
        if node.bounds != node.stored:
            by_table[node.table].append({
                "b_id": node.id, **node.bounds,
                "sort_earliest": node.bounds["earliest"] or DAWN,
                "sort_latest": node.bounds["latest"] or DOOM})
    for declared in dated():
        rows = by_table.get(declared.name)
        if rows:
            t = declared.table
            conn.execute(update(t).where(t.c.id == bindparam("b_id"))
                         .values({b: bindparam(b) for b in (*BOUNDS, "sort_earliest",
                                                            "sort_latest")}), rows)
