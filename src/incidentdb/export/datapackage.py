"""The Frictionless Data Package (v2) that describes the CSV files of an export.

Fields, keys and references come from the SQLAlchemy metadata; the resources'
descriptions from the tables' comments or their models' docstrings; the sources'
titles, addresses and licence notes from the `sources` table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric, String, select

from incidentdb.export import tables as export_tables
from incidentdb.models import DECLARATIONS, Base

if TYPE_CHECKING:
    from sqlalchemy import Column, Table
    from sqlalchemy.engine import Connection

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
# Checked in order: Text is a String, so the generic types come last.
FIELD_TYPES: tuple[tuple[type, str], ...] = (
    (Boolean, "boolean"), (DateTime, "datetime"), (Date, "date"), (Integer, "integer"),
    (Float, "number"), (Numeric, "number"), (String, "string"),
)
NEUTRALISED_CELLS = (
    "A text cell that a spreadsheet could run as a formula (one beginning with =, +, -, @, "
    "a tab, a carriage return or a fullwidth ＝ ＋ － ＠, also after white space or a line "
    "break) is prefixed with ' against formula injection.")
RAW_CELLS = "Cells are written as they are (no spreadsheet formula neutralisation)."


def _field_type(column: Column) -> str:
    for sql_type, name in FIELD_TYPES:
        if isinstance(column.type, sql_type):
            return name
    return "any"


def _field(column: Column) -> dict[str, Any]:
    described: dict[str, Any] = {"name": column.name, "type": _field_type(column)}
    if column.comment:
        described["description"] = column.comment
    if not column.nullable:
        described["constraints"] = {"required": True}
    return described


def _foreign_keys(table: Table, exported: set[str]) -> list[dict[str, Any]]:
    """The table's references to exported tables (a reference elsewhere cannot be checked)."""
    foreign_keys = []
    for constraint in sorted(table.foreign_key_constraints, key=lambda c: list(c.column_keys)):
        target = constraint.referred_table.name
        if target not in exported:  # a subset export: the reference cannot be checked
            continue
        reference: dict[str, Any] = {"fields": [e.column.name for e in constraint.elements]}
        if target != table.name:  # Data Package v2: no resource means this one
            reference = {"resource": target, **reference}
        foreign_keys.append({"fields": list(constraint.column_keys), "reference": reference})
    return foreign_keys


def _resource(table: Table, exported: set[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "$schema": SCHEMA_PROFILE,
        "fields": [_field(column) for column in export_tables.exported(table)],
        "primaryKey": [column.name for column in table.primary_key.columns],
    }
    foreign_keys = _foreign_keys(table, exported)
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    resource: dict[str, Any] = {
        "name": table.name, "type": "table", "path": f"{table.name}.csv", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8",
    }
    description = table.comment or _model_docstrings().get(table.name)
    if description:
        resource["description"] = description
    return {**resource, "schema": schema}


def _model_docstrings() -> dict[str, str]:
    """Each model's docstring, first paragraph, by table: the resources' descriptions."""
    described = {}
    for declaration in DECLARATIONS:
        doc = (declaration.model.__doc__ or "").strip()
        if doc:
            described[declaration.name] = " ".join(doc.split("\n\n")[0].split())
    return described


def data_package(conn: Connection, tables: Sequence[Table], *,
                 neutralised: bool = True) -> dict[str, Any]:
    """A Frictionless Data Package (v2) describing the CSV files of these tables."""
    sources = Base.metadata.tables["sources"]
    rows = conn.execute(select(sources).order_by(sources.c.id)).all()
    notes = [f"{row.title}: {row.licence}" for row in rows if row.licence]
    package: dict[str, Any] = {
        "$schema": PACKAGE_PROFILE,
        "name": "incidentdb",
        "title": "incidentdb: human-rights incidents",
        "description": " ".join(["Records extracted from the sources listed, each with the "
                                 "verbatim excerpt that supports it.",
                                 NEUTRALISED_CELLS if neutralised else RAW_CELLS, *notes]),
        "sources": [{"title": row.title, **({"path": row.url} if row.url else {})}
                    for row in rows],
    }
    licenses = [{"title": row.licence, "path": row.url} for row in rows
                if row.licence and row.url]
    if licenses:
        package["licenses"] = licenses
    exported = {table.name for table in tables}
    package["resources"] = [_resource(table, exported) for table in tables]
    return package


def write_package(conn: Connection, tables: Sequence[Table], stream: IO[str], *,
                  neutralised: bool) -> None:
    """Write the data package of these tables' CSV files as indented JSON."""
    json.dump(data_package(conn, tables, neutralised=neutralised), stream,
              indent=2, ensure_ascii=False)
    stream.write("\n")
