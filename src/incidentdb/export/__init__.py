"""Exports: every table out as CSV (with a Frictionless Data Package), JSON, NDJSON, FtM,
or into a SQLite copy of the whole database.

One module per concern: `tables` (the tables worth exporting, one snapshot of them,
their rows in batches), `formats` (the registry of formats: the one place a format
is declared), one module per format (`csv` with `datapackage`, `json` for json and
ndjson, the `ftm` package: one mapper per FollowTheMoney schema, `sqlite`: a copy of
the database in one file), `files` (atomic files) and `writing` (an export into a
folder, onto a stream, or into a database file).

Rows are streamed in batches, so a table of any size goes out in constant memory. A
file is written under a temporary name in the target folder and renamed only when
complete: an interrupted export leaves no truncated file with a real name behind. On
PostgreSQL all tables are read in one REPEATABLE READ transaction, so the files agree
with each other.

CSV cells follow the rule every CSV of incidentdb follows (`spreadsheet.csv_cell`): a
text cell a spreadsheet could run as a formula is neutralised unless the caller asks
for raw values. JSON keeps values as they are.

The public names below are imported on first use: the CLI reads the format registry
(`incidentdb.export.formats`) to build its options, and this package must not load
SQLAlchemy for that.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from incidentdb.export.datapackage import data_package
    from incidentdb.export.formats import FORMATS, Format, format_named
    from incidentdb.export.ftm import MAPPERS, entities, entity_id, ftm_dates, sentence_phrase
    from incidentdb.export.tables import (
        CASE_SUMMARY,
        ExportError,
        exportable_tables,
        resolve_tables,
    )
    from incidentdb.export.writing import (
        ExportReport,
        WrittenFile,
        export_database,
        export_stream,
        export_tables,
    )

# Each public name, and the module (under incidentdb.export) that holds it.
_PUBLIC = {
    "data_package": "datapackage",
    "FORMATS": "formats", "Format": "formats", "format_named": "formats",
    "MAPPERS": "ftm", "entities": "ftm", "entity_id": "ftm", "ftm_dates": "ftm",
    "sentence_phrase": "ftm",
    "CASE_SUMMARY": "tables", "ExportError": "tables",
    "exportable_tables": "tables", "resolve_tables": "tables",
    "ExportReport": "writing", "WrittenFile": "writing", "export_stream": "writing",
    "export_database": "writing",
    "export_tables": "writing",
}
__all__ = [  # the same names: a literal, for linters and type checkers
    "CASE_SUMMARY", "FORMATS", "MAPPERS", "ExportError", "ExportReport", "Format",
    "WrittenFile", "data_package", "entities", "entity_id", "export_database",
    "export_stream", "export_tables",
    "exportable_tables", "format_named", "ftm_dates", "resolve_tables", "sentence_phrase",
]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_PUBLIC[name]}"), name)
