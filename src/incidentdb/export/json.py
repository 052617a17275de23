"""The JSON formats: one table as one JSON array (json) or one object per line (ndjson).

Values are kept as they are (numbers, booleans, null; no neutralisation); dates are
ISO text and decimals their exact text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from incidentdb.export.tables import exported, named, ordered, rows

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection

    from incidentdb.shapes import Progress


def json_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _records(conn: Connection, table: Table | None,
             progress: Progress | None) -> Iterator[str]:
    """Each row of the table as a JSON object, in the export's order."""
    table = named(table)
    names = [column.name for column in exported(table)]
    for row in rows(conn, ordered(table), table, progress):
        record = dict(zip(names, map(json_value, row), strict=True))
        yield json.dumps(record, ensure_ascii=False)


def write_array(conn: Connection, table: Table | None, stream: IO[str], *,
                neutralised: bool, progress: Progress | None) -> int:
    """Write the table as one JSON array, an object per line; return the rows written."""
    count = 0
    stream.write("[")
    for record in _records(conn, table, progress):
        stream.write(("\n" if count == 0 else ",\n") + record)
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


def write_lines(conn: Connection, table: Table | None, stream: IO[str], *,
                neutralised: bool, progress: Progress | None) -> int:
    """Write the table as NDJSON, one object per line; return the rows written."""
    count = 0
    for record in _records(conn, table, progress):
        stream.write(record + "\n")
        count += 1
    return count
