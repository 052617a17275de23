"""What every FollowTheMoney mapper uses: entity ids, entities as plain dicts, property
values, aggregated values, countries, dates and the provenance of a source's records.

Entities are plain dicts (`{"id", "schema", "properties": {name: [values]}}`): the
runtime does not need followthemoney.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from incidentdb.models import Base, declaration

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection
    from sqlalchemy.sql import ColumnElement

    from incidentdb.shapes import Progress

Entity = dict[str, Any]
ID_PREFIX = "incidentdb"
ENTITY_ID_MAX = 200  # followthemoney's limit
SEPARATOR = "\x1f"  # joins aggregated values; never in curated text
ISO_PREFIX = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?")
# FtM countries are ISO codes; the data says names. Names not listed here are left out
# of the entities (they stay in the tables).
COUNTRY_CODES = {
    "armenia": "am", "azerbaijan": "az", "georgia": "ge", "iran": "ir", "russia": "ru",
    "turkey": "tr", "türkiye": "tr", "united kingdom": "gb", "united states": "us",
}


def entity_id(kind: str, *keys: str) -> str:
    """A stable FtM id from record keys; hashed only when too long for FtM."""
    joined = ".".join(keys)
    readable = f"{ID_PREFIX}-{kind}-{joined}"
    if len(readable) <= ENTITY_ID_MAX:
        return readable
    return f"{ID_PREFIX}-{kind}-{hashlib.sha1(joined.encode()).hexdigest()}"


def schema_of(table: Table) -> str:
    """The FtM schema the table's declaration names (`incidentdb.models`): said once."""
    schema = declaration(table.name).ftm
    if schema is None:
        raise LookupError(f"the table {table.name!r} declares no FollowTheMoney schema")
    return schema


def entity(schema: str, id_: str, **properties: list[str]) -> Entity:
    """An entity of the schema, with the properties that have values."""
    return {"id": id_, "schema": schema,
            "properties": {name: values for name, values in properties.items() if values}}


def values(*items: Any) -> list[str]:
    """The items as property values: None and empty text left out."""
    return [str(item) for item in items if item not in (None, "")]


def split(joined: str | None) -> list[str]:
    """The distinct values `joined` aggregated, sorted."""
    return sorted(set(joined.split(SEPARATOR))) if joined else []


def joined(column: ColumnElement, *where: ColumnElement) -> Any:
    """Every value of column matching where, in one string: one row per record, any database."""
    return select(func.aggregate_strings(column, SEPARATOR)).where(*where).scalar_subquery()


def country(name: str | None) -> list[str]:
    """A country's name as its FtM code, if it is one we know."""
    code = COUNTRY_CODES.get((name or "").strip().lower())
    return [code] if code else []


def ftm_dates(edtf: str | None, start: date | None, end: date | None) -> dict[str, list[str]]:
    """An EDTF date as FtM dates, which are ISO prefixes: never more precise than the source.

    An ISO prefix is a `date`; an interval or a part of a year becomes `startDate` and
    `endDate`, its sub-year ends given as the months they begin and end in.
    """
    if not edtf:
        return {}
    if ISO_PREFIX.fullmatch(edtf):
        return {"date": [edtf]}
    first, _, last = edtf.partition("/")
    dates = {"startDate": _date_end(first, start), "endDate": _date_end(last or first, end)}
    return {name: [value] for name, value in dates.items() if value}


def _date_end(part: str, bound: date | None) -> str | None:
    if not part or part == "..":
        return None
    if ISO_PREFIX.fullmatch(part):
        return part
    return bound.isoformat()[:7] if bound else None  # seasons, quarters, halves: whole months


Provenance = Callable[..., dict[str, list[str]]]  # (source id, table, record id)


def provenance(conn: Connection) -> Provenance:
    """The `sourceUrl` and `publisher` of a record: its source's, and those of the further
    sources that support or date it (`evidence`), every source read once."""
    table = Base.metadata.tables["sources"]
    sources = {row.id: row for row in conn.execute(select(table))}
    evidence = Base.metadata.tables["evidence"]
    further: dict[tuple[str, str], list[str]] = {}
    for record_table, record_id, source_id in conn.execute(
            select(evidence.c.record_table, evidence.c.record_id, evidence.c.source_id)
            .where(evidence.c.stance != "disputes", evidence.c.record_id.is_not(None))
            .order_by(evidence.c.source_id)):
        further.setdefault((record_table, record_id), []).append(source_id)

    def of(source_id: str, record_table: str = "", record_id: str = "") -> dict[str, list[str]]:
        found = [sources[s] for s in dict.fromkeys(
            [source_id, *further.get((record_table, record_id), [])]) if s in sources]
        return {"sourceUrl": values(*dict.fromkeys(s.url for s in found)),
                "publisher": values(*dict.fromkeys(s.publisher for s in found))}

    return of


# A mapper: the entities of one table's records (`progress` reported as they are read).
Mapper = Callable[["Connection", Provenance, "Progress | None"], Iterator[Entity]]
