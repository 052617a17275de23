"""Writing a load: rows in batches, compared with what the database holds, in one transaction.

Rows arrive one record at a time, in file order. `LoadWriter` buffers them per
table and, when a buffer is full, reads the rows with the same keys from the
database (one query), then inserts what is new, updates what differs and leaves
the rest. Every key it sees goes into a temporary `seen_<table>` table with the
file and line it came from, so that the checks needing every record at once
(duplicate ids, references) and what happens to records no longer in the files
are SQL statements over those tables: memory stays constant whatever the input.

Records of a loaded source that the files do not hold are counted and kept; only
`remove_unseen(prune=True)` deletes them. Child rows (a person's names, an event's
participants) of a record the files do hold are replaced by the files' in any case.

Foreign keys are deferred to commit, because a charge may arrive before its
person; the loader checks references itself before it commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Date, String, bindparam, select, text

from incidentdb.models import Base, curated, dated, declaration, write_order
from incidentdb.search import document_kind, documents

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.sql.elements import TextClause
    from sqlalchemy.sql.schema import Table

BATCH = 2000
STATISTICS_AFTER = 10_000  # rows changed by a load before the planner's statistics are renewed
# The ids of the loaded sources, as a bound list (typed, so an empty list is valid SQL).
LOADED = bindparam("loaded", expanding=True, type_=String)

Conflict = Callable[[str, int, int, str, str], None]  # table, file number, line, id, message
LISTED = 1000  # records listed per source and table in a report (the count is always exact)


@dataclass
class TableChange:
    added: int = 0
    changed: int = 0
    removed: int = 0

    def __str__(self) -> str:
        return f"{self.added} added, {self.changed} changed, {self.removed} removed"


@dataclass
class RecordList:
    """Records of one source: how many, and (table, id) of up to LISTED per table of them."""

    count: int = 0
    records: list[tuple[str, str]] = field(default_factory=list)


class _Table:
    """What the writer knows of one table: columns, keys, and its prepared statements."""

    def __init__(self, table: Table, mark: str) -> None:
        self.table = table
        self.name = table.name
        self.owner = declaration(table.name).owner  # a nested row: the record it belongs to
        # derived columns (a dated record's bounds) are the chronology's to write
        self.columns = [c.key for c in table.columns
                        if c.autoincrement is not True and not c.info.get("derived")]
        self.key = [c.key for c in table.primary_key.columns]
        self.converted = {c.key for c in table.columns if isinstance(c.type, Date | Boolean)}
        self.seen = f"seen_{self.name}"
        cols = ", ".join(self.columns)
        marks = ", ".join([mark] * len(self.columns))
        # OR IGNORE: a repeated id is reported by the duplicate check, not by a crash
        verb = "INSERT OR IGNORE" if mark == "?" else "INSERT"
        self.insert_sql = f"{verb} INTO {self.name} ({cols}) VALUES ({marks})"
        self.copy_sql = f"COPY {self.name} ({cols}) FROM STDIN"
        settings = ", ".join(f"{c} = {mark}" for c in self.columns if c not in self.key)
        where = " AND ".join(f"{k} = {mark}" for k in self.key)
        self.update_sql = f"UPDATE {self.name} SET {settings} WHERE {where}" if settings else ""
        seen_marks = ", ".join([mark] * (len(self.key) + 2))
        self.seen_sql = f"INSERT INTO {self.seen} VALUES ({seen_marks})"
        self.buffer: dict[tuple, tuple[dict[str, Any], int, int]] = {}

    def complete(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row with every column, as the database would return it."""
        out = {c: row.get(c) for c in self.columns}
        if "date_throughout" in out and out["date_throughout"] is None:
            out["date_throughout"] = False
        return out


class LoadWriter:
    def __init__(self, conn: Connection, conflict: Conflict) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self.conflict = conflict
        self.raw: Any = conn.connection.dbapi_connection  # the driver's own connection
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        # parents first (the foreign keys' order); removals go the other way
        self.tables = {d.name: _Table(d.table, mark) for d in write_order()}
        self.search = _Table(Base.metadata.tables["search_entries"], mark)
        self.search_delete_sql = (f"DELETE FROM search_entries WHERE kind = {mark} "
                                  f"AND record_id = {mark}")
        self.changes = {d.name: TableChange() for d in curated()}  # in the report's order
        self.sources: set[str] = set()
        self._begin()

    # --- set-up and tear-down -------------------------------------------------------------

    def _begin(self) -> None:
        if self.dialect == "sqlite":
            self.conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        elif self.dialect == "postgresql":
            self.conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
        self.empty_at_start = {t.name for t in (*self.tables.values(), self.search)
                               if self.conn.exec_driver_sql(
                                   f"SELECT 1 FROM {t.name} LIMIT 1").first() is None}
        for t in self.tables.values():
            keys = ", ".join(f"k{i} TEXT" for i in range(len(t.key)))
            self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {t.seen}")
            self.conn.exec_driver_sql(
                f"CREATE TEMPORARY TABLE {t.seen} ({keys}, file INTEGER, line INTEGER)")

    def drop_seen(self) -> None:
        for t in self.tables.values():
            self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {t.seen}")

    # --- rows ---------------------------------------------------------------------------------

    def add(self, table: str, row: dict[str, Any], file: int, line: int) -> None:
        t = self.tables[table]
        if table == "sources":
            self.sources.add(row["id"])
        full = t.complete(row)
        key = tuple(full[k] for k in t.key)
        if key in t.buffer:  # the same id twice in one batch: the duplicate check says so
            self._seen(t, [(key, file, line)])
            return
        t.buffer[key] = (full, file, line)
        if len(t.buffer) >= BATCH:
            self._flush(t)

    def flush(self) -> None:
        for t in self.tables.values():
            if t.buffer:
                self._flush(t)
        for t in self.tables.values():
            columns = ", ".join(f"k{i}" for i in range(len(t.key)))
            self.conn.exec_driver_sql(f"CREATE INDEX ix_{t.seen} ON {t.seen} ({columns})")

    def _flush(self, t: _Table) -> None:
        batch = t.buffer
        t.buffer = {}
        # a table that was empty when the load began holds only rows of this load: there
        # is nothing to compare with (SQLite; PostgreSQL's COPY cannot skip a repeated id)
        fresh = self.dialect == "sqlite" and t.name in self.empty_at_start
        existing = {} if fresh else self._existing(t, list(batch))
        inserts, updates = [], []
        for key, (row, file, line) in batch.items():
            old = existing.get(key)
            if old is None:
                inserts.append(row)
            elif "source_id" in old and old["source_id"] not in self.sources:
                self.conflict(t.name, file, line, str(key[0]),
                              f"id already used by a record of source {old['source_id']!r}")
            elif old != row:
                updates.append(row)
        self._insert(t, inserts)
        self._update(t, updates)
        self._seen(t, [(key, file, line) for key, (_, file, line) in batch.items()])
        self._documents(t, inserts, updates)
        change = self.changes[t.name]
        change.added += len(inserts)
        change.changed += len(updates)

    def _existing(self, t: _Table, keys: list[tuple]) -> dict[tuple, dict[str, Any]]:
        first = t.table.c[t.key[0]]
        wanted = sorted({k[0] for k in keys})
        found = {}
        for row in self.conn.execute(select(t.table).where(first.in_(wanted))).mappings():
            found[tuple(row[k] for k in t.key)] = {c: row[c] for c in t.columns}
        return found

    def _values(self, t: _Table, row: dict[str, Any], columns: list[str]) -> tuple:
        values = [row[c] for c in columns]
        if self.dialect == "sqlite":
            # sqlite3 stores what SQLAlchemy's SQLite types store: ISO dates, 0/1 booleans
            for i, column in enumerate(columns):
                if column in t.converted and values[i] is not None:
                    value = values[i]
                    values[i] = int(value) if isinstance(value, bool) else value.isoformat()
        return tuple(values)

    def _insert(self, t: _Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        values = [self._values(t, row, t.columns) for row in rows]
        cursor = self.raw.cursor()
        try:
            if self.dialect == "postgresql":
                with cursor.copy(t.copy_sql) as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                cursor.executemany(t.insert_sql, values)
        finally:
            cursor.close()

    def _update(self, t: _Table, rows: list[dict[str, Any]]) -> None:
        if not rows or not t.update_sql:
            return
        order = [c for c in t.columns if c not in t.key] + t.key
        cursor = self.raw.cursor()
        try:
            cursor.executemany(t.update_sql, [self._values(t, row, order) for row in rows])
        finally:
            cursor.close()

    def _seen(self, t: _Table, entries: list[tuple[tuple, int, int]]) -> None:
        cursor = self.raw.cursor()
        try:
            cursor.executemany(t.seen_sql, [(*map(str, key), file, line)
                                            for key, file, line in entries])
        finally:
            cursor.close()

    def _documents(self, t: _Table, inserts: list[dict], updates: list[dict]) -> None:
        docs = documents(t.name, inserts + updates)
        if not docs:
            return
        cursor = self.raw.cursor()
        try:
            if updates:
                kind = docs[0][0]
                cursor.executemany(self.search_delete_sql, [(kind, r["id"]) for r in updates])
            cursor.executemany(self.search.insert_sql, docs)
        finally:
            cursor.close()

    # --- what needs every record: duplicates, references, removals --------------------------

    def duplicates(self) -> list[tuple[str, int, int, tuple, int, int]]:
        """(table, file, line, key, first file, first line) for every repeated id."""
        out = []
        for t in self.tables.values():
            if t.owner or t.name == "sources":
                continue  # children repeat only if their parent does; sources are checked early
            rows = self.conn.exec_driver_sql(
                f"SELECT k0, file, line FROM {t.seen} WHERE k0 IN "
                f"(SELECT k0 FROM {t.seen} GROUP BY k0 HAVING count(*) > 1) "
                "ORDER BY k0, file, line").all()
            first: dict[str, tuple[int, int]] = {}
            for key, file, line in rows:
                if key in first:
                    out.append((t.name, file, line, (key,), *first[key]))
                else:
                    first[key] = (file, line)
        return out

    def missing_references(self, prune: bool = False,
                           ) -> list[tuple[str, int, int, str, str, str]]:
        """(table, file, line, record id, parent table, target) for references to nothing.

        A target counts if this load wrote it or if the database holds it, kept records
        of the loaded sources included; with prune, only if it belongs to a source this
        load does not reload (the records of a pruned source are exactly those in the
        files).
        """
        out = []
        loaded = sorted(self.sources)
        for t in self.tables.values():
            rid = t.owner.column if t.owner else "id"
            join = " AND ".join(f"r.{k} = s.k{i}" for i, k in enumerate(t.key))
            for fk in sorted(t.table.foreign_keys, key=lambda f: f.parent.key):
                parent = fk.column.table.name
                if parent == "sources":
                    continue
                column = fk.parent.key
                others = " AND o.source_id NOT IN :loaded" if prune else ""
                query = _sql(
                    f"SELECT s.file, s.line, r.{rid}, r.{column} FROM {t.seen} s "
                    f"JOIN {t.name} r ON {join} WHERE r.{column} IS NOT NULL "
                    f"AND NOT EXISTS (SELECT 1 FROM seen_{parent} p WHERE p.k0 = r.{column}) "
                    f"AND NOT EXISTS (SELECT 1 FROM {parent} o WHERE o.id = r.{column}"
                    f"{others}) ORDER BY s.file, s.line"
                )
                params = {"loaded": loaded} if prune else {}
                for file, line, record_id, target in self.conn.execute(query, params):
                    out.append((t.name, file, line, record_id, parent, target))
        return out

    def shared_ids(self) -> list[tuple[str, int, int, str, str, bool]]:
        """(table, file, line, id, other table, kept) for each record of this load whose id
        a record of another table has too; kept: that one is not in the files (a record
        kept from an earlier load, which --prune would remove)."""
        out = []
        records = [t for t in self.tables.values() if not t.owner]
        for t in records:
            for other in records:
                if other is t:
                    continue
                for key, file, line, kept in self.conn.exec_driver_sql(
                        f"SELECT s.k0, s.file, s.line, NOT EXISTS (SELECT 1 FROM {other.seen} "
                        f"o WHERE o.k0 = s.k0) FROM {t.seen} s WHERE EXISTS (SELECT 1 FROM "
                        f"{other.name} u WHERE u.id = s.k0) ORDER BY s.file, s.line"):
                    out.append((t.name, file, line, key, other.name, bool(kept)))
        return out

    def where(self, table: str, key: str) -> tuple[int, int] | None:
        """(file number, line) of the row of `table` with this key in this load; None
        when the load did not hold it (a record already in the database)."""
        return self.conn.execute(_sql(f"SELECT file, line FROM {self.tables[table].seen} "
                                      "WHERE k0 = :key ORDER BY file, line LIMIT 1"),
                                 {"key": key}).first()  # type: ignore[return-value]

    def refresh_statistics(self) -> None:
        """After a large load, tell PostgreSQL's planner what the tables it wrote now hold:
        without statistics it plans a freshly loaded table as if it were tiny. Only those
        tables: a server's other schemas are not this load's to analyse. (SQLite plans
        these queries from their indexes alone; ANALYZE there would only cost time.)"""
        if tables := self.large_load_tables():
            quote = self.conn.dialect.identifier_preparer.quote
            self.conn.exec_driver_sql(f"ANALYZE {', '.join(quote(t) for t in sorted(tables))}")

    def large_load_tables(self) -> set[str]:
        """The tables a large load on PostgreSQL wrote, to analyse before it commits and to
        VACUUM after (`bulk.vacuum`): those it changed, the dated ones (their derived bounds
        are updated after the rows are written) and the search documents; none after a
        smaller load, or on SQLite."""
        changed = {name for name, c in self.changes.items() if c.added or c.changed or c.removed}
        rows = sum(c.added + c.changed + c.removed for c in self.changes.values())
        if self.dialect != "postgresql" or rows < STATISTICS_AFTER:
            return set()
        return changed | {declared.table.name for declared in dated()} | {self.search.name}

    def remove_unseen(self, prune: bool = False,
                      ) -> tuple[dict[str, RecordList], dict[str, RecordList]]:
        """Settle the loaded sources' rows that the files do not hold: (kept, removed).

        Child rows of a record in the files are removed when the files no longer give
        them (an alias dropped, a participant taken off). Records the files do not hold
        are kept and listed; with prune they are removed, children first, and listed.
        """
        loaded = sorted(self.sources)
        absent: dict[str, RecordList] = {}
        for t in reversed(self.tables.values()):
            if t.name == "sources":
                continue  # a loaded source is in the files by definition
            join = " AND ".join(f"s.k{i} = {t.name}.{k}" for i, k in enumerate(t.key))
            if t.owner:
                parent, column = t.owner.table, t.owner.column
                scope = (f"{t.name}.{column} IN (SELECT id FROM {parent} WHERE source_id IN "
                         ":loaded)" if prune else
                         f"{t.name}.{column} IN (SELECT k0 FROM seen_{parent})")
            else:
                scope = f"{t.name}.source_id IN :loaded"
            unseen = f"{scope} AND NOT EXISTS (SELECT 1 FROM {t.seen} s WHERE {join})"
            params = {"loaded": loaded}
            if not t.owner:
                self._list_unseen(t, unseen, absent)
                if not prune:
                    continue
            kind = document_kind(t.name)
            if kind:
                self.conn.execute(_sql(
                    "DELETE FROM search_entries WHERE kind = :kind AND record_id IN "
                    f"(SELECT id FROM {t.name} WHERE {unseen})"), {**params, "kind": kind})
            result = self.conn.execute(_sql(f"DELETE FROM {t.name} WHERE {unseen}"), params)
            self.changes[t.name].removed = result.rowcount
        ordered = {source: absent[source] for source in sorted(absent)}
        reported = list(self.changes)
        for listed in ordered.values():
            listed.records.sort(key=lambda record: (reported.index(record[0]), record[1]))
        return ({}, ordered) if prune else (ordered, {})

    def _list_unseen(self, t: _Table, unseen: str, out: dict[str, RecordList]) -> None:
        """Count a table's unseen records per source, and list the first LISTED of each."""
        params = {"loaded": sorted(self.sources)}
        counts = self.conn.execute(_sql(
            f"SELECT source_id, count(*) FROM {t.name} WHERE {unseen} GROUP BY source_id"),
            params).all()
        for source, count in counts:
            listed = out.setdefault(source, RecordList())
            listed.count += count
            ids = self.conn.execute(_sql(
                f"SELECT id FROM {t.name} WHERE {unseen} AND {t.name}.source_id = :source "
                "ORDER BY id LIMIT :listed"),
                {**params, "source": source, "listed": LISTED}).scalars()
            listed.records.extend((t.name, record_id) for record_id in ids)


def _sql(statement: str) -> TextClause:
    """A statement, with the bound list of loaded sources if it uses one."""
    query = text(statement)
    return query.bindparams(LOADED) if ":loaded" in statement else query
