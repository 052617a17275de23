"""The export formats, registered in one place: `FORMATS`.

A format is a name, its words in `--format`'s help, and the function that writes it
(named "module.function" under incidentdb.export, imported only when used: the CLI
reads this registry to build its options, without loading SQLAlchemy). A table format
writes each table to its own file, `<table>.<name>`; a whole-database format writes
every record into one file and takes no table names. The writer of either is called
as `write(conn, table, stream, neutralised=..., progress=...)` and returns the rows
(or entities) it wrote; a whole-database format is given no table. A database format
(`sqlite`) writes no folder: `--out` names the database file it makes, a copy of every
table, by `copy(engine, path, progress=...)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from sqlalchemy import Table
    from sqlalchemy.engine import Connection, Engine

    from incidentdb.shapes import Progress

PACKAGE_FILE = "datapackage.json"
ENTITIES_FILE = "entities.ftm.json"


class Writer(Protocol):
    def __call__(self, conn: Connection, table: Table | None, stream: IO[str], *,
                 neutralised: bool, progress: Progress | None) -> int: ...


class Copier(Protocol):
    def __call__(self, engine: Engine, path: Path, progress: Progress | None) -> int: ...


class PackageWriter(Protocol):
    def __call__(self, conn: Connection, tables: Sequence[Table], stream: IO[str], *,
                 neutralised: bool) -> None: ...


def _function(name: str) -> Any:
    module, _, function = name.rpartition(".")
    return getattr(import_module(f"incidentdb.export.{module}"), function)


@dataclass(frozen=True)
class Format:
    name: str
    help: str  # its words in --format's help
    writer: str  # "module.function" under incidentdb.export: a Writer
    unit: str = "rows"  # what it writes, counted in the summary
    whole_database: bool = False  # every record into `file`, no table named
    file: str = ""  # the one file of a whole-database format
    package: str = ""  # a file describing the others, written after them...
    package_writer: str = ""  # ...by this PackageWriter
    neutralised: bool = False  # its text cells are neutralised unless --raw
    database: bool = False  # a database file at --out, every table in it: a Copier

    def copy(self, engine: Engine, path: Path, progress: Progress | None) -> int:
        """Write the database format's file at `path`; return the rows copied."""
        copier: Copier = _function(self.writer)
        return copier(engine, path, progress)

    def write(self, conn: Connection, table: Table | None, stream: IO[str], *,
              neutralised: bool, progress: Progress | None) -> int:
        writer: Writer = _function(self.writer)
        return writer(conn, table, stream, neutralised=neutralised, progress=progress)

    def write_package(self, conn: Connection, tables: Sequence[Table], stream: IO[str], *,
                      neutralised: bool) -> None:
        writer: PackageWriter = _function(self.package_writer)
        writer(conn, tables, stream, neutralised=neutralised)

    def file_name(self, table: Table) -> str:
        """The file a table format writes the table to."""
        return f"{table.name}.{self.name}"


FORMATS: dict[str, Format] = {fmt.name: fmt for fmt in (
    Format("csv", f"csv (with {PACKAGE_FILE})", "csv.write_table", neutralised=True,
           package=PACKAGE_FILE, package_writer="datapackage.write_package"),
    Format("json", "json (one array per file)", "json.write_array"),
    Format("ndjson", "ndjson (one object per line)", "json.write_lines"),
    Format("ftm", f"ftm (FollowTheMoney entities in {ENTITIES_FILE})", "ftm.write_entities",
           unit="entities", whole_database=True, file=ENTITIES_FILE),
    Format("sqlite", "sqlite (a copy of the whole database in one SQLite file: --out names it)",
           "sqlite.copy_database", database=True),
)}
DEFAULT = "csv"


def format_named(name: str) -> Format:
    """The format of that name, or ExportError listing the formats."""
    if name not in FORMATS:
        from incidentdb.export.tables import ExportError

        raise ExportError(f"unknown format {name!r}; formats: {', '.join(FORMATS)}")
    return FORMATS[name]


def formats_help() -> str:
    """Every format's help, in one sentence: `a, b, or c.`"""
    *others, last = (fmt.help for fmt in FORMATS.values())
    return f"{', '.join(others)}, or {last}."
