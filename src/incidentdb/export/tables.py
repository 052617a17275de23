"""What an export reads: the tables worth exporting, one snapshot of them, their rows
in batches.

Rows are fetched BATCH_ROWS at a time (`yield_per`: a server-side cursor on
PostgreSQL), so a table of any size goes out in constant memory. On PostgreSQL all
tables are read in one REPEATABLE READ transaction, so the files agree with each other.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, Text, func, select

from incidentdb.chronology import order_by
from incidentdb.errors import IncidentdbError
from incidentdb.models import Base, curated

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.sql import Select

    from incidentdb.shapes import Progress

BATCH_ROWS = 2000

# The columns of the case_summary view (migration 0003), for selecting from it and
# describing it in the data package. A test keeps them equal to the view's.
CASE_SUMMARY = Table(
    "case_summary", MetaData(),
    Column("charge_id", String(200), primary_key=True),
    Column("case_id", String(200), nullable=False),
    Column("case_title", Text, nullable=False),
    Column("case_status", String(40), nullable=False),
    Column("person_id", String(200)),
    Column("person_name", Text),
    Column("organization_id", String(200)),
    Column("organization_name", Text),
    Column("offence_id", String(200), nullable=False),
    Column("offence_name", Text, nullable=False),
    Column("wording", Text, nullable=False),
    Column("characterisation", String(40)),
    Column("charge_outcome", String(40)),
    Column("charge_date_text", Text),
    Column("charge_date", String(40)),
    Column("charge_date_start", Date),
    Column("charge_date_end", Date),
    Column("sentence_id", String(200)),
    Column("sentence_kind", String(40)),
    Column("term_min_months", Integer),
    Column("term_max_months", Integer),
    Column("sentence_group", Text),
    Column("sentence_date", String(40)),
    Column("sentence_date_start", Date),
    Column("sentence_date_end", Date),
    Column("sentence_status", String(40)),
    Column("excerpt", Text, nullable=False),
    Column("source_id", String(200), nullable=False),
    comment="One row per charge: the person, an organization of theirs, the offence, "
    "the case and the person's latest sentence in it (see migration 0003).",
)


class ExportError(IncidentdbError):
    """An export that cannot be done as asked: an unknown table, a wrong format."""


# --- choosing tables ---------------------------------------------------------------------


def exportable_tables() -> dict[str, Table]:
    """Every table worth exporting, parents before children, then the case_summary view.

    Derived tables (search documents, rebuilt by the loader) are not data; the full-text
    index (search_fts* on SQLite) and alembic_version are not in the models at all.
    """
    data = {declaration.name for declaration in curated()}
    tables = {t.name: t for t in Base.metadata.sorted_tables if t.name in data}
    tables[CASE_SUMMARY.name] = CASE_SUMMARY
    return tables


def resolve_tables(names: Sequence[str] | None) -> list[Table]:
    """The tables named (all when none is), or ExportError naming the first unknown one."""
    known = exportable_tables()
    if not names:
        return list(known.values())
    for name in names:
        if name not in known:
            raise ExportError(f"no table {name!r}; tables: {', '.join(known)}")
    return [known[name] for name in dict.fromkeys(names)]


def named(table: Table | None) -> Table:
    """The table a table format is to write, or ExportError when none was named."""
    if table is None:
        raise ExportError("name the table to write")
    return table


# --- reading ------------------------------------------------------------------------------


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction for the whole export (one snapshot on PostgreSQL)."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn


def exported(table: Table) -> list[Column]:
    """The columns an export writes: all but those kept only to order rows by (the date
    order's stand-ins for unknown bounds, which a reader could take for dates)."""
    return [c for c in table.columns if not c.info.get("ordering")]


def ordering(table: Table) -> list[Any]:
    """Dated records in the date order (incidentdb.chronology), others by primary key."""
    if "sort_earliest" in table.c:
        return order_by(table)
    return list(table.primary_key.columns)


def ordered(table: Table) -> Select:
    """Every row of the table, its exported columns, in `ordering`."""
    return select(*exported(table)).order_by(*ordering(table))


def batches(conn: Connection, query: Select, table: Table,
            progress: Progress | None) -> Iterator[Sequence[Any]]:
    """The query's rows, BATCH_ROWS at a time; progress reported after each batch.

    The query reads one row per row of `table`, whose size is the progress total.
    """
    total = 0
    if progress:
        total = conn.execute(select(func.count()).select_from(table)).scalar_one()
    done = 0
    with conn.execute(query.execution_options(yield_per=BATCH_ROWS)) as result:
        while batch := result.fetchmany(BATCH_ROWS):
            yield batch
            done += len(batch)
            if progress:
                progress(table.name, done, total)
    if progress and not done:
        progress(table.name, done, total)


def rows(conn: Connection, query: Select, table: Table,
         progress: Progress | None) -> Iterator[Any]:
    """The query's rows one by one, fetched and reported as `batches` does."""
    for batch in batches(conn, query, table, progress):
        yield from batch
