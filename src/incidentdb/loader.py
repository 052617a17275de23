"""The loader: parse every file, validate everything, then write once.

`load_paths` reads the data files, validates all records (nothing is written if
any problem is found, and every problem is reported), and brings the database in
line with the files in a single transaction: rows are added, changed or removed
so that each loaded source's records are exactly those in the files. Loading the
same files twice changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incidentdb.bundle import bundled_path
from incidentdb.reading import Problem, RawRecord, find_data_files, read_file
from incidentdb.search import refresh_documents
from incidentdb.validate import Validator

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.sql.schema import Table

# Tables in the order they may be written: every table only refers to those before it.
TABLE_ORDER = (
    "sources", "offences", "people", "person_names", "person_occupations", "organizations",
    "memberships", "cases", "case_defendants", "charges", "sentences", "events",
    "event_participants", "event_counts",
)
# Child tables without a source of their own belong to their parent's source.
PARENT_OF = {
    "person_names": ("person_id", "people"),
    "person_occupations": ("person_id", "people"),
    "case_defendants": ("case_id", "cases"),
}
SELF_REFERENCES = {"organizations": "parent_id", "sentences": "replaces_id"}
BATCH = 5000

Progress = Callable[[str, int, int], None]


class LoadError(Exception):
    """The input has problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class TableChange:
    added: int = 0
    changed: int = 0
    removed: int = 0

    def __str__(self) -> str:
        return f"{self.added} added, {self.changed} changed, {self.removed} removed"


@dataclass
class LoadReport:
    files: int
    records: int
    tables: dict[str, TableChange] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def unchanged(self) -> bool:
        return not any(c.added or c.changed or c.removed for c in self.tables.values())


def default_data_path() -> Path:
    return bundled_path("data")


def _shown(path: Path) -> str:
    """A file's name as the user will recognise it: relative to the current folder if inside."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def validate_paths(paths: Iterable[Path], engine: Engine | None = None,
                   progress: Progress | None = None) -> tuple[Validator, int, int]:
    """Read and validate; return the validator (rows and problems), files and records read.

    When a file, or a line of one, cannot be read, the records it holds are unknown:
    references and sources that may be among them are then not reported missing.
    """
    files, problems = find_data_files(list(paths))
    validator = Validator()
    validator.problems.extend(problems)
    records: list[RawRecord] = []
    for number, path in enumerate(files, start=1):
        for item in read_file(path, _shown(path)):
            if isinstance(item, Problem):
                validator.problems.append(item)
                validator.incomplete = True
            else:
                records.append(item)
        if progress:
            progress("read", number, len(files))
    for record in records:
        if record.section == "sources":
            validator.add_source(record)
    for number, record in enumerate(records, start=1):
        if record.section != "sources":
            validator.add(record)
        if progress and number % 2000 == 0:
            progress("validate", number, len(records))
    if not validator.incomplete:
        _check_references(validator, engine)
    if not files and not validator.problems:
        validator.problems.append(Problem(", ".join(map(str, paths)), None, "no data files found"))
    return validator, len(files), len(records)


def _check_references(validator: Validator, engine: Engine | None) -> None:
    """Every reference must find its record in the files, or in the database.

    A reference to a record that was refused is not a second problem. A record in the
    database only counts if it belongs to a source the files do not reload: the
    records of a reloaded source are replaced by those in the files.
    """
    missing: dict[str, set[str]] = {}
    for ref in validator.references:
        if (ref.target,) not in validator.rows.tables.get(ref.section, {}) and (
                ref.section, ref.target) not in validator.refused:
            missing.setdefault(ref.section, set()).add(ref.target)
    in_database = (_existing_ids(engine, missing, list(validator.sources))
                   if engine is not None and missing else {})
    for ref in validator.references:
        if ref.target in missing.get(ref.section, ()) and ref.target not in in_database.get(
            ref.section, set()
        ):
            from incidentdb.sections import singular

            validator.problems.append(Problem(
                ref.where.path, ref.where.line,
                f"{singular(ref.section)} {ref.target!r} does not exist",
                ref.where.section, ref.where.record_id,
            ))


def _existing_ids(engine: Engine, wanted: dict[str, set[str]], reloaded: list[str],
                  ) -> dict[str, set[str]]:
    """Which of the wanted ids the database holds in records of sources not being reloaded."""
    from sqlalchemy import select

    from incidentdb.models import Base

    found: dict[str, set[str]] = {}
    with engine.connect() as conn:
        for section, ids in wanted.items():
            table = Base.metadata.tables[section]
            chunk = sorted(ids)
            for start in range(0, len(chunk), 500):
                query = select(table.c.id).where(table.c.id.in_(chunk[start:start + 500]),
                                                 table.c.source_id.not_in(reloaded))
                found.setdefault(section, set()).update(conn.execute(query).scalars())
    return found


def load_paths(engine: Engine, paths: list[Path] | None = None, *, dry_run: bool = False,
               progress: Progress | None = None) -> LoadReport:
    """Validate the files, then write them in one transaction (or only count, if dry_run)."""
    paths = paths or [default_data_path()]
    validator, files, records = validate_paths(paths, engine, progress)
    if validator.problems:
        raise LoadError(_sorted(validator.problems))
    report = LoadReport(files, records, dry_run=dry_run)
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            report.tables, touched = write_rows(conn, validator.rows.tables,
                                                list(validator.sources), progress)
            if dry_run:
                transaction.rollback()
            else:
                refresh_documents(conn, touched)
                transaction.commit()
        except BaseException:
            transaction.rollback()
            raise
    return report


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))


def write_rows(conn: Connection, tables: dict[str, dict[tuple, dict[str, Any]]],
               source_ids: list[str], progress: Progress | None = None,
               ) -> tuple[dict[str, TableChange], dict[str, set[str]]]:
    """Make the loaded sources' rows in the database equal to `tables`.

    Returns what changed per table, and the ids of the records added, edited or
    removed (for the search documents).
    """
    from incidentdb.models import Base

    changes: dict[str, TableChange] = {}
    touched: dict[str, set[str]] = {}
    plans: dict[str, tuple[list[dict], list[dict], list[tuple]]] = {}
    for name in TABLE_ORDER:
        table = Base.metadata.tables[name]
        new = {key: _complete(table, row) for key, row in tables.get(name, {}).items()}
        old = _existing_rows(conn, table, source_ids)
        inserts = [row for key, row in new.items() if key not in old]
        updates = [row for key, row in new.items() if key in old and old[key] != row]
        deletes = [key for key in old if key not in new]
        plans[name] = (inserts, updates, deletes)
        changes[name] = TableChange(len(inserts), len(updates), len(deletes))
        if "id" in table.c:
            touched[name] = {r["id"] for r in inserts} | {r["id"] for r in updates} | {
                key[0] for key in deletes}
    done, total = 0, sum(len(i) + len(u) for i, u, _ in plans.values())
    for name in TABLE_ORDER:
        table = Base.metadata.tables[name]
        inserts, updates, _ = plans[name]
        if name in SELF_REFERENCES:
            inserts = _parents_first(inserts, SELF_REFERENCES[name])
        for batch in _batches(inserts):
            conn.execute(table.insert(), batch)
            done += len(batch)
            if progress:
                progress("write", done, total)
        if updates:
            _update(conn, table, updates)
            done += len(updates)
    for name in reversed(TABLE_ORDER):
        _delete(conn, Base.metadata.tables[name], plans[name][2])
    return changes, touched


def _complete(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """The row with every column present, as the database would return it."""
    out = {}
    for column in table.columns:
        value = row.get(column.key)
        if value is None and column.key == "date_throughout":
            value = False
        out[column.key] = value
    return out


def _existing_rows(conn: Connection, table: Table, source_ids: list[str],
                   ) -> dict[tuple, dict[str, Any]]:
    from sqlalchemy import select

    from incidentdb.models import Base

    query = select(table)
    if table.name == "sources":
        query = query.where(table.c.id.in_(source_ids))
    elif "source_id" in table.c:
        query = query.where(table.c.source_id.in_(source_ids))
    else:
        column, parent_name = PARENT_OF[table.name]
        parent = Base.metadata.tables[parent_name]
        owned = select(parent.c.id).where(parent.c.source_id.in_(source_ids))
        query = query.where(table.c[column].in_(owned))
    pk = [c.key for c in table.primary_key.columns]
    rows = {}
    for row in conn.execute(query).mappings():
        rows[tuple(row[k] for k in pk)] = dict(row)
    return rows


def _parents_first(rows: list[dict], parent_column: str) -> list[dict]:
    """Order rows so that a row referring to another row of the same table comes after it."""
    by_id = {row["id"]: row for row in rows}
    ordered: list[dict] = []
    seen: set[str] = set()

    def visit(row: dict, depth: int = 0) -> None:
        if row["id"] in seen or depth > len(rows):
            return
        parent = by_id.get(row.get(parent_column))
        if parent is not None:
            visit(parent, depth + 1)
        seen.add(row["id"])
        ordered.append(row)

    for row in rows:
        visit(row)
    return ordered


def _batches(rows: list[dict]) -> Iterable[list[dict]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]


def _update(conn: Connection, table: Table, rows: list[dict]) -> None:
    from sqlalchemy import and_, bindparam

    pk = [c.key for c in table.primary_key.columns]
    statement = table.update().where(
        and_(*(table.c[k] == bindparam(f"pk_{k}") for k in pk))
    )
    params = [{**row, **{f"pk_{k}": row[k] for k in pk}} for row in rows]
    for batch in _batches(params):
        conn.execute(statement, batch)


def _delete(conn: Connection, table: Table, keys: list[tuple]) -> None:
    from sqlalchemy import tuple_

    pk = [table.c[c.key] for c in table.primary_key.columns]
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        if len(pk) == 1:
            condition = pk[0].in_([key[0] for key in chunk])
        else:
            condition = tuple_(*pk).in_(chunk)
        conn.execute(table.delete().where(condition))
