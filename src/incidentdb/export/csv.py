"""The CSV format: one table as CSV, by the cell rule of every CSV of incidentdb.

The rule (`spreadsheet.csv_cell`) is applied a batch at a time, for speed: dates and
booleans are computed in SQL from the rule's constants, and Python neutralises text
cells a batch at a time (`spreadsheet.neutralise_rows`: one regex search over the
batch's text, cell by cell only where it finds something) and hands batches to
csv.writer, so the export runs close to the speed of reading the table. None is
written as csv.writer writes it: an empty cell, the rule's CSV_NULL.
"""

from __future__ import annotations

import csv
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Boolean, Column, Date, DateTime, String, case, cast, select

from incidentdb.export.tables import batches, exported, named, ordering
from incidentdb.spreadsheet import CSV_FALSE, CSV_TRUE, neutralise_rows

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection

    from incidentdb.shapes import Progress


def csv_column(column: Column) -> Any:
    """A column as its CSV cell, made by the database: dates as ISO text, booleans as
    CSV_TRUE/CSV_FALSE. Text is neutralised in Python (`spreadsheet`), by the rule
    every CSV of incidentdb follows: one rule in one place, the same on every database."""
    if isinstance(column.type, Boolean):
        return case((column.is_(None), None), (column, CSV_TRUE),
                    else_=CSV_FALSE).label(column.name)
    if isinstance(column.type, Date | DateTime):
        return cast(column, String).label(column.name)
    return column


def write_table(conn: Connection, table: Table | None, stream: IO[str], *,
                neutralised: bool, progress: Progress | None) -> int:
    """Write the table as CSV (a header row, then its rows in the export's order), text
    cells neutralised unless told otherwise; return the rows written."""
    table = named(table)
    columns = exported(table)
    query = select(*(csv_column(c) for c in columns)).order_by(*ordering(table))
    text_columns = [i for i, c in enumerate(columns)
                    if neutralised and isinstance(c.type, String)]
    writer = csv.writer(stream)
    writer.writerow([column.name for column in columns])
    count = 0
    for batch in batches(conn, query, table, progress):
        writer.writerows(neutralise_rows(batch, text_columns))
        count += len(batch)
    return count
